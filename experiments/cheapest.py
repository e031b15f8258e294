"""The cheapest combination of several levers that meets a target with a stated probability.

    ./dev goalseek scenario=nantong_2020 --goal "gap_pp<=11@2025" \
        --levers cities.main_urban.settlement.min_residence_months=0:36 \
                 cities.main_urban.schooling.migrant_school_seats=50000:150000 --levels 3

Each lever takes ``--levels`` evenly spaced values over its range (``KEY=LOW:HIGH``, or the
lever's declared range when only ``KEY`` is given); every combination of them (a full grid, at
most :data:`MAX_COMBINATIONS`) runs against the baseline on the replicates of
:mod:`experiments.compare` (same seeds and parameter draws for every combination: common random
numbers), the levers taking effect in the start year. For each combination: the share of
replicates meeting the target and the extra cumulative net outlay over the baseline (after the
transfers and land quota that settling earns, valued as in ``compare``), with its 90 % interval.
Among the combinations that meet the target with the probability, the cheapest by mean net
outlay is checked on as many fresh replicates; if it falls short there, the next cheapest is
tried. Its reported cost is the fresh replicates' (the search's minimum is biased low; both are
saved). The result says whether it is measurably cheaper than the next dearer meeting
combination (their paired difference's interval above zero): a cheaper-by-noise answer is
called so.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from experiments.compare import (
    LAND_QUOTA_CNY_PER_M2,
    _effects,
    interval,
    paired_configs,
    yearly_tables,
)
from experiments.design import declared_range
from model.batch import ExecutionOptions
from model.levers import ConfigError
from model.targets import Target, score, year_not_simulated

MAX_COMBINATIONS = 64
CONFIRMATIONS = 4  # next-cheapest combinations tried on fresh replicates at most
NET = "cumulative_net_outlay_cny"


def lever_values(spec: str, levels: int) -> tuple[str, list[float]]:
    """``KEY`` or ``KEY=LOW:HIGH`` → (key, ``levels`` values evenly spaced over the range)."""
    key, _, span = spec.partition("=")
    declared_low, declared_high, is_int = declared_range(key)
    if span:
        try:
            low, high = (float(x) for x in span.split(":"))
        except ValueError:
            raise ConfigError(f"--levers '{spec}': expected KEY=LOW:HIGH") from None
    else:
        low, high = declared_low, declared_high
    if low is None or high is None or not low < high:
        raise ConfigError(
            f"--levers '{spec}': give KEY=LOW:HIGH with LOW < HIGH "
            f"(declared: {declared_low}-{declared_high})"
        )
    if (declared_low is not None and low < declared_low) or (
        declared_high is not None and high > declared_high
    ):
        raise ConfigError(
            f"--levers '{spec}': outside the declared range {declared_low}-{declared_high}"
        )
    values = np.linspace(low, high, levels)
    return key, sorted({round(v) if is_int else float(v) for v in values})


def evaluate(
    scenario: str,
    overrides: list[str],
    combinations: list[dict[str, float]],
    target: Target,
    replicates: int,
    execution: ExecutionOptions | None,
) -> list[dict[str, Any]]:
    """Share meeting ``target`` and extra net outlay (per replicate) of each combination."""
    plans = [
        paired_configs(scenario, [f"{k}={v}" for k, v in combo.items()], overrides, replicates)
        for combo in combinations
    ]
    configs = [side for pairs in plans for pair in pairs for side in pair]
    tables = yearly_tables(configs, execution)  # the shared baseline runs once per replicate
    if target.indicator not in tables[0].columns:
        raise ConfigError(f"goal indicator '{target.indicator}': not an indicator of the run")
    rows, at = [], 0
    for combo, pairs in zip(combinations, plans, strict=True):
        mine = tables[at : at + 2 * len(pairs)]
        at += 2 * len(pairs)
        base, pol = mine[0::2], mine[1::2]
        met = [score({"goal": target}, t)["goal"]["met"] for t in pol]
        if met[0] is None:
            raise year_not_simulated(target, scenario, pol[0]["year"])
        cost = np.array(
            [_effects(b, p, LAND_QUOTA_CNY_PER_M2)[NET] for b, p in zip(base, pol, strict=True)]
        )
        rows.append({"levers": combo, "share_met": float(np.mean(met)), "net_outlay": cost})
    return rows


def cheapest_combination(
    scenario: str,
    lever_specs: list[str],
    target: Target,
    overrides: list[str] | None = None,
    replicates: int = 10,
    probability: float = 0.8,
    levels: int = 3,
    execution: ExecutionOptions | None = None,
    fresh_seed: int | None = None,
) -> dict[str, Any]:
    """The combination meeting ``target`` with ``probability`` at the least extra net outlay."""
    overrides = list(overrides or [])
    if not 0 < probability <= 1:
        raise ConfigError(f"--probability = {probability}: outside the allowed range (0, 1]")
    if not 2 <= levels <= 9:
        raise ConfigError(f"--levels = {levels}: outside the allowed range 2-9")
    grid = dict(lever_values(spec, levels) for spec in lever_specs)
    if len(grid) < 2:
        raise ConfigError("--levers: give at least two distinct levers (one: use --lever)")
    combinations = [dict(zip(grid, vs, strict=True)) for vs in itertools.product(*grid.values())]
    if len(combinations) > MAX_COMBINATIONS:
        raise ConfigError(
            f"--levers x --levels: {len(combinations)} combinations, more than "
            f"{MAX_COMBINATIONS}; use fewer levels or levers"
        )
    rows = evaluate(scenario, overrides, combinations, target, replicates, execution)
    meeting = sorted(
        (r for r in rows if r["share_met"] >= probability), key=lambda r: r["net_outlay"].mean()
    )
    result: dict[str, Any] = {
        "scenario": scenario,
        "levers": {k: [min(v), max(v)] for k, v in grid.items()},
        "levels": levels,
        "target": {
            "indicator": target.indicator,
            "comparison": target.comparison.name,
            "value": target.value,
            "year": target.year,
        },
        "probability": probability,
        "replicates": replicates,
        "land_quota_cny_per_m2": LAND_QUOTA_CNY_PER_M2,
    }
    chosen, again = None, None
    fresh = [*overrides, f"seed={fresh_seed}"] if fresh_seed is not None else None
    for candidate in meeting[:CONFIRMATIONS]:
        if fresh is None:
            chosen = candidate
            break
        again = evaluate(scenario, fresh, [candidate["levers"]], target, replicates, execution)[0]
        if again["share_met"] >= probability:
            chosen = candidate
            break
    if chosen is None:
        result.update(
            reachable=False,
            verdict="not met by any combination on the grid"
            if not meeting
            else "met on the search replicates but not confirmed on fresh ones",
        )
    else:
        result.update(
            reachable=True,
            combination=chosen["levers"],
            share_met=chosen["share_met"],
            share_met_fresh_replicates=None if again is None else again["share_met"],
            # the search picked the minimum on its replicates: the fresh ones cost it unbiased
            extra_net_outlay_cny=interval(
                pd.Series(chosen["net_outlay"] if again is None else again["net_outlay"])
            ),
            extra_net_outlay_cny_search_replicates=interval(pd.Series(chosen["net_outlay"])),
            verdict=_verdict(chosen, meeting),
        )
    result["evaluations"] = [
        {
            "levers": r["levers"],
            "share_met": r["share_met"],
            "extra_net_outlay_cny": interval(pd.Series(r["net_outlay"])),
        }
        for r in rows
    ]
    return result


def _verdict(chosen: dict[str, Any], meeting: list[dict[str, Any]]) -> str:
    """Name the combination; say whether it is cheaper than the next dearer one beyond noise.

    ``meeting`` is ordered by cost; combinations before ``chosen`` met the target on the search
    replicates but not on the fresh ones.
    """
    setting = ", ".join(f"{k}={v:g}" for k, v in chosen["levers"].items())
    cost = chosen["net_outlay"].mean() / 1e8
    text = f"cheapest meeting combination: {setting} (extra net outlay {cost:,.2f} 亿元)"
    at = next(i for i, r in enumerate(meeting) if r is chosen)
    if at:
        text += f"; {at} cheaper combination(s) met it only on the search replicates"
    dearer = meeting[at + 1 :]
    if not dearer:
        return text + "; no dearer combination on the grid meets the target"
    saving = interval(pd.Series(dearer[0]["net_outlay"] - chosen["net_outlay"]))
    if saving["measurable"] and saving["mean"] > 0:
        return text + "; measurably cheaper than the next meeting combination"
    return text + "; not measurably cheaper than the next meeting combination (within noise)"
