"""The layout change and every refactor after it leave a fixed-seed comparison's numbers as they
were: runs and the crisis log recorded before the change (tests/fixtures) are reproduced exactly.
A change of the model that is meant to move the numbers re-records the fixtures on purpose."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import foedus

FIXTURES = Path(__file__).parent / "fixtures"
SYSTEMS = ["self-help", "balance-of-power", "un-1965-ufp", "nato", "league-1920"]


def _comparison() -> foedus.Comparison:
    return foedus.compare(SYSTEMS, replications=3, years=15, n_states=24, seed=11, workers=1,
                          progress=False)


def test_a_fixed_seed_comparison_reproduces_the_recorded_runs() -> None:
    comp = _comparison()
    expected = pd.read_csv(FIXTURES / "compare_seed11_runs.csv")
    got = comp.runs.reset_index(drop=True)[list(expected.columns)]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12, atol=0)


def test_a_fixed_seed_comparison_reproduces_the_recorded_crises() -> None:
    comp = _comparison()
    expected = pd.read_csv(FIXTURES / "compare_seed11_events.csv")
    got = comp.events.reset_index(drop=True)[list(expected.columns)]
    got = pd.read_csv(pd.io.common.StringIO(got.to_csv(index=False)))  # same typing as the file
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12, atol=0)
