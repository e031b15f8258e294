"""Capacity that grows: public rental units and migrant school seats, built by plan and financed
by the fiscal links of settlement.

Three sources add capacity to a city each step:

- a planned growth rate of its public rental units and its migrant school seats;
- the transfers it receives per person it settles (人钱挂钩), of which a share is spent on new
  units and seats at their building costs;
- the construction-land quota it earns per person settled (人地挂钩), of which a share is zoned
  for public rental at a stated land area per unit (the city builds them; their cost is booked).

Everything built is booked as ``outlay_capacity_construction_cny``; new units and seats join
the city's stock, where the housing and schooling phases let and fill them.

Seeds: 000 (十五) (rewards and construction land for places that settle poor migrants), 002 (八)
(more school places), 002 (十六)-(十七) (transfers and land tied to the number settled), 004 (六)
(transfers tied to settlement; more public housing and more urban school places).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import sum_by_place
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World


@dataclass
class CapacityFunds:
    """Per-place money and land earned by settling and not yet turned into capacity."""

    transfers_cny: np.ndarray
    land_quota_m2: np.ndarray

    @classmethod
    def empty(cls, n_places: int) -> CapacityFunds:
        return cls(transfers_cny=np.zeros(n_places), land_quota_m2=np.zeros(n_places))


def receive(w: World, city: np.ndarray, transfers_cny: np.ndarray, land_m2: np.ndarray) -> None:
    """Add transfers and land quota earned by ``city`` (one entry per settling household)."""
    funds, n = w.places.funds, w.places.n
    funds.transfers_cny += sum_by_place(city, transfers_cny, n)
    funds.land_quota_m2 += sum_by_place(city, land_m2, n)


def grow_capacity(w: World) -> None:
    """Phase: planned growth, then transfers and land quota earned turned into units and seats."""
    policy, places = w.cfg.capacity, w.places
    housing, schooling, funds = places.housing, places.schooling, places.funds
    years = w.months_per_step / 12.0
    unit_cost = w.cny(policy.public_rental_cost_cny_per_unit)
    seat_cost = w.cny(policy.school_seat_cost_cny_per_seat)

    planned_units = housing.units * (
        (1 + policy.public_rental_growth_pct_per_year / 100) ** years - 1
    )
    planned_seats = schooling.seats * (
        (1 + policy.school_seats_growth_pct_per_year / 100) ** years - 1
    )
    spent = funds.transfers_cny * policy.transfer_spent_share
    funded_units = spent * policy.transfer_public_rental_share / max(unit_cost, 1e-9)
    funded_seats = spent * (1 - policy.transfer_public_rental_share) / max(seat_cost, 1e-9)
    land_units = (
        funds.land_quota_m2 * policy.land_quota_public_rental_share / policy.land_m2_per_unit
    )
    funds.transfers_cny[:] = 0.0
    funds.land_quota_m2[:] = 0.0

    new_units = planned_units + funded_units + land_units
    new_seats = planned_seats + funded_seats
    housing.units += new_units
    schooling.seats += new_seats
    _book_built(w, new_units.sum(), new_seats.sum())


def build_policy_stock(w: World, units_added: np.ndarray, seats_added: np.ndarray) -> None:
    """Book the building of the units and seats a policy adds to the stock when it is adopted.

    A policy that raises a city's ``public_rental_units`` or ``migrant_school_seats`` builds
    them: they cost what planned or funded ones do. A policy that lowers them saves nothing
    (existing buildings are not sold back).
    """
    _book_built(w, np.maximum(units_added, 0).sum(), np.maximum(seats_added, 0).sum())


def _book_built(w: World, units: float, seats: float) -> None:
    """Flows of units and seats built, at the building costs of the current price level."""
    policy = w.cfg.capacity
    unit_cost = w.cny(policy.public_rental_cost_cny_per_unit)
    seat_cost = w.cny(policy.school_seat_cost_cny_per_seat)
    w.flows.add("public_rental_units_built", units)
    w.flows.add("school_seats_built", seats)
    w.flows.add("outlay_capacity_construction_cny", units * unit_cost + seats * seat_cost)


@dataclass
class CapacityPolicy:
    """How the region adds public rental units and migrant school seats (every city alike)."""

    public_rental_growth_pct_per_year: float = lever(
        0.0,
        unit="%/year",
        low=0,
        high=100,
        doc="Planned growth of every city's public rental units, beyond what the fiscal links "
        "finance.",
        seeds="004 (六) (加强保障性住房建设)",
    )
    school_seats_growth_pct_per_year: float = lever(
        0.0,
        unit="%/year",
        low=0,
        high=100,
        doc="Planned growth of every city's public-school places open to migrant children.",
        seeds="002 (八); 004 (六) (增加城镇学位供给)",
    )
    transfer_spent_share: float = lever(
        1.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of the transfers received per settled person that the city spends on new "
        "public rental units and school seats (the rest is booked only).",
        seeds="000 (十五); 002 (十六); 004 (六)",
    )
    transfer_public_rental_share: float = lever(
        0.5,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Of the transfers spent, the share for public rental units; the rest builds school "
        "seats (assumption).",
    )
    public_rental_cost_cny_per_unit: float = lever(
        150_000.0,
        unit="CNY/unit",
        low=1,
        high=1e8,
        doc="Cost of building one public rental unit, start-year prices (assumption: about "
        "60 m2 at 2,500 CNY/m2).",
    )
    school_seat_cost_cny_per_seat: float = lever(
        40_000.0,
        unit="CNY/seat",
        low=1,
        high=1e8,
        doc="Cost of building one public-school place, start-year prices (assumption).",
    )
    land_quota_public_rental_share: float = lever(
        0.02,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of the construction-land quota earned by settling zoned for public rental "
        "(assumption).",
        seeds="000 (十五); 002 (十七)",
    )
    land_m2_per_unit: float = lever(
        40.0,
        unit="m2/unit",
        low=1,
        high=1e4,
        doc="Construction land one public rental unit takes, with its share of roads and "
        "services (assumption: a 60 m2 unit at a plot ratio near 1.5).",
    )
