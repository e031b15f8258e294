"""Settlement (落户): each city's rule, who is eligible, and admission under an annual quota.

Rules, from the seeds:
- ``open``: zero threshold; anyone living or working in the city may register, given an address
  (001 二(二)1(1); 004 (六) "open except Chengdu"; 000 (十四)).
- ``conditions``: legal stable housing (rental included) or a stable job with urban social
  insurance, after optional minimum months (002 (四)).
- ``points``: points for residence, insurance, skill, an owned home and poverty registration, an
  annual quota filled highest points first (000 (十四): Chengdu's points weighted to poor migrants).
- ``closed``: no settlement (a counterfactual).
Renters need an address: a community collective household lets them register (001 二(二)1(3);
002 (五)). Family members may follow the applicant (001 二(二)1(2); 002 (四)). Graduates may
settle whatever the rule asks, outside the quota (002 (五); :mod:`model.hukou_moves`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit
from model.households import DORM, OWNED, PRIVATE_RENTAL, PUBLIC_RENTAL
from model.hukou_moves import graduate_channel, graduate_may_settle, grant_urban_hukou
from model.levers import lever
from model.rationing import fill_capacity
from model.tables import column_builder

if TYPE_CHECKING:
    from model.world import World


class SettlementRuleType(Enum):
    """Kinds of settlement rule a city can run."""

    open = 0
    conditions = 1
    points = 2
    closed = 3


@dataclass
class SettlementRule:
    """One city's settlement rule."""

    rule: SettlementRuleType = lever(
        SettlementRuleType.open,
        unit="choice",
        doc="open (zero threshold) | conditions | points (with annual quota) | closed.",
        seeds="001 二(二)1(1); 002 (四); 004 (六); 000 (十四)",
    )
    min_residence_months: int = lever(
        0,
        unit="months",
        low=0,
        high=600,
        doc="Months lived in the city before applying (conditions and points rules). No seed "
        "sets a positive value (assumptions); 002 (四) and 001 二(二)1(1) list no residence "
        "period, which supports 0.",
        seeds="002 (四); 001 二(二)1(1)",
    )
    min_insurance_months: int = lever(
        0,
        unit="months",
        low=0,
        high=600,
        doc="Months of urban employee social insurance that count as a stable job "
        "(conditions) or are required (points).",
        seeds="002 (四)",
    )
    rental_counts_as_stable_housing: bool = lever(
        True,
        unit="flag",
        doc="A rented home counts as legal stable housing for the conditions rule.",
        seeds="002 (四) (含租赁)",
    )
    community_collective_household: bool = lever(
        True,
        unit="flag",
        doc="Renters and dormitory dwellers may register at a community collective household; "
        "without it only owners and public-rental tenants have an address to settle at.",
        seeds="001 二(二)1(3); 002 (五)",
    )
    family_follows: bool = lever(
        True,
        unit="flag",
        doc="Spouse, children and parents move their hukou with the applicant.",
        seeds="001 二(二)1(2); 002 (四)",
    )
    points_per_year_residence: float = lever(
        10.0, unit="points/year", low=0, high=1000, doc="Points per year lived in the city."
    )
    points_per_year_insurance: float = lever(
        10.0, unit="points/year", low=0, high=1000, doc="Points per year of social insurance."
    )
    points_per_skill_sd: float = lever(
        10.0,
        unit="points/sd",
        low=0,
        high=1000,
        doc="Points per standard deviation of skill above the mean.",
    )
    points_owned_home: float = lever(
        20.0, unit="points", low=0, high=1000, doc="Points for owning a home in the city."
    )
    points_poverty_registered: float = lever(
        20.0,
        unit="points",
        low=0,
        high=1000,
        doc="Points for poverty-registered (建档立卡) households.",
        seeds="000 (十四)",
    )
    min_points: float = lever(
        0.0, unit="points", low=0, high=10000, doc="Points needed to apply under the points rule."
    )
    annual_quota_persons: float = lever(
        1e9,
        unit="persons/year",
        low=0,
        high=1e9,
        doc="Persons admitted per calendar year under the points rule, highest points first "
        "(assumption: no seed sets a yearly quota; 000 (十四) asks only for sensible points "
        "standards).",
    )


@dataclass
class SettlementTable:
    """Per-place arrays of the settlement rules (places without a city rule are closed)."""

    rule: np.ndarray  # int8 SettlementRuleType values
    min_residence_months: np.ndarray
    min_insurance_months: np.ndarray
    rental_counts: np.ndarray  # bool
    collective_household: np.ndarray  # bool
    family_follows: np.ndarray  # bool
    points_residence: np.ndarray
    points_insurance: np.ndarray
    points_skill: np.ndarray
    points_owned: np.ndarray
    points_poverty: np.ndarray
    min_points: np.ndarray
    annual_quota_persons: np.ndarray
    settled_this_year_persons: np.ndarray  # float64, admitted so far in the calendar year
    settled_this_step_persons: np.ndarray  # float64, admitted this step (all channels)
    settling_hazard_per_month: np.ndarray  # float64, see model.settling_gain

    @classmethod
    def build(
        cls, n_places: int, city_slots: list[int], rules: list[SettlementRule]
    ) -> SettlementTable:
        """Arrays over all places from the rules of the cities at ``city_slots``."""

        arr = column_builder(n_places, city_slots, rules)

        return cls(
            rule=arr(lambda r: r.rule.value, np.int8, SettlementRuleType.closed.value),
            min_residence_months=arr(lambda r: r.min_residence_months, np.int16, 0),
            min_insurance_months=arr(lambda r: r.min_insurance_months, np.int16, 0),
            rental_counts=arr(lambda r: r.rental_counts_as_stable_housing, bool, False),
            collective_household=arr(lambda r: r.community_collective_household, bool, False),
            family_follows=arr(lambda r: r.family_follows, bool, False),
            points_residence=arr(lambda r: r.points_per_year_residence, np.float32, 0),
            points_insurance=arr(lambda r: r.points_per_year_insurance, np.float32, 0),
            points_skill=arr(lambda r: r.points_per_skill_sd, np.float32, 0),
            points_owned=arr(lambda r: r.points_owned_home, np.float32, 0),
            points_poverty=arr(lambda r: r.points_poverty_registered, np.float32, 0),
            min_points=arr(lambda r: r.min_points, np.float32, 0),
            annual_quota_persons=arr(lambda r: r.annual_quota_persons, np.float64, 0),
            settled_this_year_persons=np.zeros(n_places),
            settled_this_step_persons=np.zeros(n_places),
            settling_hazard_per_month=np.zeros(n_places),
        )


def mark_settlement_eligibility(w: World) -> None:
    """Phase: flag rural-hukou city residents who meet their city's rule; score points.

    Points are kept for those residents only (others keep their last score). One compiled pass
    over the households (:mod:`model.compiled`).
    """
    hh, rules = w.hh, w.places.settlement
    _mark_eligible(
        w.places.is_city,
        hh.location,
        hh.hukou_urban,
        hh.tenure,
        hh.months_in_place,
        hh.insurance_months,
        hh.skill,
        hh.poverty_registered,
        hh.graduate,
        hh.employment,
        w.cfg.hukou_moves.graduates_move_freely,
        rules.rule,
        rules.min_residence_months,
        rules.min_insurance_months,
        rules.rental_counts,
        rules.collective_household,
        rules.points_residence,
        rules.points_insurance,
        rules.points_skill,
        rules.points_owned,
        rules.points_poverty,
        rules.min_points,
        hh.settlement_eligible,
        hh.settlement_points,
    )


_OPEN, _CONDITIONS, _POINTS, _CLOSED = (
    SettlementRuleType.open.value,
    SettlementRuleType.conditions.value,
    SettlementRuleType.points.value,
    SettlementRuleType.closed.value,
)


@jit
def _mark_eligible(
    is_city: np.ndarray,
    location: np.ndarray,
    hukou_urban: np.ndarray,
    tenure: np.ndarray,
    months_in_place: np.ndarray,
    insurance_months: np.ndarray,
    skill: np.ndarray,
    poverty_registered: np.ndarray,
    graduate: np.ndarray,
    employment: np.ndarray,
    graduates_move_freely: bool,
    rule: np.ndarray,
    min_residence_months: np.ndarray,
    min_insurance_months: np.ndarray,
    rental_counts: np.ndarray,
    collective_household: np.ndarray,
    points_residence: np.ndarray,
    points_insurance: np.ndarray,
    points_skill: np.ndarray,
    points_owned: np.ndarray,
    points_poverty: np.ndarray,
    min_points: np.ndarray,
    eligible: np.ndarray,
    points_out: np.ndarray,
) -> None:
    """The phase's pass: arrays as in Households and SettlementTable, outputs written in place."""
    for i in range(location.size):
        eligible[i] = False
        at = location[i]
        if not is_city[at] or hukou_urban[i]:
            continue
        t = tenure[i]
        renting = t in (PRIVATE_RENTAL, DORM)
        owns_or_public = t in (OWNED, PUBLIC_RENTAL)
        has_address = owns_or_public or (renting and collective_household[at])
        residence_ok = months_in_place[i] >= min_residence_months[at]
        insurance_ok = insurance_months[i] >= max(min_insurance_months[at], 1)
        stable_housing = owns_or_public or (renting and rental_counts[at])
        # float64 sum of the terms, each in the type numpy gives it (residence and insurance
        # years in float64; skill, home and poverty points in float32)
        points = np.float64(points_residence[at]) * (months_in_place[i] / 12.0)
        points += np.float64(points_insurance[at]) * (insurance_months[i] / 12.0)
        points += points_skill[at] * np.maximum(skill[i], np.float32(0.0))
        points += points_owned[at] * np.float32(t == OWNED)
        points += points_poverty[at] * np.float32(poverty_registered[i])
        kind = rule[at]
        conditions = kind == _CONDITIONS and (stable_housing or insurance_ok)
        by_points = (
            kind == _POINTS
            and insurance_months[i] >= min_insurance_months[at]
            and points >= min_points[at]
        )
        meets_rule = has_address and (kind == _OPEN or (residence_ok and (conditions or by_points)))
        as_graduate = (
            graduates_move_freely
            and kind != _CLOSED
            and graduate_may_settle(graduate[i], hukou_urban[i], employment[i])
        )
        eligible[i] = meets_rule or as_graduate
        points_out[i] = points


def admit_settlers(w: World) -> None:
    """Phase: eligible applicants take an urban hukou; points cities fill the quota by points."""
    hh, rules = w.hh, w.places.settlement
    idx = np.flatnonzero(hh.settle_applicant & hh.settlement_eligible)
    hh.settle_applicant[:] = False
    rules.settled_this_step_persons[:] = 0.0
    if idx.size == 0:
        return
    loc = hh.location[idx]
    follows = rules.family_follows[loc]
    persons = np.where(follows, hh.size_of(idx), 1) * hh.weight[idx].astype(np.float64)
    quota_left = np.where(
        rules.rule == SettlementRuleType.points.value,
        np.maximum(rules.annual_quota_persons - rules.settled_this_year_persons, 0.0),
        np.inf,
    )
    admitted = graduate_channel(w, idx)  # graduates settle outside the quota (002 (五))
    queued = np.flatnonzero(~admitted)
    admitted[queued] = fill_capacity(
        loc[queued], persons[queued], quota_left, -hh.settlement_points[idx[queued]], w.rng
    )
    in_quota = queued[admitted[queued]]
    np.add.at(rules.settled_this_year_persons, loc[in_quota], persons[in_quota])
    np.add.at(rules.settled_this_step_persons, loc[admitted], persons[admitted])
    grant_urban_hukou(w, idx[admitted], loc[admitted])


@jit
def urban_hukou_persons(hukou_urban: bool, family_followed: bool, persons: int) -> int:
    """Persons of a household holding an urban hukou of the region: the family where it
    followed the settler, the settler alone otherwise."""
    held = 1 + family_followed * (persons - 1)
    return held * hukou_urban
