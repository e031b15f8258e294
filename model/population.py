"""The initial population: household agents drawn to match the configured real counts and ages.

Each segment (rural residents, urban natives, the region's migrants in each city and outside,
inflow households from outside the region) draws its heads' ages from its own age shares
(census and migrant-survey tables, cited in the scenario files) and then its members by the
head's age, from the model's own fertility and mortality (:mod:`model.demography`): children a
couple of that age would have had and kept at home, and the head's parents where the head is
young enough to have them alive. So the start is a state the demography would produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.demography import DemographyConfig, expected_children, mortality_per_year
from model.households import (
    RETIREMENT_AGE,
    Employment,
    Households,
    Tenure,
    allocate_agents,
)
from model.hukou_moves import mark_graduates_at_start
from model.levers import ConfigError, lever, section

if TYPE_CHECKING:
    from model.config import RunConfig
    from model.places import PlaceTable

HEAD_AGE_BANDS = ((15, 25), (25, 35), (35, 45), (45, 55), (55, 65), (65, 75), (75, 90))
# Heads living as a couple by age band, relative to ``couple_share`` (prime ages): fewer among
# the young (not yet married) and the old (widowed); shape close to the 2010 census's marital
# status by age (assumption).
COUPLE_PROFILE = (0.4, 0.93, 1.0, 1.0, 0.97, 0.87, 0.6)
INSURED_NATIVE_START_AGE = 22.0  # natives with employee insurance have contributed since ~22


def head_age_in_band(
    low: np.ndarray, high: np.ndarray, position: np.ndarray, shift_years: float
) -> np.ndarray:
    """A head's age (years) at ``position`` (0-1, uniform) within its band, shifted, at least 15."""
    return np.maximum(low + position * (high - low) + shift_years, 15.0)


def initial_households(cfg: RunConfig, places: PlaceTable, rng: np.random.Generator) -> Households:
    """Draw ``cfg.n_households`` agents over the initial segments, weighted to real counts.

    Segments: residents of each rural area; urban natives, rural-hukou migrants of the region and
    inflow households from outside the region in each city; the region's households living
    outside. Migrants' origins follow the rural areas' sizes; inflow households come from (and
    hold their hukou in) the outside place.
    """
    traits = cfg.households
    peri_urban_share = cfg.reclassification.peri_urban_share
    n_rural = len(cfg.rural_areas)
    rural_sizes = np.array([a.initial_households for a in cfg.rural_areas.values()])
    segments: list[tuple[str, int, float]] = []  # (kind, place, real households)
    for i, area in enumerate(cfg.rural_areas.values()):
        segments.append(("rural", i, area.initial_households))
    for j, city in enumerate(cfg.cities.values()):
        segments.append(("native", n_rural + j, city.initial_native_households))
        segments.append(("migrant", n_rural + j, city.initial_migrant_households))
        segments.append(("inflow", n_rural + j, city.initial_inflow_households))
    if places.outside_place is not None:
        segments.append(("migrant", places.outside_place, cfg.outside.initial_migrant_households))
    real = np.array([s[2] for s in segments])
    counts = allocate_agents(real, cfg.n_households)

    hh = Households.empty(int(counts.sum()))
    start = 0
    for (kind, place, real_households), count in zip(segments, counts, strict=True):
        if count == 0:
            continue
        sl = slice(start, start + count)
        start += count
        hh.weight[sl] = real_households / count
        hh.location[sl] = place
        if kind == "native":
            hh.origin[sl] = place
            hh.hukou_place[sl] = place
            hh.hukou_urban[sl] = rng.random(count) >= traits.native_rural_hukou_share
            hh.family_followed[sl] = True
            owner = rng.random(count) < traits.native_homeowner_share
            hh.tenure[sl] = np.where(owner, Tenure.OWNED, Tenure.PRIVATE_RENTAL)
            hh.employment[sl] = Employment.INFORMAL
            hh.months_in_place[sl] = 600
        elif kind == "inflow":
            hh.origin[sl] = places.outside_place
            hh.hukou_place[sl] = places.outside_place
            _draw_city_migrant_state(hh, sl, traits, rng)
        else:
            origin = (
                place
                if kind == "rural"
                else rng.choice(n_rural, count, p=rural_sizes / rural_sizes.sum())
            )
            hh.origin[sl] = origin
            hh.hukou_place[sl] = origin
            hh.peri_urban[sl] = rng.random(count) < peri_urban_share
            hh.contract_land_mu[sl] = rng.gamma(2.0, traits.mean_land_mu / 2.0, count)
            hh.collective_income_cny_per_month[sl] = rng.exponential(
                traits.mean_collective_income_cny_per_month, count
            )
            hh.homestead_held[sl] = True
            hh.poverty_registered[sl] = rng.random(count) < traits.poverty_registered_share
            if kind == "rural":
                hh.tenure[sl] = Tenure.RURAL_HOME
                hh.employment[sl] = Employment.FARMING
                hh.months_in_place[sl] = 600
            else:
                _draw_city_migrant_state(hh, sl, traits, rng)
        shares = {
            "rural": traits.head_age_rural,
            "native": traits.head_age_native,
        }.get(kind, traits.head_age_migrant)
        parents_share = {
            "rural": traits.coresident_parents_share_rural,
            "native": traits.coresident_parents_share_urban,
        }.get(kind, 0.0)  # migrants' parents stay behind, as households of their own
        urban = places.is_city[place] or places.is_outside[place]
        draw_members(hh, sl, cfg.demography, traits, shares, parents_share, urban, rng)
        if kind == "native":
            _draw_native_insurance(hh, sl, traits.native_insured_share, rng)
        hh.key_occupation[sl] = rng.random(count) < traits.key_occupation_share
        hh.registered_lease[sl] = rng.random(count) < traits.registered_lease_share
    if places.outside_place is not None:
        out = np.flatnonzero(hh.location == places.outside_place)
        hh.tenure[out] = Tenure.PRIVATE_RENTAL
        formal = rng.random(out.size) < places.labour.outside_formal_share[places.outside_place]
        hh.employment[out] = np.where(formal, Employment.FORMAL, Employment.INFORMAL)
        hh.school_seat[out] = rng.random(out.size) < places.outside_school_access_share
    mark_graduates_at_start(hh, cfg.hukou_moves.graduate_share)
    hh.refresh_age_groups()
    return hh


def draw_members(
    hh: Households,
    sl: slice,
    demography: DemographyConfig,
    traits: HouseholdTraits,
    shares: HeadAgeShares,
    parents_share: float,
    urban: bool,
    rng: np.random.Generator,
) -> None:
    """Heads' ages, couples, children by age group, co-resident parents and skill of rows ``sl``."""
    count = sl.stop - sl.start
    band = rng.choice(len(HEAD_AGE_BANDS), count, p=shares.normalized())
    low = np.array([b[0] for b in HEAD_AGE_BANDS])[band]
    high = np.array([b[1] for b in HEAD_AGE_BANDS])[band]
    age = head_age_in_band(low, high, rng.random(count), traits.head_age_shift_years)
    couple_share = np.minimum(np.array(COUPLE_PROFILE) * traits.couple_share, 1.0)
    couple = 1 + (rng.random(count) < couple_share[band])
    has_children = np.where(couple == 2, 1.0, 0.3)  # singles: mostly unmarried, some widowed
    is_urban = np.full(count, urban)

    def draw(first: int, last: int, ratio: float = 1.0) -> np.ndarray:
        expected = expected_children(demography, age, is_urban, first, last)
        return np.minimum(rng.poisson(expected * has_children * ratio), 9)

    at_home = np.exp(-demography.leave_home_per_year * np.arange(0, 31))
    grown = np.zeros(count)
    for k in range(15, 46):  # born k years ago, still at home after k - 15 years grown
        share = at_home[k - 15] * (traits.past_fertility_ratio if k > 15 else 1.0)
        grown += share * expected_children(demography, age, is_urban, k, k)
    alive = np.exp(-np.cumsum(mortality_per_year(demography)))
    parent_age = np.minimum(age + demography.generation_gap_years, 120).astype(int)
    parents_alive = alive[parent_age] / alive[np.minimum(age, 120).astype(int)]
    with_parents = (rng.random(count) < parents_share * parents_alive) & (age < RETIREMENT_AGE)

    hh.head_age_years[sl] = age
    hh.couple[sl] = couple
    hh.preschool[sl] = draw(0, 5)
    hh.children[sl] = draw(6, 14, traits.school_age_cohort_fertility_ratio)
    hh.grown_children[sl] = np.minimum(rng.poisson(grown * has_children), 9)
    hh.parents[sl] = with_parents * (1 + (rng.random(count) < parents_alive))
    hh.skill[sl] = rng.standard_normal(count)


def _draw_city_migrant_state(
    hh: Households, sl: slice, traits: HouseholdTraits, rng: np.random.Generator
) -> None:
    """Tenure, months in the city and insurance record of migrants already in a city."""
    count = sl.stop - sl.start
    u = rng.random(count)
    hh.tenure[sl] = np.select(
        [
            u < traits.migrant_homeowner_share,
            u < traits.migrant_homeowner_share + traits.migrant_dorm_share,
        ],
        [Tenure.OWNED, Tenure.DORM],
        default=Tenure.PRIVATE_RENTAL,
    )
    hh.employment[sl] = Employment.INFORMAL
    months = rng.exponential(traits.mean_months_in_city, count)
    hh.months_in_place[sl] = np.minimum(months, 600).astype(np.int16)
    insured = rng.random(count) < traits.insured_share
    hh.insurance_months[sl] = np.where(
        insured, (hh.months_in_place[sl] * rng.random(count)).astype(np.int16), 0
    )


def _draw_native_insurance(
    hh: Households, sl: slice, share: float, rng: np.random.Generator
) -> None:
    """Urban natives with an employee-insurance record: months since they started work."""
    count = sl.stop - sl.start
    insured = rng.random(count) < share
    working_years = np.clip(hh.head_age_years[sl] - INSURED_NATIVE_START_AGE, 0, 38)
    hh.insurance_months[sl] = np.where(insured, working_years * 12, 0).astype(np.int16)


@dataclass
class HeadAgeShares:
    """Share of household heads in each age band (normalized; need not sum to 1)."""

    age_15_24: float = lever(0.05, unit="share", low=0, high=1, doc="Heads aged 15-24.")
    age_25_34: float = lever(0.17, unit="share", low=0, high=1, doc="Heads aged 25-34.")
    age_35_44: float = lever(0.2, unit="share", low=0, high=1, doc="Heads aged 35-44.")
    age_45_54: float = lever(0.22, unit="share", low=0, high=1, doc="Heads aged 45-54.")
    age_55_64: float = lever(0.18, unit="share", low=0, high=1, doc="Heads aged 55-64.")
    age_65_74: float = lever(0.11, unit="share", low=0, high=1, doc="Heads aged 65-74.")
    age_75_89: float = lever(0.07, unit="share", low=0, high=1, doc="Heads aged 75-89.")

    def normalized(self) -> np.ndarray:
        """The shares as probabilities over ``HEAD_AGE_BANDS``."""
        values = np.array(
            [
                self.age_15_24,
                self.age_25_34,
                self.age_35_44,
                self.age_45_54,
                self.age_55_64,
                self.age_65_74,
                self.age_75_89,
            ]
        )
        if values.sum() <= 0:
            raise ConfigError("config key 'households.head_age_*' has all shares 0; need one > 0")
        return values / values.sum()


@dataclass
class HouseholdTraits:
    """How initial household traits are drawn (behavioural and demographic, not policy)."""

    # Defaults: China 2015 (see configs/scenario/national_2015.yaml for what they reproduce).
    head_age_rural: HeadAgeShares = section(
        lambda: HeadAgeShares(0.03, 0.13, 0.19, 0.25, 0.21, 0.12, 0.07), "rural heads"
    )
    head_age_migrant: HeadAgeShares = section(
        lambda: HeadAgeShares(0.13, 0.29, 0.27, 0.21, 0.08, 0.015, 0.005), "migrant heads"
    )
    head_age_native: HeadAgeShares = section(
        lambda: HeadAgeShares(0.04, 0.17, 0.22, 0.22, 0.17, 0.11, 0.07), "urban-native heads"
    )
    head_age_shift_years: float = lever(
        0.0,
        unit="years",
        low=-30,
        high=30,
        doc="Years added to every drawn head's age: a run starting k years before the year the "
        "age shares describe uses -k (the same cohorts, younger).",
    )
    couple_share: float = lever(
        0.92,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of heads aged 35-54 living with a spouse (other ages follow a fixed profile).",
    )
    school_age_cohort_fertility_ratio: float = lever(
        0.5,
        unit="ratio",
        low=0.2,
        high=5,
        doc="Fertility 6-14 years before the start relative to the current schedule (sets the "
        "initial school-age children; fitted to the census share of children).",
    )
    past_fertility_ratio: float = lever(
        1.6,
        unit="ratio",
        low=0.2,
        high=5,
        doc="Fertility 15-45 years before the start relative to the current schedule (the "
        "grown children of today's middle-aged heads were born when fertility was higher).",
    )
    coresident_parents_share_rural: float = lever(
        0.15,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of rural working-age heads living with their surviving parents.",
    )
    coresident_parents_share_urban: float = lever(
        0.1,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of urban-native working-age heads living with their surviving parents.",
    )
    native_rural_hukou_share: float = lever(
        0.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of urban-native households holding a rural hukou: villagers of places "
        "already reclassified as urban, non-hukou urban residents who never migrated.",
    )
    native_insured_share: float = lever(
        0.75,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of urban-native households with an employee pension insurance record.",
    )
    mean_land_mu: float = lever(
        4.0, unit="mu", low=0, high=100, doc="Mean contracted land of a rural-origin household."
    )
    mean_collective_income_cny_per_month: float = lever(
        50.0,
        unit="CNY/month",
        low=0,
        high=10000,
        doc="Mean collective-economy dividend of a rural-origin household.",
    )
    poverty_registered_share: float = lever(
        0.05,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of rural-origin households that are poverty-registered (建档立卡).",
        seeds="000 (十二)(十四)",
    )
    registered_lease_share: float = lever(
        0.7,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of households whose private rentals have a registered lease (legal housing "
        "for a residence permit).",
        seeds="001 二(二)2(1)",
    )
    key_occupation_share: float = lever(
        0.05,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of city workers' households in key occupations (sanitation, transit).",
        seeds="002 (十三); 000 (十二)",
    )
    migrant_homeowner_share: float = lever(
        0.18,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of initial urban migrants who own their home (NBS migrant survey 2016: 17.8%).",
    )
    migrant_dorm_share: float = lever(
        0.1, unit="share 0-1", low=0, high=1, doc="Share of initial urban migrants in dormitories."
    )
    native_homeowner_share: float = lever(
        0.8, unit="share 0-1", low=0, high=1, doc="Share of urban-native households owning a home."
    )
    mean_months_in_city: float = lever(
        48.0, unit="months", low=0, high=600, doc="Mean months already spent by initial migrants."
    )
    insured_share: float = lever(
        0.3,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of initial migrants with a record of employee social insurance.",
    )
