"""The dibao's rules as numbers: the standards now, income per person, who is below the line,
the benefit, and what a household could expect at each place it weighs (:mod:`model.assistance`
runs the programme; seeds and rules are described there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import land, layout
from model.compiled import jit
from model.households import persons
from model.permits import registered_in_region

if TYPE_CHECKING:
    from model.world import World


def no_dibao(w: World) -> bool:
    """Whether both dibao standards are zero (the lever is off: nobody is below the line)."""
    policy = w.cfg.assistance
    standards = (
        policy.urban_standard_cny_per_person_month,
        policy.rural_standard_cny_per_person_month,
    )
    return max(standards) <= 0


def current_standards(w: World) -> tuple[float, float]:
    """(urban, rural) dibao standards now: the start values raised by their yearly growth for
    ``standard_growth_years``, then with wages."""
    policy = w.cfg.assistance
    years = w.month / 12
    stated = min(years, policy.standard_growth_years)
    with_wages = (1 + w.cfg.economy.wage_growth_pct_per_year / 100) ** (years - stated)
    urban = (
        policy.urban_standard_cny_per_person_month
        * (1 + policy.urban_standard_growth_pct_per_year / 100) ** stated
        * with_wages
    )
    rural = (
        policy.rural_standard_cny_per_person_month
        * (1 + policy.rural_standard_growth_pct_per_year / 100) ** stated
        * with_wages
    )
    return urban, (urban if policy.unified_standard else min(rural, urban))


def standard_cny_per_person_month(w: World, place: np.ndarray) -> np.ndarray:
    """The dibao standard applying at each place (urban in cities, rural in villages)."""
    urban, rural = current_standards(w)
    return np.where(w.places.is_rural, rural, urban)[place]


def income_per_person(w: World, idx: np.ndarray | None = None) -> np.ndarray:
    """Household income per person before transfers (wages plus land income), CNY/month
    (float32), of households ``idx`` (default every household)."""
    hh = w.hh
    return _incomes_per_person(
        idx,
        hh.income_cny_per_month,
        hh.contract_land_mu,
        hh.collective_income_cny_per_month,
        hh.adults,
        hh.children,
        hh.elderly,
        hh.preschool,
        land.land_rent_per_mu(w),
        np.float32(w.price_level),
    )


def below_standard_where_living(w: World) -> np.ndarray:
    """Whether each household's income per person is below the dibao standard of the place
    where it lives (whether or not it may claim there)."""
    standard = standard_cny_per_person_month(w, np.arange(w.places.n))
    return _below(income_per_person(w), w.hh.location, standard)


@jit
def _below(income_pp: np.ndarray, place: np.ndarray, standard_by_place: np.ndarray) -> np.ndarray:
    """Whether each income per person is below the standard at its place."""
    out = np.empty(income_pp.size, dtype=np.bool_)
    for i in range(income_pp.size):
        out[i] = income_pp[i] < standard_by_place[place[i]]
    return out


@jit
def _incomes_per_person(
    idx: np.ndarray | None,
    income: np.ndarray,
    contract_land_mu: np.ndarray,
    collective_income: np.ndarray,
    adults: np.ndarray,
    children: np.ndarray,
    elderly: np.ndarray,
    preschool: np.ndarray,
    rent_per_mu: np.float32,
    price_level: np.float32,
) -> np.ndarray:
    """:func:`income_per_person` (household arrays whole; every row if ``idx`` is None)."""
    n = income.size if idx is None else idx.size
    out = np.empty(n, dtype=np.float32)
    for k in range(n):
        i = k if idx is None else idx[k]
        total = income[i] + land.land_income(
            contract_land_mu[i], collective_income[i], rent_per_mu, price_level
        )
        size = max(persons(adults[i], children[i], elderly[i], preschool[i]), 1)
        out[k] = total / np.float32(size)
    return out


def benefit_per_person(w: World, place: np.ndarray, income_pp: np.ndarray) -> np.ndarray:
    """Dibao per person and month (float64) at each ``place`` for an income per person."""
    standard, top_up_share = _standards_and_shares(w)
    out = np.empty(place.size)
    _benefits(place, income_pp, standard, top_up_share, w.cfg.assistance.pays_income_gap, out)
    return out


def _standards_and_shares(w: World) -> tuple[np.ndarray, np.ndarray]:
    """The dibao standard and the top-up share (float64) at every place."""
    policy = w.cfg.assistance
    rural = w.places.is_rural
    standard = standard_cny_per_person_month(w, np.arange(w.places.n))
    return standard, np.where(rural, policy.rural_top_up_share, policy.urban_top_up_share)


@jit
def dibao_per_person(
    standard: float, income_pp: np.float32, top_up_share: float, pays_income_gap: bool
) -> float:
    """Dibao per person and month: the gap to the standard (if the rule pays it), and at least
    the top-up share of the standard."""
    floor = top_up_share * standard
    if not pays_income_gap:
        return floor
    return np.maximum(standard - np.float64(income_pp), floor)


@jit
def _benefits(
    place: np.ndarray,
    income_pp: np.ndarray,
    standard: np.ndarray,
    top_up_share: np.ndarray,
    pays_income_gap: bool,
    out: np.ndarray,
) -> None:
    """:func:`dibao_per_person` for each row into ``out``."""
    for i in range(place.size):
        p = place[i]
        out[i] = dibao_per_person(standard[p], income_pp[i], top_up_share[p], pays_income_gap)


def expected_benefit_cny_per_month(
    w: World, idx: np.ndarray, alt_places: np.ndarray, income: np.ndarray, land_income: np.ndarray
) -> np.ndarray:
    """Dibao households ``idx`` could expect at each alternative place, given their labour
    income there (k x alternatives) and their land income (k).

    Claims need a hukou of the region; at a city other than the hukou place they start after the
    months of residence, so the benefit is discounted by the share of the planning horizon spent
    waiting.
    """
    hh, policy = w.hh, w.cfg.assistance
    if no_dibao(w):
        return np.zeros(alt_places.shape, dtype=np.float32)
    standard, top_up_share = _standards_and_shares(w)
    out = layout.empty(*alt_places.shape, np.float32)
    _expected_benefits(
        alt_places,
        income,
        land_income,
        np.maximum(hh.size_of(idx), 1).astype(np.float32),
        hh.hukou_place[idx],
        w.places.is_outside,
        standard,
        top_up_share,
        policy.pays_income_gap,
        float(policy.months_residence_where_not_registered),
        float(w.cfg.behavior.planning_horizon_months),
        policy.take_up_share,
        out,
    )
    return out


@jit
def _expected_benefits(
    alt_places: np.ndarray,
    income: np.ndarray,
    land_income: np.ndarray,
    size: np.ndarray,
    hukou_place: np.ndarray,
    is_outside: np.ndarray,
    standard: np.ndarray,
    top_up_share: np.ndarray,
    pays_income_gap: bool,
    months_required: float,
    horizon_months: float,
    take_up_share: float,
    out: np.ndarray,
) -> None:
    """:func:`expected_benefit_cny_per_month` cell by cell."""
    for j in range(alt_places.shape[1]):
        for i in range(alt_places.shape[0]):
            p = alt_places[i, j]
            income_pp = (income[i, j] + land_income[i]) / size[i]
            wait = months_before_claiming(hukou_place[i], p, months_required)
            eligible = (
                may_claim_in(hukou_place[i], p, is_outside)
                and wait < horizon_months
                and income_pp < standard[p]
            )
            benefit = dibao_per_person(standard[p], income_pp, top_up_share[p], pays_income_gap)
            out[i, j] = np.float32(
                np.float64(eligible)
                * take_up_share
                * benefit
                * np.float64(size[i])
                * (1.0 - wait / horizon_months)
            )


@jit
def claims(
    hukou_place: np.ndarray,
    location: np.ndarray,
    months_in_place: np.ndarray,
    is_outside: np.ndarray,
    months_required: float,
    income_pp: np.ndarray,
    standard_by_place: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each household may claim the dibao (place, or -1 if nowhere) and whether its
    income per person is below the standard there.

    A claim needs a hukou of the region and residence in it, at the hukou place or after
    ``months_required`` months where the household lives.
    """
    place = np.empty(location.size, dtype=np.int16)
    below = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        at = location[i]
        can_claim = may_claim_in(hukou_place[i], at, is_outside) and (
            months_in_place[i] >= months_before_claiming(hukou_place[i], at, months_required)
        )
        place[i] = at if can_claim else -1
        below[i] = can_claim and income_pp[i] < standard_by_place[at]
    return place, below


@jit
def may_claim_in(hukou_place: int, place: int, is_outside: np.ndarray) -> bool:
    """Whether a household may claim the dibao at ``place`` at all: it holds a hukou of the
    region, and the place is in the region."""
    return registered_in_region(hukou_place, is_outside) and not is_outside[place]


@jit
def months_before_claiming(hukou_place: int, place: int, months_required: float) -> float:
    """Months of residence a claim at ``place`` waits for: none at the hukou place,
    ``months_required`` elsewhere in the region (001 二(一)3(1))."""
    return 0.0 if place == hukou_place else months_required
