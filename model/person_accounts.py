"""Who counts where: every household's persons split into the categories the statistics count.

The resident population counts people where they live, children left behind in their origin;
the registered population counts hukou holders. A household's urban hukou covers the family
where the family followed the settler, the settler alone otherwise (:mod:`model.settlement`).
Children without a place at school where the parents live stay in the origin, and their younger
siblings with them (:func:`model.schooling.schooled_with_parents`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit
from model.households import persons
from model.permits import registered_in_region
from model.schooling import schooled_with_parents
from model.settlement import urban_hukou_persons

if TYPE_CHECKING:
    from model.world import World


def person_accounts(w: World) -> PersonAccounts:
    """Split every household's persons into the categories the statistics count."""
    hh, places = w.hh, w.places
    n = len(hh)
    acc = PersonAccounts(*(np.empty(n, dtype=np.float32) for _ in range(7)))
    _split_persons(
        hh.weight,
        hh.adults,
        hh.children,
        hh.elderly,
        hh.preschool,
        hh.location,
        hh.origin,
        hh.hukou_place,
        hh.hukou_urban,
        hh.family_followed,
        hh.school_seat,
        hh.private_school,
        places.is_city,
        places.is_outside,
        acc.resident,
        acc.urban_resident,
        acc.registered,
        acc.urban_hukou,
        acc.non_hukou_urban,
        acc.children_away,
        acc.outside,
    )
    return acc


@jit
def _split_persons(
    weight: np.ndarray,
    adults: np.ndarray,
    children: np.ndarray,
    elderly: np.ndarray,
    preschool: np.ndarray,
    location: np.ndarray,
    origin: np.ndarray,
    hukou_place: np.ndarray,
    hukou_urban: np.ndarray,
    family_followed: np.ndarray,
    school_seat: np.ndarray,
    private_school: np.ndarray,
    is_city: np.ndarray,
    is_outside: np.ndarray,
    resident: np.ndarray,
    urban_resident: np.ndarray,
    registered: np.ndarray,
    urban_hukou: np.ndarray,
    non_hukou_urban: np.ndarray,
    children_away: np.ndarray,
    outside: np.ndarray,
) -> None:
    """:func:`person_accounts` row by row (float32, as the whole-array form computed it)."""
    for i in range(weight.size):
        at = location[i]
        size = persons(adults[i], children[i], elderly[i], preschool[i])
        schooled = schooled_with_parents(
            at,
            origin[i],
            hukou_urban[i],
            family_followed[i],
            hukou_place[i],
            school_seat[i],
            private_school[i],
        )
        children_total = 0 if schooled else np.int16(children[i]) + preschool[i]
        away = np.float32(children_total) * weight[i]
        present = np.float32(size) * weight[i] - away  # persons where the household lives
        urban = np.float32(urban_hukou_persons(hukou_urban[i], family_followed[i], size))
        urban_hukou[i] = urban * weight[i]
        hukou_present = present if family_followed[i] else np.minimum(urban_hukou[i], present)
        urban_resident[i] = present * np.float32(is_city[at])
        registered[i] = (
            np.float32(size)
            * weight[i]
            * np.float32(registered_in_region(hukou_place[i], is_outside))
        )
        resident[i] = present * np.float32(not is_outside[at]) + away * np.float32(
            not is_outside[origin[i]]
        )
        holds_here = np.float32(hukou_urban[i] and is_city[at])
        non_hukou_urban[i] = urban_resident[i] - hukou_present * holds_here
        children_away[i] = away
        outside[i] = present * np.float32(is_outside[at])


@dataclass
class PersonAccounts:
    """Real persons per household in each statistical category (float32 arrays: a large run
    keeps seven of them at once; totals are summed in float64)."""

    resident: np.ndarray  # counted in the region's resident population (incl. children behind)
    urban_resident: np.ndarray  # living in a city or town of the region
    registered: np.ndarray  # holding the region's hukou
    urban_hukou: np.ndarray  # holding an urban hukou of the region
    non_hukou_urban: np.ndarray  # urban residents without an urban hukou of the region
    children_away: np.ndarray  # school-age children living apart from the parents
    outside: np.ndarray  # registered persons living outside the region
