"""Calibration by the method of simulated moments: national and regional fits, cut at a year.

    python -m experiments.calibration fit NAME      # one fit of FITS (parents first)
    python -m experiments.calibration fit --all     # every production fit, in order
    python -m experiments.calibration report        # calibration/report.md and report.html
    python -m experiments.calibration gradient NAME # add the carried stock's gradient to a record

A fit (:class:`FitSpec`) runs a scenario's economy and policies from the region's figures for
``first_year`` to ``until`` and chooses the parameters that bring the simulated statistics
closest to the observed ones of those years (weighted least squares on common random numbers,
scipy's trust-region solver on parameters scaled to [0, 1], then a simplex walk at coarser
steps where the simulated objective is too rough for finite differences). It reads the data
file through :class:`~experiments.observations.Observations` cut at ``until``: nothing later
can enter.
The national fit estimates the behaviour every region shares; a regional fit takes those from
its parent and estimates the few region-specific parameters (attachment to the village, the
peri-urban stock and the persons it gains per migrant, the first year's hukou rate where it is
not published) on that region's resident and hukou rates up to its scenario's start year.

Each fit writes ``calibration/fits/NAME.json`` (estimates, their covariance, every moment
fitted against observed) and ``configs/behavior/NAME.yaml`` (the behaviour set a scenario
selects). The covariance is the simulated-moments sandwich with the weights as the moments'
error variances, inflated by the fit's reduced chi-square when that exceeds one (a model that
misses its moments is less sure of its parameters) and by 1 + 1/replicates for simulation noise.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.backcast import backcast
from experiments.design import replicate_seeds
from experiments.estimation import estimate
from experiments.fit_records import (
    FITS_DIR,
    carried_share_gradient,
    fitted_peri_urban_shares,
    load_record,
    parent_estimates,
    related_estimates,
    write_behavior_set,
)
from experiments.fit_specs import FITS, PRODUCTION_ORDER, FitSpec, Parameter, fit_spec
from experiments.moments import Moment, moments_for, simulated_moment
from experiments.observations import Observations
from model import SettlementModel, compose_config
from model.batch import ExecutionOptions, add_execution_arguments, execution_from, map_runs
from model.config import RunConfig
from model.levers import ConfigError
from model.outputs import atomic_write
from model.uncertainty import carried_stock_year, value_at, with_values


@dataclass
class Problem:
    """A fit made concrete: the base config of its runs, its moments, its seeds."""

    spec: FitSpec
    base: RunConfig
    moments: list[Moment]
    seeds: list[int]
    parameters: dict[str, Parameter] = field(default_factory=dict)
    execution: ExecutionOptions = field(default_factory=ExecutionOptions)

    @classmethod
    def build(
        cls,
        spec: FitSpec,
        n_households: int = 20000,
        replicates: int = 2,
        base_seed: int = 2011,
        data_file: Path | None = None,
    ) -> Problem:
        """The fit's runs: the scenario from ``first_year``'s figures to ``until``.

        The scenario's economy is taken back to ``first_year``: formal jobs, wages and rents
        are divided by their growth over the years between ``first_year`` and the scenario's
        start. Shared behaviour comes from the parent fit's record.
        """
        obs = (
            Observations.load(spec.until, data_file) if data_file else Observations.load(spec.until)
        )
        moments = moments_for(spec, obs)
        if not moments:
            raise ConfigError(f"fit '{spec.name}': region '{spec.region}' has no data to fit")
        scenario = compose_config([f"scenario={spec.scenario}", "behavior=default"])
        overrides = [
            f"scenario={spec.scenario}",
            "behavior=default",
            f"n_households={n_households}",
            f"start_year={spec.first_year}",
            f"end_year={spec.until}",
            *obs.start_overrides(spec.region, spec.first_year),
            *backcast(scenario, scenario.start_year - spec.first_year),
        ]
        base = compose_config(overrides)
        if spec.parent:
            base = with_values(base, parent_estimates(spec.parent))
        return cls(spec, base, moments, replicate_seeds(base_seed, replicates), spec.parameters)

    def config(self, theta: dict[str, float], seed: int) -> RunConfig:
        return with_values(dataclasses.replace(self.base, seed=seed), expand(self, theta))

    def simulate(self, theta: dict[str, float]) -> np.ndarray:
        """Simulated moments, one row per seed (raises ConfigError where a run cannot start)."""
        (rows,) = self.moment_rows([theta])
        for row in rows:
            if isinstance(row, ConfigError):
                raise row
        return np.asarray(rows)

    def simulate_many(self, thetas: list[dict[str, float]]) -> list[np.ndarray | None]:
        """Simulated moments of many points in one batch, each one row per seed; None for a
        point where a run cannot start (its start figures cannot be met)."""
        return [
            None if any(isinstance(r, ConfigError) for r in rows) else np.asarray(rows)
            for rows in self.moment_rows(thetas)
        ]

    def moment_rows(self, thetas: list[dict[str, float]]) -> list[list]:
        """Each point's runs (one per seed) as one batch on ``execution``: their moments, or
        why a run cannot start."""
        items = [(self.config(t, s), self.moments) for t in thetas for s in self.seeds]
        rows = map_runs(moment_row, items, self.execution)
        n = len(self.seeds)
        return [rows[i * n : (i + 1) * n] for i in range(len(thetas))]

    def observed(self) -> np.ndarray:
        return np.array([m.observed for m in self.moments])

    def sigmas(self) -> np.ndarray:
        return np.array([m.sigma for m in self.moments])

    def to_theta(self, u: np.ndarray) -> dict[str, float]:
        return {
            name: p.low + float(np.clip(x, 0, 1)) * (p.high - p.low)
            for (name, p), x in zip(self.parameters.items(), u, strict=True)
        }

    def to_unit(self, theta: dict[str, float]) -> np.ndarray:
        return np.array(
            [(theta[name] - p.low) / (p.high - p.low) for name, p in self.parameters.items()]
        )

    def current(self) -> dict[str, float]:
        """The parameters' values in the base config (the starting point)."""
        return {name: float(value_at(self.base, p.keys[0])) for name, p in self.parameters.items()}


def moment_row(item: tuple[RunConfig, list[Moment]]) -> list[float] | ConfigError:
    """One run's simulated moments (a batch item), or why it cannot start."""
    cfg, moments = item
    try:
        model = SettlementModel(cfg)
        model.run_to_end()
    except ConfigError as exc:
        return exc
    ts = model.timeseries().set_index("year")
    return [simulated_moment(ts, m) for m in moments]


def expand(problem: Problem, theta: dict[str, float]) -> dict[str, float]:
    """Parameter values as config-key values (a tied parameter sets several keys)."""
    return {key: theta[name] for name, p in problem.parameters.items() for key in p.keys}


def fit(
    name: str,
    n_households: int = 20000,
    replicates: int = 2,
    max_evals: int = 400,
    until: int | None = None,
    global_points: int = 40,
    local_searches: int = 3,
    polish_evals: int = 80,
    execution: ExecutionOptions | None = None,
) -> dict[str, Any]:
    """Run one fit; write its record and its behaviour set; return the record.

    Args:
        until: Last data year, if not the fit's own (a regional fit may not go past its
            scenario's start year; a national one not past the last national year).
        execution: Where the evaluations run (default: in this process); the record is the same.
    """
    spec = fit_spec(name, until)
    started = time.perf_counter()
    problem = Problem.build(spec, n_households, replicates)
    problem.execution = execution or ExecutionOptions()
    result = estimate(
        problem,
        max_evals,
        global_points=global_points,
        candidates=related_estimates(spec, problem.current()),
        local_searches=local_searches,
        polish_evals=polish_evals,
    )
    runtime = time.perf_counter() - started
    sd = np.sqrt(np.clip(np.diag(result["covariance"]), 0, None))
    record = {
        "name": name,
        "region": spec.region,
        "config_region": problem.base.region,
        "scenario": spec.scenario,
        "description": spec.description,
        "first_year": spec.first_year,
        "until": spec.until,
        "scenario_start_year": compose_config([f"scenario={spec.scenario}"]).start_year,
        "parent": spec.parent,
        "inherited": parent_estimates(spec.parent) if spec.parent else {},
        "date": datetime.date.today().isoformat(),
        "n_households": n_households,
        "replicates": replicates,
        "seeds": problem.seeds,
        "evaluations": result["evaluations"],
        "runtime_seconds": round(runtime, 1),
        "objective": result["objective"],
        "start_objective": result["start_objective"],
        "reduced_chi2": result["reduced_chi2"],
        "parameters": {
            pname: {
                "keys": list(p.keys),
                "low": p.low,
                "high": p.high,
                "in_behavior_set": p.in_behavior_set,
                "estimate": result["theta"][pname],
                "sd": float(s),
            }
            for (pname, p), s in zip(problem.parameters.items(), sd, strict=True)
        },
        "covariance": result["covariance"].tolist(),
        "peri_urban_share_by_year": fitted_peri_urban_shares(problem, result["theta"]),
        "moments": [
            dataclasses.asdict(m) | {"fitted": float(f)}
            for m, f in zip(problem.moments, result["fitted"], strict=True)
        ],
    }
    record["peri_urban_share_gradient"] = carried_gradient(problem, record)
    FITS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    atomic_write(FITS_DIR / f"{name}.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    write_behavior_set(record, problem)
    return record


def carried_gradient(problem: Problem, record: dict[str, Any]) -> dict[str, float]:
    """The gradient of the stock a record's fitted path carries to the year its behaviour set
    holds (:func:`carried_share_gradient`); none for a fit without a stock."""
    shares = record.get("peri_urban_share_by_year")
    if not shares:
        return {}
    theta = {name: p["estimate"] for name, p in record["parameters"].items()}
    year = carried_stock_year(record)
    return carried_share_gradient(problem, theta, year, shares[str(year)])


def add_carried_gradient(name: str) -> dict[str, float]:
    """Add the carried stock's gradient to an existing record (its estimates unchanged)."""
    record = load_record(name)
    problem = Problem.build(
        fit_spec(name, record["until"]), record["n_households"], record["replicates"]
    )
    if problem.seeds != record["seeds"]:
        raise ConfigError(f"fit '{name}': the record's seeds differ from the fit's; refit it")
    record["peri_urban_share_gradient"] = carried_gradient(problem, record)
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    atomic_write(FITS_DIR / f"{name}.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return record["peri_urban_share_gradient"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_fit = sub.add_parser("fit")
    p_fit.add_argument("name", nargs="?", help=f"one of: {', '.join(FITS)}")
    p_fit.add_argument("--all", action="store_true", help="every production fit, in order")
    p_fit.add_argument("--n-households", type=int, default=20000)
    p_fit.add_argument("--replicates", type=int, default=2)
    p_fit.add_argument("--max-evals", type=int, default=400)
    p_fit.add_argument(
        "--until", type=int, help="last data year (default: the fit's own; at most its start)"
    )
    add_execution_arguments(p_fit, launcher="inline")
    p_grad = sub.add_parser("gradient", help="add the carried stock's gradient to records")
    p_grad.add_argument("names", nargs="+", help=f"of: {', '.join(FITS)}")
    sub.add_parser("report")
    args = parser.parse_args(argv)
    try:
        if args.command == "fit":
            names = PRODUCTION_ORDER if args.all else [args.name]
            if not args.all and not args.name:
                parser.error("give a fit name or --all")
            for name in names:
                record = fit(
                    name,
                    args.n_households,
                    args.replicates,
                    args.max_evals,
                    args.until,
                    execution=execution_from(args),
                )
                print(
                    f"{name}: objective {record['start_objective']:.1f} -> "
                    f"{record['objective']:.1f} in {record['evaluations']} evaluations, "
                    f"{record['runtime_seconds']:.0f} s"
                )
                for pname, p in record["parameters"].items():
                    print(f"  {pname} = {p['estimate']:.4g} (sd {p['sd']:.2g})")
        elif args.command == "gradient":
            for name in args.names:
                print(f"{name}: {add_carried_gradient(name)}")
        else:
            from experiments.calibration_report import write_report

            for path in write_report():
                print(f"wrote {path}")
    except (ConfigError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
