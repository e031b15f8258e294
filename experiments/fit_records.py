"""Fit records and behaviour sets: reading ``calibration/fits/NAME.json``, writing
``configs/behavior/NAME.yaml``, and the starting points a fit takes from earlier records.

Estimation itself is in :mod:`experiments.calibration`.
"""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING, Any

import yaml

from experiments.fit_specs import FITS, FitSpec
from experiments.observations import REPO
from model.config import CONFIG_DIR, summarize_config
from model.levers import ConfigError
from model.outputs import atomic_write

if TYPE_CHECKING:
    from experiments.calibration import Problem

FITS_DIR = REPO / "calibration" / "fits"
BEHAVIOR_DIR = CONFIG_DIR / "behavior"


def parent_estimates(name: str) -> dict[str, float]:
    """Config-key values of what a fit's behaviour set holds (its own estimates and its
    parent's); a child fit starts from these and re-estimates its own parameters."""
    record = load_record(name)
    values = dict(record.get("inherited", {}))
    for p in record["parameters"].values():
        if p["in_behavior_set"]:
            values.update({k: p["estimate"] for k in p["keys"]})
    return values


def load_record(name: str) -> dict[str, Any]:
    """A fit's record from ``calibration/fits``."""
    path = FITS_DIR / f"{name}.json"
    if not path.exists():
        raise ConfigError(
            f"fit record {path.relative_to(REPO)} is missing; run "
            f"'python -m experiments.calibration fit {name}' first"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def related_estimates(
    spec: FitSpec, current: dict[str, float] | None = None
) -> list[dict[str, float]]:
    """Starting points from the records of this fit (an earlier run) and of the other fits of
    the same region that read no later data (a start fitted to later years would leak them).

    A record that lacks some of the fit's parameters is completed with the values the fit
    inherits from its parent, else with each of the parameter's ``starts`` (one starting point
    each, scored by the search on the fit's own data), else with ``current`` (the values of the
    fit's base config), so adding a parameter never starts a fit from worse than before.
    """
    current = current or {}
    inherited = parent_estimates(spec.parent) if spec.parent else {}
    out: list[dict[str, float]] = []
    for other in FITS.values():
        path = FITS_DIR / f"{other.name}.json"
        if other.region != spec.region or other.until > spec.until or not path.exists():
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["until"] > spec.until:
            continue
        start = {  # a parameter the fit no longer estimates is dropped
            k: p["estimate"] for k, p in record["parameters"].items() if k in spec.parameters
        }
        grids: dict[str, tuple[float, ...]] = {}
        for name, param in spec.parameters.items():
            if name in start:
                continue
            if param.keys[0] in inherited:
                start[name] = inherited[param.keys[0]]
            elif param.starts:
                grids[name] = param.starts
            elif name in current:
                start[name] = current[name]
        for values in itertools.product(*grids.values()):
            candidate = start | dict(zip(grids, values, strict=True))
            if set(candidate) == set(spec.parameters):
                out.append(candidate)
    return out


def peri_urban_share_year(record: dict[str, Any]) -> int:
    """First year of the fit whose estimate of the peri-urban share a record's set holds."""
    params = record["parameters"].values()
    if any("reclassification.peri_urban_share" in p["keys"] for p in params):
        return int(record["first_year"])
    return peri_urban_share_year(load_record(record["parent"]))


def write_behavior_set(record: dict[str, Any], problem: Problem) -> None:
    """``configs/behavior/NAME.yaml``: the behaviour values and the other estimated values."""
    behavior = summarize_config(problem.base)["behavior"]
    values: dict[str, Any] = dict(record["inherited"])
    for p in record["parameters"].values():
        if p["in_behavior_set"]:
            values.update({k: p["estimate"] for k in p["keys"]})
    tree: dict[str, Any] = {"behavior": {}}
    for key, value in values.items():
        node = tree
        *path, last = key.split(".")
        for part in path:
            node = node.setdefault(part, {})
        node[last] = float(f"{float(value):.8g}")  # 8 significant digits
    if "peri_urban_share" in tree.get("reclassification", {}):
        # The share is that of the first year of the fit that estimated it; a scenario starting
        # later carries it forward (model.reclassification.start_peri_urban_share).
        tree["reclassification"]["peri_urban_share_year"] = peri_urban_share_year(record)
    estimated = {k.split(".", 1)[1] for k in values if k.startswith("behavior.")}
    tree["behavior"] = {
        **{k: v for k, v in behavior.items() if k not in estimated},
        **tree["behavior"],
        "name": record["name"],
        "fitted_for": record["config_region"],
        "fitted_data_until": record["until"],
        "fit_record": f"calibration/fits/{record['name']}.json",
    }
    header = [
        "# @package _global_",
        f"# Behaviour set '{record['name']}': {record['description'] or record['region']}.",
        "# Written by 'python -m experiments.calibration fit "
        f"{record['name']}' on {record['date']} (do not edit by hand).",
        f"# Fitted on {record['region']} data {record['first_year']}-{record['until']} only "
        f"(scenario {record['scenario']}); shared behaviour from "
        f"{record['parent'] or 'this fit'}; record {tree['behavior']['fit_record']}.",
    ]
    text = "\n".join(header) + "\n" + yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)
    path = BEHAVIOR_DIR / f"{record['name']}.yaml"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
