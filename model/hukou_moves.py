"""Hukou moves beside the cities' settlement rules: graduates, returnees, transfer in the region.

Seeds: 002 (五) (rural-born college students "come and go freely": during their studies or
after graduating they may move the hukou back to their origin or into the place where they work
or start a business) and 002 (六) (a region-wide hukou transfer system; qualified returnees who
work or start a business at home may register either at their origin or where they work).

- **Graduates** (``graduates_move_freely``). A household whose head is a college graduate holds
  the ``graduate`` flag: set when a grown child forms a household and its skill lies in the top
  ``graduate_share`` of the skill distribution, and at the start for heads under
  ``GRADUATE_MAX_START_AGE_YEARS`` by the same rule (no extra random draw: the flag follows
  skill, the model's stand-in for schooling). With the lever, a rural-hukou graduate who lives
  and works (or runs a business) in a city of the region may settle there whatever the city's
  rule asks (address, residence, insurance, points), and outside a points city's yearly quota
  (an assumption: the clause lets graduates move freely and names no quota); a closed city
  refuses. Moving the hukou back to the origin is not modelled: settled households keep their
  rural rights in every seed region (000 (十六); 001 二(二)3), so a move back would change no
  choice and no service.
- **Returnees** (``returnee_origin_settlement_share``). A household that came back to its
  village from a city or from outside this step and starts a business there (a returnee loan,
  :mod:`model.skills`) registers an urban hukou of its rural area's town with this
  probability: the clause's returnees who start a business, registering where they do. It stays
  in the village (its hukou is urban, its residence rural) and counts as settled, with the
  fiscal links and land terms of any settler.
- **Region-wide transfer** (``region_transfer``). An urban hukou of the region (a city's or a
  town's) follows its holder to the city of the region where it lives, without that city's
  rule or quota: in a region with a points city, a town hukou becomes a way in. A household
  weighing a move counts the hukou-based services of every city as within reach
  (:func:`model.permits.reaches`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtri

from model import fiscal, land
from model.compiled import jit
from model.households import UNEMPLOYED
from model.levers import lever
from model.skills import Business

if TYPE_CHECKING:
    from model.households import Households
    from model.world import World

GRADUATE_MAX_START_AGE_YEARS = 35.0  # heads older than this at the start studied before the reforms


def move_hukou(w: World) -> None:
    """Phase: returnees register at their origin's town; urban hukou follow movers in the region."""
    policy, hh, places = w.cfg.hukou_moves, w.hh, w.places
    if policy.returnee_origin_settlement_share > 0:
        back = np.flatnonzero(_rural_hukou_back_home_this_step(w))
        back = back[hh.entrepreneur[back] == Business.VILLAGE]  # they start a business at home
        town = places.town_of[hh.location[back]]
        back, town = back[town >= 0], town[town >= 0]
        takes = w.rng.random(back.size) < policy.returnee_origin_settlement_share
        grant_urban_hukou(w, back[takes], town[takes])
        w.flows.add("returnees_settled_at_origin", hh.weight[back[takes]].sum(dtype=np.float64))
    if policy.region_transfer:
        moved = np.flatnonzero(
            _urban_hukou_of_another_city(
                hh.hukou_urban, hh.hukou_place, hh.location, places.is_city
            )
        )
        hh.hukou_place[moved] = hh.location[moved]
        w.flows.add("hukou_transfers_in_region", hh.weight[moved].sum(dtype=np.float64))


def grant_urban_hukou(w: World, idx: np.ndarray, place: np.ndarray) -> None:
    """Households ``idx`` take an urban hukou of ``place`` (one per household).

    Family members follow where the place's rule lets them; the persons count as settled, with
    the fiscal links and the land terms of settling.
    """
    hh = w.hh
    follows = w.places.settlement.family_follows[place]
    persons = np.where(follows, hh.size_of(idx), 1) * hh.weight[idx].astype(np.float64)
    hh.hukou_urban[idx] = True
    hh.hukou_place[idx] = place
    hh.family_followed[idx] = follows
    hh.settlement_eligible[idx] = False
    w.flows.add("settled_persons", persons.sum())
    w.flows.add_by_place("settled_persons", place, persons)
    fiscal.book_settlement(w, place, persons)
    land.apply_settlement_terms(w, idx)


def _rural_hukou_back_home_this_step(w: World) -> np.ndarray:
    """Whether each household is a rural-hukou household back at its home village this step
    (moved there: months in place reset)."""
    hh = w.hh
    return _back_home_rural(
        hh.location, hh.origin, hh.months_in_place, hh.weight, hh.hukou_urban, w.places.is_rural
    )


@jit
def _back_home_rural(
    location: np.ndarray,
    origin: np.ndarray,
    months_in_place: np.ndarray,
    weight: np.ndarray,
    hukou_urban: np.ndarray,
    is_rural: np.ndarray,
) -> np.ndarray:
    """:func:`_rural_hukou_back_home_this_step` of each household."""
    out = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        home = location[i] == origin[i] and is_rural[location[i]]
        out[i] = home and months_in_place[i] == 0 and weight[i] > 0 and not hukou_urban[i]
    return out


@jit
def _urban_hukou_of_another_city(
    hukou_urban: np.ndarray, hukou_place: np.ndarray, location: np.ndarray, is_city: np.ndarray
) -> np.ndarray:
    """Whether each household lives in a city holding the urban hukou of another city of the
    region."""
    out = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        out[i] = (
            hukou_urban[i]
            and is_city[location[i]]
            and hukou_place[i] != location[i]
            and is_city[hukou_place[i]]
        )
    return out


def graduate_channel(w: World, idx: np.ndarray) -> np.ndarray:
    """Whether households ``idx`` may settle as graduates where they work, whatever the rule."""
    if not w.cfg.hukou_moves.graduates_move_freely:
        return np.zeros(idx.size, dtype=bool)
    hh = w.hh
    return _graduates_may_settle(hh.graduate[idx], hh.hukou_urban[idx], hh.employment[idx])


@jit
def graduate_may_settle(graduate: bool, hukou_urban: bool, employment: int) -> bool:
    """A graduate head without an urban hukou, with work, may settle where the household lives."""
    return graduate and not hukou_urban and employment != UNEMPLOYED


@jit
def _graduates_may_settle(
    graduate: np.ndarray, hukou_urban: np.ndarray, employment: np.ndarray
) -> np.ndarray:
    """:func:`graduate_may_settle` of each household."""
    out = np.empty(graduate.size, dtype=np.bool_)
    for i in range(graduate.size):
        out[i] = graduate_may_settle(graduate[i], hukou_urban[i], employment[i])
    return out


def mark_graduates(hh: Households, rows: np.ndarray | slice, share: float) -> None:
    """Flag as graduates the heads of ``rows`` whose skill lies in the top ``share``."""
    hh.graduate[rows] = hh.skill[rows] >= np.float32(ndtri(1.0 - share))


def mark_graduates_at_start(hh: Households, share: float) -> None:
    """Flag the initial heads young enough to have studied under the current rules."""
    young = np.flatnonzero(hh.head_age_years < GRADUATE_MAX_START_AGE_YEARS)
    mark_graduates(hh, young, share)


@dataclass
class HukouMovesPolicy:
    """Hukou moves outside the cities' settlement rules (region)."""

    graduates_move_freely: bool = lever(
        False,
        unit="flag",
        doc="Rural-born college graduates may move their hukou into the city where they work "
        "whatever its rule or quota (closed cities excepted).",
        seeds="002 (五)",
    )
    graduate_share: float = lever(
        0.3,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of young household heads who are college graduates (top of the skill "
        "distribution). Assumption: below the national gross enrolment ratio of higher "
        "education (51.6 % in 2019, Ministry of Education statistical bulletin), since "
        "rural youth enrol less.",
    )
    returnee_origin_settlement_share: float = lever(
        0.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of households returning to their village from a city or outside who "
        "register an urban hukou of their area's town (the clause allows it; the size is an "
        "assumption, 0 = not used).",
        seeds="002 (六)",
    )
    region_transfer: bool = lever(
        False,
        unit="flag",
        doc="Region-wide hukou transfer: an urban hukou of the region moves with its holder to "
        "the city of the region where it lives (hukou-based services follow).",
        seeds="002 (六)",
    )
