"""The many-year model and its metrics: determinism, every charter, edge cases, accounting."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from factories import crisis_event
from foedus import builtin_charter_ids, charter_from_dict, generate_world, load_charter
from foedus.engine.behaviour import Behaviour, projected_capability
from foedus.engine.contest import Gradient
from foedus.engine.events import CrisisEvent
from foedus.engine.metrics import (
    METRICS,
    concentration,
    hhi,
    mean_ci,
    polarity,
    run_metrics,
    summarise,
)
from foedus.engine.model import DEFAULTS, SERIES_COLUMNS, Model, RunResult, simulate

SMALL = {"n_states": 24, "years": 8}


def _same(a: RunResult, b: RunResult) -> bool:
    ma = pd.Series(a.metrics)
    mb = pd.Series(b.metrics)
    return bool(ma.equals(mb) and a.series.equals(b.series) and a.events == b.events)


def test_same_seed_same_output_different_seed_differs() -> None:
    a = simulate("un-1965", rng=7, **SMALL)
    b = simulate("un-1965", rng=7, **SMALL)
    c = simulate("un-1965", rng=8, **SMALL)
    assert _same(a, b)
    assert not _same(a, c)


def test_seed_sequence_children_match_compare_convention() -> None:
    seq = np.random.SeedSequence(3, spawn_key=(0, 2))
    w_seq, r_seq = (np.random.SeedSequence(3, spawn_key=(0, 2, i)) for i in range(2))
    world = generate_world(20, rng=np.random.default_rng(w_seq))
    direct = simulate("self-help", rng=seq, n_states=20, years=5)
    explicit = simulate("self-help", world=world, rng=np.random.default_rng(r_seq), years=5)
    assert _same(direct, explicit)
    assert direct.seed == {"entropy": 3, "spawn_key": [0, 2]}


def test_replication_seeds_are_the_spawned_children() -> None:
    from foedus.seeding import replication_seeds

    mine = replication_seeds(5, 0, 2)
    spawned = np.random.SeedSequence(5, spawn_key=(0, 2)).spawn(2)
    for a, b in zip(mine, spawned, strict=True):
        assert np.array_equal(a.generate_state(4), b.generate_state(4))


def test_input_world_is_not_changed() -> None:
    world = generate_world(20, rng=1)
    before = world.capability.copy()
    simulate("self-help", world=world, rng=1, years=10)
    assert np.array_equal(world.capability, before)
    assert world.alive.all()


@pytest.mark.parametrize("charter", builtin_charter_ids())
def test_every_builtin_charter_runs(charter: str) -> None:
    res = simulate(charter, rng=2, n_states=20, years=4)
    assert set(res.metrics) == set(METRICS)
    assert list(res.series.columns) == list(SERIES_COLUMNS)
    assert len(res.series) == 4
    assert res.series["year"].tolist() == [1, 2, 3, 4]
    for e in res.events:
        assert isinstance(e, CrisisEvent)
        d = e.to_dict()
        assert "trace" not in d
        assert {"year", "aggressor", "target", "in_scope", "aggressor_veto", "burden"} <= set(d)
    d = res.to_dict()
    assert d["charter"] == charter and len(d["series"]) == 4


def test_simultaneous_activation_runs_and_is_deterministic() -> None:
    a = simulate("balance-of-power", rng=4, activation="simultaneous", **SMALL)
    b = simulate("balance-of-power", rng=4, activation="simultaneous", **SMALL)
    assert _same(a, b)
    assert a.settings["activation"] == "simultaneous"


def test_bad_settings_are_errors() -> None:
    from foedus import FoedusError

    with pytest.raises(FoedusError, match="activation"):
        simulate("self-help", rng=1, activation="sideways", **SMALL)
    with pytest.raises(FoedusError, match="max_crises"):
        simulate("self-help", rng=1, max_crises=-1, **SMALL)
    with pytest.raises(FoedusError, match="doubt"):
        simulate("self-help", rng=1, doubt=2.0, **SMALL)


def test_settings_are_typed_checked_and_rebuildable() -> None:
    from foedus import ModelSettings
    from foedus.parameters import SettingsError

    assert ModelSettings().to_dict() == DEFAULTS
    s = ModelSettings.from_dict({"max_crises": 5, "activation": "simultaneous"})
    assert ModelSettings.from_dict(s.to_dict()) == s
    with pytest.raises(SettingsError, match="max_crises: -1 is outside its range"):
        ModelSettings(max_crises=-1)
    with pytest.raises(SettingsError, match="did you mean 'max_crises'"):
        simulate("self-help", years=1, n_states=5, rng=0, max_crisis=2)
    a = simulate("un-1965", years=5, n_states=12, rng=3, settings={"max_crises": 5})
    b = simulate("un-1965", years=5, n_states=12, rng=3, max_crises=5)
    assert a.metrics == b.metrics or all(
        (x != x and y != y) or x == y for x, y in zip(a.metrics.values(), b.metrics.values(),
                                                      strict=True))
    rows = ModelSettings.describe()
    assert all(r["doc"] and r["cite"] and r["range"] for r in rows)


# --- edge cases ----------------------------------------------------------------------------


def test_one_state_left() -> None:
    world = generate_world(5, rng=3)
    world.alive[1:] = False
    res = simulate("un-1965", world=world, rng=1, years=5)
    assert res.events == []
    assert res.metrics["attempts_per_100"] == 0.0
    assert math.isnan(res.metrics["response_rate"])
    assert res.metrics["polarity"] == 1.0


def test_all_states_dead() -> None:
    world = generate_world(6, rng=3)
    world.alive[:] = False
    res = simulate("league-1920", world=world, rng=1, years=3)
    assert res.events == []
    assert math.isnan(res.metrics["attempts_per_100"])
    assert res.metrics["state_deaths"] == 0.0
    assert math.isnan(res.metrics["concentration"])


def test_a_world_of_one_state() -> None:
    res = simulate("collective-security", n_states=1, rng=1, years=3)
    assert res.events == [] and len(res.series) == 3


def test_zero_capability_inputs() -> None:
    world = generate_world(12, rng=5)
    world.capability[:] = 0.0
    res = simulate("un-1965", world=world, rng=1, years=4)
    assert res.events == []
    world = generate_world(12, rng=5)
    world.capability[[0, 3, 7]] = 0.0
    res = simulate("un-1965", world=world, rng=1, years=6)
    assert set(res.metrics) == set(METRICS)


def test_charter_with_no_members() -> None:
    data = load_charter("un-1965").model_dump(mode="json", exclude_none=True)
    data["id"] = "un-empty"
    data["membership"] = {"members": "none", "synthetic": "none"}
    charter = charter_from_dict(data)
    res = simulate(charter, rng=1, **SMALL)
    assert all(not e.in_scope for e in res.events)
    assert math.isnan(res.metrics["determination_rate"])
    assert res.metrics["deterred_per_100"] == 0.0


# --- mechanics -----------------------------------------------------------------------------


@pytest.mark.parametrize("gradient", ["bdm", "exponential", "none"])
def test_gradient_matches_the_engine(gradient: str) -> None:
    world = generate_world(15, rng=2)
    beh = Behaviour(gradient=gradient)
    g = Gradient(beh)
    d = world.distance[:, 4]
    expect = projected_capability(world, d, beh)
    got = g.project(world.capability, g.token(d), max(1.0, float(world.capability.max())))
    np.testing.assert_allclose(got, expect, rtol=1e-10, atol=1e-15)
    with np.errstate(divide="ignore"):
        lc = np.log(world.capability)
    np.testing.assert_allclose(g.project_log(lc, g.token(d), 1.0), expect, rtol=1e-10)


def test_relevant_pairs_grow_linearly() -> None:
    sizes = {}
    for n in (60, 240):
        m = Model("self-help", generate_world(n, rng=1), rng=1)
        sizes[n] = m.forecast.pairs.a.size
        assert np.all(m.forecast.pairs.a != m.forecast.pairs.t)
        assert np.unique(m.forecast.pairs.key).size == m.forecast.pairs.key.size
    assert sizes[240] / sizes[60] < 6.0  # ~ n k, far from the 16x of n^2


def test_institution_only_lowers_expected_utility() -> None:
    m = Model("collective-security", generate_world(30, rng=4), rng=4)
    eu1, eu0 = m.expected_utility()
    assert np.all(eu1 <= eu0 + 1e-12)
    assert np.any(eu1 < eu0)
    m0 = Model("self-help", generate_world(30, rng=4), rng=4)
    eu1, eu0 = m0.expected_utility()
    np.testing.assert_array_equal(eu1, eu0)


def test_veto_holder_expects_no_determination() -> None:
    m = Model("un-1965", generate_world(40, rng=6), rng=6)
    perm = m.institution.permanent["council"]
    sel = np.flatnonzero(np.isin(m.forecast.pairs.a, perm))
    p_adopt, p_veto = m.forecast.vote("council", "determination", sel, 1.0)
    np.testing.assert_allclose(p_veto, 1.0)
    np.testing.assert_allclose(p_adopt, 0.0, atol=1e-9)
    m2 = Model("un-no-veto", generate_world(40, rng=6), rng=6)
    p_adopt2, p_veto2 = m2.forecast.vote("council", "determination", sel, 1.0)
    assert np.all(p_veto2 == 0.0) and p_adopt2.max() > 0.0


def test_nobody_deterred_without_an_institution_or_when_all_doubt() -> None:
    assert simulate("self-help", rng=3, **SMALL).metrics["deterred_per_100"] == 0.0
    res = simulate("collective-security", rng=3, doubt=1.0, **SMALL)
    assert res.metrics["deterred_per_100"] == 0.0


def test_a_pact_is_measured_without_the_ties_it_creates() -> None:
    """Issue 12: the "without" calculation drops a collective-defence pact's own alliances, so
    the pact's deterrence is counted; a non-pact institution creates no ties."""
    world = generate_world(30, rng=4)
    m = Model("nato", world, rng=4)
    ties = m._created_ties()
    assert ties is not None
    members = m.institution.members & m.world.alive
    assert not ties[~members].any() and ties[np.ix_(members, members)].sum() > 0
    assert Model("un-1945", world, rng=4)._created_ties() is None
    m.forecast.created_ties(ties)
    eu1, eu0 = m.expected_utility()
    assert np.all(eu1 <= eu0 + 1e-12) and np.any(eu0 > eu1 + 1e-9)
    res = simulate("nato", rng=1, n_states=40, years=20)
    assert res.metrics["deterred_per_100"] > 0.0
    assert 0.0 < res.metrics["deterrence_share"] <= 1.0


def test_displacement_is_its_own_metric() -> None:
    res = simulate("un-1945", rng=1, n_states=40, years=20)
    m = res.metrics
    assert {"displaced_per_100", "displacement_share", "deterrence_share"} <= set(m)
    assert m["displaced_per_100"] >= 0.0
    would = m["attempts_per_100"] + m["deterred_per_100"]
    if would > 0:
        assert m["displacement_share"] == pytest.approx(m["displaced_per_100"] / would)
        assert m["deterrence_share"] == pytest.approx(m["deterred_per_100"] / would)


def test_notice_of_withdrawal_takes_effect() -> None:
    m = Model("league-1920", generate_world(20, rng=1), rng=1)
    assert m.institution.members[5]
    m._notice[5] = m.year
    rec = m.step()
    assert rec["exits"] == 1 and not m.institution.members[5]
    for b, seats in m.institution.seats.items():
        assert 5 not in seats.tolist(), b


def test_peacekeepers_keep_a_pair_apart() -> None:
    m = Model("self-help", generate_world(20, rng=1), rng=1,
              behaviour={"peacekeeping_effect": 1.0})
    a, t = int(m.forecast.pairs.a[0]), int(m.forecast.pairs.t[0])
    m._peace[a * m.world.n + t] = 99
    m._aggression(m.year)  # draws who is held this period
    assert 0 not in m._active().tolist()


def test_credibility_series_and_learning() -> None:
    res = simulate("un-1965", rng=5, n_states=30, years=20)
    cred = res.series["credibility"].to_numpy(float)
    assert np.all((cred >= 0) & (cred <= 1))
    assert res.metrics["final_credibility"] == pytest.approx(cred[-1])
    assert simulate("self-help", rng=5, **SMALL).series["credibility"].isna().all()


# --- metrics -------------------------------------------------------------------------------


def test_concentration_polarity_hhi() -> None:
    assert concentration([1, 1, 1, 1]) == pytest.approx(0.0)
    assert concentration([1, 0, 0, 0]) == 1.0  # one state holds everything
    assert math.isnan(concentration([]))
    assert 0 < concentration([5, 1, 1, 1]) < 1
    assert polarity([0.5, 0.3, 0.1, 0.05, 0.05]) == 3
    assert polarity([]) == 0
    assert hhi([1, 1]) == pytest.approx(0.5)
    assert math.isnan(hhi([0, 0]))


def test_rates_without_denominator_are_nan() -> None:
    m = run_metrics([], state_years=0.0, deterred=0, deaths=0, final_capability=[],
                    credibility=[])
    assert set(m) == set(METRICS)
    for k in ("attempts_per_100", "response_rate", "determination_rate", "free_riding_rate",
              "selective_security_gap", "final_credibility", "burden_concentration"):
        assert math.isnan(m[k]), k


_event = crisis_event


def test_run_metrics_counts() -> None:
    events = [_event(**e) for e in [
        {"in_scope": True, "determined": True, "contributors": ["A", "B"], "sanctioners": ["C"],
         "obligated": ["A", "B", "C", "D"], "effective": True, "aggressor_won": False,
         "aggressor_veto": False, "vetoed": False, "ufp_session": False,
         "burden": {"A": 0.3, "B": 0.1}, "destroyed_share": 0.01},
        {"in_scope": True, "determined": False, "contributors": [], "sanctioners": [],
         "obligated": [], "effective": False, "aggressor_won": True, "aggressor_veto": True,
         "vetoed": True, "ufp_session": True, "burden": {}, "destroyed_share": 0.02},
    ]]
    m = run_metrics(events, state_years=200.0, deterred=3, deaths=1,
                    final_capability=[0.5, 0.5], credibility=[0.8, 0.6], displaced=1)
    assert m["attempts_per_100"] == pytest.approx(1.0)
    assert m["deterred_per_100"] == pytest.approx(1.5)
    assert m["displaced_per_100"] == pytest.approx(0.5)
    assert m["deterrence_share"] == pytest.approx(3 / 5)
    assert m["displacement_share"] == pytest.approx(1 / 5)
    assert m["determination_rate"] == 0.5
    assert m["response_rate"] == 0.5
    assert m["free_riding_rate"] == pytest.approx(0.25)
    assert m["selective_security_gap"] == pytest.approx(0.0 - 1.0)
    assert m["burden_concentration"] == pytest.approx(0.75 ** 2 + 0.25 ** 2)
    assert m["vetoed_determinations"] == 1 and m["ufp_sessions"] == 1
    assert m["capability_destroyed"] == pytest.approx(0.03)
    assert m["final_credibility"] == 0.6 and m["mean_credibility"] == pytest.approx(0.7)
    assert m["polarity"] == 2 and m["concentration"] == pytest.approx(0.0)


def test_aggregation_handles_nan() -> None:
    mean, lo, hi, k = mean_ci([1.0, float("nan"), 3.0])
    assert k == 2 and mean == 2.0 and lo < 2.0 < hi
    assert mean_ci([float("nan")])[3] == 0
    mean1, lo1, hi1, k1 = mean_ci([4.0])
    assert (mean1, k1) == (4.0, 1) and math.isnan(lo1) and math.isnan(hi1)
    s = summarise({"x": [1.0, 2.0, float("nan")], "y": [float("nan")]})
    assert s["x"]["n"] == 2 and math.isnan(s["y"]["mean"])
