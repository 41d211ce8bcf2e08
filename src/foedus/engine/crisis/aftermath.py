"""Aftermath: what the institution did (a credibility signal) and who may want to leave.

The share of obliged members that acted is the institution's compliance; for a crisis in
scope it is the signal credibility learns from (``learning_rate``). A target the institution
failed, or a member it sanctioned, may give notice of withdrawal (``exit_propensity``) where
the charter allows it.
"""

from __future__ import annotations

import numpy as np

from .context import BoolArray, Crisis
from .result import TraceEntry


def aftermath(c: Crisis, obligated: BoolArray, contributed: BoolArray | None = None) -> None:
    """Record whether the institution acted, the credibility it learns, and who wants to exit.

    ``contributed`` marks the states that fought for the target or sanctioned (read from the
    result's codes when not given)."""
    world, beh, res, cred = c.world, c.beh, c.res, c.cred
    if contributed is None:
        contributed = np.zeros(world.n, bool)
        for code in res.contributors + res.sanctioners:
            contributed[world.codes.index(code)] = True
    res.target_helped = bool(res.contributors or res.sanctioners)
    res.institution_acted = bool(res.in_scope and (res.determined or res.sanctions
                                                   or (contributed & obligated).any()))
    if obligated.any():
        res.compliance = float((contributed & obligated).sum() / obligated.sum())
    if res.in_scope:
        res.credibility_signal = res.compliance if res.compliance is not None else 0.0
        res.credibility_after = cred + float(beh.learning_rate) * (res.credibility_signal - cred)
    draws = c.rng.random(2)
    ch = c.charter
    if ch.exit.withdrawal:
        _exits(c, draws)
    sig = "n/a (not in scope)" if res.credibility_signal is None else \
        f"{res.credibility_signal:.2f}"
    c.trace.append(TraceEntry(
        "aftermath", f"institution acted: {res.institution_acted}; compliance signal {sig}; "
        f"credibility {cred:.2f} -> {res.credibility_after:.2f}"
        + (f"; wants to leave: {', '.join(res.wants_exit)}" if res.wants_exit else ""),
        ch.exit.article if res.wants_exit else ""))


def _exits(c: Crisis, draws: np.ndarray) -> None:
    """A failed target and a sanctioned member may want to leave."""
    res, T, A = c.res, c.T, c.A
    p = float(c.beh.exit_propensity)
    if res.in_scope and not res.target_helped and c.world.alive[c.t] and draws[0] < p:
        res.wants_exit.append(T)
        res.exit_reasons[T] = "failed: no member helped it"
    if c.inst.members[c.a] and res.sanctions and draws[1] < p:
        res.wants_exit.append(A)
        res.exit_reasons[A] = "sanctioned by the other members"


__all__ = ["aftermath"]
