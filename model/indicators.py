"""Year-end indicators: the urbanization rates, their gap, the stocks behind them, yearly flows.

Definitions (persons, real population):
- resident population: persons living in the region's places (rural areas and cities); children
  left behind live in their origin, so they count where they are, not where their parents are;
  households from outside the region count as residents;
- registered population: persons holding the region's hukou, wherever they live (outside too);
  households from outside the region are not registered until they settle;
- resident urbanization = urban residents / resident population;
- hukou urbanization = urban-hukou holders / registered population;
- gap = resident - hukou, in percentage points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model import dibao
from model.households import Employment, Tenure
from model.labour import household_wage
from model.person_accounts import PersonAccounts, person_accounts
from model.settling_gain import settling_willingness_pct

if TYPE_CHECKING:
    from model.places import PlaceTable
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
    "children_left_behind": "children (0-14) living apart from migrant parents",
    "migrant_children_in_school": "children holding migrant school seats in cities",
    "migrant_school_seats": "migrant school seats in cities",
    "migrant_children_in_private_school": "migrant children in private schools in cities",
    "migrant_children_public_school_pct": "migrant children living with their parents in cities "
    "who attend public schools (%)",
    "public_rental_units": "public rental units in cities",
    "public_rental_occupied": "public rental units occupied",
    "public_rental_waiting": "households queuing for public rental: every eligible private "
    "renter under the income ceiling not yet housed (unmet need, not an application list)",
    "public_rental_leavers": "public rental tenants who left at the end of a lease in the year",
    "public_rental_units_built": "public rental units added in the year (plan and fiscal links; "
    "in the start year, those a compared policy adds)",
    "school_seats_built": "migrant school seats added in the year (plan and fiscal links; in the "
    "start year, those a compared policy adds)",
    "rental_subsidy_households": "households receiving the rental subsidy",
    "residence_permit_households": "households holding a residence permit",
    "homesteads_withdrawn": "homesteads withdrawn for compensation in the year",
    "collective_shares_withdrawn": "collective-income entitlements withdrawn for compensation in "
    "the year (households)",
    "returns_to_origin": "households returning to their village in the year",
    "returnees_settled_at_origin": "returning households that took an urban hukou of their "
    "area's town in the year (002 (六))",
    "hukou_transfers_in_region": "urban-hukou households whose hukou followed them to another "
    "city of the region in the year (002 (六))",
    "residence_permit_coverage_pct": "non-hukou city households holding a residence permit (%)",
    "insured_city_migrant_households": "rural-hukou city households with insurance months",
    "trainees": "workers trained in the year",
    "returnee_loans": "returnee entrepreneurship loans made in the year (households)",
    "city_business_loans": "guaranteed start-up loans made to migrant households in cities in the "
    "year",
    "transfers_received_cny": "transfers received for settled persons in the year",
    "construction_land_quota_m2": "construction-land quota earned in the year (settlement, "
    "reclaimed homesteads)",
    "homestead_reclamation_quota_m2": "quota from reclaimed homesteads in the year",
    "births": "births in the year",
    "deaths": "deaths in the year",
    "children_reaching_school_age": "children reaching school age in the year",
    "households_formed": "households formed by grown children leaving home in the year",
    "homes_bought": "households in cities that bought a home in the year",
    "subsidized_hires": "hard-to-employ workers hired with an employer's subsidy in the year",
    "persons_leaving_households": "orphans leaving a household that died out (to relatives)",
    "reclassified_persons": "persons in villages reclassified as urban in the year",
    "net_city_arrivals_persons": "persons moving into the region's cities in the year, less "
    "those moving out (villages and outside the region)",
    "households": "real households in the region or of it",
    "persons_per_household": "mean household size (persons)",
    "children_share_pct": "residents aged 0-14 / residents (%)",
    "elderly_share_pct": "residents aged 60+ / residents (%)",
    "rural_elderly_share_pct": "rural residents aged 60+ / rural residents (%)",
    "migrant_worker_mean_age": "mean age of the working members of migrant households (years)",
    "migrant_workers_over_50_pct": "working members of migrant households aged over 50 (%)",
    "dibao_recipients": "persons in households receiving the dibao",
    "low_income_incidence_pct": "residents with income per person below the local dibao line (%)",
    "dibao_standard_cny_per_person_month": "urban dibao standard",
    "rural_labor_transfer_employment": "rural-origin workers still holding a rural hukou "
    "employed away from their village (in a city or outside the region; local off-farm work in "
    "the village is not modelled)",
    "migrant_workers_in_cities": "workers of rural-hukou households from the region's villages "
    "living in its cities",
    "settling_willingness_pct": "share of rural-hukou households living in a city that would "
    "take its hukou if eligible (%; the CMDS question)",
    "migrant_monthly_income_cny": "mean monthly wage of employed migrant workers in cities",
    "migrant_homeowner_pct": "rural-hukou migrant households in cities owning their home (%)",
    "native_private_renter_pct": "urban-hukou households in cities renting privately (%)",
    "urban_labor": "workers living in cities",
    "urban_labor_share": "urban labour / labour force (incl. outside)",
    "urban_without_formal_job_share": "urban workers without a formal job / urban labour (the "
    "unemployment of the Harris-Todaro model: informal work included; see urban_jobless_rate)",
    "urban_jobless_rate": "urban workers with no work at all / urban labour",
    "fiscal_outlay_cny": "all outlays in the year (the sum of the outlay_ columns)",
}
# Outlays by item: each lever books its own ``outlay_<item>_cny`` flow.
OUTLAY_ITEMS: dict[str, str] = {
    "outlay_rental_subsidy_cny": "rental subsidies paid",
    "outlay_public_rental_cny": "cost of occupied public rental units",
    "outlay_school_places_cny": "cost of occupied migrant school places",
    "outlay_homestead_compensation_cny": "compensation for withdrawn homesteads",
    "outlay_collective_income_compensation_cny": "compensation for withdrawn collective-income "
    "entitlements",
    "outlay_dibao_cny": "dibao benefits",
    "outlay_temporary_relief_cny": "temporary relief",
    "outlay_training_cny": "training places",
    "outlay_hiring_subsidy_cny": "employers' social insurance paid for subsidized hires",
    "outlay_public_welfare_posts_cny": "pay of public-welfare posts in villages",
    "outlay_loan_interest_cny": "interest subsidies on guaranteed loans (returnee and city)",
    "outlay_pension_premiums_cny": "resident pension premiums paid for the poor",
    "outlay_medical_premiums_cny": "resident medical insurance premiums paid for the registered "
    "poor",
    "outlay_capacity_construction_cny": "public rental units and school seats built",
}
INDICATORS.update(OUTLAY_ITEMS)


def total(values: np.ndarray) -> float:
    """Sum of float32 per-household values, accumulated in float64."""
    return float(values.sum(dtype=np.float64))


def urbanization_rates(
    resident: float, urban_resident: float, registered: float, urban_hukou: float
) -> tuple[float, float]:
    """(resident rate, hukou rate) in percent from the four population totals."""
    return (
        100.0 * urban_resident / max(resident, 1e-12),
        100.0 * urban_hukou / max(registered, 1e-12),
    )


def year_to_date_outlay_cny(w: World) -> float:
    """All outlays booked so far in the current calendar year (the ``outlay_`` flows)."""
    return sum(v for k, v in w.flows.totals.items() if k.startswith("outlay_"))


def compute(w: World, acc: PersonAccounts | None = None) -> dict[str, float]:
    """All indicators for the current state and the flows of the year so far.

    ``acc``: the state's person accounts, if already computed.
    """
    hh, places, flows = w.hh, w.places, w.flows.totals
    weight = hh.weight
    in_city = places.is_city[hh.location]
    acc = person_accounts(w) if acc is None else acc
    # The two with the largest temporaries first, before this function's own: a large run's
    # memory peaks at a year-end.
    ages = age_structure(w, acc)
    low_income_pct = low_income_incidence_pct(w)
    resident_population = total(acc.resident)
    urban_residents = total(acc.urban_resident)
    registered = total(acc.registered)
    urban_hukou = total(acc.urban_hukou)
    resident_pct, hukou_pct = urbanization_rates(
        resident_population, urban_residents, registered, urban_hukou
    )
    workers = hh.adults * weight
    urban_labor = total(workers[in_city])
    no_formal = in_city & (hh.employment != Employment.FORMAL)
    jobless = in_city & (hh.employment == Employment.UNEMPLOYED)
    cities = places.is_city
    non_hukou_city = in_city & ~hh.hukou_urban
    migrant_city = non_hukou_city & places.is_rural[hh.origin]
    outlay = year_to_date_outlay_cny(w)
    return {
        "resident_urbanization_pct": resident_pct,
        "hukou_urbanization_pct": hukou_pct,
        "gap_pp": resident_pct - hukou_pct,
        "resident_population": resident_population,
        "urban_resident_population": urban_residents,
        "registered_population": registered,
        "urban_hukou_population": urban_hukou,
        "non_hukou_urban_residents": total(acc.non_hukou_urban),
        "persons_outside_region": total(acc.outside),
        "settled_persons": flows.get("settled_persons", 0.0),
        "children_left_behind": total(acc.children_away),
        "migrant_children_in_school": places.schooling.used[cities].sum(),
        "migrant_school_seats": places.schooling.seats[cities].sum(),
        "migrant_children_in_private_school": places.schooling.private_used[cities].sum(),
        "migrant_children_public_school_pct": public_school_pct(places),
        "public_rental_units": places.housing.units[cities].sum(),
        "public_rental_occupied": total(weight[hh.tenure == Tenure.PUBLIC_RENTAL]),
        "public_rental_waiting": places.housing.waiting[cities].sum(),
        "public_rental_leavers": flows.get("public_rental_leavers", 0.0),
        "public_rental_units_built": flows.get("public_rental_units_built", 0.0),
        "school_seats_built": flows.get("school_seats_built", 0.0),
        "rental_subsidy_households": total(weight[hh.rental_subsidy]),
        "residence_permit_households": total(weight[hh.has_permit]),
        "homesteads_withdrawn": flows.get("homesteads_withdrawn", 0.0),
        "collective_shares_withdrawn": flows.get("collective_shares_withdrawn", 0.0),
        "returns_to_origin": flows.get("returns_to_origin", 0.0),
        "residence_permit_coverage_pct": 100.0
        * total(weight[non_hukou_city & hh.has_permit])
        / max(total(weight[non_hukou_city]), 1e-12),
        "insured_city_migrant_households": total(
            weight[non_hukou_city & (hh.insurance_months > 0)]
        ),
        **{
            name: flows.get(name, 0.0)
            for name in (
                "trainees",
                "returnee_loans",
                "city_business_loans",
                "returnees_settled_at_origin",
                "hukou_transfers_in_region",
                "transfers_received_cny",
                "construction_land_quota_m2",
                "homestead_reclamation_quota_m2",
                "births",
                "deaths",
                "children_reaching_school_age",
                "households_formed",
                "homes_bought",
                "subsidized_hires",
                "persons_leaving_households",
                "reclassified_persons",
                "net_city_arrivals_persons",
            )
        },
        **ages,
        **migrant_worker_ages(w, migrant_city),
        "dibao_recipients": total((hh.size * weight)[hh.dibao]),
        "low_income_incidence_pct": low_income_pct,
        "dibao_standard_cny_per_person_month": dibao.current_standards(w)[0],
        "rural_labor_transfer_employment": total(
            workers[
                places.is_rural[hh.origin]
                & ~hh.hukou_urban  # a settled worker is no longer a migrant worker (农民工)
                & ~places.is_rural[hh.location]
                & ((hh.employment == Employment.FORMAL) | (hh.employment == Employment.INFORMAL))
            ]
        ),
        "migrant_workers_in_cities": total(workers[migrant_city]),
        "settling_willingness_pct": settling_willingness_pct(w, np.flatnonzero(migrant_city)),
        "migrant_monthly_income_cny": migrant_income(w, migrant_city),
        "migrant_homeowner_pct": _share_pct(weight, migrant_city, hh.tenure == Tenure.OWNED),
        "native_private_renter_pct": _share_pct(
            weight, in_city & hh.hukou_urban, hh.tenure == Tenure.PRIVATE_RENTAL
        ),
        "urban_labor": urban_labor,
        "urban_labor_share": urban_labor / max(total(workers), 1e-12),
        "urban_without_formal_job_share": total(workers[no_formal]) / max(urban_labor, 1e-12),
        "urban_jobless_rate": total(workers[jobless]) / max(urban_labor, 1e-12),
        "fiscal_outlay_cny": outlay,
        **{item: flows.get(item, 0.0) for item in OUTLAY_ITEMS},
    }


def _share_pct(weight: np.ndarray, among: np.ndarray, having: np.ndarray) -> float:
    """Households ``having`` a trait among those ``among`` (%, by weight)."""
    return 100.0 * total(weight[among & having]) / max(total(weight[among]), 1e-12)


def age_structure(w: World, acc: PersonAccounts) -> dict[str, float]:
    """Households, their mean size and the young and old shares of the resident population.

    Children living apart from their parents count where they live: in the origin village.
    """
    hh, places = w.hh, w.places
    weight = hh.weight
    # Boolean masks, not index arrays, each freed once used: a large run's memory peaks at a
    # year-end, and a mask selects the same rows in the same order at one byte a row, not eight.
    in_region = ~places.is_outside[hh.location]
    children = total(
        hh.children_total[in_region] * weight[in_region] - acc.children_away[in_region]
    )
    elderly = np.zeros(len(hh), dtype=np.float32)
    elderly[in_region] = hh.elderly[in_region] * weight[in_region]
    del in_region
    rural = places.is_rural[hh.location]
    away_in_region = acc.children_away * ~places.is_outside[hh.origin]
    children += total(away_in_region)
    rural_persons = total(acc.resident[rural]) + total(away_in_region[~rural])
    del away_in_region
    residents = max(total(acc.resident), 1e-12)
    households = total(weight)
    return {
        "households": households,
        "persons_per_household": total(hh.size * weight) / max(households, 1e-12),
        "children_share_pct": 100.0 * children / residents,
        "elderly_share_pct": 100.0 * total(elderly) / residents,
        "rural_elderly_share_pct": 100.0 * total(elderly[rural]) / max(rural_persons, 1e-12),
    }


def migrant_worker_ages(w: World, migrant_city: np.ndarray) -> dict[str, float]:
    """Mean age and share over 50 of the working members of migrant households in cities."""
    hh = w.hh
    gap = np.float32(w.cfg.demography.generation_gap_years)
    idx = migrant_city  # a mask: see age_structure
    weight = hh.weight[idx].astype(np.float64)
    age = hh.head_age_years[idx]
    heads = np.where(age < 60, hh.couple[idx], 0) * weight
    grown_age = np.maximum(age - gap, 15)
    grown = hh.grown_children[idx] * weight
    workers = heads.sum() + grown.sum()
    if workers <= 0:
        return {"migrant_worker_mean_age": 0.0, "migrant_workers_over_50_pct": 0.0}
    mean_age = ((heads * age).sum() + (grown * grown_age).sum()) / workers
    over_50 = heads[age > 50].sum() + grown[grown_age > 50].sum()
    return {
        "migrant_worker_mean_age": float(mean_age),
        "migrant_workers_over_50_pct": 100.0 * over_50 / workers,
    }


def migrant_income(w: World, migrant_city: np.ndarray) -> float:
    """Mean monthly wage per employed worker among migrant households in cities."""
    hh = w.hh
    employed = migrant_city & (  # a mask: see age_structure
        (hh.employment == Employment.FORMAL) | (hh.employment == Employment.INFORMAL)
    )
    workers = hh.adults[employed] * hh.weight[employed].astype(np.float64)
    if workers.sum() <= 0:
        return 0.0
    wage = household_wage(w, employed)
    return float((wage * workers).sum() / workers.sum())


def public_school_pct(places: PlaceTable) -> float:
    """Share of migrant children with parents in cities who hold public, not private, seats."""
    public = places.schooling.used[places.is_city].sum()
    private = places.schooling.private_used[places.is_city].sum()
    return 100.0 * public / max(public + private, 1e-12)


def low_income_incidence_pct(w: World) -> float:
    """Share of the region's residents whose income per person is below the local dibao line."""
    hh, places = w.hh, w.places
    if dibao.no_dibao(w):
        return 0.0
    idx = ~places.is_outside[hh.location]  # a mask: see age_structure
    low = dibao.below_standard_where_living(w)[idx]
    persons = hh.size_of(idx) * hh.weight[idx]
    return 100.0 * total(persons[low]) / max(total(persons), 1e-12)
