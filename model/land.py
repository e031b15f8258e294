"""Rural land rights: what a household keeps after settling, and paid homestead withdrawal.

Seeds: 000 (十六), 001 二(二)3(1)-(3) and 002 (十八) keep contracted land, homestead and collective
income after settling and forbid making their surrender a condition of settling; 000 (十六)
allows voluntary, paid withdrawal from the homestead with compensation raised by the locality.
A kept share below 1 models a regime that does take land away on settling (a counterfactual).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from model import fiscal
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
    land_rent_cny_per_mu_month: float = lever(
        40.0,
        unit="CNY/mu/month",
        low=0,
        high=5000,
        doc="Income from a mu of contracted land, farmed or transferred out (流转) "
        "(assumption: no seed sets a rent).",
    )


def land_income_cny_per_month(w: World, idx: np.ndarray) -> np.ndarray:
    """Income from the contracted land and collective share households ``idx`` still hold."""
    hh, policy = w.hh, w.cfg.land
    return hh.contract_land_mu[idx] * np.float32(
        w.cny(policy.land_rent_cny_per_mu_month)
    ) + hh.collective_income_cny_per_month[idx] * np.float32(w.price_level)


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


def apply_settlement_terms(w: World, idx: np.ndarray) -> None:
    """Reduce the land holdings of newly settled households ``idx`` to the kept shares."""
    hh, policy = w.hh, w.cfg.land
    hh.contract_land_mu[idx] *= policy.contract_land_kept_share
    hh.collective_income_cny_per_month[idx] *= policy.collective_income_kept_share
    if policy.homestead_kept_share < 1.0:
        lost = idx[w.rng.random(idx.size) >= policy.homestead_kept_share]
        hh.homestead_held[lost] = False


def withdraw_homesteads(w: World) -> None:
    """Phase: settled households weigh compensation against their homestead's value."""
    policy, behavior, hh = w.cfg.land, w.cfg.behavior, w.hh
    if not policy.homestead_withdrawal_enabled:
        return
    idx = np.flatnonzero(hh.hukou_urban & hh.homestead_held & w.places.is_rural[hh.origin])
    if idx.size == 0:
        return
    review = w.review_probability()
    idx = idx[w.rng.random(idx.size) < review]
    monthly_compensation = policy.homestead_compensation_cny / behavior.planning_horizon_months
    gain = monthly_compensation - w.cny(behavior.homestead_value_cny_per_month)
    p_withdraw = expit(gain / w.cny(behavior.logit_scale_cny_per_month))
    withdraw = idx[w.rng.random(idx.size) < p_withdraw]
    hh.homestead_held[withdraw] = False
    withdrawn = hh.weight[withdraw].astype(np.float64)
    fiscal.book_homestead_reclamation(w, hh.hukou_place[withdraw], withdrawn)
    w.flows.add("homesteads_withdrawn", withdrawn.sum())
    w.flows.add(
        "outlay_homestead_compensation_cny", withdrawn.sum() * policy.homestead_compensation_cny
    )
