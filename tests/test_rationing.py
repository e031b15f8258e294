"""The one allocation mechanism behind jobs, seats, units and quotas."""

from __future__ import annotations

import numpy as np
import pytest

from model.rationing import _queue_tier, fill_capacity


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


def _tier_by_numpy(place, order_key):
    """Place and whole-numbered key folded into tiers, as whole-array numpy operations."""
    if order_key is None:
        return place
    lo, hi = float(order_key.min()), float(order_key.max())
    span = int(hi - lo) + 1
    n_tiers = span * (int(place.max()) + 1)
    if n_tiers > 2**40 or not np.all(np.floor(order_key) == order_key):
        return None
    tier = place.astype(np.int64) * span + (order_key - lo).astype(np.int64)
    return tier.astype(np.int16) if n_tiers <= np.iinfo(np.int16).max else tier


def _admitted_by_cumsum(place, amount, capacity, order_key, rng):
    """The queue as whole-array numpy operations (the form before the compiled pass)."""
    n = place.shape[0]
    tier = _tier_by_numpy(place, order_key)
    folded = _queue_tier(place, order_key)
    assert (folded is None) == (tier is None)
    if tier is not None:
        assert folded.dtype == tier.dtype and np.array_equal(folded, tier)
    if tier is None:
        order = np.lexsort((rng.random(n), order_key, place))
    else:
        shuffled = rng.permutation(n)
        order = shuffled[np.argsort(tier[shuffled], kind="stable")]
    place_sorted = place[order]
    used = np.cumsum(amount[order], dtype=np.float64)
    first_of_place = np.searchsorted(place_sorted, np.arange(capacity.size))
    used_before_place = np.where(first_of_place > 0, used[first_of_place - 1], 0.0)
    within = used - used_before_place[place_sorted]
    admitted = np.empty(n, dtype=bool)
    admitted[order] = within <= capacity[place_sorted] * (1 + 1e-12)
    return admitted


@pytest.mark.parametrize("capacity_dtype", [np.float64, np.float32])
@pytest.mark.parametrize("amount_dtype", [np.float64, np.float32])
def test_compiled_queue_admits_exactly_whom_the_whole_array_form_admits(
    capacity_dtype, amount_dtype
):
    """Same seed, same draws, same float sums: the compiled queue changes no outcome."""
    draw = np.random.default_rng(3)
    for trial in range(360):
        n, n_places = int(draw.integers(1, 400)), int(draw.integers(1, 8))
        place = draw.integers(0, n_places, n).astype(np.int16)
        amount = draw.uniform(0, 3, n).astype(amount_dtype)
        capacity = (draw.uniform(0, 1.2, n_places) * amount.sum() / n_places).astype(capacity_dtype)
        capacity[draw.random(n_places) < 0.2] = np.inf
        # a lottery, a continuous key (lexsort), whole-numbered keys folded into int16 tiers
        # and into int64 tiers (a wide span)
        key = [
            None,
            draw.normal(size=n),
            draw.integers(0, 5, n).astype(np.float64),
            draw.integers(0, 10_000, n).astype(np.float64),
            draw.integers(-10_000_000, 300, n),  # months on a list less a priority offset
            -(draw.random(n) < 0.3).astype(np.float64),  # a priority group first (-0.0, -1.0)
        ][trial % 6]
        got = fill_capacity(place, amount, capacity, key, np.random.default_rng(trial))
        want = _admitted_by_cumsum(place, amount, capacity, key, np.random.default_rng(trial))
        np.testing.assert_array_equal(got, want)
