"""Sensitivity of a sweep's outcome to its levers, by the method its design allows.

- ``sobol``: first-order (S1) and total-order (ST) Sobol' indices (SALib);
- ``morris``: mean absolute elementary effect (mu*) and its spread (sigma) (SALib);
- ``lhs``: standardized regression coefficients (SRC) of a linear fit;
- ``grid`` / ``oat``: main effect, the spread of the mean outcome across each lever's levels.

Outcomes are averaged over replicates per design point first (the design's sample order is the
point order), so replicate noise does not masquerade as a lever effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.design import DesignSpec


def outcome_by_point(runs: pd.DataFrame, column: str) -> np.ndarray:
    """Mean of ``column`` over replicates, ordered by design point."""
    return runs.groupby("point")[column].mean().sort_index().to_numpy()


def sobol_indices(problem: dict, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """First- and total-order indices from a Saltelli/Sobol' sample's outputs."""
    from SALib.analyze import sobol

    si = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
    rows = []
    for i, name in enumerate(problem["names"]):
        rows.append(
            {"parameter": name, "index": "S1", "value": si["S1"][i], "conf": si["S1_conf"][i]}
        )
        rows.append(
            {"parameter": name, "index": "ST", "value": si["ST"][i], "conf": si["ST_conf"][i]}
        )
    return pd.DataFrame(rows)


def morris_indices(problem: dict, x: np.ndarray, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """mu* and sigma of the elementary effects from a Morris sample's outputs."""
    from SALib.analyze import morris

    si = morris.analyze(problem, x, y, num_levels=4, seed=seed)
    rows = []
    for i, name in enumerate(problem["names"]):
        rows.append(
            {
                "parameter": name,
                "index": "mu_star",
                "value": si["mu_star"][i],
                "conf": si["mu_star_conf"][i],
            }
        )
        rows.append({"parameter": name, "index": "sigma", "value": si["sigma"][i], "conf": np.nan})
    return pd.DataFrame(rows)


def regression_indices(x: np.ndarray, y: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Standardized regression coefficients: change in outcome sd per sd of each lever."""
    xs = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    ys = (y - y.mean()) / (y.std() if y.std() > 0 else 1.0)
    design = np.column_stack([np.ones(len(ys)), xs])
    coef, *_ = np.linalg.lstsq(design, ys, rcond=None)
    return pd.DataFrame({"parameter": names, "index": "SRC", "value": coef[1:], "conf": np.nan})


def main_effects(points: pd.DataFrame, y: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Spread (max - min) of the mean outcome across each lever's levels."""
    rows = []
    frame = points.assign(_y=y)
    for name in names:
        means = frame.groupby(name)["_y"].mean()
        rows.append(
            {
                "parameter": name,
                "index": "main_effect",
                "value": float(means.max() - means.min()),
                "conf": np.nan,
            }
        )
    return pd.DataFrame(rows)


def analyze(
    spec: DesignSpec, design: pd.DataFrame, runs: pd.DataFrame, column: str = "final_gap_pp"
) -> pd.DataFrame:
    """Sensitivity indices of ``column`` for the sweep's levers, by the design's method."""
    names = [p.key for p in spec.parameters]
    points = design.drop_duplicates("point").sort_values("point")[names].reset_index(drop=True)
    y = outcome_by_point(runs, column)
    if len(y) != len(points):
        raise ValueError(f"{len(points)} design points but {len(y)} with results: finish the sweep")
    numeric = all(pd.api.types.is_numeric_dtype(points[n]) for n in names)
    if spec.method == "sobol":
        return sobol_indices(spec.problem(), y, seed=spec.base_seed)
    if spec.method == "morris":
        return morris_indices(spec.problem(), points.to_numpy(float), y, seed=spec.base_seed)
    if spec.method == "lhs" and numeric:
        return regression_indices(points.to_numpy(float), y, names)
    return main_effects(points, y, names)
