"""What settling is worth: the gain where a household lives, and the option in every city.

The settling gain (CNY/month per equivalent person) is the hukou's own value plus what the hukou
would open in that city — schooling for the children where the family may follow, housing
support (a rental subsidy, public rental as a hukou holder under the income ceiling) — and the
paid-withdrawal offers for the household's rural rights, less the land income it would give up.
A migrant who may settle where it lives applies with the logit chance of this gain
(:func:`model.decisions.apply_to_settle`).

A household choosing where to live also weighs the option of settling in each city: the gain
there, if positive, times the chance of settling within its planning horizon that the city's
recent record implies — the hazard at which its non-hukou residents took its hukou, averaged
over about a year (``SettlementTable.settling_hazard_per_month``, kept by the ``settling_rates``
phase, which also runs in the spin-up so that the start carries the start's own rates). So a
city's settlement rule and quota, and the services its hukou opens, pull migrants towards it,
and a household learns of a change of rule as settling there changes. A household holding the
city's urban hukou (or any of the region's, with the region-wide transfer) counts the hukou's
value there; an urban-hukou holder cannot settle again, so elsewhere it has no option.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from model import land, layout
from model.compiled import sum_by_place
from model.housing import housing_cost_cny_per_month
from model.schooling import school_access_prob

if TYPE_CHECKING:
    from model.world import World


def update_settling_rates(w: World) -> None:
    """Phase: each city's settling hazard among its non-hukou residents, averaged over ~a year."""
    hh, places, table = w.hh, w.places, w.places.settlement
    rows = np.flatnonzero(places.is_city[hh.location] & ~hh.hukou_urban)
    persons = hh.weight[rows].astype(np.float64) * hh.size_of(rows)
    non_hukou = sum_by_place(hh.location[rows], persons, places.n)
    settled = table.settled_this_step_persons
    at_risk = non_hukou + settled  # residents before this step's admissions
    share = np.divide(settled, at_risk, out=np.zeros_like(settled), where=at_risk > 0)
    hazard = -np.log1p(-np.minimum(share, 1 - 1e-12)) / w.months_per_step
    step_weight = min(w.months_per_step / 12.0, 1.0)  # an exponential average over a year
    table.settling_hazard_per_month += step_weight * (hazard - table.settling_hazard_per_month)


def settling_gain_by_city_cny_per_month(
    w: World,
    idx: np.ndarray,
    cities: np.ndarray,
    housing_cost: np.ndarray | None = None,
    school_access: np.ndarray | None = None,
) -> np.ndarray:
    """What settling in each city would be worth to households ``idx`` (shape k x cities).

    ``housing_cost`` and ``school_access``: their expected housing cost and chance of a school
    seat in each city as they are, if already known
    (:func:`model.housing.housing_cost_cny_per_month`, :func:`model.schooling.school_access_prob`).
    """
    hh, places, beh = w.hh, w.places, w.cfg.behavior
    follows = places.settlement.family_follows[cities]
    left_behind = np.float32(w.cny(beh.left_behind_cost_cny_per_child_month))
    access = school_access_prob(w, idx, cities) if school_access is None else school_access
    children = layout.by_place(np.multiply, hh.children[idx], follows)  # those who may follow
    school_gain = children * left_behind * (1 - access)
    if housing_cost is None:
        housing_cost = housing_cost_cny_per_month(w, idx, cities)
    cost_settled = housing_cost_cny_per_month(w, idx, cities, assume_hukou=True)
    rights = land.withdrawal_offers_cny_per_month(w, idx) - land.settling_loss_cny_per_month(w, idx)
    money = school_gain + np.maximum(housing_cost - cost_settled, 0) + rights[:, None]
    gain = w.cny(beh.hukou_value_cny_per_month) + money / w.equivalent_persons(idx)[:, None]
    return gain.astype(np.float32)


def settling_gain_cny_per_month(w: World, idx: np.ndarray) -> np.ndarray:
    """What settling in their current city is worth to households ``idx`` (CNY/month)."""
    cities = w.places.city_places
    col = np.searchsorted(cities, w.hh.location[idx])
    gain = np.empty(idx.size, dtype=np.float32)
    for j in np.unique(col):  # each city's residents priced in that city only
        rows = np.flatnonzero(col == j)
        gain[rows] = settling_gain_by_city_cny_per_month(w, idx[rows], cities[j : j + 1])[:, 0]
    return gain


def settling_chance(w: World, idx: np.ndarray) -> np.ndarray:
    """The chance that households ``idx``, eligible where they live, apply to settle there.

    The logit of their settling gain (:func:`settling_gain_cny_per_month`) at the behaviour's
    taste-noise scale: what the migrant survey asks ("if you met the local conditions, would you
    move your hukou here?", China Migrants Dynamic Survey).
    """
    scale = w.cny(w.cfg.behavior.logit_scale_cny_per_month)
    return expit(settling_gain_cny_per_month(w, idx) / scale)


def settling_willingness_pct(w: World, idx: np.ndarray) -> float:
    """Share (%, by household weight) of households ``idx`` that would settle where they live if
    eligible: the mean of :func:`settling_chance` (0 for an empty ``idx``)."""
    if idx.size == 0:
        return 0.0
    weight = w.hh.weight[idx].astype(np.float64)
    return float(100.0 * (weight * settling_chance(w, idx)).sum() / weight.sum())


def settling_option_cny_per_month(
    w: World,
    idx: np.ndarray,
    cities: np.ndarray,
    housing_cost: np.ndarray | None = None,
    school_access: np.ndarray | None = None,
) -> np.ndarray:
    """The settling option of each city in a location choice (per equivalent person, k x cities).

    Non-hukou households: the positive part of the settling gain times the chance of settling
    within the planning horizon at the city's settling hazard. Urban-hukou holders: the hukou's
    value where they hold it (anywhere in the region with the region-wide transfer).
    ``housing_cost`` and ``school_access`` as in :func:`settling_gain_by_city_cny_per_month`
    (rows of ``idx``).
    """
    hh, places, beh = w.hh, w.places, w.cfg.behavior
    hazard = places.settlement.settling_hazard_per_month[cities]
    chance = (1.0 - np.exp(-hazard * beh.planning_horizon_months)).astype(np.float32)
    urban = hh.hukou_urban[idx]
    option = layout.zeros(idx.size, cities.size, np.float32)
    rural = np.flatnonzero(~urban)
    if rural.size:
        cost = None if housing_cost is None else housing_cost[rural]
        access = None if school_access is None else school_access[rural]
        gains = settling_gain_by_city_cny_per_month(w, idx[rural], cities, cost, access)
        option[rural] = chance[None, :] * np.maximum(gains, 0)
    holders = np.flatnonzero(urban)
    hukou_place = hh.hukou_place[idx[holders]]
    holds = layout.by_place(np.equal, hukou_place, cities)
    if w.cfg.hukou_moves.region_transfer:
        holds = holds | places.is_city[hukou_place][:, None]
    option[holders] = holds * np.float32(w.cny(beh.hukou_value_cny_per_month))
    return option
