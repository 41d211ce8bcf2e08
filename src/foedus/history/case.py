"""The case schema: what a historical case file records, and how it is loaded.

A case file (TOML, documented in ``docs/cases.md``) records, with sources, the bodies as they
sat on the day (permanent seat holders, elected members, attendance), the parties, the votes as
cast and the decisions as recorded, and what followed. :func:`load_case` reads and validates
one (against its charter, with :func:`foedus.history.record.check_case`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    field_validator,
)

from .._errors import UnknownNameError
from .._toml import year_problem
from ..rules.charter import Bindingness, Charter, load_charter
from ..rules.voting import Vote
from .events import CaseEvent
from .schema_base import CaseModel, States, _state_keys

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


class Source(CaseModel):
    """A source cited by the case: an id (as in rules_and_cases.md) and the full reference."""

    id: str = Field(description="Short id cited by decisions (e.g. K1).")
    ref: str = Field(description="Full reference: author, title, publisher or address, date.")
    checked: bool = Field(True, description="False when the fact is uncertain (⚠).")
    note: str = ""


class Parties(CaseModel):
    """The parties to the dispute."""

    aggressor: States = Field(default_factory=list, description="The state(s) accused.")
    target: States = Field(default_factory=list, description="The state(s) attacked.")
    others: States = Field(default_factory=list, description="Other parties to the dispute.")
    self_defence_claim: bool = Field(False, description="The accused claimed self-defence.")
    note: str = ""


class CaseBody(CaseModel):
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


class Attendance(CaseModel):
    """States absent from (or not participating in) a body's votes over a period."""

    body: str
    states: States
    status: Literal["absent", "not-participating"] = "absent"
    start: dt.date | None = None
    end: dt.date | None = Field(None, description="Last day absent (inclusive).")
    note: str = ""
    sources: list[str] = Field(default_factory=list)


class Counts(CaseModel):
    """Anonymous votes, for tallies recorded without names."""

    yes: int = Field(0, ge=0)
    no: int = Field(0, ge=0)
    abstain: int = Field(0, ge=0)
    absent: int = Field(0, ge=0)


class CaseDecision(CaseModel):
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


class Followed(CaseModel):
    """A narrative item: what followed (or preceded) the recorded votes."""

    date: dt.date | None = None
    when: str = Field("", description="A period when no single date fits (Oct–Nov 1935).")
    text: str
    article: str = ""
    uncertain: str = ""
    sources: list[str] = Field(default_factory=list)


class Case(CaseModel):
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
    events: list[CaseEvent] = Field(default_factory=list, description="Events that were not "
                                    "votes (drafts withdrawn, force, self-defence, silence).")
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

    @field_validator("years")
    @classmethod
    def _year_bound(cls, v: list[int]) -> list[int]:
        for year in v:
            msg = year_problem(year)
            if msg:
                raise ValueError(msg)
        if len(v) == 2 and v[1] < v[0]:
            raise ValueError(f"the last year {v[1]} is before the first {v[0]}")
        return v

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


def parse_tally(text: str) -> tuple[int, int, int]:
    """``"9–0–1"`` -> (9, 0, 1); ``"42–1"`` -> (42, 1, 0)."""
    m = _TALLY.match(text)
    if not m:
        raise ValueError(f"tally {text!r} is not of the form for–against–abstain (e.g. 9–0–1)")
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


__all__ = [
    "ALIGNMENTS",
    "VOTE_WORDS",
    "Alignment",
    "Attendance",
    "Case",
    "CaseBody",
    "CaseDecision",
    "CaseMeasure",
    "Counts",
    "Followed",
    "Parties",
    "Source",
    "States",
    "parse_tally",
]
