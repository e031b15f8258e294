"""Residence permits (居住证): who gets one, and the access rules they open.

Seeds: 001 二(二)2(1)-(3) (six months' residence plus one of stable housing, job or study; easier
processing); 002 (七) (permits for every non-settled urban resident who wants one, services
attached); 004 (六) (permit as the main basis for schooling and housing).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit
from model.households import FORMAL, PRIVATE_RENTAL
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World


class AccessBasis(Enum):
    """Who may use a city service: its urban-hukou holders only; also holders of any hukou of
    the region, urban or rural (本市户籍 where the municipality includes its counties); also
    permit holders; or every resident. Households come from the region's own villages, so
    today ``region_hukou`` differs from ``open`` only for a scenario with households
    registered outside it."""

    hukou = 0
    permit = 1
    open = 2
    region_hukou = 3


@dataclass
class ResidencePermitPolicy:
    """Residence-permit rules of the region."""

    months_required: int = lever(
        6,
        unit="months",
        low=0,
        high=120,
        doc="Months of residence in a city before a migrant may apply for a residence permit "
        "(001 二(二)2(1): six months; 002 (七) extends permits to all without setting a wait).",
        seeds="001 二(二)2(1)",
    )
    require_stable_basis: bool = lever(
        True,
        unit="flag",
        doc="Applicants need one of: legal stable housing (owned, public rental, dormitory or a "
        "registered lease), stable work (formal or insured), or children in school in the city.",
        seeds="001 二(二)2(1)",
    )
    uptake_per_month: float = lever(
        0.25,
        unit="probability/month",
        low=0,
        high=1,
        doc="Chance per month that an eligible migrant without a permit obtains one "
        "(awareness and processing ease).",
        seeds="001 二(二)2(3); 002 (七)",
    )


_OPEN, _PERMIT = AccessBasis.open.value, AccessBasis.permit.value
_HUKOU, _REGION_HUKOU = AccessBasis.hukou.value, AccessBasis.region_hukou.value


def hukou_here(w: World, idx: np.ndarray) -> np.ndarray:
    """Whether households ``idx`` hold an urban hukou of the place where they live."""
    hh = w.hh
    return _hukou_here(idx, hh.hukou_urban, hh.hukou_place, hh.location)


def has_access(w: World, idx: np.ndarray, basis_code: np.ndarray) -> np.ndarray:
    """Whether households ``idx`` qualify under an access basis where they live: every resident
    (open), the place's urban-hukou holders, also permit holders (permit), also holders of any
    hukou of the region (region_hukou).

    Args:
        w: The world.
        idx: Household indices.
        basis_code: ``AccessBasis`` values (ints) of the service in each household's place.
    """
    hh = w.hh
    return _has_access(
        idx,
        basis_code,
        hh.hukou_urban,
        hh.hukou_place,
        hh.location,
        hh.has_permit,
        w.places.is_outside,
    )


@jit
def holds_hukou(hukou_urban: bool, hukou_place: int, place: int) -> bool:
    """Whether a household holds the urban hukou of ``place``."""
    return hukou_urban and hukou_place == place


@jit
def _hukou_here(
    idx: np.ndarray, hukou_urban: np.ndarray, hukou_place: np.ndarray, location: np.ndarray
) -> np.ndarray:
    """:func:`hukou_here` (household arrays whole, rows ``idx``)."""
    out = np.empty(idx.size, dtype=np.bool_)
    for k in range(idx.size):
        i = idx[k]
        out[k] = holds_hukou(hukou_urban[i], hukou_place[i], location[i])
    return out


@jit
def _has_access(
    idx: np.ndarray,
    basis_code: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    location: np.ndarray,
    has_permit: np.ndarray,
    is_outside: np.ndarray,
) -> np.ndarray:
    """:func:`has_access` (household arrays whole, rows ``idx``; ``basis_code`` by row)."""
    out = np.empty(idx.size, dtype=np.bool_)
    for k in range(idx.size):
        i = idx[k]
        out[k] = qualifies(
            basis_code[k], hukou_urban[i], hukou_place[i], location[i], has_permit[i], is_outside
        )
    return out


@jit
def qualifies(
    basis_code: int,
    hukou_urban: bool,
    hukou_place: int,
    location: int,
    has_permit: bool,
    is_outside: np.ndarray,
) -> bool:
    """:func:`has_access` of one household: every resident (open), the place's urban-hukou
    holders, also permit holders (permit), also holders of any hukou of the region
    (region_hukou)."""
    return (
        basis_code == _OPEN
        or holds_hukou(hukou_urban, hukou_place, location)
        or (basis_code == _PERMIT and has_permit)
        or (basis_code == _REGION_HUKOU and registered_in_region(hukou_place, is_outside))
    )


@jit
def standing(
    hukou_urban: bool,
    hukou_place: int,
    is_outside: np.ndarray,
    is_city: np.ndarray,
    region_transfer: bool,
) -> tuple[bool, bool]:
    """What a newcomer's access rests on: whether it is registered in the region, and whether
    it holds an urban hukou of the region that moves with it (with the region-wide transfer,
    002 (六))."""
    registered = registered_in_region(hukou_place, is_outside)
    return registered, region_transfer and hukou_urban and is_city[hukou_place]


@jit
def registered_in_region(hukou_place: int, is_outside: np.ndarray) -> bool:
    """Whether a household holds a hukou of the region (urban or rural)."""
    return not is_outside[hukou_place]


@jit
def reaches(basis_code: int, registered: bool, urban_of_region: bool) -> bool:
    """Whether a newcomer (:func:`standing`) could use a service with ``basis_code`` without
    settling: a permit comes with residence, so the permit basis counts as reachable; the
    region-hukou basis for those registered in the region; the hukou basis for holders of an
    urban hukou of the region where it moves with them."""
    if basis_code in (_OPEN, _PERMIT):
        return True
    if basis_code == _REGION_HUKOU:
        return registered
    return basis_code == _HUKOU and urban_of_region


def issue_residence_permits(w: World) -> None:
    """Phase: eligible migrants obtain permits; movers lost theirs when they moved."""
    hh, policy = w.hh, w.cfg.residence_permit
    candidates = np.flatnonzero(
        _in_city_without_permit(w.places.is_city, hh.location, hh.has_permit)
    )
    if candidates.size == 0:
        return
    ok = _may_apply(
        candidates,
        hh.hukou_urban,
        hh.hukou_place,
        hh.location,
        hh.months_in_place,
        hh.tenure,
        hh.registered_lease,
        hh.employment,
        hh.insured_flexible,
        hh.school_seat,
        policy.months_required,
        policy.require_stable_basis,
    )
    p = 1.0 - (1.0 - policy.uptake_per_month) ** w.months_per_step
    ok &= w.rng.random(candidates.size) < p
    hh.has_permit[candidates[ok]] = True


@jit
def _may_apply(
    candidates: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    location: np.ndarray,
    months_in_place: np.ndarray,
    tenure: np.ndarray,
    registered_lease: np.ndarray,
    employment: np.ndarray,
    insured_flexible: np.ndarray,
    school_seat: np.ndarray,
    months_required: int,
    require_stable_basis: bool,
) -> np.ndarray:
    """Whether each candidate may apply: no hukou of the city, the months of residence, and
    (if required) a stable basis: legal housing (not a private rental without a registered
    lease), stable work (formal or insured) or children in school there."""
    out = np.empty(candidates.size, dtype=np.bool_)
    for k in range(candidates.size):
        i = candidates[k]
        ok = not holds_hukou(hukou_urban[i], hukou_place[i], location[i])
        ok = ok and months_in_place[i] >= months_required
        if require_stable_basis:
            housed = tenure[i] != PRIVATE_RENTAL or registered_lease[i]
            working = employment[i] == FORMAL or insured_flexible[i]
            ok = ok and (housed or working or school_seat[i])
        out[k] = ok
    return out


@jit
def _in_city_without_permit(
    is_city: np.ndarray, location: np.ndarray, has_permit: np.ndarray
) -> np.ndarray:
    """Whether each household lives in a city without a residence permit."""
    out = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        out[i] = is_city[location[i]] and not has_permit[i]
    return out
