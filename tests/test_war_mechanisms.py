"""Wars that last and spread, diluted alliance commitments, mediation by institutions and the
resumable calibration (issue 12; docs/model.md §War and §Alliances)."""

from __future__ import annotations

import numpy as np
import pytest

from foedus import World, generate_world
from foedus.engine.behaviour import Behaviour, pact_weight
from foedus.engine.crisis import CrisisResult, response_terms, run_crisis
from foedus.world import DEFENCE

SEEDS = range(30)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(40, rng=7)


def even_pair(world: World) -> tuple[int, int]:
    """Two neighbours of about equal capability (so that wars between them are close)."""
    cap = world.capability
    best = (0, 1, np.inf)
    for a in range(world.n):
        for t in np.flatnonzero(world.contiguity[a]):
            if t != a and abs(np.log(cap[a] / cap[t])) < best[2]:
                best = (a, int(t), abs(np.log(cap[a] / cap[t])))
    return best[0], best[1]


def crisis(world: World, a: int, t: int, seed: int, charter: str = "self-help",
           **beh: float) -> CrisisResult:
    """A crisis in which every resisted dispute is a war (unless ``beh`` says otherwise)."""
    beh = {"escalation": 1.0, "war_persistence": 0.0, "war_spread": 0.0, **beh}
    return run_crisis(world.copy(), charter, a, t, rng=np.random.default_rng(seed),
                      behaviour=Behaviour(**beh))  # type: ignore[arg-type]


def test_without_persistence_a_war_is_one_round_and_does_not_spread(world: World) -> None:
    a, t = even_pair(world)
    for s in SEEDS:
        r = crisis(world, a, t, s)
        assert r.war_rounds == (1 if r.war else 0)
        assert r.spread_defenders == [] and r.spread_aggressors == []


def test_persistent_wars_last_longer_and_destroy_more(world: World) -> None:
    a, t = even_pair(world)
    one = [crisis(world, a, t, s) for s in SEEDS]
    long = [crisis(world, a, t, s, war_persistence=0.95) for s in SEEDS]
    assert all(r.war_rounds >= 1 for r in long if r.war)
    assert np.mean([r.war_rounds for r in long if r.war]) > 1.5
    assert sum(r.capability_destroyed for r in long) > 1.5 * sum(r.capability_destroyed for r in one)


def test_lopsided_wars_end_sooner_than_even_ones(world: World) -> None:
    a, t = even_pair(world)
    strong = int(np.argmax(world.capability))
    weak = int(np.argmin(np.where(world.contiguity[strong], world.capability, np.inf)))
    even = [crisis(world, a, t, s, war_persistence=0.9).war_rounds for s in SEEDS]
    lop = [crisis(world, strong, weak, s, war_persistence=0.9).war_rounds for s in SEEDS]
    assert np.mean(even) > np.mean(lop)


def test_a_spreading_war_draws_in_allies_and_neighbours(world: World) -> None:
    a, t = even_pair(world)
    w = world.copy()
    ally = int(np.flatnonzero(~w.contiguity[t] & ~w.contiguity[a])[-1])
    w.alliances[ally, t] = w.alliances[t, ally] = DEFENCE
    res = [run_crisis(w.copy(), "self-help", a, t, rng=np.random.default_rng(s),
                      behaviour=Behaviour(war_persistence=0.95, war_spread=1.0, escalation=1.0))
           for s in SEEDS]
    wars = [r for r in res if r.war_rounds > 1]
    assert wars, "no war lasted two rounds"
    code = w.codes[ally]
    assert all(code in r.spread_defenders for r in wars)  # an ally joins its ally's side
    for r in wars:
        joined = set(r.spread_defenders) | set(r.spread_aggressors)
        assert joined <= set(w.codes) - {w.codes[a], w.codes[t]}
        assert not set(r.spread_defenders) & set(r.spread_aggressors)


def test_pact_weight_is_diluted_by_the_number_of_partners() -> None:
    k = np.array([0, 1, 2, 4, 16])
    assert np.allclose(pact_weight(k, Behaviour(alliance_weight=0.8, alliance_dilution=0.0)), 0.8)
    w = pact_weight(k, Behaviour(alliance_weight=0.8, alliance_dilution=1.0))
    assert np.allclose(w, [0.8, 0.8, 0.4, 0.2, 0.05])


def test_an_ally_in_a_large_pact_weighs_it_less(world: World) -> None:
    w = world.copy()
    w.alliances[:] = 0
    t = 0
    for i in range(1, 11):
        w.alliances[i, t] = w.alliances[t, i] = DEFENCE
    plain = response_terms(w, 20, t, Behaviour(alliance_weight=1.0, alliance_dilution=0.0))["benefit"]
    diluted = response_terms(w, 20, t, Behaviour(alliance_weight=1.0, alliance_dilution=1.0))["benefit"]
    assert np.allclose(plain[1:11] - diluted[1:11], 0.9)  # 1 - 1/10
    assert np.allclose(plain[11:], diluted[11:])


def test_mediation_keeps_disputes_before_an_institution_short_of_war(world: World) -> None:
    a, t = even_pair(world)
    seized = [crisis(world, a, t, s, "un-1965", escalation=0.9, mediation=1.0) for s in SEEDS]
    assert not any(r.war for r in seized if r.in_scope and r.steps)
    assert any(r.in_scope and r.steps for r in seized)
    alone = [crisis(world, a, t, s, "self-help", escalation=0.9, mediation=1.0) for s in SEEDS]
    assert any(r.war for r in alone)  # no institution, no mediation


def test_a_territorial_stake_raises_the_value_of_attacking_a_neighbour(world: World) -> None:
    from foedus import Model

    def eu(stake: float) -> tuple[np.ndarray, np.ndarray]:
        m = Model("self-help", world, rng=np.random.default_rng(0),
                  behaviour={"territorial_stake": stake})
        fc = m.forecast
        sel = fc.active(np.zeros(0, np.int64))
        contiguous = np.asarray(m.world.contiguity, bool)[fc.pairs.a[sel], fc.pairs.t[sel]]
        return m.expected_utility(sel)[0], contiguous

    base, cont = eu(0.0)
    more, _ = eu(1.0)
    assert cont.any() and (~cont).any()
    assert np.allclose(more[~cont], base[~cont])  # far pairs: unchanged
    assert (more[cont] >= base[cont] - 1e-12).all() and (more[cont] > base[cont]).any()
