"""The peri-urban stock grows with the migrants the cities take in (人地挂钩), and only then."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small_model
from model import reclassification
from model.reclassification import NET_CITY_ARRIVALS, peri_urban_share_now


def stock_persons(w) -> float:
    hh = w.hh
    idx = reclassification._villages_near_towns(w, hh.peri_urban)
    return float((hh.weight[idx] * hh.size_of(idx)).sum(dtype=np.float64))


@pytest.mark.parametrize("arrivals", [0.0, -5e4, 2e5])
def test_the_stock_gains_the_set_persons_per_net_arrival_in_the_cities(arrivals):
    model = small_model(
        [
            "n_households=20000",
            "seed=4",
            "reclassification.peri_urban_share=0.05",
            "reclassification.peri_urban_persons_per_city_migrant=1.5",
        ]
    )
    w = model.world
    before = stock_persons(w)
    w.flows.reset()
    w.flows.add(NET_CITY_ARRIVALS, arrivals)
    reclassification._extend_peri_urban_stock(w)
    gained = stock_persons(w) - before
    if arrivals <= 0:  # people leaving the cities do not shrink the towns' edge
        assert gained == 0.0
    else:
        assert gained == pytest.approx(1.5 * arrivals, rel=0.1)


def test_without_migration_into_cities_the_stock_is_used_up_once():
    """The arrivals are booked where households move (decisions.relocate) and read at the
    year's last step: with the link off, the stock is only drawn down."""
    base = ["n_households=8000", "end_year=2024", "seed=3", "reclassification.rate_per_year=0.3"]
    stocks = {}
    for per_migrant in (0.0, 1.0):
        model = small_model(
            [*base, f"reclassification.peri_urban_persons_per_city_migrant={per_migrant}"]
        )
        start = stock_persons(model.world)
        model.run_to_end()
        ts = model.timeseries()
        assert ts["net_city_arrivals_persons"].iloc[1:].gt(0).all()
        stocks[per_migrant] = (start, stock_persons(model.world))
    assert stocks[0.0][1] < 0.25 * stocks[0.0][0]  # 0.7 ** 5 = 0.17 left, and a few returns
    assert stocks[1.0][1] > 2 * stocks[0.0][1]
    assert 0 < peri_urban_share_now(model.world) < 1


def test_the_stock_gains_the_years_booked_arrivals_once_at_the_year_end():
    """Booking (decisions.relocate) and timing together: from an empty stock with absorption
    all but off, the stock at the first year-end is the persons per migrant times the year's
    net arrivals, added once (on every step it would be several times that)."""
    model = small_model(
        [
            "n_households=20000",
            "seed=5",
            "reclassification.rate_per_year=1e-9",
            "reclassification.peri_urban_share=0",
            "reclassification.peri_urban_persons_per_city_migrant=0.5",
        ]
    )
    assert stock_persons(model.world) == 0.0
    for step in range(model.steps_per_year):
        model.step()
        if step < model.steps_per_year - 1:
            assert stock_persons(model.world) == 0.0  # nothing before the year's last step
    arrivals = model.timeseries()["net_city_arrivals_persons"].iloc[-1]
    assert arrivals > 0
    assert stock_persons(model.world) == pytest.approx(0.5 * arrivals, rel=0.1)
