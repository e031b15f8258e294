"""The compiled passes of the services' rules and the year-end accounts against the whole-array
numpy forms they replaced, on a run's state shuffled to every combination of the rules'
conditions (:func:`conftest.shuffled_state`): a loop must give their results bit for bit.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from conftest import shuffled_state
from model import dibao, housing, insurance
from model.households import NOT_WAITING, Employment, Tenure
from model.permits import AccessBasis, has_access, hukou_here
from model.person_accounts import person_accounts


def _hukou_here(w, idx):
    hh = w.hh
    return hh.hukou_urban[idx] & (hh.hukou_place[idx] == hh.location[idx])


def _has_access(w, idx, basis):
    hh = w.hh
    return (
        (basis == AccessBasis.open.value)
        | _hukou_here(w, idx)
        | ((basis == AccessBasis.permit.value) & hh.has_permit[idx])
        | ((basis == AccessBasis.region_hukou.value) & ~w.places.is_outside[hh.hukou_place[idx]])
    )


def _person_accounts(w):
    hh, places = w.hh, w.places
    weight = hh.weight
    in_city = places.is_city[hh.location]
    outside = places.is_outside[hh.location]
    schooled = (
        (hh.location == hh.origin)
        | (hh.hukou_urban & hh.family_followed & (hh.hukou_place == hh.location))
        | hh.school_seat
        | hh.private_school
    )
    away = hh.children_total * ~schooled * weight
    present = hh.size * weight - away
    registered = hh.size * weight * ~places.is_outside[hh.hukou_place]
    held = 1 + hh.family_followed * (hh.size - 1)
    urban_hukou = (held * hh.hukou_urban).astype(np.float32) * weight
    hukou_present = np.minimum(urban_hukou, present)
    hukou_present[hh.family_followed] = present[hh.family_followed]
    urban_resident = present * in_city
    return {
        "resident": present * ~outside + away * ~places.is_outside[hh.origin],
        "urban_resident": urban_resident,
        "registered": registered,
        "urban_hukou": urban_hukou,
        "non_hukou_urban": urban_resident - hukou_present * (hh.hukou_urban & in_city),
        "children_away": away,
        "outside": present * outside,
    }


def _income_per_person(w):
    hh = w.hh
    land_income = hh.contract_land_mu * np.float32(
        w.cny(w.cfg.land.land_rent_cny_per_mu_month)
    ) + hh.collective_income_cny_per_month * np.float32(w.price_level)
    return (hh.income_cny_per_month + land_income) / np.maximum(hh.size, 1)


def _persons_by_place(w, where):
    hh = w.hh
    rows = np.flatnonzero(where)
    persons = hh.weight[rows].astype(np.float64) * hh.size_of(rows)
    return np.bincount(hh.location[rows], weights=persons, minlength=w.places.n)


def _waiting_list(w):
    """The waiting list's update and the rental subsidy, as the phase's numpy form did them
    (on the households as they are: no leases end, no unit is let)."""
    hh, t, places = w.hh, w.places.housing, w.places
    renters = np.flatnonzero(places.is_city[hh.location] & (hh.tenure == Tenure.PRIVATE_RENTAL))
    loc = hh.location[renters]
    ceiling = t.income_ceiling[loc] * np.float32(w.price_level)
    in_need = hh.income_cny_per_month[renters] <= ceiling
    may_queue = _has_access(w, renters, t.public_basis[loc]) | (
        t.poverty_may_apply[loc] & hh.poverty_registered[renters]
    )
    queue_ok = in_need & may_queue & (t.units[loc] > 0)
    waiting = np.full(len(hh), NOT_WAITING, dtype=hh.waiting_since_month.dtype)
    was = hh.waiting_since_month[renters]
    waiting[renters] = np.where(queue_ok, np.where(was == NOT_WAITING, w.month, was), NOT_WAITING)
    subsidized = in_need & (t.subsidy_cny[loc] > 0) & _has_access(w, renters, t.subsidy_basis[loc])
    return renters, renters[queue_ok], waiting, renters[subsidized]


@pytest.mark.parametrize("seed", [0, 1])
def test_access_accounts_and_incomes_give_the_numpy_forms(seed):
    w = shuffled_state(seed)
    hh, rng = w.hh, np.random.default_rng(seed)
    idx = np.flatnonzero(rng.random(len(hh)) < 0.5)
    basis = rng.integers(0, 4, idx.size).astype(np.int8)
    assert np.array_equal(hukou_here(w, idx), _hukou_here(w, idx))
    assert np.array_equal(has_access(w, idx, basis), _has_access(w, idx, basis))

    accounts = person_accounts(w)
    for name, reference in _person_accounts(w).items():
        assert getattr(accounts, name).tobytes() == reference.tobytes(), name
    assert (accounts.children_away > 0).any() and (accounts.non_hukou_urban > 0).any()

    income_pp = dibao.income_per_person(w)
    assert income_pp.tobytes() == _income_per_person(w).tobytes()
    assert dibao.income_per_person(w, idx).tobytes() == _income_per_person(w)[idx].tobytes()

    where = w.places.is_city[hh.location] & ~hh.hukou_urban
    assert hh.persons_by_place(w.places.n, where).tobytes() == (
        _persons_by_place(w, where).tobytes()
    )
    every = np.ones(len(hh), dtype=bool)
    assert hh.persons_by_place(w.places.n).tobytes() == _persons_by_place(w, every).tobytes()


@pytest.mark.parametrize("seed", [0, 1])
def test_waiting_list_subsidy_and_insurance_give_the_numpy_forms(seed):
    w = shuffled_state(seed)
    hh, t = w.hh, w.places.housing
    t.units[w.places.city_places[0]] = 0.0  # a city without units: nobody queues there
    t.subsidy_cny[w.places.city_places[1]] = 0.0  # a city without a rental subsidy
    hh.waiting_since_month[np.random.default_rng(seed).random(len(hh)) < 0.3] = w.month - 7
    expected = _waiting_list(copy.deepcopy(w))

    renting, in_need, queueing = housing._update_waiting_list(
        hh.location,
        hh.tenure,
        hh.income_cny_per_month,
        hh.hukou_urban,
        hh.hukou_place,
        hh.has_permit,
        hh.poverty_registered,
        hh.waiting_since_month,
        w.places.is_city,
        w.places.is_outside,
        housing.housing_ceilings(w),
        t.public_basis,
        t.poverty_may_apply,
        t.units,
        w.month,
    )
    renters, queue, waiting, subsidized = expected
    assert np.array_equal(np.flatnonzero(renting), renters)
    assert np.array_equal(np.flatnonzero(queueing), queue)
    assert np.array_equal(hh.waiting_since_month, waiting)
    assert queue.size and (waiting[queue] < w.month).any() and (waiting[queue] == w.month).any()
    granted = housing._grant_rental_subsidies(
        renters,
        in_need,
        hh.tenure,
        hh.location,
        hh.hukou_urban,
        hh.hukou_place,
        hh.has_permit,
        w.places.is_outside,
        t.subsidy_cny,
        t.subsidy_basis,
        hh.rental_subsidy,
    )
    assert np.array_equal(renters[granted], subsidized) and subsidized.size

    # Insurance accrual: flexible cover lasts while informal in a city; insured workers accrue.
    hh.insurance_months[::7] = np.int16(32766)  # near the cap: saturating, not overflowing
    months, flexible, counter = 3, hh.insured_flexible.copy(), hh.insurance_months.copy()
    in_city = w.places.is_city[hh.location]
    flexible &= in_city & (hh.employment == Employment.INFORMAL)
    accruing = in_city & ((hh.employment == Employment.FORMAL) | flexible)
    np.minimum(counter, np.iinfo(np.int16).max - months, out=counter)  # add_months, numpy
    counter += np.int16(months) * accruing
    insurance._accrue(
        w.places.is_city, hh.location, hh.employment, hh.insured_flexible, hh.insurance_months, 3
    )
    assert np.array_equal(hh.insured_flexible, flexible)
    assert np.array_equal(hh.insurance_months, counter)
    assert (counter == np.iinfo(np.int16).max).any()


@pytest.mark.parametrize("seed", [0, 1])
def test_row_finders_review_and_own_city_gain_give_the_numpy_forms(seed):
    from model import employment_support, hukou_moves, labour, permits, schooling
    from model.assistance import _review_caseload
    from model.households import add_months
    from model.settling_gain import settling_gain_by_city_cny_per_month, settling_gain_cny_per_month

    w = shuffled_state(seed)
    hh, places, rng = w.hh, w.places, np.random.default_rng(seed)
    is_city, is_rural = places.is_city, places.is_rural
    rows = np.flatnonzero(rng.random(len(hh)) < 0.6)
    same = np.testing.assert_array_equal

    # Permit applicants: no hukou here, the months, and (if required) a stable basis.
    for stable in (False, True):
        ok = ~_hukou_here(w, rows) & (hh.months_in_place[rows] >= 6)
        if stable:
            housed = (hh.tenure[rows] != Tenure.PRIVATE_RENTAL) | hh.registered_lease[rows]
            working = (hh.employment[rows] == Employment.FORMAL) | hh.insured_flexible[rows]
            ok &= housed | working | hh.school_seat[rows]
        got = permits._may_apply(
            rows,
            hh.hukou_urban,
            hh.hukou_place,
            hh.location,
            hh.months_in_place,
            hh.tenure,
            hh.registered_lease,
            hh.employment,
            hh.insured_flexible,
            hh.school_seat,
            6,
            stable,
        )
        same(got, ok)
        assert ok.any() and not ok.all()

    # Row finders over every household.
    home = (hh.location == hh.origin) & is_rural[hh.location]
    assert hukou_moves._rural_hukou_back_home_this_step(w).any()
    same(
        hukou_moves._rural_hukou_back_home_this_step(w),
        home & (hh.months_in_place == 0) & (hh.weight > 0) & ~hh.hukou_urban,
    )
    same(
        hukou_moves._urban_hukou_of_another_city(
            hh.hukou_urban, hh.hukou_place, hh.location, is_city
        ),
        hh.hukou_urban
        & is_city[hh.location]
        & (hh.hukou_place != hh.location)
        & is_city[hh.hukou_place],
    )
    same(
        employment_support._hard_to_employ(hh.employment, hh.dibao, hh.poverty_registered),
        (hh.employment == Employment.UNEMPLOYED) | hh.dibao | hh.poverty_registered,
    )
    at_home = home & (hh.adults > 0)
    same(
        employment_support._at_home_of_working_age(
            rows, hh.location, hh.origin, hh.adults, is_rural
        ),
        at_home[rows],
    )
    same(
        employment_support._poor_at_home_without_post(
            hh.dibao, hh.public_welfare_post, hh.location, hh.origin, hh.adults, hh.weight, is_rural
        ),
        hh.dibao & ~hh.public_welfare_post & at_home & (hh.weight > 0),
    )
    same(
        labour.city_migrants_without_formal_job(w, rows),
        rows[
            is_city[hh.location[rows]]
            & is_rural[hh.origin[rows]]
            & (hh.employment[rows] != Employment.FORMAL)
            & (hh.adults[rows] > 0)
            & (hh.weight[rows] > 0)
        ],
    )
    same(
        insurance._informal_uninsured(is_city, hh.location, hh.employment, hh.insured_flexible),
        is_city[hh.location] & (hh.employment == Employment.INFORMAL) & ~hh.insured_flexible,
    )
    same(
        schooling._with_children_in_city(is_city, hh.location, hh.children),
        is_city[hh.location] & (hh.children > 0),
    )
    standard = np.where(is_rural, *dibao.current_standards(w)[::-1])[hh.location]
    same(dibao.below_standard_where_living(w), _income_per_person(w) < standard)
    counter = hh.months_in_place.copy()
    counter[::5] = np.int16(32766)
    expected = np.minimum(counter, np.iinfo(np.int16).max - 3) + np.int16(3)
    add_months(counter, 3)
    same(counter, expected)

    # The dibao caseload review: grace months, reviews, moves, registration as poor.
    below, place = rng.random(len(hh)) < 0.5, np.where(rng.random(len(hh)) < 0.1, -1, 1)
    hh.dibao[:] = rng.random(len(hh)) < 0.5
    hh.dibao_grace_months[:] = rng.choice(np.int16([0, 1, 3, 6]), len(hh))
    for review_due in (False, True):
        dibao_, grace, poor = (
            hh.dibao.copy(),
            hh.dibao_grace_months.copy(),
            hh.poverty_registered.copy(),
        )
        grace[dibao_ & below] = 6
        above = dibao_ & ~below
        grace[above] = np.maximum(grace[above] - 3, 0)
        if review_due:
            dibao_ &= ~(above & (grace <= 0))
        dibao_ &= place >= 0
        poor |= dibao_ & (hh.adults > 0)
        state = [a.copy() for a in (hh.dibao, hh.dibao_grace_months, hh.poverty_registered)]
        _review_caseload(below, place, hh.adults, *state, 6, 3, review_due, True)
        for got, want in zip(state, (dibao_, grace, poor), strict=True):
            same(got, want)

    # A migrant's settling gain in its own city: the gain priced in each city for its residents.
    migrants = np.flatnonzero(is_city[hh.location] & ~hh.hukou_urban)
    cities = places.city_places
    col = np.searchsorted(cities, hh.location[migrants])
    want = np.empty(migrants.size, dtype=np.float32)
    for j in np.unique(col):
        sub = np.flatnonzero(col == j)
        want[sub] = settling_gain_by_city_cny_per_month(w, migrants[sub], cities[j : j + 1])[:, 0]
    assert settling_gain_cny_per_month(w, migrants).tobytes() == want.tobytes()
