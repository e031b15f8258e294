"""Out-of-sample validation: fit on data up to 2016, forecast 2017-2019, beside naive forecasts.

    python -m experiments.validation              # fits (if missing), forecasts, the report
    python -m experiments.validation --refit      # redo the 2016 fits first

For China and each region with enough data, the fit ``<region>_2016`` (:data:`FITS`) uses the
data file cut at 2016. The model then starts from the region's figures for 2016 with those
estimates and runs to 2019; its resident and hukou rates are scored against the 2017-2019
observations, which no fit has read. Beside it, two naive forecasts from the same fitting years:
a linear trend (least squares over the fitting years) and a random walk with drift (the 2016
value plus the mean yearly change of the fitting years). The report states the mean absolute
error of each, whichever wins: ``calibration/validation.md`` and ``validation.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

import numpy as np
import pandas as pd

from experiments.backcast import backcast
from experiments.calibration import fit
from experiments.design import replicate_seeds
from experiments.fit_records import FITS_DIR, load_record, parent_estimates
from experiments.fit_specs import FITS
from experiments.observations import REPO, Observations
from model import SettlementModel, compose_config
from model.outputs import atomic_write
from model.uncertainty import with_values

CUTOFF = 2016
LAST = 2019
OUT_DIR = REPO / "calibration"
INDICATORS = {"resident": "resident_urbanization_pct", "hukou": "hukou_urbanization_pct"}
CASES = ("national_2016", "sichuan_2016", "nantong_2016")


def forecast(name: str, n_households: int, replicates: int) -> list[pd.DataFrame]:
    """The model's 2016-2019 paths, one per replicate, with the 2016 fit ``name``."""
    spec = FITS[name]
    obs = Observations.load(CUTOFF)
    scenario = compose_config([f"scenario={spec.scenario}", "behavior=default"])
    base = compose_config(
        [
            f"scenario={spec.scenario}",
            "behavior=default",
            f"n_households={n_households}",
            f"start_year={CUTOFF}",
            f"end_year={LAST}",
            *obs.start_overrides(spec.region, CUTOFF),
            *backcast(scenario, scenario.start_year - CUTOFF),
        ]
    )
    values = {k: v for k, v in parent_estimates(name).items() if not k.startswith("start.")}
    record = load_record(name)  # the stock its fitted path reached in the forecast's start year
    values["reclassification.peri_urban_share"] = record["peri_urban_share_by_year"][str(CUTOFF)]
    base = with_values(base, values)
    runs = []
    for seed in replicate_seeds(CUTOFF, replicates):
        model = SettlementModel(dataclasses.replace(base, seed=seed))
        model.run_to_end()
        runs.append(model.timeseries().set_index("year")[list(INDICATORS.values())])
    return runs


RESAMPLES = 2000  # bootstrap resamples of the replicates
SURE = 0.95  # a forecast wins when the model beats (or loses to) it in this share of resamples


def resampled_errors(paths: np.ndarray, truth: np.ndarray, seed: int = CUTOFF) -> np.ndarray:
    """Mean absolute errors of the mean path of bootstrap resamples of the replicates.

    Args:
        paths: One row of forecast values per replicate (replicates x years).
        truth: The observed values of those years.
        seed: Seed of the resampling (fixed: the report is reproducible).
    """
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, paths.shape[0], size=(RESAMPLES, paths.shape[0]))
    return np.abs(paths[picks].mean(axis=1) - truth).mean(axis=1)


def naive(series: pd.Series, years: list[int]) -> dict[str, np.ndarray]:
    """Linear-trend and random-walk-with-drift forecasts of ``years`` from ``series``."""
    x, y = series.index.to_numpy(float), series.to_numpy(float)
    slope, intercept = np.polyfit(x, y, 1)
    drift = (y[-1] - y[0]) / (x[-1] - x[0])
    future = np.array(years, float)
    return {
        "linear trend": intercept + slope * future,
        "random walk with drift": y[-1] + drift * (future - x[-1]),
    }


def validate(n_households: int = 20000, replicates: int = 16, refit: bool = False) -> dict:
    """Fit (where needed), forecast and score every case; return the results.

    The model's error is that of the mean path over ``replicates``; bootstrap resamples of the
    replicates say how much of its difference from the naive forecasts the seeds alone could
    make (:func:`winner`).
    """
    scoring = Observations.load(LAST)
    results: dict[str, Any] = {}
    for name in CASES:
        if refit or not (FITS_DIR / f"{name}.json").exists():
            fit(name, n_households=n_households)
        spec = FITS[name]
        runs = forecast(name, n_households, replicates)
        path = sum(runs) / len(runs)
        fitted_obs = Observations.load(CUTOFF)
        case: dict[str, Any] = {"region": spec.region, "first_year": spec.first_year}
        for key, indicator in INDICATORS.items():
            reader = scoring.resident_rate if key == "resident" else scoring.hukou_rate
            past = (fitted_obs.resident_rate if key == "resident" else fitted_obs.hukou_rate)(
                spec.region
            )
            past = past[past.index >= spec.first_year]
            actual = reader(spec.region)
            years = [y for y in range(CUTOFF + 1, LAST + 1) if y in actual.index]
            if len(past) < 2 or not years or CUTOFF not in past.index:
                continue
            forecasts = {"model": path.loc[years, indicator].to_numpy()}
            forecasts.update(naive(past, years))
            truth = actual.loc[years].to_numpy()
            replicate_paths = np.array([r.loc[years, indicator].to_numpy() for r in runs])
            resampled = resampled_errors(replicate_paths, truth)
            mae = {k: round(float(np.abs(v - truth).mean()), 3) for k, v in forecasts.items()}
            case[key] = {
                "years": years,
                "observed": truth.round(3).tolist(),
                "forecasts": {k: np.round(v, 3).tolist() for k, v in forecasts.items()},
                "mae": mae,
                "model_mae_p05_p95": np.round(np.percentile(resampled, [5, 95]), 3).tolist(),
                "model_better_share": round(float(np.mean(resampled < best_naive(mae)[1])), 3),
                "winner": winner(mae, resampled),
                "fitting_years": [int(y) for y in past.index],
            }
        results[name] = case
    return results


def best_naive(mae: dict[str, float]) -> tuple[str, float]:
    """The naive forecast with the smaller error, and that error."""
    name = min((k for k in mae if k != "model"), key=mae.get)
    return name, mae[name]


def winner(mae: dict[str, float], resampled: np.ndarray) -> str:
    """The model, if it beats the best naive forecast in :data:`SURE` of the resamples of its
    replicates; that forecast, if it beats the model in as many; else a tie within the noise
    of the model's seeds."""
    name, error = best_naive(mae)
    better = float(np.mean(resampled < error))
    if better >= SURE:
        return "model"
    if better <= 1 - SURE:
        return name
    return f"tie with {name} (within seed noise)"


def write_report(results: dict) -> list[str]:
    """``calibration/validation.md`` and ``validation.json``; returns the paths written."""
    lines = [
        "# Out-of-sample validation",
        "",
        f"Each fit reads the data file cut at {CUTOFF}; the model then starts from the {CUTOFF} "
        f"figures with those estimates and forecasts {CUTOFF + 1}-{LAST}. The naive forecasts "
        "use the same fitting years: a least-squares linear trend, and a random walk with drift "
        f"(the {CUTOFF} value plus the mean yearly change). Mean absolute error in percentage "
        "points; the smallest in each row is in bold. The model's error is that of its mean path "
        f"over all replicates; beside it, the 5-95 % range of that error over {RESAMPLES:,} "
        "bootstrap resamples of the replicates, and the share of resamples in which the model "
        "beats the better naive forecast. A forecast wins where it is better in at least "
        f"{SURE:.0%} of resamples; otherwise the difference is within the noise of the model's "
        "seeds and the row says so. Regenerate with `python -m experiments.validation`.",
        "",
        "| case | rate | years | model | model, 5-95 % | linear trend | random walk with drift "
        "| model better | winner |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, case in results.items():
        for key in INDICATORS:
            if key not in case:
                continue
            mae = case[key]["mae"]
            best = min(mae, key=mae.get)
            cells = [f"**{v:.2f}**" if k == best else f"{v:.2f}" for k, v in mae.items()]
            low, high = case[key]["model_mae_p05_p95"]
            cells.insert(1, f"{low:.2f}-{high:.2f}")
            cells.append(f"{case[key]['model_better_share']:.0%}")
            years = case[key]["years"]
            lines.append(
                f"| {name} | {key} | {years[0]}-{years[-1]} | "
                + " | ".join(cells)
                + f" | {case[key]['winner']} |"
            )
    lines += ["", "Observed and forecast values:", ""]
    for name, case in results.items():
        for key in INDICATORS:
            if key not in case:
                continue
            c = case[key]
            lines.append(f"- {name}, {key} (fitted on {c['fitting_years'][0]}-{CUTOFF}):")
            lines.append(f"  observed {c['observed']}")
            for label, values in c["forecasts"].items():
                lines.append(f"  {label} {values}")
    text = "\n".join(lines) + "\n"
    md, js = OUT_DIR / "validation.md", OUT_DIR / "validation.json"
    atomic_write(md, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    payload = json.dumps(results, indent=2) + "\n"
    atomic_write(js, lambda tmp: tmp.write_text(payload, encoding="utf-8"))
    return [str(md), str(js)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-households", type=int, default=20000)
    parser.add_argument("--replicates", type=int, default=16)
    parser.add_argument("--refit", action="store_true")
    args = parser.parse_args(argv)
    results = validate(args.n_households, args.replicates, args.refit)
    for path in write_report(results):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
