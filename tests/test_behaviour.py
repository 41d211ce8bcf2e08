"""Behavioural parameters, vote utilities, the loss-of-strength gradient and the volunteer's
dilemma (Diekmann 1985)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus import FoedusError, generate_world
from foedus.engine.behaviour import (
    Behaviour,
    BehaviourError,
    cast_votes,
    contest_success,
    projected_capability,
    volunteer_abstain_probability,
    volunteer_equilibrium,
    volunteer_nobody_probability,
    vote_utility,
)

# --- Behaviour -------------------------------------------------------------------------------


def test_keyword_arguments_are_stored_unchanged_and_round_trip() -> None:
    b = Behaviour(gamma=2, ambiguity=0.5, decision_model="volunteer")
    assert b.gamma == 2 and isinstance(b.gamma, int)
    assert b.ambiguity == 0.5 and b.decision_model == "volunteer"
    d = b.to_dict()
    assert d["gamma"] == 2 and set(d) == set(Behaviour.parameters())
    assert Behaviour.from_dict(d) == b
    assert Behaviour.from_dict({}) == Behaviour()


def test_unknown_key_is_an_error_naming_it() -> None:
    with pytest.raises(FoedusError, match=r"'gama'.*did you mean 'gamma'"):
        Behaviour.from_dict({"gama": 2.0})
    with pytest.raises(ValueError, match="nonsense"):  # also a ValueError for callers
        Behaviour.from_dict({"nonsense": 1})


@pytest.mark.parametrize(("key", "value"), [
    ("ambiguity", 1.5), ("ambiguity", -0.1), ("war_cost", -1.0), ("gamma", 0.0),
    ("spoils", 2.0), ("decision_model", "random"), ("gradient", "linear"),
    ("norm_weight", "high"), ("fear_weight", True), ("belief_noise", float("nan")),
])
def test_out_of_range_values_are_rejected_naming_the_parameter(key: str, value: object) -> None:
    with pytest.raises(BehaviourError, match=key):
        Behaviour.from_dict({key: value})


# --- voting ----------------------------------------------------------------------------------


def test_vote_utility_weighs_norm_affinity_and_fear() -> None:
    beh = Behaviour()
    u = vote_utility([1.0, 0.5, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], beh)
    assert u == pytest.approx([1.0, 0.0, -1.0])
    # a friend of the aggressor condemns less, a friend of the target more
    u2 = vote_utility([0.8] * 3, [0.0, 0.8, 0.0], [0.0, 0.0, 0.8], [0.0] * 3, beh)
    assert u2[1] > u2[0] > u2[2]
    # fear of the aggressor lowers the utility of condemning
    u3 = vote_utility([0.8] * 2, [0.0] * 2, [0.0] * 2, [0.0, 1.0], beh)
    assert u3[0] - u3[1] == pytest.approx(beh.fear_weight)


def test_cast_votes_is_deterministic_with_an_abstention_band() -> None:
    beh = Behaviour(abstain_band=0.2)
    votes = cast_votes(np.array([0.5, 0.2, 0.1, -0.1, -0.2, -0.5]), beh)
    assert list(votes) == ["yes", "abstain", "abstain", "abstain", "abstain", "no"]
    assert list(cast_votes(np.array([0.5, -0.5]), beh)) == ["yes", "no"]


# --- loss-of-strength gradient ---------------------------------------------------------------


@pytest.mark.parametrize("gradient", ["bdm", "exponential"])
def test_projected_capability_falls_with_distance(gradient: str) -> None:
    w = generate_world(12, rng=0)
    beh = Behaviour(gradient=gradient)
    d = np.linspace(0, 20000, 9)
    proj = np.array([projected_capability(w, np.full(w.n, x), beh) for x in d])
    assert np.all(np.diff(proj, axis=0) <= 1e-15)
    assert np.all(proj[-1] < proj[0])
    full = projected_capability(w, w.distance, beh)
    assert full.shape == (w.n, w.n)
    assert full[3, 5] == pytest.approx(projected_capability(w, w.distance[:, 5], beh)[3])


def test_no_gradient_and_dead_states() -> None:
    w = generate_world(8, rng=1)
    w.alive[2] = False
    proj = projected_capability(w, w.distance[:, 0], Behaviour(gradient="none"))
    assert proj[2] == 0.0
    mask = np.arange(w.n) != 2
    assert proj[mask] == pytest.approx(w.capability[mask])


def test_bdm_form_matches_bueno_de_mesquita() -> None:
    w = generate_world(3, rng=2)
    beh = Behaviour(gradient="bdm", miles_per_day=250.0)
    km = 1000 * 1.609344  # 1000 miles: 4 days at 250 miles a day
    got = projected_capability(w, np.full(3, km), beh)
    expect = w.capability ** math.log10(4 + 10 - math.e)
    assert got == pytest.approx(expect)


def test_contest_success_function() -> None:
    assert contest_success(1.0, 1.0, 1.0) == pytest.approx(0.5)
    assert contest_success(3.0, 1.0, 1.0) == pytest.approx(0.75)
    assert contest_success(3.0, 1.0, 2.0) == pytest.approx(0.9)
    assert contest_success(0.0, 0.0, 1.0) == 0.5
    assert contest_success(1.0, 0.0, 1.0) == 1.0


# --- the volunteer's dilemma (Diekmann 1985) -------------------------------------------------

NS = [2, 3, 5, 10, 20]
RATIOS = [0.2, 0.5, 0.8]


@pytest.mark.parametrize("n", NS)
@pytest.mark.parametrize("ratio", RATIOS)
def test_diekmann_closed_form(n: int, ratio: float) -> None:
    u, k = 10.0, 10.0 * ratio
    q = volunteer_abstain_probability(u, k, n)
    assert q == pytest.approx(ratio ** (1 / (n - 1)))
    assert volunteer_nobody_probability(u, k, n) == pytest.approx(ratio ** (n / (n - 1)))
    # each state is indifferent: acting pays U - K, abstaining U (1 - q^(n-1))
    assert u - k == pytest.approx(u * (1 - q ** (n - 1)))


@pytest.mark.parametrize("ratio", RATIOS)
def test_probability_that_nobody_acts_rises_with_group_size(ratio: float) -> None:
    p = [volunteer_nobody_probability(1.0, ratio, n) for n in NS]
    assert all(b > a for a, b in itertools.pairwise(p))
    assert p[-1] < ratio  # and tends to K/U from below


@pytest.mark.parametrize("n", NS)
@pytest.mark.parametrize("ratio", RATIOS)
def test_sampled_equilibrium_reproduces_the_closed_form(n: int, ratio: float) -> None:
    rng = np.random.default_rng(1000 * n + int(100 * ratio))
    p_act = volunteer_equilibrium(np.full(n, 1.0), np.full(n, ratio), rng)
    assert p_act == pytest.approx(1 - ratio ** (1 / (n - 1)))
    reps = 20000
    nobody = ~(rng.random((reps, n)) < p_act).any(axis=1)
    expect = ratio ** (n / (n - 1))
    se = math.sqrt(expect * (1 - expect) / reps)
    assert abs(nobody.mean() - expect) < 4 * se


def test_heterogeneous_solver_agrees_with_closed_form_for_identical_states() -> None:
    for n in NS:
        for ratio in RATIOS:
            exact = volunteer_equilibrium(np.full(n, 2.0), np.full(n, 2.0 * ratio))
            numeric = volunteer_equilibrium(np.full(n, 2.0), np.full(n, 2.0 * ratio),
                                            method="numeric")
            closed = 1 - volunteer_abstain_probability(2.0, 2.0 * ratio, n)
            assert exact == pytest.approx(closed)
            assert numeric == pytest.approx(closed, abs=1e-9)


def test_heterogeneous_equilibrium_makes_mixers_indifferent() -> None:
    rng = np.random.default_rng(5)
    for _ in range(50):
        n = int(rng.integers(2, 12))
        u = rng.uniform(0.5, 3.0, n)
        k = u * rng.uniform(0.3, 0.95, n)
        p = volunteer_equilibrium(u, k)
        assert np.all((p >= 0) & (p <= 1))
        q = 1 - p
        numeric = volunteer_equilibrium(u, k, method="numeric")
        assert numeric == pytest.approx(p, abs=1e-8)
        for i in range(n):
            others = np.prod(np.delete(q, i))
            if 0 < p[i] < 1:  # a mixer is indifferent between acting and abstaining
                assert u[i] - k[i] == pytest.approx(u[i] * (1 - others))
            elif p[i] == 0:  # an abstainer does not gain by acting
                assert u[i] - k[i] <= u[i] * (1 - others) + 1e-9


def test_dominant_and_dominated_volunteers() -> None:
    p = volunteer_equilibrium([1.0, 1.0, 1.0, 1.0], [2.0, -0.5, 0.5, 0.5])
    assert p[0] == 0.0  # cost above benefit: never acts
    assert p[1] == 1.0  # acting is free: acts, and the others rely on it
    assert p[2] == 0.0 and p[3] == 0.0
    assert volunteer_equilibrium([1.0], [0.4]) == pytest.approx([1.0])  # alone: acts
    assert volunteer_equilibrium([], []).size == 0
    assert volunteer_abstain_probability(1.0, 2.0, 5) == 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.1, 5.0), st.floats(0.01, 0.99)), min_size=1, max_size=15))
def test_equilibrium_probabilities_are_valid(rows: list[tuple[float, float]]) -> None:
    u = np.array([r[0] for r in rows])
    k = u * np.array([r[1] for r in rows])
    p = volunteer_equilibrium(u, k)
    assert np.all((p >= 0) & (p <= 1))
    assert p.max() > 0  # someone volunteers with positive probability


def test_every_parameter_is_documented_with_its_default() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "crisis.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip()
            for line in doc.splitlines() if line.startswith("| `")}
    for name, default in Behaviour.parameters().items():
        assert f"`{name}`" in rows, f"{name} is not documented in docs/crisis.md"
        shown = rows[f"`{name}`"]
        assert shown == (f'`"{default}"`' if isinstance(default, str) else repr(default)), name
