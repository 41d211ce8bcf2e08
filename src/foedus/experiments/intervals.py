"""Confidence intervals that respect their metric, and paired contrasts.

Every metric of :data:`foedus.engine.metrics.REGISTRY` declares its ``kind`` and ``domain``;
:func:`method_for` picks one interval method per metric from its kind, and every table, plot
and JSON document uses that method (the report names it):

- ``bca-wilson`` (rates in [0, 1]): the bias-corrected and accelerated (BCa) bootstrap of the
  mean over runs (SciPy's :func:`scipy.stats.bootstrap`; Efron 1987). When every run gives 0
  or every run gives 1 the bootstrap has nothing to resample, and the Wilson score interval
  for that many runs (Wilson 1927) is used instead: 20 runs with no success give [0, 0.161],
  not [0, 0]. Since a [0, 1] variable with mean p has variance at most p(1 − p), the Wilson
  interval is conservative there.
- ``bca`` (counts, frequencies, indices): the BCa bootstrap of the mean over runs.

A bootstrap percentile interval lies within the range of the values resampled, so within the
metric's domain; the bounds are clipped to the domain all the same (:func:`clip`). With one
run there is no interval (NaN); with fewer than :data:`FEW_RUNS` runs the interval is flagged
(``few_runs``): a bootstrap of four values says little.

:func:`paired_contrast` is the interval of the mean per-replication difference between two
systems that met the same worlds (common random numbers): the BCa bootstrap of the paired
differences (``paired-bca``), within ``[lo - hi, hi - lo]`` of the metric's domain.

Resampling uses a fixed seed (:data:`BOOTSTRAP_SEED`), so the same values always give the
same interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ..engine.metrics import KINDS, REGISTRY

#: Runs below which an interval is flagged as resting on too few runs.
FEW_RUNS = 5
#: Bootstrap resamples per interval.
RESAMPLES = 2000
#: Seed of the bootstrap's resampling (intervals are reproducible).
BOOTSTRAP_SEED = 20_240_515

#: Interval method -> how the report names it.
METHODS: dict[str, str] = {
    "bca": "BCa bootstrap of the mean over runs (SciPy, 2,000 resamples), within the "
           "metric's domain",
    "bca-wilson": "BCa bootstrap of the mean over runs (SciPy, 2,000 resamples); Wilson score "
                  "interval over runs when every run is 0 or every run is 1",
    "paired-bca": "BCa bootstrap of the mean per-replication difference from the baseline "
                  "(common random numbers; SciPy, 2,000 resamples)",
}

#: Metric kind -> its interval method.
METHOD_BY_KIND: dict[str, str] = {kind: ("bca-wilson" if kind == "rate" else "bca")
                                  for kind in KINDS}

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval, the runs it rests on and the method used."""

    mean: float
    low: float
    high: float
    n: int
    method: str

    @property
    def few_runs(self) -> bool:
        """Whether fewer than :data:`FEW_RUNS` runs define it."""
        return self.n < FEW_RUNS


def method_for(metric: str) -> str:
    """The interval method of a metric (by its kind; ``bca`` for a name not in the registry)."""
    m = REGISTRY.get(metric)
    return METHOD_BY_KIND[m.kind] if m is not None else "bca"


def domain_of(metric: str) -> tuple[float, float]:
    """The domain a metric's values and intervals lie in (unbounded if unknown)."""
    m = REGISTRY.get(metric)
    return m.domain if m is not None else (-math.inf, math.inf)


def clip(low: float, high: float, domain: tuple[float, float]) -> tuple[float, float]:
    """Bounds clipped into ``domain`` (NaN stays NaN)."""
    lo, hi = domain
    return (float(np.clip(low, lo, hi)) if math.isfinite(low) else low,
            float(np.clip(high, lo, hi)) if math.isfinite(high) else high)


def wilson(successes: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n`` (Wilson 1927)."""
    if n <= 0:
        return math.nan, math.nan
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = successes / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return low, high


def _finite(values: ArrayLike) -> FloatArray:
    v = np.asarray(values, dtype=float).ravel()
    return v[np.isfinite(v)]


def _bootstrap(rows: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """BCa bootstrap intervals of the mean of each row of ``rows`` (shape ``(groups, n)``,
    ``n >= 2``); percentile intervals where BCa is undefined; NaN for constant rows."""
    low = np.full(rows.shape[0], np.nan)
    high = np.full(rows.shape[0], np.nan)
    spread = rows.max(axis=1) > rows.min(axis=1)
    if not spread.any():
        return low, high
    data = rows[spread]
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            res = stats.bootstrap((data,), np.mean, axis=-1, vectorized=True,
                                  n_resamples=RESAMPLES, confidence_level=level, method=method,
                                  rng=np.random.default_rng(BOOTSTRAP_SEED), batch=100)
        lo = np.atleast_1d(res.confidence_interval.low)
        hi = np.atleast_1d(res.confidence_interval.high)
        if method == "BCa":
            bca_lo, bca_hi = lo, hi
            if np.isfinite(lo).all() and np.isfinite(hi).all():
                break
        else:
            bad = ~(np.isfinite(bca_lo) & np.isfinite(bca_hi))
            lo = np.where(bad, lo, bca_lo)
            hi = np.where(bad, hi, bca_hi)
    low[spread], high[spread] = lo, hi
    return low, high


def intervals(groups: Sequence[ArrayLike], method: str, domain: tuple[float, float],
              level: float = 0.95) -> list[Interval]:
    """The interval of the mean of each group of values (NaN dropped), by ``method``.

    Groups with the same number of finite values are bootstrapped together (one vectorised
    call per size), so a table of many systems costs a few calls.
    """
    clean = [_finite(g) for g in groups]
    low = np.full(len(clean), np.nan)
    high = np.full(len(clean), np.nan)
    sizes = sorted({v.size for v in clean if v.size >= 2})
    for size in sizes:
        idx = [k for k, v in enumerate(clean) if v.size == size]
        b_lo, b_hi = _bootstrap(np.stack([clean[k] for k in idx]), level)
        low[idx], high[idx] = b_lo, b_hi
    out = []
    for k, v in enumerate(clean):
        mean = float(v.mean()) if v.size else math.nan
        lo, hi = float(low[k]), float(high[k])
        if v.size >= 2 and not math.isfinite(lo):  # every value the same
            lo, hi = _constant(mean, v.size, method, level)
        lo, hi = clip(lo, hi, domain)
        out.append(Interval(mean, lo, hi, int(v.size), method))
    return out


def _constant(value: float, n: int, method: str, level: float) -> tuple[float, float]:
    """The interval when every run gives ``value``: Wilson at 0 or 1 for rates, else a point."""
    if method == "bca-wilson" and value in (0.0, 1.0):
        return wilson(value * n, n, level)
    return value, value


def interval(values: ArrayLike, metric: str, level: float = 0.95) -> Interval:
    """The interval of one metric's mean over runs, by the metric's method."""
    return intervals([values], method_for(metric), domain_of(metric), level)[0]


def paired_contrast(values: ArrayLike, baseline: ArrayLike, metric: str,
                    level: float = 0.95) -> Interval:
    """Mean of the per-replication differences ``values - baseline`` (pairs where both are
    finite) with its paired BCa bootstrap interval."""
    return paired_contrasts([(values, baseline)], metric, level)[0]


def paired_contrasts(pairs: Sequence[tuple[ArrayLike, ArrayLike]], metric: str,
                     level: float = 0.95) -> list[Interval]:
    """:func:`paired_contrast` for many (values, baseline) pairs of one metric at once."""
    lo, hi = domain_of(metric)
    width = hi - lo
    diffs = []
    for values, base in pairs:
        a = np.asarray(values, dtype=float).ravel()
        b = np.asarray(base, dtype=float).ravel()
        if a.shape != b.shape:
            raise ValueError(f"paired contrast of {metric}: {a.size} values against {b.size}")
        ok = np.isfinite(a) & np.isfinite(b)
        diffs.append(a[ok] - b[ok])
    return intervals(diffs, "paired-bca", (-width, width), level)


__all__ = ["BOOTSTRAP_SEED", "FEW_RUNS", "METHODS", "METHOD_BY_KIND", "RESAMPLES", "Interval",
           "clip", "domain_of", "interval", "intervals", "method_for", "paired_contrast",
           "paired_contrasts", "wilson"]
