"""Allocating capacity-limited things (jobs, school seats, public rental units, quotas) by rule.

One mechanism serves every capacity: candidates queue per place in priority order and are admitted
while the running total of what they use stays within the place's capacity. A capacity is never
exceeded, by construction.
"""

from __future__ import annotations

import numpy as np

from model.compiled import jit, sum_by_place


def draw_up_to(amount: np.ndarray, capacity: float, rng: np.random.Generator) -> np.ndarray:
    """Positions of a random subset of candidates whose amounts fill a budget in draw order.

    A lottery queue over all candidates (admit in random order while the running total fits),
    except that the first candidate who does not fit is admitted with the chance of the share
    of it that fits, so the expected total equals the budget (agents are lumpy: without this a
    budget would be underspent by half an agent per call). For budgets such as training
    places, not for hard capacities. Draws only about as many candidates as can fit.
    """
    n = amount.shape[0]
    if n == 0 or capacity <= 0:
        return np.zeros(0, dtype=np.int64)
    guess = min(n, int(np.ceil(2 * capacity / max(float(amount.mean()), 1e-12))) + 16)
    drawn = rng.choice(n, size=guess, replace=False) if guess < n else rng.permutation(n)
    if guess < n and amount[drawn].sum() < capacity:  # unlucky draw: fall back to everyone
        drawn = rng.permutation(n)
    total = np.cumsum(amount[drawn], dtype=np.float64)
    n_fit = int(np.searchsorted(total, capacity * (1 + 1e-12), side="right"))
    if n_fit < drawn.size:
        used = total[n_fit - 1] if n_fit else 0.0
        if rng.random() < (capacity - used) / amount[drawn[n_fit]]:
            n_fit += 1
    return drawn[:n_fit]


def fill_capacity(
    place: np.ndarray,
    amount: np.ndarray,
    capacity_by_place: np.ndarray,
    order_key: np.ndarray | None,
    rng: np.random.Generator,
) -> np.ndarray:
    """Admit candidates per place in queue order while the place's capacity lasts.

    Args:
        place: Place index of each candidate.
        amount: What each candidate uses (e.g. children x weight seats), non-negative.
        capacity_by_place: Capacity left per place (``np.inf`` for unlimited).
        order_key: Queue order within a place, lowest first (None: a lottery). Ties are broken
            at random.
        rng: The model's generator (draws the lottery).

    Returns:
        Boolean mask over candidates: admitted or not. Within a place the admitted candidates are
        a prefix of the queue, so the queue is strict: nobody behind a refused candidate gets in.
    """
    n = place.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    # (The tolerance is applied here, in the capacity's own type, as the admission test reads it.)
    capacity = capacity_by_place * (1 + 1e-12)
    tier = _queue_tier(place, order_key)
    if tier is None:
        order = np.lexsort((rng.random(n), order_key, place))
    else:  # a random order, then a stable sort by tier
        shuffled = rng.permutation(n)
        if tier.dtype == np.int16:
            return _admit_by_tier(shuffled, tier, place, amount, capacity)
        order = shuffled[np.argsort(tier[shuffled], kind="stable")]
    return _admit_in_order(order, place, amount, capacity)


@jit
def _admit_by_tier(
    shuffled: np.ndarray,
    tier: np.ndarray,
    place: np.ndarray,
    amount: np.ndarray,
    capacity: np.ndarray,
) -> np.ndarray:
    """:func:`_admit_in_order` of ``shuffled`` stably sorted by ``tier`` (a counting sort of
    the small non-negative tiers, the same order as a stable argsort)."""
    starts = np.zeros(tier.max() + 2, dtype=np.intp)
    for i in range(tier.size):
        starts[tier[i] + 1] += 1
    for t in range(1, starts.size):
        starts[t] += starts[t - 1]
    order = np.empty(shuffled.size, dtype=np.intp)
    for i in shuffled:
        order[starts[tier[i]]] = i
        starts[tier[i]] += 1
    return _admit_in_order(order, place, amount, capacity)


@jit
def _admit_in_order(
    order: np.ndarray, place: np.ndarray, amount: np.ndarray, capacity: np.ndarray
) -> np.ndarray:
    """Admitted (a mask over candidates) when candidates, grouped by place in ``order``, are
    admitted while the running total of their place stays within its capacity.

    The running total is the one float64 sum over the whole queue, less its value where the
    place's group begins (as ``np.cumsum`` over the queue would give).
    """
    admitted = np.empty(order.size, dtype=np.bool_)
    total = 0.0
    before = 0.0
    current = -1
    for i in order:
        if place[i] != current:
            current = place[i]
            before = total
        total += np.float64(amount[i])
        admitted[i] = total - before <= capacity[current]
    return admitted


def coverage(capacity: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Share of the eligible need a capacity serves, per place (0 without capacity, at most 1).

    What a household can expect of a rationed service over its horizon: with turnover, a
    place that houses one in four eligible households in need gives each about that chance.
    """
    share = np.where(need > 0, capacity / np.maximum(need, 1e-9), 1.0)
    return np.where(capacity > 0, np.minimum(share, 1.0), 0.0)


def keep_within(
    place: np.ndarray, amount: np.ndarray, capacity_by_place: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Which holders keep what they hold where a capacity fell below its use (a lottery).

    Args:
        place: Place index of each holder.
        amount: What each holder uses.
        capacity_by_place: Capacity per place.
        rng: The model's generator.

    Returns:
        Boolean mask over holders; everyone keeps where use is within capacity.
    """
    used = sum_by_place(place, amount, capacity_by_place.size)
    if not np.any(used > capacity_by_place * (1 + 1e-12)):
        return np.ones(place.shape[0], dtype=bool)
    return fill_capacity(place, amount, capacity_by_place, None, rng)


def _queue_tier(place: np.ndarray, order_key: np.ndarray | None) -> np.ndarray | None:
    """Place and queue key folded into one whole number per candidate, or None if they can't be.

    Works when the key is whole-numbered with a modest span (lotteries, priority groups, months
    on a waiting list); continuous keys such as points need the lexsort.
    """
    if order_key is None:
        return place
    lo, hi, whole = _key_range(order_key)
    span = int(hi - lo) + 1
    n_tiers = span * (int(place.max()) + 1)
    if n_tiers > 2**40 or not whole:
        return None
    tier = np.empty(place.size, dtype=np.int16 if n_tiers <= np.iinfo(np.int16).max else np.int64)
    _fold_tiers(place, order_key, lo, span, tier)
    return tier


@jit
def _key_range(order_key: np.ndarray) -> tuple[float, float, bool]:
    """The smallest and largest key (as floats) and whether every key is a whole number."""
    lo = hi = np.float64(order_key[0])
    whole = True
    for i in range(order_key.size):
        key = np.float64(order_key[i])
        lo = min(lo, key)
        hi = max(hi, key)
        whole = whole and np.floor(key) == key
    return lo, hi, whole


@jit
def _fold_tiers(
    place: np.ndarray, order_key: np.ndarray, lo: float, span: int, tier: np.ndarray
) -> None:
    """``place * span + (key - lo)`` of each candidate, into ``tier``."""
    for i in range(place.size):
        tier[i] = np.int64(place[i]) * span + np.int64(np.float64(order_key[i]) - lo)
