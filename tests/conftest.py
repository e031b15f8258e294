"""Shared helpers: small, fast runs of the shipped scenarios."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from model import SettlementModel, compose_config

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
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "model.run", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
