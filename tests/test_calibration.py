"""Calibration: moments from the project's data, the calibrated behaviour, parameter recovery."""

from __future__ import annotations

import pytest

from experiments.calibration import (
    LAST_DATA_YEAR,
    Moment,
    Problem,
    current_values,
    estimate,
    load_moments,
)
from model import compose_config, run_scenario

# Recovery tolerances, as a share of each parameter's estimation range. Justification: at this
# size (20,000 households, 2 replicates, 2015-2019) we re-ran the recovery for six independent
# seed pairs; the largest errors were 2 % of the range for origin attachment and 17 % for the
# hukou value, whose objective profile is flat (the hukou rate responds weakly to it once most
# eligible migrants want to settle; see calibration/report.md). The tolerances are 2.5x and 1.5x
# those worst cases.
TRUE = {
    "behavior.origin_attachment_cny_per_month": 2000.0,
    "behavior.hukou_value_cny_per_month": 400.0,
}
BOUNDS = {
    "behavior.origin_attachment_cny_per_month": (0.0, 5000.0),
    "behavior.hukou_value_cny_per_month": (-500.0, 1500.0),
}
TOLERANCE = {
    "behavior.origin_attachment_cny_per_month": 0.05,
    "behavior.hukou_value_cny_per_month": 0.25,
}


def test_moments_come_from_the_project_data_and_stop_at_2019():
    moments = load_moments()
    assert len(moments) == 24
    assert max(m.year for m in moments) == LAST_DATA_YEAR == 2019
    assert {m.indicator for m in moments} == {
        "resident_urbanization_pct",
        "hukou_urbanization_pct",
        "rural_labor_transfer_employment",
        "migrant_workers_in_cities",
        "migrant_monthly_income_cny",
        "migrant_children_public_school_pct",
    }
    assert all(m.sigma > 0 for m in moments)


def test_parameters_are_recovered_from_data_the_model_generated():
    real = load_moments()
    generator = Problem.build(20000, 2, base_seed=1, parameters=BOUNDS, moments=real)
    simulated = generator.simulate(TRUE).mean(axis=0)
    synthetic = [
        Moment(m.name, m.indicator, m.year, float(v), m.sigma, "synthetic")
        for m, v in zip(real, simulated, strict=True)
    ]
    estimator = Problem.build(20000, 2, base_seed=2, parameters=BOUNDS, moments=synthetic)
    start = {
        "behavior.origin_attachment_cny_per_month": 3000.0,
        "behavior.hukou_value_cny_per_month": 0.0,
    }
    theta, _, _ = estimate(estimator, start=start, max_evals=80)
    for key, true in TRUE.items():
        low, high = BOUNDS[key]
        assert abs(theta[key] - true) <= TOLERANCE[key] * (high - low), (key, theta[key])


def test_calibrated_behaviour_fits_better_than_the_default():
    default = compose_config(["scenario=national_2015"]).behavior
    calibrated = compose_config(["scenario=national_2015", "behavior=calibrated"]).behavior
    assert calibrated != default
    problem = Problem.build(10000, 2)
    keys = [k for k in problem.parameters if k.startswith("behavior.")]
    fitted = current_values(compose_config(["scenario=national_2015", "behavior=calibrated"]), keys)
    start = current_values(compose_config(["scenario=national_2015"]), keys)
    assert problem.objective(fitted) < 0.5 * problem.objective(start)


def test_scenarios_run_with_the_calibrated_behaviour():
    ts = run_scenario(
        "sichuan_2019", ["behavior=calibrated", "n_households=3000", "end_year=2021"]
    ).timeseries
    assert list(ts["year"]) == [2019, 2020, 2021]
    assert ts["resident_urbanization_pct"].iloc[0] == pytest.approx(53.79, abs=0.5)
