"""The historical case library: replay the record through the rules, and ask "what if".

A case file (TOML, documented in ``docs/cases.md``) records, with sources, the bodies as they
sat on the day (permanent seat holders, elected members, attendance), the parties, the votes as
cast and the decisions as recorded, and what followed. :func:`replay` runs each recorded vote
through the charter's decision rule with :func:`foedus.evaluate_vote` and sets the computed
outcome beside the recorded one; counterfactual changes (``"S/RES/82:RUS=no"``, another
charter) re-run the same record and report which decisions flip and what the procedure does
next. :func:`predict` asks the behavioural model to predict each member's vote from a coarse,
sourced alignment table and scores it against the record.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from .._errors import FoedusError, InputError, UnknownNameError
from ..rules.charter import Bindingness, Body, Charter, load_charter, read_toml, validation_problems
from ..rules.describe import describe_rule
from ..rules.states import is_state, resolve_state
from ..rules.voting import Decision, Vote, evaluate_vote

# ---------------------------------------------------------------------------------------------
# Schema

#: Coarse alignment of a member with the parties -> (affinity to target, affinity to aggressor).
#: A proxy for the affinity scores (Signorino-Ritter S) the behavioural model uses elsewhere.
ALIGNMENTS: dict[str, tuple[float, float]] = {
    "target": (1.0, -1.0),
    "ally-of-target": (0.8, -0.6),
    "leans-target": (0.4, -0.2),
    "non-aligned": (0.0, 0.0),
    "leans-aggressor": (-0.2, 0.4),
    "ally-of-aggressor": (-0.6, 0.8),
    "aggressor": (-1.0, 1.0),
}

Alignment = Literal["target", "ally-of-target", "leans-target", "non-aligned", "leans-aggressor",
                    "ally-of-aggressor", "aggressor"]
CaseMeasure = Literal["consultation", "determination", "provisional-measures", "sanctions",
                      "force", "peacekeeping", "convening", "inquiry", "report", "other"]
VOTE_WORDS: dict[str, Vote] = {
    "yes": Vote.YES, "no": Vote.NO, "abstain": Vote.ABSTAIN, "absent": Vote.ABSENT,
    "np": Vote.ABSENT, "not-participating": Vote.ABSENT,
}
_TALLY = re.compile(r"^\s*(\d+)\s*[-–—]\s*(\d+)(?:\s*[-–—]\s*(\d+))?\s*$")


def _state_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of states, got {value!r}")
    out: list[str] = []
    for s in value:
        if not isinstance(s, str) or not is_state(s):
            raise ValueError(f"unknown state {s!r} (use a COW abbreviation such as USA, RUS, "
                             "UKG, or an alias; see `foedus states`)")
        code = resolve_state(s)
        if code in out:
            raise ValueError(f"{code} is listed twice")
        out.append(code)
    return out


States = Annotated[list[str], BeforeValidator(_state_list)]


def _state_keys(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    out: dict[str, Any] = {}
    for k, val in v.items():
        if not is_state(k):
            raise ValueError(f"unknown state {k!r} (use a COW abbreviation; see `foedus states`)")
        out[resolve_state(k)] = val
    return out


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """A source cited by the case: an id (as in rules_and_cases.md) and the full reference."""

    id: str = Field(description="Short id cited by decisions (e.g. K1).")
    ref: str = Field(description="Full reference: author, title, publisher or address, date.")
    checked: bool = Field(True, description="False when the fact is uncertain (⚠).")
    note: str = ""


class Parties(_Model):
    """The parties to the dispute."""

    aggressor: States = Field(default_factory=list, description="The state(s) accused.")
    target: States = Field(default_factory=list, description="The state(s) attacked.")
    others: States = Field(default_factory=list, description="Other parties to the dispute.")
    self_defence_claim: bool = Field(False, description="The accused claimed self-defence.")
    note: str = ""


class CaseBody(_Model):
    """A body as it sat on the day: overrides the charter's composition."""

    id: str = Field(description="Body id in the charter (council, assembly).")
    date: dt.date | None = Field(None, description="Day of this composition (default: the day "
                                 "of each decision).")
    permanent: States | None = Field(None, description="States holding the permanent seats on "
                                     "the day (TAW in China's seat in 1950).")
    elected: States | None = Field(None, description="Elected members holding seats.")
    members: States | None = Field(None, description="Members of an all-members body on the "
                                   "day (NATO's 19 allies in 2001).")
    size: int | None = Field(None, ge=1, description="Number of members of an all-members body "
                             "with universal membership on the day (UN: 60 in 1950).")
    note: str = ""
    uncertain: str = Field("", description="Why this composition is uncertain (⚠), if it is.")
    sources: list[str] = Field(default_factory=list)


class Attendance(_Model):
    """States absent from (or not participating in) a body's votes over a period."""

    body: str
    states: States
    status: Literal["absent", "not-participating"] = "absent"
    start: dt.date | None = None
    end: dt.date | None = Field(None, description="Last day absent (inclusive).")
    note: str = ""
    sources: list[str] = Field(default_factory=list)


class Counts(_Model):
    """Anonymous votes, for tallies recorded without names."""

    yes: int = Field(0, ge=0)
    no: int = Field(0, ge=0)
    abstain: int = Field(0, ge=0)
    absent: int = Field(0, ge=0)


class CaseDecision(_Model):
    """One recorded vote: who voted how, what was recorded and under which article."""

    id: str = Field(description="Document symbol (S/RES/82) or a short id; used by --set.")
    date: dt.date
    body: str = Field(description="Body id of the charter.")
    question: str = Field(description="Kind of rule: a key of the body's rules (procedural, "
                          "determination, measures, report, ...).")
    title: str = Field(description="What was put to the vote.")
    draft: str = Field("", description="Draft symbol (S/1501), if different from id.")
    yes: States = Field(default_factory=list)
    no: States = Field(default_factory=list)
    abstain: States = Field(default_factory=list)
    absent: States = Field(default_factory=list)
    not_participating: States = Field(default_factory=list, description="Present but not "
                                      "participating; counted as absent.")
    seated: States = Field(default_factory=list, description="States sitting for this vote "
                           "only (Covenant Art. 4(5): a party invited to sit as a member).")
    counts: Counts = Field(default_factory=Counts)
    seats: int | None = Field(None, ge=1, description="Size of an all-members body on the day.")
    tally: str | None = Field(None, description='Recorded tally "for–against–abstain"; must '
                              "match the votes given.")
    outcome: Literal["adopted", "failed"] = Field(description="Recorded outcome.")
    vetoed_by: States | None = Field(None, description="Recorded vetoes (checked by replay).")
    decided: str = Field("", description="What was decided (or would have been).")
    measure: CaseMeasure | None = None
    bindingness: Bindingness | None = None
    article: str = Field(description="The article that governed the decision, as recorded.")
    yes_means: Literal["act", "relent", "neutral"] = Field(
        "act", description='"act": a yes vote acts against the accused; "relent": it eases '
        'pressure on the accused (lifting sanctions); "neutral": neither (an inquiry the '
        "accused itself proposed), not scored by predict.")
    fallback_for: str | None = Field(None, description="This vote convened a fallback after "
                                     "the decision with this id was vetoed.")
    fallback: str = Field("", description="Name of that fallback (Uniting for Peace).")
    depends_on: list[str] = Field(default_factory=list, description="Decisions this one builds "
                                  "on.")
    parties: Parties | None = Field(None, description="Parties of this decision, when they "
                                    "differ from the case's (a second episode).")
    alignments: dict[str, Alignment] = Field(default_factory=dict, description="Alignments "
                                             "for this decision, overriding the case's.")

    @field_validator("alignments", mode="before")
    @classmethod
    def _align_keys(cls, v: Any) -> Any:
        return _state_keys(v)
    notes: str = ""
    uncertain: str = Field("", description="What in this record is uncertain (⚠), if anything.")
    sources: list[str] = Field(default_factory=list)

    @property
    def document(self) -> str:
        """The symbol with its draft: ``S/RES/82 (S/1501)``."""
        return f"{self.id} ({self.draft})" if self.draft and self.draft != self.id else self.id


class Followed(_Model):
    """A narrative item: what followed (or preceded) the recorded votes."""

    date: dt.date | None = None
    when: str = Field("", description="A period when no single date fits (Oct–Nov 1935).")
    text: str
    article: str = ""
    uncertain: str = ""
    sources: list[str] = Field(default_factory=list)


class Case(_Model):
    """A historical case. Build one with :func:`load_case`."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    summary: str
    years: list[int] = Field(min_length=1, max_length=2, description="[first] or [first, last].")
    charter: str = Field(description="Built-in charter id or path it is replayed under.")
    sources: list[Source] = Field(min_length=1)
    parties: Parties
    bodies: list[CaseBody] = Field(default_factory=list)
    attendance: list[Attendance] = Field(default_factory=list)
    decisions: list[CaseDecision] = Field(min_length=1)
    followed: list[Followed] = Field(default_factory=list)
    alignments: dict[str, Alignment] = Field(default_factory=dict, description="Each voter's "
                                             "coarse alignment with the parties (for predict).")
    alignment_note: str = Field("", description="How the alignments were coded, with sources.")
    fear: dict[str, float] = Field(default_factory=dict, description="Fear of the accused per "
                                   "member in [0, 1] (default 0).")
    ambiguity: float | None = Field(None, ge=0, le=1, description="Ambiguity about who the "
                                    "aggressor was (default: the behaviour's).")
    notes: str = ""

    _source: str = PrivateAttr("")
    _base_dir: Path | None = PrivateAttr(None)

    @field_validator("alignments", "fear", mode="before")
    @classmethod
    def _keys(cls, v: Any) -> Any:
        return _state_keys(v)

    @field_validator("fear")
    @classmethod
    def _fear(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k, x in v.items() if not 0 <= x <= 1]
        if bad:
            raise ValueError(f"fear must lie in [0, 1] (check {', '.join(bad)})")
        return v

    @property
    def source(self) -> str:
        """Where the case was read from (built-in id or file path)."""
        return self._source or self.id

    @property
    def period(self) -> str:
        """``"1931–1933"`` or ``"1950"``."""
        return "–".join(str(y) for y in self.years)

    def decision(self, ident: str) -> CaseDecision:
        """The decision with id ``ident`` (a document symbol), or an error listing them."""
        for d in self.decisions:
            if d.id == ident or (d.draft and d.draft == ident):
                return d
        raise UnknownNameError(f"decision of case {self.id!r}", ident,
                               [d.id for d in self.decisions])

    def body(self, body_id: str) -> CaseBody | None:
        """The composition override of ``body_id``, if the case gives one."""
        return next((b for b in self.bodies if b.id == body_id), None)

    def charter_ref(self) -> str | Path:
        """The charter reference, resolving a relative path against the case file."""
        ref = self.charter
        if self._base_dir is not None and (ref.endswith(".toml") or "/" in ref):
            p = Path(ref)
            if not p.is_absolute():
                return self._base_dir / p
        return ref

    def load_charter(self) -> Charter:
        """The charter the case is replayed under."""
        return load_charter(self.charter_ref())


# ---------------------------------------------------------------------------------------------
# Loading and validation


def _builtin_dir() -> Any:
    return resources.files("foedus.history").joinpath("cases")


def builtin_case_ids() -> list[str]:
    """Ids of the cases shipped with foedus."""
    return sorted(p.name.removesuffix(".toml") for p in _builtin_dir().iterdir()
                  if p.name.endswith(".toml"))


def parse_tally(text: str) -> tuple[int, int, int]:
    """``"9–0–1"`` -> (9, 0, 1); ``"42–1"`` -> (42, 1, 0)."""
    m = _TALLY.match(text)
    if not m:
        raise ValueError(f"tally {text!r} is not of the form for–against–abstain (e.g. 9–0–1)")
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def case_from_dict(data: dict[str, Any], source: str = "<dict>",
                   base_dir: Path | None = None) -> Case:
    """Validate a case given as a dictionary (as read from TOML), then against its charter."""
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, [(f, m.replace("docs/charters.md", "docs/cases.md"))
                                  for f, m in validation_problems(exc)]) from None
    case._source = source
    case._base_dir = base_dir
    try:
        charter = case.load_charter()
    except FoedusError as exc:
        raise InputError(source, [("charter", str(exc))]) from None
    problems = check_case(case, charter)
    if problems:
        raise InputError(source, problems)
    return case


@cache
def _load_builtin(case_id: str) -> Case:
    text = _builtin_dir().joinpath(f"{case_id}.toml").read_text(encoding="utf-8")
    return case_from_dict(tomllib.loads(text), source=f"built-in case {case_id}")


def load_case(ref: str | Path | Case) -> Case:
    """Load a case by built-in id (``korea-1950``) or from a TOML file path."""
    if isinstance(ref, Case):
        return ref
    text = str(ref)
    if text in builtin_case_ids():
        return _load_builtin(text)
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        return case_from_dict(read_toml(path), source=str(path), base_dir=path.parent)
    raise UnknownNameError("case", text, builtin_case_ids(), hint="; or give a .toml file")


def builtin_cases() -> list[Case]:
    """Every built-in case, loaded and validated."""
    return [load_case(c) for c in builtin_case_ids()]


# --- composition on the day -------------------------------------------------------------------


def _seat_map(body: Body, on: dt.date) -> dict[str, str]:
    """Permanent seat name -> holder on ``on``, where they differ (CHN -> TAW in 1950)."""
    return {s: body.holder(s, on) for s in body.permanent if body.holder(s, on) != s}


def _on_day(charter: Charter, case: Case, decision: CaseDecision) -> Charter:
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


def _normalise(code: str, charter: Charter, decision: CaseDecision) -> str:
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
            code = _normalise(name, charter, decision)
            if code in votes:
                raise FoedusError(f"{code} has two votes in decision {decision.id!r} "
                                  f"({votes[code].value} and {kind.value})")
            votes[code] = kind
    np_ = [_normalise(s, charter, decision) for s in decision.not_participating]
    defaulted: dict[str, str] = {}
    for a in case.attendance:
        if a.body != decision.body:
            continue
        if (a.start and decision.date < a.start) or (a.end and decision.date > a.end):
            continue
        for s in a.states:
            code = _normalise(s, charter, decision)
            if code not in votes:
                votes[code] = Vote.ABSENT
                defaulted[code] = a.note or f"{a.status} ({a.start or ''}–{a.end or ''})"
                if a.status == "not-participating":
                    np_.append(code)
    counts = {k: v for k, v in decision.counts.model_dump().items() if v}
    return Ballot(votes, counts, np_, defaulted)


def check_case(case: Case, charter: Charter) -> list[tuple[str, str]]:
    """Problems of a case against its charter, as (field path, message) pairs."""
    problems: list[tuple[str, str]] = []
    body_ids = [b.id for b in charter.bodies]
    source_ids = {s.id for s in case.sources}

    def src(path: str, ids: Iterable[str]) -> None:
        for k, sid in enumerate(ids):
            if sid not in source_ids:
                problems.append((f"{path}.sources[{k}]", f"unknown source {sid!r} (sources: "
                                 f"{', '.join(sorted(source_ids))})"))

    if len(source_ids) != len(case.sources):
        problems.append(("sources", "two sources share an id"))
    for i, cb in enumerate(case.bodies):
        path = f"bodies[{i}]"
        src(path, cb.sources)
        if cb.id not in body_ids:
            problems.append((f"{path}.id", f"charter {charter.id!r} has no body {cb.id!r} "
                             f"(bodies: {', '.join(body_ids)})"))
            continue
        b = charter.body(cb.id)
        if b.composition == "fixed" and (cb.members is not None or cb.size is not None):
            problems.append((path, f"body {cb.id!r} has fixed seats: give permanent and "
                             "elected, not members or size"))
        if b.composition == "all-members" and (cb.permanent is not None
                                               or cb.elected is not None):
            problems.append((path, f"body {cb.id!r} is an all-members body: give members or "
                             "size, not permanent or elected"))
        if cb.permanent is not None and cb.elected is not None:
            both = set(cb.permanent) & set(cb.elected)
            if both:
                problems.append((path, f"{', '.join(sorted(both))} listed as both permanent "
                                 "and elected"))
    if len({b.id for b in case.bodies}) != len(case.bodies):
        problems.append(("bodies", "a body is listed twice"))
    for i, a in enumerate(case.attendance):
        src(f"attendance[{i}]", a.sources)
        if a.body not in body_ids:
            problems.append((f"attendance[{i}].body", f"charter {charter.id!r} has no body "
                             f"{a.body!r} (bodies: {', '.join(body_ids)})"))
    for i, f in enumerate(case.followed):
        src(f"followed[{i}]", f.sources)

    seen: list[str] = []
    for i, d in enumerate(case.decisions):
        path = f"decisions[{i}]"
        src(path, d.sources)
        if d.id in seen:
            problems.append((f"{path}.id", f"decision id {d.id!r} is used twice"))
        for k, dep in enumerate(d.depends_on):
            if dep not in seen:
                problems.append((f"{path}.depends_on[{k}]", f"{dep!r} is not an earlier "
                                 f"decision (earlier: {', '.join(seen) or 'none'})"))
        if d.fallback_for is not None and d.fallback_for not in seen:
            problems.append((f"{path}.fallback_for", f"{d.fallback_for!r} is not an earlier "
                             f"decision (earlier: {', '.join(seen) or 'none'})"))
        seen.append(d.id)
        if d.body not in body_ids:
            problems.append((f"{path}.body", f"charter {charter.id!r} has no body {d.body!r} "
                             f"(bodies: {', '.join(body_ids)})"))
            continue
        b = charter.body(d.body)
        if d.question not in b.rules:
            problems.append((f"{path}.question", f"body {d.body!r} of charter {charter.id!r} "
                             f"has no rule for {d.question!r} (rules: {', '.join(b.rules)})"))
            continue
        try:
            ballot = recorded_ballot(case, charter, d)
        except FoedusError as exc:
            problems.append((path, str(exc)))
            continue
        if d.tally is not None:
            try:
                want = parse_tally(d.tally)
            except ValueError as exc:
                problems.append((f"{path}.tally", str(exc)))
            else:
                got = ballot.tally()
                if got != want:
                    problems.append((f"{path}.tally", "recorded tally {} does not match the "
                                     "votes given ({}: yes {}, no {}, abstain {})".format(
                                         "–".join(map(str, want)), "–".join(map(str, got)),
                                         *got)))
        n_anon = sum(ballot.counts.values())
        holders = seat_holders(case, charter, d)
        if b.composition == "fixed":
            seats = (len(holders) if holders is not None
                     else b.seats + len(d.seated))
            if holders is not None:
                stray = [s for s in ballot.votes if s not in holders]
                if stray:
                    problems.append((path, f"{', '.join(stray)} did not hold a seat on the "
                                     f"{b.name} on {d.date} (seats: {', '.join(holders)})"))
                missing = [s for s in holders if s not in ballot.votes]
                if len(missing) > n_anon:
                    problems.append((path, f"no vote recorded for {', '.join(missing)} (list "
                                     "them as absent or not_participating if they did not vote)"))
            if len(ballot.votes) + n_anon > seats:
                problems.append((path, f"{len(ballot.votes) + n_anon} votes given but the "
                                 f"{b.name} had {seats} seats"))
        else:
            if holders is not None:
                stray = [s for s in ballot.votes if s not in holders]
                if stray:
                    problems.append((path, f"{', '.join(stray)} not a member of the {b.name} "
                                     f"on {d.date}"))
            cbd = case.body(b.id)
            size = d.seats or (cbd.size if cbd else None) or (len(holders) if holders else None)
            if size is not None and len(ballot.votes) + n_anon > size:
                problems.append((path, f"{len(ballot.votes) + n_anon} votes given but the "
                                 f"{b.name} had {size} members"))
        if d.vetoed_by:
            not_no = [s for s in d.vetoed_by if ballot.votes.get(_normalise(s, charter, d))
                      not in (Vote.NO, Vote.ABSTAIN, Vote.ABSENT)]
            if not_no:
                problems.append((f"{path}.vetoed_by", f"{', '.join(not_no)} did not vote no"))
        if not any(problems_for(path, problems)):
            try:
                _evaluate(case, charter, d, ballot)
            except FoedusError as exc:
                problems.append((path, str(exc)))
    for state in case.alignments:
        if not any(state in (*d.yes, *d.no, *d.abstain, *d.absent, *d.not_participating)
                   for d in case.decisions) and state not in (*case.parties.aggressor,
                                                              *case.parties.target):
            problems.append(("alignments", f"{state} casts no named vote in this case"))
    return problems


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


def _evaluate(case: Case, charter: Charter, decision: CaseDecision, ballot: Ballot,
              *, with_fallback: bool = True) -> Decision:
    ch = _on_day(charter, case, decision)
    p = decision.parties or case.parties
    return evaluate_vote(
        ch, decision.body, decision.question,
        yes=ballot.named(Vote.YES), no=ballot.named(Vote.NO),
        abstain=ballot.named(Vote.ABSTAIN), absent=ballot.named(Vote.ABSENT),
        counts=ballot.counts or None, parties=[*p.aggressor, *p.target, *p.others],
        aggressor=p.aggressor[0] if p.aggressor else None,
        on=decision.date, seats=_seats_of(case, charter, decision), with_fallback=with_fallback)


# ---------------------------------------------------------------------------------------------
# Counterfactual changes


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


class _WhatIfVote(_Model):
    decision: str
    state: str | None = None
    states: list[str] = Field(default_factory=list)
    vote: Literal["yes", "no", "abstain", "absent", "not-participating"]
    note: str = ""


class WhatIf(_Model):
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
        code = _normalise(c.state, charter, decision)
        if code not in votes:
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
    return Ballot(votes, dict(ballot.counts), np_, dict(ballot.defaulted)), applied


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
    next: list[str] = field(default_factory=list)

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
    parsed: list[VoteChange] = []
    for ch in changes or ():
        parsed.extend(parse_change(ch) if isinstance(ch, str) else [ch])
    notes: list[str] = []
    if what_if is not None:
        w = what_if if isinstance(what_if, WhatIf) else load_what_if(what_if)
        parsed.extend(w.changes())
        if w.charter and charter is None:
            charter = w.charter
        if w.title or w.note:
            notes.append(" ".join(x for x in (w.title, w.note) if x))
    ids = {d.id for d in c.decisions} | {d.draft for d in c.decisions if d.draft}
    for p in parsed:
        if p.decision != "*" and p.decision not in ids:
            raise UnknownNameError(f"decision of case {c.id!r}", p.decision,
                                   [d.id for d in c.decisions])
    new = load_charter(charter) if charter is not None else base
    counterfactual = bool(parsed) or (charter is not None and new.id != base.id)
    if counterfactual and new.id != base.id:
        for d in c.decisions:
            if d.body not in [b.id for b in new.bodies]:
                raise FoedusError(f"charter {new.id!r} has no body {d.body!r} (used by "
                                  f"decision {d.id}); bodies: "
                                  f"{', '.join(b.id for b in new.bodies)}")
            if d.question not in new.body(d.body).rules:
                raise FoedusError(f"body {d.body!r} of charter {new.id!r} has no rule for "
                                  f"{d.question!r} (decision {d.id}); rules: "
                                  f"{', '.join(new.body(d.body).rules)}")
        for cb in c.bodies:
            nb = next((b for b in new.bodies if b.id == cb.id), None)
            ob = next((b for b in base.bodies if b.id == cb.id), None)
            if nb and ob and nb.composition == "fixed" and nb.seats != ob.seats:
                notes.append(f"{new.id}'s {nb.name} has {nb.seats} seats, {base.id}'s "
                             f"{ob.seats}: the seat holders on the day are kept and "
                             f"{new.id}'s rules applied to them")
    if parsed:
        used = {p.decision for p in parsed}
        notes.append("changes: " + ", ".join(str(p) for p in parsed)
                     + ("" if "*" not in used else " (* = every decision where the state "
                        "votes)"))

    results: list[DecisionReplay] = []
    by_id: dict[str, DecisionReplay] = {}
    for d in c.decisions:
        ballot = recorded_ballot(c, base, d)
        base_dec = _evaluate(c, base, d, ballot)
        if counterfactual:
            cf_ballot, applied = _apply(c, base, d, ballot, parsed)
            dec = _evaluate(c, new, d, cf_ballot)
            rule_charter = new
        else:
            cf_ballot, applied, dec, rule_charter = ballot, [], base_dec, base
        rule, article = _rule_text(_on_day(rule_charter, c, d), d)
        computed = dec.outcome
        agree = computed == d.outcome
        disagreement = None
        if agree and d.vetoed_by is not None and set(d.vetoed_by) != set(dec.vetoed_by):
            agree = False
            disagreement = (f"recorded vetoes {', '.join(d.vetoed_by) or 'none'} but the rules "
                            f"find {', '.join(dec.vetoed_by) or 'none'}")
        elif not agree:
            disagreement = (f"recorded {d.outcome} but the rules compute {computed}: "
                            f"{dec.reason}")
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
            baseline=base_dec.outcome, flipped=counterfactual and computed != d.outcome)
        r.status = ("flipped" if r.flipped else "as-recorded") if counterfactual else (
            "as-recorded" if agree else "disagrees")
        r.next = _next_steps(c, rule_charter, d, r, by_id, counterfactual)
        results.append(r)
        by_id[d.id] = r
    return Replay(c, new.id, new.name, counterfactual, [str(p) for p in parsed], results, notes)


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
    if not dec.adopted and dec.vetoed_by:
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


# ---------------------------------------------------------------------------------------------
# Prediction (behavioural model)


@dataclass
class VotePrediction:
    """One member's predicted and recorded vote on one decision."""

    decision: str
    state: str
    alignment: str
    belief: float
    affinity_target: float
    affinity_aggressor: float
    fear: float
    utility: float
    predicted: str
    recorded: str
    correct: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return dict(self.__dict__)


@dataclass
class DecisionPrediction:
    """Predicted votes of one decision, their accuracy, and the outcome they produce."""

    id: str
    date: dt.date
    body: str
    votes: list[VotePrediction]
    accuracy: float | None
    predicted_outcome: str
    recorded_outcome: str
    outcome_correct: bool
    predicted_tally: str
    recorded_tally: str | None
    scored: bool = True

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"id": self.id, "date": self.date.isoformat(), "body": self.body,
                "scored": self.scored,
                "accuracy": self.accuracy, "predicted_outcome": self.predicted_outcome,
                "recorded_outcome": self.recorded_outcome,
                "outcome_correct": self.outcome_correct, "predicted_tally": self.predicted_tally,
                "recorded_tally": self.recorded_tally,
                "votes": [v.to_dict() for v in self.votes]}


@dataclass
class Prediction:
    """Votes predicted by the behavioural model for a case, scored against the record."""

    case: str
    behaviour: dict[str, Any]
    decisions: list[DecisionPrediction]
    notes: list[str] = field(default_factory=list)

    @property
    def votes(self) -> list[VotePrediction]:
        """Every scored vote."""
        return [v for d in self.decisions for v in d.votes]

    @property
    def accuracy(self) -> float | None:
        """Share of named, present votes predicted correctly (None if there are none)."""
        vs = self.votes
        return sum(v.correct for v in vs) / len(vs) if vs else None

    @property
    def baseline_accuracy(self) -> float | None:
        """Accuracy of the naive prediction "every member votes yes", for comparison."""
        vs = self.votes
        return sum(v.recorded == "yes" for v in vs) / len(vs) if vs else None

    @property
    def scored(self) -> list[DecisionPrediction]:
        """The decisions scored (all but ``yes_means = "neutral"`` ones)."""
        return [d for d in self.decisions if d.scored]

    @property
    def outcome_accuracy(self) -> float | None:
        """Share of scored decisions whose outcome the predicted votes get right."""
        ds = self.scored
        return sum(d.outcome_correct for d in ds) / len(ds) if ds else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"case": self.case, "behaviour": self.behaviour, "accuracy": self.accuracy,
                "baseline_accuracy": self.baseline_accuracy,
                "outcome_accuracy": self.outcome_accuracy, "n_votes": len(self.votes),
                "notes": self.notes, "decisions": [d.to_dict() for d in self.decisions]}


def predict(case: str | Path | Case, *, behaviour: Any = None) -> Prediction:
    """Predict each named, present member's vote with the behavioural model.

    Inputs per member come from the case: the belief that the accused is the aggressor (from the
    case's ``ambiguity``, or the behaviour's, raised when the accused claimed self-defence), the
    affinities to target and aggressor (from the coarse ``alignments`` table, see
    :data:`ALIGNMENTS`) and fear (the case's ``fear`` table, default 0). Absent and
    non-participating members are taken from the record (attendance is scenario data, not
    predicted); anonymous votes cannot be scored. For ``yes_means = "relent"`` decisions the
    utility of a yes vote is the negative of the utility of condemning; ``"neutral"`` decisions
    (not a vote for or against the accused) are not scored.
    """
    import numpy as np

    from ..engine.behaviour import Behaviour, beliefs, cast_votes, vote_utility

    c = load_case(case)
    charter = c.load_charter()
    if behaviour is None:
        beh = Behaviour()
    elif isinstance(behaviour, Behaviour):
        beh = behaviour
    elif isinstance(behaviour, Mapping):
        beh = Behaviour.from_dict(dict(behaviour)) if hasattr(Behaviour, "from_dict") else \
            Behaviour(**behaviour)
    else:
        raise FoedusError(f"behaviour must be a Behaviour or a dict, got {type(behaviour)}")
    rho = c.ambiguity if c.ambiguity is not None else float(beh.ambiguity)
    if c.parties.self_defence_claim:
        rho = min(1.0, rho + float(beh.self_defence_claim))
    notes = [f"belief that the accused is the aggressor: 1 - ambiguity / 2 = {1 - rho / 2:.2f}, "
             "shifted by each member's affinity to the parties"
             + (" (the accused claimed self-defence)" if c.parties.self_defence_claim else "")]
    missing: set[str] = set()
    out: list[DecisionPrediction] = []
    for d in c.decisions:
        ballot = recorded_ballot(c, charter, d)
        if d.yes_means == "neutral":
            out.append(DecisionPrediction(d.id, d.date, d.body, [], None, d.outcome, d.outcome,
                                          True, "–".join(map(str, ballot.tally())), d.tally,
                                          scored=False))
            continue
        voters = [s for s, v in ballot.votes.items() if v is not Vote.ABSENT]
        p = d.parties or c.parties
        aligns = []
        for s in voters:
            a = ("aggressor" if s in p.aggressor else "target" if s in p.target
                 else d.alignments.get(s, c.alignments.get(s)))
            if a is None:
                a = "non-aligned"
                missing.add(s)
            aligns.append(a)
        at = np.array([ALIGNMENTS[a][0] for a in aligns], dtype=float)
        aa = np.array([ALIGNMENTS[a][1] for a in aligns], dtype=float)
        fear = np.array([c.fear.get(s, 0.0) for s in voters], dtype=float)
        belief = beliefs(rho, at, aa, beh)  # no noise: a deterministic prediction
        util = np.asarray(vote_utility(belief, at, aa, fear, beh), dtype=float) if voters else \
            np.zeros(0)
        if d.yes_means == "relent":
            util = -util
        cast = [str(getattr(v, "value", v)) for v in cast_votes(util, beh)] if voters else []
        vps = []
        for k, s in enumerate(voters):
            rec = ballot.votes[s].value
            vps.append(VotePrediction(d.id, s, aligns[k], float(belief[k]), float(at[k]),
                                      float(aa[k]), float(fear[k]), float(util[k]), cast[k],
                                      rec, cast[k] == rec))
        pred_ballot = Ballot({**ballot.votes, **{v.state: Vote(v.predicted) for v in vps}},
                             dict(ballot.counts), ballot.not_participating)
        pd = _evaluate(c, charter, d, pred_ballot, with_fallback=False)
        acc = sum(v.correct for v in vps) / len(vps) if vps else None
        out.append(DecisionPrediction(d.id, d.date, d.body, vps, acc, pd.outcome, d.outcome,
                                      pd.outcome == d.outcome,
                                      "–".join(map(str, pred_ballot.tally())), d.tally))
    if missing:
        notes.append("no alignment recorded (treated as non-aligned): "
                     + ", ".join(sorted(missing)))
    beh_dict = beh.to_dict() if hasattr(beh, "to_dict") else dict(beh.__dict__)
    return Prediction(c.id, beh_dict, out, notes)


__all__ = [
    "ALIGNMENTS",
    "Case",
    "CaseDecision",
    "DecisionPrediction",
    "DecisionReplay",
    "Prediction",
    "Replay",
    "VoteChange",
    "VotePrediction",
    "WhatIf",
    "builtin_case_ids",
    "builtin_cases",
    "case_from_dict",
    "check_case",
    "load_case",
    "load_what_if",
    "parse_change",
    "parse_tally",
    "predict",
    "replay",
]
