"""The engine's shortcuts give the numbers of the plain computation (issue 16): deciding again
after a crisis only for the states not yet activated and only for the pairs the crisis can have
moved, each aggressor's best target by a maximum per group instead of a sort, and no margins
computed for the pairs whose bound shows that they cannot attack (the decisions the same, only
the negative margins, which nothing reads, left out)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import foedus
from foedus.engine.model import Model, _best
from foedus.rules.architecture import builtin_architecture_ids


class _Recorded(Model):
    """Records every decision: each aggressor's best margins and targets."""

    def _decide(self, noise: Any, pending: Any = None, changed: Any = None) -> dict[str, Any]:
        dec = super()._decide(noise, pending, changed)
        if not hasattr(self, "decisions"):
            self.decisions: list[dict[str, Any]] = []
        self.decisions.append({k: v.copy() for k, v in dec.items()})
        return dec


class _Exact(_Recorded):
    """The shortcuts, but every pair's margins computed, also where the bound shows that the
    pair cannot attack (``bounded`` False): the same margins as the plain computation."""

    bounded = False


class _Plain(_Recorded):
    """Every pending pair decided again after every crisis; under balance of power, the pair
    terms computed again for every decision too (not once a period)."""

    incremental = False

    def _decide(self, noise: Any, pending: Any = None, changed: Any = None) -> dict[str, Any]:
        if self.forecast.ad_hoc:
            self.forecast._pair_cache = None
        return super()._decide(noise, pending, changed)


def _run(cls: type[Model], charter: str, seed: int, n: int = 60, years: int = 25,
         behaviour: dict[str, Any] | None = None) -> Any:
    w_seq, r_seq = np.random.SeedSequence(seed).spawn(2)
    world = foedus.generate_world(n, rng=np.random.default_rng(w_seq))
    model = cls(charter, world, rng=np.random.default_rng(r_seq), behaviour=behaviour)
    for _ in range(years):
        model.step()
    return model


def _same_decisions(got: dict[str, Any], want: dict[str, Any]) -> None:
    """What a decision shows outside the model is the same: who attacks (``best1 > 0``) and
    whom, who would attack without the institution (``best0 > 0``: deterred, displaced) and
    whom, with those margins to the bit. A pair the bound spares has both margins at most 0,
    so only the negative margins (read by nothing) may differ."""
    for best, target in (("best1", "target"), ("best0", "target0")):
        pos = want[best] > 0
        np.testing.assert_array_equal(got[best] > 0, pos)
        np.testing.assert_array_equal(got[best][pos], want[best][pos])
        np.testing.assert_array_equal(got[target][pos], want[target][pos])
    # an attacker would attack without the institution too: its displacement is read from
    # positive margins only
    assert np.all(want["best0"][want["best1"] > 0] > 0)


@pytest.mark.parametrize("charter", [*foedus.builtin_charter_ids(), *builtin_architecture_ids()])
def test_deciding_only_where_a_crisis_moved_the_utilities_changes_nothing(charter: str) -> None:
    for seed in (3, 4):
        plain = _run(_Plain, charter, seed)
        exact, fast = _run(_Exact, charter, seed), _run(_Recorded, charter, seed)
        assert len(exact.decisions) == len(plain.decisions) == len(fast.decisions)
        for got, want in zip(exact.decisions, plain.decisions, strict=True):
            for key in want:  # every margin and target of every decision, to the bit
                np.testing.assert_array_equal(got[key], want[key])
        for got, want in zip(fast.decisions, plain.decisions, strict=True):
            _same_decisions(got, want)
        assert [e.to_dict() for e in fast.events] == [e.to_dict() for e in plain.events]
        assert fast.records == plain.records
        assert fast.deterred_total == plain.deterred_total
        assert fast.displaced_total == plain.displaced_total
        np.testing.assert_array_equal(fast.world.capability, plain.world.capability)


#: Every mechanism that is off by default, on.
MECHANISMS = {"alliance_dilution": 1.0, "war_persistence": 0.6, "war_spread": 0.3,
              "territorial_stake": 0.5, "mediation": 0.5, "escalation": 0.7}


@pytest.mark.parametrize("charter", ["self-help", "balance-of-power", "nato", "un-1965-ufp",
                                     "collective-security"])
def test_the_shortcuts_hold_with_every_mechanism_on(charter: str) -> None:
    fast = _run(_Recorded, charter, 5, behaviour=MECHANISMS)
    exact = _run(_Exact, charter, 5, behaviour=MECHANISMS)
    plain = _run(_Plain, charter, 5, behaviour=MECHANISMS)
    assert fast.events, "no crisis: nothing compared"
    assert [e.to_dict() for e in fast.events] == [e.to_dict() for e in plain.events]
    assert fast.records == plain.records
    for got, want in zip(exact.decisions, plain.decisions, strict=True):
        for key in want:
            np.testing.assert_array_equal(got[key], want[key])
    for got, want in zip(fast.decisions, plain.decisions, strict=True):
        _same_decisions(got, want)


def _best_by_sort(a: np.ndarray, t: np.ndarray, margin: np.ndarray, n: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    best = np.full(n, -np.inf)
    target = np.full(n, -1, np.int64)
    order = np.lexsort((-margin, a))
    first = np.ones(order.size, bool)
    first[1:] = a[order][1:] != a[order][:-1]
    best[a[order[first]]] = margin[order[first]]
    target[a[order[first]]] = t[order[first]]
    return best, target


def test_the_best_target_per_aggressor_is_that_of_a_sort_ties_to_the_first_pair() -> None:
    rng = np.random.default_rng(5)
    n = 40
    for trial in range(30):
        a = np.sort(rng.integers(0, n, 300))
        t = rng.integers(0, n, 300)
        margin = rng.integers(-3, 3, 300).astype(float)  # many ties
        if trial % 3 == 0:
            margin[rng.integers(0, 300, 20)] = -np.inf
        if trial % 5 == 0:  # unsorted aggressors, and NaN: the sort is used
            a = rng.integers(0, n, 300)
            margin[7] = np.nan
        got, want = _best(a, t, margin, n), _best_by_sort(a, t, margin, n)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    empty = _best(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 3)
    assert empty[0].tolist() == [-np.inf] * 3 and empty[1].tolist() == [-1] * 3


@pytest.mark.parametrize("charter", ["un-1965", "un-1965-ufp", "collective-security", "nato"])
def test_a_crisis_without_trace_is_the_same_crisis(charter: str) -> None:
    """``run_crisis(trace=False)`` (what the model asks for) keeps no trace and decides
    everything as with the trace, from the same draws."""
    world = foedus.generate_world(40, rng=np.random.default_rng(8))
    results = []
    for trace in (True, False):
        w = world.copy()
        inst = foedus.engine.Institution.in_world(charter, w, np.random.default_rng(1))
        results.append([foedus.run_crisis(w, charter, a, t, rng=np.random.default_rng(a),
                                          institution=inst, trace=trace).to_dict()
                        for a, t in ((0, 1), (2, 5), (7, 3), (1, 0))])
    with_trace, without = results
    assert all(r["trace"] for r in with_trace) and not any(r["trace"] for r in without)
    for r in (*with_trace, *without):
        del r["trace"]
    assert with_trace == without


def test_the_gradient_token_of_a_distance_matrix_is_reused_only_while_unchanged() -> None:
    from foedus.engine.contest import Gradient

    grad = Gradient(foedus.Behaviour())
    d = np.random.default_rng(2).uniform(0, 9000, (80, 80))
    first = grad.token(d)
    assert grad.token(d) is first  # the same matrix: the kept token
    np.testing.assert_array_equal(first, grad._token(d))
    d[3, 4] = 100.0  # changed in place: computed again
    again = grad.token(d)
    assert again is not first and again[3, 4] == grad._token(np.array([100.0]))[0]
    other = Gradient(foedus.Behaviour(miles_per_day=100.0)).token(d)
    assert not np.array_equal(other, again)  # another gradient, another token


def test_balance_of_power_pair_terms_follow_a_death_within_the_period() -> None:
    """Under balance of power the pair terms are kept for a period, but a death (which the
    model reports with ``forget``) changes the living partners a pact's weight counts."""
    from foedus.world.world import DEFENCE

    model = _run(Model, "balance-of-power", 5, years=2, behaviour={"alliance_dilution": 1.0})
    w = model.world
    partners = ((w.alliances & DEFENCE) > 0).sum(axis=0)
    victim = int(np.flatnonzero(w.alive & (partners > 0))[0])
    before = model.forecast._pair_terms()["base"].copy()
    w.alive[victim] = False
    model.forecast.forget()
    got = model.forecast._pair_terms()["base"]
    model.forecast._pair_cache = None  # computed afresh on the world as it now is
    np.testing.assert_array_equal(got, model.forecast._pair_terms()["base"])
    assert not np.array_equal(got, before)
