"""Allocating capacity-limited things (jobs, school seats, public rental units, quotas) by rule.

One mechanism serves every capacity: candidates queue per place in priority order and are admitted
while the running total of what they use stays within the place's capacity. A capacity is never
exceeded, by construction.
"""

from __future__ import annotations

import numpy as np


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
    lottery = rng.random(n)
    keys = (lottery, place) if order_key is None else (lottery, order_key, place)
    order = np.lexsort(keys)
    place_sorted = place[order]
    used = np.cumsum(amount[order], dtype=np.float64)
    group_start = np.searchsorted(place_sorted, place_sorted, side="left")
    used_before_group = np.where(group_start > 0, used[group_start - 1], 0.0)
    within = used - used_before_group
    cap = capacity_by_place[place_sorted]
    admitted_sorted = within <= cap * (1 + 1e-12)
    admitted = np.empty(n, dtype=bool)
    admitted[order] = admitted_sorted
    return admitted
