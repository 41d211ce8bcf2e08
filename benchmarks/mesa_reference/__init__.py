"""A reference implementation of foedus's model core in Mesa 3.3, for benchmarks and
cross-checks (issue 16).

Written as a Mesa user would write it: a :class:`mesa.Model` with one :class:`mesa.Agent` per
state, the agents in an ``AgentSet`` activated in random order each year, and a
``DataCollector`` for the yearly series. It uses foedus only where a Mesa user of foedus would:
the rules layer (charters, :func:`foedus.evaluate_vote`, the state registry) and a synthetic
world (:func:`foedus.generate_world`) as input. The yearly loop, the aggressors' decisions, the
crisis, the votes cast, the responses and the war are its own agent-based code.

It covers self-help, ideal collective security (``collective-security``) and the Security
Council of 15 (``un-1965``) on synthetic worlds, with the default behaviour and settings
(disputes that end short of war, mediation, wars that last and spread, diluted pacts and the
territorial stake, rivalry and
the norm against conquest included; births of new states, which are off by default, are not), and
reproduces foedus's
crisis sequence event for event when it draws the same random numbers in the same order from
the same generator (``tests/test_mesa_reference.py``). Install Mesa with the optional extra:
``pip install -e '.[mesa]'``.
"""

from __future__ import annotations

from .model import SUPPORTED, SecurityModel, StateAgent, event_key, run_reference

__all__ = ["SUPPORTED", "SecurityModel", "StateAgent", "event_key", "run_reference"]
