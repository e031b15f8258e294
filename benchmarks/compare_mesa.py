"""Speed of the vectorized engine against the per-agent Mesa reference, in one process run.

    python -m benchmarks.compare_mesa --households 100000
    python -m benchmarks.compare_mesa --households 20000 --years 2

Both engines run the comparison scenario (:data:`benchmarks.mesa_reference.COMPARISON_LEVERS`)
from the same initial population. Set-up is timed apart from stepping; the speedup is the
ratio of the stepping times (steps alternate between the engines; both include their year-end
indicators). The last line printed is ``speedup <number>``.
"""

from __future__ import annotations

import argparse
import time

from benchmarks.mesa_reference import MesaReferenceModel, comparison_config
from model import SettlementModel
from model.memory import reuse_freed_memory


def compare(n_households: int, years: int, seed: int = 0) -> dict[str, float]:
    """Set-up and stepping times (s) of both engines, and the stepping speedup."""
    cfg = comparison_config(n_households, seed, years)
    started = time.perf_counter()
    vectorized = SettlementModel(cfg)
    vec_setup = time.perf_counter() - started
    started = time.perf_counter()
    reference = MesaReferenceModel(vectorized, seed=seed + 1)
    ref_setup = time.perf_counter() - started  # agents built from the vectorized initial state

    # Steps alternate between the engines so that a machine slowing down or speeding up
    # during the run affects both alike.
    ref_steps = vec_steps = 0.0
    for _ in range(years * vectorized.steps_per_year):
        started = time.perf_counter()
        reference.step()
        ref_steps += time.perf_counter() - started
        started = time.perf_counter()
        vectorized.step()
        vec_steps += time.perf_counter() - started
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
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    reuse_freed_memory()
    if args.households < 1 or args.years < 1:
        parser.error("--households and --years must be at least 1")
    r = compare(args.households, args.years, args.seed)
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
