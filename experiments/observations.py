"""Official statistics for fitting and scoring, cut at a year nothing after which may be read.

``Observations.load(until)`` drops every row of ``data/reference_statistics.csv`` dated after
``until`` as it reads the file, so a fit built on it cannot see later data, whatever it asks for.
Each region's resident urbanization rate is read from one consistent series (see
``RESIDENT_SERIES``): official rates were revised after the 2020 census, and a fit or a score
that mixed the old and the revised series would measure the revision, not the dynamics.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model.levers import ConfigError

REPO = Path(__file__).resolve().parent.parent
DATA_FILE = REPO / "data" / "reference_statistics.csv"

# Region -> the series of its resident urbanization rate used for fitting, starting and scoring:
# rates consistent with the 2020 census (the national series revised by NBS; for the others,
# rates on the census basis, derived where the statistics bureau did not publish a revision).
RESIDENT_SERIES: dict[str, str] = {
    "CN": "revised_after_2020_census",
    "Sichuan": "consistent_2020_census",
    "Nantong": "consistent_2020_census",
    "Jiangmen": "consistent_2020_census",
    "Baotou": "consistent_2020_census",
}
HUKOU_BREAK_YEAR = {"CN": 2015}  # hukou rates before this year are on an older definition


@dataclass(frozen=True)
class Observations:
    """The reference statistics up to and including ``until``."""

    table: pd.DataFrame
    until: int

    @classmethod
    def load(cls, until: int, path: Path = DATA_FILE) -> Observations:
        """Read the data file, keeping only rows dated ``until`` or earlier."""
        data = pd.read_csv(path)
        year = pd.to_numeric(data["year"], errors="coerce")  # periods such as 2010-2020 drop
        data = data[year.notna() & (year <= until)].copy()
        data["year"] = year[year.notna() & (year <= until)].astype(int)
        return cls(data.reset_index(drop=True), until)

    def series(self, region: str, indicator: str, series: str | None = None) -> pd.Series:
        """Observed values of one indicator by year (sorted), optionally of one named series.

        Targets and projections are not observations and are left out unless asked for.
        """
        rows = self.table[(self.table["region"] == region) & (self.table["indicator"] == indicator)]
        if series is not None:
            rows = rows[rows["series"] == series]
        else:
            rows = rows[~rows["series"].isin(["target", "projection"])]
        rows = rows[pd.to_numeric(rows["year"], errors="coerce").notna()]
        values = rows.groupby("year")["value"].mean()
        return values.astype(float).sort_index()

    def resident_rate(self, region: str) -> pd.Series:
        """Resident urbanization rate (%) on the region's consistent series."""
        return self.series(region, "resident_urbanization", RESIDENT_SERIES.get(region))

    def hukou_rate(self, region: str) -> pd.Series:
        """Hukou urbanization rate (%), from the region's current definition on."""
        rates = self.series(region, "hukou_urbanization")
        return rates[rates.index >= HUKOU_BREAK_YEAR.get(region, 0)]

    def resident_population(self, region: str) -> pd.Series:
        """Residents at the year's end (10k persons); a census figure (1 November) only for a
        year without a year-end one. China's is its total population."""
        if region == "CN":
            return self.series(region, "total_population")
        year_end = self.series(region, "resident_population", "year_end")
        return year_end.combine_first(self.series(region, "resident_population", "census"))

    def start_overrides(self, region: str, year: int) -> list[str]:
        """``start.*`` overrides that put a run on the region's figures for ``year``.

        Raises:
            ConfigError: When ``year`` is after ``until`` or the region has no resident rate
                or population for it.
        """
        if year > self.until:
            raise ConfigError(f"start year {year} is after the last data year {self.until}")
        resident = self.resident_rate(region)
        population = self.resident_population(region)
        # A population changes little in a year: a missing one is the last published figure
        # of the two years before (never a later one, which the cut-off would not allow).
        earlier = population[(population.index <= year) & (population.index >= year - 2)]
        if year not in resident.index or earlier.empty:
            raise ConfigError(
                f"region '{region}' has no resident rate or population for {year} in "
                f"{DATA_FILE.name}; choose a year with both"
            )
        overrides = [
            f"start.resident_urbanization_pct={resident[year]}",
            f"start.resident_population={earlier.iloc[-1] * 1e4}",
            f"start.source='{DATA_FILE.name}, {region} {year}'",
        ]
        registered = self.series(region, "registered_population")
        if region == "CN":
            registered = population
        hukou = self.hukou_rate(region)
        # Figures missing for the year are set to 0 (not matched), so that the scenario's own
        # start figures, for another year, cannot leak in.
        overrides.append(
            f"start.registered_population={registered[year] * 1e4 if year in registered else 0}"
        )
        overrides.append(f"start.hukou_urbanization_pct={hukou.get(year, 0)}")
        workers = self.migrant_workers_in_cities(region)
        overrides.append(f"start.migrant_workers={workers[year] * 1e4 if year in workers else 0}")
        return overrides

    def migrant_workers_in_cities(self, region: str) -> pd.Series:
        """Migrant workers living in cities and towns (10k persons; China only).

        NBS publishes them (进城农民工) from 2016; earlier years are the out-migrating migrant
        workers times their 2016 share living in cities and towns (derived). A province's
        migrant workers also work in other provinces (the model's outside), which its
        figures do not separate, so regions have none.
        """
        if region != "CN":
            return pd.Series(dtype=float)
        in_cities = self.series(region, "migrant_workers_urban_resident")
        outmigrating = self.series(region, "migrant_workers_outmigrating")
        if 2016 not in in_cities or 2016 not in outmigrating:
            return in_cities
        derived = outmigrating[outmigrating.index < in_cities.index.min()]
        derived = derived * in_cities[2016] / outmigrating[2016]
        return pd.concat([derived, in_cities]).sort_index()
