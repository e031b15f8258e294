"""Year-end indicators: the urbanization rates, their gap, the stocks behind them, yearly flows.

Definitions (persons, real population):
- resident population: persons living in the region's places (rural areas and cities); children
  left behind live in their origin, so they count where they are, not where their parents are;
- registered population: persons holding the region's hukou, wherever they live (outside too);
- resident urbanization = urban residents / resident population;
- hukou urbanization = urban-hukou holders / registered population;
- gap = resident - hukou, in percentage points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.households import Employment, Tenure
from model.schooling import schooled_with_parents
from model.settlement import urban_hukou_persons

if TYPE_CHECKING:
    from model.world import World

# name -> meaning (with unit); the timeseries columns after ``year``, in this order.
INDICATORS: dict[str, str] = {
    "resident_urbanization_pct": "urban residents / resident population (%)",
    "hukou_urbanization_pct": "urban-hukou holders / registered population (%)",
    "gap_pp": "resident minus hukou urbanization (percentage points)",
    "resident_population": "persons living in the region",
    "urban_resident_population": "persons living in the region's cities and towns",
    "registered_population": "persons holding the region's hukou, wherever they live",
    "urban_hukou_population": "persons holding an urban hukou of the region",
    "non_hukou_urban_residents": "urban residents without an urban hukou of the region",
    "persons_outside_region": "registered persons living outside the region",
    "settled_persons": "persons who took an urban hukou in the year",
    "children_left_behind": "school-age children living apart from migrant parents",
    "migrant_children_in_school": "children holding migrant school seats in cities",
    "migrant_school_seats": "migrant school seats in cities",
    "public_rental_units": "public rental units in cities",
    "public_rental_occupied": "public rental units occupied",
    "public_rental_waiting": "households on public rental waiting lists",
    "rental_subsidy_households": "households receiving the rental subsidy",
    "residence_permit_households": "households holding a residence permit",
    "homesteads_withdrawn": "homesteads withdrawn for compensation in the year",
    "urban_labor": "workers living in cities",
    "urban_share": "urban labour / labour force (incl. outside)",
    "urban_unemployment_rate": "urban workers without a formal job / urban labour",
    "urban_jobless_rate": "urban workers with no work at all / urban labour",
    "fiscal_outlay_cny": "rental subsidy + public rental + school places + homestead compensation",
}


def compute(w: World) -> dict[str, float]:
    """All indicators for the current state and the flows of the year so far."""
    hh, places, flows = w.hh, w.places, w.flows.totals
    weight = hh.weight.astype(np.float64)
    in_city = places.is_city[hh.location]
    outside = places.is_outside[hh.location]
    with_parents = schooled_with_parents(w)
    children_away = np.where(with_parents, 0, hh.children).astype(np.float64)
    present = (hh.size - children_away) * weight  # persons where the household lives

    urban_residents = present[in_city].sum()
    resident_population = present[~outside].sum() + (children_away * weight).sum()
    registered = (hh.size * weight).sum()
    hukou_persons = urban_hukou_persons(w).astype(np.float64)
    urban_hukou = (hukou_persons * weight).sum()
    present_hukou = np.where(
        hh.family_followed, present, np.minimum(hukou_persons * weight, present)
    )
    hukou_here = hh.hukou_urban & in_city
    non_hukou_urban = urban_residents - present_hukou[hukou_here].sum()

    workers = hh.adults * weight
    urban_labor = workers[in_city].sum()
    no_formal = in_city & (hh.employment != Employment.FORMAL)
    jobless = in_city & (hh.employment == Employment.UNEMPLOYED)
    cities = places.is_city
    resident_pct = 100.0 * urban_residents / max(resident_population, 1e-12)
    hukou_pct = 100.0 * urban_hukou / max(registered, 1e-12)
    outlay = sum(v for k, v in flows.items() if k.startswith("outlay_"))
    return {
        "resident_urbanization_pct": resident_pct,
        "hukou_urbanization_pct": hukou_pct,
        "gap_pp": resident_pct - hukou_pct,
        "resident_population": resident_population,
        "urban_resident_population": urban_residents,
        "registered_population": registered,
        "urban_hukou_population": urban_hukou,
        "non_hukou_urban_residents": non_hukou_urban,
        "persons_outside_region": present[outside].sum(),
        "settled_persons": flows.get("settled_persons", 0.0),
        "children_left_behind": (children_away * weight).sum(),
        "migrant_children_in_school": places.schooling.used[cities].sum(),
        "migrant_school_seats": places.schooling.seats[cities].sum(),
        "public_rental_units": places.housing.units[cities].sum(),
        "public_rental_occupied": weight[hh.tenure == Tenure.PUBLIC_RENTAL].sum(),
        "public_rental_waiting": places.housing.waiting[cities].sum(),
        "rental_subsidy_households": weight[hh.rental_subsidy].sum(),
        "residence_permit_households": weight[hh.has_permit].sum(),
        "homesteads_withdrawn": flows.get("homesteads_withdrawn", 0.0),
        "urban_labor": urban_labor,
        "urban_share": urban_labor / max(workers.sum(), 1e-12),
        "urban_unemployment_rate": workers[no_formal].sum() / max(urban_labor, 1e-12),
        "urban_jobless_rate": workers[jobless].sum() / max(urban_labor, 1e-12),
        "fiscal_outlay_cny": outlay,
    }
