"""Collect a sweep's run directories into tidy tables.

Works on a designed sweep (``experiments.sweep``: ``design.csv`` names the points, replicates
and swept keys) and on a plain Hydra multirun directory (the swept keys are the config values
that differ between runs; runs with equal settings but different seeds are replicates).

Writes, atomically, into the sweep directory:

- ``results.csv``: one row per run and year: run id, point, replicate, seed, swept keys, and
  every indicator of ``timeseries.csv``;
- ``runs.csv``: one row per run: the swept keys, final values, totals over the run (settled
  persons, fiscal outlay) and whether each target was met;
- ``aggregate.csv``: one row per point and year: mean and 90 % interval (5th and 95th
  percentiles) over the replicates of the headline indicators.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.design import DESIGN_FILE
from model.outputs import SUMMARY_FILE, TIMESERIES_FILE, atomic_write

RESULTS_FILE, RUNS_FILE, AGGREGATE_FILE = "results.csv", "runs.csv", "aggregate.csv"
HEADLINE = [
    "resident_urbanization_pct",
    "hukou_urbanization_pct",
    "gap_pp",
    "settled_persons",
    "children_left_behind",
    "fiscal_outlay_cny",
]
IGNORED_KEYS = ("seed", "design.", "outputs.", "description")
BOOKKEEPING = ["run_id", "point", "replicate", "seed"]


def find_runs(sweep_dir: Path) -> list[Path]:
    """Directories under ``sweep_dir`` holding a complete run (a summary.json), sorted."""
    return sorted(p.parent for p in Path(sweep_dir).rglob(SUMMARY_FILE))


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts as dotted keys."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def swept_keys(design: pd.DataFrame | None, configs: list[dict[str, Any]]) -> list[str]:
    """The keys a sweep varies: the design's columns, or the config values that differ."""
    if design is not None:
        return [c for c in design.columns if c not in BOOKKEEPING]
    if not configs:
        return []
    keys = []
    for key in configs[0]:
        if key.startswith(IGNORED_KEYS):
            continue
        values = {json.dumps(c.get(key), sort_keys=True) for c in configs}
        if len(values) > 1:
            keys.append(key)
    return keys


def collect(sweep_dir: Path) -> pd.DataFrame:
    """Build results.csv, runs.csv and aggregate.csv for a sweep; return the runs table."""
    sweep_dir = Path(sweep_dir)
    design_path = sweep_dir / DESIGN_FILE
    design = pd.read_csv(design_path) if design_path.exists() else None
    run_dirs = find_runs(sweep_dir)
    if not run_dirs:
        raise FileNotFoundError(f"no complete runs (summary.json) under {sweep_dir}")
    summaries = [json.loads((d / SUMMARY_FILE).read_text(encoding="utf-8")) for d in run_dirs]
    configs = [flatten(s["config"]) for s in summaries]
    keys = swept_keys(design, configs)

    meta = []
    for run_dir, summary, config in zip(run_dirs, summaries, configs, strict=True):
        row = {
            "run_id": run_dir.name if design is not None else str(run_dir.relative_to(sweep_dir))
        }
        row["seed"] = summary["seed"]
        row.update({key: config.get(key) for key in keys})
        meta.append(row)
    meta_df = pd.DataFrame(meta)
    if design is not None:
        meta_df = meta_df.merge(design[["run_id", "point", "replicate"]], on="run_id", how="left")
    else:
        settings = (
            meta_df[keys].astype(str).agg("|".join, axis=1)
            if keys
            else pd.Series("", index=meta_df.index)
        )
        meta_df["point"] = pd.factorize(settings, sort=True)[0]
        meta_df["replicate"] = meta_df.groupby("point")["seed"].rank(method="first").astype(int) - 1
    meta_df = meta_df[BOOKKEEPING + keys]

    series = []
    runs_rows = []
    for (_, info), run_dir, summary in zip(meta_df.iterrows(), run_dirs, summaries, strict=True):
        ts = pd.read_csv(run_dir / TIMESERIES_FILE)
        for col in reversed(BOOKKEEPING + keys):
            ts.insert(0, col, info[col])
        series.append(ts)
        runs_rows.append(_run_row(info, ts, summary))
    results = pd.concat(series, ignore_index=True)
    runs = pd.DataFrame(runs_rows).sort_values(["point", "replicate"]).reset_index(drop=True)
    aggregate = aggregate_replicates(results, keys)
    for name, frame in ((RESULTS_FILE, results), (RUNS_FILE, runs), (AGGREGATE_FILE, aggregate)):
        atomic_write(
            sweep_dir / name, lambda tmp, f=frame: f.to_csv(tmp, index=False, float_format="%.10g")
        )
    return runs


def _run_row(info: pd.Series, ts: pd.DataFrame, summary: dict[str, Any]) -> dict[str, Any]:
    last = ts.iloc[-1]
    after_start = ts.iloc[1:]
    row = info.to_dict()
    row.update(
        {
            "final_year": int(last["year"]),
            "final_gap_pp": float(last["gap_pp"]),
            "final_resident_urbanization_pct": float(last["resident_urbanization_pct"]),
            "final_hukou_urbanization_pct": float(last["hukou_urbanization_pct"]),
            "start_gap_pp": float(ts.iloc[0]["gap_pp"]),
            "total_settled_persons": float(after_start["settled_persons"].sum()),
            "total_fiscal_outlay_cny": float(after_start["fiscal_outlay_cny"].sum()),
            "final_children_left_behind": float(last["children_left_behind"]),
            "runtime_seconds": summary.get("runtime_seconds"),
        }
    )
    for name, target in summary.get("targets", {}).items():
        row[f"target_{name}_met"] = target["met"]
    return row


def aggregate_replicates(results: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Mean and 90 % interval over replicates, per point and year, of the headline indicators."""
    grouped = results.groupby(["point", "year"])
    parts = {"replicates": grouped["replicate"].nunique()}
    for col in HEADLINE:
        parts[f"{col}_mean"] = grouped[col].mean()
        parts[f"{col}_p05"] = grouped[col].quantile(0.05)
        parts[f"{col}_p95"] = grouped[col].quantile(0.95)
    out = pd.DataFrame(parts).reset_index()
    if keys:
        settings = results.groupby("point")[keys].first().reset_index()
        out = settings.merge(out, on="point")
    return out


def point_means(runs: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    """Mean of a per-run column over replicates, per design point, with the swept values."""
    grouped = runs.groupby("point")
    out = grouped[keys].first() if keys else pd.DataFrame(index=grouped.size().index)
    out[column] = grouped[column].mean()
    out[f"{column}_sd"] = grouped[column].std().fillna(0.0)
    return out.reset_index()


def numeric_keys(runs: pd.DataFrame, keys: list[str]) -> list[str]:
    """Swept keys whose values are numbers."""
    return [k for k in keys if pd.api.types.is_numeric_dtype(runs[k])]
