"""Agent-based simulation of rural households settling in cities under hukou policy levers.

Public API:
    run_scenario(name, overrides) -> RunResult   run a scenario from configs/scenario/
    compose_config(overrides) -> RunConfig       build and validate a config
    SettlementModel(cfg)                         the Mesa model, for step-by-step use
"""

from typing import Any

from model.config import RunConfig, compose_config
from model.levers import ConfigError
from model.model import PHASES, SettlementModel

_RUN_NAMES = ("RunResult", "run_scenario", "simulate")


def __getattr__(name: str) -> Any:
    # model.run is also the CLI module (python -m model.run); importing it lazily keeps runpy
    # from finding it half-imported.
    if name in _RUN_NAMES:
        import importlib

        return getattr(importlib.import_module("model.run"), name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")


__all__ = [
    "PHASES",
    "ConfigError",
    "RunConfig",
    "RunResult",
    "SettlementModel",
    "compose_config",
    "run_scenario",
    "simulate",
]
