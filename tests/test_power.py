"""Tests for foedus.rules.power: exact voting-power indices, checked against brute force."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.rules.power import PowerIndices, VotingGame, _exact, power_indices

# --------------------------------------------------------------------------------------------
# Brute-force reference (enumerates all 2**n coalitions / n! orderings; small n only)
# --------------------------------------------------------------------------------------------


def _wins(game: VotingGame, members: set[int]) -> bool:
    weight = sum(game.weights[i] for i in members)
    names = {game.players[i] for i in members}
    return weight >= game.quota and game.veto <= names


def brute_force(game: VotingGame) -> tuple[list[Fraction], list[int], int]:
    """(Shapley–Shubik as Fractions, Banzhaf swing counts, winning coalitions) by enumeration."""
    n = game.n
    assert n <= 16
    veto_mask = sum(1 << i for i, p in enumerate(game.players) if p in game.veto)
    wins = [
        sum(game.weights[i] for i in range(n) if mask >> i & 1) >= game.quota and mask & veto_mask == veto_mask
        for mask in range(1 << n)
    ]
    nfact = math.factorial(n)
    ss = [Fraction(0)] * n
    swings = [0] * n
    for mask in range(1 << n):
        if wins[mask]:
            continue
        s = mask.bit_count()
        for i in range(n):
            bit = 1 << i
            if not mask & bit and wins[mask | bit]:
                swings[i] += 1
                ss[i] += Fraction(math.factorial(s) * math.factorial(n - s - 1), nfact)
    return ss, swings, sum(wins)


def brute_force_orderings(game: VotingGame) -> list[Fraction]:
    """Shapley–Shubik straight from the definition: share of orderings in which i is pivotal."""
    n = game.n
    pivots = [0] * n
    for order in itertools.permutations(range(n)):
        members: set[int] = set()
        for i in order:
            members.add(i)
            if _wins(game, members):
                pivots[i] += 1
                break
    total = math.factorial(n)
    return [Fraction(p, total) for p in pivots]


def _check_against_brute_force(game: VotingGame) -> None:
    ss_ref, swings_ref, winning_ref = brute_force(game)
    ex = _exact(game)
    assert [Fraction(s, ex.ss_denominator) for s in ex.ss_numerators] == ss_ref
    assert list(ex.swings) == swings_ref
    assert ex.winning_coalitions == winning_ref
    res = power_indices(game)
    n = game.n
    assert res.players == game.players
    assert res.banzhaf_swings == tuple(swings_ref)
    assert res.winning_coalitions == winning_ref
    assert res.power_to_act == pytest.approx(winning_ref / 2**n, abs=0, rel=1e-12)
    total_swings = sum(swings_ref)
    for i in range(n):
        assert res.shapley_shubik[i] == pytest.approx(float(ss_ref[i]), rel=1e-12, abs=1e-15)
        assert res.banzhaf_absolute[i] == pytest.approx(swings_ref[i] / 2 ** (n - 1), rel=1e-12)
        assert res.banzhaf[i] == pytest.approx(swings_ref[i] / total_swings, rel=1e-12)


def _unsc(n_permanent: int, n_elected: int, quota: int) -> VotingGame:
    permanent = ("USA", "UKG", "FRN", "RUS", "CHN")[:n_permanent]
    elected = tuple(f"elected-{i + 1}" for i in range(n_elected))
    players = permanent + elected
    return VotingGame(players, (1,) * len(players), quota, frozenset(permanent))


def _body(n: int, n_veto: int, quota: int) -> VotingGame:
    players = tuple(f"seat-{i}" for i in range(n))
    return VotingGame(players, (1,) * n, quota, frozenset(players[:n_veto]))


# --------------------------------------------------------------------------------------------
# Hand-computed and historical games
# --------------------------------------------------------------------------------------------


def test_three_player_majority() -> None:
    res = power_indices(VotingGame(("A", "B", "C"), (1, 1, 1), 2))
    assert res.shapley_shubik == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert res.banzhaf == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert res.banzhaf_swings == (2, 2, 2)
    assert res.banzhaf_absolute == pytest.approx((0.5, 0.5, 0.5))
    assert res.winning_coalitions == 4  # AB, AC, BC, ABC
    assert res.power_to_act == pytest.approx(0.5)


def test_weighted_hand_computed() -> None:
    # weights (2, 1, 1), quota 3: A is needed in every winning coalition (AB, AC, ABC).
    res = power_indices(VotingGame(("A", "B", "C"), (2, 1, 1), 3))
    assert res.shapley_shubik == pytest.approx((2 / 3, 1 / 6, 1 / 6))
    assert res.banzhaf_swings == (3, 1, 1)
    assert res.banzhaf == pytest.approx((0.6, 0.2, 0.2))
    assert res.winning_coalitions == 3


def test_unsc_1945() -> None:
    game = _unsc(5, 6, 7)
    res = power_indices(game)
    ss_p, ss_e = Fraction(76, 385), Fraction(1, 462)  # 0.19740..., 0.0021645...
    ex = _exact(game)
    assert Fraction(ex.ss_numerators[0], ex.ss_denominator) == ss_p
    assert Fraction(ex.ss_numerators[-1], ex.ss_denominator) == ss_e
    assert res.shapley_shubik[0] == pytest.approx(0.1974, abs=5e-5)
    assert res.shapley_shubik[-1] == pytest.approx(0.0022, abs=5e-5)
    # Banzhaf: a permanent member swings in every winning coalition (2**6 - 1 - 6 = 57 of them);
    # an elected member needs exactly one other elected member: C(5, 1) = 5 swings.
    assert res.banzhaf_swings == (57,) * 5 + (5,) * 6
    _check_against_brute_force(game)


def test_unsc_1965() -> None:
    game = _unsc(5, 10, 9)
    res = power_indices(game)
    assert res.shapley_shubik[0] == pytest.approx(0.19627, abs=5e-6)
    assert res.shapley_shubik[-1] == pytest.approx(0.001865, abs=5e-7)
    ex = _exact(game)
    assert Fraction(ex.ss_numerators[0], ex.ss_denominator) == Fraction(421, 2145)
    assert Fraction(ex.ss_numerators[-1], ex.ss_denominator) == Fraction(4, 2145)
    # permanent: sum_{k>=4} C(10, k) = 848; elected: C(9, 3) = 84.
    assert res.banzhaf_swings == (848,) * 5 + (84,) * 10
    assert res.winning_coalitions == 848
    assert res.banzhaf[0] == pytest.approx(848 / (5 * 848 + 10 * 84))
    _check_against_brute_force(game)


def test_orderings_definition_agrees_with_coalition_formula() -> None:
    for game in (
        VotingGame(("A", "B", "C", "D", "E"), (3, 2, 2, 1, 1), 5, frozenset({"B"})),
        _unsc(3, 4, 5),
        VotingGame(("A", "B", "C", "D", "E", "F"), (4, 3, 3, 2, 1, 1), 8),
    ):
        ex = _exact(game)
        assert [Fraction(s, ex.ss_denominator) for s in ex.ss_numerators] == brute_force_orderings(game)


# --------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------


def test_dummy_player_gets_zero() -> None:
    res = power_indices(VotingGame(("A", "B"), (3, 1), 3))
    assert res.shapley_shubik == (1.0, 0.0)
    assert res.banzhaf_swings == (2, 0)
    assert res.banzhaf == (1.0, 0.0)
    assert res.banzhaf_absolute == (1.0, 0.0)


def test_dictator_and_all_veto() -> None:
    res = power_indices(VotingGame(("A", "B", "C"), (5, 1, 1), 5))
    assert res.shapley_shubik == (1.0, 0.0, 0.0)
    # Everyone is a veto player and the quota is trivially met: unanimity.
    game = VotingGame(("A", "B", "C"), (1, 1, 1), 1, frozenset({"A", "B", "C"}))
    res = power_indices(game)
    assert res.shapley_shubik == pytest.approx((1 / 3,) * 3)
    assert res.winning_coalitions == 1
    _check_against_brute_force(game)


@pytest.mark.parametrize("n", [1, 2, 5, 13, 64])
def test_unanimity_power_to_act(n: int) -> None:
    res = power_indices(_body(n, 0, n))
    assert res.winning_coalitions == 1
    assert res.power_to_act == 1 / 2**n
    assert res.shapley_shubik == pytest.approx((1 / n,) * n)
    assert res.banzhaf_swings == (1,) * n
    # The same game expressed through vetoes.
    res_v = power_indices(_body(n, n, 1))
    assert res_v.winning_coalitions == 1
    assert res_v.shapley_shubik == pytest.approx(res.shapley_shubik)


def test_veto_players_dominate() -> None:
    game = VotingGame(("A", "B", "C", "D", "E", "F", "G"), (1, 1, 4, 3, 2, 2, 1), 6, frozenset({"A", "B"}))
    res = power_indices(game)
    veto_idx = [0, 1]
    other_idx = [2, 3, 4, 5, 6]
    for v in veto_idx:
        for o in other_idx:
            assert res.shapley_shubik[v] >= res.shapley_shubik[o]
            assert res.banzhaf[v] >= res.banzhaf[o]
    _check_against_brute_force(game)


def test_as_records() -> None:
    res = power_indices(_unsc(5, 10, 9))
    records = res.as_records()
    assert len(records) == 15
    assert records[0] == {
        "name": "USA",
        "shapley_shubik": res.shapley_shubik[0],
        "banzhaf": res.banzhaf[0],
        "banzhaf_swings": 848,
        "banzhaf_absolute": res.banzhaf_absolute[0],
    }
    assert [r["name"] for r in records] == list(res.players)
    assert isinstance(res, PowerIndices)


def test_input_coercion() -> None:
    game = VotingGame(["A", "B"], [1, 1], 2, {"A"})  # type: ignore[arg-type]
    assert game.players == ("A", "B")
    assert game.weights == (1, 1)
    assert game.veto == frozenset({"A"})
    hash(game)


@pytest.mark.parametrize(
    ("n", "n_veto", "quota"),
    [(193, 0, 129), (200, 5, 120), (200, 5, 134), (200, 0, 101), (200, 200, 1), (200, 5, 200)],
)
def test_large_bodies(n: int, n_veto: int, quota: int) -> None:
    game = _body(n, n_veto, quota)
    ex = _exact(game)
    assert sum(ex.ss_numerators) == ex.ss_denominator  # exactly 1
    res = power_indices(game)
    assert math.fsum(res.shapley_shubik) == pytest.approx(1.0, abs=1e-12)
    assert math.fsum(res.banzhaf) == pytest.approx(1.0, abs=1e-12)
    assert len(set(res.shapley_shubik[:n_veto])) <= 1
    assert len(set(res.shapley_shubik[n_veto:])) <= 1
    assert len(set(res.banzhaf_swings[n_veto:])) <= 1
    if 0 < n_veto < n:
        assert res.shapley_shubik[0] >= res.shapley_shubik[-1]
    # Closed forms for unit weights: non-veto seat swings iff exactly quota-1-n_veto others join.
    if n_veto < n:
        assert res.banzhaf_swings[-1] == math.comb(n - n_veto - 1, quota - 1 - n_veto)
    need = max(quota - n_veto, 0)
    assert res.winning_coalitions == sum(math.comb(n - n_veto, k) for k in range(need, n - n_veto + 1))


def test_large_weighted_game() -> None:
    n = 120
    weights = tuple(1 + (7 * i) % 23 for i in range(n))
    players = tuple(f"p{i}" for i in range(n))
    game = VotingGame(players, weights, (2 * sum(weights)) // 3, frozenset(players[:3]))
    ex = _exact(game)
    assert sum(ex.ss_numerators) == ex.ss_denominator
    res = power_indices(game)
    # Equal weights and veto status -> equal indices; heavier non-veto players never weaker.
    for i in range(3, n):
        for j in range(3, n):
            if weights[i] == weights[j]:
                assert res.banzhaf_swings[i] == res.banzhaf_swings[j]
            if weights[i] > weights[j]:
                assert res.banzhaf_swings[i] >= res.banzhaf_swings[j]
                assert ex.ss_numerators[i] >= ex.ss_numerators[j]


def test_gcd_reduction_is_invisible() -> None:
    base = VotingGame(("A", "B", "C", "D"), (3, 2, 2, 1), 5, frozenset({"D"}))
    scaled = VotingGame(("A", "B", "C", "D"), (30, 20, 20, 10), 41, frozenset({"D"}))  # 41 -> 50
    assert power_indices(base) == power_indices(scaled)
    _check_against_brute_force(scaled)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"players": ("A", "B"), "weights": (1, 1), "quota": 3}, "exceeds the total weight"),
        ({"players": ("A", "B"), "weights": (1, 1), "quota": 0}, "at least 1"),
        ({"players": ("A", "B"), "weights": (1, 1), "quota": -2}, "at least 1"),
        ({"players": ("A", "B"), "weights": (1, 1), "quota": 1, "veto": frozenset({"Z"})}, "Z"),
        ({"players": ("A", "B"), "weights": (1,), "quota": 1}, "weights has 1 entries"),
        ({"players": ("A", "B"), "weights": (1, 0), "quota": 1}, "positive"),
        ({"players": ("A", "B"), "weights": (1, -3), "quota": 1}, "positive"),
        ({"players": ("A", "B"), "weights": (1, 1.5), "quota": 1}, "integer"),
        ({"players": ("A", "B"), "weights": (1, True), "quota": 1}, "integer"),
        ({"players": ("A", "B"), "weights": (1, 1), "quota": 1.0}, "integer"),
        ({"players": ("A", "A"), "weights": (1, 1), "quota": 1}, "duplicate"),
        ({"players": (), "weights": (), "quota": 1}, "at least one player"),
        ({"players": ("AB", "B"), "weights": (1, 1), "quota": 1, "veto": "AB"}, "single string"),
    ],
)
def test_invalid_games(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VotingGame(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Property tests against brute force
# --------------------------------------------------------------------------------------------


@st.composite
def small_games(draw: st.DrawFn, max_n: int = 8, max_weight: int = 9) -> VotingGame:
    n = draw(st.integers(1, max_n))
    weights = tuple(draw(st.lists(st.integers(1, max_weight), min_size=n, max_size=n)))
    quota = draw(st.integers(1, sum(weights)))
    players = tuple(f"P{i}" for i in range(n))
    veto = frozenset(p for p in players if draw(st.booleans()) and draw(st.booleans()))
    return VotingGame(players, weights, quota, veto)


@settings(max_examples=300, deadline=None)
@given(small_games())
def test_matches_brute_force(game: VotingGame) -> None:
    _check_against_brute_force(game)


@settings(max_examples=200, deadline=None)
@given(small_games(max_n=8, max_weight=3))
def test_matches_brute_force_many_ties(game: VotingGame) -> None:
    _check_against_brute_force(game)


@settings(max_examples=150, deadline=None)
@given(small_games(max_n=10, max_weight=40))
def test_invariants(game: VotingGame) -> None:
    ex = _exact(game)
    assert sum(ex.ss_numerators) == ex.ss_denominator
    res = power_indices(game)
    assert math.fsum(res.shapley_shubik) == pytest.approx(1.0, abs=1e-12)
    assert math.fsum(res.banzhaf) == pytest.approx(1.0, abs=1e-12)
    assert 0 < res.winning_coalitions <= 2**game.n
    assert 0 < res.power_to_act <= 1
    key = {p: (w, p in game.veto) for p, w in zip(game.players, game.weights, strict=True)}
    for i, pi in enumerate(game.players):
        for j, pj in enumerate(game.players):
            if key[pi] == key[pj]:  # symmetric players
                assert ex.ss_numerators[i] == ex.ss_numerators[j]
                assert res.banzhaf_swings[i] == res.banzhaf_swings[j]
            if pi in game.veto and pj not in game.veto:
                assert ex.ss_numerators[i] >= ex.ss_numerators[j]
                assert res.banzhaf_swings[i] >= res.banzhaf_swings[j]
    # Every veto player swings in exactly the winning coalitions.
    for i, p in enumerate(game.players):
        if p in game.veto:
            assert res.banzhaf_swings[i] == res.winning_coalitions
