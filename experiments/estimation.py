"""The search of a calibration: weighted least squares on simulated moments.

Starts (the configured values, related fits' estimates, a Latin hypercube), local trust-region
searches on parameters scaled to [0, 1], a simplex walk where the simulated objective is too
rough for finite differences, and the covariance of the estimate. The points of a start list
and of each finite-difference Jacobian run as one batch through the problem's launcher
(:mod:`model.batch`), with the same results as one after another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import least_squares, minimize
from scipy.stats import qmc

if TYPE_CHECKING:
    from experiments.calibration import Problem


def estimate(
    problem: Problem,
    max_evals: int = 400,
    start: dict[str, float] | None = None,
    global_points: int = 0,
    candidates: list[dict[str, float]] | None = None,
    local_searches: int = 1,
    polish_evals: int = 0,
) -> dict[str, Any]:
    """Minimise the weighted squared distance; return the estimate and its covariance.

    Args:
        start: Where the search starts (default: the parameters' values in the base config).
        global_points: Points of a Latin hypercube over the search bounds tried first; the
            local search starts from the best of them and ``start`` (the objective of a
            simulation is rough, and a local search alone can stall far from the optimum).
        candidates: More starting points to try first (e.g. the estimates of a fit of the same
            region on fewer years).
        local_searches: How many of the best starting points are searched locally (the best
            result is kept).
        polish_evals: Evaluations of a simplex search from the best local result (0: none).
    """
    start = problem.current() if start is None else start
    u0 = np.clip(problem.to_unit(start), 0.02, 0.98)
    evaluations = 0

    observed, sigmas = problem.observed(), problem.sigmas()

    def residual_batch(points: list[np.ndarray]) -> list[np.ndarray]:
        """Residuals of many points, run as one batch (the start figures cannot be met where a
        run cannot start: far from any optimum, a large residual)."""
        nonlocal evaluations
        evaluations += len(points)
        rows = problem.simulate_many([problem.to_theta(u) for u in points])
        missed = np.full(len(problem.moments), 1e3)
        return [missed if r is None else (r.mean(axis=0) - observed) / sigmas for r in rows]

    def residuals(u: np.ndarray) -> np.ndarray:
        return residual_batch([u])[0]

    tries = [np.clip(problem.to_unit(c), 0, 1) for c in candidates or []]
    if global_points:
        design = qmc.LatinHypercube(d=len(problem.parameters), seed=len(problem.moments))
        tries += list(design.random(global_points))
    objectives = [float((r**2).sum()) for r in residual_batch([u0, *tries])]
    start_objective = objectives[0]
    scored = sorted(
        [(value, i, u) for i, (value, u) in enumerate(zip(objectives, [u0, *tries], strict=True))],
        key=lambda t: (t[0], t[1]),
    )

    def search(u: np.ndarray, max_nfev: int, margin: float = 0.02) -> Any:
        return least_squares(
            residuals,
            np.clip(u, margin, 1 - margin),
            bounds=(0.0, 1.0),
            diff_step=0.04,
            x_scale=1.0,
            max_nfev=max_nfev,
            xtol=1e-3,
            ftol=1e-4,
            # a finite-difference Jacobian's points as one batch
            workers=lambda _fun, points: residual_batch(list(points)),
        )

    result = None
    for _value, _i, u in scored[:local_searches]:  # the best starts, each searched locally
        found = search(u, max_evals)
        if result is None or found.cost < result.cost:
            result = found
    if polish_evals:
        # A simulated objective is rough at the finite-difference step, where a gradient search
        # stops early; a simplex of coarser steps walks on, and a last gradient search from its
        # best point gives the Jacobian the covariance needs.
        d = result.x.size
        simplex = np.vstack(
            [result.x, result.x + 0.08 * np.eye(d) * np.where(result.x > 0.5, -1, 1)]
        )
        walked = minimize(
            lambda u: float((residuals(u) ** 2).sum()),
            result.x,
            method="Nelder-Mead",
            bounds=[(0.0, 1.0)] * d,
            options={"maxfev": polish_evals, "initial_simplex": simplex, "xatol": 0.005},
        )
        if walked.fun < 2 * result.cost:  # least_squares' cost is half the sum of squares
            # from the walk's own point (a start's margin from the bounds would undo the walk
            # where it ended near one)
            found = search(walked.x, 4 * (d + 1), margin=1e-4)
            result = found if found.cost < result.cost else result
    theta = problem.to_theta(result.x)
    spans = np.array([p.high - p.low for p in problem.parameters.values()])
    jacobian = result.jac / spans[None, :]  # d residual / d theta
    n_moments, n_params = jacobian.shape
    objective = float((result.fun**2).sum())
    chi2 = objective / max(n_moments - n_params, 1)
    inflation = max(chi2, 1.0) * (1 + 1 / len(problem.seeds))
    covariance = inflation * psd_pinv(jacobian.T @ jacobian)
    return {
        "theta": theta,
        "covariance": covariance,
        "objective": objective,
        "start_objective": start_objective,
        "reduced_chi2": chi2,
        "evaluations": evaluations,
        "fitted": problem.observed() + result.fun * problem.sigmas(),
    }


def psd_pinv(matrix: np.ndarray, rcond: float = 1e-15) -> np.ndarray:
    """Pseudo-inverse of a symmetric positive semi-definite matrix, itself symmetric and PSD.

    ``J'J`` of a poorly identified fit (as many parameters as moments, or more) is near singular;
    a plain SVD pseudo-inverse then carries round-off asymmetry and tiny negative eigenvalues.
    Eigenvalues at or below ``rcond`` times the largest (round-off, or exactly no information)
    are left out; small positive ones give the large variances of poorly identified directions.
    """
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    keep = values > rcond * max(values.max(initial=0.0), 0.0)
    inverse = np.where(keep, 1.0 / np.where(keep, values, 1.0), 0.0)
    return (vectors * inverse) @ vectors.T
