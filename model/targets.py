"""Start-year data a scenario reproduces, and the targets its documents set, scored per run.

``start`` holds official figures for the initial year: when given, the initial population is
reweighted so that the model starts on them (see ``start.match_start``). ``targets`` are the
documents' own goals (Nantong: 1 million settled and a gap within 3 points by 2020, ...) or later
observations to compare against; ``score`` says for each whether the run met it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import pandas as pd

from model.levers import ConfigError, lever


@dataclass
class StartData:
    """Official figures for the start year (0 = not given, not matched)."""

    resident_population: float = lever(
        0.0, unit="persons", low=0, high=2e9, doc="Resident population at the start."
    )
    registered_population: float = lever(
        0.0,
        unit="persons",
        low=0,
        high=2e9,
        doc="Registered (hukou) population at the start; 0 = equal to the resident population "
        "when the region has no outside, else left as drawn.",
    )
    resident_urbanization_pct: float = lever(
        0.0, unit="%", low=0, high=100, doc="Resident urbanization rate at the start."
    )
    hukou_urbanization_pct: float = lever(
        0.0, unit="%", low=0, high=100, doc="Hukou urbanization rate at the start."
    )
    migrant_workers: float = lever(
        0.0,
        unit="persons",
        low=0,
        high=1e9,
        doc="Working-age adults of village origin and hukou living in the region's cities and "
        "towns at the start (NBS: out-migrating migrant workers, 外出农民工); 0 = not matched "
        "(the split of urban residents without an urban hukou between migrants and natives "
        "with a village hukou then follows households.native_rural_hukou_share).",
    )
    source: str = lever("", unit="text", doc="Where the start figures come from.")
    balance_cities: bool = lever(
        True,
        unit="flag",
        doc="Set each city's amenity so that the choices at the start give every city the same "
        "net inflow per resident (model.city_balance): no city jumps in the first year for "
        "want of a constant the data would give it.",
    )

    @property
    def active(self) -> bool:
        return self.resident_urbanization_pct > 0 or self.hukou_urbanization_pct > 0


class Comparison(Enum):
    """How an achieved value is compared with a target value."""

    at_most = 0
    at_least = 1
    near = 2  # within ``tolerance`` of the value


@dataclass
class Target:
    """One scored target: an indicator in a year against a value."""

    indicator: str = lever("gap_pp", unit="name", doc="Indicator name (a timeseries column).")
    year: int = lever(2020, unit="year", low=1949, high=2200, doc="Year-end the target is for.")
    comparison: Comparison = lever(
        Comparison.at_most, unit="choice", doc="at_most | at_least | near (within tolerance)."
    )
    value: float = lever(0.0, unit="indicator unit", low=-1e15, high=1e15, doc="Target value.")
    tolerance: float = lever(
        0.0, unit="indicator unit", low=0, high=1e15, doc="Allowed distance for 'near'."
    )
    cumulative: bool = lever(
        False,
        unit="flag",
        doc="Sum the yearly flow over the simulated years up to 'year' (e.g. settled persons).",
    )
    source: str = lever("", unit="text", doc="Seed clause or statistic the target comes from.")


def score(targets: dict[str, Target], timeseries: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Score each target against a run's yearly table.

    A target whose year lies outside the simulated years is reported with ``met`` None. A goal
    (at most / at least) also reports the first simulated year it is met in, or None.
    """
    out: dict[str, dict[str, Any]] = {}
    years = timeseries["year"]
    for name, t in targets.items():
        row: dict[str, Any] = {
            "indicator": t.indicator,
            "year": t.year,
            "comparison": t.comparison.name,
            "target": t.value,
            "tolerance": t.tolerance,
            "cumulative": t.cumulative,
            "source": t.source,
        }
        if t.year not in set(years) or (t.year == int(years.iloc[0]) and t.cumulative):
            row.update(achieved=None, met=None, note="target year not simulated")
            out[name] = row
            continue
        path = achieved_path(t, timeseries)
        met_each_year = meets(t, path)
        achieved = float(path[years == t.year].iloc[0])
        first = years[met_each_year & (years > years.iloc[0])]
        row.update(achieved=achieved, met=bool(meets(t, achieved)))
        if t.comparison is not Comparison.near:  # a goal: when is it reached?
            row["first_year_met"] = int(first.iloc[0]) if len(first) else None
            row["last_year"] = int(years.iloc[-1])
        out[name] = row
    return out


def year_not_simulated(t: Target, scenario: str, years: pd.Series) -> ConfigError:
    """The error for a goal in a year the run does not score, naming the years it can."""
    first = int(years.iloc[1 if t.cumulative else 0])  # a cumulative goal needs a year's flows
    return ConfigError(
        f"goal year {t.year}: not a simulated year of {scenario} (allowed: {first}-"
        f"{int(years.iloc[-1])})"
    )


def achieved_path(t: Target, timeseries: pd.DataFrame) -> pd.Series:
    """The target's indicator year by year: the value, or for a cumulative target the flow
    summed over the simulated years after the initial state up to each year."""
    series = timeseries[t.indicator]
    if not t.cumulative:
        return series
    years = timeseries["year"]
    return series.where(years > years.iloc[0], 0.0).cumsum()


def meets(t: Target, achieved: Any) -> Any:
    """Whether ``achieved`` (a number or a series) meets the target's comparison."""
    if t.comparison is Comparison.at_most:
        return achieved <= t.value
    if t.comparison is Comparison.at_least:
        return achieved >= t.value
    return abs(achieved - t.value) <= t.tolerance
