"""Reports of a policy comparison (:mod:`experiments.compare`): text, Markdown and HTML.

Every effect is signed and shown with its 90 % interval; where the interval covers zero the
text says "no measurable effect" instead of quoting a number or dividing by it.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.report_text import SENTENCES, say
from model.labels import text, use_cjk_font
from model.outputs import atomic_write

# headline quantity: (label, unit); the labels in Chinese are in model.labels (key "cmp_<name>")
LABELS = {
    "extra_persons_settled": ("extra persons settled (cumulative)", "persons"),
    "gap_points_closed": ("gap closed at the end year", "points"),
    "hukou_rate_change_pp": ("hukou rate change at the end year", "points"),
    "resident_rate_change_pp": ("resident rate change at the end year", "points"),
    "extra_public_rental_units_built": ("public rental units built (cumulative)", "units"),
    "extra_school_seats_built": ("school places built (cumulative)", "places"),
    "cumulative_gross_outlay_cny": ("cumulative gross outlay", "CNY"),
    "cumulative_net_outlay_cny": ("cumulative net outlay (after transfers and land quota)", "CNY"),
    "net_outlay_per_extra_settled_person_cny": ("net outlay per extra settled person", "yuan"),
    "net_outlay_per_gap_point_closed_cny": ("net outlay per point of gap closed", "CNY"),
}


def _scaled(x: float, unit: str, lang: str = "en") -> tuple[float, str, str]:
    """(scaled value, unit text, format) for one quantity's figures."""
    if unit == "CNY":  # totals, in 亿元
        return x / 1e8, say("cmp_CNY", lang), "{:+,.2f}"
    if unit == "yuan":  # per person: a few thousand to a few hundred thousand CNY
        return x, say("cmp_yuan", lang), "{:+,.0f}"
    if unit == "points":
        return x, say("cmp_points", lang), "{:+.2f}"
    return x, say(f"cmp_{unit}", lang) if f"cmp_{unit}" in SENTENCES else unit, "{:+,.0f}"


def effect_text(stat: dict[str, Any], unit: str, lang: str = "en") -> str:
    """'+1.23 points (90 %: +0.80 to +1.70)' or 'no measurable effect (90 %: ...)'."""
    if "verdict" in stat:
        return stat["verdict"] if lang != "zh" else _verdict_zh(stat["verdict"])
    _, label, fmt = _scaled(0.0, unit, lang)
    lo, hi, mean = (fmt.format(_scaled(stat[k], unit)[0]) for k in ("p05", "p95", "mean"))
    span = f"90 %: {lo} {say('cmp_to', lang)} {hi}"
    if not stat["measurable"]:
        return f"{say('cmp_none', lang)} ({span} {label})"
    return f"{mean} {label} ({span})"


def _verdict_zh(verdict: str) -> str:
    """The headline's 'not computed' verdicts in Chinese."""
    if "no measurable effect" in verdict:
        return "未计算：效果不可测"
    if "lowers" in verdict:
        return "未计算：该政策使其下降"
    return verdict


def _reached_zh(verdict: str) -> str:
    """'by 2024' / 'not by 2030' in Chinese."""
    year = verdict.split()[-1]
    return f"{year}年前未达到" if verdict.startswith("not") else f"{year}年达到"


def headline_rows(document: dict[str, Any], lang: str = "en") -> list[tuple[str, str]]:
    """(label, text) for each headline quantity, in a fixed order."""
    head = document["headline"]
    return [
        (text(f"cmp_{key}", lang) if lang == "zh" else label, effect_text(head[key], unit, lang))
        for key, (label, unit) in LABELS.items()
    ]


def target_rows(document: dict[str, Any], lang: str = "en") -> list[tuple[str, str, str]]:
    """(target, baseline, policy): share of replicates meeting it, and by which year."""
    rows = []
    for name, t in document["targets"].items():
        if t["baseline_met_share"] is None:
            continue

        def side(share: float, first: dict[str, Any]) -> str:
            if lang == "zh":
                return f"{share:.0%} 的重复运行达标；中位数：{_reached_zh(first['verdict'])}"
            return f"met in {share:.0%} of replicates; reached {first['verdict']}"

        rows.append(
            (
                name,
                side(t["baseline_met_share"], t["baseline_first_year"]),
                side(t["policy_met_share"], t["policy_first_year"]),
            )
        )
    return rows


def headline_text(document: dict[str, Any]) -> str:
    """Plain-text headline for the terminal."""
    lines = [
        f"{document['scenario']}: policy {' '.join(document['policy'])} against the baseline, "
        f"{document['replicates']} replicates"
    ]
    lines += [f"  {label}: {text}" for label, text in headline_rows(document)]
    for name, base, pol in target_rows(document):
        lines.append(f"  target {name}: baseline {base}; policy {pol}")
    return "\n".join(lines)


def markdown(document: dict[str, Any], table: pd.DataFrame, lang: str = "en") -> str:
    """The comparison as a Markdown report (``lang="zh"``: in Chinese; keys stay as they are)."""
    land = document["land_quota_valuation"]
    base, pol = text("baseline", lang), text("policy", lang)
    as_configured = say("cmp_as_configured", lang)
    end = table[table["year"] == table["year"].max()]
    lines = [
        f"# {document['scenario']}: {say('cmp_title', lang)}",
        "",
        say(
            "cmp_sides",
            lang,
            policy=" ".join(document["policy"]),
            baseline=" ".join(document["baseline"]) or as_configured,
            both=" ".join(document["overrides"]) or as_configured,
            n=document["replicates"],
            interval=document["interval"] if lang != "zh" else say("cmp_interval", lang),
        ),
        say("cmp_net", lang, cny=land["cny_per_m2"], source=land["source"]),
        "",
        f"| {say('cmp_quantity', lang)} | {say('cmp_effect', lang)} |",
        "|---|---|",
        *[f"| {label} | {effect} |" for label, effect in headline_rows(document, lang)],
    ]
    rows = target_rows(document, lang)
    if rows:
        lines += ["", f"| {say('cmp_target', lang)} | {base} | {pol} |", "|---|---|---|"]
        lines += [f"| {name} | {b} | {p} |" for name, b, p in rows]
    lines += ["", say("cmp_end_year", lang, year=int(end["year"].iloc[0])), ""]
    lines += [say("cmp_end_header", lang), "|---|---|---|---|---|"]
    to = say("cmp_to", lang)
    for r in end.itertuples():
        lines.append(
            f"| {r.indicator} | {r.baseline_mean:,.2f} | {r.policy_mean:,.2f} | "
            f"{r.diff_mean:+,.2f} | {r.diff_p05:+,.2f} {to} {r.diff_p95:+,.2f} |"
        )
    return "\n".join(lines) + "\n"


def figure_png(table: pd.DataFrame, lang: str = "en") -> bytes:
    """Rates (baseline dashed, policy solid) and the gap difference with its interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if lang == "zh":
        use_cjk_font()
    base, pol = text("baseline", lang), text("policy", lang)
    fig, (rates, diff) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for name, color in (
        ("resident_urbanization_pct", "tab:blue"),
        ("hukou_urbanization_pct", "tab:orange"),
    ):
        t, label = table[table["indicator"] == name], text(name, lang)
        rates.plot(t["year"], t["baseline_mean"], ls="--", color=color, label=f"{label}, {base}")
        rates.plot(t["year"], t["policy_mean"], color=color, label=f"{label}, {pol}")
    rates.set_ylabel(text("rate_axis", lang))
    rates.legend(fontsize=8)
    rates.grid(alpha=0.3)
    for name, color in (("gap_pp", "tab:red"), ("hukou_urbanization_pct", "tab:orange")):
        t, label = table[table["indicator"] == name], text(name, lang)
        diff.fill_between(t["year"], t["diff_p05"], t["diff_p95"], color=color, alpha=0.2, lw=0)
        diff.plot(
            t["year"],
            t["diff_mean"],
            color=color,
            label=f"{label}: {text('policy_minus_baseline', lang)}",
        )
    diff.axhline(0, color="black", lw=0.8)
    diff.set_ylabel(text("difference_axis", lang))
    diff.set_xlabel(text("year_axis", lang))
    diff.legend(fontsize=8)
    diff.grid(alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def write_reports(
    document: dict[str, Any], table: pd.DataFrame, out_dir: Path, lang: str = "en"
) -> None:
    """Write compare.md and a self-contained compare.html (the figure embedded)."""
    report = markdown(document, table, lang)
    atomic_write(out_dir / "compare.md", lambda tmp: tmp.write_text(report, encoding="utf-8"))
    image = base64.b64encode(figure_png(table, lang)).decode("ascii")
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(document['scenario'])}: policy against baseline</title></head>"
        f"<body><pre style='white-space:pre-wrap'>{html.escape(report)}</pre>"
        f"<img alt='rates and differences' src='data:image/png;base64,{image}'></body></html>"
    )
    atomic_write(out_dir / "compare.html", lambda tmp: tmp.write_text(page, encoding="utf-8"))
