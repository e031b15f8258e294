"""Interactive dashboard (Mesa/Solara): choose a scenario, move the main levers, step or play.

    ./dev dashboard     # = .venv/bin/solara run model.app (a module name: run as a file path,
                        #   model/ would shadow the package), then open the URL

The sliders set existing levers (see ``docs/levers.md``) for every city of the scenario, relative
to the scenario's own values, so each scenario starts as its YAML file has it. Lever changes and
a new scenario take effect on **Reset** (Mesa's rule: the model is rebuilt from the parameters).
When a slider is moved, the scenario as it is runs beside it on the same seed and agents and is
drawn dashed: the baseline. The page follows every step, dated in years: the resident and hukou
urbanization rates and their gap; the coverage of migrant school seats, public rental housing
and residence permits; the fiscal outlays since the start; each city at the last year-end; and
a download of the run as CSV.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
import solara
from mesa.visualization.solara_viz import ModelController, ModelCreator
from mesa.visualization.utils import update_counter

from model import indicators
from model.config import CONFIG_DIR, RunConfig, compose_config
from model.dashboard_charts import fiscal_figure, rates_figure, services_figure
from model.labels import text, use_cjk_font
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
    unit: str = "% of the scenario's value"
    label_zh: str = ""
    unit_zh: str = "占现行情景数值的百分比"

    def text(self, lang: str) -> tuple[str, str]:
        """(label, unit) in ``lang``."""
        return (self.label_zh, self.unit_zh) if lang == "zh" else (self.label, self.unit)

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
        unit="months added in every city",
        label_zh="落户：增加的居住年限（月）",
        unit_zh="各城市增加的月数",
    ),
    "points_quota_pct": Slider(
        "Settling: points quota %",
        "settlement.annual_quota_persons",
        0,
        300,
        10,
        label_zh="积分落户年度名额（%）",
    ),
    "school_seats_pct": Slider(
        "Migrant school seats %",
        "schooling.migrant_school_seats",
        0,
        300,
        10,
        label_zh="随迁子女公办学位（%）",
    ),
    "public_rental_pct": Slider(
        "Public rental units %",
        "housing.public_rental_units",
        0,
        300,
        10,
        label_zh="公租房套数（%）",
    ),
    "rental_subsidy_pct": Slider(
        "Rental subsidy %",
        "housing.rental_subsidy_cny_per_month",
        0,
        300,
        10,
        label_zh="租赁补贴（%）",
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
        language: ``en`` or ``zh``: the page's labels (official Chinese terms).
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
        language: str = "en",
    ) -> None:
        levers = {
            "extra_residence_months": extra_residence_months,
            "points_quota_pct": points_quota_pct,
            "school_seats_pct": school_seats_pct,
            "public_rental_pct": public_rental_pct,
            "rental_subsidy_pct": rental_subsidy_pct,
        }
        seed = int(seed or 0)
        neutral = {name: SLIDERS[name].neutral for name in levers}
        as_it_is = dashboard_config(scenario_name, int(n_households), seed, neutral)
        moved = levers != neutral
        # Both runs start from the scenario as it is; the sliders take effect in the start year
        # (as in ./dev compare), so the two differ only by what the levers do from then on.
        super().__init__(
            as_it_is,
            policy=dashboard_config(scenario_name, int(n_households), seed, levers)
            if moved
            else None,
        )
        self.levers = levers
        self.language = "zh" if language == "zh" else "en"
        if self.language == "zh":
            use_cjk_font()
        self.baseline: SettlementModel | None = SettlementModel(as_it_is) if moved else None
        # What the sliders' units and seats cost to build on adoption (the start row's flows).
        self.outlay_since_start_cny = self.indicators["fiscal_outlay_cny"]
        self.history: list[dict[str, float]] = [self._snapshot()]

    def step(self) -> None:
        """One model step (and the baseline's), then one history row.

        The year's outlay is read before the year-end resets it.
        """
        outlay_before = indicators.year_to_date_outlay_cny(self.world)
        if self.baseline is not None:
            self.baseline.step()
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
        base = values if self.baseline is None else indicators.compute(self.baseline.world)
        return {
            "time_years": self.cfg.start_year + self.world.month / 12,  # float: a step's end
            "baseline_resident_pct": base["resident_urbanization_pct"],
            "baseline_hukou_pct": base["hukou_urbanization_pct"],
            "baseline_gap_pp": base["gap_pp"],
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


@solara.component
def Headline(model: DashboardModel) -> None:
    """The latest values in words (also what a screen reader or a test reads)."""
    update_counter.get()
    last, lang = model.history[-1], model.language
    solara.Markdown(
        f"**{model.cfg.scenario_name}**, <span id='time'>{last['time_years']:.2f}</span>: "
        f"{text('resident_urbanization_pct', lang)} "
        f"<span id='resident'>{last['resident_pct']:.2f}</span> %, "
        f"{text('hukou_urbanization_pct', lang)} "
        f"<span id='hukou'>{last['hukou_pct']:.2f}</span> %, "
        f"{text('gap_pp', lang)} <span id='gap'>{last['gap_pp']:.2f}</span> {text('pp', lang)}; "
        f"{text('outlays_since_start', lang)} "
        f"{last['outlay_since_start_cny_million']:,.0f} {text('million_cny', lang)}"
    )


def _years(model: DashboardModel) -> tuple[int, int]:
    return model.cfg.start_year, model.cfg.end_year


@solara.component
def RatesChart(model: DashboardModel) -> None:
    """Resident and hukou urbanization (%) and the gap between them (pp), step by step."""
    update_counter.get()
    figure = rates_figure(model.history, _years(model), model.baseline is not None, model.language)
    solara.FigureMatplotlib(figure, format="svg")


@solara.component
def ServicesChart(model: DashboardModel) -> None:
    """Use of migrant school seats and public rental units, and residence-permit coverage (%)."""
    update_counter.get()
    figure = services_figure(model.history, _years(model), model.language)
    solara.FigureMatplotlib(figure, format="svg")


@solara.component
def FiscalChart(model: DashboardModel) -> None:
    """Fiscal outlays of all levers since the start (million CNY)."""
    update_counter.get()
    figure = fiscal_figure(model.history, _years(model), model.language)
    solara.FigureMatplotlib(figure, format="svg")


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
            "label": f"{s.label} · {s.label_zh}",
        }
    params["language"] = {
        "type": "Select",
        "value": "en",
        "values": ["en", "zh"],
        "label": "Labels · 标签语言 (en / zh)",
    }
    return params


@solara.component
def LeverValues(model: DashboardModel) -> None:
    """The slider values this run uses, with their units."""
    update_counter.get()
    lang = model.language
    lines = []
    for name, value in model.levers.items():
        label, unit = SLIDERS[name].text(lang)
        lines.append(f"- {label}: **{value:g}** ({unit})")
    state = text("as_it_is" if model.baseline is None else "dashed_as_it_is", lang)
    solara.Markdown(f"{text('levers_of_run', lang)} ({state}):\n\n" + "\n".join(lines))


CITY_HEADINGS = (
    "residents",
    "hukou_share_of_residents_pct",
    "settled_in_year",
    "pupils_seats",
    "rental_let_units",
    "waiting_households",
)


@solara.component
def CityTable(model: DashboardModel) -> None:
    """Each city at the last year-end."""
    update_counter.get()
    lang = model.language
    table = model.city_table()
    last = table[table["year"] == table["year"].max()]
    headings = " | ".join(text(h, lang) for h in CITY_HEADINGS)
    rows = [f"| {text('city', lang)} ({int(last['year'].iloc[0])}) | {headings} |"]
    rows.append("|---" * (len(CITY_HEADINGS) + 1) + "|")
    for r in last.itertuples():
        rows.append(
            f"| {r.city} | {r.residents:,.0f} | {r.hukou_share_of_residents_pct:.1f} | "
            f"{r.settled_persons:,.0f} | {r.migrant_children_in_school:,.0f} / "
            f"{r.migrant_school_seats:,.0f} | {r.public_rental_occupied:,.0f} / "
            f"{r.public_rental_units:,.0f} | {r.public_rental_waiting:,.0f} |"
        )
    solara.Markdown("\n".join(rows))


def history_csv(model: DashboardModel) -> bytes:
    """The run so far, one row per step, with the slider values (what the download holds)."""
    table = pd.DataFrame(model.history).assign(scenario=model.cfg.scenario_name, **model.levers)
    if model.baseline is None:  # no baseline ran: no baseline columns
        table = table.drop(columns=[c for c in table.columns if c.startswith("baseline_")])
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


@solara.component
def Download(model: DashboardModel) -> None:
    """A CSV of the run so far."""
    update_counter.get()
    solara.FileDownload(
        lambda: history_csv(model),
        filename=f"{model.cfg.scenario_name}_seed{model.cfg.seed}.csv",
        label=text("download_csv", model.language),
    )


@solara.component
def Page() -> None:
    """The dashboard page; each browser session gets a model of its own.

    Mesa's run controls (reset, play, step) and parameter inputs, without the controls that do
    nothing here (render interval, threads, the step counter: the page dates in years).
    """
    model = solara.use_reactive(solara.use_memo(DashboardModel, dependencies=[]))
    parameters = solara.use_reactive({})
    with solara.AppBar():
        solara.AppBarTitle("Hukou settlement policy")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ModelController(
                model,
                model_parameters=parameters,
                play_interval=solara.use_reactive(300),  # ms between steps when playing
                render_interval=solara.use_reactive(1),
                use_threads=solara.use_reactive(False),
            )
        with solara.Card("Scenario and levers"):
            ModelCreator(model, model_params(), model_parameters=parameters)
    with solara.Column():
        for component in (Headline, RatesChart, LeverValues, CityTable, ServicesChart):
            component(model.value)
        FiscalChart(model.value)
        Download(model.value)
