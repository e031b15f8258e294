"""The place agents of the per-agent reference: rural areas, cities and the outside."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from model.places import PlaceKind, PlaceTable
from model.settlement import SettlementRuleType

if TYPE_CHECKING:
    from benchmarks.mesa_reference.households import Household
    from benchmarks.mesa_reference.model import MesaReferenceModel

MONTHS_CAP = 32767  # month counters saturate like the int16 counters of the engine


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
