"""What a run reports (MODEL.md §5): metric definitions, per-run values and their aggregation.

A run's metrics are computed from its event log (one record per crisis) and its yearly time
series by :func:`run_metrics`. Rates whose denominator is empty are ``NaN`` (not zero): a
system in which no crisis ever fell within scope has no determination rate. Aggregation over
replications (:func:`summarise`) ignores ``NaN`` and reports how many runs had a value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

if TYPE_CHECKING:
    from .events import CrisisEvent

#: Metric name -> one-line definition (MODEL.md §5). Order is the order of tables and reports.
METRICS: dict[str, str] = {
    "attempts_per_100": "Aggression attempts (crises launched) per 100 state-years.",
    "deterred_per_100": "Deterred attempts per 100 state-years: the aggressor would have attacked "
                        "without the institution (or ad-hoc balancing) but not with it.",
    "determination_rate": "Share of in-scope crises in which the institution determined aggression "
                          "(NaN when no crisis fell within its scope).",
    "response_rate": "Share of crises in which at least one third state sanctioned or fought "
                     "the aggressor.",
    "effective_response_rate": "Share of crises with a response in which the target and its "
                               "coalition were at least as strong as the aggressor's side.",
    "aggressor_success_rate": "Share of crises the aggressor won.",
    "state_deaths": "States pushed below the viability floor and removed (count per run).",
    "coalition_size": "Mean number of third states fighting for the target, per crisis.",
    "free_riding_rate": "Share of obligated states that contributed neither force nor sanctions "
                        "(NaN when no state was obligated).",
    "burden_concentration": "Herfindahl-Hirschman index of the capability states contributed over "
                            "the run (1 = one state bore every burden; NaN when nobody contributed).",
    "vetoed_determinations": "Crises in which a veto blocked the determination or measures (count).",
    "ufp_sessions": "Uniting-for-Peace (fallback) sessions convened (count).",
    "selective_security_gap": "Response rate when the aggressor holds or is protected by a veto "
                              "minus the rate otherwise (NaN unless both kinds of crisis occurred).",
    "capability_destroyed": "Capability destroyed in wars, as a share of world capability at the "
                            "time, summed over the run.",
    "concentration": "Capability concentration CON (Singer, Bremer & Stuckey 1972) in the final year.",
    "polarity": "Number of poles in the final year: states holding at least 10% of capability.",
    "final_credibility": "The institution's learned credibility at the end of the run.",
    "mean_credibility": "The institution's credibility averaged over the years of the run.",
}

#: Metrics that count events in a run (integers) rather than rates.
COUNT_METRICS = frozenset({"state_deaths", "vetoed_determinations", "ufp_sessions", "polarity"})

#: The metrics a compact table shows first (the CLI and the report's plots).
KEY_METRICS: tuple[str, ...] = (
    "attempts_per_100", "deterred_per_100", "response_rate", "effective_response_rate",
    "aggressor_success_rate", "state_deaths", "free_riding_rate", "selective_security_gap",
)

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


def run_metrics(events: Sequence[CrisisEvent], *, state_years: float, deterred: int,
                deaths: int, final_capability: ArrayLike,
                credibility: Sequence[float] | ArrayLike) -> dict[str, float]:
    """Every metric of :data:`METRICS` for one run.

    ``events`` are the run's crises (:class:`~foedus.engine.events.CrisisEvent`);
    ``state_years`` sums the living states over the years; ``deterred`` counts deterred
    attempts; ``final_capability`` holds the living states' capabilities in the last year;
    ``credibility`` is the yearly trajectory.
    """
    n = len(events)
    in_scope = [e for e in events if e.in_scope]
    responded = [e.responded for e in events]
    obligated = sum(len(e.obligated) for e in events)
    free = 0
    for e in events:
        acted = set(e.contributors) | set(e.sanctioners)
        free += sum(1 for s in e.obligated if s not in acted)
    burden: dict[str, float] = {}
    for e in events:
        for state, amount in e.burden.items():
            burden[state] = burden.get(state, 0.0) + float(amount)
    veto = [r for e, r in zip(events, responded, strict=True) if e.aggressor_veto]
    other = [r for e, r in zip(events, responded, strict=True) if not e.aggressor_veto]
    gap = (float(np.mean(veto)) - float(np.mean(other))) if veto and other else float("nan")
    cred = np.asarray(credibility, dtype=float)
    return {
        "attempts_per_100": 100.0 * ratio(n, state_years),
        "deterred_per_100": 100.0 * ratio(deterred, state_years),
        "determination_rate": ratio(sum(e.determined for e in in_scope), len(in_scope)),
        "response_rate": ratio(sum(responded), n),
        "effective_response_rate": ratio(sum(e.effective for e in events), n),
        "aggressor_success_rate": ratio(sum(e.aggressor_won for e in events), n),
        "state_deaths": float(deaths),
        "coalition_size": ratio(sum(len(e.contributors) for e in events), n),
        "free_riding_rate": ratio(free, obligated),
        "burden_concentration": hhi(list(burden.values())),
        "vetoed_determinations": float(sum(e.vetoed for e in events)),
        "ufp_sessions": float(sum(e.ufp_session for e in events)),
        "selective_security_gap": gap,
        "capability_destroyed": float(sum(float(e.destroyed_share) for e in events)),
        "concentration": concentration(final_capability),
        "polarity": float(polarity(final_capability)),
        "final_credibility": float(cred[-1]) if cred.size else float("nan"),
        "mean_credibility": float(np.nanmean(cred)) if cred.size and np.isfinite(cred).any()
        else float("nan"),
    }


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
