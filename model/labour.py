"""Labour markets: formal jobs matched by lottery, informal work, farming wages (Harris–Todaro).

Each city has a fixed number of formal jobs at a formal wage. Formal workers lose their job at a
monthly separation rate; vacancies go by lottery to the city's workers without a formal job, the
rest work informally (a share of them) or are unemployed. Unemployment is what remains of labour
supply against jobs. A migrant's expected urban wage is the Harris–Todaro average
``(F * w_formal + U * w_informal) / (F + U)``. The rural wage falls with rural labour:
``w_r = rural_wage * (L_r / reference_rural_labor) ** (-rural_wage_elasticity)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit, sum_by_place
from model.households import FARMING, FORMAL, INFORMAL, Employment
from model.rationing import fill_capacity, keep_within

if TYPE_CHECKING:
    from model.places import LabourTable
    from model.world import World


def grow_economy(w: World) -> None:
    """Phase: each city's formal jobs grow at its own rate; wages and prices at the region's.

    Market prices (rents, private school fees) and the price level that behaviour values are
    scaled by grow with wages, so that growth alone does not make moving ever more attractive.
    """
    labour, years = w.places.labour, w.months_per_step / 12
    labour.formal_jobs *= (1.0 + labour.jobs_growth_per_year) ** years
    wage_factor = (1.0 + w.cfg.economy.wage_growth_pct_per_year / 100) ** years
    if wage_factor != 1.0:
        labour.formal_wage *= wage_factor
        labour.informal_wage *= wage_factor
        labour.rural_wage_base *= wage_factor
        w.places.rent_base_cny_per_month *= wage_factor  # model.rents adds crowding
        w.places.amenity_cny_per_month *= wage_factor
        w.places.schooling.private_fee *= np.float32(wage_factor)
        w.price_level *= wage_factor


def match_jobs(w: World) -> None:
    """Phase: separations, job matching (trained workers first where training runs), wages.

    What programmes change in this market is data on the place table, set from the policies
    when the places are built: the chance of informal work for those without a formal job
    (``work_finding_share``, with employment services), the share of informal wages actually
    paid (``informal_paid_share``, after arrears and their recovery), whether trained
    workers queue first (``trained_first``) and the formal jobs that employers' hiring
    subsidies created (``subsidized_jobs``). This module calls no programme module.
    """
    hh, places, beh, rng = w.hh, w.places, w.cfg.behavior, w.rng
    labour = places.labour

    def workers(rows: np.ndarray) -> np.ndarray:  # float32; sums (by place, cumsum) in float64
        return hh.adults[rows] * hh.weight[rows]

    formal = np.flatnonzero(_in_city_formal(places.is_city, hh.location, hh.employment, True))
    p_sep = 1.0 - (1.0 - beh.separation_rate_per_month) ** w.months_per_step
    separated = rng.random(formal.size) < p_sep
    hh.employment[formal[separated]] = Employment.INFORMAL

    # Jobs may have shrunk below their holders: keep holders by lottery up to the jobs.
    holders = formal[~separated]
    jobs = labour.formal_jobs + labour.subsidized_jobs
    keep = keep_within(hh.location[holders], workers(holders), jobs, rng)
    hh.employment[holders[~keep]] = Employment.INFORMAL
    holders = holders[keep]
    held = sum_by_place(hh.location[holders], workers(holders), places.n)

    seekers = np.flatnonzero(_in_city_formal(places.is_city, hh.location, hh.employment, False))
    sloc = hh.location[seekers]
    vacancies = np.maximum(jobs - held, 0.0)
    queue = -hh.trained[seekers].astype(np.float64) if labour.trained_first else None
    hired = fill_capacity(sloc, workers(seekers), vacancies, queue, rng)
    hh.employment[seekers[hired]] = Employment.FORMAL
    rest = seekers[~hired]
    informal = rng.random(rest.size) < labour.work_finding_share[hh.location[rest]]
    hh.employment[rest] = np.where(informal, Employment.INFORMAL, Employment.UNEMPLOYED)

    labour.labor = _farm_villages_and_count_workers(
        places.is_rural, hh.location, hh.employment, hh.adults, hh.weight, places.n
    )
    labour.formal_filled = held + sum_by_place(sloc[hired], workers(seekers[hired]), places.n)
    ratio = np.maximum(labour.labor, 1e-12) / labour.reference_rural_labor
    labour.rural_wage = np.where(
        places.is_rural,
        labour.rural_wage_base * ratio ** (-labour.rural_wage_elasticity),
        0.0,
    )
    labour.expected_urban_wage = expected_urban_wage(labour.labor, labour)


@jit
def _in_city_formal(
    is_city: np.ndarray, location: np.ndarray, employment: np.ndarray, formal: bool
) -> np.ndarray:
    """Whether each household lives in a city with (``formal``) or without a formal job."""
    out = np.empty(location.size, dtype=np.bool_)
    for i in range(location.size):
        out[i] = is_city[location[i]] and (employment[i] == FORMAL) == formal
    return out


@jit
def _farm_villages_and_count_workers(
    is_rural: np.ndarray,
    location: np.ndarray,
    employment: np.ndarray,
    adults: np.ndarray,
    weight: np.ndarray,
    n_places: int,
) -> np.ndarray:
    """Everyone in a village farms; working adults (real persons) by place, float64."""
    labor = np.zeros(n_places)
    for i in range(location.size):
        if is_rural[location[i]]:
            employment[i] = FARMING
        labor[location[i]] += np.float64(np.float32(adults[i]) * weight[i])
    return labor


def expected_urban_wage(labor: np.ndarray, labour: LabourTable) -> np.ndarray:
    """Harris–Todaro expected wage per worker at each place (before the skill premium).

    ``(F * w_formal + U * share_informal * w_informal) / (F + U)`` with ``F`` the formal jobs
    filled and ``U`` the rest of the labour force; the formal wage where nobody works yet. For
    the outside destination, the formal job chance is its configured share. The chance of
    informal work without a formal job is ``work_finding_share``; informal wages count at the
    share actually paid (wage arrears).
    """
    p_formal = formal_job_chance(labor, labour)
    informal = labour.work_finding_share * labour.informal_wage * labour.informal_paid_share
    return p_formal * labour.formal_wage + (1 - p_formal) * informal


def formal_job_chance(labor: np.ndarray, labour: LabourTable) -> np.ndarray:
    """Chance of a formal job at each place: jobs filled per worker (1 where nobody works yet);
    the configured share outside the region."""
    filled = np.minimum(labour.formal_jobs, labor)
    p_formal = np.where(labor > 0, filled / np.maximum(labor, 1e-12), 1.0)
    return np.where(labour.is_outside, labour.outside_formal_share, p_formal)


def skill_multiplier(w: World, idx: np.ndarray | slice) -> np.ndarray:
    """Urban wage multiplier of households from their skill, exp(premium x skill)."""
    return np.exp(np.float32(w.cfg.behavior.skill_wage_premium) * w.hh.skill[idx])


def household_wage(w: World, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
    """Wage per working adult of households ``rows`` (default all) in their current state and
    place (CNY/month)."""
    hh, labour = w.hh, w.places.labour
    by_employment = np.zeros((len(Employment), w.places.n), dtype=np.float32)
    by_employment[Employment.FARMING] = labour.rural_wage
    by_employment[Employment.FORMAL] = labour.formal_wage
    by_employment[Employment.INFORMAL] = labour.informal_wage * labour.informal_paid_share
    return _wages(by_employment, hh.employment[rows], hh.location[rows], skill_multiplier(w, rows))


@jit
def _wages(
    by_employment: np.ndarray, employment: np.ndarray, location: np.ndarray, multiplier: np.ndarray
) -> np.ndarray:
    """The wage of each household's employment where it is; the skill premium is an urban
    wage's (formal or informal work)."""
    wage = np.empty(employment.size, dtype=np.float32)
    for i in range(employment.size):
        wage[i] = by_employment[employment[i], location[i]]
        if employment[i] == FORMAL or employment[i] == INFORMAL:
            wage[i] *= multiplier[i]
    return wage


def city_migrants_without_formal_job(w: World, rows: np.ndarray) -> np.ndarray:
    """Those of households ``rows`` of village origin who live in a city, have working-age
    members and hold no formal job: whom programmes for migrant workers address."""
    hh, places = w.hh, w.places
    keep = _city_migrants_without_formal_job(
        rows,
        places.is_city,
        places.is_rural,
        hh.location,
        hh.origin,
        hh.employment,
        hh.adults,
        hh.weight,
    )
    return rows[keep]


@jit
def _city_migrants_without_formal_job(
    rows: np.ndarray,
    is_city: np.ndarray,
    is_rural: np.ndarray,
    location: np.ndarray,
    origin: np.ndarray,
    employment: np.ndarray,
    adults: np.ndarray,
    weight: np.ndarray,
) -> np.ndarray:
    """:func:`city_migrants_without_formal_job` as a mask over ``rows``."""
    out = np.empty(rows.size, dtype=np.bool_)
    for k in range(rows.size):
        i = rows[k]
        out[k] = (
            is_city[location[i]]
            and is_rural[origin[i]]
            and employment[i] != FORMAL
            and adults[i] > 0
            and weight[i] > 0
        )
    return out
