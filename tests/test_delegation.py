"""Delegation (issue 18): authorised against delivered enforcement."""

from __future__ import annotations

import math

import pytest

import foedus
from foedus.engine import CrisisEvent, run_metrics


def _event(**kw: object) -> CrisisEvent:
    base: dict[str, object] = dict(
        aggressor="X", target="Y", charter="c", in_scope=True, determined=True, vetoed=False,
        vetoed_by=[], ufp_session=False, obligation=0.0, sanctions=False, force_authorised=False,
        peacekeeping=False, obligated=[], contributors=[], sanctioners=[], aggressor_side=[],
        war=False, aggressor_won=False, p_defender_win=None, effective=False,
        capability_destroyed=0.0, capability_transferred=0.0, target_died=False)
    return CrisisEvent(**{**base, **kw})  # type: ignore[arg-type]


def test_the_gap_between_authorised_and_delivered_enforcement() -> None:
    events = [
        _event(force_authorised=True, obligated=["A", "B", "C", "D"], contributors=["A"],
               sanctioners=["B"]),
        _event(force_authorised=True, obligated=["A", "B"]),  # authorised, nobody came
        _event(force_authorised=False, obligated=["A"], contributors=["A"]),  # not counted
    ]
    m = run_metrics(events, state_years=10.0, deterred=0, deaths=0, final_capability=[1.0],
                    credibility=[])
    assert m["authorised_crises"] == 2
    assert m["enforcement_gap"] == pytest.approx(0.5)
    assert m["authorised_force_compliance"] == pytest.approx(2 / 6)
    none = run_metrics(events[2:], state_years=10.0, deterred=0, deaths=0,
                       final_capability=[1.0], credibility=[])
    assert none["authorised_crises"] == 0
    assert math.isnan(none["enforcement_gap"]) and math.isnan(none["authorised_force_compliance"])


def test_the_worked_experiment_at_small_size_has_its_documented_shape() -> None:
    """docs/delegation.md: when force is authorised somebody nearly always fights, but a share
    of the obligated members does not."""
    comp = foedus.compare(["un-1965-ufp"], replications=3, years=30, n_states=60, seed=1,
                          workers=1, progress=False)
    t = comp.table.set_index("metric")["mean"]
    assert t["authorised_crises"] > 0
    assert t["enforcement_gap"] <= 0.1
    assert 0.0 < t["authorised_force_compliance"] < 1.0
