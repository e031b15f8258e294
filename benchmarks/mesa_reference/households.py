"""The household agents of the per-agent reference: one ``mesa.Agent`` per household."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from benchmarks.mesa_reference.locales import MONTHS_CAP, Locale
from model.households import Employment, Households, Tenure
from model.housing import REFERENCE_HOUSEHOLD_PERSONS
from model.permits import AccessBasis
from model.settlement import SettlementRuleType

if TYPE_CHECKING:
    from benchmarks.mesa_reference.model import MesaReferenceModel


def expit(x: float) -> float:
    """The logistic function, without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


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
        self.months_in_place = min(self.months_in_place + months, MONTHS_CAP)

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
                self.insurance_months + self.model.months_per_step, MONTHS_CAP
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
            if self.random.random() < expit(
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
