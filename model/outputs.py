"""Run outputs: timeseries.csv, summary.json and urbanization.png, each written atomically.

A file appears under its final name only once it is complete (written to a temporary name in
the same directory, then renamed). ``summary.json`` is written last: its presence marks a run
whose outputs are all complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from model.labels import Language, text, use_cjk_font

TIMESERIES_FILE = "timeseries.csv"
CITIES_FILE = "cities.csv"
SUMMARY_FILE = "summary.json"
BANDS_FILE = "bands.csv"
PLOT_FILE = "urbanization.png"
RESIDENT, HUKOU = "resident_urbanization_pct", "hukou_urbanization_pct"


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` and rename the result to ``path`` once it is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; files are for colleagues too
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_timeseries(df: pd.DataFrame, path: Path) -> None:
    """Write a yearly table as CSV with a fixed float format (byte-stable across runs)."""
    atomic_write(path, lambda tmp: df.to_csv(tmp, index=False, float_format="%.10g"))


def write_json(data: dict[str, Any], path: Path) -> None:
    """Write a JSON document."""

    def dump(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    atomic_write(path, dump)


def plot_urbanization(
    df: pd.DataFrame,
    path: Path,
    title: str,
    bands: pd.DataFrame | None = None,
    lang: Language = Language.en,
    targets: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Plot the resident and hukou urbanization rates and their gap, by year.

    With ``bands`` (see :mod:`model.uncertainty`), the 5-95 % band is shaded behind each line.
    With ``targets`` (scored, as in ``summary.json``), observations of the rates and the gap are
    drawn as black crosses and goals as triangles (pointing up: at least; down: at most).
    With ``lang`` zh the labels are Chinese, drawn with the bundled CJK font.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if lang is Language.zh:
        use_cjk_font()

    fig, (rates, gap) = plt.subplots(
        2, 1, figsize=(7, 6), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
    )

    def band(ax, indicator: str, color: str) -> None:
        if bands is None:
            return
        b = bands[bands["indicator"] == indicator]
        ax.fill_between(b["year"], b["p05"], b["p95"], color=color, alpha=0.2, lw=0)

    band(rates, "resident_urbanization_pct", "tab:blue")
    band(rates, "hukou_urbanization_pct", "tab:orange")
    band(gap, "gap_pp", "tab:red")
    rates.plot(df["year"], df["resident_urbanization_pct"], marker="o", label=text(RESIDENT, lang))
    rates.plot(df["year"], df["hukou_urbanization_pct"], marker="s", label=text(HUKOU, lang))
    band_note = f"; {text('band', lang)}" if bands is not None else ""
    rates.set_ylabel(text("rate_axis", lang) + band_note)
    rates.set_title(title)
    rates.legend()
    rates.grid(alpha=0.3)
    gap.plot(df["year"], df["gap_pp"], color="tab:red", marker="o")
    for ax, indicators in ((rates, (RESIDENT, HUKOU)), (gap, ("gap_pp",))):
        _mark_targets(ax, targets or {}, indicators, lang)
    if targets and any(t["indicator"] in (RESIDENT, HUKOU) for t in targets.values()):
        rates.legend()
    if targets and any(t["indicator"] == "gap_pp" for t in targets.values()):
        gap.legend()
    gap.set_ylabel(text("gap_axis", lang))
    gap.set_xlabel(text("year_axis", lang))
    gap.grid(alpha=0.3)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=100))
    plt.close(fig)


def _mark_targets(ax: Any, targets: dict[str, dict[str, Any]], indicators, lang) -> None:
    """Observations (near) as crosses, goals as triangles, for the given indicators."""
    style = {"near": ("x", "observed"), "at_least": ("^", "target"), "at_most": ("v", "target")}
    labelled: set[str] = set()
    for t in targets.values():
        if t["indicator"] not in indicators or t["cumulative"]:
            continue
        marker, kind = style[t["comparison"]]
        label = text(kind, lang) if kind not in labelled else None
        labelled.add(kind)
        ax.plot([t["year"]], [t["target"]], marker=marker, color="black", ls="", ms=8, label=label)


def format_table(df: pd.DataFrame) -> str:
    """A short text table of the headline indicators, one line per year."""
    cols = {
        "year": "year",
        "resident_urbanization_pct": "resident %",
        "hukou_urbanization_pct": "hukou %",
        "gap_pp": "gap pp",
        "settled_persons": "settled",
        "children_left_behind": "left behind",
    }
    table = df[list(cols)].rename(columns=cols)
    return table.to_string(
        index=False,
        formatters={
            "resident %": "{:.2f}".format,
            "hukou %": "{:.2f}".format,
            "gap pp": "{:.2f}".format,
            "settled": "{:,.0f}".format,
            "left behind": "{:,.0f}".format,
        },
    )


def format_targets(scored: dict[str, dict[str, Any]]) -> str:
    """A short text table of the scored targets."""
    symbol = {"at_most": "<=", "at_least": ">=", "near": "~"}
    lines = ["targets:"]
    for name, t in scored.items():
        achieved = "n/a" if t["achieved"] is None else f"{t['achieved']:,.2f}"
        verdict = {True: "met", False: "MISSED", None: "not scored"}[t["met"]]
        if t["met"] is not None and "first_year_met" in t:
            first = t["first_year_met"]
            verdict += f" (first met {first})" if first else f" (not by {t['last_year']})"
        total = "cumulative " if t["cumulative"] else ""
        within = f" ± {t['tolerance']:g}" if t["comparison"] == "near" else ""
        lines.append(
            f"  {name}: {total}{t['indicator']} {t['year']} {symbol[t['comparison']]} "
            f"{t['target']:,.2f}{within} -> {achieved}  {verdict}"
        )
    return "\n".join(lines)
