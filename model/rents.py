"""Rents that feel crowding: a city's market rent rises with the people living there.

Each step a city's rent is its wage-indexed rent times (residents / residents at the start)
raised to ``rent_population_elasticity``. How much rents answer a larger population depends on
how fast housing supply follows: with a price elasticity of supply of 2.8-5.6 (35 Chinese
cities, 1998-2009; Wang, Chan and Xu 2012, Journal of Real Estate Research 34(3)) and a price
elasticity of demand near -1 (Chow and Niu 2015, Pacific Economic Review 20(1)), a 1 % larger
population raises rents by about 1 / (supply + demand elasticity) = 0.15-0.26 %; with Chow and
Niu's own supply elasticity of the whole stock (0.5) it would be about 0.6 %. The default is 0.2,
and the behaviour sets are fitted with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.world import World


def city_residents(w: World) -> np.ndarray:
    """Persons living at each place (all places; the caller picks the cities)."""
    return w.hh.persons_by_place(w.places.n)


def fix_reference_residents(w: World) -> None:
    """Record the residents of the start state, against which crowding is measured."""
    w.places.reference_residents[:] = city_residents(w)


def update_rents(w: World) -> None:
    """Phase: each city's rent is its wage-indexed rent times its crowding factor."""
    places = w.places
    e = w.cfg.economy.rent_population_elasticity
    places.rent_cny_per_month[:] = places.rent_base_cny_per_month
    if e == 0:
        return
    cities = places.city_places
    reference = places.reference_residents[cities]
    ratio = np.where(reference > 0, city_residents(w)[cities] / np.maximum(reference, 1e-12), 1.0)
    places.rent_cny_per_month[cities] = places.rent_base_cny_per_month[cities] * ratio**e
