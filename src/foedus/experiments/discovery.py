"""Scenario discovery over a sweep: in which worlds does an outcome cross a threshold?

The cases are the finished runs of one system in a results store (one row per design point and
replication); the inputs are the design's parameters; the outcome of interest is a condition
on one metric (``metric > above`` or ``metric < below``). Runs where the metric is undefined
(NaN) are left out and counted.

- :func:`prim` — the Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in
  high-dimensional data", Statistics and Computing 9: 123-143), as used for scenario discovery
  by Bryant & Lempert (2010, Technological Forecasting & Social Change 77: 34-49) and the EMA
  Workbench. A small implementation of its top-down peeling: starting from every case, each
  step removes the ``alpha`` share of cases at the low or high end of one numeric parameter, or
  one level of a categorical one, whichever leaves the highest share of cases of interest
  (density) in the box, until the box holds fewer than ``mass_min`` of the cases. Every box of
  the peeling trajectory is kept (coverage, density, mass); the box reported is the densest
  with coverage at least ``min_coverage``. With ``boxes > 1`` the cases of a box are removed
  and the search repeats (covering). Pasting is not implemented.
- :func:`cart` — a classification tree (Breiman et al. 1984) via scikit-learn (the optional
  ``discovery`` extra), its leaves read as boxes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._errors import FoedusError, UnknownNameError
from .analysis import StoreRef, _open, results_table


@dataclass
class Box:
    """A box over the parameters: numeric limits ``(low, high)`` or the categorical levels kept;
    ``coverage`` (share of all cases of interest inside), ``density`` (share of the box's cases
    that are of interest), ``mass`` (share of all cases inside), ``n`` (cases inside)."""

    limits: dict[str, tuple[float, float] | list[Any]]
    coverage: float
    density: float
    mass: float
    n: int
    restricted: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The restricted parameters as text, e.g. ``learning_rate in [0.21, 0.5]``."""
        parts = []
        for p in self.restricted:
            lim = self.limits[p]
            parts.append(f"{p} in [{lim[0]:.4g}, {lim[1]:.4g}]" if isinstance(lim, tuple)
                         else f"{p} in {{{', '.join(map(str, lim))}}}")
        return " and ".join(parts) or "everywhere (no restriction)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"limits": {k: list(v) for k, v in self.limits.items() if k in self.restricted},
                "rule": self.describe(), "coverage": self.coverage, "density": self.density,
                "mass": self.mass, "n": self.n}


@dataclass
class Discovery:
    """What :func:`prim` or :func:`cart` found: the condition, the cases, the boxes and (PRIM)
    the peeling trajectory (one row per step: ``box``, ``step``, ``coverage``, ``density``,
    ``mass``, ``n``, ``restricted``)."""

    method: str
    system: str
    condition: str
    cases: int
    of_interest: int
    undefined: int
    boxes: list[Box]
    trajectory: pd.DataFrame

    @property
    def base_rate(self) -> float:
        """Share of cases of interest before any restriction."""
        return self.of_interest / self.cases if self.cases else math.nan

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"method": self.method, "system": self.system, "condition": self.condition,
                "cases": self.cases, "of_interest": self.of_interest,
                "undefined": self.undefined, "base_rate": self.base_rate,
                "boxes": [b.to_dict() for b in self.boxes],
                "trajectory": self.trajectory.to_dict(orient="records")}


def _cases(store: StoreRef, metric: str, above: float | None, below: float | None,
           system: str | None) -> tuple[pd.DataFrame, np.ndarray, str, str, int]:
    """Parameters and outcome of one system's runs: (X, y, system, condition, undefined)."""
    if (above is None) == (below is None):
        raise FoedusError("give exactly one of above (metric > value) or below (metric < value)")
    with _open(store) as st:
        row = st.experiment_row() or {}
        runs = results_table(st)
    params: list[str] = list(row.get("parameters", []))
    if not params:
        raise FoedusError("scenario discovery needs a design with parameters; this experiment "
                          "has one design point")
    systems = list(row.get("systems", []))
    chosen = system or (systems[0] if systems else "")
    if chosen not in systems:
        raise UnknownNameError("system in this store", chosen, systems)
    if metric not in runs.columns:
        raise UnknownNameError("metric in this store", metric,
                               [c for c in runs.columns if c not in ("point", "replication",
                                                                     "system", *params)])
    sub = runs[runs["system"] == chosen]
    values = sub[metric].to_numpy(dtype=float)
    ok = np.isfinite(values)
    y = values[ok] > above if above is not None else values[ok] < below
    condition = f"{metric} > {above:g}" if above is not None else f"{metric} < {below:g}"
    return (sub.loc[ok, params].reset_index(drop=True), np.asarray(y, bool), chosen, condition,
            int((~ok).sum()))


def _numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _peel_candidates(x: pd.DataFrame, inside: np.ndarray, alpha: float) -> list[tuple[str, np.ndarray, Any]]:
    """Every one-step peel of the box ``inside``: (parameter, new inside mask, new limit)."""
    out = []
    for p in x.columns:
        col = x[p]
        vals = col[inside]
        if _numeric(col):
            v = vals.to_numpy(dtype=float)
            allv = col.to_numpy(float)
            lo, hi = float(np.quantile(v, alpha)), float(np.quantile(v, 1 - alpha))
            # with ties (replications share a design point) a quantile may peel nothing: then
            # peel the lowest (highest) value present instead
            keep_lo = allv >= lo if (v < lo).any() else allv > v.min()
            keep_hi = allv <= hi if (v > hi).any() else allv < v.max()
            for keep, limit in ((keep_lo, ("low", lo)), (keep_hi, ("high", hi))):
                new = inside & keep
                if 0 < new.sum() < inside.sum():
                    out.append((p, new, limit))
        else:
            levels = list(dict.fromkeys(vals))
            if len(levels) > 1:
                for level in levels:
                    new = inside & (col != level).to_numpy()
                    out.append((p, new, ("drop", level)))
    return out


def _box(x: pd.DataFrame, inside: np.ndarray, y: np.ndarray, total_interest: int,
         total: int) -> Box:
    limits: dict[str, tuple[float, float] | list[Any]] = {}
    restricted = []
    for p in x.columns:
        col = x[p]
        if _numeric(col):
            v = col.to_numpy(float)
            lim = (float(v[inside].min()), float(v[inside].max()))
            limits[p] = lim
            if lim != (float(v.min()), float(v.max())):
                restricted.append(p)
        else:
            kept = list(dict.fromkeys(col[inside]))
            limits[p] = kept
            if len(kept) < col.nunique():
                restricted.append(p)
    n_in = int(inside.sum())
    hits = int(y[inside].sum())
    return Box(limits=limits, coverage=hits / total_interest if total_interest else math.nan,
               density=hits / n_in if n_in else math.nan, mass=n_in / total, n=n_in,
               restricted=restricted)


def _peel(x: pd.DataFrame, y: np.ndarray, start: np.ndarray, alpha: float, mass_min: float,
          total_interest: int, total: int) -> list[Box]:
    """The peeling trajectory from the box ``start``."""
    inside = start.copy()
    trajectory = [_box(x, inside, y, total_interest, total)]
    while inside.sum() / total >= mass_min:
        cands = [(float(y[new].mean()), int(new.sum()), p, new)
                 for p, new, _ in _peel_candidates(x, inside, alpha)
                 if new.sum() / total >= mass_min]
        if not cands:
            break
        best = max(cands, key=lambda c: (c[0], c[1]))
        inside = best[3]
        trajectory.append(_box(x, inside, y, total_interest, total))
    return trajectory


def _choose(trajectory: list[Box], min_coverage: float) -> Box:
    ok = [b for b in trajectory if b.coverage >= min_coverage]
    return max(ok or trajectory[:1], key=lambda b: (b.density, b.coverage))


def prim(store: StoreRef, metric: str, *, above: float | None = None,
         below: float | None = None, system: str | None = None, alpha: float = 0.05,
         mass_min: float = 0.05, min_coverage: float = 0.5, boxes: int = 1) -> Discovery:
    """PRIM boxes of the parameter space where ``metric > above`` (or ``< below``) for one
    ``system`` (default: the experiment's first)."""
    if not 0 < alpha < 0.5 or not 0 < mass_min < 1:
        raise FoedusError("alpha must be in (0, 0.5) and mass_min in (0, 1)")
    x, y, chosen, condition, undefined = _cases(store, metric, above, below, system)
    total, total_interest = len(y), int(y.sum())
    if total == 0:
        raise FoedusError(f"no finished run of {chosen} has a value of {metric}")
    remaining = np.ones(total, bool)
    found: list[Box] = []
    rows: list[dict[str, Any]] = []
    for k in range(max(1, int(boxes))):
        if not y[remaining].any():
            break
        trajectory = _peel(x, y, remaining, alpha, mass_min, total_interest, total)
        rows.extend({"box": k + 1, "step": i, "coverage": b.coverage, "density": b.density,
                     "mass": b.mass, "n": b.n, "restricted": ", ".join(b.restricted)}
                    for i, b in enumerate(trajectory))
        chosen_box = _choose(trajectory, min_coverage)
        found.append(chosen_box)
        remaining &= ~_inside(x, chosen_box)
    return Discovery("prim", chosen, condition, total, total_interest, undefined, found,
                     pd.DataFrame(rows, columns=["box", "step", "coverage", "density", "mass",
                                                 "n", "restricted"]))


def _inside(x: pd.DataFrame, box: Box) -> np.ndarray:
    mask = np.ones(len(x), bool)
    for p, lim in box.limits.items():
        if isinstance(lim, tuple):
            v = x[p].to_numpy(float)
            mask &= (v >= lim[0]) & (v <= lim[1])
        else:
            mask &= x[p].isin(lim).to_numpy()
    return mask


def cart(store: StoreRef, metric: str, *, above: float | None = None,
         below: float | None = None, system: str | None = None, max_depth: int = 3,
         min_leaf: float = 0.05) -> Discovery:
    """A classification tree (scikit-learn's CART) of the condition on the parameters; its
    leaves where cases of interest are the majority, as boxes (densest first)."""
    try:
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        raise FoedusError("CART needs scikit-learn: pip install 'foedus[discovery]'") from None
    x, y, chosen, condition, undefined = _cases(store, metric, above, below, system)
    total, total_interest = len(y), int(y.sum())
    if total == 0 or total_interest in (0, total):
        raise FoedusError(f"{condition} holds in {total_interest} of {total} runs: nothing to "
                          "separate")
    coded = pd.get_dummies(x, dtype=float)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(1, int(min_leaf * total)),
                                  random_state=0).fit(coded.to_numpy(), y)
    leaves = tree.apply(coded.to_numpy())
    found = []
    for leaf in np.unique(leaves):
        inside = leaves == leaf
        if y[inside].mean() > 0.5:
            found.append(_box(x, inside, y, total_interest, total))
    found.sort(key=lambda b: (-b.density, -b.coverage))
    traj = pd.DataFrame([{"box": k + 1, "step": 0, "coverage": b.coverage, "density": b.density,
                          "mass": b.mass, "n": b.n, "restricted": ", ".join(b.restricted)}
                         for k, b in enumerate(found)],
                        columns=["box", "step", "coverage", "density", "mass", "n", "restricted"])
    return Discovery("cart", chosen, condition, total, total_interest, undefined, found, traj)


__all__ = ["Box", "Discovery", "cart", "prim"]
