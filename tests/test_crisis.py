"""One crisis: institutions in a world, deliberation through the real rule engine, response,
war, peacekeeping and aftermath (docs/model.md §One crisis)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus import FoedusError, World, builtin_charter_ids, generate_world
from foedus.engine.behaviour import Behaviour, projected_capability
from foedus.engine.crisis import CrisisResult, run_crisis
from foedus.engine.crisis.response import _balancers
from foedus.engine.institution import Institution
from foedus.rules.charter import BINDINGNESS_WEIGHT
from foedus.world import DEFENCE

SEEDS = range(40)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(40, rng=7)


def crisis(world: World, charter: str, a: int | str, t: int | str, seed: int,
           **kw: object) -> CrisisResult:
    return run_crisis(world.copy(), charter, a, t, rng=np.random.default_rng(seed), **kw)  # type: ignore[arg-type]


def pair(world: World, seed: int) -> tuple[int, int]:
    a, t = np.random.default_rng(10_000 + seed).choice(world.n, 2, replace=False)
    return int(a), int(t)


def other(world: World, a: int, seed: int) -> int:
    """A target different from ``a`` that varies with the seed."""
    return (a + 1 + seed % (world.n - 1)) % world.n


def data_world() -> World:
    """A small world whose codes are COW abbreviations (as worlds built from data are)."""
    codes = ["USA", "RUS", "CHN", "UKG", "FRN", "GMY", "ITA", "JPN", "IND", "BRA", "CAN", "POL",
             "TUR", "EGY", "IRQ", "IRN", "KUW", "ARG", "MEX", "NIG"]
    n = len(codes)
    rng = np.random.default_rng(3)
    pos = rng.uniform(0, 15000, (n, 2))
    dist = np.sqrt(((pos[:, None] - pos[None]) ** 2).sum(-1))
    cap = np.r_[np.array([0.15, 0.12, 0.2, 0.04, 0.04]), rng.uniform(0.005, 0.03, n - 5)]
    aff = np.clip(rng.normal(0.2, 0.3, (n, n)), -1, 1)
    aff = (aff + aff.T) / 2
    np.fill_diagonal(aff, 1.0)
    region = np.array([0, 1, 4, 1, 1, 1, 1, 4, 4, 0, 0, 1, 1, 3, 3, 3, 3, 0, 0, 2])
    return World(codes=codes, names=codes, ccodes=np.zeros(n, np.int64), capability=cap / cap.sum(),
                 pos=pos, region=region, major=np.arange(n) < 5, revisionism=np.full(n, 0.3),
                 alive=np.ones(n, bool), nonaligned=np.zeros(n, bool), bloc=np.full(n, -1),
                 distance=dist, contiguity=dist < 1500, affinity=aff,
                 alliances=np.zeros((n, n), np.int8), year=1990, source="test-data")


# --- institutions in a world -----------------------------------------------------------------


def test_permanent_seats_go_to_the_strongest_majors_in_a_synthetic_world(world: World) -> None:
    inst = Institution.in_world("un-1965", world, np.random.default_rng(0))
    strongest = np.argsort(-world.capability)[:5]
    assert set(inst.permanent["council"]) == set(strongest)
    assert len(inst.seats["council"]) == 15
    elected = inst.seats["council"][5:]
    assert not set(elected) & set(strongest)
    again = Institution.in_world("un-1965", world, np.random.default_rng(0))
    assert list(again.seats["council"]) == list(inst.seats["council"])  # same rng, same seats
    assert inst.members.all()
    for p in inst.permanent["council"]:
        assert inst.veto_protected(int(p))


def test_permanent_seats_by_code_in_a_data_world() -> None:
    w = data_world()
    inst = Institution.in_world("un-1965", w, np.random.default_rng(0))
    assert [w.codes[i] for i in inst.permanent["council"]] == ["USA", "UKG", "FRN", "RUS", "CHN"]
    nato = Institution.in_world("nato", w, np.random.default_rng(0))
    assert set(nato.member_codes()) == {"USA", "UKG", "FRN", "GMY", "ITA", "CAN", "POL", "TUR"}
    assert nato.in_scope("RUS", "POL") and not nato.in_scope("TUR", "GMY")
    assert not nato.in_scope("RUS", "JPN")  # not a member


def test_selective_security_shelters_friends_of_veto_holders(world: World) -> None:
    inst = Institution.in_world("un-1965", world, np.random.default_rng(0))
    holders = inst.veto_holders()
    others = np.setdiff1d(np.arange(world.n), holders)
    close = world.affinity[np.ix_(others, holders)].max(axis=1) > 0.5
    for i, c in zip(others, close, strict=True):
        assert inst.veto_protected(int(i)) == bool(c)
    assert not Institution.in_world("un-no-veto", world).veto_protected(int(holders[0]))


# --- deliberation ----------------------------------------------------------------------------


def test_a_veto_holder_is_never_condemned_by_the_council(world: World) -> None:
    inst = Institution.in_world("un-1965", world, np.random.default_rng(0))
    for seed in SEEDS:
        a = int(inst.permanent["council"][seed % 5])
        t = other(world, a, seed)
        r = crisis(world, "un-1965", a, t, seed, institution=inst)
        assert r.in_scope and not r.determined and r.vetoed
        assert world.codes[a] in r.vetoed_by
        assert not r.sanctions and r.obligation == 0.0
        det = next(e for e in r.trace if e.step == "determination")
        assert "negative vote" in det.text and "permanent member" in det.text
        assert world.codes[a] in det.text and "27(3)" in det.article


def test_without_the_veto_the_council_can_condemn_a_great_power(world: World) -> None:
    inst = Institution.in_world("un-no-veto", world, np.random.default_rng(0))
    determined = 0
    for seed in SEEDS:
        a = int(inst.permanent["council"][seed % 5])
        t = other(world, a, seed)
        determined += crisis(world, "un-no-veto", a, t, seed, institution=inst).determined
    assert determined > 0


def test_uniting_for_peace_gives_at_most_a_recommendation(world: World) -> None:
    sessions = 0
    for seed in SEEDS:
        inst = Institution.in_world("un-1965-ufp", world, np.random.default_rng(seed))
        a = int(inst.permanent["council"][seed % 5])
        t = other(world, a, seed + 2)
        r = crisis(world, "un-1965-ufp", a, t, seed, institution=inst,
                   behaviour=Behaviour(ambiguity=0.0, self_defence_claim=0.0))
        assert r.vetoed
        if r.ufp_session:
            sessions += 1
            assert "Uniting for Peace" in r.text()
            assert r.obligation <= BINDINGNESS_WEIGHT["recommendation"] + 1e-12
    assert sessions > 0


def test_veto_override_can_overcome_a_veto(world: World) -> None:
    overridden = 0
    for seed in SEEDS:
        inst = Institution.in_world("un-veto-override", world, np.random.default_rng(seed))
        a = int(inst.permanent["council"][seed % 5])
        t = other(world, a, seed + 2)
        r = crisis(world, "un-veto-override", a, t, seed, institution=inst,
                   behaviour=Behaviour(ambiguity=0.0, self_defence_claim=0.0))
        assert r.vetoed
        overridden += r.determined and r.fallback == "veto-override"
    assert overridden > 0


def test_an_absent_permanent_member_does_not_veto(world: World) -> None:
    """Korea 1950: the USSR's absence was not counted as a veto (practice since 1950)."""
    inst = Institution.in_world("un-1965", world, np.random.default_rng(0))
    determined = 0
    for seed in range(20):
        a = int(inst.permanent["council"][seed % 5])
        t = other(world, a, seed)
        r = crisis(world, "un-1965", a, t, seed, institution=inst, absent=[world.codes[a]])
        assert world.codes[a] not in r.vetoed_by
        assert r.votes["determination"][world.codes[a]] == "absent"
        determined += r.determined
    assert determined > 0


def test_rotation_redraws_elected_seats_and_keeps_members(world: World) -> None:
    inst = Institution.in_world("un-1965", world, np.random.default_rng(0))
    inst.members[3] = False  # a member that left
    new = inst.rotate(world, np.random.default_rng(1))
    assert not new.members[3] and new.members.sum() == world.n - 1
    assert 3 not in set(new.seats["council"][5:])
    assert list(new.permanent["council"]) == list(inst.permanent["council"])
    assert json.loads(json.dumps(new.to_dict()))["charter"] == "un-1965"


def test_votes_in_a_data_world_name_real_states() -> None:
    w = data_world()
    r = run_crisis(w, "un-1965", "RUS", "POL", rng=np.random.default_rng(0))
    assert r.vetoed_by == ["RUS"] and not r.determined
    assert "negative vote of a permanent member, RUS" in r.text()
    assert r.votes["determination"]["RUS"] == "no"


def test_every_step_leaves_a_trace_naming_its_article(world: World) -> None:
    a, t = pair(world, 1)
    r = crisis(world, "league-1920", a, t, 1)
    steps = [e.step for e in r.trace]
    for s in ("onset", "scope", "attribution", "consultation", "report", "sanctions", "force",
              "response", "war", "aftermath"):
        assert s in steps
    art = {e.step: e.article for e in r.trace}
    assert "16(1)" in art["sanctions"]
    assert r.sanctions  # Art. 16(1): automatic, whatever the Council does


# --- response --------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["threshold", "volunteer", "best-response"])
def test_ideal_collective_security_answers_every_aggression(world: World, model: str) -> None:
    beh = Behaviour(ambiguity=0.0, self_defence_claim=0.0, decision_model=model)
    for seed in SEEDS:
        a, t = pair(world, seed)
        r = crisis(world, "collective-security", a, t, seed, behaviour=beh, credibility=1.0)
        assert r.in_scope and r.determined
        assert r.obligation == 1.0
        assert r.contributors and r.sanctions


def test_collective_defence_covers_only_outside_attacks_on_members(world: World) -> None:
    inst = Institution.in_world("nato", world, np.random.default_rng(0))
    members = np.flatnonzero(inst.members)
    outsiders = np.flatnonzero(~inst.members)
    assert members.size >= 2 and outsiders.size >= 1
    r = crisis(world, "nato", int(members[0]), int(members[1]), 0, institution=inst)
    assert not r.in_scope and r.obligated == [] and not r.determined
    hits = 0
    for seed in SEEDS:
        a = int(outsiders[seed % outsiders.size])
        t = int(members[seed % members.size])
        r = crisis(world, "nato", a, t, seed, institution=inst)
        assert r.in_scope
        hits += r.determined
        assert set(r.obligated) <= {world.codes[i] for i in members}
    assert hits > 0


def test_a_bilateral_pact_binds_only_its_two_parties(world: World) -> None:
    inst = Institution.in_world("bilateral-pact", world, np.random.default_rng(0))
    p, q = np.flatnonzero(inst.members)
    assert inst.members.sum() == 2
    outsider = next(i for i in range(world.n) if i not in (p, q))
    r = crisis(world, "bilateral-pact", outsider, int(p), 0, institution=inst)
    assert r.in_scope and r.obligated == [world.codes[q]]
    r2 = crisis(world, "bilateral-pact", int(p), outsider, 0, institution=inst)
    assert not r2.in_scope and r2.obligated == []


def test_self_help_leaves_the_target_alone(world: World) -> None:
    for seed in SEEDS:
        a, t = pair(world, seed)
        r = crisis(world, "self-help", a, t, seed)
        assert not r.in_scope and r.contributors == [] and r.sanctioners == []
        assert r.defenders == [world.codes[t]] and r.aggressor_side == [world.codes[a]]
        assert r.obligated == [] and r.obligation == 0.0


def test_balance_of_power_forms_ad_hoc_coalitions_against_the_top_threat(world: World) -> None:
    beh = Behaviour()
    strongest = np.argsort(-world.capability)[:3]
    formed = 0
    for seed in SEEDS:
        a = int(strongest[seed % 3])
        t = other(world, a, seed)
        r = crisis(world, "balance-of-power", a, t, seed)
        assert not r.in_scope and not r.sanctions
        top = _balancers(world, a, projected_capability(world, world.distance, beh))
        allies = (world.alliances[:, t] & DEFENCE) > 0
        for c in r.contributors:
            i = world.codes.index(c)
            assert top[i] or allies[i]
        formed += any(top[world.codes.index(c)] for c in r.contributors)
    assert formed > 0


def test_non_aligned_states_act_only_under_binding_universal_decisions(world: World) -> None:
    w = world.copy()
    w.nonaligned[:] = True
    beh = Behaviour(ambiguity=0.0, self_defence_claim=0.0)
    for seed in range(15):
        a, t = pair(w, seed)
        # NATO is not universal, its Art. 5 is discretionary: no non-aligned state joins
        assert crisis(w, "nato", a, t, seed, behaviour=beh).contributors == []
        # UN force is only recommended (Art. 42): no non-aligned contributor
        assert crisis(w, "un-no-veto", a, t, seed, behaviour=beh).contributors == []
        # ideal collective security binds everyone automatically
        assert crisis(w, "collective-security", a, t, seed, behaviour=beh).contributors


def test_best_response_free_rides_once_the_coalition_is_strong(world: World) -> None:
    beh = Behaviour(decision_model="best-response", ambiguity=0.0, self_defence_claim=0.0)
    threshold = Behaviour(ambiguity=0.0, self_defence_claim=0.0)
    free = 0
    for seed in range(20):
        a, t = pair(world, seed)
        br = crisis(world, "un-no-veto", a, t, seed, behaviour=beh, credibility=0.5)
        th = crisis(world, "un-no-veto", a, t, seed, behaviour=threshold, credibility=0.5)
        free += len(br.contributors) <= len(th.contributors)
    assert free >= 15


# --- war and accounting ----------------------------------------------------------------------


@pytest.mark.parametrize("charter", builtin_charter_ids())
def test_capability_accounting_is_exact(world: World, charter: str) -> None:
    for seed in range(12):
        a, t = pair(world, seed)
        w = world.copy()
        before = float(w.capability.sum())
        r = run_crisis(w, charter, a, t, rng=np.random.default_rng(seed))
        after = float(w.capability.sum())
        assert r.capability_before == pytest.approx(before, rel=1e-15)
        assert before - r.capability_destroyed == pytest.approx(after, rel=1e-12, abs=1e-15)
        assert r.capability_after == pytest.approx(after, rel=1e-15)
        assert r.capability_destroyed >= 0 and r.capability_transferred >= 0
        assert np.all(w.capability >= 0)
        if r.target_died:
            assert not w.alive[t] and w.capability[t] == 0 and r.aggressor_won
        assert 0.0 <= r.p_defender_win <= 1.0


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), charter=st.sampled_from(builtin_charter_ids()),
       model=st.sampled_from(["threshold", "volunteer", "best-response"]),
       gradient=st.sampled_from(["bdm", "exponential", "none"]),
       war_loss=st.floats(0, 1), spoils=st.floats(0, 1), floor=st.floats(0, 1),
       gamma=st.floats(0.1, 10), ambiguity=st.floats(0, 1))
def test_any_behaviour_conserves_capability(seed: int, charter: str, model: str, gradient: str,
                                            war_loss: float, spoils: float, floor: float,
                                            gamma: float, ambiguity: float) -> None:
    w = generate_world(15, rng=seed)
    beh = Behaviour(decision_model=model, gradient=gradient, war_loss=war_loss, spoils=spoils,
                    viability_floor=floor, gamma=gamma, ambiguity=ambiguity)
    a, t = np.random.default_rng(seed).choice(w.n, 2, replace=False)
    before = float(w.capability.sum())
    r = run_crisis(w, charter, int(a), int(t), rng=np.random.default_rng(seed), behaviour=beh)
    assert before - r.capability_destroyed == pytest.approx(float(w.capability.sum()),
                                                            rel=1e-12, abs=1e-15)
    assert np.all(w.capability >= -1e-15) and 0 <= r.p_defender_win <= 1
    assert set(r.contributors).isdisjoint(r.aggressor_side)


def test_a_crushed_target_dies_and_its_capability_passes_to_the_aggressor() -> None:
    w = generate_world(10, rng=4)
    a, t = int(np.argmax(w.capability)), int(np.argmin(w.capability))
    beh = Behaviour(war_loss=1.0, spoils=0.5, viability_floor=0.9, gamma=5.0,
                    conquest_probability=1.0, escalation=1.0)
    died = 0
    for seed in range(10):
        ww = w.copy()
        r = run_crisis(ww, "self-help", a, t, rng=np.random.default_rng(seed), behaviour=beh)
        if r.target_died:
            died += 1
            assert not ww.alive[t] and ww.capability[t] == 0 and r.capability_transferred > 0
            # in self-help only the two fight: the aggressor ends with both, less what burned
            assert ww.capability[a] == pytest.approx(
                w.capability[a] + w.capability[t] - r.capability_destroyed)
    assert died > 0


def test_conquest_follows_its_probability_and_never_when_impossible() -> None:
    w = generate_world(10, rng=4)
    a, t = int(np.argmax(w.capability)), int(np.argmin(w.capability))
    crushing = dict(war_loss=1.0, spoils=0.5, viability_floor=0.9, gamma=5.0, escalation=1.0)
    deaths = {p: sum(run_crisis(w.copy(), "self-help", a, t, rng=np.random.default_rng(s),
                                behaviour=Behaviour(**crushing, conquest_probability=p)
                                ).target_died for s in range(200))
              for p in (0.0, 0.1, 1.0)}
    assert deaths[0.0] == 0
    assert 0 < deaths[0.1] < deaths[1.0]


def test_run_crisis_mutates_the_world_it_is_given(world: World) -> None:
    w = world.copy()
    before = w.capability.copy()
    a, t = pair(world, 0)
    r = run_crisis(w, "self-help", a, t, rng=np.random.default_rng(0), behaviour={"escalation": 1.0})
    assert r.war and not np.array_equal(w.capability, before)
    assert np.array_equal(world.capability, generate_world(40, rng=7).capability)


def test_same_seed_same_result_different_seeds_differ(world: World) -> None:
    a, t = pair(world, 3)
    for charter in ("un-1965-ufp", "collective-security", "nato", "balance-of-power"):
        r1 = crisis(world, charter, a, t, 42).to_dict()
        r2 = crisis(world, charter, a, t, 42).to_dict()
        assert r1 == r2
    dicts = [json.dumps(crisis(world, "un-1965", a, t, s).to_dict(), sort_keys=True)
             for s in range(8)]
    assert len(set(dicts)) > 1


def test_result_is_json_ready(world: World) -> None:
    a, t = pair(world, 5)
    d = crisis(world, "un-1965-ufp", a, t, 5).to_dict()
    text = json.dumps(d)
    assert d["trace"][0]["step"] == "onset" and "aggressor" in json.loads(text)


def test_ambiguity_rises_when_the_aggressor_claims_self_defence(world: World) -> None:
    beh = Behaviour(ambiguity=0.2, self_defence_claim=0.3)
    a, t = pair(world, 2)
    assert crisis(world, "un-1965", a, t, 0, behaviour=beh,
                  claims_self_defence=True).ambiguity == pytest.approx(0.5)
    assert crisis(world, "un-1965", a, t, 0, behaviour=beh,
                  claims_self_defence=False).ambiguity == pytest.approx(0.2)


# --- peacekeeping ----------------------------------------------------------------------------


def test_peacekeeping_never_deploys_without_both_parties_consent(world: World) -> None:
    deployed = 0
    for seed in range(60):
        a, t = pair(world, seed)
        r = crisis(world, "un-no-veto", a, t, seed, behaviour=Behaviour(consent_bias=0.0))
        if r.peacekeeping:
            deployed += 1
            assert r.consent_aggressor and r.consent_target and r.peacekeepers
            assert world.codes[a] not in r.peacekeepers and world.codes[t] not in r.peacekeepers
    assert deployed > 0
    refuse = Behaviour(consent_bias=-40.0)
    for seed in range(30):
        a, t = pair(world, seed)
        r = crisis(world, "un-no-veto", a, t, seed, behaviour=refuse)
        assert not r.peacekeeping and r.peacekeepers == []


# --- edge cases ------------------------------------------------------------------------------


def test_a_world_with_one_state_alive() -> None:
    w = generate_world(5, rng=1)
    w.alive[1:] = False
    for charter in builtin_charter_ids():
        r = run_crisis(w.copy(), charter, 0, 1, rng=np.random.default_rng(0))
        assert not r.war and r.contributors == [] and r.capability_destroyed == 0.0


def test_zero_capability_states_and_tiny_worlds() -> None:
    w = generate_world(20, rng=1)
    w.capability[:] = 0.0
    two = generate_world(2, rng=1)
    for charter in builtin_charter_ids():
        r = run_crisis(w.copy(), charter, 0, 1, rng=np.random.default_rng(0))
        assert r.capability_after == 0.0 and r.capability_destroyed == 0.0
        r2 = run_crisis(two.copy(), charter, 0, 1, rng=np.random.default_rng(0))
        assert r2.contributors == []


def test_a_charter_with_no_members() -> None:
    w = generate_world(10, rng=2)
    inst = Institution.in_world("self-help", w)
    assert not inst.members.any() and not inst.in_scope(0, 1)
    assert not inst.veto_protected(0)
    r = run_crisis(w, "self-help", 0, 1, rng=np.random.default_rng(0))
    assert r.obligated == [] and not r.determined


def test_bad_inputs_are_clear_errors(world: World) -> None:
    with pytest.raises(FoedusError, match="cannot attack itself"):
        crisis(world, "un-1965", 3, 3, 0)
    with pytest.raises(FoedusError, match="credibility"):
        crisis(world, "un-1965", 1, 2, 0, credibility=1.5)
    with pytest.raises(FoedusError, match="unknown behaviour parameter"):
        crisis(world, "un-1965", 1, 2, 0, behaviour={"fear": 1.0})


def test_a_players_choices_are_played_by_the_engine() -> None:
    """run_crisis(choices=...) fixes a third state's vote and contribution; bad choices are
    clear errors."""
    world = generate_world(30, rng=5)
    base = run_crisis(world.copy(), "un-1965", "S03", "S10", rng=np.random.default_rng(1))
    voters = sorted({c for v in base.votes.values() for c in v} - {"S03", "S10"})
    if not voters:
        pytest.skip("no vote in this crisis")
    me = voters[0]
    forced = run_crisis(world.copy(), "un-1965", "S03", "S10", rng=np.random.default_rng(1),
                        choices={me: {"vote": "absent", "force": True, "sanction": True}})
    assert all(v[me] == "absent" for v in forced.votes.values() if me in v)
    assert me in forced.contributors and me in forced.sanctioners
    with pytest.raises(FoedusError, match="vote must be one of"):
        run_crisis(world.copy(), "un-1965", "S03", "S10", rng=np.random.default_rng(1),
                   choices={me: {"vote": "maybe"}})
    with pytest.raises(FoedusError, match="unknown key"):
        run_crisis(world.copy(), "un-1965", "S03", "S10", rng=np.random.default_rng(1),
                   choices={me: {"fight": True}})
