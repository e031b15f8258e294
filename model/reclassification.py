"""In-situ urbanization: parts of rural areas are reclassified as urban with nobody moving.

"Urban" follows the classification of places, so reclassification raises the resident
urbanization rate directly; a configured share of the reclassified households (for example
land-expropriated farmers) also receive an urban hukou. Reclassified households take the town as
their home place, so they no longer choose among destinations; those left with a rural hukou stay
non-hukou urban residents (part of the gap).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.households import Employment, Tenure

if TYPE_CHECKING:
    from model.world import World


def reclassify_rural_places(w: World) -> None:
    """Phase: households at home in a rural area with a town become residents of that town."""
    policy, hh, places = w.cfg.reclassification, w.hh, w.places
    if policy.rate_per_year <= 0:
        return
    p = 1.0 - (1.0 - policy.rate_per_year) ** (w.months_per_step / 12)
    town = places.town_of[hh.location]
    idx = np.flatnonzero((town >= 0) & places.is_rural[hh.location])
    idx = idx[w.rng.random(idx.size) < p]
    if idx.size == 0:
        return
    new_town = places.town_of[hh.location[idx]]
    hh.location[idx] = new_town
    hh.origin[idx] = new_town  # their home place is now the town: they stop weighing a return
    hh.tenure[idx] = Tenure.OWNED  # they stay in their own house
    hh.employment[idx] = Employment.INFORMAL  # they join the town's labour market
    converted = idx[w.rng.random(idx.size) < policy.hukou_conversion_share]
    hh.hukou_urban[converted] = True
    hh.hukou_place[converted] = hh.location[converted]
    hh.family_followed[converted] = True
    w.flows.add("reclassified_households", hh.weight[idx].sum(dtype=np.float64))
    w.flows.add(
        "hukou_converted_persons",
        (hh.weight[converted] * hh.size[converted]).sum(dtype=np.float64),
    )
