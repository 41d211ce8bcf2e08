"""Who benefits (issue 18): outcomes broken down by the size class of the state attacked."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import foedus
from factories import crisis_event
from foedus.engine import GREAT_SHARE, MIDDLE_SHARE, SIZE_CLASSES, CrisisEvent, run_metrics, size_of
from foedus.engine.benefit import size_years


def _event(**kw: object) -> CrisisEvent:
    return crisis_event(**{"world_capability": 100.0, **kw})


def test_size_classes_follow_the_documented_thresholds() -> None:
    assert SIZE_CLASSES == ("small", "middle", "great")
    assert size_of(GREAT_SHARE) == "great" and size_of(0.5) == "great"
    assert size_of(GREAT_SHARE - 1e-9) == "middle" and size_of(MIDDLE_SHARE) == "middle"
    assert size_of(MIDDLE_SHARE - 1e-9) == "small" and size_of(0.0) == "small"


def test_size_years_count_the_living_states_of_each_class() -> None:
    cap = np.array([60.0, 30.0, 9.0, 0.6, 0.4, 5.0])
    alive = np.array([True, True, True, True, True, False])
    # shares of the living: 0.6, 0.3, 0.09 (great), 0.006 (middle), 0.004 (small)
    assert size_years(cap, alive).tolist() == [1.0, 1.0, 3.0]


def test_metrics_break_the_crises_down_by_the_targets_class() -> None:
    events = [
        _event(target_share=0.001, aggressor_won=True, target_died=True),
        _event(target_share=0.002, aggressor_won=False, target_helped=True,
               contributors=["G"], burden={"G": 20.0}),
        _event(target_share=0.01, aggressor_won=True, target_helped=True,
               contributors=["M", "S"], burden={"M": 1.0, "S": 0.1}),
        _event(target_share=0.2, aggressor_won=False, target_helped=True,
               contributors=["G"], burden={"G": 30.0}),
    ]
    m = run_metrics(events, state_years=100.0, deterred=0, deaths=1, final_capability=[1.0],
                    credibility=[], size_years=[50.0, 40.0, 10.0])
    assert m["attacks_per_100_small"] == pytest.approx(4.0)   # 2 attacks in 50 state-years
    assert m["attacks_per_100_middle"] == pytest.approx(2.5)
    assert m["attacks_per_100_great"] == pytest.approx(10.0)
    assert m["target_deaths_small"] == 1 and m["target_deaths_middle"] == 0
    assert m["aggressor_success_small"] == 0.5 and m["aggressor_success_middle"] == 1.0
    assert m["aggressor_success_great"] == 0.0
    assert m["helped_rate_small"] == 0.5 and m["helped_rate_great"] == 1.0
    total = 20.0 + 1.0 + 0.1 + 30.0
    assert m["contribution_share_great"] == pytest.approx(50.0 / total)
    assert m["contribution_share_middle"] == pytest.approx(1.0 / total)
    assert m["contribution_share_small"] == pytest.approx(0.1 / total)


def test_without_crises_or_state_years_the_rates_are_undefined() -> None:
    m = run_metrics([], state_years=0.0, deterred=0, deaths=0, final_capability=[],
                    credibility=[])
    for size in SIZE_CLASSES:
        for stem in ("attacks_per_100", "aggressor_success", "helped_rate", "contribution_share"):
            assert math.isnan(m[f"{stem}_{size}"])
        assert m[f"target_deaths_{size}"] == 0


def test_a_run_partitions_its_attacks_and_deaths_among_the_classes() -> None:
    model = foedus.Model("self-help", foedus.generate_world(30, rng=4),
                         rng=5)
    res = model.run(30)
    m = res.metrics
    assert res.events, "self-help in 30 years has crises"
    assert model.size_years.sum() == pytest.approx(model.state_years)
    attacks = sum(m[f"attacks_per_100_{c}"] * y / 100.0
                  for c, y in zip(SIZE_CLASSES, model.size_years, strict=True) if y)
    assert attacks == pytest.approx(len(res.events))
    died = sum(m[f"target_deaths_{c}"] for c in SIZE_CLASSES)
    assert died == sum(e.target_died for e in res.events) <= m["state_deaths"]
    for e in res.events:
        assert 0.0 <= e.target_share <= 1.0 and e.world_capability > 0


def test_a_comparison_reports_and_plots_who_benefits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The worked experiment of docs/benefit.md at small size: its documented shape holds."""
    comp = foedus.compare(["balance-of-power", "un-1965-ufp"], replications=3, years=30,
                          n_states=60, seed=1, workers=1, progress=False)
    wide = comp.wide()
    names = {f"{s}_{c}" for s in ("attacks_per_100", "target_deaths", "aggressor_success",
                                  "helped_rate", "contribution_share") for c in SIZE_CLASSES}
    assert names <= set(comp.table["metric"]) and names <= set(comp.runs.columns)
    doc = comp.document()
    assert names <= set(doc["results"]["un-1965-ufp"])
    def row(system: str) -> pd.Series:
        return wide.loc[system] if system in wide.index else wide[system]

    # small states suffer fewer attacks under the UN than under the balance of power, and great
    # powers give more of what is contributed than small states (docs/benefit.md)
    assert (row("un-1965-ufp")["attacks_per_100_small"]
            < row("balance-of-power")["attacks_per_100_small"])
    for system in comp.charters:
        assert row(system)["contribution_share_great"] > row(system)["contribution_share_small"]
    path = foedus.write_report(comp, tmp_path / "rep")
    assert (tmp_path / "rep" / "benefit.png").stat().st_size > 10_000
    assert "Who benefits" in path.read_text(encoding="utf-8")


def test_the_crisis_log_keeps_the_targets_class_and_old_stores_get_the_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from foedus.experiments import ResultStore

    store = tmp_path / "old.duckdb"
    comp = foedus.compare(["self-help"], replications=2, years=10, n_states=20, seed=2,
                          workers=1, progress=False, store=store)
    assert len(comp.events) and set(comp.events["target_size"]) <= set(SIZE_CLASSES)
    with ResultStore(store) as st:  # a store written before the column existed
        st.con.execute("ALTER TABLE events DROP COLUMN target_size")
    with ResultStore(store) as st:  # opened for writing: the column is back, empty
        events = st.table("events")
    assert "target_size" in events.columns and events["target_size"].isna().all()
    again = foedus.compare(["self-help"], replications=3, years=10, n_states=20, seed=2,
                           workers=1, progress=False, store=tmp_path / "new.duckdb")
    first = again.events[again.events["replication"] < 2].reset_index(drop=True)
    pd.testing.assert_series_equal(first["target"], comp.events["target"].reset_index(drop=True))
