"""Housing provident fund (住房公积金): employers' contributions for migrants in formal jobs.

An employer with the fund pays a share of the wage into the worker's account, matched by the
worker; the account pays rent or a home purchase. The employer's part is money the household
gains, and that is what enters its location choices: in the city where it works, for formal jobs,
at the coverage that applies to it. Urban-hukou employees are covered more often than migrants
(mostly through the jobs they hold); a seed that puts migrants on the staff standard (001
二(一)1(3)) closes that gap, so the fund draws migrants to town and keeps them there. It is not a
reason to settle: taking the hukou does not change who employs the household.

The voluntary scheme for flexible workers in 001 二(一)1(3) is not modelled: a flexible worker
pays both parts himself, and its gain (housing loans at the fund's rate) has no figure here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model import layout
from model.compiled import jit
from model.households import FORMAL
from model.labour import formal_job_chance, skill_multiplier
from model.levers import lever
from model.permits import holds_hukou

if TYPE_CHECKING:
    from model.world import World


def provident_fund_value_cny_per_month(
    w: World, idx: np.ndarray, city_places: np.ndarray
) -> np.ndarray:
    """Employers' expected provident-fund contributions for households ``idx`` in each city.

    Where a household works, its formal job counts as it is; elsewhere its adults expect the
    city's chance of a formal job. Coverage is the hukou holders' where the household holds the
    city's hukou, the migrants' otherwise.

    Returns:
        Array of shape ``(len(idx), len(city_places))``, CNY/month.
    """
    hh, labour, policy = w.hh, w.places.labour, w.cfg.provident_fund
    rate = policy.contribution_rate_pct / 100.0
    if rate == 0:
        return layout.zeros(idx.size, city_places.size, np.float32)
    out = layout.empty(idx.size, city_places.size, np.float32)
    _provident_values(
        idx,
        hh.adults,
        hh.employment,
        hh.hukou_urban,
        hh.hukou_place,
        hh.location,
        skill_multiplier(w, idx),
        city_places,
        formal_job_chance(labour.labor, labour)[city_places],
        labour.formal_wage[city_places],
        policy.hukou_employee_coverage_share,
        policy.migrant_employee_coverage_share,
        rate,
        out,
    )
    return out


@jit
def _provident_values(
    idx: np.ndarray,
    adults: np.ndarray,
    employment: np.ndarray,
    hukou_urban: np.ndarray,
    hukou_place: np.ndarray,
    location: np.ndarray,
    skill_multiplier: np.ndarray,
    city_places: np.ndarray,
    formal_job_chance: np.ndarray,
    formal_wage: np.ndarray,
    hukou_coverage: float,
    migrant_coverage: float,
    rate: float,
    out: np.ndarray,
) -> None:
    """:func:`provident_fund_value_cny_per_month` cell by cell (household arrays whole, rows
    ``idx``; ``skill_multiplier`` by row): adults x formal job (held, or the city's chance) x
    coverage x rate x wage."""
    for k in range(idx.size):
        i = idx[k]
        for j in range(city_places.size):
            here = location[i] == city_places[j]
            formal = np.float64(employment[i] == FORMAL) if here else formal_job_chance[j]
            local = holds_hukou(hukou_urban[i], hukou_place[i], city_places[j])
            coverage = hukou_coverage if local else migrant_coverage
            wage = np.float64(skill_multiplier[k]) * formal_wage[j]
            value = np.float64(np.float32(adults[i])) * formal * coverage * rate * wage
            out[k, j] = np.float32(value)


@dataclass
class ProvidentFundPolicy:
    """Who the housing provident fund covers, and at what rate (region)."""

    contribution_rate_pct: float = lever(
        5.0,
        unit="% of wage",
        low=0,
        high=12,
        doc="Employer's contribution, matched by the employee (the national rules: at least 5, "
        "as a rule at most 12 per cent).",
    )
    hukou_employee_coverage_share: float = lever(
        0.6,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of formal employees holding the city's hukou whose employer pays into the "
        "fund (assumption).",
    )
    migrant_employee_coverage_share: float = lever(
        0.15,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of migrants in formal jobs whose employer pays into the fund (assumption; "
        "5.5 % of all out-migrant workers had the fund in 2014, NBS survey). Set it to the "
        "hukou holders' share to put migrants on the staff standard.",
        seeds="001 二(一)1(3)",
    )
