"""Household state as arrays: one numpy array per attribute, one row per household agent.

A row stands for ``weight`` real households, so a run with fewer agents still reproduces real
totals. Nothing here is a Python object per household; phases read and write these arrays in
vectorized form.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

from model.levers import lever

NOT_WAITING = -1  # waiting_since_month of a household that is not on a public-rental waiting list
_MONTHS_CAP = np.iinfo(np.int16).max


def add_months(counter: np.ndarray, months: int, where: np.ndarray | None = None) -> None:
    """Add ``months`` to an int16 month counter in place, saturating instead of overflowing."""
    np.minimum(counter, _MONTHS_CAP - months, out=counter)
    if where is None:
        counter += months
    else:
        np.add(counter, months, out=counter, where=where)


class Employment(IntEnum):
    """Employment state of a household's working adults."""

    FARMING = 0
    FORMAL = 1  # formal job with employee social insurance
    INFORMAL = 2
    UNEMPLOYED = 3


class Tenure(IntEnum):
    """Housing tenure in the current place."""

    RURAL_HOME = 0  # own house on the homestead in the origin
    PRIVATE_RENTAL = 1
    PUBLIC_RENTAL = 2
    OWNED = 3
    DORM = 4  # employer dormitory


@dataclass
class HouseholdTraits:
    """How initial household traits are drawn (behavioural and demographic, not policy)."""

    mean_extra_adults: float = lever(
        0.6, unit="persons", low=0, high=3, doc="Mean working adults beyond the first (Poisson)."
    )
    mean_children: float = lever(
        0.8, unit="persons", low=0, high=4, doc="Mean school-age children per household (Poisson)."
    )
    mean_elderly: float = lever(
        0.4, unit="persons", low=0, high=3, doc="Mean elderly members per household (Poisson)."
    )
    mean_land_mu: float = lever(
        4.0, unit="mu", low=0, high=100, doc="Mean contracted land of a rural-origin household."
    )
    mean_collective_income_cny_per_month: float = lever(
        50.0,
        unit="CNY/month",
        low=0,
        high=10000,
        doc="Mean collective-economy dividend of a rural-origin household.",
    )
    poverty_registered_share: float = lever(
        0.05,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of rural-origin households that are poverty-registered (建档立卡).",
        seeds="000 (十二)(十四)",
    )
    registered_lease_share: float = lever(
        0.7,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of households whose private rentals have a registered lease (legal housing "
        "for a residence permit).",
        seeds="001 二(二)2(1)",
    )
    key_occupation_share: float = lever(
        0.05,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of city workers' households in key occupations (sanitation, transit).",
        seeds="002 (十三); 000 (十二)",
    )
    migrant_homeowner_share: float = lever(
        0.18,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of initial urban migrants who own their home (NBS migrant survey 2016: 17.8%).",
    )
    migrant_dorm_share: float = lever(
        0.1, unit="share 0-1", low=0, high=1, doc="Share of initial urban migrants in dormitories."
    )
    native_homeowner_share: float = lever(
        0.8, unit="share 0-1", low=0, high=1, doc="Share of urban-native households owning a home."
    )
    mean_months_in_city: float = lever(
        48.0, unit="months", low=0, high=600, doc="Mean months already spent by initial migrants."
    )
    insured_share: float = lever(
        0.3,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of initial migrants with a record of employee social insurance.",
    )


@dataclass
class Households:
    """All household agents. Arrays share one length; index ``i`` is one household agent."""

    weight: np.ndarray  # float32, real households represented by the agent
    origin: np.ndarray  # int16, place index of the home place (rural area, or city for natives)
    location: np.ndarray  # int16, place index where the household lives now
    hukou_urban: np.ndarray  # bool, the head holds an urban hukou of the region
    hukou_place: np.ndarray  # int16, place index of the hukou registration
    family_followed: np.ndarray  # bool, spouse/children/parents moved their hukou with the head
    adults: np.ndarray  # int8, working-age adults
    children: np.ndarray  # int8, school-age children
    elderly: np.ndarray  # int8
    age_head_years: np.ndarray  # float32
    skill: np.ndarray  # float32, standardized skill (mean 0, sd 1)
    employment: np.ndarray  # int8, Employment
    income_cny_per_month: np.ndarray  # float32, labour income of the household this step
    insurance_months: np.ndarray  # int16, months of employee social insurance in the region
    months_in_place: np.ndarray  # int16, months lived in the current place
    has_permit: np.ndarray  # bool, holds a residence permit (居住证) of the current city
    tenure: np.ndarray  # int8, Tenure
    contract_land_mu: np.ndarray  # float32, contracted land still held
    collective_income_cny_per_month: np.ndarray  # float32, collective dividend still held
    homestead_held: np.ndarray  # bool
    poverty_registered: np.ndarray  # bool, 建档立卡
    school_seat: np.ndarray  # bool, children hold public migrant seats where the parents live
    private_school: np.ndarray  # bool, children attend a private (fee-paying) school there
    rental_subsidy: np.ndarray  # bool, receives the rental subsidy this step
    waiting_since_month: np.ndarray  # int32, model month joined the public-rental list, or -1
    settlement_eligible: np.ndarray  # bool, meets the current city's settlement rule
    settlement_points: np.ndarray  # float32, points under the current city's points rule
    settle_applicant: np.ndarray  # bool, applied to settle this step (decisions -> rationing)
    trained: np.ndarray  # bool, took subsidized vocational training
    entrepreneur: np.ndarray  # bool, runs a loan-financed business in the village
    insured_flexible: np.ndarray  # bool, informal worker enrolled in employee insurance
    key_occupation: np.ndarray  # bool, works in sanitation, transit or another key service
    registered_lease: np.ndarray  # bool, rents with a registered lease when renting privately
    dibao: np.ndarray  # bool, receives the minimum living allowance
    dibao_grace_months: np.ndarray  # int8, months of benefit left after income rose above the line

    def __len__(self) -> int:
        return int(self.weight.shape[0])

    @property
    def size(self) -> np.ndarray:
        """Persons per household (int16)."""
        return self.adults.astype(np.int16) + self.children + self.elderly

    def nbytes(self) -> int:
        """Bytes held by the household arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))

    @classmethod
    def empty(cls, n: int) -> Households:
        """Households with zeroed attributes of the declared dtypes."""
        dtypes = {
            "weight": np.float32,
            "origin": np.int16,
            "location": np.int16,
            "hukou_urban": bool,
            "hukou_place": np.int16,
            "family_followed": bool,
            "adults": np.int8,
            "children": np.int8,
            "elderly": np.int8,
            "age_head_years": np.float32,
            "skill": np.float32,
            "employment": np.int8,
            "income_cny_per_month": np.float32,
            "insurance_months": np.int16,
            "months_in_place": np.int16,
            "has_permit": bool,
            "tenure": np.int8,
            "contract_land_mu": np.float32,
            "collective_income_cny_per_month": np.float32,
            "homestead_held": bool,
            "poverty_registered": bool,
            "school_seat": bool,
            "private_school": bool,
            "rental_subsidy": bool,
            "waiting_since_month": np.int32,
            "settlement_eligible": bool,
            "settlement_points": np.float32,
            "settle_applicant": bool,
            "trained": bool,
            "entrepreneur": bool,
            "insured_flexible": bool,
            "key_occupation": bool,
            "registered_lease": bool,
            "dibao": bool,
            "dibao_grace_months": np.int8,
        }
        hh = cls(**{name: np.zeros(n, dtype=dt) for name, dt in dtypes.items()})
        hh.waiting_since_month[:] = NOT_WAITING
        return hh


def allocate_agents(real_counts: np.ndarray, n_agents: int) -> np.ndarray:
    """Split ``n_agents`` over segments in proportion to real counts (largest remainder).

    Every segment with a positive real count gets at least one agent when ``n_agents`` allows.
    """
    real_counts = np.asarray(real_counts, dtype=float)
    total = real_counts.sum()
    if total <= 0:
        raise ValueError("the initial population is empty")
    exact = real_counts / total * n_agents
    counts = np.floor(exact).astype(np.int64)
    positive = real_counts > 0
    counts[positive & (counts == 0)] = 1
    short = n_agents - counts.sum()
    if short > 0:
        order = np.argsort(-(exact - np.floor(exact)), kind="stable")
        counts[order[:short]] += 1
    while counts.sum() > n_agents:  # minimum-one rule overshot: trim the largest segments
        counts[np.argmax(counts)] -= 1
    return counts


def draw_members(traits: HouseholdTraits, n: int, rng: np.random.Generator) -> tuple:
    """Draw (adults, children, elderly, age_head_years, skill) for ``n`` households."""
    adults = 1 + np.minimum(rng.poisson(traits.mean_extra_adults, n), 3)
    children = np.minimum(rng.poisson(traits.mean_children, n), 4)
    elderly = np.minimum(rng.poisson(traits.mean_elderly, n), 3)
    age = rng.uniform(20, 60, n)
    skill = rng.standard_normal(n)
    return adults, children, elderly, age, skill
