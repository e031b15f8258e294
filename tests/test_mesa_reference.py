"""The per-agent Mesa reference (benchmarks/) and the vectorized engine agree statistically."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.compare_mesa import compare
from benchmarks.mesa_reference import RATE_COLUMNS, MesaReferenceModel, rate_differences
from model import SettlementModel

SEEDS = list(range(8))
N_HOUSEHOLDS = 2000
YEARS = 3
T_LIMIT = 5.0  # paired t statistic over 8 seeds (7 df): |t| > 5 has a chance of about 0.2 %


def paired_t(differences: np.ndarray) -> np.ndarray:
    """t statistic of the mean difference per year and rate (0 where every difference is 0)."""
    mean = differences.mean(axis=0)
    se = differences.std(axis=0, ddof=1) / np.sqrt(differences.shape[0])
    return np.divide(mean, se, out=np.zeros_like(mean), where=se > 0)


@pytest.fixture(scope="module")
def differences() -> np.ndarray:
    return rate_differences(N_HOUSEHOLDS, YEARS, SEEDS)


def test_start_year_is_read_identically(differences: np.ndarray) -> None:
    assert np.all(differences[:, 0, :] == 0.0)


def test_rates_and_gap_agree_every_year_within_replicate_noise(differences: np.ndarray) -> None:
    t = paired_t(differences)
    years_moved = np.abs(differences[:, 1:, :]).max()
    assert years_moved > 0  # the engines draw their own streams: not a copy of one run
    for year in range(1, YEARS + 1):
        for j, column in enumerate(RATE_COLUMNS):
            assert abs(t[year, j]) < T_LIMIT, (year, column, differences[:, year, j])


def test_the_comparison_detects_a_real_difference_in_the_rules() -> None:
    # The reference with a closed capital (no settlement there) must be told apart.
    closed = rate_differences(
        N_HOUSEHOLDS, 3, SEEDS, reference_overrides=("cities.capital.settlement.rule=closed",)
    )
    t = paired_t(closed)
    hukou = RATE_COLUMNS.index("hukou_urbanization_pct")
    assert t[2, hukou] < -T_LIMIT


def test_reference_is_one_mesa_agent_per_household() -> None:
    from benchmarks.mesa_reference import Household, comparison_config

    vectorized = SettlementModel(comparison_config(300, 0, 1))
    reference = MesaReferenceModel(vectorized, seed=1)
    assert len(reference.agents_by_type[Household]) == len(vectorized.world.hh)


def test_compare_reports_both_times_and_a_speedup() -> None:
    for alternate in ("year", "step"):
        r = compare(1000, 1, alternate=alternate)
        assert r["vectorized_s"] > 0 and r["reference_s"] > 0
        assert r["speedup"] == pytest.approx(r["reference_s"] / r["vectorized_s"])
        assert r["household_steps"] == r["households"] * 4
    with pytest.raises(ValueError, match="alternate"):
        compare(1000, 1, alternate="month")
