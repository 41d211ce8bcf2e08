"""One crisis, step by step: onset, attribution, deliberation, response, war, peacekeeping
and aftermath (docs/crisis.md, docs/model.md).

:func:`run_crisis` plays one aggression through a charter in a world and returns a
:class:`CrisisResult` whose trace names the article behind every step ("failed: negative vote
of a permanent member, S03 (UN Charter Arts 27(3), 39)"). Each phase lives in its own module
of this package; this one only runs them in order. Everything is vectorised over states;
every random draw comes from ``rng``, in the order of the phases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...rules.charter import Charter
from ...world.world import World
from ..appeasement import Appeasement, concede, discredit
from ..behaviour import Behaviour, as_behaviour
from ..delegation import Delegation
from ..institution import Institution
from .aftermath import aftermath
from .attribution import attribute, note_scope, onset
from .ballots import cast_ballots
from .context import Crisis, open_crisis, player_choices
from .deliberation import deliberate, obligations
from .peacekeeping import keep_peace
from .response import respond, response_terms
from .result import CrisisResult
from .war import fight


def run_crisis(world: World, charter: str | Charter, aggressor: int | str, target: int | str, *,
               rng: np.random.Generator, behaviour: Behaviour | dict[str, Any] | None = None,
               credibility: float = 1.0, institution: Institution | None = None,
               claims_self_defence: bool | None = None,
               absent: tuple[str, ...] | list[str] = (),
               choices: Mapping[str, Mapping[str, Any]] | None = None,
               trace: bool = True, delegation: Delegation | None = None,
               appeasement: Appeasement | None = None) -> CrisisResult:
    """Play one aggression of ``aggressor`` against ``target`` under ``charter``.

    MUTATES ``world``: capabilities after the war and the target's ``alive`` flag (state
    death); pass ``world.copy()`` to keep the input. ``credibility`` in [0, 1] scales every
    obligation; ``institution`` reuses a mapping of the charter onto the world (else one is
    made with ``rng``); ``claims_self_defence`` scripts the aggressor's claim (else drawn with
    ``behaviour.claim_probability``); ``absent`` names states that boycott every vote.
    ``choices`` fixes what some third states do, as a player would (``{"S05": {"vote": "no",
    "sanction": False, "force": True}}``, each key optional): every random draw is still made,
    so the other states meet the same crisis as without the choice. ``trace=False`` keeps no
    trace (``res.trace`` is empty), which spares translating the votes' reasons: the
    many-year model asks for none. ``delegation`` hands authorised force to a lead state
    (:mod:`foedus.engine.delegation`; None, the default: every obliged member decides alone).
    ``appeasement`` (None: off) lets a concession settle the crisis short of war
    (:mod:`foedus.engine.appeasement`).
    """
    c = open_crisis(world, charter, aggressor, target, rng=rng, beh=as_behaviour(behaviour),
                    credibility=credibility, institution=institution)
    c.choices = player_choices(world, choices or {})
    c.tracing = bool(trace)
    c.delegation = delegation
    if not onset(c, claims_self_defence):
        return _done(c)
    in_scope = note_scope(c)
    belief = attribute(c)
    terms = response_terms(world, c.a, c.t, c.beh, belief)
    cast = cast_ballots(c, belief, terms["fear"], absent)
    ob = obligations(c, deliberate(c, cast, in_scope))
    response = respond(c, terms, ob)
    if appeasement is not None and concede(c, response, appeasement):
        aftermath(c, response.obligated, response.contributors | response.sanctioners)
        discredit(c.res, appeasement)
        return _done(c)
    p_def = fight(c, response)
    if ob.peacekeeping:
        keep_peace(c, p_def, belief, ob.peacekeeping_weight, response.eligible)
    aftermath(c, response.obligated, response.contributors | response.sanctioners)
    return _done(c)


def _done(c: Crisis) -> CrisisResult:
    """The result, without its trace when none was asked for."""
    if not c.tracing:
        c.res.trace = []
    return c.res


__all__ = ["run_crisis"]
