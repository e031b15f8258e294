"""Interactive dashboard (Mesa SolaraViz): choose a scenario, move the main levers, step or play.

    ./dev dashboard     # = .venv/bin/solara run model.app (a module name: run as a file path,
                        #   model/ would shadow the package), then open the URL

The sliders set existing levers (see ``docs/levers.md``) for every city of the scenario, relative
to the scenario's own values, so each scenario starts as its YAML file has it. Lever changes and
a new scenario take effect on **Reset** (Mesa's rule: the model is rebuilt from the parameters).
The charts follow every step: the resident and hukou urbanization rates and their gap; the
coverage of migrant school seats, public rental housing and residence permits; and the fiscal
outlays since the start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import solara
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from model import indicators
from model.config import CONFIG_DIR, RunConfig, compose_config
from model.model import SettlementModel

SCENARIOS = sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))


@dataclass(frozen=True)
class Slider:
    """A dashboard slider and the lever it sets in every city (``cities.<name>.<key>``).

    Percent sliders scale each city's value from the scenario (100 = as in the scenario).
    """

    label: str
    key: str
    low: float
    high: float
    step: float
    additive: bool = False  # add the slider value (else: percent of the scenario's value)

    @property
    def neutral(self) -> float:
        """The slider value that leaves the scenario as it is."""
        return 0.0 if self.additive else 100.0


# Each slider sets one lever (its seed clauses are in docs/levers.md under the key).
SLIDERS: dict[str, Slider] = {
    "extra_residence_months": Slider(
        "Settling: extra months of residence",
        "settlement.min_residence_months",
        0,
        60,
        6,
        additive=True,
    ),
    "points_quota_pct": Slider(
        "Settling: points quota %", "settlement.annual_quota_persons", 0, 300, 10
    ),
    "school_seats_pct": Slider(
        "Migrant school seats %", "schooling.migrant_school_seats", 0, 300, 10
    ),
    "public_rental_pct": Slider("Public rental units %", "housing.public_rental_units", 0, 300, 10),
    "rental_subsidy_pct": Slider(
        "Rental subsidy %", "housing.rental_subsidy_cny_per_month", 0, 300, 10
    ),
}
_NO_QUOTA = 1e9  # annual_quota_persons of a city without a quota


def dashboard_config(
    scenario_name: str, n_households: int, seed: int, levers: dict[str, float]
) -> RunConfig:
    """The scenario with ``n_households`` agents and the slider values applied to every city."""
    base = compose_config([f"scenario={scenario_name}"])
    overrides = [f"scenario={scenario_name}", f"n_households={n_households}", f"seed={seed}"]
    for name, value in levers.items():
        slider = SLIDERS[name]
        if value == slider.neutral:
            continue
        section, field = slider.key.split(".")
        for city_name, city in base.cities.items():
            current = getattr(getattr(city, section), field)
            if slider.key == "settlement.annual_quota_persons" and current >= _NO_QUOTA:
                continue  # no quota to scale
            new = current + value if slider.additive else current * value / 100
            overrides.append(f"cities.{city_name}.{slider.key}={new!r}")
    return compose_config(overrides)


class DashboardModel(SettlementModel):
    """The settlement model with keyword parameters for the sliders and a per-step history.

    Args:
        scenario_name: A scenario file in ``configs/scenario``.
        n_households: Household agents (a small number keeps the dashboard responsive).
        seed: Seed of the run (``None``, as Mesa's ``batch_run`` passes without seeds: 0).
        extra_residence_months, points_quota_pct, school_seats_pct, public_rental_pct,
        rental_subsidy_pct: Slider values, see :data:`SLIDERS`.
    """

    def __init__(
        self,
        scenario_name: str = "demo",
        n_households: int = 4000,
        seed: int | None = 0,
        extra_residence_months: float = 0,
        points_quota_pct: float = 100,
        school_seats_pct: float = 100,
        public_rental_pct: float = 100,
        rental_subsidy_pct: float = 100,
    ) -> None:
        levers = {
            "extra_residence_months": extra_residence_months,
            "points_quota_pct": points_quota_pct,
            "school_seats_pct": school_seats_pct,
            "public_rental_pct": public_rental_pct,
            "rental_subsidy_pct": rental_subsidy_pct,
        }
        super().__init__(dashboard_config(scenario_name, int(n_households), int(seed or 0), levers))
        self.outlay_since_start_cny = 0.0
        self.history: list[dict[str, float]] = [self._snapshot()]

    def step(self) -> None:
        """One model step, then one history row (the year's outlay is read before it resets)."""
        outlay_before = indicators.year_to_date_outlay_cny(self.world)
        super().step()
        closed_year = self.world.month % 12 == 0
        outlay_after = (
            self.indicators["fiscal_outlay_cny"]  # the year's total, collected before the reset
            if closed_year
            else indicators.year_to_date_outlay_cny(self.world)
        )
        self.outlay_since_start_cny += outlay_after - outlay_before
        self.history.append(self._snapshot())

    def _snapshot(self) -> dict[str, float]:
        values = indicators.compute(self.world)
        return {
            "time_years": self.cfg.start_year + self.world.month / 12,  # float: a step's end
            "resident_pct": values["resident_urbanization_pct"],
            "hukou_pct": values["hukou_urbanization_pct"],
            "gap_pp": values["gap_pp"],
            "school_seats_used_pct": _pct(
                values["migrant_children_in_school"], values["migrant_school_seats"]
            ),
            "public_rental_let_pct": _pct(
                values["public_rental_occupied"], values["public_rental_units"]
            ),
            "permit_coverage_pct": values["residence_permit_coverage_pct"],
            "outlay_since_start_cny_million": self.outlay_since_start_cny / 1e6,
        }


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0


def _series(model: DashboardModel, column: str) -> list[float]:
    return [row[column] for row in model.history]


@solara.component
def Headline(model: DashboardModel) -> None:
    """The latest values in words (also what a screen reader or a test reads)."""
    update_counter.get()
    last = model.history[-1]
    solara.Markdown(
        f"**{model.cfg.scenario_name}**, <span id='time'>{last['time_years']:.2f}</span>: "
        f"resident <span id='resident'>{last['resident_pct']:.2f}</span> %, "
        f"hukou <span id='hukou'>{last['hukou_pct']:.2f}</span> %, "
        f"gap <span id='gap'>{last['gap_pp']:.2f}</span> pp; "
        f"outlays since the start {last['outlay_since_start_cny_million']:,.0f} million CNY"
    )


def _chart(
    model: DashboardModel, title: str, height: float, draw: Callable[[Axes, list[float]], None]
) -> None:
    """Render one chart over the model's history: ``draw(ax, times)`` plots the series."""
    fig = Figure(figsize=(6, height))
    ax = fig.add_subplot()
    draw(ax, _series(model, "time_years"))
    ax.set_title(title)
    ax.set_xlim(model.cfg.start_year, max(model.cfg.end_year, model.history[-1]["time_years"]))
    ax.set_xlabel("year")
    fig.tight_layout()
    solara.FigureMatplotlib(fig, format="svg")


@solara.component
def RatesChart(model: DashboardModel) -> None:
    """Resident and hukou urbanization (%) and the gap between them (pp), step by step."""
    update_counter.get()

    def draw(ax: Axes, t: list[float]) -> None:
        ax.plot(t, _series(model, "resident_pct"), ".-", label="resident", gid="resident")
        ax.plot(t, _series(model, "hukou_pct"), ".-", label="hukou", gid="hukou")
        ax.set_ylabel("urbanization, % of population")
        gap_ax = ax.twinx()  # the gap gets its own scale; its line carries the SVG id "gap"
        gap_ax.plot(t, _series(model, "gap_pp"), ".--", color="C3", label="gap (right)", gid="gap")
        gap_ax.set_ylabel("gap (percentage points)")
        ax.legend(handles=[*ax.get_lines(), *gap_ax.get_lines()], loc="center right", fontsize=8)

    _chart(model, "Urbanization rates and the gap", 3.4, draw)


@solara.component
def ServicesChart(model: DashboardModel) -> None:
    """Use of migrant school seats and public rental units, and residence-permit coverage (%)."""
    update_counter.get()

    def draw(ax: Axes, t: list[float]) -> None:
        ax.plot(t, _series(model, "school_seats_used_pct"), label="school seats used")
        ax.plot(t, _series(model, "public_rental_let_pct"), label="public rental units let")
        ax.plot(t, _series(model, "permit_coverage_pct"), label="non-hukou households w/ permit")
        ax.set_ylim(0, 105)
        ax.set_ylabel("%")
        ax.legend(fontsize=8)

    _chart(model, "Services coverage", 3.0, draw)


@solara.component
def FiscalChart(model: DashboardModel) -> None:
    """Fiscal outlays of all levers since the start (million CNY)."""
    update_counter.get()

    def draw(ax: Axes, t: list[float]) -> None:
        ax.plot(t, _series(model, "outlay_since_start_cny_million"))
        ax.set_ylabel("million CNY")

    _chart(model, "Fiscal outlays since the start", 2.6, draw)


def model_params() -> dict[str, object]:
    """SolaraViz inputs: scenario, agents, seed and the lever sliders."""
    params: dict[str, object] = {
        "scenario_name": {
            "type": "Select",
            "value": "demo",
            "values": SCENARIOS,
            "label": "Scenario",
        },
        "n_households": {
            "type": "SliderInt",
            "value": 4000,
            "min": 1000,
            "max": 40000,
            "step": 1000,
            "label": "Household agents",
        },
        "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    }
    for name, s in SLIDERS.items():
        params[name] = {
            "type": "SliderInt",
            "value": int(s.neutral),
            "min": int(s.low),
            "max": int(s.high),
            "step": int(s.step),
            "label": s.label,
        }
    return params


@solara.component
def Page() -> None:
    """The dashboard page; each browser session gets a model of its own."""
    model = solara.use_memo(DashboardModel, dependencies=[])
    SolaraViz(
        model,
        components=[(Headline, 0), (RatesChart, 0), (ServicesChart, 0), (FiscalChart, 0)],
        model_params=model_params(),
        name="Hukou settlement policy",
        play_interval=300,
    )
