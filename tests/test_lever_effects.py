"""The lever-effect table (experiments.lever_effects): its probes are valid levers, and it runs."""

from __future__ import annotations

import pytest

from experiments.lever_effects import SCENARIO, effect_rows, markdown, side_overrides, verdict
from experiments.lever_probes import PROBES, Probe
from model.config import compose_config
from model.levers import ConfigError


def test_every_probe_sets_a_declared_lever_within_its_range():
    base = compose_config([f"scenario={SCENARIO}"])
    keys = [probe.key for probe in PROBES]
    assert len(set(keys)) == len(keys)  # so every low (every high) value fits in one config
    for side in ("low", "high"):
        settings = [s for p in PROBES for s in side_overrides(p, getattr(p, side), base)]
        compose_config([f"scenario={SCENARIO}", *settings])


def test_a_factor_scales_each_city_own_value():
    base = compose_config([f"scenario={SCENARIO}"])
    out = side_overrides(Probe("cities.*.housing.public_rental_units", "x1", "x4"), "x4", base)
    assert len(out) == len(base.cities)
    for setting, (name, city) in zip(out, base.cities.items(), strict=True):
        assert setting == f"cities.{name}.housing.public_rental_units=" + str(
            round(4 * city.housing.public_rental_units)
        )


def test_a_probe_outside_the_range_is_refused():
    base = compose_config([f"scenario={SCENARIO}"])
    with pytest.raises(ConfigError, match="take_up_share"):
        compose_config(
            [
                f"scenario={SCENARIO}",
                *side_overrides(Probe("assistance.take_up_share", "0", "2"), "2", base),
            ]
        )


def test_rows_say_what_moves_and_what_does_not():
    probes = (
        Probe("cities.*.schooling.enrolment_basis", "hukou", "permit"),
        Probe("assistance.temporary_relief_cny", "0", "0", why="no change at all"),
    )
    rows = effect_rows(SCENARIO, 4000, 2, None, probes)
    assert rows[0]["verdict"].startswith("moves")
    assert rows[1]["verdict"] == "**no measurable effect**: no change at all"
    text = markdown(rows, SCENARIO, 4000, 2)
    assert text.count("\n| `") == 2


def test_a_lever_that_only_builds_capacity_says_so():
    moved = ["extra_public_rental_units_built", "cumulative_net_outlay_cny"]
    assert verdict(moved, "") == "**units built and outlay only**"
    assert verdict(["hukou_rate_change_pp", *moved], "").startswith("moves hukou rate, units")
