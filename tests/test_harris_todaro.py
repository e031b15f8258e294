"""The labour market and choice reproduce the Harris–Todaro equilibrium."""

from __future__ import annotations

import pytest
from scipy.optimize import brentq

from model import run_scenario

TOLERANCE = 0.02


def equilibrium(
    labor_force: float,
    formal_jobs: float,
    formal_wage: float,
    informal_wage: float,
    rural_wage: float,
    elasticity: float,
    reference_rural_labor: float,
) -> tuple[float, float]:
    """Urban share and urban unemployment solving w_r(L - L_u) = (F w_m + U w_u) / (F + U)."""

    def excess(urban_labor: float) -> float:
        rural = rural_wage * ((labor_force - urban_labor) / reference_rural_labor) ** -elasticity
        unemployed = urban_labor - formal_jobs
        urban = (formal_jobs * formal_wage + unemployed * informal_wage) / urban_labor
        return urban - rural

    urban_labor = brentq(excess, formal_jobs * (1 + 1e-9), labor_force * (1 - 1e-9))
    return urban_labor / labor_force, (urban_labor - formal_jobs) / urban_labor


def ht_run(**params: float):
    overrides = [f"harris_todaro.{k}={v}" for k, v in params.items()]
    return run_scenario("harris_todaro", overrides=overrides).summary


def test_textbook_case_lands_on_the_known_equilibrium():
    summary = ht_run()
    assert summary["urban_labor_share"] == pytest.approx(0.20, abs=TOLERANCE)
    assert summary["urban_without_formal_job_share"] == pytest.approx(0.50, abs=TOLERANCE)


CASES = {
    "elasticity": dict(rural_wage_elasticity=0.5, reference_rural_labor=600),
    "informal_wage": dict(informal_wage=0.3),
    "both": dict(
        informal_wage=0.2,
        rural_wage=0.6,
        rural_wage_elasticity=1.0,
        reference_rural_labor=700,
        formal_jobs=150,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_derived_cases_satisfy_the_equilibrium_condition(case):
    params = dict(
        labor_force=1000.0,
        formal_jobs=100.0,
        formal_wage=1.0,
        informal_wage=0.0,
        rural_wage=0.5,
        rural_wage_elasticity=0.0,
        reference_rural_labor=800.0,
    )
    params.update(CASES[case])
    share, unemployment = equilibrium(
        params["labor_force"],
        params["formal_jobs"],
        params["formal_wage"],
        params["informal_wage"],
        params["rural_wage"],
        params["rural_wage_elasticity"],
        params["reference_rural_labor"],
    )
    summary = ht_run(**params)
    assert summary["urban_labor_share"] == pytest.approx(share, abs=TOLERANCE)
    assert summary["urban_without_formal_job_share"] == pytest.approx(unemployment, abs=TOLERANCE)


def test_equilibrium_helper_matches_the_closed_form():
    # elasticity 0, informal wage 0: L_u = F w_m / w_r
    share, unemployment = equilibrium(1000, 100, 1, 0, 0.5, 0, 800)
    assert share == pytest.approx(0.2)
    assert unemployment == pytest.approx(0.5)
