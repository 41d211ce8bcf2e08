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

from . import data, engine, experiments, history, parameters, report, rules, seeding, validation, world
from ._errors import FoedusError, InputError, UnknownNameError
from ._version import __version__
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
    results_report,
    results_summary,
    results_table,
    sobol_indices,
    sweep,
)
from .history import Case, Prediction, Replay, builtin_case_ids, load_case, parse_change, predict, replay
from .report import write_report
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

from ._public import publish

publish(__name__, globals(), ["FoedusError", "InputError", "UnknownNameError"])
