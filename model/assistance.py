"""Social assistance: the minimum living allowance (dibao 低保) and temporary relief.

Seeds: 003 一(二) (a unified urban-rural standard of 800 CNY per person-month; low-income incidence
within 2 %), 003 二(一)1 (top-up level at least 75 % of the standard in towns, 50 % in villages),
003 一(三) (households that leave the dibao keep it for 6 more months), 003 二(二)1 (the list is
reviewed every half year), 001 二(一)3(1) (registered rural people living a year in another part
of the city may apply where they live), 001 二(一)3(2) and 002 (十四) (temporary relief wherever
the emergency happens, hukou or not), 000 (十) (poor migrants brought into assistance).

A household qualifies when its income per person (wages plus land income, before transfers) is
below the standard of the place where it may claim: its hukou place, or its city of residence
after the months of residence required there. People from outside the region and households
living outside it claim nothing here. The benefit per person and month is the top-up share times
the standard, or, where the income gap is paid (003 二(一)1, 补差), the gap between the standard
and the income per person, no less than that share. Where 003 一(三) applies, dibao households
able to work are registered as poor and reach what the registered poor are offered first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model import dibao
from model.compiled import jit
from model.households import UNEMPLOYED
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World


def administer_assistance(w: World) -> None:
    """Phase: eligible households join the dibao; reviews end it after the grace months; relief."""
    hh, policy, rng = w.hh, w.cfg.assistance, w.rng
    months = w.months_per_step
    _pay_temporary_relief(w)
    if dibao.no_dibao(w) and not hh.dibao.any():
        return  # nobody can fall below a zero standard
    income_pp = dibao.income_per_person(w)
    place, below = dibao.claims(
        hh.hukou_place,
        hh.location,
        hh.months_in_place,
        w.places.is_outside,
        float(policy.months_residence_where_not_registered),
        income_pp,
        dibao.standard_cny_per_person_month(w, np.arange(w.places.n)),
    )

    candidates = np.flatnonzero(below & ~hh.dibao)
    hh.dibao[candidates[rng.random(candidates.size) < policy.take_up_share]] = True
    review_due = (w.months_run // policy.review_interval_months) != (
        (w.months_run + months) // policy.review_interval_months
    )
    _review_caseload(
        below,
        place,
        hh.adults,
        hh.dibao,
        hh.dibao_grace_months,
        hh.poverty_registered,
        policy.months_kept_after_exit,
        months,
        review_due,
        policy.able_bodied_dibao_registered_poor,
    )

    recipients = np.flatnonzero(hh.dibao)
    at = place[recipients]
    benefit = dibao.benefit_per_person(w, at, income_pp[recipients])
    persons = hh.size_of(recipients) * hh.weight[recipients]
    paid = (benefit * persons).sum(dtype=np.float64)
    w.flows.add("outlay_dibao_cny", paid * months)


def _pay_temporary_relief(w: World) -> None:
    """One-off relief to city households that lost all work (when the lever is on)."""
    hh, policy = w.hh, w.cfg.assistance
    if policy.temporary_relief_cny > 0:
        hit = _out_of_work_in_city(w.places.is_city, hh.location, hh.employment)
        relief = hh.weight[np.flatnonzero(hit)].sum(dtype=np.float64) * policy.temporary_relief_cny
        w.flows.add("outlay_temporary_relief_cny", relief)


@jit
def _review_caseload(
    below: np.ndarray,
    place: np.ndarray,
    adults: np.ndarray,
    dibao: np.ndarray,
    grace_months: np.ndarray,
    poverty_registered: np.ndarray,
    months_kept_after_exit: int,
    months: int,
    review_due: bool,
    able_bodied_registered_poor: bool,
) -> None:
    """Recipients below the line keep their grace months; those above see them run down and
    leave at a review once they are spent; those who moved away from where they could claim
    leave; able-bodied recipients are registered as poor where the rule says so."""
    for i in range(dibao.size):
        if dibao[i] and below[i]:
            grace_months[i] = months_kept_after_exit
        above = dibao[i] and not below[i]  # income rose: the grace months run down
        if above:
            grace_months[i] = max(grace_months[i] - months, 0)
            if review_due and grace_months[i] <= 0:
                dibao[i] = False
        if place[i] < 0:
            dibao[i] = False
        if able_bodied_registered_poor and dibao[i] and adults[i] > 0:
            poverty_registered[i] = True


@jit
def _out_of_work_in_city(
    is_city: np.ndarray, location: np.ndarray, employment: np.ndarray
) -> np.ndarray:
    """Whether each household lives in a city with all its workers out of work."""
    out = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        out[i] = is_city[location[i]] and employment[i] == UNEMPLOYED
    return out


@dataclass
class AssistancePolicy:
    """Dibao and temporary relief rules of the region."""

    urban_standard_cny_per_person_month: float = lever(
        700.0,
        unit="CNY/person/month",
        low=0,
        high=1e5,
        doc="Urban dibao standard (income line per person).",
        seeds="003 一(二); 001 二(一)3(3)",
    )
    rural_standard_cny_per_person_month: float = lever(
        500.0,
        unit="CNY/person/month",
        low=0,
        high=1e5,
        doc="Rural dibao standard (ignored when the standard is unified).",
        seeds="003 一(二); 001 二(一)3(3)",
    )
    urban_standard_growth_pct_per_year: float = lever(
        0.0,
        unit="%/year",
        low=-20,
        high=50,
        doc="Yearly rise of the urban standard (standards are raised with living costs).",
        seeds="000 (十); 003 二(一)1",
    )
    rural_standard_growth_pct_per_year: float = lever(
        0.0,
        unit="%/year",
        low=-20,
        high=50,
        doc="Yearly rise of the rural standard; faster than the urban one narrows the gap "
        "(never above the urban standard).",
        seeds="001 二(一)3(3); 003 一(二)",
    )
    standard_growth_years: float = lever(
        100.0,
        unit="years",
        low=0,
        high=100,
        doc="Years from the start during which the stated growth rates apply; afterwards both "
        "standards rise with wages (a projection assumption beyond the observed years).",
    )
    unified_standard: bool = lever(
        False,
        unit="flag",
        doc="One urban-rural standard: the urban one applies in villages too.",
        seeds="003 一(二), 二(一)1",
    )
    urban_top_up_share: float = lever(
        0.75,
        unit="share of standard",
        low=0,
        high=1,
        doc="Benefit per person in cities and towns, as a share of the standard.",
        seeds="003 二(一)1",
    )
    rural_top_up_share: float = lever(
        0.5,
        unit="share of standard",
        low=0,
        high=1,
        doc="Benefit per person in villages, as a share of the standard.",
        seeds="003 二(一)1",
    )
    months_residence_where_not_registered: int = lever(
        12,
        unit="months",
        low=0,
        high=600,
        doc="Months a registered household must live in a city of the region other than its "
        "hukou place before it may claim there.",
        seeds="001 二(一)3(1)",
    )
    months_kept_after_exit: int = lever(
        6,
        unit="months",
        low=0,
        high=120,
        doc="Months a household keeps the benefit after its income rises above the standard.",
        seeds="003 一(三)",
    )
    review_interval_months: int = lever(
        6,
        unit="months",
        low=1,
        high=60,
        doc="Months between reviews of who stays on the dibao.",
        seeds="003 二(二)1",
    )
    pays_income_gap: bool = lever(
        False,
        unit="flag",
        doc="The benefit per person is the gap between the standard and the income per person "
        "(补差), and no less than the top-up share of the standard; off: the top-up share of "
        "the standard to every recipient.",
        seeds="003 二(一)1",
    )
    able_bodied_dibao_registered_poor: bool = lever(
        False,
        unit="flag",
        doc="Dibao households with a working-age member are registered as poor (建档立卡) and "
        "so reach the programmes that put the registered poor first.",
        seeds="003 一(三)",
    )
    take_up_share: float = lever(
        0.8,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of eligible households that apply (assumption).",
    )
    temporary_relief_cny: float = lever(
        0.0,
        unit="CNY/household",
        low=0,
        high=1e6,
        doc="One-off relief paid to a city household that loses all work in a step, hukou or not.",
        seeds="001 二(一)3(2); 002 (十四)",
    )
