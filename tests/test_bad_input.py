"""Bad input: a one-line error naming the key or file, non-zero exit, no complete-looking output."""

from __future__ import annotations

import pytest

from conftest import run_cli, run_module
from model import ConfigError, compose_config

CASES = {
    "unknown scenario": (["scenario=atlantis"], "scenario/atlantis"),
    "unknown key": (["no_such_lever=1"], "no_such_lever"),
    "unknown appended key": (["+cities.capital.no_such_lever=1"], "cities.capital.no_such_lever"),
    "wrong type": (["n_households=many"], "n_households"),
    "negative seats": (
        ["cities.capital.schooling.migrant_school_seats=-5"],
        "cities.capital.schooling.migrant_school_seats",
    ),
    "share above one": (["land.contract_land_kept_share=1.5"], "land.contract_land_kept_share"),
    "unknown enum": (["cities.capital.settlement.rule=lottery"], "cities.capital.settlement.rule"),
    "end before start": (["end_year=2000"], "end_year"),
    "step not dividing 12": (["months_per_step=5"], "months_per_step"),
    "unknown town": (["rural_areas.hills.town=atlantis"], "rural_areas.hills.town"),
    "city as a dict value": (["cities={nowhere:{settlement:{min_points:3}}}"], "cities.nowhere"),
    "city of another scenario": (
        ["scenario=sichuan_2019", "cities.capital.settlement.min_points=5"],
        "no city 'capital' here (this scenario has: chengdu,",
    ),
    "no draws": (["uncertainty.draws=0"], "uncertainty.draws"),
    "fractional draws": (["uncertainty.draws=1.5"], "uncertainty.draws"),
    "unknown launcher": (["execution.launcher=cluster"], "execution.launcher"),
    "a key that moved": (
        ["outside.amenity_cny_per_month=-500"],
        "it is now 'behavior.outside_amenity_cny_per_month'",
    ),
    "behaviour set of another region": (
        ["scenario=nantong_2020", "behavior=sichuan_2019"],
        "behavior.fitted_for",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_rejects_bad_input_with_one_line(case, tmp_path):
    args, names = CASES[case]
    out = tmp_path / "out"
    proc = run_cli([*args, f"hydra.run.dir={out}"])
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert names in lines[0]
    assert not out.exists()  # nothing written, so nothing looks complete


def test_malformed_yaml_names_the_file(tmp_path):
    scenario_dir = tmp_path / "scenario"
    scenario_dir.mkdir()
    bad = scenario_dir / "broken.yaml"
    bad.write_text("# @package _global_\ncities: [\n  capital: 1\n")
    out = tmp_path / "out"
    proc = run_cli(
        ["scenario=broken", f"hydra.searchpath=[file://{tmp_path}]", f"hydra.run.dir={out}"]
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "malformed YAML" in lines[0] and str(bad) in lines[0]
    assert not out.exists()


def test_user_scenario_directory_works(tmp_path):
    scenario_dir = tmp_path / "scenario"
    scenario_dir.mkdir()
    (scenario_dir / "mine.yaml").write_text(
        "# @package _global_\ndefaults:\n  - demo\nscenario_name: mine\nend_year: 2022\n"
        "n_households: 3000\n"
    )
    out = tmp_path / "out"
    proc = run_cli(
        ["scenario=mine", f"hydra.searchpath=[file://{tmp_path}]", f"hydra.run.dir={out}"]
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "summary.json").exists()


def test_python_api_raises_config_error():
    with pytest.raises(ConfigError, match=r"cities\.capital\.housing\.public_rental_units"):
        compose_config(["cities.capital.housing.public_rental_units=-1"])


def _out_of_range_cases():
    from model.config import RunConfig
    from model.levers import iter_levers

    for key, default, info in iter_levers(RunConfig):
        if info.high is None and info.low is None:
            continue
        if isinstance(default, bool):
            continue
        key = key.replace("rural_areas.<name>", "rural_areas.hills")
        key = key.replace("cities.<name>", "cities.capital")
        if "<name>" in key:  # targets: no target in the demo to break
            continue
        value = info.high * 2 + 1 if info.high is not None else info.low - 1
        if isinstance(default, int):
            value = int(value)
        yield key, value


@pytest.mark.parametrize(("key", "value"), list(_out_of_range_cases()))
def test_every_declared_range_is_enforced(key, value):
    with pytest.raises(ConfigError) as err:
        compose_config([f"{key}={value}"])
    message = str(err.value)
    assert key in message and "\n" not in message


def test_an_output_directory_that_is_a_file_gets_one_line(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("not a directory")
    proc = run_cli(["n_households=500", f"hydra.run.dir={taken}"])
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: hydra.run.dir = '{taken}': is a file, not a directory"
    ]


def test_a_run_too_small_to_mean_much_says_so(tmp_path):
    proc = run_cli(["n_households=50", "end_year=2021", f"hydra.run.dir={tmp_path / 'out'}"])
    assert proc.returncode == 0
    assert "warning: n_households = 50" in proc.stderr and "points" in proc.stderr


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["experiments.report", "{tmp}"], "no complete runs"),
        (
            ["experiments.sweep", "create", "{tmp}/s", "--preset", "x", "--replicates", "1"],
            "design spec 'x' not found; presets:",
        ),
        (
            [
                *("experiments.sweep", "create", "{tmp}/s"),
                *("--preset", "threshold_subsidy_grid", "--replicates", "0"),
            ],
            "'replicates' = 0",
        ),
    ],
)
def test_sweep_and_report_commands_reject_bad_input_with_one_line(args, names, tmp_path):
    module, *rest = (a.format(tmp=tmp_path) for a in args)
    proc = run_module(module, rest)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and names in lines[0], proc.stderr
    assert not (tmp_path / "s").exists()
