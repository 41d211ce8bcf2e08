"""The record of a decision: the seats on the day, the ballot as cast, and its checks.

:func:`recorded_ballot` turns a decision's recorded votes (with the attendance record and
the holders of the permanent seats on the day) into the ballot the evaluator reads;
:func:`check_case` checks a whole case against its charter before anything is replayed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._errors import FoedusError, UnknownNameError
from ..rules.charter import Body, Charter
from ..rules.voting import Decision, Vote, evaluate_vote
from .case import Case, CaseDecision
from .judge import check_events

_TALLY_PARTS = re.compile(r"^\s*(\d+|\?)\s*[-–—]\s*(\d+|\?)(?:\s*[-–—]\s*(\d+|\?))?\s*$")
KINDS = ("yes", "no", "abstain")


def parse_tally_parts(text: str) -> tuple[int | None, int | None, int | None]:
    """``"48–11–?"`` -> (48, 11, None): a ``?`` part is unknown; ``"9–0–1"`` -> (9, 0, 1)."""
    m = _TALLY_PARTS.match(text)
    if not m:
        raise ValueError(f"tally {text!r} is not of the form for–against–abstain (e.g. 9–0–1, "
                         "or 48–11–? with a part unknown)")
    parts = [m.group(1), m.group(2), m.group(3) or "0"]
    return tuple(None if x == "?" else int(x) for x in parts)  # type: ignore[return-value]


def unknown_kinds(decision: CaseDecision) -> tuple[str, ...]:
    """The parts of ``decision``'s recorded tally that are unknown (``?``): yes, no, abstain."""
    if decision.tally is None:
        return ()
    try:
        parts = parse_tally_parts(decision.tally)
    except ValueError:
        return ()
    return tuple(k for k, n in zip(KINDS, parts, strict=True) if n is None)


def _seat_map(body: Body, on: dt.date) -> dict[str, str]:
    """Permanent seat name -> holder on ``on``, where they differ (CHN -> TAW in 1950)."""
    return {s: body.holder(s, on) for s in body.permanent if body.holder(s, on) != s}


def charter_on_day(charter: Charter, case: Case, decision: CaseDecision) -> Charter:
    """The charter with the body compositions the case records for ``decision``'s day."""
    bodies = []
    members: list[str] | None = None
    for b in charter.bodies:
        cb = case.body(b.id)
        update: dict[str, Any] = {}
        if cb is not None and b.composition == "fixed":
            on = cb.date or decision.date
            holders = [b.holder(s, on) for s in b.permanent]
            if cb.permanent is not None and sorted(cb.permanent) != sorted(holders):
                update["permanent"] = list(cb.permanent)
                update["seat_holders"] = []
            if cb.elected is not None:
                update["elected"] = len(cb.elected)
            elif cb.size is not None:  # the number of seats, elected members not named
                perm = cb.permanent if cb.permanent is not None else b.permanent
                update["elected"] = max(0, cb.size - len(perm))
        if cb is not None and cb.members is not None:
            members = list(cb.members)
        if b.id == decision.body and decision.seated and b.composition == "fixed":
            update["elected"] = update.get("elected", b.elected) + len(decision.seated)
        bodies.append(b.model_copy(update=update) if update else b)
    update_ch: dict[str, Any] = {"bodies": bodies}
    if members is not None:
        update_ch["membership"] = charter.membership.model_copy(update={"members": members})
    return charter.model_copy(update=update_ch)


def seat_holders(case: Case, charter: Charter, decision: CaseDecision) -> list[str] | None:
    """The states holding seats of a fixed body for ``decision`` (None if not all are known)."""
    b = charter.body(decision.body)
    if b.composition != "fixed":
        cb = case.body(b.id)
        if cb is not None and cb.members is not None:
            return list(cb.members)
        m = charter.membership.members
        return list(m) if isinstance(m, list) else None
    cb = case.body(b.id)
    on = (cb.date if cb and cb.date else None) or decision.date
    perm = list(cb.permanent) if cb and cb.permanent is not None else [
        b.holder(s, on) for s in b.permanent]
    if cb is None or cb.elected is None:
        return None
    return perm + list(cb.elected) + list(decision.seated)


def seat_name_on_day(code: str, charter: Charter, decision: CaseDecision) -> str:
    """Map a permanent seat's name to its holder on the day (CHN -> TAW on 25 June 1950)."""
    try:
        b = charter.body(decision.body)
    except UnknownNameError:
        return code
    return _seat_map(b, decision.date).get(code, code) if b.composition == "fixed" else code


@dataclass
class Ballot:
    """The votes of one decision as they go to the evaluator."""

    votes: dict[str, Vote]
    counts: dict[str, int]
    not_participating: list[str] = field(default_factory=list)
    defaulted: dict[str, str] = field(default_factory=dict)  # state -> why (attendance)
    unknown_kinds: tuple[str, ...] = ()  # parts of the tally recorded as "?"
    unknown: list[str] = field(default_factory=list)  # seat holders whose vote is unknown
    unknown_count: int | None = 0  # votes not accounted for (None: the body's size unknown)

    def named(self, kind: Vote) -> list[str]:
        return [s for s, v in self.votes.items() if v is kind]

    def tally(self) -> tuple[int, int, int]:
        return (len(self.named(Vote.YES)) + self.counts.get("yes", 0),
                len(self.named(Vote.NO)) + self.counts.get("no", 0),
                len(self.named(Vote.ABSTAIN)) + self.counts.get("abstain", 0))


def recorded_ballot(case: Case, charter: Charter, decision: CaseDecision) -> Ballot:
    """The recorded votes of ``decision``, with attendance defaults applied."""
    votes: dict[str, Vote] = {}
    for kind, names in ((Vote.YES, decision.yes), (Vote.NO, decision.no),
                        (Vote.ABSTAIN, decision.abstain), (Vote.ABSENT, decision.absent),
                        (Vote.ABSENT, decision.not_participating)):
        for name in names:
            code = seat_name_on_day(name, charter, decision)
            if code in votes:
                raise FoedusError(f"{code} has two votes in decision {decision.id!r} "
                                  f"({votes[code].value} and {kind.value})")
            votes[code] = kind
    np_ = [seat_name_on_day(s, charter, decision) for s in decision.not_participating]
    defaulted: dict[str, str] = {}
    for a in case.attendance:
        if a.body != decision.body:
            continue
        if (a.start and decision.date < a.start) or (a.end and decision.date > a.end):
            continue
        for s in a.states:
            code = seat_name_on_day(s, charter, decision)
            if code not in votes:
                votes[code] = Vote.ABSENT
                defaulted[code] = a.note or f"{a.status} ({a.start or ''}–{a.end or ''})"
                if a.status == "not-participating":
                    np_.append(code)
    counts = {k: v for k, v in decision.counts.model_dump().items() if v}
    ballot = Ballot(votes, counts, np_, defaulted)
    kinds = unknown_kinds(decision)
    if kinds:
        ballot.unknown_kinds = kinds
        _unaccounted(case, charter, decision, ballot)
    return ballot


def _unaccounted(case: Case, charter: Charter, decision: CaseDecision, ballot: Ballot) -> None:
    """Fill in the seats or members whose vote the tally leaves unknown."""
    holders = seat_holders(case, charter, decision)
    n = len(ballot.votes) + sum(ballot.counts.values())
    b = charter.body(decision.body)
    if b.composition == "fixed" and holders is not None and not ballot.counts:
        ballot.unknown = [s for s in holders if s not in ballot.votes]
        ballot.unknown_count = len(ballot.unknown)
        return
    if b.composition == "fixed":
        b = charter_on_day(charter, case, decision).body(decision.body)
    size: int | None = len(holders) if holders is not None else (
        b.seats if b.composition == "fixed"
        else _seats_of(case, charter, decision))
    ballot.unknown_count = None if size is None else max(0, size - n)


def completions(ballot: Ballot) -> list[tuple[str, Ballot]]:
    """The recorded ballot completed each way the unknown part of its tally allows.

    Every vote not accounted for goes, all together, to one unknown part of the tally or to
    absence: the extreme cases of a rule in which more yes votes never hurt and more no
    votes never help. Empty when the size of the body is not known.
    """
    if ballot.unknown_count is None:
        return []
    words = {"yes": Vote.YES, "no": Vote.NO, "abstain": Vote.ABSTAIN, "absent": Vote.ABSENT}
    out = []
    for kind in (*ballot.unknown_kinds, "absent"):
        votes = dict(ballot.votes)
        counts = dict(ballot.counts)
        if ballot.unknown:
            votes.update({s: words[kind] for s in ballot.unknown})
        elif ballot.unknown_count:
            counts[kind] = counts.get(kind, 0) + ballot.unknown_count
        out.append((kind, Ballot(votes, counts, list(ballot.not_participating),
                                 dict(ballot.defaulted))))
    return out


Problems = list[tuple[str, str]]


def check_case(case: Case, charter: Charter) -> Problems:
    """Problems of a case against its charter, as (field path, message) pairs."""
    problems: Problems = []
    if len({s.id for s in case.sources}) != len(case.sources):
        problems.append(("sources", "two sources share an id"))
    outcomes = {d.id: d.outcome for d in case.decisions}
    outcomes.update({d.draft: d.outcome for d in case.decisions if d.draft})
    problems += check_events(case, charter, outcomes)
    problems += _check_bodies(case, charter)
    problems += _check_attendance(case, charter)
    for i, f in enumerate(case.followed):
        problems += _unknown_sources(case, f"followed[{i}]", f.sources)
    seen: list[str] = []
    for i, d in enumerate(case.decisions):
        problems += _check_decision(case, charter, d, f"decisions[{i}]", seen)
        seen.append(d.id)
    problems += _check_alignments(case)
    return problems


def _unknown_sources(case: Case, path: str, ids: Iterable[str]) -> Problems:
    known = {s.id for s in case.sources}
    return [(f"{path}.sources[{k}]", f"unknown source {sid!r} (sources: "
             f"{', '.join(sorted(known))})") for k, sid in enumerate(ids) if sid not in known]


def _no_body(charter: Charter, body: str) -> str:
    return (f"charter {charter.id!r} has no body {body!r} (bodies: "
            f"{', '.join(b.id for b in charter.bodies)})")


def _check_bodies(case: Case, charter: Charter) -> Problems:
    problems: Problems = []
    body_ids = [b.id for b in charter.bodies]
    for i, cb in enumerate(case.bodies):
        path = f"bodies[{i}]"
        problems += _unknown_sources(case, path, cb.sources)
        if cb.id not in body_ids:
            problems.append((f"{path}.id", _no_body(charter, cb.id)))
            continue
        b = charter.body(cb.id)
        if b.composition == "fixed" and (cb.members is not None or (
                cb.size is not None and cb.elected is not None)):
            problems.append((path, f"body {cb.id!r} has fixed seats: give permanent and "
                             "elected (or size, when the elected members are not known by "
                             "name), not members"))
        if b.composition == "all-members" and (cb.permanent is not None
                                               or cb.elected is not None):
            problems.append((path, f"body {cb.id!r} is an all-members body: give members or "
                             "size, not permanent or elected"))
        both = set(cb.permanent or ()) & set(cb.elected or ())
        if both:
            problems.append((path, f"{', '.join(sorted(both))} listed as both permanent "
                             "and elected"))
    if len({b.id for b in case.bodies}) != len(case.bodies):
        problems.append(("bodies", "a body is listed twice"))
    return problems


def _check_attendance(case: Case, charter: Charter) -> Problems:
    problems: Problems = []
    for i, a in enumerate(case.attendance):
        problems += _unknown_sources(case, f"attendance[{i}]", a.sources)
        if a.body not in [b.id for b in charter.bodies]:
            problems.append((f"attendance[{i}].body", _no_body(charter, a.body)))
    return problems


def _check_order(d: CaseDecision, path: str, seen: Sequence[str]) -> Problems:
    problems: Problems = []
    earlier = ", ".join(seen) or "none"
    if d.id in seen:
        problems.append((f"{path}.id", f"decision id {d.id!r} is used twice"))
    for k, dep in enumerate(d.depends_on):
        if dep not in seen:
            problems.append((f"{path}.depends_on[{k}]", f"{dep!r} is not an earlier "
                             f"decision (earlier: {earlier})"))
    if d.fallback_for is not None and d.fallback_for not in seen:
        problems.append((f"{path}.fallback_for", f"{d.fallback_for!r} is not an earlier "
                         f"decision (earlier: {earlier})"))
    return problems


def _check_decision(case: Case, charter: Charter, d: CaseDecision, path: str,
                    seen: Sequence[str]) -> Problems:
    problems = _unknown_sources(case, path, d.sources) + _check_order(d, path, seen)
    if d.body not in [b.id for b in charter.bodies]:
        return [*problems, (f"{path}.body", _no_body(charter, d.body))]
    b = charter.body(d.body)
    if d.question not in b.rules:
        return [*problems, (f"{path}.question", f"body {d.body!r} of charter {charter.id!r} has no "
                               f"rule for {d.question!r} (rules: {', '.join(b.rules)})")]
    try:
        ballot = recorded_ballot(case, charter, d)
    except FoedusError as exc:
        return [*problems, (path, str(exc))]
    problems += _check_tally(d, ballot, path)
    problems += _check_seats(case, charter, d, ballot, path)
    problems += _check_vetoes(charter, d, ballot, path)
    if not problems_for(path, problems):
        try:
            evaluate_ballot(case, charter, d, ballot)
        except FoedusError as exc:
            problems.append((path, str(exc)))
    return problems


def _check_tally(d: CaseDecision, ballot: Ballot, path: str) -> Problems:
    if d.tally is None:
        return []
    try:
        parts = parse_tally_parts(d.tally)
    except ValueError as exc:
        return [(f"{path}.tally", str(exc))]
    got = ballot.tally()
    if None in parts:
        bad = [f"{k} {w} recorded, {g} given" for k, w, g in zip(KINDS, parts, got, strict=True)
               if w is not None and w != g]
        return [(f"{path}.tally", f"the known parts of tally {d.tally} do not match the votes "
                 f"given ({'; '.join(bad)})")] if bad else []
    want = tuple(x or 0 for x in parts)
    if got == want:
        return []
    return [(f"{path}.tally", "recorded tally {} does not match the votes given ({}: yes {}, "
             "no {}, abstain {})".format("–".join(map(str, want)), "–".join(map(str, got)),
                                         *got))]


def _check_seats(case: Case, charter: Charter, d: CaseDecision, ballot: Ballot,
                 path: str) -> Problems:
    b = charter_on_day(charter, case, d).body(d.body)
    n_anon = sum(ballot.counts.values())
    n_votes = len(ballot.votes) + n_anon
    holders = seat_holders(case, charter, d)
    problems: Problems = []
    if b.composition == "fixed":
        seats = len(holders) if holders is not None else b.seats
        if holders is not None:
            stray = [s for s in ballot.votes if s not in holders]
            if stray:
                problems.append((path, f"{', '.join(stray)} did not hold a seat on the "
                                 f"{b.name} on {d.date} (seats: {', '.join(holders)})"))
            missing = [s for s in holders if s not in ballot.votes]
            if len(missing) > n_anon and not ballot.unknown_kinds:
                problems.append((path, f"no vote recorded for {', '.join(missing)} (list "
                                 "them as absent or not_participating if they did not vote)"))
        if n_votes > seats:
            problems.append((path, f"{n_votes} votes given but the {b.name} had {seats} "
                             "seats"))
        return problems
    if holders is not None:
        stray = [s for s in ballot.votes if s not in holders]
        if stray:
            problems.append((path, f"{', '.join(stray)} not a member of the {b.name} "
                             f"on {d.date}"))
    cbd = case.body(b.id)
    size = d.seats or (cbd.size if cbd else None) or (len(holders) if holders else None)
    if size is not None and n_votes > size:
        problems.append((path, f"{n_votes} votes given but the {b.name} had {size} members"))
    return problems


def _check_vetoes(charter: Charter, d: CaseDecision, ballot: Ballot, path: str) -> Problems:
    if not d.vetoed_by:
        return []
    not_no = [s for s in d.vetoed_by if ballot.votes.get(seat_name_on_day(s, charter, d))
              not in (Vote.NO, Vote.ABSTAIN, Vote.ABSENT)]
    return [(f"{path}.vetoed_by", f"{', '.join(not_no)} did not vote no")] if not_no else []


def _check_alignments(case: Case) -> Problems:
    named = {s for d in case.decisions
             for s in (*d.yes, *d.no, *d.abstain, *d.absent, *d.not_participating)}
    named |= {*case.parties.aggressor, *case.parties.target}
    return [("alignments", f"{state} casts no named vote in this case")
            for state in case.alignments if state not in named]


def problems_for(path: str, problems: Sequence[tuple[str, str]]) -> list[str]:
    """The messages of ``problems`` under ``path``."""
    return [m for p, m in problems if p == path or p.startswith(path + ".")]


def _seats_of(case: Case, charter: Charter, decision: CaseDecision) -> int | None:
    b = charter.body(decision.body)
    if b.composition == "fixed":
        return None
    if decision.seats is not None:
        return decision.seats
    cb = case.body(b.id)
    return cb.size if cb is not None else None


def evaluate_ballot(case: Case, charter: Charter, decision: CaseDecision, ballot: Ballot,
              *, with_fallback: bool = True) -> Decision:
    ch = charter_on_day(charter, case, decision)
    p = decision.parties or case.parties
    return evaluate_vote(
        ch, decision.body, decision.question,
        yes=ballot.named(Vote.YES), no=ballot.named(Vote.NO),
        abstain=ballot.named(Vote.ABSTAIN), absent=ballot.named(Vote.ABSENT),
        counts=ballot.counts or None, parties=[*p.aggressor, *p.target, *p.others],
        aggressor=p.aggressor[0] if p.aggressor else None,
        on=decision.date, seats=_seats_of(case, charter, decision), with_fallback=with_fallback)


__all__ = [
    "Ballot",
    "Problems",
    "charter_on_day",
    "check_case",
    "completions",
    "evaluate_ballot",
    "parse_tally_parts",
    "problems_for",
    "recorded_ballot",
    "seat_holders",
    "seat_name_on_day",
    "unknown_kinds",
]
