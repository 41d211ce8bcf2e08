"""``foedus.engine``: the model — states' behaviour, institutions in a world, the crisis engine
by phase, the aggressor's forecast, the yearly model and its metrics."""

from .._public import publish
from .behaviour import Behaviour, BehaviourError
from .crisis.run import CrisisResult, TraceEntry, run_crisis
from .institution import Institution
from .metrics import KEY_METRICS, METRICS
from .model import SERIES_COLUMNS, Model, RunResult, simulate
from .settings import ACTIVATIONS, ModelSettings, as_settings

__all__ = ["ACTIVATIONS", "KEY_METRICS", "METRICS", "SERIES_COLUMNS", "Behaviour",
           "BehaviourError", "CrisisResult", "Institution", "Model", "ModelSettings", "RunResult",
           "TraceEntry", "as_settings", "run_crisis", "simulate"]

publish(__name__, globals(), __all__)
