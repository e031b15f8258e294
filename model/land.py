"""Rural land rights: what a household keeps after settling, and paid withdrawal from them.

Seeds: 000 (十六), 001 二(二)3(1)-(3) and 002 (十八) keep contracted land, homestead and collective
income after settling and forbid making their surrender a condition of settling; 000 (十六)
allows voluntary, paid withdrawal from the homestead with compensation raised by the locality;
001 二(二)3(2) explores paid withdrawal from the collective-income entitlement. A kept share below
1 models a regime that does take land away on settling (a counterfactual).

Only settled households may withdraw. What an offer is worth to a household (the compensation
spread over the planning horizon, less the monthly value it gives up, where positive) counts in
its settling gain: settling opens the offer (:func:`withdrawal_offers_cny_per_month`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from model import fiscal
from model.compiled import jit
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World


@dataclass
class LandPolicy:
    """Land-rights rules of the region (the origin's rules apply to its households)."""

    contract_land_kept_share: float = lever(
        1.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of contracted land (承包地) a household keeps after settling in a city.",
        seeds="000 (十六); 001 二(二)3(1); 002 (十八)",
    )
    collective_income_kept_share: float = lever(
        1.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of the collective-income entitlement (集体收益分配权) kept after settling.",
        seeds="000 (十六); 001 二(二)3(1)-(2); 002 (十八)",
    )
    homestead_kept_share: float = lever(
        1.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of settling households that keep their homestead (宅基地) use right.",
        seeds="000 (十六); 001 二(二)3(1),(3)",
    )
    homestead_withdrawal_enabled: bool = lever(
        False,
        unit="flag",
        doc="Settled households may give up their homestead voluntarily for compensation.",
        seeds="000 (十六)",
    )
    homestead_compensation_cny: float = lever(
        0.0,
        unit="CNY/homestead",
        low=0,
        high=5e6,
        doc="One-off compensation paid for a voluntarily withdrawn homestead.",
        seeds="000 (十六)",
    )
    collective_income_withdrawal_enabled: bool = lever(
        False,
        unit="flag",
        doc="Settled households may give up their collective-income entitlement (集体收益分配权) "
        "voluntarily for compensation.",
        seeds="001 二(二)3(2)",
    )
    collective_income_compensation_years: float = lever(
        10.0,
        unit="years of dividend",
        low=0,
        high=100,
        doc="One-off compensation for a withdrawn collective-income entitlement, in years of the "
        "household's dividend (assumption: 001 二(二)3(2) leaves the terms to be worked out).",
        seeds="001 二(二)3(2)",
    )
    land_rent_cny_per_mu_month: float = lever(
        40.0,
        unit="CNY/mu/month",
        low=0,
        high=5000,
        doc="Income from a mu of contracted land, farmed or transferred out (流转) "
        "(assumption: no seed sets a rent).",
    )


def land_income_cny_per_month(w: World, idx: np.ndarray) -> np.ndarray:
    """Income from the contracted land and collective share households ``idx`` still hold
    (:func:`land_income`, float32)."""
    hh = w.hh
    return _land_incomes(
        idx,
        hh.contract_land_mu,
        hh.collective_income_cny_per_month,
        land_rent_per_mu(w),
        np.float32(w.price_level),
    )


def land_rent_per_mu(w: World) -> np.float32:
    """The rent a mu of contracted land brings (CNY/month, current prices, float32)."""
    return np.float32(w.cny(w.cfg.land.land_rent_cny_per_mu_month))


@jit
def land_income(
    contract_land_mu: np.float32,
    collective_income: np.float32,
    rent_per_mu: np.float32,
    price_level: np.float32,
) -> np.float32:
    """Monthly income from the contracted land and the collective share a household holds
    (float32, as :func:`land_income_cny_per_month`)."""
    return contract_land_mu * rent_per_mu + collective_income * price_level


@jit
def _land_incomes(
    idx: np.ndarray,
    contract_land_mu: np.ndarray,
    collective_income: np.ndarray,
    rent_per_mu: np.float32,
    price_level: np.float32,
) -> np.ndarray:
    """:func:`land_income` of households ``idx``."""
    out = np.empty(idx.size, dtype=np.float32)
    for k in range(idx.size):
        i = idx[k]
        out[k] = land_income(contract_land_mu[i], collective_income[i], rent_per_mu, price_level)
    return out


def settling_loss_cny_per_month(w: World, idx: np.ndarray) -> np.ndarray:
    """Monthly value households ``idx`` would lose by settling, under the kept shares."""
    hh, policy = w.hh, w.cfg.land
    homestead_value = w.cny(w.cfg.behavior.homestead_value_cny_per_month)
    return (
        (1 - policy.contract_land_kept_share)
        * hh.contract_land_mu[idx]
        * w.cny(policy.land_rent_cny_per_mu_month)
        + (1 - policy.collective_income_kept_share)
        * hh.collective_income_cny_per_month[idx]
        * w.price_level
        + (1 - policy.homestead_kept_share) * homestead_value * hh.homestead_held[idx]
    )


def withdrawal_gains_cny_per_month(w: World, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Monthly gain of households ``idx`` from withdrawing (homestead, collective share) for pay.

    The compensation is spread over the planning horizon; what is given up is the homestead's
    value and the collective dividend. Zero where the offer is closed or the right not held.
    """
    hh, policy, beh = w.hh, w.cfg.land, w.cfg.behavior
    horizon = beh.planning_horizon_months
    homestead = np.zeros(idx.size, dtype=np.float32)
    if policy.homestead_withdrawal_enabled:
        gain = w.cny(
            policy.homestead_compensation_cny / horizon - beh.homestead_value_cny_per_month
        )
        homestead = np.where(hh.homestead_held[idx], np.float32(gain), np.float32(0))
    collective = np.zeros(idx.size, dtype=np.float32)
    if policy.collective_income_withdrawal_enabled:
        dividend = hh.collective_income_cny_per_month[idx] * np.float32(w.price_level)
        factor = 12 * policy.collective_income_compensation_years / horizon - 1
        collective = dividend * np.float32(factor)
    return homestead, collective


def withdrawal_offers_cny_per_month(w: World, idx: np.ndarray) -> np.ndarray:
    """What the paid-withdrawal offers open to households ``idx`` by settling (CNY/month):
    each offer's gain where positive (a settled household takes it or leaves it), for what
    settling lets it keep."""
    policy = w.cfg.land
    homestead, collective = withdrawal_gains_cny_per_month(w, idx)
    return policy.homestead_kept_share * np.maximum(
        homestead, 0
    ) + policy.collective_income_kept_share * np.maximum(collective, 0)


def apply_settlement_terms(w: World, idx: np.ndarray) -> None:
    """Reduce the land holdings of newly settled households ``idx`` to the kept shares."""
    hh, policy = w.hh, w.cfg.land
    hh.contract_land_mu[idx] *= policy.contract_land_kept_share
    hh.collective_income_cny_per_month[idx] *= policy.collective_income_kept_share
    if policy.homestead_kept_share < 1.0:
        lost = idx[w.rng.random(idx.size) >= policy.homestead_kept_share]
        hh.homestead_held[lost] = False


def withdraw_rights(w: World) -> None:
    """Phase: settled households weigh each open offer's compensation against what they keep."""
    policy, hh = w.cfg.land, w.hh
    offers = policy.homestead_withdrawal_enabled or policy.collective_income_withdrawal_enabled
    if not offers:
        return
    holds_offered = (policy.homestead_withdrawal_enabled & hh.homestead_held) | (
        policy.collective_income_withdrawal_enabled & (hh.collective_income_cny_per_month > 0)
    )
    idx = np.flatnonzero(hh.hukou_urban & holds_offered & w.places.is_rural[hh.origin])
    idx = idx[w.rng.random(idx.size) < w.review_probability()]
    if idx.size == 0:
        return
    scale = w.cny(w.cfg.behavior.logit_scale_cny_per_month)
    homestead_gain, collective_gain = withdrawal_gains_cny_per_month(w, idx)
    if policy.homestead_withdrawal_enabled:
        held = hh.homestead_held[idx]
        withdraw = idx[held & (w.rng.random(idx.size) < expit(homestead_gain / scale))]
        hh.homestead_held[withdraw] = False
        withdrawn = hh.weight[withdraw].astype(np.float64)
        fiscal.book_homestead_reclamation(w, hh.hukou_place[withdraw], withdrawn)
        w.flows.add("homesteads_withdrawn", withdrawn.sum())
        w.flows.add(
            "outlay_homestead_compensation_cny",
            withdrawn.sum() * policy.homestead_compensation_cny,
        )
    if policy.collective_income_withdrawal_enabled:
        held = hh.collective_income_cny_per_month[idx] > 0
        withdraw = idx[held & (w.rng.random(idx.size) < expit(collective_gain / scale))]
        dividend = hh.collective_income_cny_per_month[withdraw] * np.float32(w.price_level)
        paid = 12 * policy.collective_income_compensation_years * dividend
        hh.collective_income_cny_per_month[withdraw] = 0
        w.flows.add("collective_shares_withdrawn", hh.weight[withdraw].sum(dtype=np.float64))
        w.flows.add(
            "outlay_collective_income_compensation_cny",
            (paid * hh.weight[withdraw]).sum(dtype=np.float64),
        )
