"""Onset, scope and attribution: who attacks whom, whether the charter applies, who believes it.

The aggressor may claim self-defence (drawn with ``claim_probability`` unless scripted), which
raises the ambiguity of attribution; every third state then forms a belief that the accused is
the aggressor (:func:`foedus.engine.behaviour.beliefs`). Whether the institution is engaged at
all is the charter's scope (:func:`foedus.engine.scope.scope_reason`).
"""

from __future__ import annotations

import numpy as np

from ..behaviour import attribution_ambiguity, beliefs
from ..scope import scope_reason
from .context import Crisis, FloatArray
from .result import TraceEntry


def onset(c: Crisis, claims_self_defence: bool | None) -> bool:
    """The attack and the aggressor's claim; False when a party no longer exists (no crisis)."""
    world, A, T = c.world, c.A, c.T
    if not (world.alive[c.a] and world.alive[c.t]):
        dead = ", ".join(code for code, i in ((A, c.a), (T, c.t)) if not world.alive[i])
        c.trace.append(TraceEntry("onset", f"no crisis: {dead} no longer exist(s)", ""))
        return False
    claim = bool(c.rng.random() < float(c.beh.claim_probability)) if claims_self_defence is None \
        else bool(claims_self_defence)
    c.res.claimed_self_defence = claim
    c.trace.append(TraceEntry("onset", f"{A} attacks {T}"
                              + (" and claims self-defence" if claim else ""), ""))
    return True


def note_scope(c: Crisis) -> bool:
    """Whether the attack engages the institution; the trace says why or why not."""
    ch = c.charter
    sc = ch.scope
    in_scope = c.inst.in_scope(c.a, c.t)
    c.res.in_scope = in_scope
    if sc.coalitions == "institution" and sc.protects != "nobody":
        why = "in scope" if in_scope else "not in scope: " + scope_reason(c.inst, c.a, c.t)
        c.trace.append(TraceEntry("scope", f"{why} ({sc.protects} protected against "
                                  f"{sc.against} aggressor)", sc.article))
    else:
        c.trace.append(TraceEntry("scope", f"no institution ({ch.kind})", sc.article))
    return in_scope


def attribute(c: Crisis) -> FloatArray:
    """Each state's belief that the accused is the aggressor (the parties know); also whether
    the aggressor holds or is protected by a veto (selective security)."""
    world, beh, res = c.world, c.beh, c.res
    a, t, n = c.a, c.t, world.n
    rho = attribution_ambiguity(beh, res.claimed_self_defence)
    res.ambiguity = rho
    b = beliefs(rho, world.affinity[:, t], world.affinity[:, a], beh, c.rng)
    b[t], b[a] = 1.0, 0.0
    alive = world.alive.astype(bool)
    res.mean_belief = float(b[alive & (np.arange(n) != a) & (np.arange(n) != t)].mean()) \
        if alive.sum() > 2 else float("nan")
    c.trace.append(TraceEntry("attribution", f"ambiguity rho = {rho:.2f}; mean belief that "
                              f"{c.A} is the aggressor {res.mean_belief:.2f}", ""))
    res.veto_protected = c.inst.veto_protected(a, affinity_threshold=float(beh.protection_affinity))
    return b


__all__ = ["attribute", "note_scope", "onset"]
