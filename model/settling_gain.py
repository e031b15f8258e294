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
from model.compiled import jit
from model.housing_costs import housing_costs_cny_per_month
from model.permits import holds_hukou
from model.schooling import school_access_prob

if TYPE_CHECKING:
    from model.world import World


def update_settling_rates(w: World) -> None:
    """Phase: each city's settling hazard among its non-hukou residents, averaged over ~a year."""
    hh, places, table = w.hh, w.places, w.places.settlement
    non_hukou = hh.persons_by_place(places.n, where=places.is_city[hh.location] & ~hh.hukou_urban)
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
    housing_costs: tuple[np.ndarray, np.ndarray] | None = None,
    school_access: np.ndarray | None = None,
) -> np.ndarray:
    """What settling in each city would be worth to households ``idx`` (shape k x cities;
    ``cities`` one list for all or one row per household, :func:`model.layout.place_grid`).

    ``housing_costs`` and ``school_access``: their expected housing costs (as they are, and with
    each city's hukou) and chance of a school seat in each city as they are, if already known
    (:func:`model.housing_costs.housing_costs_cny_per_month`,
    :func:`model.schooling.school_access_prob`).
    """
    return _settling_values(w, idx, cities, housing_costs, school_access, as_option=False)


def _settling_values(
    w: World,
    idx: np.ndarray,
    cities: np.ndarray,
    housing_costs: tuple[np.ndarray, np.ndarray] | None,
    school_access: np.ndarray | None,
    as_option: bool,
) -> np.ndarray:
    """The settling gain in each city (or, ``as_option``, the settling option) of ``idx``;
    ``cities`` one list for all or one row per household (:func:`model.layout.place_grid`)."""
    hh, places, beh = w.hh, w.places, w.cfg.behavior
    if school_access is None:
        school_access = school_access_prob(w, idx, cities)
    if housing_costs is None:
        housing_costs = housing_costs_cny_per_month(w, idx, cities)
    rights = land.withdrawal_offers_cny_per_month(w, idx) - land.settling_loss_cny_per_month(w, idx)
    hazard = places.settlement.settling_hazard_per_month
    grid = layout.place_grid(idx.size, cities)
    out = layout.empty(*grid.shape, np.float32)
    _settling_cells(
        idx,
        hh.children,
        hh.hukou_urban,
        hh.hukou_place,
        school_access,
        housing_costs[0],
        housing_costs[1],
        rights,
        w.equivalent_persons(idx),
        grid,
        places.settlement.family_follows,
        (1.0 - np.exp(-hazard * beh.planning_horizon_months)).astype(np.float32),
        places.is_city,
        w.cfg.hukou_moves.region_transfer,
        np.float32(w.cny(beh.left_behind_cost_cny_per_child_month)),
        w.cny(beh.hukou_value_cny_per_month),
        as_option,
        out,
    )
    return out


@jit
def _settling_cells(
    idx: np.ndarray,
    children: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    school_access: np.ndarray,
    housing_cost: np.ndarray,
    housing_cost_settled: np.ndarray,
    rights: np.ndarray,
    equivalent_persons: np.ndarray,
    grid: np.ndarray,
    family_follows: np.ndarray,
    settling_chance: np.ndarray,
    is_city: np.ndarray,
    region_transfer: bool,
    left_behind: np.float32,
    hukou_value: float,
    as_option: bool,
    out: np.ndarray,
) -> None:
    """The settling gain cell by cell: the hukou's value, the schooling gained for the children
    who may follow, the housing support opened, the rights' offers less the land income lost;
    money per equivalent person. ``as_option``: for a non-hukou household the positive part of
    the gain times the chance of settling within the horizon; for an urban-hukou holder the
    hukou's value where it holds it (anywhere in the region, with the region-wide transfer).

    Household arrays whole (rows ``idx``); ``school_access``, the housing costs by cell;
    ``rights`` and ``equivalent_persons`` by row; place arrays by place; ``grid`` the place of
    each cell.
    """
    for k in range(idx.size):
        i = idx[k]
        if as_option and hukou_urban[i]:
            holds_any_city = region_transfer and is_city[hukou_place[i]]
            for j in range(grid.shape[1]):
                holds = holds_hukou(True, hukou_place[i], grid[k, j]) or holds_any_city
                out[k, j] = np.float32(holds) * np.float32(hukou_value)
            continue
        for j in range(grid.shape[1]):
            p = grid[k, j]
            following = np.int8(children[i] * family_follows[p])
            school_gain = (
                np.float32(following) * left_behind * (np.float32(1) - school_access[k, j])
            )
            housing_gain = np.maximum(
                housing_cost[k, j] - housing_cost_settled[k, j], np.float32(0)
            )
            money = (school_gain + housing_gain) + rights[k]
            gain = np.float32(hukou_value + money / equivalent_persons[k])
            if as_option:
                out[k, j] = settling_chance[p] * np.maximum(gain, np.float32(0))
            else:
                out[k, j] = gain


def settling_gain_cny_per_month(w: World, idx: np.ndarray) -> np.ndarray:
    """What settling in their current city is worth to households ``idx`` (CNY/month)."""
    here = w.hh.location[idx][:, None]  # each household priced in its own city only
    return settling_gain_by_city_cny_per_month(w, idx, here)[:, 0]


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
    housing_costs: tuple[np.ndarray, np.ndarray] | None = None,
    school_access: np.ndarray | None = None,
) -> np.ndarray:
    """The settling option of each city in a location choice (per equivalent person, k x cities).

    Non-hukou households: the positive part of the settling gain times the chance of settling
    within the planning horizon at the city's settling hazard. Urban-hukou holders: the hukou's
    value where they hold it (anywhere in the region with the region-wide transfer).
    ``housing_costs`` and ``school_access`` as in :func:`settling_gain_by_city_cny_per_month`
    (rows of ``idx``).
    """
    return _settling_values(w, idx, cities, housing_costs, school_access, as_option=True)
