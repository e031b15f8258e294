"""Demography: ageing, children reaching and leaving school age, retirement and deaths.

Households keep three member counts (working-age adults, school-age children, elderly). Younger
children are not tracked: a child appears when it reaches school age (births of the past, at a
configured rate per young household), leaves school age as a working adult, and adults move to
the elderly count when the head passes the retirement age. Rates are per person-year (or per
household-year for school entries) and are assumptions until calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.households import add_months
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World

MAX_ADULTS, MAX_CHILDREN, MAX_ELDERLY = 8, 6, 4


@dataclass
class DemographyConfig:
    """Demographic rates (behaviour of the population, not policy)."""

    enabled: bool = lever(
        True,
        unit="flag",
        doc="Members change (entries, exits, retirement, deaths); else only time.",
    )
    school_entry_per_household_year: float = lever(
        0.06,
        unit="children/household/year",
        low=0,
        high=2,
        doc="Children reaching school age per year, per household whose head is under "
        "max_parent_age (births of six years before).",
    )
    max_parent_age: float = lever(
        45.0, unit="years", low=15, high=80, doc="Oldest head age at which children still arrive."
    )
    school_years: float = lever(
        9.0, unit="years", low=1, high=20, doc="Years a child stays of school age (6-15)."
    )
    retirement_age: float = lever(
        60.0,
        unit="years",
        low=40,
        high=80,
        doc="Head age after which one working adult a year becomes elderly.",
    )
    adult_mortality_per_year: float = lever(
        0.002, unit="probability/year", low=0, high=1, doc="Death rate of working-age adults."
    )
    elderly_mortality_per_year: float = lever(
        0.04, unit="probability/year", low=0, high=1, doc="Death rate of the elderly."
    )


def age_households(w: World) -> None:
    """Phase: ageing, school entries and exits, retirement, deaths; months in place accrue."""
    hh, cfg, rng = w.hh, w.cfg.demography, w.rng
    months = w.months_per_step
    years = months / 12
    hh.age_head_years += np.float32(years)
    add_months(hh.months_in_place, months)
    if not cfg.enabled:
        return
    n = len(hh)
    weight = hh.weight.astype(np.float64)

    # At most one event of each kind per household and step (steps are months to a quarter,
    # so two deaths or two school leavers in one household in one step are negligible).
    u = rng.random((5, n), dtype=np.float32)
    young = hh.age_head_years < cfg.max_parent_age
    p_entry = min(cfg.school_entry_per_household_year * years, 1.0)
    entering = young & (u[0] < p_entry) & (hh.children < MAX_CHILDREN)
    leaving = u[1] < _any_of(hh.children, years / cfg.school_years)
    to_adult = leaving & (hh.adults < MAX_ADULTS)
    hh.children += entering.astype(np.int8) - leaving
    hh.adults += to_adult  # grown children stay as workers; beyond the cap they move out

    retiring = (hh.age_head_years >= cfg.retirement_age) & (hh.adults > 0)
    retiring &= (u[2] < min(years, 1.0)) & (hh.elderly < MAX_ELDERLY)
    hh.adults -= retiring
    hh.elderly += retiring

    p_adult = 1 - (1 - cfg.adult_mortality_per_year) ** years
    p_elderly = 1 - (1 - cfg.elderly_mortality_per_year) ** years
    adult_death = u[3] < _any_of(hh.adults, p_adult)
    elderly_death = u[4] < _any_of(hh.elderly, p_elderly)
    hh.adults -= adult_death
    hh.elderly -= elderly_death

    w.flows.add("children_reaching_school_age", weight[entering].sum())
    w.flows.add("deaths", weight[adult_death].sum() + weight[elderly_death].sum())
    w.flows.add("persons_leaving_households", weight[leaving & ~to_adult].sum())


def _any_of(count: np.ndarray, p: float) -> np.ndarray:
    """Chance that at least one of ``count`` persons has an event of probability ``p``."""
    table = 1.0 - (1.0 - min(p, 1.0)) ** np.arange(16, dtype=np.float32)
    return table[count]
