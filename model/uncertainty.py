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
    fit_record: str,
    n: int,
    rng: np.random.Generator,
    start_stock: float | None = None,
    held: frozenset[str] = frozenset(),
) -> list[dict[str, float]]:
    """``n`` draws of the behaviour set's estimated values, as config-key values.

    The first fit of the chain sets the region's own parameters; each parent adds the shared
    parameters it estimated that no child re-estimated.

    Args:
        start_stock: The run's peri-urban stock at its start; if it is the stock the behaviour
            set's fit carried to it, it is drawn too (:func:`stock_draws`). None: not drawn.
        held: Keys the run holds at its own values (:func:`held_keys`): left out of the draws,
            and the stock does not move with them. The other keys' draws are the same as
            without them.
    """
    draws: list[dict[str, float]] = [{} for _ in range(n)]
    taken: set[str] = set()
    records = fit_records(fit_record)
    own: dict[str, np.ndarray] = {}  # the region's own behaviour draws, by parameter
    for record in records:
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
            taken.update(p["keys"])
            if set(p["keys"]) & held:  # at the run's own value: no draw, no move of the stock
                if record is records[0]:
                    own[name] = np.full(n, p["estimate"])
                continue
            if record is records[0]:
                own[name] = column
            column = np.clip(column, p["low"], p["high"])
            for draw, value in zip(draws, column, strict=True):
                draw.update({key: float(value) for key in p["keys"]})
    stock = None
    if start_stock is not None and STOCK_KEY not in held:
        stock = stock_draws(records[0], own, start_stock, n, rng)
    if stock is not None:  # drawn after the behaviour values: their draws stay as they were
        for draw, value in zip(draws, stock, strict=True):
            draw[STOCK_KEY] = float(value)
    return draws


def stock_draws(
    record: dict[str, Any],
    behaviour: dict[str, np.ndarray],
    start_stock: float,
    n: int,
    rng: np.random.Generator,
) -> np.ndarray | None:
    """Draws of the peri-urban stock a run starts with, moving with the drawn estimates.

    A fit carries the stock from its first year along the fitted path, so it moves with the
    estimates: by the record's gradient of the carried stock times each draw's distance from
    the estimates (delta method). The behaviour values count as drawn (``behaviour``, the
    record's own, cut at their bounds as the runs use them); the fit's other estimates (its
    first-year stock, a first-year hukou rate) are drawn from the fit's sampling distribution
    given those (so a value the data left unidentified, with no variance, moves nothing). Cut
    at [0, the stock parameter's upper bound].

    Returns:
        None where the record has no gradient, or where ``start_stock`` is not the stock its
        behaviour set holds (the scenario or the user set another).
    """
    params, gradient = record["parameters"], record.get("peri_urban_share_gradient")
    carried = carried_stock(record)
    bound = [p["high"] for p in params.values() if STOCK_KEY in p["keys"]]
    if not gradient or carried is None or not bound or not np.isclose(start_stock, carried):
        return None
    order = list(params)
    own = [name for name in behaviour if name in gradient]
    other = [name for name in gradient if not params[name]["in_behavior_set"]]
    deviation = np.zeros((n, len(own)))
    shift = np.zeros(n)
    for j, m in enumerate(own):
        deviation[:, j] = behaviour[m] - params[m]["estimate"]
        used = np.clip(behaviour[m], params[m]["low"], params[m]["high"])
        shift += gradient[m] * (used - params[m]["estimate"])
    if other:
        cov = np.asarray(record["covariance"])
        b, o = [order.index(m) for m in own], [order.index(m) for m in other]
        gain = cov[np.ix_(o, b)] @ np.linalg.pinv(cov[np.ix_(b, b)], hermitian=True)
        values, vectors = np.linalg.eigh(cov[np.ix_(o, o)] - gain @ cov[np.ix_(b, o)])
        spread = vectors * np.sqrt(np.clip(values, 0, None))  # the conditional covariance's root
        others = deviation @ gain.T + rng.standard_normal((n, len(o))) @ spread.T
        shift += others @ np.array([gradient[m] for m in other])
    return np.clip(start_stock + shift, 0.0, bound[0])


def carried_stock_year(record: dict[str, Any]) -> int:
    """The year whose peri-urban stock a record's behaviour set holds: its scenario's start, or
    the fit's last data year if that is earlier (a fit cut before its scenario starts)."""
    return min(int(record["scenario_start_year"]), int(record["until"]))


def as_written(value: float) -> float:
    """A value as a behaviour set file holds it: 8 significant digits."""
    return float(f"{float(value):.8g}")


def carried_stock(record: dict[str, Any]) -> float | None:
    """The peri-urban stock a record's behaviour set holds (as written); None for a fit without
    one."""
    shares = record.get("peri_urban_share_by_year")
    if not shares:
        return None
    return as_written(shares[str(carried_stock_year(record))])


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


ROUGH_BELOW_DRAWS = 20  # fewer runs give rough 5th and 95th percentiles


def bands_note(draws: int, held: list[str]) -> str:
    """What a run's printed table and figure line are, beside its bands."""
    note = (
        f"bands: {draws} runs in bands.csv (5-95 %); the table above and the figure's line "
        "are the run at its configured values"
    )
    if held:
        note += f"; held at the run's values, not drawn: {', '.join(held)}"
    if draws < ROUGH_BELOW_DRAWS:
        note += (
            f"; with fewer than {ROUGH_BELOW_DRAWS} runs the band's edges are rough and the "
            "line may leave the band"
        )
    return note


def held_keys(cfg: Any, fit_record: str) -> frozenset[str]:
    """The fitted keys a run holds at its own values instead of drawing them.

    A key is held where the run's value is not the one its behaviour set holds: the scenario,
    the user or a compared policy set it. The set holds its own estimates, the parent values it
    inherited (as written) and the peri-urban stock its fit carried. A key
    the set does not hold is held too.
    """
    records = fit_records(fit_record)
    own = {
        key: p["estimate"]
        for p in records[0]["parameters"].values()
        if p["in_behavior_set"]
        for key in p["keys"]
    }
    inherited = records[0].get("inherited", {})
    written = {k: as_written(v) for k, v in {**inherited, **own}.items()}
    carried = carried_stock(records[0])
    if carried is not None:
        written[STOCK_KEY] = carried
    drawable = {
        key
        for record in records
        for p in record["parameters"].values()
        if p["in_behavior_set"]
        for key in p["keys"]
    } | {STOCK_KEY}
    return frozenset(
        key
        for key in drawable
        if key not in written
        or not np.isclose(float(value_at(cfg, key)), written[key], rtol=1e-7, atol=0)
    )


def value_at(cfg: Any, key: str) -> Any:
    """The value of a dotted key (through dataclasses and dicts)."""
    for part in key.split("."):
        cfg = cfg[part] if isinstance(cfg, dict) else getattr(cfg, part)
    return cfg


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
