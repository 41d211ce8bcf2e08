"""Institutions as data: the charter schema, its validation and the loader.

A charter is a TOML file stating who is a member, whom the institution protects against
whom, which bodies decide by which rules, the ordered procedure of a crisis and how bound
members are by each step, fallbacks (Uniting for Peace), self-defence and exit. Every field
is documented in ``docs/charters.md``; the built-in charters live in ``foedus/charters``.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from .._errors import FoedusError, InputError, UnknownNameError
from .._toml import Library, StrictModel, read_toml, validation_problems, year_problem
from .states import REGIONS, is_state, resolve_state

Kind = Literal["self-help", "balance-of-power", "collective-security", "collective-defence",
               "bilateral-pact"]
Base = Literal["seats", "members", "present", "present-and-voting"]
Exclusion = Literal["none", "parties", "aggressor"]
Bindingness = Literal["binding", "automatic", "recommendation", "discretionary"]
Measure = Literal["consultation", "determination", "provisional-measures", "sanctions", "force",
                  "peacekeeping"]
QUESTIONS = ("procedural", "determination", "measures")

#: How strongly each kind of bindingness obliges a member to act (used by the engine).
BINDINGNESS_WEIGHT: dict[str, float] = {
    "automatic": 1.0, "binding": 0.9, "recommendation": 0.4, "discretionary": 0.25,
}


class _Model(StrictModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _state_code(value: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a state must be a COW abbreviation string, got {value!r}")
    if not is_state(value):
        raise ValueError(f"unknown state {value!r} (use a COW abbreviation such as USA, RUS, UKG)")
    return resolve_state(value)


StateCode = Annotated[str, Field(description="COW state abbreviation or accepted alias")]


def parse_fraction(value: str | float | int) -> Fraction:
    """Parse ``"2/3"``, ``"1/2"``, ``0.6`` into an exact fraction in (0, 1]."""
    try:
        frac = Fraction(str(value)) if not isinstance(value, float) else Fraction(value)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"{value!r} is not a fraction such as \"2/3\"") from exc
    if not 0 < frac <= 1:
        raise ValueError(f"fraction {value!r} must lie in (0, 1]")
    return frac


class DecisionRule(_Model):
    """How a body decides one kind of question (procedural, determination, measures)."""

    threshold: int | str = Field(
        description='Affirmative votes needed: a count (9), "all" (unanimity of the base) or a '
        'fraction of the base ("2/3", "1/2" with strict = true for a simple majority).')
    strict: bool = Field(False, description="A fraction must be strictly exceeded.")
    base: Base = Field("seats", description="What the fraction or unanimity is taken of.")
    veto: Literal["permanent", "none"] | list[str] = Field(
        "none", description='Veto holders: "permanent" seats, "none", or a list of states.')
    abstention_is_veto: bool = Field(False, description="A veto holder's abstention blocks.")
    absence_is_veto: bool = Field(False, description="A veto holder's absence blocks.")
    exclude: Exclusion = Field("none", description="Whose votes are not counted.")
    quorum: int | str | None = Field(None, description="Seats that must be present: a count or "
                                     "a fraction of the seats.")
    article: str = Field(description="The article that sets this rule, e.g. 'UN Charter Art. 27(3)'.")
    abstention_note: str = Field("", description="Why a veto holder's abstention does not block.")
    absence_note: str = Field("", description="Why a veto holder's absence does not block.")
    exclusion_note: str = Field("", description="The article or practice excluding parties.")

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, v: int | str) -> int | str:
        if isinstance(v, bool):
            raise ValueError("threshold must be a count, \"all\" or a fraction")
        if isinstance(v, int):
            if v < 1:
                raise ValueError(f"threshold {v} is impossible: at least one vote is needed")
            return v
        if v != "all":
            parse_fraction(v)
        return v

    @field_validator("quorum")
    @classmethod
    def _quorum(cls, v: int | str | None) -> int | str | None:
        if isinstance(v, int) and not isinstance(v, bool) and v < 1:
            raise ValueError("quorum must be at least 1")
        if isinstance(v, str):
            parse_fraction(v)
        return v

    @field_validator("veto")
    @classmethod
    def _veto(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [_state_code(s) for s in v]
        return v

    def required(self, base: int) -> int:
        """Affirmative votes needed when ``base`` voters form the base."""
        if isinstance(self.threshold, int):
            return self.threshold
        if self.threshold == "all":
            return base
        frac = parse_fraction(self.threshold)
        exact = frac * base
        if self.strict:
            return math.floor(exact) + 1
        return math.ceil(exact)

    def quorum_needed(self, seats: int) -> int:
        """Seats that must be present for a valid vote (0 when no quorum is set)."""
        if self.quorum is None:
            return 0
        if isinstance(self.quorum, int):
            return self.quorum
        return math.ceil(parse_fraction(self.quorum) * seats)


class SeatHolder(_Model):
    """Who held a seat over a period (China's seat: the ROC until 25 Oct 1971, then the PRC)."""

    seat: str = Field(description="The seat's name, a COW abbreviation (e.g. CHN).")
    holder: str = Field(description="The state holding it (e.g. TAW for the Republic of China).")
    start: dt.date | None = Field(None, description="First day held (inclusive).")
    end: dt.date | None = Field(None, description="Day the holding ended (exclusive).")
    note: str = Field("", description="Source of the change (e.g. A/RES/2758 (XXVI)).")

    @field_validator("seat", "holder")
    @classmethod
    def _codes(cls, v: str) -> str:
        return _state_code(v)


class Body(_Model):
    """A decision-making body: a council with permanent and elected seats, or an assembly."""

    id: str = Field(description="Short id used on the command line (council, assembly).")
    name: str = Field(description="Full name of the body.")
    article: str = Field(description="Article establishing the body and its composition.")
    composition: Literal["fixed", "all-members"] = Field(
        "fixed", description='"fixed": permanent plus elected seats; "all-members": every member.')
    permanent: list[str] = Field(default_factory=list, description="Permanent seats (COW codes).")
    elected: int = Field(0, ge=0, description="Number of elected (non-permanent) seats.")
    term_years: int | None = Field(None, ge=1, description="Term of an elected seat.")
    immediate_reelection: bool = Field(True, description="Whether a retiring member may be re-elected at once.")
    seat_holders: list[SeatHolder] = Field(default_factory=list,
                                           description="Changes of who holds a seat.")
    rules: dict[str, DecisionRule] = Field(description="Decision rule per kind of question.")

    @field_validator("permanent")
    @classmethod
    def _perm(cls, v: list[str]) -> list[str]:
        return [_state_code(s) for s in v]

    @model_validator(mode="after")
    def _check(self) -> Body:
        if not self.rules:
            raise ValueError(f"body {self.id!r} needs at least one decision rule")
        if len(set(self.permanent)) != len(self.permanent):
            raise ValueError(f"body {self.id!r}: a permanent seat is listed twice")
        seats = self.seats
        for q, rule in self.rules.items():
            if self.composition == "fixed" and seats == 0:
                raise ValueError(f"body {self.id!r} has no seats")
            if self.composition == "fixed":
                if isinstance(rule.threshold, int) and rule.threshold > seats:
                    raise ValueError(
                        f"rules.{q}.threshold {rule.threshold} is impossible: body {self.id!r} "
                        f"has only {seats} seats")
                if isinstance(rule.quorum, int) and rule.quorum > seats:
                    raise ValueError(f"rules.{q}.quorum {rule.quorum} exceeds the {seats} seats")
            if isinstance(rule.veto, list):
                stray = [s for s in rule.veto if self.composition == "fixed"
                         and s not in self.permanent]
                if stray:
                    raise ValueError(f"rules.{q}.veto: {', '.join(stray)} hold no permanent seat")
            if rule.veto == "permanent" and not self.permanent:
                raise ValueError(f"rules.{q}.veto is \"permanent\" but body {self.id!r} has no "
                                 "permanent seats")
        return self

    @property
    def seats(self) -> int:
        """Number of seats of a fixed body (0 for an all-members body)."""
        return len(self.permanent) + self.elected if self.composition == "fixed" else 0

    def holder(self, seat: str, on: dt.date | None) -> str:
        """The state holding permanent ``seat`` on date ``on`` (the seat itself by default)."""
        for h in self.seat_holders:
            if h.seat != seat:
                continue
            if on is None:
                if h.end is None:
                    return h.holder
            elif (h.start is None or h.start <= on) and (h.end is None or on < h.end):
                return h.holder
        return seat

    def seat_of(self, state: str, on: dt.date | None) -> str | None:
        """The permanent seat a state held on ``on`` (China's seat for TAW in 1950), or None."""
        for seat in self.permanent:
            if self.holder(seat, on) == state:
                return seat
        return None

    def veto_holders(self, question: str, on: dt.date | None = None) -> list[str]:
        """States holding a veto on ``question`` on date ``on``."""
        rule = self.rules[question]
        if rule.veto == "permanent":
            return [self.holder(s, on) for s in self.permanent]
        if rule.veto == "none":
            return []
        return [self.holder(s, on) for s in rule.veto]


#: How a membership spell ended (``docs/charters.md`` §Dated membership).
SpellEnd = Literal["withdrawal", "expulsion", "dissolution", "succession", "lapse",
                   "seat-change", "annexation"]
#: The first date any foedus data covers (the COW state system begins in 1816).
FIRST_DATE = dt.date(1816, 1, 1)


class Spell(_Model):
    """One continuous period of membership of one state, with its source.

    ``joined`` is the day membership took effect (accession, admission, entry into force for
    a founder); ``left`` the day it ended (exclusive), ``None`` while it lasts. A withdrawal
    under notice is dated when the state ceased to take part (the League's two-year notice of
    Covenant Art. 1(3) is named in ``note``).
    """

    state: str = Field(description="COW abbreviation of the member.")
    joined: dt.date = Field(description="First day of membership (inclusive).")
    left: dt.date | None = Field(None, description="Day membership ended (exclusive); none if it lasts.")
    end: SpellEnd | None = Field(None, description="How the spell ended.")
    source: str = Field(description="Where the dates come from (treaty, resolution, dataset).")
    note: str = Field("", description="Free text shown with the spell.")

    @field_validator("state")
    @classmethod
    def _code(cls, v: str) -> str:
        return _state_code(v)

    @model_validator(mode="after")
    def _dates(self) -> Spell:
        _check_dates(self.state, self.joined, self.left, "joined", "left")
        if self.left is None and self.end is not None:
            raise ValueError(f"{self.state}: end = {self.end!r} but no date it left")
        return self


class Suspension(_Model):
    """A period in which a member keeps its membership but takes no part (CSTO: Armenia 2024)."""

    state: str = Field(description="COW abbreviation of the suspended member.")
    start: dt.date = Field(description="First day of the suspension.")
    stop: dt.date | None = Field(None, description="Day it ended (exclusive); none if it lasts.")
    source: str = Field(description="Where the dates come from.")
    note: str = Field("", description="Free text.")

    @field_validator("state")
    @classmethod
    def _code(cls, v: str) -> str:
        return _state_code(v)

    @model_validator(mode="after")
    def _dates(self) -> Suspension:
        _check_dates(self.state, self.start, self.stop, "start", "stop")
        return self


def _check_dates(state: str, first: dt.date, last: dt.date | None, a: str, b: str) -> None:
    """A period must lie within the data (1816 to today) and end after it starts."""
    today = dt.date.today()
    for name, d in ((a, first), (b, last)):
        if d is not None and not FIRST_DATE <= d <= today:
            raise ValueError(f"{state}: {name} {d} lies beyond the data (from {FIRST_DATE} to "
                             f"today, {today})")
    if last is not None and last <= first:
        raise ValueError(f"{state}: {b} {last} is not after {a} {first}")


def _in_year(first: dt.date, last: dt.date | None, year: int) -> bool:
    """Whether ``[first, last)`` meets ``year`` on any day (the COW convention)."""
    return first.year <= year and (last is None or last > dt.date(year, 1, 1))


class Membership(_Model):
    """Who belongs to the institution, and since when."""

    members: Literal["universal", "none"] | list[str] = Field(
        "universal", description='"universal" (every state), "none", or a list of COW codes.')
    size: int | None = Field(None, ge=0, description="Number of members when `members` is "
                             "universal (for voting power of the plenary body).")
    synthetic: Literal["universal", "bloc", "pair", "none"] = Field(
        "universal", description="How membership maps onto a synthetic world: every state, the "
        "affinity bloc of a great power, a pair of states, or nobody.")
    synthetic_rank: int = Field(1, ge=1, description="Which great power's bloc (1 = strongest).")
    article: str = Field("", description="Article on membership.")
    note: str = Field("", description="Free text: history of the membership, sources.")
    since: dt.date | None = Field(None, description="The day the institution began to exist "
                                  "(its constituent treaty in force); a data world of an "
                                  "earlier year is an anachronism.")
    until: dt.date | None = Field(None, description="The day it was dissolved (exclusive).")
    source: str = Field("", description="Source of `since` and `until`.")
    history: list[Spell] = Field(default_factory=list, description="Dated membership: one spell "
                                 "per state and period. A universal institution lists only the "
                                 "states whose membership differs from 'every state in the "
                                 "system from `since`' (late admissions, withdrawals).")
    suspensions: list[Suspension] = Field(default_factory=list,
                                          description="Periods a member took no part.")
    unlisted: Literal["member", "non-member"] = Field(
        "member", description='With a history, whether a state of the system that the history '
        'does not list is a member of a universal institution ("member": the UN) or not '
        '("non-member": the League, whose members are all listed).')
    never: list[str] = Field(default_factory=list, description="States of the system never "
                             "members of a universal institution (the USA and the League).")
    never_source: str = Field("", description="Source for `never`.")

    @field_validator("members", "never")
    @classmethod
    def _members(cls, v: Any) -> Any:
        return [_state_code(s) for s in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _history(self) -> Membership:
        if self.since is not None:
            _check_dates("the institution", self.since, self.until, "since", "until")
        by_state: dict[str, list[tuple[int, Spell]]] = {}
        for k, sp in enumerate(self.history):
            by_state.setdefault(sp.state, []).append((k, sp))
        for state, spells in by_state.items():
            spells.sort(key=lambda x: x[1].joined)
            for (_, a), (k, b) in itertools.pairwise(spells):
                if a.left is None or a.left > b.joined:
                    raise ValueError(f"history[{k}]: {state}'s spell from {b.joined} overlaps "
                                     f"its spell from {a.joined} (to {a.left or 'today'})")
            if state in self.never:
                raise ValueError(f"never: {state} is listed as never a member but has a spell "
                                 "in history")
        return self

    @property
    def dated(self) -> bool:
        """Whether membership is dated (a history, a start, or never-members)."""
        return bool(self.history or self.since or self.never)

    def member_in(self, state: str, year: int) -> bool:
        """Whether ``state`` took part in the institution on some day of ``year`` (the COW
        convention; a suspension covering 1 July excludes it). Undated memberships answer
        from ``members``."""
        if self.since is not None and not _in_year(self.since, self.until, year):
            return False
        if self.until is not None and year > self.until.year:
            return False
        mid = dt.date(year, 7, 1)
        if any(s.state == state and s.start <= mid and (s.stop is None or mid < s.stop)
               for s in self.suspensions):
            return False
        if state in self.never:
            return False
        spells = [sp for sp in self.history if sp.state == state]
        if spells:
            return any(_in_year(sp.joined, sp.left, year) for sp in spells)
        if self.members == "universal":
            return self.unlisted == "member"
        return False if self.history else isinstance(self.members, list) and state in self.members

    def changes(self, year: int) -> list[tuple[str, str, Spell | Suspension]]:
        """The dated events of ``year``: (state, "joined" | "left" | "suspended", record)."""
        out: list[tuple[str, str, Spell | Suspension]] = []
        for sp in self.history:
            if sp.joined.year == year:
                out.append((sp.state, "joined", sp))
            if sp.left is not None and sp.left.year == year:
                out.append((sp.state, "left", sp))
        out += [(s.state, "suspended", s) for s in self.suspensions if s.start.year == year]
        return out


class Scope(_Model):
    """Whom the institution protects against whom."""

    protects: Literal["members", "parties", "nobody"] = Field(
        "members", description="Who is protected.")
    against: Literal["any", "outside", "nobody"] = Field(
        "any", description='"any" aggressor, members included (collective security); "outside" '
        "(collective defence: non-members only); nobody (self-help).")
    area: list[str] = Field(default_factory=list, description="Regions where an attack "
                            f"triggers the obligation (any of {', '.join(REGIONS)}); empty = anywhere.")
    coalitions: Literal["none", "institution", "ad-hoc"] = Field(
        "institution", description='Who organises the response: "institution" (its procedure), '
        '"ad-hoc" (balance of power: states balance against the most threatening), "none".')
    article: str = Field("", description="Article stating the scope.")

    @field_validator("area")
    @classmethod
    def _area(cls, v: list[str]) -> list[str]:
        bad = [a for a in v if a not in REGIONS]
        if bad:
            raise ValueError(f"unknown region(s) {', '.join(bad)}; use {', '.join(REGIONS)}")
        return v


class ConveneRoute(_Model):
    """One way a fallback session can be convened."""

    body: str = Field(description="Body that votes to convene.")
    question: str = Field(description="Kind of question of that vote (e.g. procedural).")
    note: str = Field("", description="How this route is described to readers.")


class Fallback(_Model):
    """What happens when a body fails because of a veto (Uniting for Peace, veto override)."""

    id: str = Field(description="Id referenced by procedure steps.")
    name: str = Field(description="Name shown in traces (e.g. Uniting for Peace).")
    trigger: Literal["veto"] = Field("veto", description="Failure that triggers it.")
    body: str = Field(description="Body whose vetoed decision triggers the fallback.")
    convene: list[ConveneRoute] = Field(default_factory=list,
                                        description="Ways to convene the fallback session.")
    decides_body: str = Field(description="Body that then decides.")
    decides_question: str = Field(description="Rule used by that body.")
    effect: Literal["recommendation-session", "override"] = Field(
        "recommendation-session", description='"recommendation-session": the body may only '
        'recommend; "override": its vote overrides the veto.')
    bindingness: Bindingness = Field("recommendation", description="Bindingness of its outcome.")
    article: str = Field(description="The resolution or article establishing the fallback.")


class Step(_Model):
    """One step of the crisis procedure."""

    id: str = Field(description="Step id shown in traces.")
    measure: Measure = Field(description="What the step decides or does.")
    body: str | None = Field(None, description="Deciding body; none for an automatic obligation.")
    question: str | None = Field(None, description="Kind of question (rule) used by the body.")
    bindingness: Bindingness = Field(description="How strongly the outcome obliges members.")
    article: str = Field(description="The article governing this step.")
    requires_consent: bool = Field(False, description="Needs the parties' consent (peacekeeping).")
    use_of_force: Literal["none", "self-defence-only", "authorised"] = Field(
        "none", description="Force the step permits.")
    fallback: str | None = Field(None, description="Fallback id used if this step is vetoed.")
    note: str = Field("", description="Free text shown with the step.")

    @model_validator(mode="after")
    def _check(self) -> Step:
        if (self.body is None) != (self.question is None):
            raise ValueError(f"step {self.id!r}: give both body and question, or neither")
        if self.body is None and self.bindingness not in ("automatic", "discretionary"):
            raise ValueError(f"step {self.id!r}: a step with no body must be \"automatic\" or "
                             "\"discretionary\" (each state decides)")
        if self.measure == "peacekeeping" and not self.requires_consent:
            raise ValueError(f"step {self.id!r}: peacekeeping needs the consent of the parties "
                             "(requires_consent = true)")
        if self.measure == "peacekeeping" and self.use_of_force == "authorised":
            raise ValueError(f"step {self.id!r}: peacekeepers use force only in self-defence")
        return self


class SelfDefence(_Model):
    """The right of the target (and willing allies) to act before the institution does."""

    allowed: bool = Field(True, description="The target may defend itself.")
    collective: bool = Field(True, description="Allies may join the target's defence.")
    until: Literal["body-acts", "always"] = Field(
        "body-acts", description="Lasts until the body has taken measures (Art. 51) or always.")
    article: str = Field("", description="Article granting the right.")


class Exit(_Model):
    """Withdrawal and expulsion."""

    withdrawal: bool = Field(True, description="Members may withdraw.")
    notice_years: float = Field(0.0, ge=0, description="Notice before a withdrawal takes effect.")
    expulsion_body: str | None = Field(None, description="Body that may expel a member.")
    expulsion_question: str | None = Field(None, description="Rule that body uses to expel.")
    article: str = Field("", description="Articles on withdrawal and expulsion.")


class Charter(_Model):
    """A whole institution. Build one with :func:`load_charter`."""

    _lineage: tuple[str, ...] = PrivateAttr(())
    _own: dict[str, Any] = PrivateAttr(default_factory=dict)
    _resolved: dict[str, Any] = PrivateAttr(default_factory=dict)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$",
                    description="Short id (lower case, digits, hyphens) used on the command line.")
    name: str = Field(description="Full name of the institution.")
    kind: Kind = Field(description="Type of security system (MODEL.md §0).")
    summary: str = Field(description="One line shown by `foedus charters`.")
    year: int = Field(description="Year of the text encoded.")
    date: dt.date | None = Field(None, description="Default date for seat holders.")
    citation: str = Field(description="The treaty or resolution encoded.")
    in_force: dt.date | None = Field(None, description="The day this text entered into force "
                                     "(un-1965: the 1965 amendments); a data world of an earlier "
                                     "year is an anachronism.")
    sources: list[str] = Field(default_factory=list, description="Scholarly and documentary sources.")
    base: str | None = Field(None, description="Id of the charter this one reforms (for reform "
                             "variants); set from `extends` when that is given.")
    reform: bool = Field(False, description="The charter's own overrides are a reform that "
                         "applies to the charter of any era of its family (a no-veto Council of "
                         "1950 keeps 7 of 11; of 1966 on, 9 of 15); see `extends`.")
    membership: Membership = Field(default_factory=lambda: Membership(), description="Who belongs.")
    scope: Scope = Field(default_factory=lambda: Scope(), description="Who is protected against whom.")
    bodies: list[Body] = Field(default_factory=list, description="Deciding bodies.")
    procedure: list[Step] = Field(default_factory=list,
                                  description="Ordered steps of the response to a crisis.")
    fallbacks: list[Fallback] = Field(default_factory=list,
                                      description="What happens when a veto blocks a body.")
    self_defence: SelfDefence = Field(default_factory=lambda: SelfDefence(),
                                      description="The right of self-defence.")
    exit: Exit = Field(default_factory=lambda: Exit(), description="Withdrawal and expulsion.")

    @field_validator("year")
    @classmethod
    def _year_bound(cls, v: int) -> int:
        msg = year_problem(v)
        if msg:
            raise ValueError(msg)
        return v

    @model_validator(mode="after")
    def _size_bound(self) -> Charter:
        """Membership and seats within :data:`foedus.rules.power.MAX_SEATS`."""
        from .power import MAX_SEATS

        members = self.membership.members
        sizes = [("membership.size", self.membership.size or 0),
                 ("membership.members", len(members) if isinstance(members, list) else 0)]
        sizes += [(f"bodies.{b.id}", len(b.permanent) + b.elected) for b in self.bodies]
        for where, size in sizes:
            if size > MAX_SEATS:
                raise ValueError(f"{where}: {size:,} is over the bound of {MAX_SEATS:,} members "
                                 "or seats (see docs/limits.md)")
        return self

    @model_validator(mode="after")
    def _unique_members(self) -> Charter:
        """A state listed twice as a member (or twice as a permanent seat) is an error."""
        lists = [("membership.members", self.membership.members)]
        lists += [(f"bodies.{b.id}.permanent", b.permanent) for b in self.bodies]
        for where, codes in lists:
            if isinstance(codes, list) and len(set(codes)) != len(codes):
                twice = sorted({c for c in codes if codes.count(c) > 1})
                raise ValueError(f"{where}: listed twice: {', '.join(twice)}")
        return self

    @model_validator(mode="after")
    def _references(self) -> Charter:
        ids = [b.id for b in self.bodies]
        if len(set(ids)) != len(ids):
            raise ValueError("two bodies share an id")
        bodies = {b.id: b for b in self.bodies}
        fb_ids = {f.id for f in self.fallbacks}

        def check(where: str, body: str | None, question: str | None) -> None:
            if body is None:
                return
            if body not in bodies:
                raise ValueError(f"{where}: unknown body {body!r} (bodies: {', '.join(ids) or 'none'})")
            if question is not None and question not in bodies[body].rules:
                raise ValueError(f"{where}: body {body!r} has no rule for {question!r} "
                                 f"(rules: {', '.join(bodies[body].rules)})")

        for s in self.procedure:
            check(f"procedure step {s.id!r}", s.body, s.question)
            if s.fallback is not None and s.fallback not in fb_ids:
                raise ValueError(f"procedure step {s.id!r}: unknown fallback {s.fallback!r}")
        for f in self.fallbacks:
            check(f"fallback {f.id!r}", f.body, None)
            check(f"fallback {f.id!r}", f.decides_body, f.decides_question)
            for r in f.convene:
                check(f"fallback {f.id!r} convene", r.body, r.question)
        if self.exit.expulsion_body:
            check("exit", self.exit.expulsion_body, self.exit.expulsion_question)
        return self

    def __eq__(self, other: object) -> bool:
        """Charters are equal when their fields are (how they were written does not count)."""
        if not isinstance(other, Charter):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), self.id, self.name, self.year))

    @property
    def lineage(self) -> tuple[str, ...]:
        """The charters this one extends, nearest first (``("un-1965", "un-1945")``)."""
        return self._lineage

    @property
    def own_overrides(self) -> dict[str, Any]:
        """The fields this charter's file sets itself, over what it extends (a deep copy)."""
        return copy.deepcopy(self._own)

    def resolved(self) -> dict[str, Any]:
        """The whole charter as a dictionary, with every inherited field filled in."""
        return copy.deepcopy(self._resolved) or self.model_dump(mode="json", exclude_none=True)

    def body(self, body_id: str) -> Body:
        """The body with id ``body_id``; an error lists the bodies that exist."""
        for b in self.bodies:
            if b.id == body_id:
                return b
        raise UnknownNameError("body", body_id, [b.id for b in self.bodies],
                               where=f" in charter {self.id!r}")

    def fallback_for(self, body_id: str) -> Fallback | None:
        """The fallback triggered by a veto in ``body_id``, if any."""
        for f in self.fallbacks:
            if f.body == body_id:
                return f
        return None

    def existed_in(self, year: int) -> bool:
        """Whether the institution existed in ``year`` and its text was in force then (a reform
        is bounded only by its institution's life: it is a what-if on the era's charter)."""
        m = self.membership
        if m.since is not None and not _in_year(m.since, m.until, year):
            return False
        return self.reform or self.in_force is None or self.in_force.year <= year

    def anachronism(self, year: int) -> str | None:
        """Why running this charter on the world of ``year`` is an anachronism, or None."""
        if self.existed_in(year):
            return None
        m = self.membership
        if m.since is not None and year < m.since.year:
            why = f"{self.name} began on {m.since} ({m.source or self.citation})"
        elif m.until is not None and not _in_year(m.since or FIRST_DATE, m.until, year):
            why = f"{self.name} was dissolved on {m.until} ({m.source or self.citation})"
        else:
            why = f"this text of {self.name} entered into force on {self.in_force}"
        return (f"charter {self.id!r} did not exist in {year}: {why}. Choose a charter of the "
                f"era (`foedus world --year {year}` lists them), or pass --anachronism "
                '(anachronism="allow") to run it anyway; the output then says so')

    def members_in(self, codes: list[str], year: int) -> list[bool] | None:
        """Membership of each of ``codes`` in ``year`` from the dated history; None when the
        charter's membership is not dated. A year outside the institution's life (an
        anachronism run) uses the nearest year of its life."""
        m = self.membership
        if not m.dated:
            return None
        y = year
        if m.since is not None and y < m.since.year:
            y = m.since.year
        if m.until is not None and y > m.until.year:
            y = m.until.year - (1 if m.until.month == 1 and m.until.day == 1 else 0)
        return [m.member_in(c, y) for c in codes]

    def is_member(self, state: str) -> bool:
        """Whether ``state`` is a member (universal membership includes everyone)."""
        m = self.membership.members
        return m == "universal" or (isinstance(m, list) and state in m)


# ---------------------------------------------------------------------------------------------
# Loading


#: Lists of tables merged item by item on their ``id`` by ``extends`` (other lists are replaced).
_MERGED_BY_ID = ("bodies", "procedure", "fallbacks")


def merge_overrides(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` laid over ``parent``: tables merge key by key, ``bodies``, ``procedure`` and
    ``fallbacks`` merge item by item on their ``id`` (a new id is appended), other values and
    lists are replaced."""
    out = copy.deepcopy(parent)
    for key, value in child.items():
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = merge_overrides(old, value)
        elif key in _MERGED_BY_ID and isinstance(value, list) and isinstance(old, list):
            out[key] = _merge_by_id(old, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_by_id(parent: list[Any], child: list[Any]) -> list[Any]:
    items = copy.deepcopy(parent)
    for item in child:
        at = next((k for k, p in enumerate(items) if isinstance(item, dict)
                   and isinstance(p, dict) and p.get("id") == item.get("id")), None)
        if at is None:
            items.append(copy.deepcopy(item))
        else:
            items[at] = merge_overrides(items[at], item)
    return items


def _parent_key(ref: str, source: str, base_dir: Path | None) -> str:
    """Where ``extends = ref`` points: a built-in id or an absolute file path."""
    if ref in builtin_charter_ids():
        return f"built-in charter {ref}"
    path = Path(ref)
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    if path.suffix == ".toml" and path.exists():
        return str(path.resolve())
    raise InputError(source, [("extends", f"unknown charter {ref!r} (built-in: "
                                          f"{', '.join(builtin_charter_ids())}; or a .toml file)")])


def _parent_data(key: str) -> tuple[dict[str, Any], Path | None]:
    """The raw dictionary of the charter at ``key`` (from :func:`_parent_key`)."""
    if key.startswith("built-in charter "):
        ref = key.removeprefix("built-in charter ")
        return _LIBRARY.raw(ref), None
    return read_toml(Path(key)), Path(key).parent


def resolve_extends(data: dict[str, Any], source: str = "<dict>", base_dir: Path | None = None,
                    _seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The charter dictionary with everything it ``extends`` filled in, and its lineage."""
    ref = data.get("extends")
    if ref is None:
        return data, ()
    if not isinstance(ref, str) or not ref:
        raise InputError(source, [("extends", f"must name a charter (an id or a .toml file), "
                                              f"got {ref!r}")])
    me = source if source.startswith("built-in") or source.startswith("<") else \
        str(Path(source).resolve())
    key = _parent_key(ref, source, base_dir)
    if key in (*_seen, me):
        chain = " → ".join(Path(k).name for k in (*_seen, me, key))
        raise InputError(source, [("extends", f"cycle: {chain}")])
    parent, parent_dir = _parent_data(key)
    resolved_parent, lineage = resolve_extends(parent, key, parent_dir, (*_seen, me))
    own = {k: v for k, v in data.items() if k not in ("extends", "unset")}
    merged = _unset(merge_overrides(resolved_parent, own), data.get("unset", []), source)
    if "base" not in own:
        merged["base"] = resolved_parent.get("id", ref)
    if "reform" not in own:
        merged["reform"] = False
    return merged, (str(resolved_parent.get("id", ref)), *lineage)


def _unset(data: dict[str, Any], paths: Any, source: str) -> dict[str, Any]:
    """Drop the dotted ``paths`` (``"date"``, ``"self_defence.article"``) back to defaults."""
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise InputError(source, [("unset", f"must be a list of field names, got {paths!r}")])
    for k, path in enumerate(paths):
        *parents, last = path.split(".")
        where: Any = data
        for part in parents:
            where = where.get(part) if isinstance(where, dict) else None
        if not isinstance(where, dict) or last not in where:
            raise InputError(source, [(f"unset[{k}]", f"{path!r} is not set by the charter "
                                                      "this one extends")])
        del where[last]
    return data


def reform_onto(reform: Charter, onto: Charter) -> Charter:
    """The reform's own overrides laid over ``onto``, the charter of another era.

    A reform (``reform = true``) written as ``extends = "un-1965"`` plus a few overrides applies
    to the Council of 11 as well: laid over ``un-1945`` it keeps Art. 27's 7 of 11 and changes
    only what the reform changes. Both charters must extend the same root charter.
    """
    if not reform.reform:
        raise FoedusError(f"charter {reform.id!r} is not a reform (reform = true): it cannot be "
                          f"laid over {onto.id!r}")
    if family_root(reform) != family_root(onto):
        raise FoedusError(f"reform {reform.id!r} extends {family_root(reform)!r}, not "
                          f"{family_root(onto)!r}: it cannot be laid over {onto.id!r}")
    own = reform.own_overrides
    data = merge_overrides(onto.resolved(), own)
    data.update(id=f"{reform.id}-on-{onto.id}", name=f"{reform.name} (on {onto.name})",
                base=onto.id, reform=True)
    charter = charter_from_dict(data, source=f"reform {reform.id} laid over {onto.id}")
    charter._lineage = (onto.id, *onto.lineage)
    charter._own = own
    return charter


def family_root(charter: Charter) -> str:
    """The charter at the root of ``charter``'s ``extends`` chain (itself if it extends none)."""
    return charter.lineage[-1] if charter.lineage else charter.id


def charter_from_dict(data: dict[str, Any], source: str = "<dict>",
                      base_dir: Path | None = None) -> Charter:
    """Validate a charter given as a dictionary (as read from TOML), resolving ``extends``."""
    resolved, lineage = resolve_extends(data, source, base_dir)
    try:
        charter = Charter.model_validate(resolved)
    except ValidationError as exc:
        problems = validation_problems(exc)
        if lineage:
            problems = [(f, m.replace("unknown field (", "unknown field: an override of a field "
                                      "the charter schema does not have (", 1))
                        for f, m in problems]
        raise InputError(source, problems) from None
    charter._lineage = lineage
    charter._own = {k: v for k, v in data.items() if k != "extends"} if lineage else {}
    charter._resolved = resolved
    return charter


def charter_toml(charter: Charter) -> str:
    """The charter with everything it extends filled in, as TOML (``charter show --resolved``)."""
    data = charter.model_dump(mode="json", exclude_none=True)
    head = [f"# {charter.id}: resolved"
            + (f" from {' <- '.join((charter.id, *charter.lineage))}" if charter.lineage else
               " (extends no charter)")]
    return "\n".join(head + _toml_table(data, ())) + "\n"


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    text = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _toml_key(k: str) -> str:
    return k if k.replace("-", "").replace("_", "").isalnum() else _toml_value(k)


def _toml_table(data: dict[str, Any], path: tuple[str, ...]) -> list[str]:
    def is_tables(v: Any) -> bool:
        return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)

    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items()
             if not isinstance(v, dict) and not is_tables(v)]
    for k, v in data.items():
        sub = (*path, _toml_key(k))
        if isinstance(v, dict):
            lines += ["", f"[{'.'.join(sub)}]", *_toml_table(v, sub)]
        elif is_tables(v):
            for item in v:
                lines += ["", f"[[{'.'.join(sub)}]]", *_toml_table(item, sub)]
    return lines


def _build(data: dict[str, Any], source: str, base_dir: Path | None) -> Charter:
    return charter_from_dict(data, source=source, base_dir=base_dir)


_LIBRARY: Library[Charter] = Library("charter", "foedus.rules", "charters", _build)


def builtin_charter_ids() -> list[str]:
    """Ids of the charters shipped with foedus."""
    return _LIBRARY.ids()


def load_charter(ref: str | Path | Charter) -> Charter:
    """Load a charter by built-in id (``un-1965``) or from a TOML file path."""
    if isinstance(ref, Charter):
        return ref
    return _LIBRARY.load(ref)


def builtin_charters() -> list[Charter]:
    """Every built-in charter, loaded and validated."""
    return [load_charter(c) for c in builtin_charter_ids()]


__all__ = [
    "BINDINGNESS_WEIGHT",
    "FIRST_DATE",
    "QUESTIONS",
    "Base",
    "Bindingness",
    "Body",
    "Charter",
    "ConveneRoute",
    "DecisionRule",
    "Exclusion",
    "Exit",
    "Fallback",
    "Kind",
    "Measure",
    "Membership",
    "Scope",
    "SeatHolder",
    "SelfDefence",
    "Spell",
    "SpellEnd",
    "StateCode",
    "Step",
    "Suspension",
    "builtin_charter_ids",
    "builtin_charters",
    "charter_from_dict",
    "charter_toml",
    "family_root",
    "load_charter",
    "merge_overrides",
    "parse_fraction",
    "reform_onto",
    "resolve_extends",
]
