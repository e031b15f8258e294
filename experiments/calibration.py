"""Calibration by the method of simulated moments: national and regional fits, cut at a year.

    python -m experiments.calibration fit NAME      # one fit of FITS (parents first)
    python -m experiments.calibration fit --all     # every production fit, in order
    python -m experiments.calibration report        # calibration/report.md and report.html

A fit (:class:`FitSpec`) runs a scenario's economy and policies from the region's figures for
``first_year`` to ``until`` and chooses the parameters that bring the simulated statistics
closest to the observed ones of those years (weighted least squares on common random numbers,
scipy's trust-region solver on parameters scaled to [0, 1]). It reads the data file through
:class:`~experiments.observations.Observations` cut at ``until``: nothing later can enter.
The national fit estimates the behaviour every region shares; a regional fit takes those from
its parent and estimates the few region-specific parameters (attachment to the village, the
value of a hukou, the peri-urban stock and the pace at which towns absorb it) on that region's
resident and hukou rates up to its scenario's start year.

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
import pandas as pd
import yaml
from scipy.optimize import least_squares
from scipy.stats import qmc

from experiments.design import replicate_seeds
from experiments.observations import REPO, Observations
from model import SettlementModel, compose_config
from model.config import CONFIG_DIR, RunConfig, summarize_config
from model.levers import ConfigError
from model.outputs import atomic_write
from model.uncertainty import with_values

FITS_DIR = REPO / "calibration" / "fits"
BEHAVIOR_DIR = CONFIG_DIR / "behavior"


@dataclass(frozen=True)
class Parameter:
    """An estimated value: the config keys it sets (tied together) and its search bounds."""

    keys: tuple[str, ...]
    low: float
    high: float
    in_behavior_set: bool = True  # False: a value of the fit's own runs only (a start figure)


@dataclass(frozen=True)
class FitSpec:
    """What a fit estimates, on which region's data, from which year to which."""

    name: str
    region: str  # region in the data file (CN, Sichuan, ...)
    scenario: str
    first_year: int
    until: int
    parameters: dict[str, Parameter]
    parent: str | None = None
    survey_moments: bool = False  # national migrant-worker survey moments
    description: str = ""


NATIONAL = {
    "origin_attachment": Parameter(("behavior.origin_attachment_cny_per_month",), -1000.0, 3000.0),
    "attachment_age_slope": Parameter(
        ("behavior.attachment_per_year_of_age_cny_per_month",), 0.0, 250.0
    ),
    "attachment_lost_away": Parameter(
        ("behavior.attachment_lost_per_year_away_cny_per_month",), 0.0, 300.0
    ),
    "hukou_value": Parameter(("behavior.hukou_value_cny_per_month",), -1000.0, 1500.0),
    "review_prob": Parameter(("behavior.review_prob_per_month",), 0.001, 0.05),
    "network_pull": Parameter(("behavior.network_pull_cny_per_month",), 0.0, 2500.0),
    "left_behind_cost": Parameter(("behavior.left_behind_cost_cny_per_child_month",), 0.0, 3000.0),
    "reclassification_rate": Parameter(("reclassification.rate_per_year",), 0.0, 0.4),
    "peri_urban_share": Parameter(("reclassification.peri_urban_share",), 0.0, 0.6),
    "native_rural_hukou_share": Parameter(("households.native_rural_hukou_share",), 0.0, 0.3),
    "start_hukou_rate_2011": Parameter(
        ("start.hukou_urbanization_pct",), 30.0, 39.0, in_behavior_set=False
    ),
}


def regional(hukou: bool, start_hukou: tuple[float, float] | None = None) -> dict[str, Parameter]:
    """The region-specific parameters of a regional fit.

    Args:
        hukou: The region publishes hukou rates for the fit's years (else the value of a hukou
            is not identified and keeps the national estimate).
        start_hukou: Search bounds of the first year's hukou rate where it is not published.
    """
    params = {
        "origin_attachment": Parameter(
            ("behavior.origin_attachment_cny_per_month",), -2000.0, 4000.0
        ),
        "reclassification_rate": Parameter(("reclassification.rate_per_year",), 0.0, 0.4),
        "peri_urban_share": Parameter(("reclassification.peri_urban_share",), 0.0, 0.6),
    }
    if hukou:
        params["hukou_value"] = Parameter(("behavior.hukou_value_cny_per_month",), -1500.0, 2000.0)
    if start_hukou:
        params["start_hukou_rate"] = Parameter(
            ("start.hukou_urbanization_pct",), *start_hukou, in_behavior_set=False
        )
    return params


def _national(until: int) -> FitSpec:
    return FitSpec(
        f"national_{until}",
        "CN",
        "national_2015",
        2011,
        until,
        NATIONAL,
        survey_moments=True,
        description=f"China, behaviour shared by every region, data 2011-{until}",
    )


FITS: dict[str, FitSpec] = {
    f.name: f
    for f in (
        _national(2019),
        _national(2017),
        _national(2016),
        FitSpec(
            "sichuan_2019",
            "Sichuan",
            "sichuan_2019",
            2015,
            2019,
            regional(hukou=True, start_hukou=(28.0, 36.0)),
            "national_2019",
            description="Sichuan, data 2015-2019",
        ),
        FitSpec(
            "sichuan_2023",
            "Sichuan",
            "sichuan_2023",
            2020,
            2022,
            regional(hukou=True, start_hukou=(36.0, 40.0)),
            "national_2019",
            description="Sichuan, data 2020-2022 (the 2020-census basis)",
        ),
        FitSpec(
            "nantong_2020",
            "Nantong",
            "nantong_2020",
            2013,
            2017,
            regional(hukou=False),
            "national_2017",
            description="Nantong, data 2013-2017 (no hukou rate published)",
        ),
        FitSpec(
            "baotou_2024",
            "Baotou",
            "baotou_2024",
            2020,
            2023,
            regional(hukou=False),
            "national_2019",
            description="Baotou, data 2020-2023 (no hukou rate published)",
        ),
    )
}
PRODUCTION_ORDER = (
    "national_2016",
    "national_2017",
    "national_2019",
    "sichuan_2019",
    "sichuan_2023",
    "nantong_2020",
    "baotou_2024",
)  # Jiangmen publishes no rates before its 2017 start: no regional fit (national_2017 is used)


@dataclass(frozen=True)
class Moment:
    """One observed statistic and the model indicator that reproduces it."""

    name: str
    indicator: str
    year: int
    observed: float
    sigma: float  # the moment's error sd: its weight is 1 / sigma^2
    since: int = 0  # if set: the change since this year (simulated and observed alike)


def moments_for(spec: FitSpec, obs: Observations) -> list[Moment]:
    """The moments of a fit: the region's rates after ``first_year``, and survey moments."""
    years = range(spec.first_year + 1, spec.until + 1)
    out = [
        Moment(f"resident_rate_{y}", "resident_urbanization_pct", y, float(v), 0.3)
        for y, v in obs.resident_rate(spec.region).items()
        if y in years
    ]
    out += [
        Moment(f"hukou_rate_{y}", "hukou_urbanization_pct", y, float(v), 0.3)
        for y, v in obs.hukou_rate(spec.region).items()
        if y in years
    ]
    if spec.survey_moments:
        out += survey_moments(obs, spec.first_year, spec.until)
    return out


def survey_moments(obs: Observations, first_year: int, until: int) -> list[Moment]:
    """National migrant-worker survey moments of ``first_year``..``until``."""
    out: list[Moment] = []

    def add(indicator: str, data_name: str, scale: float, rel: float | None, sd: float) -> None:
        for y, v in obs.series("CN", data_name).items():
            if first_year <= y <= until:
                value = float(v) * scale
                out.append(
                    Moment(f"{data_name}_{y}", indicator, int(y), value, rel * value if rel else sd)
                )

    add("rural_labor_transfer_employment", "migrant_workers_outmigrating", 1e4, 0.03, 0)
    add("migrant_workers_in_cities", "migrant_workers_urban_resident", 1e4, 0.03, 0)
    add("migrant_monthly_income_cny", "migrant_monthly_income", 1.0, 0.03, 0)
    for y, v in obs.series("CN", "births").items():  # a flow: the years after the first
        if first_year < y <= until:
            out.append(Moment(f"births_{y}", "births", int(y), float(v) * 1e4, 0.06 * v * 1e4))
    # Ages: the survey covers local off-farm workers too, who are older than those away from
    # their village (the model's migrants), so only the change since the first year is fitted.
    for indicator, data_name, sd in (
        ("migrant_worker_mean_age", "migrant_average_age", 0.4),
        ("migrant_workers_over_50_pct", "migrant_share_age_over_50", 1.0),
    ):
        series = obs.series("CN", data_name)
        if first_year in series.index:
            for y, v in series.items():
                if first_year < y <= until:
                    change = float(v - series[first_year])
                    out.append(
                        Moment(f"{data_name}_change_{y}", indicator, int(y), change, sd, first_year)
                    )
    if until - first_year >= 4:
        # Urban growth by source, China 1991-2010 (Chen Mingxing et al.; data file): about 31 %
        # of the rise of the urban share came from places reclassified as urban.
        share = obs.series("CN", "share_of_urbanization_gain_from_admin_reclassification")
        if len(share):
            out.append(
                Moment(
                    "reclassification_share_of_urban_growth",
                    RECLASSIFICATION_SHARE,
                    until,
                    float(share.iloc[-1]) / 100,
                    0.08,
                    first_year,
                )
            )
    public = pd.concat(
        [
            obs.series("CN", "migrant_children_primary_in_public_school"),
            obs.series("CN", "migrant_children_junior_in_public_school"),
        ]
    )
    for y, part in public.groupby(level=0):
        if first_year <= y <= until:
            out.append(
                Moment(
                    f"public_school_share_{y}",
                    "migrant_children_public_school_pct",
                    int(y),
                    float(part.mean()),
                    1.5,
                )
            )
    return out


RECLASSIFICATION_SHARE = "reclassification_share_of_urban_growth"


def simulated_moment(ts: pd.DataFrame, m: Moment) -> float:
    """A moment's simulated value from a run's yearly table (indexed by year)."""
    if m.indicator == RECLASSIFICATION_SHARE:  # reclassified persons / rise of urban residents
        years = (ts.index > m.since) & (ts.index <= m.year)
        urban = ts["urban_resident_population"]
        rise = urban.loc[m.year] - urban.loc[m.since]
        return float(ts.loc[years, "reclassified_persons"].sum() / max(rise, 1.0))
    value = ts.loc[m.year, m.indicator]
    return float(value - (ts.loc[m.since, m.indicator] if m.since else 0.0))


@dataclass
class Problem:
    """A fit made concrete: the base config of its runs, its moments, its seeds."""

    spec: FitSpec
    base: RunConfig
    moments: list[Moment]
    seeds: list[int]
    parameters: dict[str, Parameter] = field(default_factory=dict)

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

    def simulate(self, theta: dict[str, float], seeds: list[int] | None = None) -> np.ndarray:
        """Simulated moments, one row per seed."""
        out = []
        for seed in seeds or self.seeds:
            model = SettlementModel(self.config(theta, seed))
            model.run_to_end()
            ts = model.timeseries().set_index("year")
            out.append([simulated_moment(ts, m) for m in self.moments])
        return np.asarray(out)

    def observed(self) -> np.ndarray:
        return np.array([m.observed for m in self.moments])

    def sigmas(self) -> np.ndarray:
        return np.array([m.sigma for m in self.moments])

    def residuals(self, theta: dict[str, float]) -> np.ndarray:
        """(simulated - observed) / sigma, with the replicates averaged."""
        return (self.simulate(theta).mean(axis=0) - self.observed()) / self.sigmas()

    def objective(self, theta: dict[str, float]) -> float:
        """Weighted squared distance of the replicate-mean moments from the data."""
        return float((self.residuals(theta) ** 2).sum())

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
        return {
            name: float(read_value(self.base, p.keys[0])) for name, p in self.parameters.items()
        }


def backcast(cfg: RunConfig, years: int) -> list[str]:
    """Overrides taking a scenario ``years`` back: its jobs, wages and rents along their growth,
    its households' heads that many years younger (the same cohorts)."""
    if years == 0:
        return []
    wage = (1 + cfg.economy.wage_growth_pct_per_year / 100) ** -years
    out = [f"households.head_age_shift_years={cfg.households.head_age_shift_years - years}"]
    for name, city in cfg.cities.items():
        jobs = (1 + city.formal_jobs_growth_pct_per_year / 100) ** -years
        out += [
            f"cities.{name}.formal_jobs={city.formal_jobs * jobs:.6g}",
            f"cities.{name}.formal_wage_cny_per_month={city.formal_wage_cny_per_month * wage:.6g}",
            f"cities.{name}.informal_wage_cny_per_month="
            f"{city.informal_wage_cny_per_month * wage:.6g}",
            f"cities.{name}.rent_cny_per_month={city.rent_cny_per_month * wage:.6g}",
        ]
    for name, area in cfg.rural_areas.items():
        rural_wage = area.rural_wage_cny_per_month * wage
        out.append(f"rural_areas.{name}.rural_wage_cny_per_month={rural_wage:.6g}")
    if cfg.outside.enabled:
        o = cfg.outside
        out += [
            f"outside.formal_wage_cny_per_month={o.formal_wage_cny_per_month * wage:.6g}",
            f"outside.informal_wage_cny_per_month={o.informal_wage_cny_per_month * wage:.6g}",
            f"outside.rent_cny_per_month={o.rent_cny_per_month * wage:.6g}",
        ]
    return out


def expand(problem: Problem, theta: dict[str, float]) -> dict[str, float]:
    """Parameter values as config-key values (a tied parameter sets several keys)."""
    return {key: theta[name] for name, p in problem.parameters.items() for key in p.keys}


def read_value(cfg: Any, key: str) -> Any:
    """The value of a dotted key (through dataclasses and dicts)."""
    for part in key.split("."):
        cfg = cfg[part] if isinstance(cfg, dict) else getattr(cfg, part)
    return cfg


def estimate(
    problem: Problem,
    max_evals: int = 400,
    start: dict[str, float] | None = None,
    global_points: int = 0,
) -> dict[str, Any]:
    """Minimise the weighted squared distance; return the estimate and its covariance.

    Args:
        start: Where the search starts (default: the parameters' values in the base config).
        global_points: Points of a Latin hypercube over the search bounds tried first; the
            local search starts from the best of them and ``start`` (the objective of a
            simulation is rough, and a local search alone can stall far from the optimum).
    """
    start = problem.current() if start is None else start
    u0 = np.clip(problem.to_unit(start), 0.02, 0.98)
    evaluations = 0

    def residuals(u: np.ndarray) -> np.ndarray:
        nonlocal evaluations
        evaluations += 1
        try:
            return problem.residuals(problem.to_theta(u))
        except ConfigError:  # the start figures cannot be met there: far from any optimum
            return np.full(len(problem.moments), 1e3)

    start_objective = float((residuals(u0) ** 2).sum())
    if global_points:
        design = qmc.LatinHypercube(d=len(problem.parameters), seed=len(problem.moments))
        best = start_objective
        for u in design.random(global_points):
            value = float((residuals(u) ** 2).sum())
            if value < best:
                best, u0 = value, np.clip(u, 0.02, 0.98)
    result = least_squares(
        residuals,
        u0,
        bounds=(0.0, 1.0),
        diff_step=0.04,
        x_scale=1.0,
        max_nfev=max_evals,
        xtol=1e-3,
        ftol=1e-4,
    )
    theta = problem.to_theta(result.x)
    spans = np.array([p.high - p.low for p in problem.parameters.values()])
    jacobian = result.jac / spans[None, :]  # d residual / d theta
    n_moments, n_params = jacobian.shape
    objective = float((result.fun**2).sum())
    chi2 = objective / max(n_moments - n_params, 1)
    inflation = max(chi2, 1.0) * (1 + 1 / len(problem.seeds))
    covariance = inflation * np.linalg.pinv(jacobian.T @ jacobian)
    return {
        "theta": theta,
        "covariance": covariance,
        "objective": objective,
        "start_objective": start_objective,
        "reduced_chi2": chi2,
        "evaluations": evaluations,
        "fitted": problem.observed() + result.fun * problem.sigmas(),
    }


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


def fit(
    name: str,
    n_households: int = 20000,
    replicates: int = 2,
    max_evals: int = 400,
    until: int | None = None,
    global_points: int = 40,
) -> dict[str, Any]:
    """Run one fit; write its record and its behaviour set; return the record.

    Args:
        until: Last data year, if not the fit's own (a regional fit may not go past its
            scenario's start year; a national one not past the last national year).
    """
    spec = fit_spec(name, until)
    started = time.perf_counter()
    problem = Problem.build(spec, n_households, replicates)
    result = estimate(problem, max_evals, global_points=global_points)
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
        "moments": [
            dataclasses.asdict(m) | {"fitted": float(f)}
            for m, f in zip(problem.moments, result["fitted"], strict=True)
        ],
    }
    FITS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    atomic_write(FITS_DIR / f"{name}.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    write_behavior_set(record, problem)
    return record


LAST_NATIONAL_YEAR = 2019  # national figures stop here on purpose: 2020 on is a true test


def fit_spec(name: str, until: int | None = None) -> FitSpec:
    """The fit ``name``, with its last data year checked (and changed to ``until`` if given).

    Raises:
        ConfigError: An unknown fit, or data asked for after the scenario's start year.
    """
    if name not in FITS:
        raise ConfigError(f"unknown fit '{name}'; allowed: {', '.join(FITS)}")
    spec = FITS[name] if until is None else dataclasses.replace(FITS[name], until=until)
    if spec.region == "CN":
        limit, what = LAST_NATIONAL_YEAR, "the last national data year"
    else:
        limit = compose_config([f"scenario={spec.scenario}", "behavior=default"]).start_year
        what = f"the start year of scenario {spec.scenario}"
    if spec.until > limit:
        raise ConfigError(
            f"fit '{name}': --until {spec.until} would use data after {what} ({limit}); "
            f"allowed: {spec.first_year + 1}-{limit}"
        )
    if spec.until <= spec.first_year:
        raise ConfigError(
            f"fit '{name}': --until {spec.until} leaves no year after the first "
            f"({spec.first_year}); allowed: {spec.first_year + 1}-{limit}"
        )
    return spec


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
        node[last] = round(float(value), 6)
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
    sub.add_parser("report")
    args = parser.parse_args(argv)
    try:
        if args.command == "fit":
            names = PRODUCTION_ORDER if args.all else [args.name]
            if not args.all and not args.name:
                parser.error("give a fit name or --all")
            for name in names:
                record = fit(name, args.n_households, args.replicates, args.max_evals, args.until)
                print(
                    f"{name}: objective {record['start_objective']:.1f} -> "
                    f"{record['objective']:.1f} in {record['evaluations']} evaluations, "
                    f"{record['runtime_seconds']:.0f} s"
                )
                for pname, p in record["parameters"].items():
                    print(f"  {pname} = {p['estimate']:.4g} (sd {p['sd']:.2g})")
        else:
            from experiments.calibration_report import write_report

            for path in write_report():
                print(f"wrote {path}")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
