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

from model.levers import lever

if TYPE_CHECKING:
    from model.world import World

_MONTHS_CAP = np.iinfo(np.int16).max
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
    np.minimum(hh.months_in_place, _MONTHS_CAP - months, out=hh.months_in_place)
    hh.months_in_place += months
    if not cfg.enabled:
        return
    n = len(hh)
    weight = hh.weight.astype(np.float64)

    young = hh.age_head_years < cfg.max_parent_age
    p_entry = min(cfg.school_entry_per_household_year * years, 1.0)
    entering = young & (rng.random(n, dtype=np.float32) < p_entry) & (hh.children < MAX_CHILDREN)
    leaving = rng.binomial(hh.children, min(years / cfg.school_years, 1.0)).astype(np.int8)
    to_adults = np.minimum(leaving, MAX_ADULTS - hh.adults).astype(np.int8)
    hh.children += entering.astype(np.int8) - leaving
    hh.adults += to_adults  # grown children stay as workers; beyond the cap they move out

    retiring = (hh.age_head_years >= cfg.retirement_age) & (hh.adults > 0)
    retiring &= rng.random(n, dtype=np.float32) < min(years, 1.0)
    retiring &= hh.elderly < MAX_ELDERLY
    hh.adults -= retiring.astype(np.int8)
    hh.elderly += retiring.astype(np.int8)

    adult_deaths = rng.binomial(hh.adults, 1 - (1 - cfg.adult_mortality_per_year) ** years)
    elderly_deaths = rng.binomial(hh.elderly, 1 - (1 - cfg.elderly_mortality_per_year) ** years)
    hh.adults -= adult_deaths.astype(np.int8)
    hh.elderly -= elderly_deaths.astype(np.int8)

    w.flows.add("children_reaching_school_age", (entering * weight).sum())
    w.flows.add("deaths", ((adult_deaths + elderly_deaths) * weight).sum())
    w.flows.add("persons_leaving_households", ((leaving - to_adults) * weight).sum())
