"""A crisis in a security architecture: several institutions, ordered by the UN Charter.

A crisis goes to every institution whose scope it falls in (docs/architectures.md):

- **Roles.** A collective-security institution (the UN, the League) is the *council*. An
  institution that covers its members against one another and whose members are both parties
  is a *regional arrangement* for that local dispute (UN Charter Ch. VIII; the Rio Treaty
  between American states). Every other institution engaged is a *collective self-defence*
  pact (NATO Art. 5, Rio Art. 3 against an outside attacker, all invoking Art. 51).
- **Order.** Regional arrangements deliberate first on local disputes (UN Charter Art. 52(2):
  "every effort to achieve pacific settlement of local disputes through such regional
  arrangements ... before referring them to the Security Council"), then the council, then
  the pacts.
- **Art. 51.** A pact's obligations stand "until the Security Council has taken measures
  necessary to maintain international peace and security": once the council has adopted
  sanctions or force (Arts 41-42), the pacts' obligations give way to its measures.
- **Art. 53(1).** "No enforcement action shall be taken under regional arrangements ...
  without the authorization of the Security Council": a regional arrangement's sanctions and
  force oblige only when the council has itself adopted measures; its determination stands.
- **Art. 103.** Charter obligations prevail over other treaties: a state the council obliges
  does not join the aggressor under an offensive pact, and ties between equal obligations are
  attributed to the council.
- **Once.** A state obliged by several institutions contributes once, with its strongest
  obligation (:func:`strongest_obligation`, shared with the forecast); the trace says which
  institution obliged whom, and under which article.

Without a council in the architecture the Charter's ordering is not engaged: each institution
obliges its members on its own terms, and the strongest obligation counts.
Each institution learns its own credibility from the members it obliged.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, cast

import numpy as np

from .._errors import FoedusError
from ..rules.architecture import Architecture
from ..rules.charter import Charter
from ..world.world import World
from .behaviour import Behaviour, as_behaviour
from .crisis.aftermath import aftermath
from .crisis.attribution import attribute, note_scope, onset
from .crisis.ballots import cast_ballots
from .crisis.context import BoolArray, Crisis, FloatArray, open_crisis
from .crisis.deliberation import Obligations, deliberate, obligations
from .crisis.peacekeeping import keep_peace
from .crisis.response import respond, response_terms
from .crisis.result import CrisisResult, TraceEntry
from .crisis.war import fight
from .institution import Institution, data_year, dated_members

ART_51 = "UN Charter Art. 51"
ART_52 = "UN Charter Art. 52(2)"
ART_53 = "UN Charter Art. 53(1)"
ART_103 = "UN Charter Art. 103"
COUNCIL, REGIONAL, DEFENCE = "council", "regional arrangement", "collective self-defence"
_MEASURES = ("sanctions", "force")  # the measures of UN Charter Arts 41-42


@dataclass
class ArchitectureCrisisResult(CrisisResult):
    """A :class:`CrisisResult` for an architecture, with what each institution did.

    ``institutions``: per institution (in the order they deliberated) its role, whether the
    crisis was in its scope, its status under Arts 51/53, its obligations, the states it
    obliged and its credibility before and after; ``obliged_by``: for each obliged state the
    institution whose obligation counted, with the article.
    """

    institutions: list[dict[str, Any]] = field(default_factory=list)
    obliged_by: dict[str, str] = field(default_factory=dict)


@dataclass
class _Seat:
    """One institution in one crisis."""

    inst: Institution
    cred: float
    role: str
    sub: Crisis
    ob: Obligations = field(default_factory=Obligations)
    in_scope: bool = False
    status: str = "out of scope"
    article: str = ""
    void: bool = False  # gave way (Art. 51) or may not enforce (Art. 53(1))
    sanctions: FloatArray | None = None  # per state, after Arts 51/53
    force: FloatArray | None = None


def is_council(inst: Institution) -> bool:
    """Whether the institution is a collective-security organisation (the UN, the League)."""
    return inst.charter.kind == "collective-security"


def role_of(inst: Institution, a: int, t: int) -> str:
    """The institution's role in an attack of ``a`` on ``t`` (module docstring)."""
    if is_council(inst):
        return COUNCIL
    if inst.charter.scope.against == "any" and inst.members[a] and inst.members[t]:
        return REGIONAL
    return DEFENCE


def deliberation_order(roles: Sequence[str]) -> list[int]:
    """Regional arrangements first (Art. 52(2)), then the council, then the pacts; stable."""
    rank = {REGIONAL: 0, COUNCIL: 1, DEFENCE: 2}
    return sorted(range(len(roles)), key=lambda k: rank[roles[k]])


def strongest_obligation(per_institution: Sequence[FloatArray]) -> tuple[FloatArray, np.ndarray]:
    """Per state, the strongest of the institutions' obligations and which institution gives it
    (the first listed on ties: list the council first, Art. 103). One definition for the
    crisis engine and the aggressor's forecast."""
    stack = np.vstack([np.asarray(x, dtype=float) for x in per_institution])
    return stack.max(axis=0), np.argmax(stack, axis=0)


def run_architecture_crisis(world: World, institutions: Sequence[Institution],
                            aggressor: int | str, target: int | str, *,
                            rng: np.random.Generator, credibility: Sequence[float],
                            behaviour: Behaviour | dict[str, Any] | None = None,
                            claims_self_defence: bool | None = None,
                            absent: tuple[str, ...] | list[str] = (),
                            name: str | None = None) -> ArchitectureCrisisResult:
    """Play one aggression through every institution of an architecture (module docstring).

    MUTATES ``world`` as :func:`foedus.run_crisis` does. ``credibility[k]`` is institution
    ``k``'s own credibility; ``name`` labels the result (default: the ids joined by ``+``).
    """
    beh = as_behaviour(behaviour)
    seats, c = _open(world, institutions, aggressor, target, rng, beh, credibility, name)
    if not onset(c, claims_self_defence):
        return cast(ArchitectureCrisisResult, c.res)
    for s in seats:
        s.sub.res.claimed_self_defence = c.res.claimed_self_defence
        s.in_scope = note_scope(s.sub)
        _relay(c, s, 0)
    c.res.in_scope = any(s.in_scope for s in seats)
    belief = attribute(c)
    terms = response_terms(world, c.a, c.t, beh, belief)
    for s in seats:
        n0 = len(s.sub.trace)
        cast_votes = cast_ballots(s.sub, belief, terms["fear"], absent)
        s.ob = obligations(s.sub, deliberate(s.sub, cast_votes, s.in_scope))
        _relay(c, s, n0)
    combined, ob = _combine(c, seats)
    response = respond(combined, terms, ob)
    p_def = fight(combined, response)
    council = next((s for s in seats if s.role == COUNCIL and s.in_scope), None)
    if council is not None and council.ob.peacekeeping:
        keep_peace(replace(combined, inst=council.inst), p_def, belief,
                   council.ob.peacekeeping_weight, response.eligible)
    _learn(c, seats)
    return cast(ArchitectureCrisisResult, c.res)


def _open(world: World, institutions: Sequence[Institution], aggressor: int | str,
          target: int | str, rng: np.random.Generator, beh: Behaviour,
          credibility: Sequence[float], name: str | None) -> tuple[list[_Seat], Crisis]:
    """Each institution's crisis view, in deliberation order, and the architecture's crisis
    (the council's view when there is one, else the first institution's)."""
    if not institutions:
        raise FoedusError("an architecture needs at least one institution")
    if len(credibility) != len(institutions):
        raise FoedusError(f"{len(credibility)} credibilities for {len(institutions)} "
                          "institutions")
    views = [open_crisis(world, inst.charter, aggressor, target, rng=rng, beh=beh,
                         credibility=cr, institution=inst)
             for inst, cr in zip(institutions, credibility, strict=True)]
    a, t = views[0].a, views[0].t
    roles = [role_of(inst, a, t) for inst in institutions]
    seats = [_Seat(inst=institutions[k], cred=float(credibility[k]), role=roles[k], sub=views[k])
             for k in deliberation_order(roles)]
    lead = next((s for s in seats if s.role == COUNCIL), seats[0])
    base = lead.sub.res
    res = ArchitectureCrisisResult(**{f.name: copy.copy(getattr(base, f.name))
                                      for f in fields(CrisisResult)})
    res.charter = name or "+".join(inst.charter.id for inst in institutions)
    res.trace = []
    c = Crisis(world=world, inst=lead.inst, beh=beh, rng=rng, cred=lead.cred, a=a, t=t, res=res)
    return seats, c


def _relay(c: Crisis, s: _Seat, start: int) -> None:
    """Copy an institution's trace lines (from ``start``) onto the architecture's trace."""
    for e in s.sub.trace[start:]:
        c.trace.append(TraceEntry(f"{s.inst.charter.id}:{e.step}", e.text, e.article))


def _council_measures(seats: Sequence[_Seat]) -> tuple[_Seat | None, bool]:
    """The council (if any) and whether it adopted sanctions or force in this crisis."""
    council = next((s for s in seats if s.role == COUNCIL), None)
    if council is None or not council.in_scope:
        return council, False
    acted = any(st["measure"] in _MEASURES and st["status"] in ("adopted", "automatic")
                for st in council.sub.res.steps)
    return council, acted


def _apply_charter(seats: Sequence[_Seat]) -> None:
    """Each institution's status under the Charter: acts, gives way (Art. 51) or may not
    enforce (Art. 53(1)); void obligations are set to zero."""
    council, acted = _council_measures(seats)
    for s in seats:
        if not s.in_scope:
            continue
        if s.role == COUNCIL:
            s.status, s.article = "acts as the council", ART_103 if len(seats) > 1 else ""
        elif council is None:
            s.status, s.article = "acts on its own terms (no UN Charter in this architecture)", ""
        elif s.role == REGIONAL and acted:
            s.status, s.article = ("local dispute: settles first, enforces with the Council's "
                                   "authorisation", f"{ART_52}; {ART_53}")
        elif s.role == REGIONAL:
            s.status, s.article = ("local dispute: settles first, but no enforcement without "
                                   "the Council's authorisation", f"{ART_52}; {ART_53}")
            s.ob, s.void = replace(s.ob, sanctions=0.0, force=0.0), True
        elif acted:
            s.status, s.article = ("collective self-defence gives way: the Council has taken "
                                   "measures", ART_51)
            s.ob, s.void = replace(s.ob, sanctions=0.0, force=0.0), True
        else:
            s.status, s.article = ("collective self-defence until the Council has taken "
                                   "measures", ART_51)


def _per_state(c: Crisis, s: _Seat) -> None:
    """The institution's obligations per state: its members among the third states (the
    non-aligned only where a universal institution's decision binds them)."""
    n = c.world.n
    if not s.in_scope:
        s.sanctions, s.force = np.zeros(n), np.zeros(n)
        return
    members = s.inst.members & c.third_states()
    nonaligned = c.world.nonaligned.astype(bool)
    ok_s = members & (~nonaligned | s.ob.binding_sanctions)
    ok_f = members & (~nonaligned | s.ob.binding_force)
    s.sanctions = np.where(ok_s, float(s.ob.sanctions), 0.0)
    s.force = np.where(ok_f, float(s.ob.force), 0.0)


def _combine(c: Crisis, seats: list[_Seat]) -> tuple[Crisis, Obligations]:
    """The architecture's obligations: per state the strongest, council first on ties
    (Art. 103); the crisis view the response and the war run on."""
    _apply_charter(seats)
    for s in seats:
        _per_state(c, s)
    ranked = sorted(seats, key=lambda s: s.role != COUNCIL)
    sanc, _ = strongest_obligation([cast(FloatArray, s.sanctions) for s in ranked])
    force, _ = strongest_obligation([cast(FloatArray, s.force) for s in ranked])
    _, src = strongest_obligation([np.maximum(cast(FloatArray, s.sanctions),
                                              cast(FloatArray, s.force)) for s in ranked])
    obliged = (sanc > 0) | (force > 0)
    _attribute(c, ranked, src, obliged)
    council = next((s for s in ranked if s.role == COUNCIL), None)
    if council is not None:  # Art. 103: Charter obligations prevail over offensive pacts
        c.bound = (cast(FloatArray, council.sanctions) > 0) | (cast(FloatArray, council.force) > 0)
    res = c.res
    live = [s for s in seats if s.in_scope]
    res.obligation = max((s.sub.res.obligation for s in live if s.ob.sanctions or s.ob.force
                          or s.role == COUNCIL), default=0.0)
    res.obligation_sanctions, res.obligation_force = float(sanc.max()), float(force.max())
    _outcomes(res, live)
    members = np.zeros(c.world.n, bool)
    for s in live:
        members |= s.inst.members
    # per-state arrays where the single-institution engine has floats: respond() is vectorised
    ob = Obligations(sanctions=cast(float, sanc), force=cast(float, force),
                     binding_sanctions=cast(bool, np.ones(c.world.n, bool)),
                     binding_force=cast(bool, np.ones(c.world.n, bool)),
                     peacekeeping=False, peacekeeping_weight=0.0)
    return replace(c, inst=replace(c.inst, members=members)), ob


def _outcomes(res: CrisisResult, live: Sequence[_Seat]) -> None:
    """Determination, vetoes, fallbacks, steps and votes of the institutions engaged."""
    for s in live:
        r = s.sub.res
        res.determined |= r.determined
        res.force_authorised |= r.force_authorised and bool(s.ob.force)
        if s.role == COUNCIL:
            res.vetoed, res.vetoed_by = r.vetoed, list(r.vetoed_by)
            res.ufp_session, res.fallback = r.ufp_session, r.fallback
        res.steps += [{**st, "institution": s.inst.charter.id} for st in r.steps]
        res.votes.update({f"{s.inst.charter.id}:{k}": v for k, v in r.votes.items()})


def _attribute(c: Crisis, ranked: Sequence[_Seat], src: np.ndarray, obliged: BoolArray) -> None:
    """Trace which institution obliged whom and why; states obliged twice contribute once."""
    res = c.res
    assert isinstance(res, ArchitectureCrisisResult)
    for s in ranked:
        if s.in_scope:
            c.trace.append(TraceEntry("architecture", f"{s.inst.charter.id} ({s.role}): "
                                      f"{s.status}", s.article))
    for k, s in enumerate(ranked):
        mine = obliged & (src == k)
        for i in np.flatnonzero(mine):
            res.obliged_by[c.world.codes[i]] = f"{s.inst.charter.id} ({s.article or s.role})"
        if mine.any():
            c.trace.append(TraceEntry("obligation", f"{s.inst.charter.id} obliges "
                                      f"{', '.join(c.codes(mine))} (sanctions "
                                      f"{float(s.ob.sanctions):.2f}, force "
                                      f"{float(s.ob.force):.2f})", s.inst.charter.scope.article))
    twice = [i for i in np.flatnonzero(obliged)
             if sum(bool(np.maximum(cast(FloatArray, s.sanctions),
                                    cast(FloatArray, s.force))[i] > 0) for s in ranked) > 1]
    if twice:
        c.trace.append(TraceEntry("obligation", f"{len(twice)} states obliged by more than one "
                                  "institution contribute once, under their strongest "
                                  f"obligation: {', '.join(c.world.codes[i] for i in twice)}; "
                                  "the Charter's prevails on ties", ART_103))


def _learn(c: Crisis, seats: Sequence[_Seat]) -> None:
    """Each institution learns its own credibility from the members it obliged; one that gave
    way (Art. 51) or could not enforce (Art. 53) learns nothing from this crisis."""
    res = c.res
    assert isinstance(res, ArchitectureCrisisResult)
    obligated_all = np.zeros(c.world.n, bool)
    for s in seats:
        r = s.sub.res
        mine = (cast(FloatArray, s.sanctions) > 0) | (cast(FloatArray, s.force) > 0)
        obligated_all |= mine
        r.contributors, r.sanctioners = list(res.contributors), list(res.sanctioners)
        r.sanctions = bool(np.isin(np.asarray(c.world.codes)[mine], res.sanctioners).any())
        if s.in_scope and not s.void:
            n0 = len(r.trace)
            aftermath(s.sub, mine)
            _relay(c, s, n0)
            res.wants_exit += [x for x in r.wants_exit if x not in res.wants_exit]
            res.exit_reasons.update(r.exit_reasons)
        res.institutions.append(_summary(s, mine, c))
    lead = next((s for s in seats if s.inst is c.inst), seats[0])
    res.institution_acted = any(s.sub.res.institution_acted for s in seats)
    res.target_helped = bool(res.contributors or res.sanctioners)
    contributed = np.isin(np.asarray(c.world.codes), res.contributors + res.sanctioners)
    if obligated_all.any():
        res.compliance = float((contributed & obligated_all).sum() / obligated_all.sum())
    res.obligated = c.codes(obligated_all)
    res.credibility_signal = lead.sub.res.credibility_signal
    res.credibility_after = lead.sub.res.credibility_after


def _summary(s: _Seat, mine: BoolArray, c: Crisis) -> dict[str, Any]:
    """One institution's part in the crisis, JSON-ready."""
    r = s.sub.res
    return {"id": s.inst.charter.id, "role": s.role, "in_scope": s.in_scope, "status": s.status,
            "article": s.article, "determined": r.determined,
            "obligation_sanctions": float(s.ob.sanctions), "obligation_force": float(s.ob.force),
            "obliged": c.codes(mine), "credibility": s.cred,
            "credibility_after": r.credibility_after if s.in_scope and not s.void else s.cred,
            "credibility_signal": r.credibility_signal,
            "wants_exit": list(r.wants_exit) if s.in_scope and not s.void else []}




@dataclass
class Partner:
    """An institution of an architecture beside the model's lead one, with its own learned
    credibility; ``since`` is the year it was founded when that is after the run's start (it
    is dormant, without members, until then)."""

    charter: Charter
    institution: Institution
    credibility: float
    since: int | None = None
    notice: dict[int, int] = field(default_factory=dict)  # state -> year its withdrawal is due
    withdrew: set[int] = field(default_factory=set)  # gave notice in the run: stays out
    exits: int = 0

    def give_notice(self, world: World, codes: Sequence[str], year: int) -> None:
        """Members in ``codes`` give notice under the charter's exit rule (none where it allows
        no withdrawal); they leave on ``year`` + the notice (at least a year), as the lead's."""
        ex = self.charter.exit
        if not ex.withdrawal:
            return
        due = year + max(1, math.ceil(float(ex.notice_years)))
        idx = {c: i for i, c in enumerate(world.codes)}
        for code in codes:
            i = idx.get(code)
            if i is not None and self.institution.members[i] and i not in self.notice:
                self.notice[i] = due
                self.withdrew.add(i)

    def apply_exits(self, world: World, year: int) -> None:
        """Withdrawals due by ``year`` take effect: membership and seats."""
        due = [i for i, y in self.notice.items() if y <= year]
        for i in due:
            del self.notice[i]
            self.institution.members[i] = False
        self.exits += len(due)
        if due:
            self.reseat(world)

    def reseat(self, world: World) -> None:
        """Seats follow membership: all-members bodies seat the living members; a seat held by
        a state that is no longer a member falls vacant."""
        inst = self.institution
        for body in self.charter.bodies:
            seats = inst.seats.get(body.id)
            if seats is None:
                continue
            if body.composition == "all-members":
                inst.seats[body.id] = np.flatnonzero(inst.members & world.alive).astype(np.int64)
                continue
            held = seats >= 0
            ok = held & inst.members[np.maximum(seats, 0)]
            inst.seats[body.id] = np.where(ok, seats, -1).astype(np.int64)
            perm = inst.permanent[body.id]
            inst.permanent[body.id] = np.where(
                (perm >= 0) & inst.members[np.maximum(perm, 0)], perm, -1).astype(np.int64)


class Partners:
    """The other institutions of an architecture along a many-year run (engine/model.py).

    The lead institution (the council, else the first) stays the model's own; the partners
    follow their dated membership, play every crisis beside it through
    :func:`run_architecture_crisis`, and learn their own credibility.
    """

    def __init__(self, arch: Architecture, lead: Charter, world: World, rng: np.random.Generator,
                 credibility: float, allow_anachronism: bool, notes: list[str]) -> None:
        self.arch = arch
        self.items: list[Partner] = []
        self.in_scope: dict[str, int] = {ch.id: 0 for ch in arch.charters()}
        self.members0: dict[str, int] = {}
        year = data_year(world)
        for ch in arch.charters():
            if ch.id == lead.id:
                continue
            since = _dormant_until(ch, year, allow_anachronism, notes)
            inst = Institution.in_world(ch, world, rng)
            if since is not None:
                inst.members = np.zeros(world.n, bool)
            self.items.append(Partner(ch, inst, credibility, since))

    def follow(self, world: World, year: int) -> None:
        """Each partner's withdrawals due by ``year`` (:meth:`Partner.give_notice`), then its
        dated membership on a data world (none before its founding); a state that withdrew in
        the run stays out."""
        first = not self.members0
        for p in self.items:
            p.apply_exits(world, year)
            if p.since is not None and year < p.since:
                continue
            mask = dated_members(p.charter, world, year)
            if mask is None:
                continue
            mask = mask.copy()
            if p.withdrew:
                mask[sorted(p.withdrew)] = False
            if not np.array_equal(mask, p.institution.members):
                p.institution.members = mask
                p.reseat(world)
        if first:
            self.members0 = {p.charter.id: int((p.institution.members & world.alive).sum())
                             for p in self.items}

    def crisis(self, world: World, lead: Institution, lead_cred: float, a: int, t: int,
               rng: np.random.Generator, behaviour: Behaviour) -> ArchitectureCrisisResult:
        """One crisis through the lead institution and every partner."""
        insts = [lead, *(p.institution for p in self.items)]
        creds = [lead_cred, *(min(1.0, max(0.0, p.credibility)) for p in self.items)]
        return run_architecture_crisis(world, insts, world.codes[a], world.codes[t], rng=rng,
                                       credibility=creds, behaviour=behaviour,
                                       name=self.arch.id)

    def learn(self, res: ArchitectureCrisisResult, world: World | None = None,
              year: int | None = None) -> None:
        """Each partner takes the credibility it learned in the crisis; with ``world`` and
        ``year``, the members that want to leave it give notice under its exit rule."""
        by_id = {d["id"]: d for d in res.institutions}
        for d in res.institutions:
            self.in_scope[d["id"]] = self.in_scope.get(d["id"], 0) + int(bool(d["in_scope"]))
        for p in self.items:
            mine = by_id.get(p.charter.id)
            if mine is None:
                continue
            p.credibility = float(mine["credibility_after"])
            if world is not None and year is not None:
                p.give_notice(world, mine.get("wants_exit", []), year)


    @staticmethod
    def wants_exit(res: ArchitectureCrisisResult, cid: str) -> list[str]:
        """The states that want to leave institution ``cid`` after the crisis (not those that
        want to leave another institution of the architecture)."""
        return next((list(d.get("wants_exit", [])) for d in res.institutions if d["id"] == cid),
                    [])

    def describe(self, lead: Charter, lead_members: int) -> list[str]:
        """One line per institution: its members in the first year and its crises in scope."""
        members = {lead.id: lead_members, **self.members0}
        creds = {p.charter.id: p.credibility for p in self.items}
        exits = {p.charter.id: p.exits for p in self.items}
        return [f"architecture {self.arch.id}: {cid}: {members.get(cid, 0)} members in the first "
                f"year, {self.in_scope.get(cid, 0)} crises in its scope"
                + (f", credibility {creds[cid]:.2f} at the end" if cid in creds else "")
                + (f", {exits[cid]} withdrawals" if exits.get(cid) else "")
                for cid in self.in_scope]


def lead_charter(arch: Architecture) -> Charter:
    """The institution a many-year run keeps as its own: the council, else the first."""
    chs = arch.charters()
    return next((ch for ch in chs if ch.kind == "collective-security"), chs[0])


def _dormant_until(ch: Charter, year: int | None, allow: bool, notes: list[str]) -> int | None:
    """On a data world before ``ch`` was founded: the founding year (dormant until then);
    another anachronism is refused unless allowed (then noted)."""
    if year is None:
        return None
    problem = ch.anachronism(year)
    if problem is None:
        return None
    since = ch.membership.since
    if since is not None and year < since.year:
        notes.append(f"{ch.id}: dormant until founded on {since} (no members before)")
        return since.year
    if not allow:
        raise FoedusError(problem)
    notes.append("anachronism: " + problem.split(". Choose")[0])
    return None


__all__ = ["ART_51", "ART_52", "ART_53", "ART_103", "ArchitectureCrisisResult", "Partner",
           "Partners", "deliberation_order", "is_council", "lead_charter", "role_of",
           "run_architecture_crisis", "strongest_obligation"]
