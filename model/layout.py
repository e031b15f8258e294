"""Household-by-place arrays stored place-major.

The location choice prices every city for each reviewing household: arrays of shape
``(households, places)`` with many households and a few places. The compiled loops that fill
them write each city's column in turn, and the numpy code that reads them runs along the
households, so they are stored place-major (Fortran order): measured with 3 cities, an
element-wise step along the short place axis cost 5-30 times what it costs along the
households. A loop over such an array may take one list of places for every household or one
row of places per household (:func:`place_grid`).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def empty(k: int, c: int, dtype: Any) -> np.ndarray:
    """An uninitialised (k, c) array stored place-major."""
    return np.empty((k, c), dtype=dtype, order="F")


def zeros(k: int, c: int, dtype: Any) -> np.ndarray:
    """A (k, c) array of zeros stored place-major."""
    return np.zeros((k, c), dtype=dtype, order="F")


def place_grid(k: int, places: np.ndarray) -> np.ndarray:
    """The places of a (k, c) household-by-place array: ``places`` itself if 2-D (each row's
    own places), else the 1-D list of places repeated for every row (a read-only view)."""
    return places if places.ndim == 2 else np.broadcast_to(places, (k, places.size))


def argmax_by_row(values: np.ndarray) -> np.ndarray:
    """``np.argmax(values, axis=1)`` (the first maximum of each row) for a place-major array,
    column by column: a reduction across the short axis is slow."""
    best = values[:, 0].copy()
    choice = np.zeros(values.shape[0], dtype=np.intp)
    for j in range(1, values.shape[1]):
        column = values[:, j]
        better = np.flatnonzero(column > best)
        choice[better] = j
        best[better] = column[better]
    return choice
