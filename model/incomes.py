"""Household income: wages, a village business, pensions, farming in old age, family support.

Income is what the means-tested programmes read (the dibao's income per person, the housing-need
ceiling): the working adults' wages where they live and work (:mod:`model.labour`), a
loan-financed village business (:mod:`model.skills`), and the old-age income of the elderly
(:mod:`model.pensions`) and a public-welfare post in the village (:mod:`model.employment_support`).
It is summed once a step, after the labour market, so that every
programme of the step sees the same figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import employment_support, pensions, skills
from model.labour import household_wage

if TYPE_CHECKING:
    from model.world import World


def sum_incomes(w: World) -> None:
    """Phase: each household's income this step (CNY/month, before any dibao)."""
    hh = w.hh
    income = hh.income_cny_per_month
    np.multiply(household_wage(w), hh.adults, out=income)
    skills.add_entrepreneur_income(w, income, slice(None))
    pensions.add_pension_income(w, income)
    pensions.add_elderly_farm_income(w, income, w.places.labour.rural_wage)
    income += employment_support.post_wage_cny_per_month(w, slice(None))
