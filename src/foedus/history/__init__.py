"""The historical case library: the record as it happened, replayed through the rules.

- :mod:`.case`: the case schema (sources, parties, bodies on the day, decisions) and loading;
- :mod:`.record`: the recorded ballot, the seat holders on the day, and :func:`check_case`;
- :mod:`.replay`: :func:`replay` of the record, vote changes and other charters ("what if");
- :mod:`.predict`: :func:`predict`, the behavioural model's votes scored against the record.
"""

from __future__ import annotations

from .._public import publish
from .case import ALIGNMENTS, Case, CaseDecision, parse_tally
from .events import EVENT_KINDS, CaseEvent, Pledged
from .judge import EventJudgement, judge_events
from .library import builtin_case_ids, builtin_cases, case_from_dict, load_case
from .predict import (
    CLASSES,
    AbstentionModel,
    DecisionPrediction,
    Prediction,
    VotePrediction,
    class_scores,
    confusion,
    predict,
    predict_all,
    scores_by_group,
)
from .record import check_case, parse_tally_parts
from .replay import DecisionReplay, Replay, VoteChange, WhatIf, load_what_if, parse_change, replay

__all__ = [
    "ALIGNMENTS",
    "CLASSES",
    "EVENT_KINDS",
    "AbstentionModel",
    "Case",
    "CaseDecision",
    "CaseEvent",
    "DecisionPrediction",
    "DecisionReplay",
    "EventJudgement",
    "Pledged",
    "Prediction",
    "Replay",
    "VoteChange",
    "VotePrediction",
    "WhatIf",
    "builtin_case_ids",
    "builtin_cases",
    "case_from_dict",
    "check_case",
    "class_scores",
    "confusion",
    "judge_events",
    "load_case",
    "load_what_if",
    "parse_change",
    "parse_tally",
    "parse_tally_parts",
    "predict",
    "predict_all",
    "replay",
    "scores_by_group",
]

publish(__name__, globals(), __all__)
