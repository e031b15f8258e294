"""Every shipped scenario runs to its end year, starts on its data and scores its targets."""

from __future__ import annotations

import pytest

from model import compose_config, run_scenario
from model.reference import DOC_PATH

SCENARIO_DIR = DOC_PATH.parent.parent / "configs" / "scenario"
SCENARIOS = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
DOCUMENT_SCENARIOS = [
    "sichuan_2019",
    "baotou_2024",
    "nantong_2020",
    "sichuan_2023",
    "national_2015",
]


def test_every_document_has_a_scenario():
    assert set(DOCUMENT_SCENARIOS) <= set(SCENARIOS)


@pytest.fixture(scope="module", params=SCENARIOS)
def result(request):
    return run_scenario(request.param, overrides=["n_households=6000"])


def test_runs_to_its_end_year(result):
    years = list(result.timeseries["year"])
    assert years == list(range(result.config.start_year, result.config.end_year + 1))


def test_starts_on_its_data(result):
    start = result.config.start
    first = result.timeseries.iloc[0]
    if start.resident_urbanization_pct:
        assert first["resident_urbanization_pct"] == pytest.approx(
            start.resident_urbanization_pct, abs=0.5
        )
    if start.hukou_urbanization_pct:
        assert first["hukou_urbanization_pct"] == pytest.approx(
            start.hukou_urbanization_pct, abs=0.5
        )
    if start.resident_population:
        assert first["resident_population"] == pytest.approx(start.resident_population, rel=0.01)
    if start.registered_population:
        assert first["registered_population"] == pytest.approx(
            start.registered_population, rel=0.01
        )
    if start.migrant_workers:
        assert first["migrant_workers_in_cities"] == pytest.approx(start.migrant_workers, rel=0.01)


def test_scores_every_declared_target(result):
    scored = result.summary["targets"]
    assert set(scored) == set(result.config.targets)
    ts = result.timeseries
    for name, row in scored.items():
        target = result.config.targets[name]
        assert row["met"] in (True, False), name  # every target year is simulated
        if not target.cumulative:
            achieved = ts.loc[ts["year"] == target.year, target.indicator].iloc[0]
            assert row["achieved"] == pytest.approx(achieved)


def test_document_scenarios_declare_targets_or_start_data():
    for name in DOCUMENT_SCENARIOS:
        cfg = compose_config([f"scenario={name}"])
        assert cfg.start.active, name


def test_start_data_that_cannot_be_met_is_a_config_error():
    from model import ConfigError, SettlementModel

    cfg = compose_config(
        ["scenario=nantong_2020", "start.hukou_urbanization_pct=95", "n_households=2000"]
    )
    with pytest.raises(ConfigError, match="start"):
        SettlementModel(cfg)


def test_migrant_worker_figure_splits_the_gap_between_migrants_and_village_hukou_natives():
    """More migrant workers at the same rates leave fewer natives holding a village hukou."""
    from model import ConfigError, SettlementModel
    from model.person_accounts import person_accounts
    from model.start import NATIVES_RURAL_HUKOU, segment_of

    def village_hukou_natives(workers: float) -> float:
        cfg = compose_config(
            ["scenario=national_2015", "n_households=4000", f"start.migrant_workers={workers}"]
        )
        w = SettlementModel(cfg).world
        return float(person_accounts(w).resident[segment_of(w) == NATIVES_RURAL_HUKOU].sum())

    assert village_hukou_natives(150e6) < village_hukou_natives(120e6)
    with pytest.raises(ConfigError, match="start"):  # more than the gap can hold
        village_hukou_natives(400e6)
