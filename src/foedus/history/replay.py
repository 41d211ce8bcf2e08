"""Replay a case through the rules, and ask "what if".

:func:`replay` runs each recorded vote through the charter's decision rule with
:func:`foedus.evaluate_vote` and sets the computed outcome beside the recorded one;
counterfactual changes (``"S/RES/82:RUS=no"``, another charter) re-run the same record and
report which decisions flip and what the procedure does next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from .._errors import FoedusError, InputError, UnknownNameError
from .._toml import read_toml, validation_problems
from ..rules.charter import Body, Charter, load_charter, reform_onto
from ..rules.describe import describe_rule
from ..rules.states import resolve_state
from ..rules.voting import Decision, Vote
from .case import VOTE_WORDS, Case, CaseDecision, CaseModel
from .judge import EventJudgement, judge_events
from .library import load_case
from .record import (
    Ballot,
    charter_on_day,
    completions,
    evaluate_ballot,
    recorded_ballot,
    seat_holders,
    seat_name_on_day,
)


@dataclass(frozen=True)
class VoteChange:
    """One counterfactual change: ``decision`` ("*" for every decision), ``state``, ``vote``."""

    decision: str
    state: str
    vote: Vote
    note: str = ""

    def __str__(self) -> str:
        return f"{self.decision}:{self.state}={self.vote.value}"


def parse_change(text: str) -> list[VoteChange]:
    """Parse ``"S/RES/82:RUS=no"`` (or ``"*:RUS=no"``, ``"S/RES/83:EGY,IND=yes"``)."""
    where, sep, rest = text.rpartition(":")
    if not sep or "=" not in rest or not where.strip():
        raise InputError("--set", [("", f"{text!r} is not DECISION:STATE=VOTE (e.g. "
                                    "S/RES/82:RUS=no)")])
    who, _, what = rest.partition("=")
    word = what.strip().casefold()
    if word not in VOTE_WORDS:
        raise InputError("--set", [("", f"{text!r}: vote {what.strip()!r} is not one of "
                                    "yes, no, abstain, absent")])
    states = [s.strip() for s in who.split(",") if s.strip()]
    if not states:
        raise InputError("--set", [("", f"{text!r} names no state")])
    return [VoteChange(where.strip(), resolve_state(s), VOTE_WORDS[word]) for s in states]


class _WhatIfVote(CaseModel):
    decision: str
    state: str | None = None
    states: list[str] = Field(default_factory=list)
    vote: Literal["yes", "no", "abstain", "absent", "not-participating"]
    note: str = ""


class WhatIf(CaseModel):
    """A what-if file: vote changes and/or another charter."""

    title: str = ""
    note: str = ""
    charter: str | None = None
    set: list[str] = Field(default_factory=list, description='Changes as "S/RES/82:RUS=no".')
    votes: list[_WhatIfVote] = Field(default_factory=list)

    def changes(self) -> list[VoteChange]:
        out: list[VoteChange] = []
        for s in self.set:
            out.extend(parse_change(s))
        for v in self.votes:
            for st in [*([v.state] if v.state else []), *v.states]:
                out.append(VoteChange(v.decision, resolve_state(st), VOTE_WORDS[v.vote], v.note))
        return out


def load_what_if(path: str | Path) -> WhatIf:
    """Read a what-if TOML file (see docs/cases.md)."""
    p = Path(path)
    data = read_toml(p)
    try:
        w = WhatIf.model_validate(data)
        w.changes()
    except ValidationError as exc:
        raise InputError(str(p), validation_problems(exc)) from None
    except FoedusError as exc:
        raise InputError(str(p), [("set", str(exc))]) from None
    if w.charter and not Path(w.charter).is_absolute() and w.charter.endswith(".toml"):
        w = w.model_copy(update={"charter": str(p.parent / w.charter)})
    return w


def _apply(case: Case, charter: Charter, decision: CaseDecision, ballot: Ballot,
           changes: Sequence[VoteChange]) -> tuple[Ballot, list[str]]:
    votes = dict(ballot.votes)
    applied: list[str] = []
    np_ = list(ballot.not_participating)
    for c in changes:
        if c.decision not in ("*", decision.id, decision.draft or decision.id):
            continue
        code = seat_name_on_day(c.state, charter, decision)
        if code not in votes and code not in ballot.unknown:
            holders = seat_holders(case, charter, decision)
            b = charter.body(decision.body)
            if c.decision == "*":
                continue
            if b.composition == "fixed" or holders is None or code not in holders:
                where = (f"did not sit on the {b.name}" if b.composition == "fixed"
                         else "has no vote on record by name (the record gives only a tally)")
                raise FoedusError(f"cannot change {code}'s vote on {decision.id}: {code} {where}")
        old = votes.get(code, Vote.ABSENT)
        if old is not c.vote:
            applied.append(f"{code}: {old.value} → {c.vote.value}")
        votes[code] = c.vote
        if code in np_:
            np_.remove(code)
    out = Ballot(votes, dict(ballot.counts), np_, dict(ballot.defaulted), ballot.unknown_kinds,
                 [s for s in ballot.unknown if s not in votes], ballot.unknown_count)
    if ballot.unknown:
        out.unknown_count = len(out.unknown)
    return out, applied


# ---------------------------------------------------------------------------------------------
# Replay


@dataclass
class DecisionReplay:
    """One decision replayed: the votes, the rule applied, computed and recorded outcomes."""

    id: str
    document: str
    date: dt.date
    body: str
    body_name: str
    question: str
    title: str
    votes: dict[str, str]
    counts: dict[str, int]
    not_participating: list[str]
    rule: str
    article: str
    recorded_article: str
    decision: Decision
    computed: str
    recorded: str
    recorded_tally: str | None
    recorded_vetoed_by: list[str] | None
    agree: bool
    disagreement: str | None
    decided: str
    measure: str | None
    bindingness: str | None
    notes: str
    uncertain: str
    sources: list[str]
    changes: list[str] = field(default_factory=list)
    attendance: dict[str, str] = field(default_factory=dict)  # state -> why absent (table)
    baseline: str | None = None      # outcome with the recorded votes under the case's charter
    flipped: bool = False            # computed outcome differs from the record
    status: str = "as-recorded"      # as-recorded | flipped | unnecessary | unreached | disagrees
    next: list[str] = field(default_factory=list)  # | undetermined
    unknown: str = ""                # the unknown part of the tally, and what it leaves open

    @property
    def determined(self) -> bool:
        """Whether the computed outcome is settled (no unknown part of the tally decides it)."""
        return self.computed != "undetermined"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "id": self.id, "document": self.document, "date": self.date.isoformat(),
            "body": self.body, "body_name": self.body_name, "question": self.question,
            "title": self.title, "votes": self.votes, "counts": self.counts,
            "not_participating": self.not_participating, "rule": self.rule,
            "article": self.article, "recorded_article": self.recorded_article,
            "computed": self.computed, "recorded": self.recorded,
            "recorded_tally": self.recorded_tally, "recorded_vetoed_by": self.recorded_vetoed_by,
            "agree": self.agree, "disagreement": self.disagreement, "decided": self.decided,
            "measure": self.measure, "bindingness": self.bindingness, "notes": self.notes,
            "uncertain": self.uncertain, "sources": self.sources, "changes": self.changes,
            "attendance": self.attendance,
            "baseline": self.baseline, "flipped": self.flipped, "status": self.status,
            "next": self.next, "decision": self.decision.to_dict(),
            "unknown": self.unknown, "determined": self.determined,
        }


@dataclass
class Replay:
    """A case replayed through a charter's rules (factual or counterfactual)."""

    case: Case
    charter: str
    charter_name: str
    counterfactual: bool
    changes: list[str]
    decisions: list[DecisionReplay]
    notes: list[str] = field(default_factory=list)
    events: list[EventJudgement] = field(default_factory=list)

    @property
    def all_agree(self) -> bool:
        """Whether every computed outcome equals the recorded one."""
        return all(d.agree for d in self.decisions)

    @property
    def flipped(self) -> list[str]:
        """Ids of the decisions whose computed outcome differs from the record."""
        return [d.id for d in self.decisions if d.flipped]

    @property
    def disagreements(self) -> list[DecisionReplay]:
        """Decisions where the rules, given the recorded votes, disagree with the record."""
        return [d for d in self.decisions if not d.agree]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        c = self.case
        return {
            "case": c.id, "title": c.title, "years": c.years, "source": c.source,
            "charter": self.charter, "charter_name": self.charter_name,
            "case_charter": c.charter, "counterfactual": self.counterfactual,
            "changes": self.changes, "all_agree": self.all_agree, "flipped": self.flipped,
            "notes": self.notes, "decisions": [d.to_dict() for d in self.decisions],
            "events": [e.to_dict() for e in self.events],
            "followed": [f.model_dump(mode="json") for f in c.followed],
        }


def _rule_text(charter: Charter, decision: CaseDecision) -> tuple[str, str]:
    b = charter.body(decision.body)
    rule = b.rules[decision.question]
    text = describe_rule(rule)
    if isinstance(rule.threshold, int) and b.composition == "fixed":
        text = text.replace(f"{rule.threshold} votes", f"{rule.threshold} of {b.seats} seats", 1)
    return f"{b.name}, {decision.question}: {text}", rule.article


def _step_for(charter: Charter, decision: CaseDecision) -> Any:
    for s in charter.procedure:
        if s.measure == decision.measure and s.body in (decision.body, None):
            return s
    return None


def _no_fallback_text(charter: Charter, body: Body) -> str:
    sd = charter.self_defence
    tail = (f"; members may still act in {'collective ' if sd.collective else ''}self-defence "
            f"({sd.article})" if sd.allowed and sd.article else "")
    return f"no fallback in {charter.id}: the {body.name} stays blocked{tail}"


def replay(case: str | Path | Case, *, changes: Iterable[str | VoteChange] | None = None,
           charter: str | Path | Charter | None = None,
           what_if: str | Path | WhatIf | None = None) -> Replay:
    """Replay ``case`` through its charter's rules; with ``changes`` or ``charter``, ask what if.

    ``changes`` are strings like ``"S/RES/82:RUS=no"`` (votes or attendance: yes, no, abstain,
    absent) or :class:`VoteChange` objects; ``charter`` replaces the case's charter (the
    composition on the day is kept, the rules are the new charter's); ``what_if`` is a what-if
    file or object adding both.
    """
    c = load_case(case)
    base = c.load_charter()
    parsed = [p for ch in changes or () for p in (parse_change(ch) if isinstance(ch, str)
                                                  else [ch])]
    notes: list[str] = []
    if what_if is not None:
        w = what_if if isinstance(what_if, WhatIf) else load_what_if(what_if)
        parsed.extend(w.changes())
        if w.charter and charter is None:
            charter = w.charter
        if w.title or w.note:
            notes.append(" ".join(x for x in (w.title, w.note) if x))
    _check_change_ids(c, parsed)
    new = load_charter(charter) if charter is not None else base
    counterfactual = bool(parsed) or (charter is not None and new.id != base.id)
    if counterfactual and new.id != base.id:
        new, fit_notes = charter_for_case(c, base, new)
        notes += fit_notes
    if parsed:
        star = any(p.decision == "*" for p in parsed)
        notes.append("changes: " + ", ".join(str(p) for p in parsed)
                     + (" (* = every decision where the state votes)" if star else ""))
    results: list[DecisionReplay] = []
    by_id: dict[str, DecisionReplay] = {}
    for d in c.decisions:
        r = _replay_decision(c, base, new if counterfactual else base, d, parsed, counterfactual)
        r.next = _next_steps(c, new if counterfactual else base, d, r, by_id, counterfactual)
        results.append(r)
        by_id[d.id] = r
    rules = new if counterfactual else base
    return Replay(c, new.id, new.name, counterfactual, [str(p) for p in parsed], results, notes,
                  judge_events(c, rules))


def _check_change_ids(c: Case, parsed: Sequence[VoteChange]) -> None:
    ids = {d.id for d in c.decisions} | {d.draft for d in c.decisions if d.draft}
    for p in parsed:
        if p.decision != "*" and p.decision not in ids:
            raise UnknownNameError(f"decision of case {c.id!r}", p.decision,
                                   [d.id for d in c.decisions])


def charter_for_case(c: Case, base: Charter, new: Charter) -> tuple[Charter, list[str]]:
    """The charter to replay ``c`` under instead of ``base``, and notes on how it was chosen.

    A charter whose bodies fit the seats of the day is used as it is. A reform (``reform =
    true``) whose Council does not fit is laid over the case's own charter, the one of its era
    (:func:`foedus.rules.charter.reform_onto`): a no-veto Council of 1950 keeps 7 of 11. Any
    other charter that does not fit is refused, naming the charters that do.
    """
    _check_bodies_and_rules(c, new)
    if not _misfits(c, base, new):
        return new, []
    if new.reform:
        try:
            onto = reform_onto(new, base)
        except FoedusError:
            onto = None
        if onto is not None and not _misfits(c, base, onto):
            return onto, [f"{new.id} is a reform of {new.lineage[0]}; laid over {base.id}, the "
                          f"charter of the day, it changes what the reform changes and keeps "
                          f"{base.id}'s seats and votes ({_seats_text(base, c)})"]
    raise FoedusError(f"charter {new.id!r} does not fit the bodies of case {c.id!r}: "
                      f"{'; '.join(_misfits(c, base, new))}. Give a charter of that era "
                      f"({', '.join(_fitting(c, base)) or base.id}), or a reform "
                      "(reform = true) that can be laid over it")


def _check_bodies_and_rules(c: Case, new: Charter) -> None:
    for d in c.decisions:
        if d.body not in [b.id for b in new.bodies]:
            raise FoedusError(f"charter {new.id!r} has no body {d.body!r} (used by "
                              f"decision {d.id}); bodies: "
                              f"{', '.join(b.id for b in new.bodies)}")
        if d.question not in new.body(d.body).rules:
            raise FoedusError(f"body {d.body!r} of charter {new.id!r} has no rule for "
                              f"{d.question!r} (decision {d.id}); rules: "
                              f"{', '.join(new.body(d.body).rules)}")


def _misfits(c: Case, base: Charter, new: Charter) -> list[str]:
    """Why the fixed bodies of ``new`` do not fit the seats the case's votes were cast in."""
    out: list[str] = []
    for body_id in dict.fromkeys(d.body for d in c.decisions):
        ob, nb = base.body(body_id), new.body(body_id)
        if ob.composition == "fixed" and (nb.composition != "fixed" or nb.seats != ob.seats):
            out.append(f"its {nb.name} has {nb.seats or 'all members as'} seats, the "
                       f"{ob.name} of the case had {ob.seats} ({base.id})")
    return out


def _seats_text(base: Charter, c: Case) -> str:
    fixed = [base.body(b) for b in dict.fromkeys(d.body for d in c.decisions)
             if base.body(b).composition == "fixed"]
    return ", ".join(f"{b.name} of {b.seats}" for b in fixed) or "all-members bodies"


def _fitting(c: Case, base: Charter) -> list[str]:
    from ..rules.charter import builtin_charters, family_root

    return [ch.id for ch in builtin_charters() if family_root(ch) == family_root(base)
            and not ch.reform and all(b.id in [x.id for x in ch.bodies] for b in base.bodies)
            and not _misfits(c, base, ch)]


def _replay_decision(c: Case, base: Charter, rule_charter: Charter, d: CaseDecision,
                     parsed: Sequence[VoteChange], counterfactual: bool) -> DecisionReplay:
    ballot = recorded_ballot(c, base, d)
    base_dec = evaluate_ballot(c, base, d, ballot)
    if counterfactual:
        cf_ballot, applied = _apply(c, base, d, ballot, parsed)
        dec = evaluate_ballot(c, rule_charter, d, cf_ballot)
    else:
        cf_ballot, applied, dec = ballot, [], base_dec
    rule, article = _rule_text(charter_on_day(rule_charter, c, d), d)
    computed, unknown = _with_unknowns(c, rule_charter, d, cf_ballot, dec)
    agree, disagreement = _agreement(d, dec) if computed != "undetermined" else (True, None)
    r = DecisionReplay(
        id=d.id, document=d.document, date=d.date, body=d.body,
        body_name=rule_charter.body(d.body).name, question=d.question, title=d.title,
        votes={s: v.value for s, v in cf_ballot.votes.items()}, counts=dict(cf_ballot.counts),
        not_participating=list(cf_ballot.not_participating), rule=rule, article=article,
        recorded_article=d.article, decision=dec, computed=computed, recorded=d.outcome,
        recorded_tally=d.tally, recorded_vetoed_by=d.vetoed_by, agree=agree,
        disagreement=disagreement, decided=d.decided, measure=d.measure,
        bindingness=d.bindingness, notes=d.notes, uncertain=d.uncertain,
        sources=list(d.sources), changes=applied,
        attendance={s: why for s, why in cf_ballot.defaulted.items()
                    if cf_ballot.votes.get(s) is Vote.ABSENT},
        baseline=base_dec.outcome, unknown=unknown,
        flipped=counterfactual and computed not in (d.outcome, "undetermined"))
    r.status = ("flipped" if r.flipped else "as-recorded") if counterfactual else (
        "as-recorded" if agree else "disagrees")
    if computed == "undetermined":
        r.status = "undetermined"
    return r


def _with_unknowns(c: Case, charter: Charter, d: CaseDecision, ballot: Ballot,
                   dec: Decision) -> tuple[str, str]:
    """The outcome given the unknown part of the tally, and a line saying what it leaves open.

    With no unknown part, the evaluator's outcome. Otherwise the outcome if every completion
    of the tally (:func:`foedus.history.record.completions`) gives the same one, else
    ``"undetermined"``: such a decision is shown, not scored.
    """
    if not ballot.unknown_kinds:
        return dec.outcome, ""
    parts = " and ".join(ballot.unknown_kinds)
    who = (f" ({', '.join(ballot.unknown)})" if ballot.unknown else "")
    n = ballot.unknown_count
    noun = "parts" if len(ballot.unknown_kinds) > 1 else "part"
    verb = "are" if len(ballot.unknown_kinds) > 1 else "is"
    head = (f"the {parts} {noun} of the tally {d.tally} {verb} unknown; "
            + (f"{n} vote(s) not accounted for{who}" if n is not None
               else "the size of the body is not known"))
    outs = {kind: evaluate_ballot(c, charter, d, b).outcome for kind, b in completions(ballot)}
    if outs and len(set(outs.values())) == 1:
        return next(iter(outs.values())), f"{head}: {next(iter(outs.values()))} however they voted"
    if not outs:
        return "undetermined", f"{head}: the outcome cannot be computed (not scored)"
    how = ", ".join(f"{o} if {k}" for k, o in outs.items())
    return "undetermined", f"{head}: the outcome depends on them ({how}); not scored"


def _agreement(d: CaseDecision, dec: Decision) -> tuple[bool, str | None]:
    """Whether the computed decision agrees with the record, and why not."""
    if dec.outcome != d.outcome:
        return False, f"recorded {d.outcome} but the rules compute {dec.outcome}: {dec.reason}"
    if d.vetoed_by is not None and set(d.vetoed_by) != set(dec.vetoed_by):
        return False, (f"recorded vetoes {', '.join(d.vetoed_by) or 'none'} but the rules "
                       f"find {', '.join(dec.vetoed_by) or 'none'}")
    return True, None


def _fallback_name(case: Case, d: CaseDecision, prior_body: str) -> str:
    if d.fallback:
        return d.fallback
    fb = case.load_charter().fallback_for(prior_body)
    return fb.name if fb is not None else "the fallback"


def _next_steps(case: Case, charter: Charter, d: CaseDecision, r: DecisionReplay,
                earlier: Mapping[str, DecisionReplay], counterfactual: bool) -> list[str]:
    """What the procedure does next after this decision; sets ``r.status`` accordingly."""
    out: list[str] = []
    dec = r.decision
    body = charter.body(d.body)
    if d.fallback_for is not None and d.fallback_for in earlier:
        prior = earlier[d.fallback_for]
        name = _fallback_name(case, d, prior.body)
        if prior.computed == "adopted":
            out.append(f"{name} then unnecessary: {prior.id} is adopted, so the "
                       f"{prior.body_name} has acted itself")
            if counterfactual:
                r.status = "unnecessary"
        else:
            why = (f"vetoed by {', '.join(prior.decision.vetoed_by)}"
                   if prior.decision.vetoed_by else "not adopted")
            out.append(f"{name}: convened because {prior.id} was {why}")
    for dep in d.depends_on:
        dep_r = earlier.get(dep)
        if dep_r is None:
            continue
        if dep_r.status == "unnecessary":
            out.append(f"builds on {dep}, which would then be unnecessary: the session this "
                       "vote belongs to would not have been needed")
            if counterfactual:
                r.status = "unnecessary"
            continue
        if (dep_r.computed == "failed" and dep_r.recorded == "adopted") or \
                dep_r.status == "unreached":
            what = "now fails" if dep_r.computed == "failed" else "is no longer reached"
            out.append(f"builds on {dep}, which {what}: not reached as recorded (the "
                       "outcome shown is computed with this decision's recorded votes)")
            if counterfactual and r.status != "unnecessary":
                r.status = "unreached"
    if r.determined and not dec.adopted and dec.vetoed_by:
        if dec.fallback is not None:
            out.append(dec.fallback.reason)
        else:
            out.append(_no_fallback_text(charter, body))
        used = [x for x in case.decisions if x.fallback_for in (d.id, d.draft or d.id)]
        if used:
            names = sorted({_fallback_name(case, x, d.body) for x in used})
            out.append(f"in the record, {' and '.join(names)} came next: "
                       + ", ".join(x.id for x in used))
    if counterfactual and r.flipped:
        step = _step_for(charter, d)
        if dec.adopted:
            how = (f"; under {charter.id} its {step.id} step is {step.bindingness} "
                   f"({step.article})" if step is not None else "")
            out.append(f"now adopted where the record says failed{how}")
        else:
            out.append("now fails where the record says adopted")
    return out


__all__ = [
    "DecisionReplay",
    "Replay",
    "VoteChange",
    "WhatIf",
    "charter_for_case",
    "load_what_if",
    "parse_change",
    "replay",
]
