"""Demography: ageing, births by the mother's age and place, deaths by age, headship.

Every member has an age a rate can use: the head couple is ``head_age_years`` old, the head's
parents a generation older, grown children a generation younger; children move from under
school age (0-5) to school age (6-14) to grown (15+) at the rates that keep the mean time in
each group right. Births come to couples, at a rate by the mother's age (the head's age less
``HEAD_MINUS_MOTHER_AGE``) shaped like the census age-specific fertility schedule and scaled to
the completed fertility of urban or rural residents (where the couple lives). Deaths follow a
Gompertz-Makeham life table. When the head couple dies, a grown child (or else a parent) heads
the household; a household with nobody left is removed. Grown children leaving home to form
households of their own are in :mod:`model.formation`.

Rates are behaviour of the population, not policy; their defaults and sources are in the
declarations below and in ``data/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit
from model.draws import any_of, bernoulli
from model.households import add_months
from model.levers import lever

if TYPE_CHECKING:
    from model.households import Households
    from model.world import World

MAX_AGE = 120
MAX_PRESCHOOL, MAX_CHILDREN, MAX_GROWN = 6, 9, 9
PRESCHOOL_YEARS, SCHOOL_YEARS = 6.0, 9.0  # ages 0-5 and the nine years of compulsory school
HEAD_MINUS_MOTHER_AGE = 2.0  # heads are mostly husbands, about two years older than wives
# Age-specific fertility of women by five-year group 15-19 ... 45-49 (births per 1,000 women;
# 2010 census, NBS, see data/README.md): only its shape is used, normalized to one birth.
FERTILITY_SCHEDULE_PER_1000 = (5.93, 69.47, 84.08, 45.84, 18.71, 7.51, 4.68)
FERTILITY_FIRST_AGE = 15


def age_population(w: World) -> None:
    """Phase: members age; births, deaths, children growing up; heads succeeded or rows freed."""
    hh, cfg, rng = w.hh, w.cfg.demography, w.rng
    years = w.months_per_step / 12
    add_months(hh.months_in_place, w.months_per_step)
    if not cfg.enabled:  # a frozen population: nobody ages, is born or dies
        return
    # The step's births are booked in the calendar year after the last closed year-end.
    birth_factor = np.float32(years * period_fertility_ratio(cfg, w.year + 1))
    age, p_birth = _age_heads(
        hh.head_age_years,
        np.float32(years),
        w.places.is_rural,
        hh.location,
        hh.couple,
        fertility_per_couple_year(cfg),
        birth_factor,
    )
    born = bernoulli(rng, p_birth)
    del p_birth
    to_school = any_of(rng, hh.preschool, years / PRESCHOOL_YEARS)
    grown_up = any_of(rng, hh.children, years / SCHOOL_YEARS)
    _grow_up(born, to_school, grown_up, hh.preschool, hh.children, hh.grown_children)

    mortality = mortality_per_year(cfg, w.year + 1)
    p_head = 1 - (1 - mortality) ** years
    gap = round(cfg.generation_gap_years)
    p_head_dies, p_parent_dies = _death_chances(
        _at_least_one_table(p_head), hh.couple, hh.parents, age, gap
    )
    head_dies = bernoulli(rng, p_head_dies)
    parent_dies = bernoulli(rng, p_parent_dies)
    del p_head_dies, p_parent_dies
    young = _bury(
        head_dies, parent_dies, hh.couple, hh.parents, hh.preschool, hh.children, hh.grown_children
    )
    young_dies = any_of(rng, young, float(p_head[10]))
    _remove_one_young(hh, young_dies)

    def real(events: np.ndarray) -> float:  # real persons (one per household event)
        return hh.weight[events].astype(np.float64).sum()

    w.flows.add("births", real(born))
    w.flows.add("children_reaching_school_age", real(to_school))
    w.flows.add("deaths", real(head_dies) + real(parent_dies) + real(young_dies))
    _succeed_heads(w, gap)
    hh.refresh_age_groups()


@jit
def _age_heads(
    head_age_years: np.ndarray,
    years: np.float32,
    is_rural: np.ndarray,
    location: np.ndarray,
    couple: np.ndarray,
    fertility: np.ndarray,
    birth_factor: np.float32,
) -> tuple[np.ndarray, np.ndarray]:
    """Heads age ``years``; their age in whole years (capped) and each couple's birth chance."""
    age = np.empty(head_age_years.size, dtype=np.int16)
    p_birth = np.empty(head_age_years.size, dtype=np.float32)
    for i in range(head_age_years.size):
        head_age_years[i] += years
        a = np.int16(min(head_age_years[i], np.float32(MAX_AGE)))
        age[i] = a
        p = min(fertility[0 if is_rural[location[i]] else 1, a] * birth_factor, np.float32(1))
        p_birth[i] = p * np.float32(couple[i] == 2)
    return age, p_birth


@jit
def _grow_up(
    born: np.ndarray,
    to_school: np.ndarray,
    grown_up: np.ndarray,
    preschool: np.ndarray,
    children: np.ndarray,
    grown_children: np.ndarray,
) -> None:
    """Births join the under-school-age, who reach school age, who grow up (up to the caps);
    ``born`` and ``grown_up`` keep only the events that happened."""
    for i in range(born.size):
        born[i] = born[i] and preschool[i] < MAX_PRESCHOOL
        grown_up[i] = grown_up[i] and grown_children[i] < MAX_GROWN
        preschool[i] += np.int8(born[i]) - np.int8(to_school[i])
        children[i] += np.int8(to_school[i]) - np.int8(grown_up[i])
        grown_children[i] += np.int8(grown_up[i])


@jit
def _death_chances(
    table: np.ndarray, couple: np.ndarray, parents: np.ndarray, age: np.ndarray, gap: int
) -> tuple[np.ndarray, np.ndarray]:
    """Chance that the head couple, and that the head's parents, lose at least one member."""
    p_head = np.empty(age.size, dtype=np.float32)
    p_parent = np.empty(age.size, dtype=np.float32)
    for i in range(age.size):
        p_head[i] = table[min(couple[i], 2), age[i]]
        p_parent[i] = table[min(parents[i], 2), min(age[i] + gap, MAX_AGE)]
    return p_head, p_parent


@jit
def _bury(
    head_dies: np.ndarray,
    parent_dies: np.ndarray,
    couple: np.ndarray,
    parents: np.ndarray,
    preschool: np.ndarray,
    children: np.ndarray,
    grown_children: np.ndarray,
) -> np.ndarray:
    """One head and one parent fewer where they died; the young members of every household."""
    young = np.empty(couple.size, dtype=np.int16)
    for i in range(couple.size):
        couple[i] -= np.int8(head_dies[i])
        parents[i] -= np.int8(parent_dies[i])
        young[i] = np.int16(preschool[i]) + np.int16(children[i]) + np.int16(grown_children[i])
    return young


def _succeed_heads(w: World, gap: int) -> None:
    """Households whose head couple died: a grown child, else a parent, heads; else removed."""
    hh = w.hh
    headless = np.flatnonzero((hh.couple == 0) & (hh.weight > 0))
    if headless.size == 0:
        return
    has_child = hh.grown_children[headless] > 0
    has_parent = hh.parents[headless] > 0
    by_child = headless[has_child]
    by_parent = headless[~has_child & has_parent]
    gone = headless[~has_child & ~has_parent]
    hh.couple[by_child] = 1
    hh.grown_children[by_child] -= 1
    hh.head_age_years[by_child] = np.maximum(hh.head_age_years[by_child] - gap, 18)
    hh.couple[by_parent] = hh.parents[by_parent]
    hh.parents[by_parent] = 0
    hh.head_age_years[by_parent] += gap
    left = (hh.preschool[gone] + hh.children[gone].astype(np.float64)) * hh.weight[gone]
    w.flows.add("persons_leaving_households", left.sum())  # orphans go to relatives elsewhere
    w.flows.add("households_dissolved", hh.weight[gone].sum(dtype=np.float64))
    hh.release(gone)


def _remove_one_young(hh: Households, dies: np.ndarray) -> None:
    """One child (grown first, then school age, then preschool) of each household ``dies``."""
    idx = np.flatnonzero(dies)
    grown = hh.grown_children[idx] > 0
    school = ~grown & (hh.children[idx] > 0)
    hh.grown_children[idx[grown]] -= 1
    hh.children[idx[school]] -= 1
    hh.preschool[idx[~grown & ~school]] -= 1


def fertility_per_couple_year(cfg: DemographyConfig) -> np.ndarray:
    """Births per couple-year by the head's age (rows: rural, urban residence; float32)."""
    schedule = np.zeros(MAX_AGE + 1)
    for i, rate in enumerate(FERTILITY_SCHEDULE_PER_1000):
        first = int(FERTILITY_FIRST_AGE + 5 * i + HEAD_MINUS_MOTHER_AGE)
        schedule[first : first + 5] = rate
    schedule /= schedule.sum()
    urban = cfg.completed_fertility_urban
    levels = np.array([[urban * cfg.rural_fertility_ratio], [urban]])
    return (levels * schedule[None, :]).astype(np.float32)


def period_fertility_ratio(cfg: DemographyConfig, year: int) -> float:
    """Fertility in ``year`` relative to the schedule of ``completed_fertility_*``.

    The schedule holds in ``fertility_reference_year``; each year after it (before it)
    fertility is ``fertility_change_pct_per_year`` per cent higher (lower) than the year before.
    """
    return (1 + cfg.fertility_change_pct_per_year / 100) ** (year - cfg.fertility_reference_year)


def mortality_per_year(cfg: DemographyConfig, year: int | None = None) -> np.ndarray:
    """Death rate per person-year by age 0-120 (Gompertz-Makeham), float64.

    Args:
        cfg: The life table's level and slope, and its yearly change.
        year: Calendar year of the deaths; ``None`` (or the reference year) gives the table of
            ``mortality_reference_year``. Every age's rate changes by
            ``mortality_change_pct_per_year`` per cent a year from there.
    """
    ages = np.arange(MAX_AGE + 1, dtype=np.float64)
    slope = np.log(2) / cfg.mortality_doubling_years
    gompertz = (cfg.mortality_at_60_per_year - cfg.mortality_base_per_year) * np.exp(
        slope * (ages - 60)
    )
    trend = 1.0
    if year is not None:
        trend = (1 + cfg.mortality_change_pct_per_year / 100) ** (
            year - cfg.mortality_reference_year
        )
    return np.minimum((cfg.mortality_base_per_year + gompertz) * trend, 1.0)


def cohort_survival(cfg: DemographyConfig, ages: np.ndarray, year: int, years: int) -> np.ndarray:
    """Chance that a person aged ``ages - years`` in ``year - years`` is alive at ``ages`` in
    ``year``, at each of those years' death rates (float64)."""
    log_alive = np.zeros(np.shape(ages))
    for k in range(years, 0, -1):
        at = np.clip(np.floor(np.asarray(ages) - k).astype(np.intp), 0, MAX_AGE)
        log_alive += np.log1p(-mortality_per_year(cfg, year - k)[at])
    return np.exp(log_alive)


def _at_least_one_table(p_person: np.ndarray) -> np.ndarray:
    """Chance (float32) that at least one of 0, 1 or 2 persons (rows) of each age has an event."""
    return (1 - (1 - p_person[None, :]) ** np.arange(3)[:, None]).astype(np.float32)


def expected_children(
    cfg: DemographyConfig, head_age: np.ndarray, urban: np.ndarray, first: int, last: int
) -> np.ndarray:
    """Children a couple is expected to have had ``first``..``last`` years ago (survivors).

    Used to draw an initial population consistent with the fertility schedule above.
    """
    table = fertility_per_couple_year(cfg).astype(np.float64)
    survival = np.exp(-np.cumsum(mortality_per_year(cfg)))
    total = np.zeros(head_age.size)
    for k in range(first, last + 1):
        at = np.clip(np.round(head_age - k).astype(np.intp), 0, MAX_AGE)
        total += table[urban.astype(np.intp), at] * survival[min(k, MAX_AGE)]
    return total


@dataclass
class DemographyConfig:
    """Demographic rates (behaviour of the population, not policy)."""

    enabled: bool = lever(
        True,
        unit="flag",
        doc="Ageing, births, deaths, children growing up, new households; else the population "
        "is frozen (only months in place accrue).",
    )
    completed_fertility_urban: float = lever(
        2.4,
        unit="children/couple",
        low=0,
        high=8,
        doc="Children a couple living in a city or town has over the reproductive years. "
        "Higher than the census TFR (1.18 in 2010, under-reported) because in the model's "
        "households many young adults are still single or at home; fitted to births.",
    )
    rural_fertility_ratio: float = lever(
        1.45,
        unit="ratio",
        low=0,
        high=5,
        doc="Village couples' fertility relative to urban couples' (2010 census: village TFR "
        "1.44 against about 1.0 in cities and towns).",
    )
    fertility_change_pct_per_year: float = lever(
        0.0,
        unit="%/year",
        low=-15,
        high=10,
        doc="Yearly change of period fertility around ``fertility_reference_year``: a "
        "scenario assumption (0: the schedule holds every year). Fitted to China's births "
        "2012-2019 beside the minimum age of leaving home it came out at -0.2 %/yr (sd 0.5): "
        "the fall of births after 2016 is the population's ages, not fertility, so behaviour "
        "sets leave it at 0. Acts on births during the run; the start's children are drawn "
        "from the schedule.",
    )
    fertility_reference_year: int = lever(
        2015,
        unit="year",
        low=1950,
        high=2100,
        doc="Year in which period fertility equals the schedule of ``completed_fertility_*`` "
        "(the year the national start population's children were matched to).",
    )
    mortality_base_per_year: float = lever(
        0.0005,
        unit="probability/year",
        low=0,
        high=0.1,
        doc="Death rate at young ages (Makeham term of the life table).",
    )
    mortality_at_60_per_year: float = lever(
        0.009,
        unit="probability/year",
        low=0,
        high=0.5,
        doc="Death rate at age 60 (with the base term).",
    )
    mortality_doubling_years: float = lever(
        7.0,
        unit="years",
        low=2,
        high=20,
        doc="Years in which the age-related death rate doubles (Gompertz slope).",
    )
    mortality_change_pct_per_year: float = lever(
        -3.0,
        unit="%/year",
        low=-10,
        high=10,
        doc="Yearly change of every age's death rate from ``mortality_reference_year``. "
        "Default from China's life expectancy, 74.83 years in 2010 and 76.34 in 2015 (+0.30 a "
        "year): with a Gompertz slope of ln 2 / 7 a year, a gain of 0.30 years a year is a fall "
        "of 0.30 x ln 2 / 7 = 3.0 % a year in every age's rate. 0 keeps the table fixed.",
    )
    mortality_reference_year: int = lever(
        2015,
        unit="year",
        low=1950,
        high=2100,
        doc="Year whose death rates the life table above gives (the national start year: "
        "from the 2015 start, deaths in 2016-2019 come within about 5 % of the published "
        "ones; the national fit's path from 2011 has 3-8 % fewer, see README, Limits). The "
        "start population's surviving parents and children are drawn with this year's table "
        "whatever the start year: a simplification (those cohorts lived through earlier, "
        "higher death rates); a 2024 start drawn with its own year's table would hold about "
        "10 % more co-resident parents.",
    )
    generation_gap_years: float = lever(
        27.0,
        unit="years",
        low=15,
        high=40,
        doc="Age difference between the head and the head's parents, and children.",
    )
    leave_home_per_year: float = lever(
        0.12,
        unit="probability/year",
        low=0,
        high=1,
        doc="Chance per year that a grown child old enough (``leave_home_min_age_years``) "
        "leaves to head a household of their own (to work away or to marry): the mean age of "
        "leaving is the minimum age plus 1/rate (15 + 8.3 with the defaults; the mean age at "
        "first marriage was 24.9 in the 2010 census).",
    )
    leave_home_min_age_years: float = lever(
        15.0,
        unit="years",
        low=15,
        high=30,
        doc="Age before which grown children stay at home (a grown child is the head's age "
        "less the generation gap); from it they leave at ``leave_home_per_year``. Estimated in "
        "fitted behaviour sets from the number and ages of migrant workers and the births "
        "(25.4 in national_2019: with the rate 0.12, households of their own at about 33 on "
        "average; it stands for young people who work away while still members of their "
        "parents' household, which the model cannot represent: a grown child at home counts "
        "where the parents live). The default 15, the end of compulsory school, is an "
        "assumption. The start population is still drawn with leaving from 15 (its household "
        "sizes were matched to the 2015 survey that way), so the start holds fewer grown "
        "children at home than the run's rule keeps (see README, Limits).",
    )
    partnering_per_year: float = lever(
        0.5,
        unit="probability/year",
        low=0,
        high=1,
        doc="Chance per year that a single head under 45 without dependants forms a couple "
        "(two single households become one couple household).",
    )
