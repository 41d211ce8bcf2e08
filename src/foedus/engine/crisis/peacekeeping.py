"""Peacekeeping: deployed only with the consent of both parties (UNEF 1956 practice).

Each party consents with a logistic chance that rises with how badly it expects the war to go
for it; then members volunteer peacekeepers when the obligation and the norm outweigh the cost.
"""

from __future__ import annotations

import numpy as np

from .context import BoolArray, Crisis, FloatArray
from .result import TraceEntry


def keep_peace(c: Crisis, p_def: float, belief: FloatArray, weight: float,
               eligible: BoolArray) -> None:
    """Ask both parties for consent and, with it, deploy the volunteers among ``eligible``
    members (``weight``: the obligation to contribute; ``p_def``: the defenders' chance)."""
    world, beh, res, a, t = c.world, c.beh, c.res, c.a, c.t
    u = np.array([float(beh.consent_bias) + float(beh.consent_weight) * (1.0 - 2.0 * (1 - p_def)),
                  float(beh.consent_bias) + float(beh.consent_weight) * (1.0 - 2.0 * p_def)])
    p = 1.0 / (1.0 + np.exp(-u))
    draws = c.rng.random(2)
    noise = c.rng.normal(0.0, float(beh.response_noise), world.n)
    both_alive = bool(world.alive[a] and world.alive[t])
    ca, ct = bool(draws[0] < p[0]) and both_alive, bool(draws[1] < p[1]) and both_alive
    res.consent_aggressor, res.consent_target = ca, ct
    art = next((s.article for s in c.charter.procedure if s.measure == "peacekeeping"), "")
    if not (ca and ct):
        who = [code for code, ok in ((c.A, ca), (c.T, ct)) if not ok]
        c.trace.append(TraceEntry("peacekeeping", "authorised but not deployed: no consent from "
                                  + ", ".join(who), art))
        return
    vol = eligible & c.inst.members & world.alive
    net = weight + float(beh.norm_weight) * (belief - 0.5) + noise - float(beh.peacekeeping_cost)
    keepers = vol & (net > 0)
    res.peacekeepers = c.codes(keepers)
    res.peacekeeping = bool(keepers.any())
    res.peacekeeping_cost = float(beh.peacekeeping_cost) * int(keepers.sum())
    c.trace.append(TraceEntry("peacekeeping", (f"both parties consent; {int(keepers.sum())} "
                                               "states contribute peacekeepers (force in "
                                               "self-defence only)") if keepers.any() else
                              "both parties consent but nobody contributes", art))


__all__ = ["keep_peace"]
