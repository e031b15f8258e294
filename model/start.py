"""The start state meets the start year's official figures: segments reweighted.

The initial population (:mod:`model.population`) has the configured proportions between its
segments; :func:`match_start` rescales each segment's weights so that the start year's resident
and registered population, both urbanization rates and (for China) the migrant workers in cities
and towns are met exactly, with multipliers as close to one as the figures allow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.compiled import sum_by_place
from model.levers import ConfigError
from model.person_accounts import person_accounts
from model.targets import StartData

if TYPE_CHECKING:
    from model.world import World

# Segments of the initial population, in the order of the columns of the matching system.
# NATIVES_RURAL_HUKOU: natives of a city or town who keep a village hukou (villages absorbed
# into built-up areas), counted among urban residents without an urban hukou.
NATIVES, NATIVES_RURAL_HUKOU, MIGRANTS, RURAL, OUTSIDE, INFLOW = range(6)
N_SEGMENTS = 6


def segment_of(w: World) -> np.ndarray:
    """Segment of every household: natives (urban or village hukou), inflow, migrants (city or
    outside) or rural."""
    hh, places = w.hh, w.places
    from_rural = places.is_rural[hh.origin]
    native = places.is_city[hh.origin]
    return np.select(
        [
            native & hh.hukou_urban,
            native,
            places.is_outside[hh.origin],
            from_rural & places.is_city[hh.location],
            from_rural & places.is_outside[hh.location],
        ],
        [NATIVES, NATIVES_RURAL_HUKOU, INFLOW, MIGRANTS, OUTSIDE],
        default=RURAL,
    ).astype(np.int8)


def match_start(w: World, start: StartData) -> None:
    """Rescale segment weights so that the initial state meets the start-year figures.

    Unknowns are one multiplier per segment; equations
    are the given figures: resident and registered population, urban residents, urban-hukou
    holders and migrant workers in cities and towns. Among the solutions, the one closest to
    the configured split is taken (all multipliers near 1), so figures that are not given keep
    the configured proportions. With the migrant-worker figure, the urban residents without an
    urban hukou are split between migrants and natives with a village hukou by the data rather
    than by ``households.native_rural_hukou_share``.

    Raises:
        ConfigError: When the figures cannot be met with positive segment sizes.
    """
    acc = person_accounts(w)
    segment = segment_of(w)
    if not start.migrant_workers:  # nothing tells the two native segments apart: scale alike
        segment[segment == NATIVES_RURAL_HUKOU] = NATIVES
    hh = w.hh
    migrant_workers = np.where(
        (segment == MIGRANTS) & ~hh.hukou_urban, hh.adults * hh.weight, np.float32(0)
    )
    by_segment = np.stack(
        [
            sum_by_place(segment, col, N_SEGMENTS)
            for col in (
                acc.resident,
                acc.urban_resident,
                acc.registered,
                acc.urban_hukou,
                migrant_workers,
            )
        ]
    )  # rows: resident, urban resident, registered, urban hukou, migrant workers; cols: segments
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
    if start.migrant_workers:
        rows.append(4)
        goals.append(start.migrant_workers)
    present = by_segment.sum(axis=0) > 0  # absent segments keep multiplier 1 (they add 0)
    a = by_segment[rows]
    goals_array = np.array(goals, dtype=np.float64)
    multiplier = np.ones(N_SEGMENTS)
    multiplier[present] = _closest_positive(a[:, present], goals_array)
    achieved = a @ multiplier
    if not np.allclose(achieved, goals_array, rtol=1e-5):  # no positive solution
        raise ConfigError(
            f"config key 'start' ({start.source or 'start data'}) cannot be met by this "
            f"scenario's population segments (multipliers {np.round(multiplier, 3).tolist()}); "
            "check the figures or add the missing segment (outside, inflow)"
        )
    w.hh.weight *= multiplier[segment].astype(np.float32)


MIN_SEGMENT_MULTIPLIER = 0.02  # a segment may shrink to 2 % of its configured size, not vanish


def _closest_positive(a: np.ndarray, goals: np.ndarray) -> np.ndarray:
    """Multipliers ``m`` >= MIN_SEGMENT_MULTIPLIER with ``a @ m = goals``, closest to all ones.

    The equations, each scaled by its goal, are weighted far above the pull towards one, so
    they hold to solver precision whenever a positive solution exists (checked by the caller).
    """
    from scipy.optimize import lsq_linear

    scale = np.where(goals > 0, goals, 1.0)
    weight = 1e5
    system = np.vstack([weight * a / scale[:, None], np.eye(a.shape[1])])
    target = np.concatenate([weight * goals / scale, np.ones(a.shape[1])])
    result = lsq_linear(system, target, bounds=(MIN_SEGMENT_MULTIPLIER, np.inf), tol=1e-12)
    return result.x
