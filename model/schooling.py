"""School access for migrant children: enrolment basis and the seats open to them.

Children without a public seat where their parents live may take a place in a private
(fee-paying) school for migrant children, if the city has one free; otherwise they stay behind in
the origin (留守儿童): they count as rural residents there, and the household weighs that as a cost
when it chooses where to live.

Seeds: 000 (四) (admission based mainly on the residence permit), 000 (五) (aid for the children
of poor migrants), 001 二(一)2(1) (permit as the main basis; no extra paperwork; children of
formerly poor households enrolled on time), 002 (八) (more seats, public schools first),
004 (六) (more urban seats; permit-based admission).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model import layout
from model.compiled import jit, sum_by_place
from model.levers import lever
from model.permits import (
    AccessBasis,
    has_access,
    holds_hukou,
    hukou_here,
    reaches,
    standing,
)
from model.rationing import fill_capacity, keep_within
from model.tables import column_builder

if TYPE_CHECKING:
    from model.world import World


@dataclass
class SchoolingPolicy:
    """One city's school access for the children of non-hukou residents."""

    enrolment_basis: AccessBasis = lever(
        AccessBasis.permit,
        unit="choice",
        doc="Who may enrol: hukou (children holding the city's hukou only) | region_hukou "
        "(any hukou of the region) | permit (residence-permit holders) | open (every "
        "resident child).",
        seeds="000 (四); 001 二(一)2(1); 002 (八); 004 (六)",
    )
    migrant_school_seats: float = lever(
        0.0,
        unit="children",
        low=0,
        high=1e8,
        doc="Public-school places open to children without the city's hukou.",
        seeds="002 (八); 004 (六)",
    )
    poverty_registered_first: bool = lever(
        True,
        unit="flag",
        doc="Children of poverty-registered households are placed first (a reading of 000's "
        "preamble, poor migrants first for basic public services; 001 二(一)2(1) guarantees "
        "their on-time school entry).",
        seeds="000 preamble; 001 二(一)2(1)",
    )
    cost_cny_per_seat_month: float = lever(
        1000.0,
        unit="CNY/child/month",
        low=0,
        high=1e5,
        doc="Fiscal cost of one occupied migrant school place (assumption).",
    )
    private_school_seats: float = lever(
        0.0,
        unit="children",
        low=0,
        high=1e8,
        doc="Places in private schools open to migrant children without a public seat "
        "(market supply, not policy).",
    )
    private_school_fee_cny_per_child_month: float = lever(
        600.0,
        unit="CNY/child/month",
        low=0,
        high=1e5,
        doc="Fee a household pays for a private school place (assumption).",
    )


@dataclass
class SchoolTable:
    """Per-place arrays of the schooling policies and their state."""

    basis: np.ndarray  # int8 AccessBasis values
    seats: np.ndarray
    private_seats: np.ndarray
    private_fee: np.ndarray
    poverty_first: np.ndarray
    cost_per_seat_month: np.ndarray
    used: np.ndarray  # migrant seats occupied after the last allocation (children)
    access_prob: np.ndarray  # chance an eligible newcomer's children get seats (for decisions)
    private_used: np.ndarray  # private places occupied after the last allocation (children)
    private_prob: np.ndarray  # chance a newcomer without a public seat finds a private place

    @classmethod
    def build(
        cls, n_places: int, city_slots: list[int], policies: list[SchoolingPolicy]
    ) -> SchoolTable:
        """Arrays over all places from the policies of the cities at ``city_slots``."""

        arr = column_builder(n_places, city_slots, policies)

        return cls(
            basis=arr(lambda p: p.enrolment_basis.value, np.int8, AccessBasis.hukou.value),
            seats=arr(lambda p: p.migrant_school_seats, np.float64, 0),
            private_seats=arr(lambda p: p.private_school_seats, np.float64, 0),
            private_fee=arr(lambda p: p.private_school_fee_cny_per_child_month, np.float32, 0),
            poverty_first=arr(lambda p: p.poverty_registered_first, bool, False),
            cost_per_seat_month=arr(lambda p: p.cost_cny_per_seat_month, np.float64, 0),
            used=np.zeros(n_places),
            access_prob=np.zeros(n_places),
            private_used=np.zeros(n_places),
            private_prob=np.zeros(n_places),
        )


@jit
def schooled_with_parents(
    location: int,
    origin: int,
    hukou_urban: bool,
    family_followed: bool,
    hukou_place: int,
    school_seat: bool,
    private_school: bool,
) -> bool:
    """Whether a household's children live and study where the parents live: at home, as a
    hukou family in its city, or with a public seat or a private place."""
    hukou_family_here = family_followed and holds_hukou(hukou_urban, hukou_place, location)
    return location == origin or hukou_family_here or school_seat or private_school


def allocate_school_seats(w: World) -> None:
    """Phase: children of eligible migrants take free seats, priority groups first."""
    hh, t, places = w.hh, w.places.schooling, w.places
    city_idx = np.flatnonzero(_with_children_in_city(places.is_city, hh.location, hh.children))
    local = hukou_here(w, city_idx) & hh.family_followed[city_idx]
    hh.school_seat[city_idx[local]] = False  # hukou children use local schools, not migrant seats
    hh.private_school[city_idx[local]] = False
    migrants = city_idx[~local]
    loc = hh.location[migrants]
    kids = hh.children[migrants] * hh.weight[migrants].astype(np.float64)
    holding = hh.school_seat[migrants]
    _keep_within_seats(w, migrants, loc, kids, holding, t.seats, hh.school_seat)
    used = sum_by_place(loc[holding], kids[holding], places.n)
    free = np.maximum(t.seats - used, 0.0)

    want = ~holding & has_access(w, migrants, t.basis[loc])
    applicants, aloc, akids = migrants[want], loc[want], kids[want]
    priority = t.poverty_first[aloc] & hh.poverty_registered[applicants]
    placed = fill_capacity(aloc, akids, free, -priority.astype(np.float64), w.rng)
    hh.school_seat[applicants[placed]] = True

    demand = sum_by_place(aloc, akids, places.n)
    t.access_prob = np.where(demand > 0, np.minimum(free / np.maximum(demand, 1e-9), 1.0), 1.0)
    t.access_prob[t.seats <= 0] = 0.0
    t.used = used + sum_by_place(aloc[placed], akids[placed], places.n)
    w.flows.add(
        "outlay_school_places_cny", (t.used * t.cost_per_seat_month).sum() * w.months_per_step
    )
    hh.private_school[applicants[placed]] = False  # a public seat replaces a private place
    fill_private_places(w, migrants[~hh.school_seat[migrants]])


@jit
def _with_children_in_city(
    is_city: np.ndarray, location: np.ndarray, children: np.ndarray
) -> np.ndarray:
    """Whether each household lives in a city with children of school age."""
    out = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        out[i] = is_city[location[i]] and children[i] > 0
    return out


def fill_private_places(w: World, idx: np.ndarray) -> None:
    """Children of households ``idx`` (no public seat) take free private places by lottery."""
    hh, t, places = w.hh, w.places.schooling, w.places
    loc = hh.location[idx]
    kids = hh.children[idx] * hh.weight[idx].astype(np.float64)
    holding = hh.private_school[idx]
    _keep_within_seats(w, idx, loc, kids, holding, t.private_seats, hh.private_school)
    used = sum_by_place(loc[holding], kids[holding], places.n)
    free = np.maximum(t.private_seats - used, 0.0)
    want = idx[~holding]
    wloc, wkids = hh.location[want], kids[~holding]
    placed = fill_capacity(wloc, wkids, free, None, w.rng)
    hh.private_school[want[placed]] = True
    demand = sum_by_place(wloc, wkids, places.n)
    t.private_prob = np.where(demand > 0, np.minimum(free / np.maximum(demand, 1e-9), 1.0), 1.0)
    t.private_prob[t.private_seats <= 0] = 0.0
    t.private_used = used + sum_by_place(wloc[placed], wkids[placed], places.n)


def _keep_within_seats(
    w: World,
    idx: np.ndarray,
    loc: np.ndarray,
    kids: np.ndarray,
    holding: np.ndarray,
    seats: np.ndarray,
    seat_flag: np.ndarray,
) -> None:
    """Where seats fell below the children holding them, keep holders by lottery (in place)."""
    held = np.flatnonzero(holding)
    keep = keep_within(loc[held], kids[held], seats, w.rng)
    seat_flag[idx[held[~keep]]] = False
    holding[held[~keep]] = False


def schooling_cost_cny_per_month(
    w: World,
    idx: np.ndarray,
    city_places: np.ndarray,
    left_behind_cost: float,
    public: np.ndarray | None = None,
) -> np.ndarray:
    """Expected monthly cost of the children's schooling in each city, for households ``idx``.

    Children with a public seat (or the city's hukou) cost nothing; otherwise a private place,
    if one is to be had, costs its fee; failing that the children stay behind, at the
    household's cost of a child left behind. ``public``: :func:`school_access_prob` for these
    households and cities, if already known.
    """
    hh, t = w.hh, w.places.schooling
    if public is None:
        public = school_access_prob(w, idx, city_places)
    grid = layout.place_grid(idx.size, city_places)
    out = layout.empty(*grid.shape, np.float32)
    _schooling_costs(
        idx,
        hh.children,
        hh.private_school,
        hh.location,
        public,
        grid,
        t.private_prob,
        t.private_fee,
        left_behind_cost,
        out,
    )
    return out


@jit
def _schooling_costs(
    idx: np.ndarray,
    children: np.ndarray,
    private_school: np.ndarray,
    location: np.ndarray,
    public: np.ndarray,
    grid: np.ndarray,
    private_prob: np.ndarray,
    private_fee: np.ndarray,
    left_behind_cost: float,
    out: np.ndarray,
) -> None:
    """:func:`schooling_cost_cny_per_month` cell by cell (household arrays whole, rows ``idx``;
    ``public`` by cell; place arrays by place; ``grid`` the place of each cell)."""
    for k in range(idx.size):
        i = idx[k]
        for j in range(grid.shape[1]):
            p = grid[k, j]
            no_public = np.float64(np.float32(1) - public[k, j])
            private_here = private_school[i] and location[i] == p
            private = (1.0 if private_here else private_prob[p]) * no_public
            per_child = (
                private * np.float64(private_fee[p]) + (no_public - private) * left_behind_cost
            )
            out[k, j] = np.float32(np.float64(np.float32(children[i])) * per_child)


def school_access_prob(w: World, idx: np.ndarray, city_places: np.ndarray) -> np.ndarray:
    """Chance that the children of households ``idx`` study with them in each city.

    A household's own hukou city (with the family's hukou) is certain, and so is a seat it
    holds. Elsewhere the children need the enrolment basis (a permit is expected to come with
    residence, so the permit basis counts as reachable) and a free seat.

    Returns:
        Array of shape ``(len(idx), number of cities)``, place-major (``city_places``: one list
        for every household, or one row per household, :func:`model.layout.place_grid`).
    """
    hh, t, places = w.hh, w.places.schooling, w.places
    grid = layout.place_grid(idx.size, city_places)
    out = layout.empty(*grid.shape, np.float32)
    _school_access(
        idx,
        hh.family_followed,
        hh.hukou_urban,
        hh.hukou_place,
        hh.school_seat,
        hh.location,
        grid,
        t.basis,
        t.access_prob,
        places.is_outside,
        places.is_city,
        w.cfg.hukou_moves.region_transfer,
        out,
    )
    return out


@jit
def _school_access(
    idx: np.ndarray,
    family_followed: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    school_seat: np.ndarray,
    location: np.ndarray,
    grid: np.ndarray,
    basis: np.ndarray,
    access_prob: np.ndarray,
    is_outside: np.ndarray,
    is_city: np.ndarray,
    region_transfer: bool,
    out: np.ndarray,
) -> None:
    """:func:`school_access_prob` cell by cell (household arrays whole, rows ``idx``; place
    arrays by place; ``grid`` the place of each cell)."""
    for k in range(idx.size):
        i = idx[k]
        registered, urban_of_region = standing(
            hukou_urban[i], hukou_place[i], is_outside, is_city, region_transfer
        )
        for j in range(grid.shape[1]):
            p = grid[k, j]
            hukou_family = family_followed[i] and holds_hukou(hukou_urban[i], hukou_place[i], p)
            seat_here = school_seat[i] and location[i] == p
            if hukou_family or seat_here:
                out[k, j] = np.float32(1)
            else:
                reached = reaches(basis[p], registered, urban_of_region)
                out[k, j] = np.float32(np.float64(reached) * access_prob[p])
