"""A policy against doing nothing: replicate pairs on common random numbers, with costs.

    ./dev compare scenario=nantong_2020 --policy cities.main_urban.settlement.min_residence_months=0
    ./dev compare scenario=sichuan_2019 n_households=30000 --policy KEY=VALUE [KEY=VALUE ...] \
        [--baseline KEY=VALUE ...] --replicates 10 --launcher joblib --jobs 2 \
        --out outputs/compare/my_package

Each replicate runs the baseline and the policy with the same seed (an independent stream per
replicate, spawned from the scenario's seed) and, when the behaviour set was fitted, the same
draw of the fitted parameters, so a difference is the policy's and its spread carries both
replicate noise and parameter uncertainty. Overrides outside ``--policy`` apply to both sides.
Both sides spin up and match the start figures under the scenario as it is; the policy takes
effect in the start year (:mod:`model.policy_start`).

Written to the output directory (``compare.json`` last, so its presence marks a complete result):
``compare.csv`` (year, indicator, baseline and policy means, mean difference and its 90 %
interval), ``compare.md`` and ``compare.html`` (report with plots) and ``compare.json`` (the
headline: cumulative gross and net outlay, extra persons settled, gap points closed, cost per
extra settled person and per point of gap, targets met and by which year).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.batch import ExecutionOptions, add_execution_arguments, execution_from, map_runs
from model.config import RunConfig, compose_config
from model.levers import ConfigError
from model.model import SettlementModel
from model.outputs import write_json, write_timeseries
from model.policy_start import check_policy
from model.targets import score
from model.uncertainty import child_seeds, held_keys, parameter_draws, with_values

PROJECT = Path(__file__).resolve().parent.parent
OUTPUT_ROOT = PROJECT / "outputs" / "compare"
# Value of a square metre of construction-land quota earned by settling (人地挂钩), CNY: the
# State Council's price for surplus linked quotas moved across provinces, 300,000 CNY per mu of
# reclaimed ordinary farmland (国办发〔2018〕16号), i.e. 300,000 / 666.7 m2.
LAND_QUOTA_CNY_PER_M2 = 450.0
INDICATORS = (
    "resident_urbanization_pct",
    "hukou_urbanization_pct",
    "gap_pp",
    "settled_persons",
    "fiscal_outlay_cny",
    "transfers_received_cny",
    "construction_land_quota_m2",
    "public_rental_units_built",
    "school_seats_built",
    "dibao_recipients",
    # What the service levers act on, for a planner to see the mechanism beside the rates.
    "public_rental_units",
    "public_rental_occupied",
    "public_rental_waiting",
    "rental_subsidy_households",
    "migrant_children_in_school",
    "children_left_behind",
)
LOW, HIGH = 5, 95  # percentiles of the reported interval


@dataclass
class PolicyComparison:
    """Baseline and policy runs of one scenario, paired by replicate."""

    scenario: str
    policy: list[str]
    overrides: list[str]
    baseline: list[pd.DataFrame]  # one yearly table per replicate
    with_policy: list[pd.DataFrame]
    targets: dict[str, Any] = field(default_factory=dict)
    baseline_overrides: list[str] = field(default_factory=list)  # baseline side only
    land_quota_cny_per_m2: float = LAND_QUOTA_CNY_PER_M2

    @property
    def replicates(self) -> int:
        return len(self.baseline)

    def table(self) -> pd.DataFrame:
        """Long table: year, indicator, baseline and policy means, diff mean, p05 and p95."""
        columns = [
            c for c in self.baseline[0].columns if c in INDICATORS or c.startswith("outlay_")
        ]
        base = np.stack([t[columns].to_numpy(float) for t in self.baseline])
        pol = np.stack([t[columns].to_numpy(float) for t in self.with_policy])
        diff = pol - base
        years = self.baseline[0]["year"].to_numpy()
        rows = []
        for j, name in enumerate(columns):
            lo, hi = np.percentile(diff[:, :, j], [LOW, HIGH], axis=0)
            rows.append(
                pd.DataFrame(
                    {
                        "year": years,
                        "indicator": name,
                        "baseline_mean": base[:, :, j].mean(axis=0),
                        "policy_mean": pol[:, :, j].mean(axis=0),
                        "diff_mean": diff[:, :, j].mean(axis=0),
                        "diff_p05": lo,
                        "diff_p95": hi,
                    }
                )
            )
        return pd.concat(rows, ignore_index=True)

    def headline(self) -> dict[str, Any]:
        """End-year and cumulative effects with 90 % intervals over the replicates."""
        per_rep = [
            _effects(b, p, self.land_quota_cny_per_m2)
            for b, p in zip(self.baseline, self.with_policy, strict=True)
        ]
        frame = pd.DataFrame(per_rep)
        out = {name: interval(frame[name]) for name in frame.columns}
        for ratio, (cost, effect) in RATIOS.items():
            if not out[effect]["measurable"]:
                out[ratio] = {"verdict": f"not computed: no measurable effect on {effect}"}
            elif out[effect]["mean"] < 0:
                out[ratio] = {"verdict": f"not computed: the policy lowers {effect}"}
            else:
                out[ratio] = interval(frame[cost] / frame[effect])
        return out


# Costs per unit of effect, computed only where the effect's interval lies above zero.
NET = "cumulative_net_outlay_cny"
RATIOS = {
    "net_outlay_per_extra_settled_person_cny": (NET, "extra_persons_settled"),
    "net_outlay_per_gap_point_closed_cny": (NET, "gap_points_closed"),
}


def _effects(base: pd.DataFrame, pol: pd.DataFrame, land_cny_per_m2: float) -> dict[str, float]:
    """One replicate's differences: cumulative over the simulated years, and at the end year."""

    def total(column: str) -> float:
        # Every year's flows; the start year's row holds only what a policy builds on adoption.
        return float((pol[column] - base[column]).sum())

    gross = total("fiscal_outlay_cny")
    earned = total("transfers_received_cny") + land_cny_per_m2 * total("construction_land_quota_m2")
    return {
        "cumulative_gross_outlay_cny": gross,
        "cumulative_net_outlay_cny": gross - earned,
        "extra_persons_settled": total("settled_persons"),
        "extra_public_rental_units_built": total("public_rental_units_built"),
        "extra_school_seats_built": total("school_seats_built"),
        "gap_points_closed": float(base["gap_pp"].iloc[-1] - pol["gap_pp"].iloc[-1]),
        "hukou_rate_change_pp": float(
            pol["hukou_urbanization_pct"].iloc[-1] - base["hukou_urbanization_pct"].iloc[-1]
        ),
        "resident_rate_change_pp": float(
            pol["resident_urbanization_pct"].iloc[-1] - base["resident_urbanization_pct"].iloc[-1]
        ),
    }


def interval(values: pd.Series) -> dict[str, Any]:
    """Mean and 90 % interval over replicates; ``measurable`` when the interval excludes zero."""
    lo, hi = np.percentile(values, [LOW, HIGH])
    return {
        "mean": float(values.mean()),
        "p05": float(lo),
        "p95": float(hi),
        "measurable": bool(lo > 0 or hi < 0),
    }


Side = tuple[RunConfig, RunConfig]  # (config of the spin-up and start, config from the start)
Pair = tuple[Side, Side]  # (baseline, policy)


def paired_configs(
    scenario: str,
    policy: list[str],
    overrides: list[str],
    replicates: int,
    baseline: list[str] | None = None,
) -> list[Pair]:
    """Baseline and policy sides per replicate: same seed, same parameter draw.

    Both sides spin up and start under the scenario with ``overrides``; from the start year the
    baseline side runs with ``baseline`` overrides (default: none) and the policy side with
    ``policy`` (see :mod:`model.policy_start`).

    Raises:
        ConfigError: an unknown key, a value out of range, a key a policy may not change, or
            fewer than 2 replicates.
    """
    if not 2 <= replicates <= 10000:
        raise ConfigError(f"--replicates = {replicates}: outside the allowed range 2-10000")
    if not policy:
        raise ConfigError("--policy: give at least one KEY=VALUE that differs from the baseline")
    start = compose_config([f"scenario={scenario}", *overrides])
    base = compose_config([f"scenario={scenario}", *overrides, *(baseline or [])])
    pol = compose_config([f"scenario={scenario}", *overrides, *policy])
    check_policy(start, base)
    check_policy(start, pol)
    fitted = start.behavior.fit_record
    rng = np.random.default_rng(np.random.SeedSequence([start.seed, 0xC0DE]))
    stock = start.reclassification.peri_urban_share
    configs = {"start": start, "base": base, "pol": pol}
    held = {name: held_keys(c, fitted) if fitted else frozenset() for name, c in configs.items()}
    draws = (
        parameter_draws(fitted, replicates, rng, stock, held["start"])
        if fitted
        else [{}] * replicates
    )
    pairs = []
    for seed, drawn in zip(child_seeds(start.seed, replicates), draws, strict=True):
        first, *sides = (  # a side holds what it sets itself (a policy on a fitted value)
            with_values(
                dataclasses.replace(c, seed=seed),
                {k: v for k, v in drawn.items() if k not in held[name]},
            )
            for name, c in configs.items()
        )
        pairs.append(((first, sides[0]), (first, sides[1])))
    return pairs


def yearly_table(side: Side) -> pd.DataFrame:
    """Run one side to its end year; its yearly indicators."""
    start, from_start = side
    model = SettlementModel(start, policy=None if from_start == start else from_start)
    model.run_to_end()
    return model.timeseries()


def yearly_tables(
    sides: list[Side], execution: ExecutionOptions | None = None
) -> list[pd.DataFrame]:
    """The yearly tables of many sides, each distinct side run once (by ``execution``)."""
    distinct: dict[str, int] = {}
    for side in sides:
        distinct.setdefault(repr(side), len(distinct))
    unique = list({repr(side): side for side in sides}.values())
    tables = map_runs(yearly_table, unique, execution)
    return [tables[distinct[repr(side)]] for side in sides]


def compare(
    scenario: str,
    policy: list[str],
    overrides: list[str] | None = None,
    replicates: int = 10,
    execution: ExecutionOptions | None = None,
    baseline: list[str] | None = None,
) -> PolicyComparison:
    """Run baseline and policy paired by replicate (the same result wherever the runs run)."""
    overrides = list(overrides or [])
    pairs = paired_configs(scenario, policy, overrides, replicates, baseline)
    tables = yearly_tables([cfg for pair in pairs for cfg in pair], execution)
    result = comparison_of(scenario, policy, overrides, pairs, tables)
    result.baseline_overrides = list(baseline or [])
    return result


def comparison_of(
    scenario: str,
    policy: list[str],
    overrides: list[str],
    pairs: list[Pair],
    tables: list[pd.DataFrame],
) -> PolicyComparison:
    """Assemble a comparison from the paired configs and their tables (baseline, policy, ...)."""
    baseline, with_policy = tables[0::2], tables[1::2]
    targets = {
        name: {
            "baseline_met_share": _share_met(pairs[0][0][1], baseline, name),
            "policy_met_share": _share_met(pairs[0][1][1], with_policy, name),
            "baseline_first_year": _first_years(pairs[0][0][1], baseline, name),
            "policy_first_year": _first_years(pairs[0][1][1], with_policy, name),
        }
        for name, target in pairs[0][0][1].targets.items()
        if target.comparison.name != "near"  # observations are scored by validation
    }
    return PolicyComparison(scenario, list(policy), overrides, baseline, with_policy, targets)


def _share_met(cfg: RunConfig, tables: list[pd.DataFrame], name: str) -> float | None:
    met = [score({name: cfg.targets[name]}, t)[name]["met"] for t in tables]
    return None if met[0] is None else float(np.mean(met))


def _first_years(cfg: RunConfig, tables: list[pd.DataFrame], name: str) -> dict[str, Any]:
    """Median first year the goal is met over replicates, and the share meeting it at all."""
    firsts = [score({name: cfg.targets[name]}, t)[name].get("first_year_met") for t in tables]
    reached = [y for y in firsts if y is not None]
    last = int(tables[0]["year"].iloc[-1])
    return {
        "median": int(np.median(reached)) if len(reached) * 2 > len(firsts) else None,
        "share_reaching_by_end": len(reached) / len(firsts),
        "verdict": f"by {int(np.median(reached))}"
        if len(reached) * 2 > len(firsts)
        else f"not by {last}",
    }


def default_out_dir(
    scenario: str, policy: list[str], overrides: list[str], replicates: int
) -> Path:
    """A directory named by what was compared, so the same comparison lands in the same place."""
    key = hashlib.sha1(repr((policy, overrides, replicates)).encode()).hexdigest()[:10]
    return OUTPUT_ROOT / f"{scenario}_{key}"


def write(result: PolicyComparison, out_dir: Path, lang: str = "en") -> dict[str, Any]:
    """Write compare.csv, compare.md, compare.html, then compare.json (which marks completion)."""
    from experiments.compare_report import write_reports

    table = result.table()
    document = {
        "scenario": result.scenario,
        "policy": result.policy,
        "baseline": result.baseline_overrides,
        "overrides": result.overrides,
        "replicates": result.replicates,
        "interval": f"{LOW}th-{HIGH}th percentile over replicates (seed and fitted parameters)",
        "land_quota_valuation": {
            "cny_per_m2": result.land_quota_cny_per_m2,
            "source": "国办发〔2018〕16号: 300,000 CNY per mu of reclaimed farmland, "
            "cross-province transfer of surplus linked quota",
        },
        "headline": result.headline(),
        "targets": result.targets,
    }
    write_timeseries(table, out_dir / "compare.csv")
    write_reports(document, table, out_dir, lang)
    write_json(document, out_dir / "compare.json")
    return document


def main(argv: list[str] | None = None) -> None:
    """Command line: ``scenario=S [KEY=VALUE ...] --policy KEY=VALUE ...``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("overrides", nargs="*", help="scenario=NAME and overrides for both sides")
    parser.add_argument("--policy", nargs="+", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--baseline", nargs="+", default=[], metavar="KEY=VALUE", help="baseline side only"
    )
    parser.add_argument("--replicates", type=int, default=10)
    add_execution_arguments(parser)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="labels of the figure and of the headline and targets in compare.md",
    )
    args = parser.parse_args(argv)
    scenario = next((o.split("=", 1)[1] for o in args.overrides if o.startswith("scenario=")), "")
    overrides = [o for o in args.overrides if not o.startswith("scenario=")]
    try:
        if not scenario:
            raise ConfigError("scenario=NAME is required (e.g. scenario=nantong_2020)")
        key = [*args.policy, "--baseline", *args.baseline]
        out_dir = args.out or default_out_dir(scenario, key, overrides, args.replicates)
        if out_dir.exists() and not out_dir.is_dir():
            raise ConfigError(f"--out {out_dir}: exists and is not a directory")
        result = compare(
            scenario, args.policy, overrides, args.replicates, execution_from(args), args.baseline
        )
    except (ConfigError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    document = write(result, out_dir, args.lang)
    from experiments.compare_report import headline_text

    print(headline_text(document))
    print(f"outputs: {out_dir}")


if __name__ == "__main__":
    main()
