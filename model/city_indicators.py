"""The per-city table: each city's residents, services, jobs and fiscal links at each year-end.

Persons are counted as in :mod:`model.indicators` (children left behind count where they live).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.compiled import sum_by_place
from model.households import Tenure
from model.person_accounts import PersonAccounts, person_accounts

if TYPE_CHECKING:
    from model.world import World

# Counts of persons, households, units and seats: whole numbers in the files people read.
CITY_COUNT_COLUMNS = (
    "residents",
    "non_hukou_residents",
    "settled_persons",
    "migrant_school_seats",
    "migrant_children_in_school",
    "public_rental_units",
    "public_rental_occupied",
    "public_rental_waiting",
    "residence_permit_households",
    "labor",
    "formal_jobs",
    "formal_jobs_filled",
)
CITY_COLUMNS: dict[str, str] = {
    "residents": "persons living in the city (children behind excluded)",
    "non_hukou_residents": "residents without an urban hukou of the region",
    "hukou_share_of_residents_pct": "residents holding an urban hukou of the region (%)",
    "settled_persons": "persons who took the city's hukou in the year",
    "migrant_school_seats": "school seats open to migrant children",
    "migrant_children_in_school": "seats occupied",
    "public_rental_units": "public rental units",
    "public_rental_occupied": "units occupied",
    "public_rental_waiting": "eligible renters in need not yet housed (unmet need)",
    "residence_permit_households": "households holding a residence permit",
    "labor": "workers living in the city",
    "formal_jobs": "formal jobs",
    "formal_jobs_filled": "formal jobs held",
    "without_formal_job_share": "workers without a formal job / workers (informal work included)",
    "transfers_received_cny": "transfers received in the year for persons settled here",
    "construction_land_quota_m2": "construction-land quota earned in the year",
}


def by_city(w: World, acc: PersonAccounts | None = None) -> list[dict[str, float | str | int]]:
    """One row per city: the city's stocks and the year's flows so far (``acc`` as in compute)."""
    hh, places = w.hh, w.places
    acc = person_accounts(w) if acc is None else acc
    n = places.n

    def total(values: np.ndarray) -> np.ndarray:
        return sum_by_place(hh.location, values, n)

    residents = total(acc.urban_resident)
    non_hukou = total(acc.non_hukou_urban)
    permits = w.count_by_place(hh.has_permit)
    occupied = w.count_by_place(hh.tenure == Tenure.PUBLIC_RENTAL)
    zeros = np.zeros(n)
    settled = w.flows.by_place.get("settled_persons", zeros)
    transfers = w.flows.by_place.get("transfers_received_cny", zeros)
    land_quota = w.flows.by_place.get("construction_land_quota_m2", zeros)
    labour = places.labour
    rows = []
    for c in places.city_places:
        labor = labour.labor[c]
        rows.append(
            {
                "year": w.year,
                "city": places.names[c],
                "residents": residents[c],
                "non_hukou_residents": non_hukou[c],
                "hukou_share_of_residents_pct": (
                    100 * (1 - non_hukou[c] / residents[c]) if residents[c] > 0 else 0.0
                ),
                "settled_persons": settled[c],
                "migrant_school_seats": places.schooling.seats[c],
                "migrant_children_in_school": places.schooling.used[c],
                "public_rental_units": places.housing.units[c],
                "public_rental_occupied": occupied[c],
                "public_rental_waiting": places.housing.waiting[c],
                "residence_permit_households": permits[c],
                "labor": labor,
                "formal_jobs": labour.formal_jobs[c],
                "formal_jobs_filled": labour.formal_filled[c],
                "without_formal_job_share": (
                    1 - labour.formal_filled[c] / labor if labor > 0 else 0.0
                ),
                "transfers_received_cny": transfers[c],
                "construction_land_quota_m2": land_quota[c],
            }
        )
    return rows
