"""What each place is worth to a household weighing where to live (:mod:`model.decisions`).

A reviewing household compares its origin village, every city of the region and the outside,
with a utility in CNY per month:

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
amenity and the settling option are per person already. Behaviour values are in start-year CNY
and scaled by the price level, so wage growth alone does not make moving more attractive year
after year. Age enters twice: the village's pull grows with the head's age, and retired heads
bring no wage to a city, so older migrants return; but the pull weakens with every year spent
away (up to twenty), so those long settled in a town tend to stay and grow old there.

Each term that belongs to a lever is computed in that lever's module, cell by cell in a compiled
loop (housing costs, schooling, health cover, provident fund, settling option, dibao); the loops
here add them up with the income, the village's terms, the moving cost and the network, in the
order and the float types of the whole-array form they replaced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import dibao, insurance, land, layout, skills
from model.compiled import jit
from model.employment_support import post_wage_cny_per_month
from model.households import FORMAL
from model.housing import rent_scale
from model.housing_costs import housing_costs_cny_per_month
from model.labour import skill_multiplier
from model.provident_fund import provident_fund_value_cny_per_month
from model.schooling import school_access_prob, schooling_cost_cny_per_month
from model.settling_gain import settling_option_cny_per_month

if TYPE_CHECKING:
    from model.world import World


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
    """Utility in CNY/month of each alternative for households ``idx`` (shape k x alternatives,
    float32, place-major; ``alt_places`` from :func:`alternative_places`)."""
    hh, places, beh, labour = w.hh, w.places, w.cfg.behavior, w.places.labour
    cities = places.city_places
    labour_income = layout.empty(*alt_places.shape, np.float32)
    _labour_incomes(
        idx,
        hh.adults,
        hh.employment,
        hh.location,
        hh.entrepreneur,
        alt_places,
        skill_multiplier(w, idx),
        post_wage_cny_per_month(w, idx),
        labour.rural_wage,
        labour.expected_urban_wage,
        labour.formal_wage,
        np.float32(w.cny(w.cfg.skills.city_business_income_gain_cny_per_month)),
        labour_income,
    )
    benefit = dibao.expected_benefit_cny_per_month(
        w, idx, alt_places, labour_income, land.land_income_cny_per_month(w, idx)
    )
    housing_costs = housing_costs_cny_per_month(w, idx, cities)
    school_access = school_access_prob(w, idx, cities)
    left_behind = w.cny(beh.left_behind_cost_cny_per_child_month)
    city_terms = (
        housing_costs[0],
        insurance.health_cover_value_cny_per_month(w, idx, cities),
        provident_fund_value_cny_per_month(w, idx, cities),
        schooling_cost_cny_per_month(w, idx, cities, left_behind, school_access),
        settling_option_cny_per_month(w, idx, cities, housing_costs, school_access),
    )
    outside = -1 if places.outside_place is None else places.outside_place
    utility = layout.empty(*alt_places.shape, np.float32)
    _add_up(
        idx,
        hh.location,
        hh.origin,
        hh.children,
        hh.school_seat,
        hh.homestead_held,
        hh.head_age_years,
        hh.months_in_place,
        alt_places,
        labour_income,
        benefit,
        *city_terms,
        skills.expected_returnee_gain_cny_per_month(w, idx),
        rent_scale(w, idx),
        w.equivalent_persons(idx),
        network_shares(w, hh.origin[idx], alt_places),
        places.amenity_cny_per_month,
        places.rent_cny_per_month,
        outside,
        places.outside_school_access_share,
        np.float32(left_behind),
        np.float32(w.cny(beh.homestead_value_cny_per_month)),
        np.float32(w.cny(beh.moving_cost_cny) / beh.planning_horizon_months),
        np.float32(w.cny(beh.origin_attachment_cny_per_month)),
        np.float32(w.cny(beh.attachment_per_year_of_age_cny_per_month)),
        np.float32(w.cny(beh.attachment_lost_per_year_away_cny_per_month)),
        np.float32(w.cny(beh.network_pull_cny_per_month)),
        utility,
    )
    return utility


@jit
def _labour_incomes(
    idx: np.ndarray,
    adults: np.ndarray,
    employment: np.ndarray,
    location: np.ndarray,
    business: np.ndarray,
    alt_places: np.ndarray,
    skill_multiplier: np.ndarray,
    post_wage: np.ndarray,
    rural_wage: np.ndarray,
    expected_urban_wage: np.ndarray,
    formal_wage: np.ndarray,
    city_business_gain: np.float32,
    out: np.ndarray,
) -> None:
    """Expected labour income at each alternative (float32): at home the farm wage and a post's
    pay; elsewhere the Harris–Todaro wage with the skill premium, a formal job already held
    counting as certain, and a city business's income where it runs."""
    for k in range(idx.size):
        i = idx[k]
        workers = np.float32(adults[i])
        origin = alt_places[k, 0]
        out[k, 0] = np.float32(np.float64(workers) * rural_wage[origin] + np.float64(post_wage[k]))
        skilled = workers * skill_multiplier[k]
        for j in range(1, alt_places.shape[1]):
            p = alt_places[k, j]
            holds_job_there = employment[i] == FORMAL and location[i] == p
            wage = formal_wage[p] if holds_job_there else expected_urban_wage[p]
            income = np.float32(np.float64(skilled) * wage)
            out[k, j] = income + skills.city_business_gain_at(
                business[i], location[i], p, city_business_gain
            )


@jit
def _add_up(
    idx: np.ndarray,
    location: np.ndarray,
    origin: np.ndarray,
    children: np.ndarray,
    school_seat: np.ndarray,
    homestead_held: np.ndarray,
    head_age_years: np.ndarray,
    months_in_place: np.ndarray,
    alt_places: np.ndarray,
    labour_income: np.ndarray,
    benefit: np.ndarray,
    housing_cost: np.ndarray,
    health_cover: np.ndarray,
    provident_fund: np.ndarray,
    schooling_cost: np.ndarray,
    settling_option: np.ndarray,
    returnee_gain: np.ndarray,
    rent_scale: np.ndarray,
    equivalent_persons: np.ndarray,
    network_share: np.ndarray,
    amenity: np.ndarray,
    rent: np.ndarray,
    outside: int,
    outside_school_access: float,
    left_behind: np.float32,
    homestead_value: np.float32,
    moving_cost_per_month: np.float32,
    attachment: np.float32,
    attachment_per_year_of_age: np.float32,
    attachment_lost_per_year_away: np.float32,
    network_pull: np.float32,
    out: np.ndarray,
) -> None:
    """The utility of each alternative: the money terms, per equivalent person, then the terms
    per person (attachment, settling option, amenity, network). Household arrays whole (rows
    ``idx``); the terms by cell (city terms by city column) or by row; place arrays by place."""
    for k in range(idx.size):
        i = idx[k]
        away = location[i] != origin[i]
        years_away = np.float32(0)
        if away:
            years_away = np.float32(min(months_in_place[i], 240)) / np.float32(12)
        age_above_40 = head_age_years[i] - np.float32(40)
        village = (attachment + attachment_per_year_of_age * age_above_40) - (
            attachment_lost_per_year_away * years_away
        )
        for j in range(alt_places.shape[1]):
            p = alt_places[k, j]
            u = labour_income[k, j] + benefit[k, j]
            if j == 0:  # the home village: the own house and a returnee's business
                u += homestead_value * np.float32(homestead_held[i]) + returnee_gain[k]
            elif p == outside:
                u = np.float32(np.float64(u) - rent[p] * np.float64(rent_scale[k]))
                access = 1.0 if location[i] == p and school_seat[i] else outside_school_access
                cost = np.float64(np.float32(children[i]) * left_behind) * (1.0 - access)
                u = np.float32(np.float64(u) - cost)
            else:
                c = j - 1
                u = u - housing_cost[k, c] + health_cover[k, c] + provident_fund[k, c]
                u = u - schooling_cost[k, c]
            u -= moving_cost_per_month * np.float32(p != location[i])
            u /= equivalent_persons[k]
            if j == 0:
                u += village
            else:
                if p != outside:
                    u += settling_option[k, j - 1]
                u = np.float32(np.float64(u) + amenity[p])
            out[k, j] = u + network_pull * network_share[k, j]


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
