"""Projections stay within what has been observed: each seed scenario, with its own fitted
behaviour, is checked against bounds stated and sourced in the README ("Plausibility")."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.observations import Observations
from model import run_scenario

SEED_SCENARIOS = ("sichuan_2019", "sichuan_2023", "nantong_2020", "jiangmen_2018", "baotou_2024")
REGION = {
    "sichuan_2019": "Sichuan",
    "sichuan_2023": "Sichuan",
    "nantong_2020": "Nantong",
    "jiangmen_2018": "Jiangmen",
    "baotou_2024": "Baotou",
}
# Bounds (README, "Plausibility"): the fastest growth of a large Chinese city between the 2010
# and 2020 censuses was Shenzhen's, about 5.4 % a year (Chengdu 3.3 %); no year of China's
# resident urbanization rate rose by more than about 1.6 points since 1996; the dibao caseload
# fell every year from 2012 to 2019 nationally, so a projection may not let it grow by more
# than a quarter; low-income incidence may not rise by more than 2 points.
MAX_CITY_GROWTH_PCT_PER_YEAR = 5.5
MAX_RESIDENT_RISE_PP = 2.0
MAX_DIBAO_GROWTH = 1.25
MAX_INCIDENCE_RISE_PP = 2.0
FIRST_YEAR_TOLERANCE_PP = 0.5
FIRST_YEAR_CITY_JUMP_PP = 1.5
# 40,000 households: at 20,000 a small place's yearly growth swings by a point or more from
# sampling alone (Baotou's banner towns: 2.0, 0.2, 0.7, 1.6 % in 2024-2027), enough to decide
# the first-year check either way.
SIZE = ["n_households=40000"]
JUMP_SEEDS = (0, 1, 2)  # the scenario's own seed (0) and two more
# Misses measured and reported in the README ("Plausibility", "Limits"); each is checked to
# still miss, so that a fix is noticed and the entry removed.
_JIANGMEN = (
    "Jiangmen has no rates before its 2017 start in the data file, so no regional fit; its "
    "assumed start and the national behaviour move it far too fast:"
)
KNOWN_MISSES: dict[tuple[str, str], str] = {
    ("jiangmen_2018", "fitted"): _JIANGMEN,
    ("jiangmen_2018", "city_growth"): _JIANGMEN,
    ("jiangmen_2018", "first_year_city_growth"): _JIANGMEN,
    ("jiangmen_2018", "later_observations"): _JIANGMEN,
    ("jiangmen_2018", "caseloads"): _JIANGMEN,
}


def check(name: str, test: str, ok: bool, detail: object) -> None:
    """Assert ``ok``, unless (scenario, test) is a reported miss: then assert it still misses."""
    if (name, test) in KNOWN_MISSES:
        assert not ok, f"{name} now passes {test}: remove it from KNOWN_MISSES and the README"
        pytest.xfail(f"{KNOWN_MISSES[name, test]} {detail}")
    assert ok, detail


@pytest.fixture(scope="module", params=SEED_SCENARIOS)
def run(request):
    return request.param, run_scenario(request.param, overrides=SIZE)


def test_uses_its_own_fitted_behaviour(run):
    name, result = run
    check(name, "fitted", result.summary["behavior"]["fitted_for_this_region"], name)


def test_no_city_grows_faster_than_any_large_city_has(run):
    name, result = run
    cities = result.cities.pivot(index="year", columns="city", values="residents")
    years = cities.index[-1] - cities.index[0]
    growth = 100 * ((cities.iloc[-1] / cities.iloc[0]) ** (1 / years) - 1)
    ok = growth.max() <= MAX_CITY_GROWTH_PCT_PER_YEAR
    check(name, "city_growth", ok, (name, growth.round(2).to_dict()))


def test_no_city_jumps_in_its_first_year(run):
    """The start is one the choices keep (model/city_balance.py): no city's first projected year
    grows more than FIRST_YEAR_CITY_JUMP_PP points faster than its next two years, on average over
    JUMP_SEEDS. (Towns may grow fast throughout as they absorb villages; the bound on growth over
    the run covers that.) One seed is not enough at this size: the jump of a town's growth swings
    by about 0.7 points from seed to seed (Sichuan's county towns 1.74, 0.12, 1.08, 0.16 and
    Nantong's towns 1.76, 0.97, 0.31, 2.13 on seeds 0-3, 2026-12-04)."""
    name, result = run
    runs = [result] + [
        run_scenario(name, overrides=[*SIZE, f"seed={seed}"]) for seed in JUMP_SEEDS[1:]
    ]
    jumps = []
    for r in runs:
        cities = r.cities.pivot(index="year", columns="city", values="residents")
        growth = 100 * (cities.iloc[1:4].to_numpy() / cities.iloc[0:3].to_numpy() - 1)
        jumps.append(growth[0] - growth[1:].mean(axis=0))
    jump = np.mean(jumps, axis=0)
    ok = jump.max() <= FIRST_YEAR_CITY_JUMP_PP
    check(
        name,
        "first_year_city_growth",
        ok,
        (name, dict(zip(cities.columns, jump.round(2), strict=True))),
    )


def test_resident_rate_rises_no_faster_than_ever_observed(run):
    name, result = run
    rise = np.diff(result.timeseries["resident_urbanization_pct"])
    check(name, "resident_rise", rise.max() <= MAX_RESIDENT_RISE_PP, (name, rise.round(2)))


def test_caseloads_and_incidence_do_not_run_away(run):
    name, result = run
    ts = result.timeseries
    dibao = ts["dibao_recipients"]
    incidence = ts["low_income_incidence_pct"]
    ok = dibao.iloc[-1] <= MAX_DIBAO_GROWTH * dibao.iloc[0]
    ok &= incidence.max() - incidence.iloc[0] <= MAX_INCIDENCE_RISE_PP
    check(name, "caseloads", ok, (name, dibao.round(0).tolist(), incidence.round(2).tolist()))


def test_first_year_moves_like_the_observed_trend(run):
    """The first projected year's rise is within 0.5 points of the observed yearly change
    around the start (the region's consistent series, the years up to the start)."""
    name, result = run
    start = result.config.start_year
    observed = Observations.load(start).resident_rate(REGION[name])
    recent = observed[observed.index >= start - 3]
    if len(recent) < 2:
        pytest.skip(f"{name}: no observed rates up to the start year in the data file")
    trend = np.polyfit(recent.index, recent.to_numpy(), 1)[0]
    rise = np.diff(result.timeseries["resident_urbanization_pct"])[0]
    ok = abs(rise - trend) <= FIRST_YEAR_TOLERANCE_PP
    check(name, "first_year", ok, (name, round(rise, 2), round(trend, 2)))


def test_later_observations_are_matched_within_one_and_a_half_points(run):
    """Every observed rate after the start that the scenario scores (none of them used by any
    fit: fits stop at the start year) is matched within 1.5 points."""
    name, result = run
    observed = {
        k: t
        for k, t in result.summary["targets"].items()
        if t["source"].startswith("observed") and t["indicator"].endswith("urbanization_pct")
    }
    assert observed or name == "baotou_2024", name  # Baotou: nothing observed after 2023 yet
    assert all(t["year"] > result.config.start_year for t in observed.values()), name
    misses = {
        key: (round(t["achieved"], 2), t["target"])
        for key, t in observed.items()
        if abs(t["achieved"] - t["target"]) > 1.5
    }
    check(name, "later_observations", not misses, (name, misses))
