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

    # At most one event of each kind per household and step (steps are months to a quarter,
    # so two deaths or two school leavers in one household in one step are negligible).
    # Events are rare: draw who has one sparsely rather than a uniform per household.
    p_entry = min(cfg.school_entry_per_household_year * years, 1.0)
    entering = _events(rng, n, p_entry)
    entering &= (hh.age_head_years < cfg.max_parent_age) & (hh.children < MAX_CHILDREN)
    leaving = _any_of(rng, hh.children, years / cfg.school_years)
    to_adult = leaving & (hh.adults < MAX_ADULTS)
    hh.children += entering.astype(np.int8) - leaving
    hh.adults += to_adult  # grown children stay as workers; beyond the cap they move out

    retiring = (hh.age_head_years >= cfg.retirement_age) & (hh.adults > 0)
    retiring &= hh.elderly < MAX_ELDERLY
    retiring[retiring] = rng.random(np.count_nonzero(retiring)) < min(years, 1.0)
    hh.adults -= retiring
    hh.elderly += retiring

    p_adult = 1 - (1 - cfg.adult_mortality_per_year) ** years
    p_elderly = 1 - (1 - cfg.elderly_mortality_per_year) ** years
    adult_death = _any_of(rng, hh.adults, p_adult)
    elderly_death = _any_of(rng, hh.elderly, p_elderly)
    hh.adults -= adult_death
    hh.elderly -= elderly_death

    weight = hh.weight
    w.flows.add("children_reaching_school_age", weight[entering].sum(dtype=np.float64))
    deaths = weight[adult_death].sum(dtype=np.float64) + weight[elderly_death].sum(dtype=np.float64)
    w.flows.add("deaths", deaths)
    w.flows.add("persons_leaving_households", weight[leaving & ~to_adult].sum(dtype=np.float64))


def _any_of(rng: np.random.Generator, count: np.ndarray, p: float) -> np.ndarray:
    """Whether at least one of each household's ``count`` persons has an event of chance ``p``."""
    table = 1.0 - (1.0 - min(p, 1.0)) ** np.arange(128, dtype=np.float64)
    p_max = table[int(count.max(initial=0))]
    hit = _events(rng, count.size, p_max)
    candidates = np.flatnonzero(hit)
    hit[candidates] = rng.random(candidates.size) * p_max < table[count[candidates]]
    return hit


def _events(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Mask of ``n`` independent trials of chance ``p`` that succeed.

    Rare events are drawn as geometric gaps between successes (work in proportion to the
    successes, not to ``n``); frequent ones with one uniform per trial.
    """
    hit = np.zeros(n, dtype=bool)
    if p <= 0 or n == 0:
        return hit
    if p >= 0.1:
        return rng.random(n, dtype=np.float32) < p
    start = 0
    while start < n:
        expected = (n - start) * p
        gaps = rng.geometric(p, size=int(expected + 6 * expected**0.5 + 16))
        positions = start - 1 + np.cumsum(gaps)
        hit[positions[positions < n]] = True
        start = int(positions[-1]) + 1
    return hit
