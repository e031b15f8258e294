"""Goal seeking: the weakest setting of one lever that meets a target with a stated probability.

    ./dev goalseek scenario=nantong_2020 --lever cities.main_urban.settlement.min_residence_months \
        --goal "gap_pp<=11@2025" --probability 0.8 --replicates 10
    ./dev goalseek scenario=national_2015 --lever fiscal.transfer_per_settled_person_cny \
        --target plan_2020_hukou --range 0 20000

The target is one the scenario scores (``--target NAME``, a goal: at most / at least) or one
given here (``--goal "INDICATOR<=VALUE@YEAR"``, ``>=`` likewise). For a lever value, the share of
replicates meeting the target is measured on the replicates of :mod:`experiments.compare` (the
same seeds and parameter draws for every value: common random numbers), the lever taking effect
in the start year. The search brackets the value where that share reaches ``--probability``
between the ends of the range (the lever's declared range unless ``--range`` narrows it) and
bisects, assuming the share moves one way with the lever. The meeting end of the final bracket is
then checked on as many fresh replicates (independent seeds and draws) and, where either set falls
short of the probability, moved halfway back toward the meeting end of the range, up to four
times: the answer is the least change from the non-meeting end that meets the target on both.
``goalseek.json`` holds every value tried with its share (``evaluations``) and each check on
fresh replicates (``fresh_checks``); the command prints both. The shares are estimates from
``--replicates`` runs each, so neighbouring values can disagree by a replicate or two: more
replicates narrow them. With ``--levers K1 K2 ...`` instead of
``--lever``, the cheapest combination on a small grid is sought (:mod:`experiments.cheapest`).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

from experiments.cheapest import cheapest_combination
from experiments.compare import OUTPUT_ROOT, paired_configs, yearly_tables
from experiments.design import declared_range
from model.batch import ExecutionOptions, add_execution_arguments, execution_from
from model.config import compose_config
from model.levers import ConfigError
from model.outputs import write_json
from model.targets import Comparison, Target, score, year_not_simulated

GOAL = re.compile(r"^\s*([a-z_0-9]+)\s*(<=|>=)\s*([-+0-9.eE]+)\s*@\s*(\d{4})\s*$")


def parse_goal(text: str) -> Target:
    """A target from ``INDICATOR<=VALUE@YEAR`` (or ``>=``)."""
    match = GOAL.match(text)
    if not match:
        raise ConfigError(
            f"--goal '{text}': expected INDICATOR<=VALUE@YEAR or INDICATOR>=VALUE@YEAR"
        )
    indicator, op, value, year = match.groups()
    comparison = Comparison.at_most if op == "<=" else Comparison.at_least
    return Target(indicator=indicator, year=int(year), comparison=comparison, value=float(value))


def scenario_target(scenario: str, overrides: list[str], name: str) -> Target:
    """The scenario's own target ``name``, which must be a goal (at most / at least)."""
    targets = compose_config([f"scenario={scenario}", *overrides]).targets
    if name not in targets:
        raise ConfigError(f"--target '{name}': not a target of {scenario} ({', '.join(targets)})")
    if targets[name].comparison is Comparison.near:
        raise ConfigError(f"--target '{name}': an observation (near), not a goal to seek")
    return targets[name]


def share_meeting(
    scenario: str,
    overrides: list[str],
    lever: str,
    value: float,
    target: Target,
    replicates: int,
    execution: ExecutionOptions | None,
) -> float:
    """Share of replicates meeting ``target`` with ``lever`` set to ``value`` from the start."""
    pairs = paired_configs(scenario, [f"{lever}={value}"], overrides, replicates)
    tables = yearly_tables([policy for _, policy in pairs], execution)
    known = set(tables[0].columns)
    if target.indicator not in known:
        raise ConfigError(f"goal indicator '{target.indicator}': not an indicator of the run")
    met = [score({"goal": target}, t)["goal"]["met"] for t in tables]
    if met[0] is None:
        raise year_not_simulated(target, scenario, tables[0]["year"])
    return float(np.mean(met))


CONFIRMATIONS = 4  # steps back toward the meeting end of the range at most


def fresh_seed(scenario: str, overrides: list[str]) -> int:
    """A base seed for replicates independent of the search's (a child of the run's seed)."""
    seed = compose_config([f"scenario={scenario}", *overrides]).seed
    return int(np.random.SeedSequence([seed, 0x60A1]).generate_state(1)[0])


def goal_seek(
    scenario: str,
    lever: str,
    target: Target,
    overrides: list[str] | None = None,
    replicates: int = 10,
    probability: float = 0.8,
    value_range: tuple[float, float] | None = None,
    iterations: int = 8,
    execution: ExecutionOptions | None = None,
) -> dict[str, Any]:
    """Bisect one lever's range for the weakest value meeting ``target`` with ``probability``."""
    overrides = list(overrides or [])
    if not 0 < probability <= 1:
        raise ConfigError(f"--probability = {probability}: outside the allowed range (0, 1]")
    declared_low, declared_high, is_int = declared_range(lever)
    if declared_low is None and declared_high is None:
        raise ConfigError(
            f"--lever '{lever}': a choice or flag, not a number; goal seeking bisects a numeric "
            "lever (compare the choices with ./dev compare)"
        )
    low, high = value_range or (declared_low, declared_high)
    if low is None or high is None or low >= high:
        raise ConfigError(
            f"--range for '{lever}': give LOW < HIGH (declared: {declared_low}-{declared_high})"
        )
    if (declared_low is not None and low < declared_low) or (
        declared_high is not None and high > declared_high
    ):
        raise ConfigError(
            f"--range {low}-{high} for '{lever}': outside the declared range "
            f"{declared_low}-{declared_high}"
        )
    tried: dict[float, float] = {}

    def share(value: float) -> float:
        value = round(value) if is_int else float(value)
        if value not in tried:
            tried[value] = share_meeting(
                scenario, overrides, lever, value, target, replicates, execution
            )
        return tried[value]

    meets_low, meets_high = share(low) >= probability, share(high) >= probability
    result: dict[str, Any] = {
        "scenario": scenario,
        "lever": lever,
        "target": {
            "indicator": target.indicator,
            "comparison": target.comparison.name,
            "value": target.value,
            "year": target.year,
            "cumulative": target.cumulative,
        },
        "probability": probability,
        "replicates": replicates,
        "range": [low, high],
    }
    if meets_low == meets_high:
        verdict = "met at both ends of the range" if meets_low else "not met within the range"
        result.update(reachable=meets_low, value=low if meets_low else None, verdict=verdict)
    else:
        bad, good = (low, high) if meets_high else (high, low)
        for _ in range(iterations):
            middle = (bad + good) / 2
            if is_int and abs(good - bad) <= 1:
                break
            if share(middle) >= probability:
                good = middle
            else:
                bad = middle
        # The bracket's meeting end is where this set of replicates happened to meet: check it
        # on as many fresh replicates (other seeds and draws), stepping back toward the end of
        # the range that meets until both sets meet it.
        end = low if meets_low else high
        fresh_overrides = [*overrides, f"seed={fresh_seed(scenario, overrides)}"]
        checks = result["fresh_checks"] = []
        for attempt in range(CONFIRMATIONS):
            if attempt:  # the last value checked fell short: step back toward the end
                good = (good + end) / 2
            good = round(good) if is_int else good
            fresh = share_meeting(
                scenario, fresh_overrides, lever, good, target, replicates, execution
            )
            checks.append({"value": good, "share_met": share(good), "share_met_fresh": fresh})
            if share(good) >= probability and fresh >= probability:
                break
        confirmed = share(good) >= probability and fresh >= probability  # of the last checked
        direction = "at least" if meets_high else "at most"
        result.update(
            reachable=True,
            value=good,
            share_met=share(good),
            share_met_fresh_replicates=fresh,
            confirmed=confirmed,
            verdict=f"met with {lever} {direction} about {good:g}"
            + ("" if confirmed else " (not confirmed on fresh replicates)"),
        )
    result["evaluations"] = [{"value": v, "share_met": s} for v, s in sorted(tried.items())]
    return result


def main(argv: list[str] | None = None) -> None:
    """Command line: ``scenario=S [KEY=VALUE ...] (--lever KEY | --levers K1 K2 ...) (--target
    NAME | --goal EXPR)``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("overrides", nargs="*", help="scenario=NAME and overrides")
    levers = parser.add_mutually_exclusive_group(required=True)
    levers.add_argument("--lever", help="one lever: bisect its range")
    levers.add_argument(
        "--levers",
        nargs="+",
        metavar="KEY[=LOW:HIGH]",
        help="several levers: the cheapest combination on a grid (experiments/cheapest.py)",
    )
    parser.add_argument("--levels", type=int, default=3, help="grid values per lever (--levers)")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--target", help="a goal the scenario scores")
    which.add_argument("--goal", help="INDICATOR<=VALUE@YEAR or INDICATOR>=VALUE@YEAR")
    parser.add_argument("--probability", type=float, default=0.8)
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--range", type=float, nargs=2, metavar=("LOW", "HIGH"), default=None)
    parser.add_argument("--iterations", type=int, default=8)
    add_execution_arguments(parser)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    scenario = next((o.split("=", 1)[1] for o in args.overrides if o.startswith("scenario=")), "")
    overrides = [o for o in args.overrides if not o.startswith("scenario=")]
    try:
        if not scenario:
            raise ConfigError("scenario=NAME is required (e.g. scenario=nantong_2020)")
        target = (
            scenario_target(scenario, overrides, args.target)
            if args.target
            else parse_goal(args.goal)
        )
        if args.levers:
            result = cheapest_combination(
                scenario,
                args.levers,
                target,
                overrides,
                args.replicates,
                args.probability,
                args.levels,
                execution_from(args),
                fresh_seed(scenario, overrides),
            )
        else:
            result = goal_seek(
                scenario,
                args.lever,
                target,
                overrides,
                args.replicates,
                args.probability,
                tuple(args.range) if args.range else None,
                args.iterations,
                execution_from(args),
            )
    except (ConfigError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    out = args.out or OUTPUT_ROOT.parent / "goalseek" / scenario
    write_json(result, out / "goalseek.json")
    print(f"{scenario}: {result['verdict']}")
    for row in result["evaluations"]:
        if args.levers:
            setting = ", ".join(f"{k}={v:g}" for k, v in row["levers"].items())
            cost = row["extra_net_outlay_cny"]
            print(
                f"  {setting}: met in {row['share_met']:.0%} of replicates; extra net outlay "
                f"{cost['mean'] / 1e8:,.2f} 亿元 ({cost['p05'] / 1e8:,.2f} to "
                f"{cost['p95'] / 1e8:,.2f})"
            )
        else:
            print(f"  {args.lever} = {row['value']:g}: met in {row['share_met']:.0%} of replicates")
    for row in result.get("fresh_checks", []):
        print(
            f"  checked on {args.replicates} fresh replicates: {args.lever} = {row['value']:g}: "
            f"met in {row['share_met_fresh']:.0%} (in {row['share_met']:.0%} of the search's)"
        )
    print(f"outputs: {out}")


if __name__ == "__main__":
    main()
