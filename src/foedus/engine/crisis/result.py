"""What a crisis leaves behind: :class:`CrisisResult` and its trace of :class:`TraceEntry` lines."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


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
    war_rounds: int = 0
    spread_defenders: list[str] = field(default_factory=list)
    spread_aggressors: list[str] = field(default_factory=list)
    lead: str | None = None        # the lead state of delegated force (engine/delegation.py)
    lead_effort: float | None = None  # the share of its strength the lead committed
    conceded: bool = False             # settled by a concession (engine/appeasement.py)
    concession_by: str | None = None   # "target" or "institution" (pressed)
    concession: float = 0.0            # the capability transferred by the concession

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


__all__ = ["CrisisResult", "TraceEntry"]
