"""The levers beyond the core four move their outcomes the expected way (common random numbers).

Each comparison runs the demo with the same seed in both arms and must hold for every seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import run_scenario
from model.households import Employment, Tenure

BASE = ["n_households=20000", "end_year=2025"]
SEEDS = (0, 1)
CITIES = ("capital", "prefecture", "county_town")


def run(overrides: list[str], seed: int):
    return run_scenario("demo", overrides=[*BASE, f"seed={seed}", *overrides])


def pair(low: list[str], high: list[str], seed: int, n_households: int = 20000):
    size = [f"n_households={n_households}"]
    return run([*low, *size], seed).timeseries, run([*high, *size], seed).timeseries


@pytest.mark.parametrize("seed", SEEDS)
def test_training_raises_trainees_job_finding_and_wages(seed):
    result = run(["skills.training_places_per_year=20000"], seed)
    ts, w = result.timeseries, result.model.world
    assert ts["trainees"].iloc[1:].mean() == pytest.approx(20000, rel=0.05)
    assert ts["outlay_training_cny"].iloc[-1] > 0
    hh = w.hh
    workers = w.places.is_city[hh.location] & (hh.adults > 0)
    trained, untrained = workers & hh.trained, workers & ~hh.trained
    formal = hh.employment == Employment.FORMAL
    assert formal[trained].mean() > formal[untrained].mean() + 0.2
    assert hh.income_cny_per_month[trained].mean() > hh.income_cny_per_month[untrained].mean()


@pytest.mark.parametrize("seed", SEEDS)
def test_employment_services_cut_joblessness_and_low_income(seed):
    off, on = pair([], ["skills.employment_service_share=0.8"], seed)
    assert on["urban_jobless_rate"].iloc[-1] < 0.5 * off["urban_jobless_rate"].iloc[-1]
    assert on["low_income_incidence_pct"].iloc[-1] < off["low_income_incidence_pct"].iloc[-1]


@pytest.mark.parametrize("seed", SEEDS)
def test_arrears_protection_raises_migrant_incomes(seed):
    # Informal wages lost to arrears are recovered; with today's household sizes few informal
    # workers' households fall below the dibao line either way, so income is the measure.
    arrears = ["skills.wage_arrears_share=0.3"]
    off, on = pair(arrears, [*arrears, "skills.arrears_protection_share=1.0"], seed)
    income_off = off["migrant_monthly_income_cny"].iloc[1:].mean()
    assert on["migrant_monthly_income_cny"].iloc[1:].mean() > 1.05 * income_off


@pytest.mark.parametrize("seed", SEEDS)
def test_returnee_loans_bring_households_home_at_a_cost(seed):
    loans = [
        "skills.returnee_loan_cny=100000",
        "skills.returnee_income_gain_cny_per_month=2000",
        "skills.returnee_loan_take_up=0.5",
    ]
    off, on = pair([], loans, seed)
    assert on["returns_to_origin"].sum() > 1.1 * off["returns_to_origin"].sum()
    assert on["returnee_loans"].sum() > 0 and on["outlay_loan_interest_cny"].sum() > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_flexible_insurance_enrolment_means_more_insured_and_settled(seed):
    # settled persons are a small flow: more households than elsewhere (noise ~ 1/sqrt(n))
    off, on = pair([], ["insurance.flexible_enrolment_per_month=0.2"], seed, 60000)
    assert on["insured_city_migrant_households"].iloc[-1] > (
        1.2 * off["insured_city_migrant_households"].iloc[-1]
    )
    assert on["settled_persons"].sum() > off["settled_persons"].sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_portable_insurance_keeps_more_migrants_insured(seed):
    lost, kept = pair(["insurance.portability_share=0"], ["insurance.portability_share=1"], seed)
    assert kept["insured_city_migrant_households"].sum() > (
        lost["insured_city_migrant_households"].sum()
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_medical_insurance_without_hukou_keeps_migrants_in_town(seed):
    valued = ["behavior.health_cover_value_cny_per_month=800"]
    closed, open_ = pair([*valued, "insurance.medical_without_hukou=false"], valued, seed)
    assert (
        open_["resident_urbanization_pct"].iloc[-1] > closed["resident_urbanization_pct"].iloc[-1]
    )
    # more migrants stay in town (returns are not the measure: retirees return either way)
    assert (
        open_["non_hukou_urban_residents"].iloc[-1] > closed["non_hukou_urban_residents"].iloc[-1]
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_key_occupations_go_first_for_public_rental(seed):
    def tenants_in_key_jobs(flag: str) -> float:
        result = run(
            [
                f"cities.capital.housing.key_occupations_first={flag}",
                "cities.capital.housing.poverty_registered_first=false",
            ],
            seed,
        )
        hh, places = result.model.world.hh, result.model.world.places
        tenants = (hh.location == places.index("capital")) & (hh.tenure == Tenure.PUBLIC_RENTAL)
        return float(hh.key_occupation[tenants].mean())

    assert tenants_in_key_jobs("true") > tenants_in_key_jobs("false") + 0.2


@pytest.mark.parametrize("seed", SEEDS[:1])
def test_fiscal_links_pay_and_grant_land_per_settler(seed):
    ts = run(
        [
            "fiscal.transfer_per_settled_person_cny=10000",
            "fiscal.construction_land_m2_per_settled_person=100",
            "fiscal.homestead_reclaimed_m2=200",
        ],
        seed,
    ).timeseries.iloc[1:]
    assert np.allclose(ts["transfers_received_cny"], 10000 * ts["settled_persons"])
    assert np.allclose(
        ts["construction_land_quota_m2"],
        100 * ts["settled_persons"] + ts["homestead_reclamation_quota_m2"],
    )
    assert np.allclose(ts["homestead_reclamation_quota_m2"], 200 * ts["homesteads_withdrawn"])


@pytest.mark.parametrize("seed", SEEDS[:1])
def test_transfers_per_settler_are_spent_on_units_and_seats(seed):
    """人钱挂钩: what settling cities receive builds units and seats, at their building costs."""
    no_land = [
        "fiscal.construction_land_m2_per_settled_person=0",
        "fiscal.homestead_reclaimed_m2=0",
    ]
    booked_only, spent = pair(
        [
            *no_land,
            "fiscal.transfer_per_settled_person_cny=50000",
            "capacity.transfer_spent_share=0",
        ],
        [
            *no_land,
            "fiscal.transfer_per_settled_person_cny=50000",
            "capacity.transfer_spent_share=1",
        ],
        seed,
    )
    assert booked_only["public_rental_units_built"].sum() == 0
    assert np.allclose(spent["outlay_capacity_construction_cny"], spent["transfers_received_cny"])
    units = spent["public_rental_units"]
    assert units.iloc[-1] - units.iloc[0] == pytest.approx(
        spent["public_rental_units_built"].iloc[1:].sum()
    )
    assert spent["migrant_school_seats"].iloc[-1] > booked_only["migrant_school_seats"].iloc[-1]
    assert spent["public_rental_occupied"].iloc[-1] > booked_only["public_rental_occupied"].iloc[-1]


def test_planned_growth_compounds_the_stock_of_units_and_seats():
    ts = run(
        [
            "fiscal.transfer_per_settled_person_cny=0",
            "capacity.land_quota_public_rental_share=0",
            "capacity.public_rental_growth_pct_per_year=10",
            "capacity.school_seats_growth_pct_per_year=5",
        ],
        0,
    ).timeseries
    years = ts["year"] - ts["year"].iloc[0]
    units, seats = ts["public_rental_units"], ts["migrant_school_seats"]
    assert np.allclose(units, units.iloc[0] * 1.10**years)
    assert np.allclose(seats, seats.iloc[0] * 1.05**years)


def test_land_quota_zoned_for_public_rental_builds_units():
    """人地挂钩: quota earned by settling, a share zoned for public rental at m2 per unit."""
    ts = run(
        [
            "fiscal.transfer_per_settled_person_cny=0",
            "fiscal.construction_land_m2_per_settled_person=100",
            "capacity.land_quota_public_rental_share=0.1",
            "capacity.land_m2_per_unit=50",
        ],
        0,
    ).timeseries.iloc[1:]
    assert np.allclose(ts["public_rental_units_built"], ts["construction_land_quota_m2"] * 0.1 / 50)


@pytest.mark.parametrize("seed", SEEDS)
def test_reclassification_raises_the_resident_rate_and_conversion_the_hukou_rate(seed):
    none, fast = pair(
        ["reclassification.rate_per_year=0"], ["reclassification.rate_per_year=0.2"], seed
    )
    assert (
        fast["resident_urbanization_pct"].iloc[-1] > none["resident_urbanization_pct"].iloc[-1] + 2
    )
    kept, converted = pair(
        ["reclassification.rate_per_year=0.2", "reclassification.hukou_conversion_share=0"],
        ["reclassification.rate_per_year=0.2", "reclassification.hukou_conversion_share=1"],
        seed,
    )
    assert (
        converted["hukou_urbanization_pct"].iloc[-1] > kept["hukou_urbanization_pct"].iloc[-1] + 1
    )


def test_reclassification_draws_down_a_finite_stock():
    """The flow shrinks as the peri-urban villages are used up; it never exceeds the stock."""
    from conftest import small_model

    model = small_model(
        ["n_households=8000", "end_year=2030", "seed=3", "reclassification.rate_per_year=0.3"]
    )
    hh = model.world.hh
    stock = float((hh.size * hh.weight.astype(float))[hh.peri_urban].sum())
    model.run_to_end()
    flow = model.timeseries()["reclassified_persons"].iloc[1:].to_numpy()
    assert flow[0] > 0
    # returning migrants and new households at home refill the stock a little, so not every
    # year is below the last, but the flow falls as the stock is used up
    assert flow[3:6].mean() < 0.5 * flow[0]
    assert flow[-3:].mean() < 0.25 * flow[0]
    assert flow.sum() < 1.1 * stock  # births and returns in the stock add a little, no more


def test_towns_take_in_villages_at_the_pace_migrants_arrive():
    """Linked to the cities' net arrivals, the flow keeps going while migrants arrive (in the
    demo they arrive for about five years, then the flows turn), and over the run it absorbs no
    more than the first stock and the persons the arrivals added (a tenth more at most: births
    and returns in the stock)."""
    from conftest import small_model

    base = ["n_households=8000", "end_year=2032", "seed=3", "reclassification.rate_per_year=0.3"]
    middle = {}
    for per_migrant in (0.0, 1.0):
        model = small_model(
            [*base, f"reclassification.peri_urban_persons_per_city_migrant={per_migrant}"]
        )
        hh = model.world.hh
        stock = float((hh.size * hh.weight.astype(float))[hh.peri_urban].sum())
        model.run_to_end()
        ts = model.timeseries().iloc[1:]
        middle[per_migrant] = ts["reclassified_persons"].iloc[2:6].mean()
        bound = stock + per_migrant * ts["net_city_arrivals_persons"].clip(lower=0).sum()
        assert ts["reclassified_persons"].sum() <= 1.1 * bound
    assert middle[1.0] > 2 * middle[0.0]


@pytest.mark.parametrize("seed", SEEDS)
def test_easier_permits_mean_more_coverage_and_fewer_children_left_behind(seed):
    slow, fast = pair(
        ["residence_permit.uptake_per_month=0.02"], ["residence_permit.uptake_per_month=0.5"], seed
    )
    assert (
        fast["residence_permit_coverage_pct"].iloc[-1]
        > slow["residence_permit_coverage_pct"].iloc[-1] + 20
    )
    assert fast["children_left_behind"].sum() < slow["children_left_behind"].sum()
    long_wait, no_wait = pair(
        ["residence_permit.months_required=36"], ["residence_permit.months_required=0"], seed
    )
    assert (
        no_wait["residence_permit_coverage_pct"].iloc[-1]
        > long_wait["residence_permit_coverage_pct"].iloc[-1]
    )


@pytest.mark.parametrize("seed", SEEDS[:1])
def test_temporary_relief_is_paid_to_the_jobless(seed):
    ts = run(["assistance.temporary_relief_cny=2000"], seed).timeseries
    assert ts["outlay_temporary_relief_cny"].iloc[1:].min() > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_collective_household_registration_lets_renters_settle(seed):
    closed, open_ = pair(
        [f"cities.{c}.settlement.community_collective_household=false" for c in CITIES], [], seed
    )
    assert open_["settled_persons"].sum() > 2 * closed["settled_persons"].sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_family_following_raises_the_hukou_rate(seed):
    alone, family = pair([f"cities.{c}.settlement.family_follows=false" for c in CITIES], [], seed)
    assert family["hukou_urbanization_pct"].iloc[-1] > alone["hukou_urbanization_pct"].iloc[-1] + 1
    assert family["children_left_behind"].sum() < alone["children_left_behind"].sum()


def test_job_growth_draws_people_to_town():
    # Every seed in the same direction; the size (about 1.4 points, 0.8-1.8 by seed) on average
    # over four seeds, since one seed's difference carries replicate noise of about 0.4 points.
    rises = []
    for seed in (0, 1, 2, 3):
        flat, growing = pair(
            [], [f"cities.{c}.formal_jobs_growth_pct_per_year=5" for c in CITIES], seed
        )
        end = "resident_urbanization_pct"
        rises.append(growing[end].iloc[-1] - flat[end].iloc[-1])
    assert min(rises) > 0
    assert np.mean(rises) > 1


def test_renters_who_can_carry_a_mortgage_buy_and_no_one_else():
    from model import SettlementModel, compose_config
    from model.home_purchase import RENTING, buy_homes
    from model.households import NOT_WAITING
    from model.housing import rent_scale

    cfg = compose_config(
        ["scenario=demo", "n_households=5000", "home_purchase.purchase_rate_per_year=1"]
    )
    w = SettlementModel(cfg).world
    hh = w.hh
    before = hh.tenure.copy()
    renting = np.isin(before, RENTING) & w.places.is_city[hh.location] & (hh.weight > 0)
    rent = w.places.rent_cny_per_month[hh.location] * rent_scale(w, np.arange(len(hh)))
    able = hh.income_cny_per_month >= np.float32(4.0) * rent
    buy_homes(w)
    bought = (hh.tenure == Tenure.OWNED) & (before != Tenure.OWNED)
    assert bought.any() and (renting & ~able).any()
    np.testing.assert_array_equal(bought, renting & able)  # rate 1 a year: all who can, at once
    assert (hh.waiting_since_month[bought] == NOT_WAITING).all()
    assert not hh.rental_subsidy[bought].any()


@pytest.mark.parametrize("seed", SEEDS)
def test_home_purchases_raise_migrant_ownership_and_shorten_the_rental_queues(seed):
    off, on = pair(["home_purchase.purchase_rate_per_year=0"], [], seed)
    assert (off["homes_bought"] == 0).all() and (on["homes_bought"].iloc[1:] > 0).all()
    assert on["migrant_homeowner_pct"].iloc[-1] > off["migrant_homeowner_pct"].iloc[-1] + 3
    assert on["native_private_renter_pct"].iloc[-1] < off["native_private_renter_pct"].iloc[-1]
    assert on["public_rental_waiting"].iloc[-1] < off["public_rental_waiting"].iloc[-1]


@pytest.mark.parametrize("seed", SEEDS)
def test_hiring_subsidies_put_the_hard_to_employ_in_formal_jobs_at_a_cost(seed):
    subsidy = ["employment_support.places_per_year=3000"]
    off, on = pair([], subsidy, seed)
    assert (off["subsidized_hires"] == 0).all() and (off["outlay_hiring_subsidy_cny"] == 0).all()
    assert on["subsidized_hires"].iloc[1:].mean() == pytest.approx(3000, rel=0.05)
    assert (on["outlay_hiring_subsidy_cny"].iloc[1:] > 0).all()
    assert (
        on["urban_without_formal_job_share"].iloc[-1]
        < off["urban_without_formal_job_share"].iloc[-1]
    )
    w = run(subsidy, seed).model.world
    hh = w.hh
    paid = hh.hiring_subsidy_months > 0
    assert paid.any() and (hh.employment[paid] == Employment.FORMAL).all()
    assert w.places.is_rural[hh.origin[paid]].all() and w.places.is_city[hh.location[paid]].all()
    assert hh.hiring_subsidy_months.max() <= 36


def poor_at_home(result) -> float:
    hh, places = result.model.world.hh, result.model.world.places
    poor = hh.poverty_registered & (hh.weight > 0)
    home = (hh.location == hh.origin) & places.is_rural[hh.location]
    return float(hh.weight[poor & home].sum() / hh.weight[poor].sum())


POSTS = ["employment_support.public_welfare_posts=20000"]


def test_public_welfare_posts_keep_the_poor_at_home():
    """The post is lost by leaving: more of the poor stay, and the resident rate is lower, on
    average over four seeds by at least a point of the poor. Not on every seed: the posts go to
    poor households at home, some of whom would have stayed anyway, and on seed 0 (since the
    grown children's age of leaving, 2026-12-04) the share at home does not move (-0.0002;
    +1.8 to +2.2 points on seeds 1-3). At 60,000 households: at 20,000 the paths of a pair
    drift apart by more than the effect (the cities' settling rates feed back on choices)."""
    size = ["n_households=60000"]
    gains, resident = [], []
    for seed in (0, 1, 2, 3):
        off, on = run(size, seed), run([*POSTS, *size], seed)
        gains.append(poor_at_home(on) - poor_at_home(off))
        end = "resident_urbanization_pct"
        resident.append(on.timeseries[end].iloc[-1] - off.timeseries[end].iloc[-1])
    assert np.mean(gains) > 0.01, gains
    assert np.mean(resident) < 0, resident


@pytest.mark.parametrize("seed", SEEDS)
def test_public_welfare_posts_go_to_the_poor_at_home(seed):
    off, on = run([], seed), run(POSTS, seed)
    assert (off.timeseries["outlay_public_welfare_posts_cny"] == 0).all()
    assert (on.timeseries["outlay_public_welfare_posts_cny"].iloc[1:] > 0).all()
    w = on.model.world
    hh, places = w.hh, w.places
    held = hh.public_welfare_post
    assert 0 < hh.weight[held].sum() <= 20000 * 1.0001
    assert (hh.income_cny_per_month[held] >= w.cny(800) - 1).all()
    # Who gets a vacant post: the poverty-registered at home, then dibao households at home.
    from model.employment_support import fill_public_welfare_posts

    hh.public_welfare_post[:] = False
    home = (hh.location == hh.origin) & places.is_rural[hh.location] & (hh.adults > 0)
    eligible = hh.weight[home & (hh.poverty_registered | hh.dibao)].sum()
    fill_public_welfare_posts(w)
    held = hh.public_welfare_post
    assert hh.weight[held].sum() == pytest.approx(min(20000, eligible), rel=0.01)
    assert (hh.poverty_registered[held] | hh.dibao[held]).all()
    assert ((hh.location[held] == hh.origin[held]) & places.is_rural[hh.location[held]]).all()
