"""The start balance of the cities (model/city_balance.py): no city pulls ahead in year one."""

from __future__ import annotations

import numpy as np

from conftest import small_model
from model import city_balance, rents, run_scenario

# A capital made far too attractive by its configured amenity: the balance must undo the error.
LOPSIDED = ["n_households=8000", "cities.capital.amenity_cny_per_month=1500"]


# The balance covers the choices; towns also grow by absorbing villages and by births.
CHOICES_ONLY = ["reclassification.rate_per_year=0", "demography.enabled=false"]


def first_year_growth_pct(balance: bool) -> np.ndarray:
    flag = f"start.balance_cities={str(balance).lower()}"
    model = small_model([*LOPSIDED, *CHOICES_ONLY, flag])
    before = rents.city_residents(model.world)[model.world.places.city_places]
    for _ in range(model.steps_per_year):
        model.step()
    return 100 * (rents.city_residents(model.world)[model.world.places.city_places] / before - 1)


def test_a_balanced_start_needs_no_further_shift():
    model = small_model(LOPSIDED)
    shift = city_balance.balance_city_amenities(model.world)
    assert np.abs(shift).max() < 1.0  # CNY/month: the start the model keeps is already found


def test_the_balance_undoes_a_lopsided_constant():
    model = small_model(LOPSIDED)
    amenity = model.world.places.amenity_cny_per_month[model.world.places.city_places]
    assert amenity[0] < 1500 - 100  # the capital's constant came down
    assert np.all(amenity[1:] > 0)  # the others went up, keeping the region's urban inflow


def test_cities_grow_alike_in_the_first_year_when_balanced():
    balanced, raw = first_year_growth_pct(True), first_year_growth_pct(False)
    assert np.ptp(raw) > 20, raw  # the lopsided capital races ahead without the balance
    assert np.ptp(balanced) < 0.5 * np.ptp(raw), (balanced, raw)


def test_the_summary_names_each_citys_constant():
    result = run_scenario("demo", overrides=["n_households=2000", "end_year=2021"])
    constants = result.summary["city_constants_cny_per_month"]
    assert list(constants) == list(result.config.cities)
    assert constants["capital"] != 0.0  # set by the balance, not the configured 0
