"""Old-age income: basic pensions (resident and employee schemes), farming, children's support.

Seeds: 000 (八) (the resident scheme's basic pension raised by a regular adjustment; the
government pays the lowest premium for registered-poor, dibao and destitute people; those over
60 without a pension brought into the scheme; flexible workers encouraged into the employee
scheme), 001 二(二)4(1)-(2) (residents join where their hukou is; benefits from age 60),
002 (十) (adjustment of the basic pension; portability into the urban scheme), 004 (五)
(enrolment drive).

A retired head couple with at least ``employee_min_contribution_months`` of employee insurance
draws the employee pension, which follows wages; every other member aged 60 or over draws the
resident basic pension, which rises at its own rate. Pensions are paid wherever the household
lives, so they change no choice of place directly, but they are income in the dibao means test
and the housing-need test. The elderly also live on what they still farm and on support from
their children living apart (legally owed, 赡养, and counted in the means test), both behaviour
rather than policy. Premiums the government pays for the poor are an outlay and, since
coverage is taken as universal here, nothing else (outlay-only by design).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit
from model.households import RETIREMENT_AGE
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World

ELDERLY_FARMING_UNTIL = 75.0  # rural heads keep farming some land until about this age


def add_pension_income(w: World, income: np.ndarray) -> None:
    """Add every household's pensions and children's support of its elderly members
    (CNY/month, float32) to ``income``."""
    hh, policy = w.hh, w.cfg.pensions
    years = w.month / 12
    resident = (
        policy.resident_pension_cny_per_month
        * (1 + policy.resident_pension_growth_pct_per_year / 100) ** years
    )
    _add_pensions(
        hh.elderly,
        hh.insurance_months,
        hh.parents,
        np.float32(resident),
        np.float32(w.cny(policy.employee_pension_cny_per_month)),
        policy.employee_min_contribution_months,
        np.float32(w.cny(policy.support_from_children_cny_per_month)),
        income,
    )


@jit
def _add_pensions(
    elderly: np.ndarray,
    insurance_months: np.ndarray,
    parents: np.ndarray,
    resident: np.float32,
    employee: np.float32,
    employee_min_months: int,
    support: np.float32,
    income: np.ndarray,
) -> None:
    """Retired heads draw the employee pension if insured long enough, else the resident one;
    the head's parents the resident one; every elderly member gets the children's support.
    (The elderly are the retired head couple and the parents: ``Households.refresh_age_groups``.)
    """
    for i in range(elderly.size):
        retired_heads = elderly[i] - parents[i]
        per_head = employee if insurance_months[i] >= employee_min_months else resident
        pension = np.float32(retired_heads) * per_head + np.float32(parents[i]) * resident
        income[i] += pension + support * np.float32(elderly[i])


def add_elderly_farm_income(w: World, income: np.ndarray, rural_wage: np.ndarray) -> None:
    """Add the farm income of retired heads still working their land in the village (float32)
    to ``income``."""
    hh = w.hh
    share = np.float32(w.cfg.pensions.elderly_farm_work_share)
    _add_farm_income(
        hh.couple, hh.head_age_years, hh.location, w.places.is_rural, rural_wage, share, income
    )


@jit
def _add_farm_income(
    couple: np.ndarray,
    head_age_years: np.ndarray,
    location: np.ndarray,
    is_rural: np.ndarray,
    rural_wage: np.ndarray,
    share: np.float32,
    income: np.ndarray,
) -> None:
    """Retired heads (not yet too old) of village households farm some of their land."""
    for i in range(couple.size):
        age = head_age_years[i]
        old = np.float32(RETIREMENT_AGE) <= age < np.float32(ELDERLY_FARMING_UNTIL)
        if old and is_rural[location[i]]:
            income[i] += np.float32(np.float32(couple[i]) * share * rural_wage[location[i]])


def book_pension_premiums(w: World) -> None:
    """Premiums the government pays for working-age members of poor and dibao households."""
    hh, policy = w.hh, w.cfg.pensions
    if not policy.premiums_paid_for_poor or policy.resident_premium_cny_per_year <= 0:
        return
    poor = np.flatnonzero(hh.poverty_registered | hh.dibao)
    persons = (hh.adults[poor] * hh.weight[poor]).sum(dtype=np.float64)
    paid = persons * policy.resident_premium_cny_per_year * w.months_per_step / 12
    w.flows.add("outlay_pension_premiums_cny", paid)


@dataclass
class PensionPolicy:
    """Basic pension rules (region)."""

    resident_pension_cny_per_month: float = lever(
        150.0,
        unit="CNY/person/month",
        low=0,
        high=1e5,
        doc="Resident basic pension (城乡居民基本养老保险) per member aged 60+ without an "
        "employee pension, at the start.",
        seeds="000 (八); 001 二(二)4(2)",
    )
    resident_pension_growth_pct_per_year: float = lever(
        4.0,
        unit="%/year",
        low=-20,
        high=50,
        doc="Yearly rise of the resident basic pension (the regular adjustment).",
        seeds="000 (八); 002 (十)",
    )
    employee_pension_cny_per_month: float = lever(
        2500.0,
        unit="CNY/person/month",
        low=0,
        high=1e5,
        doc="Employee basic pension per retired member with the minimum contribution record, "
        "in start-year CNY (it follows wages).",
        seeds="000 (八); 002 (十)",
    )
    employee_min_contribution_months: int = lever(
        180,
        unit="months",
        low=0,
        high=600,
        doc="Months of employee insurance needed for the employee pension (15 years).",
    )
    premiums_paid_for_poor: bool = lever(
        True,
        unit="flag",
        doc="The government pays the lowest resident premium for working-age members of "
        "registered-poor and dibao households (outlay only: coverage is taken as universal).",
        seeds="000 (八)",
    )
    resident_premium_cny_per_year: float = lever(
        100.0,
        unit="CNY/person/year",
        low=0,
        high=1e5,
        doc="The lowest resident premium grade, paid for the poor.",
        seeds="000 (八)",
    )
    support_from_children_cny_per_month: float = lever(
        300.0,
        unit="CNY/person/month",
        low=0,
        high=1e5,
        doc="Support an elderly person receives from children living apart, in start-year CNY "
        "(behaviour, not policy; assumption, fitted to dibao caseloads where data allow).",
    )
    elderly_farm_work_share: float = lever(
        0.5,
        unit="share of a worker's farm income",
        low=0,
        high=1,
        doc="Farm income of a retired villager under 75, as a share of a working adult's "
        "(behaviour, not policy; assumption).",
    )
