"""Per-place columns built from the per-city policy declarations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def column_builder(
    n_places: int, city_slots: Sequence[int], policies: Sequence[Any]
) -> Callable[[Callable[[Any], Any], Any, Any], np.ndarray]:
    """A function ``arr(get, dtype, fill)`` making one per-place array from the city policies.

    ``get`` reads a city's value from its policy; places that are not cities get ``fill``.
    """

    def arr(get: Callable[[Any], Any], dtype: Any, fill: Any) -> np.ndarray:
        out = np.full(n_places, fill, dtype=dtype)
        for slot, policy in zip(city_slots, policies, strict=True):
            out[slot] = get(policy)
        return out

    return arr
