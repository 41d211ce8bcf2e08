"""A charter mapped onto a world: members, seat holders, scope and veto protection.

A charter names real states (``USA``, ``RUS`` ...). In a world built from data the names are
the world's own codes (COW abbreviations). In a synthetic world (``S01`` ...) the charter is
mapped by structure (docs/model.md): membership by ``membership.synthetic`` (every state, the
affinity bloc of the ``synthetic_rank``-th strongest bloc leader, the strongest major and its
closest ally, or nobody), permanent seats by capability rank (the strongest majors), an area
by the regions where the members lie. Elected seats are drawn with the ``rng``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._errors import FoedusError
from ..rules.charter import Charter, load_charter
from ..rules.states import REGIONS, is_state, resolve_state
from ..world.world import DEFENCE, World
from . import scope

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def _world_date(charter: Charter, world: World) -> dt.date | None:
    """The date used for seat holders: mid-year of a data world, else the charter's date."""
    if world.source != "synthetic" and world.year is not None:
        return dt.date(int(world.year), 7, 1)
    return charter.date


def data_year(world: World) -> int | None:
    """The year of a world built from data (COW), or None for synthetic and other worlds."""
    return int(world.year) if world.source == "cow" and world.year is not None else None


def era_problem(charter: str | Charter, world: World) -> str | None:
    """Why ``charter`` on ``world`` is an anachronism (a data world of a year the institution
    or its text did not exist in), or None (synthetic worlds never are)."""
    year = data_year(world)
    return None if year is None else load_charter(charter).anachronism(year)


def dated_members(charter: Charter, world: World, year: int | None = None) -> BoolArray | None:
    """The member mask from the charter's dated history for a data world in ``year`` (default:
    the world's year), or None when the world is not from data or membership is not dated."""
    y = data_year(world) if year is None else int(year)
    if y is None or data_year(world) is None:
        return None
    got = charter.members_in(list(world.codes), y)
    return None if got is None else np.asarray(got, bool) & world.alive.astype(bool)


@dataclass
class Institution:
    """A charter in a world. Build one with :meth:`in_world`.

    ``members`` is a mask over the world's states; ``seats[body]`` the seat holders of each
    body (state indices; permanent seats first, in charter order, ``-1`` where a permanent
    seat's holder is not in the world), ``permanent[body]`` the permanent holders alone and
    ``seat_codes[body]`` the code each permanent holder votes under in
    :func:`foedus.evaluate_vote` (the charter's seat holder on the day). ``area`` holds region
    indices where an attack triggers the obligation (empty: anywhere).
    """

    charter: Charter
    members: BoolArray
    seats: dict[str, IntArray]
    permanent: dict[str, IntArray]
    seat_codes: dict[str, list[str]]
    area: frozenset[int]
    synthetic: bool
    on: dt.date | None
    codes: list[str]
    affinity: NDArray[np.float64]
    alive: BoolArray
    region: IntArray
    notes: list[str] = field(default_factory=list)

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def in_world(cls, charter: str | Charter, world: World,
                 rng: np.random.Generator | None = None, *,
                 members: BoolArray | None = None) -> Institution:
        """Map ``charter`` onto ``world``; elected seats are drawn with ``rng``.

        ``members`` overrides the membership mask (the model passes it after exits).
        """
        ch = load_charter(charter)
        gen = rng if rng is not None else np.random.default_rng(0)
        synthetic = world.source == "synthetic"
        on = _world_date(ch, world)
        notes: list[str] = []
        if members is None:
            members = _members(ch, world, synthetic, notes)
        else:
            members = np.asarray(members, dtype=bool) & world.alive
        seats: dict[str, IntArray] = {}
        permanent: dict[str, IntArray] = {}
        seat_codes: dict[str, list[str]] = {}
        for body in ch.bodies:
            if body.composition == "all-members":
                # an all-members body may still name veto holders (a list in a rule)
                codes = list(dict.fromkeys(body.holder(c, on) for r in body.rules.values()
                                           if isinstance(r.veto, list) for c in r.veto))
                within = members & world.alive
            else:
                codes = [body.holder(s, on) for s in body.permanent]
                within = world.alive.astype(bool)
            seat_codes[body.id] = codes
            if synthetic:
                perm = _strongest(world, len(codes), within)
            else:
                idx = {c: i for i, c in enumerate(world.codes)}
                perm = np.array([idx.get(c, -1) for c in codes], dtype=np.int64)
                perm = np.where((perm >= 0) & within[np.maximum(perm, 0)], perm, -1)
            permanent[body.id] = perm
            if body.composition == "all-members":
                seats[body.id] = np.flatnonzero(members & world.alive).astype(np.int64)
                continue
            pool = members & world.alive
            pool[perm[perm >= 0]] = False
            cand = np.flatnonzero(pool)
            k = min(body.elected, cand.size)
            elected = np.sort(gen.choice(cand, size=k, replace=False)) if k else \
                np.zeros(0, np.int64)
            if k < body.elected:
                notes.append(f"{body.id}: only {k} of {body.elected} elected seats could be "
                             "filled; the rest count as absent")
            seats[body.id] = np.concatenate([perm, elected.astype(np.int64)])
        if ch.scope.area:
            if synthetic:
                area = frozenset(int(r) for r in world.region[members]) if members.any() else \
                    frozenset(REGIONS.index(a) for a in ch.scope.area)
            else:
                area = frozenset(REGIONS.index(a) for a in ch.scope.area)
        else:
            area = frozenset()
        return cls(charter=ch, members=members, seats=seats, permanent=permanent,
                   seat_codes=seat_codes, area=area, synthetic=synthetic, on=on,
                   codes=list(world.codes), affinity=world.affinity, alive=world.alive,
                   region=world.region, notes=notes)

    def rotate(self, world: World, rng: np.random.Generator) -> Institution:
        """The same members and permanent seats (dead states dropped), elected seats drawn anew."""
        fresh = Institution.in_world(self.charter, world, rng, members=self.members)
        for body in self.charter.bodies:
            perm = np.where(world.alive[np.maximum(self.permanent[body.id], 0)],
                            self.permanent[body.id], -1)
            fresh.permanent[body.id] = perm
            fresh.seat_codes[body.id] = list(self.seat_codes[body.id])
            if body.composition == "fixed":
                pool = fresh.members & world.alive
                pool[perm[perm >= 0]] = False
                cand = np.flatnonzero(pool)
                k = min(body.elected, cand.size)
                elected = np.sort(rng.choice(cand, size=k, replace=False)) if k else \
                    np.zeros(0, np.int64)
                fresh.seats[body.id] = np.concatenate([perm, elected.astype(np.int64)])
        return fresh

    # -- queries ---------------------------------------------------------------------------

    def _index(self, state: int | str) -> int:
        if isinstance(state, int | np.integer):
            return int(state)
        if state in self.codes:
            return self.codes.index(state)
        if is_state(state) and resolve_state(state) in self.codes:
            return self.codes.index(resolve_state(state))
        raise FoedusError(f"state {state!r} is not in this world")

    def is_member(self, state: int | str) -> bool:
        """Whether a state is a member."""
        return bool(self.members[self._index(state)])

    def member_codes(self) -> list[str]:
        """Codes of the members."""
        return [self.codes[i] for i in np.flatnonzero(self.members)]

    def in_scope(self, aggressor: int | str, target: int | str) -> bool:
        """Whether an attack by ``aggressor`` on ``target`` engages the institution.

        The target must be protected (a member or party) and, for collective defence
        (``against = "outside"``), the aggressor an outsider; an ``area`` restricts where the
        target lies. Self-help and balance of power engage no institution.
        """
        if not scope.engages(self.charter):
            return False
        a, t = self._index(aggressor), self._index(target)
        if a == t or not (self.alive[a] and self.alive[t]):
            return False
        return bool(scope.in_scope(self, np.array([a]), np.array([t]))[0])

    def veto_holders(self, question: str = "determination") -> IntArray:
        """Indices of alive states holding a veto on ``question`` in any body of the procedure."""
        out: set[int] = set()
        used = {s.body for s in self.charter.procedure if s.body}
        for body in self.charter.bodies:
            if body.id not in used or question not in body.rules:
                continue
            holders = set(body.veto_holders(question, self.on))
            if not holders:
                continue
            for code, i in zip(self.seat_codes[body.id], self.permanent[body.id], strict=True):
                if code in holders and i >= 0 and self.alive[i]:
                    out.add(int(i))
        return np.array(sorted(out), dtype=np.int64)

    def veto_protected(self, state: int | str, *, affinity_threshold: float = 0.5) -> bool:
        """Whether ``state`` holds a veto, or is close (affinity above the threshold) to one.

        An aggressor so placed expects no determination: *selective security*.
        """
        i = self._index(state)
        holders = self.veto_holders("determination")
        if holders.size == 0:
            return False
        if i in holders:
            return True
        return bool(np.any(self.affinity[i, holders] > affinity_threshold))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (members and seat holders by code)."""
        def names(ix: IntArray) -> list[str | None]:
            return [self.codes[i] if i >= 0 else None for i in ix]

        return {"charter": self.charter.id, "members": self.member_codes(),
                "seats": {b: names(ix) for b, ix in self.seats.items()},
                "permanent": {b: names(ix) for b, ix in self.permanent.items()},
                "seat_codes": self.seat_codes, "area": sorted(REGIONS[r] for r in self.area),
                "synthetic": self.synthetic, "notes": list(self.notes)}


def _strongest(world: World, k: int, within: BoolArray | None = None) -> IntArray:
    """Indices of the ``k`` strongest alive states (of ``within``), majors first; -1 pads."""
    alive = np.flatnonzero(world.alive if within is None else (within & world.alive))
    key = np.lexsort((-world.capability[alive], ~world.major[alive]))
    out = alive[key][:k].astype(np.int64)
    if out.size < k:
        out = np.concatenate([out, np.full(k - out.size, -1, np.int64)])
    return out


def _members(ch: Charter, world: World, synthetic: bool, notes: list[str]) -> BoolArray:
    """The member mask of ``ch`` in ``world``."""
    n = world.n
    alive = world.alive.astype(bool)
    m = ch.membership.members
    if m == "none":
        return np.zeros(n, bool)
    if not synthetic:
        dated = dated_members(ch, world)
        if dated is not None:
            return dated
        if m == "universal":
            return alive.copy()
        wanted = set(m)
        return np.array([c in wanted for c in world.codes], bool) & alive
    mode = ch.membership.synthetic
    if mode == "universal":
        return alive.copy()
    if mode == "none":
        return np.zeros(n, bool)
    if mode == "pair":
        lead = _strongest(world, 1)[0]
        out = np.zeros(n, bool)
        if lead < 0:
            return out
        out[lead] = True
        others = alive.copy()
        others[lead] = False
        if not others.any():
            return out
        allied = others & ((world.alliances[lead] & DEFENCE) > 0)
        pool = allied if allied.any() else others
        aff = np.where(pool, world.affinity[lead], -np.inf)
        out[int(np.argmax(aff))] = True
        return out
    # bloc: the bloc of the rank-th strongest bloc leader
    blocs = np.unique(world.bloc[(world.bloc >= 0) & alive])
    if blocs.size == 0:
        notes.append("no affinity blocs in this world: the institution has no members")
        return np.zeros(n, bool)
    leader_cap = np.array([world.capability[(world.bloc == b) & alive].max() for b in blocs])
    ranked = blocs[np.argsort(-leader_cap, kind="stable")]
    rank = ch.membership.synthetic_rank
    if rank > ranked.size:
        notes.append(f"membership.synthetic_rank {rank} but only {ranked.size} bloc(s): "
                     "the institution has no members")
        return np.zeros(n, bool)
    return (world.bloc == ranked[rank - 1]) & alive


__all__ = ["Institution", "data_year", "dated_members", "era_problem"]
