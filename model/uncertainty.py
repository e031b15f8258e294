"""Uncertainty bands: runs that draw the fitted parameters and their own random streams.

With ``uncertainty.draws=N`` (N > 1) a run is repeated N times. Each repetition has its own
random stream (a child of the run's seed, ``numpy.random.SeedSequence``) and, when the behaviour
set was fitted, its own parameter values drawn from the fit's sampling distribution: a normal
with the estimate's covariance (``calibration/fits/<name>.json``, with the parent fit's shared
parameters drawn from the parent's), combined with a weak normal prior centred on the estimate
whose standard deviation is a quarter of the parameter's estimation range (an approximate
posterior: where the data identify a parameter the prior hardly matters; where a regional fit
leaves a direction unidentified, its draws spread over the range instead of piling up at the
bounds), and cut at the bounds. The peri-urban stock a run starts with was carried from the
fit's first year along the fitted path, so it moves with the drawn values too (by the record's
gradient of the carried stock, :func:`parameter_draws`). The bands are the 5th, 50th
and 95th percentiles over the repetitions, year by year, so they carry both parameter
uncertainty and replicate noise. An unfitted set (``behavior=default``) has no sampling
distribution: its bands are replicate noise only, and the summary says so.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.levers import ConfigError, lever

PROJECT = Path(__file__).resolve().parent.parent
QUANTILES = {"p05": 0.05, "p50": 0.5, "p95": 0.95}
STOCK_KEY = "reclassification.peri_urban_share"  # the peri-urban stock at a run's start
PRIOR_SD_PER_RANGE = 4.0  # the prior's sd is the estimation range / 4 (±2 sd span the range)


def fit_records(fit_record: str) -> list[dict[str, Any]]:
    """A fit's record and its parents' records (the shared parameters come from those)."""
    records = []
    path = fit_record
    while path:
        file = PROJECT / path
        if not file.exists():
            raise ConfigError(
                f"config key 'behavior.fit_record' = '{path}': file not found; run "
                "'python -m experiments.calibration fit' or choose behavior=default"
            )
        record = json.loads(file.read_text(encoding="utf-8"))
        records.append(record)
        path = f"calibration/fits/{record['parent']}.json" if record.get("parent") else ""
    return records


def parameter_draws(
    fit_record: str, n: int, rng: np.random.Generator, start_stock: float | None = None
) -> list[dict[str, float]]:
    """``n`` draws of the behaviour set's estimated values, as config-key values.

    The first fit of the chain sets the region's own parameters; each parent adds the shared
    parameters it estimated that no child re-estimated.

    Args:
        start_stock: The run's peri-urban stock at its start (``STOCK_KEY``), or None: not
            drawn. A fit carries the stock from its first year along the fitted path, so it
            moves with the estimates. Each draw moves it by the record's gradient of the carried
            stock times the draw's distance from the estimates (delta method): the behaviour
            values as drawn, and the fit's other estimates (its first-year stock, a first-year
            hukou rate) drawn apart, at their standard errors, so that a value the data left
            unidentified moves nothing. Cut at [0, the stock parameter's upper bound].
    """
    draws: list[dict[str, float]] = [{} for _ in range(n)]
    taken: set[str] = set()
    stock_shift, stock_record = np.zeros(n), None
    for record in fit_records(fit_record):
        gradient: dict[str, float] = {}
        if start_stock is not None and stock_record is None:
            gradient = record.get("peri_urban_share_gradient", {})
            stock_record = record if gradient else None
        names = [
            name
            for name, p in record["parameters"].items()
            if p["in_behavior_set"] and not set(p["keys"]) & taken
        ]
        if not names:
            continue
        index = [list(record["parameters"]).index(name) for name in names]
        mean = np.array([record["parameters"][name]["estimate"] for name in names])
        cov = np.asarray(record["covariance"])[np.ix_(index, index)]
        ranges = np.array(
            [record["parameters"][m]["high"] - record["parameters"][m]["low"] for m in names]
        )
        cov = approximate_posterior(cov, ranges / PRIOR_SD_PER_RANGE)
        sample = rng.multivariate_normal(mean, cov, size=n, method="eigh")
        for name, column in zip(names, sample.T, strict=True):
            p = record["parameters"][name]
            column = np.clip(column, p["low"], p["high"])
            stock_shift += gradient.get(name, 0.0) * (column - p["estimate"])
            for draw, value in zip(draws, column, strict=True):
                draw.update({key: float(value) for key in p["keys"]})
            taken.update(p["keys"])
    if stock_record is not None:  # after the behaviour values: their draws stay as they were
        params = stock_record["parameters"]
        for name, slope in stock_record["peri_urban_share_gradient"].items():
            if not params[name]["in_behavior_set"]:
                stock_shift += slope * rng.normal(0.0, params[name]["sd"], size=n)
        high = max(p["high"] for p in params.values() if STOCK_KEY in p["keys"])
        for draw, value in zip(draws, np.clip(start_stock + stock_shift, 0, high), strict=True):
            draw[STOCK_KEY] = float(value)
    return draws


def approximate_posterior(cov: np.ndarray, prior_sd: np.ndarray) -> np.ndarray:
    """The covariance of a normal estimate combined with independent normal priors of ``prior_sd``.

    The fit's information is the pseudo-inverse of its covariance (so a direction the data leave
    unidentified carries none, whatever the covariance says of it).
    """
    information = np.linalg.pinv(cov, hermitian=True)
    return np.linalg.inv(information + np.diag(1.0 / prior_sd**2))


def child_seeds(seed: int, n: int) -> list[int]:
    """Independent seeds for ``n`` repetitions of a run with ``seed``."""
    children = np.random.SeedSequence(seed).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def bands(timeseries: list[pd.DataFrame]) -> pd.DataFrame:
    """Per year and indicator, the 5th, 50th and 95th percentiles over the runs (long form)."""
    stacked = pd.concat(timeseries, keys=range(len(timeseries)), names=["draw", "row"])
    long = stacked.melt(id_vars="year", var_name="indicator", value_name="value")
    grouped = long.groupby(["year", "indicator"], sort=False)["value"]
    out = pd.DataFrame({name: grouped.quantile(q) for name, q in QUANTILES.items()})
    return out.reset_index()


def with_values(cfg: Any, values: dict[str, Any]) -> Any:
    """A copy of a config with dotted keys (any depth, through dicts) set to new values."""
    nested: dict[str, dict[str, Any]] = {}
    direct: dict[str, Any] = {}
    for key, value in values.items():
        head, _, rest = key.partition(".")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            direct[head] = value
    if isinstance(cfg, dict):
        out = dict(cfg)
        for head, sub in nested.items():
            out[head] = with_values(cfg[head], sub)
        out.update(direct)
        return out
    changes = {head: with_values(getattr(cfg, head), sub) for head, sub in nested.items()}
    return dataclasses.replace(cfg, **changes, **direct)


@dataclass
class UncertaintyOptions:
    """How many runs stand behind a projection's bands."""

    draws: int = lever(
        1,
        unit="runs",
        low=1,
        high=10000,
        doc="Runs behind the bands (bands.csv): each with its own random stream and, for a "
        "fitted behaviour set, parameters drawn from the fit; 1 = a single run, no bands.",
    )
