"""A crisis without a trace counts the votes of a large all-members body instead of naming
every member (issue 16): the decisions, the votes recorded by state and everything that follows
are those of the crisis with a trace, which names every member."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import foedus
from foedus.engine import Institution
from foedus.engine.crisis import ballots
from foedus.engine.crisis.run import run_crisis


def _without_trace(res: Any) -> dict[str, Any]:
    d = dict(res.to_dict())
    d.pop("trace", None)
    return d


@pytest.mark.parametrize("charter", ["warsaw-pact", "rio", "nato", "un-1945-ufp", "un-1965-ufp",
                                     "csto"])
def test_counted_votes_decide_as_named_ones(charter: str, monkeypatch: Any) -> None:
    counted_votes = []
    plain = ballots.Ballots._counted

    def spy(self: Any, *args: Any) -> Any:
        counted_votes.append(1)
        return plain(self, *args)

    monkeypatch.setattr(ballots.Ballots, "_counted", spy)
    world = foedus.generate_world(300, rng=np.random.default_rng(5))
    inst = Institution.in_world(foedus.load_charter(charter), world, np.random.default_rng(6))
    members = np.flatnonzero(inst.members & world.alive)
    others = np.flatnonzero(~inst.members & world.alive)
    pick = np.random.default_rng(7)
    for k in range(40):
        a, t = (int(x) for x in pick.choice(members, 2, replace=False))
        if k % 2 and others.size:  # an outsider attacks a member
            a = int(pick.choice(others))
        got = []
        for trace in (True, False):
            w = world.copy()
            res = run_crisis(w, charter, a, t, rng=np.random.default_rng(k), institution=inst,
                             credibility=0.8, trace=trace)
            got.append((_without_trace(res), w.capability.copy(), w.alive.copy()))
        (named, cap1, alive1), (counted, cap0, alive0) = got
        assert counted == named
        np.testing.assert_array_equal(cap0, cap1)
        np.testing.assert_array_equal(alive0, alive1)
    assert len(counted_votes) >= 5, "too few votes of an all-members body: nothing compared"
