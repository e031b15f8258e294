"""The dashboard's model: sliders set the levers they name, history follows every step."""

from __future__ import annotations

from itertools import pairwise

import pytest

from model import compose_config
from model.app import SLIDERS, DashboardModel, dashboard_config, history_csv

NEUTRAL = {name: s.neutral for name, s in SLIDERS.items()}


def test_neutral_sliders_leave_the_scenario_as_it_is() -> None:
    assert dashboard_config("nantong_2020", 500, 3, NEUTRAL) == compose_config(
        ["scenario=nantong_2020", "n_households=500", "seed=3"]
    )


def test_sliders_scale_or_add_to_every_city_value() -> None:
    base = compose_config(["scenario=demo"])
    levers = NEUTRAL | {
        "school_seats_pct": 200,
        "extra_residence_months": 12,
        "points_quota_pct": 0,
    }
    cfg = dashboard_config("demo", 500, 0, levers)
    for name, city in cfg.cities.items():
        before = base.cities[name]
        assert city.schooling.migrant_school_seats == 2 * before.schooling.migrant_school_seats
        assert city.settlement.min_residence_months == before.settlement.min_residence_months + 12
        had_quota = before.settlement.annual_quota_persons < 1e9
        assert city.settlement.annual_quota_persons == (
            0 if had_quota else before.settlement.annual_quota_persons
        )
        assert city.housing == before.housing


def test_history_grows_every_step_and_the_run_stops_at_the_end_year() -> None:
    model = DashboardModel("demo", n_households=1000, public_rental_pct=50)
    assert model.cfg.cities["capital"].housing.public_rental_units == pytest.approx(2000)
    steps = (model.cfg.end_year - model.cfg.start_year) * model.steps_per_year
    for _ in range(steps):
        assert model.running
        model.step()
    assert not model.running
    assert len(model.history) == steps + 1
    outlays = [row["outlay_since_start_cny_million"] for row in model.history]
    assert outlays[0] == 0 and all(b >= a for a, b in pairwise(outlays))
    last = model.history[-1]
    assert last["gap_pp"] == pytest.approx(last["resident_pct"] - last["hukou_pct"])
    assert last["gap_pp"] == pytest.approx(model.timeseries()["gap_pp"].iloc[-1])


def test_units_a_slider_adds_are_paid_for_from_the_start() -> None:
    model = DashboardModel("demo", n_households=1000, public_rental_pct=200)
    built = model.timeseries()["outlay_capacity_construction_cny"].iloc[0]
    assert built > 0
    assert model.history[0]["outlay_since_start_cny_million"] == pytest.approx(built / 1e6)


def test_a_moved_slider_runs_the_scenario_as_it_is_beside_it_as_the_baseline() -> None:
    moved = DashboardModel("demo", n_households=1000, extra_residence_months=24)
    plain = DashboardModel("demo", n_households=1000)
    assert plain.baseline is None and moved.baseline is not None
    for _ in range(4):
        moved.step()
        plain.step()
    for row_moved, row_plain in zip(moved.history, plain.history, strict=True):
        assert row_moved["baseline_gap_pp"] == row_plain["gap_pp"]  # identical, same seed
        assert row_plain["baseline_gap_pp"] == row_plain["gap_pp"]
    assert moved.history[-1]["gap_pp"] != plain.history[-1]["gap_pp"]
    csv = history_csv(moved).decode().splitlines()
    assert len(csv) == 1 + 5 and "extra_residence_months" in csv[0]


def test_the_chinese_dashboard_draws_every_glyph_and_uses_the_official_terms() -> None:
    import io
    import warnings

    from model.dashboard_charts import fiscal_figure, rates_figure, services_figure

    model = DashboardModel("demo", n_households=1000, public_rental_pct=200, language="zh")
    model.step()
    years = (model.cfg.start_year, model.cfg.end_year)
    figures = [
        rates_figure(model.history, years, True, "zh"),
        services_figure(model.history, years, "zh"),
        fiscal_figure(model.history, years, "zh"),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svgs = []
        for figure in figures:
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg")
            svgs.append(buffer.getvalue())
    assert not [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert 'id="baseline_gap"' in svgs[0] and 'id="gap"' in svgs[0]
    assert (
        rates_figure(model.history, years, True, "zh").axes[0].get_title() == "城镇化率与两率差距"
    )
