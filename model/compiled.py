"""Compiled loops for the phases whose numpy form makes many passes over the household arrays.

A phase stays a Python function over the household arrays and the places; where numpy would
pass over every household several times (a mask, a gather, a product, a select ...), the phase
hands the arrays to one loop compiled by numba (:data:`jit`), which visits each household once.
Random draws stay with the model's numpy generator, in the phase, so the stream is unchanged.

A compiled loop must give the numpy form's results bit for bit, so that a seed's outputs do not
depend on which form ran: it keeps numpy's types and the order of its operations (a float32
product stays float32; a float64 sum adds in row order as ``np.bincount`` and ``np.cumsum``
do), and leaves transcendental functions (``exp``, ``log``) and pairwise sums to numpy.

Compiled code is cached next to the sources (``__pycache__``) on first use; set
``NUMBA_DISABLE_JIT=1`` to run the loops as plain Python (slow, for a debugger).
"""

from __future__ import annotations

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True, error_model="numpy")
"""Decorator: compile a loop over household arrays (cached; numpy's float semantics)."""


@jit
def sum_by_place(place: np.ndarray, values: np.ndarray, n_places: int) -> np.ndarray:
    """Sum of ``values`` by ``place`` (float64, length ``n_places``).

    The same sums as ``np.bincount(place, weights=values, minlength=n_places)``, added in row
    order in float64, without converting the whole of ``place`` and ``values`` first.
    """
    out = np.zeros(n_places)
    for i in range(place.size):
        out[place[i]] += np.float64(values[i])
    return out
