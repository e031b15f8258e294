"""Calibration report: each fit against its data, the national projection with its bands, the
seed scenarios against their later observations, and the out-of-sample validation.

Written by ``python -m experiments.calibration report`` into ``calibration/report.html``
(self-contained) and ``calibration/report.md`` (figures in ``calibration/figures/``). It reads the
fit records (``calibration/fits``) and the validation results (``calibration/validation.json``)
and runs the scenarios it shows; it fits nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.fit_records import FITS_DIR, load_record
from experiments.fit_specs import PRODUCTION_ORDER
from experiments.observations import REPO, Observations
from experiments.report_render import Section, png_bytes, pyplot, write_sections
from model import run_scenario

OUT_DIR = REPO / "calibration"
SEED_SCENARIOS = {
    "sichuan_2019": "Sichuan",
    "sichuan_2023": "Sichuan",
    "nantong_2020": "Nantong",
    "jiangmen_2018": "Jiangmen",
    "baotou_2024": "Baotou",
}
PROJECTION_END = 2035


def fit_section(name: str) -> Section:
    """One fit: its parameters with standard errors, its moments fitted against observed."""
    record = load_record(name)
    sec = Section(f"Fit {name}")
    sec.text.append(
        f"{record['description'] or record['region']}: scenario {record['scenario']} run from "
        f"{record['first_year']} to {record['until']} ({record['n_households']} households, "
        f"{record['replicates']} replicates, common random numbers). Weighted squared distance "
        f"{record['start_objective']:.1f} at the starting values, {record['objective']:.1f} at "
        f"the estimate ({len(record['moments'])} moments, reduced chi-square "
        f"{record['reduced_chi2']:.2f}), {record['evaluations']} evaluations, "
        f"{record['runtime_seconds']:.0f} s. Shared behaviour from "
        f"{record['parent'] or 'this fit'}."
    )
    sec.tables.append(
        pd.DataFrame(
            [
                {
                    "parameter": pname,
                    "estimate": p["estimate"],
                    "sd": p["sd"],
                    "bounds": f"[{p['low']:g}, {p['high']:g}]",
                    "in the behaviour set": p["in_behavior_set"],
                }
                for pname, p in record["parameters"].items()
            ]
        )
    )
    moments = pd.DataFrame(record["moments"])
    moments["z"] = (moments["fitted"] - moments["observed"]) / moments["sigma"]
    sec.tables.append(moments[["name", "year", "observed", "fitted", "sigma", "z"]])
    return sec


def projection_section(draws: int, n_households: int) -> Section:
    """national_2015 to 2035 with bands, beside the plan target and published projections."""
    plt = pyplot()
    result = run_scenario(
        "national_2015",
        [
            f"end_year={PROJECTION_END}",
            f"uncertainty.draws={draws}",
            f"n_households={n_households}",
        ],
    )
    ts, bands = result.timeseries.set_index("year"), result.bands
    obs = Observations.load(2019)
    # A projection published in 2018 of later years: its rows are dated by the projected year.
    un = Observations.load(PROJECTION_END).series(
        "CN", "projection_resident_urbanization_un_wup2018", "projection"
    )
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for ind, color, data in (
        ("resident_urbanization_pct", "tab:blue", obs.resident_rate("CN")),
        ("hukou_urbanization_pct", "tab:orange", obs.hukou_rate("CN")),
    ):
        b = bands[bands["indicator"] == ind]
        ax.fill_between(b["year"], b["p05"], b["p95"], color=color, alpha=0.2, lw=0)
        ax.plot(ts.index, ts[ind], color=color, label=f"{ind} (model, 5-95 % band)")
        ax.plot(data.index, data.to_numpy(), "o", color=color, ms=4, label=f"{ind} (observed)")
    ax.plot(un.index, un.to_numpy(), "s--", color="grey", ms=3, label="UN WUP 2018 (urban %)")
    ax.plot([2029], [70], "k*", ms=10, label="plan: close to 70 % by 2029")
    ax.set_xlabel("year")
    ax.set_ylabel("%")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    resident = ts["resident_urbanization_pct"]
    rise = resident.diff()
    early = rise.loc[2021:2025].mean()
    late = rise.loc[2026:2030].mean()
    b = bands[bands["indicator"] == "resident_urbanization_pct"].set_index("year")
    sec = Section("National projection to 2035")
    sec.text.append(
        f"national_2015 with its fitted behaviour (national_2019: data 2011-2019; 2016-2019 of "
        f"this run are in sample, 2020 on out of sample), {draws} runs drawing the fitted "
        f"parameters and their own random streams (the line: the estimate itself, with the "
        f"scenario's seed; the band need not be centred on it). Mean yearly rise of the "
        f"resident rate 2020-2025: {early:.2f} points; 2025-2030: {late:.2f} points "
        f"({'no acceleration' if late <= early else 'it accelerates'}). 2029: "
        f"{resident.loc[2029]:.1f} % (band {b.loc[2029, 'p05']:.1f}-{b.loc[2029, 'p95']:.1f}) "
        "against the plan's 'close to 70 %'."
    )
    sec.figures.append(("projection.png", png_bytes(fig)))
    rows = [
        {
            "year": y,
            "resident (model)": resident.loc[y],
            "p05": b.loc[y, "p05"],
            "p50": b.loc[y, "p50"],
            "p95": b.loc[y, "p95"],
            "hukou (model)": ts.loc[y, "hukou_urbanization_pct"],
            "UN WUP 2018": un.get(y, np.nan),
        }
        for y in (2020, 2025, 2029, 2030, 2035)
    ]
    sec.tables.append(pd.DataFrame(rows))
    sec.text.append(
        "The second table is the population behind the rates (the estimate's run; millions; "
        "migrant workers: rural-hukou workers employed away from their village). Published "
        "figures after 2019 are kept out of the data file."
    )
    sec.tables.append(population_path(ts, obs))
    return sec


def population_path(ts: pd.DataFrame, obs: Observations) -> pd.DataFrame:
    """Population, births, deaths and migrant workers of a national run, with 2015-2019 data."""
    years = [y for y in (2016, 2019, 2020, 2025, 2029, 2030, 2035) if y in ts.index]
    observed = {
        "births": obs.series("CN", "births") / 100,
        "deaths": obs.series("CN", "deaths") / 100,
        "population": obs.series("CN", "total_population") / 100,
    }
    rows = []
    for y in years:
        row: dict[str, float] = {"year": y}
        for name, column in (
            ("population", "resident_population"),
            ("births", "births"),
            ("deaths", "deaths"),
        ):
            row[f"{name} (model)"] = ts.loc[y, column] / 1e6
            row[f"{name} (observed)"] = observed[name].get(y, np.nan)
        row["migrant workers (model)"] = ts.loc[y, "rural_labor_transfer_employment"] / 1e6
        row["migrant workers' mean age (model)"] = ts.loc[y, "migrant_worker_mean_age"]
        rows.append(row)
    return pd.DataFrame(rows)


def scenarios_section(n_households: int) -> Section:
    """Each seed scenario: its first year against the observed trend; later observations."""
    rows, later = [], []
    for name, region in SEED_SCENARIOS.items():
        result = run_scenario(name, [f"n_households={n_households}"])
        ts = result.timeseries.set_index("year")
        start = result.config.start_year
        observed = Observations.load(start).resident_rate(region)
        recent = observed[observed.index >= start - 3]
        trend = np.polyfit(recent.index, recent.to_numpy(), 1)[0] if len(recent) > 1 else np.nan
        rise = ts["resident_urbanization_pct"].iloc[1] - ts["resident_urbanization_pct"].iloc[0]
        rows.append(
            {
                "scenario": name,
                "behaviour": result.summary["behavior"]["status"],
                "first-year rise": rise,
                "observed trend before the start": trend,
                "difference": rise - trend,
            }
        )
        for key, t in result.summary["targets"].items():
            if t["source"].startswith("observed"):
                later.append(
                    {
                        "scenario": name,
                        "target": key,
                        "year": t["year"],
                        "observed": t["target"],
                        "model": t["achieved"],
                        "miss": t["achieved"] - t["target"],
                    }
                )
    sec = Section("Seed scenarios: the first year and the observations after the start")
    sec.text.append(
        "Each seed scenario with its own behaviour set (a regional fit on data up to its start "
        "year; Jiangmen, with no data before its start, uses the national fit to 2017). The "
        "observed trend is the least-squares slope of the region's consistent resident-rate "
        "series over the start year and the three before. The later observations were read by "
        "no fit."
    )
    sec.tables.append(pd.DataFrame(rows))
    sec.tables.append(pd.DataFrame(later))
    return sec


def validation_section() -> Section:
    """The out-of-sample table of ``experiments.validation``, as committed."""
    sec = Section("Out-of-sample validation (fit to 2016, forecast 2017-2019)")
    path = OUT_DIR / "validation.json"
    if not path.exists():
        sec.text.append("Not run yet: python -m experiments.validation")
        return sec
    results = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for name, case in results.items():
        for key in ("resident", "hukou"):
            if key in case:
                c = case[key]
                low, high = c["model_mae_p05_p95"]
                rows.append(
                    {"fit": name, "rate": key, **c["mae"], "model, 5-95 %": f"{low:.2f}-{high:.2f}"}
                    | {"model better": f"{c['model_better_share']:.0%}", "winner": c["winner"]}
                )
    sec.text.append(
        "Mean absolute error (points) of the model's forecast (the mean of its replicates) and "
        "of two naive forecasts from the same fitting years; the model's 5-95 % range and the "
        "share of bootstrap resamples of its replicates in which it beats the better naive "
        "forecast; a win where that share is at least 95 % either way, else a tie. See "
        "calibration/validation.md."
    )
    sec.tables.append(pd.DataFrame(rows))
    return sec


def write_report(draws: int = 20, n_households: int = 20000) -> list[Path]:
    """Write calibration/report.html and report.md; return their paths."""
    sections = [projection_section(draws, n_households), scenarios_section(n_households)]
    sections.append(validation_section())
    sections += [fit_section(n) for n in PRODUCTION_ORDER if (FITS_DIR / f"{n}.json").exists()]
    return list(write_sections(OUT_DIR, "Calibration report", sections))
