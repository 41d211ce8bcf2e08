"""The Mesa model: states as agents, a yearly step of growth, decisions and crises.

The model's rules are foedus's (docs/model.md, docs/crisis.md): capabilities grow with a
lognormal shock and are renormalised (Singer, Bremer & Stuckey 1972); each state weighs its
politically relevant targets (Lemke & Reed 2001) by expected utility (Bueno de Mesquita 1981)
against the response it expects, with the loss-of-strength gradient (Boulding 1962; Bueno de
Mesquita 1981) and the contest success function (Tullock 1980; Hirshleifer 1989); states are
activated in random sequential order (Huberman & Glance 1993); a crisis runs through
attribution, the charter's votes (:func:`foedus.evaluate_vote`), responses by a threshold rule
(Granovetter 1978), war, peacekeeping with consent (Fortna 2008) and credibility learning
(Huth 1988).

Random numbers are drawn from ``model.rng`` in foedus's order, so that the same generator
gives the same crises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np
from mesa.agent import AgentSet
from numpy.typing import NDArray
from scipy.special import ndtr

import foedus
from foedus import Behaviour, Charter, World
from foedus.rules.charter import BINDINGNESS_WEIGHT
from foedus.rules.states import states as registry

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: The systems this reference implements.
SUPPORTED = ("self-help", "collective-security", "un-1965")
#: The defence bit of the world's alliance matrix (ATOP-style obligations).
DEFENCE, OFFENCE = 1, 2
#: A pair's dispute history fades with this half-life (years), and a history of at least
#: RIVAL_HISTORY at the start makes the pair relevant whatever the distance (rivals).
HALF_LIFE, RIVAL_HISTORY = 10.0, 0.25
KM_PER_MILE = 1.609344
GATED = ("provisional-measures", "sanctions", "force")
FAMILY = {"sanctions": "sanctions", "force": "force", "determination": "determination",
          "provisional-measures": "determination"}


# --- the loss-of-strength gradient (Bueno de Mesquita 1981) -----------------------------------


def token(distance: Any, miles_per_day: float) -> Any:
    """The distance part of the BdM gradient: ``log10(miles / miles_per_day + 10 - e)``."""
    d = np.maximum(np.asarray(distance, dtype=float), 0.0)
    return np.log10(d / KM_PER_MILE / miles_per_day + (10.0 - math.e))


def project(cap: Any, tok: Any, scale: float) -> Any:
    """Capability shares projected with ``tok``: ``(c / scale) ** tok * scale``; none gives none."""
    c = np.asarray(cap, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c > 0, (np.maximum(c, 0.0) / scale) ** np.asarray(tok) * scale, 0.0)


def project_log(log_cap: Any, tok: Any, scale: float) -> Any:
    """The same from ``log(capability)``."""
    return np.exp(np.asarray(tok) * (np.asarray(log_cap) - math.log(scale))) * scale


def p_win(e1: float, e2: float, gamma: float) -> float:
    """Contest success: ``E_1^g / (E_1^g + E_2^g)`` (Hirshleifer 1989), in log space."""
    if e1 <= 0 and e2 <= 0:
        return 0.5
    if e2 <= 0:
        return 1.0
    if e1 <= 0:
        return 0.0
    z = gamma * (math.log(e2) - math.log(e1))
    return 1.0 / (1.0 + math.exp(z)) if z < 700 else 0.0


def p_win_array(e1: FloatArray, e2: FloatArray, gamma: float) -> FloatArray:
    """:func:`p_win` over arrays."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = gamma * (np.log(np.maximum(e2, 1e-300)) - np.log(np.maximum(e1, 1e-300)))
        p = np.where(z < 700, 1.0 / (1.0 + np.exp(np.clip(z, -700, 700))), 0.0)
    p = np.where(e2 <= 0, 1.0, p)
    p = np.where(e1 <= 0, 0.0, p)
    return np.asarray(np.where((e1 <= 0) & (e2 <= 0), 0.5, p), dtype=float)


def share(x: float, y: float) -> float:
    """``x / (x + y)``, 1/2 when both are zero."""
    return x / (x + y) if x + y > 0 else 0.5


# --- the agent ---------------------------------------------------------------------------------


class StateAgent(mesa.Agent):
    """One state: its capability and status, its relevant targets, and its decisions."""

    def __init__(self, model: SecurityModel, index: int, code: str, capability: float) -> None:
        super().__init__(model)
        self.index, self.code = index, code
        self.capability = capability
        self.alive = True
        self.member = False
        self.doubts = False
        self.activated = False
        self.plan: tuple[float, int, float, int] = (-math.inf, -1, -math.inf, -1)
        # crisis state
        self.belief = 1.0
        self.vote = "abstain"

    # -- setup: politically relevant targets (Lemke & Reed 2001) and their helpers --------------

    def neighbours(self, k: int, reach: float) -> IntArray:
        """The ``k`` nearest states that are contiguous or within ``reach`` km."""
        m = self.model
        d = m.distance[self.index].copy()
        d[self.index] = np.inf
        dd = np.where(m.contiguity[self.index] | (d <= reach), d, np.inf)
        near = np.argsort(dd, kind="stable")[:k]
        return near[np.isfinite(dd[near])].astype(np.int64)

    def setup_targets(self, helpers: list[IntArray]) -> None:
        """Targets (neighbours and pairs with a major), their helpers and the fixed terms."""
        m, i = self.model, self.index
        targets = set(m.nbr[i].tolist())
        if m.major[i]:
            targets |= set(range(m.n))
        targets |= set(np.flatnonzero(m.major).tolist())
        targets |= set(np.flatnonzero(m.disputes[i] >= RIVAL_HISTORY).tolist())
        targets |= set(np.flatnonzero(m.disputes[:, i] >= RIVAL_HISTORY).tolist())
        targets.discard(i)
        t = np.array(sorted(targets), np.int64)
        width = max((h.size for h in helpers), default=0)
        hp = np.full((t.size, width), -1, np.int64)
        for r, tt in enumerate(t):
            hp[r, :helpers[tt].size] = helpers[tt]
        hpi = np.maximum(hp, 0)
        beh, mpd = m.behaviour, m.miles_per_day
        self.targets, self.keys, self.hp, self.hpi = t, i * m.n + t, hp, hpi
        self.hp_ok = (hp >= 0) & (hpi != i) & ~m.nonaligned[hpi]
        self.tok_pair = token(m.distance[i, t], mpd)
        self.tok_ht = token(m.distance[hpi, t[:, None]], mpd)
        self.tok_ha = token(m.distance[hpi, i], mpd)
        s_t, s_a = m.affinity[hpi, t[:, None]], m.affinity[hpi, i]
        self.pact = (m.alliances[hpi, t[:, None]] & DEFENCE) > 0
        b = np.clip(1.0 - m.rho + m.rho * (s_t - s_a) / 2.0, 0.0, 1.0)
        self.base0 = beh.norm_weight * (b - 0.5) + beh.affinity_weight * (s_t - s_a) / 2.0
        self.reweigh()
        self.hostility = (1.0 - s_a) / 2.0
        self.cost_s = beh.sanction_cost * (1.0 + np.maximum(0.0, s_a))
        # the spoils, worth more against a neighbour (territorial issues; Vasquez 1993)
        self.stake = (1.0 - m.affinity[i, t]) / 2.0 \
            + beh.territorial_stake * np.asarray(m.contiguity, bool)[i, t]
        self.forget()

    def reweigh(self) -> None:
        """The helpers' base benefit with each target's pacts weighed by its living partners."""
        m = self.model
        self.base = self.base0 + m.pact_weight(m.partners[self.targets])[:, None] * self.pact

    def forget(self) -> None:
        """Drop the obligations this state expects (a new year, or seats or states changed)."""
        size = self.targets.size
        self.ob_done = np.zeros(size, bool)
        self.ob_force, self.ob_sanctions = np.zeros(size), np.zeros(size)
        self.ob_binding = np.zeros(size, bool)
        self.scope: BoolArray | None = None

    # -- the yearly decision: expected utility of attacking each target ------------------------

    def decide(self) -> None:
        """This state's best target with and without the institution (margins over its
        threshold), on the world as it is now."""
        m = self.model
        alive, cap = m.view["alive"], m.view["cap"]
        ok = alive[self.targets] & self.alive & (cap[self.index] > 0)
        if m.held.size:
            ok &= ~np.isin(self.keys, m.held)
        idx = np.flatnonzero(ok)
        if idx.size == 0:
            self.plan = (-math.inf, -1, -math.inf, -1)
            return
        theta = m.thresholds[self.index] - self.noise[idx]
        eu1, eu0 = self.expected_utility(idx, theta)
        k1, k0 = int(np.argmax(eu1 - theta)), int(np.argmax(eu0 - theta))
        self.plan = (float((eu1 - theta)[k1]), int(self.targets[idx[k1]]),
                     float((eu0 - theta)[k0]), int(self.targets[idx[k0]]))

    def expected_utility(self, idx: IntArray, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        m = self.model
        beh, v = m.behaviour, m.view
        cap, lc, scale = v["cap"], v["lc"], v["scale"]
        i, t = self.index, self.targets[idx]
        e_a = project_log(lc[i], self.tok_pair[idx], scale)
        e_t = project_log(lc[t], m.tok0, scale) if m.sd_allowed else np.zeros(t.size)
        gain = np.minimum(beh.spoils * cap[t] / max(cap[i], 1e-300), 1.0) * self.stake[idx]
        e_d = self.allies(idx, e_a, e_t) if m.collective else e_t.copy()
        h = m.disputes[i, t]  # rivals dispute again, whatever a war would bring
        rv = beh.rivalry * h / (1.0 + h)
        eu1 = self.utility(e_a, e_d, gain) + rv
        eu0 = eu1.copy()
        cred = m.credibility if math.isfinite(m.credibility) else 0.0
        if not m.has_institution or cred <= 0:
            return eu1, eu0
        sub = np.flatnonzero(eu1 > theta)
        self.obligations(idx[sub])
        assert self.scope is not None
        sub = sub[self.scope[idx[sub]]]
        if sub.size == 0:
            return eu1, eu0
        believed = 0.0 if self.doubts else cred
        e_d1, cut = self.answered(idx[sub], e_a[sub], e_t[sub], believed)
        eu1[sub] = self.utility(e_a[sub] * (1.0 - cut), e_d1, gain[sub]) - cut + rv[sub]
        return eu1, eu0

    def utility(self, e_a: FloatArray, e_d: FloatArray, gain: FloatArray) -> FloatArray:
        beh = self.model.behaviour
        p = p_win_array(e_a, e_d, beh.gamma)
        return np.asarray(beh.escalation * (p * gain - (1.0 - p) * beh.war_loss), dtype=float)

    def allies(self, idx: IntArray, e_a: FloatArray, e_t: FloatArray) -> FloatArray:
        alive = self.model.view["alive"]
        cand = self.pact[idx] & self.hp_ok[idx] & alive[self.hpi[idx]]
        rows, cols = np.nonzero(cand)
        e_d = e_t.copy()
        if rows.size:
            p, at_t, _ = self.join(idx[rows], cols, e_a[rows], 0.0)
            e_d += np.bincount(rows, weights=p * at_t, minlength=idx.size)
        return e_d

    def join(self, rows: IntArray, cols: IntArray, e_a: FloatArray, extra: Any
             ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Chance that each helper fights for the target, its strength there, its benefit."""
        m = self.model
        beh, lc, scale = m.behaviour, m.view["lc"], m.view["scale"]
        j = self.hpi[rows, cols]
        at_t = project_log(lc[j], self.tok_ht[rows, cols], scale)
        own = project_log(lc[j], m.tok0, scale)
        a_at_j = project_log(lc[self.index], self.tok_ha[rows, cols], scale)
        fear = a_at_j / np.maximum(a_at_j + own, 1e-300)
        benefit = self.base[rows, cols] + beh.threat_weight * fear * self.hostility[rows, cols]
        rel = e_a / np.maximum(e_a + at_t, 1e-300)
        cost = beh.war_cost * (0.25 + 0.75 * rel)
        p = ndtr((benefit + extra - cost) / m.sigma)
        return p, at_t, benefit

    def answered(self, idx: IntArray, e_a: FloatArray, e_t: FloatArray, believed: float
                 ) -> tuple[FloatArray, FloatArray]:
        """The target's side with the members obliged to fight, and the sanctions' cut."""
        m = self.model
        v, beh = m.view, m.behaviour
        alive, members, cap = v["alive"], v["members"], v["cap"]
        h = self.hpi.shape[1]
        rows = np.repeat(np.arange(idx.size), h)
        cols = np.tile(np.arange(h), idx.size)
        valid = (self.hp_ok[idx] & alive[self.hpi[idx]]).ravel()
        rows, cols = rows[valid], cols[valid]
        ally = self.pact[idx[rows], cols] & m.collective
        ob_f = believed * self.ob_force[idx]
        j = self.hpi[idx[rows], cols]
        cand_f = members[j] & (ob_f[rows] > 0) & (~m.nonaligned[j] | self.ob_binding[idx][rows])
        keep = ally | cand_f
        p1, at_t, _ = self.join(idx[rows[keep]], cols[keep], e_a[rows[keep]],
                                np.where(cand_f[keep], ob_f[rows[keep]], 0.0))
        e_d = e_t + np.bincount(rows[keep], weights=p1 * at_t, minlength=idx.size)
        ob_s = believed * self.ob_sanctions[idx]
        cut = np.zeros(idx.size)
        cand_s = members[j] & (ob_s[rows] > 0)
        if cand_s.any():
            rs, cs = rows[cand_s], cols[cand_s]
            _, _, ben = self.join(idx[rs], cs, e_a[rs], 0.0)
            p_s = ndtr((ben + ob_s[rs] - self.cost_s[idx[rs], cs]) / m.sigma)
            wgt = cap[self.hpi[idx[rs], cs]]
            wsum = np.bincount(rs, weights=wgt, minlength=idx.size)
            psum = np.bincount(rs, weights=wgt * p_s, minlength=idx.size)
            mean_p = np.where(wsum > 0, psum / np.where(wsum > 0, wsum, 1.0), 0.0)
            mem = members & alive
            t, i = self.targets[idx], self.index
            pool = float(cap[alive].sum()) - cap[i]
            msum = float(cap[mem].sum()) - (cap[i] if mem[i] else 0.0) \
                - np.where(mem[t], cap[t], 0.0)
            shr = np.clip(np.where(pool > 0, msum / np.where(pool > 0, pool, 1.0), 0.0), 0.0, 1.0)
            cut = beh.sanction_effect * shr * mean_p
        return e_d, cut

    def obligations(self, idx: IntArray) -> None:
        """The obligations this state expects the institution to impose if it attacks each
        target: each step's weight times the chance its vote passes (cached for the year)."""
        m = self.model
        if self.scope is None:
            members = m.view["members"]
            self.scope = members[self.targets] & (
                ~members[self.index] if m.charter.scope.against == "outside" else True)
        todo = idx[~self.ob_done[idx] & self.scope[idx]]
        if todo.size == 0:
            return
        todo = np.unique(todo)
        fam = {f: np.zeros(todo.size) for f in ("sanctions", "force", "determination")}
        binding = np.zeros(todo.size, bool)
        p_det: FloatArray | None = None
        votes: dict[tuple[str, str], FloatArray] = {}
        for step in m.charter.procedure:
            f = FAMILY.get(step.measure)
            if f is None:
                continue
            w8 = BINDINGNESS_WEIGHT[step.bindingness]
            strong_step = step.bindingness in ("binding", "automatic")
            if step.body is None or step.question is None:
                w, strong = np.full(todo.size, w8), np.full(todo.size, strong_step)
            else:
                key = (step.body, step.question)
                if key not in votes:
                    votes[key] = self.expected_vote(step.body, step.question, self.targets[todo])
                p_adopt = votes[key]
                if p_det is not None and step.measure in GATED and m.gated[step.id]:
                    p_adopt = np.minimum(p_adopt, p_det)
                w = w8 * p_adopt
                strong = (p_adopt > 0.5) & strong_step
                if step.measure == "determination":
                    here = np.clip(p_adopt, 0.0, 1.0)
                    p_det = here if p_det is None else np.maximum(p_det, here)
            fam[f] = np.maximum(fam[f], w)
            if f == "force" and m.universal:
                binding |= strong & (w > 0)
        share_ = m.behaviour.determination_share
        self.ob_sanctions[todo] = np.maximum(fam["sanctions"], share_ * fam["determination"])
        self.ob_force[todo] = np.maximum(fam["force"], share_ * fam["determination"])
        self.ob_binding[todo] = binding
        self.ob_done[todo] = True

    def expected_vote(self, body: str, question: str, t: IntArray) -> FloatArray:
        """P(adopted) per target, as this state pictures each voter's ballot (the engine's
        voting rule at the expected belief, with the spread of beliefs) and the body's rule."""
        m = self.model
        beh, v = m.behaviour, m.view
        seats = m.seats[body]
        rule = m.charter.body(body).rules[question]
        if seats.size == 0 or t.size == 0:
            return np.zeros(t.size)
        if not (isinstance(rule.threshold, int) and rule.base == "seats"
                and rule.exclude == "none" and not rule.abstention_is_veto
                and not rule.absence_is_veto):
            raise NotImplementedError(f"{body}/{question}: rule not covered by the reference")
        veto = np.isin(seats, m.veto_seats(body, question))
        i = a = self.index  # this state, the aggressor it pictures itself as
        vi = np.maximum(seats, 0)
        s_a = np.broadcast_to(m.affinity[vi, a], (t.size, vi.size))
        s_t = m.affinity[vi[None, :], t[:, None]]
        b = np.clip(1.0 - m.rho + m.rho * (s_t - s_a) / 2.0, 0.0, 1.0)
        tok_a = token(m.distance[vi, i], m.miles_per_day)
        a_at_k = project(np.broadcast_to(v["cap"][i], s_a.shape), tok_a[None, :], v["scale"])
        own_k = project(v["cap"][vi], m.tok0, v["scale"])
        fear = a_at_k / np.maximum(a_at_k + own_k[None, :], 1e-300)
        u = beh.norm_weight * (2.0 * b - 1.0) + beh.affinity_weight * (s_t - s_a) / 2.0 \
            - beh.fear_weight * fear
        band = beh.abstain_band
        is_a = seats[None, :] == a
        is_t = seats[None, :] == t[:, None]
        p_yes = np.where(is_t, 1.0, np.where(is_a, 0.0, ndtr((u - band) / m.sigma_u)))
        p_no = np.where(is_a, 1.0, np.where(is_t, 0.0, ndtr((-band - u) / m.sigma_u)))
        present = (seats >= 0) & v["alive"][vi]
        counted = np.broadcast_to(present, u.shape)
        p_yes, p_no = np.where(counted, p_yes, 0.0), np.where(counted, p_no, 0.0)
        block = np.where(veto[None, :] & counted, p_no, 0.0)
        p_free = np.exp(np.log1p(-np.clip(block, 0.0, 1.0 - 1e-12)).sum(axis=1))
        mu = p_yes.sum(axis=1)
        var = (p_yes * (1.0 - p_yes)).sum(axis=1)
        p_met = ndtr((mu - float(rule.threshold) + 0.5) / np.sqrt(var + 0.25))
        return np.asarray(np.clip(p_free * p_met, 0.0, 1.0), dtype=float)

    # -- the crisis: a third state's belief, vote and response -----------------------------------

    def believe(self, a: int, t: int, rho: float) -> None:
        """Attribution: belief that ``a`` is the aggressor (Jervis 1976); draws its noise."""
        m = self.model
        s_t, s_a = m.affinity[self.index, t], m.affinity[self.index, a]
        b = 1.0 - rho / 2.0 + rho * (s_t - s_a) / 2.0
        sd = m.behaviour.belief_noise * math.sqrt(rho)
        if sd > 0:
            b = b + m.rng.normal(0.0, sd)
        self.belief = min(1.0, max(0.0, b))

    def weigh(self, a: int, t: int, c: dict[str, Any]) -> None:
        """Benefit and costs of opposing the aggression, and the vote that follows."""
        m, i = self.model, self.index
        beh = m.behaviour
        s_t, s_a = m.affinity[i, t], m.affinity[i, a]
        proj_a = float(project(c["cap"][a], token(m.distance[a, i], m.miles_per_day), c["scale"]))
        own = float(project(c["cap"][i], m.tok0, c["scale"]))
        self.fear = share(proj_a, own)
        self.at_t = float(project(c["cap"][i], token(m.distance[i, t], m.miles_per_day),
                                  c["scale"]))
        self.pact_t = float((m.alliances[i, t] & DEFENCE) > 0)
        threat = self.fear * (1.0 - s_a) / 2.0
        self.benefit = (beh.norm_weight * (self.belief - 0.5) + beh.affinity_weight * (s_t - s_a) / 2.0
                        + beh.threat_weight * threat + c["pact_weight"] * self.pact_t)
        self.cost_sanction = beh.sanction_cost * (1.0 + max(0.0, s_a))
        u = beh.norm_weight * (2.0 * self.belief - 1.0) + beh.affinity_weight * (s_t - s_a) / 2.0 \
            - beh.fear_weight * self.fear
        band = beh.abstain_band
        self.vote = "yes" if u > band else ("no" if u < -band else "abstain")

    def draw_noise(self, name: str) -> None:
        """One idiosyncratic shock of the response (random utility; McFadden 1974)."""
        setattr(self, name, self.model.rng.normal(0.0, self.model.behaviour.response_noise))


# --- the model ---------------------------------------------------------------------------------


@dataclass
class Event:
    """One crisis as the reference records it."""

    year: int
    aggressor: str
    target: str
    in_scope: bool
    determined: bool
    vetoed: bool
    war: bool
    aggressor_won: bool
    effective: bool
    target_died: bool
    peacekeeping: bool
    contributors: list[str]
    sanctioners: list[str]
    credibility_after: float
    war_rounds: int = 0
    spread_defenders: list[str] = field(default_factory=list)
    spread_aggressors: list[str] = field(default_factory=list)


def event_key(e: Any) -> tuple[Any, ...]:
    """The fields compared event for event (a foedus ``CrisisEvent`` or an :class:`Event`)."""
    return (e.year, e.aggressor, e.target, bool(e.in_scope), bool(e.determined), bool(e.vetoed),
            bool(e.war), bool(e.aggressor_won), bool(e.effective), bool(e.target_died),
            bool(e.peacekeeping), tuple(e.contributors), tuple(e.sanctioners), int(e.war_rounds),
            tuple(e.spread_defenders), tuple(e.spread_aggressors))


class SecurityModel(mesa.Model):
    """A charter in a synthetic world over many years, one agent per state."""

    def __init__(self, charter: str, world: World, *, rng: Any = None) -> None:
        if charter not in SUPPORTED:
            raise ValueError(f"the Mesa reference covers {', '.join(SUPPORTED)}, not {charter!r}")
        super().__init__(rng=rng)
        # Mesa seeds its stdlib ``random`` with one draw from the generator it was given: rewind,
        # so that the run draws exactly what foedus draws
        self.rng.bit_generator.state = self._rng
        self.charter: Charter = foedus.load_charter(charter)
        self.behaviour = beh = Behaviour()
        if beh.restraint > 0 and world.year is None:  # today's system: the nuclear age's restraint
            self.behaviour = beh = beh.replace(war_cost=beh.war_cost * (1.0 + beh.restraint),
                                               war_spread=beh.war_spread / (1.0 + beh.restraint))
        self.settings = foedus.ModelSettings()
        w = world.copy()
        self.n, self.codes = w.n, list(w.codes)
        self.distance, self.contiguity = w.distance, w.contiguity
        self.affinity, self.alliances = w.affinity, w.alliances
        self.major, self.nonaligned = w.major.astype(bool), w.nonaligned.astype(bool)
        self.revisionism = w.revisionism
        self.disputes = w.disputes
        cap0 = np.where(w.alive, np.maximum(w.capability, 0.0), 0.0).astype(float)
        self.states = [StateAgent(self, i, c, float(cap0[i])) for i, c in enumerate(self.codes)]
        for s in self.states:
            s.alive = bool(w.alive[s.index])
        sc, sd = self.charter.scope, self.charter.self_defence
        self.has_institution = sc.coalitions == "institution" and sc.protects != "nobody" \
            and sc.against != "nobody"
        self.sd_allowed, self.collective = bool(sd.allowed), bool(sd.allowed and sd.collective)
        self.universal = self.charter.membership.synthetic == "universal"
        self.credibility = beh.initial_credibility if self.has_institution else math.nan
        self.miles_per_day = float(beh.miles_per_day)
        self.tok0 = token(0.0, self.miles_per_day)
        self.rho = min(1.0, beh.ambiguity + beh.claim_probability * beh.self_defence_claim)
        q = beh.claim_probability
        spread = beh.belief_noise ** 2 * self.rho + q * (1.0 - q) * (beh.self_defence_claim / 2) ** 2
        self.sigma_u = 2.0 * beh.norm_weight * math.sqrt(spread) + 0.05
        self.sigma = beh.response_noise + 0.05
        self.thresholds = self.settings.attack_threshold * (1.0 - 2.0 * self.revisionism)
        self.year0 = int(w.year) + 1 if w.year is not None else 1
        self.year = self.year0
        self._seat_institution()
        self._relevant_pairs()
        self.peace: dict[int, int] = {}
        self.held = np.zeros(0, np.int64)
        self.events: list[Event] = []
        self.deterred = self.attempts = 0
        self.datacollector = mesa.DataCollector(model_reporters={
            "alive": lambda mdl: sum(s.alive for s in mdl.states),
            "attempts": "attempts", "deterred": "deterred", "credibility": "credibility"})

    # -- setup ---------------------------------------------------------------------------------

    def _seat_institution(self) -> None:
        """Members and seats: universal or none; permanent seats to the strongest (majors
        first), elected seats drawn from the other members (UN Charter Art. 23)."""
        ch = self.charter
        for s in self.states:
            s.member = s.alive and ch.membership.synthetic == "universal"
        self.seats: dict[str, IntArray] = {}
        self.permanent: dict[str, IntArray] = {}
        self.seat_codes: dict[str, list[str]] = {}
        self.next_rotation: dict[str, int] = {}
        cap = np.array([s.capability for s in self.states])
        alive = np.array([s.alive for s in self.states])
        members = np.array([s.member for s in self.states])
        for body in ch.bodies:
            allm = body.composition == "all-members"
            codes = [] if allm else [body.holder(c, ch.date) for c in body.permanent]
            within = members & alive if allm else alive
            pool = np.flatnonzero(within)
            order = pool[np.lexsort((-cap[pool], ~self.major[pool]))][:len(codes)]
            perm = np.concatenate([order, np.full(len(codes) - order.size, -1)]).astype(np.int64)
            self.permanent[body.id], self.seat_codes[body.id] = perm, codes
            if allm:
                self.seats[body.id] = np.flatnonzero(members & alive).astype(np.int64)
                continue
            self.seats[body.id] = np.concatenate([perm, self._elect(body.elected, perm)])
            self.next_rotation[body.id] = self.year0 + int(body.term_years or 2)

    def _elect(self, k_seats: int, perm: IntArray) -> IntArray:
        cand = np.array([s.index for s in self.states if s.member and s.alive
                         and s.index not in perm.tolist()], np.int64)
        k = min(k_seats, cand.size)
        got = np.sort(self.rng.choice(cand, size=k, replace=False)) if k else np.zeros(0, np.int64)
        return np.concatenate([got.astype(np.int64), np.full(k_seats - k, -1, np.int64)])

    def _relevant_pairs(self) -> None:
        k = min(int(self.settings.neighbours), max(0, self.n - 1))
        reach = float(self.settings.reach_km)
        self.nbr = [s.neighbours(k, reach) for s in self.states]
        alive = np.array([s.alive for s in self.states])
        self.partners = (((self.alliances & DEFENCE) > 0) & alive[:, None]).sum(axis=0)
        majors = np.flatnonzero(self.major)
        cap = np.array([s.capability for s in self.states])
        helpers: list[IntArray] = []
        for i in range(self.n):
            ties = np.flatnonzero((self.alliances[i] & DEFENCE) > 0)
            allies = ties[np.argsort(-cap[ties], kind="stable")][:k] if k else ties[:0]
            h = set(self.nbr[i].tolist()) | set(majors.tolist()) | set(allies.tolist())
            h.discard(i)
            helpers.append(np.array(sorted(h), np.int64))
        for s in self.states:
            s.setup_targets(helpers)
        self.gated: dict[str, bool] = {}
        seen = False
        for st in self.charter.procedure:
            self.gated[st.id] = seen and st.body is not None
            if st.measure == "determination" and st.body is not None:
                seen = True

    def pact_weight(self, partners: Any) -> FloatArray:
        """A defence pact's weight for a target with ``k`` partners:
        ``alliance_weight / max(1, k) ** alliance_dilution`` (Olson & Zeckhauser 1966)."""
        beh = self.behaviour
        k = np.maximum(1.0, np.asarray(partners, dtype=float))
        dil = float(beh.alliance_dilution)
        return np.asarray(beh.alliance_weight / k ** dil if dil > 0
                          else np.full(k.shape, beh.alliance_weight), dtype=float)

    def veto_seats(self, body: str, question: str) -> IntArray:
        holders = set(self.charter.body(body).veto_holders(question, self.charter.date))
        return np.array([i for c, i in zip(self.seat_codes[body], self.permanent[body], strict=True)
                         if c in holders and i >= 0], np.int64)

    # -- a view of the agents' state as arrays --------------------------------------------------

    def refresh(self) -> None:
        """Gather the agents' capabilities, status and membership for vectorised reading."""
        cap = np.array([s.capability for s in self.states])
        with np.errstate(divide="ignore"):
            lc = np.where(cap > 0, np.log(np.maximum(cap, 1e-300)), -np.inf)
        self.view = {"cap": cap, "lc": lc, "scale": max(1.0, float(np.max(cap, initial=0.0))),
                     "alive": np.array([s.alive for s in self.states]),
                     "members": np.array([s.member for s in self.states])}

    def forget(self) -> None:
        for s in self.states:
            s.forget()

    # -- the year ---------------------------------------------------------------------------------

    def step(self) -> None:
        self._rotate()
        self._grow()
        self.forget()
        self.attempts = self.deterred = 0
        self.disputed: list[tuple[int, int]] = []
        self._aggression()
        self.disputes *= 0.5 ** (1.0 / HALF_LIFE)  # this year's disputes join the history
        for a, t in self.disputed:
            self.disputes[a, t] += 1.0
            self.disputes[t, a] += 1.0
        for s in self.states:
            if not s.alive:
                s.capability = 0.0
        self.datacollector.collect(self)
        self.year += 1

    def _rotate(self) -> None:
        changed = False
        for s in self.states:
            s.member = s.member and s.alive
        alive = np.array([s.alive for s in self.states])
        for body in self.charter.bodies:
            perm = self.permanent[body.id]
            perm = np.where((perm >= 0) & alive[np.maximum(perm, 0)], perm, -1)
            self.permanent[body.id] = perm
            if body.composition == "all-members":
                new = np.array([s.index for s in self.states if s.member and s.alive], np.int64)
            elif self.year >= self.next_rotation[body.id]:
                self.next_rotation[body.id] = self.year + int(body.term_years or 2)
                new = np.concatenate([perm, self._elect(body.elected, perm)])
            else:
                el = self.seats[body.id][perm.size:]
                members = np.array([s.member for s in self.states])
                ok = (el >= 0) & alive[np.maximum(el, 0)] & members[np.maximum(el, 0)]
                new = np.concatenate([perm, np.where(ok, el, -1)]).astype(np.int64)
            changed |= not np.array_equal(new, self.seats[body.id])
            self.seats[body.id] = new
        if changed:
            self.forget()

    def _grow(self) -> None:
        sd = float(self.settings.growth_sd)
        if sd > 0 and any(s.alive for s in self.states):
            for s in self.states:  # one shock per state, dead ones included (as foedus draws)
                s.capability = float(s.capability * np.exp(self.rng.normal(0.0, sd)))
        for s in self.states:
            if not s.alive:
                s.capability = 0.0
        total = float(np.array([s.capability for s in self.states]).sum())
        if total > 0:
            for s in self.states:
                s.capability /= total

    def _aggression(self) -> None:
        sd = float(self.settings.eu_noise)
        shock = [self.rng.normal(0.0, sd) for _ in self.states]
        for s in self.states:
            s.noise = np.full(s.targets.size, shock[s.index])
        for s in self.states:
            s.noise = s.noise + self.rng.normal(0.0, sd / 2.0, size=s.targets.size)
        self.held = np.zeros(0, np.int64)
        if self.peace:
            self.peace = {k: y for k, y in self.peace.items() if y >= self.year}
            keys = np.fromiter(self.peace, np.int64, len(self.peace))
            self.held = keys[self.rng.random(keys.size) < self.behaviour.peacekeeping_effect]
        doubt = float(self.settings.doubt)
        for s in self.states:
            s.doubts = bool(self.rng.random() < doubt)
            s.activated = False
        alive = [s.index for s in self.states if s.alive]
        order = [self.states[i] for i in self.rng.permutation(np.array(alive, np.int64))]
        agents = AgentSet(order, random=self.random)  # activated in this random order
        self.refresh()
        agents.do("decide")
        for s in agents:
            s.activated = True
            if self.attempts >= int(self.settings.max_crises):
                break
            if not s.alive:
                continue
            best1, target, best0, _ = s.plan
            if best1 <= 0:
                self.deterred += int(best0 > 0)
                continue
            self.attempts += 1
            self.disputed.append((s.index, target))
            self.crisis(s.index, target)
            self.refresh()
            agents.select(lambda x: not x.activated).do("decide")

    # -- one crisis -----------------------------------------------------------------------------

    def crisis(self, a: int, t: int) -> None:
        """Attribution, votes, responses, war, peacekeeping and aftermath of one attack."""
        beh, ch, st = self.behaviour, self.charter, self.states
        A, T = st[a], st[t]
        cred = min(1.0, max(0.0, self.credibility if math.isfinite(self.credibility) else 1.0))
        claim = bool(self.rng.random() < beh.claim_probability)
        in_scope = self.has_institution and A.alive and T.alive and T.member and (
            ch.scope.against != "outside" or not A.member)
        rho = min(1.0, max(0.0, beh.ambiguity + (beh.self_defence_claim if claim else 0.0)))
        for s in st:
            s.believe(a, t, rho)
        T.belief, A.belief = 1.0, 0.0
        cap = np.array([s.capability if s.alive else 0.0 for s in st])
        pact_t = ((self.alliances[:, t] & DEFENCE) > 0).astype(float)
        alive = np.array([s.alive for s in st])
        ctx = {"cap": cap, "scale": max(1.0, float(np.max(cap, initial=0.0))),
               "pact_weight": float(self.pact_weight(float((pact_t * alive).sum())))}
        for s in st:
            s.weigh(a, t, ctx)
        out = self._deliberate(a, t, in_scope, cred)
        third = [s for s in st if s.alive and s is not A and s is not T]
        for name in ("noise_s", "noise_f"):
            for s in st:
                s.draw_noise(name)
        e_a0, e_t = A.at_t, (T.at_t if self.sd_allowed else 0.0)
        caps = np.array([s.capability for s in st])
        pool = float(caps[[s.index for s in st if s.alive and s is not A]].sum())
        obliged = [s for s in third if in_scope and s.member]
        sanctioners = [s for s in obliged if out["sanctions"] > 0
                       and (not self.nonaligned[s.index] or out["binding_sanctions"])
                       and s.benefit + out["sanctions"] + s.noise_s > s.cost_sanction]
        shr = float(caps[[s.index for s in sanctioners]].sum()) / pool if pool > 0 else 0.0
        e_a_own = e_a0 * (1.0 - beh.sanction_effect * shr)
        for s in third:
            s.cost_force = beh.war_cost * (0.25 + 0.75 * share(e_a0, s.at_t))
        obliged_f = {s.index for s in obliged if out["force"] > 0
                     and (not self.nonaligned[s.index] or out["binding_force"])}
        allies = {s.index for s in third if self.collective and not self.nonaligned[s.index]
                  and s.pact_t > 0}
        contributors = [s for s in third if (s.index in obliged_f or s.index in allies)
                        and s.benefit + (out["force"] if s.index in obliged_f else 0.0)
                        + s.noise_f > s.cost_force]
        for s in st:
            s.draw_noise("noise_j")
        joiners = []
        if ch.self_defence.collective:
            helping = {s.index for s in contributors} | {s.index for s in sanctioners}
            joiners = [s for s in third if not self.nonaligned[s.index] and s.index not in helping
                       and ((self.alliances[s.index, a] & OFFENCE) > 0
                            or (self.affinity[s.index, a] - self.affinity[s.index, t]) / 2.0
                            + s.noise_j > beh.join_aggressor)]
        ev = self._war(a, t, e_a_own, e_t, contributors, sanctioners, joiners,
                       mediated=bool(in_scope and ch.procedure))
        ev.in_scope, ev.determined, ev.vetoed = in_scope, out["determined"], out["vetoed"]
        if out["peacekeeping"]:
            self._keep_peace(a, t, ev, out["peacekeeping_weight"], third)
        obligated = [s for s in obliged if s.index in obliged_f or (
            out["sanctions"] > 0 and (not self.nonaligned[s.index] or out["binding_sanctions"]))]
        helped = {c for c in ev.contributors + ev.sanctioners}
        if in_scope:
            signal = sum(s.code in helped for s in obligated) / len(obligated) if obligated else 0.0
            ev.credibility_after = cred + beh.learning_rate * (signal - cred)
            self.credibility = ev.credibility_after
        self.rng.random(2)  # the exit draws (no exit from these charters)
        self.events.append(ev)
        if not (A.alive and T.alive):
            self.forget()
            if float(beh.alliance_dilution) > 0:  # the pacts' weights count the living partners
                alive = np.array([s.alive for s in self.states])
                self.partners = (((self.alliances & DEFENCE) > 0) & alive[:, None]).sum(axis=0)
                for s in self.states:
                    s.reweigh()

    def _deliberate(self, a: int, t: int, in_scope: bool, cred: float) -> dict[str, Any]:
        """The charter's procedure: unvoted steps, or the body's votes through the rule engine."""
        ch = self.charter
        out: dict[str, Any] = {"sanctions": 0.0, "force": 0.0, "binding_sanctions": False,
                               "binding_force": False, "peacekeeping": False,
                               "peacekeeping_weight": 0.0, "determined": False, "vetoed": False}
        if not (in_scope and ch.procedure):
            return out
        has_det = any(s.measure == "determination" and s.body for s in ch.procedure)
        fam = {"sanctions": 0.0, "force": 0.0, "determination": 0.0}
        names = self._names(a, t) if ch.bodies else {}
        for step in ch.procedure:
            if step.body is None:
                adopted = True
                if step.measure == "determination" or (step.bindingness == "automatic"
                                                       and not has_det):
                    out["determined"] = True
            elif step.measure in GATED and has_det and not out["determined"] and self.gated[step.id]:
                adopted = False
            else:
                adopted, vetoed = self._vote(step.body, step.question or "determination", a, t,
                                             names)
                out["vetoed"] |= vetoed
                if adopted and step.measure == "determination":
                    out["determined"] = True
            if not adopted:
                continue
            w = BINDINGNESS_WEIGHT[step.bindingness] * cred if step.measure != "consultation" else 0.0
            if step.measure == "peacekeeping":
                out["peacekeeping"] = True
                out["peacekeeping_weight"] = max(out["peacekeeping_weight"], w)
            f = FAMILY.get(step.measure)
            if f is None:
                continue
            fam[f] = max(fam[f], w)
            if f in ("sanctions", "force") and step.bindingness in ("binding", "automatic") \
                    and self.universal:
                out["binding_" + f] = True
        share_ = self.behaviour.determination_share
        out["sanctions"] = max(fam["sanctions"], share_ * fam["determination"])
        out["force"] = max(fam["force"], share_ * fam["determination"])
        return out

    def _names(self, a: int, t: int) -> dict[int, str]:
        """Codes the rule engine knows: permanent members under their seat's code, the others
        under spare codes of the state registry (the parties first)."""
        names: dict[int, str] = {}
        taken: set[str] = set(self.codes)
        for body in self.charter.bodies:
            taken |= set(body.permanent) | {h.holder for h in body.seat_holders}
            for code, i in zip(self.seat_codes[body.id], self.permanent[body.id], strict=True):
                if i >= 0:
                    names.setdefault(int(i), code)
        taken |= set(names.values())
        spare = [s.abb for s in registry() if s.abb not in taken]
        for i in [a, t, *(i for i in range(self.n) if i not in (a, t))]:
            if i not in names and spare:
                names[i] = spare.pop(0)
        return names

    def _vote(self, body_id: str, question: str, a: int, t: int, names: dict[int, str]
              ) -> tuple[bool, bool]:
        """One vote of a body, decided by foedus's rule engine: (adopted, vetoed)."""
        seats = self.seats[body_id]
        held = seats[seats >= 0]
        if not any(self.states[i].alive for i in held):
            return False, False
        lists: dict[str, list[str]] = {"yes": [], "no": [], "abstain": [], "absent": []}
        counts = {"yes": 0, "no": 0, "abstain": 0, "absent": 0}
        for i in held:
            s = self.states[int(i)]
            v = s.vote if s.alive else "absent"
            if int(i) in names:
                lists[v].append(names[int(i)])
            else:
                counts[v] += 1
        body = self.charter.body(body_id)
        if body.composition == "fixed":
            lists["absent"] += [c for c, i in zip(self.seat_codes[body_id], self.permanent[body_id],
                                                  strict=True) if i < 0]
        dec = foedus.evaluate_vote(self.charter, body_id, question, yes=lists["yes"],
                                   no=lists["no"], abstain=lists["abstain"], absent=lists["absent"],
                                   counts={k: c for k, c in counts.items() if c},
                                   parties=[names[a], names[t]], aggressor=names[a],
                                   on=self.charter.date, with_fallback=False)
        return bool(dec.adopted), bool(dec.vetoed_by)

    def _war(self, a: int, t: int, e_a_own: float, e_t: float, contributors: list[StateAgent],
             sanctioners: list[StateAgent], joiners: list[StateAgent], mediated: bool) -> Event:
        """The sides fight (contest success) if the dispute escalates (less often when an
        institution was seized of it: Shannon 2009), round after round while the war goes on
        (Bennett & Stam 1996) and spreads (Siverson & Starr 1991); the loser may be conquered."""
        beh, st, n = self.behaviour, self.states, self.n
        A, T = st[a], st[t]
        at_t = np.array([s.at_t for s in st])
        cap0 = np.array([s.capability for s in st])  # before the war
        cap = cap0.copy()
        e_a = e_a_own + float(at_t[[s.index for s in joiners]].sum())
        e_d = e_t + float(at_t[[s.index for s in contributors]].sum())
        side_a, side_d = np.zeros(n, bool), np.zeros(n, bool)
        side_a[[s.index for s in joiners]] = True
        side_a[a] = True
        side_d[[s.index for s in contributors]] = True
        side_d[t] = self.sd_allowed
        p_esc = beh.escalation * ((1.0 - beh.mediation) if mediated else 1.0)
        war = bool(side_d.any()) and (p_esc >= 1.0 or float(self.rng.random()) < p_esc)
        effective = bool((contributors or sanctioners) and e_d >= e_a)
        draw = float(self.rng.random())
        rounds = 0
        spread_d, spread_a = side_d.copy(), side_a.copy()
        if war:
            cap = self._losses(cap, at_t, side_a, side_d, e_a, e_d)
            rounds = 1
            if beh.war_persistence > 0:
                start = np.where(cap0 > 0, cap0, 1.0)
                for _ in range(int(beh.max_war_rounds) - 1):
                    p = p_win(e_d, e_a, beh.gamma)
                    if float(self.rng.random()) >= beh.war_persistence * 4.0 * p * (1.0 - p):
                        break
                    self._spread(a, t, side_a, side_d)
                    left = np.clip(cap / start, 0.0, 1.0)
                    e_a = float((at_t * left)[side_a].sum())
                    e_d = float((at_t * left)[side_d].sum())
                    if e_a <= 0 or e_d <= 0:
                        break
                    cap = self._losses(cap, at_t * left, side_a, side_d, e_a, e_d)
                    rounds += 1
        p_def = self.p_defence = p_win(e_d, e_a, beh.gamma) if war else 0.0
        won = not (war and draw < p_def) and not (side_d.any() and not war)
        died = False
        if won:
            take = beh.spoils * cap[t]
            cap[t] -= take
            cap[a] += take
            if cap[t] <= beh.viability_floor * T.capability \
                    and float(self.rng.random()) < beh.conquest_probability * (1.0 - beh.conquest_norm):
                cap[a] += float(cap[t])
                cap[t], T.alive, died = 0.0, False, True
        for s in st:
            s.capability = float(cap[s.index])
        return Event(year=self.year, aggressor=A.code, target=T.code, in_scope=False,
                     determined=False, vetoed=False, war=war, aggressor_won=won,
                     effective=effective, target_died=died, peacekeeping=False,
                     contributors=[s.code for s in contributors],
                     sanctioners=[s.code for s in sanctioners],
                     credibility_after=self.credibility, war_rounds=rounds,
                     spread_defenders=[st[i].code for i in np.flatnonzero(side_d & ~spread_d)],
                     spread_aggressors=[st[i].code for i in np.flatnonzero(side_a & ~spread_a)])

    def _losses(self, cap: FloatArray, at_t: FloatArray, side_a: BoolArray, side_d: BoolArray,
                e_a: float, e_d: float) -> FloatArray:
        """Each side loses ``war_loss`` x the other's share of the strength, in proportion to
        the part of its capability it brought (Organski & Kugler 1980)."""
        tot = e_a + e_d
        frac_a = self.behaviour.war_loss * (e_d / tot if tot > 0 else 0.0)
        frac_d = self.behaviour.war_loss * (e_a / tot if tot > 0 else 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            involve = np.where(cap > 0, np.minimum(1.0, at_t / np.where(cap > 0, cap, 1.0)), 0.0)
        loss = np.where(side_a, frac_a, 0.0) + np.where(side_d, frac_d, 0.0)
        return np.asarray(cap - loss * involve * cap, dtype=float)

    def _spread(self, a: int, t: int, side_a: BoolArray, side_d: BoolArray) -> None:
        """States allied to or bordering a belligerent join with probability ``war_spread``,
        the side they are allied to, else the one they lean to."""
        st, beh = self.states, self.behaviour
        draws = [float(self.rng.random()) for _ in st]  # every state draws
        free = [s.index for s in st if s.alive and s.index not in (a, t)
                and not self.nonaligned[s.index] and not side_a[s.index] and not side_d[s.index]]
        if not free or beh.war_spread <= 0:
            return
        pacts = (self.alliances & DEFENCE) > 0
        to_d: list[int] = []
        to_a: list[int] = []
        for i in free:  # every state decides on the sides as they were before this round
            tie_d = bool(pacts[i, side_d].any())
            tie_a = bool(((self.alliances[i, side_a] & (DEFENCE | OFFENCE)) > 0).any())
            border = bool(np.asarray(self.contiguity[i, side_a | side_d], bool).any())
            if not ((tie_d or tie_a or border) and draws[i] < beh.war_spread):
                continue
            lean_d = self.affinity[i, t] >= self.affinity[i, a]
            (to_d if (tie_d and not tie_a) or (tie_d == tie_a and lean_d) else to_a).append(i)
        side_d[to_d] = True
        side_a[to_a] = True

    def _keep_peace(self, a: int, t: int, ev: Event, weight: float,
                    third: list[StateAgent]) -> None:
        """Consent of both parties (Fortna 2008), then volunteers among the members."""
        beh, st = self.behaviour, self.states
        p_def = self.p_defence
        u = (beh.consent_bias + beh.consent_weight * (1.0 - 2.0 * (1 - p_def)),
             beh.consent_bias + beh.consent_weight * (1.0 - 2.0 * p_def))
        draws = self.rng.random(2)
        for s in st:
            s.draw_noise("noise_p")
        both = st[a].alive and st[t].alive
        if not (both and draws[0] < 1 / (1 + math.exp(-u[0])) and draws[1] < 1 / (1 + math.exp(-u[1]))):
            return
        keepers = [s for s in third if s.member and s.alive
                   and weight + beh.norm_weight * (s.belief - 0.5) + s.noise_p
                   - beh.peacekeeping_cost > 0]
        if keepers:
            ev.peacekeeping = True
            last = self.year + int(self.settings.peace_years)
            self.peace[a * self.n + t] = last
            self.peace[t * self.n + a] = last

    def run(self, years: int) -> list[Event]:
        for _ in range(years):
            self.step()
        return self.events


def run_reference(charter: str, *, n_states: int = 60, years: int = 50, seed: int = 0
                  ) -> SecurityModel:
    """Replication 0 of ``seed`` as :func:`foedus.simulate` seeds it: the world from child 0
    of ``SeedSequence(seed)``, the run from child 1."""
    w_seq, r_seq = np.random.SeedSequence(seed).spawn(2)
    world = foedus.generate_world(n_states, rng=np.random.default_rng(w_seq))
    model = SecurityModel(charter, world, rng=np.random.default_rng(r_seq))
    model.run(years)
    return model
