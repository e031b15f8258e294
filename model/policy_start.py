"""A policy that takes effect in the start year, after a spin-up under the scenario as it is.

A comparison asks what a policy introduced now would change. The model therefore spins up and
matches its start figures under the scenario's own config, and only then adopts the policy's:
region-wide levers are read from the config by every phase, so swapping it is enough; per-place
levers live in the place table next to its state (units let, seats held, jobs filled), so only
the entries a policy changes are replaced — those where the tables built from the two configs
differ. Nothing grows in the spin-up (see ``model.SPIN_UP_PHASES``), so a lever's entries still
hold their configured values when they are replaced. Public rental units and school seats a
policy adds are built on adoption: their cost is booked in the start year's flows
(:func:`model.capacity.build_policy_stock`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from model import capacity
from model.config import RunConfig
from model.levers import ConfigError
from model.places import PlaceTable
from model.world import World

# What a policy may not change: the run's identity, clock and places.
FIXED = ("seed", "n_households", "start_year", "months_per_step", "spin_up_years")


def check_policy(cfg: RunConfig, policy: RunConfig) -> None:
    """Raise ConfigError if ``policy`` changes what must stay fixed for a start-year switch."""
    for key in FIXED:
        if getattr(cfg, key) != getattr(policy, key):
            raise ConfigError(
                f"policy key '{key}' = {getattr(policy, key)}: a policy may not change it "
                f"(the run has {getattr(cfg, key)}); set it for both sides instead"
            )
    if PlaceTable.from_config(cfg).names != PlaceTable.from_config(policy).names:
        raise ConfigError("policy: may not add or remove places (rural areas, cities, outside)")


def adopt_policy(w: World, policy: RunConfig) -> None:
    """Switch the world from its config to ``policy``, keeping the state of every place."""
    check_policy(w.cfg, policy)
    before, after = PlaceTable.from_config(w.cfg), PlaceTable.from_config(policy)
    _replace_changed(w.places, before, after)
    w.cfg = policy
    capacity.build_policy_stock(
        w,
        after.housing.units - before.housing.units,
        after.schooling.seats - before.schooling.seats,
    )


def _replace_changed(state: Any, before: Any, after: Any) -> None:
    """Copy into ``state`` each entry where ``after`` differs from ``before`` (recursively)."""
    for f in dataclasses.fields(state):
        now, old, new = (getattr(x, f.name) for x in (state, before, after))
        if dataclasses.is_dataclass(now):
            _replace_changed(now, old, new)
        elif isinstance(now, np.ndarray) and isinstance(new, np.ndarray):
            changed = old != new
            if changed.any():
                now[changed] = new[changed]
        elif not isinstance(now, np.ndarray) and now is not None and old != new:
            setattr(state, f.name, new)
