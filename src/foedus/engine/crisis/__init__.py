"""The crisis engine: one aggression played through a charter, phase by phase.

- :mod:`~foedus.engine.crisis.attribution`: onset, scope and who believes whom;
- :mod:`~foedus.engine.crisis.ballots` and :mod:`~foedus.engine.crisis.deliberation`: the
  charter's procedure, its votes (vetoes, fallbacks) and the obligations it leaves;
- :mod:`~foedus.engine.crisis.response`: who sanctions, who fights, who joins the aggressor;
- :mod:`~foedus.engine.crisis.war`, :mod:`~foedus.engine.crisis.peacekeeping`,
  :mod:`~foedus.engine.crisis.aftermath`: the war, consent-based peacekeeping, credibility
  and exits;
- :mod:`~foedus.engine.crisis.result`: :class:`CrisisResult` and :class:`TraceEntry`;
- :mod:`~foedus.engine.crisis.run`: :func:`run_crisis`, which runs the phases in order.
"""

from .response import response_terms
from .result import CrisisResult, TraceEntry
from .run import run_crisis

__all__ = ["CrisisResult", "TraceEntry", "response_terms", "run_crisis"]
