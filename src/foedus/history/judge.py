"""Judge a case's non-vote events against the rules of a charter.

Each event (:class:`foedus.history.events.CaseEvent`) is set against the articles its charter
family has for it: the UN Charter's Art. 2(4), Art. 42 and Art. 51 (armed attack, report to the
Council, until the Council has taken measures), Art. 27 for a draft not voted on, Arts 24 and
39 for the Council's silence; the Covenant's Arts 10, 12 and 16 in the League; an alliance
treaty's self-defence article. The charter fields read are ``self_defence``, the bodies'
rules and the fallbacks; what the articles require is a small table here, keyed by the
charter's family (``family_root``), so that no charter field is needed for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..rules.charter import Charter, family_root
from ..rules.describe import describe_rule
from .case import Case, CaseDecision
from .events import DRAFT_KINDS, CaseEvent, event_problems

Problems = list[tuple[str, str]]

#: What each family's articles require, by event kind: (articles engaged, requirement).
RULES: dict[str, dict[str, tuple[str, str]]] = {
    "un": {
        "force": ("UN Charter Arts 2(4), 42, 51",
                  "Art. 2(4) forbids the use of force; the Charter's exceptions are force "
                  "authorised by the Security Council under Chapter VII (Art. 42, by "
                  "authorisation since no Art. 43 agreement was ever concluded) and "
                  "self-defence under Art. 51"),
        "self-defence": ("UN Charter Art. 51",
                         "the Art. 51 conditions: an armed attack, measures reported to the "
                         "Security Council immediately, and only until the Council has taken "
                         "the measures necessary to maintain international peace and security"),
        "regional": ("UN Charter Art. 53(1)",
                     "no enforcement action under regional arrangements or by regional "
                     "agencies without the authorisation of the Security Council"),
        "silence": ("UN Charter Arts 24(1), 39",
                    "the Council has primary responsibility (Art. 24(1)) and \"shall "
                    "determine\" any threat to the peace, breach of the peace or act of "
                    "aggression (Art. 39)"),
    },
    "league": {
        "force": ("Covenant Arts 10, 12, 16(1)",
                  "members respect and preserve each other's integrity against external "
                  "aggression (Art. 10); no resort to war before arbitration or a Council "
                  "report and three months after (Art. 12); resort to war in disregard of "
                  "Arts 12, 13 or 15 is ipso facto an act of war against all other members, "
                  "who undertake immediately to sever all trade and financial relations "
                  "(Art. 16(1)); the Covenant authorises no use of force"),
        "self-defence": ("Covenant Arts 10, 12",
                         "the Covenant has no self-defence article: a dispute likely to lead "
                         "to a rupture goes to arbitration or the Council (Art. 12), and the "
                         "members guarantee each other against external aggression (Art. 10)"),
        "silence": ("Covenant Art. 11",
                    "any war or threat of war is a matter of concern to the whole League; the "
                    "Secretary-General summons the Council at the request of any member"),
    },
}


@dataclass
class EventJudgement:
    """An event judged against a charter: the article it engages and what was required."""

    kind: str
    label: str
    date: dt.date
    end: dt.date | None
    title: str
    engages: str
    required: str
    findings: list[str] = field(default_factory=list)
    verdict: str = ""
    article_on_record: str = ""
    notes: str = ""
    uncertain: str = ""
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"kind": self.kind, "label": self.label, "date": self.date.isoformat(),
                "end": self.end.isoformat() if self.end else None, "title": self.title,
                "engages": self.engages, "required": self.required,
                "findings": self.findings, "verdict": self.verdict,
                "article_on_record": self.article_on_record, "notes": self.notes,
                "uncertain": self.uncertain, "sources": self.sources}


def family(charter: Charter) -> str:
    """The family whose article table applies: ``un``, ``league`` or ``alliance``."""
    root = family_root(charter)
    return "un" if root.startswith("un") else "league" if root.startswith("league") else (
        "alliance")


def _date(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


# ---------------------------------------------------------------------------------------------
# Checks


def check_events(case: Case, charter: Charter, outcomes: Mapping[str, str]) -> Problems:
    """Problems of the case's events against the case and its charter.

    ``outcomes`` maps each decision id (and draft symbol) to its recorded outcome.
    """
    problems: Problems = []
    known = {s.id for s in case.sources}
    bodies = {b.id: b for b in charter.bodies}
    for i, e in enumerate(case.events):
        path = f"events[{i}]"
        problems += event_problems(e, path)
        problems += [(f"{path}.sources[{k}]", f"unknown source {sid!r} (sources: "
                      f"{', '.join(sorted(known))})") for k, sid in enumerate(e.sources)
                     if sid not in known]
        if e.body is not None and e.body not in bodies:
            problems.append((f"{path}.body", f"charter {charter.id!r} has no body {e.body!r} "
                             f"(bodies: {', '.join(bodies)})"))
        elif e.body is not None and e.question is not None \
                and e.question not in bodies[e.body].rules:
            problems.append((f"{path}.question", f"body {e.body!r} of charter {charter.id!r} "
                             f"has no rule for {e.question!r} (rules: "
                             f"{', '.join(bodies[e.body].rules)})"))
        if e.authorised_by is not None:
            got = outcomes.get(e.authorised_by)
            if got is None:
                problems.append((f"{path}.authorised_by", f"{e.authorised_by!r} is not a "
                                 f"decision of this case (decisions: {', '.join(outcomes)})"))
            elif got != "adopted":
                problems.append((f"{path}.authorised_by", f"{e.authorised_by} was not "
                                 f"adopted (recorded {got}): it authorised nothing"))
        if e.pledged is not None and e.body in bodies and bodies[e.body].composition == "fixed":
            n = sum(x or 0 for x in (e.pledged.yes, e.pledged.no, e.pledged.abstain))
            if n > bodies[e.body].seats:
                problems.append((f"{path}.pledged", f"{n} votes pledged but the "
                                 f"{bodies[e.body].name} has {bodies[e.body].seats} seats"))
    return problems


# ---------------------------------------------------------------------------------------------
# Judgements


def judge_events(case: Case, charter: Charter) -> list[EventJudgement]:
    """Every event of ``case`` judged against ``charter``, in date order."""
    out = []
    for e in sorted(case.events, key=lambda x: x.date):
        if e.kind in DRAFT_KINDS:
            j = _judge_draft(charter, e)
        elif e.kind == "use-of-force":
            j = _judge_force(case, charter, e)
        elif e.kind == "silence":
            j = _judge_silence(case, charter, e)
        else:
            j = _judge_self_defence(case, charter, e)
        j.article_on_record, j.notes, j.uncertain = e.article, e.notes, e.uncertain
        j.sources = list(e.sources)
        out.append(j)
    return out


def _new(e: CaseEvent, engages: str, required: str) -> EventJudgement:
    return EventJudgement(e.kind, e.label, e.date, e.end, e.title, engages, required)


def _rule(charter: Charter, key: str) -> tuple[str, str]:
    fam = family(charter)
    if key in RULES.get(fam, {}):
        return RULES[fam][key]
    sd = charter.self_defence
    art = sd.article or "the treaty"
    return (art, f"{charter.name} authorises no use of force of its own; self-defence "
            f"({art}) {'is' if sd.allowed else 'is not'} allowed"
            + (", collectively" if sd.allowed and sd.collective else "")
            + (", until the body has taken measures" if sd.until == "body-acts" else ""))


def _judge_draft(charter: Charter, e: CaseEvent) -> EventJudgement:
    assert e.body is not None
    body = charter.body(e.body)
    what = "withdrawn before the vote" if e.kind == "draft-withdrawn" else "never put to the vote"
    if e.question is not None:
        rule = body.rules[e.question]
        text = describe_rule(rule)
        engages, required = rule.article, f"{body.name}, {e.question}: {text}"
    else:
        engages, required = body.article, f"a decision of the {body.name} needs a vote"
        rule = None
    j = _new(e, engages, required)
    j.findings.append(f"{what}: no decision of the {body.name}, nothing adopted or rejected")
    p = e.pledged
    if p is None:
        j.verdict = "no vote; no count of pledged votes is recorded"
        return j
    parts = [f"{n} {k}" for k, n in (("yes", p.yes), ("no", p.no), ("abstain", p.abstain))
             if n is not None]
    if parts:
        j.findings.append("pledged or announced: " + ", ".join(parts))
    need = rule.threshold if rule is not None and isinstance(rule.threshold, int) else None
    if need is not None and p.yes is not None:
        short = p.yes < need
        j.findings.append(f"{p.yes} pledged yes of the {need} required: "
                          + ("short of the votes" if short else "enough votes"))
    vetoes = [s for s in p.veto_threatened if s in body.permanent or any(
        h.holder == s for h in body.seat_holders)]
    if p.veto_threatened:
        if rule is not None and rule.veto == "none":
            j.findings.append(f"veto announced by {', '.join(p.veto_threatened)}, but under "
                              f"{charter.id} this rule has no veto: it would not block")
        else:
            j.findings.append(f"veto announced by {', '.join(p.veto_threatened)}: "
                              + ("a permanent member's no blocks" if vetoes else
                                 "not permanent members under this charter"))
    j.verdict = _draft_verdict(need, p, rule is not None and rule.veto != "none" and bool(vetoes))
    return j


def _draft_verdict(need: int | None, p: Any, vetoed: bool) -> str:
    short = need is not None and p.yes is not None and p.yes < need
    if short and vetoed:
        return "on the pledges it would have failed twice over: too few votes, and a veto"
    if short:
        return "on the pledges it would have failed for want of votes"
    if vetoed:
        return "on the pledges it would have been vetoed"
    return "the pledges recorded do not settle what a vote would have given"


def _adopted(case: Case, before: dt.date, measures: Sequence[str]) -> list[CaseDecision]:
    return [d for d in case.decisions if d.outcome == "adopted" and d.date <= before
            and d.measure in measures]


def _judge_force(case: Case, charter: Charter, e: CaseEvent) -> EventJudgement:
    engages, required = _rule(charter, "force")
    j = _new(e, engages, required)
    who = ", ".join(e.actors) + (f" ({e.organisation})" if e.organisation else "")
    against = f" against {', '.join(e.against)}" if e.against else ""
    j.findings.append(f"force used by {who}{against}")
    fam = family(charter)
    if e.authorised_by is not None:
        d = case.decision(e.authorised_by)
        j.findings.append(f"authorised by {d.id} ({_date(d.date)}, {d.article})")
        j.verdict = f"authorised: within the exception of {d.article}"
        return j
    if fam == "un":
        force = _adopted(case, e.date, ("force",))
        j.findings.append("no authorisation under Art. 42 in the record" + (
            f" (force was authorised only by {', '.join(d.id for d in force)}, for another "
            "purpose)" if force else ""))
        if e.organisation:
            eng, req = RULES["un"]["regional"]
            j.engages += f"; {eng}"
            j.findings.append(f"{e.organisation} acting: {req}")
    if e.justification in ("self-defence", "collective-self-defence"):
        sd_engages, sd_required = _rule(charter, "self-defence")
        j.findings.append(f"claimed as {e.justification.replace('-', ' ')}: judged under "
                          f"{sd_engages} ({sd_required})")
        j.findings.append(_reports_line(case, e))
        j.verdict = (f"use of force not authorised under Art. 42; it stands or falls with the "
                     f"self-defence claim ({sd_engages})" if fam == "un" else
                     f"not authorised; claimed as self-defence under {sd_engages}")
    elif fam == "un":
        j.verdict = ("use of force not authorised under Art. 42 and not claimed as "
                     f"self-defence under Art. 51 ({e.justification} claimed): neither of the "
                     "Charter's exceptions to Art. 2(4) is on the record")
        if e.justification == "none":
            j.verdict = j.verdict.replace(" (none claimed)", "")
    elif fam == "league":
        j.verdict = ("a resort to war engages Art. 16(1) if it disregards Arts 12, 13 or 15: "
                     "the finding is the Council's")
    else:
        j.verdict = f"{charter.name} does not authorise force; only self-defence is allowed"
    return j


def _reports_line(case: Case, e: CaseEvent) -> str:
    reports = [x for x in case.events if x.kind == "self-defence-report"
               and set(x.actors) & set(e.actors)]
    if not reports:
        return "report to the Council: none in the record"
    return "report to the Council: " + ", ".join(
        f"{r.report or r.label} ({_date(r.reported or r.date)})" for r in reports)


def _judge_self_defence(case: Case, charter: Charter, e: CaseEvent) -> EventJudgement:
    engages, required = _rule(charter, "self-defence")
    j = _new(e, engages, required)
    who = ", ".join(e.actors)
    j.findings.append(f"{'reported' if e.kind == 'self-defence-report' else 'claimed'} by "
                      f"{who}" + (f" against {', '.join(e.against)}" if e.against else ""))
    if family(charter) != "un":
        j.verdict = f"no Art. 51 in {charter.id}: {required}"
        return j
    missing: list[str] = []
    if e.armed_attack:
        j.findings.append(f"armed attack: {e.armed_attack}")
    else:
        missing.append("an armed attack")
        j.findings.append("armed attack: none stated in the record")
    reports = [x for x in case.events if x.kind == "self-defence-report"
               and set(x.actors) & set(e.actors)]
    if e.report or e.reported:
        day = f" on {_date(e.reported)}" if e.reported else ""
        j.findings.append(f"reported to the Council: {e.report or 'yes'}{day}")
    elif reports:
        r = reports[0]
        j.findings.append(f"reported to the Council: {r.report or r.label}"
                          + (f" on {_date(r.reported or r.date)}"))
    else:
        missing.append("a report to the Council")
        j.findings.append("reported to the Council: no report in the record")
    taken = _adopted(case, e.date, ("sanctions", "force", "provisional-measures"))
    if taken:
        j.findings.append("until the Council acts: it had taken measures before this day ("
                          + ", ".join(f"{d.id} of {_date(d.date)}" for d in taken)
                          + "); the right continues only until those measures suffice")
    else:
        j.findings.append(f"until the Council acts: no Council measures in the record by "
                          f"{_date(e.date)}")
    j.verdict = ("the conditions on the record are met as claimed (the Council does not "
                 "judge the claim here)" if not missing else
                 f"the Art. 51 conditions are not met on the record: {' and '.join(missing)} "
                 "missing")
    return j


def _judge_silence(case: Case, charter: Charter, e: CaseEvent) -> EventJudgement:
    engages, required = _rule(charter, "silence")
    j = _new(e, engages, required)
    assert e.body is not None
    body = charter.body(e.body)
    end = e.end or e.date
    during = [d for d in case.decisions if d.body == e.body and e.date <= d.date <= end]
    j.findings.append(f"the {body.name} took no decision on the matter from {_date(e.date)}"
                      + (f" to {_date(end)}" if end != e.date else "")
                      + (f" (votes in the period: {', '.join(d.id for d in during)})"
                         if during else ""))
    fb = charter.fallback_for(e.body)
    if fb is not None:
        j.findings.append(f"{fb.name} ({fb.article}) is the charter's fallback, but it is "
                          "convened after a veto or by a request, not by silence alone")
    j.verdict = (f"no {body.name} decision in the period: the responsibility it engages "
                 f"({engages}) was not exercised by a decision")
    return j


__all__ = ["RULES", "EventJudgement", "check_events", "family", "judge_events"]
