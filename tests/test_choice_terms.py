"""The location choice's compiled terms, and their sum, against the whole-array numpy forms they
replaced.

Each term of a household's utility in a city (housing cost, schooling, health cover, provident
fund, settling gain and option, dibao, network) is a compiled loop in its module. The numpy
forms below are the ones the loops replaced, kept as references: on a run's state with the
cities' rules and the households' standing shuffled to every combination (access bases,
coverage at 0 and 1, tenures, permits, seats, poverty registration, the region-wide transfer
on and off), a loop must give their results bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import shuffled_state
from model import (
    dibao,
    insurance,
    land,
    location_utility,
    settling_gain,
    skills,
)
from model.employment_support import post_wage_cny_per_month
from model.households import Employment, Tenure
from model.housing import rent_scale
from model.housing_costs import housing_costs_cny_per_month
from model.labour import formal_job_chance, skill_multiplier
from model.permits import AccessBasis
from model.provident_fund import provident_fund_value_cny_per_month
from model.schooling import school_access_prob, schooling_cost_cny_per_month
from model.skills import Business


def _holds_hukou_of(w, idx, cities):
    hh = w.hh
    return hh.hukou_urban[idx][:, None] & (hh.hukou_place[idx][:, None] == cities[None, :])


def _lives_in(w, idx, cities):
    return w.hh.location[idx][:, None] == cities[None, :]


def _reachable(w, idx, basis):
    hh, places = w.hh, w.places
    anyone = (basis == AccessBasis.open.value) | (basis == AccessBasis.permit.value)
    registered = ~places.is_outside[hh.hukou_place[idx]]
    reached = registered[:, None] & (basis == AccessBasis.region_hukou.value)[None, :]
    reached |= anyone[None, :]
    if w.cfg.hukou_moves.region_transfer:
        urban_of_region = hh.hukou_urban[idx] & places.is_city[hh.hukou_place[idx]]
        reached |= urban_of_region[:, None] & (basis == AccessBasis.hukou.value)[None, :]
    return reached


def _housing_cost(w, idx, cities, assume_hukou=False):
    hh, t, places = w.hh, w.places.housing, w.places
    rent = rent_scale(w, idx)[:, None] * places.rent_cny_per_month[cities].astype(np.float32)
    own_hukou = _holds_hukou_of(w, idx, cities)
    if assume_hukou:
        own_hukou = np.ones_like(own_hukou)
    ceiling = t.income_ceiling[cities] * np.float32(w.price_level)
    in_need = hh.income_cny_per_month[idx][:, None] <= ceiling[None, :]
    sub_ok = own_hukou | _reachable(w, idx, t.subsidy_basis[cities])
    pub_ok = (
        own_hukou
        | _reachable(w, idx, t.public_basis[cities])
        | (hh.poverty_registered[idx][:, None] & t.poverty_may_apply[cities][None, :])
    )
    saving = pub_ok * t.access_prob[cities][None, :] * (1 - t.rent_share[cities])[None, :] * rent
    cost = rent - in_need * np.maximum(sub_ok * t.subsidy_cny[cities][None, :], saving)
    if assume_hukou:
        return cost.astype(np.float32)
    col = np.minimum(np.searchsorted(cities, hh.location[idx]), cities.size - 1)
    row = np.flatnonzero(cities[col] == hh.location[idx])  # the cell where each lives
    col = col[row]
    tenure = hh.tenure[idx[row]]
    here_rent = rent[row, col]
    private = here_rent - hh.rental_subsidy[idx[row]] * t.subsidy_cny[cities][col]
    public = here_rent * t.rent_share[cities][col]
    actual = np.where(
        tenure == Tenure.OWNED, 0.0, np.where(tenure == Tenure.PUBLIC_RENTAL, public, private)
    )
    housed = tenure != Tenure.PRIVATE_RENTAL
    cost[row, col] = np.where(housed, actual, np.minimum(actual, cost[row, col]))
    return cost.astype(np.float32)


def _school_access(w, idx, cities):
    hh, t = w.hh, w.places.schooling
    hukou_family = hh.family_followed[idx][:, None] & _holds_hukou_of(w, idx, cities)
    seat_here = hh.school_seat[idx][:, None] & _lives_in(w, idx, cities)
    newcomer = _reachable(w, idx, t.basis[cities]) * t.access_prob[cities][None, :]
    return np.where(hukou_family | seat_here, 1.0, newcomer).astype(np.float32)


def _schooling_cost(w, idx, cities, left_behind, public):
    hh, t = w.hh, w.places.schooling
    private_here = hh.private_school[idx][:, None] & _lives_in(w, idx, cities)
    private = np.where(private_here, 1.0, t.private_prob[cities][None, :]) * (1 - public)
    per_child = private * t.private_fee[cities][None, :] + (1 - public - private) * left_behind
    return (hh.children[idx].astype(np.float32)[:, None] * per_child).astype(np.float32)


def _health_cover(w, idx, cities):
    hh, policy = w.hh, w.cfg.insurance
    value = w.cny(w.cfg.behavior.health_cover_value_cny_per_month)
    resident_long = hh.months_in_place[idx, None] >= policy.public_health_months
    served = _lives_in(w, idx, cities) & (resident_long | hh.has_permit[idx, None])
    covered = _holds_hukou_of(w, idx, cities)
    if policy.registered_poor_full_cover:
        covered = covered | hh.poverty_registered[idx, None]
    share = np.where(covered, 1.0, 0.5 * policy.medical_without_hukou + 0.5 * served)
    return (share * value).astype(np.float32)


def _provident(w, idx, cities):
    hh, labour, policy = w.hh, w.places.labour, w.cfg.provident_fund
    rate = policy.contribution_rate_pct / 100.0
    p_formal = formal_job_chance(labour.labor, labour)[cities][None, :]
    formal_here = (hh.employment[idx] == Employment.FORMAL)[:, None]
    formal = np.where(_lives_in(w, idx, cities), formal_here, p_formal)
    coverage = np.where(
        _holds_hukou_of(w, idx, cities),
        policy.hukou_employee_coverage_share,
        policy.migrant_employee_coverage_share,
    )
    wage = skill_multiplier(w, idx)[:, None] * labour.formal_wage[cities][None, :]
    adults = hh.adults[idx, None].astype(np.float32)
    return (adults * formal * coverage * rate * wage).astype(np.float32)


def _settling_gain(w, idx, cities):
    hh, beh = w.hh, w.cfg.behavior
    follows = w.places.settlement.family_follows[cities]
    left_behind = np.float32(w.cny(beh.left_behind_cost_cny_per_child_month))
    children = hh.children[idx][:, None] * follows[None, :]
    school_gain = children * left_behind * (1 - _school_access(w, idx, cities))
    cost = _housing_cost(w, idx, cities)
    cost_settled = _housing_cost(w, idx, cities, assume_hukou=True)
    rights = settling_gain.land.withdrawal_offers_cny_per_month(
        w, idx
    ) - settling_gain.land.settling_loss_cny_per_month(w, idx)
    money = school_gain + np.maximum(cost - cost_settled, 0) + rights[:, None]
    gain = w.cny(beh.hukou_value_cny_per_month) + money / w.equivalent_persons(idx)[:, None]
    return gain.astype(np.float32)


def _settling_option(w, idx, cities):
    hh, places, beh = w.hh, w.places, w.cfg.behavior
    hazard = places.settlement.settling_hazard_per_month[cities]
    chance = (1.0 - np.exp(-hazard * beh.planning_horizon_months)).astype(np.float32)
    urban = hh.hukou_urban[idx]
    option = np.zeros((idx.size, cities.size), dtype=np.float32)
    rural = np.flatnonzero(~urban)
    option[rural] = chance[None, :] * np.maximum(_settling_gain(w, idx[rural], cities), 0)
    holders = np.flatnonzero(urban)
    hukou_place = hh.hukou_place[idx[holders]]
    holds = hukou_place[:, None] == cities[None, :]
    if w.cfg.hukou_moves.region_transfer:
        holds = holds | places.is_city[hukou_place][:, None]
    option[holders] = holds * np.float32(w.cny(beh.hukou_value_cny_per_month))
    return option


def _expected_benefit(w, idx, alt_places, income):
    hh, policy, places = w.hh, w.cfg.assistance, w.places
    size = np.maximum(hh.size_of(idx), 1).astype(np.float32)[:, None]
    registered = ~places.is_outside[hh.hukou_place[idx]][:, None]
    standard = dibao.standard_cny_per_person_month(w, alt_places)
    income_pp = income / size
    share = np.where(
        places.is_rural[alt_places], policy.rural_top_up_share, policy.urban_top_up_share
    )
    benefit = share * standard
    if policy.pays_income_gap:
        benefit = np.maximum(standard - income_pp, benefit)
    wait = np.where(
        alt_places == hh.hukou_place[idx][:, None],
        0.0,
        policy.months_residence_where_not_registered,
    )
    horizon = w.cfg.behavior.planning_horizon_months
    reachable_ = registered & ~places.is_outside[alt_places] & (wait < horizon)
    eligible = reachable_ & (income_pp < standard)
    return (eligible * policy.take_up_share * benefit * size * (1 - wait / horizon)).astype(
        np.float32
    )


def _network_shares(w, origin, alt_places):
    hh, n = w.hh, w.places.n
    pair = hh.origin.astype(np.intp) * n + hh.location
    counts = np.bincount(pair, weights=hh.weight, minlength=n * n).reshape(n, n)
    shares = (counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)).astype(np.float32)
    return shares[origin[:, None], alt_places]


def _location_utilities(w, idx, alt_places):
    """The whole-array form of the utility, from the (already checked) terms."""
    hh, places, beh, labour = w.hh, w.places, w.cfg.behavior, w.places.labour
    cities, n_city = places.city_places, places.city_places.size
    adults = hh.adults[idx].astype(np.float32)
    children = hh.children[idx].astype(np.float32)
    location, origin = hh.location[idx], hh.origin[idx]
    income = np.empty(alt_places.shape, dtype=np.float32)
    income[:, 0] = adults * labour.rural_wage[origin] + post_wage_cny_per_month(w, idx)
    dest = alt_places[:, 1:]
    holds_job_there = (hh.employment[idx, None] == Employment.FORMAL) & (location[:, None] == dest)
    wage = np.where(holds_job_there, labour.formal_wage[dest], labour.expected_urban_wage[dest])
    income[:, 1:] = (adults * skill_multiplier(w, idx))[:, None] * wage
    gain = np.float32(w.cny(w.cfg.skills.city_business_income_gain_cny_per_month))
    has = (hh.entrepreneur[idx] == Business.CITY)[:, None]
    income[:, 1:] += (has & (dest == location[:, None])) * gain
    land_income = land.land_income_cny_per_month(w, idx)
    utility = income + dibao.expected_benefit_cny_per_month(w, idx, alt_places, income, land_income)
    utility[:, 0] += np.float32(w.cny(beh.homestead_value_cny_per_month)) * hh.homestead_held[
        idx
    ] + skills.expected_returnee_gain_cny_per_month(w, idx)
    cols = slice(1, 1 + n_city)
    costs = housing_costs_cny_per_month(w, idx, cities)
    left_behind = w.cny(beh.left_behind_cost_cny_per_child_month)
    access = school_access_prob(w, idx, cities)
    utility[:, cols] -= costs[0]
    utility[:, cols] += insurance.health_cover_value_cny_per_month(w, idx, cities)
    utility[:, cols] += provident_fund_value_cny_per_month(w, idx, cities)
    utility[:, cols] -= schooling_cost_cny_per_month(w, idx, cities, left_behind, access)
    if places.outside_place is not None:
        out = places.outside_place
        utility[:, -1] -= places.rent_cny_per_month[out] * rent_scale(w, idx)
        outside_access = np.where(
            (location == out) & hh.school_seat[idx], 1.0, places.outside_school_access_share
        )
        utility[:, -1] -= children * np.float32(left_behind) * (1 - outside_access)
    utility -= np.float32(w.cny(beh.moving_cost_cny) / beh.planning_horizon_months) * (
        alt_places != location[:, None]
    )
    utility /= w.equivalent_persons(idx)[:, None]
    age_above_40 = hh.head_age_years[idx] - np.float32(40)
    years_away = np.where(
        location != origin, np.minimum(hh.months_in_place[idx], 240) / np.float32(12), 0
    )
    utility[:, 0] += (
        w.cny(beh.origin_attachment_cny_per_month)
        + np.float32(w.cny(beh.attachment_per_year_of_age_cny_per_month)) * age_above_40
        - np.float32(w.cny(beh.attachment_lost_per_year_away_cny_per_month)) * years_away
    )
    utility[:, cols] += settling_gain.settling_option_cny_per_month(w, idx, cities, costs, access)
    utility[:, 1:] += places.amenity_cny_per_month[dest]
    pull = np.float32(w.cny(beh.network_pull_cny_per_month))
    return utility + pull * _network_shares(w, origin, alt_places)


@pytest.mark.parametrize("region_transfer", [False, True])
def test_the_compiled_choice_terms_give_the_numpy_forms(region_transfer):
    w = shuffled_state(seed=int(region_transfer))
    w.cfg.hukou_moves.region_transfer = region_transfer
    w.cfg.insurance.registered_poor_full_cover = region_transfer
    w.cfg.assistance.pays_income_gap = not region_transfer
    w.cfg.land.contract_land_kept_share = 0.0  # settling costs the land income: some gains < 0
    hh, cities = w.hh, w.places.city_places
    idx = np.arange(len(hh))[::2]
    rng_edges = np.random.default_rng(7)
    same = np.testing.assert_array_equal

    cost, with_hukou = housing_costs_cny_per_month(w, idx, cities)
    assert cost.tobytes("F") == _housing_cost(w, idx, cities).tobytes("F")
    assert with_hukou.tobytes("F") == _housing_cost(w, idx, cities, True).tobytes("F")
    access = school_access_prob(w, idx, cities)
    assert access.tobytes("F") == _school_access(w, idx, cities).tobytes("F")
    left_behind = w.cny(w.cfg.behavior.left_behind_cost_cny_per_child_month)
    assert schooling_cost_cny_per_month(w, idx, cities, left_behind, access).tobytes(
        "F"
    ) == _schooling_cost(w, idx, cities, left_behind, access).tobytes("F")
    health = insurance.health_cover_value_cny_per_month(w, idx, cities)
    assert health.tobytes("F") == _health_cover(w, idx, cities).tobytes("F")
    provident = provident_fund_value_cny_per_month(w, idx, cities)
    assert provident.tobytes("F") == _provident(w, idx, cities).tobytes("F")
    gain = settling_gain.settling_gain_by_city_cny_per_month(w, idx, cities)
    assert gain.tobytes("F") == _settling_gain(w, idx, cities).tobytes("F")
    assert (gain < 0).any() and (gain > 0).any()
    option = settling_gain.settling_option_cny_per_month(w, idx, cities)
    assert option.tobytes("F") == _settling_option(w, idx, cities).tobytes("F")
    assert (option > 0).any() and (option == 0).any()

    alt_places = location_utility.alternative_places(w, idx)
    income = np.random.default_rng(5).choice(np.float32([0, 100, 1500, 9000]), alt_places.shape)
    land_income = np.random.default_rng(6).choice(np.float32([0, 50, 400]), idx.size)
    benefit = dibao.expected_benefit_cny_per_month(w, idx, alt_places, income, land_income)
    reference = _expected_benefit(w, idx, alt_places, income + land_income[:, None])
    assert benefit.tobytes("F") == reference.tobytes("F")
    assert (benefit > 0).any()
    shares = location_utility.network_shares(w, hh.origin[idx], alt_places)
    same(shares, _network_shares(w, hh.origin[idx], alt_places))
    hh.months_in_place[::3] = rng_edges.choice(
        np.int16([0, 12, 239, 240, 241, 600]), hh.size[::3].size
    )
    hh.head_age_years[::5] = np.float32(40)
    utility = location_utility.location_utilities(w, idx, alt_places)
    assert utility.tobytes("F") == _location_utilities(w, idx, alt_places).tobytes("F")
