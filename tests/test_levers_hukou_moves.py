"""Hukou moves beside the settlement rules: graduates, returnees, region-wide transfer
(002 (五)-(六))."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small_model
from model import decisions, hukou_moves, settlement
from model.households import Households
from model.permits import AccessBasis, reachable

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
    settlement.mark_settlement_eligibility(w)
    assert not w.hh.settlement_eligible[idx[~w.hh.graduate[idx]]].any()  # nobody meets the rule
    assert w.hh.settlement_eligible[idx[w.hh.graduate[idx]]].all() == free
    w.hh.settle_applicant[idx] = True
    settlement.admit_settlers(w)
    settled = w.hh.hukou_urban[idx]
    assert settled.any() == free  # the quota is 0: only the graduate channel admits
    assert (settled == (free & w.hh.graduate[idx])).all()
    assert w.places.settlement.settled_this_year_persons[capital] == 0  # not counted in the quota


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_returnees_register_at_their_origin_town(share):
    model = small_model([*BASE, f"hukou_moves.returnee_origin_settlement_share={share}"])
    w = model.world
    capital = w.places.index("capital")
    idx = _rural_migrants_in(w, capital)[:50]
    idx = idx[w.places.is_rural[w.hh.origin[idx]]]
    decisions.relocate(w, idx, w.hh.origin[idx])
    before = w.flows.totals.get("settled_persons", 0.0)
    hukou_moves.move_hukou(w)
    hh = w.hh
    assert (hh.location[idx] == hh.origin[idx]).all()  # they live in the village
    assert hh.hukou_urban[idx].all() == (share == 1.0)
    if share == 1.0:
        assert (hh.hukou_place[idx] == w.places.town_of[hh.origin[idx]]).all()
        assert w.flows.totals["settled_persons"] > before
    stayers = _rural_migrants_in(w, capital)  # nobody else moved their hukou
    assert not hh.hukou_urban[stayers].any()


@pytest.mark.parametrize("transfer", [False, True])
def test_an_urban_hukou_of_the_region_follows_its_holder(transfer):
    model = small_model([*BASE, f"hukou_moves.region_transfer={str(transfer).lower()}"])
    w = model.world
    capital, prefecture = w.places.index("capital"), w.places.index("prefecture")
    hh = w.hh
    idx = np.flatnonzero(hh.hukou_urban & (hh.hukou_place == capital) & (hh.location == capital))
    idx = idx[:40]
    basis = np.array([AccessBasis.hukou.value], dtype=np.int8)
    assert reachable(w, idx, basis).all() == transfer
    decisions.relocate(w, idx, np.full(idx.size, prefecture, dtype=np.int16))
    hukou_moves.move_hukou(w)
    assert (hh.hukou_place[idx] == (prefecture if transfer else capital)).all()
    assert hh.hukou_urban[idx].all()  # an urban hukou stays urban either way
