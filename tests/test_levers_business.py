"""Guaranteed start-up loans for migrants in the city (seeds 000 (一); 002 (九)): businesses start,
raise incomes where they are, are weighed in the location choice, and are left behind on a move."""

from __future__ import annotations

import numpy as np

from conftest import small_model
from model import run_scenario
from model.decisions import relocate
from model.location_utility import location_utilities
from model.skills import Business, entrepreneur_income_cny_per_month

BASE = ["n_households=8000", "end_year=2023", "seed=1"]
LOANS = ["skills.city_business_loan_cny=100000", "skills.city_business_take_up_per_year=0.1"]


def test_loans_start_city_businesses_and_book_their_interest():
    on = run_scenario("demo", overrides=[*BASE, *LOANS]).timeseries
    off = run_scenario("demo", overrides=BASE).timeseries
    assert (on["city_business_loans"].iloc[1:] > 0).all()
    assert (off["city_business_loans"] == 0).all()
    assert on["outlay_loan_interest_cny"].iloc[-1] > off["outlay_loan_interest_cny"].iloc[-1]


def test_a_city_business_counts_where_it_is_and_is_left_behind_on_a_move():
    model = small_model([*BASE, *LOANS])
    for _ in range(4):
        model.step()
    w = model.world
    hh, places = w.hh, w.places
    owners = np.flatnonzero(hh.entrepreneur == Business.CITY)
    assert owners.size > 0 and places.is_city[hh.location[owners]].all()
    gain = w.cny(w.cfg.skills.city_business_income_gain_cny_per_month)
    assert np.allclose(entrepreneur_income_cny_per_month(w, owners), gain)  # counted in income
    alts = np.tile(np.concatenate([[0], places.city_places]), (owners.size, 1)).astype(np.int16)
    alts[:, 0] = hh.origin[owners]
    with_business = location_utilities(w, owners, alts)
    hh.entrepreneur[owners] = Business.NONE
    without = location_utilities(w, owners, alts)
    here = alts == hh.location[owners, None]
    assert (with_business[here] > without[here]).all()  # the business's income, where it is
    assert np.allclose(with_business[~here], without[~here])
    hh.entrepreneur[owners] = Business.CITY
    relocate(w, owners[:1], hh.origin[owners[:1]])
    assert hh.entrepreneur[owners[0]] == Business.NONE
