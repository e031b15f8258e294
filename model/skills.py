"""Jobs and skills: training, public employment services, wage arrears, guaranteed business loans.

Seeds: 000 (一) (public employment services and guaranteed start-up loans for poor migrants where
they live), 000 (二) and 004 (三) (subsidized vocational training; Sichuan 2023 aims at 100
thousand brand-skill trainees), 000 (三) and 004 (四) (wage-arrears protection), 001 二(三)1 and 3
(training; guaranteed loans for returnee entrepreneurs), 002 (九) (public employment and training
services on equal terms; guaranteed start-up loans for rural workers who moved), 003 二(三)2-3
(entrepreneurship loans, one-to-one job help), 004 (一)-(二) (county jobs, returnee
entrepreneurship). Employers' hiring subsidies (001 二(三)2) are in
:mod:`model.employment_support`.

Training raises a worker's skill (and so the urban wage) and puts trained workers ahead in the
formal-job queue; public employment services find work for a share of those left without. Wage
arrears take a share of informal wages unless protection recovers them. A household that returns
to its village may take a guaranteed loan and earn more there; a migrant household in a city
without a formal job may take a guaranteed start-up loan and earn more in that city, which it
weighs in its location choice and loses if it moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit
from model.labour import city_migrants_without_formal_job
from model.levers import lever
from model.rationing import draw_up_to

if TYPE_CHECKING:
    from model.world import World


class Business(IntEnum):
    """A household's loan-financed business (``Households.entrepreneur``)."""

    NONE = 0
    VILLAGE = 1  # a returnee's, earning at home
    CITY = 2  # a migrant's, earning in the city where it was started


@dataclass
class SkillsPolicy:
    """Training, employment services, arrears protection and returnee loans (region)."""

    training_places_per_year: float = lever(
        0.0,
        unit="trainees/year",
        low=0,
        high=1e8,
        doc="Subsidized vocational training places for rural-origin workers.",
        seeds="000 (二); 001 二(三)1; 002 (九); 004 (三)",
    )
    training_cost_cny_per_trainee: float = lever(
        2000.0,
        unit="CNY/trainee",
        low=0,
        high=1e6,
        doc="Fiscal cost of one training place (assumption: 000 (二) subsidizes training "
        "without an amount; 004 (三) sets the number of trainees, not the cost).",
    )
    training_skill_gain_sd: float = lever(
        0.3,
        unit="skill sd",
        low=0,
        high=3,
        doc="Skill gained by a trainee (raises the urban wage through the skill premium).",
    )
    training_poverty_first: bool = lever(
        True,
        unit="flag",
        doc="Poverty-registered households get training places first.",
        seeds="000 (二)",
    )
    employment_service_share: float = lever(
        0.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of city workers left without any work whom public employment services "
        "place in (informal) work.",
        seeds="000 (一); 002 (九); 003 二(三)3; 004 (一)",
    )
    wage_arrears_share: float = lever(
        0.0,
        unit="share of informal wage",
        low=0,
        high=1,
        doc="Expected share of informal wages lost to arrears without protection.",
        seeds="000 (三); 004 (四)",
    )
    arrears_protection_share: float = lever(
        0.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of arrears that protection (monitoring, guarantee funds) recovers.",
        seeds="000 (三); 004 (四)",
    )
    returnee_loan_cny: float = lever(
        0.0,
        unit="CNY/loan",
        low=0,
        high=1e7,
        doc="Guaranteed entrepreneurship loan offered to a household returning to its village.",
        seeds="001 二(三)3; 003 二(三)2; 004 (二)",
    )
    returnee_loan_take_up: float = lever(
        0.2,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of returning households that take the loan (assumption).",
    )
    returnee_income_gain_cny_per_month: float = lever(
        800.0,
        unit="CNY/household/month",
        low=0,
        high=1e6,
        doc="Extra village income of a household running a loan-financed business (assumption).",
    )
    city_business_loan_cny: float = lever(
        0.0,
        unit="CNY/loan",
        low=0,
        high=1e7,
        doc="Guaranteed start-up loan (创业担保贷款) offered to migrant households in a city "
        "without a formal job (0: none).",
        seeds="000 (一); 002 (九)",
    )
    city_business_take_up_per_year: float = lever(
        0.02,
        unit="share/year",
        low=0,
        high=1,
        doc="Share of eligible migrant households that take the loan and start a business in a "
        "year (assumption).",
    )
    city_business_income_gain_cny_per_month: float = lever(
        1000.0,
        unit="CNY/household/month",
        low=0,
        high=1e6,
        doc="Extra income of a household running a loan-financed business in its city; lost if "
        "it moves (assumption).",
    )
    city_business_poverty_only: bool = lever(
        False,
        unit="flag",
        doc="Only poverty-registered migrant households may take the city loan (000 (一) offers "
        "it to the rural poor in towns; 002 (九) to rural workers generally).",
        seeds="000 (一)",
    )
    loan_interest_subsidy_share: float = lever(
        0.05,
        unit="share of loan/year",
        low=0,
        high=1,
        doc="Interest the government pays per year, as a share of the loan (village and city "
        "loans alike).",
        seeds="001 二(三)3 (贴息)",
    )


def informal_paid_share(policy: SkillsPolicy) -> float:
    """Share of an informal wage actually paid, after arrears and their recovery."""
    return 1.0 - policy.wage_arrears_share * (1.0 - policy.arrears_protection_share)


def work_finding_share(policy: SkillsPolicy, informal_job_share: np.ndarray) -> np.ndarray:
    """Chance that a worker without a formal job has informal work, with employment services."""
    return informal_job_share + policy.employment_service_share * (1.0 - informal_job_share)


def train_workers(w: World) -> None:
    """Phase: this step's training places go to rural-origin workers, poverty first."""
    policy, hh, places = w.cfg.skills, w.hh, w.places
    places_now = policy.training_places_per_year * w.months_per_step / 12
    if places_now <= 0:
        return
    idx = np.flatnonzero(
        _untrained_in_region(places.is_rural, places.is_outside, hh.origin, hh.location, hh.trained)
    )
    if idx.size == 0:
        return
    first = hh.poverty_registered[idx] & policy.training_poverty_first
    chosen_parts = []
    left = places_now
    for group in (idx[first], idx[~first]):  # priority group first, a lottery within each
        trainees = hh.adults[group] * hh.weight[group].astype(np.float64)
        picked = group[draw_up_to(trainees, left, w.rng)]
        left -= (hh.adults[picked] * hh.weight[picked].astype(np.float64)).sum()
        chosen_parts.append(picked)
    chosen = np.concatenate(chosen_parts)
    hh.trained[chosen] = True
    hh.skill[chosen] += np.float32(policy.training_skill_gain_sd)
    n_trained = (hh.adults[chosen] * hh.weight[chosen].astype(np.float64)).sum()
    w.flows.add("trainees", n_trained)
    w.flows.add("outlay_training_cny", n_trained * policy.training_cost_cny_per_trainee)


@jit
def _untrained_in_region(
    is_rural: np.ndarray,
    is_outside: np.ndarray,
    origin: np.ndarray,
    location: np.ndarray,
    trained: np.ndarray,
) -> np.ndarray:
    """Whether each household is untrained, of village origin and living in the region."""
    out = np.empty(origin.size, dtype=np.bool_)
    for i in range(origin.size):
        out[i] = is_rural[origin[i]] and not trained[i] and not is_outside[location[i]]
    return out


def start_returnee_businesses(w: World, returnees: np.ndarray) -> None:
    """Households ``returnees`` just back in their village may take the guaranteed loan."""
    policy, hh = w.cfg.skills, w.hh
    if policy.returnee_loan_cny <= 0 or returnees.size == 0:
        return
    takers = returnees[w.rng.random(returnees.size) < policy.returnee_loan_take_up]
    hh.entrepreneur[takers] = Business.VILLAGE
    w.flows.add("returnee_loans", hh.weight[takers].sum(dtype=np.float64))


def start_city_businesses(w: World) -> None:
    """Phase: migrant households in a city without a formal job take guaranteed start-up loans."""
    policy, hh = w.cfg.skills, w.hh
    if policy.city_business_loan_cny <= 0 or policy.city_business_take_up_per_year <= 0:
        return
    p = 1.0 - (1.0 - policy.city_business_take_up_per_year) ** (w.months_per_step / 12)
    c = city_migrants_without_formal_job(w, np.flatnonzero(hh.entrepreneur == Business.NONE))
    if policy.city_business_poverty_only:
        c = c[hh.poverty_registered[c]]
    takers = c[w.rng.random(c.size) < p]
    hh.entrepreneur[takers] = Business.CITY
    w.flows.add("city_business_loans", hh.weight[takers].sum(dtype=np.float64))


def book_loan_subsidies(w: World) -> None:
    """Phase: the interest subsidy on outstanding guaranteed loans (village and city)."""
    policy, hh = w.cfg.skills, w.hh
    outstanding = 0.0
    for kind, loan in (
        (Business.VILLAGE, policy.returnee_loan_cny),
        (Business.CITY, policy.city_business_loan_cny),
    ):
        if loan > 0:
            outstanding += hh.weight[hh.entrepreneur == kind].sum(dtype=np.float64) * loan
    if outstanding > 0:
        yearly = outstanding * policy.loan_interest_subsidy_share
        w.flows.add("outlay_loan_interest_cny", yearly * w.months_per_step / 12)


def entrepreneur_income_cny_per_month(w: World, idx: np.ndarray | slice) -> np.ndarray:
    """Extra income of loan-financed businesses where they are (0 for others and elsewhere)."""
    income = np.zeros(w.hh.entrepreneur[idx].shape[0], dtype=np.float32)
    add_entrepreneur_income(w, income, idx)
    return income


def add_entrepreneur_income(w: World, income: np.ndarray, idx: np.ndarray | slice) -> None:
    """Add :func:`entrepreneur_income_cny_per_month` of households ``idx`` to ``income``."""
    hh, policy, places = w.hh, w.cfg.skills, w.places
    _add_business_income(
        hh.entrepreneur[idx],
        hh.location[idx],
        hh.origin[idx],
        places.is_city,
        np.float32(w.cny(policy.returnee_income_gain_cny_per_month)),
        np.float32(w.cny(policy.city_business_income_gain_cny_per_month)),
        income,
    )


_VILLAGE, _CITY = int(Business.VILLAGE), int(Business.CITY)


@jit
def _add_business_income(
    business: np.ndarray,
    location: np.ndarray,
    origin: np.ndarray,
    is_city: np.ndarray,
    village_gain: np.float32,
    city_gain: np.float32,
    income: np.ndarray,
) -> None:
    """A village business earns at home, a city business in a city (float32)."""
    for i in range(business.size):
        village = business[i] == _VILLAGE and location[i] == origin[i]
        city = business[i] == _CITY and is_city[location[i]]
        income[i] += np.float32(village) * village_gain + np.float32(city) * city_gain


@jit
def city_business_gain_at(business: int, location: int, place: int, gain: np.float32) -> np.float32:
    """A city business's income at ``place`` (float32): only in the city where the household
    lives, since a move leaves the business behind."""
    return np.float32(business == _CITY and place == location) * gain


def expected_returnee_gain_cny_per_month(w: World, idx: np.ndarray) -> np.ndarray:
    """What a loan is expected to add to the village option of households away from home."""
    hh, policy = w.hh, w.cfg.skills
    if policy.returnee_loan_cny <= 0:
        return np.zeros(idx.size, dtype=np.float32)
    away = hh.location[idx] != hh.origin[idx]
    gain = np.where(
        hh.entrepreneur[idx] == Business.VILLAGE,
        w.cny(policy.returnee_income_gain_cny_per_month),
        policy.returnee_loan_take_up * w.cny(policy.returnee_income_gain_cny_per_month),
    )
    return (away * gain).astype(np.float32)
