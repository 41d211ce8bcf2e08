"""Events that were not votes: the schema of a case's ``[[events]]``.

A draft withdrawn or never put to the vote (with the votes pledged where known), a use of
force, a self-defence claim or an Art. 51 report, the Council's silence. They are recorded
with sources like the votes, and judged against the charter's rules by
:mod:`foedus.history.judge`. Fields that belong to other kinds are refused with a reason
(a withdrawn draft with votes, a silence with pledges) by :func:`event_problems`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import Field, field_validator

from .schema_base import CaseModel, States

#: Kinds of event and what each records.
EVENT_KINDS: dict[str, str] = {
    "draft-withdrawn": "a draft withdrawn by its sponsors before the vote",
    "draft-not-voted": "a draft circulated but never put to the vote",
    "use-of-force": "a use of armed force by one or more states",
    "self-defence-claim": "a claim of individual or collective self-defence",
    "self-defence-report": "a report of measures taken in self-defence to the Council (Art. 51)",
    "silence": "a period in which the body took no decision on the matter",
}
DRAFT_KINDS = ("draft-withdrawn", "draft-not-voted")
Justification = Literal["none", "self-defence", "collective-self-defence", "authorisation",
                        "humanitarian", "invitation", "other"]

#: Instruments whose articles events may cite, with the number of their articles.
INSTRUMENTS: dict[str, tuple[str, int]] = {
    "un charter": ("UN Charter", 111),
    "covenant": ("Covenant of the League of Nations", 26),
    "north atlantic treaty": ("North Atlantic Treaty", 14),
}
_ARTICLE = re.compile(r"\bArts?\.?\s*((?:\d+(?:\([^)]*\))*(?:\s*(?:,|and|–|-)\s*)?)+)")


class Pledged(CaseModel):
    """Votes pledged or announced for a draft that was not put to the vote."""

    yes: int | None = Field(None, ge=0, description="Members pledged to vote for it.")
    no: int | None = Field(None, ge=0, description="Members announcing a vote against.")
    abstain: int | None = Field(None, ge=0, description="Members announcing an abstention.")
    veto_threatened: States = Field(default_factory=list, description="Permanent members "
                                    "that announced a veto.")
    note: str = ""


class CaseEvent(CaseModel):
    """One event that was not a vote, judged by replay against the charter's rules."""

    kind: str = Field(description="One of EVENT_KINDS.")
    id: str = Field("", description="Short id or document symbol (S/2003/215).")
    date: dt.date
    end: dt.date | None = Field(None, description="Last day (an operation, a silence).")
    title: str = Field(description="What happened, in one line.")
    body: str | None = Field(None, description="The body concerned (drafts, silence).")
    draft: str = Field("", description="Draft symbol of a draft not voted on.")
    question: str | None = Field(None, description="Rule the draft would have been voted "
                                 "under (a key of the body's rules).")
    sponsors: States = Field(default_factory=list)
    actors: States = Field(default_factory=list, description="States using force, claiming "
                           "self-defence or reporting.")
    against: States = Field(default_factory=list, description="States force was used against.")
    organisation: str = Field("", description="Regional organisation acting (NATO).")
    justification: Justification = Field("none", description="Legal ground claimed for force.")
    authorised_by: str | None = Field(None, description="Decision of the case that authorised "
                                      "the force, if any.")
    armed_attack: str = Field("", description="The armed attack a self-defence claim invokes.")
    report: str = Field("", description="Symbol of the report to the Council (S/2001/946).")
    reported: dt.date | None = Field(None, description="Day the report was made.")
    pledged: Pledged | None = None
    article: str = Field("", description="Article invoked or at issue, as recorded.")
    # Refused with a reason for every kind (an event is not a vote); declared so that the
    # error says why instead of "extra field".
    yes: Any = None
    no: Any = None
    abstain: Any = None
    tally: Any = None
    outcome: Any = None
    notes: str = ""
    uncertain: str = ""
    sources: list[str] = Field(default_factory=list)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {v!r} (kinds: {', '.join(EVENT_KINDS)})")
        return v

    @property
    def label(self) -> str:
        """The event's symbol or id, or its kind."""
        return self.draft or self.id or self.kind


def article_problem(article: str) -> str | None:
    """Why ``article`` is not a known article of a known instrument, or None if it is."""
    m = _ARTICLE.search(article)
    if m is None:
        return (f"unknown article {article!r}: give it as \"UN Charter Art. 51\", \"Covenant "
                "Art. 16(1)\" or \"North Atlantic Treaty Art. 5\"")
    low = article.casefold()
    inst = next((v for k, v in INSTRUMENTS.items() if k in low), None)
    if inst is None:
        return (f"unknown article {article!r}: name the instrument ("
                f"{', '.join(v[0] for v in INSTRUMENTS.values())})")
    numbers = [int(n) for n in re.findall(r"(?<![(\d])(\d+)", m.group(1))]
    bad = [n for n in numbers if not 1 <= n <= inst[1]]
    if bad:
        return (f"unknown article {article!r}: the {inst[0]} has Arts 1–{inst[1]} "
                f"(no Art. {bad[0]})")
    return None


def event_problems(e: CaseEvent, path: str) -> list[tuple[str, str]]:
    """Fields given that do not belong to the event's kind, as (field path, message)."""
    out: list[tuple[str, str]] = []
    for f in ("yes", "no", "abstain", "tally", "outcome"):
        if getattr(e, f) is not None:
            why = ("a draft withdrawn or not put to the vote has no votes"
                   if e.kind in DRAFT_KINDS else f"a {e.kind} event is not a vote")
            out.append((f"{path}.{f}", f"{why}: record votes cast as a [[decisions]] entry, "
                        "and votes promised for a draft as pledged = { yes = 4 }"))
    is_draft = e.kind in DRAFT_KINDS
    if is_draft and not (e.draft or e.id):
        out.append((path, "a draft event needs its symbol (draft = \"S/2003/215\") or an id"))
    if (is_draft or e.kind == "silence") and e.body is None:
        out.append((f"{path}.body", f"a {e.kind} event needs the body (council, assembly)"))
    if e.pledged is not None and not is_draft:
        out.append((f"{path}.pledged", f"only a draft has pledged votes, not a {e.kind} event"))
    if e.question is not None and not is_draft:
        out.append((f"{path}.question", f"only a draft has a question, not a {e.kind} event"))
    if e.kind != "silence" and e.kind not in DRAFT_KINDS and not e.actors:
        out.append((f"{path}.actors", f"a {e.kind} event needs the states acting (actors)"))
    if e.kind == "self-defence-report" and not (e.report or e.reported):
        out.append((f"{path}.report", "a self-defence report needs its symbol or date"))
    if e.authorised_by is not None and e.kind != "use-of-force":
        out.append((f"{path}.authorised_by", f"only a use of force is authorised, not a "
                    f"{e.kind} event"))
    if e.end is not None and e.end < e.date:
        out.append((f"{path}.end", f"ends ({e.end}) before it begins ({e.date})"))
    if e.article:
        msg = article_problem(e.article)
        if msg:
            out.append((f"{path}.article", msg))
    return out


__all__ = [
    "DRAFT_KINDS",
    "EVENT_KINDS",
    "INSTRUMENTS",
    "CaseEvent",
    "Justification",
    "Pledged",
    "article_problem",
    "event_problems",
]
