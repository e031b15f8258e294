"""Time per household-step of the demo scenario: core levers only, and every lever on.

    python -m benchmarks.speed                      # 1e5 and 1e6 households, both lever sets
    python -m benchmarks.speed --households 300000 --steps 12 --phases

``core``: the demo with the four core levers (settlement rules with a quota, public rental and
subsidies, permit-based school seats, land kept and paid homestead withdrawal) and the programme
levers switched off (no dibao, training, employment services, arrears, loans, flexible insurance,
fiscal links, reclassification; no demographic change). ``all``: the demo with every lever on.
Both are measured in the same process run. Set-up is timed apart from stepping; each figure is
the median of the per-step times of one run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from model import PHASES, SettlementModel, compose_config
from model.memory import reuse_freed_memory

PHASE_NOTE = "ns per household-step"

LEVER_SETS: dict[str, list[str]] = {
    "core": [
        "assistance.urban_standard_cny_per_person_month=0",
        "assistance.rural_standard_cny_per_person_month=0",
        "skills.training_places_per_year=0",
        "skills.employment_service_share=0",
        "skills.wage_arrears_share=0",
        "skills.returnee_loan_cny=0",
        "insurance.flexible_enrolment_per_month=0",
        "fiscal.transfer_per_settled_person_cny=0",
        "reclassification.rate_per_year=0",
        "demography.enabled=false",
        "home_purchase.purchase_rate_per_year=0",
        "economy.rent_population_elasticity=0",
    ],
    "all": [
        "skills.training_places_per_year=20000",
        "skills.employment_service_share=0.3",
        "skills.wage_arrears_share=0.1",
        "skills.arrears_protection_share=0.5",
        "skills.returnee_loan_cny=100000",
        "insurance.flexible_enrolment_per_month=0.05",
        "insurance.portability_share=0.8",
        "assistance.temporary_relief_cny=1000",
        "fiscal.transfer_per_settled_person_cny=10000",
        "fiscal.construction_land_m2_per_settled_person=100",
        "fiscal.homestead_reclaimed_m2=200",
        "employment_support.places_per_year=20000",
        "employment_support.public_welfare_posts=20000",
        "hukou_moves.graduates_move_freely=true",
        "hukou_moves.returnee_origin_settlement_share=0.3",
        "hukou_moves.region_transfer=true",
    ],
}


def build(n_households: int, levers: str, seed: int = 0) -> SettlementModel:
    """The demo model with ``n_households`` agents and the named lever set."""
    cfg = compose_config(
        [
            "scenario=demo",
            f"n_households={n_households}",
            f"seed={seed}",
            "end_year=2100",
            *LEVER_SETS[levers],
        ]
    )
    return SettlementModel(cfg)


def bench(n_households: int, steps: int, levers: str) -> dict[str, float]:
    """Time ``steps`` steps of the demo with ``n_households`` agents and a lever set."""
    started = time.perf_counter()
    model = build(n_households, levers)
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


def phase_profile(n_households: int, steps: int, levers: str) -> dict[str, float]:
    """Median ns per household-step of each phase (phases called one by one, as step does)."""
    model = build(n_households, levers)
    w = model.world
    samples: dict[str, list[float]] = {name: [] for name, _ in PHASES}
    for _ in range(steps):
        for name, phase in PHASES:
            t0 = time.perf_counter()
            phase(w)
            samples[name].append(time.perf_counter() - t0)
        w.month += model.cfg.months_per_step
    n = len(w.hh)
    return {name: statistics.median(t) / n * 1e9 for name, t in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--levers", nargs="+", choices=sorted(LEVER_SETS), default=["core", "all"])
    parser.add_argument("--phases", action="store_true", help="also time each phase")
    args = parser.parse_args()
    reuse_freed_memory()
    header = f"{'levers':>6} {'households':>11} {'setup s':>8} {'step s':>8}"
    print(f"{header} {PHASE_NOTE:>22} {'B/hh':>5}")
    results: dict[tuple[str, int], float] = {}
    for n in args.households:
        for levers in args.levers:
            r = bench(n, args.steps, levers)
            results[(levers, n)] = r["ns_per_household_step"]
            print(
                f"{levers:>6} {r['households']:>11,} {r['setup_s']:>8.2f} {r['step_s']:>8.3f} "
                f"{r['ns_per_household_step']:>22.0f} {r['household_bytes']:>5.0f}"
            )
    for n in args.households:
        if ("core", n) in results and ("all", n) in results:
            ratio = results[("all", n)] / results[("core", n)]
            print(f"all/core at {n:,} households: {ratio:.2f}")
    if args.phases:
        n, levers = args.households[-1], args.levers[-1]
        print(f"\nper phase, {levers} levers, {n:,} households ({PHASE_NOTE}):")
        for name, ns in phase_profile(n, args.steps, levers).items():
            print(f"  {name:<24} {ns:>8.1f}")


if __name__ == "__main__":
    main()
