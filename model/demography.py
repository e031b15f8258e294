"""Demography (minimal for now): time passes for every household.

Births, deaths and school-age transitions are not modelled yet; household composition is fixed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.world import World

_MONTHS_CAP = np.iinfo(np.int16).max


def age_households(w: World) -> None:
    """Phase: heads age and every household accrues months in its current place."""
    hh, months = w.hh, w.months_per_step
    hh.age_head_years += np.float32(months / 12)
    np.minimum(hh.months_in_place, _MONTHS_CAP - months, out=hh.months_in_place)
    hh.months_in_place += months
