"""Kinds of threat in the many-year model (issue 18; docs/threats.md).

Besides the interstate attacks its aggressors decide on, the model draws each year crises of
the other kinds of threat defined by the threat files (:mod:`foedus.rules.threat`): a
terrorist attack by a group a state hosts, a cyber operation below or above the armed-attack
threshold, a civil war with a humanitarian crisis. Each kind comes at its rate per 100
state-years (:func:`threat_rates`: the :class:`~foedus.engine.settings.ModelSettings` fields,
or the rates documented in the files); a crisis's target (the victim, or the state in civil
war) is any living state, equally likely.

What the threat file says decides what happens:

- **attribution**: a kind with a responsible state (the host of a group, the sponsor of an
  operation) draws it among the living states, the more likely the more hostile to the target
  (the affinity ``(1 - s)``; cyber conflict and harbouring are between rivals: Valeriano &
  Maness 2014; Byman 2005); it is *identified* with probability ``1 - ambiguity``, as the
  evidence of 2001 was presented before NATO confirmed Art. 5 (statement of 2 October 2001);
- **thresholds**: each crisis draws whether it is held an armed attack and a threat to the
  peace (``yes`` always, ``no`` never, ``contested`` with the file's ``probability``). A
  charter's institution acts only on its own trigger (:data:`TRIGGERS`): a collective-security
  body on a threat to the peace (UN Charter Art. 39; League Covenant Art. 11), a pact on an
  armed attack (North Atlantic Treaty Art. 5 and the like). Force in self-defence needs an
  armed attack (UN Charter Art. 51);
- **responses**: only those the file lists, with their consent and cost factor.

Two paths resolve a crisis. An identified responsible state that committed an armed attack is
met by the crisis engine (:func:`foedus.engine.crisis.run_crisis`) as an attack of that state:
the campaign against the host, as in Afghanistan in 2001, or against a cyber attacker's
sponsor; under the model's charter when its trigger is met, else under ``self-help`` (the
victim and its allies alone). Every other crisis (a civil war, an unidentified or
below-threshold attack) takes :func:`resolve_short_of_war`: the institution determines the
threat when in scope and no veto shelters the party, third states choose sanctions,
assistance and (with the host's consent and a mandate) peacekeeping, and force only where the
institution authorises it in a civil war (S/RES/794, 1992; S/RES/1973, 2011). No war between
states is played on that path: no capability changes and no state dies.

The draws come from a generator of their own, spawned from the run's seed (spawn key
``(..., 18)``), so switching kinds on leaves the interstate stream as it was; each crisis's
kind, target, responsible state and thresholds come from one child and its resolution from
another, so every system meets the same drawn crises as long as the same states live.
Crises of these kinds do not teach the institution's credibility (docs/threats.md).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._errors import FoedusError, UnknownNameError
from ..rules.charter import Charter, load_charter
from ..rules.threat import Threat, load_threat
from ..world.world import DEFENCE, World
from . import scope
from .behaviour import Behaviour
from .crisis.run import run_crisis
from .events import CrisisEvent
from .institution import Institution
from .settings import ModelSettings

#: The kind every crisis an aggressor of the model decides on is.
INTERSTATE = "interstate-aggression"
#: The kinds drawn at a rate, each with its :class:`ModelSettings` field.
RATE_FIELDS: dict[str, str] = {
    "hosted-terrorism": "rate_hosted_terrorism",
    "cyber-below-threshold": "rate_cyber_below_threshold",
    "cyber-above-threshold": "rate_cyber_above_threshold",
    "civil-war-humanitarian": "rate_civil_war_humanitarian",
}
#: Every kind the model reports on, interstate aggression first.
THREAT_KINDS: tuple[str, ...] = (INTERSTATE, *RATE_FIELDS)
#: The threshold on which a charter's institution acts, by the charter's kind.
TRIGGERS: dict[str, str] = {
    "collective-security": "threat_to_the_peace",  # UN Charter Art. 39; League Covenant Art. 11
    "collective-defence": "armed_attack",          # North Atlantic Treaty Art. 5; Rio Art. 3
    "bilateral-pact": "armed_attack",              # ANZUS Art. IV; US-Japan Art. V
}
#: The sources of :data:`TRIGGERS`.
TRIGGER_SOURCES = ("UN Charter (1945), Art. 39; Covenant of the League of Nations (1919), "
                   "Art. 11; North Atlantic Treaty (1949), Art. 5; Inter-American Treaty of "
                   "Reciprocal Assistance (1947), Art. 3; ANZUS Treaty (1951), Art. IV")
#: The spawn-key element of the generator the kinds of threat draw from (issue 18).
THREAT_CHILD = 18


def threat_rates(settings: ModelSettings) -> dict[str, float]:
    """Each kind's rate per 100 state-years: its settings field, or under ``threats =
    "documented"`` the threat file's documented rate where the field is 0."""
    out: dict[str, float] = {}
    for kind, name in RATE_FIELDS.items():
        rate = float(getattr(settings, name))
        if settings.threats == "documented" and rate == 0.0:
            doc = load_threat(kind).rate
            rate = float(doc.per_100_state_years) if doc is not None else 0.0
        out[kind] = rate
    return out


def threat_overrides(threats: str | None = None,
                     rates: Iterable[str] | Mapping[str, float] = ()) -> dict[str, Any]:
    """Model-setting overrides that switch kinds of threat on: ``threats`` (``"documented"``:
    the threat files' rates; ``"rates"`` or None: only the given ``rates``) and ``rates``, a
    mapping or ``"KIND=RATE"`` strings (per 100 state-years, in [0, 20]). An unknown kind or a
    bad number is an error naming it; the range is checked by :class:`ModelSettings`."""
    out: dict[str, Any] = {}
    if threats is not None:
        out["threats"] = threats
    items = rates.items() if isinstance(rates, Mapping) else [_rate_item(r) for r in rates]
    for kind, rate in items:
        if kind not in RATE_FIELDS:
            raise UnknownNameError("kind of threat drawn at a rate", str(kind), list(RATE_FIELDS))
        out[RATE_FIELDS[kind]] = rate
    ModelSettings().replace(**out)  # the ranges, checked now
    return out


def _rate_item(text: str) -> tuple[str, float]:
    kind, sep, value = str(text).partition("=")
    try:
        if not sep:
            raise ValueError
        return kind.strip(), float(value)
    except ValueError:
        raise FoedusError(f"threat rate {text!r}: expected KIND=RATE, a kind of threat and its "
                          "crises per 100 state-years (e.g. civil-war-humanitarian=1.7)") from None


def threat_generators(rng: np.random.Generator) -> tuple[np.random.Generator,
                                                          np.random.Generator]:
    """The generators of the crises' draws and of their resolution: children 0 and 1 of the
    run's seed sequence spawned with key ``(..., THREAT_CHILD)``; ``rng`` itself is not drawn
    from."""
    seq = rng.bit_generator.seed_seq
    if not isinstance(seq, np.random.SeedSequence):  # no seed sequence: seeded by its state,
        # read without drawing (the run's stream stays as it is)
        digest = hashlib.sha256(repr(rng.bit_generator.state).encode()).digest()
        seq = np.random.SeedSequence(int.from_bytes(digest[:16], "little"))
    key = (*seq.spawn_key, THREAT_CHILD)
    kids = [np.random.SeedSequence(seq.entropy, spawn_key=(*key, i), pool_size=seq.pool_size)
            for i in range(2)]
    return np.random.default_rng(kids[0]), np.random.default_rng(kids[1])


@dataclass(frozen=True)
class Drawn:
    """One crisis of a kind of threat as drawn: its target (the victim, or the state in civil
    war), the responsible state (-1: none), whether it is identified, and whether the crisis is
    held an armed attack and a threat to the peace."""

    threat: Threat
    target: int
    responsible: int
    identified: bool
    armed_attack: bool
    threat_to_the_peace: bool


def draw_crisis(world: World, threat: Threat, u: np.ndarray) -> Drawn | None:
    """The crisis that five uniform numbers ``u`` make of ``threat`` in ``world`` (None: fewer
    than two living states)."""
    alive = np.flatnonzero(world.alive)
    if alive.size < 2:
        return None
    t = int(alive[min(int(u[0] * alive.size), alive.size - 1)])
    r, identified = -1, False
    if threat.attribution.responsible != "none":
        others = alive[alive != t]
        weight = np.maximum((1.0 - world.affinity[t, others]) / 2.0, 0.0) + 1e-9
        cum = np.cumsum(weight)
        r = int(others[min(int(np.searchsorted(cum, u[1] * cum[-1])), others.size - 1)])
        identified = threat.attribution.responsible == "attacker" or \
            bool(u[2] >= float(threat.attribution.ambiguity))
    th = threat.thresholds
    return Drawn(threat, t, r, identified, bool(u[3] < th.armed_attack.chance()),
                 bool(u[4] < th.threat_to_the_peace.chance()))


def acts_on(charter: Charter, drawn: Drawn) -> bool:
    """Whether the charter's trigger (:data:`TRIGGERS`) is met by the crisis."""
    trigger = TRIGGERS.get(charter.kind)
    if trigger is None or not scope.engages(charter):
        return False
    return drawn.armed_attack if trigger == "armed_attack" else drawn.threat_to_the_peace


def covers(inst: Institution, drawn: Drawn) -> bool:
    """Whether the institution protects the crisis's target against its responsible state, if
    identified (the charter's scope, as for an interstate attack: engine/scope.py)."""
    t, r = drawn.target, (drawn.responsible if drawn.identified else -1)
    ok = bool(inst.members[t])
    if ok and inst.charter.scope.against == "outside" and r >= 0:
        ok = not bool(inst.members[r])
    if ok and inst.area:
        ok = int(inst.region[t]) in inst.area
    return ok


@dataclass
class ThreatProcess:
    """The kinds of threat of one run: rates, generators and the fallback institution."""

    rates: dict[str, float]
    kinds: dict[str, Threat]
    draws: np.random.Generator
    resolve: np.random.Generator
    _self_help: Institution | None = None

    @classmethod
    def start(cls, settings: ModelSettings, rng: np.random.Generator) -> ThreatProcess | None:
        """The run's process, or None when every rate is 0 (nothing is drawn)."""
        rates = threat_rates(settings)
        if not any(r > 0 for r in rates.values()):
            return None
        draws, resolve = threat_generators(rng)
        kinds = {k: load_threat(k) for k, r in rates.items() if r > 0}
        return cls(rates=rates, kinds=kinds, draws=draws, resolve=resolve)

    def year(self, model: Any, year: int) -> list[CrisisEvent]:
        """This year's crises of every kind, resolved in ``model`` (a :class:`foedus.Model`:
        its world, charter, institution, behaviour and credibility)."""
        w = model.world
        living = int(w.alive.sum())
        counts = {k: int(self.draws.poisson(self.rates[k] / 100.0 * living)) for k in self.kinds}
        out: list[CrisisEvent] = []
        for kind, k in counts.items():
            for _ in range(k):
                drawn = draw_crisis(w, self.kinds[kind], self.draws.random(5))
                if drawn is not None:
                    out.append(self._crisis(model, drawn, year))
        return out

    def _crisis(self, model: Any, drawn: Drawn, year: int) -> CrisisEvent:
        w = model.world
        total = float(w.capability[w.alive].sum()) or 1.0
        share = float(w.capability[drawn.target]) / total
        cred = model.credibility if math.isfinite(model.credibility) else 1.0
        cred = min(1.0, max(0.0, cred))
        if drawn.identified and drawn.armed_attack and drawn.threat.response("force") is not None:
            ev = self._by_state(model, drawn, year, cred, total)
        else:
            ev = resolve_short_of_war(w, model.institution, drawn, self.resolve, model.behaviour,
                                      cred, acts_on(model.charter, drawn), year)
        ev.threat, ev.target_share, ev.world_capability = drawn.threat.id, share, total
        return ev

    def _by_state(self, model: Any, drawn: Drawn, year: int, cred: float,
                  total: float) -> CrisisEvent:
        """An armed attack by an identified state: the crisis engine, under the model's charter
        when its trigger is met (or it has no institution), else under ``self-help``."""
        w = model.world
        charter, inst = model.charter, model.institution
        if TRIGGERS.get(charter.kind) is not None and not acts_on(charter, drawn):
            charter, inst = self._fallback(w)
        cap_before = w.capability.copy()
        res = run_crisis(w, charter, drawn.responsible, drawn.target, rng=self.resolve,
                         behaviour=_costed(model.era_behaviour(year), drawn.threat), credibility=cred,
                         institution=inst, claims_self_defence=False, trace=False,
                         delegation=model._delegation)
        index = {c: i for i, c in enumerate(w.codes)}
        burden = {c: float(cap_before[index[c]]) for c in res.contributors if c in index}
        ev = CrisisEvent.from_result(res, year=year, burden=burden,
                                     destroyed_share=float(res.capability_destroyed or 0.0) / total)
        if not (w.alive[drawn.responsible] and w.alive[drawn.target]):
            model._forget()
        return ev

    def _fallback(self, world: World) -> tuple[Charter, Institution]:
        """The ``self-help`` charter and its (empty) institution in ``world``."""
        if self._self_help is None or len(self._self_help.codes) != world.n:
            self._self_help = Institution.in_world(load_charter("self-help"), world,
                                                   self.resolve)
        return self._self_help.charter, self._self_help


def sheltered(inst: Institution, party: int, affinity: float) -> bool:
    """Whether a vote on the determination would be blocked for ``party``: under a veto, when
    it holds one or its affinity to a holder exceeds ``affinity`` (the aggressor's forecast,
    :meth:`Institution.veto_protected`); under unanimity (League Covenant Art. 5), when a seated
    member whose vote counts is the party or that close to it. No body decides: no block."""
    step = next((s for s in inst.charter.procedure
                 if s.measure == "determination" and s.body and s.question), None)
    if step is None:
        return False
    body = next((b for b in inst.charter.bodies if b.id == step.body), None)
    rule = None if body is None else body.rules.get(str(step.question))
    if rule is None or str(rule.threshold) != "all":
        return inst.veto_protected(party, affinity_threshold=affinity)
    seats = inst.seats.get(str(step.body), np.zeros(0, np.int64))
    seats = seats[(seats >= 0) & inst.alive[np.maximum(seats, 0)].astype(bool)]
    if rule.exclude != "none":
        seats = seats[seats != party]  # the parties' (or the accused's) votes do not count
    return bool(np.any(seats == party) or np.any(inst.affinity[seats, party] > affinity))


def _costed(beh: Behaviour, threat: Threat) -> Behaviour:
    """The behaviour with the costs of force and sanctions scaled by the threat's factors."""
    f = threat.response("force")
    s = threat.response("sanctions")
    ff = 1.0 if f is None else float(f.cost_factor)
    fs = 1.0 if s is None else float(s.cost_factor)
    if ff == 1.0 and fs == 1.0:
        return beh
    return beh.replace(war_cost=float(beh.war_cost) * ff,
                       sanction_cost=float(beh.sanction_cost) * fs)


def _cost(beh: Behaviour, kind: str) -> float:
    """The engine's own cost of a kind of response (assistance costs what peacekeepers do)."""
    return float({"force": beh.war_cost, "sanctions": beh.sanction_cost}.get(
        kind, beh.peacekeeping_cost))


def _available(drawn: Drawn, determined: bool, has_force_step: bool,
               host_consents: bool) -> list[str]:
    """The responses open short of war: those the file lists, with the consent each needs;
    sanctions need a state to sanction (identified, or the parties of a civil war); force only
    as authorised in a civil war; peacekeeping only with a mandate."""
    civil = drawn.threat.attribution.responsible == "none"
    out: list[str] = []
    for r in drawn.threat.responses:
        if r.consent == "host" and not host_consents:
            continue
        if r.kind == "force" and not (civil and determined and has_force_step):
            continue
        if r.kind == "sanctions" and not (civil or drawn.identified):
            continue
        if r.kind == "peacekeeping" and not determined:
            continue
        out.append(r.kind)
    return out


def resolve_short_of_war(world: World, inst: Institution, drawn: Drawn,
                         rng: np.random.Generator, beh: Behaviour, credibility: float,
                         acts: bool, year: int) -> CrisisEvent:
    """A crisis that no war between states answers (see the module's docstring).

    The institution determines the threat when its trigger is met (``acts``), the crisis is in
    its scope and no veto shelters the party the measures are against (the responsible state,
    or the state in civil war). Each living third state then takes each open response whose
    net benefit ``obligation + ally + noise - cost x cost_factor`` is positive: the obligation
    is the institution's credibility for a member when it determined; the ally term
    ``alliance_weight`` for a defence tie with the target; the noise ``response_noise``
    (the random-utility choice of the crisis engine, docs/model.md).
    """
    t, r = drawn.target, drawn.responsible
    in_scope = acts and covers(inst, drawn)
    civil = drawn.threat.attribution.responsible == "none"
    party = r if drawn.identified else (t if civil else -1)  # whom measures would be against
    vetoed = in_scope and party >= 0 and sheltered(inst, party, float(beh.protection_affinity))
    determined = in_scope and not vetoed
    has_force = any(s.measure == "force" for s in inst.charter.procedure)
    p_consent = 1.0 / (1.0 + math.exp(-float(beh.consent_bias)))  # Fortna (2008)
    host_consents = bool(rng.random() < p_consent)
    open_ = _available(drawn, determined, has_force, host_consents)
    third = world.alive.astype(bool).copy()
    third[t] = False
    if r >= 0:
        third[r] = False
    members = inst.members & third
    ob = np.where(members & determined, credibility, 0.0)
    ally = float(beh.alliance_weight) * ((world.alliances[:, t] & DEFENCE) != 0)
    noise = rng.normal(0.0, float(beh.response_noise), (len(open_), world.n))
    who: dict[str, list[str]] = {}
    for j, kind in enumerate(open_):
        resp = drawn.threat.response(kind)
        factor = 1.0 if resp is None else float(resp.cost_factor)
        against_host = civil and kind in ("force", "sanctions")  # no ally sanctions its ally
        net = ob + (0.0 if against_host else ally) + noise[j] - _cost(beh, kind) * factor
        who[kind] = [world.codes[i] for i in np.flatnonzero(third & (net > 0))]
    return _event(world, inst, drawn, who, year, in_scope=in_scope, vetoed=bool(vetoed),
                  determined=determined, force_open="force" in open_,
                  obligated=[world.codes[i] for i in np.flatnonzero(ob > 0)],
                  credibility=credibility)


def _event(world: World, inst: Institution, drawn: Drawn, who: dict[str, list[str]],
           year: int, *, in_scope: bool, vetoed: bool, determined: bool, force_open: bool,
           obligated: list[str], credibility: float) -> CrisisEvent:
    """The crisis record of a crisis resolved short of war."""
    codes = world.codes
    r = drawn.responsible
    fought, sanctioners = who.get("force", []), who.get("sanctions", [])
    keepers, helpers = who.get("peacekeeping", []), who.get("assistance", [])
    cap = float(world.capability.sum())
    return CrisisEvent(
        aggressor=codes[r] if (r >= 0 and drawn.identified) else "", target=codes[drawn.target],
        charter=inst.charter.id, in_scope=in_scope, determined=determined, vetoed=vetoed,
        vetoed_by=[], ufp_session=False, obligation=credibility if determined else 0.0,
        sanctions=bool(sanctioners), force_authorised=determined and force_open,
        peacekeeping=bool(keepers), obligated=obligated, contributors=fought,
        sanctioners=sanctioners, aggressor_side=[], war=False, aggressor_won=False,
        p_defender_win=None, effective=False, capability_destroyed=0.0,
        capability_transferred=0.0, target_died=False,
        ambiguity=float(drawn.threat.attribution.ambiguity), peacekeepers=keepers,
        institution_acted=determined,
        target_helped=bool(fought or sanctioners or keepers or helpers),
        credibility_after=credibility, capability_before=cap, capability_after=cap, year=year,
        threat=drawn.threat.id, assistance=bool(helpers))


__all__ = ["INTERSTATE", "RATE_FIELDS", "THREAT_CHILD", "THREAT_KINDS", "TRIGGERS",
           "TRIGGER_SOURCES", "Drawn", "ThreatProcess", "acts_on", "covers", "draw_crisis",
           "resolve_short_of_war", "sheltered", "threat_generators", "threat_overrides", "threat_rates"]
