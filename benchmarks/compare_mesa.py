"""Speed of the vectorized engine against the per-agent Mesa reference, in one process run.

    python -m benchmarks.compare_mesa --households 100000
    python -m benchmarks.compare_mesa --households 20000 --years 4
    python -m benchmarks.compare_mesa --households 100000 --alternate step

Both engines run the comparison scenario (:data:`benchmarks.mesa_reference.COMPARISON_LEVERS`)
from the same initial population. Set-up is timed apart from stepping; the speedup is the
ratio of the stepping times, after one untimed step of each, with the engines taking turns a
year (or a step) at a time; both include their year-end indicators. The last line printed is
``speedup <number>``.
"""

from __future__ import annotations

import argparse
import time

from benchmarks.mesa_reference import MesaReferenceModel, comparison_config
from model import SettlementModel
from model.memory import reuse_freed_memory


def compare(
    n_households: int, years: int, seed: int = 0, alternate: str = "year"
) -> dict[str, float]:
    """Set-up and stepping times (s) of both engines, and the stepping speedup.

    Each engine first takes one untimed step: the vectorized engine loads its compiled loops
    on first use (tens of milliseconds, once per process). Then the engines take turns, a year
    at a time (``alternate="year"``) or a step at a time (``"step"``), the one going first
    alternating too, so that a machine slowing down or speeding up affects both alike. Turns of
    a year let each engine run its steps back to back, as a run does; turns of a step start
    every step with the other engine's data in the caches, which slows the engine whose data
    fit there.
    """
    if alternate not in ("year", "step"):
        raise ValueError(f"alternate must be 'year' or 'step', not {alternate!r}")
    cfg = comparison_config(n_households, seed, years + 1)  # room for the warm-up step
    started = time.perf_counter()
    vectorized = SettlementModel(cfg)
    vec_setup = time.perf_counter() - started
    started = time.perf_counter()
    reference = MesaReferenceModel(vectorized, seed=seed + 1)
    ref_setup = time.perf_counter() - started  # agents built from the vectorized initial state
    reference.step()
    vectorized.step()

    turn = vectorized.steps_per_year if alternate == "year" else 1
    spent = {"reference": 0.0, "vectorized": 0.0}
    engines = {"reference": reference, "vectorized": vectorized}
    for k in range(years * vectorized.steps_per_year // turn):
        order = ("reference", "vectorized") if k % 2 == 0 else ("vectorized", "reference")
        for name in order:  # who goes first alternates too
            started = time.perf_counter()
            for _ in range(turn):
                engines[name].step()
            spent[name] += time.perf_counter() - started
    ref_steps, vec_steps = spent["reference"], spent["vectorized"]
    household_steps = len(vectorized.world.hh) * years * vectorized.steps_per_year
    return {
        "households": len(vectorized.world.hh),
        "household_steps": household_steps,
        "vectorized_setup_s": vec_setup,
        "reference_setup_s": ref_setup,
        "vectorized_s": vec_steps,
        "reference_s": ref_steps,
        "speedup": ref_steps / vec_steps,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--alternate",
        choices=("year", "step"),
        default="year",
        help="take turns a year at a time (default) or a step at a time",
    )
    args = parser.parse_args(argv)
    reuse_freed_memory()
    if args.households < 1 or args.years < 1:
        parser.error("--households and --years must be at least 1")
    r = compare(args.households, args.years, args.seed, args.alternate)
    steps = r["household_steps"]
    print(
        f"households {r['households']}, {steps / r['households']:.0f} steps (comparison scenario)"
    )
    for engine in ("vectorized", "reference"):
        label = "vectorized (model/)" if engine == "vectorized" else "per-agent Mesa reference"
        seconds = r[f"{engine}_s"]
        print(
            f"{label:26s} stepping {seconds:8.2f} s  {seconds / steps * 1e9:9.0f} ns/household-step"
            f"  (set-up {r[f'{engine}_setup_s']:.2f} s)"
        )
    print(f"speedup {r['speedup']:.1f}")


if __name__ == "__main__":
    main()
