"""Uncertainty bands: drawn parameters and streams, determinism, the files and the labels."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from experiments.compare import paired_configs
from model import compose_config
from model import run as model_run
from model.uncertainty import STOCK_KEY, child_seeds, fit_records, held_keys, parameter_draws

SMALL = ["scenario=sichuan_2019", "n_households=3000", "end_year=2022", "spin_up_years=1"]


def test_draws_write_bands_beside_the_timeseries_and_name_the_behaviour(tmp_path):
    out = tmp_path / "out"
    proc = run_cli([*SMALL, "uncertainty.draws=5", f"hydra.run.dir={out}"])
    assert proc.returncode == 0, proc.stderr
    assert "bands: 5 runs in bands.csv" in proc.stdout and "edges are rough" in proc.stdout
    bands = pd.read_csv(out / "bands.csv")
    assert list(bands.columns) == ["year", "indicator", "p05", "p50", "p95"]
    rates = bands[bands["indicator"] == "resident_urbanization_pct"]
    assert list(rates["year"]) == [2019, 2020, 2021, 2022]
    assert np.all(rates["p05"] <= rates["p50"]) and np.all(rates["p50"] <= rates["p95"])
    assert (rates["p95"] - rates["p05"]).iloc[-1] > 0  # drawn parameters and streams differ
    summary = json.loads((out / "summary.json").read_text())
    assert summary["behavior"]["name"] == "sichuan_2019"
    assert summary["behavior"]["fitted_for_this_region"] is True
    assert summary["uncertainty"] == {
        "draws": 5,
        "bands": "bands.csv",
        "parameter_uncertainty": True,
        "held": [],
    }
    again = tmp_path / "again"
    assert run_cli([*SMALL, "uncertainty.draws=5", f"hydra.run.dir={again}"]).returncode == 0
    assert (again / "bands.csv").read_bytes() == (out / "bands.csv").read_bytes()


def test_a_single_run_writes_no_bands_and_default_behaviour_is_labelled(tmp_path):
    out = tmp_path / "out"
    proc = run_cli([*SMALL, "behavior=default", f"hydra.run.dir={out}"])
    assert proc.returncode == 0, proc.stderr
    assert not (out / "bands.csv").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["behavior"]["fitted_for"] == ""
    assert "uncalibrated" in summary["behavior"]["status"]


def test_parameter_draws_follow_the_fit_and_stay_in_bounds():
    cfg = compose_config(["scenario=sichuan_2019"])
    draws = parameter_draws(cfg.behavior.fit_record, 400, np.random.default_rng(0))
    values = pd.DataFrame(draws)
    assert "behavior.origin_attachment_cny_per_month" in values  # the region's own
    assert "behavior.review_prob_per_month" in values  # shared, from the national parent
    assert values.std().gt(0).all()
    checked: set[str] = set()
    for record in fit_records(cfg.behavior.fit_record):  # the region's fit, then its parents
        for p in record["parameters"].values():
            for key in set(p["keys"]) - checked:
                if key in values and p["in_behavior_set"]:
                    assert values[key].between(p["low"], p["high"]).all(), key
                    checked.add(key)
    assert len(set(child_seeds(7, 50))) == 50


def test_the_start_stock_is_drawn_with_the_estimates_it_was_carried_with():
    """The peri-urban stock a scenario starts with came along the fitted path from the fit's
    first year: its draws centre on it, move with the drawn behaviour (the draws of which are
    unchanged), and a first-year stock the data left unidentified (sd 0) moves nothing."""
    cfg = compose_config(["scenario=sichuan_2019"])
    start = cfg.reclassification.peri_urban_share
    plain = parameter_draws(cfg.behavior.fit_record, 400, np.random.default_rng(0))
    drawn = parameter_draws(cfg.behavior.fit_record, 400, np.random.default_rng(0), start)
    stock = np.array([d.pop(STOCK_KEY) for d in drawn])
    assert drawn == plain
    assert abs(np.median(stock) - start) < 0.1 * start and 0.003 < stock.std() < 0.5 * start
    record = fit_records(cfg.behavior.fit_record)[0]
    per_migrant = np.array(
        [d["reclassification.peri_urban_persons_per_city_migrant"] for d in plain]
    )
    slope = record["peri_urban_share_gradient"]["peri_urban_per_migrant"]
    assert slope > 0 and np.corrcoef(per_migrant, stock)[0, 1] > 0.5  # more arrivals, more stock

    unidentified = compose_config(["scenario=baotou_2024"])
    first_year = fit_records(unidentified.behavior.fit_record)[0]["parameters"]["peri_urban_share"]
    assert first_year["sd"] < 1e-6
    start = unidentified.reclassification.peri_urban_share
    draws = parameter_draws(unidentified.behavior.fit_record, 400, np.random.default_rng(0), start)
    assert np.std([d[STOCK_KEY] for d in draws]) < 0.5 * start

    # Not the stock the fit carried (set by hand), or a set whose record has no gradient (its
    # parent's gradient is about another stock): not drawn.
    for overrides in (
        ["scenario=sichuan_2019", "reclassification.peri_urban_share=0.3"],
        ["scenario=nantong_2020", "behavior=nantong_2016"],
    ):
        cfg = compose_config(overrides)
        stock = cfg.reclassification.peri_urban_share
        draws = parameter_draws(cfg.behavior.fit_record, 50, np.random.default_rng(0), stock)
        assert not any(STOCK_KEY in d for d in draws), overrides


def test_every_fit_with_a_stock_records_how_the_carried_stock_moves():
    from experiments.fit_records import FITS_DIR
    from experiments.fit_specs import PRODUCTION_ORDER

    for name in PRODUCTION_ORDER:
        record = json.loads((FITS_DIR / f"{name}.json").read_text())
        if any(STOCK_KEY in p["keys"] for p in record["parameters"].values()):
            assert set(record["peri_urban_share_gradient"]) == set(record["parameters"]), name


def test_the_prior_bounds_only_what_the_data_leave_open():
    from model.uncertainty import approximate_posterior

    prior_sd = np.array([10.0, 10.0])
    precise = np.diag([0.01, 0.04])
    assert np.allclose(approximate_posterior(precise, prior_sd), precise, rtol=1e-3)
    # Only the sum of the two is identified: the difference gets about the prior's spread.
    along_sum = np.array([[1.0, 1.0], [1.0, 1.0]]) * 0.005
    post = approximate_posterior(along_sum, prior_sd)
    diff = np.array([1.0, -1.0])
    total = np.array([1.0, 1.0])
    assert diff @ post @ diff == pytest.approx(2 * 10.0**2, rel=1e-6)
    assert total @ post @ total < 0.03


PER_MIGRANT = "reclassification.peri_urban_persons_per_city_migrant"


def test_values_set_by_hand_are_held_not_drawn():
    """A fitted value set by hand keeps that value in every draw, and the start stock does not
    move with it; the other values are drawn exactly as before."""
    key = "behavior.outside_amenity_cny_per_month"
    fitted = compose_config(["scenario=sichuan_2019"])
    record, stock = fitted.behavior.fit_record, fitted.reclassification.peri_urban_share
    assert held_keys(fitted, record) == frozenset()
    by_hand = compose_config(["scenario=sichuan_2019", f"{key}=-1500", f"{STOCK_KEY}=0.3"])
    assert held_keys(by_hand, record) == {key, STOCK_KEY}
    free = parameter_draws(record, 200, np.random.default_rng(0), stock)
    held = parameter_draws(record, 200, np.random.default_rng(0), stock, held_keys(by_hand, record))
    for one, other in zip(free, held, strict=True):
        assert other == {k: v for k, v in one.items() if k not in (key, STOCK_KEY)}
    # the stock moves mostly with the persons per migrant: held, it hardly moves
    per_migrant = compose_config(["scenario=sichuan_2019", f"{PER_MIGRANT}=0.2"])
    fixed = parameter_draws(
        record, 200, np.random.default_rng(0), stock, held_keys(per_migrant, record)
    )
    assert all(PER_MIGRANT not in d for d in fixed)
    spread = np.std([d[STOCK_KEY] for d in free])
    assert np.std([d[STOCK_KEY] for d in fixed]) < 0.5 * spread


@pytest.mark.parametrize(
    "scenario", ["sichuan_2019", "sichuan_2023", "nantong_2020", "baotou_2024", "national_2015"]
)
def test_a_scenario_as_configured_holds_nothing(scenario):
    """Its behaviour set's values are the run's (a set drifting from its record would hold every
    value and silently lose the parameter uncertainty)."""
    cfg = compose_config([f"scenario={scenario}"])
    assert held_keys(cfg, cfg.behavior.fit_record) == frozenset()


def test_draws_of_a_run_hold_its_hand_set_values(monkeypatch):
    captured = []
    monkeypatch.setattr(model_run, "map_runs", lambda fn, cfgs, options: captured.extend(cfgs))
    monkeypatch.setattr(model_run, "bands", lambda tables: None)
    key = "behavior.outside_amenity_cny_per_month"
    model_run.run_draws(compose_config([*SMALL, "uncertainty.draws=4", f"{key}=-1500"]))
    assert [c.behavior.outside_amenity_cny_per_month for c in captured] == [-1500] * 4
    assert len({c.behavior.origin_attachment_cny_per_month for c in captured}) == 4


def test_a_compared_policy_on_a_fitted_value_keeps_its_value():
    """The policy side holds what it sets; every other drawn value is the baseline's."""
    key = "behavior.outside_amenity_cny_per_month"
    pairs = paired_configs("sichuan_2019", [f"{key}=-1500"], ["n_households=500"], 3)
    for (start, base), (start_again, policy) in pairs:
        assert start is start_again
        assert policy.behavior.outside_amenity_cny_per_month == -1500
        assert base.behavior.outside_amenity_cny_per_month != -1500  # drawn around -432
        assert dataclasses.replace(policy.behavior, outside_amenity_cny_per_month=0) == (
            dataclasses.replace(base.behavior, outside_amenity_cny_per_month=0)
        )
        assert base.reclassification == policy.reclassification == start.reclassification
        assert base.behavior == start.behavior
    drawn = {base.behavior.outside_amenity_cny_per_month for (_, base), _ in pairs}
    assert len(drawn) == 3
