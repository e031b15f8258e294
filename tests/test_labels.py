"""Chinese labels render with the bundled CJK font: no figure logs a missing glyph."""

from __future__ import annotations

import warnings

import pandas as pd

from experiments.compare_report import figure_png
from model.labels import TEXT, Language
from model.outputs import plot_urbanization


def years_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2020, 2021, 2022],
            "resident_urbanization_pct": [60.0, 61.0, 62.0],
            "hukou_urbanization_pct": [40.0, 40.5, 41.0],
            "gap_pp": [20.0, 20.5, 21.0],
        }
    )


def no_missing_glyphs(draw) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing


def test_every_label_has_a_chinese_text():
    assert all(entry.get("zh") for entry in TEXT.values())


def test_the_urbanization_figure_in_chinese_has_every_glyph(tmp_path):
    path = tmp_path / "zh.png"
    targets = {
        "observed": {"indicator": "resident_urbanization_pct", "year": 2021, "target": 61.2}
        | {"comparison": "near", "cumulative": False},
        "goal": {"indicator": "gap_pp", "year": 2022, "target": 19.0}
        | {"comparison": "at_most", "cumulative": False},
    }
    no_missing_glyphs(
        lambda: plot_urbanization(
            years_table(), path, "四川 2019（种子 0）", lang=Language.zh, targets=targets
        )
    )
    assert path.stat().st_size > 0


def test_the_comparison_figure_in_chinese_has_every_glyph():
    rows = [
        {"year": y, "indicator": k, "baseline_mean": 1.0, "policy_mean": 1.5}
        | {"diff_mean": 0.5, "diff_p05": 0.2, "diff_p95": -0.3 + i}
        for i, y in enumerate((2020, 2021))
        for k in ("resident_urbanization_pct", "hukou_urbanization_pct", "gap_pp")
    ]
    no_missing_glyphs(lambda: figure_png(pd.DataFrame(rows), "zh"))


def test_without_the_cjk_font_chinese_glyphs_would_be_missing(tmp_path):
    """The check above can fail: DejaVu Sans alone has no CJK glyphs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def draw() -> None:
        with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
            fig, ax = plt.subplots()
            ax.set_title("户籍人口城镇化率")
            fig.savefig(tmp_path / "boxes.png")
            plt.close(fig)

    try:
        no_missing_glyphs(draw)
    except AssertionError:
        return
    raise AssertionError("a figure without the CJK font drew Chinese glyphs")


def test_targets_and_observations_are_drawn(tmp_path):
    plain, marked = tmp_path / "plain.png", tmp_path / "marked.png"
    plot_urbanization(years_table(), plain, "t")
    observed = {"indicator": "hukou_urbanization_pct", "year": 2021, "target": 40.2}
    plot_urbanization(
        years_table(),
        marked,
        "t",
        targets={"obs": observed | {"comparison": "near", "cumulative": False}},
    )
    assert plain.read_bytes() != marked.read_bytes()
