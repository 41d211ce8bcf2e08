"""Deciding each aggressor when it is activated (issue 16): how many states are decided
together changes only the work, never the numbers, and the bound that spares computing the
touched pairs that cannot cross their threshold is a bound."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import foedus
from foedus.engine.model import Model

MECHANISMS = {"alliance_dilution": 1.0, "war_persistence": 0.6, "war_spread": 0.3,
              "territorial_stake": 0.5, "mediation": 0.5, "escalation": 0.7}


def _run(charter: str, seed: int, batch: int | None, behaviour: dict[str, Any] | None = None
         ) -> Model:
    class Batched(Model):
        def _batch(self, alive: int) -> int:
            return super()._batch(alive) if batch is None else batch

    w_seq, r_seq = np.random.SeedSequence(seed).spawn(2)
    world = foedus.generate_world(50, rng=np.random.default_rng(w_seq))
    model = Batched(charter, world, rng=np.random.default_rng(r_seq), behaviour=behaviour)
    for _ in range(12):
        model.step()
    return model


@pytest.mark.parametrize("charter", ["self-help", "balance-of-power", "nato", "un-1965-ufp",
                                     "rio", "league-1920"])
def test_the_batch_of_states_decided_together_changes_no_number(charter: str) -> None:
    runs = [_run(charter, 8, batch) for batch in (None, 1, 3, 1000)]
    assert runs[0].events, "no crisis: nothing compared"
    for other in runs[1:]:
        assert [e.to_dict() for e in other.events] == [e.to_dict() for e in runs[0].events]
        assert other.records == runs[0].records
        assert other.deterred_total == runs[0].deterred_total
        assert other.displaced_total == runs[0].displaced_total


@pytest.mark.parametrize("charter", ["un-1965", "nato", "rio", "collective-security"])
@pytest.mark.parametrize("behaviour", [None, MECHANISMS, {"rivalry": 0.4}])
def test_the_upper_bound_is_above_the_utility_before_the_answer(
        charter: str, behaviour: dict[str, Any] | None) -> None:
    model = _run(charter, 9, None, behaviour)
    f = model.forecast
    sel = f.active(np.zeros(0, np.int64))
    before, _ = f.expected_utility(sel, credibility=float("nan"), doubt=np.zeros(model.world.n, bool),
                                   top_threat_of=np.full(model.world.n, -1, np.int64))
    bound = f.upper_bound(sel)
    assert sel.size > 100
    assert np.all(bound >= before)
    assert np.mean(bound - before < 1e-6) < 1.0, "every pair's bound exact: nothing tested"


@pytest.mark.parametrize("charter", ["nato", "balance-of-power", "un-1965", "warsaw-pact"])
@pytest.mark.parametrize("behaviour", [None, MECHANISMS])
def test_the_upper_bound_is_above_both_margins_a_decision_reads(
        charter: str, behaviour: dict[str, Any] | None) -> None:
    """The model leaves a pair uncomputed when its bound is at most its threshold
    (``Model._hopeless``): so the bound must be above its utility with the institution's
    answer and above its utility without the ties the system created."""
    model = _run(charter, 9, None, behaviour)
    f = model.forecast
    sel = f.active(np.zeros(0, np.int64))
    with_answer, without = f.expected_utility(
        sel, credibility=0.8, doubt=np.zeros(model.world.n, bool),
        top_threat_of=model._top_threat_of)
    bound = f.upper_bound(sel)
    assert sel.size > 100
    assert np.all(bound >= with_answer) and np.all(bound >= without)
    assert np.mean(bound - without < 1e-6) < 1.0, "every pair's bound exact: nothing tested"
