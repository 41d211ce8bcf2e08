"""foedus: a laboratory for collective security.

States agree that aggression against one concerns all and respond together; foedus lets you
define such systems as charters (data, not code), evaluate votes and voting power, simulate
crises and many-year worlds, replay history and compare systems over many replications.
"""

from __future__ import annotations

__version__ = "0.1.0"

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
from ._crisis import CrisisResult, TraceEntry, run_crisis
from ._describe import compare_institutions, describe_charter
from ._errors import FoedusError, InputError, UnknownNameError
from ._institution import Institution
from ._power import PowerIndices, VotingGame, power_indices
from ._states import REGIONS, State, resolve_state, state_info, states
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
    "NEUTRALITY",
    "NONAGGRESSION",
    "OFFENCE",
    "REGIONS",
    "Behaviour",
    "BehaviourError",
    "Body",
    "Case",
    "Charter",
    "CrisisResult",
    "Decision",
    "DecisionRule",
    "Fallback",
    "FallbackOutcome",
    "FoedusError",
    "InputError",
    "Institution",
    "PowerIndices",
    "Prediction",
    "Replay",
    "State",
    "Step",
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
    "charter_from_dict",
    "compare_institutions",
    "describe_charter",
    "evaluate_vote",
    "generate_world",
    "load_case",
    "load_charter",
    "load_world",
    "parse_change",
    "power_indices",
    "predict",
    "replay",
    "run_crisis",
    "resolve_state",
    "state_info",
    "states",
    "voting_game",
    "voting_power",
]
