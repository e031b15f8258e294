"""Many runs through the sweep launchers: ``map_runs(function, items, execution)``.

Uncertainty draws, the replicates of ``compare`` and ``goalseek`` and the evaluations of a
calibration are lists of independent runs. Each item carries its own seed, so its result does
not depend on where it runs. ``map_runs`` hands such a list to the launcher a sweep would use
(``execution.launcher``):

- ``inline``: one after another in this process (no start-up cost; the default);
- ``basic``, ``joblib``, ``ray``, ``submitit_slurm``: Hydra's multirun with that launcher plugin,
  as ``experiments.sweep run`` does. The function and items are pickled to a batch directory,
  split into chunks (one Hydra job per chunk), and each result is pickled back by its job.
  A batch of fewer than ``min_batch_runs`` runs runs inline: launching it would cost more than
  it saves (a calibration's single points, two seeds each, are such batches).

Whichever launcher runs them, the results are the same, byte for byte (tested). With Ray on a
cluster or SLURM, ``execution.work_dir`` must be a directory every node can read and write.

The Hydra job of a chunk is this module: ``python -m model.batch -m +batch.dir=...``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import pickle
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import hydra
from omegaconf import DictConfig

from model.levers import ConfigError, lever
from model.memory import reuse_freed_memory

PROJECT = Path(__file__).resolve().parent.parent
TASKS_FILE = "tasks.pkl"
RESULTS_DIR = "results"


def map_runs[Item, Result](
    function: Callable[[Item], Result],
    items: Sequence[Item],
    execution: ExecutionOptions | None = None,
) -> list[Result]:
    """``[function(item) for item in items]``, run by ``execution``'s launcher.

    Args:
        function: A module-level function (pickled by reference for the other launchers).
        items: Its arguments, each a picklable value that determines its run (seed included).
        execution: Launcher, parallel workers, batch directory (default: inline).

    Raises:
        ConfigError: the launcher cannot run here (its plugin is missing, or it needs a shared
            ``work_dir``).
        RuntimeError: a launched batch failed or left a result missing (the log's tail and the
            kept batch directory say why).
    """
    execution = execution or ExecutionOptions()
    check_launcher(execution)
    if execution.launcher is Launcher.inline or len(items) < execution.min_batch_runs:
        return [function(item) for item in items]
    work_dir = execution.work_dir or None
    if work_dir:
        Path(work_dir).mkdir(parents=True, exist_ok=True)
    batch_dir = Path(tempfile.mkdtemp(prefix="batch-", dir=work_dir))
    with open(batch_dir / TASKS_FILE, "wb") as f:
        pickle.dump((importable(function), list(items)), f, protocol=pickle.HIGHEST_PROTOCOL)
    name = execution.launcher.name
    chunks = chunk_count(name, len(items), execution.jobs)
    cmd = [
        sys.executable,
        "-m",
        "model.batch",
        "-m",
        f"+batch.dir={batch_dir}",
        f"+batch.chunks={chunks}",
        f"+batch.chunk=range(0,{chunks})",
        f"hydra.sweep.dir={batch_dir / 'hydra'}",
        *launcher_overrides(name, execution.jobs, execution.ray_address),
        *shlex.split(execution.hydra_overrides),
    ]
    python_path = [str(PROJECT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(python_path)}
    proc = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True)
    results_dir = batch_dir / RESULTS_DIR
    missing = [i for i in range(len(items)) if not (results_dir / f"{i}.pkl").exists()]
    if proc.returncode != 0 or missing:
        tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        raise RuntimeError(  # the batch directory is kept: it holds the launcher's logs
            f"batch of {len(items)} runs under launcher '{name}' failed (exit "
            f"{proc.returncode}, {len(missing)} results missing; logs in {batch_dir}): {tail}"
        )
    results = []
    for i in range(len(items)):
        with open(results_dir / f"{i}.pkl", "rb") as f:
            results.append(pickle.load(f))
    shutil.rmtree(batch_dir, ignore_errors=True)
    return results


def chunk_count(launcher: str, runs: int, jobs: int) -> int:
    """Hydra jobs a batch or sweep of ``runs`` is split into (one for the basic launcher)."""
    return 1 if launcher == "basic" else max(1, min(runs, jobs))


PLUGINS = {  # the Hydra plugin each launcher needs (basic is Hydra's own)
    "joblib": "hydra_plugins.hydra_joblib_launcher",
    "ray": "hydra_plugins.hydra_ray_launcher",
    "submitit_slurm": "hydra_plugins.hydra_submitit_launcher",
}


def check_launcher(execution: ExecutionOptions) -> None:
    """Raise ConfigError, before any run, where ``execution`` cannot work here."""
    name = execution.launcher.name
    module = PLUGINS.get(name, "")
    if module and importlib.util.find_spec(module) is None:
        raise ConfigError(
            f"launcher '{name}': its Hydra plugin ({module}) is not installed "
            "(pip install -e '.[ray]' or '.[slurm]')"
        )
    remote = name == "submitit_slurm" or (name == "ray" and execution.ray_address)
    if remote and not execution.work_dir:
        raise ConfigError(
            f"launcher '{name}' runs on other machines: set execution.work_dir (--work-dir) to "
            "a directory every node shares"
        )


def importable[F](function: F) -> F:
    """``function`` as its module's import name sees it: a function of a module run with
    ``python -m`` belongs to ``__main__``, which the launched jobs cannot import by that name."""
    module = getattr(function, "__module__", None)
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if module == "__main__" and spec is not None:
        return getattr(importlib.import_module(spec.name), function.__name__)
    return function


def launcher_overrides(launcher: str, jobs: int, ray_address: str = "") -> list[str]:
    """Hydra overrides that select ``launcher`` with ``jobs`` workers (sweeps use them too)."""
    out = [f"hydra/launcher={launcher}"]
    if launcher == "joblib":
        out.append(f"hydra.launcher.n_jobs={jobs}")
    if launcher == "ray":
        if ray_address:
            out.append(f"hydra.launcher.ray.init.address={ray_address}")
        else:
            out.append(f"+hydra.launcher.ray.init.num_cpus={jobs}")
    return out


def add_execution_arguments(parser: argparse.ArgumentParser, launcher: str = "joblib") -> None:
    """Command-line options that fill :class:`ExecutionOptions` (see :func:`execution_from`)."""
    group = parser.add_argument_group("where the runs run (model/batch.py)")
    group.add_argument("--launcher", choices=[m.name for m in Launcher], default=launcher)
    group.add_argument("--jobs", type=int, default=2, help="parallel workers (default: 2)")
    group.add_argument("--ray-address", default="", help="address of a running Ray cluster")
    group.add_argument("--work-dir", default="", help="batch files (shared by a cluster's nodes)")
    group.add_argument(
        "--hydra", nargs="+", default=[], metavar="OVERRIDE", help="more launcher overrides"
    )


def execution_from(args: argparse.Namespace) -> ExecutionOptions:
    """The :class:`ExecutionOptions` of parsed command-line options; raise ConfigError."""
    if not 1 <= args.jobs <= 100_000:
        raise ConfigError(f"--jobs = {args.jobs}: outside the allowed range 1-100000")
    return ExecutionOptions(
        Launcher[args.launcher],
        args.jobs,
        ray_address=args.ray_address,
        work_dir=args.work_dir,
        hydra_overrides=shlex.join(args.hydra),
    )


def run_chunk(batch_dir: Path, chunk: int, chunks: int) -> int:
    """Run items ``chunk, chunk + chunks, ...`` of a batch; write each result; return how many."""
    with open(batch_dir / TASKS_FILE, "rb") as f:
        function, items = pickle.load(f)
    results = batch_dir / RESULTS_DIR
    results.mkdir(exist_ok=True)
    done = 0
    for i in range(chunk, len(items), chunks):
        partial = results / f".{i}.pkl.part"
        with open(partial, "wb") as f:
            pickle.dump(function(items[i]), f, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(results / f"{i}.pkl")  # a result is there whole or not at all
        done += 1
    return done


class Launcher(Enum):
    """Where a batch of runs runs (``inline``: in this process; the rest: Hydra launchers)."""

    inline = 0
    basic = 1
    joblib = 2
    ray = 3
    submitit_slurm = 4


@dataclass
class ExecutionOptions:
    """Where many runs of one command run; it never changes their results (not in the run key)."""

    launcher: Launcher = lever(
        Launcher.inline,
        unit="choice",
        doc="Where a batch of runs runs: inline = in this process, one after another; the "
        "others are Hydra's launchers, as for sweeps.",
    )
    jobs: int = lever(2, unit="processes", low=1, high=100_000, doc="Parallel workers (chunks).")
    min_batch_runs: int = lever(
        4,
        unit="runs",
        low=1,
        high=1_000_000,
        doc="Batches of fewer runs run inline: launching one costs seconds (a Hydra job, its "
        "workers), more than a few short runs take (a calibration's single points).",
    )
    ray_address: str = lever("", unit="address", doc="A running Ray cluster ('' = start one).")
    work_dir: str = lever(
        "",
        unit="path",
        doc="Where batch files go ('' = the system's temporary directory); on a cluster, a "
        "directory every node shares.",
    )
    hydra_overrides: str = lever(
        "",
        unit="overrides",
        doc="More Hydra overrides for the launcher, space-separated "
        "(e.g. 'hydra.launcher.partition=cpu hydra.launcher.timeout_min=60').",
    )


@hydra.main(version_base="1.3", config_path=None, config_name=None)
def _job(cfg: DictConfig) -> None:
    """One Hydra job: one chunk of a batch (an error fails the job, and the batch with it)."""
    reuse_freed_memory()  # as the command line: big temporaries reuse freed memory
    run_chunk(Path(cfg.batch.dir), int(cfg.batch.chunk), int(cfg.batch.chunks))


if __name__ == "__main__":
    _job()
