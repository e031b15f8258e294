"""Run a scenario: ``python -m model.run [scenario=NAME] [key=value ...]``, or from Python.

The command line is Hydra's: every config key can be overridden, ``hydra.run.dir=DIR`` chooses
the output directory, ``-m`` sweeps. Before Hydra starts, a single run's config is composed and
validated, so bad input ends with one ``error: ...`` line and exit status 2, before any output
directory is made.

From Python::

    from model import run_scenario
    result = run_scenario("demo", overrides=["end_year=2025"])
    result.timeseries  # pandas DataFrame, one row per year
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hydra
import numpy as np
import pandas as pd
from omegaconf import DictConfig

from model.batch import map_runs
from model.city_indicators import CITY_COUNT_COLUMNS
from model.config import RunConfig, compose_config, run_key, summarize_config, to_run_config
from model.indicators import INDICATORS
from model.levers import ConfigError
from model.memory import reuse_freed_memory
from model.model import SettlementModel
from model.outputs import (
    BANDS_FILE,
    CITIES_FILE,
    PLOT_FILE,
    SUMMARY_FILE,
    TIMESERIES_FILE,
    format_table,
    format_targets,
    plot_urbanization,
    write_json,
    write_timeseries,
)
from model.targets import score
from model.uncertainty import (
    bands,
    bands_note,
    child_seeds,
    held_keys,
    parameter_draws,
    with_values,
)


@dataclass
class RunResult:
    """What a run produced."""

    config: RunConfig
    timeseries: pd.DataFrame  # one row per year-end, from start_year to end_year
    cities: pd.DataFrame  # one row per city and year-end
    summary: dict[str, Any]
    model: SettlementModel  # the final model state, for inspection
    bands: pd.DataFrame | None = None  # year, indicator, p05, p50, p95 (uncertainty.draws > 1)


def simulate(cfg: RunConfig) -> RunResult:
    """Build the model from a validated config, run it to ``end_year`` and summarize.

    With ``uncertainty.draws`` > 1 the run is repeated with drawn parameters and streams, and
    the result carries the bands; the run itself (the estimate, ``cfg.seed``) is the central line.
    """
    started = time.perf_counter()
    model = SettlementModel(cfg)
    model.run_to_end()
    timeseries = model.timeseries()
    band_table = run_draws(cfg) if cfg.uncertainty.draws > 1 else None
    runtime = time.perf_counter() - started
    summary = build_summary(cfg, timeseries, runtime)
    summary["city_constants_cny_per_month"] = city_constants(model)
    return RunResult(cfg, timeseries, model.city_table(), summary, model, band_table)


def run_draws(cfg: RunConfig) -> pd.DataFrame:
    """The bands of ``cfg.uncertainty.draws`` runs (see :mod:`model.uncertainty`)."""
    n = cfg.uncertainty.draws
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0x0B4D5]))
    fitted = cfg.behavior.fit_record
    stock = cfg.reclassification.peri_urban_share
    held = held_keys(cfg, fitted) if fitted else frozenset()
    values = parameter_draws(fitted, n, rng, stock, held) if fitted else [{} for _ in range(n)]
    configs = [
        with_values(dataclasses.replace(cfg, seed=seed), drawn)
        for seed, drawn in zip(child_seeds(cfg.seed, n), values, strict=True)
    ]
    return bands(map_runs(timeseries_of, configs, cfg.execution))


def timeseries_of(cfg: RunConfig) -> pd.DataFrame:
    """Run ``cfg`` to its end year; its yearly indicators (a batch item, :mod:`model.batch`)."""
    model = SettlementModel(cfg)
    model.run_to_end()
    return model.timeseries()


def behavior_label(cfg: RunConfig) -> dict[str, Any]:
    """Which behaviour set a run used, and whether it was fitted for this region."""
    beh = cfg.behavior
    own = bool(beh.fitted_for) and beh.fitted_for == cfg.region
    if not beh.fitted_for:
        status = "uncalibrated: assumptions, not fitted to data"
    elif own:
        status = f"fitted for this region ({beh.fitted_for}) on data up to {beh.fitted_data_until}"
    else:
        status = (
            f"fitted for {beh.fitted_for} on data up to {beh.fitted_data_until}, "
            f"not for this region ({cfg.region or 'unnamed'})"
        )
    in_sample = list(range(cfg.start_year + 1, beh.fitted_data_until + 1)) if beh.fitted_for else []
    return {
        "name": beh.name,
        "fitted_for": beh.fitted_for,
        "fitted_for_this_region": own,
        "fitted_data_until": beh.fitted_data_until,
        "fit_record": beh.fit_record,
        "status": status,
        "in_sample_years": in_sample,
    }


def build_summary(cfg: RunConfig, timeseries: pd.DataFrame, runtime_s: float) -> dict[str, Any]:
    """The run's summary: identity, years, start and final indicator values, runtime."""
    first, last = timeseries.iloc[0], timeseries.iloc[-1]
    draws = cfg.uncertainty.draws
    return {
        "scenario": cfg.scenario_name,
        "description": cfg.description,
        "region": cfg.region,
        "behavior": behavior_label(cfg),
        "uncertainty": {
            "draws": draws,
            "bands": "bands.csv" if draws > 1 else None,
            "parameter_uncertainty": draws > 1 and bool(cfg.behavior.fit_record),
            "held": sorted(held_keys(cfg, cfg.behavior.fit_record))
            if draws > 1 and cfg.behavior.fit_record
            else [],
        },
        "seed": cfg.seed,
        "n_households": cfg.n_households,
        "start_year": cfg.start_year,
        "end_year": cfg.end_year,
        "years": [int(y) for y in timeseries["year"]],
        "start": {name: float(first[name]) for name in INDICATORS},
        "final": {name: float(last[name]) for name in INDICATORS},
        "urban_labor_share": float(last["urban_labor_share"]),
        "urban_without_formal_job_share": float(last["urban_without_formal_job_share"]),
        "start_data": start_check(cfg, first),
        "targets": score(cfg.targets, timeseries),
        "runtime_seconds": round(runtime_s, 3),
        "run_key": run_key(cfg),
        "config": summarize_config(cfg),
    }


def city_constants(model: SettlementModel) -> dict[str, float]:
    """Each city's amenity in start-year CNY per equivalent person and month: the configured
    value plus what the start balance set (:mod:`model.city_balance`)."""
    places = model.world.places
    level = model.world.price_level
    return {
        places.names[i]: round(float(places.amenity_cny_per_month[i] / level), 1)
        for i in places.city_places
    }


def start_check(cfg: RunConfig, first: pd.Series) -> dict[str, Any]:
    """Start-year figures given by the scenario against the model's initial state."""
    start = cfg.start
    given = {
        "resident_urbanization_pct": start.resident_urbanization_pct,
        "hukou_urbanization_pct": start.hukou_urbanization_pct,
        "resident_population": start.resident_population,
        "registered_population": start.registered_population,
    }
    return {
        "source": start.source,
        "figures": {k: {"data": v, "model": float(first[k])} for k, v in given.items() if v},
    }


def write_outputs(result: RunResult, out_dir: Path) -> None:
    """Write timeseries.csv, bands.csv, cities.csv, urbanization.png and, last, summary.json."""
    out_dir = Path(out_dir)
    options = result.config.outputs
    write_timeseries(result.timeseries, out_dir / TIMESERIES_FILE)
    if result.bands is not None:
        write_timeseries(result.bands, out_dir / BANDS_FILE)
    if options.cities_table:
        counts = [c for c in CITY_COUNT_COLUMNS if c in result.cities]
        cities = result.cities.astype({c: "float64" for c in counts}).round({c: 0 for c in counts})
        write_timeseries(cities.astype({c: "int64" for c in counts}), out_dir / CITIES_FILE)
    if options.plot:
        cfg = result.config
        title = f"{cfg.scenario_name} (seed {cfg.seed}; behaviour: {cfg.behavior.name})"
        plot_urbanization(
            result.timeseries,
            out_dir / PLOT_FILE,
            title,
            result.bands,
            options.lang,
            result.summary["targets"],
        )
    write_json(result.summary, out_dir / SUMMARY_FILE)


def completed_run(cfg: RunConfig, out_dir: Path) -> dict[str, Any] | None:
    """The summary of a complete earlier run of this very config in ``out_dir``, if any."""
    path = Path(out_dir) / SUMMARY_FILE
    if not path.exists():
        return None
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return summary if summary.get("run_key") == run_key(cfg) else None


def run(cfg: RunConfig | DictConfig, out_dir: Path | str) -> RunResult:
    """Run one config and write its outputs into ``out_dir`` (the CLI's and sweeps' entry).

    Args:
        cfg: A validated RunConfig, or a composed Hydra config (validated here).
        out_dir: Directory for timeseries.csv, summary.json and urbanization.png.
    """
    run_cfg = cfg if isinstance(cfg, RunConfig) else to_run_config(cfg)
    result = simulate(run_cfg)
    write_outputs(result, Path(out_dir))
    return result


def run_scenario(
    name: str = "demo",
    overrides: list[str] | tuple[str, ...] = (),
    out_dir: Path | str | None = None,
) -> RunResult:
    """Run a named scenario with Hydra-style overrides; write outputs if ``out_dir`` is given.

    Args:
        name: A file name (without .yaml) in ``configs/scenario/``.
        overrides: Hydra overrides, e.g. ``["seed=2", "cities.capital.rent_cny_per_month=1500"]``.
        out_dir: Where to write the run's files; None writes nothing.

    Raises:
        ConfigError: Unknown scenario or key, wrong type, value out of range.
    """
    cfg = compose_config([f"scenario={name}", *overrides])
    result = simulate(cfg)
    if out_dir is not None:
        write_outputs(result, Path(out_dir))
    return result


@hydra.main(config_path="../configs", config_name="config", version_base="1.3")
def _hydra_main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig

    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    reuse_freed_memory()  # big temporaries reuse freed memory instead of fresh pages
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        run_cfg = to_run_config(cfg)
        if completed_run(run_cfg, out_dir) is not None:  # a rerun of a sweep: keep it
            print(f"already complete: {out_dir}")
            return
        result = run(run_cfg, out_dir)
    except (ConfigError, RuntimeError) as exc:  # RuntimeError: a launched batch of draws failed
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(format_table(result.timeseries))
    if result.bands is not None:
        print(bands_note(run_cfg.uncertainty.draws, result.summary["uncertainty"]["held"]))
    if result.summary["targets"]:
        print(format_targets(result.summary["targets"]))
    print(f"outputs: {out_dir}  ({result.summary['runtime_seconds']:.2f} s)")


def _user_overrides(argv: list[str]) -> list[str] | None:
    """Config overrides of a single run, or None when Hydra flags make pre-checking moot."""
    if any(arg.startswith("-") for arg in argv):
        return None
    return [
        arg
        for arg in argv
        if arg.startswith("hydra.searchpath")  # user config dirs: scenarios kept elsewhere
        or not arg.lstrip("+~").startswith(("hydra.", "hydra/"))
    ]


# Replicate spread of the end-year hukou rate measured at 30,000 households (sichuan_2019,
# README "Limits"): about 0.25 points; it grows as 1/sqrt(n).
SPREAD_AT_30K_PP = 0.25
SMALL_RUN = 5000


def warn_if_small(cfg: RunConfig) -> None:
    """Warn when so few household agents make the rates mostly noise."""
    if cfg.n_households < SMALL_RUN:
        spread = SPREAD_AT_30K_PP * (30000 / cfg.n_households) ** 0.5
        print(
            f"warning: n_households = {cfg.n_households}: rates will differ between seeds by "
            f"about +-{spread:.1f} points at this size; use 20,000 or more for results",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: validate a single run's config, then hand over to Hydra."""
    argv = sys.argv[1:] if argv is None else argv
    overrides = _user_overrides(argv)
    try:
        for arg in argv:  # Hydra would end in a traceback
            key, _, value = arg.partition("=")
            if key in ("hydra.run.dir", "hydra.sweep.dir") and Path(value).is_file():
                raise ConfigError(f"{key} = '{value}': is a file, not a directory")
        if overrides is not None:
            warn_if_small(compose_config(overrides))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.argv = [sys.argv[0], *argv]
    _hydra_main()


if __name__ == "__main__":
    main()
