"""City constants that the start's choices keep: no city pulls ahead in the first year.

A city's wage, rent and services in a scenario are rough figures, and with them alone the
location choices at the start pull households to one city far faster than the data show (with
``sichuan_2019`` Chengdu grew 9 % in its first projected year; its urban residents grew about
2 % a year in 2020-2023). As in discrete-choice practice, each city's alternative-specific
constant (its amenity, CNY per equivalent person and month) is set so that the choices expected
at the start state give every city the same net inflow per resident: the start's net urban
inflow, kept as a whole, is spread over the cities in proportion to their residents. Cities
then grow apart by what changes after the start (jobs, wages, rents, services, policy), not
by the error of their configured figures.

The expected flows are the choice probabilities of the multinomial logit in
:mod:`model.decisions` times the chance of a review, summed over households (no random draws);
the constants are found by Newton's method on the cities' net inflows (steps clipped). Above
``_MAX_HOUSEHOLDS`` households an evenly spaced subset is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import location_utility, rents

if TYPE_CHECKING:
    from model.world import World

_MAX_HOUSEHOLDS = 300_000
_ITERATIONS = 30
_MAX_STEP_SCALES = 2.0  # Newton steps are clipped to this many logit scales
_TOLERANCE_PER_STEP = 1e-6  # net inflow per resident and step left unbalanced


def balance_city_amenities(w: World) -> np.ndarray:
    """Shift each city's amenity so that expected net inflows are proportional to residents.

    Returns:
        The shift of each city's amenity (CNY/month in the current price level, one entry
        per city in :attr:`PlaceTable.city_places` order); all zeros with fewer than two cities.
    """
    places, hh = w.places, w.hh
    cities = places.city_places
    shift = np.zeros(cities.size)
    if cities.size < 2:
        return shift
    choosers = np.flatnonzero(places.is_rural[hh.origin])
    stride = max(1, -(-choosers.size // _MAX_HOUSEHOLDS))
    choosers = choosers[::stride]
    if choosers.size == 0:
        return shift
    alt_places = location_utility.alternative_places(w, choosers)
    scale = w.cny(w.cfg.behavior.logit_scale_cny_per_month)
    utility = (
        location_utility.location_utilities(w, choosers, alt_places).astype(np.float64) / scale
    )
    persons = stride * hh.weight[choosers].astype(np.float64) * hh.size_of(choosers)
    city_cols = np.arange(1, 1 + cities.size)
    here = hh.location[choosers, None] == cities[None, :]
    residents = rents.city_residents(w)[cities]
    review = w.review_probability()

    def net_inflow(shift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected net inflow of persons per step to each city and its Jacobian in ``shift``."""
        u = utility.copy()
        u[:, city_cols] += shift / scale
        u -= u.max(axis=1, keepdims=True)
        p = np.exp(u)
        p /= p.sum(axis=1, keepdims=True)
        p_city = p[:, city_cols]
        net = persons @ (p_city - here)
        chosen = persons @ p_city
        jacobian = np.diag(chosen) - p_city.T @ (persons[:, None] * p_city)
        return review * net, review * jacobian / scale

    net, jacobian = net_inflow(shift)
    target = residents * net.sum() / residents.sum()
    for _ in range(_ITERATIONS):
        gap = target - net
        if np.max(np.abs(gap) / residents) < _TOLERANCE_PER_STEP:
            break
        step = np.linalg.solve(jacobian, gap)
        shift += np.clip(step, -_MAX_STEP_SCALES * scale, _MAX_STEP_SCALES * scale)
        net, jacobian = net_inflow(shift)
    places.amenity_cny_per_month[cities] += shift
    return shift
