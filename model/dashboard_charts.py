"""The dashboard's charts as plain matplotlib figures over a run's step history, in either language.

Each function takes the history rows of :class:`model.app.DashboardModel` (one dict per step)
and returns a :class:`~matplotlib.figure.Figure`; the dashboard shows them as SVG, in which the
lines keep their ids (``gap``, ``baseline_gap``) for the browser test to read.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from model.labels import text

History = list[dict[str, float]]


def series(history: History, column: str) -> list[float]:
    """One column of the history, step by step."""
    return [row[column] for row in history]


def chart(
    history: History,
    years: tuple[int, int],
    title: str,
    height: float,
    draw: Callable[[Axes, list[float]], None],
    lang: str,
) -> Figure:
    """A chart over the history from ``years[0]`` to ``years[1]``; ``draw(ax, times)`` plots."""
    fig = Figure(figsize=(6, height))
    ax = fig.add_subplot()
    draw(ax, series(history, "time_years"))
    ax.set_title(title)
    ax.set_xlim(years[0], max(years[1], history[-1]["time_years"]))
    ax.set_xlabel(text("year", lang))
    fig.tight_layout()
    return fig


def rates_figure(
    history: History, years: tuple[int, int], with_baseline: bool, lang: str = "en"
) -> Figure:
    """Resident and hukou urbanization (%) and their gap (pp); the baseline dashed if any."""

    def draw(ax: Axes, t: list[float]) -> None:
        resident = text("resident_urbanization_pct", lang)
        hukou = text("hukou_urbanization_pct", lang)
        ax.plot(t, series(history, "resident_pct"), ".-", label=resident, gid="resident")
        ax.plot(t, series(history, "hukou_pct"), ".-", label=hukou, gid="hukou")
        ax.set_ylabel(text("rate_axis", lang))
        gap_ax = ax.twinx()  # the gap gets its own scale; its line carries the SVG id "gap"
        gap = f"{text('gap_pp', lang)} ({text('right_axis', lang)})"
        gap_ax.plot(t, series(history, "gap_pp"), ".-", color="C3", label=gap, gid="gap")
        if with_baseline:  # the scenario as it is, same seed and agents: dashed
            for column, color in (("resident", "C0"), ("hukou", "C1")):
                ax.plot(t, series(history, f"baseline_{column}_pct"), "--", color=color, lw=1)
            gap_ax.plot(
                t, series(history, "baseline_gap_pp"), "--", color="C3", lw=1,
                label=text("baseline_dashed", lang), gid="baseline_gap",
            )  # fmt: skip
        gap_ax.set_ylabel(text("gap_axis", lang))
        lines = [ln for ln in (*ax.get_lines(), *gap_ax.get_lines()) if ln.get_label()[0] != "_"]
        ax.legend(handles=lines, loc="center right", fontsize=8)

    return chart(history, years, text("rates_chart", lang), 3.4, draw, lang)


def services_figure(history: History, years: tuple[int, int], lang: str = "en") -> Figure:
    """Use of migrant school seats and public rental units, and residence-permit coverage (%)."""

    def draw(ax: Axes, t: list[float]) -> None:
        for column in ("school_seats_used_pct", "public_rental_let_pct", "permit_coverage_pct"):
            ax.plot(t, series(history, column), label=text(column, lang))
        ax.set_ylim(0, 105)
        ax.set_ylabel("%")
        ax.legend(fontsize=8)

    return chart(history, years, text("services_chart", lang), 3.0, draw, lang)


def fiscal_figure(history: History, years: tuple[int, int], lang: str = "en") -> Figure:
    """Fiscal outlays of all levers since the start (million CNY)."""

    def draw(ax: Axes, t: list[float]) -> None:
        ax.plot(t, series(history, "outlay_since_start_cny_million"))
        ax.set_ylabel(text("million_cny", lang))

    return chart(history, years, text("fiscal_chart", lang), 2.6, draw, lang)
