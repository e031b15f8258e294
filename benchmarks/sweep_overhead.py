"""Per-run overhead and throughput of a sweep of the default scenario.

    python -m benchmarks.sweep_overhead                 # sweeps of 20 and 100 runs
    python -m benchmarks.sweep_overhead --sizes 20 200

Runs one design point of the default (demo) scenario at its default size as replicates,
through ``experiments.sweep`` (launch, run, write each run's files, collect), with the basic
launcher (one process) and with joblib (all cores), at two sweep sizes, in one process run.
A sweep's time is a fixed cost (starting Python, Hydra and the workers, collecting) plus a cost
per run; the two sizes separate them. Per-run overhead = cost per run x workers - the model's
own run time per run (``runtime_seconds``: set-up and stepping), compared with the latter.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from experiments.sweep import create, run


def timed_sweep(runs: int, launcher: str, jobs: int) -> tuple[float, float]:
    """(wall seconds, model seconds per run) of one sweep of ``runs`` replicates."""
    with tempfile.TemporaryDirectory() as tmp:
        sweep_dir = Path(tmp) / "sweep"
        spec = {
            "name": "overhead",
            "scenario": "demo",
            "method": "grid",
            "replicates": runs,
            "parameters": {"cities.capital.rent_cny_per_month": {"levels": [1800]}},
        }
        create(sweep_dir, spec)
        started = time.perf_counter()
        run(sweep_dir, launcher=launcher, jobs=jobs, progress=False)
        wall = time.perf_counter() - started
        model = sum(
            json.loads(p.read_text())["runtime_seconds"]
            for p in (sweep_dir / "runs").glob("*/summary.json")
        )
    return wall, model / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[20, 100])
    args = parser.parse_args()
    small, large = args.sizes
    jobs = os.cpu_count() or 1
    for launcher in ("basic", "joblib"):
        workers = 1 if launcher == "basic" else jobs
        w_small, m_small = timed_sweep(small, launcher, jobs)
        w_large, m_large = timed_sweep(large, launcher, jobs)
        per_run = (w_large - w_small) / (large - small)
        model = (m_small * small + m_large * large) / (small + large)
        overhead = per_run * workers - model
        fixed = w_small - small * per_run
        print(
            f"{launcher:>6} ({workers} worker{'s' if workers > 1 else ''}): "
            f"{large} runs in {w_large:.1f} s = {large / w_large * 60:.0f} runs/min; "
            f"fixed cost {fixed:.1f} s per sweep; per run: model {model:.3f} s, "
            f"overhead {overhead:.3f} s = {overhead / model:.0%} of the model's run time"
        )


if __name__ == "__main__":
    main()
