"""Response: who sanctions the aggressor, who fights for the target, and who joins the aggressor.

Each third state weighs the benefit of opposing the aggression (the norm, affinities, the
threat the aggressor poses to it, a defence pact with the target) against the cost of
sanctions or force (:func:`response_terms`); the obligations of the adopted steps add to the
benefit of the members obliged. Who acts follows the chosen decision model: a threshold, the
volunteer's dilemma (Diekmann 1985) or sequential best responses over the chance of winning.
Allies may act in collective self-defence and, under balance of power, the states most
threatened by the aggressor balance against it (Walt 1987).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...world.world import DEFENCE, OFFENCE, World
from ..behaviour import (
    Behaviour,
    as_behaviour,
    capability_share,
    pact_weight,
    projected_capability,
    sample_volunteers,
    volunteer_equilibrium,
)
from ..contest import Gradient, contest_success
from ..delegation import delegate
from .context import BoolArray, Crisis, FloatArray, IntArray, state_index
from .deliberation import Obligations
from .result import TraceEntry


def response_terms(world: World, aggressor: int | str, target: int | str,
                   behaviour: Behaviour | dict[str, Any] | None = None,
                   belief: FloatArray | None = None) -> dict[str, FloatArray]:
    """Per-state benefit and costs of opposing an aggression (vectorised; docs/model.md).

    ``benefit = norm_weight (b - 1/2) + affinity_weight (s_it - s_ia)/2 + threat_weight threat
    + w_k pact`` with ``w_k`` the pact's weight for a target with ``k`` partners
    (:func:`~foedus.engine.behaviour.pact_weight`); ``threat = share(P_a at i, P_i) (1 - s_ia)/2`` (the aggressor's
    projected capability at i's capital against i's own, times hostility);
    ``cost_force = war_cost (1/4 + 3/4 share(P_a at t, P_i at t))``;
    ``cost_sanction = sanction_cost (1 + max(0, s_ia))``. Also returns the projected
    capabilities at home (``own``) and at the target (``proj_at_target``) and ``fear`` used in
    voting: only the vectors the crisis uses, not the whole n x n projection (issue 16).
    """
    beh = as_behaviour(behaviour)
    a, t = state_index(world, aggressor), state_index(world, target)
    s_t = world.affinity[:, t]
    s_a = world.affinity[:, a]
    b = np.ones(world.n) if belief is None else np.asarray(belief, dtype=float)
    cap = np.where(np.asarray(world.alive, bool), np.asarray(world.capability, float), 0.0)
    grad, scale = Gradient(beh), max(1.0, float(np.max(cap, initial=0.0)))
    own = grad.project(cap, grad.token(np.diagonal(world.distance)), scale)  # P_i at home
    fear = capability_share(grad.project(cap[a], grad.token(world.distance[a, :]), scale), own)
    threat = fear * (1.0 - s_a) / 2.0
    at_t = grad.project(cap, grad.token(world.distance[:, t]), scale)  # P_i at the target
    rel = capability_share(np.full(world.n, at_t[a]), at_t)
    pact = ((world.alliances[:, t] & DEFENCE) > 0).astype(float)
    weight = pact_weight(float((pact * world.alive).sum()), beh)
    benefit = (float(beh.norm_weight) * (b - 0.5) + float(beh.affinity_weight) * (s_t - s_a) / 2.0
               + float(beh.threat_weight) * threat + weight * pact)
    return {"benefit": benefit, "cost_force": float(beh.war_cost) * (0.25 + 0.75 * rel),
            "cost_sanction": float(beh.sanction_cost) * (1.0 + np.maximum(0.0, s_a)),
            "fear": fear, "threat": threat, "pact": pact, "own": own, "proj_at_target": at_t}


@dataclass
class Response:
    """Who acted, and the strengths the war starts from."""

    eligible: BoolArray      # living third states
    obligated: BoolArray     # members obliged to sanction or to fight
    sanctioners: BoolArray
    contributors: BoolArray  # third states fighting for the target
    joiners: BoolArray       # third states fighting for the aggressor
    at_t: FloatArray         # every state's capability projected at the target
    e_a_own: float           # the aggressor's own strength at the target, after sanctions
    e_t: float               # the target's own strength (0 when self-defence is not allowed)
    sanction_share: float    # the sanctioners' share of the world's capability (less the aggressor's)


@dataclass
class _Candidates:
    """Who may sanction and who may fight, with the benefits and obligations they weigh."""

    eligible: BoolArray
    nonaligned: BoolArray
    sanctions: BoolArray
    force: BoolArray
    ob_sanctions: FloatArray
    ob_force: FloatArray
    obligated: BoolArray
    allies: BoolArray
    balancers: BoolArray
    benefit: FloatArray


def respond(c: Crisis, terms: dict[str, FloatArray], ob: Obligations) -> Response:
    """Sanctions first, then force, then those who join the aggressor; one trace line."""
    world, beh, a, t = c.world, c.beh, c.a, c.t
    n = world.n
    cand = _candidates(c, terms, ob)
    noise_s = c.rng.normal(0.0, float(beh.response_noise), n)
    noise_f = c.rng.normal(0.0, float(beh.response_noise), n)
    at_t = terms["proj_at_target"]
    gamma = float(beh.gamma)
    e_a0 = float(at_t[a])
    e_t = float(at_t[t]) if c.charter.self_defence.allowed else 0.0
    pool = float(world.capability[world.alive.astype(bool) & (np.arange(n) != a)].sum())
    eff = float(beh.sanction_effect)

    def p_sanction(total: float) -> float:
        shr = total / pool if pool > 0 else 0.0
        return contest_success(e_t, e_a0 * (1.0 - eff * shr), gamma)

    sanctioners = _decide(beh.decision_model, cand.sanctions, cand.benefit, cand.ob_sanctions,
                          terms["cost_sanction"], noise_s, c.rng,
                          world.capability.astype(float), p_sanction, float(beh.coalition_stake))
    sanctioners = _chosen(c, sanctioners, "sanction", cand.eligible)
    shr = float(world.capability[sanctioners].sum()) / pool if pool > 0 else 0.0
    e_a_own = e_a0 * (1.0 - eff * shr)

    def p_force(total: float) -> float:
        return contest_success(e_t + total, e_a_own, gamma)

    contributors = _decide(beh.decision_model, cand.force, cand.benefit, cand.ob_force,
                           terms["cost_force"], noise_f, c.rng, at_t, p_force,
                           float(beh.coalition_stake))
    if c.delegation is not None and c.res.force_authorised:  # a lead state (engine/delegation.py)
        d = delegate(c.delegation, obliged=cand.ob_force > 0, ob_force=cand.ob_force,
                     benefit=cand.benefit, cost_force=terms["cost_force"], at_t=at_t,
                     contributors=contributors)
        contributors, at_t = d.contributors, d.at_t
        c.res.lead = world.codes[d.lead] if d.lead >= 0 else None
        c.res.lead_effort = d.effort
    contributors = _chosen(c, contributors, "force", cand.eligible)
    joiners = _joiners(c, cand, contributors, sanctioners)
    out = Response(eligible=cand.eligible, obligated=cand.obligated, sanctioners=sanctioners,
                   contributors=contributors, joiners=joiners, at_t=at_t, e_a_own=e_a_own,
                   e_t=e_t, sanction_share=shr)
    _record(c, out, cand)
    return out


def _chosen(c: Crisis, decided: BoolArray, key: str, eligible: BoolArray) -> BoolArray:
    """The decisions with a player's choices put in (third states only: the parties cannot
    be made to sanction or fight for the target)."""
    out = decided.copy()
    for i, choice in c.choices.items():
        if key in choice and eligible[i]:
            out[i] = bool(choice[key])
    return out


def _candidates(c: Crisis, terms: dict[str, FloatArray], ob: Obligations) -> _Candidates:
    """Members obliged (non-aligned ones only where the obligation binds them), allies in
    collective self-defence and, under balance of power, the balancers."""
    world, beh, a = c.world, c.beh, c.a
    n = world.n
    eligible = c.third_states()
    nonaligned = world.nonaligned.astype(bool)
    members = c.inst.members & eligible if c.res.in_scope else np.zeros(n, bool)
    cand_s = members & (ob.sanctions > 0) & (~nonaligned | ob.binding_sanctions)
    cand_f = members & (ob.force > 0) & (~nonaligned | ob.binding_force)
    ob_vec_s = np.where(cand_s, ob.sanctions, 0.0)
    ob_vec_f = np.where(cand_f, ob.force, 0.0)
    obligated = cand_s | cand_f
    sd = c.charter.self_defence
    benefit = terms["benefit"].copy()
    allies = np.zeros(n, bool)
    if sd.allowed and sd.collective:
        allies = eligible & ~nonaligned & (terms["pact"] > 0)
    balancers = np.zeros(n, bool)
    if c.charter.scope.coalitions == "ad-hoc":
        balancers = top_threatened(world, a, beh) & eligible & ~nonaligned
        balancers &= (world.alliances[:, a] & OFFENCE) == 0
        benefit = benefit + float(beh.balancing_weight) * balancers
    return _Candidates(eligible=eligible, nonaligned=nonaligned, sanctions=cand_s,
                       force=cand_f | allies | balancers, ob_sanctions=ob_vec_s,
                       ob_force=ob_vec_f, obligated=obligated, allies=allies,
                       balancers=balancers, benefit=benefit)


def _joiners(c: Crisis, cand: _Candidates, contributors: BoolArray,
             sanctioners: BoolArray) -> BoolArray:
    """Third states that fight for the aggressor (its offence allies, or those leaning its way),
    where the charter lets states take sides."""
    world, beh, n = c.world, c.beh, c.world.n
    allow_sides = c.charter.self_defence.collective or c.charter.scope.coalitions == "ad-hoc"
    join_noise = c.rng.normal(0.0, float(beh.response_noise), n)
    if not allow_sides:
        return np.zeros(n, bool)
    lean = (world.affinity[:, c.a] - world.affinity[:, c.t]) / 2.0 + join_noise
    out = np.asarray(cand.eligible & ~cand.nonaligned & ~contributors & ~sanctioners & (
        ((world.alliances[:, c.a] & OFFENCE) > 0) | (lean > float(c.beh.join_aggressor))))
    # hook (architectures, issue 11): Charter obligations prevail (UN Charter Art. 103)
    return out & ~c.bound if c.bound is not None else out


def _record(c: Crisis, r: Response, cand: _Candidates) -> None:
    """Write the response onto the result and the trace."""
    res, A, T = c.res, c.A, c.T
    sd = c.charter.self_defence
    res.obligated = c.codes(r.obligated)
    res.sanctioners = c.codes(r.sanctioners)
    res.contributors = c.codes(r.contributors)
    res.aggressor_side = [A, *c.codes(r.joiners)]
    res.sanctions = bool(r.sanctioners.any())
    res.sanction_share = r.sanction_share
    res.defenders = ([T] if sd.allowed else []) + res.contributors
    bits = [f"{len(res.obligated)} obligated", f"{len(res.sanctioners)} sanction",
            f"{len(res.contributors)} contribute force"]
    if cand.allies.any():
        bits.append(f"{int(cand.allies.sum())} allies of {T} may act in collective self-defence")
    if cand.balancers.any():
        bits.append(f"{int(cand.balancers.sum())} see {A} as the most threatening state "
                    "(ad-hoc balancing)")
    if r.joiners.any():
        bits.append(f"{int(r.joiners.sum())} join {A}")
    c.trace.append(TraceEntry("response", f"{c.beh.decision_model} model: " + ", ".join(bits)
                              + (f"; {T} defends itself" if sd.allowed else ""),
                              sd.article if sd.allowed else ""))


def _decide(model: str, cand: BoolArray, benefit: FloatArray, ob: FloatArray, cost: FloatArray,
            noise: FloatArray, rng: np.random.Generator, strength: FloatArray,
            p_of: Callable[[float], float], stake: float) -> BoolArray:
    """Who among ``cand`` contributes, under the chosen decision model."""
    act = np.zeros(cand.shape, bool)
    idx = np.flatnonzero(cand)
    if idx.size == 0:
        return act
    if model == "threshold":
        act[idx] = benefit[idx] + ob[idx] + noise[idx] > cost[idx]
        return act
    if model == "volunteer":
        # U: value of the aggression being opposed; K: cost net of the obligation.
        p = volunteer_equilibrium(benefit[idx] + noise[idx], cost[idx] - ob[idx], rng)
        act[idx] = sample_volunteers(p, rng)
        return act
    # best-response: sequential best responses in random order until nobody changes
    order = idx[rng.permutation(idx.size)]
    total = 0.0
    for _sweep in range(50):
        changed = False
        for i in order:
            without = total - (strength[i] if act[i] else 0.0)
            gain = p_of(without + strength[i]) - p_of(without)
            want = bool(stake * benefit[i] * gain + ob[i] + noise[i] - cost[i] > 0)
            if want != act[i]:
                act[i] = want
                total = without + (strength[i] if want else 0.0)
                changed = True
        if not changed:
            break
    return act


def _balancers(world: World, a: int, proj: FloatArray) -> BoolArray:
    """States for which ``a`` is the most threatening state (projected capability x hostility),
    from the full ``n x n`` projection ``proj`` (the plain definition; the crisis uses
    :func:`top_threatened`, which gives the same states without the full matrix)."""
    threat = proj.T * (1.0 - world.affinity) / 2.0  # threat[j, k]: k's threat to j
    alive = world.alive.astype(bool)
    threat = np.where(alive[None, :], threat, -np.inf)
    np.fill_diagonal(threat, -np.inf)
    return np.asarray(np.argmax(threat, axis=1) == a, dtype=bool) & alive


#: The first block of strongest states :func:`top_threatened` compares every state's threat
#: from the aggressor with; each further block is twice as large.
FIRST_BLOCK = 2

#: How many of the strongest states :func:`top_threatened` puts in order first (the blocks of
#: 2, 4, ..., 32 states); the whole order is sorted only when the blocks reach past them.
STRONGEST_PREFIX = 64
#: Below this many states a full sort is cheaper than picking the prefix.
PREFIX_FROM = 256


def _strongest_first(keys: FloatArray, k: int) -> IntArray:
    """The first ``k`` positions of ``np.argsort(keys, kind="stable")`` (all of them for a
    short or non-finite ``keys``): the ``k`` least keys, ties in index order, without sorting
    the rest (``O(n)``, not ``O(n log n)``: issue 16)."""
    if keys.size < max(k, PREFIX_FROM) or not np.isfinite(keys).all():
        return np.argsort(keys, kind="stable")
    kth = np.partition(keys, k - 1)[k - 1]
    sel = np.flatnonzero(keys <= kth)  # every key below the k-th, and its ties in index order
    return sel[np.argsort(keys[sel], kind="stable")][:k]


def top_threatened(world: World, a: int, behaviour: Behaviour) -> BoolArray:
    """States for which ``a`` is the most threatening state: :func:`_balancers` over the
    projection of :func:`~foedus.engine.behaviour.projected_capability`, to the bit, without
    the ``n x n`` threat matrix (issue 16).

    ``threat[j, k] = P_k at j x (1 - s_jk) / 2`` is at most ``P_k at home x (1 - m_j) / 2``
    with ``m_j`` the least of ``0`` and row ``j`` of the affinities (the gradient only weakens
    a capability with distance; Boulding 1962). Each state's threat from ``a`` is compared
    with the threats of the strongest other states, in blocks of :data:`FIRST_BLOCK` (2), 4,
    8, ... states in order of capability at home: a state some of them outdoes (or equals,
    being first in the index order, as ``argmax`` breaks ties) is not threatened most by
    ``a``; a state whose threat from ``a`` exceeds its bound for every state left is. Most
    states are decided by the first block, and only the rows of the states left are read for
    their bound (``O(n)`` a crisis, not the ``n x n`` affinities).
    """
    n = world.n
    alive = np.asarray(world.alive, bool)
    cap = np.where(alive, np.asarray(world.capability, float), 0.0)
    aff = world.affinity
    if not (0 <= a < n and alive[a] and np.isfinite(cap).all()):  # the plain definition
        return _balancers(world, a, projected_capability(world, world.distance, behaviour))
    grad = Gradient(behaviour)
    scale = max(1.0, float(np.max(cap, initial=0.0)))

    def threat(rows: IntArray, cols: IntArray) -> FloatArray:  # threat[j, k] of cols to rows
        proj = grad.project(cap[cols][None, :],
                            grad.token(world.distance[cols[:, None], rows[None, :]].T), scale)
        return np.asarray(proj * (1.0 - aff[rows[:, None], cols[None, :]]) / 2.0)

    idx = np.arange(n)
    rows = np.flatnonzero(alive & (idx != a))
    v = threat(rows, np.array([a]))[:, 0]
    if not np.isfinite(v).all():
        return _balancers(world, a, projected_capability(world, world.distance, behaviour))
    home = grad.project(cap, grad.token(np.zeros(1)), scale)
    keys, every = -home[rows], rows
    total = every.size
    others = every[_strongest_first(keys, STRONGEST_PREFIX)]
    out = np.zeros(n, bool)
    start, size = 0, FIRST_BLOCK
    low: FloatArray | None = None  # (1 - m_j) / 2 of the rows left, read once some are left
    while rows.size:
        if start + size > others.size < total:  # beyond the prefix: the whole order
            others = every[np.argsort(keys, kind="stable")]
        ks = others[start:start + size]
        t = threat(rows, ks)
        t[rows[:, None] == ks[None, :]] = -np.inf
        beaten = ((t > v[:, None]) | ((t == v[:, None]) & (ks < a)[None, :])).any(axis=1)
        start += size
        size *= 2
        rows, v = rows[~beaten], v[~beaten]
        low = None if low is None else low[~beaten]
        if start >= total:
            out[rows] = True
            break
        if start >= others.size:
            others = every[np.argsort(keys, kind="stable")]
        if low is None and rows.size:
            least = np.minimum(aff[rows].min(axis=1), 0.0)
            if not np.isfinite(least).all():  # the plain definition for the odd cases
                return _balancers(world, a,
                                  projected_capability(world, world.distance, behaviour))
            low = (1.0 - least) / 2.0
        if low is not None:
            won = v > float(home[others[start]]) * low * (1.0 + 1e-9)
            out[rows[won]] = True
            rows, v, low = rows[~won], v[~won], low[~won]
    return out


__all__ = ["FIRST_BLOCK", "Response", "respond", "response_terms", "top_threatened"]
