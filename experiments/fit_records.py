"""Fit records and behaviour sets: reading ``calibration/fits/NAME.json``, writing
``configs/behavior/NAME.yaml``, and the starting points a fit takes from earlier records.

Estimation itself is in :mod:`experiments.calibration`.
"""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from experiments.fit_specs import FITS, FitSpec
from experiments.observations import REPO
from model.config import CONFIG_DIR, summarize_config
from model.levers import ConfigError
from model.model import SettlementModel
from model.outputs import atomic_write
from model.reclassification import peri_urban_share_now
from model.uncertainty import as_written, carried_stock, carried_stock_year

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
    inherits from its parent and each of the parameter's ``starts`` (one starting point each,
    scored by the search on the fit's own data: a region may sit far from the national value,
    e.g. at a bound), else with ``current`` (the values of the fit's base config), so adding a
    parameter never starts a fit from worse than before.
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
            if param.keys[0] in inherited:  # the parent's value, and the grid beside it
                grids[name] = (inherited[param.keys[0]], *param.starts)
            elif param.starts:
                grids[name] = param.starts
            elif name in current:
                start[name] = current[name]
        for values in itertools.product(*grids.values()):
            candidate = start | dict(zip(grids, values, strict=True))
            if set(candidate) == set(spec.parameters):
                out.append(candidate)
    return out


def fitted_peri_urban_shares(
    problem: Problem, theta: dict[str, float], last: int | None = None
) -> dict[str, float]:
    """The stock's share on the fit's own path at ``theta``, by year up to ``last`` (default:
    the fit's last year; replicate mean).

    The first year's share is a start figure of the fit's runs, not a behaviour value: the
    stock then grows with the migrants the cities take in, so a scenario starting later is
    given the share the fitted path reached by its start year (and a forecast from the last
    data year the share there).
    """
    if not any("reclassification.peri_urban_share" in p.keys for p in problem.parameters.values()):
        return {}
    first, last = problem.base.start_year, last or problem.base.end_year
    shares: dict[int, list[float]] = {y: [] for y in range(first, last + 1)}
    for seed in problem.seeds:
        model = SettlementModel(problem.config(theta, seed))
        for year in shares:
            while model.world.year < year:
                model.step()
            shares[year].append(peri_urban_share_now(model.world))
    return {str(y): float(np.mean(v)) for y, v in shares.items()}


def carried_share_gradient(
    problem: Problem, theta: dict[str, float], year: int, recorded: float
) -> dict[str, float]:
    """How the stock the fitted path carries to ``year`` moves with each estimated parameter.

    Forward differences of 4 % of each parameter's range (toward the inside of the range; the
    other way where the start figures cannot be met), on the fit's seeds (common random
    numbers). The bands use it to draw the start stock with the parameters (delta method).

    Raises:
        ConfigError: the model no longer gives ``recorded``, the fit's share in ``year``.
    """
    key = str(year)
    base = fitted_peri_urban_shares(problem, theta, year)[key]
    if not np.isclose(base, recorded, rtol=1e-9, atol=0):
        raise ConfigError("the model no longer gives the fit's recorded path; refit it")
    gradient = {}
    for name, p in problem.parameters.items():
        step = 0.04 * (p.high - p.low)
        for h in (step, -step) if theta[name] + step <= p.high else (-step, step):
            try:
                moved = fitted_peri_urban_shares(problem, {**theta, name: theta[name] + h}, year)
            except ConfigError:
                continue
            gradient[name] = (moved[key] - base) / h
            break
    return gradient


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
        node[last] = as_written(value)
    stock = carried_stock(record)
    if stock is not None:  # the stock the fitted path reached when the scenario starts
        tree.setdefault("reclassification", {})["peri_urban_share"] = stock
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
    if stock is not None:
        header.append(
            "# reclassification.peri_urban_share: the stock on the fitted path in "
            f"{carried_stock_year(record)}, the scenario's start (or the last data year)."
        )
    text = "\n".join(header) + "\n" + yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)
    path = BEHAVIOR_DIR / f"{record['name']}.yaml"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
