"""The command line: outputs of a run, determinism, and the Python entry point."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import run_cli
from model import run_scenario
from model.indicators import INDICATORS

REQUIRED_COLUMNS = [
    "year",
    "resident_urbanization_pct",
    "hukou_urbanization_pct",
    "gap_pp",
    "resident_population",
    "urban_resident_population",
    "registered_population",
    "urban_hukou_population",
    "settled_persons",
    "non_hukou_urban_residents",
    "children_left_behind",
    "public_rental_occupied",
]
SMALL = ["n_households=4000", "end_year=2023"]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    proc = run_cli([*SMALL, f"hydra.run.dir={out}"])
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_run_writes_the_contracted_files(cli_run):
    out, proc = cli_run
    ts = pd.read_csv(out / "timeseries.csv")
    assert list(ts["year"]) == [2020, 2021, 2022, 2023]
    for col in REQUIRED_COLUMNS:
        assert col in ts.columns, col
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "demo"
    assert summary["seed"] == 0
    assert summary["years"] == [2020, 2021, 2022, 2023]
    assert set(INDICATORS) <= set(summary["final"])
    assert summary["final"]["gap_pp"] == pytest.approx(ts["gap_pp"].iloc[-1])
    assert summary["runtime_seconds"] > 0
    png = (out / "urbanization.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert "resident %" in proc.stdout and "2023" in proc.stdout
    assert not list(out.glob(".*.tmp"))  # no temporary files left behind


def test_same_seed_gives_byte_identical_timeseries(cli_run, tmp_path):
    out, _ = cli_run
    again = tmp_path / "again"
    proc = run_cli([*SMALL, f"hydra.run.dir={again}"])
    assert proc.returncode == 0, proc.stderr
    assert (again / "timeseries.csv").read_bytes() == (out / "timeseries.csv").read_bytes()


def test_python_entry_matches_the_command_line(cli_run):
    out, _ = cli_run
    result = run_scenario("demo", overrides=SMALL)
    from_cli = pd.read_csv(out / "timeseries.csv")
    pd.testing.assert_frame_equal(
        result.timeseries.reset_index(drop=True), from_cli, check_dtype=False, rtol=1e-9
    )


def test_another_seed_gives_different_results():
    a = run_scenario("demo", overrides=SMALL).timeseries
    b = run_scenario("demo", overrides=[*SMALL, "seed=1"]).timeseries
    assert not a["hukou_urbanization_pct"].equals(b["hukou_urbanization_pct"])


def test_run_scenario_writes_outputs_when_asked(tmp_path):
    result = run_scenario("demo", overrides=SMALL, out_dir=tmp_path)
    assert isinstance(result.timeseries, pd.DataFrame)
    assert {p.name for p in tmp_path.iterdir()} == {
        "timeseries.csv",
        "cities.csv",
        "summary.json",
        "urbanization.png",
    }
    cities = pd.read_csv(tmp_path / "cities.csv")
    assert set(cities["city"]) == {"capital", "prefecture", "county_town"}
    assert len(cities) == 3 * len(result.timeseries)


def test_mesa_batch_run_drives_the_model_with_keywords_and_matches_the_python_entry():
    """Mesa's own launcher: a scenario name, dotted overrides, seeds; stops at the end year."""
    import mesa

    from model import SettlementModel

    rows = mesa.batch_run(
        SettlementModel,
        parameters={"cfg": "demo", "n_households": 4000, "end_year": 2023},
        rng=[0, 1],
        data_collection_period=1,
        max_steps=10_000,
        display_progress=False,
    )
    table = pd.DataFrame(rows)
    assert sorted(table.groupby("rng")["year"].max()) == [2023, 2023]  # stopped at end_year
    direct = run_scenario("demo", overrides=SMALL).timeseries
    seed0 = table[table["rng"] == 0].sort_values("year")
    for column in ("resident_urbanization_pct", "hukou_urbanization_pct", "gap_pp"):
        assert seed0[column].tolist()[-4:] == direct[column].tolist()  # identical, not close
    seed1 = table[table["rng"] == 1]
    assert not seed1["hukou_urbanization_pct"].equals(seed0["hukou_urbanization_pct"])


def test_a_model_built_from_a_scenario_name_rejects_a_bad_key_in_one_line():
    from model import SettlementModel
    from model.levers import ConfigError

    with pytest.raises(ConfigError, match="no_such_lever"):
        SettlementModel("demo", no_such_lever=1)


def test_printed_targets_show_the_tolerance_of_an_observation():
    from model.outputs import format_targets

    scored = {
        "observed_2022": {"indicator": "resident_urbanization_pct", "year": 2022}
        | {"comparison": "near", "target": 58.35, "tolerance": 1.5, "cumulative": False}
        | {"achieved": 59.07, "met": True},
        "plan_2029": {"indicator": "resident_urbanization_pct", "year": 2029}
        | {"comparison": "at_least", "target": 70.0, "tolerance": 1.5, "cumulative": False}
        | {"achieved": 69.2, "met": False},
    }
    lines = format_targets(scored).splitlines()
    assert "~ 58.35 ± 1.5 -> 59.07  met" in lines[1]
    assert ">= 70.00 -> 69.20  MISSED" in lines[2]  # a goal has no tolerance to show
