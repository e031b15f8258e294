"""A run starting after its fit's first year begins with the peri-urban stock the fit's own
path had reached by then, not with the first year's share again."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import small_model
from model.world import World

LEVERS = [
    "n_households=20000",
    "reclassification.rate_per_year=0.2",
    "reclassification.peri_urban_share=0.05",
    "reclassification.peri_urban_renewal_per_year=0.03",
]


def peri_urban_share_at_home(w: World) -> float:
    """Peri-urban share of the village households at home near a town (by weight)."""
    hh, places = w.hh, w.places
    home = (hh.location == hh.origin) & places.is_rural[hh.location]
    home &= places.town_of[hh.location] >= 0
    weight = hh.weight.astype(np.float64)
    return float(weight[home & hh.peri_urban].sum() / weight[home].sum())


def test_a_later_start_carries_the_stock_forward_as_the_run_itself_does():
    model = small_model([*LEVERS, "seed=1"])
    first = model.world.year
    assert peri_urban_share_at_home(model.world) == pytest.approx(0.05, abs=0.01)
    for _ in range(4 * model.steps_per_year):
        model.step()
    reached = peri_urban_share_at_home(model.world)
    later = small_model(
        [
            *LEVERS,
            "seed=2",
            f"start_year={first + 4}",
            f"reclassification.peri_urban_share_year={first}",
        ]
    )
    carried = peri_urban_share_at_home(later.world)
    assert reached > 0.08  # renewal fills the stock towards 0.03 / (0.2 + 0.03) = 0.13
    assert carried == pytest.approx(reached, abs=0.01)
    same_year = small_model([*LEVERS, "seed=2", f"reclassification.peri_urban_share_year={first}"])
    assert peri_urban_share_at_home(same_year.world) == pytest.approx(0.05, abs=0.01)
