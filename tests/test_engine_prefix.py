"""Balance of power's strongest states put in order only as far as the balancers need them
(issue 16, fifth round): the prefix is the full stable order's, and the balancers of a large
world are those of the plain ``n x n`` threat matrix."""

from __future__ import annotations

import numpy as np
import pytest

import foedus
from foedus.engine.behaviour import Behaviour, projected_capability
from foedus.engine.crisis.response import (
    PREFIX_FROM,
    STRONGEST_PREFIX,
    _balancers,
    _strongest_first,
    top_threatened,
)


@pytest.mark.parametrize("k", [1, 2, STRONGEST_PREFIX, 200])
def test_the_prefix_is_the_stable_order_s(k: int) -> None:
    rng = np.random.default_rng(5)
    for n in (PREFIX_FROM, 300, 1000):
        for keys in (rng.normal(size=n), rng.integers(0, 7, n).astype(float),  # many ties
                     np.where(rng.random(n) < 0.5, -0.0, 0.0), np.full(n, 2.5)):
            want = np.argsort(keys, kind="stable")[:k]
            np.testing.assert_array_equal(_strongest_first(keys, k)[:k], want)
    short = rng.normal(size=PREFIX_FROM - 1)  # below the bound: the whole order
    np.testing.assert_array_equal(_strongest_first(short, 4), np.argsort(short, kind="stable"))
    odd = rng.normal(size=400)
    odd[3] = np.nan  # not finite: the whole order, as argsort puts it
    np.testing.assert_array_equal(_strongest_first(odd, 4), np.argsort(odd, kind="stable"))


def _plain(world: foedus.World, a: int, beh: Behaviour) -> np.ndarray:
    return _balancers(world, a, projected_capability(world, world.distance, beh))


def test_top_threatened_in_a_large_world_is_the_plain_argmax() -> None:
    beh = Behaviour()
    world = foedus.generate_world(320, rng=np.random.default_rng(3))
    world.alive[np.random.default_rng(4).choice(320, 30, replace=False)] = False
    world.alive[0] = True
    world.affinity[0, :] = world.affinity[:, 0] = -1.0  # the most hostile there is
    strongest = np.argsort(-np.where(world.alive, world.capability, 0.0))[:8]
    seen = 0
    for a in [0, *strongest.tolist(), *np.flatnonzero(world.alive)[::40].tolist()]:
        want = _plain(world, int(a), beh)
        np.testing.assert_array_equal(top_threatened(world, int(a), beh), want)
        seen += int(want.sum())
    assert seen > 0, "no state balances anywhere: nothing compared"


def test_top_threatened_past_the_prefix_breaks_ties_as_argmax_does() -> None:
    """Equal threats everywhere: the blocks run past the strongest states put in order first
    (the whole order is then sorted), and the first state in index order is the top threat."""
    beh = Behaviour()
    world = foedus.generate_world(300, rng=np.random.default_rng(9))
    world.capability[:] = 1.0 / world.n
    world.distance[:] = 500.0
    np.fill_diagonal(world.distance, 0.0)
    world.affinity[:] = 0.0
    for a in (0, 1, 100):
        np.testing.assert_array_equal(top_threatened(world, a, beh), _plain(world, a, beh))
    assert _plain(world, 0, beh)[1:].all() and not _plain(world, 100, beh).any()


def test_top_threatened_reads_the_states_past_the_prefix() -> None:
    """States threatened most by a state far down the order of strength (the 81st of equals,
    past the first 64 put in order) do not balance the aggressor; the others do."""
    beh = Behaviour()
    n, a, rival = 300, 200, 80
    world = foedus.generate_world(n, rng=np.random.default_rng(11))
    world.capability[:] = 1.0 / n
    world.distance[:] = 500.0
    np.fill_diagonal(world.distance, 0.0)
    world.affinity[:] = 0.5
    world.affinity[:, a] = world.affinity[a, :] = 0.0
    fear_rival = np.arange(0, n, 7)
    fear_rival = fear_rival[(fear_rival != a) & (fear_rival != rival)]
    world.affinity[fear_rival, rival] = world.affinity[rival, fear_rival] = -1.0
    np.fill_diagonal(world.affinity, 1.0)
    want = _plain(world, a, beh)
    np.testing.assert_array_equal(top_threatened(world, a, beh), want)
    assert not want[fear_rival].any() and want.sum() > n // 2
