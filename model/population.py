"""The initial population: household agents drawn to match the configured real counts."""

from __future__ import annotations

import numpy as np

from model.config import RunConfig
from model.households import Employment, Households, Tenure, allocate_agents, draw_members
from model.places import PlaceTable


def initial_households(cfg: RunConfig, places: PlaceTable, rng: np.random.Generator) -> Households:
    """Draw ``cfg.n_households`` agents over the initial segments, weighted to real counts.

    Segments: residents of each rural area; urban natives and rural-hukou migrants of each city;
    the region's households living outside. Migrants' origins follow the rural areas' sizes.
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
        adults, children, elderly, age, skill = draw_members(traits, count, rng)
        hh.adults[sl], hh.children[sl], hh.elderly[sl] = adults, children, elderly
        hh.age_head_years[sl], hh.skill[sl] = age, skill
    if places.outside_place is not None:
        out = np.flatnonzero(hh.location == places.outside_place)
        hh.tenure[out] = Tenure.PRIVATE_RENTAL
        formal = rng.random(out.size) < places.labour.outside_formal_share[places.outside_place]
        hh.employment[out] = np.where(formal, Employment.FORMAL, Employment.INFORMAL)
        hh.school_seat[out] = rng.random(out.size) < places.outside_school_access_share
    return hh
