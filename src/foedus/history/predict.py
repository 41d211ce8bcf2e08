"""Predict each member's vote with the behavioural model, and score it against the record.

The prediction is scored only on what it predicted: every member named in the record (present,
absent or not participating) gets a predicted vote; an outcome is scored only when every vote
that decides it was predicted (no anonymous tally copied from the record). Abstention is
modelled explicitly (:class:`AbstentionModel`); absence is never predicted, and the confusion
matrix shows what that costs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import FoedusError
from ..rules.voting import Vote
from .case import ALIGNMENTS, Case, CaseDecision
from .library import builtin_case_ids, load_case
from .record import Ballot, evaluate_ballot, recorded_ballot

#: Vote classes of the confusion matrix, in order.
CLASSES = ("yes", "no", "abstain", "absent")
#: Measures whose "yes" commits the voter to coercion (Arts 41-42; Covenant Art. 16).
COERCIVE = ("sanctions", "force")


@dataclass(frozen=True)
class AbstentionModel:
    """When a member abstains: its utility lies within ``band`` of zero (the behaviour's
    ``abstain_band``), after a ``coercion_cost`` is taken from the utility of a yes vote on a
    coercive measure (sanctions, force) for every member not allied to the target. The cost
    stands for the reluctance of the non-aligned to commit to coercion (India, Egypt and
    Yugoslavia on S/RES/84; China on S/RES/678; Brazil, China, Germany, India, Russia on
    S/RES/1973); it is set by hand, not fitted, and the scores below are in-sample."""

    coercion_cost: float = 0.6

    def utility(self, util: np.ndarray, aligns: list[str], decision: CaseDecision) -> np.ndarray:
        """The utility of a yes vote after the cost of coercion."""
        if decision.measure not in COERCIVE or decision.yes_means != "act":
            return util
        exempt = np.array([a in ("target", "ally-of-target") for a in aligns], dtype=bool)
        return np.where(exempt, util, util - self.coercion_cost)


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
    predicted_outcome: str | None
    recorded_outcome: str
    outcome_correct: bool | None
    predicted_tally: str
    recorded_tally: str | None
    scored: bool = True
    outcome_scored: bool = False
    why_not: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        out = {k: v for k, v in self.__dict__.items() if k != "votes"}
        out["date"] = self.date.isoformat()
        out["votes"] = [v.to_dict() for v in self.votes]
        return out


def confusion(votes: Iterable[VotePrediction]) -> dict[str, dict[str, int]]:
    """Recorded class -> predicted class -> count, over :data:`CLASSES`."""
    m = {r: dict.fromkeys(CLASSES, 0) for r in CLASSES}
    for v in votes:
        m[v.recorded][v.predicted] += 1
    return m


def class_scores(votes: list[VotePrediction]) -> dict[str, dict[str, float | int | None]]:
    """Per class: how often recorded (support), predicted, recall and precision."""
    out: dict[str, dict[str, float | int | None]] = {}
    for c in CLASSES:
        rec = [v for v in votes if v.recorded == c]
        pred = [v for v in votes if v.predicted == c]
        hit = sum(v.correct for v in rec)
        out[c] = {"recorded": len(rec), "predicted": len(pred),
                  "recall": hit / len(rec) if rec else None,
                  "precision": hit / len(pred) if pred else None}
    return out


@dataclass
class Prediction:
    """Votes predicted by the behavioural model for a case, scored against the record."""

    case: str
    behaviour: dict[str, Any]
    decisions: list[DecisionPrediction]
    notes: list[str] = field(default_factory=list)
    abstention: AbstentionModel = field(default_factory=AbstentionModel)
    era: str = ""

    @property
    def votes(self) -> list[VotePrediction]:
        """Every predicted (hence scored) vote."""
        return [v for d in self.decisions for v in d.votes]

    @property
    def accuracy(self) -> float | None:
        """Share of predicted votes that match the record (None if there are none)."""
        vs = self.votes
        return sum(v.correct for v in vs) / len(vs) if vs else None

    @property
    def baseline_accuracy(self) -> float | None:
        """Accuracy of the naive prediction "every member votes yes", on the same votes."""
        vs = self.votes
        return sum(v.recorded == "yes" for v in vs) / len(vs) if vs else None

    @property
    def scored(self) -> list[DecisionPrediction]:
        """The decisions whose outcome was computed from predicted votes only."""
        return [d for d in self.decisions if d.outcome_scored]

    @property
    def outcome_accuracy(self) -> float | None:
        """Share of outcome-scored decisions whose outcome the predicted votes get right."""
        ds = self.scored
        return sum(bool(d.outcome_correct) for d in ds) / len(ds) if ds else None

    def confusion(self) -> dict[str, dict[str, int]]:
        """Recorded class -> predicted class -> count."""
        return confusion(self.votes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"case": self.case, "behaviour": self.behaviour,
                "abstention": asdict(self.abstention), "accuracy": self.accuracy,
                "baseline_accuracy": self.baseline_accuracy,
                "outcome_accuracy": self.outcome_accuracy, "n_votes": len(self.votes),
                "n_outcomes_scored": len(self.scored), "confusion": self.confusion(),
                "classes": class_scores(self.votes), "notes": self.notes,
                "decisions": [d.to_dict() for d in self.decisions]}


def _behaviour(behaviour: Any) -> Any:
    from ..engine.behaviour import Behaviour

    if behaviour is None:
        return Behaviour()
    if isinstance(behaviour, Behaviour):
        return behaviour
    if isinstance(behaviour, Mapping):
        return Behaviour(**dict(behaviour))
    raise FoedusError(f"behaviour must be a Behaviour or a dict, got {type(behaviour)}")


def predict(case: str | Path | Case, *, behaviour: Any = None,
            abstention: AbstentionModel | None = None) -> Prediction:
    """Predict the vote of every member named in the record, and score it.

    Inputs per member come from the case: the belief that the accused is the aggressor (from
    the case's ``ambiguity``, or the behaviour's, raised when the accused claimed self-defence),
    the affinities to target and aggressor (the coarse ``alignments`` table,
    :data:`ALIGNMENTS`) and fear (the case's ``fear`` table, default 0); the abstention model
    is :class:`AbstentionModel`. Members recorded absent are predicted too (the model never
    predicts absence: the confusion matrix counts those misses); anonymous votes cannot be
    predicted, so a decision with any is not outcome-scored. ``yes_means = "relent"`` reverses
    the utility; ``"neutral"`` decisions are not scored at all.
    """
    c = load_case(case)
    beh = _behaviour(behaviour)
    model = abstention or AbstentionModel()
    rho = c.ambiguity if c.ambiguity is not None else float(beh.ambiguity)
    if c.parties.self_defence_claim:
        rho = min(1.0, rho + float(beh.self_defence_claim))
    notes = [f"belief that the accused is the aggressor: 1 - ambiguity / 2 = {1 - rho / 2:.2f}, "
             "shifted by each member's affinity to the parties"
             + (" (the accused claimed self-defence)" if c.parties.self_defence_claim else ""),
             f"abstention: |utility| < {float(beh.abstain_band):.2f}, after a coercion cost of "
             f"{model.coercion_cost:.2f} on sanctions and force for members not allied to the "
             "target; absence is never predicted"]
    missing: set[str] = set()
    out = [_predict_decision(c, d, rho, beh, model, missing) for d in c.decisions]
    if missing:
        notes.append("no alignment recorded (treated as non-aligned): "
                     + ", ".join(sorted(missing)))
    beh_dict = beh.to_dict() if hasattr(beh, "to_dict") else dict(beh.__dict__)
    return Prediction(c.id, beh_dict, out, notes, model, era_of(c))


def _alignment(c: Case, d: CaseDecision, state: str, missing: set[str]) -> str:
    p = d.parties or c.parties
    if state in p.aggressor:
        return "aggressor"
    if state in p.target:
        return "target"
    a = d.alignments.get(state, c.alignments.get(state))
    if a is None:
        missing.add(state)
        return "non-aligned"
    return a


def _predict_decision(c: Case, d: CaseDecision, rho: float, beh: Any, model: AbstentionModel,
                      missing: set[str]) -> DecisionPrediction:
    from ..engine.behaviour import beliefs, cast_votes, vote_utility

    charter = c.load_charter()
    ballot = recorded_ballot(c, charter, d)
    recorded_tally = "–".join(map(str, ballot.tally()))
    if d.yes_means == "neutral":
        return DecisionPrediction(d.id, d.date, d.body, [], None, None, d.outcome, None,
                                  "—", d.tally or recorded_tally, scored=False,
                                  why_not="neutral: not a vote on the accused")
    voters = list(ballot.votes)
    aligns = [_alignment(c, d, s, missing) for s in voters]
    at = np.array([ALIGNMENTS[a][0] for a in aligns], dtype=float)
    aa = np.array([ALIGNMENTS[a][1] for a in aligns], dtype=float)
    fear = np.array([c.fear.get(s, 0.0) for s in voters], dtype=float)
    belief = beliefs(rho, at, aa, beh)  # no noise: a deterministic prediction
    util = np.asarray(vote_utility(belief, at, aa, fear, beh), dtype=float)
    util = model.utility(-util if d.yes_means == "relent" else util, aligns, d)
    cast = [str(getattr(v, "value", v)) for v in cast_votes(util, beh)] if voters else []
    vps = [VotePrediction(d.id, s, aligns[k], float(belief[k]), float(at[k]), float(aa[k]),
                          float(fear[k]), float(util[k]), cast[k], ballot.votes[s].value,
                          cast[k] == ballot.votes[s].value) for k, s in enumerate(voters)]
    pred = Ballot({v.state: Vote(v.predicted) for v in vps}, dict(ballot.counts), [])
    acc = sum(v.correct for v in vps) / len(vps) if vps else None
    why = ("" if vps and not ballot.counts and not ballot.unknown_kinds else
           "part of the tally is unknown (not predicted)" if vps and ballot.unknown_kinds else
           "part of the tally is anonymous (copied, not predicted)" if vps else
           "no named votes to predict")
    if why:
        return DecisionPrediction(d.id, d.date, d.body, vps, acc, None, d.outcome, None,
                                  "–".join(map(str, pred.tally())), d.tally or recorded_tally,
                                  why_not=why)
    outcome = evaluate_ballot(c, charter, d, pred, with_fallback=False).outcome
    return DecisionPrediction(d.id, d.date, d.body, vps, acc, outcome, d.outcome,
                              outcome == d.outcome, "–".join(map(str, pred.tally())),
                              d.tally or recorded_tally, outcome_scored=True)


def era_of(c: Case) -> str:
    """The era a case belongs to, for the scores per body and era."""
    first = c.years[0]
    return ("League (1920–1946)" if first < 1946 else "Cold War (1946–1989)" if first < 1990
            else "after 1990")


def body_kind(c: Case, d: DecisionPrediction) -> str:
    """``"UN Security Council"``, ``"UN General Assembly"``, ``"League Council"``, ..."""
    name = c.load_charter().body(d.body).name
    family = c.load_charter().lineage[-1] if c.load_charter().lineage else c.charter
    org = ("UN" if family.startswith("un") else "League" if family.startswith("league")
           else family.upper())
    return name if org in name else f"{org} {name}"


@dataclass
class Score:
    """Accuracy of predicted votes against the all-yes baseline, on one group of votes."""

    group: str
    votes: int
    accuracy: float | None
    baseline: float | None
    outcomes: int
    outcomes_right: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return asdict(self)


def scores_by_group(predictions: Iterable[Prediction]) -> list[Score]:
    """Accuracy against the all-yes baseline per body and era, and over all votes."""
    groups: dict[str, list[VotePrediction]] = {}
    outcomes: dict[str, list[bool]] = {}
    for p in predictions:
        c = load_case(p.case)
        for d in p.decisions:
            if not d.scored:
                continue
            key = f"{body_kind(c, d)} · {p.era}"
            groups.setdefault(key, []).extend(d.votes)
            if d.outcome_scored:
                outcomes.setdefault(key, []).append(bool(d.outcome_correct))
    rows = [_score(k, groups[k], outcomes.get(k, [])) for k in sorted(groups)]
    rows.append(_score("all", [v for k in groups for v in groups[k]],
                       [o for k in outcomes for o in outcomes[k]]))
    return rows


def _score(group: str, votes: list[VotePrediction], outs: list[bool]) -> Score:
    n = len(votes)
    return Score(group, n, sum(v.correct for v in votes) / n if n else None,
                 sum(v.recorded == "yes" for v in votes) / n if n else None,
                 len(outs), sum(outs))


def predict_all(cases: Iterable[str | Path | Case] | None = None, *, behaviour: Any = None,
                abstention: AbstentionModel | None = None) -> list[Prediction]:
    """:func:`predict` over ``cases`` (default: every built-in case)."""

    return [predict(c, behaviour=behaviour, abstention=abstention)
            for c in (cases if cases is not None else builtin_case_ids())]


__all__ = [
    "CLASSES",
    "AbstentionModel",
    "DecisionPrediction",
    "Prediction",
    "Score",
    "VotePrediction",
    "class_scores",
    "confusion",
    "predict",
    "predict_all",
    "scores_by_group",
]
