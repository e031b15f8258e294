"""Household-by-place arrays: place grids, place-major storage, the first maximum by row."""

from __future__ import annotations

import numpy as np

from model import layout


def test_place_grid_is_the_rows_own_places_or_one_list_for_all():
    cities = np.array([2, 5, 7], dtype=np.int16)
    grid = layout.place_grid(4, cities)
    assert grid.shape == (4, 3) and (grid == cities).all()
    own = np.array([[5], [2], [7], [5]], dtype=np.int16)
    assert layout.place_grid(4, own) is own
    assert layout.empty(4, 3, np.float32).flags["F_CONTIGUOUS"]


def test_argmax_by_row_picks_the_first_maximum_like_numpy():
    rng = np.random.default_rng(4)
    values = np.asfortranarray(rng.integers(0, 3, size=(2000, 5)).astype(np.float32))  # ties
    assert np.array_equal(layout.argmax_by_row(values), np.argmax(values, axis=1))
    values = np.asfortranarray(rng.random((2000, 7)))
    assert np.array_equal(layout.argmax_by_row(values), np.argmax(values, axis=1))
