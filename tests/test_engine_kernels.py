"""The engine's kept intermediate results give the numbers of computing them afresh (issue 16):
balance of power's balancers without the n x n threat matrix, the forecast's helper terms
kept between decisions, the ballots' naming kept between crises."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import foedus
from foedus.engine.behaviour import Behaviour, projected_capability
from foedus.engine.crisis import ballots
from foedus.engine.crisis.ballots import Ballots
from foedus.engine.crisis.response import _balancers, top_threatened
from foedus.engine.institution import Institution
from foedus.engine.model import Model


def _plain(world: foedus.World, a: int, beh: Behaviour) -> Any:
    return _balancers(world, a, projected_capability(world, world.distance, beh))


@pytest.mark.parametrize("gradient", ["bdm", "exponential", "none"])
def test_top_threatened_is_the_plain_argmax_of_the_threat_matrix(gradient: str) -> None:
    beh = Behaviour(gradient=gradient)
    seen = 0
    for n, seed in ((12, 1), (45, 2), (160, 3)):
        world = foedus.generate_world(n, rng=np.random.default_rng(seed))
        rng = np.random.default_rng(seed + 100)
        world.alive[rng.choice(n, n // 8, replace=False)] = False
        world.affinity[0, :] = world.affinity[:, 0] = -1.0  # the most hostile there is
        for a in np.flatnonzero(world.alive):
            want = _plain(world, int(a), beh)
            np.testing.assert_array_equal(top_threatened(world, int(a), beh), want)
            seen += int(want.sum())
    assert seen > 0, "no state balances anywhere: nothing compared"


def test_top_threatened_breaks_ties_as_argmax_does() -> None:
    """Equal threats (equal capabilities at equal distances, equal affinities): the first
    state in index order is the top threat, as with ``argmax`` over the full matrix."""
    beh = Behaviour()
    world = foedus.generate_world(30, rng=np.random.default_rng(9))
    world.capability[:] = 1.0 / world.n
    world.distance[:] = 500.0
    np.fill_diagonal(world.distance, 0.0)
    world.affinity[:] = 0.0
    for a in (0, 1, 7, 29):
        want = _plain(world, a, beh)
        np.testing.assert_array_equal(top_threatened(world, a, beh), want)
    assert _plain(world, 0, beh)[1:].all() and not _plain(world, 7, beh).any()


def test_top_threatened_holds_on_odd_worlds() -> None:
    """Affinities outside [-1, 1] (a wider bound, or none: the plain computation) and a dead
    aggressor give the plain answer too."""
    beh = Behaviour()
    world = foedus.generate_world(20, rng=np.random.default_rng(4))
    world.affinity[2, 3] = world.affinity[3, 2] = -3.0
    for a in range(world.n):
        np.testing.assert_array_equal(top_threatened(world, a, beh), _plain(world, a, beh))
    world.alive[5] = False
    np.testing.assert_array_equal(top_threatened(world, 5, beh), _plain(world, 5, beh))
    world.affinity[:] = 1.5
    for a in (0, 9):
        np.testing.assert_array_equal(top_threatened(world, a, beh), _plain(world, a, beh))


def _model(charter: str, seed: int, memo: bool, n: int = 60) -> Model:
    w_seq, r_seq = np.random.SeedSequence(seed).spawn(2)
    world = foedus.generate_world(n, rng=np.random.default_rng(w_seq))
    model = Model(charter, world, rng=np.random.default_rng(r_seq))
    model.forecast.memo = memo
    for _ in range(15):
        model.step()
    return model


@pytest.mark.parametrize("charter", ["balance-of-power", "un-1965", "nato", "collective-security",
                                     "league-1920", "self-help"])
def test_kept_helper_terms_give_the_numbers_of_fresh_ones(charter: str) -> None:
    for seed in (6, 7):
        kept, fresh = _model(charter, seed, True), _model(charter, seed, False)
        assert kept.forecast._memo is not None and fresh.forecast._memo is None
        assert kept.events, "no crisis: nothing compared"
        assert [e.to_dict() for e in kept.events] == [e.to_dict() for e in fresh.events]
        assert kept.records == fresh.records
        np.testing.assert_array_equal(kept.world.capability, fresh.world.capability)


@pytest.mark.parametrize("charter", ["un-1965", "league-1920"])
def test_kept_naming_of_voters_is_the_naming_of_each_crisis(charter: str) -> None:
    world = foedus.generate_world(300, rng=np.random.default_rng(2))
    inst = Institution.in_world(foedus.load_charter(charter), world, np.random.default_rng(3))
    pairs = [(0, 1), (250, 3), (7, 299), (299, 250), (4, 0)]
    fresh = []
    for a, t in pairs:
        ballots._NAMING.clear()
        fresh.append(Ballots(inst, world, a, t).names)
    ballots._NAMING.clear()
    for (a, t), want in zip(pairs, fresh, strict=True):
        got = Ballots(inst, world, a, t).names
        assert got == want and list(got) == list(want)  # the same codes, in the same order
        assert a in got and t in got  # the parties are always named


class _Fresh(Model):
    """Every pending pair decided again after every crisis, with nothing kept between calls."""

    incremental = False

    def _decide(self, noise: Any, pending: Any = None, changed: Any = None) -> dict[str, Any]:
        self.forecast.memo = False
        if self.forecast.ad_hoc:
            self.forecast._pair_cache = None
        return super()._decide(noise, pending, changed)


@pytest.mark.parametrize("charter", ["balance-of-power", "un-1965", "nato", "self-help"])
def test_what_is_kept_holds_with_rivalry_arms_and_deterrents(charter: str) -> None:
    """The mechanisms that move utilities between periods (dispute history, arms, deterrents)
    with everything the model keeps between decisions give the numbers of deciding afresh."""
    runs = []
    for cls in (Model, _Fresh):
        w_seq, r_seq = np.random.SeedSequence(12).spawn(2)
        world = foedus.generate_world(60, rng=np.random.default_rng(w_seq))
        model = cls(charter, world, rng=np.random.default_rng(r_seq),
                    behaviour={"rivalry": 0.3},
                    settings={"arms_race": "on", "deterrent": "on", "deterrent_years": 1})
        for _ in range(15):
            model.step()
        runs.append(model)
    kept, fresh = runs
    assert kept.events, "no crisis: nothing compared"
    assert [e.to_dict() for e in kept.events] == [e.to_dict() for e in fresh.events]
    assert kept.records == fresh.records
