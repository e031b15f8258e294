"""The Mesa model: places as agents, households as arrays, a step as an ordered list of phases."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import mesa
import numpy as np
import pandas as pd

from model import (
    assistance,
    capacity,
    city_balance,
    city_indicators,
    decisions,
    demography,
    employment_support,
    formation,
    home_purchase,
    housing,
    hukou_moves,
    incomes,
    indicators,
    insurance,
    labour,
    land,
    pensions,
    permits,
    reclassification,
    rents,
    schooling,
    settlement,
    settling_gain,
    skills,
)
from model.compiled import sum_by_place
from model.config import RunConfig, compose_config
from model.households import add_months
from model.levers import ConfigError
from model.person_accounts import person_accounts
from model.places import Place, PlaceTable
from model.policy_start import adopt_policy
from model.population import initial_households
from model.start import match_start
from model.world import World

Phase = Callable[[World], None]
START_PASSES = 3  # reweight-and-reallocate passes when matching start-year data

# One step, in order. Each phase is a function of the world and nothing else.
PHASES: tuple[tuple[str, Phase], ...] = (
    ("demography", demography.age_population),
    ("household_formation", formation.form_households),
    ("economic_growth", labour.grow_economy),
    ("rents", rents.update_rents),
    ("training", skills.train_workers),
    ("labour_market", labour.match_jobs),
    ("hiring_subsidies", employment_support.subsidize_hiring),
    ("public_welfare_posts", employment_support.fill_public_welfare_posts),
    ("city_business_loans", skills.start_city_businesses),
    ("incomes", incomes.sum_incomes),
    ("social_insurance", insurance.accrue_insurance),
    ("residence_permits", permits.issue_residence_permits),
    ("home_purchase", home_purchase.buy_homes),
    ("settlement_eligibility", settlement.mark_settlement_eligibility),
    ("decisions", decisions.choose_locations),
    ("settlement_admission", settlement.admit_settlers),
    ("settling_rates", settling_gain.update_settling_rates),
    ("hukou_moves", hukou_moves.move_hukou),
    ("capacity", capacity.grow_capacity),
    ("housing_allocation", housing.allocate_housing),
    ("school_allocation", schooling.allocate_school_seats),
    ("social_assistance", assistance.administer_assistance),
    ("pension_premiums", pensions.book_pension_premiums),
    ("rights_withdrawal", land.withdraw_rights),
    ("reclassification", reclassification.reclassify_rural_places),
    ("loan_subsidies", skills.book_loan_subsidies),
)
# The phases run before the start to let jobs, permits, choices, settlement and services settle
# on the start state (``spin_up_years``): months in place and insurance accrue, but the calendar
# stands still, nobody ages, nothing grows, and the
# persons at each place (by hukou) are restored afterwards, so the spin-up decides who lives
# where, not how many.
SPIN_UP_PHASES: tuple[tuple[str, Phase], ...] = tuple(
    (name, phase)
    for name, phase in PHASES
    if name
    in {
        "labour_market",
        "incomes",
        "social_insurance",
        "residence_permits",
        "settlement_eligibility",
        "decisions",
        "settlement_admission",
        "settling_rates",
        "hukou_moves",
        "housing_allocation",
        "school_allocation",
        "social_assistance",
    }
)


class SettlementModel(mesa.Model):
    """Rural households moving to, staying in and settling in the cities of a region.

    Mesa's ``batch_run`` can drive it with keyword arguments: ``cfg`` names a scenario and
    further keywords are overrides in the command line's dotted keys; it stops (``running``
    turns false) at the end of ``end_year``::

        mesa.batch_run(SettlementModel, parameters={"cfg": "nantong_2020",
            "n_households": 5000, "cities.main_urban.settlement.min_residence_months": [0, 36]},
            rng=[0, 1, 2], data_collection_period=1)

    Args:
        cfg: A validated run configuration (see :func:`model.config.compose_config`), or the
            name of a scenario file to compose with ``overrides``.
        rng: Seed or generator; defaults to ``cfg.seed`` (so ``batch_run`` iterations without
            seeds repeat one run: pass seeds). An integer seed becomes the run's ``seed``, so
            the run is the one the command line gives with ``seed=<rng>``; with a generator the
            config keeps its own ``seed``, which then does not name the stream. All randomness
            uses ``self.rng``.
        policy: A config whose levers take effect in the start year, after the spin-up and the
            start matching under ``cfg`` (see :mod:`model.policy_start`).
        **overrides: ``key=value`` overrides (dotted keys, as on the command line) applied to
            the scenario named by ``cfg``.

    Raises:
        ConfigError: An unknown key or a value out of range (one line naming it), or overrides
            given with a composed config.

    Attributes:
        world: Household arrays, place table, config and clock that the phases work on.
        datacollector: Year-end indicators, one row per year from ``cfg.start_year``.
    """

    def __init__(
        self,
        cfg: RunConfig | str = "demo",
        rng: int | np.random.Generator | None = None,
        policy: RunConfig | None = None,
        **overrides: object,
    ) -> None:
        cfg = _run_config(cfg, overrides)
        if isinstance(rng, int | np.integer):  # the run is then the CLI's with seed=<rng>
            cfg = dataclasses.replace(cfg, seed=int(rng))
            if policy is not None:
                policy = dataclasses.replace(policy, seed=int(rng))
        super().__init__(rng=cfg.seed if rng is None else rng)
        self.cfg = cfg
        places = PlaceTable.from_config(cfg)
        hh = initial_households(cfg, places, self.rng)
        self.world = World(hh=hh, places=places, cfg=cfg, rng=self.rng)
        for index in range(places.n):
            Place(self, index)
        self.datacollector = mesa.DataCollector(
            model_reporters={"year": lambda m: m.world.year}
            | {name: _reporter(name) for name in indicators.INDICATORS},
            tables={"cities": ["year", "city", *city_indicators.CITY_COLUMNS]},
        )
        self._settle_initial_state()
        if policy is not None:  # takes effect in the start year (see model.policy_start)
            adopt_policy(self.world, policy)
            self.cfg = policy
        self._collect()
        self.world.flows.reset()  # the start row's flows: what a policy built on adoption

    @property
    def steps_per_year(self) -> int:
        return 12 // self.cfg.months_per_step

    @property
    def year(self) -> int:
        return self.world.year

    def _settle_initial_state(self) -> None:
        """Fill jobs, permits, seats and units before year one so the start is consistent.

        With start-year data, the population is reweighted to meet it and the services are
        allocated again (seats and units are real numbers, so who holds them depends on the
        weights); a few passes make the start rates exact to well under 0.1 points. With a
        spin-up, the allocation and choice phases then run ``spin_up_years`` on the start
        state and the start figures are matched again.
        """
        w = self.world
        self._allocate_initial_services()
        self._match_start()
        self._balance_cities()
        spin_up_steps = self.cfg.spin_up_years * self.steps_per_year
        if spin_up_steps:
            before = _persons_by_place_and_hukou(w)
            for step in range(1, spin_up_steps + 1):
                add_months(w.hh.months_in_place, w.months_per_step)
                for _name, phase in SPIN_UP_PHASES:
                    phase(w)
                w.months_run += w.months_per_step
                if step % self.steps_per_year == 0:  # a yearly quota, as in the run
                    w.places.settlement.settled_this_year_persons[:] = 0.0
            after = _persons_by_place_and_hukou(w)
            restore = np.where((before > 0) & (after > 0), before / np.maximum(after, 1e-12), 1.0)
            cell = _place_and_hukou(w)
            w.hh.weight *= restore.ravel()[cell].astype(np.float32)
            self._match_start()
            self._balance_cities()
        rents.fix_reference_residents(w)
        w.places.funds.transfers_cny[:] = 0.0  # what settling earned in the spin-up is not money
        w.places.funds.land_quota_m2[:] = 0.0
        w.flows.reset()

    def _balance_cities(self) -> None:
        if self.cfg.start.balance_cities:
            city_balance.balance_city_amenities(self.world)

    def _match_start(self) -> None:
        """Reweight to the start figures and refit the services to the new weights."""
        if not self.cfg.start.active:
            return
        for _ in range(START_PASSES):
            match_start(self.world, self.cfg.start)
            self._allocate_initial_services()

    def _allocate_initial_services(self) -> None:
        w = self.world
        labour.match_jobs(w)
        incomes.sum_incomes(w)
        permits.issue_residence_permits(w)
        housing.allocate_housing(w)
        schooling.allocate_school_seats(w)
        if not self.cfg.spin_up_years:
            # With a spin-up the dibao list is built by its own rule (claims each step, reviews
            # every half year), so the start caseload is the one the reviews keep, not one that
            # each matching pass inflates with fresh claims.
            assistance.administer_assistance(w)

    def step(self) -> None:
        """Advance ``months_per_step`` months: run every phase in order; close a finished year."""
        w = self.world
        for _name, phase in PHASES:
            phase(w)
        w.month += self.cfg.months_per_step
        w.months_run += self.cfg.months_per_step
        if w.month % 12 == 0:
            self._collect()
            w.flows.reset()
            w.places.settlement.settled_this_year_persons[:] = 0.0
            if w.year >= self.cfg.end_year:
                self.running = False

    def _collect(self) -> None:
        """Record the year-end indicators and the per-city rows."""
        accounts = person_accounts(self.world)
        self.indicators = indicators.compute(self.world, accounts)
        self.datacollector.collect(self)
        for row in city_indicators.by_city(self.world, accounts):
            self.datacollector.add_table_row("cities", row)

    def run_to_end(self) -> None:
        """Step until the year-end of ``cfg.end_year``."""
        n_steps = (self.cfg.end_year - self.world.year) * self.steps_per_year
        for _ in range(n_steps):
            self.step()

    def city_table(self) -> pd.DataFrame:
        """Year-end rows per city (``year``, ``city``, then ``city_indicators.CITY_COLUMNS``)."""
        return self.datacollector.get_table_dataframe("cities")

    def timeseries(self) -> pd.DataFrame:
        """Year-end indicators as a DataFrame, one row per year (``year`` first)."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df["year"] = df["year"].astype(int)
        return df


def _place_and_hukou(w: World) -> np.ndarray:
    """Cell of each household: its place, and whether it holds an urban hukou of the region."""
    return w.hh.location.astype(np.intp) * 2 + w.hh.hukou_urban


def _persons_by_place_and_hukou(w: World) -> np.ndarray:
    """Persons in each (place, urban hukou) cell, shape (places, 2)."""
    persons = w.hh.size * w.hh.weight.astype(np.float64)
    cells = sum_by_place(_place_and_hukou(w), persons, 2 * w.places.n)
    return cells.reshape(w.places.n, 2)


def _run_config(cfg: RunConfig | str, overrides: dict[str, object]) -> RunConfig:
    """``cfg`` itself, or the scenario it names composed with ``overrides`` (dotted keys)."""
    if isinstance(cfg, RunConfig):
        if overrides:
            raise ConfigError(
                f"{', '.join(overrides)}: overrides apply to a scenario name, not to a composed "
                "config"
            )
        return cfg
    pairs = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in overrides.items()]
    return compose_config([f"scenario={cfg}", *pairs])


def _reporter(name: str) -> Callable[[SettlementModel], float]:
    def read(m: SettlementModel) -> float:
        return float(m.indicators[name])

    read.__name__ = name
    return read
