"""Invariants that hold after every step, with capacities set tight so that they bind."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small_model
from model import indicators
from model.households import Employment, Tenure
from model.settlement import SettlementRuleType

TIGHT = [
    "n_households=6000",
    "end_year=2024",
    "cities.capital.settlement.annual_quota_persons=3000",
    "cities.capital.schooling.migrant_school_seats=3000",
    "cities.prefecture.schooling.migrant_school_seats=1000",
    "cities.capital.housing.public_rental_units=300",
    "cities.county_town.housing.public_rental_units=100",
    "cities.prefecture.formal_jobs=60000",
    "demography.enabled=false",
]
REL = 1e-9


@pytest.fixture(scope="module")
def stepped():
    """The tight demo model and a record of its state after every step."""
    model = small_model(TIGHT)
    w = model.world
    records = []
    start = dict(
        n=len(w.hh),
        weight=w.hh.weight.sum(dtype=np.float64),
        persons=(w.hh.size * w.hh.weight.astype(np.float64)).sum(),
    )
    for _ in range(16):
        model.step()
        hh, places = w.hh, w.places
        weight = hh.weight.astype(np.float64)
        in_city = places.is_city[hh.location]
        records.append(
            dict(
                n=len(hh),
                weight=weight.sum(),
                persons=(hh.size * weight).sum(),
                jobs_held=np.bincount(
                    hh.location[in_city & (hh.employment == Employment.FORMAL)],
                    weights=(hh.adults * weight)[in_city & (hh.employment == Employment.FORMAL)],
                    minlength=places.n,
                ),
                seats_held=np.bincount(
                    hh.location[in_city & hh.school_seat],
                    weights=(hh.children * weight)[in_city & hh.school_seat],
                    minlength=places.n,
                ),
                units_held=w.count_by_place(hh.tenure == Tenure.PUBLIC_RENTAL),
                settled_this_year=places.settlement.settled_this_year_persons.copy(),
                ind=indicators.compute(w),
            )
        )
    return model, start, records


def test_households_and_people_are_conserved(stepped):
    _, start, records = stepped
    for r in records:
        assert r["n"] == start["n"]
        assert r["weight"] == pytest.approx(start["weight"], rel=REL)
        assert r["persons"] == pytest.approx(start["persons"], rel=REL)


def test_capacities_are_never_exceeded_and_do_bind(stepped):
    model, _, records = stepped
    places = model.world.places
    cities = places.is_city
    bound = {"jobs": False, "seats": False, "units": False, "quota": False}
    points = places.settlement.rule == SettlementRuleType.points.value
    for r in records:
        jobs, seats, units = places.labour.formal_jobs, places.schooling.seats, places.housing.units
        assert np.all(r["jobs_held"][cities] <= jobs[cities] * (1 + REL))
        assert np.all(r["seats_held"][cities] <= seats[cities] * (1 + REL))
        assert np.all(r["units_held"][cities] <= units[cities] * (1 + REL))
        quota = places.settlement.annual_quota_persons
        assert np.all(r["settled_this_year"][points] <= quota[points] * (1 + REL))
        bound["jobs"] |= bool(np.any(r["jobs_held"][cities] > 0.97 * jobs[cities]))
        bound["seats"] |= bool(np.any(r["seats_held"][cities] > 0.9 * seats[cities]))
        bound["units"] |= bool(np.any(r["units_held"][cities] > 0.9 * units[cities]))
        bound["quota"] |= bool(np.any(r["settled_this_year"][points] > 0.9 * quota[points]))
    assert all(bound.values()), bound  # the test is only meaningful if every capacity binds


def test_rates_are_percentages_and_gap_is_their_difference(stepped):
    _, _, records = stepped
    for r in records:
        ind = r["ind"]
        assert 0 <= ind["resident_urbanization_pct"] <= 100
        assert 0 <= ind["hukou_urbanization_pct"] <= 100
        assert ind["gap_pp"] == pytest.approx(
            ind["resident_urbanization_pct"] - ind["hukou_urbanization_pct"], abs=1e-12
        )
        assert ind["urban_hukou_population"] <= ind["registered_population"] * (1 + REL)
        assert ind["urban_resident_population"] <= ind["resident_population"] * (1 + REL)


def test_timeseries_has_one_row_per_year_with_consistent_gap(stepped):
    model, _, _ = stepped
    df = model.timeseries()
    assert list(df["year"]) == [2020, 2021, 2022, 2023, 2024]
    assert np.allclose(df["gap_pp"], df["resident_urbanization_pct"] - df["hukou_urbanization_pct"])
    assert (df["settled_persons"][1:] > 0).all()


def test_only_rural_hukou_households_hold_migrant_school_seats_or_wait(stepped):
    model, _, _ = stepped
    hh = model.world.hh
    local_family = hh.hukou_urban & hh.family_followed & (hh.hukou_place == hh.location)
    assert not np.any(local_family & hh.school_seat)
    waiting = hh.waiting_since_month >= 0
    assert np.all(hh.tenure[waiting] == Tenure.PRIVATE_RENTAL)


def test_demography_books_every_person_who_arrives_or_leaves():
    model = small_model(["n_households=5000", "end_year=2024"])
    hh = model.world.hh

    def persons() -> float:
        return float((hh.size * hh.weight.astype(np.float64)).sum())

    before = persons()
    model.run_to_end()
    ts = model.timeseries().iloc[1:]
    booked = (ts["births"] - ts["deaths"] - ts["persons_leaving_households"]).sum()
    assert ts["deaths"].sum() > 0 and ts["births"].sum() > 0
    assert ts["households_formed"].sum() > 0
    assert persons() - before == pytest.approx(booked, rel=1e-6, abs=1e-3)
    for group in ("couple", "parents", "preschool", "children", "grown_children"):
        assert getattr(hh, group).min() >= 0, group
    assert hh.couple[hh.weight > 0].min() >= 1  # every living household has a head
    np.testing.assert_array_equal(
        hh.adults + hh.elderly, hh.couple + hh.parents + hh.grown_children
    )  # the derived age groups add up to the generations


def test_households_that_die_out_free_their_rows_for_new_ones():
    model = small_model(
        ["n_households=3000", "end_year=2030", "demography.mortality_at_60_per_year=0.05"]
    )
    w = model.world
    model.run_to_end()
    assert model.timeseries()["households_formed"].iloc[1:].sum() > 0
    dead = w.hh.weight == 0
    assert dead.sum() == w.hh.free_rows  # every empty row is on the free list, and only those
    assert np.all(w.hh.size[dead] == 0)
