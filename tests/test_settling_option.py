"""The settling option in the location choice, and the cities' settling rates behind it."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small_model
from model import settlement
from model.location_utility import alternative_places, location_utilities
from model.settling_gain import (
    settling_gain_by_city_cny_per_month,
    settling_option_cny_per_month,
    update_settling_rates,
)

BASE = ["n_households=4000"]


def test_the_settling_rate_is_the_share_of_non_hukou_residents_settled_per_month():
    model = small_model(BASE)
    w = model.world
    table, places, hh = w.places.settlement, w.places, w.hh
    capital = places.index("capital")
    here = (hh.location == capital) & ~hh.hukou_urban
    residents = float((hh.weight[here] * hh.size[here]).sum(dtype=np.float64))
    table.settling_hazard_per_month[:] = 0.0
    table.settled_this_step_persons[:] = 0.0
    table.settled_this_step_persons[capital] = residents / 3  # a quarter of those at risk
    update_settling_rates(w)
    hazard = -np.log(0.75) / w.months_per_step
    step_weight = w.months_per_step / 12
    assert table.settling_hazard_per_month[capital] == pytest.approx(step_weight * hazard)
    others = np.setdiff1d(places.city_places, [capital])
    assert (table.settling_hazard_per_month[others] == 0).all()


def test_a_city_where_migrants_settle_pulls_harder():
    model = small_model(BASE)
    w = model.world
    hh, cities = w.hh, w.places.city_places
    idx = np.flatnonzero(~hh.hukou_urban & w.places.is_rural[hh.origin] & (hh.weight > 0))
    table = w.places.settlement
    table.settling_hazard_per_month[cities] = 0.0
    assert (settling_option_cny_per_month(w, idx, cities) == 0).all()  # nobody ever settles
    table.settling_hazard_per_month[cities[0]] = 0.01
    option = settling_option_cny_per_month(w, idx, cities)
    gains = settling_gain_by_city_cny_per_month(w, idx, cities)
    chance = 1 - np.exp(-0.01 * w.cfg.behavior.planning_horizon_months)
    assert option[:, 0] == pytest.approx(chance * np.maximum(gains[:, 0], 0), rel=1e-5)
    assert (option[:, 1:] == 0).all()
    assert (option[:, 0] > 0).mean() > 0.5  # most would gain from settling


def test_an_urban_hukou_holder_counts_the_hukou_where_it_holds_it():
    model = small_model(BASE)
    w = model.world
    hh, cities = w.hh, w.places.city_places
    idx = np.flatnonzero(hh.hukou_urban & (hh.hukou_place == cities[0]) & (hh.weight > 0))[:50]
    w.places.settlement.settling_hazard_per_month[cities] = 0.05
    option = settling_option_cny_per_month(w, idx, cities)
    assert option[:, 0] == pytest.approx(w.cny(w.cfg.behavior.hukou_value_cny_per_month))
    assert (option[:, 1:] == 0).all()  # it cannot settle a second time elsewhere


def test_admission_records_who_settled_this_step_by_city():
    model = small_model(BASE)
    w = model.world
    hh = w.hh
    settlement.mark_settlement_eligibility(w)
    idx = np.flatnonzero(hh.settlement_eligible)
    assert idx.size > 0
    hh.settle_applicant[idx] = True
    before = w.flows.by_place.get("settled_persons", np.zeros(w.places.n)).copy()
    settlement.admit_settlers(w)
    recorded = w.places.settlement.settled_this_step_persons
    admitted = w.flows.by_place["settled_persons"] - before
    assert recorded.sum() > 0
    assert recorded == pytest.approx(admitted)


def test_a_higher_settling_rate_raises_that_city_in_the_location_choice_only():
    model = small_model(BASE)
    w = model.world
    hh, cities = w.hh, w.places.city_places
    idx = np.flatnonzero(~hh.hukou_urban & w.places.is_rural[hh.origin] & (hh.weight > 0))
    alts = alternative_places(w, idx)
    table = w.places.settlement
    table.settling_hazard_per_month[cities] = 0.001
    low = location_utilities(w, idx, alts)
    table.settling_hazard_per_month[cities[1]] = 0.02
    high = location_utilities(w, idx, alts)
    column = 1 + 1  # the village first, then the cities in order
    changed = np.flatnonzero((high != low).any(axis=0))
    assert changed.tolist() == [column]
    assert (high[:, column] >= low[:, column]).all()
    assert (high[:, column] > low[:, column]).mean() > 0.5


def test_the_spin_up_leaves_no_earnings_and_rates_like_the_runs():
    """Settling in the spin-up earns no transfers or land to build with in year one, and the
    cities' settling hazards at the start are of the size the run then keeps (a yearly quota).

    20,000 households: with the fitted behaviour only about half of eligible migrants would
    settle (the survey's share), so at 6,000 a city's yearly settlers are too few for its
    hazard to be told within a factor of two (prefecture cities: 0.0017, two years on 0.0035)."""
    model = small_model(["n_households=20000", "spin_up_years=3"], "sichuan_2019")
    w = model.world
    assert (w.places.funds.transfers_cny == 0).all() and (w.places.funds.land_quota_m2 == 0).all()
    cities = w.places.city_places
    start = w.places.settlement.settling_hazard_per_month[cities].copy()
    assert (start > 0).all()
    for _ in range(2 * model.steps_per_year):
        model.step()
    later = w.places.settlement.settling_hazard_per_month[cities]
    assert (start < 2 * later).all() and (later < 2 * start).all()


def test_willingness_to_settle_is_the_chance_eligible_migrants_apply_and_rises_with_the_gain():
    """The survey's question ("if eligible, would you take the hukou here?") answered by the
    settling choice itself: the weighted mean chance, higher where the hukou is worth more."""
    from model.settling_gain import settling_chance, settling_willingness_pct

    low = small_model([*BASE, "behavior.hukou_value_cny_per_month=-400"]).world
    high = small_model([*BASE, "behavior.hukou_value_cny_per_month=400"]).world
    migrants = np.flatnonzero(low.places.is_city[low.hh.location] & ~low.hh.hukou_urban)
    weight = low.hh.weight[migrants].astype(np.float64)
    expected = 100 * (weight * settling_chance(low, migrants)).sum() / weight.sum()
    assert settling_willingness_pct(low, migrants) == pytest.approx(expected)
    assert 0 < settling_willingness_pct(low, migrants) < 100
    assert settling_willingness_pct(high, migrants) > settling_willingness_pct(low, migrants) + 20
