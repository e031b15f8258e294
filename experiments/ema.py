"""The model as an EMA Workbench model, and PRIM scenario discovery.

    python -m experiments.ema --scenario nantong_2020 --experiments 60 --target-gap 12

``hukou_model`` wraps ``run_scenario`` as an ``ema_workbench.ReplicatorModel``: levers and
uncertainties are parameters whose ranges default to the declared ranges (``model/levers.py``),
replications run with independent seeds (``SeedSequence``), and the outcomes are the mean over
replications of the final gap, the final hukou rate and the total fiscal outlay. The command
samples lever settings and uncertainties (Latin hypercube), runs them, and asks PRIM which
lever ranges keep the final gap under a target. The levers are three of the scenario's largest
city; the samples with their outcomes and the PRIM box go to ``outputs/ema/<scenario>/``.

Note: EMA Workbench 3.0's ``PrimBox.inspect(style="data")`` fails under pandas 3 with restricted
categoricals; this module reads the box limits and statistics directly.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.design import declared_range, replicate_seeds
from model import run_scenario
from model.config import compose_config
from model.levers import ConfigError
from model.outputs import write_timeseries

OUTCOMES = ("final_gap_pp", "final_hukou_urbanization_pct", "total_fiscal_outlay_cny")


def to_name(key: str) -> str:
    """An EMA parameter name (a Python identifier) for a config key."""
    return key.replace(".", "__")


def to_key(name: str) -> str:
    """The config key of an EMA parameter name."""
    return name.replace("__", ".")


def run_once(scenario: str, overrides: list[str], seed: int, **params: float) -> dict[str, float]:
    """One run: the parameters as overrides; the outcomes of the final year and the totals."""
    settings = [f"{to_key(name)}={value}" for name, value in params.items()]
    ts = run_scenario(scenario, overrides=[*overrides, *settings, f"seed={seed}"]).timeseries
    last = ts.iloc[-1]
    return {
        "final_gap_pp": float(last["gap_pp"]),
        "final_hukou_urbanization_pct": float(last["hukou_urbanization_pct"]),
        "total_fiscal_outlay_cny": float(ts["fiscal_outlay_cny"].iloc[1:].sum()),
    }


def _parameters(ranges: dict[str, tuple[float, float] | None]) -> list:
    from ema_workbench import IntegerParameter, RealParameter

    params = []
    for key, bounds in ranges.items():
        low, high, is_int = declared_range(key)
        low, high = bounds if bounds is not None else (low, high)
        cls = IntegerParameter if is_int else RealParameter
        params.append(cls(to_name(key), int(low) if is_int else low, int(high) if is_int else high))
    return params


def hukou_model(
    scenario: str,
    levers: dict[str, tuple[float, float] | None],
    uncertainties: dict[str, tuple[float, float] | None],
    overrides: list[str] | None = None,
    replications: int = 2,
    base_seed: int = 0,
    name: str = "hukou",
):
    """An EMA ``ReplicatorModel`` of a scenario with the given levers and uncertainties.

    Args:
        scenario: Scenario name (``configs/scenario/``).
        levers: Config keys with (low, high), or None for the declared range.
        uncertainties: Behaviour or context keys with (low, high), or None.
        overrides: Overrides for every run (e.g. ``n_households``, ``end_year``).
        replications: Runs per experiment, each with its own seed.
        base_seed: Seeds of the replications are spawned from it.
        name: Model name (an identifier).
    """
    from ema_workbench import ReplicatorModel, ScalarOutcome

    fixed = list(overrides or [])

    def function(seed: int, **params: float) -> dict[str, float]:
        return run_once(scenario, fixed, seed, **params)

    model = ReplicatorModel(name, function=function)
    model.replications = [{"seed": s} for s in replicate_seeds(base_seed, replications)]
    model.levers = _parameters(levers)
    model.uncertainties = _parameters(uncertainties)
    model.outcomes = [ScalarOutcome(o, function=np.mean) for o in OUTCOMES]
    return model


def discover(
    experiments: pd.DataFrame,
    outcomes: dict[str, np.ndarray],
    columns: list[str],
    target_gap_pp: float,
    threshold: float = 0.8,
) -> pd.DataFrame:
    """PRIM: the box of lever/uncertainty ranges where the final gap stays under the target.

    Returns a table: one row per restricted dimension (its key and box limits), with the box's
    coverage and density repeated on each row.
    """
    from ema_workbench.analysis import prim

    x = experiments[columns].astype(float)
    y = np.asarray(outcomes["final_gap_pp"]) < target_gap_pp
    if not y.any():
        return pd.DataFrame(columns=["key", "low", "high", "coverage", "density"])
    box = prim.Prim(x, y).find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= threshold]
    # the widest box that is dense enough, else the densest
    i = int(dense["coverage"].idxmax()) if len(dense) else int(trajectory["density"].idxmax())
    limits, stats = box.box_lims[i], trajectory.loc[i]
    rows = []
    for col in columns:
        low, high = float(limits[col].iloc[0]), float(limits[col].iloc[1])
        if low > x[col].min() or high < x[col].max():
            rows.append(
                {
                    "key": to_key(col),
                    "low": low,
                    "high": high,
                    "coverage": float(stats["coverage"]),
                    "density": float(stats["density"]),
                }
            )
    return pd.DataFrame(rows, columns=["key", "low", "high", "coverage", "density"])


EXAMPLE_UNCERTAINTIES = {
    "behavior.hukou_value_cny_per_month": (0.0, 400.0),
    "behavior.origin_attachment_cny_per_month": (1500.0, 3500.0),
}


def example_levers(scenario: str) -> dict[str, tuple[float, float]]:
    """Three levers on the scenario's own largest city (by configured formal jobs)."""
    cfg = compose_config([f"scenario={scenario}"])
    name, city = max(cfg.cities.items(), key=lambda item: item[1].formal_jobs)
    seats = city.schooling.migrant_school_seats or 10000.0
    return {
        f"cities.{name}.settlement.min_residence_months": (0.0, 36.0),
        f"cities.{name}.schooling.migrant_school_seats": (0.5 * seats, 2.0 * seats),
        f"cities.{name}.housing.rental_subsidy_cny_per_month": (0.0, 1500.0),
    }


def main(argv: list[str] | None = None) -> None:
    from ema_workbench import SequentialEvaluator, perform_experiments

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--experiments", type=int, default=60, help="lever x uncertainty samples")
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--target-gap", type=float, default=22.0, help="final gap target (pp)")
    parser.add_argument("--set", nargs="+", default=["n_households=5000"])
    parser.add_argument("--out", type=Path, default=None, help="default: outputs/ema/SCENARIO")
    args = parser.parse_args(argv)
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        levers = example_levers(args.scenario)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    model = hukou_model(
        args.scenario,
        levers,
        EXAMPLE_UNCERTAINTIES,
        args.set,
        replications=args.replications,
    )
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model,
            scenarios=args.experiments,
            policies=args.experiments,
            evaluator=evaluator,
            combine="sample",
        )
    columns = [to_name(k) for k in [*levers, *EXAMPLE_UNCERTAINTIES]]
    box = discover(experiments, outcomes, columns, args.target_gap)
    met = float(np.mean(np.asarray(outcomes["final_gap_pp"]) < args.target_gap))
    out = args.out or Path("outputs") / "ema" / args.scenario
    table = (
        experiments[columns]
        .rename(columns=to_key)
        .assign(**{name: np.asarray(values) for name, values in outcomes.items()})
    )
    write_timeseries(table, out / "experiments.csv")
    write_timeseries(box, out / "prim_box.csv")
    print(f"{len(experiments)} experiments; final gap under {args.target_gap} pp in {met:.0%}")
    print(box.to_string(index=False) if len(box) else "no box found")
    print(f"outputs: {out}")


if __name__ == "__main__":
    main()
