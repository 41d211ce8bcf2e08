"""Delegation to a lead state (issue 18): authorised force is enforced by whoever leads it.

Off by default (``ModelSettings.delegation = "off"``): then every obliged member decides alone
whether to fight (engine/crisis/response.py) and the model's numbers are those without it.
With ``"lead-state"``, when the institution adopts a step authorising force (as the Security
Council did for Korea, S/RES/83-84 of 1950, and Kuwait, S/RES/678 of 1990) the enforcement is
delegated, as the Council has to for want of Art. 43 forces (Sarooshi 1999; Blokker 2000):

- **The lead** is the strongest *willing* obliged member at the target: among the members the
  step obliges to use force, those whose own stake ``u_i = benefit_i + m * ob_i`` is positive,
  the one with the largest capability projected at the target (the loss-of-strength gradient:
  the means to project force). ``benefit_i`` is the engine's own interest term (affinity to the
  target against the aggressor, the threat the aggressor poses to ``i``, a defence pact:
  :func:`~foedus.engine.crisis.response.response_terms`); ``ob_i`` is the obligation the
  authorisation puts on ``i`` (credibility times the step's weight) and ``m``
  (``delegation_mandate``) what the mandate adds to it: an authorisation lowers the political
  cost of force for the state that uses it (Voeten 2005, IO 59(3); Thompson 2006, IO 60(1)).
- **How far it goes**: the lead commits ``effort = min(1, u_L / cost_L)`` of its strength, with
  ``cost_L`` the engine's cost of force for it, which grows with the aggressor's strength at
  the target against the lead's there, so fighting far from home costs more. A lead with a
  small stake delivers a small part of the mandate: the agency slack of the delegate (Hawkins,
  Lake, Nielson & Tierney 2006, *Delegation and Agency in International Organizations*);
  whether coalitions of the willing act is shaped by the lead's interests (Coleman 2007,
  *International Organisations and Peace Enforcement*).
- **The coalition of the willing**: the other obliged members that chose to fight serve under
  the lead and go as far as it does (their strength at the target is scaled by the same
  effort). With no willing lead, no obliged member fights on the authorisation alone; allies
  in collective self-defence and balancers still fight on their own right.

No random draw is made: the rule is deterministic given the response's terms. The crisis
records the lead (``lead``) and its effort (``lead_effort``); the metrics read the share of the
authorised crises with a lead and the share of the mandate delivered (docs/delegation.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The delegation settings (``ModelSettings.delegation``): off, or to a lead state.
DELEGATIONS = ("off", "lead-state")


@dataclass(frozen=True)
class Delegation:
    """How authorised force is delegated: ``mandate`` is the weight ``m`` of the authorisation
    in the lead's stake (ModelSettings.delegation_mandate)."""

    mandate: float = 1.0


@dataclass(frozen=True)
class Delegated:
    """What the lead chose: who fights for the target, their strengths at it, the lead and the
    share of its strength it commits (``lead`` is -1 and ``effort`` 0 without a willing lead)."""

    contributors: BoolArray
    at_t: FloatArray
    lead: int
    effort: float


def delegate(rule: Delegation, *, obliged: BoolArray, ob_force: FloatArray,
             benefit: FloatArray, cost_force: FloatArray, at_t: FloatArray,
             contributors: BoolArray) -> Delegated:
    """The lead state, its effort and the coalition that fights under it (module docstring).

    ``obliged``: the members the step obliges to use force; ``ob_force`` their obligation;
    ``benefit`` and ``cost_force`` the response terms; ``at_t`` every state's capability
    projected at the target; ``contributors`` who the response model had fight for the target.
    Members outside ``obliged`` (allies, balancers) are left as they are.
    """
    stake = np.asarray(benefit, float) + float(rule.mandate) * np.asarray(ob_force, float)
    willing = np.asarray(obliged, bool) & (stake > 0.0)
    out = np.asarray(contributors, bool) & ~np.asarray(obliged, bool)
    scaled = np.asarray(at_t, float).copy()
    if not willing.any():
        return Delegated(contributors=out, at_t=scaled, lead=-1, effort=0.0)
    idx = np.flatnonzero(willing)
    lead = int(idx[np.argmax(scaled[idx])])
    cost = float(cost_force[lead])
    effort = 1.0 if cost <= 0.0 else min(1.0, float(stake[lead]) / cost)
    coalition = (np.asarray(contributors, bool) & np.asarray(obliged, bool))
    coalition[lead] = True
    scaled[coalition] *= effort
    return Delegated(contributors=out | coalition, at_t=scaled, lead=lead, effort=effort)


__all__ = ["DELEGATIONS", "Delegated", "Delegation", "delegate"]
