"""Calibration by the method of simulated moments, and out-of-sample checks.

    python -m experiments.calibration fit        # estimate; write configs/behavior/calibrated.yaml
    python -m experiments.calibration report     # calibration/report.html and report.md

Behaviour parameters are chosen to minimise the weighted squared distance between simulated and
observed moments of the ``national_2015`` scenario, 2015-2019 (the data file stops at 2019: the
fit uses nothing later). Every evaluation uses the same replicate seeds (common random numbers),
so the objective is a smooth-ish function of the parameters, and averages over the replicates.
The optimiser is Nelder-Mead (scipy) on parameters scaled to [0, 1] within estimation bounds.

Moments (``data/reference_statistics.csv``): national resident rate (revised series) and hukou
rate 2016-2019; out-migrating migrant workers 2015-2019 (model: rural-origin workers employed away
from their village); urban-resident migrant workers 2016-2019 (model: workers of rural-hukou
households in cities); migrant monthly income 2015-2019; migrant children in public school
2018-2019 (primary and junior averaged; model: public seats among migrant children living with
their parents in cities, the rest being in private schools).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from experiments.design import replicate_seeds
from model import SettlementModel, compose_config
from model.config import CONFIG_DIR, RunConfig
from model.outputs import atomic_write

REPO = CONFIG_DIR.parent
DATA_FILE = REPO / "data" / "reference_statistics.csv"
CALIBRATED_FILE = CONFIG_DIR / "behavior" / "calibrated.yaml"
OUT_DIR = REPO / "calibration"
SCENARIO = "national_2015"
LAST_DATA_YEAR = 2019

# config key -> (low, high) estimation bounds (inside the declared ranges). Behaviour parameters
# go to configs/behavior/calibrated.yaml; the reclassification rate of the national scenario is
# an unknown of the scenario, estimated jointly (it drives resident urbanization without anyone
# moving) and written into national_2015.yaml by hand with a pointer to the fit.
PARAMETERS: dict[str, tuple[float, float]] = {
    "behavior.origin_attachment_cny_per_month": (0.0, 5000.0),
    "behavior.review_prob_per_month": (0.002, 0.08),
    "behavior.hukou_value_cny_per_month": (-500.0, 1500.0),
    "behavior.network_pull_cny_per_month": (0.0, 4000.0),
    "behavior.left_behind_cost_cny_per_child_month": (0.0, 3000.0),
    "reclassification.rate_per_year": (0.0, 0.06),
}


@dataclass(frozen=True)
class Moment:
    """One observed statistic and the model indicator that reproduces it."""

    name: str
    indicator: str
    year: int
    observed: float
    sigma: float  # weight = 1 / sigma^2
    source: str


def load_moments(data_file: Path = DATA_FILE) -> list[Moment]:
    """The national moments 2015-2019 from the data file, with their weights."""
    data = pd.read_csv(data_file)
    cn = data[(data["region"] == "CN") & (data["year"] <= LAST_DATA_YEAR)]

    def rows(indicator: str, series: str | None = None):
        sel = cn[cn["indicator"] == indicator]
        if series:
            sel = sel[sel["series"] == series]
        return sel.sort_values("year")

    moments = []
    for _, r in rows("resident_urbanization", "revised_after_2020_census").iterrows():
        if r.year > 2015:
            moments.append(
                Moment(
                    f"resident_rate_{r.year}",
                    "resident_urbanization_pct",
                    int(r.year),
                    float(r.value),
                    0.3,
                    r.source,
                )
            )
    for _, r in rows("hukou_urbanization").iterrows():
        if r.year > 2015:
            moments.append(
                Moment(
                    f"hukou_rate_{r.year}",
                    "hukou_urbanization_pct",
                    int(r.year),
                    float(r.value),
                    0.3,
                    r.source,
                )
            )
    for _, r in rows("migrant_workers_outmigrating").iterrows():
        value = float(r.value) * 1e4  # 10k persons
        moments.append(
            Moment(
                f"outmigrating_{r.year}",
                "rural_labor_transfer_employment",
                int(r.year),
                value,
                0.03 * value,
                r.source,
            )
        )
    for _, r in rows("migrant_workers_urban_resident").iterrows():
        value = float(r.value) * 1e4
        moments.append(
            Moment(
                f"urban_resident_migrants_{r.year}",
                "migrant_workers_in_cities",
                int(r.year),
                value,
                0.03 * value,
                r.source,
            )
        )
    public = pd.concat(
        [
            rows("migrant_children_primary_in_public_school"),
            rows("migrant_children_junior_in_public_school"),
        ]
    )
    for year, part in public.groupby("year"):  # primary and junior together
        moments.append(
            Moment(
                f"public_school_share_{year}",
                "migrant_children_public_school_pct",
                int(year),
                float(part["value"].mean()),
                1.5,
                "; ".join(sorted(set(part["source"]))),
            )
        )
    for _, r in rows("migrant_monthly_income").iterrows():
        value = float(r.value)
        moments.append(
            Moment(
                f"migrant_income_{r.year}",
                "migrant_monthly_income_cny",
                int(r.year),
                value,
                0.03 * value,
                r.source,
            )
        )
    return moments


@dataclass
class Problem:
    """What is estimated, against what, and how each evaluation is run."""

    parameters: dict[str, tuple[float, float]]
    moments: list[Moment]
    base: RunConfig  # the scenario's config; behaviour fields are replaced per evaluation
    seeds: list[int]

    @classmethod
    def build(
        cls,
        n_households: int = 20000,
        replicates: int = 2,
        base_seed: int = 2015,
        parameters: dict[str, tuple[float, float]] | None = None,
        moments: list[Moment] | None = None,
        overrides: list[str] | None = None,
    ) -> Problem:
        moments = moments if moments is not None else load_moments()
        end = max(m.year for m in moments)
        base = compose_config(
            [
                f"scenario={SCENARIO}",
                f"n_households={n_households}",
                f"end_year={end}",
                *(overrides or []),
            ]
        )
        return cls(
            dict(parameters or PARAMETERS), moments, base, replicate_seeds(base_seed, replicates)
        )

    def config(self, theta: dict[str, float], seed: int) -> RunConfig:
        return with_values(dataclasses.replace(self.base, seed=seed), theta)

    def simulate(self, theta: dict[str, float], seeds: list[int] | None = None) -> np.ndarray:
        """Simulated moments, one row per seed."""
        out = []
        for seed in seeds or self.seeds:
            model = SettlementModel(self.config(theta, seed))
            model.run_to_end()
            ts = model.timeseries().set_index("year")
            out.append([ts.loc[m.year, m.indicator] for m in self.moments])
        return np.asarray(out)

    def observed(self) -> np.ndarray:
        return np.array([m.observed for m in self.moments])

    def weights(self) -> np.ndarray:
        return np.array([1 / m.sigma**2 for m in self.moments])

    def objective(self, theta: dict[str, float]) -> float:
        """Weighted squared distance of the replicate-mean moments from the data."""
        gap = self.simulate(theta).mean(axis=0) - self.observed()
        return float((self.weights() * gap**2).sum())

    # parameters scaled to the unit cube for the optimiser
    def to_theta(self, u: np.ndarray) -> dict[str, float]:
        return {
            k: lo + float(np.clip(x, 0, 1)) * (hi - lo)
            for (k, (lo, hi)), x in zip(self.parameters.items(), u, strict=True)
        }

    def to_unit(self, theta: dict[str, float]) -> np.ndarray:
        return np.array([(theta[k] - lo) / (hi - lo) for k, (lo, hi) in self.parameters.items()])


def estimate(
    problem: Problem,
    start: dict[str, float] | None = None,
    max_evals: int = 200,
    tolerance: float = 1e-3,
) -> tuple[dict[str, float], float, int]:
    """Minimise the objective from ``start`` (default: the current behaviour values).

    Returns (estimate, objective at the estimate, evaluations).
    """
    if start is None:
        start = current_values(problem.base, problem.parameters)
    u0 = np.clip(problem.to_unit(start), 0.02, 0.98)

    def f(u: np.ndarray) -> float:
        penalty = float(np.sum(np.clip(-u, 0, None) ** 2 + np.clip(u - 1, 0, None) ** 2)) * 1e4
        return problem.objective(problem.to_theta(u)) + penalty

    result = minimize(
        f,
        u0,
        method="Nelder-Mead",
        options={
            "maxfev": max_evals,
            "xatol": tolerance,
            "fatol": tolerance,
            "initial_simplex": _simplex(u0, 0.15),
        },
    )
    theta = problem.to_theta(result.x)
    return theta, float(result.fun), int(result.nfev)


def with_values(cfg: RunConfig, values: dict[str, float]) -> RunConfig:
    """A copy of ``cfg`` with dotted keys (``section.field``) set to new values."""
    sections: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        section, name = key.split(".")
        sections.setdefault(section, {})[name] = value
    changes = {s: dataclasses.replace(getattr(cfg, s), **v) for s, v in sections.items()}
    return dataclasses.replace(cfg, **changes)


def current_values(cfg: RunConfig, keys) -> dict[str, float]:
    """The values of dotted keys (``section.field``) in ``cfg``."""
    return {k: getattr(getattr(cfg, k.split(".")[0]), k.split(".")[1]) for k in keys}


def _simplex(u0: np.ndarray, step: float) -> np.ndarray:
    points = [u0]
    for i in range(len(u0)):
        p = u0.copy()
        p[i] = p[i] + step if p[i] + step <= 1 else p[i] - step
        points.append(p)
    return np.array(points)


def profile(
    problem: Problem, theta: dict[str, float], points: int = 7, span: float = 0.15
) -> pd.DataFrame:
    """The objective along each parameter around the estimate (others fixed): identification."""
    rows = []
    u_hat = problem.to_unit(theta)
    for i, key in enumerate(problem.parameters):
        for du in np.linspace(-span, span, points):
            u = u_hat.copy()
            u[i] = np.clip(u[i] + du, 0, 1)
            t = problem.to_theta(u)
            rows.append({"parameter": key, "value": t[key], "objective": problem.objective(t)})
    return pd.DataFrame(rows)


def write_calibrated(
    theta: dict[str, float],
    objective: float,
    problem: Problem,
    evaluations: int,
    runtime_s: float,
    path: Path = CALIBRATED_FILE,
) -> None:
    """Write the behaviour config group value with the fit's provenance in comments."""
    behavior = with_values(problem.base, theta).behavior
    others = {k: v for k, v in theta.items() if not k.startswith("behavior.")}
    lines = [
        "# Behaviour estimated by the method of simulated moments (experiments/calibration.py).",
        f"# Date: {datetime.date.today().isoformat()}. Scenario: {SCENARIO}, "
        f"{problem.base.n_households} households, {len(problem.seeds)} replicates "
        "(common random numbers).",
        f"# Data: data/reference_statistics.csv, China 2015-{LAST_DATA_YEAR} only; moments: "
        + ", ".join(sorted({m.indicator for m in problem.moments}))
        + ".",
        f"# Objective (weighted squared distance, {len(problem.moments)} moments): "
        f"{objective:.3f} after {evaluations} evaluations ({runtime_s:.0f} s).",
        "# Estimated: " + ", ".join(problem.parameters) + "; the rest as in default.yaml.",
        "# Estimated jointly, scenario values (set in the scenario file): "
        + (", ".join(f"{k} = {v:.6g}" for k, v in others.items()) or "none")
        + ".",
    ]
    for f in dataclasses.fields(behavior):
        value = getattr(behavior, f.name)
        mark = "  # estimated" if f"behavior.{f.name}" in theta else ""
        lines.append(f"{f.name}: {value:.6g}{mark}")
    text = "\n".join(lines) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def fit(n_households: int = 20000, replicates: int = 2, max_evals: int = 200) -> dict:
    """Estimate, write calibrated.yaml and calibration/fit.json; return the fit record."""
    started = time.perf_counter()
    problem = Problem.build(n_households, replicates)
    theta, objective, evals = estimate(problem, max_evals=max_evals)
    runtime = time.perf_counter() - started
    write_calibrated(theta, objective, problem, evals, runtime)
    record = {
        "theta": theta,
        "objective": objective,
        "evaluations": evals,
        "runtime_seconds": runtime,
        "n_households": n_households,
        "replicates": replicates,
        "seeds": problem.seeds,
        "start_objective": problem.objective(current_values(problem.base, problem.parameters)),
    }
    OUT_DIR.mkdir(exist_ok=True)
    text = json.dumps(record, indent=2) + "\n"
    atomic_write(OUT_DIR / "fit.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return record


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_fit = sub.add_parser("fit")
    p_fit.add_argument("--n-households", type=int, default=20000)
    p_fit.add_argument("--replicates", type=int, default=2)
    p_fit.add_argument("--max-evals", type=int, default=200)
    p_report = sub.add_parser("report")
    p_report.add_argument("--forecast-replicates", type=int, default=8)
    args = parser.parse_args(argv)
    if args.command == "fit":
        record = fit(args.n_households, args.replicates, args.max_evals)
        print(
            f"objective {record['start_objective']:.2f} -> {record['objective']:.2f} in "
            f"{record['evaluations']} evaluations, {record['runtime_seconds']:.0f} s"
        )
        for k, v in record["theta"].items():
            print(f"  {k} = {v:.4g}")
        print(f"wrote {CALIBRATED_FILE}")
    else:
        from experiments.calibration_report import write_report

        html_path, md_path = write_report(forecast_replicates=args.forecast_replicates)
        print(f"wrote {html_path} and {md_path}")


if __name__ == "__main__":
    main()
