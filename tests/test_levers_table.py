"""The remaining levers, one row each: overrides for a low and a high setting, the outcome, and
the direction it must move (common random numbers: same seed in both arms, for two seeds).
Levers whose effect is on one household's options rather than on a total are checked on the
function that prices the option."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small_model
from model import run_scenario
from model.households import Employment, Tenure

BASE = ["n_households=15000", "end_year=2024"]
CITIES = ("capital", "prefecture", "county_town")


def every_city(key: str, value: object) -> list[str]:
    return [f"cities.{c}.{key}={value}" for c in CITIES]


STRICT_POINTS = ["cities.capital.settlement.min_points=60"]
NO_RENTAL = [
    "cities.prefecture.settlement.rental_counts_as_stable_housing=false",
    "cities.prefecture.settlement.min_residence_months=0",
]
TRAINING = ["skills.training_places_per_year=30000"]
LOANS = ["skills.returnee_loan_cny=100000"]

# name: (low overrides, high overrides, indicator, how to aggregate, expected sign of high - low)
ROWS = {
    "points for residence": (
        [*STRICT_POINTS, "cities.capital.settlement.points_per_year_residence=0"],
        [*STRICT_POINTS, "cities.capital.settlement.points_per_year_residence=30"],
        "settled_persons",
        "sum",
        +1,
    ),
    "insurance months required": (
        [*NO_RENTAL, "cities.prefecture.settlement.min_insurance_months=1"],
        [*NO_RENTAL, "cities.prefecture.settlement.min_insurance_months=60"],
        "settled_persons",
        "sum",
        -1,
    ),
    "annual quota": (
        ["cities.capital.settlement.annual_quota_persons=2000"],
        ["cities.capital.settlement.annual_quota_persons=50000"],
        "settled_persons",
        "sum",
        +1,
    ),
    "public rental units": (
        [],
        every_city("housing.public_rental_units", 20000),
        "public_rental_occupied",
        "last",
        +1,
    ),
    "public rental lease": (
        every_city("housing.public_rental_lease_months", 120),
        every_city("housing.public_rental_lease_months", 12),
        "public_rental_leavers",
        "sum",
        +1,
    ),
    "public rental move-on share": (
        every_city("housing.public_rental_move_on_share", 0),
        every_city("housing.public_rental_move_on_share", 1),
        "public_rental_leavers",
        "sum",
        +1,
    ),
    "rents feel crowding": (
        ["economy.rent_population_elasticity=0"],
        ["economy.rent_population_elasticity=1"],
        "resident_urbanization_pct",
        "last",
        -1,
    ),
    "provident fund for migrants": (
        ["provident_fund.migrant_employee_coverage_share=0"],
        [
            "provident_fund.migrant_employee_coverage_share=0.6",
            "provident_fund.contribution_rate_pct=12",
        ],
        "resident_urbanization_pct",
        "last",
        +1,
    ),
    "public rental cost": (
        every_city("housing.public_rental_cost_cny_per_unit_month", 400),
        every_city("housing.public_rental_cost_cny_per_unit_month", 1600),
        "outlay_public_rental_cny",
        "sum",
        +1,
    ),
    "rental subsidy basis": (
        every_city("housing.rental_subsidy_basis", "hukou"),
        every_city("housing.rental_subsidy_basis", "permit"),
        "rental_subsidy_households",
        "last",
        +1,
    ),
    "housing income ceiling": (
        every_city("housing.income_ceiling_cny_per_month", 3000),
        every_city("housing.income_ceiling_cny_per_month", 20000),
        "rental_subsidy_households",
        "last",
        +1,
    ),
    "school seat cost": (
        every_city("schooling.cost_cny_per_seat_month", 500),
        every_city("schooling.cost_cny_per_seat_month", 2000),
        "outlay_school_places_cny",
        "sum",
        +1,
    ),
    "land rent lost on settling": (
        ["land.contract_land_kept_share=0", "land.land_rent_cny_per_mu_month=10"],
        ["land.contract_land_kept_share=0", "land.land_rent_cny_per_mu_month=200"],
        "settled_persons",
        "sum",
        -1,
    ),
    "dibao top-up": (
        ["assistance.urban_top_up_share=0.3", "assistance.rural_top_up_share=0.2"],
        ["assistance.urban_top_up_share=1", "assistance.rural_top_up_share=1"],
        "outlay_dibao_cny",
        "sum",
        +1,
    ),
    "dibao take-up": (
        ["assistance.take_up_share=0.2"],
        ["assistance.take_up_share=1"],
        "dibao_recipients",
        "last",
        +1,
    ),
    "dibao review interval": (  # caseload summed over the years: the last year-end can fall
        # just after a two-yearly review, when both arms have just dropped those above the line
        ["assistance.review_interval_months=3", "assistance.months_kept_after_exit=0"],
        ["assistance.review_interval_months=24", "assistance.months_kept_after_exit=0"],
        "dibao_recipients",
        "sum",
        +1,
    ),
    "training cost": (
        [*TRAINING, "skills.training_cost_cny_per_trainee=1000"],
        [*TRAINING, "skills.training_cost_cny_per_trainee=4000"],
        "outlay_training_cny",
        "sum",
        +1,
    ),
    "loan interest subsidy": (
        [*LOANS, "skills.loan_interest_subsidy_share=0.01"],
        [*LOANS, "skills.loan_interest_subsidy_share=0.1"],
        "outlay_loan_interest_cny",
        "sum",
        +1,
    ),
    "urban fertility": (
        ["demography.completed_fertility_urban=0.8"],
        ["demography.completed_fertility_urban=2.0"],
        "births",
        "sum",
        +1,
    ),
    "rural fertility": (
        ["demography.rural_fertility_ratio=0.8"],
        ["demography.rural_fertility_ratio=2.0"],
        "children_share_pct",
        "last",
        +1,
    ),
    "old-age mortality": (
        ["demography.mortality_at_60_per_year=0.005"],
        ["demography.mortality_at_60_per_year=0.02"],
        "deaths",
        "sum",
        +1,
    ),
    "mortality trend": (
        ["demography.mortality_change_pct_per_year=0"],
        ["demography.mortality_change_pct_per_year=-8"],
        "deaths",
        "sum",
        -1,
    ),
    "leaving home": (  # fewer grown children at home, at the start and after it
        ["demography.leave_home_per_year=0.05"],
        ["demography.leave_home_per_year=0.4"],
        "persons_per_household",
        "last",
        -1,
    ),
    "age of leaving home": (  # later leaving: fewer households formed in the run's years
        ["demography.leave_home_min_age_years=15"],
        ["demography.leave_home_min_age_years=24"],
        "households_formed",
        "sum",
        -1,
    ),
    "fertility trend": (
        ["demography.fertility_change_pct_per_year=0"],
        ["demography.fertility_change_pct_per_year=-8"],
        "births",
        "sum",
        -1,
    ),
    "partnering": (
        ["demography.partnering_per_year=0.05"],
        ["demography.partnering_per_year=0.6"],
        "births",
        "sum",
        +1,
    ),
    "age gradient of attachment": (
        ["behavior.attachment_per_year_of_age_cny_per_month=0"],
        ["behavior.attachment_per_year_of_age_cny_per_month=60"],
        "migrant_worker_mean_age",
        "last",
        -1,
    ),
    "permit conditions": (
        ["residence_permit.require_stable_basis=false"],
        ["residence_permit.require_stable_basis=true"],
        "residence_permit_coverage_pct",
        "last",
        -1,
    ),
    "registered leases": (
        ["households.registered_lease_share=0.1"],
        ["households.registered_lease_share=1.0"],
        "residence_permit_coverage_pct",
        "last",
        +1,
    ),
}


@pytest.mark.parametrize("seed", (0, 1))
@pytest.mark.parametrize("row", sorted(ROWS))
def test_lever_moves_its_outcome(row, seed):
    low, high, indicator, how, sign = ROWS[row]
    out = []
    for overrides in (low, high):
        ts = run_scenario("demo", overrides=[*BASE, f"seed={seed}", *overrides]).timeseries
        out.append(ts[indicator].sum() if how == "sum" else ts[indicator].iloc[-1])
    assert np.sign(out[1] - out[0]) == sign, (row, out)


def test_public_rental_basis_decides_who_may_be_a_tenant():
    def tenants_without_local_hukou(basis: str) -> float:
        model = small_model(
            [
                "n_households=15000",
                "end_year=2023",
                *every_city("housing.public_rental_basis", basis),
            ]
        )
        model.run_to_end()
        hh = model.world.hh
        tenants = hh.tenure == Tenure.PUBLIC_RENTAL
        local = hh.hukou_urban & (hh.hukou_place == hh.location)
        return float(hh.weight[tenants & ~local].sum())

    assert tenants_without_local_hukou("hukou") == 0
    assert tenants_without_local_hukou("open") > 0


def test_region_hukou_basis_opens_public_rental_to_the_region_rural_hukou_only():
    """001 二(一)1(1): 本市户籍 includes the region's rural hukou holders."""
    model = small_model(
        [
            "n_households=15000",
            "end_year=2023",
            *every_city("housing.public_rental_basis", "region_hukou"),
        ]
    )
    model.run_to_end()
    w = model.world
    hh = w.hh
    tenants = hh.tenure == Tenure.PUBLIC_RENTAL
    rural_hukou_of_region = ~hh.hukou_urban & ~w.places.is_outside[hh.hukou_place]
    assert hh.weight[tenants & rural_hukou_of_region].sum() > 0


def test_cheaper_public_rental_lowers_a_tenants_housing_cost():
    from model.housing_costs import housing_costs_cny_per_month

    def tenant_cost(rent_share: float) -> float:
        model = small_model(
            ["n_households=4000", *every_city("housing.public_rental_rent_share", rent_share)]
        )
        w = model.world
        tenants = np.flatnonzero(w.hh.tenure == Tenure.PUBLIC_RENTAL)
        cost = housing_costs_cny_per_month(w, tenants, w.places.city_places)[0]
        here = w.hh.location[tenants, None] == w.places.city_places[None, :]
        return float(cost[here].mean())

    assert tenant_cost(0.2) < tenant_cost(0.8)


def test_more_public_rental_lowers_the_housing_cost_a_newcomer_expects():
    """Where permits open public rental, a newcomer expects the city's coverage of the need."""
    from model.housing_costs import housing_costs_cny_per_month

    def newcomer_cost(units: float) -> float:
        model = small_model(
            [
                "n_households=4000",
                *every_city("housing.public_rental_basis", "permit"),
                *every_city("housing.public_rental_units", units),
            ]
        )
        w = model.world
        rural = np.flatnonzero(w.places.is_rural[w.hh.location])
        return float(housing_costs_cny_per_month(w, rural, w.places.city_places)[0].mean())

    assert newcomer_cost(20000) < newcomer_cost(500)


def test_provident_fund_on_the_staff_standard_raises_the_pull_of_the_city():
    """001 二(一)1(3): migrants covered like hukou holders value the city where they work more,
    and settling gains nothing from it (a hukou does not change the employer)."""
    from model.location_utility import alternative_places, location_utilities
    from model.settling_gain import settling_gain_cny_per_month

    def gains(migrant_share: float) -> tuple[float, float]:
        model = small_model(
            [
                "n_households=4000",
                "provident_fund.hukou_employee_coverage_share=0.8",
                f"provident_fund.migrant_employee_coverage_share={migrant_share}",
            ]
        )
        w = model.world
        formal = np.flatnonzero(
            w.places.is_city[w.hh.location]
            & ~w.hh.hukou_urban
            & (w.hh.employment == Employment.FORMAL)
        )
        alternatives = alternative_places(w, formal)
        utility = location_utilities(w, formal, alternatives)
        here = utility[alternatives == w.hh.location[formal, None]]
        return float(here.mean()), float(settling_gain_cny_per_month(w, formal).mean())

    (pull_low, settle_low), (pull_high, settle_high) = gains(0.0), gains(0.8)
    assert pull_high > pull_low
    assert settle_high == pytest.approx(settle_low)


def test_public_health_after_fewer_months_reaches_more_migrants():
    from model.insurance import health_cover_value_cny_per_month

    def cover(months: int) -> float:
        model = small_model(
            [
                "n_households=4000",
                f"insurance.public_health_months={months}",
                "insurance.medical_without_hukou=false",
            ]
        )
        w = model.world
        migrants = np.flatnonzero(w.places.is_city[w.hh.location] & ~w.hh.hukou_urban)
        return float(health_cover_value_cny_per_month(w, migrants, w.places.city_places).sum())

    assert cover(0) > cover(60)


def test_training_skill_gain_raises_trainees_wages():
    def trained_income(gain: float) -> float:
        result = run_scenario("demo", [*BASE, *TRAINING, f"skills.training_skill_gain_sd={gain}"])
        hh, places = result.model.world.hh, result.model.world.places
        trained = hh.trained & places.is_city[hh.location] & (hh.adults > 0)
        return float((hh.income_cny_per_month[trained] / hh.adults[trained]).mean())

    assert trained_income(1.5) > trained_income(0.0)


PRIORITY = {
    "public rental": (
        "housing.poverty_registered_first",
        lambda hh: hh.tenure == Tenure.PUBLIC_RENTAL,
    ),
    "school seats": ("schooling.poverty_registered_first", lambda hh: hh.school_seat),
}


@pytest.mark.parametrize("service", sorted(PRIORITY))
def test_poverty_registered_households_go_first(service):
    key, served = PRIORITY[service]

    def poor_share(flag: str) -> float:
        model = small_model(
            [
                "n_households=15000",
                "end_year=2023",
                "households.poverty_registered_share=0.2",
                "cities.capital.housing.key_occupations_first=false",
                "cities.prefecture.housing.key_occupations_first=false",
                "cities.county_town.housing.key_occupations_first=false",
                *every_city("schooling.migrant_school_seats", 3000),  # make seats scarce
                *every_city(key, flag),
            ]
        )
        model.run_to_end()
        hh = model.world.hh
        mask = served(hh) & model.world.places.is_city[hh.location]
        return float(hh.poverty_registered[mask].mean())

    assert poor_share("true") > poor_share("false") + 0.05


def test_poverty_registered_workers_are_trained_first():
    def poor_share(flag: str) -> float:
        result = run_scenario(
            "demo",
            [
                *BASE,
                "skills.training_places_per_year=5000",
                f"skills.training_poverty_first={flag}",
            ],
        )
        hh = result.model.world.hh
        return float(hh.poverty_registered[hh.trained].mean())

    assert poor_share("true") > poor_share("false") + 0.3


def test_private_school_places_keep_children_with_their_parents():
    def outcome(seats: int) -> tuple[float, float]:
        ts = run_scenario("demo", [*BASE, *every_city("schooling.private_school_seats", seats)])
        last = ts.timeseries.iloc[-1]
        return last["children_left_behind"], last["migrant_children_public_school_pct"]

    (behind_none, public_none), (behind_many, public_many) = outcome(0), outcome(30000)
    assert behind_many < behind_none
    assert public_none == 100.0 and public_many < 100.0


def test_a_city_rent_rises_with_its_residents_by_the_elasticity():
    from model.rents import city_residents

    model = small_model(
        ["n_households=6000", "end_year=2024", "economy.rent_population_elasticity=0.5"]
    )
    model.run_to_end()
    w = model.world
    cities = w.places.city_places
    crowding = w.places.rent_cny_per_month[cities] / w.places.rent_base_cny_per_month[cities]
    growth = city_residents(w)[cities] / w.places.reference_residents[cities]
    # the rents of the last step, against the residents before its moves
    np.testing.assert_allclose(crowding, growth**0.5, rtol=0.02)
    assert crowding.max() > 1.02


def test_grown_children_leave_home_only_from_the_minimum_age():
    """New households are headed by grown children at least the minimum age; the start's own
    young heads (drawn from the age shares) are older than the start's rows by construction."""
    model = small_model(["n_households=4000", "demography.leave_home_min_age_years=24"])
    first_new_row = len(model.world.hh)
    model.run_for(model.steps_per_year)
    hh = model.world.hh
    new = np.arange(first_new_row, len(hh))
    new = new[hh.weight[new] > 0]
    assert new.size > 0
    assert hh.head_age_years[new].min() >= 24.0


def test_period_fertility_falls_each_year_by_the_trend():
    from model.config import compose_config
    from model.demography import period_fertility_ratio

    cfg = compose_config(["scenario=demo", "demography.fertility_change_pct_per_year=-4"])
    demography = cfg.demography
    assert period_fertility_ratio(demography, demography.fertility_reference_year) == 1.0
    ratio = period_fertility_ratio(demography, demography.fertility_reference_year + 5)
    assert ratio == pytest.approx(0.96**5)


def test_death_rates_change_each_year_by_the_trend_at_every_age():
    from model.config import compose_config
    from model.demography import mortality_per_year

    cfg = compose_config(["scenario=demo", "demography.mortality_change_pct_per_year=-3"])
    demography = cfg.demography
    table, reference = mortality_per_year(demography), demography.mortality_reference_year
    assert np.array_equal(mortality_per_year(demography, reference), table)
    later = mortality_per_year(demography, reference + 10)
    young_and_old = table < 0.5  # the table is capped at 1 at the oldest ages
    assert later[young_and_old] == pytest.approx(table[young_and_old] * 0.97**10)


def test_a_higher_leaving_rate_forms_more_households_from_the_same_start():
    """The rate acts in the run, not only on the start's draw: from one start (drawn at the
    low rate), the high rate set as the run's policy forms more households."""
    from model import SettlementModel, compose_config

    formed = []
    for rate in (0.05, 0.4):
        base = ["scenario=demo", "n_households=6000", "end_year=2023"]
        start = compose_config([*base, "demography.leave_home_per_year=0.05"])
        policy = compose_config([*base, f"demography.leave_home_per_year={rate}"])
        model = SettlementModel(start, policy=policy)
        model.run_to_end()
        formed.append(model.timeseries()["households_formed"].sum())
    assert formed[1] > 1.5 * formed[0], formed
