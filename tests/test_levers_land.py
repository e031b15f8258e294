"""Paid withdrawal from rural rights (seeds 000 (十六); 001 二(二)3(2)): settled households take
the offers, and settling is worth more where offers are open."""

from __future__ import annotations

import numpy as np

from conftest import small_model
from model import run_scenario
from model.settling_gain import settling_gain_cny_per_month

BASE = ["n_households=8000", "end_year=2023"]
COLLECTIVE = [
    "land.collective_income_withdrawal_enabled=true",
    "land.collective_income_compensation_years=20",
]


def test_settled_households_sell_their_collective_share_when_offered():
    ts = run_scenario("demo", overrides=[*BASE, *COLLECTIVE]).timeseries
    assert ts["collective_shares_withdrawn"].sum() > 0
    assert ts["outlay_collective_income_compensation_cny"].sum() > 0
    closed = run_scenario("demo", overrides=BASE).timeseries
    assert closed["collective_shares_withdrawn"].sum() == 0


def rural_migrants_gain(overrides: list[str]) -> float:
    model = small_model(["n_households=4000", *overrides])
    w = model.world
    hh = w.hh
    idx = np.flatnonzero(
        w.places.is_city[hh.location] & w.places.is_rural[hh.origin] & ~hh.hukou_urban
    )
    return float(settling_gain_cny_per_month(w, idx).mean())


def test_an_open_offer_adds_to_the_settling_gain():
    assert rural_migrants_gain(COLLECTIVE) > rural_migrants_gain([])


def test_a_larger_homestead_compensation_makes_settling_worth_more():
    low = rural_migrants_gain(["land.homestead_compensation_cny=0"])
    high = rural_migrants_gain(["land.homestead_compensation_cny=100000"])
    assert high > low
