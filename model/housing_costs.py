"""What housing would cost a household in each city, as it weighs where to live and whether to
settle: the rent for its size, less the support it could expect there (:mod:`model.housing`'s
rental subsidy and public rental, by their access rules, 000 (十二); 001 二(一)1; 002 (十三)).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import layout
from model.compiled import jit
from model.households import OWNED, PRIVATE_RENTAL, PUBLIC_RENTAL
from model.housing import housing_ceilings, in_need, rent_scale
from model.permits import holds_hukou, reaches, standing

if TYPE_CHECKING:
    from model.world import World


def housing_costs_cny_per_month(
    w: World, idx: np.ndarray, city_places: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Expected monthly housing cost of households ``idx`` in each city, net of support: as they
    are, and as renters holding each city's hukou (what settling would open).

    Where a household lives, an owned home or a public rental unit costs what it costs. A
    private renter there, like a newcomer elsewhere, expects the support a renter would get:
    eligible where it holds the hukou or the basis is reachable without settling
    (:func:`model.permits.reaches`: open, a permit, or a hukou of the region; for public
    rental also a poverty registration where the city admits it). Public rental is worth the
    city's coverage (the share of the eligible in need it houses) times the rent saved.

    Args:
        w: The world.
        idx: Household rows.
        city_places: The cities: one list for every household, or one row per household
            (:func:`model.layout.place_grid`).

    Returns:
        Two float32 arrays of shape ``(len(idx), number of cities)``, place-major.
    """
    hh, t, places = w.hh, w.places.housing, w.places
    grid = layout.place_grid(idx.size, city_places)
    as_they_are = layout.empty(*grid.shape, np.float32)
    with_hukou = layout.empty(*grid.shape, np.float32)
    _housing_costs(
        idx,
        rent_scale(w, idx),
        hh.income_cny_per_month,
        hh.hukou_urban,
        hh.hukou_place,
        hh.poverty_registered,
        hh.location,
        hh.tenure,
        hh.rental_subsidy,
        grid,
        places.rent_cny_per_month.astype(np.float32),
        housing_ceilings(w),
        t.subsidy_basis,
        t.public_basis,
        t.poverty_may_apply,
        t.access_prob,
        t.rent_share,
        t.subsidy_cny,
        places.is_outside,
        places.is_city,
        w.cfg.hukou_moves.region_transfer,
        as_they_are,
        with_hukou,
    )
    return as_they_are, with_hukou


@jit
def _housing_costs(
    idx: np.ndarray,
    scale: np.ndarray,
    income: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    poverty_registered: np.ndarray,
    location: np.ndarray,
    tenure: np.ndarray,
    rental_subsidy: np.ndarray,
    grid: np.ndarray,
    rent_by_place: np.ndarray,
    ceiling: np.ndarray,
    subsidy_basis: np.ndarray,
    public_basis: np.ndarray,
    poverty_may_apply: np.ndarray,
    access_prob: np.ndarray,
    rent_share: np.ndarray,
    subsidy: np.ndarray,
    is_outside: np.ndarray,
    is_city: np.ndarray,
    region_transfer: bool,
    as_they_are: np.ndarray,
    with_hukou: np.ndarray,
) -> None:
    """:func:`housing_costs_cny_per_month` cell by cell: the household arrays are whole (rows
    ``idx``; ``scale`` is the rows' rent scale), the place arrays by place (``ceiling``
    price-scaled), ``grid`` the place of each cell."""
    for k in range(idx.size):
        i = idx[k]
        registered, urban_of_region = standing(
            hukou_urban[i], hukou_place[i], is_outside, is_city, region_transfer
        )
        for j in range(grid.shape[1]):
            p = grid[k, j]
            rent = scale[k] * rent_by_place[p]
            needing = np.float64(in_need(income[i], ceiling[p]))
            own_hukou = holds_hukou(hukou_urban[i], hukou_place[i], p)
            sub_ok = own_hukou or reaches(subsidy_basis[p], registered, urban_of_region)
            pub_ok = (
                own_hukou
                or reaches(public_basis[p], registered, urban_of_region)
                or (poverty_registered[i] and poverty_may_apply[p])
            )
            # A renter's support: the better of the subsidy and public rental's expected saving.
            tenant_pays = np.float32(1) - rent_share[p]
            public_saving = access_prob[p] * np.float64(tenant_pays) * np.float64(rent)
            with_hukou[k, j] = np.float32(
                np.float64(rent) - needing * np.maximum(np.float64(subsidy[p]), public_saving)
            )
            support = np.maximum(
                np.float64(np.float32(sub_ok) * subsidy[p]), np.float64(pub_ok) * public_saving
            )
            cost = np.float64(rent) - needing * support
            if location[i] == p:  # what its own housing costs where it lives
                if tenure[i] == OWNED:
                    actual = np.float32(0)
                elif tenure[i] == PUBLIC_RENTAL:
                    actual = rent * rent_share[p]
                else:
                    actual = rent - np.float32(rental_subsidy[i]) * subsidy[p]
                if tenure[i] == PRIVATE_RENTAL:
                    cost = np.minimum(np.float64(actual), cost)
                else:
                    cost = np.float64(actual)
            as_they_are[k, j] = np.float32(cost)
