"""Household-by-place arrays stored place-major give the values of plain broadcasting."""

from __future__ import annotations

import numpy as np

from model import layout


def test_by_place_equals_broadcasting_and_is_stored_place_major():
    rng = np.random.default_rng(3)
    per_household = rng.random(500).astype(np.float32)
    per_place = rng.random(4).astype(np.float32)
    for op in (np.multiply, np.subtract, np.less_equal):
        expected = op(per_household[:, None], per_place[None, :])
        got = layout.by_place(op, per_household, per_place)
        assert got.shape == (500, 4)
        assert np.array_equal(got, expected)
        assert got.flags["F_CONTIGUOUS"]


def test_argmax_by_row_picks_the_first_maximum_like_numpy():
    rng = np.random.default_rng(4)
    values = np.asfortranarray(rng.integers(0, 3, size=(2000, 5)).astype(np.float32))  # ties
    assert np.array_equal(layout.argmax_by_row(values), np.argmax(values, axis=1))
    values = np.asfortranarray(rng.random((2000, 7)))
    assert np.array_equal(layout.argmax_by_row(values), np.argmax(values, axis=1))


def test_cells_at_finds_each_household_where_it_lives():
    places = np.array([2, 5, 7])
    location = np.array([5, 0, 7, 2, 9, 5])
    rows, cols = layout.cells_at(location, places)
    assert rows.tolist() == [0, 2, 3, 5]
    assert places[cols].tolist() == location[rows].tolist()
