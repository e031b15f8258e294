"""Levers for the poor: the dibao paying the income gap, able-bodied dibao households registered
as poor, full medical cover for the registered poor, and public rental where the registered poor
work (seeds 003 一(三), 二(一)1, 二(二)3; 000 (十二))."""

from __future__ import annotations

import numpy as np

from conftest import small_model
from model import dibao, run_scenario
from model.households import Tenure
from model.housing_costs import housing_costs_cny_per_month
from model.insurance import health_cover_value_cny_per_month

BASE = ["n_households=8000", "end_year=2023"]
CITIES = ("capital", "prefecture", "county_town")


def every_city(key: str, value: object) -> list[str]:
    return [f"cities.{c}.{key}={value}" for c in CITIES]


def test_the_gap_rule_pays_the_poorest_more_and_never_less_than_the_share():
    model = small_model(["n_households=2000", "assistance.pays_income_gap=true"])
    w = model.world
    city = np.full(3, w.places.city_places[0])
    standard = float(dibao.standard_cny_per_person_month(w, city[:1])[0])
    income = np.float32([0.0, 0.4, 0.95]) * np.float32(standard)
    benefit = dibao.benefit_per_person(w, city, income)
    share = w.cfg.assistance.urban_top_up_share
    assert share > 0.05
    assert benefit[0] == standard  # no income: the whole line
    assert benefit[1] == max(standard - float(income[1]), share * standard)
    assert benefit[2] == share * standard  # a small gap: the floor


def test_the_gap_rule_changes_the_outlay_not_who_is_on_the_dibao():
    def run(gap: bool):
        ts = run_scenario(
            "demo", overrides=[*BASE, f"assistance.pays_income_gap={str(gap).lower()}"]
        ).timeseries
        return ts["outlay_dibao_cny"].iloc[1], ts["dibao_recipients"].iloc[1]

    (flat_outlay, flat_n), (gap_outlay, gap_n) = run(False), run(True)
    assert gap_outlay > flat_outlay  # the gap exceeds the share for the poorest recipients
    assert abs(gap_n - flat_n) < 0.1 * flat_n  # same line, same claimants (choices aside)


def test_able_bodied_dibao_households_become_registered_poor():
    def registered(flag: bool) -> float:
        model = small_model(
            [*BASE, f"assistance.able_bodied_dibao_registered_poor={str(flag).lower()}"]
        )
        model.run_to_end()
        hh = model.world.hh
        return float(hh.weight[hh.poverty_registered].sum())

    assert registered(True) > registered(False)


def test_full_cover_gives_the_registered_poor_the_whole_health_value():
    model = small_model(
        [
            "n_households=4000",
            "insurance.registered_poor_full_cover=true",
            "insurance.medical_without_hukou=false",
        ]
    )
    w = model.world
    poor = np.flatnonzero(w.hh.poverty_registered & w.places.is_rural[w.hh.location])
    cover = health_cover_value_cny_per_month(w, poor, w.places.city_places)
    assert np.allclose(cover, w.cny(w.cfg.behavior.health_cover_value_cny_per_month))
    model.step()  # within the year: the flows are not yet reset
    assert model.world.flows.totals["outlay_medical_premiums_cny"] > 0


def test_the_registered_poor_may_queue_for_public_rental_where_they_work():
    """000 (十二): under a hukou basis, the flag lets registered poor migrants in, no one else."""

    def tenants(flag: bool) -> tuple[float, float]:
        model = small_model(
            [
                *BASE,
                *every_city("housing.public_rental_basis", "hukou"),
                *every_city("housing.poverty_registered_may_apply", str(flag).lower()),
            ]
        )
        model.run_to_end()
        hh = model.world.hh
        tenant = hh.tenure == Tenure.PUBLIC_RENTAL
        local = hh.hukou_urban & (hh.hukou_place == hh.location)
        poor = float(hh.weight[tenant & ~local & hh.poverty_registered].sum())
        others = float(hh.weight[tenant & ~local & ~hh.poverty_registered].sum())
        return poor, others

    (poor_off, others_off), (poor_on, others_on) = tenants(False), tenants(True)
    assert poor_off == 0 and others_off == 0
    assert poor_on > 0 and others_on == 0


def test_the_registered_poor_expect_public_rental_before_settling():
    def expected_cost(flag: bool) -> float:
        model = small_model(
            [
                "n_households=4000",
                *every_city("housing.public_rental_basis", "hukou"),
                *every_city("housing.poverty_registered_may_apply", str(flag).lower()),
            ]
        )
        w = model.world
        poor = np.flatnonzero(w.hh.poverty_registered & w.places.is_rural[w.hh.location])
        return float(housing_costs_cny_per_month(w, poor, w.places.city_places)[0].mean())

    assert expected_cost(True) < expected_cost(False)
