"""Calibration report: fit against every moment, identification, noise, and a forecast.

Written by ``python -m experiments.calibration report`` into ``calibration/report.html`` (self-
contained) and ``calibration/report.md`` (figures in ``calibration/figures/``):

- fitted against observed for every moment (table and plots);
- the objective's profile around the optimum along each parameter (identification);
- replicate noise: the moments' and the objective's spread across independent seeds;
- ``national_2015`` with ``behavior=calibrated`` projected to 2035 with replicate bands, against a
  linear-trend extrapolation of the same 2015-2019 data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from experiments.calibration import (
    CALIBRATED_FILE,
    DATA_FILE,
    OUT_DIR,
    SCENARIO,
    Problem,
    profile,
)
from experiments.design import replicate_seeds
from experiments.report import Section, _figure_png, _plt, write_sections
from model import run_scenario

FORECAST_END = 2035
NOISE_SEEDS = 8


def load_fit() -> tuple[dict, dict[str, float]]:
    """The fit record and the estimated parameters."""
    record = json.loads((OUT_DIR / "fit.json").read_text(encoding="utf-8"))
    calibrated = yaml.safe_load(CALIBRATED_FILE.read_text(encoding="utf-8"))
    theta = {
        k: float(calibrated[k.split(".", 1)[1]]) if k.startswith("behavior.") else v
        for k, v in record["theta"].items()
    }
    return record, theta


def fit_section(problem: Problem, theta: dict[str, float], record: dict) -> Section:
    plt = _plt()
    sims = problem.simulate(theta)
    table = pd.DataFrame(
        {
            "moment": [m.name for m in problem.moments],
            "observed": problem.observed(),
            "fitted": sims.mean(axis=0),
            "replicate sd": sims.std(axis=0, ddof=1) if len(sims) > 1 else np.nan,
            "sigma (weight)": [m.sigma for m in problem.moments],
        }
    )
    table["z"] = (table["fitted"] - table["observed"]) / table["sigma (weight)"]
    sec = Section("Fitted against observed")
    sec.text.append(
        f"Method of simulated moments on <b>{SCENARIO}</b>, {len(problem.moments)} moments "
        f"(2015-2019 only), {record['n_households']} households, {record['replicates']} "
        f"replicates with common random numbers. Objective {record['start_objective']:.1f} at "
        f"the default behaviour, {record['objective']:.1f} at the estimate, after "
        f"{record['evaluations']} evaluations ({record['runtime_seconds']:.0f} s)."
    )
    sec.tables.append(
        pd.DataFrame(
            {
                "parameter": list(theta),
                "estimate": list(theta.values()),
                "bounds": [str(problem.parameters[k]) for k in theta],
            }
        )
    )
    sec.tables.append(table)
    indicators = list(dict.fromkeys(m.indicator for m in problem.moments))
    fig, axes = plt.subplots(1, len(indicators), figsize=(3.4 * len(indicators), 3.2))
    for ax, ind in zip(np.atleast_1d(axes), indicators, strict=True):
        idx = [i for i, m in enumerate(problem.moments) if m.indicator == ind]
        years = [problem.moments[i].year for i in idx]
        ax.plot(years, problem.observed()[idx], "ko", label="observed")
        ax.plot(years, sims.mean(axis=0)[idx], "-", color="tab:blue", label="fitted")
        ax.fill_between(years, sims.min(axis=0)[idx], sims.max(axis=0)[idx], alpha=0.2)
        ax.set_title(ind, fontsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    np.atleast_1d(axes)[0].legend(fontsize=7)
    sec.figures.append(("fit.png", _figure_png(fig)))
    return sec


def profile_section(problem: Problem, theta: dict[str, float]) -> Section:
    plt = _plt()
    prof = profile(problem, theta)
    keys = list(problem.parameters)
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        part = prof[prof["parameter"] == key]
        ax.plot(part["value"], part["objective"], "o-")
        ax.axvline(theta[key], color="tab:red", lw=0.8)
        ax.set_title(key, fontsize=7)
        ax.grid(alpha=0.3)
    sec = Section("Identification: objective profiles")
    sec.text.append(
        "The objective along each parameter (others at the estimate), over +-15 % "
        "of its bounds. A clear minimum at the estimate (red) means the moments "
        "pin the parameter down; a flat profile means they do not."
    )
    sec.figures.append(("profiles.png", _figure_png(fig)))
    return sec


def noise_section(problem: Problem, theta: dict[str, float]) -> Section:
    seeds = replicate_seeds(987654, NOISE_SEEDS)
    sims = problem.simulate(theta, seeds)
    weights, observed = problem.weights(), problem.observed()
    # objective of each pair of seeds, as the fit sees it (mean of two replicates)
    pair_objectives = [
        float((weights * ((sims[i] + sims[i + 1]) / 2 - observed) ** 2).sum())
        for i in range(0, NOISE_SEEDS - 1, 2)
    ]
    table = pd.DataFrame(
        {
            "moment": [m.name for m in problem.moments],
            "mean": sims.mean(axis=0),
            "sd across seeds": sims.std(axis=0, ddof=1),
            "sd / sigma": sims.std(axis=0, ddof=1) / [m.sigma for m in problem.moments],
        }
    )
    sec = Section("Replicate noise")
    sec.text.append(
        f"The estimate re-run with {NOISE_SEEDS} independent seeds. The objective of a "
        f"two-replicate evaluation varies between {min(pair_objectives):.1f} and "
        f"{max(pair_objectives):.1f} across seed pairs: differences below that are noise."
    )
    sec.tables.append(table)
    return sec


def forecast_section(replicates: int) -> Section:
    plt = _plt()
    runs = [
        run_scenario(
            SCENARIO, ["behavior=calibrated", f"end_year={FORECAST_END}", f"seed={s}"]
        ).timeseries
        for s in replicate_seeds(2035, replicates)
    ]
    stacked = pd.concat(runs)
    data = pd.read_csv(DATA_FILE)
    cn = data[(data["region"] == "CN") & (data["year"].between(2015, 2019))]
    observed = {
        "resident_urbanization_pct": cn[
            (cn["indicator"] == "resident_urbanization")
            & (cn["series"] == "revised_after_2020_census")
        ],
        "hukou_urbanization_pct": cn[cn["indicator"] == "hukou_urbanization"],
    }
    years = np.arange(2015, FORECAST_END + 1)
    rows = []
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for ind, color in (
        ("resident_urbanization_pct", "tab:blue"),
        ("hukou_urbanization_pct", "tab:orange"),
    ):
        g = stacked.groupby("year")[ind]
        ax.plot(g.mean().index, g.mean(), color=color, label=f"{ind} (model)")
        ax.fill_between(g.mean().index, g.quantile(0.05), g.quantile(0.95), color=color, alpha=0.2)
        obs = observed[ind]
        slope, intercept = np.polyfit(obs["year"], obs["value"], 1)
        ax.plot(years, intercept + slope * years, "--", color=color, label=f"{ind} (linear trend)")
        ax.plot(obs["year"], obs["value"], "o", color=color)
        for y in (2020, 2025, 2029, 2035):
            rows.append(
                {
                    "indicator": ind,
                    "year": y,
                    "model mean": g.mean().loc[y],
                    "model p05": g.quantile(0.05).loc[y],
                    "model p95": g.quantile(0.95).loc[y],
                    "linear trend": intercept + slope * y,
                }
            )
    ax.set_xlabel("year")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("%")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    sec = Section("Forecast to 2035")
    sec.text.append(
        f"{SCENARIO} with behavior=calibrated, {replicates} replicates (90 % band), against a "
        "linear trend fitted to the same 2015-2019 observations (dots). Data after 2019 were not "
        "used by the fit; compare with published figures as they appear (e.g. the 2029 target "
        "of a resident rate close to 70 %)."
    )
    sec.figures.append(("forecast.png", _figure_png(fig)))
    sec.tables.append(pd.DataFrame(rows))
    return sec


def write_report(forecast_replicates: int = 8) -> tuple[Path, Path]:
    """Write calibration/report.html and report.md; return their paths."""
    record, theta = load_fit()
    problem = Problem.build(record["n_households"], record["replicates"])
    sections = [
        fit_section(problem, theta, record),
        profile_section(problem, theta),
        noise_section(problem, theta),
        forecast_section(forecast_replicates),
    ]
    return write_sections(OUT_DIR, "Calibration report", sections)
