"""Household decisions: where to live (multinomial logit) and whether to apply to settle.

Each step a random share of rural-origin households reconsiders. A reviewing household weighs
its origin village, every city of the region and the outside by their utility in CNY per month
(:mod:`model.location_utility`: income, dibao, housing, schooling, health cover, provident fund,
the settling option, attachment, amenity, network, moving cost) and picks the best after adding
Gumbel taste noise of scale ``logit_scale_cny_per_month`` (a multinomial logit).

A reviewing migrant who stays in a city it may settle in then applies to settle with the logit
probability of the settling gain (:mod:`model.settling_gain`): hukou value, the schooling and
housing it would open and the paid-withdrawal offers for its rural rights it could take, less
the land income it would give up. (The provident fund is not part of it: a hukou does not
change who employs the household.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model import insurance, layout, reclassification, skills
from model.compiled import jit
from model.households import (
    FARMING,
    INFORMAL,
    NOT_WAITING,
    PRIVATE_RENTAL,
    RURAL_HOME,
    Employment,
)
from model.levers import lever
from model.location_utility import alternative_places, location_utilities
from model.settling_gain import settling_chance

if TYPE_CHECKING:
    from model.world import World


def choose_locations(w: World) -> None:
    """Phase: reviewing households choose a place; those staying in a city may apply to settle.

    Only households from the region's rural areas choose among places; urban natives, and
    households from outside the region, stay where they are but may apply to settle.
    """
    hh, places, beh, rng = w.hh, w.places, w.cfg.behavior, w.rng
    reviewing = np.flatnonzero(rng.random(len(hh), dtype=np.float32) < w.review_probability())
    idx = reviewing[places.is_rural[hh.origin[reviewing]]]
    if idx.size:
        alt_places = alternative_places(w, idx)
        utility = location_utilities(w, idx, alt_places)
        noise = rng.gumbel(size=utility.shape).astype(np.float32)
        scale = np.float32(w.cny(beh.logit_scale_cny_per_month))
        choice = layout.argmax_by_row(utility / scale + noise)
        new_place = alt_places[np.arange(idx.size), choice]
        moving = new_place != hh.location[idx]
        relocate(w, idx[moving], new_place[moving])
    apply_to_settle(w, reviewing[hh.settlement_eligible[reviewing]])


def relocate(w: World, idx: np.ndarray, new_place: np.ndarray) -> None:
    """Move households ``idx`` to ``new_place``: place-bound permits, seats, units and
    subsidized jobs lapse."""
    if idx.size == 0:
        return
    hh, places, rng = w.hh, w.places, w.rng
    old_place = hh.location[idx]
    home = new_place == hh.origin[idx]
    _move(
        idx,
        new_place,
        home,
        hh.location,
        hh.months_in_place,
        hh.has_permit,
        hh.school_seat,
        hh.private_school,
        hh.rental_subsidy,
        hh.waiting_since_month,
        hh.settlement_eligible,
        hh.hiring_subsidy_months,
        hh.entrepreneur,
        hh.tenure,
        hh.employment,
    )
    to_city = places.is_city[new_place]
    outside = places.is_outside[new_place]
    if outside.any():
        out_idx = idx[outside]
        formal = rng.random(out_idx.size) < places.labour.outside_formal_share[new_place[outside]]
        hh.employment[out_idx[formal]] = Employment.FORMAL
        hh.school_seat[out_idx] = rng.random(out_idx.size) < places.outside_school_access_share

    insurance.carry_over_on_move(w, idx, new_place)
    skills.start_returnee_businesses(w, idx[home & ~places.is_rural[old_place]])
    weight = hh.weight[idx].astype(np.float64)
    persons = weight * hh.size_of(idx)
    from_city = places.is_city[old_place]
    w.flows.add(
        reclassification.NET_CITY_ARRIVALS,
        persons[to_city & ~from_city].sum() - persons[from_city & ~to_city].sum(),
    )
    w.flows.add("moves_to_cities", weight[to_city].sum())
    w.flows.add("moves_outside", weight[outside].sum())
    w.flows.add("returns_to_origin", weight[home & ~places.is_rural[old_place]].sum())


_CITY_BUSINESS, _NO_BUSINESS = int(skills.Business.CITY), int(skills.Business.NONE)


@jit
def _move(
    idx: np.ndarray,
    new_place: np.ndarray,
    home: np.ndarray,
    location: np.ndarray,
    months_in_place: np.ndarray,
    has_permit: np.ndarray,
    school_seat: np.ndarray,
    private_school: np.ndarray,
    rental_subsidy: np.ndarray,
    waiting_since_month: np.ndarray,
    settlement_eligible: np.ndarray,
    hiring_subsidy_months: np.ndarray,
    entrepreneur: np.ndarray,
    tenure: np.ndarray,
    employment: np.ndarray,
) -> None:
    """What a move resets: the place and months there, and everything bound to the place left
    (permit, school places, subsidy, waiting list, eligibility, a subsidized job, a city
    business); at home the household farms and lives in its village house, elsewhere it rents
    and works informally."""
    for k in range(idx.size):
        i = idx[k]
        location[i] = new_place[k]
        months_in_place[i] = 0
        has_permit[i] = False
        school_seat[i] = False
        private_school[i] = False
        rental_subsidy[i] = False
        waiting_since_month[i] = NOT_WAITING
        settlement_eligible[i] = False
        hiring_subsidy_months[i] = 0
        if entrepreneur[i] == _CITY_BUSINESS:
            entrepreneur[i] = _NO_BUSINESS
        tenure[i] = RURAL_HOME if home[k] else PRIVATE_RENTAL
        employment[i] = FARMING if home[k] else INFORMAL


def apply_to_settle(w: World, idx: np.ndarray) -> None:
    """Eligible migrants ``idx`` apply to settle with the logit chance of their settling gain."""
    if idx.size == 0:
        return
    applies = w.rng.random(idx.size) < settling_chance(w, idx)
    w.hh.settle_applicant[idx[applies]] = True


@dataclass
class BehaviorConfig:
    """How households weigh their options (behaviour parameters, not policy).

    Money values are in start-year CNY; the model scales them with the price level.
    """

    name: str = lever("default", unit="name", doc="Name of this behaviour set.")
    fitted_for: str = lever(
        "",
        unit="region",
        doc="Region whose data this set was fitted to ('' = not fitted: assumptions).",
    )
    fitted_data_until: int = lever(
        0, unit="year", low=0, high=2200, doc="Last year of data the fit used (0 = not fitted)."
    )
    fit_record: str = lever(
        "",
        unit="path",
        doc="Calibration record (estimate, covariance) of a fitted set, relative to the "
        "project root; parameter draws for uncertainty bands come from it.",
    )

    logit_scale_cny_per_month: float = lever(
        400.0,
        unit="CNY/month",
        low=1e-9,
        high=1e7,
        doc="Scale of the logit taste noise; small values make choice near-deterministic.",
    )
    equivalence_elasticity: float = lever(
        0.5,
        unit="elasticity",
        low=0,
        high=1,
        doc="Money in choices counts per equivalent person, divided by persons^e (0.5: the "
        "square-root scale; 0: per household; 1: per person).",
    )
    review_prob_per_month: float = lever(
        0.02,
        unit="probability/month",
        low=0,
        high=1,
        doc="Chance per month that a household reconsiders where to live and whether to settle.",
    )
    moving_cost_cny: float = lever(
        8000.0, unit="CNY", low=0, high=1e7, doc="One-off cost of moving to another place."
    )
    planning_horizon_months: float = lever(
        60.0,
        unit="months",
        low=1,
        high=600,
        doc="Months over which one-off costs and payments are spread in choices.",
    )
    left_behind_cost_cny_per_child_month: float = lever(
        800.0,
        unit="CNY/child/month",
        low=0,
        high=1e6,
        doc="Money-equivalent cost to a household of a child left behind in the origin.",
    )
    hukou_value_cny_per_month: float = lever(
        150.0,
        unit="CNY/household/month",
        low=-1e6,
        high=1e6,
        doc="Value of an urban hukou beyond the services modelled (identity, other rights).",
    )
    network_pull_cny_per_month: float = lever(
        500.0,
        unit="CNY/household/month",
        low=0,
        high=1e6,
        doc="Pull of a place, times the share of the origin's households already living there.",
    )
    origin_attachment_cny_per_month: float = lever(
        400.0,
        unit="CNY/household/month",
        low=-1e6,
        high=1e6,
        doc="Value of living in the home village (family, community, own house).",
    )
    attachment_per_year_of_age_cny_per_month: float = lever(
        40.0,
        unit="CNY/household/month/year",
        low=-1e4,
        high=1e4,
        doc="How much more the home village is worth per year of the head's age above 40 "
        "(less below 40): the young leave, the old return.",
    )
    attachment_lost_per_year_away_cny_per_month: float = lever(
        20.0,
        unit="CNY/household/month/year",
        low=0,
        high=1e4,
        doc="How much less the home village is worth per year a household has lived in its "
        "current place away from home (up to 20 years): ties weaken, life is built elsewhere.",
    )
    outside_amenity_cny_per_month: float = lever(
        -800.0,
        unit="CNY/household/month",
        low=-1e6,
        high=1e6,
        doc="Money-equivalent value of living outside the region beyond what is modelled "
        "(distance from family and the home province): with the attachment, it sets how many "
        "of the region's people away come home. Fitted for Sichuan to the change of its "
        "residents (experiments/moments.py); -800 elsewhere (Nantong's -600) is an assumption.",
    )
    homestead_value_cny_per_month: float = lever(
        300.0,
        unit="CNY/household/month",
        low=0,
        high=1e6,
        doc="Value to a household of keeping its homestead (use and option to return).",
    )
    health_cover_value_cny_per_month: float = lever(
        150.0,
        unit="CNY/household/month",
        low=0,
        high=1e6,
        doc="Value of medical insurance and public health services where a household has them.",
    )
    skill_wage_premium: float = lever(
        0.15, unit="log wage/sd", low=0, high=2, doc="Urban log-wage gain per sd of skill."
    )
    separation_rate_per_month: float = lever(
        0.01, unit="probability/month", low=0, high=1, doc="Monthly formal job loss rate."
    )
