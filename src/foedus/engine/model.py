"""Many years: a world, a charter and a yearly loop of growth, alignment and war (docs/model.md).

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
   x interest, and veto protection (selective security): the aggressor's forecast,
   :class:`foedus.engine.forecast.Forecast`, which the model owns;
4. at most ``max_crises`` crises resolve (random sequential or simultaneous activation;
   Huberman & Glance 1993), each through :func:`foedus.engine.crisis.run_crisis`;
5. credibility is learnt from what the institution did, members that were failed or sanctioned
   may give notice, dead states leave, elected seats rotate.

The forecast's pair computations are vectorised over sparse pair index arrays built once, so a
period costs ``O(n k)`` for ``n`` states with ``k`` relevant partners each, not ``O(n^2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._errors import FoedusError
from ..rules.architecture import Architecture, is_architecture, load_architecture
from ..rules.charter import Charter, load_charter
from ..seeding import seed_label, split
from ..world.synthetic import generate_world
from ..world.world import DEFENCE, DISPUTE_HALF_LIFE, World
from . import scope
from .appeasement import Appeasement, Concessions, whet_appetite
from .architecture import ArchitectureCrisisResult, Partners, lead_charter
from .arms import ArmsRace
from .behaviour import Behaviour, as_behaviour, projected_capability
from .benefit import size_years
from .births import BirthProcess, welcome
from .crisis.result import CrisisResult
from .crisis.run import run_crisis
from .delegation import Delegation
from .deterrent import Deterrents
from .events import CrisisEvent
from .forecast import Forecast
from .institution import Institution, data_year, dated_members, era_problem
from .metrics import concentration, polarity, run_metrics
from .settings import ACTIVATIONS, ModelSettings, as_settings
from .threats import INTERSTATE, ThreatProcess

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Defaults of the model settings, by name (the fields of :class:`ModelSettings`).
DEFAULTS: dict[str, Any] = ModelSettings().to_dict()

#: The fewest states decided together when the next aggressor is looked for (Model._batch;
#: doubled while none of them attacks): each is decided on the world as it is when it is
#: activated, the states after the aggressor in the batch again after its crisis if it touched
#: them (a cost, not a change of the numbers).
ACTIVATION_BATCH = 8

#: Columns of a run's yearly time series.
#: Charter kinds whose members' mutual defence ties the pact itself creates.
PACT_KINDS = ("collective-defence", "bilateral-pact")

SERIES_COLUMNS = ("year", "alive", "members", "credibility", "attempts", "deterred", "in_scope",
                  "determined", "responded", "effective", "aggressor_won", "deaths", "vetoed",
                  "ufp_sessions", "coalition_size", "capability_destroyed", "concentration",
                  "polarity", "peacekeeping", "exits", "births")
#: Columns the series has only with arms racing on (engine/arms.py, engine/deterrent.py): the
#: year's mean burden, share of states in a race and deterrents held (NaN without the option).
ARMS_SERIES = ("military_burden", "arms_racing", "deterrents")


@dataclass
class RunResult:
    """One run of one charter: metrics (:data:`foedus.engine.metrics.REGISTRY`), the yearly
    series and the crisis log (:class:`~foedus.engine.events.CrisisEvent` records)."""

    charter: str
    seed: Any
    years: int
    metrics: dict[str, float]
    series: pd.DataFrame
    events: list[CrisisEvent]
    settings: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (series as a list of yearly records; NaN as None)."""
        def clean(v: Any) -> Any:
            if isinstance(v, float | np.floating) and not math.isfinite(float(v)):
                return None
            if isinstance(v, np.generic):
                return v.item()
            return v

        return {"charter": self.charter, "seed": self.seed, "years": self.years,
                "settings": self.settings, "notes": list(self.notes),
                "metrics": {k: clean(v) for k, v in self.metrics.items()},
                "series": [{k: clean(v) for k, v in row.items()}
                           for row in self.series.to_dict(orient="records")],
                "events": [e.to_dict() for e in self.events]}


class _Kept:
    """Each aggressor's last decision in a period (best margins and targets with and without
    the institution), whether it still holds (``known``: none of its pairs touched since),
    when it was made (``at``: the crisis count) and whether it weighs the institution's answer
    (``weighs``: a pair that would attack without the institution, in the answer's reach),
    which moves with every crisis."""

    def __init__(self, n: int) -> None:
        self.best1, self.best0 = np.full(n, -np.inf), np.full(n, -np.inf)
        self.target, self.target0 = np.full(n, -1, np.int64), np.full(n, -1, np.int64)
        self.known, self.weighs = np.zeros(n, bool), np.zeros(n, bool)
        self.at = np.zeros(n, np.int64)


# --- the model -----------------------------------------------------------------------------


class Model:
    """A charter in a world over many years. ``step()`` runs one period; ``run(years)`` many.

    ``world`` is copied (the caller's world is never changed). ``rng`` drives every random
    draw of the run (growth, decisions, crises). The remaining keywords are the model-level
    settings of :data:`DEFAULTS` (documented in docs/simulation.md).
    """

    #: After a crisis, recompute only the pairs whose expected utility it can have moved
    #: (:meth:`_touch`, :meth:`_decide`); False recomputes every pending pair (the same numbers,
    #: slower: kept for the test that checks the two against each other).
    incremental: bool = True
    #: Leave uncomputed (margins ``-inf``) the pairs whose bound shows that they cannot attack
    #: (``spare`` of :meth:`expected_utility`); False computes their (negative) margins (the
    #: same decisions: only positive margins are read).
    bounded: bool = True

    def __init__(self, charter: str | Charter | Architecture, world: World, *,
                 rng: np.random.Generator | np.random.SeedSequence | int | None = None,
                 behaviour: Behaviour | dict[str, Any] | None = None,
                 settings: ModelSettings | dict[str, Any] | None = None,
                 **overrides: Any) -> None:
        self.config = as_settings(settings, **overrides)
        # an architecture (issue 11): the lead institution is the model's own, the others partners
        self.architecture = load_architecture(cast(str | Architecture, charter)) \
            if is_architecture(charter) else None
        self.charter = lead_charter(self.architecture) if self.architecture is not None \
            else load_charter(cast(str | Charter, charter))
        self.behaviour = as_behaviour(behaviour)
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.settings: dict[str, Any] = self.config.to_dict()
        self.notes: list[str] = []
        self._check_era(world)
        self.world = self._starting_world(world)
        w = self.world
        w.capability = np.where(w.alive, np.maximum(w.capability, 0.0), 0.0).astype(float)
        self._base_alliances = w.alliances.copy()
        sc = self.charter.scope
        self.has_institution = scope.engages(self.charter)
        self.ad_hoc = sc.coalitions == "ad-hoc"
        self.learns = self.has_institution or self.ad_hoc
        self.credibility = float(self.behaviour.initial_credibility) if self.learns else math.nan
        self.institution = Institution.in_world(self.charter, w, self.rng)
        self.year0 = int(w.year) + 1 if w.year is not None else 1
        self._data_year, self.t = w.year is not None, 0
        self._eras: dict[tuple[bool, bool], Behaviour] = {}
        self.forecast = self._new_forecast()
        self.partners = None if self.architecture is None else Partners(
            self.architecture, self.charter, w, self.rng, float(self.behaviour.initial_credibility),
            self.config.anachronism == "allow", self.notes)
        self.events: list[CrisisEvent] = []
        self.records: list[dict[str, Any]] = []
        self.deterred_total = 0
        self.displaced_total = 0  # attempts the institution turned to another target
        self.deaths_total = 0
        self.state_years = 0.0
        self.size_years = np.zeros(3)  # state-years by size class (engine/benefit.py)
        self._notice: dict[int, int] = {}  # state -> year its withdrawal takes effect
        self._peace: dict[int, int] = {}   # pair key a*n+t -> last year peacekeepers stay
        self._held = np.zeros(0, np.int64)  # pair keys held apart by peacekeepers this period
        self._doubt = np.zeros(w.n, bool)  # states discounting the institution this period
        self._adhoc: tuple[int, IntArray] | None = None  # (leader, balancers) of ad-hoc ties
        self._top_threat_of = np.full(w.n, -1, np.int64)  # balance of power: top threat of each
        # this period's margins per static pair (with and without the institution), kept
        # between the decisions of a period; recomputed only where a crisis can move them
        self._margins: tuple[FloatArray, FloatArray] | None = None
        self._codes_seen: list[str] | None = None
        self._allied: tuple[dict[str, Any], IntArray, IntArray] | None = None
        self._index: dict[str, int] = {}
        self._margin_scale = 1.0
        # per pair: awaiting the answer, awaiting computing, the crisis count of its answer
        self._need, self._stale, self._when = np.zeros(0, bool), np.zeros(0, bool), np.zeros(0, int)
        self._kept = _Kept(w.n)  # per aggressor: its last decision, and whether it holds
        self._epoch = 0  # crises (and starts of a period) so far: the answer moves with each
        self._unjudged = False  # the last touch judged no obligations (no credible institution)
        self._cred_seen = math.nan  # the credibility at the last touch
        self._next_rotation = {b.id: self.year0 + int(b.term_years or 2)
                               for b in self.charter.bodies if b.composition == "fixed"}
        self._withdrew: set[int] = set()  # states that gave notice in the run: the record
        # does not bring them back
        self._dated = data_year(w) is not None and self.charter.membership.dated
        self.arms = None if self.config.arms_race == "off" else ArmsRace(
            w.n, reaction=self.config.arms_reaction, fatigue=self.config.arms_fatigue,
            grievance=self.config.arms_grievance)  # arms racing (engine/arms.py), off by default
        c = self.config
        self.deterrents = None if c.deterrent == "off" else Deterrents(
            w.n, faith=c.deterrent_faith, threat=c.deterrent_threat, years=c.deterrent_years,
            lag=c.deterrent_lag, cost=c.deterrent_cost)  # engine/deterrent.py, off by default
        self._delegation = None if self.config.delegation == "off" else Delegation(
            mandate=self.config.delegation_mandate)  # engine/delegation.py, off by default
        self.appeasement = None if self.config.appeasement == "off" else Appeasement(
            share=self.config.appeasement_share, appetite=self.config.appeasement_appetite,
            discredit=self.config.appeasement_discredit)  # engine/appeasement.py, off by default
        self.concessions = Concessions(w.n)
        # kinds of threat besides interstate aggression (engine/threats.py): None when off
        self.threats = ThreatProcess.start(self.config, self.rng)

    def _check_era(self, world: World) -> None:
        """Refuse a charter on a data world of a year it did not exist in, unless the
        ``anachronism`` setting allows it; an allowed anachronism is noted in the result."""
        problem = era_problem(self.charter, world)
        if problem is None:
            return
        if self.config.anachronism != "allow":
            raise FoedusError(problem)
        self.notes.append("anachronism: " + problem.split(". Choose")[0])

    def _starting_world(self, world: World) -> World:
        """A copy of ``world``; on a data world that follows the record, the world of every state
        the record will bring in (:func:`foedus.data.world_on_record`)."""
        self._record: Any = None
        born = BirthProcess.start(world, self.config, self.rng)  # None when off
        self._births = None if born is None else born[0]
        if born is not None:
            self.notes.append(born[0].describe())
            return born[1]
        if data_year(world) is None or self.config.record != "follow":
            return world.copy()
        from ..data.build import world_on_record

        spanned, self._record = world_on_record(world)
        self.notes.append(self._record.describe())
        return spanned

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
        self._follow_record(year)
        rec["births"] = self._birth(year)
        self._follow_membership(year)
        if self.partners is not None:
            self.partners.follow(w, year)
        self._rotate(year)
        self._grow()
        if self.arms is not None:
            self._arm()
            rec.update(self._arms_record())
        if self.forecast.behaviour is not self._forecast_behaviour(year):  # the era turned
            self._forget()
            self.forecast = self._new_forecast()
        self.forecast.new_period()
        if self.ad_hoc:
            self._balance()
        alive_start = w.alive.copy()
        self.state_years += float(alive_start.sum())
        self.size_years += size_years(w.capability, alive_start)
        if self.threats is not None:  # the year's crises of the other kinds (engine/threats.py)
            self.events.extend(self.threats.year(self, year))
        events, deterred = self._aggression(year)
        self._remember(events)
        self.deterred_total += deterred
        deaths = int((alive_start & ~w.alive).sum())
        self.deaths_total += deaths
        w.capability = np.where(w.alive, w.capability, 0.0)
        rec.update(
            alive=int(alive_start.sum()), attempts=len(events), deterred=deterred, deaths=deaths,
            exits=exits,
            in_scope=sum(e.in_scope for e in events),
            determined=sum(e.determined for e in events),
            responded=sum(e.responded for e in events),
            effective=sum(e.effective for e in events),
            aggressor_won=sum(e.aggressor_won for e in events),
            vetoed=sum(e.vetoed for e in events),
            ufp_sessions=sum(e.ufp_session for e in events),
            coalition_size=sum(len(e.contributors) for e in events),
            capability_destroyed=float(sum(e.destroyed_share for e in events)),
            peacekeeping=sum(e.peacekeeping for e in events),
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

    def _arm(self) -> None:
        """Arms racing (engine/arms.py): burdens and capabilities of the year, assured by the
        institution (its members; everybody under ad-hoc balancing) as far as it is credible."""
        w = self.world
        if self.has_institution:
            protected = self.institution.members & w.alive
        else:
            protected = w.alive.copy() if self.ad_hoc else np.zeros(w.n, bool)
        cred = self.credibility if math.isfinite(self.credibility) else 0.0
        cast(ArmsRace, self.arms).step(w, self.behaviour, cred, protected)
        terms = cast(ArmsRace, self.arms).terms
        if self.deterrents is not None and terms is not None:
            self.deterrents.step(w, *terms)

    def _arms_record(self) -> dict[str, float]:
        """This year's arms series (:data:`ARMS_SERIES`)."""
        arms = cast(ArmsRace, self.arms)
        held = math.nan if self.deterrents is None else float(
            np.sum(self.deterrents.holds & self.world.alive))
        return {"military_burden": arms.year_burden, "arms_racing": arms.year_racing,
                "deterrents": held}

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

    def _follow_membership(self, year: int) -> None:
        """On a data world, states join and leave the institution on their recorded dates
        (the charter's dated membership); a state that withdrew in the run stays out."""
        if not self._dated:
            return
        mask = dated_members(self.charter, self.world, year)
        if mask is None:
            return
        inst = self.institution
        for i in np.flatnonzero(inst.members & ~mask):
            self._leave(int(i))
        join = mask & ~inst.members
        if self._withdrew:
            join[list(self._withdrew)] = False
        if join.any():
            inst.members |= join
            self._forget()

    def _follow_record(self, year: int) -> None:
        """On a data world following the record: entries, non-violent exits and the era's inputs
        of ``year`` (:meth:`foedus.data.Record.apply`)."""
        if self._record is None:
            return
        if self._record.apply(self.world, year, float(self.settings["record_pull"])):
            self._reseat()
            self.forecast = self._new_forecast()

    def _birth(self, year: int) -> int:
        """New states of the birth process (:mod:`foedus.engine.births`); they join the
        institutions that admit them."""
        if self._births is None:
            return 0
        born = self._births.step(self.world, year)
        if born:
            welcome(self.world, born, year, self.institution, self.partners)
            self._forget()
            self.forecast = self._new_forecast()
        return len(born)

    def _reseat(self) -> None:
        """A permanent seat whose holder has just entered the system is taken up (the Republic
        of China's seat once TAW enters in 1949)."""
        w, inst = self.world, self.institution
        idx = {c: i for i, c in enumerate(w.codes)}
        for b, codes in inst.seat_codes.items():
            perm = inst.permanent[b]
            for k, code in enumerate(codes[:perm.size]):
                i = idx.get(code, -1)
                if perm[k] < 0 and i >= 0 and w.alive[i]:
                    perm[k] = i
                    seats = inst.seats[b]
                    if self.charter.body(b).composition == "fixed":
                        seats = np.where(seats == i, -1, seats)
                        seats[k] = i
                        inst.seats[b] = seats

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

    def _forget(self) -> None:
        """Seats or states changed: the forecast drops its cached voters and obligations."""
        self.forecast.forget()

    # -- aggression -------------------------------------------------------------------------

    def _active(self) -> IntArray:
        """Indices of the static pairs active now: both alive, not held apart by peacekeepers."""
        return self.forecast.active(self._held)

    def expected_utility(self, sel: IntArray | None = None, *,
                         threshold: FloatArray | None = None,
                         reuse: BoolArray | None = None,
                         answer: bool = True, spare: bool = False
                         ) -> tuple[FloatArray, FloatArray]:
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
        ``reuse`` (per entry of ``sel``, for the model's own decisions) marks pairs whose
        utilities before the institution's answer are kept from the last computation
        (:meth:`foedus.engine.forecast.Forecast.expected_utility`); with ``answer`` False
        the first array leaves the institution's answer out (computed later, :meth:`_touch`).
        With ``spare`` (and ``threshold``) a pair that cannot exceed its threshold even with
        the target fighting alone (:meth:`Forecast.upper_bound`) is not computed: ``-inf`` in
        both arrays (not with deterrents, whose cut is taken off after the comparison).
        """
        if sel is None:
            sel = self._active()
        cut = None if self.deterrents is None else self.deterrents.penalty(
            self.forecast.pairs.t[sel], float(self.behaviour.escalation))  # engine/deterrent.py
        if cut is not None and threshold is not None:
            threshold = threshold + cut
        eu1, eu0 = self.forecast.expected_utility(sel, credibility=self.credibility,
                                                  doubt=self._doubt,
                                                  top_threat_of=self._top_threat_of,
                                                  threshold=threshold, reuse=reuse,
                                                  answer=answer, spare=spare and cut is None)
        return (eu1, eu0) if cut is None else (eu1 - cut, eu0 - cut)

    def thresholds(self) -> FloatArray:
        """Each state's attack threshold: ``attack_threshold x (1 - 2 r)``. A status-quo state
        (``r = 0``) needs a clear expected gain; a state with ``r > 1/2`` accepts an expected
        material loss for the sake of revision."""
        return float(self.settings["attack_threshold"]) * (1.0 - 2.0 * self.world.revisionism)

    def _touch(self, noise: FloatArray, pending: IntArray | None = None,
               changed: BoolArray | None = None) -> None:
        """Mark the pairs a crisis touched, and judge the obligations they may now need.

        At the start of a period (``changed`` None: also after a crisis that killed a state)
        every active pair of the ``pending`` aggressors (default: every state) is touched;
        after a crisis that killed nobody, only the pairs it touched (:meth:`_touched`: a
        party's or an ally's capability moved). The touched pairs of the pending aggressors are
        computed at once, the institution's answer left for when their aggressor is activated
        (:meth:`_decide`): most are spared by their bound (:meth:`Forecast.upper_bound`: they
        cannot attack), and the aggressors none of whose pairs awaits the answer are decided
        now (:meth:`_keep_current`), so that a war that touches the pairs of most states costs
        one call, not one per batch of states activated after it. The forecast judges a pair's
        obligations when the pair first could attack in a period (its utility before the
        institution's answer above its threshold), on the world as it is then: computing the
        touched pairs now judges those that now cross it. A crisis that moved no capability
        and not the credibility moves nothing a decision reads: nothing is marked (issue 16:
        after a crisis the work grows with the pairs it touched, not with every pair that
        would attack)."""
        w, P = self.world, self.forecast.pairs
        scale = self.forecast._scale()
        seen, self._cred_seen = self._cred_seen, self.credibility
        if self.incremental and changed is not None and not changed.any() \
                and self._margins is not None and scale == self._margin_scale \
                and _same(seen, self.credibility):
            return  # a crisis that moved nothing the decisions read: no answer moved either
        self._epoch += 1  # the answer moves with the credibility and the capabilities
        judge = self.forecast.has_institution and self._credible()
        again = judge and self._unjudged  # no obligation was judged while not credible
        self._unjudged = not judge
        full = changed is None or self._margins is None or not self.incremental \
            or scale != self._margin_scale
        self._margin_scale = scale
        if not (full or again or changed is None or changed.any()):
            return  # nothing but the answer moved
        want = np.ones(w.n, bool) if pending is None else np.zeros(w.n, bool)
        if pending is not None:
            want[pending] = True
        sel = self._active() if full or again else np.zeros(0, np.int64)
        sel = sel[want[P.a[sel]]]
        if full:
            self._margins = (np.full(P.a.size, -np.inf), np.full(P.a.size, -np.inf))
            self._need = np.zeros(P.a.size, bool)
            self._stale = np.ones(P.a.size, bool)
            self._kept = _Kept(w.n)
            redo = sel
        else:
            touched = self.forecast.active(self._held, pairs=np.flatnonzero(
                self._touched(cast(BoolArray, changed))))
            touched = touched[want[P.a[touched]]]
            self._stale[touched] = True
            self._kept.known[P.a[touched]] = False
            # every touched pair now, in one call (the bound spares most of them); after the
            # institution became credible again, every pair that may now cross its threshold
            redo = sel[self._may_cross(sel, noise)] if again and sel.size else \
                sel if again else touched
        if redo.size:
            theta = self.thresholds()[P.a[redo]] - noise[redo]
            # every pair at once (a period's start): with the answer, as a decision would
            eu1, eu0 = self.expected_utility(redo, threshold=theta, answer=full,
                                             spare=self.bounded and self.incremental)
            assert self._margins is not None
            m1, m0 = self._margins
            m1[redo], m0[redo] = eu1 - theta, eu0 - theta
            self._stale[redo] = False
            # the answer is weighed only where the utility before it is above the threshold
            self._need[redo] = False if full else m1[redo] > -1e-6 * (1.0 + np.abs(theta))
            self._when[redo] = self._epoch
        if full:  # every pending state decided
            self._keep(np.flatnonzero(want & w.alive), sel)
        elif not again:
            self._keep_current(np.unique(P.a[redo]))

    def _may_cross(self, sel: IntArray, noise: FloatArray) -> BoolArray:
        """Per pair of ``sel``: in the institution's scope, its obligations not judged yet,
        and its utility before the answer possibly above its threshold (by its bound)."""
        P = self.forecast.pairs
        ob = self.forecast.obligations(np.zeros(0, np.int64))
        out = np.asarray(ob["scope"][sel] & ~ob["done"][sel], dtype=bool)
        if out.any():
            s = sel[out]
            ub = self.forecast.upper_bound(s)
            if self.deterrents is not None:
                ub = ub - self.deterrents.penalty(P.t[s], float(self.behaviour.escalation))
            out[out] = ub > self.thresholds()[P.a[s]] - noise[s]
        return out

    def _keep_current(self, who: IntArray) -> None:
        """Decide now the aggressors ``who`` (increasing) whose pairs are all current: none
        awaiting computing, and none awaiting the institution's answer (:meth:`_answer_moved`,
        or weighed for the first time); the others are decided when activated."""
        if who.size == 0:
            return
        f, P = self.forecast, self.forecast.pairs
        sel = f.active(self._held, among=who)
        late = self._stale[sel]
        if f.has_institution or f.ad_hoc:
            late |= (self._need[sel] & f.answerable()[sel]) | self._answer_moved(sel)
        if late.any():
            bad = np.zeros(self.world.n, bool)
            bad[P.a[sel[late]]] = True
            who, sel = who[~bad[who]], sel[~bad[P.a[sel]]]
        self._keep(who, sel)

    def _credible(self) -> bool:
        """Whether the forecast weighs an answer at all (an institution or ad-hoc balancing,
        and a credibility above 0)."""
        f = self.forecast
        return (f.has_institution or f.ad_hoc) and math.isfinite(self.credibility) \
            and self.credibility > 0

    def _answer_moved(self, sel: IntArray) -> BoolArray:
        """Per pair of ``sel``: whether its utility with the institution weighs the answer,
        which has moved since it was computed: it would attack without the institution
        (only those weigh the answer, :meth:`Forecast.expected_utility`) and an answer can
        reach it (:meth:`Forecast.answerable`)."""
        assert self._margins is not None
        return np.asarray((self._margins[1][sel] > 0) & (self._when[sel] < self._epoch)
                          & self.forecast.answerable()[sel], dtype=bool)

    def _decide(self, noise: FloatArray, pending: IntArray | None = None,
                changed: BoolArray | None = None) -> dict[str, Any]:
        """The best target and margins of the ``pending`` aggressors (default: every state),
        with the institution (``best1``, ``target``) and without it and the ties it creates
        (``best0``, ``target0``); the other states get ``-inf`` and ``-1``.

        The utilities before the institution's answer are those :meth:`_touch` keeps; the
        answer is computed here for the pairs that lack it or whose answer moved since
        (:meth:`_answer_moved`), so that each aggressor is decided on the world as it is when
        it is activated. With ``incremental`` False every pair of the aggressors is computed
        afresh (the same numbers). ``changed`` is not used (kept for subclasses)."""
        w = self.world
        who = np.flatnonzero(w.alive) if pending is None else np.sort(np.asarray(pending))
        kept = self._kept
        work = who[~kept.known[who] | (kept.weighs[who] & (kept.at[who] < self._epoch))] \
            if self.incremental else who
        if work.size:
            self._decide_again(noise, work)
        out = {k: np.full(w.n, -np.inf) for k in ("best1", "best0")}
        out |= {k: np.full(w.n, -1, np.int64) for k in ("target", "target0")}
        for k, v in out.items():
            v[who] = getattr(kept, k)[who]
        return out

    def _decide_again(self, noise: FloatArray, who: IntArray) -> None:
        """Decide the aggressors ``who`` (increasing) again: their pairs that await computing,
        or the institution's answer, computed, and their best targets kept (:class:`_Kept`)."""
        P, f = self.forecast.pairs, self.forecast
        sel = f.active(self._held, among=who)
        assert self._margins is not None
        m1, m0 = self._margins
        reuse: BoolArray | None = None
        answers = f.has_institution or f.ad_hoc
        if not self.incremental:
            redo = sel
        else:
            stale = self._stale[sel]
            if answers:
                stale |= self._need[sel] & f.answerable()[sel]
                stale |= self._answer_moved(sel)
            redo = sel[stale]
            reuse = ~self._stale[redo]  # the others kept: only the answer moved
        if redo.size:
            theta = self.thresholds()[P.a[redo]] - noise[redo]
            eu1, eu0 = self.expected_utility(redo, threshold=theta, reuse=reuse,
                                             spare=self.bounded and self.incremental)
            m1[redo], m0[redo] = eu1 - theta, eu0 - theta
            self._need[redo] = self._stale[redo] = False
            self._when[redo] = self._epoch
        self._keep(who, sel)

    def _keep(self, who: IntArray, sel: IntArray) -> None:
        """Keep the decisions of the aggressors ``who`` over their active pairs ``sel`` (in
        the static order), whose margins are current (:class:`_Kept`)."""
        w, P, f = self.world, self.forecast.pairs, self.forecast
        assert self._margins is not None
        m1, m0 = self._margins
        kept = self._kept
        (b1, t1), (b0, t0) = _bests(P.a[sel], P.t[sel], m1[sel], m0[sel], w.n)
        kept.best1[who], kept.target[who], kept.best0[who], kept.target0[who] = \
            b1[who], t1[who], b0[who], t0[who]
        kept.known[who], kept.at[who], kept.weighs[who] = True, self._epoch, False
        if f.has_institution or f.ad_hoc:  # those whose margins weigh the answer: decided
            kept.weighs[P.a[sel[(m0[sel] > 0) & f.answerable()[sel]]]] = True  # again later

    def _touched(self, changed: BoolArray) -> BoolArray:
        """Per static pair, whether a crisis that changed the capability of the states
        ``changed`` touched it: one party changed or, where allies defend the target, one of
        its allies (the inputs of its utilities before the institution answers)."""
        P = self.forecast.pairs
        redo = changed[P.a] | changed[P.t]
        sd = self.charter.self_defence
        if sd.allowed and sd.collective and changed.any():
            rows, start = self._allied_pairs()
            for j in np.flatnonzero(changed):
                redo[rows[start[j]:start[j + 1]]] = True
        return np.asarray(redo, dtype=bool)

    def _allied_pairs(self) -> tuple[IntArray, IntArray]:
        """The pairs each state may defend as an ally of the target: pair indices grouped by
        helper (``rows[start[j]:start[j + 1]]`` for state ``j``), built again only when the
        forecast's pair terms are (once, or once a period under balance of power)."""
        terms = self.forecast._pair_terms()
        if self._allied is None or self._allied[0] is not terms:
            P = self.forecast.pairs
            rows, cols = np.nonzero(terms["pact"] & P.hp_ok)
            helper = P.hpi[rows, cols]
            order = np.argsort(helper, kind="stable")
            start = np.searchsorted(helper[order], np.arange(self.world.n + 1))
            self._allied = (terms, rows[order].astype(np.int64), start.astype(np.int64))
        return self._allied[1], self._allied[2]

    def _created_ties(self) -> BoolArray | None:
        """The defence ties the security system itself creates: the mutual ties of the members
        of each collective-defence pact (the lead institution or a partner of an architecture)
        and this year's ad-hoc ties of balancing. Deterrence is counted against the world
        without them (docs/model.md, Deterrence)."""
        w = self.world
        out = np.zeros((w.n, w.n), bool)
        insts = [self.institution, *([] if self.partners is None
                                     else [p.institution for p in self.partners.items])]
        for inst in insts:
            if inst.charter.kind in PACT_KINDS:
                m = inst.members & w.alive
                out |= np.outer(m, m)
        if self._adhoc is not None:
            lead, rest = self._adhoc
            fresh = rest[(self._base_alliances[lead, rest] & DEFENCE) == 0]
            out[lead, fresh] = out[fresh, lead] = True
        np.fill_diagonal(out, False)
        return out if out.any() else None

    def _aggression(self, year: int) -> tuple[list[CrisisEvent], int]:
        """Decisions and crises of one period; returns the crisis records and deterred count.

        Aggressors are activated in a random order. ``random`` activation: each decides on the
        world as left by the crises before it; ``simultaneous``: all decide on the world at the
        start of the period and the chosen crises then resolve in that order. At most
        ``max_crises`` crises per period; a state attacks at most once per period.
        """
        w = self.world
        cap_n = int(self.settings["max_crises"])
        noise_sd = float(self.settings["eu_noise"])
        pa = self.forecast.pairs.a
        if noise_sd > 0:  # a yearly resolve shock per aggressor, and a smaller one per pair
            noise = self.rng.normal(0.0, noise_sd, size=w.n)[pa] \
                + self.rng.normal(0.0, noise_sd / 2.0, size=pa.size)
        else:
            noise = np.zeros(pa.size)
        self._held = np.zeros(0, np.int64)
        if self._peace:
            self._peace = {k: y for k, y in self._peace.items() if y >= year}
            keys = np.fromiter(self._peace, np.int64, len(self._peace))
            self._held = keys[self.rng.random(keys.size) < float(self.behaviour.peacekeeping_effect)]
        doubt = float(self.settings["doubt"])
        self._doubt = self.rng.random(w.n) < doubt if doubt > 0 else np.zeros(w.n, bool)
        order = self.rng.permutation(np.flatnonzero(w.alive))
        events: list[CrisisEvent] = []
        deterred = 0
        self.forecast.created_ties(self._created_ties())
        self._margins = None
        self._epoch = 0
        self._when = np.zeros(self.forecast.pairs.a.size, np.int64)
        self._touch(noise)
        pos, size = 0, self._batch(order.size)
        plan: list[tuple[int, int]] = []
        simultaneous = self.settings["activation"] == "simultaneous"
        while pos < order.size and len(events) + len(plan) < cap_n:
            # states after the cap are not activated: nobody left to deter
            batch = order[pos:pos + size]  # the next states in the order, decided together
            dec = self._decide(noise, batch)
            attack = (dec["best1"][batch] > 0) & w.alive[batch]
            det = (dec["best0"][batch] > 0) & ~attack & w.alive[batch]
            if not attack.any():
                deterred += int(det.sum())
                pos, size = pos + batch.size, 2 * size
                continue
            first = int(np.argmax(attack))
            deterred += int(det[:first].sum())
            a = int(batch[first])
            t = int(dec["target"][a])
            self.displaced_total += int(dec["target0"][a] != t)
            pos, size = pos + first + 1, self._batch(order.size)
            if simultaneous:
                plan.append((a, t))
                continue
            cap_before, alive_before = w.capability.copy(), w.alive.copy()
            ev = self._crisis(a, t, year)
            if ev is not None:
                events.append(ev)
                changed = (w.capability != cap_before) | (w.alive != alive_before)
                died = bool((w.alive != alive_before).any())  # rare: every pair again
                self._touch(noise, order[pos:], None if died else changed)
        for a, t in plan:
            ev = self._crisis(a, t, year)
            if ev is not None:
                events.append(ev)
        return events, deterred

    def _batch(self, alive: int) -> int:
        """How many states to decide together when looking for the next aggressor: half as
        many again as the states between two crises of last period (at least
        :data:`ACTIVATION_BATCH`). Only the work depends on it, not the numbers."""
        last = int(self.records[-1]["attempts"]) if self.records else 0
        return max(ACTIVATION_BATCH, (3 * alive) // (2 * (last + 1)))

    # -- one crisis -------------------------------------------------------------------------

    def _crisis(self, a: int, t: int, year: int) -> CrisisEvent | None:
        """Run one crisis through the engine and learn from it."""
        w = self.world
        if not (w.alive[a] and w.alive[t]):
            return None
        cap_before = w.capability.copy()
        total = float(cap_before[w.alive].sum()) or 1.0
        cred = self.credibility if math.isfinite(self.credibility) else 1.0
        if self.partners is not None:
            res: CrisisResult = self.partners.crisis(w, self.institution, min(1.0, max(0.0, cred)),
                                                     a, t, self.rng, self.era_behaviour(year))
            self.partners.learn(cast(ArchitectureCrisisResult, res), w, year)
        else:
            res = run_crisis(w, self.charter, a, t, rng=self.rng,
                             behaviour=self.era_behaviour(year),
                             credibility=min(1.0, max(0.0, cred)),
                             institution=self.institution, trace=False,
                             delegation=self._delegation, appeasement=self.appeasement)
        idx = self._code_index()
        burden = {c: float(cap_before[idx[c]]) for c in res.contributors if c in idx}
        ev = CrisisEvent.from_result(res, year=year, burden=burden,
                                     destroyed_share=float(res.capability_destroyed or 0.0) / total)
        ev.target_share, ev.world_capability = float(cap_before[t]) / total, total
        if self.appeasement is not None:
            self._appease(a, res)
        self._learn(ev)
        if ev.peacekeeping:
            last = year + int(self.settings["peace_years"])
            self._peace[a * w.n + t] = last
            self._peace[t * w.n + a] = last
        if self.has_institution and self.charter.exit.withdrawal:
            notice = max(1, math.ceil(float(self.charter.exit.notice_years)))
            wants = ev.wants_exit if self.partners is None else \
                self.partners.wants_exit(cast(ArchitectureCrisisResult, res), self.charter.id)
            for code in wants:
                i = idx.get(code)
                if i is not None and self.institution.members[i] and i not in self._notice:
                    self._notice[i] = year + notice
                    self._withdrew.add(i)
        if not (w.alive[a] and w.alive[t]):
            self._forget()
        return ev

    def era_behaviour(self, year: int) -> Behaviour:
        """The behaviour of this year's crises, with the facts of the era. Where the norm
        against conquest holds (a data world from ``conquest_norm_from``; a synthetic world
        always), the conquest probability falls by ``conquest_norm`` (Zacher 2001; Fazal 2007).
        Where the nuclear age holds (from ``restraint_from``; a synthetic world always), third
        states' cost of fighting in another's war rises by ``1 + restraint`` and their chance of
        joining a war under way falls by as much (Schelling 1966; Jervis 1989)."""
        beh = self.behaviour
        norm, restraint = float(beh.conquest_norm), float(beh.restraint)
        key = self._era(year)
        if not any(key):
            return beh
        if key not in self._eras:
            changes: dict[str, float] = {}
            if key[0]:
                changes["conquest_probability"] = float(beh.conquest_probability) * (1.0 - norm)
            if key[1]:
                changes["war_cost"] = float(beh.war_cost) * (1.0 + restraint)
                changes["war_spread"] = float(beh.war_spread) / (1.0 + restraint)
            self._eras[key] = beh.replace(**changes)
        return self._eras[key]

    def _era(self, year: int) -> tuple[bool, bool]:
        """Whether the norm against conquest and third states' restraint hold in ``year``: in a
        synthetic world always, in a data world from their years (when they are not zero)."""
        beh, cfg = self.behaviour, self.config
        since = (int(cfg.conquest_norm_from), int(cfg.restraint_from))
        on = (float(beh.conquest_norm) > 0.0, float(beh.restraint) > 0.0)
        return (on[0] and (not self._data_year or year >= since[0]),
                on[1] and (not self._data_year or year >= since[1]))

    def _forecast_behaviour(self, year: int) -> Behaviour:
        """The behaviour the aggressors' forecast weighs: the era's where third states' restraint
        holds (it moves the helpers they expect), else the model's own."""
        return self.era_behaviour(year) if self._era(year)[1] else self.behaviour

    def _new_forecast(self) -> Forecast:
        """The aggressors' forecast over the world as it is, with the era's behaviour."""
        return Forecast(self.charter, self.world, self.institution,
                        self._forecast_behaviour(self.year),
                        neighbours=int(self.settings["neighbours"]),
                        reach_km=float(self.settings["reach_km"]))

    def _remember(self, events: list[CrisisEvent]) -> None:
        """The year's disputes enter the pairs' dispute history (``World.disputes``), which
        fades with a half-life of ``DISPUTE_HALF_LIFE`` years: the rivalry term of next year's
        decisions (Goertz & Diehl 1993)."""
        w = self.world
        w.disputes *= 0.5 ** (1.0 / DISPUTE_HALF_LIFE)
        idx = self._code_index()
        for ev in events:
            a, t = idx.get(ev.aggressor), idx.get(ev.target)
            if a is not None and t is not None:
                w.disputes[a, t] += 1.0
                w.disputes[t, a] += 1.0

    def _appease(self, a: int, res: CrisisResult) -> None:
        """Appeasement's sequel (engine/appeasement.py): count the crisis, and an aggressor
        that gained by a concession grows its appetite (its revisionism rises)."""
        self.concessions.note(a, res)
        if res.conceded:
            # its pairs are decided again: the concession changed its capability
            whet_appetite(self.world.revisionism, a, cast(Appeasement, self.appeasement))

    def _code_index(self) -> dict[str, int]:
        """State index by code (built again only if the world's codes are replaced)."""
        codes = self.world.codes
        if self._codes_seen is not codes or len(self._index) != len(codes):
            self._codes_seen, self._index = codes, {c: i for i, c in enumerate(codes)}
        return self._index

    def _learn(self, ev: CrisisEvent) -> None:
        """Credibility learns from the crisis: the institution's own signal when in scope, or
        whether anybody fought for the target under ad-hoc balancing."""
        if self.has_institution and ev.in_scope:
            self.credibility = float(ev.credibility_after)
        elif self.ad_hoc:
            answered = bool(ev.contributors)
            lr = float(self.behaviour.learning_rate)
            self.credibility += lr * ((1.0 if answered else 0.0) - self.credibility)

    # -- results ----------------------------------------------------------------------------

    def series(self) -> pd.DataFrame:
        """The yearly time series so far (one row per period)."""
        extra = ARMS_SERIES if self.arms is not None else ()
        return pd.DataFrame.from_records(self.records, columns=[*SERIES_COLUMNS, *extra])

    def metrics(self) -> dict[str, float]:
        """The run's metrics so far (:data:`foedus.engine.metrics.REGISTRY`)."""
        w = self.world
        cred = [r["credibility"] for r in self.records]
        events = self.events if self.threats is None else \
            [e for e in self.events if e.threat == INTERSTATE]
        return run_metrics(events, state_years=self.state_years,
                           deterred=self.deterred_total, displaced=self.displaced_total,
                           deaths=self.deaths_total,
                           final_capability=w.capability[w.alive], credibility=cred,
                           size_years=self.size_years,
                           arms=None if self.arms is None else {
                               **self.arms.summary(), **({} if self.deterrents is None else
                                                         self.deterrents.summary(w.alive))},
                           appeasement=None if self.appeasement is None
                           else self.concessions.summary(self.state_years),
                           threats=None if self.threats is None else self.events)

    def result(self, seed: Any = None) -> RunResult:
        """The run so far as a :class:`RunResult`."""
        name = self.architecture.id if self.architecture is not None else self.charter.id
        notes = list(self.notes)
        if self.partners is not None:
            first = int(self.records[0]["members"]) if self.records else 0
            notes += self.partners.describe(self.charter, first)
        if self._births is not None:
            notes.append(self._births.summary())
        return RunResult(charter=name, seed=seed, years=self.t,
                         metrics=self.metrics(), series=self.series(), events=list(self.events),
                         settings=dict(self.settings), notes=notes)


def _same(x: float, y: float) -> bool:
    """Whether two credibilities are the same number (NaN the same as NaN)."""
    return x == y or (math.isnan(x) and math.isnan(y))


def _best(a: IntArray, t: IntArray, margin: FloatArray, n: int) -> tuple[FloatArray, IntArray]:
    """Each aggressor's best margin over its pairs (-inf: none) and the target that gives it
    (-1: none); ties go to the first pair in the static order.

    The pairs come grouped by aggressor (static pair order, sorted by ``a n + t``): a maximum
    per group (``reduceat``) and its first hit, in O(pairs); otherwise (or with NaN margins)
    a sort."""
    best = np.full(n, -np.inf)
    target = np.full(n, -1, np.int64)
    if a.size == 0:
        return best, target
    head = np.empty(a.size, bool)
    head[0] = True
    np.not_equal(a[1:], a[:-1], out=head[1:])
    if np.all(a[1:] >= a[:-1]) and not np.isnan(margin).any():
        starts = np.flatnonzero(head)
        top = np.maximum.reduceat(margin, starts)
        group = np.cumsum(head) - 1
        hit = np.flatnonzero(margin == top[group])
        first = np.empty(hit.size, bool)
        first[0] = True
        np.not_equal(group[hit[1:]], group[hit[:-1]], out=first[1:])
        win = hit[first]
    else:
        order = np.lexsort((-margin, a))
        lead = np.ones(order.size, bool)
        lead[1:] = a[order][1:] != a[order][:-1]
        win = order[lead]
    best[a[win]] = margin[win]
    target[a[win]] = t[win]
    return best, target


def _bests(a: IntArray, t: IntArray, m1: FloatArray, m0: FloatArray, n: int
           ) -> tuple[tuple[FloatArray, IntArray], tuple[FloatArray, IntArray]]:
    """:func:`_best` of two margins over the same pairs, which come grouped by aggressor in
    increasing order (as :meth:`Forecast.active` gives them for a few aggressors): the groups
    are found once for both."""
    if a.size == 0 or np.isnan(m1).any() or np.isnan(m0).any():
        return _best(a, t, m1, n), _best(a, t, m0, n)
    head = np.empty(a.size, bool)
    head[0] = True
    np.not_equal(a[1:], a[:-1], out=head[1:])
    starts = np.flatnonzero(head)
    group = np.cumsum(head) - 1
    pos = np.arange(a.size)
    who = a[starts]
    out = []
    for m in (m1, m0):
        top = np.maximum.reduceat(m, starts)
        win = np.minimum.reduceat(np.where(m == top[group], pos, a.size), starts)
        best = np.full(n, -np.inf)
        target = np.full(n, -1, np.int64)
        best[who], target[who] = top, t[win]
        out.append((best, target))
    return out[0], out[1]


def simulate(charter: str | Charter | Architecture, *, world: World | None = None, years: int = 50,
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
    "ARMS_SERIES",
    "DEFAULTS",
    "SERIES_COLUMNS",
    "Model",
    "ModelSettings",
    "RunResult",
    "simulate",
]
