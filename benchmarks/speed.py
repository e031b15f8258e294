"""Time per household-step of the demo scenario, all four core levers on.

    python -m benchmarks.speed                      # 1e5 and 1e6 households
    python -m benchmarks.speed --households 300000 --steps 12

The demo scenario has every core lever active: a points city with a quota, a conditions city and
an open town; public rental units with waiting lists and rental subsidies; permit-based school
seats; land kept on settling and paid homestead withdrawal. Set-up (population drawing) is timed
apart from stepping. Each figure is the median of the per-step times of one run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from model import PHASES, SettlementModel, compose_config

PHASE_NOTE = "ns per household-step"


def bench(n_households: int, steps: int, seed: int = 0) -> dict[str, float]:
    """Build the demo model with ``n_households`` agents and time ``steps`` steps."""
    cfg = compose_config(
        ["scenario=demo", f"n_households={n_households}", f"seed={seed}", "end_year=2100"]
    )
    started = time.perf_counter()
    model = SettlementModel(cfg)
    setup_s = time.perf_counter() - started
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - t0)
    per_step = statistics.median(times)
    return {
        "households": len(model.world.hh),
        "setup_s": setup_s,
        "step_s": per_step,
        "ns_per_household_step": per_step / len(model.world.hh) * 1e9,
        "household_bytes": model.world.hh.nbytes() / len(model.world.hh),
    }


def phase_profile(n_households: int, steps: int, seed: int = 0) -> dict[str, float]:
    """Median ns per household-step of each phase (phases called one by one, as step does)."""
    cfg = compose_config(["scenario=demo", f"n_households={n_households}", f"seed={seed}"])
    model = SettlementModel(cfg)
    w = model.world
    samples: dict[str, list[float]] = {name: [] for name, _ in PHASES}
    for _ in range(steps):
        for name, phase in PHASES:
            t0 = time.perf_counter()
            phase(w)
            samples[name].append(time.perf_counter() - t0)
        w.month += cfg.months_per_step
    n = len(w.hh)
    return {name: statistics.median(t) / n * 1e9 for name, t in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--phases", action="store_true", help="also time each phase")
    args = parser.parse_args()
    print(f"{'households':>11} {'setup s':>8} {'step s':>8} {PHASE_NOTE:>22} {'bytes/hh':>9}")
    for n in args.households:
        r = bench(n, args.steps)
        print(
            f"{r['households']:>11,} {r['setup_s']:>8.2f} {r['step_s']:>8.3f} "
            f"{r['ns_per_household_step']:>22.0f} {r['household_bytes']:>9.0f}"
        )
    if args.phases:
        n = args.households[-1]
        print(f"\nper phase at {n:,} households ({PHASE_NOTE}):")
        for name, ns in phase_profile(n, args.steps).items():
            print(f"  {name:<24} {ns:>8.1f}")


if __name__ == "__main__":
    main()
