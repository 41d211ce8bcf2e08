"""Behavioural parameters and the vectorised decision functions of states (MODEL.md §3).

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
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import FoedusError

if TYPE_CHECKING:
    from ..world.world import World

FloatArray = NDArray[np.float64]

#: Decision models of the response (docs/crisis.md).
DECISION_MODELS = ("threshold", "volunteer", "best-response")
#: Loss-of-strength gradients: Bueno de Mesquita (1981), exponential decay, or none.
GRADIENTS = ("bdm", "exponential", "none")
_KM_PER_MILE = 1.609344


class BehaviourError(FoedusError, ValueError):
    """A behaviour parameter is unknown or out of range (names the parameter)."""


@dataclass
class Behaviour:
    """Behavioural parameters of states. Keyword arguments are stored unchanged.

    Every field is documented with its default and meaning in ``docs/crisis.md``. Build one
    from a dictionary with :meth:`from_dict` (unknown keys are an error naming the key).
    """

    # -- attribution (MODEL.md §3.2)
    ambiguity: float = 0.2  # rho: base ambiguity of who the aggressor is
    self_defence_claim: float = 0.3  # extra ambiguity when the aggressor claims self-defence
    claim_probability: float = 0.5  # chance an aggressor claims self-defence (when not scripted)
    belief_noise: float = 0.15  # sd of belief noise at full ambiguity (scales with sqrt(rho))
    # -- voting (§3.3)
    norm_weight: float = 1.0  # weight of the norm (belief the accused is the aggressor)
    affinity_weight: float = 1.0  # weight of affinity to the target minus affinity to the aggressor
    fear_weight: float = 0.5  # weight of fear of the aggressor (its projected capability share)
    abstain_band: float = 0.15  # |utility| below this -> abstain
    # -- response (§3.4)
    decision_model: str = "threshold"  # "threshold" | "volunteer" | "best-response"
    threat_weight: float = 0.5  # weight of the threat the aggressor poses to the state
    alliance_weight: float = 1.0  # weight of a defence pact with the target
    balancing_weight: float = 0.5  # balance of power: bonus when the aggressor is the top threat
    determination_share: float = 0.5  # share of a determination's obligation carried to measures
    war_cost: float = 1.0  # cost of fighting, from war_cost/4 (superior) to war_cost (hopeless)
    sanction_cost: float = 0.4  # cost of sanctioning (doubles for a close friend of the aggressor)
    response_noise: float = 0.1  # sd of idiosyncratic noise on each state's net benefit
    coalition_stake: float = 2.0  # best-response: value of defeating the aggression (x benefit)
    join_aggressor: float = 0.75  # (s_ia - s_it)/2 above this -> joins the aggressor's side
    # -- war (§3.5)
    sanction_effect: float = 0.3  # aggressor's strength cut when the whole world sanctions
    gamma: float = 1.0  # decisiveness of the contest success function
    gradient: str = "bdm"  # loss-of-strength gradient: "bdm" | "exponential" | "none"
    miles_per_day: float = 250.0  # BdM gradient: speed of power projection (miles per day)
    gradient_km: float = 8000.0  # exponential gradient: distance (km) at which strength is 1/e
    war_loss: float = 0.2  # share of its capability a side loses to an overwhelming opponent
    spoils: float = 0.3  # share of the defeated target's capability the aggressor takes
    viability_floor: float = 0.58  # a defeated target at or below this share of its pre-war capability may die
    conquest_probability: float = 0.1  # chance such a target is conquered (state death; Fazal 2007)
    # -- peacekeeping (§3.6)
    consent_bias: float = 0.5  # baseline log-odds that a party consents to peacekeepers
    consent_weight: float = 2.0  # consent rises as a party's chance of winning falls
    peacekeeping_cost: float = 0.05  # cost to each contributor of peacekeepers
    peacekeeping_effect: float = 0.5  # reduction of the chance the same pair fights again
    # -- aftermath and learning (§3.7, §4)
    learning_rate: float = 0.2  # credibility moves this share towards what the institution did
    initial_credibility: float = 0.8  # credibility of a new institution
    exit_propensity: float = 0.3  # chance a failed or sanctioned member wants to leave
    protection_affinity: float = 0.5  # affinity to a veto holder that shelters a state

    def __post_init__(self) -> None:
        self.validate()

    # -- validation -----------------------------------------------------------------------

    def validate(self) -> None:
        """Check every parameter's type and range; raise :class:`BehaviourError` naming it."""
        problems: list[str] = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("decision_model", "gradient"):
                allowed = DECISION_MODELS if f.name == "decision_model" else GRADIENTS
                if v not in allowed:
                    problems.append(f"{f.name}: {v!r} is not one of {', '.join(allowed)}")
                continue
            if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
                problems.append(f"{f.name}: expected a number, got {v!r}")
                continue
            if not math.isfinite(float(v)):
                problems.append(f"{f.name}: must be finite, got {v!r}")
                continue
            lo, hi = _RANGES.get(f.name, (0.0, math.inf))
            if not lo <= float(v) <= hi:
                where = f"[{lo:g}, {hi:g}]" if math.isfinite(hi) else f">= {lo:g}"
                problems.append(f"{f.name}: {v!r} must be {where}")
        if float(self.miles_per_day) <= 0 or float(self.gradient_km) <= 0 or float(self.gamma) <= 0:
            for name in ("miles_per_day", "gradient_km", "gamma"):
                if float(getattr(self, name)) <= 0:
                    problems.append(f"{name}: must be > 0")
        if problems:
            raise BehaviourError("invalid behaviour: " + "; ".join(dict.fromkeys(problems)))

    # -- dictionaries ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Every parameter by name (JSON-ready)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Behaviour:
        """Build from a dictionary; an unknown key is an error that names it."""
        data = dict(data or {})
        known = [f.name for f in fields(cls)]
        unknown = [k for k in data if k not in known]
        if unknown:
            import difflib

            hints = []
            for k in unknown:
                close = difflib.get_close_matches(str(k), known, n=1)
                hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise BehaviourError(f"unknown behaviour parameter{'s' if len(unknown) > 1 else ''} "
                                 f"{', '.join(hints)}; known: {', '.join(known)}")
        return cls(**data)

    @classmethod
    def parameters(cls) -> dict[str, Any]:
        """Parameter name -> default value."""
        return {f.name: f.default for f in fields(cls)}


_UNIT = (0.0, 1.0)
#: Allowed range of each numeric parameter (default: >= 0).
_RANGES: dict[str, tuple[float, float]] = {
    "ambiguity": _UNIT, "self_defence_claim": _UNIT, "claim_probability": _UNIT,
    "determination_share": _UNIT, "sanction_effect": _UNIT, "war_loss": _UNIT, "spoils": _UNIT,
    "viability_floor": _UNIT, "conquest_probability": _UNIT, "peacekeeping_effect": _UNIT, "learning_rate": _UNIT,
    "initial_credibility": _UNIT, "exit_propensity": _UNIT, "protection_affinity": (-1.0, 1.0),
    "join_aggressor": (-1.0, math.inf), "consent_bias": (-math.inf, math.inf),
    "abstain_band": (0.0, math.inf),
}


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
    """Each state's belief that the accused is the aggressor (MODEL.md §3.2).

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
    Dead states project nothing. ``capability`` overrides ``world.capability``.
    """
    beh = behaviour or Behaviour()
    cap = np.asarray(world.capability if capability is None else capability, dtype=float)
    cap = np.where(np.asarray(world.alive, dtype=bool), cap, 0.0) if cap.shape == (world.n,) \
        else cap
    d = np.asarray(distance, dtype=float)
    c = cap[:, None] if d.ndim == 2 else cap
    if beh.gradient == "none":
        return np.asarray(np.broadcast_to(c, np.broadcast_shapes(c.shape, d.shape)), dtype=float)
    if beh.gradient == "exponential":
        return np.asarray(c * np.exp(-d / float(beh.gradient_km)), dtype=float)
    scale = max(1.0, float(np.max(cap, initial=0.0)))
    miles = np.maximum(d, 0.0) / _KM_PER_MILE
    exponent = np.log10(miles / float(beh.miles_per_day) + (10.0 - math.e))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(c > 0, (np.maximum(c, 0.0) / scale) ** exponent * scale, 0.0)
    return np.asarray(out, dtype=float)


def capability_share(a: ArrayLike, b: ArrayLike) -> FloatArray:
    """``a / (a + b)`` elementwise, 1/2 where both are zero (e.g. fear, relative strength)."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    tot = x + y
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(tot > 0, x / np.where(tot > 0, tot, 1.0), 0.5), dtype=float)


def contest_success(e_defenders: float, e_aggressor: float, gamma: float) -> float:
    """Tullock (1980) / Hirshleifer (1989) ratio form: ``E_d^g / (E_d^g + E_a^g)`` (1/2 if both 0)."""
    if e_defenders <= 0 and e_aggressor <= 0:
        return 0.5
    if e_aggressor <= 0:
        return 1.0
    if e_defenders <= 0:
        return 0.0
    # log-space for numerical safety with large gamma
    z = gamma * (math.log(e_aggressor) - math.log(e_defenders))
    return 1.0 / (1.0 + math.exp(z)) if z < 700 else 0.0


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
    "projected_capability",
    "sample_volunteers",
    "volunteer_abstain_probability",
    "volunteer_equilibrium",
    "volunteer_nobody_probability",
    "vote_utility",
]
