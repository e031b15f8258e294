"""Social insurance: migrants' enrolment, months of contributions, portability, medical cover.

Months of urban employee insurance feed the settlement conditions and points. Formal jobs come
with insurance; informal workers may enrol as flexible workers. Seeds: 000 (七)-(九) (insurance
for the poor, transfer of insurance records), 001 二(二)4-5 (pension enrolment; medical insurance
without a hukou restriction; basic public health after six months' residence), 002 (十)-(十二)
(equal enrolment, portability, flexible workers with a residence permit in employee medical
insurance), 004 (五) (enrolment drive for migrant workers), 003 二(二)3 (full medical cover for
the registered poor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model import layout
from model.compiled import jit
from model.households import FORMAL, INFORMAL, months_added
from model.levers import lever
from model.permits import holds_hukou

if TYPE_CHECKING:
    from model.world import World


@dataclass
class InsurancePolicy:
    """Insurance rules for migrants (region)."""

    flexible_enrolment_per_month: float = lever(
        0.0,
        unit="probability/month",
        low=0,
        high=1,
        doc="Chance per month that an informal city worker enrols in employee insurance as a "
        "flexible worker (contributions then count like a formal job's).",
        seeds="002 (十)(十一); 004 (五)",
    )
    portability_share: float = lever(
        1.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of insurance months that count after moving to another place of the region.",
        seeds="000 (九); 002 (十)",
    )
    medical_without_hukou: bool = lever(
        True,
        unit="flag",
        doc="Non-hukou residents may join the city's basic medical insurance.",
        seeds="001 二(二)5(1); 002 (十一)",
    )
    registered_poor_full_cover: bool = lever(
        False,
        unit="flag",
        doc="The registered poor (建档立卡) have full medical cover wherever they live in the "
        "region; their resident medical insurance premiums are paid for them.",
        seeds="003 二(二)3",
    )
    registered_poor_premium_cny_per_person_year: float = lever(
        250.0,
        unit="CNY/person/year",
        low=0,
        high=1e5,
        doc="Resident medical insurance premium paid for each registered poor person (the "
        "individual contribution set nationally for 2019: 250 CNY).",
    )
    public_health_months: int = lever(
        6,
        unit="months",
        low=0,
        high=600,
        doc="Months of residence after which migrants receive basic public health services.",
        seeds="001 二(二)5(3)",
    )


def accrue_insurance(w: World) -> None:
    """Phase: informal workers may enrol; insured city workers accrue months; the registered
    poor's medical premiums are paid where they are fully covered."""
    hh, policy, months = w.hh, w.cfg.insurance, w.months_per_step
    is_city = w.places.is_city
    if policy.flexible_enrolment_per_month > 0:
        p = 1.0 - (1.0 - policy.flexible_enrolment_per_month) ** months
        candidates = np.flatnonzero(
            _informal_uninsured(is_city, hh.location, hh.employment, hh.insured_flexible)
        )
        hh.insured_flexible[candidates[w.rng.random(candidates.size) < p]] = True
    _accrue(is_city, hh.location, hh.employment, hh.insured_flexible, hh.insurance_months, months)
    if policy.registered_poor_full_cover:
        poor = np.flatnonzero(hh.poverty_registered & ~w.places.is_outside[hh.location])
        persons = (hh.size_of(poor) * hh.weight[poor]).sum(dtype=np.float64)
        premiums = persons * policy.registered_poor_premium_cny_per_person_year * months / 12
        w.flows.add("outlay_medical_premiums_cny", premiums)


@jit
def _informal_uninsured(
    is_city: np.ndarray, location: np.ndarray, employment: np.ndarray, insured_flexible: np.ndarray
) -> np.ndarray:
    """Whether each household works informally in a city without flexible-worker insurance."""
    out = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        informal = is_city[location[i]] and employment[i] == INFORMAL
        out[i] = informal and not insured_flexible[i]
    return out


@jit
def _accrue(
    is_city: np.ndarray,
    location: np.ndarray,
    employment: np.ndarray,
    insured_flexible: np.ndarray,
    insurance_months: np.ndarray,
    months: int,
) -> None:
    """A formal job insures, so flexible insurance lasts only while informal in a city; insured
    city workers (formal or flexible) accrue ``months`` of contributions."""
    for i in range(location.size):
        in_city = is_city[location[i]]
        insured_flexible[i] = insured_flexible[i] and in_city and employment[i] == INFORMAL
        accruing = in_city and (employment[i] == FORMAL or insured_flexible[i])
        insurance_months[i] = months_added(insurance_months[i], months, accruing)


def carry_over_on_move(w: World, idx: np.ndarray, new_place: np.ndarray) -> None:
    """Insurance months of households ``idx`` moving to ``new_place`` within the region."""
    hh, policy = w.hh, w.cfg.insurance
    if policy.portability_share >= 1.0:
        return
    kept = (hh.insurance_months[idx] * policy.portability_share).astype(np.int16)
    hh.insurance_months[idx] = np.where(w.places.is_city[new_place], kept, hh.insurance_months[idx])
    hh.insured_flexible[idx] = False


def health_cover_value_cny_per_month(
    w: World, idx: np.ndarray, city_places: np.ndarray
) -> np.ndarray:
    """Value of medical insurance and public health in each city to households ``idx``.

    Hukou holders of the city always have it (and the registered poor where they are fully
    covered, 003 二(二)3); others have medical insurance where it is open
    without hukou, and public health after the months of residence or with a residence permit
    (newcomers wait). Shape ``(len(idx), len(city_places))``, place-major.
    """
    hh, policy, beh = w.hh, w.cfg.insurance, w.cfg.behavior
    value = w.cny(beh.health_cover_value_cny_per_month)
    out = layout.empty(idx.size, city_places.size, np.float32)
    if value == 0:
        out[:] = 0
        return out
    _health_cover(
        idx,
        hh.hukou_urban,
        hh.hukou_place,
        hh.location,
        hh.months_in_place,
        hh.has_permit,
        hh.poverty_registered,
        city_places,
        policy.public_health_months,
        policy.registered_poor_full_cover,
        0.5 * policy.medical_without_hukou,
        value,
        out,
    )
    return out


@jit
def _health_cover(
    idx: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    location: np.ndarray,
    months_in_place: np.ndarray,
    has_permit: np.ndarray,
    poverty_registered: np.ndarray,
    city_places: np.ndarray,
    public_health_months: int,
    registered_poor_full_cover: bool,
    medical_share: float,
    value: float,
    out: np.ndarray,
) -> None:
    """:func:`health_cover_value_cny_per_month` cell by cell (household arrays whole, rows
    ``idx``): the share covered is 1, or half for medical insurance open without hukou and half
    for public health where the household is served."""
    for k in range(idx.size):
        i = idx[k]
        opens_services = months_in_place[i] >= public_health_months or has_permit[i]
        poor_covered = registered_poor_full_cover and poverty_registered[i]
        for j in range(city_places.size):
            local = holds_hukou(hukou_urban[i], hukou_place[i], city_places[j])
            if local or poor_covered:
                share = 1.0
            else:
                served = location[i] == city_places[j] and opens_services
                share = medical_share + 0.5 * np.float64(served)
            out[k, j] = np.float32(share * value)
