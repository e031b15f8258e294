"""Random trials over household arrays, with work in proportion to the successes where rare.

Most demographic and behavioural events are rare per household and step; drawing one uniform
per household each time would dominate a step. These helpers draw successes as geometric gaps
(sparse) where chances are small, and one uniform per trial where they are not.
"""

from __future__ import annotations

import numpy as np

_P_DENSE = 0.02  # above this chance a trial gets its own uniform; below, sparse thinning


def bernoulli(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """Independent trials with per-row chances ``p`` (work mostly in proportion to successes)."""
    hit = np.zeros(p.size, dtype=bool)
    dense = np.flatnonzero(p >= _P_DENSE)
    hit[dense] = rng.random(dense.size, dtype=np.float32) < p[dense]
    candidates = event_rows(rng, p.size, _P_DENSE)
    candidates = candidates[p[candidates] < _P_DENSE]
    hit[candidates] = rng.random(candidates.size, dtype=np.float32) * _P_DENSE < p[candidates]
    return hit


def any_of(rng: np.random.Generator, count: np.ndarray, p: float) -> np.ndarray:
    """Whether at least one of each household's ``count`` persons has an event of chance ``p``."""
    table = 1.0 - (1.0 - min(p, 1.0)) ** np.arange(128, dtype=np.float64)
    p_max = table[int(count.max(initial=0))]
    candidates = event_rows(rng, count.size, p_max)
    hit = np.zeros(count.size, dtype=bool)
    hit[candidates] = rng.random(candidates.size) * p_max < table[count[candidates]]
    return hit


def event_rows(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Rows (ascending) of ``n`` independent trials of chance ``p`` that succeed.

    Rare events are drawn as geometric gaps between successes (work in proportion to the
    successes, not to ``n``); frequent ones with one uniform per trial.
    """
    if p <= 0 or n == 0:
        return np.zeros(0, dtype=np.intp)
    if p >= 0.1:
        return np.flatnonzero(rng.random(n, dtype=np.float32) < p)
    found = []
    start = 0
    while start < n:
        expected = (n - start) * p
        gaps = rng.geometric(p, size=int(expected + 6 * expected**0.5 + 16))
        positions = start - 1 + np.cumsum(gaps)  # strictly increasing: gaps are at least 1
        found.append(positions[positions < n])
        start = int(positions[-1]) + 1
    return np.concatenate(found)
