"""Household decisions: where to live (multinomial logit) and whether to apply to settle.

Each step a random share of rural-origin households reconsiders. A reviewing household compares
its origin village, every city of the region and the outside, with a utility in CNY per month:

    expected income (Harris–Todaro, with the household's skill premium; at home, the farm wage
      and a public-welfare post's pay if it holds one; where it runs a city business, its income)
    + dibao the household could expect there with that income
    - housing cost net of subsidy and expected public rental
    - children left behind x their cost x (1 - chance of a school seat)
    + health cover (medical insurance, public health) where the household would have it
    + employers' housing provident fund contributions where it would be covered
    + network pull x share of the origin's households already there
    + the option of settling there (:mod:`model.settling_gain`): the settling gain times the
      chance of settling within the planning horizon at the city's recent settling rate
    + amenity (origin: attachment by age and years away, and the homestead's value)
    - moving cost spread over the planning horizon (any place but the current one)

Money (income, benefits, housing, schooling, moving) counts per equivalent person (divided by
persons ** ``equivalence_elasticity``, a square-root scale by default); attachment, network,
amenity and the settling option are per person already. A household picks the best after adding
Gumbel taste noise of scale ``logit_scale_cny_per_month`` (a multinomial logit). Behaviour
values are in start-year CNY and scaled by the price level, so wage growth alone does not make
moving more attractive year after year. Age enters twice: the village's pull grows with the
head's age, and retired heads bring no wage to a city, so older migrants return; but the pull
weakens with every year spent away (up to twenty), so those long settled in a town tend to stay
and grow old there.

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

from model import assistance, insurance, land, layout, reclassification, skills
from model.compiled import jit
from model.employment_support import post_wage_cny_per_month
from model.households import NOT_WAITING, Employment, Tenure
from model.housing import rent_scale
from model.housing_costs import housing_costs_cny_per_month
from model.labour import skill_multiplier
from model.levers import lever
from model.provident_fund import provident_fund_value_cny_per_month
from model.schooling import school_access_prob, schooling_cost_cny_per_month
from model.settling_gain import settling_chance, settling_option_cny_per_month

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


def alternative_places(w: World, idx: np.ndarray) -> np.ndarray:
    """Place index of each household's alternatives: origin, every city, outside (if any)."""
    places = w.places
    others = places.city_places
    if places.outside_place is not None:
        others = np.append(others, places.outside_place)
    alts = layout.empty(idx.size, 1 + others.size, np.int16)
    alts[:, 0] = w.hh.origin[idx]
    alts[:, 1:] = others[None, :]
    return alts


def location_utilities(w: World, idx: np.ndarray, alt_places: np.ndarray) -> np.ndarray:
    """Utility in CNY/month of each alternative for households ``idx`` (shape k x alternatives)."""
    hh, places, beh = w.hh, w.places, w.cfg.behavior
    labour = places.labour
    cities = places.city_places
    n_city = cities.size
    adults = hh.adults[idx].astype(np.float32)
    children = hh.children[idx].astype(np.float32)
    location = hh.location[idx]
    origin = hh.origin[idx]

    # Expected labour income: farm wage at home; elsewhere the Harris–Todaro wage, with a
    # formal job already held counting as certain.
    income = layout.empty(*alt_places.shape, np.float32)
    income[:, 0] = adults * labour.rural_wage[origin] + post_wage_cny_per_month(w, idx)
    dest = alt_places[:, 1:]
    wage = labour.expected_urban_wage[dest]
    holds_job_there = (hh.employment[idx, None] == Employment.FORMAL) & (location[:, None] == dest)
    wage = np.where(holds_job_there, labour.formal_wage[dest], wage)
    income[:, 1:] = (adults * skill_multiplier(w, idx))[:, None] * wage
    income[:, 1:] += skills.city_business_gain_cny_per_month(w, idx, dest)
    land_income = land.land_income_cny_per_month(w, idx)
    utility = income + assistance.expected_benefit_cny_per_month(
        w, idx, alt_places, income, land_income
    )

    # Home village: the own house and a returnee loan (money); elsewhere, housing, health cover,
    # schooling and the moving cost.
    utility[:, 0] += np.float32(w.cny(beh.homestead_value_cny_per_month)) * hh.homestead_held[
        idx
    ] + skills.expected_returnee_gain_cny_per_month(w, idx)
    city_cols = slice(1, 1 + n_city)
    housing_costs = housing_costs_cny_per_month(w, idx, cities)
    utility[:, city_cols] -= housing_costs[0]
    utility[:, city_cols] += insurance.health_cover_value_cny_per_month(w, idx, cities)
    utility[:, city_cols] += provident_fund_value_cny_per_month(w, idx, cities)
    school_access = school_access_prob(w, idx, cities)
    utility[:, city_cols] -= schooling_cost_cny_per_month(
        w, idx, cities, w.cny(beh.left_behind_cost_cny_per_child_month), school_access
    )
    if places.outside_place is not None:
        out = places.outside_place
        utility[:, -1] -= places.rent_cny_per_month[out] * rent_scale(w, idx)
        outside_access = np.where(
            (location == out) & hh.school_seat[idx], 1.0, places.outside_school_access_share
        )
        left_behind = np.float32(w.cny(beh.left_behind_cost_cny_per_child_month))
        utility[:, -1] -= children * left_behind * (1 - outside_access)
    utility -= np.float32(w.cny(beh.moving_cost_cny) / beh.planning_horizon_months) * (
        alt_places != location[:, None]
    )

    # Money counts per equivalent person; what a place means beyond money is per person already:
    # the village (family, community; more so with age), the network, the place's amenity.
    utility /= w.equivalent_persons(idx)[:, None]
    age_above_40 = hh.head_age_years[idx] - np.float32(40)
    away = location != origin
    years_away = np.where(away, np.minimum(hh.months_in_place[idx], 240) / np.float32(12), 0)
    utility[:, 0] += (
        w.cny(beh.origin_attachment_cny_per_month)
        + np.float32(w.cny(beh.attachment_per_year_of_age_cny_per_month)) * age_above_40
        - np.float32(w.cny(beh.attachment_lost_per_year_away_cny_per_month)) * years_away
    )
    utility[:, city_cols] += settling_option_cny_per_month(
        w, idx, cities, housing_costs, school_access
    )
    utility[:, 1:] += places.amenity_cny_per_month[dest]
    pull = np.float32(w.cny(beh.network_pull_cny_per_month))
    utility += pull * network_shares(w, origin, alt_places)
    return utility


def network_shares(w: World, origin: np.ndarray, alt_places: np.ndarray) -> np.ndarray:
    """Share of each origin's households living at each alternative place."""
    hh, n = w.hh, w.places.n
    counts = _households_by_origin_and_place(hh.origin, hh.location, hh.weight, n)
    shares = (counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)).astype(np.float32)
    out = layout.empty(origin.size, alt_places.shape[1], np.float32)
    _shares_of_alternatives(shares, origin, alt_places, out)
    return out


@jit
def _households_by_origin_and_place(
    origin: np.ndarray, location: np.ndarray, weight: np.ndarray, n_places: int
) -> np.ndarray:
    """Households (by weight, float64, summed in row order) by origin (rows) and place."""
    counts = np.zeros((n_places, n_places))
    for i in range(origin.size):
        counts[origin[i], location[i]] += np.float64(weight[i])
    return counts


@jit
def _shares_of_alternatives(
    shares: np.ndarray, origin: np.ndarray, alt_places: np.ndarray, out: np.ndarray
) -> None:
    """``shares[origin, alternative]`` for each chooser (row) and alternative (column)."""
    for j in range(alt_places.shape[1]):
        for k in range(origin.size):
            out[k, j] = shares[origin[k], alt_places[k, j]]


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
_RURAL_HOME, _PRIVATE_RENTAL = int(Tenure.RURAL_HOME), int(Tenure.PRIVATE_RENTAL)
_FARMING, _INFORMAL = int(Employment.FARMING), int(Employment.INFORMAL)


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
        tenure[i] = _RURAL_HOME if home[k] else _PRIVATE_RENTAL
        employment[i] = _FARMING if home[k] else _INFORMAL


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
