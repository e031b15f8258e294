"""Experiments: designs, sensitivity indices, sweeps end to end (interrupt, resume, collect,
report), launchers giving identical runs, plain Hydra multiruns, and the EMA adapter."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import REPO, run_cli
from experiments import design as designs
from experiments import sensitivity
from experiments.collect import collect
from experiments.report import report
from experiments.sweep import completed, create
from model.levers import ConfigError

SMALL = ["n_households=4000", "end_year=2023"]
LEVERS = {
    "cities.capital.settlement.annual_quota_persons": {"low": 0, "high": 60000},
    "cities.prefecture.housing.rental_subsidy_cny_per_month": {"low": 0, "high": 1500},
}


def spec(method: str, **extra) -> dict:
    return {
        "name": "t",
        "scenario": "demo",
        "method": method,
        "parameters": LEVERS,
        "overrides": SMALL,
        **extra,
    }


@pytest.mark.parametrize(
    ("method", "samples", "points"),
    [("grid", None, 9), ("oat", None, 5), ("lhs", 6, 6), ("sobol", 8, 8 * 4), ("morris", 3, 3 * 3)],
)
def test_designs_have_the_expected_points_ranges_and_seeds(method, samples, points):
    s = designs.load_spec(spec(method, samples=samples or 8, replicates=3, base_seed=5))
    d = designs.make_design(s)
    assert d["point"].nunique() == points
    assert len(d) == points * 3
    for key, bounds in LEVERS.items():
        assert d[key].between(bounds["low"], bounds["high"]).all()
    seeds = d.groupby("replicate")["seed"].unique()
    assert all(len(v) == 1 for v in seeds)  # common random numbers across points
    assert d.groupby("replicate")["seed"].first().nunique() == 3  # distinct replicate streams
    assert d["run_id"].is_unique


def test_design_rejects_unknown_keys_and_ranges_outside_the_declaration():
    with pytest.raises(ConfigError, match=r"no\.such\.key"):
        designs.load_spec(spec("lhs") | {"parameters": {"no.such.key": {"low": 0, "high": 1}}})
    with pytest.raises(ConfigError, match=r"land\.contract_land_kept_share"):
        designs.load_spec(
            spec("lhs") | {"parameters": {"land.contract_land_kept_share": {"low": 0, "high": 2}}}
        )
    with pytest.raises(ConfigError, match="presets"):
        designs.load_spec("no_such_preset")


def test_a_bad_sweep_is_refused_before_anything_is_written(tmp_path):
    grid = spec("grid") | {
        "parameters": {"cities.capital.housing.rental_subsidy_cny_per_month": {"levels": [0, 600]}}
    }
    bad = {
        "replicates": (grid | {"replicates": 0}, r"'replicates' = 0; allowed: 1 or more"),
        "level": (
            grid
            | {
                "parameters": {
                    "cities.capital.housing.rental_subsidy_cny_per_month": {"levels": [0, -600]}
                }
            },
            r"level -600 leaves the declared range \[0, 100000",
        ),
        "choice": (
            grid | {"parameters": {"cities.capital.settlement.rule": {"levels": ["points", "x"]}}},
            r"cities\.capital\.settlement\.rule",
        ),
        "override": (grid | {"overrides": [*SMALL, "n_households=-3"]}, r"n_households"),
    }
    for name, (bad_spec, message) in bad.items():
        with pytest.raises(ConfigError, match=message):
            create(tmp_path / name, bad_spec)
        assert not (tmp_path / name).exists(), name
    # an integer lever swept over a range: its levels are rounded before they are checked
    months = "cities.capital.settlement.min_residence_months"
    grid_over = {"parameters": {months: {"low": 0, "high": 5}}}
    rounded = create(tmp_path / "int", spec("grid") | grid_over)
    assert sorted(rounded[months].unique()) == [0, 2, 5]
    with pytest.raises(ConfigError, match="samples"):
        create(tmp_path / "samples", spec("lhs"), samples=0)
    # a later override of a key replaces the earlier one, in its place
    create(tmp_path / "ok", grid, overrides=["end_year=2022"])
    assert designs.read_spec(tmp_path / "ok").overrides == ["n_households=4000", "end_year=2022"]


def test_every_preset_loads_and_validates(tmp_path):
    for preset in sorted(p.stem for p in designs.PRESET_DIR.glob("*.yaml")):
        design = create(tmp_path / preset, preset)
        assert len(design) > 0


def test_sobol_indices_match_a_function_whose_indices_are_known():
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    x = sobol_sample.sample(problem, 1024, calc_second_order=False, seed=1)
    y = 2 * x[:, 0] + 1 * x[:, 1]  # linear, independent uniform inputs: S1 = a_i^2 / sum a^2
    table = sensitivity.sobol_indices(problem, y, seed=1).set_index(["parameter", "index"])
    assert table.loc[("a", "S1"), "value"] == pytest.approx(0.8, abs=0.05)
    assert table.loc[("b", "S1"), "value"] == pytest.approx(0.2, abs=0.05)
    assert table.loc[("c", "ST"), "value"] == pytest.approx(0.0, abs=0.02)


def test_morris_and_regression_rank_the_influential_input_first():
    from SALib.sample import morris as morris_sample

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    x = morris_sample.sample(problem, 20, num_levels=4, seed=2)
    y = 3 * x[:, 0] + 0.5 * x[:, 1]
    mu = sensitivity.morris_indices(problem, x, y).query("index == 'mu_star'")
    assert list(mu.sort_values("value", ascending=False)["parameter"]) == ["a", "b", "c"]
    assert mu.set_index("parameter").loc["a", "value"] == pytest.approx(3.0, rel=1e-6)
    src = sensitivity.regression_indices(x, y, problem["names"]).set_index("parameter")
    assert src.loc["a", "value"] > src.loc["b", "value"] > abs(src.loc["c", "value"])


def _start_sweep(sweep_dir: Path, launcher: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "experiments.sweep",
            "run",
            str(sweep_dir),
            "--launcher",
            launcher,
            "--jobs",
            "2",
            "--no-progress",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def test_sweep_end_to_end_interrupt_resume_collect_report(tmp_path):
    sweep_dir = tmp_path / "sweep"
    d = create(
        sweep_dir,
        spec("lhs", samples=4, replicates=2, overrides=["n_households=8000", "end_year=2025"]),
    )
    assert len(d) == 8
    proc = _start_sweep(sweep_dir, "basic")
    deadline = time.time() + 120
    while completed(sweep_dir) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # interrupt part-way: launcher and its Hydra job
    proc.wait()
    done_before = {
        p.parent.name: p.stat().st_mtime_ns for p in (sweep_dir / "runs").glob("*/summary.json")
    }
    assert 2 <= len(done_before) < 8

    proc = _start_sweep(sweep_dir, "joblib")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    summaries = {p.parent.name: p for p in (sweep_dir / "runs").glob("*/summary.json")}
    assert len(summaries) == 8  # nothing lost
    for run_id, mtime in done_before.items():  # finished runs were skipped, not redone
        assert summaries[run_id].stat().st_mtime_ns == mtime

    runs = pd.read_csv(sweep_dir / "runs.csv")
    results = pd.read_csv(sweep_dir / "results.csv")
    aggregate = pd.read_csv(sweep_dir / "aggregate.csv")
    assert len(runs) == 8 and set(runs["run_id"]) == set(d["run_id"])
    assert len(results) == 8 * 6  # runs x years 2020-2025
    assert len(aggregate) == 4 * 6 and (aggregate["replicates"] == 2).all()
    assert (aggregate["gap_pp_p05"] <= aggregate["gap_pp_mean"] + 1e-9).all()

    html_path, md_path = report(sweep_dir)
    text = html_path.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") >= 4
    assert "src='figures" not in text  # self-contained
    for key in LEVERS:
        assert key in text
    design = md_path.read_text(encoding="utf-8")
    assert "| swept low | swept high |" in design and "declared range (allowed)" in design
    assert "| 0 | 1500 |" in design and "0 to 100000" in design  # swept, then declared
    for title in ("Gap trajectories", "Target attainment", "Sensitivity", "Fiscal cost"):
        assert title in text
    assert md_path.exists() and (sweep_dir / "figures" / "gap_trajectories.png").exists()


def _tiny_sweep(sweep_dir: Path) -> None:
    create(
        sweep_dir,
        spec("grid", replicates=1)
        | {
            "parameters": {"cities.capital.settlement.annual_quota_persons": {"levels": [0, 30000]}}
        },
    )


def test_same_runs_whether_serial_joblib_or_ray(tmp_path):
    outputs = {}
    for launcher in ("basic", "joblib", "ray"):
        sweep_dir = tmp_path / launcher
        _tiny_sweep(sweep_dir)
        proc = _start_sweep(sweep_dir, launcher)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]
        outputs[launcher] = {
            p.parent.name: p.read_bytes()
            for p in sorted((sweep_dir / "runs").glob("*/timeseries.csv"))
        }
    assert len(outputs["basic"]) == 2
    assert outputs["basic"] == outputs["joblib"] == outputs["ray"]


def test_plain_hydra_multirun_is_collected_and_reported(tmp_path):
    sweep_dir = tmp_path / "multirun"
    proc = run_cli(
        [
            "-m",
            *SMALL,
            "seed=0,1",
            "cities.capital.settlement.rule=open,points",
            f"hydra.sweep.dir={sweep_dir}",
        ]
    )
    assert proc.returncode == 0, proc.stderr
    runs = collect(sweep_dir)
    assert len(runs) == 4
    assert "cities.capital.settlement.rule" in runs.columns
    assert sorted(runs.groupby("point")["replicate"].nunique()) == [2, 2]
    html_path, _ = report(sweep_dir)
    assert "cities.capital.settlement.rule" in html_path.read_text(encoding="utf-8")


def test_a_finished_run_is_not_redone(tmp_path):
    out = tmp_path / "run"
    assert run_cli([*SMALL, f"hydra.run.dir={out}"]).returncode == 0
    first = json.loads((out / "summary.json").read_text())
    again = run_cli([*SMALL, f"hydra.run.dir={out}"])
    assert again.returncode == 0 and "already complete" in again.stdout
    assert json.loads((out / "summary.json").read_text()) == first
    changed = run_cli([*SMALL, "seed=5", f"hydra.run.dir={out}"])
    assert "already complete" not in changed.stdout
    assert json.loads((out / "summary.json").read_text())["seed"] == 5


def test_ema_workbench_adapter_and_prim():
    from ema_workbench import SequentialEvaluator, perform_experiments

    from experiments import ema

    model = ema.hukou_model(
        "demo",
        {"cities.capital.schooling.migrant_school_seats": (10000.0, 90000.0)},
        {"behavior.hukou_value_cny_per_month": (0.0, 400.0)},
        overrides=["n_households=2000", "end_year=2022"],
        replications=2,
    )
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=6, policies=6, evaluator=evaluator, combine="sample"
        )
    assert len(experiments) == 6
    assert set(ema.OUTCOMES) <= set(outcomes)
    gap = np.asarray(outcomes["final_gap_pp"])
    assert np.isfinite(gap).all()
    box = ema.discover(
        experiments,
        outcomes,
        [
            ema.to_name(k)
            for k in (
                "cities.capital.schooling.migrant_school_seats",
                "behavior.hukou_value_cny_per_month",
            )
        ],
        target_gap_pp=float(np.median(gap)),
    )
    assert {"key", "low", "high", "coverage", "density"} <= set(box.columns)


def test_ema_command_works_for_a_seed_scenario_and_saves_its_results(tmp_path):
    from experiments import ema

    ema.main(
        [
            "--scenario",
            "nantong_2020",
            "--experiments",
            "4",
            "--replications",
            "2",
            "--set",
            "n_households=2000",
            "end_year=2019",
            "--out",
            str(tmp_path),
        ]
    )
    table = pd.read_csv(tmp_path / "experiments.csv")
    assert len(table) == 4 and "final_gap_pp" in table
    assert any(c.startswith("cities.main_urban.") for c in table.columns)
    assert (tmp_path / "prim_box.csv").exists()


def test_a_two_lever_grid_report_has_a_heatmap_lever_value_legends_and_no_claim_on_noise(
    tmp_path,
):
    from experiments.sweep import run

    sweep_dir = tmp_path / "grid"
    create(
        sweep_dir,
        spec("grid", replicates=2)
        | {
            "parameters": {
                "cities.capital.settlement.min_points": {"levels": [0, 100, 200]},
                # relief is paid after a job loss and enters no choice: outlay only
                "assistance.temporary_relief_cny": {"levels": [0, 1000, 2000]},
            }
        },
    )
    run(sweep_dir, "basic", progress=False)
    _, md_path = report(sweep_dir)
    text = md_path.read_text(encoding="utf-8")
    assert (sweep_dir / "figures" / "final_gap_heatmap.png").exists()
    assert "point 0" not in text
    # the swept range is the levels' (the declared one is in its own column)
    assert "| cities.capital.settlement.min_points | 0 | 200 | 0, 100, 200 |" in text
    cost_rows = [line for line in text.splitlines() if "no measurable effect" in line]
    assert any("temporary_relief_cny" in line for line in cost_rows)
    assert "Cheapest per point closed: <b>assistance" not in text

    # The same report in Chinese: headings and figure labels, every glyph in the bundled font.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, md_path = report(sweep_dir, lang="zh")
    assert not [str(w.message) for w in caught if "missing from" in str(w.message)]
    zh = md_path.read_text(encoding="utf-8")
    for heading in ("两率差距的变化轨迹", "期末两率差距与各政策杠杆", "财政支出与两率差距缩小"):
        assert heading in zh
    for sentence in ("共同随机数", "每个点为一个设计点", "| 政策杠杆 |", "无可测效果"):
        assert sentence in zh  # sentences and table headings too, not only titles
    assert "Each dot is a design point" not in zh


def test_gap_targets_are_marked_on_the_trajectory_plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from experiments.report import mark_gap_targets

    fig, ax = plt.subplots()
    targets = [
        {"indicator": "gap_pp", "year": 2018, "target": 9.1, "comparison": "near"},
        {"indicator": "gap_pp", "year": 2025, "target": 8.0, "comparison": "at_most"},
        {"indicator": "gap_pp", "year": 2030, "target": 7.0, "comparison": "at_most"},
    ]
    assert mark_gap_targets(ax, targets, "en")
    lines = ax.get_lines()
    assert [(ln.get_xdata()[0], ln.get_ydata()[0], ln.get_marker()) for ln in lines] == [
        (2018, 9.1, "x"),
        (2025, 8.0, "v"),
        (2030, 7.0, "v"),
    ]
    assert [ln.get_label() for ln in lines][:2] == ["observed", "target"]  # each label once
    assert not mark_gap_targets(ax, [], "en")
    plt.close(fig)
