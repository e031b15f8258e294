"""Scale benchmark: time per household-step, peak memory, and the memory-bandwidth floor.

    python -m benchmarks.scale --households 1000000
    python -m benchmarks.scale --scenario sichuan_2019 --households 30000000 --years 10

Runs a scenario (default: demo, every lever on as in ``benchmarks.speed``; or any scenario
file) with N household agents for a number of years, and prints: set-up time, time per
household-step, peak resident memory of the process, bytes of household state per household,
and the time of a plain streaming pass over the same household arrays (read every array once
and write one; what memory bandwidth allows at best) with the ratio of a step to it.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import numpy as np

from benchmarks.speed import LEVER_SETS
from model import SettlementModel, compose_config
from model.households import ROW_BYTES, Households
from model.memory import reuse_freed_memory


def peak_rss_gib() -> float:
    """Peak resident memory of this process so far (GiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux: KiB


def streaming_pass_s(hh: Households, repeats: int = 3) -> float:
    """Best time of one pass that reads every household array once and writes one array."""
    arrays = [getattr(hh, name) for name in hh.__dataclass_fields__]
    out = np.empty(len(hh), dtype=np.float32)
    best = np.inf
    for _ in range(repeats):
        started = time.perf_counter()
        out[:] = 0
        for a in arrays:
            np.add(out, a, out=out, casting="unsafe")
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--years", type=int, default=2)
    args = parser.parse_args()
    reuse_freed_memory()
    overrides = [
        f"scenario={args.scenario}",
        f"n_households={args.households}",
        "outputs.plot=false",
    ]
    if args.scenario == "demo":
        overrides += LEVER_SETS["all"]
    cfg = compose_config(overrides)
    started = time.perf_counter()
    model = SettlementModel(cfg)
    setup = time.perf_counter() - started
    n = len(model.world.hh)
    times = []
    for _ in range(args.years * model.steps_per_year):
        t0 = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - t0)
    step = statistics.median(times)
    floor = streaming_pass_s(model.world.hh)
    print(
        f"scenario {args.scenario}: {n:,} households, {len(times)} steps "
        f"({args.years} years), total stepping {sum(times):.1f} s, set-up {setup:.1f} s"
    )
    print(f"time per household-step: {step / n * 1e9:.0f} ns (median step {step:.2f} s)")
    hh = model.world.hh
    alive = len(hh) - hh.free_rows
    print(
        f"household state at the end: {hh.nbytes() / n:.0f} bytes per household of the start, "
        f"{hh.nbytes() / alive:.0f} per household alive ({alive:,}; rows of "
        f"{ROW_BYTES} bytes, {hh.nbytes() // ROW_BYTES:,} allocated; {hh.nbytes() / 2**30:.2f} GiB)"
    )
    print(f"peak resident memory: {peak_rss_gib():.2f} GiB")
    print(
        f"streaming pass over the household arrays: {floor / n * 1e9:.1f} ns per household; "
        f"a step costs {step / floor:.0f}x that"
    )
    ts = model.timeseries().iloc[-1]
    print(
        f"final year {int(ts['year'])}: resident {ts['resident_urbanization_pct']:.2f} %, "
        f"hukou {ts['hukou_urbanization_pct']:.2f} %, gap {ts['gap_pp']:.2f} pp"
    )


if __name__ == "__main__":
    main()
