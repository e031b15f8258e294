"""Housing support: public rental units with a waiting list, and a rental subsidy.

Seeds: 000 (十二) (poverty-registered migrants may apply for public rental where they work, with
priority; rental subsidies), 001 二(一)1(1)-(2) (public rental and its subsidy opened to migrants
holding the city's hukou), 002 (十三) (settled migrants join the urban housing system; sanitation
and transit workers first), 004 (六) (more public housing, subsidies paid in full and on time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit, sum_by_place
from model.households import NOT_WAITING, PRIVATE_RENTAL, Tenure
from model.levers import lever
from model.permits import AccessBasis, qualifies
from model.rationing import coverage, fill_capacity, keep_within
from model.tables import column_builder

if TYPE_CHECKING:
    from model.world import World

_PRIORITY_OFFSET_MONTHS = 10_000_000  # moves priority groups ahead of any waiting time


@dataclass
class HousingPolicy:
    """One city's housing support for migrants."""

    public_rental_units: float = lever(
        0.0,
        unit="dwellings",
        low=0,
        high=1e8,
        doc="Public rental housing units (公租房) open to the eligible groups.",
        seeds="000 (十二); 001 二(一)1(1); 002 (十三); 004 (六)",
    )
    public_rental_basis: AccessBasis = lever(
        AccessBasis.hukou,
        unit="choice",
        doc="Who may queue for public rental: hukou (the city's urban hukou) | region_hukou "
        "(any hukou of the region, rural included: 本市户籍) | permit (also permit holders) "
        "| open.",
        seeds="001 二(一)1(1); 004 (六)",
    )
    public_rental_rent_share: float = lever(
        0.5,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Rent a public-rental tenant pays, as a share of the market rent (assumption).",
    )
    public_rental_cost_cny_per_unit_month: float = lever(
        800.0,
        unit="CNY/unit/month",
        low=0,
        high=1e5,
        doc="Fiscal cost of one occupied public rental unit (assumption).",
    )
    public_rental_lease_months: float = lever(
        60.0,
        unit="months",
        low=1,
        high=600,
        doc="Mean length of a public rental lease; at its end a tenant no longer in need "
        "leaves (national public rental rules of 2012: leases of up to five years, tenants "
        "whose income rises above the ceiling leave).",
    )
    public_rental_move_on_share: float = lever(
        0.3,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of tenants still in need who leave at the end of a lease anyway (they buy "
        "or move on; assumption).",
    )
    poverty_registered_may_apply: bool = lever(
        False,
        unit="flag",
        doc="Poverty-registered (建档立卡) rural households may queue for public rental where "
        "they work, whatever the basis.",
        seeds="000 (十二)",
    )
    poverty_registered_first: bool = lever(
        True,
        unit="flag",
        doc="Poverty-registered (建档立卡) households go to the head of the waiting list.",
        seeds="000 (十二)",
    )
    key_occupations_first: bool = lever(
        True,
        unit="flag",
        doc="Households in key occupations (sanitation, transit) go to the head of the list.",
        seeds="002 (十三); 000 (十二)",
    )
    rental_subsidy_cny_per_month: float = lever(
        0.0,
        unit="CNY/household/month",
        low=0,
        high=1e5,
        doc="Rental subsidy paid to eligible households renting privately.",
        seeds="001 二(一)1(2); 004 (六)",
    )
    rental_subsidy_basis: AccessBasis = lever(
        AccessBasis.hukou,
        unit="choice",
        doc="Who may receive the rental subsidy: hukou | region_hukou | permit | open.",
        seeds="001 二(一)1(2); 004 (六)",
    )
    income_ceiling_cny_per_month: float = lever(
        8000.0,
        unit="CNY/household/month",
        low=0,
        high=1e7,
        doc="Household income at or below which a household counts as in housing need "
        "(start-year CNY, raised with the price level).",
        seeds="001 二(一)1(1)-(2) (住房困难)",
    )


@dataclass
class HousingTable:
    """Per-place arrays of the housing policies and their state."""

    units: np.ndarray
    public_basis: np.ndarray  # int8 AccessBasis values
    rent_share: np.ndarray
    lease_months: np.ndarray
    move_on_share: np.ndarray
    cost_per_unit_month: np.ndarray
    poverty_may_apply: np.ndarray
    poverty_first: np.ndarray
    key_first: np.ndarray
    subsidy_cny: np.ndarray
    subsidy_basis: np.ndarray
    income_ceiling: np.ndarray
    occupied: np.ndarray  # units occupied after the last allocation
    waiting: np.ndarray  # households on the waiting list after the last allocation
    access_prob: np.ndarray  # share of the eligible in need housed: a newcomer's expected chance

    @classmethod
    def build(
        cls, n_places: int, city_slots: list[int], policies: list[HousingPolicy]
    ) -> HousingTable:
        """Arrays over all places from the policies of the cities at ``city_slots``."""

        arr = column_builder(n_places, city_slots, policies)

        return cls(
            units=arr(lambda p: p.public_rental_units, np.float64, 0),
            public_basis=arr(lambda p: p.public_rental_basis.value, np.int8, 0),
            rent_share=arr(lambda p: p.public_rental_rent_share, np.float32, 1),
            lease_months=arr(lambda p: p.public_rental_lease_months, np.float64, 60),
            move_on_share=arr(lambda p: p.public_rental_move_on_share, np.float64, 0),
            cost_per_unit_month=arr(
                lambda p: p.public_rental_cost_cny_per_unit_month, np.float64, 0
            ),
            poverty_may_apply=arr(lambda p: p.poverty_registered_may_apply, bool, False),
            poverty_first=arr(lambda p: p.poverty_registered_first, bool, False),
            key_first=arr(lambda p: p.key_occupations_first, bool, False),
            subsidy_cny=arr(lambda p: p.rental_subsidy_cny_per_month, np.float32, 0),
            subsidy_basis=arr(lambda p: p.rental_subsidy_basis.value, np.int8, 0),
            income_ceiling=arr(lambda p: p.income_ceiling_cny_per_month, np.float32, 0),
            occupied=np.zeros(n_places),
            waiting=np.zeros(n_places),
            access_prob=np.zeros(n_places),
        )


def allocate_housing(w: World) -> None:
    """Phase: leases end, waiting lists update, free public rental units are let, subsidies paid."""
    hh, t, places = w.hh, w.places.housing, w.places
    tenants = end_leases(w)
    # Waiting list: eligible renters join (keeping their place if already on it); others leave.
    renting, needing, queue_ok = _update_waiting_list(
        hh.location,
        hh.tenure,
        hh.income_cny_per_month,
        hh.hukou_urban,
        hh.hukou_place,
        hh.has_permit,
        hh.poverty_registered,
        hh.waiting_since_month,
        places.is_city,
        places.is_outside,
        housing_ceilings(w),
        t.public_basis,
        t.poverty_may_apply,
        t.units,
        w.month,
    )
    renters = np.flatnonzero(renting)
    del renting

    keep = keep_within(hh.location[tenants], hh.weight[tenants].astype(np.float64), t.units, w.rng)
    hh.tenure[tenants[~keep]] = Tenure.PRIVATE_RENTAL  # units withdrawn: tenants rent privately
    tenants = tenants[keep]
    occupied = sum_by_place(hh.location[tenants], hh.weight[tenants].astype(np.float64), places.n)
    free = np.maximum(t.units - occupied, 0.0)
    queue = np.flatnonzero(queue_ok)
    del queue_ok
    qloc = hh.location[queue]
    priority = (t.poverty_first[qloc] & hh.poverty_registered[queue]) | (
        t.key_first[qloc] & hh.key_occupation[queue]
    )
    order_key = hh.waiting_since_month[queue] - priority * _PRIORITY_OFFSET_MONTHS
    weight = hh.weight[queue].astype(np.float64)
    let = fill_capacity(qloc, weight, free, order_key, w.rng)
    new_tenants = queue[let]
    hh.tenure[new_tenants] = Tenure.PUBLIC_RENTAL
    hh.waiting_since_month[new_tenants] = NOT_WAITING

    queued = sum_by_place(qloc, weight, places.n)
    newly_let = sum_by_place(qloc[let], weight[let], places.n)
    t.occupied = occupied + newly_let
    t.waiting = queued - newly_let
    t.access_prob = coverage(t.units, t.occupied + t.waiting)

    # Rental subsidy: an entitlement for eligible private renters in housing need.
    hh.rental_subsidy[:] = False
    subsidized = _grant_rental_subsidies(
        renters,
        needing,
        hh.tenure,
        hh.location,
        hh.hukou_urban,
        hh.hukou_place,
        hh.has_permit,
        places.is_outside,
        t.subsidy_cny,
        t.subsidy_basis,
        hh.rental_subsidy,
    )
    loc = hh.location[renters]

    months = w.months_per_step
    paid = (hh.weight[renters[subsidized]] * t.subsidy_cny[loc[subsidized]]).sum(dtype=np.float64)
    w.flows.add("outlay_rental_subsidy_cny", paid * months)
    w.flows.add("outlay_public_rental_cny", (t.occupied * t.cost_per_unit_month).sum() * months)


def end_leases(w: World) -> np.ndarray:
    """Public rental leases end at random (mean ``public_rental_lease_months``); who goes.

    At the end of a lease a tenant no longer in housing need (income above the ceiling) must
    leave, and a share of those still in need move on anyway (they buy, or leave the city's
    scheme); the others renew. A leaver rents privately.

    Returns:
        The rows of the tenants who stay (ascending).
    """
    hh, t = w.hh, w.places.housing
    tenants = np.flatnonzero(hh.tenure == Tenure.PUBLIC_RENTAL)
    if tenants.size == 0:
        return tenants
    loc = hh.location[tenants]
    ends = w.rng.random(tenants.size) < np.minimum(w.months_per_step / t.lease_months[loc], 1.0)
    moves_on = w.rng.random(tenants.size) < t.move_on_share[loc]
    leaves = ends & (~in_housing_need(w, tenants) | moves_on)
    hh.tenure[tenants[leaves]] = Tenure.PRIVATE_RENTAL
    w.flows.add("public_rental_leavers", hh.weight[tenants[leaves]].sum(dtype=np.float64))
    return tenants[~leaves]


def in_housing_need(w: World, idx: np.ndarray) -> np.ndarray:
    """Whether households ``idx`` are in housing need where they live (:func:`in_need`)."""
    hh = w.hh
    return _in_need(idx, hh.income_cny_per_month, hh.location, housing_ceilings(w))


@jit
def in_need(income: np.float32, ceiling: np.float32) -> bool:
    """Whether a household is in housing need: its income at or below the city's ceiling
    (price-scaled, :func:`housing_ceilings`)."""
    return income <= ceiling


@jit
def _in_need(
    idx: np.ndarray, income: np.ndarray, location: np.ndarray, ceiling: np.ndarray
) -> np.ndarray:
    """:func:`in_need` of households ``idx`` where they live."""
    out = np.empty(idx.size, dtype=np.bool_)
    for k in range(idx.size):
        i = idx[k]
        out[k] = in_need(income[i], ceiling[location[i]])
    return out


def housing_ceilings(w: World) -> np.ndarray:
    """Each place's income ceiling for housing support, in current prices (float32)."""
    return w.places.housing.income_ceiling * np.float32(w.price_level)


@jit
def _update_waiting_list(
    location: np.ndarray,
    tenure: np.ndarray,
    income: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    has_permit: np.ndarray,
    poverty_registered: np.ndarray,
    waiting_since_month: np.ndarray,
    is_city: np.ndarray,
    is_outside: np.ndarray,
    ceiling: np.ndarray,
    public_basis: np.ndarray,
    poverty_may_apply: np.ndarray,
    units: np.ndarray,
    month: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The waiting list after this step: a private renter in a city in housing need who may
    queue (the public-rental basis, or a poverty registration where the city admits it) where
    there are units joins or keeps its place; everyone else is off it. Returns the masks of
    private renters in cities, of households in housing need (:func:`in_housing_need`) and of
    those queueing."""
    n = location.size
    renting = np.empty(n, dtype=np.bool_)
    needing = np.empty(n, dtype=np.bool_)
    queueing = np.empty(n, dtype=np.bool_)
    for i in range(n):
        at = location[i]
        renting[i] = is_city[at] and tenure[i] == PRIVATE_RENTAL
        needing[i] = in_need(income[i], ceiling[at])
        may_queue = qualifies(
            public_basis[at], hukou_urban[i], hukou_place[i], at, has_permit[i], is_outside
        ) or (poverty_may_apply[at] and poverty_registered[i])
        queueing[i] = renting[i] and needing[i] and may_queue and units[at] > 0
        if not queueing[i]:
            waiting_since_month[i] = NOT_WAITING
        elif waiting_since_month[i] == NOT_WAITING:
            waiting_since_month[i] = month
    return renting, needing, queueing


@jit
def _grant_rental_subsidies(
    renters: np.ndarray,
    needing: np.ndarray,
    tenure: np.ndarray,
    location: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    has_permit: np.ndarray,
    is_outside: np.ndarray,
    subsidy_cny: np.ndarray,
    subsidy_basis: np.ndarray,
    rental_subsidy: np.ndarray,
) -> np.ndarray:
    """The rental subsidy, an entitlement: renters still renting privately, in housing need,
    where a subsidy is paid and they qualify under its basis. Returns the mask over
    ``renters``."""
    out = np.empty(renters.size, dtype=np.bool_)
    for k in range(renters.size):
        i = renters[k]
        at = location[i]
        out[k] = (
            tenure[i] == PRIVATE_RENTAL
            and needing[i]
            and subsidy_cny[at] > 0
            and qualifies(
                subsidy_basis[at], hukou_urban[i], hukou_place[i], at, has_permit[i], is_outside
            )
        )
        rental_subsidy[i] = out[k]
    return out


REFERENCE_HOUSEHOLD_PERSONS = 3.0  # a city's configured rent is for a home of this many


def rent_scale(w: World, idx: np.ndarray) -> np.ndarray:
    """Rent of households ``idx`` relative to the city's rent: (persons / 3) ** elasticity.

    A single worker shares a flat or rents a room; a family of five needs more than a couple.
    """
    persons = np.maximum(w.hh.size_of(idx), 1).astype(np.float32)
    e = np.float32(w.cfg.economy.rent_size_elasticity)
    return (persons / np.float32(REFERENCE_HOUSEHOLD_PERSONS)) ** e
