"""Compiled loops for the phases whose numpy form makes many passes over the household arrays.

A phase stays a Python function over the household arrays and the places; where numpy would
pass over every household several times (a mask, a gather, a product, a select ...), the phase
hands the arrays to one loop compiled by numba (:data:`jit`), which visits each household once.
Random draws stay with the model's numpy generator, in the phase, so the stream is unchanged.

A compiled loop must give the numpy form's results bit for bit, so that a seed's outputs do not
depend on which form ran: it keeps numpy's types and the order of its operations (a float32
product stays float32; a float64 sum adds in row order as ``np.bincount`` and ``np.cumsum``
do; a float32 compared with a constant compares in float32, so constants are written
``np.float32(C)``), and leaves transcendental functions (``exp``, ``log``) and pairwise sums
to numpy. Indices are not bounds-checked (``NUMBA_BOUNDSCHECK=1`` turns the checks on).

Compiled code is cached on first use in ``model/__pycache__/numba-<digest>``, where the digest
is of every source file of the package: numba itself notices only edits to the file that
defines a loop, not to the constants, enums and compiled functions it takes from other files,
so any edit to the package starts a fresh cache; the caches of other versions are deleted once
unused for a week.
Set ``NUMBA_DISABLE_JIT=1`` to run the loops as plain Python (slow; for a debugger).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import numba
import numpy as np

PACKAGE = Path(__file__).resolve().parent


def _cache_dir() -> str:
    """A writable cache directory named by the digest of the package's sources."""
    digest = hashlib.sha256()
    for source in sorted(PACKAGE.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    name = f"numba-{digest.hexdigest()[:16]}"
    bases = [PACKAGE / "__pycache__", Path.home() / ".cache" / "hukou-abm"]
    if os.environ.get("NUMBA_CACHE_DIR"):
        bases.insert(0, Path(os.environ["NUMBA_CACHE_DIR"]))
    for base in bases:
        try:
            (base / name).mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(base / name, os.W_OK):
            os.utime(base / name)  # its time is its last use: see prune_stale_caches
            prune_stale_caches(base, keep=name)
            return str(base / name)
    return ""  # numba's own choice


STALE_AFTER_DAYS = 7.0


def prune_stale_caches(base: Path, keep: str) -> None:
    """Delete the caches in ``base`` of other versions of the sources unused for a week (a
    process touches its cache's directory when it starts): every edit of the package starts a
    fresh cache of a few megabytes."""
    cutoff = time.time() - STALE_AFTER_DAYS * 86400
    for cache in base.glob("numba-*"):
        try:
            stale = cache.name != keep and cache.stat().st_mtime < cutoff
        except OSError:
            continue
        if stale:
            shutil.rmtree(cache, ignore_errors=True)


numba.config.CACHE_DIR = _cache_dir()

jit = numba.njit(cache=True, nogil=True, error_model="numpy")
"""Decorator: compile a loop over household arrays (cached; numpy's float semantics)."""


@jit
def sum_by_place(place: np.ndarray, values: np.ndarray, n_places: int) -> np.ndarray:
    """Sum of ``values`` by ``place`` (float64, length ``n_places``); ``place`` is any small
    non-negative code (a place, an origin-place pair, a segment).

    The same sums as ``np.bincount(place, weights=values, minlength=n_places)``, added in row
    order in float64, without converting the whole of ``place`` and ``values`` first.
    """
    out = np.zeros(n_places)
    for i in range(place.size):
        out[place[i]] += np.float64(values[i])
    return out
