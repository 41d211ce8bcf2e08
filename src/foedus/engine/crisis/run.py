"""One crisis, step by step (MODEL.md §3): onset, attribution, deliberation, response, war,
peacekeeping and aftermath.

:func:`run_crisis` plays one aggression through a charter in a world and returns a
:class:`CrisisResult` whose trace names the article behind every step ("failed: negative vote
of a permanent member, S03 (UN Charter Arts 27(3), 39)"). Votes are turned into decisions by
the real rule engine (:func:`foedus.evaluate_vote`), so vetoes, exclusions, abstention
practice and Uniting-for-Peace fallbacks come from the charter data. It MUTATES the world it
is given (capability and alive flags after the war): pass ``world.copy()`` to keep the input.
Everything is vectorised over states; every random draw comes from ``rng``.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._errors import FoedusError
from ...rules.charter import BINDINGNESS_WEIGHT, Charter, Step, load_charter
from ...rules.states import is_state, states
from ...rules.voting import Decision, evaluate_vote
from ...world.world import DEFENCE, OFFENCE, World
from ..behaviour import (
    Behaviour,
    as_behaviour,
    attribution_ambiguity,
    beliefs,
    capability_share,
    cast_votes,
    contest_success,
    projected_capability,
    sample_volunteers,
    volunteer_equilibrium,
    vote_utility,
)
from ..institution import Institution

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

_DETERMINATION = ("determination", "provisional-measures")


@dataclass
class TraceEntry:
    """One line of a crisis trace: the step, what happened, and the governing article."""

    step: str
    text: str
    article: str

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready dictionary."""
        return asdict(self)


@dataclass
class CrisisResult:
    """What happened in one crisis. ``to_dict()`` is JSON-ready.

    The first block of fields is the contract used by the many-year model; the rest give
    detail (strengths, obligations per measure, peacekeeping consent, aftermath signals).
    """

    aggressor: str
    target: str
    charter: str
    in_scope: bool
    determined: bool
    vetoed: bool
    vetoed_by: list[str]
    ufp_session: bool
    obligation: float
    sanctions: bool
    force_authorised: bool
    peacekeeping: bool
    obligated: list[str]
    contributors: list[str]
    sanctioners: list[str]
    aggressor_side: list[str]
    war: bool
    aggressor_won: bool
    p_defender_win: float
    effective: bool
    capability_destroyed: float
    capability_transferred: float
    target_died: bool
    trace: list[TraceEntry]
    # -- detail -------------------------------------------------------------------------------
    defenders: list[str] = field(default_factory=list)
    claimed_self_defence: bool = False
    ambiguity: float = 0.0
    mean_belief: float = float("nan")
    veto_protected: bool = False
    fallback: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    votes: dict[str, dict[str, str]] = field(default_factory=dict)
    obligation_sanctions: float = 0.0
    obligation_force: float = 0.0
    strength_aggressor: float = 0.0
    strength_defenders: float = 0.0
    sanction_share: float = 0.0
    peacekeepers: list[str] = field(default_factory=list)
    consent_aggressor: bool | None = None
    consent_target: bool | None = None
    peacekeeping_cost: float = 0.0
    institution_acted: bool = False
    target_helped: bool = False
    compliance: float | None = None
    credibility_signal: float | None = None
    credibility_after: float = 1.0
    wants_exit: list[str] = field(default_factory=list)
    exit_reasons: dict[str, str] = field(default_factory=dict)
    capability_before: float = 0.0
    capability_after: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (trace entries as dictionaries)."""
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, float) and not math.isfinite(v):
                d[k] = None
        return d

    def text(self) -> str:
        """The trace as readable lines."""
        return "\n".join(f"[{e.step}] {e.text}" + (f" ({e.article})" if e.article and
                                                   e.article not in e.text else "")
                         for e in self.trace)


# --- naming voters for the rule engine -----------------------------------------------------


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


class _Ballots:
    """Names the world's states for :func:`evaluate_vote` and runs the charter's votes.

    In data worlds every state votes under its own COW code. In synthetic worlds permanent
    seat holders vote under their seat's code and the others under spare COW codes not named
    by the charter (the parties first, so that they can be excluded); states beyond the
    registry vote anonymously (counts). Reasons are translated back to the world's codes.
    """

    def __init__(self, inst: Institution, world: World, a: int, t: int) -> None:
        self.inst, self.world, self.a, self.t = inst, world, a, t
        ch = inst.charter
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
        # the parties first (they must be named to be excluded), then the others while the
        # registry lasts; whoever is left over votes anonymously
        order = [a, t, *(i for i in range(world.n) if i not in (a, t))]
        for i in order:
            if i not in names and spare:
                names[i] = spare.pop(0)
        self.names = names
        self.back = {c: world.codes[i] for i, c in names.items()}
        self._derived: Charter | None = None

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
        if not self.inst.synthetic or not self.back:
            return text
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, self.back)) + r")\b")
        return pattern.sub(lambda m: self.back[m.group(1)], text)

    def vote(self, body_id: str, question: str, cast: NDArray[np.str_],
             with_fallback: bool) -> tuple[Decision | None, dict[str, str]]:
        """Run one vote of ``body_id``; returns the decision and the votes by world code."""
        inst, world = self.inst, self.world
        body = inst.charter.body(body_id)
        seats = inst.seats[body_id]
        held = seats[seats >= 0]
        present = held[world.alive[held]]
        by_code = {world.codes[i]: str(cast[i]) for i in present}
        if present.size == 0:
            return None, by_code
        lists: dict[str, list[str]] = {"yes": [], "no": [], "abstain": [], "absent": []}
        counts = {"yes": 0, "no": 0, "abstain": 0, "absent": 0}
        for i in held:
            v = str(cast[i]) if world.alive[i] else "absent"
            name = self.names.get(int(i))
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
                            parties=[self.names[self.a], self.names[self.t]],
                            aggressor=self.names[self.a], on=inst.on,
                            with_fallback=with_fallback, **kw)
        return dec, by_code


# --- the crisis ----------------------------------------------------------------------------


def _index(world: World, state: int | str) -> int:
    if isinstance(state, int | np.integer):
        i = int(state)
        if not 0 <= i < world.n:
            raise FoedusError(f"state index {i} is not in this world of {world.n} states")
        return i
    return world.index(str(state))


def _codes(world: World, mask: BoolArray) -> list[str]:
    return [world.codes[i] for i in np.flatnonzero(mask)]


def _universal(inst: Institution) -> bool:
    m = inst.charter.membership
    return (m.synthetic == "universal") if inst.synthetic else (m.members == "universal")


@dataclass
class _StepOutcome:
    step: Step
    status: str  # adopted | failed | not-reached | automatic | discretionary | out-of-scope
    bindingness: str
    obligation: float
    decision: Decision | None = None


def response_terms(world: World, aggressor: int | str, target: int | str,
                   behaviour: Behaviour | dict[str, Any] | None = None,
                   belief: FloatArray | None = None) -> dict[str, FloatArray]:
    """Per-state benefit and costs of opposing an aggression (vectorised; MODEL.md §3.4).

    ``benefit = norm_weight (b - 1/2) + affinity_weight (s_it - s_ia)/2 + threat_weight threat
    + alliance_weight pact``; ``threat = share(P_a at i, P_i) (1 - s_ia)/2`` (the aggressor's
    projected capability at i's capital against i's own, times hostility);
    ``cost_force = war_cost (1/4 + 3/4 share(P_a at t, P_i at t))``;
    ``cost_sanction = sanction_cost (1 + max(0, s_ia))``. Also returns the projected
    capabilities (``proj``, ``proj_at_target``) and ``fear`` used in voting. The many-year
    model uses these to estimate responses.
    """
    beh = as_behaviour(behaviour)
    a, t = _index(world, aggressor), _index(world, target)
    s_t = world.affinity[:, t]
    s_a = world.affinity[:, a]
    b = np.ones(world.n) if belief is None else np.asarray(belief, dtype=float)
    proj = projected_capability(world, world.distance, beh)
    own = np.diag(proj).copy()
    fear = capability_share(proj[a, :], own)
    threat = fear * (1.0 - s_a) / 2.0
    at_t = proj[:, t]
    rel = capability_share(np.full(world.n, at_t[a]), at_t)
    pact = ((world.alliances[:, t] & DEFENCE) > 0).astype(float)
    benefit = (float(beh.norm_weight) * (b - 0.5) + float(beh.affinity_weight) * (s_t - s_a) / 2.0
               + float(beh.threat_weight) * threat + float(beh.alliance_weight) * pact)
    return {"benefit": benefit, "cost_force": float(beh.war_cost) * (0.25 + 0.75 * rel),
            "cost_sanction": float(beh.sanction_cost) * (1.0 + np.maximum(0.0, s_a)),
            "fear": fear, "threat": threat, "pact": pact, "proj": proj, "own": own,
            "proj_at_target": at_t}


def _decide(model: str, cand: BoolArray, benefit: FloatArray, ob: FloatArray, cost: FloatArray,
            noise: FloatArray, rng: np.random.Generator, strength: FloatArray,
            p_of: Any, stake: float) -> BoolArray:
    """Who among ``cand`` contributes, under the chosen decision model."""
    act = np.zeros(cand.shape, bool)
    idx = np.flatnonzero(cand)
    if idx.size == 0:
        return act
    if model == "threshold":
        act[idx] = benefit[idx] + ob[idx] + noise[idx] > cost[idx]
        return act
    if model == "volunteer":
        # U: value of the aggression being opposed; K: cost net of the obligation.
        p = volunteer_equilibrium(benefit[idx] + noise[idx], cost[idx] - ob[idx], rng)
        act[idx] = sample_volunteers(p, rng)
        return act
    # best-response: sequential best responses in random order until nobody changes
    order = idx[rng.permutation(idx.size)]
    total = 0.0
    for _sweep in range(50):
        changed = False
        for i in order:
            without = total - (strength[i] if act[i] else 0.0)
            gain = p_of(without + strength[i]) - p_of(without)
            want = bool(stake * benefit[i] * gain + ob[i] + noise[i] - cost[i] > 0)
            if want != act[i]:
                act[i] = want
                total = without + (strength[i] if want else 0.0)
                changed = True
        if not changed:
            break
    return act


def run_crisis(world: World, charter: str | Charter, aggressor: int | str, target: int | str, *,
               rng: np.random.Generator, behaviour: Behaviour | dict[str, Any] | None = None,
               credibility: float = 1.0, institution: Institution | None = None,
               claims_self_defence: bool | None = None,
               absent: tuple[str, ...] | list[str] = ()) -> CrisisResult:
    """Play one aggression of ``aggressor`` against ``target`` under ``charter`` (MODEL.md §3).

    MUTATES ``world``: capabilities after the war and the target's ``alive`` flag (state
    death); pass ``world.copy()`` to keep the input. ``credibility`` in [0, 1] scales every
    obligation; ``institution`` reuses a mapping of the charter onto the world (else one is
    made with ``rng``); ``claims_self_defence`` scripts the aggressor's claim (else drawn with
    ``behaviour.claim_probability``); ``absent`` names states that boycott every vote.
    """
    beh = as_behaviour(behaviour)
    if not 0.0 <= float(credibility) <= 1.0:
        raise FoedusError(f"credibility must lie in [0, 1], got {credibility}")
    cred = float(credibility)
    ch = load_charter(charter)
    a, t = _index(world, aggressor), _index(world, target)
    if a == t:
        raise FoedusError(f"a state cannot attack itself ({world.codes[a]})")
    inst = institution if institution is not None else Institution.in_world(ch, world, rng)
    if inst.charter.id != ch.id:
        raise FoedusError(f"institution is for charter {inst.charter.id!r}, not {ch.id!r}")
    if len(inst.codes) != world.n:
        raise FoedusError(f"institution was mapped onto a world of {len(inst.codes)} states, "
                          f"this one has {world.n}")
    # read the world as it is now (the model may have replaced these arrays)
    inst.alive, inst.affinity, inst.region = world.alive, world.affinity, world.region
    A, T = world.codes[a], world.codes[t]
    n = world.n
    cap0 = float(world.capability.sum())
    trace: list[TraceEntry] = []
    res = CrisisResult(aggressor=A, target=T, charter=ch.id, in_scope=False, determined=False,
                       vetoed=False, vetoed_by=[], ufp_session=False, obligation=0.0,
                       sanctions=False, force_authorised=False, peacekeeping=False, obligated=[],
                       contributors=[], sanctioners=[], aggressor_side=[], war=False,
                       aggressor_won=False, p_defender_win=float("nan"), effective=False,
                       capability_destroyed=0.0, capability_transferred=0.0, target_died=False,
                       trace=trace, credibility_after=cred, capability_before=cap0,
                       capability_after=cap0)

    # 1. Onset -------------------------------------------------------------------------------
    if not (world.alive[a] and world.alive[t]):
        dead = ", ".join(c for c, i in ((A, a), (T, t)) if not world.alive[i])
        trace.append(TraceEntry("onset", f"no crisis: {dead} no longer exist(s)", ""))
        return res
    claim = bool(rng.random() < float(beh.claim_probability)) if claims_self_defence is None \
        else bool(claims_self_defence)
    res.claimed_self_defence = claim
    trace.append(TraceEntry("onset", f"{A} attacks {T}"
                            + (" and claims self-defence" if claim else ""), ""))

    # 2. Scope and attribution ---------------------------------------------------------------
    scope = inst.in_scope(a, t)
    res.in_scope = scope
    sc = ch.scope
    if sc.coalitions == "institution" and sc.protects != "nobody":
        why = ("in scope" if scope else
               "not in scope: " + ("the target is not protected" if not inst.members[t] else
                                   "the aggressor is a member, and only outside attacks count"
                                   if sc.against == "outside" and inst.members[a] else
                                   "the target lies outside the treaty area"))
        trace.append(TraceEntry("scope", f"{why} ({sc.protects} protected against "
                                f"{sc.against} aggressor)", sc.article))
    else:
        trace.append(TraceEntry("scope", f"no institution ({ch.kind})", sc.article))
    rho = attribution_ambiguity(beh, claim)
    res.ambiguity = rho
    b = beliefs(rho, world.affinity[:, t], world.affinity[:, a], beh, rng)
    b[t], b[a] = 1.0, 0.0
    alive = world.alive.astype(bool)
    res.mean_belief = float(b[alive & (np.arange(n) != a) & (np.arange(n) != t)].mean()) \
        if alive.sum() > 2 else float("nan")
    trace.append(TraceEntry("attribution", f"ambiguity rho = {rho:.2f}; mean belief that {A} "
                            f"is the aggressor {res.mean_belief:.2f}", ""))
    res.veto_protected = inst.veto_protected(a, affinity_threshold=float(beh.protection_affinity))

    terms = response_terms(world, a, t, beh, b)
    util = vote_utility(b, world.affinity[:, t], world.affinity[:, a], terms["fear"], beh)
    cast = cast_votes(util, beh)
    for code in absent:
        cast[_index(world, code)] = "absent"

    # 3. Deliberation ------------------------------------------------------------------------
    outcomes: list[_StepOutcome] = []
    if scope and ch.procedure:
        outcomes = _deliberate(inst, world, a, t, cast, cred, res, trace)
    elif ch.procedure and not scope and sc.coalitions == "institution":
        trace.append(TraceEntry("deliberation", "the procedure does not apply", sc.article))

    ob = {"sanctions": 0.0, "force": 0.0, "determination": 0.0}
    binding = {"sanctions": False, "force": False}
    pk_ob = 0.0
    pk_adopted = False
    for o in outcomes:
        if o.status not in ("adopted", "automatic", "discretionary"):
            continue
        m = o.step.measure
        fam = ("sanctions" if m == "sanctions" else "force" if m == "force" else
               "determination" if m in _DETERMINATION else None)
        if m == "peacekeeping":
            pk_adopted, pk_ob = True, max(pk_ob, o.obligation)
        if fam is None:
            continue
        ob[fam] = max(ob[fam], o.obligation)
        if fam in binding and o.bindingness in ("binding", "automatic") and _universal(inst):
            binding[fam] = True
        if m == "force":
            res.force_authorised = True
    res.obligation = max(ob.values())
    share = float(beh.determination_share)
    ob_s = max(ob["sanctions"], share * ob["determination"])
    ob_f = max(ob["force"], share * ob["determination"])
    res.obligation_sanctions, res.obligation_force = ob_s, ob_f

    # 4. Response ----------------------------------------------------------------------------
    idx = np.arange(n)
    eligible = alive & (idx != a) & (idx != t)
    nonaligned = world.nonaligned.astype(bool)
    members = inst.members & eligible if scope else np.zeros(n, bool)
    cand_s = members & (ob_s > 0) & (~nonaligned | binding["sanctions"])
    cand_f = members & (ob_f > 0) & (~nonaligned | binding["force"])
    ob_vec_s = np.where(cand_s, ob_s, 0.0)
    ob_vec_f = np.where(cand_f, ob_f, 0.0)
    obligated = cand_s | cand_f
    res.obligated = _codes(world, obligated)
    sd = ch.self_defence
    benefit = terms["benefit"].copy()
    allies = np.zeros(n, bool)
    if sd.allowed and sd.collective:
        allies = eligible & ~nonaligned & (terms["pact"] > 0)
    balancers = np.zeros(n, bool)
    if sc.coalitions == "ad-hoc":
        balancers = _balancers(world, a, terms["proj"]) & eligible & ~nonaligned
        balancers &= (world.alliances[:, a] & OFFENCE) == 0
        benefit = benefit + float(beh.balancing_weight) * balancers
    cand_f = cand_f | allies | balancers
    noise_s = rng.normal(0.0, float(beh.response_noise), n)
    noise_f = rng.normal(0.0, float(beh.response_noise), n)
    at_t = terms["proj_at_target"]
    gamma = float(beh.gamma)
    e_a0 = float(at_t[a])
    e_t = float(at_t[t]) if sd.allowed else 0.0
    pool = float(world.capability[alive & (idx != a)].sum())
    eff = float(beh.sanction_effect)

    def p_sanction(total: float) -> float:
        shr = total / pool if pool > 0 else 0.0
        return contest_success(e_t, e_a0 * (1.0 - eff * shr), gamma)

    sanctioners = _decide(beh.decision_model, cand_s, benefit, ob_vec_s, terms["cost_sanction"],
                          noise_s, rng, world.capability.astype(float), p_sanction,
                          float(beh.coalition_stake))
    shr = float(world.capability[sanctioners].sum()) / pool if pool > 0 else 0.0
    e_a_own = e_a0 * (1.0 - eff * shr)

    def p_force(total: float) -> float:
        return contest_success(e_t + total, e_a_own, gamma)

    contributors = _decide(beh.decision_model, cand_f, benefit, ob_vec_f, terms["cost_force"],
                           noise_f, rng, at_t, p_force, float(beh.coalition_stake))
    allow_sides = sd.collective or sc.coalitions == "ad-hoc"
    join_noise = rng.normal(0.0, float(beh.response_noise), n)
    if allow_sides:
        lean = (world.affinity[:, a] - world.affinity[:, t]) / 2.0 + join_noise
        joiners = eligible & ~nonaligned & ~contributors & ~sanctioners & (
            ((world.alliances[:, a] & OFFENCE) > 0) | (lean > float(beh.join_aggressor)))
    else:
        joiners = np.zeros(n, bool)
    res.sanctioners = _codes(world, sanctioners)
    res.contributors = _codes(world, contributors)
    res.aggressor_side = [A, *_codes(world, joiners)]
    res.sanctions = bool(sanctioners.any())
    res.sanction_share = shr
    res.defenders = ([T] if sd.allowed else []) + res.contributors
    bits = [f"{len(res.obligated)} obligated", f"{len(res.sanctioners)} sanction",
            f"{len(res.contributors)} contribute force"]
    if allies.any():
        bits.append(f"{int(allies.sum())} allies of {T} may act in collective self-defence")
    if balancers.any():
        bits.append(f"{int(balancers.sum())} see {A} as the most threatening state "
                    "(ad-hoc balancing)")
    if joiners.any():
        bits.append(f"{int(joiners.sum())} join {A}")
    trace.append(TraceEntry("response", f"{beh.decision_model} model: " + ", ".join(bits)
                            + (f"; {T} defends itself" if sd.allowed else ""),
                            sd.article if sd.allowed else ""))

    # 5. War ---------------------------------------------------------------------------------
    e_a = e_a_own + float(at_t[joiners].sum())
    e_d = e_t + float(at_t[contributors].sum())
    res.strength_aggressor, res.strength_defenders = e_a, e_d
    side_a = joiners.copy()
    side_a[a] = True
    side_d = contributors.copy()
    side_d[t] = bool(sd.allowed)
    cap = world.capability.astype(float).copy()
    war = bool(side_d.any())
    res.war = war
    p_def = contest_success(e_d, e_a, gamma) if war else 0.0
    res.p_defender_win = p_def
    draw = float(rng.random())
    res.aggressor_won = not (war and draw < p_def)
    res.effective = bool((contributors.any() or sanctioners.any()) and e_d >= e_a)
    destroyed = 0.0
    if war:
        tot = e_a + e_d
        frac_a = float(beh.war_loss) * (e_d / tot if tot > 0 else 0.0)
        frac_d = float(beh.war_loss) * (e_a / tot if tot > 0 else 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            involve = np.where(cap > 0, np.minimum(1.0, at_t / np.where(cap > 0, cap, 1.0)), 0.0)
        loss = np.where(side_a, frac_a, 0.0) + np.where(side_d, frac_d, 0.0)
        lost = loss * involve * cap
        cap = cap - lost
        destroyed = float(lost.sum())
    transferred = 0.0
    cap_t_before = float(world.capability[t])
    if res.aggressor_won:
        take = float(beh.spoils) * cap[t]
        cap[t] -= take
        cap[a] += take
        transferred += take
        below_floor = cap[t] <= float(beh.viability_floor) * cap_t_before
        if below_floor and float(rng.random()) < float(beh.conquest_probability):
            rest = float(cap[t])
            cap[a] += rest
            cap[t] = 0.0
            transferred += rest
            world.alive[t] = False
            res.target_died = True
    world.capability[:] = cap
    res.capability_destroyed, res.capability_transferred = destroyed, transferred
    res.capability_after = float(world.capability.sum())
    if war:
        outcome = f"{A} wins" if res.aggressor_won else f"{T} and its defenders win"
        trace.append(TraceEntry(
            "war", f"strength {A} side {e_a:.4g} against {e_d:.4g} (sanctions cut {A}'s by "
            f"{100 * eff * shr:.0f}%); P(defenders win) = {p_def:.2f}; {outcome}; capability "
            f"destroyed {destroyed:.4g}, transferred {transferred:.4g}"
            + (f"; {T} ceases to exist" if res.target_died else ""),
            "contest success function (Tullock 1980; Hirshleifer 1989)"))
    else:
        trace.append(TraceEntry("war", f"{T} does not resist; {A} takes {transferred:.4g}"
                                + (f" and {T} ceases to exist" if res.target_died else ""), ""))

    # 6. Peacekeeping ------------------------------------------------------------------------
    if pk_adopted:
        _peacekeeping(world, inst, a, t, p_def, b, pk_ob, beh, rng, res, trace, eligible)

    # 7. Aftermath ---------------------------------------------------------------------------
    _aftermath(world, inst, a, t, cred, beh, rng, res, trace, obligated)
    return res


def _balancers(world: World, a: int, proj: FloatArray) -> BoolArray:
    """States for which ``a`` is the most threatening state (projected capability x hostility)."""
    threat = proj.T * (1.0 - world.affinity) / 2.0  # threat[j, k]: k's threat to j
    alive = world.alive.astype(bool)
    threat = np.where(alive[None, :], threat, -np.inf)
    np.fill_diagonal(threat, -np.inf)
    return np.asarray(np.argmax(threat, axis=1) == a, dtype=bool) & alive


def _deliberate(inst: Institution, world: World, a: int, t: int, cast: NDArray[np.str_],
                cred: float, res: CrisisResult, trace: list[TraceEntry]) -> list[_StepOutcome]:
    """Go through the procedure's steps in order; each leaves a trace entry."""
    ch = inst.charter
    ballots = _Ballots(inst, world, a, t)
    has_determination = any(s.measure == "determination" and s.body for s in ch.procedure)
    determined = False
    out: list[_StepOutcome] = []
    vetoed_by: list[str] = []
    for step in ch.procedure:
        if step.body is None:
            status = "automatic" if step.bindingness == "automatic" else "discretionary"
            w = BINDINGNESS_WEIGHT[step.bindingness] * cred
            text = (f"{step.measure}: automatic obligation on every member, no vote"
                    if status == "automatic" else
                    f"{step.measure}: each member takes such action as it deems necessary")
            trace.append(TraceEntry(step.id, text + f" (obligation {w:.2f})", step.article))
            out.append(_StepOutcome(step, status, step.bindingness, w))
            if step.measure == "determination" or (status == "automatic" and not has_determination):
                determined = True
            continue
        gated = step.measure in ("provisional-measures", "sanctions", "force")
        if gated and has_determination and not determined and _determination_before(ch, step):
            trace.append(TraceEntry(step.id, f"{step.measure}: not reached, no determination",
                                    step.article))
            out.append(_StepOutcome(step, "not-reached", step.bindingness, 0.0))
            continue
        question = step.question or "determination"
        dec, by_code = ballots.vote(step.body, question, cast, step.fallback is not None)
        res.votes[step.id] = by_code
        if dec is None:
            trace.append(TraceEntry(step.id, f"{step.measure}: failed, nobody present to vote",
                                    step.article))
            out.append(_StepOutcome(step, "failed", step.bindingness, 0.0))
            continue
        reason = ballots.rename(dec.reason)
        tally = f" [{dec.tally}]"
        adopted, bindingness = dec.adopted, str(step.bindingness)
        if dec.vetoed_by:
            res.vetoed = True
            vetoed_by += [ballots.back.get(c, c) for c in dec.vetoed_by]
        trace.append(TraceEntry(step.id, f"{step.measure}: {reason}{tally}", dec.article))
        if dec.fallback is not None and not adopted:
            adopted, bindingness = _fallback(inst, ballots, step, dec, cast, res, trace)
        w = BINDINGNESS_WEIGHT[bindingness] * cred if adopted else 0.0
        if step.measure == "consultation":
            w = 0.0
        out.append(_StepOutcome(step, "adopted" if adopted else "failed", bindingness, w, dec))
        if adopted and step.measure == "determination":
            determined = True
    res.determined = determined
    res.vetoed_by = list(dict.fromkeys(vetoed_by))
    res.steps = [{"id": o.step.id, "measure": o.step.measure, "status": o.status,
                  "bindingness": o.bindingness, "obligation": o.obligation,
                  "article": o.step.article} for o in out]
    return out


def _determination_before(ch: Charter, step: Step) -> bool:
    for s in ch.procedure:
        if s is step:
            return False
        if s.measure == "determination" and s.body:
            return True
    return False


def _fallback(inst: Institution, ballots: _Ballots, step: Step, dec: Decision,
              cast: NDArray[np.str_], res: CrisisResult,
              trace: list[TraceEntry]) -> tuple[bool, str]:
    """A vetoed step: Uniting for Peace (a recommendation session) or a veto override."""
    ch = inst.charter
    fb_out = dec.fallback
    assert fb_out is not None
    fb = next(f for f in ch.fallbacks if f.id == fb_out.fallback)
    convened = fb_out.convened
    trace.append(TraceEntry(step.id, ballots.rename(fb_out.reason), fb.article))
    if not convened and fb.effect == "recommendation-session":
        for route in fb.convene:
            if route.body == dec.body:
                continue
            sub, _ = ballots.vote(route.body, route.question, cast, False)
            if sub is not None and sub.adopted:
                convened = True
                trace.append(TraceEntry(step.id, f"{fb.name}: session convened by the "
                                        f"{ch.body(route.body).name}: {ballots.rename(sub.reason)}",
                                        sub.article))
                break
    if not convened:
        trace.append(TraceEntry(step.id, f"{fb.name}: not convened", fb.article))
        return False, step.bindingness
    res.fallback = fb.id
    if fb.effect == "recommendation-session":
        res.ufp_session = True
    sub, by_code = ballots.vote(fb.decides_body, fb.decides_question, cast, False)
    res.votes[f"{step.id}:{fb.id}"] = by_code
    if sub is None:
        trace.append(TraceEntry(step.id, f"{fb.name}: nobody present to vote", fb.article))
        return False, step.bindingness
    what = "overrides the veto" if fb.effect == "override" else "recommends measures"
    text = (f"{fb.name}: the {ch.body(fb.decides_body).name} {what} ({fb.bindingness}): "
            if sub.adopted else f"{fb.name}: the {ch.body(fb.decides_body).name} vote ")
    trace.append(TraceEntry(step.id, text + ballots.rename(sub.reason) + f" [{sub.tally}]",
                            sub.article))
    # the fallback's outcome binds as the fallback says (a recommendation session only
    # recommends), never more than the step itself would have
    bnd = min(fb.bindingness, step.bindingness, key=lambda k: BINDINGNESS_WEIGHT[k])
    return bool(sub.adopted), bnd


def _peacekeeping(world: World, inst: Institution, a: int, t: int, p_def: float,
                  b: FloatArray, pk_ob: float, beh: Behaviour, rng: np.random.Generator,
                  res: CrisisResult, trace: list[TraceEntry], eligible: BoolArray) -> None:
    """Deploy peacekeepers only with the consent of both parties (UNEF 1956 practice)."""
    u = np.array([float(beh.consent_bias) + float(beh.consent_weight) * (1.0 - 2.0 * (1 - p_def)),
                  float(beh.consent_bias) + float(beh.consent_weight) * (1.0 - 2.0 * p_def)])
    p = 1.0 / (1.0 + np.exp(-u))
    draws = rng.random(2)
    noise = rng.normal(0.0, float(beh.response_noise), world.n)
    both_alive = bool(world.alive[a] and world.alive[t])
    ca, ct = bool(draws[0] < p[0]) and both_alive, bool(draws[1] < p[1]) and both_alive
    res.consent_aggressor, res.consent_target = ca, ct
    art = next((s.article for s in inst.charter.procedure if s.measure == "peacekeeping"), "")
    if not (ca and ct):
        who = [c for c, ok in ((world.codes[a], ca), (world.codes[t], ct)) if not ok]
        trace.append(TraceEntry("peacekeeping", "authorised but not deployed: no consent from "
                                + ", ".join(who), art))
        return
    vol = eligible & inst.members & world.alive
    net = pk_ob + float(beh.norm_weight) * (b - 0.5) + noise - float(beh.peacekeeping_cost)
    keepers = vol & (net > 0)
    res.peacekeepers = _codes(world, keepers)
    res.peacekeeping = bool(keepers.any())
    res.peacekeeping_cost = float(beh.peacekeeping_cost) * int(keepers.sum())
    trace.append(TraceEntry("peacekeeping", (f"both parties consent; {int(keepers.sum())} "
                                             "states contribute peacekeepers (force in "
                                             "self-defence only)") if keepers.any() else
                            "both parties consent but nobody contributes", art))


def _aftermath(world: World, inst: Institution, a: int, t: int, cred: float, beh: Behaviour,
               rng: np.random.Generator, res: CrisisResult, trace: list[TraceEntry],
               obligated: BoolArray) -> None:
    """What the institution did (a credibility signal) and who may want to leave."""
    contributed = np.zeros(world.n, bool)
    for c in res.contributors + res.sanctioners:
        contributed[world.codes.index(c)] = True
    res.target_helped = bool(res.contributors or res.sanctioners)
    res.institution_acted = bool(res.in_scope and (res.determined or res.sanctions
                                                   or (contributed & obligated).any()))
    if obligated.any():
        res.compliance = float((contributed & obligated).sum() / obligated.sum())
    if res.in_scope:
        res.credibility_signal = res.compliance if res.compliance is not None else 0.0
        res.credibility_after = cred + float(beh.learning_rate) * (res.credibility_signal - cred)
    draws = rng.random(2)
    ch = inst.charter
    if ch.exit.withdrawal:
        T, A = world.codes[t], world.codes[a]
        if res.in_scope and not res.target_helped and world.alive[t] and \
                draws[0] < float(beh.exit_propensity):
            res.wants_exit.append(T)
            res.exit_reasons[T] = "failed: no member helped it"
        if inst.members[a] and res.sanctions and draws[1] < float(beh.exit_propensity):
            res.wants_exit.append(A)
            res.exit_reasons[A] = "sanctioned by the other members"
    sig = "n/a (not in scope)" if res.credibility_signal is None else \
        f"{res.credibility_signal:.2f}"
    trace.append(TraceEntry(
        "aftermath", f"institution acted: {res.institution_acted}; compliance signal {sig}; "
        f"credibility {cred:.2f} -> {res.credibility_after:.2f}"
        + (f"; wants to leave: {', '.join(res.wants_exit)}" if res.wants_exit else ""),
        ch.exit.article if res.wants_exit else ""))


__all__ = ["CrisisResult", "TraceEntry", "response_terms", "run_crisis"]
