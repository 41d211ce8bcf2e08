"""``foedus.rules``: institutions as rules — the states, the charter schema, votes with their
reasons, exact voting power, and charters described and compared.

Built-in charters live in ``rules/charters/*.toml``; the state registry in ``rules/states.toml``.
"""

from .._public import publish
from .architecture import (
    Architecture,
    architecture_for_year,
    architecture_from_dict,
    builtin_architecture_ids,
    is_architecture,
    load_architecture,
)
from .charter import (
    BINDINGNESS_WEIGHT,
    QUESTIONS,
    Body,
    Charter,
    DecisionRule,
    Fallback,
    Step,
    builtin_charter_ids,
    builtin_charters,
    charter_from_dict,
    charter_toml,
    load_charter,
)
from .describe import compare_institutions, describe_charter, describe_rule
from .power import PowerIndices, VotingGame, power_indices
from .states import REGIONS, State, is_state, resolve_state, state_info, states
from .threat import Threat, builtin_threat_ids, load_threat, threat_from_dict
from .voting import Decision, FallbackOutcome, Vote, evaluate_vote, voting_game, voting_power

__all__ = [
    "BINDINGNESS_WEIGHT",
    "QUESTIONS",
    "REGIONS",
    "Architecture",
    "Body",
    "Charter",
    "Decision",
    "DecisionRule",
    "Fallback",
    "FallbackOutcome",
    "PowerIndices",
    "State",
    "Step",
    "Threat",
    "Vote",
    "VotingGame",
    "architecture_for_year",
    "architecture_from_dict",
    "builtin_architecture_ids",
    "builtin_charter_ids",
    "builtin_charters",
    "builtin_threat_ids",
    "charter_from_dict",
    "charter_toml",
    "compare_institutions",
    "describe_charter",
    "describe_rule",
    "evaluate_vote",
    "is_architecture",
    "is_state",
    "load_architecture",
    "load_charter",
    "load_threat",
    "power_indices",
    "resolve_state",
    "state_info",
    "states",
    "threat_from_dict",
    "voting_game",
    "voting_power",
]

publish(__name__, globals(), __all__)
