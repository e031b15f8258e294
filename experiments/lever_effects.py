"""The lever-effect table: what each lever does to a seed scenario, with intervals and cost.

    python -m experiments.lever_effects              # rewrite docs/lever_effects.md (~6 min)
    python -m experiments.lever_effects --replicates 4 --n-households 10000 --out /tmp/e.md

Each lever moves from a low to a high probe value (in every city for a city lever; ``x4`` means
four times the value each city is configured with), all else as the scenario is, and the two
sides are paired by replicate exactly as in :mod:`experiments.compare`. A row reports the
end-year change of the hukou and resident rates and the gap, the extra persons settled, and the
cumulative net outlay, each with its 90 % interval; a lever none of whose outcomes moves
measurably is marked, with the reason where it is known (``why``).
"""

from __future__ import annotations

import argparse
import operator
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

from experiments.compare import comparison_of, paired_configs, yearly_tables
from model.config import RunConfig, compose_config
from model.outputs import atomic_write

PROJECT = Path(__file__).resolve().parent.parent
DOC_PATH = PROJECT / "docs" / "lever_effects.md"
SCENARIO = "sichuan_2019"
N_HOUSEHOLDS = 30000
REPLICATES = 8


@dataclass(frozen=True)
class Probe:
    """A lever moved from ``low`` to ``high``: values, or ``xF`` for F times the configured one."""

    key: str  # ``cities.*.<...>`` for a city lever
    low: str
    high: str
    why: str = ""  # why the lever may show no measurable effect here


P = Probe
PROBES: tuple[Probe, ...] = (
    P(
        "cities.*.settlement.min_residence_months",
        "36",
        "0",
        why="in Sichuan only Chengdu's points rule applies it; not traced further",
    ),
    P(
        "cities.*.settlement.min_insurance_months",
        "36",
        "0",
        why="in Sichuan only Chengdu's points rule applies it; not traced further",
    ),
    P(
        "cities.*.settlement.rental_counts_as_stable_housing",
        "false",
        "true",
        why="used only by the conditions rule, which no city of sichuan_2019 has",
    ),
    P("cities.*.settlement.family_follows", "false", "true", why="not traced"),
    P(
        "cities.*.housing.public_rental_units",
        "x1",
        "x4",
        why="units serve the hukou population (and the registered poor) under the income "
        "ceiling, so they add to the settling gain of settlers in need; Chengdu's points quota "
        "fills every year, so there more demand changes who settles, not how many",
    ),
    P(
        "cities.*.housing.poverty_registered_may_apply",
        "false",
        "true",
        why="the registered poor are 8 % of rural households; once housed, settling adds less",
    ),
    P(
        "cities.*.housing.public_rental_basis",
        "hukou",
        "permit",
        why=(
            "units are full under either basis and serve only households under the income ceiling, "
            "which most migrant households exceed"
        ),
    ),
    P(
        "cities.*.housing.income_ceiling_cny_per_month",
        "x0.5",
        "x2",
        why=(
            "more households qualify and more is paid; units stay full and the subsidy is for hukou"
            " holders"
        ),
    ),
    P(
        "cities.*.housing.public_rental_lease_months",
        "120",
        "24",
        why="not traced: faster turnover re-lets the same units to a long queue",
    ),
    P(
        "cities.*.housing.rental_subsidy_cny_per_month",
        "0",
        "600",
        why=(
            "for hukou holders only in Sichuan: it reaches settled renters and adds to the settling"
            " gain of those under the ceiling, too few to move settling measurably"
        ),
    ),
    P(
        "cities.*.housing.rental_subsidy_basis",
        "hukou",
        "permit",
        why="permit holders are paid too (outlay); what settling would add shrinks, and both "
        "rates stay within noise",
    ),
    P("cities.*.schooling.enrolment_basis", "hukou", "permit", why="not traced"),
    P("cities.*.schooling.migrant_school_seats", "x1", "x3", why="not traced"),
    P(
        "capacity.public_rental_growth_pct_per_year",
        "0",
        "10",
        why="as four times the units: long queues, a weak response of settling to its gain",
    ),
    P("capacity.school_seats_growth_pct_per_year", "0", "10", why="not traced"),
    P("fiscal.transfer_per_settled_person_cny", "0", "50000", why="not traced"),
    P(
        "fiscal.construction_land_m2_per_settled_person",
        "0",
        "100",
        why=(
            "by design: the quota earned is booked (and valued in the net outlay); it builds units "
            "only with capacity.land_quota_public_rental_share above 0"
        ),
    ),
    P(
        "capacity.land_quota_public_rental_share",
        "0",
        "0.2",
        why="builds units, which here raise the resident rate within noise (as more units do)",
    ),
    P(
        "residence_permit.months_required",
        "24",
        "0",
        why="permits come sooner and open services sooner (outlay); not traced further",
    ),
    P(
        "land.contract_land_kept_share",
        "0",
        "1",
        why=(
            "settled persons rise (interval touches zero); settling earns transfers and quota, so "
            "the net outlay falls"
        ),
    ),
    P(
        "land.collective_income_kept_share",
        "0",
        "1",
        why="as above, with a smaller income at stake",
    ),
    P(
        "land.homestead_kept_share",
        "0",
        "1",
        why="settled persons rise (interval touches zero); net outlay falls as above",
    ),
    P(
        "land.homestead_compensation_cny",
        "0",
        "100000",
        why="acts on withdrawals by settled households (not a column here), not on settling",
    ),
    P(
        "land.collective_income_withdrawal_enabled",
        "false",
        "true",
        why="the offer adds to the settling gain of households with a collective dividend",
    ),
    P(
        "assistance.urban_standard_cny_per_person_month",
        "x1",
        "x1.5",
        why=(
            "more recipients and larger benefits; the expected dibao enters location choices but "
            "moves no rate measurably"
        ),
    ),
    P(
        "assistance.unified_standard",
        "false",
        "true",
        why="as above, for rural recipients",
    ),
    P(
        "assistance.months_residence_where_not_registered",
        "36",
        "0",
        why="migrants claim sooner where they live; moves no rate measurably",
    ),
    P(
        "assistance.months_kept_after_exit",
        "0",
        "12",
        why=(
            "recipients keep the benefit longer; not in any choice (a claim's length is not "
            "expected)"
        ),
    ),
    P(
        "assistance.temporary_relief_cny",
        "0",
        "2000",
        why="by design: paid after a job loss, not expected in any choice",
    ),
    P("skills.training_places_per_year", "x0", "x4", why="not traced"),
    P(
        "employment_support.places_per_year",
        "0",
        "200000",
        why="hires the hard to employ into formal jobs, most of whom already had informal work "
        "in town: incomes and insurance months rise, choices barely",
    ),
    P(
        "employment_support.public_welfare_posts",
        "0",
        "200000",
        why="village posts for poor households at home: they stay rather than leave",
    ),
    P("skills.employment_service_share", "0", "0.5", why="not traced"),
    P(
        "skills.arrears_protection_share",
        "0",
        "1",
        why="recovered informal wages raise migrant incomes a little (sichuan_2019 sets no "
        "arrears share of its own); not traced further",
    ),
    P(
        "skills.returnee_loan_cny",
        "0",
        "100000",
        why="loans draw some migrants home; both rates within noise at this size",
    ),
    P(
        "skills.loan_interest_subsidy_share",
        "0",
        "1",
        why=(
            "sichuan_2019 makes no returnee loans (skills.returnee_loan_cny = 0): nothing to "
            "subsidize"
        ),
    ),
    P(
        "insurance.flexible_enrolment_per_month",
        "0",
        "0.05",
        why=(
            "not traced: enrolled informal workers accrue insurance months, which only Chengdu's "
            "points rule counts"
        ),
    ),
    P(
        "insurance.portability_share",
        "0",
        "1",
        why="carried-over insurance months count only under Chengdu's points rule",
    ),
    P(
        "insurance.medical_without_hukou",
        "false",
        "true",
        why="health cover enters location choices; moves no rate measurably here",
    ),
    P(
        "pensions.resident_pension_cny_per_month",
        "x1",
        "x3",
        why=(
            "raises old-age income at home and in town alike; the net outlay falls because pensions"
            " are booked as income, not outlay, while fewer need the dibao"
        ),
    ),
    P(
        "assistance.pays_income_gap",
        "false",
        "true",
        why="by design it changes what recipients are paid; the line, and so who claims, stays",
    ),
    P(
        "assistance.able_bodied_dibao_registered_poor",
        "false",
        "true",
        why="registration puts them first for public rental, schools and training",
    ),
    P(
        "insurance.registered_poor_full_cover",
        "false",
        "true",
        why="full cover in the cities adds to the pull of the cities for the registered poor",
    ),
    P(
        "pensions.premiums_paid_for_poor",
        "false",
        "true",
        why="by design: premiums paid for the poor enter no choice",
    ),
    P(
        "economy.rent_population_elasticity",
        "0",
        "0.5",
        why="not traced: at 0.25 a city 30 % larger than at the start charges 7 % more rent",
    ),
    P(
        "provident_fund.contribution_rate_pct",
        "5",
        "12",
        why=(
            "at migrants' default coverage (0.15) the contribution is too small to move moving or "
            "staying measurably"
        ),
    ),
    P(
        "provident_fund.migrant_employee_coverage_share",
        "0",
        "0.6",
        why="the fund's value enters location choices only; settled persons rise within noise",
    ),
)


def _configured(cfg: RunConfig, dotted: str) -> float:
    return float(reduce(getattr, dotted.split("."), cfg))


def side_overrides(probe: Probe, value: str, base: RunConfig) -> list[str]:
    """The override strings that set ``probe`` to ``value`` (every city for a city lever)."""
    factor = float(value[1:]) if value.startswith("x") else None

    def setting(key: str, current: float | None) -> str:
        if factor is None:
            return f"{key}={value}"
        scaled = operator.mul(current, factor)
        return f"{key}={round(scaled) if float(scaled).is_integer() else scaled}"

    if not probe.key.startswith("cities.*."):
        current = _configured(base, probe.key) if factor is not None else None
        return [setting(probe.key, current)]
    rest = probe.key.removeprefix("cities.*.")
    out = []
    for name, city in base.cities.items():
        current = float(reduce(getattr, rest.split("."), city)) if factor is not None else None
        out.append(setting(f"cities.{name}.{rest}", current))
    return out


def effect_rows(
    scenario: str, n_households: int, replicates: int, jobs: int, probes=PROBES
) -> list[dict[str, str]]:
    """Run every probe's two sides (each distinct config once) and summarize each lever."""
    overrides = [f"n_households={n_households}"]
    base = compose_config([f"scenario={scenario}", *overrides])
    plans = []
    for probe in probes:
        low, high = (side_overrides(probe, v, base) for v in (probe.low, probe.high))
        plans.append((probe, high, paired_configs(scenario, high, overrides, replicates, low)))
    configs = [cfg for _, _, pairs in plans for pair in pairs for cfg in pair]
    tables = yearly_tables(configs, jobs)
    rows, at = [], 0
    for probe, high, pairs in plans:
        result = comparison_of(scenario, high, overrides, pairs, tables[at : at + 2 * len(pairs)])
        at += 2 * len(pairs)
        head = result.headline()
        moved = [k for k in OUTCOMES if head[k]["measurable"]]
        rows.append(
            {
                "lever": probe.key,
                "probe": f"{probe.low} → {probe.high}",
                **{k: cell(head[k], scale) for k, (_, scale) in OUTCOMES.items()},
                "verdict": verdict(moved, probe.why),
            }
        )
    return rows


# outcome: (column heading, divisor for the table's unit)
OUTCOMES = {
    "hukou_rate_change_pp": ("hukou rate, pp", 1.0),
    "resident_rate_change_pp": ("resident rate, pp", 1.0),
    "gap_points_closed": ("gap closed, pp", 1.0),
    "extra_persons_settled": ("extra settled, thousand persons", 1e3),
    "cumulative_net_outlay_cny": ("net outlay, 亿元 (100 million CNY)", 1e8),
}
SHORT = {
    "hukou_rate_change_pp": "hukou rate",
    "resident_rate_change_pp": "resident rate",
    "gap_points_closed": "gap",
    "extra_persons_settled": "settled persons",
    "cumulative_net_outlay_cny": "net outlay",
}


def verdict(moved: list[str], why: str) -> str:
    """What a lever moves; 'outlay only' or 'no measurable effect' with the reason if known."""
    reason = f": {why}" if why else ""
    if not moved:
        return "**no measurable effect**" + reason
    if moved == ["cumulative_net_outlay_cny"]:
        return "**outlay only**" + reason
    return "moves " + ", ".join(SHORT[k] for k in moved)


def cell(stat: dict[str, float], scale: float) -> str:
    """'**+0.36** (+0.06 to +0.66)' when the interval excludes zero, else without emphasis."""
    mean, lo, hi = (stat[k] / scale for k in ("mean", "p05", "p95"))
    figure = f"{mean:+.2f}"
    return f"{f'**{figure}**' if stat['measurable'] else figure} ({lo:+.2f} to {hi:+.2f})"


def markdown(rows: list[dict[str, str]], scenario: str, n: int, replicates: int) -> str:
    """The table as a Markdown document."""
    head = [
        "# Lever effects",
        "",
        f"Generated by `python -m experiments.lever_effects` on `{scenario}` ({n:,} households, "
        f"{replicates} replicate pairs, seeds and fitted parameters drawn as in `./dev "
        "compare`); do not edit. Each lever moves from the low to the high probe value "
        "(in every city for a city lever; `xF` is F times each city's configured value), "
        "all else as the scenario is. Changes are high minus low at the end year (rates, gap "
        "closed) or summed over the projected years (settled persons, net outlay after the "
        "transfers and land quota that settling earns), with the 5-95 % range over replicates; "
        "bold where that range excludes zero. Both sides spin up under the scenario as it is "
        "and take their probe value in the start year.",
        "",
        "| lever | probe | " + " | ".join(h for h, _ in OUTCOMES.values()) + " | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    body = [
        f"| `{r['lever']}` | {r['probe']} | "
        + " | ".join(r[k] for k in OUTCOMES)
        + f" | {r['verdict']} |"
        for r in rows
    ]
    return "\n".join(head + body) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Command line: regenerate the table (default: docs/lever_effects.md)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default=SCENARIO)
    parser.add_argument("--n-households", type=int, default=N_HOUSEHOLDS)
    parser.add_argument("--replicates", type=int, default=REPLICATES)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=DOC_PATH)
    args = parser.parse_args(argv)
    rows = effect_rows(args.scenario, args.n_households, args.replicates, args.jobs)
    text = markdown(rows, args.scenario, args.n_households, args.replicates)
    atomic_write(args.out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
