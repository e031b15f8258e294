"""Sweep report: ``python -m experiments.report SWEEP_DIR``.

Writes ``SWEEP_DIR/report.html`` (one self-contained file, figures embedded) and
``SWEEP_DIR/report.md`` (figures in ``SWEEP_DIR/figures/``): the design; gap trajectories with
replicate bands; the final gap against each swept lever; target attainment; sensitivity indices
as a tornado chart; and fiscal cost against gap reduction (which lever buys a point of gap
cheapest). Collects the sweep first if its tables are missing or older than its runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import sensitivity
from experiments.collect import (
    AGGREGATE_FILE,
    BOOKKEEPING,
    RUNS_FILE,
    collect,
    find_runs,
    numeric_keys,
    point_means,
)
from experiments.design import DESIGN_FILE, SPEC_FILE, Parameter, declared_range, read_spec
from experiments.report_render import Section, png_bytes, pyplot, write_sections
from experiments.report_text import localize, say
from model.labels import text, use_cjk_font

MAX_BANDS = 8  # points drawn with their own replicate band


def short(key: str) -> str:
    """A lever key without its leading sections, for axis labels."""
    parts = key.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else key


def load(sweep_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(runs, aggregate, swept keys), collecting first when the tables are stale."""
    runs_path = sweep_dir / RUNS_FILE
    found = find_runs(sweep_dir)
    if not found:
        raise FileNotFoundError(
            f"{sweep_dir}: no complete runs (no summary.json) under it; run the sweep first"
        )
    newest_run = max((d / "summary.json").stat().st_mtime for d in found)
    if not runs_path.exists() or runs_path.stat().st_mtime < newest_run:
        collect(sweep_dir)
    runs = pd.read_csv(runs_path)
    aggregate = pd.read_csv(sweep_dir / AGGREGATE_FILE)
    agg_keys = [
        c
        for c in aggregate.columns
        if c not in ("point", "year", "replicates") and not c.endswith(("_mean", "_p05", "_p95"))
    ]
    return runs, aggregate, agg_keys


def design_section(
    sweep_dir: Path, runs: pd.DataFrame, keys: list[str], lang: str = "en"
) -> Section:
    sec = Section(text("Design", lang))
    if (sweep_dir / SPEC_FILE).exists():
        spec = read_spec(sweep_dir)
        sec.text.append(
            say(
                "design_spec",
                lang,
                scenario=spec.scenario,
                method=spec.method,
                points=runs["point"].nunique(),
                replicates=spec.replicates,
                runs=len(runs),
                overrides=", ".join(spec.overrides) or say("none", lang),
            )
        )
        sec.tables.append(
            pd.DataFrame(
                [
                    {
                        "lever": p.key,
                        **dict(zip(("swept low", "swept high"), swept_range(p), strict=True)),
                        "swept levels": "" if p.levels is None else ", ".join(map(str, p.levels)),
                        "declared range (allowed)": declared_text(p.key),
                    }
                    for p in spec.parameters
                ]
            )
        )
    else:
        sec.text.append(
            say(
                "design_multirun",
                lang,
                settings=runs["point"].nunique(),
                runs=len(runs),
                keys=", ".join(keys) or say("none", lang),
            )
        )
    points = runs.groupby("point")[keys].first().reset_index() if keys else None
    if points is not None and len(points) <= 40:
        sec.tables.append(points)
    return sec


def swept_range(p: Parameter) -> tuple[Any, Any]:
    """Lowest and highest value swept: of the levels where there are levels, else the range
    sampled (blank for levels that are not numbers)."""
    if p.levels is None:
        return ("" if p.low is None else p.low), ("" if p.high is None else p.high)
    numbers = [v for v in p.levels if isinstance(v, int | float) and not isinstance(v, bool)]
    return (min(numbers), max(numbers)) if numbers else ("", "")


def declared_text(key: str) -> str:
    """The range a lever declares (what is allowed), as text; not the swept range."""
    low, high, _ = declared_range(key)
    if low is None and high is None:
        return "(a choice or flag)"
    return f"{low:g} to {high:g}"


def point_label(runs: pd.DataFrame, keys: list[str], point: int) -> str:
    """A design point named by its lever values (``point N`` when nothing was swept)."""
    if not keys:
        return f"point {point}"
    row = runs[runs["point"] == point].iloc[0]
    return ", ".join(
        f"{short(k)}={row[k]:g}" if isinstance(row[k], int | float) else f"{short(k)}={row[k]}"
        for k in keys
    )


def gap_targets(sweep_dir: Path) -> list[dict]:
    """The scenario's targets on the gap, as scored in a run's summary (same for every run)."""
    first = next(iter(find_runs(sweep_dir)))
    targets = json.loads((first / "summary.json").read_text()).get("targets", {})
    return [t for t in targets.values() if t["indicator"] == "gap_pp"]


def mark_gap_targets(ax, targets: list[dict], lang: str) -> bool:
    """Draw gap observations (crosses) and goals (triangles); whether any was drawn."""
    style = {"near": ("x", "observed"), "at_least": ("^", "target"), "at_most": ("v", "target")}
    drawn: set[str] = set()
    for t in targets:
        marker, key = style[t["comparison"]]
        label = None if key in drawn else text(key, lang)
        ax.plot([t["year"]], [t["target"]], marker, color="black", ms=8, label=label, zorder=5)
        drawn.add(key)
    return bool(targets)


def trajectories_section(
    sweep_dir: Path,
    aggregate: pd.DataFrame,
    runs: pd.DataFrame,
    keys: list[str],
    lang: str = "en",
) -> Section:
    plt = pyplot()
    sec = Section(text("Gap trajectories", lang))
    final = aggregate[aggregate["year"] == aggregate["year"].max()].set_index("point")
    ordered = final["gap_pp_mean"].sort_values()
    shown = (
        list(ordered.index)
        if len(ordered) <= MAX_BANDS
        else [ordered.index[0], ordered.index[len(ordered) // 2], ordered.index[-1]]
    )
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for point, group in aggregate.groupby("point"):
        if point not in shown:
            ax.plot(group["year"], group["gap_pp_mean"], color="0.8", lw=0.8)
    for point in shown:
        group = aggregate[aggregate["point"] == point]
        label = point_label(runs, keys, point)
        line = ax.plot(group["year"], group["gap_pp_mean"], lw=2, label=label)[0]
        ax.fill_between(
            group["year"],
            group["gap_pp_p05"],
            group["gap_pp_p95"],
            color=line.get_color(),
            alpha=0.2,
        )
    marked = mark_gap_targets(ax, gap_targets(sweep_dir), lang)
    ax.set_xlabel(text("year", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(text("gap_resident_minus_hukou", lang))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    sec.figures.append(("gap_trajectories.png", png_bytes(fig)))
    if marked:
        sec.text.append(say("gap_marks", lang))
    sec.text.append(say("bands_all" if len(ordered) <= MAX_BANDS else "bands_some", lang))
    return sec


def final_gap_section(runs: pd.DataFrame, keys: list[str], lang: str = "en") -> Section:
    plt = pyplot()
    sec = Section(text("Final gap against each swept lever", lang))
    if not keys:
        sec.text.append(say("no_lever", lang))
        return sec
    means = point_means(runs, keys, "final_gap_pp")
    cols = min(3, len(keys))
    rows = int(np.ceil(len(keys) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.2 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys, strict=False):
        if pd.api.types.is_numeric_dtype(means[key]):
            ax.errorbar(
                means[key],
                means["final_gap_pp"],
                yerr=means["final_gap_pp_sd"],
                fmt="o",
                ms=4,
                alpha=0.8,
            )
        else:
            by = means.groupby(key)["final_gap_pp"].mean()
            ax.bar(by.index.astype(str), by.to_numpy())
        ax.set_xlabel(short(key), fontsize=8)
        ax.set_ylabel(text("final_gap", lang))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    sec.figures.append(("final_gap_by_lever.png", png_bytes(fig)))
    sec.text.append(say("dots", lang))
    if len(keys) == 2 and all(pd.api.types.is_numeric_dtype(means[k]) for k in keys):
        sec.figures.extend(heatmap(means, keys, lang))
    return sec


def heatmap(means: pd.DataFrame, keys: list[str], lang: str = "en") -> list[tuple[str, bytes]]:
    """The mean final gap over a two-lever grid (nothing if the points do not form a grid)."""
    plt = pyplot()
    grid = means.pivot_table(index=keys[0], columns=keys[1], values="final_gap_pp")
    if grid.isna().any().any() or min(grid.shape) < 2:
        return []
    fig, ax = plt.subplots(figsize=(1.2 * grid.shape[1] + 2.5, 0.8 * grid.shape[0] + 1.8))
    image = ax.imshow(grid.to_numpy(), cmap="viridis_r", aspect="auto", origin="lower")
    ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(short(keys[1]), fontsize=8)
    ax.set_ylabel(short(keys[0]), fontsize=8)
    for (i, j), value in np.ndenumerate(grid.to_numpy()):
        ax.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=8, color="white")
    fig.colorbar(image, ax=ax, label=text("final_gap_mean", lang))
    return [("final_gap_heatmap.png", png_bytes(fig))]


def targets_section(runs: pd.DataFrame, lang: str = "en") -> Section:
    sec = Section(text("Target attainment", lang))
    cols = [c for c in runs.columns if c.startswith("target_") and c.endswith("_met")]
    if not cols:
        sec.text.append(say("no_targets", lang))
        return sec
    share = pd.DataFrame(
        {
            "target": [c[len("target_") : -len("_met")] for c in cols],
            "share of runs met": [runs[c].astype(float).mean() for c in cols],
        }
    )
    sec.tables.append(share)
    if runs["point"].nunique() <= 20:
        per_point = runs.groupby("point")[cols].mean()
        per_point.columns = [c[len("target_") : -len("_met")] for c in cols]
        sec.text.append(say("targets_per_point", lang))
        sec.tables.append(per_point.reset_index())
    return sec


def sensitivity_section(
    sweep_dir: Path, runs: pd.DataFrame, keys: list[str], lang: str = "en"
) -> Section:
    plt = pyplot()
    sec = Section(text("Sensitivity of the final gap", lang))
    if (sweep_dir / SPEC_FILE).exists():
        spec = read_spec(sweep_dir)
        design = pd.read_csv(sweep_dir / DESIGN_FILE)
        try:
            table = sensitivity.analyze(spec, design, runs, "final_gap_pp")
        except ValueError as exc:
            sec.text.append(str(exc))
            return sec
    else:
        numeric = numeric_keys(runs, keys)
        if not numeric:
            sec.text.append(say("no_numeric", lang))
            return sec
        means = point_means(runs, numeric, "final_gap_pp")
        table = sensitivity.main_effects(means[numeric], means["final_gap_pp"].to_numpy(), numeric)
    index = table["index"].iloc[0]
    lead = table[table["index"] == index].copy()
    lead["magnitude"] = lead["value"].abs()
    lead = lead.sort_values("magnitude")
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(lead) + 1.5))
    ax.barh(
        [short(p) for p in lead["parameter"]],
        lead["value"],
        xerr=lead["conf"].fillna(0),
        color="tab:blue",
    )
    ax.set_xlabel(index)
    ax.axvline(0, color="k", lw=0.8)
    ax.grid(alpha=0.3, axis="x")
    sec.figures.append(("sensitivity_tornado.png", png_bytes(fig)))
    sec.text.append(say("tornado", lang, meaning=say(index, lang)))
    sec.tables.append(table)
    return sec


YI = 1e8  # CNY in one 亿元 (100 million), the unit of fiscal figures in the reports


def cost_section(runs: pd.DataFrame, keys: list[str], lang: str = "en") -> Section:
    plt = pyplot()
    sec = Section(text("Fiscal cost against gap reduction", lang))
    numeric = [k for k in numeric_keys(runs, keys) if runs[k].nunique() > 1]
    means = point_means(runs, numeric, "final_gap_pp")
    means["total_fiscal_outlay_cny"] = (
        runs.groupby("point")["total_fiscal_outlay_cny"].mean().to_numpy()
    )
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(means["total_fiscal_outlay_cny"] / YI, means["final_gap_pp"], s=18)
    ax.set_xlabel(text("total_outlay_yi", lang))
    ax.set_ylabel(text("final_gap", lang))
    ax.grid(alpha=0.3)
    sec.figures.append(("cost_vs_gap.png", png_bytes(fig)))
    if not numeric or len(means) < 2 * (len(numeric) + 1):
        sec.text.append(say("too_few", lang))
        return sec
    x = means[numeric].to_numpy(float)
    design = np.column_stack([np.ones(len(x)), x])
    gap_coef, *_ = np.linalg.lstsq(design, means["final_gap_pp"].to_numpy(), rcond=None)
    cost_coef, *_ = np.linalg.lstsq(design, means["total_fiscal_outlay_cny"].to_numpy(), rcond=None)
    # Replicate noise: the spread of the final gap between replicates of one design point. A
    # lever's gap change counts only beyond twice that spread; below it no cost per point.
    noise_pp = float(np.sqrt(runs.groupby("point")["final_gap_pp"].var(ddof=1).mean()))
    rows = []
    for i, key in enumerate(numeric):
        span = float(runs[key].max() - runs[key].min())
        gap_change = gap_coef[i + 1] * span
        cost_change = cost_coef[i + 1] * span
        measurable = bool(abs(gap_change) > 2 * noise_pp) if np.isfinite(noise_pp) else False
        per_point = cost_change / -gap_change if measurable and gap_change < 0 else np.nan
        rows.append(
            {
                "lever": key,
                "gap change over range (pp)": gap_change,
                "beyond replicate noise": "yes" if measurable else "no measurable effect",
                "cost change over range (亿元)": cost_change / YI,
                "亿元 per point of gap closed": per_point / YI,
            }
        )
    table = pd.DataFrame(rows).sort_values("亿元 per point of gap closed", na_position="last")
    sec.tables.append(table)
    best = table.dropna(subset=["亿元 per point of gap closed"])
    sec.text.append(
        say("cost_fit", lang, noise_pp=noise_pp)
        + (
            say("cheapest", lang, lever=best.iloc[0]["lever"])
            if len(best)
            else say("none_closes", lang)
        )
    )
    return sec


def build_sections(sweep_dir: Path, lang: str = "en") -> list[Section]:
    runs, aggregate, keys = load(sweep_dir)
    keys = [k for k in keys if k not in BOOKKEEPING]
    if lang == "zh":
        use_cjk_font()
    sections = [
        design_section(sweep_dir, runs, keys, lang),
        trajectories_section(sweep_dir, aggregate, runs, keys, lang),
        final_gap_section(runs, keys, lang),
        targets_section(runs, lang),
        sensitivity_section(sweep_dir, runs, keys, lang),
        cost_section(runs, keys, lang),
    ]
    for section in sections:
        section.tables = [localize(table, lang) for table in section.tables]
    return sections


def report(sweep_dir: Path, lang: str = "en") -> tuple[Path, Path]:
    """Write report.html and report.md (and figures/) for a sweep; return their paths.

    With ``lang="zh"`` titles, sentences, figure labels and table headings are in Chinese (the
    official terms); lever keys and error messages stay as they are.
    """
    sweep_dir = Path(sweep_dir)
    title = f"{text('sweep_report', lang)}: {sweep_dir.resolve().name}"
    return write_sections(sweep_dir, title, build_sections(sweep_dir, lang))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="label language")
    args = parser.parse_args(argv)
    try:
        html_path, md_path = report(args.sweep_dir, args.lang)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"wrote {html_path} and {md_path}")


if __name__ == "__main__":
    main()
