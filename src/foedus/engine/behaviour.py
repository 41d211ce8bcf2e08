"""Behavioural parameters and the vectorised decision functions of states (docs/model.md,
docs/crisis.md).

:class:`Behaviour` holds every behavioural parameter of the crisis engine and the many-year
model (attribution, voting, response, war, peacekeeping, learning). The functions here are the
pieces other parts reuse: the utility of condemning an aggressor (:func:`vote_utility`) and the
votes it implies (:func:`cast_votes`), the loss-of-strength gradient
(:func:`projected_capability`; Boulding 1962, Bueno de Mesquita 1981) and the volunteer's
dilemma (Diekmann 1985): the symmetric closed form and the heterogeneous equilibrium.
Everything is vectorised with NumPy; every random draw comes from a ``numpy.random.Generator``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import FoedusError
from ..parameters import Settings, SettingsError, param
from .contest import Gradient, contest_success

if TYPE_CHECKING:
    from ..world.world import World

FloatArray = NDArray[np.float64]

#: Decision models of the response (docs/crisis.md).
DECISION_MODELS = ("threshold", "volunteer", "best-response")
#: Loss-of-strength gradients: Bueno de Mesquita (1981), exponential decay, or none.
GRADIENTS = ("bdm", "exponential", "none")


class BehaviourError(SettingsError):
    """A behaviour parameter is unknown or out of range (names the parameter)."""


@dataclass
class Behaviour(Settings):
    """Behavioural parameters of states: attribution, voting, response, war, peacekeeping,
    learning. Keyword arguments are stored unchanged and checked against each field's range.

    Every field is documented with its default, range, meaning and source
    (:meth:`describe`, docs/model.md). Build one from a dictionary with :meth:`from_dict`
    (unknown keys are an error naming the key).
    """

    what: ClassVar[str] = "behaviour"
    item: ClassVar[str] = "behaviour parameter"
    error: ClassVar[type[FoedusError]] = BehaviourError

    # -- attribution
    ambiguity: float = param(0.2, lo=0.0, hi=1.0, doc="base ambiguity of who the aggressor is",
                             cite="Claude (1962), Power and International Relations")
    self_defence_claim: float = param(
        0.3, lo=0.0, hi=1.0, doc="extra ambiguity when the aggressor claims self-defence",
        cite="UN Charter Art. 51; Franck (2002), Recourse to Force")
    claim_probability: float = param(
        0.5, lo=0.0, hi=1.0, doc="chance an aggressor claims self-defence (when not scripted)",
        cite="Franck (2002), Recourse to Force")
    belief_noise: float = param(0.15, lo=0.0, hi=1e6,
                                doc="sd of belief noise at full ambiguity (scales with sqrt(rho))",
                                cite="Jervis (1976), Perception and Misperception")
    # -- voting
    norm_weight: float = param(1.0, lo=0.0, hi=1e6,
                               doc="weight of the norm (belief the accused is the aggressor)",
                               cite="Finnemore & Sikkink (1998), IO 52(4)")
    affinity_weight: float = param(1.0, lo=0.0, hi=1e6,
                                   doc="weight of affinity to the target minus to the aggressor",
                                   cite="Signorino & Ritter (1999), ISQ 43(1)")
    fear_weight: float = param(0.5, lo=0.0, hi=1e6,
                               doc="weight of fear of the aggressor (its projected share)",
                               cite="Walt (1987), The Origins of Alliances")
    abstain_band: float = param(0.15, lo=0.0, hi=1e6, doc="|utility| below this: abstain",
                                cite="calibration: case predict (docs/cases.md)")
    # -- response
    decision_model: str = param("threshold", choices=DECISION_MODELS,
                                doc="how states decide to respond",
                                cite="Granovetter (1978); Diekmann (1985), JCR 29(4)")
    threat_weight: float = param(0.5, lo=0.0, hi=1e6,
                                 doc="weight of the threat the aggressor poses to the state",
                                 cite="Walt (1987)")
    alliance_weight: float = param(0.988, lo=0.0, hi=1e6, doc="weight of a defence pact with the target",
                                   cite="Leeds, Long & Mitchell (2000), JCR 44(5)")
    balancing_weight: float = param(
        0.5, lo=0.0, hi=1e6, doc="balance of power: bonus when the aggressor is the top threat",
        cite="Waltz (1979); Walt (1987)")
    determination_share: float = param(
        0.5, lo=0.0, hi=1.0, doc="share of a determination's obligation carried to measures",
        cite="League Covenant Art. 16; UN Charter Art. 39")
    war_cost: float = param(1.0, lo=0.0, hi=1e6,
                            doc="cost of fighting, from war_cost/4 (superior) to war_cost",
                            cite="Fearon (1995), IO 49(3)")
    sanction_cost: float = param(0.4, lo=0.0, hi=1e6,
                                 doc="cost of sanctioning (doubles for a friend of the aggressor)",
                                 cite="Martin (1992), Coercive Cooperation")
    response_noise: float = param(0.1, lo=0.0, hi=1e6,
                                  doc="sd of idiosyncratic noise on each state's net benefit",
                                  cite="McFadden (1974): random utility")
    coalition_stake: float = param(2.0, lo=0.0, hi=1e6,
                                   doc="best response: value of defeating the aggression",
                                   cite="Olson & Zeckhauser (1966), REStat 48(3)")
    join_aggressor: float = param(0.75, lo=-1.0, hi=1e6,
                                  doc="(s_ia - s_it)/2 above this: joins the aggressor's side",
                                  cite="Signorino & Ritter (1999)")
    # -- war
    sanction_effect: float = param(0.3, lo=0.0, hi=1.0,
                                   doc="aggressor's strength cut when the whole world sanctions",
                                   cite="Hufbauer, Schott & Elliott (2007), Economic Sanctions Reconsidered")
    gamma: float = param(1.0, lo=0.0, lo_open=True, hi=1e9, doc="decisiveness of the contest success function",
                         cite="Hirshleifer (1989), Public Choice 63(2)")
    gradient: str = param("bdm", choices=GRADIENTS, doc="loss-of-strength gradient",
                          cite="Boulding (1962); Bueno de Mesquita (1981)")
    miles_per_day: float = param(250.0, lo=0.0, lo_open=True, hi=1e9,
                                 doc="BdM gradient: speed of power projection (miles per day)",
                                 cite="Bueno de Mesquita (1981), The War Trap")
    gradient_km: float = param(8000.0, lo=0.0, lo_open=True, hi=1e9,
                               doc="exponential gradient: km at which strength is 1/e",
                               cite="Boulding (1962), Conflict and Defense")
    war_loss: float = param(0.013, lo=0.0, hi=1.0,
                            doc="share of capability a side loses to an overwhelming opponent",
                            cite="Organski & Kugler (1980), The War Ledger")
    spoils: float = param(0.3, lo=0.0, hi=1.0, doc="share of the defeated target's capability taken",
                          cite="Liberman (1996), Does Conquest Pay?")
    viability_floor: float = param(
        0.711, lo=0.0, hi=1.0, doc="a defeated target at or below this share of its capability may die",
        cite="Fazal (2007), State Death")
    conquest_probability: float = param(0.547, lo=0.0, hi=1.0,
                                        doc="chance such a target is conquered (state death)",
                                        cite="Fazal (2007), State Death")
    conquest_norm: float = param(
        0.819, lo=0.0, hi=1.0,
        doc="fall of conquest_probability where the norm against conquest holds (many-year "
            "model: from ModelSettings.conquest_norm_from in data worlds; throughout in synthetic "
            "worlds, which stand for today's state system)",
        cite="Zacher (2001), The territorial integrity norm, International Organization 55(2); "
             "Fazal (2007), State Death: violent state death almost ceased after 1945")
    restraint: float = param(
        0.347, lo=0.0, hi=4.0,
        doc="third states' restraint where the nuclear age holds (many-year model: from "
            "ModelSettings.restraint_from in data worlds; throughout in synthetic worlds): their "
            "cost of fighting in another's war is war_cost x (1 + restraint) and the chance they "
            "join a war under way war_spread / (1 + restraint)",
        cite="Schelling (1966), Arms and Influence; Jervis (1989), The Meaning of the Nuclear "
             "Revolution; Gaddis (1986), The Long Peace; Berkemeier & Fuhrmann (2018): alliance "
             "reliability fell from 74.5% before 1945 to 22% after")
    escalation: float = param(
        0.0543, lo=0.0, hi=1.0,
        doc="chance a resisted dispute escalates to war (else it ends short of war, status quo)",
        cite="Bremer (1992); Fearon (1995): most militarised disputes end short of war")
    territorial_stake: float = param(
        1.61, lo=0.0, hi=2.0,
        doc="value an aggressor adds to a dispute with a neighbour (contiguous pair): the "
            "territorial issues that neighbours fight over",
        cite="Vasquez (1993), The War Puzzle; Senese & Vasquez (2008): territorial disputes")
    rivalry: float = param(
        0.27, lo=0.0, hi=2.0,
        doc="value an aggressor adds to a dispute with a rival: times h / (1 + h) for the "
            "pair's dispute history h (World.disputes, half-life 10 years)",
        cite="Goertz & Diehl (1993), Enduring rivalries, International Studies Quarterly 37(2); "
             "Vasquez (1993), The War Puzzle: disputes recur between rivals")
    mediation: float = param(
        0.275, lo=0.0, hi=1.0,
        doc="reduction of the escalation chance when an institution was seized of the dispute",
        cite="Shannon (2009); Hansen, Mitchell & Nemeth (2008): IGOs and the escalation of MIDs")
    war_persistence: float = param(
        0.892, lo=0.0, hi=0.95,
        doc="chance a war goes on for another round, times 4 p (1 - p) for the defenders' "
            "chance p of winning (0: one round)",
        cite="Bennett & Stam (1996): evenly matched wars last longer; Cederman (2003)")
    war_spread: float = param(
        0.388, lo=0.0, hi=1.0,
        doc="chance per round that a state allied to or bordering a belligerent joins the war",
        cite="Siverson & Starr (1991), The Diffusion of War: alliances and borders")
    max_war_rounds: int = param(20, lo=1, hi=100, integer=True, doc="bound on the rounds of one war",
                                cite="modelling choice (a bound on the work of one crisis)")
    alliance_dilution: float = param(
        1.91, lo=0.0, hi=2.0,
        doc="a pact's weight is alliance_weight / k^dilution for a target with k defence-pact "
            "partners (0: no dilution)",
        cite="Olson & Zeckhauser (1966): collective action in large alliances; "
             "Berkemeier & Fuhrmann (2018)")
    # -- peacekeeping
    consent_bias: float = param(0.5, lo=-1e6, hi=1e6,
                                doc="baseline log-odds that a party consents to peacekeepers",
                                cite="Fortna (2008), Does Peacekeeping Work?")
    consent_weight: float = param(2.0, lo=0.0, hi=1e6,
                                  doc="consent rises as a party's chance of winning falls",
                                  cite="Fortna (2008)")
    peacekeeping_cost: float = param(0.05, lo=0.0, hi=1e6,
                                     doc="cost to each contributor of peacekeepers",
                                     cite="Bove & Elia (2011), JPR 48(6)")
    peacekeeping_effect: float = param(0.5, lo=0.0, hi=1.0,
                                       doc="reduction of the chance the same pair fights again",
                                       cite="Fortna (2004), ISQ 48(2)")
    # -- aftermath and learning
    learning_rate: float = param(0.2, lo=0.0, hi=1.0,
                                 doc="credibility moves this share towards what was done",
                                 cite="Huth (1988), Extended Deterrence")
    initial_credibility: float = param(0.8, lo=0.0, hi=1.0, doc="credibility of a new institution",
                                       cite="Huth (1988)")
    exit_propensity: float = param(0.3, lo=0.0, hi=1.0,
                                   doc="chance a failed or sanctioned member wants to leave",
                                   cite="von Borzyskowski & Vabulas (2019), RIO 14(2)")
    protection_affinity: float = param(0.5, lo=-1.0, hi=1.0,
                                       doc="affinity to a veto holder that shelters a state",
                                       cite="Claude (1962): the veto as selective security")


def as_behaviour(behaviour: Behaviour | dict[str, Any] | None) -> Behaviour:
    """A :class:`Behaviour` from ``None`` (defaults), a dictionary or a Behaviour."""
    if behaviour is None:
        return Behaviour()
    if isinstance(behaviour, Behaviour):
        return behaviour
    if isinstance(behaviour, dict):
        return Behaviour.from_dict(behaviour)
    raise BehaviourError(f"behaviour must be a Behaviour or a dict, got {type(behaviour).__name__}")


# --- voting --------------------------------------------------------------------------------


def vote_utility(belief: ArrayLike, affinity_target: ArrayLike, affinity_aggressor: ArrayLike,
                 fear: ArrayLike, behaviour: Behaviour | None = None) -> FloatArray:
    """Utility of voting to condemn the accused, per voter (vectorised).

    ``u = norm_weight (2 b - 1) + affinity_weight (s_t - s_a) / 2 - fear_weight f``: the norm
    (belief ``b`` that the accused is the aggressor, centred so that ``b = 1/2`` is neutral),
    affinity to the target against affinity to the accused, and fear ``f`` in [0, 1] of the
    accused (its projected capability share against the voter's own).
    """
    beh = behaviour or Behaviour()
    b = np.asarray(belief, dtype=float)
    st = np.asarray(affinity_target, dtype=float)
    sa = np.asarray(affinity_aggressor, dtype=float)
    f = np.asarray(fear, dtype=float)
    return np.asarray(float(beh.norm_weight) * (2.0 * b - 1.0)
                      + float(beh.affinity_weight) * (st - sa) / 2.0
                      - float(beh.fear_weight) * f, dtype=float)


def cast_votes(utility: ArrayLike, behaviour: Behaviour | None = None) -> NDArray[np.str_]:
    """Votes implied by utilities: ``"yes"`` above ``abstain_band``, ``"no"`` below minus it.

    Deterministic given the utility; the values are those of :class:`foedus.Vote`.
    """
    beh = behaviour or Behaviour()
    u = np.asarray(utility, dtype=float)
    band = float(beh.abstain_band)
    return np.where(u > band, "yes", np.where(u < -band, "no", "abstain")).astype("<U7")


def attribution_ambiguity(behaviour: Behaviour, claims_self_defence: bool) -> float:
    """rho: the base ambiguity, raised when the aggressor claims self-defence (in [0, 1])."""
    rho = float(behaviour.ambiguity) + (float(behaviour.self_defence_claim)
                                        if claims_self_defence else 0.0)
    return min(1.0, max(0.0, rho))


def beliefs(rho: float, affinity_target: ArrayLike, affinity_aggressor: ArrayLike,
            behaviour: Behaviour, rng: np.random.Generator | None = None) -> FloatArray:
    """Each state's belief that the accused is the aggressor (attribution; docs/crisis.md).

    ``b = clip(1 - rho / 2 + rho (s_t - s_a) / 2 + e, 0, 1)`` with
    ``e ~ N(0, belief_noise^2 rho)``: with ``rho = 0`` everyone knows (``b = 1``); with
    ``rho = 1`` a state with no ties to either party is left at even odds (``b = 1/2``) and
    beliefs follow affinity (a friend of the accused doubts) and noise.
    """
    st = np.asarray(affinity_target, dtype=float)
    sa = np.asarray(affinity_aggressor, dtype=float)
    b = 1.0 - rho / 2.0 + rho * (st - sa) / 2.0
    sd = float(behaviour.belief_noise) * math.sqrt(rho)
    if rng is not None and sd > 0:
        b = b + rng.normal(0.0, sd, size=b.shape)
    return np.clip(b, 0.0, 1.0)


# --- the loss-of-strength gradient ---------------------------------------------------------


def projected_capability(world: World, distance: ArrayLike, behaviour: Behaviour | None = None,
                         *, capability: ArrayLike | None = None) -> FloatArray:
    """Capability projected over ``distance`` km: the loss-of-strength gradient.

    Boulding (1962) introduced the gradient; ``behaviour.gradient`` picks its form:

    - ``"bdm"`` (Bueno de Mesquita 1981, *The War Trap*):
      ``c' = c ** log10(miles / miles_per_day + (10 - e))``, for capability shares ``c <= 1``
      (capabilities above 1 are scaled to the largest before and after);
    - ``"exponential"``: ``c' = c exp(-d / gradient_km)``;
    - ``"none"``: ``c' = c``.

    ``distance`` of shape ``(n,)`` is each state's distance to a place (e.g. a column of
    ``world.distance``); shape ``(n, n)`` gives ``c'[i, j]``, state ``i`` projected onto ``j``.
    Dead states project nothing. ``capability`` overrides ``world.capability``. The gradient
    itself is :class:`foedus.engine.contest.Gradient`, which the aggressor's forecast uses too.
    """
    beh = behaviour or Behaviour()
    cap = np.asarray(world.capability if capability is None else capability, dtype=float)
    cap = np.where(np.asarray(world.alive, dtype=bool), cap, 0.0) if cap.shape == (world.n,) \
        else cap
    d = np.asarray(distance, dtype=float)
    c = cap[:, None] if d.ndim == 2 else cap
    grad = Gradient(beh)
    scale = max(1.0, float(np.max(cap, initial=0.0)))
    return grad.project(c, grad.token(d), scale)


def pact_weight(partners: ArrayLike, behaviour: Behaviour | None = None) -> FloatArray:
    """Weight of a defence pact with a target that has ``partners`` defence-pact partners:
    ``alliance_weight / max(1, k)^alliance_dilution`` (vectorised).

    Each partner of a many-member alliance counts on the others to honour it (Olson &
    Zeckhauser 1966); the large multilateral pacts of the years after 1945 were honoured far
    less often than the bilateral ones before (Berkemeier & Fuhrmann 2018).
    """
    beh = behaviour or Behaviour()
    k = np.maximum(1.0, np.asarray(partners, dtype=float))
    dil = float(beh.alliance_dilution)
    w = float(beh.alliance_weight)
    return np.asarray(w / k ** dil if dil > 0 else np.full(k.shape, w), dtype=float)


def capability_share(a: ArrayLike, b: ArrayLike) -> FloatArray:
    """``a / (a + b)`` elementwise, 1/2 where both are zero (e.g. fear, relative strength)."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    tot = x + y
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(tot > 0, x / np.where(tot > 0, tot, 1.0), 0.5), dtype=float)


# --- the volunteer's dilemma (Diekmann 1985) -----------------------------------------------


def volunteer_abstain_probability(benefit: float, cost: float, n: int) -> float:
    """Symmetric mixed equilibrium: each of ``n`` states abstains with ``(K/U)^(1/(n-1))``.

    Diekmann (1985): benefit ``U`` to all if anyone acts, cost ``K < U`` to each who acts.
    With ``K >= U`` nobody ever acts (1.0); with ``K <= 0`` or ``n == 1`` the state acts (0.0).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    if cost >= benefit:
        return 1.0
    if cost <= 0 or n == 1:
        return 0.0
    return float((cost / benefit) ** (1.0 / (n - 1)))


def volunteer_nobody_probability(benefit: float, cost: float, n: int) -> float:
    """Probability that nobody acts in the symmetric equilibrium: ``(K/U)^(n/(n-1))``.

    It *rises* with ``n`` (Diekmann 1985): the larger the group, the likelier nobody volunteers.
    """
    return float(volunteer_abstain_probability(benefit, cost, n) ** n)


def volunteer_equilibrium(benefits: ArrayLike, costs: ArrayLike,
                          rng: np.random.Generator | None = None, *,
                          method: str = "exact") -> FloatArray:
    """Each state's probability of volunteering in the volunteer's dilemma (Diekmann 1985).

    State ``i`` gains ``U_i`` if anyone acts and pays ``K_i`` if it acts. States with
    ``K_i >= U_i`` never act; states with ``K_i <= 0`` (acting is dominant, e.g. when an
    obligation outweighs the cost) act for sure and the others then abstain. Among the rest,
    the mixed equilibrium makes each mixer indifferent:
    ``prod_{j != i} q_j = r_i = K_i / U_i`` (``q`` = probability of abstaining). Its solution is
    ``P = (prod_M r_j)^(1/(|M|-1))``, ``q_i = P / r_i`` on the support ``M``; ``M`` is the
    largest set of the most eager states (smallest ``r``) with ``q_i <= 1`` for all, the others
    abstaining. With identical states this is Diekmann's ``q = (K/U)^(1/(N-1))``.

    ``method="numeric"`` solves the indifference conditions on the same support with
    ``scipy.optimize.root`` instead (a check of the exact solution). ``rng`` breaks ties
    between equally eager states at the edge of the support at random (by index if None).
    """
    u = np.atleast_1d(np.asarray(benefits, dtype=float))
    k = np.atleast_1d(np.asarray(costs, dtype=float))
    u, k = np.broadcast_arrays(u, k)
    n = u.shape[0]
    p_act = np.zeros(n)
    if n == 0:
        return p_act
    eligible = k < u
    sure = eligible & (k <= 0)
    if sure.any():  # acting is dominant for these; the rest rely on them and abstain
        p_act[sure] = 1.0
        return p_act
    idx = np.flatnonzero(eligible)
    if idx.size == 0:
        return p_act
    if idx.size == 1:
        p_act[idx[0]] = 1.0
        return p_act
    r = k[idx] / u[idx]
    tie = rng.random(idx.size) if rng is not None else np.arange(idx.size, dtype=float)
    order = np.lexsort((tie, r))
    r_sorted = r[order]
    logs = np.cumsum(np.log(r_sorted))
    sizes = np.arange(1, idx.size + 1)
    # P_m for support of the m most eager states (m >= 2), feasible when P_m <= r_min.
    log_p = np.full(idx.size, np.inf)
    log_p[1:] = logs[1:] / (sizes[1:] - 1)
    feasible = log_p <= np.log(r_sorted[0]) + 1e-12
    m = int(np.flatnonzero(feasible)[-1]) + 1
    support = idx[order[:m]]
    rs = r_sorted[:m]
    if method == "exact":
        q = np.exp(log_p[m - 1] - np.log(rs))
    elif method == "numeric":
        q = _solve_indifference(rs)
    else:
        raise ValueError(f"method must be 'exact' or 'numeric', got {method!r}")
    p_act[support] = 1.0 - np.clip(q, 0.0, 1.0)
    return p_act


def _solve_indifference(r: FloatArray) -> FloatArray:
    """Solve ``sum_{j != i} log q_j = log r_i`` for ``log q`` with scipy (numeric check)."""
    from scipy.optimize import root

    m = r.size
    target = np.log(r)
    ones = np.ones((m, m)) - np.eye(m)

    def f(x: FloatArray) -> FloatArray:
        return np.asarray(ones @ x - target, dtype=float)

    sol = root(f, np.full(m, float(np.mean(target)) / max(1, m - 1)), jac=lambda _x: ones,
               method="lm", options={"xtol": 1e-14, "ftol": 1e-14})
    if np.max(np.abs(f(sol.x))) > 1e-9:  # pragma: no cover - the system is regular for m >= 2
        raise FoedusError(f"volunteer equilibrium did not converge: {sol.message}")
    return np.asarray(np.exp(sol.x), dtype=float)


def sample_volunteers(p_act: ArrayLike, rng: np.random.Generator) -> NDArray[np.bool_]:
    """Draw who volunteers, each independently with its probability."""
    p = np.asarray(p_act, dtype=float)
    return np.asarray(rng.random(p.shape) < p, dtype=bool)


__all__ = [
    "DECISION_MODELS",
    "GRADIENTS",
    "Behaviour",
    "BehaviourError",
    "as_behaviour",
    "attribution_ambiguity",
    "beliefs",
    "capability_share",
    "cast_votes",
    "contest_success",
    "pact_weight",
    "projected_capability",
    "sample_volunteers",
    "volunteer_abstain_probability",
    "volunteer_equilibrium",
    "volunteer_nobody_probability",
    "vote_utility",
]
