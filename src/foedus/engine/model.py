"""Many years (MODEL.md §4): a world, a charter and a yearly loop of growth, alignment and war.

:class:`Model` follows the names of agent-based toolkits such as Mesa (``Model.step()`` advances
one period; :func:`simulate` runs a whole horizon). Each period:

1. capabilities grow with lognormal noise and are renormalised to shares (as CINC is);
2. under balance of power, alignments shift towards balancing the most threatening state
   (threat = projected capability x hostility; Walt 1987);
3. every potential aggressor weighs every *politically relevant* target (contiguous or within
   reach, or a pair involving a major power; Lemke & Reed 2001) by expected utility
   ``EU = P(win | expected response) gain - (1 - P(win)) loss - expected sanction cost``
   (Bueno de Mesquita 1981) and attacks its best target if ``EU`` beats a threshold set by its
   revisionism. An attempt is *deterred* when the same calculation without the institution would
   have attacked. The expected response uses the institution's learned credibility x obligation
   x interest, and veto protection (selective security);
4. at most ``max_crises`` crises resolve (random sequential or simultaneous activation;
   Huberman & Glance 1993), each through :func:`foedus._crisis.run_crisis`;
5. credibility is learnt from what the institution did, members that were failed or sanctioned
   may give notice, dead states leave, elected seats rotate.

Every pair computation is vectorised over sparse pair index arrays built once per period, so a
period costs ``O(n k)`` for ``n`` states with ``k`` relevant partners each, not ``O(n^2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._errors import FoedusError
from ..rules.charter import BINDINGNESS_WEIGHT, Charter, load_charter
from ..seeding import seed_label, split
from ..world.synthetic import generate_world
from ..world.world import DEFENCE, World
from .behaviour import Behaviour, as_behaviour, projected_capability
from .institution import Institution
from .metrics import concentration, polarity, run_metrics
from .settings import ACTIVATIONS, ModelSettings, as_settings

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Defaults of the model settings, by name (the fields of :class:`ModelSettings`).
DEFAULTS: dict[str, Any] = ModelSettings().to_dict()

#: Columns of a run's yearly time series.
SERIES_COLUMNS = ("year", "alive", "members", "credibility", "attempts", "deterred", "in_scope",
                  "determined", "responded", "effective", "aggressor_won", "deaths", "vetoed",
                  "ufp_sessions", "coalition_size", "capability_destroyed", "concentration",
                  "polarity", "peacekeeping", "exits")


@dataclass
class RunResult:
    """One run of one charter: metrics (MODEL.md §5), the yearly series and the crisis log."""

    charter: str
    seed: Any
    years: int
    metrics: dict[str, float]
    series: pd.DataFrame
    events: list[dict[str, Any]]
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (series as a list of yearly records; NaN as None)."""
        def clean(v: Any) -> Any:
            if isinstance(v, float | np.floating) and not math.isfinite(float(v)):
                return None
            if isinstance(v, np.generic):
                return v.item()
            return v

        return {"charter": self.charter, "seed": self.seed, "years": self.years,
                "settings": self.settings,
                "metrics": {k: clean(v) for k, v in self.metrics.items()},
                "series": [{k: clean(v) for k, v in row.items()}
                           for row in self.series.to_dict(orient="records")],
                "events": self.events}


# --- seeds ---------------------------------------------------------------------------------


# --- charter-derived constants ---------------------------------------------------------------


@dataclass
class _StepInfo:
    """What the aggressor expects of one procedure step (engine semantics, docs/crisis.md)."""

    measure: str
    weight: float          # bindingness weight if adopted
    fallback_weight: float  # weight if a veto blocks it but the fallback adopts (0: no fallback)
    binding: bool          # binding or automatic (obliges non-aligned states in universal bodies)
    body: str | None
    question: str | None
    gated: bool            # not reached when an earlier determination failed


def _steps(charter: Charter) -> list[_StepInfo]:
    out: list[_StepInfo] = []
    seen_det = False
    for s in charter.procedure:
        w = BINDINGNESS_WEIGHT.get(s.bindingness, 0.0)
        fb_w = 0.0
        if s.fallback is not None:
            fb = next((f for f in charter.fallbacks if f.id == s.fallback), None)
            if fb is not None:
                fb_w = min(w, BINDINGNESS_WEIGHT.get(fb.bindingness, 0.0))
        gated = (seen_det and s.body is not None
                 and s.measure in ("provisional-measures", "sanctions", "force"))
        out.append(_StepInfo(s.measure, w, fb_w, s.bindingness in ("binding", "automatic"),
                             s.body, s.question, gated))
        if s.measure == "determination" and s.body is not None:
            seen_det = True
    return out


# --- the loss-of-strength gradient, precomputed ------------------------------------------------

_KM_PER_MILE = 1.609344


class _Gradient:
    """The engine's loss-of-strength gradient split into a distance part computed once
    (a *token*) and a capability part applied each time: the same numbers as
    :func:`foedus._behaviour.projected_capability`, without recomputing logarithms of
    distances that never change."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.kind = str(behaviour.gradient)
        self.miles_per_day = float(behaviour.miles_per_day)
        self.gradient_km = float(behaviour.gradient_km)

    def token(self, distance: FloatArray) -> FloatArray:
        d = np.maximum(np.asarray(distance, dtype=float), 0.0)
        if self.kind == "bdm":
            return np.asarray(np.log10(d / _KM_PER_MILE / self.miles_per_day + (10.0 - math.e)))
        if self.kind == "exponential":
            return np.asarray(np.exp(-d / self.gradient_km))
        return np.ones_like(d)

    def apply_log(self, log_cap: FloatArray, token: FloatArray, scale: float) -> FloatArray:
        """Like :meth:`apply`, from ``log(capability)`` (``-inf`` for none)."""
        lc = np.asarray(log_cap, dtype=float)
        if self.kind == "bdm":
            return np.asarray(np.exp(token * (lc - math.log(scale))) * scale, dtype=float)
        return np.asarray(np.exp(lc) * token, dtype=float)

    def apply(self, cap: FloatArray, token: FloatArray, scale: float) -> FloatArray:
        c = np.asarray(cap, dtype=float)
        if self.kind == "bdm":
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                out = np.where(c > 0, np.exp(token * np.log(np.maximum(c, 1e-300) / scale)) * scale,
                               0.0)
            return np.asarray(out, dtype=float)
        return np.asarray(c * token, dtype=float)


@dataclass
class _Voters:
    """Who votes in one body on one question, as the aggressor pictures it."""

    voters: IntArray          # state index per seat (-1: empty seat, counted absent)
    veto: BoolArray           # seat holds a veto on the question
    scale: float              # seats represented by each voter (large bodies are sampled)
    rule: Any                 # the DecisionRule
    fixed: bool


#: Voters sampled from a large all-members body when estimating its vote.
_MAX_VOTERS = 32


# --- the model -----------------------------------------------------------------------------


class Model:
    """A charter in a world over many years. ``step()`` runs one period; ``run(years)`` many.

    ``world`` is copied (the caller's world is never changed). ``rng`` drives every random
    draw of the run (growth, decisions, crises). The remaining keywords are the model-level
    settings of :data:`DEFAULTS` (documented in docs/simulation.md).
    """

    def __init__(self, charter: str | Charter, world: World, *,
                 rng: np.random.Generator | np.random.SeedSequence | int | None = None,
                 behaviour: Behaviour | dict[str, Any] | None = None,
                 settings: ModelSettings | dict[str, Any] | None = None,
                 **overrides: Any) -> None:
        self.config = as_settings(settings, **overrides)
        self.charter = load_charter(charter)
        self.behaviour = as_behaviour(behaviour)
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.world = world.copy()
        self.settings: dict[str, Any] = self.config.to_dict()
        w = self.world
        w.capability = np.where(w.alive, np.maximum(w.capability, 0.0), 0.0).astype(float)
        self._base_alliances = w.alliances.copy()
        sc = self.charter.scope
        self.has_institution = (sc.coalitions == "institution" and sc.protects != "nobody"
                                and sc.against != "nobody")
        self.ad_hoc = sc.coalitions == "ad-hoc"
        self.learns = self.has_institution or self.ad_hoc
        self.credibility = float(self.behaviour.initial_credibility) if self.learns else math.nan
        self.institution = Institution.in_world(self.charter, w, self.rng)
        self._steps = _steps(self.charter)
        self._grad = _Gradient(self.behaviour)
        beh = self.behaviour
        self._rho = min(1.0, float(beh.ambiguity)
                        + float(beh.claim_probability) * float(beh.self_defence_claim))
        q = float(beh.claim_probability)
        spread = float(beh.belief_noise) ** 2 * self._rho \
            + q * (1.0 - q) * (float(beh.self_defence_claim) / 2.0) ** 2
        self._sigma_u = 2.0 * float(beh.norm_weight) * math.sqrt(spread) + 0.05
        self.year0 = int(w.year) + 1 if w.year is not None else 1
        self.t = 0
        self.events: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.deterred_total = 0
        self.deaths_total = 0
        self.state_years = 0.0
        self._notice: dict[int, int] = {}  # state -> year its withdrawal takes effect
        self._peace: dict[int, int] = {}   # pair key a*n+t -> last year peacekeepers stay
        self._held = np.zeros(0, np.int64)  # pair keys held apart by peacekeepers this period
        self._doubt = np.zeros(w.n, bool)  # states discounting the institution this period
        self._adhoc: tuple[int, IntArray] | None = None  # (leader, balancers) of ad-hoc ties
        self._top_threat_of = np.full(w.n, -1, np.int64)  # balance of power: top threat of each
        self._voters: dict[tuple[str, str], _Voters] = {}
        self._ob_cache: dict[str, Any] | None = None
        self._lc: tuple[FloatArray, float] = (np.zeros(w.n), 1.0)
        self._pair_cache: dict[str, Any] | None = None
        self._next_rotation = {b.id: self.year0 + int(b.term_years or 2)
                               for b in self.charter.bodies if b.composition == "fixed"}
        self._build_pairs()

    # -- static structure -------------------------------------------------------------------

    def _build_pairs(self) -> None:
        """Politically relevant pairs and each target's potential helpers (index arrays).

        A state's relevant targets are its ``neighbours`` nearest states among those contiguous
        or within ``reach_km``, plus every pair involving a major power (Lemke & Reed 2001).
        Helpers of a target are its neighbours, the majors and its strongest defence allies.
        Built once: geography does not change; who is alive is checked each period.
        """
        w = self.world
        n = w.n
        k = min(int(self.settings["neighbours"]), max(0, n - 1))
        reach = float(self.settings["reach_km"])
        idx = np.arange(n)
        if k > 0:
            d = np.where(np.eye(n, dtype=bool), np.inf, w.distance)
            dd = np.where(w.contiguity | (d <= reach), d, np.inf)
            nbr = np.argpartition(dd, k - 1, axis=1)[:, :k] if k < n else np.argsort(dd, axis=1)
            nbr = np.take_along_axis(nbr, np.argsort(np.take_along_axis(dd, nbr, 1), 1), 1)
            nbr = np.where(np.isfinite(np.take_along_axis(dd, nbr, 1)), nbr, -1)
        else:
            nbr = np.full((n, 0), -1, np.int64)
        majors = np.flatnonzero(w.major).astype(np.int64)
        a = np.concatenate([np.repeat(idx, nbr.shape[1]), np.repeat(majors, n),
                            np.tile(idx, majors.size)]).astype(np.int64)
        t = np.concatenate([nbr.ravel(), np.tile(idx, majors.size),
                            np.repeat(majors, n)]).astype(np.int64)
        ok = (t >= 0) & (a != t)
        keys = np.unique(a[ok] * n + t[ok])
        self._pa = (keys // n).astype(np.int64)
        self._pt = (keys % n).astype(np.int64)
        self._pkey = keys.astype(np.int64)
        allies = np.full((n, k), -1, np.int64)
        if k > 0:
            score = np.where((w.alliances & DEFENCE) > 0, w.capability[None, :], -np.inf)
            top = np.argpartition(-score, k - 1, axis=1)[:, :k] if k < n else np.argsort(-score, 1)
            allies = np.where(np.isfinite(np.take_along_axis(score, top, 1)), top, -1)
        cols = [nbr, np.broadcast_to(majors, (n, majors.size)), allies]
        helpers = np.sort(np.concatenate(cols, axis=1), axis=1) if n else np.zeros((0, 0), np.int64)
        if helpers.size:
            dup = np.zeros_like(helpers, dtype=bool)
            dup[:, 1:] = helpers[:, 1:] == helpers[:, :-1]
            helpers = np.where(dup | (helpers == idx[:, None]), -1, helpers)
        self._helpers = helpers.astype(np.int64).reshape(n, -1)
        hp = self._helpers[self._pt]
        hpi = np.maximum(hp, 0)
        self._hp, self._hpi = hp, hpi
        self._hp_ok = (hp >= 0) & (hpi != self._pa[:, None]) & ~w.nonaligned[hpi]
        self._fi_ht = hpi * n + self._pt[:, None]
        self._fi_ha = hpi * n + self._pa[:, None]
        g = self._grad
        self._tok_pair = g.token(w.distance[self._pa, self._pt])
        self._tok_ht = g.token(w.distance.ravel()[self._fi_ht])
        self._tok_ha = g.token(w.distance.ravel()[self._fi_ha])
        self._tok0 = g.token(np.zeros(1))

    def _pair_terms(self) -> dict[str, Any]:
        """Per pair and helper: the parts of the response that do not depend on capability.

        Affinity and alliances only change under balance of power, so this is computed once,
        or once per period there.
        """
        if self._pair_cache is not None and not self.ad_hoc:
            return self._pair_cache
        w, beh = self.world, self.behaviour
        aff = w.affinity.ravel()
        s_t = aff[self._fi_ht]
        s_a = aff[self._fi_ha]
        pact = (w.alliances.ravel()[self._fi_ht] & DEFENCE) > 0
        rho = self._rho
        b = np.clip(1.0 - rho + rho * (s_t - s_a) / 2.0, 0.0, 1.0)
        base = (float(beh.norm_weight) * (b - 0.5) + float(beh.affinity_weight) * (s_t - s_a) / 2.0
                + float(beh.alliance_weight) * pact)
        stake = (1.0 - w.affinity[self._pa, self._pt]) / 2.0
        self._pair_cache = {"s_a": s_a, "pact": pact, "base": base, "stake": stake,
                            "hostility": (1.0 - s_a) / 2.0,
                            "cost_s": float(beh.sanction_cost) * (1.0 + np.maximum(0.0, s_a))}
        return self._pair_cache

    def _project(self, cap: FloatArray, dist: FloatArray) -> FloatArray:
        """Capability ``cap`` projected over ``dist`` km, elementwise (as the engine does)."""
        w = self.world
        shape = np.broadcast_shapes(np.shape(cap), np.shape(dist))
        c = np.broadcast_to(cap, shape).ravel()
        d = np.broadcast_to(dist, shape).ravel()
        top = float(np.max(w.capability, initial=0.0))
        out = projected_capability(w, np.append(d, 0.0), self.behaviour,
                                   capability=np.append(c, top))[:-1]
        return np.asarray(out, dtype=float).reshape(shape)

    def _scale(self) -> float:
        return max(1.0, float(np.max(self.world.capability, initial=0.0)))

    # -- the period -------------------------------------------------------------------------

    @property
    def year(self) -> int:
        """The year the next ``step()`` simulates."""
        return self.year0 + self.t

    def step(self) -> dict[str, Any]:
        """Run one period; return its record (one row of the time series)."""
        w = self.world
        year = self.year
        rec: dict[str, Any] = dict.fromkeys(SERIES_COLUMNS, 0)
        rec["year"] = year
        exits = self._apply_exits(year)
        self._rotate(year)
        self._grow()
        self._ob_cache = None
        if self.ad_hoc:
            self._balance()
        alive_start = w.alive.copy()
        self.state_years += float(alive_start.sum())
        events, deterred = self._aggression(year)
        self.deterred_total += deterred
        deaths = int((alive_start & ~w.alive).sum())
        self.deaths_total += deaths
        w.capability = np.where(w.alive, w.capability, 0.0)
        rec.update(
            alive=int(alive_start.sum()), attempts=len(events), deterred=deterred, deaths=deaths,
            exits=exits,
            in_scope=sum(bool(e.get("in_scope")) for e in events),
            determined=sum(bool(e.get("determined")) for e in events),
            responded=sum(bool(e.get("contributors") or e.get("sanctioners")) for e in events),
            effective=sum(bool(e.get("effective")) for e in events),
            aggressor_won=sum(bool(e.get("aggressor_won")) for e in events),
            vetoed=sum(bool(e.get("vetoed")) for e in events),
            ufp_sessions=sum(bool(e.get("ufp_session")) for e in events),
            coalition_size=sum(len(e.get("contributors") or ()) for e in events),
            capability_destroyed=float(sum(e.get("destroyed_share", 0.0) for e in events)),
            peacekeeping=sum(bool(e.get("peacekeeping")) for e in events),
            members=int((self.institution.members & w.alive).sum()),
            credibility=self.credibility,
            concentration=concentration(w.capability[w.alive]),
            polarity=polarity(w.capability[w.alive]))
        self.events.extend(events)
        self.records.append(rec)
        self.t += 1
        return rec

    def run(self, years: int) -> RunResult:
        """Run ``years`` periods and return the result."""
        self._advance(years)
        return self.result()

    def _advance(self, years: int) -> None:
        if int(years) < 0:
            raise FoedusError(f"years must be >= 0, got {years}")
        for _ in range(int(years)):
            self.step()

    # -- growth and alignment ---------------------------------------------------------------

    def _grow(self) -> None:
        """Capabilities grow with lognormal noise, then are renormalised to shares (as CINC)."""
        w = self.world
        alive = w.alive
        sd = float(self.settings["growth_sd"])
        if sd > 0 and alive.any():
            w.capability = w.capability * np.exp(self.rng.normal(0.0, sd, size=w.n))
        w.capability = np.where(alive, w.capability, 0.0)
        total = float(w.capability.sum())
        if total > 0:
            w.capability = w.capability / total

    def _balance(self) -> None:
        """Balance of threat: the states most threatened by the top threat align against it.

        Threat of candidate ``j`` to ``i`` is ``projected capability of j at i x hostility``
        (hostility ``(1 - s_ij) / 2``), over the few strongest states as candidates (Walt 1987).
        Those whose top threat is the overall top threat lower their affinity to it and tie
        themselves (defence) to the strongest of them; last period's ad-hoc ties dissolve.
        """
        w = self.world
        rate = float(self.settings["balancing_rate"])
        if self._adhoc is not None:
            lead, members = self._adhoc
            w.alliances[lead, members] = self._base_alliances[lead, members]
            w.alliances[members, lead] = self._base_alliances[members, lead]
            self._adhoc = None
        self._top_threat_of = np.full(w.n, -1, np.int64)
        alive = np.flatnonzero(w.alive)
        if alive.size < 3:
            return
        m = min(5, alive.size)
        cand = alive[np.argsort(-w.capability[alive])[:m]]
        proj = self._project(w.capability[cand][None, :], w.distance[np.ix_(alive, cand)])
        hostility = (1.0 - w.affinity[np.ix_(alive, cand)]) / 2.0
        threat = proj * hostility
        threat[alive[:, None] == cand[None, :]] = 0.0
        self._top_threat_of[alive] = cand[np.argmax(threat, axis=1)]
        top = int(np.argmax(threat.sum(axis=0)))
        h = int(cand[top])
        balancers = alive[(np.argmax(threat, axis=1) == top) & (alive != h)]
        if balancers.size < 1:
            return
        s = w.affinity
        s[balancers, h] = s[balancers, h] - rate * (1.0 + s[balancers, h])
        s[h, balancers] = s[balancers, h]
        lead = int(balancers[np.argmax(w.capability[balancers])])
        rest = balancers[balancers != lead]
        if rest.size:
            s[rest, lead] = s[rest, lead] + rate * (1.0 - s[rest, lead])
            s[lead, rest] = s[rest, lead]
            w.alliances[lead, rest] |= DEFENCE
            w.alliances[rest, lead] |= DEFENCE
            self._adhoc = (lead, rest)

    # -- institution bookkeeping ------------------------------------------------------------

    def _apply_exits(self, year: int) -> int:
        due = sorted(i for i, y in self._notice.items() if y <= year)
        for i in due:
            del self._notice[i]
            self._leave(i)
        return len(due)

    def _leave(self, i: int) -> None:
        """State ``i`` leaves the institution: membership and every seat it held."""
        inst = self.institution
        inst.members[i] = False
        for b, seats in inst.seats.items():
            if self.charter.body(b).composition == "all-members":
                inst.seats[b] = seats[seats != i]
            else:
                inst.seats[b] = np.where(seats == i, -1, seats)
            inst.permanent[b] = np.where(inst.permanent[b] == i, -1, inst.permanent[b])
        self._forget()

    def _rotate(self, year: int) -> None:
        """Refresh seats: dead states lose theirs; elected seats are drawn anew each term."""
        w, inst = self.world, self.institution
        inst.members &= w.alive
        changed = False
        for body in self.charter.bodies:
            seats = inst.seats.get(body.id)
            if seats is None:
                continue
            perm = inst.permanent[body.id]
            perm = np.where((perm >= 0) & w.alive[np.maximum(perm, 0)], perm, -1)
            inst.permanent[body.id] = perm
            if body.composition == "all-members":
                new = np.flatnonzero(inst.members & w.alive).astype(np.int64)
            else:
                elected = seats[perm.size:]
                if year >= self._next_rotation.get(body.id, year + 1):
                    self._next_rotation[body.id] = year + int(body.term_years or 2)
                    pool = inst.members & w.alive
                    pool[perm[perm >= 0]] = False
                    cand = np.flatnonzero(pool)
                    k = min(body.elected, cand.size)
                    elected = (np.sort(self.rng.choice(cand, size=k, replace=False)) if k
                               else np.zeros(0, np.int64)).astype(np.int64)
                    elected = np.concatenate([elected, np.full(body.elected - k, -1, np.int64)])
                else:
                    ok = (elected >= 0) & w.alive[np.maximum(elected, 0)] \
                        & inst.members[np.maximum(elected, 0)]
                    elected = np.where(ok, elected, -1)
                new = np.concatenate([perm, elected]).astype(np.int64)
            if not np.array_equal(new, seats):
                changed = True
            inst.seats[body.id] = new
        if changed:
            self._forget()

    # -- the institution as the aggressor pictures it ----------------------------------------

    def _voters_for(self, body_id: str, question: str) -> _Voters:
        """Voters of a body on a question with their per-pair affinities (cached until seats
        change). Large all-members bodies are represented by an even sample of members."""
        key = (body_id, question)
        if key in self._voters:
            return self._voters[key]
        inst, w = self.institution, self.world
        body = self.charter.body(body_id)
        rule = body.rules[question]
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
        if not fixed and seats.size > _MAX_VOTERS:
            keep = np.unique(np.concatenate([
                seats[np.linspace(0, seats.size - 1, _MAX_VOTERS).round().astype(np.int64)],
                np.array(sorted(veto_idx), np.int64)]))
            scale = seats.size / keep.size
            voters = keep
        veto = np.array([int(v) in veto_idx for v in voters], dtype=bool)
        out = _Voters(voters=voters, veto=veto, scale=scale, rule=rule, fixed=fixed)
        self._voters[key] = out
        return out

    def _vote(self, body_id: str, question: str, sel: IntArray, scale: float
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
        from scipy.special import ndtr

        v = self._voters_for(body_id, question)
        w, beh = self.world, self.behaviour
        p = sel.size
        if v.voters.size == 0 or p == 0:
            return np.zeros(p), np.zeros(p)
        a = self._pa[sel]
        t = self._pt[sel]
        vi = np.maximum(v.voters, 0)
        s_a = w.affinity[vi[None, :], a[:, None]]
        s_t = w.affinity[vi[None, :], t[:, None]]
        rho = self._rho
        b = np.clip(1.0 - rho + rho * (s_t - s_a) / 2.0, 0.0, 1.0)
        cap = w.capability
        tok_a = self._grad.token(w.distance[vi[None, :], a[:, None]])
        a_at_k = self._grad.apply(np.broadcast_to(cap[a][:, None], s_a.shape), tok_a, scale)
        own_k = self._grad.apply(cap[vi], self._tok0, scale)
        fear = a_at_k / np.maximum(a_at_k + own_k[None, :], 1e-300)
        u = (float(beh.norm_weight) * (2.0 * b - 1.0) + float(beh.affinity_weight) * (s_t - s_a) / 2.0
             - float(beh.fear_weight) * fear)
        band = float(beh.abstain_band)
        is_a = v.voters[None, :] == a[:, None]
        is_t = v.voters[None, :] == t[:, None]
        p_yes = np.where(is_t, 1.0, np.where(is_a, 0.0, ndtr((u - band) / self._sigma_u)))
        p_no = np.where(is_a, 1.0, np.where(is_t, 0.0, ndtr((-band - u) / self._sigma_u)))
        present = (v.voters >= 0) & w.alive[vi]
        rule = v.rule
        counted = np.broadcast_to(present, u.shape).copy()
        if rule.exclude == "parties":
            counted &= ~(is_a | is_t)
        elif rule.exclude == "aggressor":
            counted &= ~is_a
        p_yes = np.where(counted, p_yes, 0.0)
        p_no = np.where(counted, p_no, 0.0)
        p_ab = np.where(counted, np.clip(1.0 - p_yes - p_no, 0.0, 1.0), 0.0)
        absent = np.broadcast_to(~present, u.shape)
        sc = v.scale
        veto_block = p_no + (p_ab if rule.abstention_is_veto else 0.0)
        veto_block = np.where(v.veto[None, :] & counted, veto_block, 0.0)
        if rule.absence_is_veto:
            veto_block = np.where(v.veto[None, :] & absent, 1.0, veto_block)
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
        else:
            if isinstance(rule.threshold, int) or rule.base in ("seats", "members"):
                base = (counted.sum(axis=1) + absent.sum(axis=1)) * sc
                need = _required(rule, base)
                mu = (p_yes.sum(axis=1)) * sc
                var = (p_yes * (1.0 - p_yes)).sum(axis=1) * sc
                z = (mu - need + 0.5) / np.sqrt(var + 0.25)
            else:
                from ..rules.charter import parse_fraction

                f = float(parse_fraction(rule.threshold))
                # Y >= f (Y + N [+ A]): the sign of sum over voters of (1-f) yes - f no [- f abst]
                m_k = (1.0 - f) * p_yes - f * p_no - (f * p_ab if rule.base == "present" else 0.0)
                sq = (1.0 - f) ** 2 * p_yes + f * f * p_no \
                    + (f * f * p_ab if rule.base == "present" else 0.0)
                mu = m_k.sum(axis=1) * sc
                var = (sq - m_k * m_k).sum(axis=1) * sc
                z = (mu + (1e-9 if not rule.strict else -0.5)) / np.sqrt(var + 0.25)
            p_met = ndtr(z)
        p_adopt = np.clip(p_free * p_met, 0.0, 1.0)
        return np.asarray(p_adopt, dtype=float), np.asarray(1.0 - p_free, dtype=float)

    def _pair_obligations(self, sel: IntArray, scale: float) -> dict[str, Any]:
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
        inst = self.institution
        m = self.charter.membership
        universal = (m.synthetic == "universal") if inst.synthetic else (m.members == "universal")
        votes: dict[tuple[str, str], tuple[FloatArray, FloatArray]] = {}
        fallbacks: dict[str, FloatArray] = {}
        for s in self._steps:
            if s.measure in ("consultation", "peacekeeping"):
                continue
            if s.body is None or s.question is None:
                w = np.full(shape, s.weight)
                strong = np.full(shape, s.binding)
            else:
                key = (s.body, s.question)
                if key not in votes:
                    votes[key] = self._vote(s.body, s.question, sel, scale)
                p_adopt, p_veto = votes[key]
                p_rescue = np.zeros(shape)
                if s.fallback_weight > 0:
                    if s.body not in fallbacks:
                        fb = self.charter.fallback_for(s.body)
                        fallbacks[s.body] = (self._vote(fb.decides_body, fb.decides_question,
                                                        sel, scale)[0] if fb is not None
                                             else np.zeros(shape))
                    p_rescue = p_veto * fallbacks[s.body]
                if s.gated and p_det is not None:
                    p_adopt = np.minimum(p_adopt, p_det)
                    p_rescue = p_rescue * p_det
                w = s.weight * p_adopt + s.fallback_weight * p_rescue
                strong = (p_adopt > 0.5) & s.binding
                if s.measure == "determination":
                    here = np.clip(p_adopt + p_rescue, 0.0, 1.0)
                    p_det = here if p_det is None else np.maximum(p_det, here)
            f = ("sanctions" if s.measure == "sanctions" else "force" if s.measure == "force"
                 else "determination")
            fam[f] = np.maximum(fam[f], w)
            if f in binding and universal:
                binding[f] |= strong & (w > 0)
        share = float(self.behaviour.determination_share)
        return {"sanctions": np.maximum(fam["sanctions"], share * fam["determination"]),
                "force": np.maximum(fam["force"], share * fam["determination"]),
                "binding_force": binding["force"]}

    def _obligations(self, pairs: IntArray) -> dict[str, Any]:
        """Scope and expected obligations of relevant pairs (static indices), computed when
        first asked for in a period (votes are judged on the world as it then is) and again
        only when seats change or a state dies."""
        ps = self._pa.size
        if self._ob_cache is None:
            self._ob_cache = {"scope": self._scope(self._pa, self._pt),
                              "force": np.zeros(ps), "sanctions": np.zeros(ps),
                              "binding_force": np.zeros(ps, bool), "done": np.zeros(ps, bool)}
        out = self._ob_cache
        todo = pairs[~out["done"][pairs] & out["scope"][pairs]]
        if todo.size:
            todo = np.unique(todo)
            ob = self._pair_obligations(todo, self._scale())
            for k in ("force", "sanctions", "binding_force"):
                out[k][todo] = ob[k]
            out["done"][todo] = True
        return out

    def _forget(self) -> None:
        """Seats or states changed: drop the cached voters and obligations."""
        self._voters.clear()
        self._ob_cache = None

    def _scope(self, a: IntArray, t: IntArray) -> BoolArray:
        """Vectorised :meth:`Institution.in_scope` over pairs."""
        if not self.has_institution:
            return np.zeros(a.shape, bool)
        inst, sc = self.institution, self.charter.scope
        ok = inst.members[t] & inst.members[t]
        if sc.against == "outside":
            ok &= ~inst.members[a]
        if inst.area:
            ok &= np.isin(self.world.region[t], np.fromiter(inst.area, np.int64))
        return np.asarray(ok, dtype=bool)

    # -- aggression -------------------------------------------------------------------------

    def _active(self) -> IntArray:
        """Indices of the static pairs active now: both alive, not held apart by peacekeepers."""
        w = self.world
        ok = w.alive[self._pa] & w.alive[self._pt] & (w.capability[self._pa] > 0)
        if self._held.size:
            ok &= ~np.isin(self._pkey, self._held)
        return np.flatnonzero(ok)

    def expected_utility(self, sel: IntArray | None = None, *,
                         threshold: FloatArray | None = None) -> tuple[FloatArray, FloatArray]:
        """Expected utility of attacking, with and without the institution, per pair.

        ``sel`` indexes the static pairs (default: the active ones). The aggressor estimates
        each potential helper's chance of fighting for the target as
        ``Phi((benefit + obligation - cost) / sigma)`` with the engine's benefit (norm,
        affinity, threat, defence pact, balancing) and cost of force, the obligation it expects
        from the procedure (credibility x bindingness, where the votes would pass) and
        ``sigma = response_noise + 0.05``. Without the institution only allies are candidates
        and nobody is obliged; balance of power adds the balancers (discounted by the learned
        reliability of ad-hoc coalitions). Expected sanctions cut the aggressor's strength by
        ``sanction_effect x sanctioning share`` and cost it as much.
        ``EU = P gain - (1 - P) war_loss - sanction cost`` with ``P = E_a^g / (E_a^g + E_d^g)``
        and ``gain = min(1, spoils c_t / c_a) (1 - s_at) / 2``: the spoils, worth more the more
        the target's interests differ from the aggressor's (Bueno de Mesquita 1981).

        The institution can only lower the expected utility, so with ``threshold`` (per pair)
        the with-institution utility is computed only where the one without exceeds it (the
        pairs that could still attack); elsewhere the first array repeats the second.
        """
        if sel is None:
            sel = self._active()
        w, beh = self.world, self.behaviour
        g = self._grad
        scale = self._scale()
        cap = w.capability
        with np.errstate(divide="ignore"):
            lc = np.where(cap > 0, np.log(np.maximum(cap, 1e-300)), -np.inf)
        self._lc = (lc, scale)
        a = self._pa[sel]
        t = self._pt[sel]
        sd = self.charter.self_defence
        terms = self._pair_terms()
        e_a = g.apply_log(lc[a], self._tok_pair[sel], scale)
        e_t = g.apply_log(lc[t], self._tok0, scale) if sd.allowed else np.zeros(t.shape)
        # Without the institution: only allies (sparse), computed element by element.
        collective = bool(sd.allowed and sd.collective)
        e_d0 = e_t.copy()
        if collective:
            cand0 = terms["pact"][sel] & self._hp_ok[sel] & w.alive[self._hpi[sel]]
            rows, cols = np.nonzero(cand0)
            if rows.size:
                p0, at_t = self._join(sel[rows], cols, e_a[rows], 0.0)
                e_d0 += np.bincount(rows, weights=p0 * at_t, minlength=sel.size)
        gain = np.minimum(float(beh.spoils) * cap[t] / np.maximum(cap[a], 1e-300), 1.0) \
            * terms["stake"][sel]
        gamma = float(beh.gamma)
        loss = float(beh.war_loss)
        p_win0 = _csf(e_a, e_d0, gamma)
        eu0 = np.asarray(p_win0 * gain - (1.0 - p_win0) * loss, dtype=float)
        eu1 = eu0.copy()
        cred = self.credibility if math.isfinite(self.credibility) else 0.0
        if not (self.has_institution or self.ad_hoc) or cred <= 0:
            return eu1, eu0
        sub = np.arange(sel.size) if threshold is None else np.flatnonzero(eu0 > threshold)
        if self.has_institution:
            ob = self._obligations(sel[sub])
            sub = sub[ob["scope"][sel[sub]]]
        if sub.size == 0:
            return eu1, eu0
        s = sel[sub]
        h = self._hpi.shape[1]
        rows = np.repeat(np.arange(s.size), h)
        cols = np.tile(np.arange(h), s.size)
        valid = (self._hp_ok[s] & w.alive[self._hpi[s]]).ravel()
        rows, cols = rows[valid], cols[valid]
        ally = terms["pact"][s[rows], cols] & collective
        believed = np.where(self._doubt[self._pa[s]], 0.0, cred)
        cut = np.zeros(s.size)
        if self.has_institution:
            ob_f = believed * ob["force"][s]
            ob_s = believed * ob["sanctions"][s]
            strong = ob["binding_force"][s]
            j = self._hpi[s[rows], cols]
            member = self.institution.members[j]
            cand_f = member & (ob_f[rows] > 0) & (~w.nonaligned[j] | strong[rows])
            keep = ally | cand_f
            p1, at_t, _ = self._join(s[rows[keep]], cols[keep], e_a[sub][rows[keep]],
                                           np.where(cand_f[keep], ob_f[rows[keep]], 0.0),
                                           with_benefit=True)
            e_d1 = e_t[sub] + np.bincount(rows[keep], weights=p1 * at_t, minlength=s.size)
            # sanctions: the capability-weighted chance that members sanction, times their share
            cand_s = member & (ob_s[rows] > 0)
            if cand_s.any():
                from scipy.special import ndtr

                rs, cs = rows[cand_s], cols[cand_s]
                _, _, ben_s = self._join(s[rs], cs, e_a[sub][rs], 0.0, with_benefit=True)
                sigma = float(beh.response_noise) + 0.05
                p_s = ndtr((ben_s + ob_s[rs] - terms["cost_s"][s[rs], cs]) / sigma)
                wgt = cap[self._hpi[s[rs], cs]]
                wsum = np.bincount(rs, weights=wgt, minlength=s.size)
                psum = np.bincount(rs, weights=wgt * p_s, minlength=s.size)
                mean_p = np.where(wsum > 0, psum / np.where(wsum > 0, wsum, 1.0), 0.0)
                mem = self.institution.members & w.alive
                aa, tt = self._pa[s], self._pt[s]
                pool = float(cap[w.alive].sum()) - cap[aa]
                msum = float(cap[mem].sum()) - np.where(mem[aa], cap[aa], 0.0) \
                    - np.where(mem[tt], cap[tt], 0.0)
                share = np.clip(np.where(pool > 0, msum / np.where(pool > 0, pool, 1.0), 0.0),
                                0.0, 1.0)
                cut = float(beh.sanction_effect) * share * mean_p
        else:  # balance of power: balancers (not allies) join with the learned reliability
            j = self._hpi[s[rows], cols]
            balancer = (self._top_threat_of[j] == self._pa[s][rows]) & ~ally
            keep = ally | balancer
            bonus = np.where(balancer[keep], float(beh.balancing_weight), 0.0)
            p1, at_t = self._join(s[rows[keep]], cols[keep], e_a[sub][rows[keep]], bonus)
            p1 = np.where(balancer[keep], believed[rows[keep]] * p1, p1)
            e_d1 = e_t[sub] + np.bincount(rows[keep], weights=p1 * at_t, minlength=s.size)
        p_win1 = _csf(e_a[sub] * (1.0 - cut), e_d1, gamma)
        eu1[sub] = p_win1 * gain[sub] - (1.0 - p_win1) * loss - cut
        return eu1, eu0

    def _join(self, pairs: IntArray, cols: IntArray, e_a: FloatArray, extra: Any,
              with_benefit: bool = False) -> Any:
        """Chance that helper ``cols`` of each pair fights for the target, and its strength
        there: ``Phi((benefit + extra - cost_force) / sigma)`` (elementwise over the lists)."""
        from scipy.special import ndtr

        beh, g = self.behaviour, self._grad
        lc, scale = self._lc
        terms = self._pair_terms()
        j = self._hpi[pairs, cols]
        at_t = g.apply_log(lc[j], self._tok_ht[pairs, cols], scale)
        own = g.apply_log(lc[j], self._tok0, scale)
        a_at_j = g.apply_log(lc[self._pa[pairs]], self._tok_ha[pairs, cols], scale)
        fear = a_at_j / np.maximum(a_at_j + own, 1e-300)
        benefit = terms["base"][pairs, cols] + float(beh.threat_weight) * fear \
            * terms["hostility"][pairs, cols]
        rel = e_a / np.maximum(e_a + at_t, 1e-300)
        cost_f = float(beh.war_cost) * (0.25 + 0.75 * rel)
        sigma = float(beh.response_noise) + 0.05
        p = ndtr((benefit + extra - cost_f) / sigma)
        if with_benefit:
            return p, at_t, benefit
        return p, at_t

    def thresholds(self) -> FloatArray:
        """Each state's attack threshold: ``attack_threshold x (1 - 2 r)``. A status-quo state
        (``r = 0``) needs a clear expected gain; a state with ``r > 1/2`` accepts an expected
        material loss for the sake of revision."""
        return float(self.settings["attack_threshold"]) * (1.0 - 2.0 * self.world.revisionism)

    def _decide(self, noise: FloatArray) -> dict[str, Any]:
        """Every aggressor's best target and margins, with and without the institution."""
        w = self.world
        sel = self._active()
        n = w.n
        best1 = np.full(n, -np.inf)
        best0 = np.full(n, -np.inf)
        target = np.full(n, -1, np.int64)
        if sel.size:
            a = self._pa[sel]
            theta = self.thresholds()[a] - noise[sel]
            eu1, eu0 = self.expected_utility(sel, threshold=theta)
            m1 = eu1 - theta
            m0 = eu0 - theta
            order = np.lexsort((-m1, a))
            first = np.ones(order.size, bool)
            first[1:] = a[order][1:] != a[order][:-1]
            win = order[first]
            best1[a[win]] = m1[win]
            target[a[win]] = self._pt[sel][win]
            np.maximum.at(best0, a, m0)
        return {"best1": best1, "best0": best0, "target": target}

    def _aggression(self, year: int) -> tuple[list[dict[str, Any]], int]:
        """Decisions and crises of one period; returns the crisis records and deterred count.

        Aggressors are activated in a random order. ``random`` activation: each decides on the
        world as left by the crises before it; ``simultaneous``: all decide on the world at the
        start of the period and the chosen crises then resolve in that order. At most
        ``max_crises`` crises per period; a state attacks at most once per period.
        """
        w = self.world
        cap_n = int(self.settings["max_crises"])
        noise_sd = float(self.settings["eu_noise"])
        if noise_sd > 0:  # a yearly resolve shock per aggressor, and a smaller one per pair
            noise = self.rng.normal(0.0, noise_sd, size=w.n)[self._pa] \
                + self.rng.normal(0.0, noise_sd / 2.0, size=self._pa.size)
        else:
            noise = np.zeros(self._pa.size)
        self._held = np.zeros(0, np.int64)
        if self._peace:
            self._peace = {k: y for k, y in self._peace.items() if y >= year}
            keys = np.fromiter(self._peace, np.int64, len(self._peace))
            self._held = keys[self.rng.random(keys.size) < float(self.behaviour.peacekeeping_effect)]
        doubt = float(self.settings["doubt"])
        self._doubt = self.rng.random(w.n) < doubt if doubt > 0 else np.zeros(w.n, bool)
        order = self.rng.permutation(np.flatnonzero(w.alive))
        events: list[dict[str, Any]] = []
        deterred = 0
        dec = self._decide(noise)
        pos = 0
        plan: list[tuple[int, int]] = []
        simultaneous = self.settings["activation"] == "simultaneous"
        while pos < order.size:
            rest = order[pos:]
            attack = (dec["best1"][rest] > 0) & w.alive[rest]
            det = (dec["best0"][rest] > 0) & ~attack & w.alive[rest]
            if len(events) + len(plan) >= cap_n or not attack.any():
                deterred += int(det.sum())
                break
            first = int(np.argmax(attack))
            deterred += int(det[:first].sum())
            a = int(rest[first])
            t = int(dec["target"][a])
            pos += first + 1
            if simultaneous:
                plan.append((a, t))
                continue
            ev = self._crisis(a, t, year)
            if ev is not None:
                events.append(ev)
                dec = self._decide(noise)
        for a, t in plan:
            ev = self._crisis(a, t, year)
            if ev is not None:
                events.append(ev)
        return events, deterred

    # -- one crisis -------------------------------------------------------------------------

    def _crisis(self, a: int, t: int, year: int) -> dict[str, Any] | None:
        """Run one crisis through the engine and learn from it."""
        from .crisis.run import run_crisis

        w = self.world
        if not (w.alive[a] and w.alive[t]):
            return None
        cap_before = w.capability.copy()
        total = float(cap_before[w.alive].sum()) or 1.0
        cred = self.credibility if math.isfinite(self.credibility) else 1.0
        res = run_crisis(w, self.charter, w.codes[a], w.codes[t], rng=self.rng,
                         behaviour=self.behaviour, credibility=min(1.0, max(0.0, cred)),
                         institution=self.institution)
        ev = _event(res)
        ev["year"] = year
        ev["aggressor_veto"] = bool(ev.get("veto_protected", False))
        idx = {c: i for i, c in enumerate(w.codes)}
        ev["burden"] = {c: float(cap_before[idx[c]]) for c in ev.get("contributors") or ()
                        if c in idx}
        ev["destroyed_share"] = float(ev.get("capability_destroyed") or 0.0) / total
        if self.has_institution and ev.get("in_scope"):
            self.credibility = float(ev.get("credibility_after", self.credibility))
        elif self.ad_hoc:
            answered = bool(ev.get("contributors"))
            lr = float(self.behaviour.learning_rate)
            self.credibility += lr * ((1.0 if answered else 0.0) - self.credibility)
        if ev.get("peacekeeping"):
            last = year + int(self.settings["peace_years"])
            self._peace[a * w.n + t] = last
            self._peace[t * w.n + a] = last
        if self.has_institution and self.charter.exit.withdrawal:
            notice = max(1, math.ceil(float(self.charter.exit.notice_years)))
            for code in ev.get("wants_exit") or ():
                i = idx.get(code)
                if i is not None and self.institution.members[i] and i not in self._notice:
                    self._notice[i] = year + notice
        if not (w.alive[a] and w.alive[t]):
            self._forget()
        return ev

    # -- results ----------------------------------------------------------------------------

    def series(self) -> pd.DataFrame:
        """The yearly time series so far (one row per period)."""
        return pd.DataFrame.from_records(self.records, columns=list(SERIES_COLUMNS))

    def metrics(self) -> dict[str, float]:
        """The run's metrics so far (MODEL.md §5)."""
        w = self.world
        cred = [r["credibility"] for r in self.records]
        return run_metrics(self.events, state_years=self.state_years,
                           deterred=self.deterred_total, deaths=self.deaths_total,
                           final_capability=w.capability[w.alive], credibility=cred)

    def result(self, seed: Any = None) -> RunResult:
        """The run so far as a :class:`RunResult`."""
        return RunResult(charter=self.charter.id, seed=seed, years=self.t,
                         metrics=self.metrics(), series=self.series(), events=list(self.events),
                         settings=dict(self.settings))


def _required(rule: Any, base: FloatArray) -> FloatArray:
    """Vectorised :meth:`DecisionRule.required` over (possibly fractional) bases."""
    from ..rules.charter import parse_fraction

    if isinstance(rule.threshold, int):
        return np.full(np.shape(base), float(rule.threshold))
    if rule.threshold == "all":
        return np.asarray(base, dtype=float)
    frac = float(parse_fraction(rule.threshold))
    exact = frac * np.asarray(base, dtype=float)
    return np.floor(exact + 1e-9) + 1.0 if rule.strict else np.ceil(exact - 1e-9)


_EVENT_SKIP = frozenset({"trace", "steps", "votes"})


def _event(res: Any) -> dict[str, Any]:
    """A crisis result as a flat record (no trace, votes or step list; NaN as None)."""
    from dataclasses import fields as dc_fields

    out: dict[str, Any] = {}
    for f in dc_fields(res):
        if f.name in _EVENT_SKIP:
            continue
        v = getattr(res, f.name)
        if isinstance(v, list):
            v = list(v)
        elif isinstance(v, dict):
            v = dict(v)
        elif isinstance(v, float) and not math.isfinite(v):
            v = None
        out[f.name] = v
    return out


def _csf(e_att: FloatArray, e_def: FloatArray, gamma: float) -> FloatArray:
    """Attacker's win probability ``E_a^g / (E_a^g + E_d^g)`` (1/2 where both are zero)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = gamma * (np.log(np.maximum(e_def, 1e-300)) - np.log(np.maximum(e_att, 1e-300)))
        p = 1.0 / (1.0 + np.exp(np.clip(z, -700, 700)))
    both = (e_att <= 0) & (e_def <= 0)
    p = np.where(e_att <= 0, 0.0, p)
    return np.asarray(np.where(both, 0.5, p), dtype=float)


def simulate(charter: str | Charter, *, world: World | None = None, years: int = 50,
             n_states: int = 60,
             rng: np.random.Generator | np.random.SeedSequence | int | None = None,
             behaviour: Behaviour | dict[str, Any] | None = None,
             world_params: dict[str, Any] | None = None,
             settings: ModelSettings | dict[str, Any] | None = None,
             **overrides: Any) -> RunResult:
    """Run ``charter`` for ``years`` periods and return metrics, series and the crisis log.

    Without ``world`` a synthetic world of ``n_states`` is generated (``world_params`` go to
    :func:`foedus.generate_world`). ``rng`` may be an int or ``SeedSequence``: its child 0
    seeds the world and child 1 the run (as in :func:`foedus.compare`, so ``simulate(c,
    rng=SeedSequence(s, spawn_key=(0, r)))`` is replication ``r`` of a comparison); a
    ``Generator`` is used for both; ``None`` draws fresh entropy and records it in
    ``RunResult.seed``. ``settings`` (a :class:`ModelSettings` or a dict) and keyword
    overrides (``max_crises=5``) are the model settings (docs/model.md).
    """
    if rng is None:  # fresh entropy, recorded so that the run can be repeated
        rng = np.random.SeedSequence()
    label = seed_label(rng)
    if isinstance(rng, np.random.Generator):
        world_gen = run_gen = rng
    else:
        seq = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence(rng)
        w_seq, r_seq = split(seq)
        world_gen, run_gen = np.random.default_rng(w_seq), np.random.default_rng(r_seq)
    config = as_settings(settings, **overrides)  # checked before a world is built
    if world is None:
        if int(n_states) < 1:
            raise FoedusError(f"n_states must be >= 1, got {n_states}")
        world = generate_world(int(n_states), rng=world_gen, **(world_params or {}))
    model = Model(charter, world, rng=run_gen, behaviour=behaviour, settings=config)
    model._advance(years)  # not run(): the result is built once, with its seed label
    return model.result(seed=label)


__all__ = [
    "ACTIVATIONS",
    "DEFAULTS",
    "SERIES_COLUMNS",
    "Model",
    "ModelSettings",
    "RunResult",
    "simulate",
]
