"""Home purchase: renters in a city buy a home once they can carry a mortgage, at a yearly rate.

Without it the only owners are those of the start, so every household formed in a city (a
grown child leaving home) and every newcomer rents for ever: in ``sichuan_2019`` the urban
natives renting privately doubled from 19 % to 38 % by 2030, and public rental waiting lists
grew to 5.8 million households, a queue no newcomer could expect to reach the head of.

A household renting in one of the region's cities (privately, in a dormitory or a public rental
unit) can buy when its monthly income is at least ``income_to_rent_multiple`` times the market
rent of a home of its size there; such a household buys with probability
``purchase_rate_per_year`` a year (saving the down payment, finding a home). Owning ends the
rent (the model does not carry mortgage payments), gives an address and, under a points rule,
the points for an owned home. A household that moves away sells (:func:`model.decisions.relocate`
makes it a renter where it goes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit
from model.households import NOT_WAITING, OWNED, RURAL_HOME, Tenure
from model.housing import rent_scale
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World

RENTING = (Tenure.PRIVATE_RENTAL, Tenure.DORM, Tenure.PUBLIC_RENTAL)


def buy_homes(w: World) -> None:
    """Phase: city renters who can carry a mortgage buy at the yearly purchase rate."""
    cfg, hh, places = w.cfg.home_purchase, w.hh, w.places
    if cfg.purchase_rate_per_year == 0:
        return
    idx = np.flatnonzero(_renting_in_city(places.is_city, hh.location, hh.tenure, hh.weight))
    rent = places.rent_cny_per_month[hh.location[idx]] * rent_scale(w, idx)
    can_buy = hh.income_cny_per_month[idx] >= np.float32(cfg.income_to_rent_multiple) * rent
    idx = idx[can_buy]
    p = 1.0 - (1.0 - cfg.purchase_rate_per_year) ** (w.months_per_step / 12)
    buyers = idx[w.rng.random(idx.size) < p]
    hh.tenure[buyers] = Tenure.OWNED
    hh.waiting_since_month[buyers] = NOT_WAITING
    hh.rental_subsidy[buyers] = False
    w.flows.add("homes_bought", hh.weight[buyers].sum(dtype=np.float64))


@jit
def _renting_in_city(
    is_city: np.ndarray, location: np.ndarray, tenure: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Whether each real household rents in a city (any tenure but owning or the village
    home)."""
    out = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        renting = tenure[i] != OWNED and tenure[i] != RURAL_HOME
        out[i] = renting and is_city[location[i]] and weight[i] > 0
    return out


@dataclass
class HomePurchaseConfig:
    """When renters in a city buy a home (household behaviour and the mortgage rules)."""

    income_to_rent_multiple: float = lever(
        4.0,
        unit="x market rent",
        low=0,
        high=100,
        doc="Monthly income, as a multiple of the market rent of the household's home, at "
        "which it can carry a mortgage: with a home costing about 45 years of rent (gross "
        "rental yields near 2 %, an assumption of their order of magnitude), 30 % down and "
        "the rest over 30 years at 4.9 % (the benchmark rate from October 2015), the payment "
        "is about 2 months' rent; banks keep the payment within half of income (银监发〔2004〕"
        "57号, art. 29), hence 4.",
    )
    purchase_rate_per_year: float = lever(
        0.05,
        unit="probability/year",
        low=0,
        high=1,
        doc="Yearly chance that a renting household able to carry a mortgage buys (saving "
        "the down payment, finding a home); 0 turns purchases off. Set by hand so that the "
        "share of migrant workers in cities owning a home rises about as the NBS migrant "
        "surveys show (17.8 % in 2016, 19.0 % in 2018).",
    )
