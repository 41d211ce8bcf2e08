"""War: the two sides fight (a contest success function), lose capability, and the loser may die.

The aggressor's side (the aggressor and those who join it) fights the target's (the target if
self-defence is allowed, and the contributors) when anybody resists. The defenders win with
``E_d^g / (E_d^g + E_a^g)`` (:func:`foedus.engine.contest.contest_success`); each side loses
``war_loss`` times the other side's share of the total strength, in proportion to how much of
its capability it brought. A winning aggressor takes ``spoils`` of the target's capability,
and a target pushed below the viability floor may be conquered (state death; Fazal 2007).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...world.world import DEFENCE, OFFENCE
from ..contest import contest_success
from .context import Crisis, FloatArray
from .response import Response
from .result import TraceEntry

#: The source the war's trace line cites.
CSF_SOURCE = "contest success function (Tullock 1980; Hirshleifer 1989)"


def fight(c: Crisis, r: Response) -> float:
    """Play the war; returns the defenders' chance of winning (0 when nobody resisted)."""
    world, beh, res = c.world, c.beh, c.res
    gamma = float(beh.gamma)
    e_a = r.e_a_own + float(r.at_t[r.joiners].sum())
    e_d = r.e_t + float(r.at_t[r.contributors].sum())
    res.strength_aggressor, res.strength_defenders = e_a, e_d
    side_a = r.joiners.copy()
    side_a[c.a] = True
    side_d = r.contributors.copy()
    side_d[c.t] = bool(c.charter.self_defence.allowed)
    cap = world.capability.astype(float).copy()
    war = bool(side_d.any()) and _escalates(c)
    res.war = war
    res.effective = bool((r.contributors.any() or r.sanctioners.any()) and e_d >= e_a)
    draw = float(c.rng.random())
    destroyed = 0.0
    if war:
        cap, destroyed = _losses(c, r, cap, side_a, side_d, e_a, e_d)
        res.war_rounds = 1
        if float(beh.war_persistence) > 0:
            cap, destroyed, e_a, e_d = _campaign(c, r, cap, side_a, side_d, e_a, e_d, destroyed)
    p_def = contest_success(e_d, e_a, gamma) if war else 0.0
    res.p_defender_win = p_def
    res.aggressor_won = not (war and draw < p_def) and not (side_d.any() and not war)
    transferred = _spoils(c, cap) if res.aggressor_won else 0.0
    short_of_war = bool(side_d.any() and not war)
    world.capability[:] = cap
    res.capability_destroyed, res.capability_transferred = destroyed, transferred
    res.capability_after = float(world.capability.sum())
    _record(c, r, war, e_a, e_d, p_def, short_of_war)
    return p_def


def _escalates(c: Crisis) -> bool:
    """Whether a resisted dispute becomes a war: with probability ``Behaviour.escalation``
    (no draw at 1, so that the default reproduces the model without disputes short of war),
    times ``1 - mediation`` when an institution was seized of the dispute (in scope, with a
    procedure it went through). Most militarised disputes end without war (Bremer 1992: about
    one in twenty; Fearon 1995 on bargains struck short of fighting); one that does ends at
    the status quo. International organisations seized of a dispute make escalation less
    likely (Shannon 2009; Hansen, Mitchell & Nemeth 2008). The aggressor's forecast uses the
    base rate: it does not anticipate mediation."""
    p = float(c.beh.escalation)
    if c.res.in_scope and c.res.steps:
        p *= 1.0 - float(c.beh.mediation)
    return p >= 1.0 or float(c.rng.random()) < p


def _campaign(c: Crisis, r: Response, cap: FloatArray, side_a: np.ndarray, side_d: np.ndarray,
              e_a: float, e_d: float, destroyed: float) -> tuple[FloatArray, float, float, float]:
    """Further rounds of a war that goes on: after each round it continues with probability
    ``war_persistence x 4 p (1 - p)`` (``p`` the defenders' chance of winning: evenly matched
    wars last longer, Bennett & Stam 1996), states allied to or bordering a belligerent may
    join (``war_spread``; Siverson & Starr 1991), and the sides fight again with what they
    have left. Wars that last and spread give the heavy tail of war size (Cederman 2003).
    ``side_a``/``side_d`` are extended in place; returns capabilities, the total destroyed
    and the final strengths."""
    beh, res = c.beh, c.res
    at_t = r.at_t.copy()
    start = np.where(c.world.capability > 0, c.world.capability, 1.0)
    for _ in range(int(beh.max_war_rounds) - 1):
        p = contest_success(e_d, e_a, float(beh.gamma))
        if float(c.rng.random()) >= float(beh.war_persistence) * 4.0 * p * (1.0 - p):
            break
        _spread(c, side_a, side_d)
        left = np.clip(cap / start, 0.0, 1.0)
        e_a = float((at_t * left)[side_a].sum())
        e_d = float((at_t * left)[side_d].sum())
        if e_a <= 0 or e_d <= 0:
            break
        r2 = replace(r, at_t=at_t * left)
        cap, lost = _losses(c, r2, cap, side_a, side_d, e_a, e_d)
        destroyed += lost
        res.war_rounds += 1
    res.spread_defenders = c.codes(side_d & ~r.contributors & (np.arange(len(cap)) != c.t))
    res.spread_aggressors = c.codes(side_a & ~r.joiners & (np.arange(len(cap)) != c.a))
    return cap, destroyed, e_a, e_d


def _spread(c: Crisis, side_a: np.ndarray, side_d: np.ndarray) -> None:
    """States allied to or bordering a belligerent join with probability ``war_spread``: the
    side they are allied to, else the side they lean to by affinity (``side_*`` in place)."""
    w = c.world
    free = c.third_states() & ~w.nonaligned.astype(bool) & ~side_a & ~side_d
    draws = c.rng.random(w.n)
    if not free.any() or float(c.beh.war_spread) <= 0:
        return
    tie_d = ((w.alliances[:, side_d] & DEFENCE) > 0).any(axis=1)  # the belligerents' columns only
    tie_a = ((w.alliances[:, side_a] & (DEFENCE | OFFENCE)) > 0).any(axis=1)
    border = np.asarray(w.contiguity[:, side_a | side_d], bool).any(axis=1)
    joins = free & (tie_d | tie_a | border) & (draws < float(c.beh.war_spread))
    lean_d = (w.affinity[:, c.t] >= w.affinity[:, c.a])
    to_d = joins & (tie_d & ~tie_a | ~(tie_d ^ tie_a) & lean_d)
    side_d |= to_d
    side_a |= joins & ~to_d


def _losses(c: Crisis, r: Response, cap: FloatArray, side_a: np.ndarray, side_d: np.ndarray,
            e_a: float, e_d: float) -> tuple[FloatArray, float]:
    """Each side loses ``war_loss`` x the other's share of the strength, in proportion to the
    part of its capability it brought to the target; returns capabilities and the loss."""
    tot = e_a + e_d
    frac_a = float(c.beh.war_loss) * (e_d / tot if tot > 0 else 0.0)
    frac_d = float(c.beh.war_loss) * (e_a / tot if tot > 0 else 0.0)
    at_t = r.at_t
    with np.errstate(divide="ignore", invalid="ignore"):
        involve = np.where(cap > 0, np.minimum(1.0, at_t / np.where(cap > 0, cap, 1.0)), 0.0)
    loss = np.where(side_a, frac_a, 0.0) + np.where(side_d, frac_d, 0.0)
    lost = loss * involve * cap
    return cap - lost, float(lost.sum())


def _spoils(c: Crisis, cap: FloatArray) -> float:
    """The winning aggressor takes ``spoils`` of the target's capability and, below the
    viability floor, may conquer it (the target ceases to exist). ``cap`` is changed in place;
    returns the capability transferred."""
    beh, a, t = c.beh, c.a, c.t
    cap_t_before = float(c.world.capability[t])
    take = float(beh.spoils) * cap[t]
    cap[t] -= take
    cap[a] += take
    transferred = take
    below_floor = cap[t] <= float(beh.viability_floor) * cap_t_before
    if below_floor and float(c.rng.random()) < float(beh.conquest_probability):
        rest = float(cap[t])
        cap[a] += rest
        cap[t] = 0.0
        transferred += rest
        c.world.alive[t] = False
        c.res.target_died = True
    return float(transferred)


def _record(c: Crisis, r: Response, war: bool, e_a: float, e_d: float, p_def: float,
            short_of_war: bool = False) -> None:
    """The war's trace line."""
    res, A, T = c.res, c.A, c.T
    destroyed, transferred = res.capability_destroyed, res.capability_transferred
    died = res.target_died
    if war:
        eff = float(c.beh.sanction_effect)
        outcome = f"{A} wins" if res.aggressor_won else f"{T} and its defenders win"
        c.trace.append(TraceEntry(
            "war", f"strength {A} side {e_a:.4g} against {e_d:.4g} (sanctions cut {A}'s by "
            f"{100 * eff * r.sanction_share:.0f}%); P(defenders win) = {p_def:.2f}; {outcome}; "
            f"capability destroyed {destroyed:.4g}, transferred {transferred:.4g}"
            + (f"; {T} ceases to exist" if died else ""), CSF_SOURCE))
    elif short_of_war:
        c.trace.append(TraceEntry("war", f"{T} resists and the dispute ends short of war (status quo)",
                                  "Bremer (1992); Fearon (1995)"))
    else:
        c.trace.append(TraceEntry("war", f"{T} does not resist; {A} takes {transferred:.4g}"
                                  + (f" and {T} ceases to exist" if died else ""), ""))


__all__ = ["CSF_SOURCE", "fight"]
