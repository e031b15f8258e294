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
from model.compiled import prune_stale_caches, sum_by_place

# Every lever on (so every compiled pass runs), the age structure on, a few hundred households,
# wages and prices growing (so a price-scaled value rounded to another float type shows).
_RUN = """
import hashlib, sys
from benchmarks.speed import LEVER_SETS
from model import SettlementModel, compose_config
overrides = ["scenario=demo", "n_households=600", "seed=3", "end_year=2100"]
overrides += [*LEVER_SETS["all"], "economy.wage_growth_pct_per_year=6.3"]  # prices off 1
model = SettlementModel(compose_config(overrides))
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


def test_caches_of_other_source_versions_are_pruned_once_a_week_old(tmp_path):
    for name in ("numba-current", "numba-old", "numba-recent"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f.nbi").write_text("")
    week_ago = os.path.getmtime(tmp_path / "numba-old") - 8 * 86400
    for name in ("numba-current", "numba-old"):
        os.utime(tmp_path / name, (week_ago, week_ago))
    (tmp_path / "other").mkdir()
    os.utime(tmp_path / "other", (week_ago, week_ago))
    prune_stale_caches(tmp_path, keep="numba-current")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["numba-current", "numba-recent", "other"]


def test_sums_by_place_are_bincounts_bit_for_bit():
    rng = np.random.default_rng(4)
    for dtype in (np.float32, np.float64, bool, np.int8):
        place = rng.integers(0, 30, 10_000).astype(np.int16)
        values = (rng.random(10_000) * 1e4).astype(dtype)
        got = sum_by_place(place, values, 35)
        np.testing.assert_array_equal(got, np.bincount(place, weights=values, minlength=35))
        assert got.dtype == np.float64


# The whole-array numpy forms the compiled loops replaced, kept as references: a loop must give
# what they give, on the state of a run and on household values pushed to their edges.


def _eligibility_by_numpy(w):
    from model.households import Tenure
    from model.hukou_moves import graduate_channel
    from model.settlement import SettlementRuleType as Rule

    hh, rules = w.hh, w.places.settlement
    idx = np.flatnonzero(w.places.is_city[hh.location] & ~hh.hukou_urban)
    loc, tenure = hh.location[idx], hh.tenure[idx]
    renting = (tenure == Tenure.PRIVATE_RENTAL) | (tenure == Tenure.DORM)
    owns_or_public = (tenure == Tenure.OWNED) | (tenure == Tenure.PUBLIC_RENTAL)
    has_address = owns_or_public | (renting & rules.collective_household[loc])
    residence_ok = hh.months_in_place[idx] >= rules.min_residence_months[loc]
    insurance_ok = hh.insurance_months[idx] >= np.maximum(rules.min_insurance_months[loc], 1)
    stable_housing = owns_or_public | (renting & rules.rental_counts[loc])
    points = (
        rules.points_residence[loc] * (hh.months_in_place[idx] / 12.0)
        + rules.points_insurance[loc] * (hh.insurance_months[idx] / 12.0)
        + rules.points_skill[loc] * np.maximum(hh.skill[idx], 0.0)
        + rules.points_owned[loc] * (tenure == Tenure.OWNED)
        + rules.points_poverty[loc] * hh.poverty_registered[idx]
    )
    rule = rules.rule[loc]
    conditions = (rule == Rule.conditions.value) & (stable_housing | insurance_ok)
    insured = hh.insurance_months[idx] >= rules.min_insurance_months[loc]
    by_points = (rule == Rule.points.value) & insured & (points >= rules.min_points[loc])
    eligible = has_address & ((rule == Rule.open.value) | (residence_ok & (conditions | by_points)))
    graduate = graduate_channel(w, idx) & (rule != Rule.closed.value)
    return idx, eligible | graduate, points.astype(np.float32)


def _pensions_by_numpy(w):
    from model.households import RETIREMENT_AGE
    from model.pensions import ELDERLY_FARMING_UNTIL

    hh, policy = w.hh, w.cfg.pensions
    resident = policy.resident_pension_cny_per_month * (
        1 + policy.resident_pension_growth_pct_per_year / 100
    ) ** (w.month / 12)
    employee = w.cny(policy.employee_pension_cny_per_month)
    retired_heads = hh.couple * (hh.head_age_years >= RETIREMENT_AGE)
    insured = hh.insurance_months >= policy.employee_min_contribution_months
    per_head = np.array([resident, employee], dtype=np.float32).take(insured.view(np.uint8))
    support = np.float32(w.cny(policy.support_from_children_cny_per_month))
    pension = retired_heads * per_head + hh.parents * np.float32(resident)
    income = (pension + support * (retired_heads + hh.parents)).astype(np.float32)
    share = np.float32(policy.elderly_farm_work_share)
    old = (hh.head_age_years >= RETIREMENT_AGE) & (hh.head_age_years < ELDERLY_FARMING_UNTIL)
    rows = np.flatnonzero(old & w.places.is_rural[hh.location])
    farm = np.zeros(len(hh), dtype=np.float32)
    rural_wage = w.places.labour.rural_wage
    farm[rows] = (hh.couple[rows] * share * rural_wage[hh.location[rows]]).astype(np.float32)
    return income + farm


def _pushed_to_edges(seed: int):
    """A run's state with some household values moved to where rounding and ties bite."""
    from benchmarks.speed import build

    model = build(3000, "all", seed=seed)
    for _ in range(6):
        model.step()
    hh, rng = model.world.hh, np.random.default_rng(seed)
    some = rng.random(len(hh)) < 0.2
    ages = np.float32([59.99999, 60.0, 74.99999, 75.0, 120.0])
    hh.head_age_years[some] = rng.choice(ages, some.sum())
    hh.skill[rng.random(len(hh)) < 0.05] = np.float32(-0.0)
    months = rng.random(len(hh)) < 0.1
    hh.months_in_place[months] = rng.choice(np.int16([0, 11, 12, 24, 36, 60]), months.sum())
    hh.insurance_months[months] = rng.choice(np.int16([0, 1, 12, 36, 180]), months.sum())
    hh.refresh_age_groups()  # as demography does after ageing: the state stays consistent
    return model


def test_eligibility_and_pensions_loops_give_the_numpy_forms():
    from model.pensions import add_elderly_farm_income, add_pension_income
    from model.settlement import mark_settlement_eligibility

    for seed in (0, 1):
        w = _pushed_to_edges(seed).world
        idx, eligible, points = _eligibility_by_numpy(w)
        mark_settlement_eligibility(w)
        np.testing.assert_array_equal(w.hh.settlement_eligible[idx], eligible)
        assert not w.hh.settlement_eligible[np.setdiff1d(np.arange(len(w.hh)), idx)].any()
        assert w.hh.settlement_points[idx].tobytes() == points.tobytes()
        income = np.zeros(len(w.hh), dtype=np.float32)
        add_pension_income(w, income)
        add_elderly_farm_income(w, income, w.places.labour.rural_wage)
        assert income.tobytes() == _pensions_by_numpy(w).tobytes()
