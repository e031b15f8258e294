"""The reports' sentences and table headings, in English and Chinese (sweeps; ``cmp_``: the
policy comparison).

``say(key, lang, **values)`` gives a sentence with its values filled in; ``localize(table, lang)``
renames a table's columns (and its yes / no cells) for the Chinese report. Section titles and
axis labels are in :mod:`model.labels`.
"""

from __future__ import annotations

import pandas as pd

SENTENCES: dict[str, dict[str, str]] = {
    "design_spec": {
        "en": "Scenario <b>{scenario}</b>, method <b>{method}</b>, {points} design points x {repli"
        "cates} replicates = {runs} runs. Common random numbers: replicate r has the same seed at "
        "every point. Overrides for every run: {overrides}.",
        "zh": "情景 <b>{scenario}</b>，方法 <b>{method}</b>：{points} 个设计点 × {replicates} 次重"
        "复 = {runs} 次运行。共同随机数：第 r 次重复在每个设计点使用同一随机种子。所有运行的覆盖参"
        "数：{overrides}。",
    },
    "design_multirun": {
        "en": "A Hydra multirun: {settings} settings, {runs} runs; swept keys inferred from the ru"
        "n configs: {keys}.",
        "zh": "Hydra 多次运行：{settings} 种设置、{runs} 次运行；由运行配置推断的扫描参数：{keys}"
        "。",
    },
    "gap_marks": {
        "en": "Black: the scenario's targets for the gap (crosses: observations; triangles: goals,"
        " pointing up for at least, down for at most).",
        "zh": "黑色标记：情景中两率差距的目标（叉号：实际观测；三角形：目标，向上为不低于，向下为"
        "不高于）。",
    },
    "bands_all": {
        "en": "Mean gap per design point with its 90 % replicate band (5th-95th percentile); every"
        " point is drawn.",
        "zh": "各设计点两率差距的均值及其 90% 重复运行区间（第 5 至第 95 百分位）；绘出全部设计点"
        "。",
    },
    "bands_some": {
        "en": "Mean gap per design point with its 90 % replicate band (5th-95th percentile); the l"
        "owest, median and highest final gaps are drawn with bands, the rest in grey.",
        "zh": "各设计点两率差距的均值及其 90% 重复运行区间（第 5 至第 95 百分位）；期末差距最低、"
        "居中和最高的设计点带区间，其余以灰色显示。",
    },
    "no_lever": {
        "en": "No lever was swept (replicates only).",
        "zh": "未扫描任何政策杠杆（仅重复运行）。",
    },
    "dots": {
        "en": "Each dot is a design point (mean over replicates, bar: one sd).",
        "zh": "每个点为一个设计点（重复运行均值，误差线：一个标准差）。",
    },
    "no_targets": {
        "en": "The scenario declares no targets.",
        "zh": "该情景未设定目标。",
    },
    "targets_per_point": {
        "en": "Share of replicates meeting each target, per design point:",
        "zh": "各设计点达到每项目标的重复运行比例：",
    },
    "no_numeric": {
        "en": "No numeric lever was swept.",
        "zh": "未扫描任何数值型政策杠杆。",
    },
    "tornado": {
        "en": "Tornado chart of the {meaning}, with confidence intervals where estimated.",
        "zh": "{meaning}的龙卷风图（有估计时附置信区间）。",
    },
    "S1": {
        "en": "first-order Sobol' index (share of the final gap's variance due to the lever alone;"
        " ST, total order, is in the table)",
        "zh": "一阶 Sobol' 指数（期末两率差距方差中仅由该杠杆引起的份额；总效应指数 ST 见表）",
    },
    "mu_star": {
        "en": "Morris mu*, the mean absolute elementary effect (pp of gap over the range)",
        "zh": "Morris mu*，即平均绝对基本效应（取值范围内两率差距的百分点变化）",
    },
    "SRC": {
        "en": "standardized regression coefficient (sd of final gap per sd of the lever)",
        "zh": "标准化回归系数（杠杆每变化一个标准差，期末两率差距变化的标准差数）",
    },
    "main_effect": {
        "en": "main effect: spread of the mean final gap across the lever's levels (pp)",
        "zh": "主效应：期末两率差距均值在杠杆各水平间的变化幅度（百分点）",
    },
    "too_few": {
        "en": "Too few design points to attribute cost and gap to single levers (a linear fit need"
        "s at least two points per coefficient).",
        "zh": "设计点太少，无法将成本和差距归因于单个杠杆（线性拟合每个系数至少需要两个点）。",
    },
    "cost_fit": {
        "en": "Linear fit of the final gap and of the total outlay on the swept levers (design-poi"
        "nt means); a lever's cost per point is its outlay slope over its gap slope (negative: it "
        "closes the gap and saves money). Replicate spread of the final gap: {noise_pp:.2f} pp; a "
        "lever whose gap change is within twice that has no measurable effect and no cost per poin"
        "t. ",
        "zh": "对期末两率差距和累计财政支出按扫描杠杆做线性拟合（设计点均值）；杠杆每缩小一个百分"
        "点的成本为其支出斜率除以差距斜率（为负：既缩小差距又节省支出）。期末差距的重复运行离散度"
        "：{noise_pp:.2f} 个百分点；差距变化不超过其两倍的杠杆视为无可测效果，不计算每点成本。",
    },
    "cheapest": {
        "en": "Cheapest per point closed: <b>{lever}</b>.",
        "zh": "每缩小一个百分点成本最低：<b>{lever}</b>。",
    },
    "none_closes": {
        "en": "No swept lever closes the gap measurably in this fit.",
        "zh": "在此拟合中，没有扫描杠杆可测地缩小两率差距。",
    },
    "none": {
        "en": "none",
        "zh": "无",
    },
    # the policy comparison (experiments/compare_report.py)
    "cmp_persons": {"en": "persons", "zh": "人"},
    "cmp_units": {"en": "units", "zh": "套"},
    "cmp_places": {"en": "places", "zh": "个"},
    "cmp_points": {"en": "points", "zh": "个百分点"},
    "cmp_CNY": {"en": "亿元 (100 million CNY)", "zh": "亿元"},
    "cmp_yuan": {"en": "CNY", "zh": "元"},
    "cmp_to": {"en": "to", "zh": "至"},
    "cmp_none": {"en": "no measurable effect", "zh": "无可测效果"},
    "cmp_quantity": {"en": "quantity", "zh": "指标"},
    "cmp_effect": {"en": "effect of the policy", "zh": "政策效果（政策情景减基准情景）"},
    "cmp_target": {"en": "target", "zh": "目标"},
    "cmp_title": {"en": "policy against baseline", "zh": "政策情景与基准情景比较"},
    "cmp_as_configured": {"en": "(scenario as configured)", "zh": "（情景原样）"},
    "cmp_sides": {
        "en": "Policy: `{policy}`; baseline: `{baseline}`; both sides: `{both}`; {n} replicate "
        "pairs; intervals: {interval}.",
        "zh": "政策情景：`{policy}`；基准情景：`{baseline}`；双方共同：`{both}`；"
        "{n} 对重复运行；区间：{interval}。",
    },
    "cmp_interval": {
        "en": "",
        "zh": "重复运行的第 5 至第 95 百分位（随机种子与拟合参数抽样）",
    },
    "cmp_net": {
        "en": "Net outlay subtracts the transfers received per settled person and the "
        "construction-land quota earned, valued at {cny:.0f} CNY/m² ({source}).",
        "zh": "财政净支出扣除每落户一人获得的转移支付（人钱挂钩）和所得建设用地指标"
        "（人地挂钩，按每平方米 {cny:.0f} 元计价：{source}）。",
    },
    "cmp_end_year": {
        "en": "End year {year}, every indicator (means; difference with 90 % interval):",
        "zh": "期末年份 {year}，全部指标（均值；差值及其 90% 区间）：",
    },
    "cmp_end_header": {
        "en": "| indicator | baseline | policy | difference | 90 % interval |",
        "zh": "| 指标 | 基准情景 | 政策情景 | 差值 | 90% 区间 |",
    },
}

COLUMNS_ZH: dict[str, str] = {
    "lever": "政策杠杆",
    "swept low": "扫描下限",
    "swept high": "扫描上限",
    "swept levels": "扫描水平",
    "declared range (allowed)": "声明范围（允许值）",
    "point": "设计点",
    "target": "目标",
    "share of runs met": "达标运行比例",
    "gap change over range (pp)": "取值范围内差距变化（百分点）",
    "beyond replicate noise": "超出重复运行噪声",
    "cost change over range (亿元)": "取值范围内成本变化（亿元）",
    "亿元 per point of gap closed": "每缩小一个百分点差距的成本（亿元）",
    "parameter": "参数",
    "index": "指数",
    "value": "数值",
    "conf": "置信区间半宽",
}
CELLS_ZH = {"yes": "是", "no measurable effect": "无可测效果"}


def say(key: str, lang: str = "en", **values: object) -> str:
    """The sentence ``key`` in ``lang`` with ``values`` filled in."""
    return SENTENCES[key]["zh" if lang == "zh" else "en"].format(**values)


def localize(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``table`` with Chinese column names and yes / no cells when ``lang`` is zh."""
    if lang != "zh":
        return table
    out = table.rename(columns=COLUMNS_ZH)
    return out.apply(lambda c: c.map(lambda v: CELLS_ZH.get(v, v) if isinstance(v, str) else v))
