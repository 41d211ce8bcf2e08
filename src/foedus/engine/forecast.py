"""The aggressor's forecast: how the world and the institution would answer an attack.

Every potential aggressor weighs every *politically relevant* target (contiguous or within
reach, or a pair involving a major power; Lemke & Reed 2001) by expected utility
``EU = P(win | expected response) gain - (1 - P(win)) loss - expected sanction cost``
(Bueno de Mesquita 1981). The expected response follows the crisis engine's own rules: the
same benefit and cost of opposing an aggression, the same loss-of-strength gradient and
contest success function (:mod:`foedus.engine.contest`), the same scope and obligations
(:mod:`foedus.engine.scope`), and the charter's votes as the aggressor expects them to go
(veto holders, thresholds, fallbacks), discounted by the institution's learned credibility.

Every pair computation is vectorised over sparse pair index arrays built once
(:func:`relevant_pairs`), so a period costs ``O(n k)`` for ``n`` states with ``k`` relevant
partners each, not ``O(n^2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from ..rules.charter import Charter, DecisionRule, parse_fraction
from ..world.world import DEFENCE, World
from . import scope
from .behaviour import Behaviour, pact_weight
from .contest import Gradient, contest_success
from .institution import Institution

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Voters sampled from a large all-members body when estimating its vote.
MAX_VOTERS = 32
#: Up to this many states whose capability changed, the kept helper terms are dropped state
#: by state (their pairs and helper entries); beyond, in one pass over every entry.
MEMO_LOOP = 16


# --- the procedure as the aggressor reads it -------------------------------------------------


@dataclass
class StepInfo:
    """What the aggressor expects of one procedure step (engine semantics, docs/crisis.md)."""

    measure: str
    weight: float          # bindingness weight if adopted
    fallback_weight: float  # weight if a veto blocks it but the fallback adopts (0: no fallback)
    binding: bool          # binding or automatic (obliges non-aligned states in universal bodies)
    body: str | None
    question: str | None
    gated: bool            # not reached when an earlier determination failed


def procedure_steps(charter: Charter) -> list[StepInfo]:
    """The charter's procedure as the forecast weighs it, step by step."""
    out: list[StepInfo] = []
    seen_det = False
    for s in charter.procedure:
        w = scope.weight(s.bindingness)
        fb_w = 0.0
        if s.fallback is not None:
            fb = next((f for f in charter.fallbacks if f.id == s.fallback), None)
            if fb is not None:
                fb_w = scope.weight(scope.rescued_bindingness(fb, s))
        gated = (seen_det and s.body is not None
                 and s.measure in ("provisional-measures", "sanctions", "force"))
        out.append(StepInfo(s.measure, w, fb_w, scope.obliges_all(s.bindingness),
                            s.body, s.question, gated))
        if s.measure == "determination" and s.body is not None:
            seen_det = True
    return out


# --- politically relevant pairs --------------------------------------------------------------


@dataclass
class Pairs:
    """The politically relevant (aggressor, target) pairs and each target's potential helpers.

    ``a``, ``t`` and ``key = a n + t`` index the pairs; ``hpi[p, h]`` is helper ``h`` of pair
    ``p``'s target (0 where ``hp`` is -1: no helper), ``hp_ok`` marks usable helpers (not the
    aggressor, not non-aligned). The ``tok_*`` arrays are the gradient's distance parts: pair
    (aggressor to target), helper to target, aggressor to helper, and at home (distance 0).
    """

    a: IntArray
    t: IntArray
    key: IntArray
    helpers: IntArray
    hp: IntArray
    hpi: IntArray
    hp_ok: BoolArray
    fi_ht: IntArray
    fi_ha: IntArray
    tok_pair: FloatArray
    tok_ht: FloatArray
    tok_ha: FloatArray
    tok0: FloatArray


#: Dispute history (``World.disputes``) that makes a pair politically relevant whatever the
#: distance: one dispute in the last 20 years (a quarter at a half-life of 10 years).
RIVAL_HISTORY = 0.25


def _neighbours(world: World, k: int, reach: float) -> IntArray:
    """Each state's ``k`` nearest states among those contiguous or within ``reach`` km."""
    n = world.n
    if k <= 0:
        return np.full((n, 0), -1, np.int64)
    d = np.where(np.eye(n, dtype=bool), np.inf, world.distance)
    dd = np.where(world.contiguity | (d <= reach), d, np.inf)
    nbr = np.argpartition(dd, k - 1, axis=1)[:, :k] if k < n else np.argsort(dd, axis=1)
    nbr = np.take_along_axis(nbr, np.argsort(np.take_along_axis(dd, nbr, 1), 1), 1)
    return np.where(np.isfinite(np.take_along_axis(dd, nbr, 1)), nbr, -1)


def _helpers(world: World, k: int, nbr: IntArray, majors: IntArray) -> IntArray:
    """Each state's potential helpers: its neighbours, the majors and its ``k`` strongest
    defence allies (each once; -1 pads)."""
    n = world.n
    idx = np.arange(n)
    allies = np.full((n, k), -1, np.int64)
    if k > 0:
        score = np.where((world.alliances & DEFENCE) > 0, world.capability[None, :], -np.inf)
        top = np.argpartition(-score, k - 1, axis=1)[:, :k] if k < n else np.argsort(-score, 1)
        allies = np.where(np.isfinite(np.take_along_axis(score, top, 1)), top, -1)
    cols = [nbr, np.broadcast_to(majors, (n, majors.size)), allies]
    helpers = np.sort(np.concatenate(cols, axis=1), axis=1) if n else np.zeros((0, 0), np.int64)
    if helpers.size:
        dup = np.zeros_like(helpers, dtype=bool)
        dup[:, 1:] = helpers[:, 1:] == helpers[:, :-1]
        helpers = np.where(dup | (helpers == idx[:, None]), -1, helpers)
    return helpers.astype(np.int64).reshape(n, -1)


def relevant_pairs(world: World, neighbours: int, reach_km: float, grad: Gradient) -> Pairs:
    """Politically relevant pairs and each target's potential helpers (index arrays).

    A state's relevant targets are its ``neighbours`` nearest states among those contiguous
    or within ``reach_km``, plus every pair involving a major power (Lemke & Reed 2001), plus
    its rivals: the states it has a dispute history of at least :data:`RIVAL_HISTORY` with at
    the start (``World.disputes``; Goertz & Diehl 1993: rivals dispute wherever they lie).
    Helpers of a target are its neighbours, the majors and its strongest defence allies.
    Built once: geography does not change; who is alive is checked each period.
    """
    n = world.n
    k = min(int(neighbours), max(0, n - 1))
    idx = np.arange(n)
    nbr = _neighbours(world, k, float(reach_km))
    majors = np.flatnonzero(world.major).astype(np.int64)
    a = np.concatenate([np.repeat(idx, nbr.shape[1]), np.repeat(majors, n),
                        np.tile(idx, majors.size)]).astype(np.int64)
    t = np.concatenate([nbr.ravel(), np.tile(idx, majors.size),
                        np.repeat(majors, n)]).astype(np.int64)
    ra, rt = np.nonzero(np.asarray(world.disputes) >= RIVAL_HISTORY)
    a, t = np.concatenate([a, ra]).astype(np.int64), np.concatenate([t, rt]).astype(np.int64)
    ok = (t >= 0) & (a != t)
    keys = np.unique(a[ok] * n + t[ok])
    pa = (keys // n).astype(np.int64)
    pt = (keys % n).astype(np.int64)
    helpers = _helpers(world, k, nbr, majors)
    hp = helpers[pt]
    hpi = np.maximum(hp, 0)
    fi_ht = hpi * n + pt[:, None]
    fi_ha = hpi * n + pa[:, None]
    return Pairs(a=pa, t=pt, key=keys.astype(np.int64), helpers=helpers, hp=hp, hpi=hpi,
                 hp_ok=(hp >= 0) & (hpi != pa[:, None]) & ~world.nonaligned[hpi],
                 fi_ht=fi_ht, fi_ha=fi_ha, tok_pair=grad.token(world.distance[pa, pt]),
                 tok_ht=grad.token(world.distance.ravel()[fi_ht]),
                 tok_ha=grad.token(world.distance.ravel()[fi_ha]),
                 tok0=grad.token(np.zeros(1)))


# --- voters ----------------------------------------------------------------------------------


@dataclass
class Voters:
    """Who votes in one body on one question, as the aggressor pictures it."""

    voters: IntArray          # state index per seat (-1: empty seat, counted absent)
    veto: BoolArray           # seat holds a veto on the question
    scale: float              # seats represented by each voter (large bodies are sampled)
    rule: Any                 # the DecisionRule
    fixed: bool


def required(rule: DecisionRule, base: FloatArray) -> FloatArray:
    """Vectorised :meth:`DecisionRule.required` over (possibly fractional) bases."""
    if isinstance(rule.threshold, int):
        return np.full(np.shape(base), float(rule.threshold))
    if rule.threshold == "all":
        return np.asarray(base, dtype=float)
    frac = float(parse_fraction(rule.threshold))
    exact = frac * np.asarray(base, dtype=float)
    return np.asarray(np.floor(exact + 1e-9) + 1.0 if rule.strict else np.ceil(exact - 1e-9))


def _adoption(rule: Any, p_yes: FloatArray, p_no: FloatArray, counted: BoolArray,
              absent: BoolArray, veto: BoolArray, sc: float) -> tuple[FloatArray, FloatArray]:
    """(P(adopted), P(vetoed)) per pair from each voter's chances of voting yes and no.

    No veto holder may vote no (or abstain or stay away, where the rule says so); then the
    threshold of the rule's base must be met (a normal approximation of the count), or
    unanimity hold. ``sc`` seats stand behind each sampled voter.
    """
    p = p_yes.shape[0]
    p_ab = np.where(counted, np.clip(1.0 - p_yes - p_no, 0.0, 1.0), 0.0)
    veto_block = p_no + (p_ab if rule.abstention_is_veto else 0.0)
    veto_block = np.where(veto[None, :] & counted, veto_block, 0.0)
    if rule.absence_is_veto:
        veto_block = np.where(veto[None, :] & absent, 1.0, veto_block)
    p_free = np.exp(np.log1p(-np.clip(veto_block, 0.0, 1.0 - 1e-12)).sum(axis=1))
    n_absent = absent.sum(axis=1) * sc
    if rule.threshold == "all":
        brk = {"present-and-voting": p_no, "present": p_no + p_ab}.get(rule.base)
        if brk is None:
            brk = p_no + p_ab
            ok_absent = n_absent == 0
        else:
            ok_absent = np.ones(p, bool)
        p_all = np.exp(sc * np.log1p(-np.clip(brk, 0.0, 1.0 - 1e-12)).sum(axis=1))
        p_met = p_all * ok_absent
    elif isinstance(rule.threshold, int) or rule.base in ("seats", "members"):
        base = (counted.sum(axis=1) + absent.sum(axis=1)) * sc
        need = required(rule, base)
        mu = (p_yes.sum(axis=1)) * sc
        var = (p_yes * (1.0 - p_yes)).sum(axis=1) * sc
        p_met = ndtr((mu - need + 0.5) / np.sqrt(var + 0.25))
    else:
        f = float(parse_fraction(rule.threshold))
        # Y >= f (Y + N [+ A]): the sign of sum over voters of (1-f) yes - f no [- f abst]
        m_k = (1.0 - f) * p_yes - f * p_no - (f * p_ab if rule.base == "present" else 0.0)
        sq = (1.0 - f) ** 2 * p_yes + f * f * p_no \
            + (f * f * p_ab if rule.base == "present" else 0.0)
        mu = m_k.sum(axis=1) * sc
        var = (sq - m_k * m_k).sum(axis=1) * sc
        p_met = ndtr((mu + (1e-9 if not rule.strict else -0.5)) / np.sqrt(var + 0.25))
    p_adopt = np.clip(p_free * p_met, 0.0, 1.0)
    return np.asarray(p_adopt, dtype=float), np.asarray(1.0 - p_free, dtype=float)


# --- the forecast ----------------------------------------------------------------------------


class Forecast:
    """The aggressor's picture of the response to an attack, for every relevant pair.

    Owned by :class:`foedus.engine.Model`, which tells it when a period starts
    (:meth:`new_period`) and when seats or states change (:meth:`forget`). It reads the
    model's world and institution as they are when asked.
    """

    #: Keep each pair's helper terms between calls, computed again only where an input
    #: changed (the same numbers; False computes them at every call).
    memo: bool = True

    def __init__(self, charter: Charter, world: World, institution: Institution,
                 behaviour: Behaviour, *, neighbours: int, reach_km: float) -> None:
        self.charter, self.world, self.institution = charter, world, institution
        self.behaviour = beh = behaviour
        self.has_institution = scope.engages(charter)
        self.ad_hoc = charter.scope.coalitions == "ad-hoc"
        self.steps = procedure_steps(charter)
        self.grad = Gradient(beh)
        self.rho = min(1.0, float(beh.ambiguity)
                       + float(beh.claim_probability) * float(beh.self_defence_claim))
        q = float(beh.claim_probability)
        spread = float(beh.belief_noise) ** 2 * self.rho \
            + q * (1.0 - q) * (float(beh.self_defence_claim) / 2.0) ** 2
        self.sigma_u = 2.0 * float(beh.norm_weight) * math.sqrt(spread) + 0.05
        self.pairs = relevant_pairs(world, neighbours, reach_km, self.grad)
        self._voters: dict[tuple[str, str], Voters] = {}
        self._ob_cache: dict[str, Any] | None = None
        self._lc: tuple[FloatArray, float] = (np.zeros(world.n), 1.0)
        self._pair_cache: dict[str, Any] | None = None
        self._created: BoolArray | None = None  # per pair and helper: a tie the system created
        # per pair: the last utilities before the institution's answer (with the world's ties,
        # without the system's), for the pairs the model decides again only for that answer
        self._plain: tuple[FloatArray, FloatArray] | None = None
        # per pair and helper: benefit, cost of force, strength at the target, and whether kept
        self._memo: tuple[FloatArray, FloatArray, FloatArray, BoolArray] | None = None
        self._memo_key: tuple[FloatArray, float, dict[str, Any]] | None = None
        self._balancing_key: tuple[Any, ...] | None = None
        self._apart: tuple[IntArray, IntArray, BoolArray] | None = None  # pairs held apart
        self._balancing_masks: tuple[BoolArray, BoolArray] | None = None
        P = self.pairs  # the static pairs grouped by aggressor, and their helpers by helper
        self._by_aggressor = np.searchsorted(P.a, np.arange(world.n + 1)).astype(np.int64)
        rows, cols = np.nonzero(P.hp >= 0)
        order = np.argsort(P.hp[rows, cols], kind="stable")
        start = np.searchsorted(P.hp[rows, cols][order], np.arange(world.n + 1))
        self._by_helper = (rows[order].astype(np.int64), cols[order].astype(np.int64),
                           start.astype(np.int64))

    # -- caches -------------------------------------------------------------------------------

    def new_period(self) -> None:
        """A new period: obligations are judged again on the world as it then is; under
        balance of power the alignments shift at the start of the period, so the pair terms
        are computed again (once) too."""
        self._ob_cache = None
        if self.ad_hoc:
            self._pair_cache = None

    def forget(self) -> None:
        """Seats or states changed: drop the cached voters and obligations (and the pair terms
        under balance of power or diluted pacts: they count the living partners of each
        target, as the crisis engine does)."""
        self._voters.clear()
        self._ob_cache = None
        if self.ad_hoc or float(self.behaviour.alliance_dilution) > 0:
            self._pair_cache = None

    def created_ties(self, ties: BoolArray | None) -> None:
        """The defence ties the security system itself creates this period (an ``n x n`` mask
        over states; None: none): the mutual ties of a collective-defence pact's members, the
        ad-hoc ties of balancing. The calculation *without the institution* drops them
        (issue 12: deterrence against the world without the institution and its ties)."""
        P = self.pairs
        self._created = None if ties is None or not ties.any() else \
            np.asarray(ties, bool).ravel()[P.fi_ht] & P.hp_ok

    def active(self, held: IntArray, among: IntArray | None = None,
               pairs: IntArray | None = None) -> IntArray:
        """Indices of the pairs active now: both alive, the aggressor with some capability,
        not held apart by peacekeepers (``held``: pair keys); with ``among`` (aggressors, in
        increasing order), only their pairs (in the static order); with ``pairs``, only
        those."""
        w, P = self.world, self.pairs
        apart = self._held_apart(held)
        if among is not None or pairs is not None:
            idx = self.pairs_of(among) if among is not None else np.asarray(pairs, np.int64)
            a, t = P.a[idx], P.t[idx]
            ok = w.alive[a] & w.alive[t] & (w.capability[a] > 0)
            if apart is not None:
                ok &= ~apart[idx]
            return idx[ok]
        ok = w.alive[P.a] & w.alive[P.t] & (w.capability[P.a] > 0)
        if apart is not None:
            ok &= ~apart
        return np.flatnonzero(ok)

    def _held_apart(self, held: IntArray) -> BoolArray | None:
        """Per pair, whether peacekeepers hold it apart (``held``: pair keys; None: none),
        marked once for each ``held`` array (the model draws one a period)."""
        if held.size == 0:
            return None
        if self._apart is None or self._apart[0] is not held \
                or not np.array_equal(self._apart[1], held):
            self._apart = (held, held.copy(), np.isin(self.pairs.key, held))
        return self._apart[2]

    def pairs_of(self, aggressors: IntArray) -> IntArray:
        """The static pairs of ``aggressors`` (in increasing order), in the static order: the
        pairs are grouped by aggressor, so each group is a range."""
        start = self._by_aggressor[aggressors]
        size = self._by_aggressor[aggressors + 1] - start
        total = int(size.sum())
        if total == 0:
            return np.zeros(0, np.int64)
        return np.arange(total, dtype=np.int64) + np.repeat(start - (np.cumsum(size) - size), size)

    def _scale(self) -> float:
        return max(1.0, float(np.max(self.world.capability, initial=0.0)))

    def _pair_terms(self) -> dict[str, Any]:
        """Per pair and helper: the parts of the response that do not depend on capability.

        Affinity and alliances only change under balance of power, at the start of a period
        (after :meth:`new_period`), so this is computed once, or once per period there.
        """
        if self._pair_cache is not None:
            return self._pair_cache
        w, beh, P = self.world, self.behaviour, self.pairs
        aff = w.affinity.ravel()
        s_t = aff[P.fi_ht]
        s_a = aff[P.fi_ha]
        pact = (w.alliances.ravel()[P.fi_ht] & DEFENCE) > 0
        partners = (((w.alliances & DEFENCE) > 0) & w.alive.astype(bool)[:, None]).sum(axis=0)
        weight = pact_weight(partners[P.t], beh)[:, None]
        rho = self.rho
        b = np.clip(1.0 - rho + rho * (s_t - s_a) / 2.0, 0.0, 1.0)
        base = (float(beh.norm_weight) * (b - 0.5) + float(beh.affinity_weight) * (s_t - s_a) / 2.0
                + weight * pact)
        stake = (1.0 - w.affinity[P.a, P.t]) / 2.0 \
            + float(beh.territorial_stake) * np.asarray(w.contiguity, bool)[P.a, P.t]
        self._pair_cache = {"s_a": s_a, "pact": pact, "base": base, "stake": stake,
                            "hostility": (1.0 - s_a) / 2.0,
                            "cost_s": float(beh.sanction_cost) * (1.0 + np.maximum(0.0, s_a))}
        return self._pair_cache

    # -- votes --------------------------------------------------------------------------------

    def voters_for(self, body_id: str, question: str) -> Voters:
        """Voters of a body on a question (cached until seats change). Large all-members
        bodies are represented by an even sample of members (and every veto holder)."""
        key = (body_id, question)
        if key in self._voters:
            return self._voters[key]
        inst, w = self.institution, self.world
        body = self.charter.body(body_id)
        seats = inst.seats.get(body_id, np.zeros(0, np.int64)).astype(np.int64)
        fixed = body.composition == "fixed"
        holders = set(body.veto_holders(question, inst.on))
        veto_idx: set[int] = set()
        codes = inst.seat_codes.get(body_id, [])
        perm = inst.permanent.get(body_id, np.zeros(0, np.int64))
        for c, i in zip(codes, perm, strict=False):
            if c in holders and i >= 0:
                veto_idx.add(int(i))
        if not inst.synthetic:
            veto_idx.update(i for i in seats.tolist() if i >= 0 and w.codes[i] in holders)
        scale = 1.0
        voters = seats
        if not fixed and seats.size > MAX_VOTERS:
            keep = np.unique(np.concatenate([
                seats[np.linspace(0, seats.size - 1, MAX_VOTERS).round().astype(np.int64)],
                np.array(sorted(veto_idx), np.int64)]))
            scale = seats.size / keep.size
            voters = keep
        veto = np.array([int(v) in veto_idx for v in voters], dtype=bool)
        out = Voters(voters=voters, veto=veto, scale=scale, rule=body.rules[question], fixed=fixed)
        self._voters[key] = out
        return out

    def vote(self, body_id: str, question: str, sel: IntArray, scale: float
             ) -> tuple[FloatArray, FloatArray]:
        """Per pair: (P(adopted), P(vetoed)) as the aggressor expects the vote to go.

        Voter ``k``'s expected utility of condemning follows the engine's voting rule at the
        expected belief, ``u = norm (2 b_k - 1) + affinity (s_kt - s_ka) / 2 - fear_weight f_k``
        (``f_k``: the aggressor's projected share against ``k``); with the spread ``sigma_u`` of
        beliefs (attribution noise, a possible self-defence claim) the voter votes yes with
        ``Phi((u - band) / sigma_u)`` and no with ``Phi((-band - u) / sigma_u)``; the aggressor
        votes no and the target yes. The charter's rule turns these into the probability that
        no veto holder votes no and that the threshold of its base is met (a normal
        approximation of the count), or that unanimity holds.
        """
        v = self.voters_for(body_id, question)
        if v.voters.size == 0 or sel.size == 0:
            return np.zeros(sel.size), np.zeros(sel.size)
        p_yes, p_no, counted, absent = self._ballots(v, sel, scale)
        return _adoption(v.rule, p_yes, p_no, counted, absent, v.veto, v.scale)

    def _ballots(self, v: Voters, sel: IntArray, scale: float
                 ) -> tuple[FloatArray, FloatArray, BoolArray, BoolArray]:
        """Per pair and voter: P(yes), P(no), counted (present, not excluded), absent."""
        w, beh, g = self.world, self.behaviour, self.grad
        a = self.pairs.a[sel]
        t = self.pairs.t[sel]
        vi = np.maximum(v.voters, 0)
        s_a = w.affinity[vi[None, :], a[:, None]]
        s_t = w.affinity[vi[None, :], t[:, None]]
        rho = self.rho
        b = np.clip(1.0 - rho + rho * (s_t - s_a) / 2.0, 0.0, 1.0)
        cap = w.capability
        tok_a = g.token(w.distance[vi[None, :], a[:, None]])
        a_at_k = g.project(np.broadcast_to(cap[a][:, None], s_a.shape), tok_a, scale)
        own_k = g.project(cap[vi], self.pairs.tok0, scale)
        fear = a_at_k / np.maximum(a_at_k + own_k[None, :], 1e-300)
        u = (float(beh.norm_weight) * (2.0 * b - 1.0) + float(beh.affinity_weight) * (s_t - s_a) / 2.0
             - float(beh.fear_weight) * fear)
        band = float(beh.abstain_band)
        is_a = v.voters[None, :] == a[:, None]
        is_t = v.voters[None, :] == t[:, None]
        p_yes = np.where(is_t, 1.0, np.where(is_a, 0.0, ndtr((u - band) / self.sigma_u)))
        p_no = np.where(is_a, 1.0, np.where(is_t, 0.0, ndtr((-band - u) / self.sigma_u)))
        present = (v.voters >= 0) & w.alive[vi]
        counted = np.broadcast_to(present, u.shape).copy()
        if v.rule.exclude == "parties":
            counted &= ~(is_a | is_t)
        elif v.rule.exclude == "aggressor":
            counted &= ~is_a
        absent = np.broadcast_to(~present, u.shape)
        return (np.where(counted, p_yes, 0.0), np.where(counted, p_no, 0.0), counted,
                np.asarray(absent))

    # -- obligations --------------------------------------------------------------------------

    def pair_obligations(self, sel: IntArray, scale: float) -> dict[str, Any]:
        """Per pair: the sanction and force obligation the aggressor expects (before
        credibility): each step's bindingness weight times the probability that its vote
        passes, following the procedure as the engine does: a failed determination stops the
        measures after it (votes in one crisis are cast once, so a measure passes at most as
        often as the determination); a vetoed step with a fallback (Uniting for Peace, veto
        override) gets the fallback's weaker bindingness when the fallback's vote passes;
        ``determination_share`` of a determination carries over to measures."""
        shape = sel.shape
        fam = {"sanctions": np.zeros(shape), "force": np.zeros(shape),
               "determination": np.zeros(shape)}
        binding = {"sanctions": np.zeros(shape, bool), "force": np.zeros(shape, bool)}
        p_det: FloatArray | None = None
        universal = scope.universal(self.institution)
        votes: dict[tuple[str, str], tuple[FloatArray, FloatArray]] = {}
        fallbacks: dict[str, FloatArray] = {}
        for s in self.steps:
            f = scope.family(s.measure)
            if f is None:
                continue
            if s.body is None or s.question is None:
                w = np.full(shape, s.weight)
                strong = np.full(shape, s.binding)
            else:
                w, strong, p_det = self._step_weight(s, sel, scale, p_det, votes, fallbacks)
            fam[f] = np.maximum(fam[f], w)
            if f in binding and universal:
                binding[f] |= strong & (w > 0)
        ob_s, ob_f = scope.carried_over(fam, float(self.behaviour.determination_share))
        return {"sanctions": ob_s, "force": ob_f, "binding_force": binding["force"]}

    def _step_weight(self, s: StepInfo, sel: IntArray, scale: float, p_det: FloatArray | None,
                     votes: dict[tuple[str, str], tuple[FloatArray, FloatArray]],
                     fallbacks: dict[str, FloatArray]
                     ) -> tuple[FloatArray, BoolArray, FloatArray | None]:
        """A voted step's expected obligation weight, whether it surely binds, and the chance
        that a determination has passed by now."""
        assert s.body is not None and s.question is not None
        key = (s.body, s.question)
        if key not in votes:
            votes[key] = self.vote(s.body, s.question, sel, scale)
        p_adopt, p_veto = votes[key]
        p_rescue = np.zeros(sel.shape)
        if s.fallback_weight > 0:
            if s.body not in fallbacks:
                fb = self.charter.fallback_for(s.body)
                fallbacks[s.body] = (self.vote(fb.decides_body, fb.decides_question,
                                               sel, scale)[0] if fb is not None
                                     else np.zeros(sel.shape))
            p_rescue = p_veto * fallbacks[s.body]
        if s.gated and p_det is not None:
            p_adopt = np.minimum(p_adopt, p_det)
            p_rescue = p_rescue * p_det
        w = s.weight * p_adopt + s.fallback_weight * p_rescue
        strong = (p_adopt > 0.5) & s.binding
        if s.measure == "determination":
            here = np.clip(p_adopt + p_rescue, 0.0, 1.0)
            p_det = here if p_det is None else np.maximum(p_det, here)
        return w, strong, p_det

    def obligations(self, pairs: IntArray) -> dict[str, Any]:
        """Scope and expected obligations of relevant pairs (static indices), computed when
        first asked for in a period (votes are judged on the world as it then is) and again
        only when seats change or a state dies."""
        P = self.pairs
        ps = P.a.size
        if self._ob_cache is None:
            self._ob_cache = {"scope": scope.in_scope(self.institution, P.a, P.t),
                              "force": np.zeros(ps), "sanctions": np.zeros(ps),
                              "binding_force": np.zeros(ps, bool), "done": np.zeros(ps, bool)}
        out = self._ob_cache
        todo = pairs[~out["done"][pairs] & out["scope"][pairs]]
        if todo.size:
            todo = np.unique(todo)
            ob = self.pair_obligations(todo, self._scale())
            for k in ("force", "sanctions", "binding_force"):
                out[k][todo] = ob[k]
            out["done"][todo] = True
        return out

    def answerable(self) -> BoolArray:
        """Per static pair, whether an answer to the attack enters its expected utility with
        the institution: the pairs in the institution's scope (as :meth:`obligations` judges
        it this period); every pair under ad-hoc balancing without an institution; none
        without either (self-help). The others' utility with the institution is the one
        without its obligations."""
        if self.has_institution:
            return np.asarray(self.obligations(np.zeros(0, np.int64))["scope"], dtype=bool)
        return np.full(self.pairs.a.size, self.ad_hoc)

    # -- expected utility ---------------------------------------------------------------------

    def expected_utility(self, sel: IntArray, *, credibility: float, doubt: BoolArray,
                         top_threat_of: IntArray, threshold: FloatArray | None = None,
                         reuse: BoolArray | None = None, answer: bool = True,
                         spare: bool = False) -> tuple[FloatArray, FloatArray]:
        """Expected utility of attacking, with and without the institution, per pair ``sel``.

        See :meth:`foedus.engine.Model.expected_utility`. ``credibility`` is the institution's
        learned credibility (NaN: none), ``doubt`` marks aggressors discounting it this
        period, ``top_threat_of`` each state's most threatening state (balance of power).
        ``reuse`` (per entry of ``sel``) marks pairs whose utilities before the institution's
        answer (with the world's ties, and without the ties the system created) are those of
        the last call that computed them: the caller vouches that nothing they depend on (the
        capabilities of the parties and the target's allies, the largest capability, the pair
        terms) has changed since (:meth:`foedus.engine.Model._decide`, issue 16). With
        ``answer`` False the institution's answer is left out (the first array is the utility
        before it), but the obligations of the pairs that could still attack are judged as
        they would be with it: the model computes the answer later, when the aggressor is
        activated (:meth:`foedus.engine.Model._touch`). With ``spare`` (and ``threshold``) the
        pairs not in ``reuse`` whose bound (:meth:`upper_bound`: the target fighting alone) is
        at most their threshold are not computed: ``-inf`` in both arrays, and kept as such
        for ``reuse``. Neither utility of such a pair can exceed its threshold (allies, the
        answer and the ties the system created only add to the target's side), so no decision
        that reads only the pairs above their thresholds changes (issue 16).
        """
        w, beh, g, P = self.world, self.behaviour, self.grad, self.pairs
        scale = self._scale()
        cap = w.capability
        with np.errstate(divide="ignore"):
            lc = np.where(cap > 0, np.log(np.maximum(cap, 1e-300)), -np.inf)
        self._lc = (lc, scale)
        self._check_memo(cap, scale)
        a, t = P.a[sel], P.t[sel]
        sd = self.charter.self_defence
        terms = self._pair_terms()
        e_a = g.project_log(lc[a], P.tok_pair[sel], scale)
        e_t = g.project_log(lc[t], P.tok0, scale) if sd.allowed else np.zeros(t.shape)
        collective = bool(sd.allowed and sd.collective)
        gain = np.minimum(float(beh.spoils) * cap[t] / np.maximum(cap[a], 1e-300), 1.0) \
            * terms["stake"][sel]
        rv = self._rivalry(sel)
        if spare and threshold is not None:
            reuse = self._spare(sel, e_a, e_t, gain, rv, threshold, reuse)
        eu1, eu0 = self._unanswered(sel, e_a, e_t, gain, terms, collective, reuse, rv)
        cred = credibility if math.isfinite(credibility) else 0.0
        if not (self.has_institution or self.ad_hoc) or cred <= 0:
            return eu1, eu0
        sub = np.arange(sel.size) if threshold is None else np.flatnonzero(eu1 > threshold)
        ob: dict[str, Any] = {}
        if self.has_institution:
            ob = self.obligations(sel[sub])
            sub = sub[ob["scope"][sel[sub]]]
        if sub.size == 0 or not answer:
            return eu1, eu0
        s = sel[sub]
        believed = np.where(doubt[P.a[s]], 0.0, cred)
        e_a1, e_d1, cut = self._answered(s, e_a[sub], e_t[sub], believed, collective, ob,
                                         top_threat_of, terms)
        eu1[sub] = self._utility(e_a1, e_d1, gain[sub]) - cut \
            + (rv[sub] if isinstance(rv, np.ndarray) else rv)
        return eu1, eu0

    def upper_bound(self, sel: IntArray) -> FloatArray:
        """Per pair ``sel``: a bound above its utility before the institution's answer (the
        first array of :meth:`expected_utility` without the answer): the target fighting
        alone, since its allies can only add to its side and a stronger side can only lower
        the chance of winning. A margin of 1e-9 covers the rounding of the logarithms;
        ``inf`` where a gain below ``-war_loss`` would turn the bound around."""
        w, beh, g, P = self.world, self.behaviour, self.grad, self.pairs
        scale = self._scale()
        cap = w.capability
        with np.errstate(divide="ignore"):
            lc = np.where(cap > 0, np.log(np.maximum(cap, 1e-300)), -np.inf)
        a, t = P.a[sel], P.t[sel]
        e_a = g.project_log(lc[a], P.tok_pair[sel], scale)
        e_t = g.project_log(lc[t], P.tok0, scale) if self.charter.self_defence.allowed \
            else np.zeros(t.shape)
        gain = np.minimum(float(beh.spoils) * cap[t] / np.maximum(cap[a], 1e-300), 1.0) \
            * self._pair_terms()["stake"][sel]
        return self._bound(e_a, e_t, gain, self._rivalry(sel))

    def _bound(self, e_a: FloatArray, e_t: FloatArray, gain: FloatArray,
               rv: FloatArray | float) -> FloatArray:
        """:meth:`upper_bound` from its terms: the utility with the target alone, the rivalry
        term added, raised by 1e-9 of itself (``inf`` where ``gain < -war_loss``)."""
        u = self._utility(e_a, e_t, gain) + rv
        return np.asarray(np.where(gain + float(self.behaviour.war_loss) >= 0,
                                   u + 1e-9 * (1.0 + np.abs(u)), np.inf), dtype=float)

    def _unanswered(self, sel: IntArray, e_a: FloatArray, e_t: FloatArray, gain: FloatArray,
                    terms: dict[str, Any], collective: bool, reuse: BoolArray | None,
                    rv: FloatArray | float) -> tuple[FloatArray, FloatArray]:
        """The utilities before the institution answers: with the world's ties (no obligation
        yet) and without the ties the system created, each with the rivalry term ``rv`` (per
        entry of ``sel``, or one number); computed for the pairs not in ``reuse`` (and kept
        per pair), taken from the last computation for the others (the dispute history moves
        only between periods)."""
        ties, none = self._kept_plain()
        todo = np.arange(sel.size) if reuse is None else np.flatnonzero(~reuse)
        if todo.size:
            s, ea, et, g = sel[todo], e_a[todo], e_t[todo], gain[todo]
            r = rv[todo] if isinstance(rv, np.ndarray) else rv
            e_d = self._allies(s, ea, et, terms) if collective else et.copy()
            u1 = self._utility(ea, e_d, g) + r  # the world's ties, no obligation yet
            u0 = u1
            if collective and self._created is not None:  # without the ties the system created
                u0 = self._utility(ea, self._allies(s, ea, et, terms, drop=True), g) + r
            ties[s], none[s] = u1, u0
        return ties[sel], none[sel]

    def _kept_plain(self) -> tuple[FloatArray, FloatArray]:
        """The kept utilities before the answer, per pair (:meth:`_unanswered`)."""
        n_pairs = self.pairs.a.size
        if self._plain is None or self._plain[0].size != n_pairs:
            self._plain = (np.full(n_pairs, np.nan), np.full(n_pairs, np.nan))
        return self._plain

    def _spare(self, sel: IntArray, e_a: FloatArray, e_t: FloatArray, gain: FloatArray,
               rv: FloatArray | float, threshold: FloatArray, reuse: BoolArray | None
               ) -> BoolArray:
        """Mark the pairs of ``sel`` not in ``reuse`` whose bound is at most their threshold
        (the bound of :meth:`upper_bound`, from the terms already computed): their utilities
        before the answer kept as ``-inf``; returns ``reuse`` with them added."""
        out = np.zeros(sel.size, bool) if reuse is None else reuse.copy()
        todo = np.flatnonzero(~out)
        if todo.size == 0:
            return out
        ub = self._bound(e_a[todo], e_t[todo], gain[todo],
                         rv[todo] if isinstance(rv, np.ndarray) else rv)
        low = todo[ub <= threshold[todo]]
        if low.size:
            ties, none = self._kept_plain()
            ties[sel[low]] = none[sel[low]] = -np.inf
            out[low] = True
        return out

    def _rivalry(self, sel: IntArray) -> FloatArray | float:
        """What a dispute is worth to the aggressor beyond the war it may become, per pair
        ``sel``: ``rivalry * h / (1 + h)`` for the pair's dispute history ``h``
        (``World.disputes``). Rivals dispute again whatever the war would bring (Goertz & Diehl
        1993; Vasquez 1993). 0 when ``rivalry`` is 0."""
        r = float(self.behaviour.rivalry)
        if r <= 0.0:
            return 0.0
        P = self.pairs
        h = self.world.disputes[P.a[sel], P.t[sel]]
        return np.asarray(r * h / (1.0 + h), float)

    def _utility(self, e_a: FloatArray, e_d: FloatArray, gain: FloatArray) -> FloatArray:
        """``escalation x (P(win) gain - (1 - P(win)) war_loss)``: a dispute pays (or costs)
        only if it becomes a war."""
        beh = self.behaviour
        p_win = contest_success(e_a, e_d, float(beh.gamma))
        return np.asarray(float(beh.escalation) * (p_win * gain - (1.0 - p_win)
                                                     * float(beh.war_loss)), dtype=float)

    def _allies(self, sel: IntArray, e_a: FloatArray, e_t: FloatArray,
                terms: dict[str, Any], drop: bool = False) -> FloatArray:
        """The target's side without the institution's obligations: itself and its allies
        (each with its chance of joining), computed element by element over the sparse
        allies; with ``drop``, not the allies whose tie the system created."""
        w, P = self.world, self.pairs
        e_d0 = e_t.copy()
        cand0 = terms["pact"][sel] & P.hp_ok[sel] & w.alive[P.hpi[sel]]
        if drop and self._created is not None:
            cand0 &= ~self._created[sel]
        rows, cols = np.nonzero(cand0)
        if rows.size:
            p0, at_t = self._join(sel[rows], cols, e_a[rows], 0.0)
            e_d0 += np.bincount(rows, weights=p0 * at_t, minlength=sel.size)
        return e_d0

    def _answered(self, s: IntArray, e_a: FloatArray, e_t: FloatArray, believed: FloatArray,
                  collective: bool, ob: dict[str, Any], top_threat_of: IntArray,
                  terms: dict[str, Any]) -> tuple[FloatArray, FloatArray, FloatArray]:
        """With the institution (or ad-hoc balancing): the aggressor's strength after expected
        sanctions, the target's side, and the sanctions' cost, for pairs ``s``."""
        w, P = self.world, self.pairs
        if not self.has_institution:  # balance of power
            rows, cols, balancer = self._balancing(s, collective, top_threat_of, terms)
            e_d1 = self._balancers(s, rows, cols, balancer, e_a, e_t, believed)
            return e_a, e_d1, np.zeros(s.size)
        h = P.hpi.shape[1]
        rows = np.repeat(np.arange(s.size), h)
        cols = np.tile(np.arange(h), s.size)
        valid = (P.hp_ok[s] & w.alive[P.hpi[s]]).ravel()
        rows, cols = rows[valid], cols[valid]
        ally = terms["pact"][s[rows], cols] & collective
        e_d1 = self._members(s, rows, cols, ally, e_a, e_t, believed, ob)
        cut = self._sanctions(s, rows, cols, e_a, believed * ob["sanctions"][s], terms["cost_s"])
        return e_a * (1.0 - cut), e_d1, cut

    def _members(self, s: IntArray, rows: IntArray, cols: IntArray, ally: BoolArray,
                 e_a: FloatArray, e_t: FloatArray, believed: FloatArray,
                 ob: dict[str, Any]) -> FloatArray:
        """The target's side: allies and the members obliged to fight (where they may)."""
        w = self.world
        ob_f = believed * ob["force"][s]
        strong = ob["binding_force"][s]
        j = self.pairs.hpi[s[rows], cols]
        member = self.institution.members[j]
        cand_f = member & (ob_f[rows] > 0) & (~w.nonaligned[j] | strong[rows])
        keep = ally | cand_f
        p1, at_t = self._join(s[rows[keep]], cols[keep], e_a[rows[keep]],
                              np.where(cand_f[keep], ob_f[rows[keep]], 0.0))
        return e_t + np.bincount(rows[keep], weights=p1 * at_t, minlength=s.size)

    def _sanctions(self, s: IntArray, rows: IntArray, cols: IntArray, e_a: FloatArray,
                   ob_s: FloatArray, cost_s: FloatArray) -> FloatArray:
        """The expected cut of the aggressor's strength by sanctions: ``sanction_effect`` x the
        members' share of the world's capability x their capability-weighted chance to act."""
        w, beh, P = self.world, self.behaviour, self.pairs
        cap = w.capability
        cut = np.zeros(s.size)
        j = P.hpi[s[rows], cols]
        cand_s = self.institution.members[j] & (ob_s[rows] > 0)
        if not cand_s.any():
            return cut
        rs, cs = rows[cand_s], cols[cand_s]
        _, _, ben_s = self._join(s[rs], cs, e_a[rs], 0.0, with_benefit=True)
        sigma = float(beh.response_noise) + 0.05
        p_s = ndtr((ben_s + ob_s[rs] - cost_s[s[rs], cs]) / sigma)
        wgt = cap[P.hpi[s[rs], cs]]
        wsum = np.bincount(rs, weights=wgt, minlength=s.size)
        psum = np.bincount(rs, weights=wgt * p_s, minlength=s.size)
        mean_p = np.where(wsum > 0, psum / np.where(wsum > 0, wsum, 1.0), 0.0)
        mem = self.institution.members & w.alive
        aa, tt = P.a[s], P.t[s]
        pool = float(cap[w.alive].sum()) - cap[aa]
        msum = float(cap[mem].sum()) - np.where(mem[aa], cap[aa], 0.0) \
            - np.where(mem[tt], cap[tt], 0.0)
        share = np.clip(np.where(pool > 0, msum / np.where(pool > 0, pool, 1.0), 0.0), 0.0, 1.0)
        return np.asarray(float(beh.sanction_effect) * share * mean_p, dtype=float)

    def _balancing(self, s: IntArray, collective: bool, top_threat_of: IntArray,
                   terms: dict[str, Any]) -> tuple[IntArray, IntArray, BoolArray]:
        """Balance of power: the helpers of pairs ``s`` that may join the target (its allies,
        and the balancers: those whose top threat is the aggressor), as (row in ``s``, helper
        column, whether a balancer), in pair and helper order. Who they are changes only with
        the period's alignments, ties and deaths: marked for every pair once, then read."""
        w, P = self.world, self.pairs
        key = self._balancing_key
        if key is None or key[0] is not terms or key[1] != collective \
                or not np.array_equal(key[2], top_threat_of) or not np.array_equal(key[3], w.alive):
            valid = P.hp_ok & w.alive[P.hpi]
            ally = terms["pact"] & collective & valid
            balancer = valid & (top_threat_of[P.hpi] == P.a[:, None]) & ~ally
            self._balancing_masks = (ally | balancer, balancer)
            self._balancing_key = (terms, collective, top_threat_of.copy(), w.alive.copy())
        assert self._balancing_masks is not None
        keep, balancer = self._balancing_masks
        rows, cols = np.nonzero(keep[s])
        return rows, cols, balancer[s[rows], cols]

    def _balancers(self, s: IntArray, rows: IntArray, cols: IntArray, balancer: BoolArray,
                   e_a: FloatArray, e_t: FloatArray, believed: FloatArray) -> FloatArray:
        """Balance of power: allies and the balancers (those whose top threat is the
        aggressor) join, the balancers with the learned reliability of ad-hoc coalitions."""
        bonus = np.where(balancer, float(self.behaviour.balancing_weight), 0.0)
        p1, at_t = self._join(s[rows], cols, e_a[rows], bonus)
        p1 = np.where(balancer, believed[rows] * p1, p1)
        return e_t + np.bincount(rows, weights=p1 * at_t, minlength=s.size)

    def _join(self, pairs: IntArray, cols: IntArray, e_a: FloatArray, extra: Any,
              with_benefit: bool = False) -> Any:
        """Chance that helper ``cols`` of each pair fights for the target, and its strength
        there: ``Phi((benefit + extra - cost_force) / sigma)`` (elementwise over the lists)."""
        benefit, cost_f, at_t = self._helper_terms(pairs, cols, e_a)
        sigma = float(self.behaviour.response_noise) + 0.05
        p = ndtr((benefit + extra - cost_f) / sigma)
        if with_benefit:
            return p, at_t, benefit
        return p, at_t

    def _helper_terms(self, pairs: IntArray, cols: IntArray, e_a: FloatArray
                      ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Per pair and helper: the helper's benefit of fighting for the target, its cost of
        force and its strength at the target, elementwise over the lists. Each depends only on
        the capabilities of the aggressor and the helper, the largest capability and the pair
        terms; with :attr:`memo` they are kept per pair and helper and computed again only where
        one of those changed (:meth:`_check_memo`; issue 16)."""
        if self._memo is None:
            return self._helper_terms_now(pairs, cols, e_a)
        ben, cost, at, ok = self._memo
        fresh = ~ok[pairs, cols]
        if fresh.any():
            pf, cf = pairs[fresh], cols[fresh]
            ben[pf, cf], cost[pf, cf], at[pf, cf] = self._helper_terms_now(pf, cf, e_a[fresh])
            ok[pf, cf] = True
        return ben[pairs, cols], cost[pairs, cols], at[pairs, cols]

    def _helper_terms_now(self, pairs: IntArray, cols: IntArray, e_a: FloatArray
                          ) -> tuple[FloatArray, FloatArray, FloatArray]:
        beh, g, P = self.behaviour, self.grad, self.pairs
        lc, scale = self._lc
        terms = self._pair_terms()
        j = P.hpi[pairs, cols]
        at_t = g.project_log(lc[j], P.tok_ht[pairs, cols], scale)
        own = g.project_log(lc[j], P.tok0, scale)
        a_at_j = g.project_log(lc[P.a[pairs]], P.tok_ha[pairs, cols], scale)
        fear = a_at_j / np.maximum(a_at_j + own, 1e-300)
        benefit = terms["base"][pairs, cols] + float(beh.threat_weight) * fear \
            * terms["hostility"][pairs, cols]
        rel = e_a / np.maximum(e_a + at_t, 1e-300)
        cost_f = float(beh.war_cost) * (0.25 + 0.75 * rel)
        return benefit, cost_f, at_t

    def _check_memo(self, cap: FloatArray, scale: float) -> None:
        """Keep the memo of :meth:`_helper_terms` only where it still holds: all of it is
        dropped when the largest capability or the pair terms changed, and the entries of the
        pairs whose aggressor, or of the helpers whose own, capability changed."""
        if not self.memo:
            self._memo = None
            return
        P = self.pairs
        terms = self._pair_terms()
        seen = self._memo_key
        if self._memo is None or seen is None or seen[1] != scale or seen[2] is not terms \
                or seen[0].shape != cap.shape:
            shape = P.hpi.shape
            self._memo = (np.empty(shape), np.empty(shape), np.empty(shape),
                          np.zeros(shape, bool))
        else:
            ok = self._memo[3]
            moved = np.flatnonzero(seen[0] != cap)
            if moved.size > MEMO_LOOP:  # many (a war of many): one pass over every entry
                mask = np.zeros(cap.shape, bool)
                mask[moved] = True
                ok[mask[P.a]] = False
                ok &= ~mask[P.hpi]  # (padding entries too: never read as kept)
            for x in moved if moved.size <= MEMO_LOOP else ():
                ok[self._by_aggressor[x]:self._by_aggressor[x + 1]] = False
                rows, cols, start = self._by_helper
                ok[rows[start[x]:start[x + 1]], cols[start[x]:start[x + 1]]] = False
        self._memo_key = (cap.copy(), scale, terms)


__all__ = ["MAX_VOTERS", "Forecast", "Pairs", "StepInfo", "Voters", "procedure_steps",
           "relevant_pairs", "required"]
