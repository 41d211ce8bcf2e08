"""Deliberation: the charter's procedure, step by step, and the obligations it leaves.

Each step is either automatic or discretionary (no vote) or voted by a body; a determination
that fails stops the measures gated behind it, and a vetoed step may be rescued by the
charter's fallback (Uniting for Peace, a veto override). :func:`obligations` then summarises
how strongly the adopted steps oblige members to sanction, to fight and to keep the peace
(the rules are those of :mod:`foedus.engine.scope`, shared with the aggressor's forecast).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ...rules.charter import Charter, Step
from ...rules.voting import Decision
from .. import scope
from .ballots import Ballots
from .context import Crisis
from .result import TraceEntry

_GATED = ("provisional-measures", "sanctions", "force")


@dataclass
class StepOutcome:
    """How one step of the procedure went and how strongly it obliges members."""

    step: Step
    status: str  # adopted | failed | not-reached | automatic | discretionary | out-of-scope
    bindingness: str
    obligation: float
    decision: Decision | None = None


@dataclass
class Obligations:
    """What the adopted steps oblige members to (credibility included)."""

    sanctions: float = 0.0     # obligation to sanction (a determination's share carried over)
    force: float = 0.0         # obligation to contribute force (likewise)
    binding_sanctions: bool = False  # the sanctions obligation binds non-aligned members too
    binding_force: bool = False      # the force obligation binds non-aligned members too
    peacekeeping: bool = False       # peacekeeping was adopted
    peacekeeping_weight: float = 0.0  # the obligation to contribute peacekeepers


def deliberate(c: Crisis, cast: NDArray[np.str_], in_scope: bool) -> list[StepOutcome]:
    """The procedure's steps, if the crisis is in scope (else a trace line saying so)."""
    ch = c.charter
    if in_scope and ch.procedure:
        return _steps(c, cast)
    if ch.procedure and not in_scope and ch.scope.coalitions == "institution":
        c.trace.append(TraceEntry("deliberation", "the procedure does not apply",
                                  ch.scope.article))
    return []


def _steps(c: Crisis, cast: NDArray[np.str_]) -> list[StepOutcome]:
    """Go through the procedure's steps in order; each leaves a trace entry."""
    ch, res = c.charter, c.res
    ballots = Ballots(c.inst, c.world, c.a, c.t, tracing=c.tracing)
    has_determination = any(s.measure == "determination" and s.body for s in ch.procedure)
    determined = False
    out: list[StepOutcome] = []
    vetoed_by: list[str] = []
    for step in ch.procedure:
        if step.body is None:
            o = _unvoted(c, step)
            if step.measure == "determination" or (o.status == "automatic"
                                                   and not has_determination):
                determined = True
        elif step.measure in _GATED and has_determination and not determined \
                and _determination_before(ch, step):
            c.trace.append(TraceEntry(step.id, f"{step.measure}: not reached, no determination",
                                      step.article))
            o = StepOutcome(step, "not-reached", step.bindingness, 0.0)
        else:
            o = _voted(c, ballots, step, cast, vetoed_by)
            if o.status == "adopted" and step.measure == "determination":
                determined = True
        out.append(o)
    res.determined = determined
    res.vetoed_by = list(dict.fromkeys(vetoed_by))
    res.steps = [{"id": o.step.id, "measure": o.step.measure, "status": o.status,
                  "bindingness": o.bindingness, "obligation": o.obligation,
                  "article": o.step.article} for o in out]
    return out


def _unvoted(c: Crisis, step: Step) -> StepOutcome:
    """A step without a vote: an automatic obligation, or each member's own judgement."""
    status = "automatic" if step.bindingness == "automatic" else "discretionary"
    w = scope.weight(step.bindingness) * c.cred
    text = (f"{step.measure}: automatic obligation on every member, no vote"
            if status == "automatic" else
            f"{step.measure}: each member takes such action as it deems necessary")
    c.trace.append(TraceEntry(step.id, text + f" (obligation {w:.2f})", step.article))
    return StepOutcome(step, status, step.bindingness, w)


def _voted(c: Crisis, ballots: Ballots, step: Step, cast: NDArray[np.str_],
           vetoed_by: list[str]) -> StepOutcome:
    """A step a body votes on (a vetoed step may go to the charter's fallback)."""
    res = c.res
    assert step.body is not None
    question = step.question or "determination"
    dec, by_code = ballots.vote(step.body, question, cast, step.fallback is not None)
    res.votes[step.id] = by_code
    if dec is None:
        c.trace.append(TraceEntry(step.id, f"{step.measure}: failed, nobody present to vote",
                                  step.article))
        return StepOutcome(step, "failed", step.bindingness, 0.0)
    reason = ballots.rename(dec.reason)
    adopted, bindingness = dec.adopted, str(step.bindingness)
    if dec.vetoed_by:
        res.vetoed = True
        vetoed_by += [ballots.back.get(code, code) for code in dec.vetoed_by]
    c.trace.append(TraceEntry(step.id, f"{step.measure}: {reason} [{dec.tally}]", dec.article))
    if dec.fallback is not None and not adopted:
        adopted, bindingness = _fallback(c, ballots, step, dec, cast)
    w = scope.weight(bindingness) * c.cred if adopted else 0.0
    if step.measure == "consultation":
        w = 0.0
    return StepOutcome(step, "adopted" if adopted else "failed", bindingness, w, dec)


def _determination_before(ch: Charter, step: Step) -> bool:
    """Whether a voted determination comes before ``step`` in the procedure."""
    for s in ch.procedure:
        if s is step:
            return False
        if s.measure == "determination" and s.body:
            return True
    return False


def _fallback(c: Crisis, ballots: Ballots, step: Step, dec: Decision,
              cast: NDArray[np.str_]) -> tuple[bool, str]:
    """A vetoed step: Uniting for Peace (a recommendation session) or a veto override."""
    ch, res, trace = c.charter, c.res, c.trace
    fb_out = dec.fallback
    assert fb_out is not None
    fb = next(f for f in ch.fallbacks if f.id == fb_out.fallback)
    trace.append(TraceEntry(step.id, ballots.rename(fb_out.reason), fb.article))
    convened = fb_out.convened or (fb.effect == "recommendation-session"
                                   and _convene(c, ballots, step, dec, cast))
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
    return bool(sub.adopted), scope.rescued_bindingness(fb, step)


def _convene(c: Crisis, ballots: Ballots, step: Step, dec: Decision,
             cast: NDArray[np.str_]) -> bool:
    """Try each route that may convene a recommendation session (other bodies' votes)."""
    ch = c.charter
    assert dec.fallback is not None
    fb = next(f for f in ch.fallbacks if f.id == dec.fallback.fallback)
    for route in fb.convene:
        if route.body == dec.body:
            continue
        sub, _ = ballots.vote(route.body, route.question, cast, False)
        if sub is not None and sub.adopted:
            c.trace.append(TraceEntry(step.id, f"{fb.name}: session convened by the "
                                      f"{ch.body(route.body).name}: {ballots.rename(sub.reason)}",
                                      sub.article))
            return True
    return False


def obligations(c: Crisis, outcomes: list[StepOutcome]) -> Obligations:
    """How strongly the adopted steps oblige members (also recorded on the result)."""
    res = c.res
    fam = {"sanctions": 0.0, "force": 0.0, "determination": 0.0}
    binding = {"sanctions": False, "force": False}
    ob = Obligations()
    for o in outcomes:
        if o.status not in ("adopted", "automatic", "discretionary"):
            continue
        m = o.step.measure
        f = scope.family(m)
        if m == "peacekeeping":
            ob.peacekeeping, ob.peacekeeping_weight = True, max(ob.peacekeeping_weight,
                                                                o.obligation)
        if f is None:
            continue
        fam[f] = max(fam[f], o.obligation)
        if f in binding and scope.obliges_all(o.bindingness) and scope.universal(c.inst):
            binding[f] = True
        if m == "force":
            res.force_authorised = True
    res.obligation = max(fam.values())
    ob.sanctions, ob.force = scope.carried_over(fam, float(c.beh.determination_share))
    ob.binding_sanctions, ob.binding_force = binding["sanctions"], binding["force"]
    res.obligation_sanctions, res.obligation_force = ob.sanctions, ob.force
    return ob


__all__ = ["Obligations", "StepOutcome", "deliberate", "obligations"]
