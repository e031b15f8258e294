"""Create, run and collect sweeps.

    python -m experiments.sweep create SWEEP_DIR --preset threshold_subsidy_grid
    python -m experiments.sweep create SWEEP_DIR --spec my_design.yaml --replicates 5 \
        --set n_households=50000 end_year=2035
    python -m experiments.sweep run SWEEP_DIR --launcher joblib --jobs 2
    python -m experiments.sweep run SWEEP_DIR --launcher ray --ray-address ray://head:10001
    python -m experiments.report SWEEP_DIR

``run`` hands the design to Hydra's multirun (``experiments.run``) with the chosen launcher,
shows a progress bar (runs done, rate, time left), and collects the results when it finishes.
Run it again after an interruption: complete runs are skipped (matched by run key), the rest run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.collect import collect
from experiments.design import (
    DESIGN_FILE,
    check_counts,
    load_spec,
    make_design,
    merge_overrides,
    read_spec,
    row_overrides,
    write_design,
)
from experiments.run import BOOKKEEPING, RUNS_DIR
from model.batch import chunk_count, launcher_overrides
from model.config import compose_config
from model.levers import ConfigError

LAUNCHERS = ("basic", "joblib", "ray", "submitit_slurm")
LOG_FILE = "launch.log"


def create(
    sweep_dir: Path,
    source: str,
    replicates: int | None = None,
    samples: int | None = None,
    overrides: list[str] | None = None,
) -> pd.DataFrame:
    """Write a sweep's design from a preset or spec file, once its configs are valid.

    The first run's config is composed, and each level of each swept key with the first run's
    other values; nothing is written if one is refused.
    """
    spec = load_spec(source)
    if replicates is not None:
        spec.replicates = replicates
    if samples is not None:
        spec.samples = samples
    check_counts(spec)
    spec.overrides = merge_overrides([*spec.overrides, *(overrides or [])])
    design = make_design(spec)
    check_row(spec.scenario, spec.overrides, design, 0)
    for p in spec.parameters:
        for level in p.levels or []:
            value = round(level) if p.integer else level  # as the design rounds it
            check_row(spec.scenario, spec.overrides, design, 0, {p.key: value})
    return write_design(spec, sweep_dir, design)


def check_row(
    scenario: str,
    overrides: list[str],
    design: pd.DataFrame,
    i: int,
    replace: dict[str, Any] | None = None,
) -> None:
    """Compose and validate the config of design row ``i``, with the swept values in
    ``replace`` instead of the row's (raises ConfigError)."""
    keys = [c for c in design.columns if c not in BOOKKEEPING]
    values = row_overrides(design.iloc[i], keys) | (replace or {})
    compose_config(
        [
            f"scenario={scenario}",
            *overrides,
            *(f"{k}={v}" for k, v in values.items()),
            f"seed={int(design.iloc[i]['seed'])}",
        ]
    )


def completed(sweep_dir: Path) -> int:
    """Runs of the sweep with a complete summary."""
    return sum(1 for _ in (sweep_dir / RUNS_DIR).glob("*/summary.json"))


def launch_command(
    sweep_dir: Path,
    launcher: str,
    jobs: int,
    chunks: int,
    ray_address: str | None,
    plots: bool,
    extra: list[str],
) -> list[str]:
    """The Hydra multirun command line that runs the sweep's design in chunks."""
    spec = read_spec(sweep_dir)
    cmd = [
        sys.executable,
        "-m",
        "experiments.run",
        "-m",
        f"scenario={spec.scenario}",
        *spec.overrides,
        f"design.file={(sweep_dir / DESIGN_FILE).resolve()}",
        f"design.chunks={chunks}",
        f"design.chunk=range(0,{chunks})",
        f"outputs.plot={str(plots).lower()}",
        f"hydra.sweep.dir={(sweep_dir / 'hydra').resolve()}",
        "hydra.sweep.subdir=chunk_${design.chunk}",
        *launcher_overrides(launcher, jobs, ray_address or ""),
    ]
    return [*cmd, *extra]


def run(
    sweep_dir: Path,
    launcher: str = "basic",
    jobs: int | None = None,
    chunks: int | None = None,
    ray_address: str | None = None,
    plots: bool = False,
    extra: list[str] | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Run (or finish) a sweep, then collect it; return the per-run table."""
    if launcher not in LAUNCHERS:
        raise ConfigError(f"launcher '{launcher}'; allowed: {', '.join(LAUNCHERS)}")
    sweep_dir = Path(sweep_dir)
    design = pd.read_csv(sweep_dir / DESIGN_FILE)
    total = len(design)
    jobs = jobs or os.cpu_count() or 1
    if chunks is None:
        chunks = chunk_count(launcher, total, jobs)
    cmd = launch_command(sweep_dir, launcher, jobs, chunks, ray_address, plots, extra or [])
    log_path = sweep_dir / LOG_FILE
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        watch_progress(proc, sweep_dir, total, enabled=progress)
    if proc.returncode != 0:
        tail = log_path.read_text(encoding="utf-8").strip().splitlines()[-5:]
        raise RuntimeError(
            f"sweep failed (exit {proc.returncode}); see {log_path}: " + " | ".join(tail)
        )
    return collect(sweep_dir)


def watch_progress(proc: subprocess.Popen, sweep_dir: Path, total: int, enabled: bool) -> None:
    """Show runs done and time left until ``proc`` ends."""
    if not enabled:
        proc.wait()
        return
    from tqdm import tqdm

    stop = threading.Event()
    done_before = completed(sweep_dir)  # a resumed sweep counts only what is left
    desc = sweep_dir.name + (f" ({done_before} done before)" if done_before else "")
    with tqdm(total=total - done_before, unit="run", desc=desc) as bar:

        def poll() -> None:
            while not stop.is_set():
                bar.n = completed(sweep_dir) - done_before
                bar.refresh()
                time.sleep(0.5)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        proc.wait()
        stop.set()
        thread.join()
        bar.n = completed(sweep_dir) - done_before
        bar.refresh()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_create = sub.add_parser("create", help="write a sweep's design")
    p_create.add_argument("sweep_dir", type=Path)
    src = p_create.add_mutually_exclusive_group(required=True)
    src.add_argument("--preset", help="a file name in configs/experiment/ (without .yaml)")
    src.add_argument("--spec", help="a design spec YAML file")
    p_create.add_argument("--replicates", type=int)
    p_create.add_argument("--samples", type=int)
    p_create.add_argument(
        "--set", nargs="+", default=[], metavar="KEY=VALUE", help="config overrides for every run"
    )
    p_run = sub.add_parser("run", help="run or finish a sweep, then collect it")
    p_run.add_argument("sweep_dir", type=Path)
    p_run.add_argument("--launcher", choices=LAUNCHERS, default="joblib")
    p_run.add_argument("--jobs", type=int, help="parallel workers (default: all cores)")
    p_run.add_argument("--chunks", type=int, help="Hydra jobs the runs are split into")
    p_run.add_argument("--ray-address", help="address of a running Ray cluster")
    p_run.add_argument("--plots", action="store_true", help="also write each run's PNG")
    p_run.add_argument("--no-progress", action="store_true")
    p_run.add_argument(
        "--hydra",
        nargs="+",
        default=[],
        metavar="OVERRIDE",
        help="further Hydra overrides (e.g. launcher settings)",
    )
    sub.add_parser("collect", help="collect run directories").add_argument("sweep_dir", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            design = create(
                args.sweep_dir, args.preset or args.spec, args.replicates, args.samples, args.set
            )
            print(f"{len(design)} runs ({design['point'].nunique()} points) in {args.sweep_dir}")
        elif args.command == "run":
            runs = run(
                args.sweep_dir,
                args.launcher,
                args.jobs,
                args.chunks,
                args.ray_address,
                args.plots,
                args.hydra,
                progress=not args.no_progress,
            )
            print(f"{len(runs)} runs collected in {args.sweep_dir}")
        else:
            runs = collect(args.sweep_dir)
            print(f"{len(runs)} runs collected in {args.sweep_dir}")
    except (ConfigError, RuntimeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
