"""foedus: a laboratory for collective security.

States agree that aggression against one concerns all and respond together; foedus lets you
define such systems as charters (data, not code), evaluate votes and voting power, simulate
crises and many-year worlds, replay history and compare systems over many replications.
"""

from __future__ import annotations

__version__ = "0.1.0"

from ._analysis import export_results, results_report, results_summary, results_table, sobol_indices
from ._behaviour import Behaviour, BehaviourError
from ._cases import (
    Case,
    Prediction,
    Replay,
    builtin_case_ids,
    builtin_cases,
    load_case,
    parse_change,
    predict,
    replay,
)
from ._charter import (
    BINDINGNESS_WEIGHT,
    Body,
    Charter,
    DecisionRule,
    Fallback,
    Step,
    builtin_charter_ids,
    builtin_charters,
    charter_from_dict,
    load_charter,
)
from ._compare import Comparison, compare
from ._crisis import CrisisResult, TraceEntry, run_crisis
from ._data import (
    ChecksumError,
    MissingDataError,
    capability_concentration,
    data_dir,
    dyad_years,
    fetch,
    import_data,
    load_atop_dyads,
    load_atop_members,
    load_capdist,
    load_capitals,
    load_contiguity,
    load_majors,
    load_mid_disputes,
    load_mid_participants,
    load_nmc,
    load_states,
    load_vetoes,
    load_wars,
    plot_concentration,
    plot_vetoes,
    s_scores,
    un_members,
    veto_statistics,
    world_for_year,
    worlds,
)
from ._data import status as data_status
from ._describe import compare_institutions, describe_charter
from ._errors import FoedusError, InputError, UnknownNameError
from ._experiment import (
    Experiment,
    builtin_experiment_ids,
    builtin_experiments,
    load_experiment,
)
from ._institution import Institution
from ._metrics import METRICS
from ._model import Model, RunResult, simulate
from ._power import PowerIndices, VotingGame, power_indices
from ._runner import RunTask, SerialExecutor, SweepResult, open_executor, run_one, sweep
from ._states import REGIONS, State, resolve_state, state_info, states
from ._store import ResultStore
from ._voting import Decision, FallbackOutcome, Vote, evaluate_vote, voting_game, voting_power
from ._world import (
    CONSULTATION,
    DEFENCE,
    NEUTRALITY,
    NONAGGRESSION,
    OFFENCE,
    World,
    generate_world,
    load_world,
)

__all__ = [
    "BINDINGNESS_WEIGHT",
    "CONSULTATION",
    "DEFENCE",
    "METRICS",
    "NEUTRALITY",
    "NONAGGRESSION",
    "OFFENCE",
    "REGIONS",
    "Behaviour",
    "BehaviourError",
    "Body",
    "Case",
    "Charter",
    "ChecksumError",
    "Comparison",
    "CrisisResult",
    "Decision",
    "DecisionRule",
    "Experiment",
    "Fallback",
    "FallbackOutcome",
    "FoedusError",
    "InputError",
    "Institution",
    "MissingDataError",
    "Model",
    "PowerIndices",
    "Prediction",
    "Replay",
    "ResultStore",
    "RunResult",
    "RunTask",
    "SerialExecutor",
    "State",
    "Step",
    "SweepResult",
    "TraceEntry",
    "UnknownNameError",
    "Vote",
    "VotingGame",
    "World",
    "__version__",
    "builtin_case_ids",
    "builtin_cases",
    "builtin_charter_ids",
    "builtin_charters",
    "builtin_experiment_ids",
    "builtin_experiments",
    "capability_concentration",
    "charter_from_dict",
    "compare",
    "compare_institutions",
    "data_dir",
    "data_status",
    "describe_charter",
    "dyad_years",
    "evaluate_vote",
    "export_results",
    "fetch",
    "generate_world",
    "import_data",
    "load_atop_dyads",
    "load_atop_members",
    "load_capdist",
    "load_capitals",
    "load_case",
    "load_charter",
    "load_contiguity",
    "load_experiment",
    "load_majors",
    "load_mid_disputes",
    "load_mid_participants",
    "load_nmc",
    "load_states",
    "load_vetoes",
    "load_wars",
    "load_world",
    "open_executor",
    "parse_change",
    "plot_concentration",
    "plot_vetoes",
    "power_indices",
    "predict",
    "replay",
    "resolve_state",
    "results_report",
    "results_summary",
    "results_table",
    "run_crisis",
    "run_one",
    "s_scores",
    "simulate",
    "sobol_indices",
    "state_info",
    "states",
    "sweep",
    "un_members",
    "veto_statistics",
    "voting_game",
    "voting_power",
    "world_for_year",
    "worlds",
]
