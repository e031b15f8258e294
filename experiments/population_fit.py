"""Heads' age shares that reproduce a census age structure, for a scenario's initial population.

    python -m experiments.population_fit --scenario national_2015 --segment rural \\
        --children-pct 19.2 --elderly-pct 15.0 --household-size 3.34

Households are drawn by head's age band with the scenario's own demography (children a couple
of that age would have, parents where alive), so each band's persons by age group are known;
the band shares are then chosen to match the target shares of children (0-14) and elderly
(60+) and the mean household size (or, for migrants, the workers' mean age and share over 50),
staying close to a smooth reference shape where the targets leave them free. The result is a
``households.head_age_<segment>`` block to paste into the scenario file, with the targets cited.
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np
from scipy.optimize import minimize

from model import compose_config
from model.households import RETIREMENT_AGE, Households
from model.population import HEAD_AGE_BANDS, HeadAgeShares, draw_members

FIELDS = [f.name for f in dataclasses.fields(HeadAgeShares)]
PER_BAND = 20000


def band_statistics(
    scenario: str, segment: str, overrides: list[str] | None = None, seed: int = 0
) -> np.ndarray:
    """Per band: persons aged 0-14, 15-59, 60+, households, workers, worker-years, workers 50+.

    Returns:
        Array of shape (bands, 7), per household of the band.
    """
    cfg = compose_config([f"scenario={scenario}", *(overrides or [])])
    traits, rng = cfg.households, np.random.default_rng(seed)
    parents_share = {
        "rural": traits.coresident_parents_share_rural,
        "native": traits.coresident_parents_share_urban,
    }.get(segment, 0.0)
    gap = cfg.demography.generation_gap_years
    rows = []
    for band in range(len(HEAD_AGE_BANDS)):
        shares = HeadAgeShares(**{name: float(i == band) for i, name in enumerate(FIELDS)})
        hh = Households.empty(PER_BAND)
        draw_members(
            hh, slice(0, PER_BAND), cfg.demography, traits, shares, parents_share,
            segment != "rural", rng,
        )  # fmt: skip
        hh.refresh_age_groups()
        age = hh.head_age_years
        heads_working = np.where(age < RETIREMENT_AGE, hh.couple, 0)
        grown_age = np.maximum(age - gap, 15)
        workers = heads_working + hh.grown_children
        worker_years = heads_working * age + hh.grown_children * grown_age
        over_50 = heads_working * (age > 50) + hh.grown_children * (grown_age > 50)
        rows.append(
            [
                hh.children_total.mean(),
                hh.adults.mean(),
                hh.elderly.mean(),
                1.0,
                workers.mean(),
                worker_years.mean(),
                over_50.mean(),
            ]
        )
    return np.array(rows)


def fit_shares(
    stats: np.ndarray, targets: dict[str, float], prior: np.ndarray, smooth: float = 1.0
) -> np.ndarray:
    """Band shares matching ``targets`` (keys as in :func:`mixture`), close to ``prior``."""

    def shares(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max())
        return e / e.sum()

    def loss(z: np.ndarray) -> float:
        s = shares(z)
        got = mixture(stats, s)
        miss = sum(((got[k] - v) / max(abs(v), 1e-9)) ** 2 for k, v in targets.items())
        return miss + smooth * float(((s - prior) ** 2).sum())

    best = minimize(loss, np.log(prior + 1e-6), method="Nelder-Mead", options={"maxiter": 20000})
    return shares(best.x)


def mixture(stats: np.ndarray, s: np.ndarray) -> dict[str, float]:
    """Population statistics of a mix of bands with household shares ``s``."""
    total = s @ stats
    persons = total[0] + total[1] + total[2]
    return {
        "children_pct": 100 * total[0] / persons,
        "elderly_pct": 100 * total[2] / persons,
        "household_size": persons / total[3],
        "worker_mean_age": total[5] / max(total[4], 1e-12),
        "workers_over_50_pct": 100 * total[6] / max(total[4], 1e-12),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--segment", choices=["rural", "native", "migrant"], required=True)
    parser.add_argument("--children-pct", type=float)
    parser.add_argument("--elderly-pct", type=float)
    parser.add_argument("--household-size", type=float)
    parser.add_argument("--worker-mean-age", type=float)
    parser.add_argument("--workers-over-50-pct", type=float)
    parser.add_argument("overrides", nargs="*", help="config overrides, key=value")
    args = parser.parse_args(argv)
    targets = {
        k: v
        for k, v in {
            "children_pct": args.children_pct,
            "elderly_pct": args.elderly_pct,
            "household_size": args.household_size,
            "worker_mean_age": args.worker_mean_age,
            "workers_over_50_pct": args.workers_over_50_pct,
        }.items()
        if v is not None
    }
    stats = band_statistics(args.scenario, args.segment, args.overrides)
    prior = HeadAgeShares().normalized()
    s = fit_shares(stats, targets, prior)
    got = mixture(stats, s)
    print(f"  head_age_{args.segment}:  # fitted: " + ", ".join(
        f"{k} {got[k]:.2f} (target {v:g})" for k, v in targets.items()
    ))  # fmt: skip
    for name, value in zip(FIELDS, s, strict=True):
        print(f"    {name}: {value:.3f}")


if __name__ == "__main__":
    main()
