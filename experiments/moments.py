"""The observed statistics a fit must reproduce: its moments.

:func:`moments_for` turns the data file, cut at a fit's last year, into the statistics
(:class:`Moment`) its runs must reproduce: the region's rates after the first year, the national
survey's moments for national fits, the change of the residents where a regional fit estimates
the value of living outside the region. :func:`simulated_moment` reads one from a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from experiments.fit_specs import FitSpec
from experiments.observations import DATA_FILE, Observations
from model.levers import ConfigError


@dataclass(frozen=True)
class Moment:
    """One observed statistic and the model indicator that reproduces it."""

    name: str
    indicator: str
    year: int
    observed: float
    sigma: float  # the moment's error sd: its weight is 1 / sigma^2
    since: int = 0  # if set: the change since this year (simulated and observed alike)


def moments_for(spec: FitSpec, obs: Observations) -> list[Moment]:
    """The moments of a fit: the region's rates after ``first_year``, and survey moments."""
    years = range(spec.first_year + 1, spec.until + 1)
    out = [
        Moment(f"resident_rate_{y}", "resident_urbanization_pct", y, float(v), 0.3)
        for y, v in obs.resident_rate(spec.region).items()
        if y in years
    ]
    out += [
        Moment(f"hukou_rate_{y}", "hukou_urbanization_pct", y, float(v), 0.3)
        for y, v in obs.hukou_rate(spec.region).items()
        if y in years
    ]
    if spec.survey_moments:
        out += survey_moments(obs, spec.first_year, spec.until)
    elif "outside_amenity" in spec.parameters:
        residents = population_moments(spec.region, obs, spec.first_year, spec.until)
        if not residents:
            raise ConfigError(
                f"fit '{spec.name}': region '{spec.region}' has no resident population for "
                f"{spec.first_year} and a later year up to {spec.until} in {DATA_FILE.name}; "
                "the value of living outside the region cannot be estimated without it"
            )
        out += residents
    return out


POPULATION_SIGMA = 0.003  # of the first year's residents: the resident rate's 0.3 points


def population_moments(region: str, obs: Observations, first_year: int, until: int) -> list[Moment]:
    """A region's residents, as the change since ``first_year`` (persons).

    The resident rates alone leave a region's flows free: a fit could reach them with too many
    returning from elsewhere (before it read these, sichuan_2019's fitted path gained 2.2-2.8
    million residents in 2015-2019, the communiqués 1.71 million). Year-end figures are used
    where a census figure of the same year exists too. Needs the first year's figure.
    """
    population = obs.resident_population(region) * 1e4
    if first_year not in population.index:
        return []
    sigma = POPULATION_SIGMA * float(population[first_year])
    return [
        Moment(
            f"resident_population_change_{y}",
            "resident_population",
            int(y),
            float(v - population[first_year]),
            sigma,
            first_year,
        )
        for y, v in population.items()
        if first_year < y <= until
    ]


def survey_moments(obs: Observations, first_year: int, until: int) -> list[Moment]:
    """National migrant-worker survey moments of ``first_year``..``until``."""
    out: list[Moment] = []

    def add(indicator: str, data_name: str, scale: float, rel: float | None, sd: float) -> None:
        for y, v in obs.series("CN", data_name).items():
            if first_year <= y <= until:
                value = float(v) * scale
                out.append(
                    Moment(f"{data_name}_{y}", indicator, int(y), value, rel * value if rel else sd)
                )

    add("migrant_workers_in_cities", "migrant_workers_urban_resident", 1e4, 0.03, 0)
    add("migrant_monthly_income_cny", "migrant_monthly_income", 1.0, 0.03, 0)
    # Would rural-hukou migrants take the hukou of the city they live in if they were eligible?
    # (2017 CMDS: 37 %.) The model's answer is the logit chance of the settling gain, so this
    # separates the hukou's value from how often households review their choices.
    add("settling_willingness_pct", "hukou_transfer_willingness_rural_migrants", 1.0, None, 4.0)
    for flow in ("births", "deaths"):  # flows: the years after the first
        for y, v in obs.series("CN", flow).items():
            if first_year < y <= until:
                out.append(Moment(f"{flow}_{y}", flow, int(y), float(v) * 1e4, 0.06 * v * 1e4))
    # Fitted as the change since the first year only: the survey's ages cover local off-farm
    # workers too, who are older than those away from their village (the model's migrants), and
    # its out-migrating workers include some 40 M who live in villages elsewhere, a state the
    # model does not have (its migrants live in cities; sd: 3 % of the level).
    for indicator, data_name, scale, rel, sd in (
        ("rural_labor_transfer_employment", "migrant_workers_outmigrating", 1e4, 0.03, 0.0),
        ("migrant_worker_mean_age", "migrant_average_age", 1.0, 0.0, 0.4),
        ("migrant_workers_over_50_pct", "migrant_share_age_over_50", 1.0, 0.0, 1.0),
    ):
        series = obs.series("CN", data_name) * scale
        if first_year in series.index:
            for y, v in series.items():
                if first_year < y <= until:
                    change = float(v - series[first_year])
                    sigma = rel * float(v) if rel else sd
                    out.append(
                        Moment(
                            f"{data_name}_change_{y}", indicator, int(y), change, sigma, first_year
                        )
                    )
    # Urban growth by source, China 2010-2015 (Gan et al.; data file): a third of the growth of
    # the urban population lived in communities reclassified as urban. Read over the same years.
    share = obs.series("CN", "share_of_urban_population_growth_from_reclassification")
    for y, v in share.items():
        if first_year <= y <= until:
            out.append(
                Moment(
                    "reclassification_share_of_urban_growth",
                    RECLASSIFICATION_SHARE,
                    int(y),
                    float(v) / 100,
                    0.08,
                    first_year,
                )
            )
    public = pd.concat(
        [
            obs.series("CN", "migrant_children_primary_in_public_school"),
            obs.series("CN", "migrant_children_junior_in_public_school"),
        ]
    )
    for y, part in public.groupby(level=0):
        if first_year <= y <= until:
            out.append(
                Moment(
                    f"public_school_share_{y}",
                    "migrant_children_public_school_pct",
                    int(y),
                    float(part.mean()),
                    1.5,
                )
            )
    return out


RECLASSIFICATION_SHARE = "reclassification_share_of_urban_growth"


def simulated_moment(ts: pd.DataFrame, m: Moment) -> float:
    """A moment's simulated value from a run's yearly table (indexed by year)."""
    if m.indicator == RECLASSIFICATION_SHARE:  # reclassified persons / rise of urban residents
        years = (ts.index > m.since) & (ts.index <= m.year)
        urban = ts["urban_resident_population"]
        rise = urban.loc[m.year] - urban.loc[m.since]
        return float(ts.loc[years, "reclassified_persons"].sum() / max(rise, 1.0))
    value = ts.loc[m.year, m.indicator]
    return float(value - (ts.loc[m.since, m.indicator] if m.since else 0.0))
