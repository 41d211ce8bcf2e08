"""Exact a-priori voting power for weighted voting games with veto players.

The indices computed here are

* the Shapley–Shubik index (Shapley & Shubik 1954),
* the Banzhaf index, raw swing counts, normalised and absolute (Penrose 1946; Banzhaf 1965),
* Coleman's power of the collectivity to act (Coleman 1971).

Everything is computed *exactly* with Python integers and converted to ``float`` only at the
very end, and *without* enumerating the ``2**n`` coalitions.  Players are grouped into types
``(weight, is_veto)``; a dynamic programme over the non-veto players counts sub-coalitions by
``(total weight, size)``; every player of one type then receives the same numbers.

Implementation notes
--------------------
Let ``V`` be the veto players (``m`` of them, total weight ``W_V``) and let ``R = quota - W_V``
be the weight the non-veto members of a coalition must still contribute.  Every winning
coalition contains ``V``, so a coalition is ``V ∪ T`` with ``T`` a set of non-veto players
(``nv = n - m`` of them) and it wins iff ``w(T) >= R``.

The table ``P[w][k]`` = number of ``T`` with weight ``w < R`` and size ``k`` is the truncated
generating function ``prod_i (1 + x y**w_i) mod y**R``.  Each row ``P[w]`` is a polynomial in
``x`` and is stored *packed* in one Python integer (Kronecker substitution: coefficient ``k``
occupies bits ``[k*B, (k+1)*B)`` with ``B > nv`` so that no count, ``<= C(nv, k) < 2**nv``,
can overflow into its neighbour).  Multiplying by ``x`` is a left shift by ``B`` bits, so a
whole row of exact big-integer counts is updated by one big-integer shift and add.

* Winning coalitions: ``A[k] = C(nv, k) - sum_{w<R} P[w][k]`` sets ``T`` of size ``k`` win.
* A veto player ``i`` swings in exactly the winning coalitions (without ``i`` every coalition
  loses), and it is pivotal in an ordering iff its predecessors are ``V \\ {i} ∪ T`` with
  ``w(T) >= R``: weight ``(m - 1 + k)! (n - m - k)! / n!``.
* A non-veto player ``i`` of weight ``w_i`` swings for ``V ∪ T`` (``i ∉ T``) iff
  ``R - w_i <= w(T) <= R - 1``.  The table of the *other* non-veto players is obtained once per
  type by exact polynomial division of ``P`` by ``(1 + x y**w_i)``,
  ``Q = sum_j (-x)**j y**(j w_i) P``; its sum over the window of weights is read off prefix
  sums of ``P`` in at most ``nv`` block steps.  The Shapley–Shubik weight of such a ``T`` of
  size ``k`` is ``(m + k)! (n - m - k - 1)! / n!``.
* When ``nonveto_weight - R + 1 < R`` the same table is built for the *complements*
  ``NV minus T`` (weights ``<= nonveto_weight - R``) and sizes are read backwards.

Cost: ``O(n * R)`` big-integer operations on integers of ``O(n**2)`` bits, i.e. polynomial in
``n`` for unit (or bounded) weights and pseudo-polynomial (linear in the quota) for arbitrary
integer weights.  Weights are first divided by their greatest common divisor.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass

from .._errors import FoedusError

__all__ = ["MAX_SEATS", "PowerIndices", "SeatBoundError", "VotingGame", "power_indices"]


#: Most seats (players) in one voting game; power is exact and fast well below it.
MAX_SEATS = 2000


class SeatBoundError(FoedusError, ValueError):
    """A body with more seats than :data:`MAX_SEATS` (refused before any work)."""


@dataclass(frozen=True)
class VotingGame:
    """A simple voting game: a coalition wins iff the summed weight of its members is >= quota
    AND it contains every veto player.

    ``players`` are seat names (e.g. COW abbreviations ``"USA"``, ``"RUS"`` or ``"elected-3"``),
    ``weights`` positive integers (one per player), ``1 <= quota <= sum(weights)`` and ``veto``
    a subset of ``players``.  Invalid games raise :class:`ValueError`.
    """

    players: tuple[str, ...]
    weights: tuple[int, ...]
    quota: int
    veto: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if len(self.players) > MAX_SEATS:
            raise SeatBoundError(f"a body of {len(self.players):,} seats is over the bound of "
                                 f"{MAX_SEATS:,} seats for exact voting power (see "
                                 "docs/limits.md)")
        players = tuple(self.players)
        weights_in = tuple(self.weights)
        veto_in: Iterable[str] = self.veto
        if isinstance(veto_in, str):
            raise ValueError("veto must be a collection of player names, not a single string")
        veto = frozenset(veto_in)
        if not players:
            raise ValueError("a voting game needs at least one player")
        for p in players:
            if not isinstance(p, str):
                raise ValueError(f"player names must be strings, got {p!r}")
        if len(set(players)) != len(players):
            dupes = sorted({p for p in players if players.count(p) > 1})
            raise ValueError(f"duplicate player names: {', '.join(dupes)}")
        if len(weights_in) != len(players):
            raise ValueError(f"weights has {len(weights_in)} entries but there are {len(players)} players")
        weights = tuple(_as_int(w, "weight") for w in weights_in)
        bad = [(p, w) for p, w in zip(players, weights, strict=True) if w <= 0]
        if bad:
            shown = ", ".join(f"{p}={w}" for p, w in bad[:5])
            raise ValueError(f"weights must be positive integers; got {shown}")
        quota = _as_int(self.quota, "quota")
        total = sum(weights)
        if quota < 1:
            raise ValueError(f"quota must be at least 1, got {quota}")
        if quota > total:
            raise ValueError(f"quota {quota} exceeds the total weight {total}: nobody could win")
        unknown = sorted(veto - set(players))
        if unknown:
            raise ValueError(f"veto players are not players of the game: {', '.join(unknown)}")
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "quota", quota)
        object.__setattr__(self, "veto", veto)

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def total_weight(self) -> int:
        """Sum of all weights."""
        return sum(self.weights)


def _as_int(value: object, what: str) -> int:
    """Coerce an integral value (int, numpy integer) to ``int``; reject bools and floats."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{what} must be an integer, got {value!r}") from None


@dataclass(frozen=True)
class PowerIndices:
    """Voting-power indices of every player of a :class:`VotingGame` (same player order)."""

    players: tuple[str, ...]
    shapley_shubik: tuple[float, ...]
    banzhaf: tuple[float, ...]
    banzhaf_swings: tuple[int, ...]
    banzhaf_absolute: tuple[float, ...]
    power_to_act: float
    winning_coalitions: int

    def as_records(self) -> list[dict[str, object]]:
        """One dict per player: name, shapley_shubik, banzhaf, banzhaf_swings, banzhaf_absolute."""
        return [
            {
                "name": name,
                "shapley_shubik": ss,
                "banzhaf": bz,
                "banzhaf_swings": sw,
                "banzhaf_absolute": ab,
            }
            for name, ss, bz, sw, ab in zip(
                self.players,
                self.shapley_shubik,
                self.banzhaf,
                self.banzhaf_swings,
                self.banzhaf_absolute,
                strict=True,
            )
        ]


@dataclass(frozen=True)
class _Exact:
    """Exact integer results: Shapley–Shubik of player i is ``ss_numerators[i] / ss_denominator``."""

    ss_numerators: tuple[int, ...]
    ss_denominator: int
    swings: tuple[int, ...]
    winning_coalitions: int


def _unpack(packed: int, slots: int, slot_bytes: int) -> list[int]:
    """Split a non-negative packed integer into ``slots`` little-endian fields."""
    raw = packed.to_bytes(slots * slot_bytes, "little")
    return [int.from_bytes(raw[k * slot_bytes : (k + 1) * slot_bytes], "little") for k in range(slots)]


def _binomials(c: int) -> list[int]:
    """``[C(c, 0), ..., C(c, c)]``."""
    out = [1] * (c + 1)
    for j in range(1, c + 1):
        out[j] = out[j - 1] * (c - j + 1) // j
    return out


def _add_type(rows: list[int], wt: int, count: int, shift: int) -> list[int]:
    """Multiply the packed truncated table by ``(1 + x y**wt)**count`` (``x`` = ``<< shift``)."""
    r = len(rows)
    if wt >= r or count == 0:
        return rows  # every new term lands at weight >= r and is truncated away
    if count > 1:
        nonzero = [w for w, row in enumerate(rows) if row]
        # Expanding the binomial touches each non-zero row once per term (with a multiplication);
        # adding the players one at a time touches every row once per player.
        if 2 * len(nonzero) * min(count + 1, r // wt + 1) <= count * (r - wt):
            binom = _binomials(count)
            new = [0] * r
            for w in nonzero:
                row = rows[w]
                for j in range(min(count, (r - 1 - w) // wt) + 1):
                    new[w + j * wt] += binom[j] * (row << (j * shift))
            return new
    rows = list(rows)
    for _ in range(count):
        for w in range(r - 1, wt - 1, -1):
            src = rows[w - wt]
            if src:
                rows[w] += src << shift
    return rows


def _exact(game: VotingGame) -> _Exact:
    """Exact swing counts, Shapley–Shubik numerators and winning-coalition count."""
    n = game.n
    g = 0
    for w in game.weights:
        g = math.gcd(g, w)
    weights = [w // g for w in game.weights]
    quota = -(-game.quota // g)

    is_veto = [p in game.veto for p in game.players]
    m = sum(is_veto)
    nv = n - m
    veto_weight = sum(w for w, v in zip(weights, is_veto, strict=True) if v)
    nonveto_weight = sum(weights) - veto_weight
    need = quota - veto_weight  # weight the non-veto members must still bring (<= nonveto_weight)

    counts: dict[int, int] = {}
    for w, v in zip(weights, is_veto, strict=True):
        if not v:
            counts[w] = counts.get(w, 0) + 1

    slots = nv + 1  # sub-coalition sizes 0..nv
    slot_bytes = (nv + 1 + 7) // 8  # > nv bits: C(nv, k) < 2**nv never overflows a slot
    shift = 8 * slot_bytes
    mask = (1 << (slots * shift)) - 1

    fact = [1] * (n + 1)
    for i in range(1, n + 1):
        fact[i] = fact[i - 1] * i

    swings_by_type: dict[int, int] = {}
    ss_by_type: dict[int, int] = {}
    if need <= 0:
        # The veto players alone already win: every superset wins, no non-veto player swings.
        winning_by_size = [math.comb(nv, k) for k in range(slots)]
        swings_by_type = dict.fromkeys(counts, 0)
        ss_by_type = dict.fromkeys(counts, 0)
    else:
        # Sub-coalitions T of the non-veto players win iff w(T) >= need.  Either count the
        # light ones directly (w(T) < need), or - when that is the larger range - their
        # complements (w(NV \ T) <= nonveto_weight - need) and read the sizes backwards.
        complement = nonveto_weight - need + 1 < need
        r = nonveto_weight - need + 1 if complement else need
        rows = [0] * r
        rows[0] = 1
        for wt, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows = _add_type(rows, wt, c, shift)
        prefix = [0] * (r + 1)  # prefix[a] = sum_{w < a} rows[w]; slots still <= C(nv, k)
        acc = 0
        for w, row in enumerate(rows):
            acc += row
            prefix[w + 1] = acc
        below = _unpack(acc, slots, slot_bytes)
        winning_by_size = below[::-1] if complement else [math.comb(nv, k) - x for k, x in enumerate(below)]

        for wt in counts:
            # Sub-coalitions of the *other* non-veto players with weight in the window
            # [r - wt, r - 1] are those that i turns from losing into winning (in complement
            # mode: their complements).  With Q = P / (1 + x y**wt) = sum_j (-x)**j y**(j wt) P,
            # the window sum of Q is sum_j (-x)**j * (sum of P over the j-th block of width wt
            # below the window), each term reduced mod x**slots.
            total = 0
            for j in range(min(slots, -(-r // wt))):
                hi = r - j * wt
                term = ((prefix[hi] - prefix[max(0, hi - wt)]) << (j * shift)) & mask
                total = total - term if j & 1 else total + term
            by_size = _unpack(total, slots, slot_bytes)[:nv]
            if complement:
                by_size.reverse()  # complement within the nv - 1 other non-veto players
            swings_by_type[wt] = sum(by_size)
            ss_by_type[wt] = sum(c * fact[m + k] * fact[n - m - k - 1] for k, c in enumerate(by_size) if c)

    winning = sum(winning_by_size)
    veto_ss = 0
    if m:
        veto_ss = sum(a * fact[m - 1 + k] * fact[n - m - k] for k, a in enumerate(winning_by_size) if a)
    swings = tuple(winning if v else swings_by_type[w] for w, v in zip(weights, is_veto, strict=True))
    ss = tuple(veto_ss if v else ss_by_type[w] for w, v in zip(weights, is_veto, strict=True))
    return _Exact(ss_numerators=ss, ss_denominator=fact[n], swings=swings, winning_coalitions=winning)


def power_indices(game: VotingGame) -> PowerIndices:
    """Compute Shapley–Shubik, Banzhaf (raw, normalised, absolute) and Coleman's power to act.

    Exact and polynomial: no enumeration of coalitions or orderings (see module docstring).
    """
    ex = _exact(game)
    n = game.n
    total_swings = sum(ex.swings)
    half = 1 << (n - 1)
    return PowerIndices(
        players=game.players,
        shapley_shubik=tuple(s / ex.ss_denominator for s in ex.ss_numerators),
        banzhaf=tuple(s / total_swings if total_swings else 0.0 for s in ex.swings),
        banzhaf_swings=ex.swings,
        banzhaf_absolute=tuple(s / half for s in ex.swings),
        power_to_act=ex.winning_coalitions / (1 << n),
        winning_coalitions=ex.winning_coalitions,
    )
