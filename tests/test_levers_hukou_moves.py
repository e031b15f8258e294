"""Hukou moves beside the settlement rules: graduates, returnees, region-wide transfer
(002 (五)-(六))."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small_model
from model import decisions, hukou_moves, settlement
from model.households import Employment, Households
from model.permits import AccessBasis, reaches, standing
from model.skills import Business

BASE = ["n_households=4000"]


def _rural_migrants_in(w, place: int) -> np.ndarray:
    hh = w.hh
    return np.flatnonzero((hh.location == place) & ~hh.hukou_urban & (hh.weight > 0))


def test_the_top_share_of_skill_are_graduates():
    hh = Households.empty(200_000)
    hh.skill[:] = np.random.default_rng(0).standard_normal(200_000)
    hukou_moves.mark_graduates(hh, slice(None), 0.3)
    assert hh.graduate.mean() == pytest.approx(0.3, abs=0.005)
    assert hh.skill[hh.graduate].min() > hh.skill[~hh.graduate].max()


@pytest.mark.parametrize("free", [False, True])
def test_graduates_settle_in_a_points_city_whatever_its_rule_or_quota(free):
    model = small_model(
        [
            *BASE,
            "cities.capital.settlement.annual_quota_persons=0",
            "cities.capital.settlement.min_points=10000",
            f"hukou_moves.graduates_move_freely={str(free).lower()}",
        ]
    )
    w = model.world
    capital = w.places.index("capital")
    idx = _rural_migrants_in(w, capital)
    w.hh.graduate[idx] = np.arange(idx.size) % 2 == 0
    w.hh.employment[idx] = Employment.INFORMAL  # they work where they live
    settlement.mark_settlement_eligibility(w)
    assert not w.hh.settlement_eligible[idx[~w.hh.graduate[idx]]].any()  # nobody meets the rule
    assert w.hh.settlement_eligible[idx[w.hh.graduate[idx]]].all() == free
    w.hh.settle_applicant[idx] = True
    settlement.admit_settlers(w)
    settled = w.hh.hukou_urban[idx]
    assert settled.any() == free  # the quota is 0: only the graduate channel admits
    assert (settled == (free & w.hh.graduate[idx])).all()
    assert w.places.settlement.settled_this_year_persons[capital] == 0  # not counted in the quota


def test_graduates_need_work_and_an_open_door():
    model = small_model(
        [
            *BASE,
            "hukou_moves.graduates_move_freely=true",
            "cities.prefecture.settlement.rule=closed",
        ]
    )
    w = model.world
    hh = w.hh
    capital, prefecture = w.places.index("capital"), w.places.index("prefecture")
    jobless = _rural_migrants_in(w, capital)[:20]
    closed = _rural_migrants_in(w, prefecture)[:20]
    hh.graduate[jobless] = hh.graduate[closed] = True
    hh.employment[jobless] = Employment.UNEMPLOYED
    hh.employment[closed] = Employment.INFORMAL
    settlement.mark_settlement_eligibility(w)
    assert not hh.settlement_eligible[closed].any()  # a closed city admits no graduate
    assert not hukou_moves.graduate_channel(w, jobless).any()  # they settle where they work


def test_graduates_do_not_take_the_quota_from_others():
    quota = 3000.0
    model = small_model(
        [
            *BASE,
            f"cities.capital.settlement.annual_quota_persons={quota}",
            "hukou_moves.graduates_move_freely=true",
        ]
    )
    w = model.world
    hh = w.hh
    capital = w.places.index("capital")
    w.places.settlement.settled_this_year_persons[capital] = 0.0
    idx = _rural_migrants_in(w, capital)
    hh.employment[idx] = Employment.INFORMAL
    hh.graduate[idx] = np.arange(idx.size) % 3 == 0
    settlement.mark_settlement_eligibility(w)
    others = idx[~hh.graduate[idx] & hh.settlement_eligible[idx]]
    assert (hh.size[others] * hh.weight[others]).sum() > 2 * quota  # the quota binds
    hh.settle_applicant[idx] = True
    settlement.admit_settlers(w)
    settled = others[hh.hukou_urban[others]]
    persons = float((hh.size[settled] * hh.weight[settled]).sum(dtype=np.float64))
    assert quota * 0.8 < persons <= quota * (1 + 1e-9)  # non-graduates fill the quota
    assert hh.hukou_urban[idx[hh.graduate[idx]]].all()


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_returnees_who_start_a_business_register_at_their_origin_town(share):
    model = small_model(
        [
            *BASE,
            f"hukou_moves.returnee_origin_settlement_share={share}",
            "skills.returnee_loan_cny=100000",
            "skills.returnee_loan_take_up=0.5",
        ]
    )
    w = model.world
    hh = w.hh
    capital = w.places.index("capital")
    idx = _rural_migrants_in(w, capital)[:200]
    idx = idx[w.places.is_rural[hh.origin[idx]]]
    at_home = np.flatnonzero((hh.location == hh.origin) & ~hh.hukou_urban & (hh.weight > 0))
    decisions.relocate(w, idx, hh.origin[idx])
    business = hh.entrepreneur[idx] == Business.VILLAGE
    assert 0 < business.sum() < idx.size
    before = w.flows.totals.get("settled_persons", 0.0)
    hukou_moves.move_hukou(w)
    assert (hh.location[idx] == hh.origin[idx]).all()  # they live in the village
    assert hh.hukou_urban[idx[business]].all() == (share == 1.0)
    assert not hh.hukou_urban[idx[~business]].any()  # no business at home: no town hukou
    if share == 1.0:
        starters = idx[business]
        assert (hh.hukou_place[starters] == w.places.town_of[hh.origin[starters]]).all()
        assert w.flows.totals["settled_persons"] > before
        weight = hh.weight[starters].sum(dtype=np.float64)
        assert w.flows.totals["returnees_settled_at_origin"] == pytest.approx(weight)
    assert not hh.hukou_urban[at_home].any()  # those who never left keep their rural hukou
    stayers = _rural_migrants_in(w, capital)
    assert not hh.hukou_urban[stayers].any()


def test_freed_rows_are_not_returnees():
    model = small_model([*BASE, "hukou_moves.returnee_origin_settlement_share=1"])
    w = model.world
    hh = w.hh
    rows = np.flatnonzero(hh.weight > 0)[:10]
    hh.release(rows)
    hh.entrepreneur[rows] = Business.VILLAGE  # as if; weight 0 all the same
    hukou_moves.move_hukou(w)
    assert not hh.hukou_urban[rows].any()


@pytest.mark.parametrize("transfer", [False, True])
def test_an_urban_hukou_of_the_region_follows_its_holder(transfer):
    model = small_model([*BASE, f"hukou_moves.region_transfer={str(transfer).lower()}"])
    w = model.world
    capital, prefecture = w.places.index("capital"), w.places.index("prefecture")
    hh = w.hh
    idx = np.flatnonzero(hh.hukou_urban & (hh.hukou_place == capital) & (hh.location == capital))
    idx = idx[:40]
    registered, urban_of_region = standing(
        True, capital, w.places.is_outside, w.places.is_city, transfer
    )
    assert registered and reaches(AccessBasis.hukou.value, registered, urban_of_region) == transfer
    decisions.relocate(w, idx, np.full(idx.size, prefecture, dtype=np.int16))
    hukou_moves.move_hukou(w)
    assert (hh.hukou_place[idx] == (prefecture if transfer else capital)).all()
    assert hh.hukou_urban[idx].all()  # an urban hukou stays urban either way
