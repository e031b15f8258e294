"""Labels for figures and reports in English or Chinese, and a CJK font to draw them.

The Chinese terms are the statistical bureau's and the documents' own (常住人口城镇化率 for the
resident urbanization rate, 户籍人口城镇化率 for the hukou rate, 农业转移人口 for the rural
population moving to towns, 落户 for settling). The font is Noto Sans CJK SC, shipped by the
``mplfonts`` package (SIL Open Font License), so that no system font is needed.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path


class Language(Enum):
    """Language of figure and report labels."""

    en = 0
    zh = 1


CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FAMILY = "Noto Sans CJK SC"

TEXT: dict[str, dict[str, str]] = {
    "resident_urbanization_pct": {"en": "resident rate", "zh": "常住人口城镇化率"},
    "hukou_urbanization_pct": {"en": "hukou rate", "zh": "户籍人口城镇化率"},
    "gap_pp": {"en": "gap", "zh": "两率差距"},
    "settled_persons": {"en": "persons settled", "zh": "落户人数"},
    "fiscal_outlay_cny": {"en": "fiscal outlay", "zh": "财政支出"},
    "rate_axis": {"en": "urbanization rate (%)", "zh": "城镇化率（%）"},
    "gap_axis": {"en": "gap (pp)", "zh": "两率差距（百分点）"},
    "year_axis": {"en": "year (year-end)", "zh": "年份（年末）"},
    "band": {"en": "5-95 % band", "zh": "5%–95% 区间"},
    "baseline": {"en": "baseline", "zh": "基准情景"},
    "policy": {"en": "policy", "zh": "政策情景"},
    "difference_axis": {"en": "difference (points), 90 % band", "zh": "差值（百分点），90% 区间"},
    "policy_minus_baseline": {"en": "policy - baseline", "zh": "政策减基准"},
    "observed": {"en": "observed", "zh": "实际观测"},
    "target": {"en": "target", "zh": "目标"},
    # sweep report: section titles and axis labels
    "Design": {"en": "Design", "zh": "试验设计"},
    "Gap trajectories": {"en": "Gap trajectories", "zh": "两率差距的变化轨迹"},
    "Final gap against each swept lever": {
        "en": "Final gap against each swept lever",
        "zh": "期末两率差距与各政策杠杆",
    },
    "Target attainment": {"en": "Target attainment", "zh": "目标达成情况"},
    "Sensitivity of the final gap": {
        "en": "Sensitivity of the final gap",
        "zh": "期末两率差距的敏感性",
    },
    "Fiscal cost against gap reduction": {
        "en": "Fiscal cost against gap reduction",
        "zh": "财政支出与两率差距缩小",
    },
    "year": {"en": "year", "zh": "年份"},
    "gap_resident_minus_hukou": {
        "en": "gap, resident - hukou (pp)",
        "zh": "两率差距：常住人口城镇化率减户籍人口城镇化率（百分点）",
    },
    "final_gap": {"en": "final gap (pp)", "zh": "期末两率差距（百分点）"},
    "final_gap_mean": {
        "en": "final gap (pp), mean over replicates",
        "zh": "期末两率差距（百分点），重复运行均值",
    },
    "total_outlay_yi": {
        "en": "total fiscal outlay over the run (100 million CNY, yi yuan)",
        "zh": "模拟期累计财政支出（亿元）",
    },
    "sweep_report": {"en": "Sweep report", "zh": "政策扫描报告"},
    # policy comparison (experiments/compare_report.py)
    "cmp_extra_persons_settled": {"en": "extra persons settled", "zh": "累计新增落户人数"},
    "cmp_extra_public_rental_units_built": {
        "en": "public rental units built",
        "zh": "累计新建公共租赁住房",
    },
    "cmp_extra_school_seats_built": {"en": "school places built", "zh": "累计新增学位"},
    "cmp_gap_points_closed": {"en": "gap closed", "zh": "期末两率差距缩小"},
    "cmp_hukou_rate_change_pp": {"en": "hukou rate change", "zh": "期末户籍人口城镇化率变化"},
    "cmp_resident_rate_change_pp": {
        "en": "resident rate change",
        "zh": "期末常住人口城镇化率变化",
    },
    "cmp_cumulative_gross_outlay_cny": {"en": "gross outlay", "zh": "累计财政支出（毛额）"},
    "cmp_cumulative_net_outlay_cny": {
        "en": "net outlay",
        "zh": "累计财政净支出（扣除人钱挂钩转移支付和人地挂钩用地指标价值）",
    },
    "cmp_net_outlay_per_extra_settled_person_cny": {
        "en": "net outlay per extra settled person",
        "zh": "每新增落户一人的财政净支出",
    },
    "cmp_net_outlay_per_gap_point_closed_cny": {
        "en": "net outlay per point of gap closed",
        "zh": "每缩小一个百分点两率差距的财政净支出",
    },
    # dashboard
    "right_axis": {"en": "right", "zh": "右轴"},
    "baseline_dashed": {
        "en": "gap, scenario as it is (dashed: baseline)",
        "zh": "两率差距，现行情景（虚线：基准）",
    },
    "rates_chart": {"en": "Urbanization rates and the gap", "zh": "城镇化率与两率差距"},
    "services_chart": {"en": "Services coverage", "zh": "公共服务覆盖"},
    "fiscal_chart": {"en": "Fiscal outlays since the start", "zh": "起始以来累计财政支出"},
    "school_seats_used_pct": {"en": "school seats used", "zh": "随迁子女学位使用率"},
    "public_rental_let_pct": {"en": "public rental units let", "zh": "公租房出租率"},
    "permit_coverage_pct": {
        "en": "non-hukou households w/ permit",
        "zh": "持居住证的非户籍家庭占比",
    },
    "million_cny": {"en": "million CNY", "zh": "百万元"},
    "outlays_since_start": {"en": "outlays since the start", "zh": "起始以来累计财政支出"},
    "pp": {"en": "pp", "zh": "个百分点"},
    "download_csv": {"en": "Download the run (CSV)", "zh": "下载本次运行（CSV）"},
    "levers_of_run": {"en": "Levers of this run", "zh": "本次运行的政策杠杆"},
    "as_it_is": {"en": "the scenario as it is", "zh": "现行情景"},
    "dashed_as_it_is": {"en": "dashed lines: as it is", "zh": "虚线为现行情景"},
    "city": {"en": "city", "zh": "城市"},
    "residents": {"en": "residents", "zh": "常住人口"},
    "hukou_share_of_residents_pct": {
        "en": "hukou share of residents, %",
        "zh": "户籍人口占常住人口比重（%）",
    },
    "settled_in_year": {"en": "settled in the year", "zh": "当年落户人数"},
    "pupils_seats": {"en": "migrant pupils / seats", "zh": "随迁子女在校 / 学位"},
    "rental_let_units": {"en": "public rental let / units", "zh": "公租房已租 / 套数"},
    "waiting_households": {"en": "households in need not housed", "zh": "未获保障的需求家庭"},
}


def text(key: str, lang: str | Language = "en") -> str:
    """The label ``key`` in ``lang`` (English when a Chinese label is missing)."""
    entry = TEXT[key]
    return entry.get(lang.name if isinstance(lang, Language) else lang) or entry["en"]


def use_cjk_font() -> str:
    """Register the bundled CJK font with matplotlib and make it the first sans-serif family.

    Returns:
        The font family name.
    """
    import matplotlib as mpl
    import mplfonts
    from matplotlib import font_manager

    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    if CJK_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    mpl.rcParams["font.sans-serif"] = [CJK_FAMILY, *mpl.rcParams["font.sans-serif"]]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False  # the CJK font has no U+2212 minus glyph
    return CJK_FAMILY
