"""Household state as arrays: one numpy array per attribute, one row per household agent.

A row stands for ``weight`` real households, so a run with fewer agents still reproduces real
totals. Nothing here is a Python object per household; phases read and write these arrays in
vectorized form.

Members are kept by generation, each with an age a phase can read: the head couple (``couple``
persons aged ``head_age_years``), the head's parents living with them (about a generation
older), and the head's children: under school age (0-5), of school age (6-14) and grown (15 and
over, still at home). ``adults`` (working age, 15-59) and ``elderly`` (60 and over) are derived
from these by :meth:`Households.refresh_age_groups` whenever demography changes them.

Rows are added when grown children leave home and removed when a household dies out; removed
rows keep weight 0 and are reused for the next new households (see :meth:`Households.add_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

from model.compiled import jit

NOT_WAITING = -1  # waiting_since_month of a household that is not on a public-rental waiting list
RETIREMENT_AGE = 60.0  # years; the official boundary of the working-age population used here
_MONTHS_CAP = np.iinfo(np.int16).max
_GROWTH = 1.25  # capacity grows by this factor when new households need rows


def add_months(counter: np.ndarray, months: int, where: np.ndarray | None = None) -> None:
    """Add ``months`` to an int16 month counter in place (where ``where`` is true), saturating
    instead of overflowing (:func:`months_added`)."""
    _add_months(counter, months, where)


@jit
def months_added(counter: np.int16, months: int, adds: bool) -> np.int16:
    """An int16 month counter after ``months`` more (if ``adds``): capped first so that it
    cannot overflow (a counter near the cap is capped whether or not it adds)."""
    capped = min(counter, _MONTHS_CAP - months)
    return np.int16(capped + months if adds else capped)


@jit
def _add_months(counter: np.ndarray, months: int, where: np.ndarray | None) -> None:
    """:func:`months_added` for every row, in place."""
    for i in range(counter.size):
        counter[i] = months_added(counter[i], months, where is None or where[i])


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


# The codes as plain ints, for the compiled loops' comparisons (one definition for every module).
FARMING, FORMAL, INFORMAL, UNEMPLOYED = (int(e) for e in Employment)
RURAL_HOME, PRIVATE_RENTAL, PUBLIC_RENTAL, OWNED, DORM = (int(t) for t in Tenure)

_DTYPES: dict[str, type] = {
    "weight": np.float32,
    "origin": np.int16,
    "location": np.int16,
    "hukou_urban": bool,
    "hukou_place": np.int16,
    "family_followed": bool,
    "couple": np.int8,
    "parents": np.int8,
    "preschool": np.int8,
    "children": np.int8,
    "grown_children": np.int8,
    "adults": np.int8,
    "elderly": np.int8,
    "head_age_years": np.float32,
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
    "peri_urban": bool,
    "poverty_registered": bool,
    "school_seat": bool,
    "private_school": bool,
    "rental_subsidy": bool,
    "waiting_since_month": np.int32,
    "settlement_eligible": bool,
    "settlement_points": np.float32,
    "settle_applicant": bool,
    "trained": bool,
    "entrepreneur": np.int8,
    "insured_flexible": bool,
    "key_occupation": bool,
    "registered_lease": bool,
    "dibao": bool,
    "dibao_grace_months": np.int8,
    "hiring_subsidy_months": np.int8,
    "public_welfare_post": bool,
    "graduate": bool,
}
ROW_BYTES = sum(np.dtype(dtype).itemsize for dtype in _DTYPES.values())  # one household


@dataclass
class Households:
    """All household agents. Arrays share one length; index ``i`` is one household agent."""

    weight: np.ndarray  # float32, real households represented by the agent (0: a free row)
    origin: np.ndarray  # int16, place index of the home place (rural area, or city for natives)
    location: np.ndarray  # int16, place index where the household lives now
    hukou_urban: np.ndarray  # bool, the head holds an urban hukou of the region
    hukou_place: np.ndarray  # int16, place index of the hukou registration
    family_followed: np.ndarray  # bool, spouse/children/parents moved their hukou with the head
    couple: np.ndarray  # int8, persons in the head generation (head and spouse): 0-2
    parents: np.ndarray  # int8, the head's parents living here (elderly)
    preschool: np.ndarray  # int8, children aged 0-5
    children: np.ndarray  # int8, school-age children (6-14)
    grown_children: np.ndarray  # int8, the head's children aged 15+ still at home
    adults: np.ndarray  # int8, working-age members (15-59), derived
    elderly: np.ndarray  # int8, members aged 60+, derived
    head_age_years: np.ndarray  # float32
    skill: np.ndarray  # float32, standardized skill (mean 0, sd 1)
    employment: np.ndarray  # int8, Employment
    income_cny_per_month: np.ndarray  # float32, income of the household this step (before dibao)
    insurance_months: np.ndarray  # int16, months of employee social insurance in the region
    months_in_place: np.ndarray  # int16, months lived in the current place
    has_permit: np.ndarray  # bool, holds a residence permit (居住证) of the current city
    tenure: np.ndarray  # int8, Tenure
    contract_land_mu: np.ndarray  # float32, contracted land still held
    collective_income_cny_per_month: np.ndarray  # float32, collective dividend still held
    homestead_held: np.ndarray  # bool
    peri_urban: np.ndarray  # bool, home village lies in the stock that towns will absorb
    poverty_registered: np.ndarray  # bool, 建档立卡
    school_seat: np.ndarray  # bool, children hold public migrant seats where the parents live
    private_school: np.ndarray  # bool, children attend a private (fee-paying) school there
    rental_subsidy: np.ndarray  # bool, receives the rental subsidy this step
    waiting_since_month: np.ndarray  # int32, model month joined the public-rental list, or -1
    settlement_eligible: np.ndarray  # bool, meets the current city's settlement rule
    settlement_points: np.ndarray  # float32, points under the current city's points rule
    settle_applicant: np.ndarray  # bool, applied to settle this step (decisions -> rationing)
    trained: np.ndarray  # bool, took subsidized vocational training
    entrepreneur: np.ndarray  # int8 Business: none, a loan-financed business in the village or city
    insured_flexible: np.ndarray  # bool, informal worker enrolled in employee insurance
    key_occupation: np.ndarray  # bool, works in sanitation, transit or another key service
    registered_lease: np.ndarray  # bool, rents with a registered lease when renting privately
    dibao: np.ndarray  # bool, receives the minimum living allowance
    dibao_grace_months: np.ndarray  # int8, months of benefit left after income rose above the line
    hiring_subsidy_months: np.ndarray  # int8, months left of the employer's hiring subsidy
    public_welfare_post: np.ndarray  # bool, a member holds a public-welfare post in the village
    graduate: np.ndarray  # bool, the head is a college graduate (see model.hukou_moves)

    def __post_init__(self) -> None:
        self._buffers = {f.name: getattr(self, f.name) for f in fields(self)}
        self._free = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return int(self.weight.shape[0])

    @property
    def size(self) -> np.ndarray:
        """Persons per household (int16)."""
        return self.size_of(slice(None))

    def size_of(self, rows: np.ndarray | slice) -> np.ndarray:
        """Persons in households ``rows`` (int16): :attr:`size` for those rows only (the
        whole-array form of :func:`persons`)."""
        return (
            self.adults[rows].astype(np.int16)
            + self.children[rows]
            + self.elderly[rows]
            + self.preschool[rows]
        )

    def persons_by_place(self, n_places: int, where: np.ndarray | None = None) -> np.ndarray:
        """Persons (float64, by weight, added in row order) living at each of ``n_places``
        places; with ``where``, of the households where it is true only."""
        return _persons_by_place(
            self.location,
            self.weight,
            self.adults,
            self.children,
            self.elderly,
            self.preschool,
            where,
            n_places,
        )

    @property
    def children_total(self) -> np.ndarray:
        """Children under 15 (preschool and school age), int16."""
        return self.children.astype(np.int16) + self.preschool

    @property
    def free_rows(self) -> int:
        """Rows left by households that died out, waiting for new households."""
        return int(self._free.size)

    def nbytes(self) -> int:
        """Bytes held by the household arrays (including rows reserved for growth)."""
        return sum(buffer.nbytes for buffer in self._buffers.values())

    def refresh_age_groups(self) -> None:
        """Recompute working-age adults and elderly from the generations and the head's age."""
        _refresh_age_groups(
            self.head_age_years,
            self.couple,
            self.grown_children,
            self.parents,
            self.adults,
            self.elderly,
        )

    def add_rows(self, k: int) -> np.ndarray:
        """Indices of ``k`` rows for new households, reset to empty (weight 0).

        Rows of households that died out are reused first; then the arrays grow (into reserved
        capacity where there is some, otherwise into buffers a quarter larger).
        """
        reuse, self._free = self._free[:k], self._free[k:]
        extra = k - reuse.size
        n = len(self)
        if extra:
            self._resize(n + extra)
        rows = np.concatenate([reuse, np.arange(n, n + extra, dtype=np.int64)])
        self._reset(rows)
        return rows

    def release(self, rows: np.ndarray) -> None:
        """Remove households ``rows`` (died out): weight and members to 0, rows kept for reuse."""
        self._reset(rows)
        self._free = np.concatenate([self._free, rows.astype(np.int64)])

    def _reset(self, rows: np.ndarray) -> None:
        for name in _DTYPES:
            getattr(self, name)[rows] = 0
        self.waiting_since_month[rows] = NOT_WAITING

    def _resize(self, n_new: int) -> None:
        n = len(self)
        for name, dtype in _DTYPES.items():
            buffer = self._buffers[name]
            if buffer.shape[0] < n_new:
                grown = np.zeros(max(n_new, int(buffer.shape[0] * _GROWTH) + 16), dtype=dtype)
                grown[:n] = buffer[:n]
                self._buffers[name] = buffer = grown
            setattr(self, name, buffer[:n_new])

    @classmethod
    def empty(cls, n: int) -> Households:
        """Households with zeroed attributes of the declared dtypes."""
        hh = cls(**{name: np.zeros(n, dtype=dt) for name, dt in _DTYPES.items()})
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


@jit
def _refresh_age_groups(
    head_age_years: np.ndarray,
    couple: np.ndarray,
    grown_children: np.ndarray,
    parents: np.ndarray,
    adults: np.ndarray,
    elderly: np.ndarray,
) -> None:
    """A retired head couple and the head's parents are elderly; a working-age couple and the
    grown children are working-age adults."""
    for i in range(couple.size):
        retired_couple = couple[i] if head_age_years[i] >= np.float32(RETIREMENT_AGE) else 0
        elderly[i] = retired_couple + parents[i]
        adults[i] = couple[i] - retired_couple + grown_children[i]


@jit
def persons(adults: int, children: int, elderly: int, preschool: int) -> int:
    """Persons in a household: its working-age adults, children of school and preschool age and
    elderly (:meth:`Households.size_of` for whole arrays)."""
    return np.int16(adults) + children + elderly + preschool


@jit
def _persons_by_place(
    location: np.ndarray,
    weight: np.ndarray,
    adults: np.ndarray,
    children: np.ndarray,
    elderly: np.ndarray,
    preschool: np.ndarray,
    where: np.ndarray | None,
    n_places: int,
) -> np.ndarray:
    """:meth:`Households.persons_by_place`: weight x persons summed by place."""
    out = np.zeros(n_places)
    for i in range(location.size):
        if where is not None and not where[i]:
            continue
        size = persons(adults[i], children[i], elderly[i], preschool[i])
        out[location[i]] += np.float64(weight[i]) * np.float64(size)
    return out
