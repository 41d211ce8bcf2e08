"""Ballots: the world's states named for the rule engine, and the votes they cast.

Votes are turned into decisions by the real rule engine (:func:`foedus.evaluate_vote`), so
vetoes, exclusions, abstention practice and Uniting-for-Peace fallbacks come from the charter
data. Each state votes by the utility of condemning the aggressor
(:func:`foedus.engine.behaviour.vote_utility`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...rules.charter import Charter
from ...rules.states import is_state, states
from ...rules.voting import Decision, evaluate_vote
from ...world.world import World
from ..behaviour import cast_votes, vote_utility
from ..institution import Institution
from .context import Crisis, FloatArray, state_index


def _charter_codes(ch: Charter) -> set[str]:
    """Every state code a charter mentions (so aliases never collide with them)."""
    out: set[str] = set()
    if isinstance(ch.membership.members, list):
        out.update(ch.membership.members)
    for b in ch.bodies:
        out.update(b.permanent)
        out.update(h.holder for h in b.seat_holders)
        for r in b.rules.values():
            if isinstance(r.veto, list):
                out.update(r.veto)
    return out


#: How many namings (:func:`_base_names`) are kept: a few institutions and worlds at a time.
NAMING_MEMO = 8
_NAMING: dict[tuple[Any, ...], tuple[Charter, dict[int, str], list[int], list[str]]] = {}


def _base_names(inst: Institution, world: World) -> tuple[dict[int, str], list[int], list[str]]:
    """The naming every crisis of an institution in a world starts from: the states named by
    their seat (synthetic worlds) or their own code (data worlds), the others in index order,
    and the spare registry codes not named by the charter, in registry order. It depends only
    on the charter, the permanent seats and the world's codes, so it is kept for the next
    crisis (checked against all three) instead of being built again from the registry."""
    ch = inst.charter
    seats = tuple((b.id, tuple(inst.seat_codes.get(b.id, ())),
                   tuple(inst.permanent[b.id].tolist()) if b.id in inst.permanent else ())
                  for b in ch.bodies) if inst.synthetic else ()
    key = (ch.id, inst.synthetic, seats, tuple(world.codes))
    hit = _NAMING.get(key)
    if hit is not None and hit[0] is ch:
        return hit[1], hit[2], hit[3]
    names: dict[int, str] = {}
    if inst.synthetic:
        for body in ch.bodies:
            for code, i in zip(inst.seat_codes[body.id], inst.permanent[body.id], strict=True):
                if i >= 0:
                    names.setdefault(int(i), code)
    else:
        for i, c in enumerate(world.codes):
            if is_state(c):
                names[i] = c
    taken = _charter_codes(ch) | set(names.values()) | set(world.codes)
    spare = [s.abb for s in states() if s.abb not in taken]
    unnamed = [i for i in range(world.n) if i not in names]
    _NAMING[key] = (ch, names, unnamed, spare)
    while len(_NAMING) > NAMING_MEMO:
        _NAMING.pop(next(iter(_NAMING)))
    return names, unnamed, spare


class Ballots:
    """Names the world's states for :func:`evaluate_vote` and runs the charter's votes.

    In data worlds every state votes under its own COW code. In synthetic worlds permanent
    seat holders vote under their seat's code and the others under spare COW codes not named
    by the charter (the parties first, so that they can be excluded); states beyond the
    registry vote anonymously (counts). Reasons are translated back to the world's codes.
    """

    def __init__(self, inst: Institution, world: World, a: int, t: int, *,
                 tracing: bool = True) -> None:
        self.inst, self.world, self.a, self.t = inst, world, a, t
        self.tracing = tracing  # without a trace, reasons are not renamed
        self._names: dict[int, str] | None = None  # named on the first vote (many crises have none)
        self._back: dict[str, str] | None = None
        self._pattern: re.Pattern[str] | None = None
        self._derived: Charter | None = None
        # the votes of this crisis by (body, question, fallback): the same ballots give the
        # same decision, so a question put again (a procedure's several measures) is counted once
        self._votes: dict[tuple[str, str, bool], tuple[Any, Decision | None, dict[str, str]]] = {}

    @property
    def names(self) -> dict[int, str]:
        """The code each state votes under (state index -> code)."""
        if self._names is None:
            self._names = self._name()
        return self._names

    @property
    def back(self) -> dict[str, str]:
        """The world's code of each voting code."""
        if self._back is None:
            self._back = {c: self.world.codes[i] for i, c in self.names.items()}
        return self._back

    def _name(self) -> dict[int, str]:
        base, unnamed, spare = _base_names(self.inst, self.world)
        a, t = self.a, self.t
        names = dict(base)
        # the parties first (they must be named to be excluded), then the others while the
        # registry lasts; whoever is left over votes anonymously
        heads = [i for i in (a, t) if i not in base]
        rest = (i for i in unnamed if i != a and i != t)
        names.update(zip([*heads, *itertools.islice(rest, max(0, len(spare) - len(heads)))],
                         spare, strict=False))
        return names

    def charter_for(self, composition: str) -> Charter:
        """The charter for a vote; all-members bodies count the members in this world."""
        ch = self.inst.charter
        if composition != "all-members" or not isinstance(ch.membership.members, list):
            return ch
        if self._derived is None:
            mem = ch.membership.model_copy(update={"members": "universal"})
            self._derived = ch.model_copy(update={"membership": mem})
        return self._derived

    def rename(self, text: str) -> str:
        """Replace seat codes and aliases by world codes in a synthetic world's reason."""
        if not self.tracing or not self.inst.synthetic or not self.back:
            return text
        if self._pattern is None:  # compiled once per crisis, not once per vote
            self._pattern = re.compile(r"\b(" + "|".join(map(re.escape, self.back)) + r")\b")
        back = self.back
        return self._pattern.sub(lambda m: back[m.group(1)], text)

    def vote(self, body_id: str, question: str, cast: NDArray[np.str_],
             with_fallback: bool) -> tuple[Decision | None, dict[str, str]]:
        """Run one vote of ``body_id``; returns the decision and the votes by world code.

        A question the same body has already decided on the same ballots ``cast`` in this
        crisis gets the same decision again, without asking the rule engine twice."""
        key = (body_id, question, bool(with_fallback))
        hit = self._votes.get(key)
        if hit is not None and hit[0] is cast:
            return hit[1], dict(hit[2])
        dec, by_code = self._vote(body_id, question, cast, with_fallback)
        self._votes[key] = (cast, dec, by_code)
        return dec, dict(by_code)

    def _vote(self, body_id: str, question: str, cast: NDArray[np.str_],
              with_fallback: bool) -> tuple[Decision | None, dict[str, str]]:
        inst, world = self.inst, self.world
        body = inst.charter.body(body_id)
        seats = inst.seats[body_id]
        held = seats[seats >= 0]
        alive = world.alive[held]
        present = held[alive]
        codes = world.codes
        by_code = dict(zip([codes[i] for i in present.tolist()], cast[present].tolist(),
                           strict=True))
        if present.size == 0:
            return None, by_code
        names = self.names
        if not self.tracing and body.composition == "all-members" \
                and not body.veto_holders(question, inst.on):
            lists, counts = self._counted(held, alive, cast)
        else:
            lists = {"yes": [], "no": [], "abstain": [], "absent": []}
            counts = {"yes": 0, "no": 0, "abstain": 0, "absent": 0}
            for i, v, here in zip(held.tolist(), cast[held].tolist(), alive.tolist(),
                                  strict=True):
                if not here:
                    v = "absent"
                name = names.get(i)
                if name is None:
                    counts[v] += 1
                else:
                    lists[v].append(name)
        if body.composition == "fixed":
            for code, i in zip(inst.seat_codes[body_id], inst.permanent[body_id], strict=True):
                if i < 0:
                    lists["absent"].append(code)
        kw: dict[str, Any] = {}
        if body.composition == "all-members":
            kw["seats"] = int(held.size)
        dec = evaluate_vote(self.charter_for(body.composition), body_id, question,
                            yes=lists["yes"], no=lists["no"], abstain=lists["abstain"],
                            absent=lists["absent"], counts={k: c for k, c in counts.items() if c},
                            parties=[names[self.a], names[self.t]],
                            aggressor=names[self.a], on=inst.on,
                            with_fallback=with_fallback, **kw)
        return dec, by_code


    def _counted(self, held: NDArray[np.int64], alive: NDArray[np.bool_], cast: NDArray[np.str_]
                 ) -> tuple[dict[str, list[str]], dict[str, int]]:
        """The votes of an all-members body without a veto, for a crisis without a trace: the
        parties by name (the rule may exclude them), everybody else counted. The rule engine
        then gives the decision of naming every member (the same tallies, exclusions and
        outcome; only the reason, which no trace keeps, names fewer states), without a name
        per member: a vote of a large body costs a few array passes (issue 16)."""
        votes = np.where(alive, cast[held], "absent")
        counts = {k: int(np.count_nonzero(votes == k)) for k in ("yes", "no", "abstain", "absent")}
        lists: dict[str, list[str]] = {"yes": [], "no": [], "abstain": [], "absent": []}
        names = self.names
        for party in dict.fromkeys((self.a, self.t)):
            at = np.flatnonzero(held == party)
            if at.size and party in names:
                v = str(votes[at[0]])
                lists[v].append(names[party])
                counts[v] -= 1
        return lists, counts


def cast_ballots(c: Crisis, belief: FloatArray, fear: FloatArray,
                 absent: Iterable[str]) -> NDArray[np.str_]:
    """Every state's vote on condemning the aggressor; ``absent`` states boycott every vote."""
    world = c.world
    util = vote_utility(belief, world.affinity[:, c.t], world.affinity[:, c.a], fear, c.beh)
    cast = cast_votes(util, c.beh)
    for code in absent:
        cast[state_index(world, code)] = "absent"
    for i, choice in c.choices.items():  # a player's vote
        if "vote" in choice:
            cast[i] = choice["vote"]
    return cast


__all__ = ["Ballots", "cast_ballots"]
