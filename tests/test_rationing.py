"""The one allocation mechanism behind jobs, seats, units and quotas."""

from __future__ import annotations

import numpy as np
import pytest

from model.rationing import fill_capacity


def test_never_exceeds_capacity_and_leaves_no_room_for_the_next_in_line():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n, n_places = rng.integers(0, 300), rng.integers(1, 6)
        place = rng.integers(0, n_places, n)
        amount = rng.uniform(0, 5, n)
        capacity = rng.uniform(0, 100, n_places)
        key = rng.normal(size=n)
        admitted = fill_capacity(place, amount, capacity, key, rng)
        used = np.bincount(place[admitted], weights=amount[admitted], minlength=n_places)
        assert np.all(used <= capacity * (1 + 1e-12))
        for p in range(n_places):
            refused = ~admitted & (place == p)
            if refused.any():  # strict queue: everyone admitted is ahead of everyone refused
                assert key[admitted & (place == p)].max(initial=-np.inf) <= key[refused].min()


def test_priority_goes_first_and_unlimited_capacity_admits_all():
    rng = np.random.default_rng(1)
    place = np.zeros(4, dtype=np.int16)
    amount = np.ones(4)
    admitted = fill_capacity(place, amount, np.array([2.0]), np.array([3.0, 0.0, 2.0, 1.0]), rng)
    assert admitted.tolist() == [False, True, False, True]
    assert fill_capacity(place, amount, np.array([np.inf]), None, rng).all()
    assert fill_capacity(place[:0], amount[:0], np.array([1.0]), None, rng).size == 0


def test_lottery_is_fair_on_average():
    rng = np.random.default_rng(2)
    place = np.zeros(10, dtype=np.int16)
    wins = np.zeros(10)
    for _ in range(2000):
        wins += fill_capacity(place, np.ones(10), np.array([3.0]), None, rng)
    assert np.allclose(wins / 2000, 0.3, atol=0.05)


def test_budget_draws_spend_the_budget_on_average_and_overshoot_by_at_most_one():
    from model.rationing import draw_up_to

    rng = np.random.default_rng(3)
    spent = budget = 0.0
    for _ in range(3000):
        n = int(rng.integers(1, 200))
        amount = rng.uniform(0, 3, n)
        cap = rng.uniform(0, min(100.0, amount.sum()))
        picked = draw_up_to(amount, cap, rng)
        assert np.unique(picked).size == picked.size
        assert amount[picked].sum() <= cap + amount.max()
        spent += amount[picked].sum()
        budget += cap
    assert spent / budget == pytest.approx(1.0, abs=0.01)
