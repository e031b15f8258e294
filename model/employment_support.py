"""Jobs for the hard to employ: employers' hiring subsidies, and public-welfare posts at home.

Seeds: 001 二(三)2 (employers that give jobs to the hard to employ first receive a social
insurance subsidy) and 003 二(三)3 (social insurance and post subsidies to firms employing
low-income people; for those who cannot be placed in firms, public-welfare posts arranged by
local government first).

Hiring subsidies. Each year up to ``places_per_year`` workers of rural origin in the region's
cities who are hard to employ — without work, or on the dibao, or from a poverty-registered
household — are hired into formal jobs that the subsidy creates (poverty-registered and dibao
households first, then by lottery). The employer's contributions are paid for
``subsidy_months`` at ``subsidy_cny_per_month`` per worker; while paid, the job adds to the
city's formal jobs (``LabourTable.subsidized_jobs``, read by :func:`model.labour.match_jobs`),
so a subsidized worker keeps it unless separated like any other; when the subsidy ends the
job is an ordinary one, kept only while the city's jobs allow. A formal job brings insurance
months, which count towards settling where a city's rule asks for them.

Public-welfare posts (公益性岗位). ``public_welfare_posts`` posts in the region's villages go
to working-age members of poverty-registered households living at home, then of dibao
households at home (by lottery within each group), and pay ``post_wage_cny_per_month``; a
household that leaves its village gives the post up. The wage is income at home: it counts in
the household's income (so in the dibao test) and in its location choice as what it would lose
by leaving.

Not modelled: displacement of other hires (the created jobs are additional while subsidized).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit, sum_by_place
from model.households import UNEMPLOYED, Employment
from model.labour import city_migrants_without_formal_job
from model.levers import lever
from model.rationing import draw_up_to

if TYPE_CHECKING:
    from model.world import World


def subsidize_hiring(w: World) -> None:
    """Phase: pay running hiring subsidies, hire the hard to employ into new subsidized jobs."""
    policy, hh, places = w.cfg.employment_support, w.hh, w.places
    labour = places.labour
    paid = np.flatnonzero(hh.hiring_subsidy_months != 0)  # (a bool mask is found faster)
    if policy.places_per_year == 0 and paid.size == 0:
        return
    months = w.months_per_step
    kept = (hh.employment[paid] == Employment.FORMAL) & places.is_city[hh.location[paid]]
    hh.hiring_subsidy_months[paid[~kept]] = 0  # the job was lost or the worker moved
    paid = paid[kept]
    w.flows.add(
        "outlay_hiring_subsidy_cny",
        (hh.adults[paid] * hh.weight[paid]).sum(dtype=np.float64)
        * policy.subsidy_cny_per_month
        * months,
    )
    hh.hiring_subsidy_months[paid] = np.maximum(hh.hiring_subsidy_months[paid] - months, 0)

    # The hard to employ: without work, or on the dibao, or poverty-registered (the cheap
    # conditions on the whole array, the rest on that subset).
    c = np.flatnonzero(_hard_to_employ(hh.employment, hh.dibao, hh.poverty_registered))
    candidates = city_migrants_without_formal_job(w, c)

    def workers(rows: np.ndarray) -> np.ndarray:
        return hh.adults[rows] * hh.weight[rows]  # float32; sums run in float64

    priority = hh.dibao[candidates] | hh.poverty_registered[candidates]
    budget = policy.places_per_year * months / 12
    ahead, behind = candidates[priority], candidates[~priority]
    first = ahead[draw_up_to(workers(ahead), budget, w.rng)]
    left = budget - workers(first).sum(dtype=np.float64)
    hired = np.concatenate([first, behind[draw_up_to(workers(behind), left, w.rng)]])
    hh.employment[hired] = Employment.FORMAL
    hh.hiring_subsidy_months[hired] = min(policy.subsidy_months, 120)
    w.flows.add("subsidized_hires", workers(hired).sum(dtype=np.float64))
    subsidized = np.concatenate([paid[hh.hiring_subsidy_months[paid] > 0], hired])
    labour.subsidized_jobs = sum_by_place(hh.location[subsidized], workers(subsidized), places.n)
    labour.formal_filled = labour.formal_filled + sum_by_place(
        hh.location[hired], workers(hired), places.n
    )


def fill_public_welfare_posts(w: World) -> None:
    """Phase: holders who left give their posts up; vacant posts go to the poor at home."""
    policy, hh, places = w.cfg.employment_support, w.hh, w.places
    held = np.flatnonzero(hh.public_welfare_post)
    if policy.public_welfare_posts == 0 and held.size == 0:
        return

    at_home = _at_home_of_working_age(held, hh.location, hh.origin, hh.adults, places.is_rural)
    hh.public_welfare_post[held[~at_home]] = False  # left the village: post given up
    weight = hh.weight
    vacant = policy.public_welfare_posts - weight[hh.public_welfare_post].sum(dtype=np.float64)
    for group in (hh.poverty_registered, hh.dibao):
        candidates = np.flatnonzero(
            _poor_at_home_without_post(
                group,
                hh.public_welfare_post,
                hh.location,
                hh.origin,
                hh.adults,
                weight,
                places.is_rural,
            )
        )
        chosen = candidates[draw_up_to(weight[candidates].astype(np.float64), vacant, w.rng)]
        hh.public_welfare_post[chosen] = True
        vacant -= weight[chosen].sum(dtype=np.float64)
    holders = weight[hh.public_welfare_post].sum(dtype=np.float64)
    paid = holders * w.cny(policy.post_wage_cny_per_month)
    w.flows.add("outlay_public_welfare_posts_cny", paid * w.months_per_step)


@jit
def _hard_to_employ(
    employment: np.ndarray, dibao: np.ndarray, poverty_registered: np.ndarray
) -> np.ndarray:
    """Whether each household is without work, on the dibao or poverty-registered."""
    out = np.empty(employment.size, dtype=np.bool_)
    for i in range(employment.size):
        out[i] = employment[i] == UNEMPLOYED or dibao[i] or poverty_registered[i]
    return out


@jit
def at_home_of_working_age(location: int, origin: int, adults: int, is_rural: np.ndarray) -> bool:
    """Whether a household lives in its home village and has working-age members (who may
    hold a public-welfare post)."""
    return location == origin and is_rural[location] and adults > 0


@jit
def _at_home_of_working_age(
    rows: np.ndarray,
    location: np.ndarray,
    origin: np.ndarray,
    adults: np.ndarray,
    is_rural: np.ndarray,
) -> np.ndarray:
    """:func:`at_home_of_working_age` for households ``rows``."""
    out = np.empty(rows.size, dtype=np.bool_)
    for k in range(rows.size):
        i = rows[k]
        out[k] = at_home_of_working_age(location[i], origin[i], adults[i], is_rural)
    return out


@jit
def _poor_at_home_without_post(
    group: np.ndarray,
    public_welfare_post: np.ndarray,
    location: np.ndarray,
    origin: np.ndarray,
    adults: np.ndarray,
    weight: np.ndarray,
    is_rural: np.ndarray,
) -> np.ndarray:
    """Whether each household of ``group`` (a mask) may take a post: at home with working-age
    members, without a post yet."""
    out = np.empty(group.size, dtype=np.bool_)
    for i in range(group.size):
        out[i] = (
            group[i]
            and not public_welfare_post[i]
            and at_home_of_working_age(location[i], origin[i], adults[i], is_rural)
            and weight[i] > 0
        )
    return out


def post_wage_cny_per_month(w: World, idx: np.ndarray | slice) -> np.ndarray:
    """Public-welfare post wage of households ``idx`` (0 without a post), price-scaled."""
    wage = np.float32(w.cny(w.cfg.employment_support.post_wage_cny_per_month))
    return w.hh.public_welfare_post[idx] * wage


@dataclass
class EmploymentSupportPolicy:
    """Employers' hiring subsidies for the hard to employ (region-wide)."""

    places_per_year: float = lever(
        0.0,
        unit="workers/year",
        low=0,
        high=1e8,
        doc="Hard-to-employ workers of rural origin hired each year into formal jobs created "
        "by a hiring subsidy (poverty-registered and dibao households first); 0: none.",
        seeds="001 二(三)2; 003 二(三)3",
    )
    subsidy_cny_per_month: float = lever(
        800.0,
        unit="CNY/worker/month",
        low=0,
        high=1e5,
        doc="Employer's social insurance paid per subsidized worker (assumption: about the "
        "employer's share of contributions on a minimum-wage job).",
        seeds="001 二(三)2",
    )
    public_welfare_posts: float = lever(
        0.0,
        unit="posts",
        low=0,
        high=1e8,
        doc="Public-welfare posts in the region's villages for the poor who cannot be placed "
        "in firms (poverty-registered households at home first, then dibao households); 0: none.",
        seeds="003 二(三)3",
    )
    post_wage_cny_per_month: float = lever(
        800.0,
        unit="CNY/post/month",
        low=0,
        high=1e5,
        doc="Pay of a public-welfare post, start-year CNY (assumption: village posts such as "
        "cleaners and forest rangers pay a few hundred to about a thousand CNY a month).",
        seeds="003 二(三)3",
    )
    subsidy_months: int = lever(
        36,
        unit="months",
        low=1,
        high=120,
        doc="Months the subsidy is paid per hire (assumption: three years, the usual term of "
        "China's social insurance subsidies for the hard to employ).",
    )
