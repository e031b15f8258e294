"""The core rules written the way a Mesa user would: one ``mesa.Agent`` per household.

This is the yardstick for the vectorized engine (``model/``), not a second model to maintain:
it exists to measure the speedup (``python -m benchmarks.compare_mesa``) and, in
``tests/test_mesa_reference.py``, to check that the two engines agree statistically.

Each household is an agent with Python attributes; each place is an agent too. A step calls the
same phases in the same order as :data:`model.PHASES`, each as ``shuffle_do`` over the
households (first come, first served in random order is the lottery of the vectorized engine),
with capacities (formal jobs, school seats, settlement quotas) kept on the place agents.

The rules covered are those active in :data:`COMPARISON_LEVERS` (the demo region): economic
growth, months in place (demography is off, so ages are frozen as in the engine), separations
and the formal-job lottery with informal work (Harris–Todaro wages), insurance months, residence
permits, the open / conditions / points settlement rules with an annual quota and family
following, the location choice (multinomial logit over village, cities and outside, with the
village's pull rising with the head's age and each city's settling option at its recent settling
rate), applications to settle, migrant school seats with a poverty priority, kept land rights,
and paid homestead withdrawal. Public rental housing, rental subsidies, private schools, the
hukou moves of :mod:`model.hukou_moves` and the programme levers (dibao, training, employment
services, loans, flexible insurance, fiscal links, reclassification, demography) are switched
off in both engines by :data:`COMPARISON_LEVERS`, and the reference leaves them out."""

from __future__ import annotations

import math
from copy import deepcopy

import mesa
import numpy as np

from benchmarks.speed import LEVER_SETS
from model import SettlementModel, compose_config, indicators
from model.config import RunConfig
from model.households import NOT_WAITING, Employment, Households, Tenure
from model.housing import REFERENCE_HOUSEHOLD_PERSONS
from model.permits import AccessBasis
from model.places import PlaceKind, PlaceTable
from model.settlement import SettlementRuleType
from model.world import World

_MONTHS_CAP = 32767  # month counters saturate like the int16 counters of the engine

# The demo with the core levers, minus the housing support and private schools the reference
# leaves out (the same overrides go to both engines).
COMPARISON_LEVERS: list[str] = [
    *LEVER_SETS["core"],
    *(
        f"cities.{city}.{key}=0"
        for city in ("capital", "prefecture", "county_town")
        for key in (
            "housing.public_rental_units",
            "housing.rental_subsidy_cny_per_month",
            "schooling.private_school_seats",
        )
    ),
]


def comparison_config(
    n_households: int, seed: int, years: int, extra: tuple[str, ...] = ()
) -> RunConfig:
    """The demo with :data:`COMPARISON_LEVERS` (and ``extra`` overrides), ``years`` long."""
    return compose_config(
        [
            "scenario=demo",
            f"n_households={n_households}",
            f"seed={seed}",
            f"end_year={2020 + years}",
            *COMPARISON_LEVERS,
            *extra,
        ]
    )


def _expit(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class Locale(mesa.Agent):
    """A rural area, city or the outside, with its parameters and running state as attributes."""

    def __init__(self, model: MesaReferenceModel, table: PlaceTable, index: int) -> None:
        super().__init__(model)
        lab, st, sc = table.labour, table.settlement, table.schooling
        self.index = index
        self.name = table.names[index]
        self.is_rural = table.kind[index] == PlaceKind.RURAL
        self.is_city = table.kind[index] == PlaceKind.CITY
        self.is_outside = table.kind[index] == PlaceKind.OUTSIDE
        self.rent = float(table.rent_cny_per_month[index])
        self.amenity = float(table.amenity_cny_per_month[index])
        # Labour market
        self.formal_jobs = float(lab.formal_jobs[index])
        self.jobs_growth = float(lab.jobs_growth_per_year[index])
        self.formal_wage = float(lab.formal_wage[index])
        self.informal_wage = float(lab.informal_wage[index])
        self.informal_share = float(lab.informal_job_share[index])
        self.rural_wage_base = float(lab.rural_wage_base[index])
        self.rural_wage_elasticity = float(lab.rural_wage_elasticity[index])
        self.reference_labor = float(lab.reference_rural_labor[index])
        self.outside_formal_share = float(lab.outside_formal_share[index])
        self.rural_wage = float(lab.rural_wage[index])
        self.expected_wage = float(lab.expected_urban_wage[index])
        self.vacancies = 0.0
        self.hiring_closed = False
        # Settlement rule
        self.rule = int(st.rule[index])
        self.min_residence_months = int(st.min_residence_months[index])
        self.min_insurance_months = int(st.min_insurance_months[index])
        self.rental_counts = bool(st.rental_counts[index])
        self.collective_household = bool(st.collective_household[index])
        self.family_follows = bool(st.family_follows[index])
        self.points_residence = float(st.points_residence[index])
        self.points_insurance = float(st.points_insurance[index])
        self.points_skill = float(st.points_skill[index])
        self.points_owned = float(st.points_owned[index])
        self.points_poverty = float(st.points_poverty[index])
        self.min_points = float(st.min_points[index])
        self.annual_quota = float(st.annual_quota_persons[index])
        self.settled_this_year = float(st.settled_this_year_persons[index])
        self.settled_this_step = 0.0
        self.settling_hazard = float(st.settling_hazard_per_month[index])
        self.applicants: list[Household] = []
        # Schooling
        self.school_basis = int(sc.basis[index])
        self.school_seats = float(sc.seats[index])
        self.poverty_first = bool(sc.poverty_first[index])
        self.school_access_prob = float(sc.access_prob[index])
        self.seats_free = 0.0
        self.school_demand = 0.0
        self.school_queue_closed = False

    def grow(self, years: float, wage_factor: float) -> None:
        """Formal jobs grow at the city's rate; wages at the region's."""
        self.formal_jobs *= (1.0 + self.jobs_growth) ** years
        self.formal_wage *= wage_factor
        self.informal_wage *= wage_factor
        self.rural_wage_base *= wage_factor

    def set_wages(self, labor: float) -> None:
        """Rural wage from the labour left; Harris–Todaro expected wage from jobs and labour."""
        if self.is_rural:
            ratio = max(labor, 1e-12) / self.reference_labor
            self.rural_wage = self.rural_wage_base * ratio ** (-self.rural_wage_elasticity)
        else:
            self.rural_wage = 0.0
        if self.is_outside:
            p_formal = self.outside_formal_share
        elif labor > 0:
            p_formal = min(self.formal_jobs, labor) / labor
        else:
            p_formal = 1.0
        informal = self.informal_share * self.informal_wage
        self.expected_wage = p_formal * self.formal_wage + (1 - p_formal) * informal

    def admit_settlers(self) -> None:
        """Admit this step's applicants: by points under the quota, or all of them."""
        queue = self.applicants
        self.applicants = []
        if self.rule == SettlementRuleType.points.value:
            self.random.shuffle(queue)  # random order among equal points
            queue.sort(key=lambda h: -h.points)
            room = max(self.annual_quota - self.settled_this_year, 0.0)
        else:
            room = math.inf
        used = 0.0
        for household in queue:
            persons = household.persons_settling()
            if used + persons > room * (1 + 1e-12):
                break  # a strict queue: nobody behind a refused applicant gets in
            used += persons
            household.settle()
        self.settled_this_year += used
        self.settled_this_step = used

    def update_settling_rate(self, non_hukou_persons: float, months: int) -> None:
        """Settling hazard (per month) among non-hukou residents, averaged over about a year."""
        at_risk = non_hukou_persons + self.settled_this_step
        share = min(self.settled_this_step / at_risk, 1 - 1e-12) if at_risk > 0 else 0.0
        hazard = -math.log1p(-share) / months
        self.settling_hazard += min(months / 12, 1.0) * (hazard - self.settling_hazard)


class Household(mesa.Agent):
    """One household agent (standing for ``weight`` real households)."""

    def __init__(
        self, model: MesaReferenceModel, hh: Households, i: int, locales: list[Locale]
    ) -> None:
        super().__init__(model)
        self.weight = float(hh.weight[i])
        self.origin = locales[hh.origin[i]]
        self.place = locales[hh.location[i]]
        self.hukou_urban = bool(hh.hukou_urban[i])
        self.hukou_place = locales[hh.hukou_place[i]]
        self.family_followed = bool(hh.family_followed[i])
        self.adults = int(hh.adults[i])
        self.children = int(hh.children[i])
        self.preschool = int(hh.preschool[i])
        self.couple = int(hh.couple[i])
        self.parents = int(hh.parents[i])
        self.grown_children = int(hh.grown_children[i])
        self.elderly = int(hh.elderly[i])
        self.age = float(hh.head_age_years[i])
        self.skill = float(hh.skill[i])
        self.skill_multiplier = math.exp(model.cfg.behavior.skill_wage_premium * self.skill)
        self.employment = int(hh.employment[i])
        self.income = float(hh.income_cny_per_month[i])
        self.insurance_months = int(hh.insurance_months[i])
        self.months_in_place = int(hh.months_in_place[i])
        self.has_permit = bool(hh.has_permit[i])
        self.tenure = int(hh.tenure[i])
        self.contract_land_mu = float(hh.contract_land_mu[i])
        self.collective_income = float(hh.collective_income_cny_per_month[i])
        self.homestead_held = bool(hh.homestead_held[i])
        self.poverty_registered = bool(hh.poverty_registered[i])
        self.school_seat = bool(hh.school_seat[i])
        self.registered_lease = bool(hh.registered_lease[i])
        self.settlement_eligible = False
        self.points = float(hh.settlement_points[i])
        self.reviewing = False

    # -- helpers ---------------------------------------------------------------------------

    @property
    def workers(self) -> float:
        return self.adults * self.weight

    @property
    def size(self) -> int:
        return self.adults + self.children + self.elderly + self.preschool

    def hukou_here(self) -> bool:
        return self.hukou_urban and self.hukou_place is self.place

    def has_access(self, basis: int) -> bool:
        return (
            basis == AccessBasis.open.value
            or self.hukou_here()
            or (basis == AccessBasis.permit.value and self.has_permit)
        )

    # -- phases ----------------------------------------------------------------------------

    def age_and_count_months(self) -> None:
        # Demography is off in the comparison: as in the engine, ages are frozen then.
        months = self.model.months_per_step
        self.months_in_place = min(self.months_in_place + months, _MONTHS_CAP)

    def keep_or_lose_job(self) -> None:
        formal = self.place.is_city and self.employment == Employment.FORMAL
        if formal and self.random.random() < self.model.p_separation:
            self.employment = Employment.INFORMAL

    def seek_work(self) -> None:
        place = self.place
        if place.is_rural:
            self.employment = Employment.FARMING
            return
        if not place.is_city or self.employment == Employment.FORMAL:
            return
        workers = self.workers
        if not place.hiring_closed and workers <= place.vacancies * (1 + 1e-12):
            place.vacancies -= workers
            self.employment = Employment.FORMAL
        else:
            place.hiring_closed = True
            informal = self.random.random() < place.informal_share
            self.employment = Employment.INFORMAL if informal else Employment.UNEMPLOYED

    def earn(self) -> None:
        place, emp = self.place, self.employment
        if emp == Employment.FARMING:
            wage = place.rural_wage
        elif emp == Employment.FORMAL:
            wage = place.formal_wage * self.skill_multiplier
        elif emp == Employment.INFORMAL:
            wage = place.informal_wage * self.skill_multiplier
        else:
            wage = 0.0
        self.income = wage * self.adults

    def accrue_insurance(self) -> None:
        if self.place.is_city and self.employment == Employment.FORMAL:
            self.insurance_months = min(
                self.insurance_months + self.model.months_per_step, _MONTHS_CAP
            )

    def apply_for_permit(self) -> None:
        if not self.place.is_city or self.has_permit or self.hukou_here():
            return
        policy = self.model.cfg.residence_permit
        if self.months_in_place < policy.months_required:
            return
        if policy.require_stable_basis:
            housed = self.tenure != Tenure.PRIVATE_RENTAL or self.registered_lease
            working = self.employment == Employment.FORMAL
            if not (housed or working or self.school_seat):
                return
        if self.random.random() < self.model.p_permit:
            self.has_permit = True

    def check_settlement_eligibility(self) -> None:
        self.settlement_eligible = False
        place = self.place
        if not place.is_city or self.hukou_urban:
            return
        tenure = self.tenure
        renting = tenure in (Tenure.PRIVATE_RENTAL, Tenure.DORM)
        owns_or_public = tenure in (Tenure.OWNED, Tenure.PUBLIC_RENTAL)
        has_address = owns_or_public or (renting and place.collective_household)
        residence_ok = self.months_in_place >= place.min_residence_months
        self.points = (
            place.points_residence * (self.months_in_place / 12.0)
            + place.points_insurance * (self.insurance_months / 12.0)
            + place.points_skill * max(self.skill, 0.0)
            + place.points_owned * (tenure == Tenure.OWNED)
            + place.points_poverty * self.poverty_registered
        )
        if place.rule == SettlementRuleType.open.value:
            self.settlement_eligible = has_address
        elif place.rule == SettlementRuleType.conditions.value:
            stable_housing = owns_or_public or (renting and place.rental_counts)
            insured = self.insurance_months >= max(place.min_insurance_months, 1)
            self.settlement_eligible = has_address and residence_ok and (stable_housing or insured)
        elif place.rule == SettlementRuleType.points.value:
            self.settlement_eligible = (
                has_address
                and residence_ok
                and self.insurance_months >= place.min_insurance_months
                and self.points >= place.min_points
            )

    def review(self) -> None:
        """Reconsider where to live (if from a rural area of the region); maybe apply to settle."""
        self.reviewing = self.random.random() < self.model.p_review
        if not self.reviewing:
            return
        if self.origin.is_rural:
            choices = self.model.alternatives[self.origin.index]
            scale = self.model.cfg.behavior.logit_scale_cny_per_month
            best, best_value = None, -math.inf
            for alt in choices:
                u = self.utility(alt) / scale - math.log(-math.log(1.0 - self.random.random()))
                if u > best_value:
                    best, best_value = alt, u
            if best is not self.place:
                self.move_to(best)
        if self.settlement_eligible:
            gain = self.settling_gain(self.place)
            if self.random.random() < _expit(
                gain / self.model.cfg.behavior.logit_scale_cny_per_month
            ):
                self.place.applicants.append(self)

    def utility(self, alt: Locale) -> float:
        """What living at ``alt`` is worth this month (CNY/month per equivalent person)."""
        beh, model = self.model.cfg.behavior, self.model
        here = alt is self.place
        if alt is self.origin:
            money = self.adults * alt.rural_wage
            money += beh.homestead_value_cny_per_month * self.homestead_held
            other = beh.origin_attachment_cny_per_month
            other += beh.attachment_per_year_of_age_cny_per_month * (self.age - 40)
            if self.place is not self.origin:
                years_away = min(self.months_in_place, 240) / 12
                other -= beh.attachment_lost_per_year_away_cny_per_month * years_away
        else:
            holds_job = here and self.employment == Employment.FORMAL
            wage = alt.formal_wage if holds_job else alt.expected_wage
            money = self.adults * self.skill_multiplier * wage
            other = alt.amenity
            if alt.is_city:
                money -= self.housing_cost(alt)
                money += self.health_cover_value(alt)
                money -= (
                    self.children
                    * beh.left_behind_cost_cny_per_child_month
                    * (1 - self.school_access(alt))
                )
                other += self.settling_option(alt)
            else:  # the outside
                access = 1.0 if (here and self.school_seat) else model.outside_school_access
                money -= alt.rent * self.rent_scale()
                money -= self.children * beh.left_behind_cost_cny_per_child_month * (1 - access)
        if not here:
            money -= beh.moving_cost_cny / beh.planning_horizon_months
        other += beh.network_pull_cny_per_month * model.network_share[self.origin.index][alt.index]
        return money / self.equivalent_persons() + other

    def equivalent_persons(self) -> float:
        return max(self.size, 1) ** self.model.cfg.behavior.equivalence_elasticity

    def rent_scale(self) -> float:
        elasticity = self.model.cfg.economy.rent_size_elasticity
        return (max(self.size, 1) / REFERENCE_HOUSEHOLD_PERSONS) ** elasticity

    def housing_cost(self, city: Locale) -> float:
        if city is self.place and self.tenure == Tenure.OWNED:
            return 0.0
        return city.rent * self.rent_scale()

    def health_cover_value(self, city: Locale) -> float:
        value = self.model.cfg.behavior.health_cover_value_cny_per_month
        if self.hukou_urban and self.hukou_place is city:
            return value
        policy = self.model.cfg.insurance
        served = city is self.place and (
            self.months_in_place >= policy.public_health_months or self.has_permit
        )
        return (0.5 * policy.medical_without_hukou + 0.5 * served) * value

    def school_access(self, city: Locale) -> float:
        family_hukou = self.hukou_urban and self.family_followed and self.hukou_place is city
        if family_hukou or (self.school_seat and city is self.place):
            return 1.0
        if city.school_basis == AccessBasis.hukou.value:
            return 0.0
        return city.school_access_prob

    def move_to(self, new: Locale) -> None:
        self.place = new
        self.months_in_place = 0
        self.has_permit = False
        self.school_seat = False
        self.settlement_eligible = False
        home = new is self.origin
        self.tenure = Tenure.RURAL_HOME if home else Tenure.PRIVATE_RENTAL
        self.employment = Employment.FARMING if home else Employment.INFORMAL
        if new.is_outside:
            if self.random.random() < new.outside_formal_share:
                self.employment = Employment.FORMAL
            self.school_seat = self.random.random() < self.model.outside_school_access

    def settling_option(self, city: Locale) -> float:
        """The option of settling in ``city``: its gain times the chance within the horizon."""
        beh = self.model.cfg.behavior
        if self.hukou_urban:
            return beh.hukou_value_cny_per_month if self.hukou_place is city else 0.0
        chance = 1.0 - math.exp(-city.settling_hazard * beh.planning_horizon_months)
        return chance * max(self.settling_gain(city), 0.0)

    def settling_gain(self, city: Locale) -> float:
        """What settling in ``city`` is worth (public rental and subsidies are off here)."""
        beh, land = self.model.cfg.behavior, self.model.cfg.land
        school_gain = (
            city.family_follows
            * self.children
            * beh.left_behind_cost_cny_per_child_month
            * (1 - self.school_access(city))
        )
        loss = (
            (1 - land.contract_land_kept_share)
            * self.contract_land_mu
            * land.land_rent_cny_per_mu_month
            + (1 - land.collective_income_kept_share) * self.collective_income
            + (1 - land.homestead_kept_share)
            * beh.homestead_value_cny_per_month
            * self.homestead_held
        )
        offer = self.model.withdrawal_offer * self.homestead_held * land.homestead_kept_share
        return (
            beh.hukou_value_cny_per_month + (school_gain - loss + offer) / self.equivalent_persons()
        )

    def persons_settling(self) -> float:
        return (self.size if self.place.family_follows else 1) * self.weight

    def settle(self) -> None:
        land = self.model.cfg.land
        self.hukou_urban = True
        self.hukou_place = self.place
        self.family_followed = self.place.family_follows
        self.settlement_eligible = False
        self.contract_land_mu *= land.contract_land_kept_share
        self.collective_income *= land.collective_income_kept_share
        if land.homestead_kept_share < 1.0 and self.random.random() >= land.homestead_kept_share:
            self.homestead_held = False

    def seek_school_seat(self) -> None:
        place = self.place
        if not place.is_city or self.children == 0:
            return
        if self.hukou_here() and self.family_followed:
            self.school_seat = False  # local schools, not a migrant seat
            return
        if self.school_seat or not self.has_access(place.school_basis):
            return
        kids = self.children * self.weight
        place.school_demand += kids
        if not place.school_queue_closed and kids <= place.seats_free * (1 + 1e-12):
            place.seats_free -= kids
            self.school_seat = True
        else:
            place.school_queue_closed = True

    def consider_homestead_withdrawal(self) -> None:
        if not (self.hukou_urban and self.homestead_held and self.origin.is_rural):
            return
        reviewing = self.random.random() < self.model.p_review
        if reviewing and self.random.random() < self.model.p_withdraw:
            self.homestead_held = False


class MesaReferenceModel(mesa.Model):
    """The per-agent reference, started from the initial state of a vectorized model.

    Args:
        start: A freshly built :class:`model.SettlementModel`; its households and places become
            agents (the vectorized model itself is not changed).
        seed: Seed of this model's own random streams.
    """

    def __init__(self, start: SettlementModel, seed: int) -> None:
        super().__init__(rng=seed)
        cfg = start.cfg
        self.cfg = cfg
        self.months_per_step = cfg.months_per_step
        self.month = start.world.month
        self._places = deepcopy(start.world.places)  # for the shared indicator definitions
        self.locales = [Locale(self, self._places, i) for i in range(self._places.n)]
        hh = start.world.hh
        self.households = [Household(self, hh, i, self.locales) for i in range(len(hh))]
        others = [p for p in self.locales if p.is_city] + [p for p in self.locales if p.is_outside]
        self.alternatives = {p.index: [p, *others] for p in self.locales if p.is_rural}
        self.outside_school_access = self._places.outside_school_access_share
        beh, months = cfg.behavior, cfg.months_per_step
        self.p_review = 1.0 - (1.0 - beh.review_prob_per_month) ** months
        self.p_separation = 1.0 - (1.0 - beh.separation_rate_per_month) ** months
        self.p_permit = 1.0 - (1.0 - cfg.residence_permit.uptake_per_month) ** months
        gain = cfg.land.homestead_compensation_cny / beh.planning_horizon_months
        gain -= beh.homestead_value_cny_per_month
        enabled = cfg.land.homestead_withdrawal_enabled
        self.p_withdraw = _expit(gain / beh.logit_scale_cny_per_month) if enabled else 0.0
        self.withdrawal_offer = max(gain, 0.0) if enabled else 0.0  # in the settling gain
        self.network_share: list[list[float]] = []
        self.yearly: list[dict[str, float]] = [self.rates()]

    @property
    def year(self) -> int:
        return self.cfg.start_year + self.month // 12

    def step(self) -> None:
        """One step: the phases of :data:`model.PHASES` that the comparison scenario uses."""
        households = self.agents_by_type[Household]
        years = self.months_per_step / 12
        wage_factor = (1.0 + self.cfg.economy.wage_growth_pct_per_year / 100) ** years
        households.shuffle_do("age_and_count_months")
        for place in self.locales:
            place.grow(years, wage_factor)
        self.labour_market(households)
        households.shuffle_do("accrue_insurance")
        households.shuffle_do("apply_for_permit")
        households.shuffle_do("check_settlement_eligibility")
        self.count_networks()
        households.shuffle_do("review")
        for place in self.locales:
            place.admit_settlers()
        self.update_settling_rates(households)
        self.allocate_school_seats(households)
        households.shuffle_do("consider_homestead_withdrawal")
        self.month += self.months_per_step
        if self.month % 12 == 0:
            self.yearly.append(self.rates())
            for place in self.locales:
                place.settled_this_year = 0.0

    def update_settling_rates(self, households: mesa.agent.AgentSet) -> None:
        """Each city's settling rate among its non-hukou residents (see model.settling_gain)."""
        non_hukou = {p.index: 0.0 for p in self.locales}
        for h in households:
            if h.place.is_city and not h.hukou_urban:
                non_hukou[h.place.index] += h.size * h.weight
        for place in self.locales:
            place.update_settling_rate(non_hukou[place.index], self.months_per_step)

    def labour_market(self, households: mesa.agent.AgentSet) -> None:
        """Separations, then vacancies to job seekers in random order; wages and incomes."""
        households.shuffle_do("keep_or_lose_job")
        held = {p.index: 0.0 for p in self.locales}
        for h in households:
            if h.employment == Employment.FORMAL and h.place.is_city:
                held[h.place.index] += h.workers
        for place in self.locales:
            if held[place.index] > place.formal_jobs * (1 + 1e-12):
                self.keep_holders_up_to_jobs(place)  # jobs shrank below their holders
                held[place.index] = place.formal_jobs - place.vacancies
            place.vacancies = max(place.formal_jobs - held[place.index], 0.0)
            place.hiring_closed = False
        households.shuffle_do("seek_work")
        labor = {p.index: 0.0 for p in self.locales}
        for h in households:
            labor[h.place.index] += h.workers
        for place in self.locales:
            place.set_wages(labor[place.index])
        households.do("earn")

    def keep_holders_up_to_jobs(self, place: Locale) -> None:
        """Formal workers of ``place`` keep their jobs in random order while the jobs last."""
        holders = [
            h
            for h in self.agents_by_type[Household]
            if h.place is place and h.employment == Employment.FORMAL
        ]
        self.random.shuffle(holders)
        kept, closed = 0.0, False
        for h in holders:
            if not closed and kept + h.workers <= place.formal_jobs * (1 + 1e-12):
                kept += h.workers
            else:
                closed = True
                h.employment = Employment.INFORMAL
        place.vacancies = place.formal_jobs - kept

    def count_networks(self) -> None:
        """Share of each rural area's households living at each place (start of decisions)."""
        n = len(self.locales)
        counts = [[0.0] * n for _ in range(n)]
        for h in self.agents_by_type[Household]:
            if h.origin.is_rural:
                counts[h.origin.index][h.place.index] += h.weight
        self.network_share = [[c / max(sum(row), 1e-12) for c in row] for row in counts]

    def allocate_school_seats(self, households: mesa.agent.AgentSet) -> None:
        """Free seats go to eligible migrant children, poverty-registered first, then a lottery."""
        for place in self.locales:
            place.seats_free = place.school_seats
            place.school_demand = 0.0
            place.school_queue_closed = False
        for h in households:
            if h.school_seat and h.place.is_city and not (h.hukou_here() and h.family_followed):
                h.place.seats_free -= h.children * h.weight
        free_before = {p.index: max(p.seats_free, 0.0) for p in self.locales}
        for place in self.locales:
            place.seats_free = free_before[place.index]
        first = households.select(lambda h: h.poverty_registered and h.place.poverty_first)
        rest = households.select(lambda h: not (h.poverty_registered and h.place.poverty_first))
        first.shuffle_do("seek_school_seat")
        rest.shuffle_do("seek_school_seat")
        for place in self.locales:
            free, demand = free_before[place.index], place.school_demand
            place.school_access_prob = min(free / max(demand, 1e-9), 1.0) if demand > 0 else 1.0
            if place.school_seats <= 0:
                place.school_access_prob = 0.0

    def run_years(self, years: int) -> None:
        for _ in range(years * 12 // self.months_per_step):
            self.step()

    # -- reading the state with the engine's own indicator definitions -----------------------

    def to_households(self) -> Households:
        """The agents' state as household arrays."""
        agents = list(self.agents_by_type[Household])
        hh = Households.empty(len(agents))
        columns = {
            "weight": lambda h: h.weight,
            "origin": lambda h: h.origin.index,
            "location": lambda h: h.place.index,
            "hukou_urban": lambda h: h.hukou_urban,
            "hukou_place": lambda h: h.hukou_place.index,
            "family_followed": lambda h: h.family_followed,
            "adults": lambda h: h.adults,
            "children": lambda h: h.children,
            "preschool": lambda h: h.preschool,
            "couple": lambda h: h.couple,
            "parents": lambda h: h.parents,
            "grown_children": lambda h: h.grown_children,
            "head_age_years": lambda h: h.age,
            "elderly": lambda h: h.elderly,
            "employment": lambda h: h.employment,
            "income_cny_per_month": lambda h: h.income,
            "insurance_months": lambda h: h.insurance_months,
            "months_in_place": lambda h: h.months_in_place,
            "has_permit": lambda h: h.has_permit,
            "tenure": lambda h: h.tenure,
            "homestead_held": lambda h: h.homestead_held,
            "school_seat": lambda h: h.school_seat,
        }
        for name, read in columns.items():
            column = getattr(hh, name)
            column[:] = np.fromiter(
                (read(h) for h in agents), dtype=column.dtype, count=len(agents)
            )
        hh.waiting_since_month[:] = NOT_WAITING
        return hh

    def rates(self) -> dict[str, float]:
        """Resident and hukou urbanization (%) and their gap (pp), as the engine defines them."""
        world = World(hh=self.to_households(), places=self._places, cfg=self.cfg, rng=self.rng)
        values = indicators.compute(world)
        return {"year": self.year} | {k: values[k] for k in RATE_COLUMNS}


RATE_COLUMNS = ("resident_urbanization_pct", "hukou_urbanization_pct", "gap_pp")


def rate_differences(
    n_households: int, years: int, seeds: list[int], reference_overrides: tuple[str, ...] = ()
) -> np.ndarray:
    """Reference minus vectorized rates, per seed, year and rate (shape seeds x years+1 x 3).

    Both engines start from the same initial population (drawn by the vectorized model with the
    seed) and then draw their own random streams, so differences are replicate noise unless the
    rules differ. ``reference_overrides`` change the reference's config only (to check that a
    real difference in the rules shows up).
    """
    differences = []
    for seed in seeds:
        cfg = comparison_config(n_households, seed, years)
        vectorized = SettlementModel(cfg)
        start = vectorized
        if reference_overrides:
            start = SettlementModel(
                comparison_config(n_households, seed, years, reference_overrides)
            )
        reference = MesaReferenceModel(start, seed=seed + 1_000_003)
        reference.run_years(years)
        vectorized.run_to_end()
        ours = vectorized.timeseries()[list(RATE_COLUMNS)].to_numpy()
        theirs = np.array([[row[c] for c in RATE_COLUMNS] for row in reference.yearly])
        differences.append(theirs - ours)
    return np.array(differences)
