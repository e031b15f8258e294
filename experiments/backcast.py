"""A scenario taken back to an earlier start year, for a fit on the years before its start.

A fit runs a scenario from the first year of its data (e.g. the 2015-based national scenario
from 2011). Its economy goes back along its own growth rates, and its people are the same
cohorts, younger: every head ``years`` younger, and each age band weighted up by the deaths
its cohort would have had in between (at those years' death rates), so that the earlier start
holds the old people who died before the scenario's own year. Without that weighting the 2011
start held 12.9 % of people aged 60 and over against the census's 13.3 % (2010) and the
published 13.7 % (2011), and the fit's path had too few deaths.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from model.config import RunConfig
from model.demography import cohort_survival
from model.population import HEAD_AGE_BANDS, HeadAgeShares, head_age_in_band

SEGMENTS = ("rural", "migrant", "native")
AGES_PER_BAND = 20  # points at which a band's survival is averaged


def backcast(cfg: RunConfig, years: int) -> list[str]:
    """Overrides taking scenario ``cfg`` ``years`` back (see the module docstring).

    Returns:
        ``key=value`` overrides: jobs, wages and rents along their growth; heads' ages shifted;
        each segment's head-age shares divided by its cohorts' survival since.
    """
    if years == 0:
        return []
    wage = (1 + cfg.economy.wage_growth_pct_per_year / 100) ** -years
    out = [f"households.head_age_shift_years={cfg.households.head_age_shift_years - years}"]
    out += head_age_overrides(cfg, years)
    for name, city in cfg.cities.items():
        jobs = (1 + city.formal_jobs_growth_pct_per_year / 100) ** -years
        out += [
            f"cities.{name}.formal_jobs={city.formal_jobs * jobs:.6g}",
            f"cities.{name}.formal_wage_cny_per_month={city.formal_wage_cny_per_month * wage:.6g}",
            f"cities.{name}.informal_wage_cny_per_month="
            f"{city.informal_wage_cny_per_month * wage:.6g}",
            f"cities.{name}.rent_cny_per_month={city.rent_cny_per_month * wage:.6g}",
        ]
    for name, area in cfg.rural_areas.items():
        rural_wage = area.rural_wage_cny_per_month * wage
        out.append(f"rural_areas.{name}.rural_wage_cny_per_month={rural_wage:.6g}")
    if cfg.outside.enabled:
        o = cfg.outside
        out += [
            f"outside.formal_wage_cny_per_month={o.formal_wage_cny_per_month * wage:.6g}",
            f"outside.informal_wage_cny_per_month={o.informal_wage_cny_per_month * wage:.6g}",
            f"outside.rent_cny_per_month={o.rent_cny_per_month * wage:.6g}",
        ]
    return out


def band_weights(cfg: RunConfig, years: int) -> np.ndarray:
    """Per head-age band: 1 / the band's mean chance of having survived the ``years`` before
    ``cfg.start_year`` (heads' ages as the scenario draws them, uniform within a band)."""
    shift = cfg.households.head_age_shift_years
    positions = (np.arange(AGES_PER_BAND) + 0.5) / AGES_PER_BAND
    weights = []
    for low, high in HEAD_AGE_BANDS:
        ages = head_age_in_band(low, high, positions, shift)
        alive = cohort_survival(cfg.demography, ages, cfg.start_year, years)
        weights.append(np.mean(1.0 / alive))
    return np.array(weights)


def head_age_overrides(cfg: RunConfig, years: int) -> list[str]:
    """``households.head_age_<segment>.<band>`` overrides weighting each band by
    :func:`band_weights`."""
    weights = band_weights(cfg, years)
    out = []
    for segment in SEGMENTS:
        shares: HeadAgeShares = getattr(cfg.households, f"head_age_{segment}")
        for field, weight in zip(dataclasses.fields(shares), weights, strict=True):
            value = getattr(shares, field.name) * weight
            out.append(f"households.head_age_{segment}.{field.name}={value:.6g}")
    return out
