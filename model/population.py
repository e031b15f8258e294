"""The initial population: household agents drawn to match the configured real counts."""

from __future__ import annotations

import numpy as np

from model.config import RunConfig
from model.households import (
    Employment,
    Households,
    HouseholdTraits,
    Tenure,
    allocate_agents,
    draw_members,
)
from model.indicators import person_accounts
from model.levers import ConfigError
from model.places import PlaceTable
from model.targets import StartData
from model.world import World


def initial_households(cfg: RunConfig, places: PlaceTable, rng: np.random.Generator) -> Households:
    """Draw ``cfg.n_households`` agents over the initial segments, weighted to real counts.

    Segments: residents of each rural area; urban natives, rural-hukou migrants of the region and
    inflow households from outside the region in each city; the region's households living
    outside. Migrants' origins follow the rural areas' sizes; inflow households come from (and
    hold their hukou in) the outside place.
    """
    traits = cfg.households
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
            hh.hukou_urban[sl] = True
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
        adults, children, elderly, age, skill = draw_members(traits, count, rng)
        hh.adults[sl], hh.children[sl], hh.elderly[sl] = adults, children, elderly
        hh.age_head_years[sl], hh.skill[sl] = age, skill
        hh.key_occupation[sl] = rng.random(count) < traits.key_occupation_share
        hh.registered_lease[sl] = rng.random(count) < traits.registered_lease_share
    if places.outside_place is not None:
        out = np.flatnonzero(hh.location == places.outside_place)
        hh.tenure[out] = Tenure.PRIVATE_RENTAL
        formal = rng.random(out.size) < places.labour.outside_formal_share[places.outside_place]
        hh.employment[out] = np.where(formal, Employment.FORMAL, Employment.INFORMAL)
        hh.school_seat[out] = rng.random(out.size) < places.outside_school_access_share
    return hh


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


# Segments of the initial population, in the order of the columns of the matching system.
NATIVES, MIGRANTS, RURAL, OUTSIDE, INFLOW = range(5)


def segment_of(w: World) -> np.ndarray:
    """Initial segment of every household (valid before anyone has moved)."""
    hh, places = w.hh, w.places
    from_rural = places.is_rural[hh.origin]
    return np.select(
        [
            places.is_city[hh.origin],
            places.is_outside[hh.origin],
            from_rural & places.is_city[hh.location],
            from_rural & places.is_outside[hh.location],
        ],
        [NATIVES, INFLOW, MIGRANTS, OUTSIDE],
        default=RURAL,
    ).astype(np.int8)


def match_start(w: World, start: StartData) -> None:
    """Rescale segment weights so that the initial state meets the start-year figures.

    Unknowns are one multiplier per segment (inflow households stay as configured); equations
    are the given figures: resident and registered population, urban residents and urban-hukou
    holders. Among the solutions, the one closest to the configured split is taken (all
    multipliers near 1), so figures that are not given keep the configured proportions.

    Raises:
        ConfigError: When the figures cannot be met with positive segment sizes.
    """
    acc = person_accounts(w)
    segment = segment_of(w)
    by_segment = np.stack(
        [
            np.bincount(segment, weights=col, minlength=5)
            for col in (acc.resident, acc.urban_resident, acc.registered, acc.urban_hukou)
        ]
    )  # rows: resident, urban resident, registered, urban hukou; columns: segments
    resident = start.resident_population or by_segment[0].sum()
    registered = start.registered_population
    if not registered and by_segment[:, OUTSIDE].sum() == 0 and by_segment[:, INFLOW].sum() == 0:
        registered = resident
    rows, goals = [0], [resident]
    if registered:
        rows.append(2)
        goals.append(registered)
    if start.resident_urbanization_pct:
        rows.append(1)
        goals.append(start.resident_urbanization_pct / 100 * resident)
    if start.hukou_urbanization_pct:
        if not registered:
            raise ConfigError(
                "config key 'start.hukou_urbanization_pct' needs start.registered_population "
                "for a region with an outside"
            )
        rows.append(3)
        goals.append(start.hukou_urbanization_pct / 100 * registered)
    present = by_segment.sum(axis=0) > 0
    free = present.copy()
    free[INFLOW] = False
    a = by_segment[rows]
    rhs = np.array(goals) - a[:, ~free].sum(axis=1)
    base = a[:, free].sum(axis=1)
    delta, *_ = np.linalg.lstsq(a[:, free], rhs - base, rcond=None)
    multiplier = np.ones(5)
    multiplier[free] += delta
    achieved = a @ multiplier
    if np.any(multiplier[present] <= 0) or not np.allclose(achieved, goals, rtol=1e-6):
        raise ConfigError(
            f"config key 'start' ({start.source or 'start data'}) cannot be met by this "
            f"scenario's population segments (multipliers {np.round(multiplier, 3).tolist()}); "
            "check the figures or add the missing segment (outside, inflow)"
        )
    w.hh.weight *= multiplier[segment].astype(np.float32)
