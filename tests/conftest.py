"""Shared helpers: small, fast runs of the shipped scenarios."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.speed import build
from model import SettlementModel, compose_config
from model.households import Tenure
from model.world import World

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def small_model(overrides: list[str] | None = None, scenario: str = "demo") -> SettlementModel:
    """A model of a shipped scenario with test-sized overrides applied."""
    cfg = compose_config([f"scenario={scenario}", *(overrides or [])])
    return SettlementModel(cfg)


def run_cli(args: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run ``python -m model.run ARGS`` in a subprocess (the real command line)."""
    return run_module("model.run", args, cwd)


def run_module(module: str, args: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run ``python -m MODULE ARGS`` in a subprocess, capturing its text output."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def shuffled_state(seed: int) -> World:
    """A run's state (every lever on) with the cities' rules and the households' standing
    shuffled to every combination: access bases, coverage at 0 and 1, tenures, permits, seats,
    poverty registration, hukou places, months at the rules' edges, incomes at a ceiling; and
    prices off 1."""
    model = build(2500, "all", seed=seed)
    for _ in range(4):
        model.step()
    # Prices off 1, so that a price-scaled value rounded to float32 where numpy keeps float64
    # (or the reverse) shows.
    model.world.price_level = 1.0663127
    w, rng = model.world, np.random.default_rng(seed)
    hh, places, n = w.hh, w.places, len(w.hh)
    for table, name in [
        (places.housing, "subsidy_basis"),
        (places.housing, "public_basis"),
        (places.schooling, "basis"),
    ]:
        getattr(table, name)[:] = rng.integers(0, 4, places.n)
    places.housing.poverty_may_apply[:] = rng.random(places.n) < 0.5
    for table in (places.housing, places.schooling):
        table.access_prob[:] = rng.choice([0.0, 0.3, 1.0], places.n)
    places.schooling.private_prob[:] = rng.choice([0.0, 0.5, 1.0], places.n)
    places.settlement.family_follows[:] = rng.random(places.n) < 0.5
    places.settlement.settling_hazard_per_month[:] = rng.choice([0.0, 0.01, 0.2], places.n)
    hh.tenure[:] = rng.choice(np.int8(list(Tenure)), n)
    for name in [
        "rental_subsidy",
        "poverty_registered",
        "family_followed",
        "school_seat",
        "private_school",
        "has_permit",
        "hukou_urban",
    ]:
        getattr(hh, name)[:] = rng.random(n) < 0.4
    hh.hukou_place[:] = rng.choice(np.int16(np.arange(places.n)), n)
    hh.months_in_place[:] = rng.choice(np.int16([0, 5, 6, 7, 200]), n)
    hh.income_cny_per_month[rng.random(n) < 0.1] = np.float32(0)
    at_ceiling = rng.random(n) < 0.1  # exactly at the first city's price-scaled ceiling
    ceiling = places.housing.income_ceiling[places.city_places[0]] * np.float32(w.price_level)
    hh.income_cny_per_month[at_ceiling] = ceiling
    return w
