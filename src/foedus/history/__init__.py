"""``foedus.history``: recorded crises as data — the case schema, the record, replay through
the rules with what-ifs, and prediction of the votes. Built-in cases live in ``history/cases``."""

from .._public import publish
from .case import (
    Case,
    DecisionReplay,
    Prediction,
    Replay,
    builtin_case_ids,
    builtin_cases,
    load_case,
    parse_change,
    predict,
    replay,
)

__all__ = ["Case", "DecisionReplay", "Prediction", "Replay", "builtin_case_ids", "builtin_cases", "load_case",
           "parse_change", "predict", "replay"]

publish(__name__, globals(), __all__)
