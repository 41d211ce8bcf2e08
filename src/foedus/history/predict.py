"""Predict each member's vote with the behavioural model, and score it against the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import FoedusError
from ..rules.voting import Vote
from .case import ALIGNMENTS, Case, load_case
from .record import Ballot, evaluate_ballot, recorded_ballot


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
        pd = evaluate_ballot(c, charter, d, pred_ballot, with_fallback=False)
        acc = sum(v.correct for v in vps) / len(vps) if vps else None
        out.append(DecisionPrediction(d.id, d.date, d.body, vps, acc, pd.outcome, d.outcome,
                                      pd.outcome == d.outcome,
                                      "–".join(map(str, pred_ballot.tally())), d.tally))
    if missing:
        notes.append("no alignment recorded (treated as non-aligned): "
                     + ", ".join(sorted(missing)))
    beh_dict = beh.to_dict() if hasattr(beh, "to_dict") else dict(beh.__dict__)
    return Prediction(c.id, beh_dict, out, notes)


__all__ = ["DecisionPrediction", "Prediction", "VotePrediction", "predict"]
