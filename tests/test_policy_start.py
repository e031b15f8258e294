"""A policy taking effect in the start year (model.policy_start), after the scenario's spin-up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.config import compose_config
from model.levers import ConfigError
from model.model import SettlementModel

BASE = ["scenario=nantong_2020", "n_households=4000", "end_year=2019"]
UNITS = "cities.main_urban.housing.public_rental_units"


def test_adopting_the_same_config_changes_nothing():
    cfg = compose_config(BASE)
    plain, same = SettlementModel(cfg), SettlementModel(cfg, policy=cfg)
    plain.run_to_end()
    same.run_to_end()
    pd.testing.assert_frame_equal(plain.timeseries(), same.timeseries())


def test_a_policy_changes_its_levers_and_keeps_the_state():
    cfg = compose_config(BASE)
    policy = compose_config([*BASE, f"{UNITS}=120000", "assistance.temporary_relief_cny=500"])
    before, after = SettlementModel(cfg), SettlementModel(cfg, policy=policy)
    city = before.world.places.index("main_urban")
    housing_before, housing_after = before.world.places.housing, after.world.places.housing
    assert housing_before.units[city] == 30000 and housing_after.units[city] == 120000
    # the start is the scenario's: same households, same tenants, only the lever changed
    np.testing.assert_array_equal(before.world.hh.location, after.world.hh.location)
    np.testing.assert_array_equal(housing_before.occupied, housing_after.occupied)
    assert after.world.cfg.assistance.temporary_relief_cny == 500
    rates = ["resident_urbanization_pct", "hukou_urbanization_pct"]
    pd.testing.assert_frame_equal(before.timeseries()[rates], after.timeseries()[rates])


def test_units_and_seats_a_policy_adds_are_built_once_at_their_cost():
    cfg = compose_config([*BASE, "end_year=2021"])
    seats = "cities.main_urban.schooling.migrant_school_seats"
    more = compose_config([*BASE, "end_year=2021", f"{UNITS}=120000", f"{seats}=200000"])
    fewer = compose_config([*BASE, "end_year=2021", f"{UNITS}=1000"])
    plain = SettlementModel(cfg)
    city = plain.world.places.index("main_urban")
    seats_before = plain.world.places.schooling.seats[city]
    runs = {}
    for name, policy in (("plain", None), ("more", more), ("fewer", fewer)):
        model = SettlementModel(cfg, policy=policy)
        model.run_to_end()
        runs[name] = model.timeseries().set_index("year")
    costs = more.capacity
    start = runs["more"].iloc[0]  # the start row holds what the policy built on adoption
    assert start["public_rental_units_built"] == pytest.approx(90000)
    assert start["school_seats_built"] == pytest.approx(200000 - seats_before)
    assert start["outlay_capacity_construction_cny"] == pytest.approx(
        90000 * costs.public_rental_cost_cny_per_unit
        + (200000 - seats_before) * costs.school_seat_cost_cny_per_seat
    )
    for name in ("plain", "fewer"):  # nothing built, nothing saved by a smaller stock
        assert runs[name]["outlay_capacity_construction_cny"].iloc[0] == 0
    # booked once: the first year's flows do not carry the adoption over
    later = ["public_rental_units_built", "outlay_capacity_construction_cny"]
    assert (runs["more"][later].iloc[1] < runs["more"][later].iloc[0] / 100).all()


def test_a_policy_may_not_change_the_run_itself():
    cfg = compose_config(BASE)
    with pytest.raises(ConfigError, match="seed"):
        SettlementModel(cfg, policy=compose_config([*BASE, "seed=7"]))
