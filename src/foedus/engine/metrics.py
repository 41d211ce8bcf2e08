"""What a run reports: one registry of metrics, per-run values and their aggregation.

Every metric is a :class:`Metric` in :data:`REGISTRY` (name, label, group, definition,
citation, kind and domain, and the function that computes it from a run's :class:`RunData`).
:data:`METRICS` (name -> definition), :data:`KEY_METRICS`, :data:`COUNT_METRICS`,
:data:`LABELS` and :data:`GROUPS` are views of it. A run's metrics are computed from its crisis
log and its yearly series by :func:`run_metrics`. Rates whose denominator is empty are ``NaN``
(not zero): a system in which no crisis ever fell within scope has no determination rate.
Aggregation over replications (:func:`summarise`) ignores ``NaN`` and reports how many runs had
a value. The definitions are those of docs/model.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from . import benefit
from .threats import INTERSTATE, THREAT_KINDS

if TYPE_CHECKING:
    from .events import CrisisEvent

#: The kinds of metric, each with the widest domain ``(lo, hi)`` of its values: a share of
#: crises or states in [0, 1]; a count per run; a frequency per 100 state-years; a mean per
#: crisis; a sum of shares over a run; an index (its own domain is given on the metric).
KINDS: dict[str, tuple[float, float]] = {
    "rate": (0.0, 1.0),
    "count": (0.0, math.inf),
    "per-100-state-years": (0.0, math.inf),
    "mean-per-crisis": (0.0, math.inf),
    "cumulative-share": (0.0, math.inf),
    "index": (-math.inf, math.inf),
}


@dataclass(frozen=True)
class RunData:
    """What a run's metrics are computed from."""

    events: Sequence[CrisisEvent]  # the crisis log
    state_years: float             # living states summed over the years
    deterred: int                  # deterred attempts
    deaths: int                    # states that died
    final_capability: ArrayLike    # the living states' capabilities in the last year
    credibility: Sequence[float] | ArrayLike  # the institution's yearly credibility
    displaced: int = 0             # attempts turned to another target by the institution
    size_years: Sequence[float] | ArrayLike | None = None  # state-years by size class
    arms: Mapping[str, float] | None = None  # arms racing's summary (None: off)
    appeasement: Mapping[str, float] | None = None  # appeasement's summary (None: off)
    threats: Sequence[CrisisEvent] | None = None  # every crisis of every kind (None: off)


@dataclass(frozen=True)
class Metric:
    """One metric a run reports.

    ``kind`` is one of :data:`KINDS`; ``domain`` the interval its finite values lie in (within
    the kind's); ``function`` computes it from a :class:`RunData` (None where it is computed
    jointly with others); ``key`` marks the metrics a compact table shows first; ``citation``
    the source of the measure.
    """

    name: str
    label: str
    group: str
    definition: str
    citation: str
    kind: str
    function: Callable[[RunData], float] | None
    domain: tuple[float, float] = (0.0, math.inf)
    key: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"metric {self.name}: unknown kind {self.kind!r}")
        lo, hi = self.domain
        k_lo, k_hi = KINDS[self.kind]
        if not (k_lo <= lo < hi <= k_hi):
            raise ValueError(f"metric {self.name}: domain {self.domain} not within {self.kind}")


POLE_SHARE = 0.10


def ratio(num: float, den: float) -> float:
    """``num / den``, or NaN when the denominator is zero."""
    return float(num) / float(den) if den else float("nan")


def concentration(capability: ArrayLike) -> float:
    """Singer–Bremer–Stuckey CON of a capability vector (0 = equal, 1 = one state holds all).

    ``CON = sqrt((sum s_i^2 - 1/N) / (1 - 1/N))`` over the ``N`` states with positive
    capability; NaN when fewer than two states hold any (Singer, Bremer & Stuckey 1972).
    """
    c = np.asarray(capability, dtype=float)
    c = c[np.isfinite(c) & (c > 0)]
    n = c.size
    if n < 2:
        return float("nan") if n == 0 else 1.0
    s = c / c.sum()
    hhi = float(np.sum(s * s))
    return float(math.sqrt(max(0.0, (hhi - 1.0 / n) / (1.0 - 1.0 / n))))


def polarity(capability: ArrayLike, share: float = POLE_SHARE) -> int:
    """Number of poles: states holding at least ``share`` of total capability."""
    c = np.asarray(capability, dtype=float)
    c = c[np.isfinite(c) & (c > 0)]
    if c.size == 0:
        return 0
    return int(np.sum(c / c.sum() >= share - 1e-12))


def hhi(values: ArrayLike) -> float:
    """Herfindahl–Hirschman index of non-negative values (NaN when they sum to zero)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    total = v.sum()
    if total <= 0:
        return float("nan")
    s = v / total
    return float(np.sum(s * s))


# --- the metrics, one function each --------------------------------------------------------


def _attempts(r: RunData) -> float:
    return 100.0 * ratio(len(r.events), r.state_years)


def _deterred(r: RunData) -> float:
    return 100.0 * ratio(r.deterred, r.state_years)


def _displaced(r: RunData) -> float:
    return 100.0 * ratio(r.displaced, r.state_years)


def _would_attack(r: RunData) -> int:
    """Attempts there would have been without the institution and its ties: the attempts
    made (with it) and those it deterred."""
    return len(r.events) + int(r.deterred)


def _deterrence_share(r: RunData) -> float:
    return ratio(r.deterred, _would_attack(r))


def _displacement_share(r: RunData) -> float:
    return ratio(r.displaced, _would_attack(r))


def _determination(r: RunData) -> float:
    in_scope = [e for e in r.events if e.in_scope]
    return ratio(sum(e.determined for e in in_scope), len(in_scope))


def _response(r: RunData) -> float:
    return ratio(sum(e.responded for e in r.events), len(r.events))


def _effective(r: RunData) -> float:
    return ratio(sum(e.effective for e in r.events), len(r.events))


def _aggressor_success(r: RunData) -> float:
    return ratio(sum(e.aggressor_won for e in r.events), len(r.events))


def _deaths(r: RunData) -> float:
    return float(r.deaths)


def _coalition(r: RunData) -> float:
    return ratio(sum(len(e.contributors) for e in r.events), len(r.events))


def _free_riding(r: RunData) -> float:
    obligated = sum(len(e.obligated) for e in r.events)
    free = 0
    for e in r.events:
        acted = set(e.contributors) | set(e.sanctioners)
        free += sum(1 for s in e.obligated if s not in acted)
    return ratio(free, obligated)


def _burden(r: RunData) -> float:
    burden: dict[str, float] = {}
    for e in r.events:
        for state, amount in e.burden.items():
            burden[state] = burden.get(state, 0.0) + float(amount)
    return hhi(list(burden.values()))


def _vetoed(r: RunData) -> float:
    return float(sum(e.vetoed for e in r.events))


def _ufp(r: RunData) -> float:
    return float(sum(e.ufp_session for e in r.events))


def _selective_gap(r: RunData) -> float:
    veto = [e.responded for e in r.events if e.aggressor_veto]
    other = [e.responded for e in r.events if not e.aggressor_veto]
    return (float(np.mean(veto)) - float(np.mean(other))) if veto and other else float("nan")


def _destroyed(r: RunData) -> float:
    return float(sum(float(e.destroyed_share) for e in r.events))


def _concentration(r: RunData) -> float:
    return concentration(r.final_capability)


def _polarity(r: RunData) -> float:
    return float(polarity(r.final_capability))


def _final_credibility(r: RunData) -> float:
    cred = np.asarray(r.credibility, dtype=float)
    return float(cred[-1]) if cred.size else float("nan")


def _mean_credibility(r: RunData) -> float:
    cred = np.asarray(r.credibility, dtype=float)
    return float(np.nanmean(cred)) if cred.size and np.isfinite(cred).any() else float("nan")


_AGGRESSION = "Aggression and deterrence"
_INSTITUTION = "The institution at work"
_RESPONSE = "The response"
_POWER = "The distribution of power"
_BENEFIT = "Who benefits (by the target's size)"
_ARMS = "Arms racing"
_DELEGATION = "Delegation: authorised and delivered enforcement"
_APPEASEMENT = "Appeasement"
_THREATS = "Kinds of threat"

_COW_MID = ("Jones, Bremer & Singer (1996), Militarized Interstate Disputes, 1816-1992, "
            "Conflict Management and Peace Science 15(2)")
_CLAUDE = "Claude (1962), Power and International Relations"
_LEEDS = ("Leeds (2003), Do Alliances Deter Aggression?, American Journal of Political "
          "Science 47(3)")
_MOST_STARR = ("Most & Starr (1984), International Relations Theory, Foreign Policy "
               "Substitutability, and 'Nice' Laws, World Politics 36(3)")
_OLSON = "Olson & Zeckhauser (1966), An Economic Theory of Alliances, REStat 48(3)"
_COW_WAR = "Sarkees & Wayman (2010), Resort to War, 1816-2007 (Correlates of War)"
_VOETEN = ("Voeten (2005), The political origins of the UN Security Council's ability to "
           "legitimize the use of force, IO 59(3); Coleman (2007), International Organisations "
           "and Peace Enforcement")
_HAWKINS = ("Hawkins, Lake, Nielson & Tierney (2006), Delegation and Agency in International "
            "Organizations; Thompson (2006), Coercion through IOs, IO 60(1)")
_SAROOSHI = ("Sarooshi (1999), The United Nations and the Development of Collective Security: "
             "The Delegation by the UN Security Council of its Chapter VII Powers; Blokker "
             "(2000), Is the Authorization Authorized?, European Journal of International Law "
             "11(3)")
_NMC = ("Singer, Bremer & Stuckey (1972), Capability Distribution, Uncertainty, and Major "
        "Power War (COW National Material Capabilities)")

def _military_burden(r: RunData) -> float:
    return float(r.arms["military_burden"]) if r.arms is not None else math.nan


def _race_intensity(r: RunData) -> float:
    return float(r.arms["arms_race_intensity"]) if r.arms is not None else math.nan


def _deterrent(key: str) -> Callable[[RunData], float]:
    """A deterrent metric (engine/deterrent.py): NaN when the deterrent option is off."""
    def f(r: RunData) -> float:
        return float(r.arms.get(key, math.nan)) if r.arms is not None else math.nan
    return f


_SAGAN = ("Sagan (1996/97), Why Do States Build Nuclear Weapons?, International Security 21(3); "
          "Singh & Way (2004), JCR 48(6); Bleek & Lorber (2014), JCR 58(3)")


def _appeasement(key: str) -> Callable[[RunData], float]:
    def f(r: RunData) -> float:
        return float(r.appeasement[key]) if r.appeasement is not None else math.nan
    return f


_TREISMAN = "Treisman (2004), Rational appeasement, International Organization 58(2)"


def _authorised(r: RunData) -> float:
    return float(sum(bool(e.force_authorised) for e in r.events))


def _enforcement_gap(r: RunData) -> float:
    auth = [e for e in r.events if e.force_authorised]
    return ratio(sum(not e.contributors for e in auth), len(auth)) if auth else math.nan


def _authorised_compliance(r: RunData) -> float:
    auth = [e for e in r.events if e.force_authorised]
    obligated = sum(len(e.obligated) for e in auth)
    acted = sum(sum(1 for s in e.obligated if s in set(e.contributors) | set(e.sanctioners))
                for e in auth)
    return ratio(acted, obligated) if obligated else math.nan


def _delegated(r: RunData) -> list[float]:
    """The lead's effort in each crisis with force authorised under delegation (engine/delegation.py)."""
    return [float(e.lead_effort) for e in r.events
            if e.force_authorised and e.lead_effort is not None]


def _lead_found(r: RunData) -> float:
    efforts = _delegated(r)
    return ratio(sum(x > 0 for x in efforts), len(efforts)) if efforts else math.nan


def _mandate_delivered(r: RunData) -> float:
    efforts = _delegated(r)
    return float(sum(efforts)) / len(efforts) if efforts else math.nan


def _benefit_metrics() -> list[Metric]:
    """Per size class of the target (small, middle, great: :mod:`foedus.engine.benefit`):
    attacks suffered, targets that died, the aggressor's success, help, contributions."""
    out: list[Metric] = []
    src = benefit.SIZE_SOURCE
    for size in benefit.SIZE_CLASSES:
        def attacks(r: RunData, size: str = size) -> float:
            years = None if r.size_years is None else \
                [float(v) for v in np.asarray(r.size_years, dtype=float)]
            return benefit.attacks_per_100(r.events, years, size)

        def died(r: RunData, size: str = size) -> float:
            return benefit.target_deaths(r.events, size)

        def won(r: RunData, size: str = size) -> float:
            return benefit.aggressor_success(r.events, size)

        def helped(r: RunData, size: str = size) -> float:
            return benefit.helped(r.events, size)

        def gave(r: RunData, size: str = size) -> float:
            return benefit.contribution_share(r.events, size)

        out += [
            Metric(f"attacks_per_100_{size}", f"Attacks on {size} states per 100 of their "
                   "state-years", _BENEFIT,
                   f"Attacks suffered by {size} states (the target's size class at the time) per "
                   f"100 state-years of {size} states.", _COW_MID + "; " + src,
                   "per-100-state-years", attacks),
            Metric(f"target_deaths_{size}", f"{size.capitalize()} targets that died", _BENEFIT,
                   f"Targets of the {size} class that died in their crisis (count per run).",
                   "Fazal (2007), State Death; " + src, "count", died),
            Metric(f"aggressor_success_{size}", f"Aggressor success against {size} states",
                   _BENEFIT, f"Share of the crises against {size} states that the aggressor "
                   "won (NaN when none).", _COW_WAR + "; " + src, "rate", won,
                   domain=(0.0, 1.0)),
            Metric(f"helped_rate_{size}", f"Help for {size} states attacked", _BENEFIT,
                   f"Share of the crises against {size} states in which anybody helped the "
                   "target (NaN when none).", _CLAUDE + "; " + src, "rate", helped,
                   domain=(0.0, 1.0)),
            Metric(f"contribution_share_{size}", f"Contributions made by {size} states",
                   _BENEFIT, f"Share of the capability third states contributed to fight for "
                   f"targets over the run that {size} states gave (by their own class at the "
                   "time; NaN when nobody contributed).", _OLSON + "; " + src, "rate", gave,
                   domain=(0.0, 1.0)),
        ]
    return out


#: The outcomes reported per kind of threat: stem -> (column label, definition, kind).
THREAT_OUTCOMES: dict[str, tuple[str, str, str]] = {
    "threat_per_100": ("crises per 100 state-years", "Crises of the kind per 100 state-years.",
                       "per-100-state-years"),
    "threat_acted": ("institution acted", "Share of the crises of the kind on which the "
                     "institution acted: a determination, an automatic obligation (Art. 5 "
                     "invoked) or force authorised.", "rate"),
    "threat_responded": ("responded", "Share of the crises of the kind in which third states "
                         "fought, sanctioned or kept the peace.", "rate"),
    "threat_force": ("force", "Share of the crises of the kind in which third states used "
                     "force for the target.", "rate"),
    "threat_sanctions": ("sanctions", "Share of the crises of the kind in which third states "
                         "sanctioned.", "rate"),
    "threat_assistance": ("assistance", "Share of the crises of the kind in which third states "
                          "gave assistance short of fighting (not modelled for interstate "
                          "aggression: NaN).", "rate"),
    "threat_peacekeeping": ("peacekeeping", "Share of the crises of the kind in which "
                            "peacekeepers deployed.", "rate"),
    "threat_deaths": ("state deaths per 100 state-years", "States that died in crises of the "
                      "kind per 100 state-years.", "per-100-state-years"),
}
#: Metric name -> (outcome stem, kind of threat) of the per-kind metrics.
THREAT_METRICS: dict[str, tuple[str, str]] = {
    f"{stem}_{kind.replace('-', '_')}": (stem, kind)
    for kind in THREAT_KINDS for stem in THREAT_OUTCOMES}
_THREAT_SOURCE = ("the threat files (docs/threats.md); UN Charter Arts 39 and 51; North "
                  "Atlantic Treaty Art. 5")


def _threat_value(r: RunData, stem: str, kind: str) -> float:
    """One outcome of one kind of threat (NaN when the other kinds are off or none came)."""
    if r.threats is None or (stem == "threat_assistance" and kind == INTERSTATE):
        return math.nan
    ev = [e for e in r.threats if e.threat == kind]
    if stem == "threat_per_100":
        return 100.0 * ratio(len(ev), r.state_years)
    if stem == "threat_deaths":
        return 100.0 * ratio(sum(bool(e.target_died) for e in ev), r.state_years)
    test = {"threat_acted": lambda e: e.in_scope and (e.determined or e.force_authorised),
            "threat_responded": lambda e: e.responded or e.peacekeeping,
            "threat_force": lambda e: bool(e.contributors),
            "threat_sanctions": lambda e: bool(e.sanctioners),
            "threat_assistance": lambda e: e.assistance,
            "threat_peacekeeping": lambda e: e.peacekeeping}[stem]
    return ratio(sum(bool(test(e)) for e in ev), len(ev))


def _threat_metrics() -> list[Metric]:
    """Per kind of threat (engine/threats.py): rate, action, response by type, deaths."""
    out = []
    for name, (stem, kind) in THREAT_METRICS.items():
        label, definition, mkind = THREAT_OUTCOMES[stem]

        def f(r: RunData, stem: str = stem, kind: str = kind) -> float:
            return _threat_value(r, stem, kind)

        out.append(Metric(name, f"{kind}: {label}", _THREATS,
                          f"{definition} Kind {kind}; NaN when the kinds of threat are off or "
                          "no crisis of the kind came.", _THREAT_SOURCE, mkind, f,
                          domain=(0.0, 1.0) if mkind == "rate" else (0.0, math.inf)))
    return out


#: Every metric a run reports, in the order of tables and reports.
REGISTRY: dict[str, Metric] = {m.name: m for m in (
    Metric("attempts_per_100", "Aggression attempts per 100 state-years", _AGGRESSION,
           "Aggression attempts (crises launched) per 100 state-years.",
           _COW_MID + "; a monadic rate per state-year", "per-100-state-years", _attempts,
           key=True),
    Metric("deterred_per_100", "Deterred attempts per 100 state-years", _AGGRESSION,
           "Deterred attempts per 100 state-years, on the scale of attempts: a state reached "
           "in the year's activation order that would have attacked without the institution "
           "and the ties it creates (a pact's own alliances, ad-hoc balancing) but attacks "
           "nobody with them.",
           "Huth & Russett (1984), What Makes Deterrence Work?, World Politics 36(4); "
           "Bueno de Mesquita (1981), The War Trap (expected utility)",
           "per-100-state-years", _deterred, key=True),
    Metric("deterrence_share", "Deterred share of would-be attempts", _AGGRESSION,
           "Deterred attempts over the attempts there would have been without the "
           "institution and its ties (attempts made + deterred; NaN when none).",
           _LEEDS + "; Huth & Russett (1984), World Politics 36(4)",
           "rate", _deterrence_share, domain=(0.0, 1.0)),
    Metric("displaced_per_100", "Displaced attempts per 100 state-years", _AGGRESSION,
           "Attempts per 100 state-years that the institution turned to another target: the "
           "aggressor attacks, but not the target it would have chosen without the "
           "institution and its ties (displacement, not deterrence).",
           _MOST_STARR + "; " + _LEEDS, "per-100-state-years", _displaced),
    Metric("displacement_share", "Displaced share of would-be attempts", _AGGRESSION,
           "Displaced attempts over the attempts there would have been without the "
           "institution and its ties (NaN when none).",
           _MOST_STARR, "rate", _displacement_share, domain=(0.0, 1.0)),
    Metric("determination_rate", "Determination rate", _INSTITUTION,
           "Share of in-scope crises in which the institution determined aggression "
           "(NaN when no crisis fell within its scope).",
           "UN Charter Art. 39 (determination of a threat to the peace or act of aggression)",
           "rate", _determination, domain=(0.0, 1.0)),
    Metric("response_rate", "Response rate", _RESPONSE,
           "Share of crises in which at least one third state sanctioned or fought "
           "the aggressor.", _CLAUDE + " (collective security as the response of all)",
           "rate", _response, domain=(0.0, 1.0), key=True),
    Metric("effective_response_rate", "Effective response rate", _RESPONSE,
           "Share of crises with a response in which the target and its "
           "coalition were at least as strong as the aggressor's side.",
           _CLAUDE + " (preponderance of the response over the aggressor)",
           "rate", _effective, domain=(0.0, 1.0), key=True),
    Metric("aggressor_success_rate", "Aggressor success rate", _AGGRESSION,
           "Share of crises the aggressor won.", _COW_WAR + " (war outcomes)",
           "rate", _aggressor_success, domain=(0.0, 1.0), key=True),
    Metric("state_deaths", "State deaths per run", _AGGRESSION,
           "States pushed below the viability floor and removed (count per run).",
           "Fazal (2007), State Death, Princeton University Press",
           "count", _deaths, key=True),
    Metric("coalition_size", "Coalition size (states per crisis)", _RESPONSE,
           "Mean number of third states fighting for the target, per crisis.",
           _COW_WAR + " (war participants)", "mean-per-crisis", _coalition),
    Metric("free_riding_rate", "Free-riding rate", _RESPONSE,
           "Share of obligated states that contributed neither force nor sanctions "
           "(NaN when no state was obligated).", _OLSON,
           "rate", _free_riding, domain=(0.0, 1.0), key=True),
    Metric("burden_concentration", "Burden concentration (HHI)", _RESPONSE,
           "Herfindahl-Hirschman index of the capability states contributed over "
           "the run (1 = one state bore every burden; NaN when nobody contributed).",
           _OLSON + " (burden sharing); Herfindahl-Hirschman index",
           "index", _burden, domain=(0.0, 1.0)),
    Metric("vetoed_determinations", "Vetoed decisions per run", _INSTITUTION,
           "Crises in which a veto blocked the determination or measures (count).",
           "UN Charter Art. 27(3); the Security Council's veto list (UN Dag Hammarskjöld Library)",
           "count", _vetoed),
    Metric("ufp_sessions", "Uniting-for-Peace sessions per run", _INSTITUTION,
           "Uniting-for-Peace (fallback) sessions convened (count).",
           "UN General Assembly Resolution 377 (V), Uniting for Peace (1950)",
           "count", _ufp),
    Metric("selective_security_gap", "Selective-security gap", _INSTITUTION,
           "Response rate when the aggressor holds or is protected by a veto "
           "minus the rate otherwise (NaN unless both kinds of crisis occurred).",
           _CLAUDE + " (the veto exempts the great powers and their clients)",
           "index", _selective_gap, domain=(-1.0, 1.0), key=True),
    Metric("capability_destroyed", "Capability destroyed (share of world)", _AGGRESSION,
           "Capability destroyed in wars, as a share of world capability at the "
           "time, summed over the run.", _NMC + "; capability as CINC shares",
           "cumulative-share", _destroyed),
    Metric("concentration", "Capability concentration (CON)", _POWER,
           "Capability concentration CON (Singer, Bremer & Stuckey 1972) in the final year.",
           _NMC + "; Ray & Singer (1973), Measuring the Concentration of Power in the "
           "International System, Sociological Methods & Research 1(4)",
           "index", _concentration, domain=(0.0, 1.0)),
    Metric("polarity", "Polarity (poles)", _POWER,
           "Number of poles in the final year: states holding at least 10% of capability.",
           "Mansfield (1993), Concentration, Polarity, and the Distribution of Power, "
           "International Studies Quarterly 37(1)", "count", _polarity),
    Metric("final_credibility", "Final credibility", _INSTITUTION,
           "The institution's learned credibility at the end of the run.",
           "the model's credibility learning (docs/model.md)",
           "index", _final_credibility, domain=(0.0, 1.0)),
    Metric("mean_credibility", "Mean credibility", _INSTITUTION,
           "The institution's credibility averaged over the years of the run.",
           "the model's credibility learning (docs/model.md)",
           "index", _mean_credibility, domain=(0.0, 1.0)),
    *_benefit_metrics(),
    Metric("military_burden", "Military burden (share of output)", _ARMS,
           "Mean military burden of the living states over the run, the share of output spent "
           "on arms (NaN when arms racing is off).",
           "Richardson (1960), Arms and Insecurity; SIPRI military expenditure (share of GDP)",
           "index", _military_burden, domain=(0.0, 1.0)),
    Metric("arms_race_intensity", "Arms-race intensity", _ARMS,
           "Share of state-years in which a state and its top rival both raised their burden "
           "by at least 8% a year, three years running (NaN when arms racing is off).",
           "Diehl (1983), Arms Races and Escalation: A Closer Look, Journal of Peace Research "
           "20(3)", "rate", _race_intensity, domain=(0.0, 1.0)),
    Metric("deterrent_programmes", "Deterrent programmes started per run", _ARMS,
           "Programmes for a deterrent of a state's own started in the run: assurance below "
           "the faith threshold for years while facing a threat (NaN when the deterrent "
           "option is off).", _SAGAN, "count", _deterrent("deterrent_programmes")),
    Metric("deterrents_acquired", "Deterrents acquired per run", _ARMS,
           "Programmes completed in the run, a documented lag after their start (NaN when "
           "the deterrent option is off).", _SAGAN, "count", _deterrent("deterrents_acquired")),
    Metric("deterrent_share", "Share of states with a deterrent at the end", _ARMS,
           "Share of the living states holding a deterrent of their own in the last year (NaN "
           "when the deterrent option is off).", _SAGAN, "rate",
           _deterrent("deterrent_share"), domain=(0.0, 1.0)),
    Metric("authorised_crises", "Crises with force authorised per run", _DELEGATION,
           "Crises in which the institution adopted a step authorising force (count).",
           "UN Charter Arts 42 and 48; S/RES/83 (1950), S/RES/678 (1990)", "count",
           _authorised),
    Metric("enforcement_gap", "Authorised but not enforced", _DELEGATION,
           "Share of the crises with force authorised in which no state fought for the target: "
           "enforcement left to willing members did not come (NaN when force was never "
           "authorised).", _SAROOSHI, "rate", _enforcement_gap, domain=(0.0, 1.0)),
    Metric("authorised_force_compliance", "Obligated members who fought when force was "
           "authorised", _DELEGATION,
           "Share of the members obligated in crises with force authorised that fought or "
           "sanctioned (NaN when force was never authorised or nobody was obligated).",
           _SAROOSHI + "; " + _OLSON, "rate", _authorised_compliance, domain=(0.0, 1.0)),
    Metric("lead_found", "Authorised force with a willing lead", _DELEGATION,
           "Delegation to a lead state: share of the crises with force authorised in which an "
           "obliged member had a stake in leading (NaN when delegation is off or force was "
           "never authorised).", _VOETEN, "rate", _lead_found, domain=(0.0, 1.0)),
    Metric("mandate_delivered", "Share of the mandate the lead delivered", _DELEGATION,
           "Delegation to a lead state: mean share of its strength the lead committed over the "
           "crises with force authorised (0 when nobody led; NaN when delegation is off).",
           _HAWKINS, "rate", _mandate_delivered, domain=(0.0, 1.0)),
    Metric("concessions_per_100", "Concessions per 100 state-years", _APPEASEMENT,
           "Crises settled by a concession short of war, made by the target or pressed by the "
           "institution, per 100 state-years (NaN when appeasement is off).",
           _TREISMAN, "per-100-state-years", _appeasement("concessions_per_100")),
    Metric("concession_share", "Share of crises ended by a concession", _APPEASEMENT,
           "Share of the crises settled by a concession (NaN when appeasement is off or there "
           "was no crisis).", _TREISMAN, "rate", _appeasement("concession_share"),
           domain=(0.0, 1.0)),
    Metric("pressed_concessions", "Concessions pressed by the institution", _APPEASEMENT,
           "Concessions the institution pressed on the target instead of acting (count; NaN "
           "when appeasement is off).",
           "Walters (1952), A History of the League of Nations (the Hoare-Laval plan)", "count",
           _appeasement("pressed_concessions")),
    Metric("appeasement_sequels_per_100", "Sequels of appeasement per 100 state-years",
           _APPEASEMENT,
           "Later crises begun by states that had gained by a concession, per 100 state-years "
           "(NaN when appeasement is off): appetite grows.",
           "Ripsman & Levy (2008), Wishful thinking or buying time?, International Security "
           "33(2)", "per-100-state-years", _appeasement("appeasement_sequels_per_100")),
    *_threat_metrics(),
)}

#: Metric name -> one-line definition (a view of :data:`REGISTRY`).
METRICS: dict[str, str] = {n: m.definition for n, m in REGISTRY.items()}

#: Metrics that count events in a run (integers) rather than rates.
COUNT_METRICS = frozenset(n for n, m in REGISTRY.items() if m.kind == "count")

#: The metrics a compact table shows first (the CLI and the report's plots).
KEY_METRICS: tuple[str, ...] = tuple(n for n, m in REGISTRY.items() if m.key)

#: Metric name -> label of tables and plots (a view of :data:`REGISTRY`).
LABELS: dict[str, str] = {n: m.label for n, m in REGISTRY.items()}

#: Report group -> its metrics, in the order of the registry (a view of :data:`REGISTRY`).
GROUPS: dict[str, tuple[str, ...]] = {
    g: tuple(n for n, m in REGISTRY.items() if m.group == g)
    for g in (_AGGRESSION, _INSTITUTION, _RESPONSE, _POWER, _BENEFIT, _ARMS, _DELEGATION,
              _APPEASEMENT, _THREATS)}


def run_metrics(events: Sequence[CrisisEvent], *, state_years: float, deterred: int,
                deaths: int, final_capability: ArrayLike,
                credibility: Sequence[float] | ArrayLike, displaced: int = 0,
                size_years: Sequence[float] | ArrayLike | None = None,
                arms: Mapping[str, float] | None = None,
                appeasement: Mapping[str, float] | None = None,
                threats: Sequence[CrisisEvent] | None = None) -> dict[str, float]:
    """Every metric of :data:`REGISTRY` for one run.

    ``events`` are the run's crises (:class:`~foedus.engine.events.CrisisEvent`);
    ``state_years`` sums the living states over the years; ``deterred`` counts deterred
    attempts and ``displaced`` those turned to another target; ``final_capability`` holds the
    living states' capabilities in the last year; ``credibility`` is the yearly trajectory;
    ``size_years`` the state-years of each size class (small, middle, great:
    :mod:`foedus.engine.benefit`; without it the attacks per class are NaN); ``arms`` the
    arms race's summary (:mod:`foedus.engine.arms`; None when arms racing is off: NaN);
    ``appeasement`` the concessions' summary (:mod:`foedus.engine.appeasement`; None: off);
    ``threats`` every crisis of every kind of threat (:mod:`foedus.engine.threats`; None when
    the other kinds are off: the per-kind metrics are NaN), ``events`` only the interstate ones.
    """
    run = RunData(events=events, state_years=state_years, deterred=deterred, deaths=deaths,
                  final_capability=final_capability, credibility=credibility,
                  displaced=displaced, size_years=size_years, arms=arms,
                  appeasement=appeasement, threats=threats)
    return {name: m.function(run) for name, m in REGISTRY.items() if m.function is not None}


def mean_ci(values: ArrayLike, level: float = 0.95) -> tuple[float, float, float, int]:
    """Mean and ``level`` t-interval of the finite values, and how many there were.

    NaN values are dropped. With one value the interval is that value's point (no spread can
    be estimated: ``ci_low = ci_high = NaN``); with none everything is NaN.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    k = int(v.size)
    if k == 0:
        return float("nan"), float("nan"), float("nan"), 0
    m = float(v.mean())
    if k == 1:
        return m, float("nan"), float("nan"), 1
    sd = float(v.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, k - 1)) * sd / math.sqrt(k)
    return m, m - half, m + half, k


def summarise(values_by_metric: Mapping[str, Iterable[float]], level: float = 0.95
              ) -> dict[str, dict[str, float]]:
    """Metric -> ``{mean, ci_low, ci_high, n}`` over replications (NaN-aware)."""
    out: dict[str, dict[str, float]] = {}
    for name, vals in values_by_metric.items():
        m, lo, hi, k = mean_ci(list(vals), level)
        out[name] = {"mean": m, "ci_low": lo, "ci_high": hi, "n": float(k)}
    return out


__all__ = ["COUNT_METRICS", "GROUPS", "KEY_METRICS", "KINDS", "LABELS", "METRICS", "REGISTRY",
           "THREAT_METRICS", "THREAT_OUTCOMES",
           "Metric", "RunData", "concentration", "hhi", "mean_ci", "polarity", "ratio",
           "run_metrics", "summarise"]
