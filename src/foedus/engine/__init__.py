"""The engine: states' behaviour, institutions, crises and the many-year model.

- :mod:`~foedus.engine.behaviour`: :class:`Behaviour` (every behavioural parameter) and the
  decision functions of states (votes, beliefs, the volunteer's dilemma);
- :mod:`~foedus.engine.institution`: :class:`Institution`, a charter mapped onto a world;
- :mod:`~foedus.engine.scope` and :mod:`~foedus.engine.contest`: what the crisis engine and the
  aggressor's forecast share (scope and obligations; the loss-of-strength gradient and the
  contest success function);
- :mod:`~foedus.engine.crisis`: :func:`run_crisis`, one crisis phase by phase
  (:class:`CrisisResult`, :class:`TraceEntry`);
- :mod:`~foedus.engine.forecast`: the aggressor's forecast of the response (:class:`Forecast`);
- :mod:`~foedus.engine.model`: the yearly loop (:class:`Model`, :func:`simulate`,
  :class:`RunResult`), with :mod:`~foedus.engine.settings` (:class:`ModelSettings`);
- :mod:`~foedus.engine.events`: the crisis log (:class:`CrisisEvent`);
- :mod:`~foedus.engine.metrics`: the metric registry (:class:`Metric`, :data:`REGISTRY`);
- :mod:`~foedus.engine.benefit`: who benefits, the size classes of states (:func:`size_of`);
- :mod:`~foedus.engine.threats`: kinds of threat drawn at rates (:func:`threat_rates`).
"""

from .._public import publish
from .behaviour import DECISION_MODELS, GRADIENTS, Behaviour, BehaviourError
from .benefit import GREAT_SHARE, MIDDLE_SHARE, OUTCOMES, SIZE_CLASSES, size_of
from .contest import Gradient, contest_success
from .crisis import CrisisResult, TraceEntry, response_terms, run_crisis
from .events import CrisisEvent
from .forecast import Forecast
from .institution import Institution
from .metrics import (
    COUNT_METRICS,
    GROUPS,
    KEY_METRICS,
    KINDS,
    LABELS,
    METRICS,
    REGISTRY,
    THREAT_METRICS,
    THREAT_OUTCOMES,
    Metric,
    RunData,
    run_metrics,
    summarise,
)
from .model import DEFAULTS, SERIES_COLUMNS, Model, RunResult, simulate
from .settings import ACTIVATIONS, ModelSettings, parse_settings
from .threats import THREAT_KINDS, threat_overrides, threat_rates

__all__ = [
    "ACTIVATIONS",
    "COUNT_METRICS",
    "DECISION_MODELS",
    "DEFAULTS",
    "GRADIENTS",
    "GREAT_SHARE",
    "GROUPS",
    "KEY_METRICS",
    "KINDS",
    "LABELS",
    "METRICS",
    "MIDDLE_SHARE",
    "OUTCOMES",
    "REGISTRY",
    "SERIES_COLUMNS",
    "SIZE_CLASSES",
    "THREAT_KINDS",
    "THREAT_METRICS",
    "THREAT_OUTCOMES",
    "Behaviour",
    "BehaviourError",
    "CrisisEvent",
    "CrisisResult",
    "Forecast",
    "Gradient",
    "Institution",
    "Metric",
    "Model",
    "ModelSettings",
    "RunData",
    "RunResult",
    "TraceEntry",
    "contest_success",
    "parse_settings",
    "response_terms",
    "run_crisis",
    "run_metrics",
    "simulate",
    "size_of",
    "summarise",
    "threat_overrides",
    "threat_rates",
]

publish(__name__, globals(), __all__)
