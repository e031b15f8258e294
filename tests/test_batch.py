"""Many runs through the sweep launchers (model/batch.py): the same results whichever runs them,
a failure that says so, and where the runs execute kept out of the run key."""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys

import pandas as pd
import pytest

from conftest import REPO
from model import compose_config
from model.batch import (
    ExecutionOptions,
    Launcher,
    add_execution_arguments,
    execution_from,
    map_runs,
)
from model.config import run_key
from model.levers import ConfigError
from model.run import simulate

SMALL = ["scenario=sichuan_2019", "n_households=1500", "end_year=2021", "spin_up_years=1"]


def test_draws_are_the_same_byte_for_byte_whichever_launcher_runs_them(tmp_path):
    bands = {}
    for launcher in ("inline", "basic", "joblib", "ray"):
        cfg = compose_config(
            [*SMALL, "uncertainty.draws=4", f"execution.launcher={launcher}", "execution.jobs=2"]
        )
        cfg = dataclasses.replace(
            cfg, execution=dataclasses.replace(cfg.execution, work_dir=str(tmp_path / launcher))
        )
        bands[launcher] = simulate(cfg).bands.to_csv(index=False)
        left = tmp_path / launcher
        assert not left.exists() or not list(left.iterdir())  # the batch files are gone
    assert len(set(bands.values())) == 1
    assert pd.read_csv(pd.io.common.StringIO(bands["inline"]))["p95"].notna().all()


def test_a_failed_batch_says_which_launcher_and_why_and_keeps_its_logs(tmp_path):
    execution = ExecutionOptions(Launcher.basic, jobs=1, min_batch_runs=1, work_dir=str(tmp_path))
    with pytest.raises(RuntimeError, match=r"launcher 'basic' failed.*invalid literal for int"):
        map_runs(int, ["1", "two", "3"], execution)
    (kept,) = tmp_path.iterdir()  # the failed batch's directory, with the launcher's logs
    assert (kept / "hydra").is_dir()
    assert map_runs(int, ["1", "3"], execution) == [1, 3]
    assert list(tmp_path.iterdir()) == [kept]  # a batch that succeeds leaves nothing


def test_a_launcher_that_cannot_work_here_is_refused_before_any_run():
    remote_ray = ExecutionOptions(Launcher.ray, ray_address="ray://head:10001")
    with pytest.raises(ConfigError, match=r"execution\.work_dir"):
        map_runs(int, ["1"] * 8, remote_ray)
    if importlib.util.find_spec("hydra_plugins.hydra_submitit_launcher") is None:
        with pytest.raises(ConfigError, match=r"submitit_slurm.*not installed"):
            map_runs(int, ["1"] * 8, ExecutionOptions(Launcher.submitit_slurm, work_dir="/tmp"))


def test_where_the_runs_execute_is_not_part_of_the_run_key():
    inline = compose_config(SMALL)
    joblib = compose_config([*SMALL, "execution.launcher=joblib", "execution.jobs=8"])
    assert joblib.execution.launcher is Launcher.joblib
    assert run_key(inline) == run_key(joblib)


def test_command_line_execution_options_are_checked():
    import argparse

    parser = argparse.ArgumentParser()
    add_execution_arguments(parser)
    assert execution_from(parser.parse_args([])) == ExecutionOptions(Launcher.joblib, jobs=2)
    with pytest.raises(ConfigError, match="--jobs = 0"):
        execution_from(parser.parse_args(["--jobs", "0"]))


def test_a_command_run_as_a_module_launches_its_own_functions(tmp_path):
    """``python -m experiments.compare``: its run function lives in ``__main__`` there."""
    out = tmp_path / "compare"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.compare",
            "scenario=demo",
            "n_households=600",
            "end_year=2021",
            "--policy",
            "cities.capital.settlement.min_residence_months=0",
            "--replicates",
            "2",
            "--launcher",
            "basic",
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "compare.csv").exists()


def test_a_batch_too_small_to_pay_for_a_launch_runs_inline(tmp_path):
    execution = ExecutionOptions(Launcher.joblib, work_dir=str(tmp_path / "batches"))
    assert map_runs(int, ["1", "2", "3"], execution) == [1, 2, 3]  # 3 < min_batch_runs (4)
    assert not (tmp_path / "batches").exists()  # nothing was launched
