"""The compiled passes (model/compiled.py) against the same loops run as Python.

numba compiles the phases' loops; with ``NUMBA_DISABLE_JIT=1`` the same loops run as Python on
numpy scalars, which follow numpy's own type rules. The two runs must agree bit for bit, so a
loop in which numba types a value otherwise than numpy would (a float32 product promoted to
float64, a float32 compared with a float64 constant) fails here once it changes an outcome.
The compiled run checks every index (``NUMBA_BOUNDSCHECK=1``): numba does not by default. (That
a loop gives what the whole-array numpy form gave was checked by hashing runs when each loop
was written; ``test_rationing.py`` keeps the queue's whole-array form as a reference.)
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from conftest import REPO
from model.compiled import sum_by_place

# Every lever on (so every compiled pass runs), the age structure on, a few hundred households.
_RUN = """
import hashlib, sys
from benchmarks.speed import build
model = build(600, "all", seed=3)
for _ in range(8):
    model.step()
digest = hashlib.sha256(model.timeseries().to_csv().encode())
for name in model.world.hh.__dataclass_fields__:
    digest.update(getattr(model.world.hh, name).tobytes())
print(digest.hexdigest())
"""


def _digest(disable_jit: bool, cache_dir: str) -> str:
    env = {
        **os.environ,
        "NUMBA_DISABLE_JIT": "1" if disable_jit else "0",
        "NUMBA_BOUNDSCHECK": "1",
        "NUMBA_CACHE_DIR": cache_dir,  # bounds-checked builds apart from the project's cache
    }
    done = subprocess.run(
        [sys.executable, "-c", _RUN], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_compiled_and_interpreted_loops_give_identical_runs(tmp_path):
    compiled = _digest(disable_jit=False, cache_dir=str(tmp_path))
    assert compiled == _digest(disable_jit=True, cache_dir=str(tmp_path))


def test_sums_by_place_are_bincounts_bit_for_bit():
    rng = np.random.default_rng(4)
    for dtype in (np.float32, np.float64, bool, np.int8):
        place = rng.integers(0, 30, 10_000).astype(np.int16)
        values = (rng.random(10_000) * 1e4).astype(dtype)
        got = sum_by_place(place, values, 35)
        np.testing.assert_array_equal(got, np.bincount(place, weights=values, minlength=35))
        assert got.dtype == np.float64
