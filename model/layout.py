"""Household-by-place arrays stored place-major.

The location choice prices every city for each reviewing household: arrays of shape
``(households, places)`` with many households and a few places. Built row-major by broadcasting
a ``(k, 1)`` column against a ``(1, c)`` row, numpy's innermost loop runs along the short place
axis and an element-wise step costs 5-30 times what it costs along the households (measured with
3 cities). The helpers here build such arrays place-major (Fortran order). numpy keeps that order
through the element-wise operations that follow, so the code that uses them reads as before and
the values are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def by_place(
    op: Callable[[np.ndarray, np.ndarray], np.ndarray],
    per_household: np.ndarray,
    per_place: np.ndarray,
) -> np.ndarray:
    """``op(per_household[:, None], per_place[None, :])``, shape (k, c), stored place-major."""
    return op(per_household[None, :], per_place[:, None]).T


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


def cells_at(location: np.ndarray, places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a (k, c) household-by-place array where each household lives.

    Args:
        location: Each household's place (length k).
        places: The array's columns, sorted place indices.

    Returns:
        The rows whose ``location`` is one of ``places``, and that place's column.
    """
    col = np.minimum(np.searchsorted(places, location), places.size - 1)
    rows = np.flatnonzero(places[col] == location)
    return rows, col[rows]


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
