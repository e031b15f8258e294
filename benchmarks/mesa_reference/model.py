"""The per-agent reference model, its comparison scenario and the rate differences."""

from __future__ import annotations

from copy import deepcopy

import mesa
import numpy as np

from benchmarks.mesa_reference.households import Household, expit
from benchmarks.mesa_reference.locales import Locale
from benchmarks.speed import LEVER_SETS
from model import SettlementModel, compose_config, indicators
from model.config import RunConfig
from model.households import NOT_WAITING, Employment, Households
from model.world import World

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
        self.p_withdraw = expit(gain / beh.logit_scale_cny_per_month) if enabled else 0.0
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
