"""The lever-effect table: what each lever does to a seed scenario, with intervals and cost.

    python -m experiments.lever_effects              # rewrite docs/lever_effects.md (~6 min)
    python -m experiments.lever_effects --replicates 4 --n-households 10000 --out /tmp/e.md

Each lever moves from a low to a high probe value (in every city for a city lever; ``x4`` means
four times the value each city is configured with), all else as the scenario is, and the two
sides are paired by replicate exactly as in :mod:`experiments.compare`. A row reports the
end-year change of the hukou and resident rates and the gap, and the extra persons settled,
public rental units and school seats built and cumulative net outlay, each with its 90 %
interval; a lever none of whose outcomes moves measurably is marked, with the reason where it
is known (``why``).
"""

from __future__ import annotations

import argparse
import operator
from functools import reduce
from pathlib import Path

from experiments.compare import comparison_of, paired_configs, yearly_tables
from experiments.lever_probes import PROBES, Probe
from model.batch import ExecutionOptions, add_execution_arguments, execution_from
from model.config import RunConfig, compose_config
from model.outputs import atomic_write

PROJECT = Path(__file__).resolve().parent.parent
DOC_PATH = PROJECT / "docs" / "lever_effects.md"
SCENARIO = "sichuan_2019"
N_HOUSEHOLDS = 30000
REPLICATES = 8


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
    scenario: str,
    n_households: int,
    replicates: int,
    execution: ExecutionOptions | None,
    probes=PROBES,
) -> list[dict[str, str]]:
    """Run every probe's two sides (each distinct config once) and summarize each lever."""
    overrides = [f"n_households={n_households}"]
    base = compose_config([f"scenario={scenario}", *overrides])
    plans = []
    for probe in probes:
        low, high = (side_overrides(probe, v, base) for v in (probe.low, probe.high))
        plans.append((probe, high, paired_configs(scenario, high, overrides, replicates, low)))
    configs = [cfg for _, _, pairs in plans for pair in pairs for cfg in pair]
    tables = yearly_tables(configs, execution)
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
    "extra_public_rental_units_built": ("public rental units built, thousand", 1e3),
    "extra_school_seats_built": ("school seats built, thousand", 1e3),
    "cumulative_net_outlay_cny": ("net outlay, 亿元 (100 million CNY)", 1e8),
}
SHORT = {
    "hukou_rate_change_pp": "hukou rate",
    "resident_rate_change_pp": "resident rate",
    "gap_points_closed": "gap",
    "extra_persons_settled": "settled persons",
    "extra_public_rental_units_built": "units built",
    "extra_school_seats_built": "seats built",
    "cumulative_net_outlay_cny": "net outlay",
}


CAPACITY = {"extra_public_rental_units_built", "extra_school_seats_built"}


def verdict(moved: list[str], why: str) -> str:
    """What a lever moves; 'outlay only' or 'no measurable effect' with the reason if known."""
    reason = f": {why}" if why else ""
    if not moved:
        return "**no measurable effect**" + reason
    if moved == ["cumulative_net_outlay_cny"]:
        return "**outlay only**" + reason
    if set(moved) <= CAPACITY | {"cumulative_net_outlay_cny"}:
        built = " and ".join(SHORT[k] for k in moved if k in CAPACITY)
        return f"**{built} and outlay only**" + reason
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
        "closed) or summed over the projected years (settled persons, units and seats built by "
        "plan or by the fiscal links, net outlay after the "
        "transfers and land quota that settling earns), with the 5-95 % range over replicates; "
        "bold where that range excludes zero. Both sides spin up under the scenario as it is "
        "and take their probe value in the start year.",
        "",
        "| lever | probe | " + " | ".join(h for h, _ in OUTCOMES.values()) + " | verdict |",
        "|---" * (len(OUTCOMES) + 3) + "|",
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
    add_execution_arguments(parser)
    parser.add_argument("--out", type=Path, default=DOC_PATH)
    args = parser.parse_args(argv)
    rows = effect_rows(args.scenario, args.n_households, args.replicates, execution_from(args))
    text = markdown(rows, args.scenario, args.n_households, args.replicates)
    atomic_write(args.out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
