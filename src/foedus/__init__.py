"""foedus: a laboratory for collective security.

States agree that aggression against one concerns all and respond together; foedus lets you
define such systems as charters (data, not code), evaluate votes and voting power, simulate
crises and many-year worlds, replay history and compare systems over many replications.

The top level holds the verbs of a session and the objects they return. Everything else lives
in namespaces named after what they hold, in the order they depend on each other:
:mod:`foedus.rules` (states, charters, votes, voting power) → :mod:`foedus.world` →
:mod:`foedus.data` (worlds from the Correlates of War and ATOP) → :mod:`foedus.engine` (the
model) → :mod:`foedus.experiments` and :mod:`foedus.history` → :mod:`foedus.report`, with
:mod:`foedus.parameters` and :mod:`foedus.seeding` underneath all of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._errors import FoedusError, InputError, UnknownNameError
from ._public import publish
from ._version import __version__

if TYPE_CHECKING:  # the names, for type checkers; at run time they load on first use
    from . import (
        data,
        engine,
        experiments,
        history,
        parameters,
        report,
        rules,
        seeding,
        validation,
        world,
    )
    from .data import world_for_year
    from .engine import (
        METRICS,
        Behaviour,
        CrisisResult,
        Model,
        ModelSettings,
        RunResult,
        run_crisis,
        simulate,
    )
    from .experiments import (
        Comparison,
        Experiment,
        builtin_experiment_ids,
        compare,
        export_results,
        load_experiment,
        results_summary,
        results_table,
        sobol_indices,
        sweep,
    )
    from .history import Case, Prediction, Replay, builtin_case_ids, load_case, parse_change, predict, replay
    from .report import results_report, write_report
    from .rules import (
        Charter,
        Decision,
        PowerIndices,
        builtin_charter_ids,
        charter_from_dict,
        compare_institutions,
        describe_charter,
        evaluate_vote,
        load_charter,
        power_indices,
        resolve_state,
        state_info,
        states,
        voting_game,
        voting_power,
    )
    from .world import World, WorldSpec, generate_world, load_world

#: The namespaces, imported on first use (``foedus.data``, ``foedus.engine``, ...).
_NAMESPACES = frozenset({"data", "engine", "experiments", "history", "parameters", "report",
                         "rules", "seeding", "validation", "world"})
#: Top-level name -> the namespace it comes from, imported on first use: ``import foedus``
#: itself loads neither pandas nor SciPy nor the case files (start-up, issue 16).
_LAZY: dict[str, str] = {
    "world_for_year": "data",
    "Behaviour": "engine",
    "CrisisResult": "engine",
    "METRICS": "engine",
    "Model": "engine",
    "ModelSettings": "engine",
    "RunResult": "engine",
    "run_crisis": "engine",
    "simulate": "engine",
    "Comparison": "experiments",
    "Experiment": "experiments",
    "builtin_experiment_ids": "experiments",
    "compare": "experiments",
    "export_results": "experiments",
    "load_experiment": "experiments",
    "results_summary": "experiments",
    "results_table": "experiments",
    "sobol_indices": "experiments",
    "sweep": "experiments",
    "Case": "history",
    "Prediction": "history",
    "Replay": "history",
    "builtin_case_ids": "history",
    "load_case": "history",
    "parse_change": "history",
    "predict": "history",
    "replay": "history",
    "results_report": "report",
    "write_report": "report",
    "Charter": "rules",
    "Decision": "rules",
    "PowerIndices": "rules",
    "builtin_charter_ids": "rules",
    "charter_from_dict": "rules",
    "compare_institutions": "rules",
    "describe_charter": "rules",
    "evaluate_vote": "rules",
    "load_charter": "rules",
    "power_indices": "rules",
    "resolve_state": "rules",
    "state_info": "rules",
    "states": "rules",
    "voting_game": "rules",
    "voting_power": "rules",
    "World": "world",
    "WorldSpec": "world",
    "generate_world": "world",
    "load_world": "world",
}


def __getattr__(name: str) -> Any:
    """Load a top-level name or namespace when it is first used (PEP 562)."""
    if name in _NAMESPACES:
        value = importlib.import_module(f"{__name__}.{name}")
    elif name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "METRICS",
    "Behaviour",
    "Case",
    "Charter",
    "Comparison",
    "CrisisResult",
    "Decision",
    "Experiment",
    "FoedusError",
    "InputError",
    "Model",
    "ModelSettings",
    "PowerIndices",
    "Prediction",
    "Replay",
    "RunResult",
    "UnknownNameError",
    "World",
    "WorldSpec",
    "__version__",
    "builtin_case_ids",
    "builtin_charter_ids",
    "builtin_experiment_ids",
    "charter_from_dict",
    "compare",
    "compare_institutions",
    "data",
    "describe_charter",
    "engine",
    "evaluate_vote",
    "experiments",
    "export_results",
    "generate_world",
    "history",
    "load_case",
    "load_charter",
    "load_experiment",
    "load_world",
    "parameters",
    "parse_change",
    "power_indices",
    "predict",
    "replay",
    "report",
    "resolve_state",
    "results_report",
    "results_summary",
    "results_table",
    "rules",
    "run_crisis",
    "seeding",
    "simulate",
    "sobol_indices",
    "state_info",
    "states",
    "sweep",
    "validation",
    "voting_game",
    "voting_power",
    "world",
    "world_for_year",
    "write_report",
]

publish(__name__, globals(), ["FoedusError", "InputError", "UnknownNameError"])
