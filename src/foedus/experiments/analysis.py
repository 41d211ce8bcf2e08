"""Analysis of a results store: summaries with each metric's interval, export and Sobol indices
(SALib); the HTML report of a store is :func:`foedus.report.results_report`.

Every function takes a store path (or an open :class:`~foedus._store.ResultStore`).
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import FoedusError
from .store import TABLE_ORDER, TABLES, ResultStore

EXPORT_FORMATS = ("parquet", "csv")
StoreRef = str | Path | ResultStore


@contextlib.contextmanager
def _open(store: StoreRef) -> Iterator[ResultStore]:
    if isinstance(store, ResultStore):
        yield store
    else:
        with ResultStore(store, read_only=True) as st:
            yield st


def _metric_order(names: Sequence[str]) -> list[str]:
    from ..engine.metrics import METRICS

    known = list(METRICS)
    rank = {m: k for k, m in enumerate(known)}
    return sorted(set(names), key=lambda m: (rank.get(m, len(rank)), m))


def results_table(store: StoreRef) -> pd.DataFrame:
    """One row per finished run: point, replication, system, the parameters, one column per
    metric."""
    with _open(store) as st:
        long = st.con.execute(
            "SELECT m.point, m.replication, m.system, m.metric, m.value FROM metrics m "
            "JOIN runs r USING (point, replication, system) WHERE r.status = 'done' "
            "ORDER BY m.point, m.replication, m.system").df()
        design = st.design()
        systems = (st.experiment_row() or {}).get("systems", [])
    if long.empty:
        cols = ["point", "replication", "system", *design.columns[1:]]
        return pd.DataFrame(columns=cols)
    wide = long.pivot(index=["point", "replication", "system"], columns="metric",
                      values="value").reset_index()
    wide.columns.name = None
    metrics = _metric_order([c for c in wide.columns if c not in ("point", "replication", "system")])
    wide = wide.merge(design, on="point", how="left")
    wide = wide[["point", "replication", "system", *design.columns[1:], *metrics]]
    return _order_systems(wide, systems).reset_index(drop=True)


def _order_systems(df: pd.DataFrame, systems: Sequence[str]) -> pd.DataFrame:
    rank = {s: k for k, s in enumerate(systems)}
    key = df["system"].map(lambda s: rank.get(s, len(rank)))
    return df.assign(_rank=key).sort_values(
        ["point", "_rank", *(["replication"] if "replication" in df else [])]).drop(columns="_rank")


def results_summary(store: StoreRef, *, metrics: Sequence[str] | None = None,
                    level: float = 0.95) -> pd.DataFrame:
    """Mean, standard deviation and ``level`` confidence interval of every metric by design
    point and system, over replications, each metric by its interval method
    (:func:`foedus.experiments.intervals.method_for`: BCa bootstrap, Wilson for rates that are
    0 or 1 in every run; never outside the metric's domain). NaN values (a rate with nothing
    to rate) are left out and ``n`` counts the rest.

    Columns: ``point``, the parameters, ``system``, ``metric``, ``n``, ``mean``, ``std``,
    ``ci_low``, ``ci_high``, ``method``.
    """
    with _open(store) as st:
        long = st.con.execute(
            "SELECT m.point, m.system, m.metric, m.value FROM metrics m "
            "JOIN runs r USING (point, replication, system) "
            "WHERE r.status = 'done' AND NOT isnan(m.value)").df()
        all_metrics = [r[0] for r in st.con.execute("SELECT DISTINCT metric FROM metrics").fetchall()]
        design = st.design()
        systems = (st.experiment_row() or {}).get("systems", [])
    if metrics:
        unknown = [m for m in metrics if m not in all_metrics]
        if unknown:
            from .._errors import UnknownNameError

            raise UnknownNameError("metric in this store", unknown[0], all_metrics)
        long = long[long["metric"].isin(list(metrics))]
    agg = _interval_rows(long, level)
    order = _metric_order(all_metrics)
    agg["_m"] = agg["metric"].map({m: k for k, m in enumerate(order)})
    agg = _order_systems(agg.sort_values("_m", kind="stable"), systems)
    agg = agg.merge(design, on="point", how="left").drop(columns="_m")
    cols = ["point", *design.columns[1:], "system", "metric", "n", "mean", "std", "ci_low",
            "ci_high", "method"]
    return agg[cols].reset_index(drop=True)


def _interval_rows(long: pd.DataFrame, level: float) -> pd.DataFrame:
    """One row per (point, system, metric) of ``long`` values with n, mean, std and the
    metric's interval (vectorised per metric)."""
    from .intervals import domain_of, intervals, method_for

    rows: list[dict[str, Any]] = []
    for metric, sub in long.groupby("metric", sort=False):
        groups = [(key, g["value"].to_numpy(dtype=float))
                  for key, g in sub.groupby(["point", "system"], sort=True)]
        ivs = intervals([v for _, v in groups], method_for(str(metric)),
                        domain_of(str(metric)), level)
        for ((point, system), v), iv in zip(groups, ivs, strict=True):
            rows.append({"point": point, "system": system, "metric": metric, "n": iv.n,
                         "mean": iv.mean, "std": float(v.std(ddof=1)) if v.size > 1 else np.nan,
                         "ci_low": iv.low, "ci_high": iv.high, "method": iv.method})
    cols = ["point", "system", "metric", "n", "mean", "std", "ci_low", "ci_high", "method"]
    out = pd.DataFrame(rows, columns=cols)
    out["n"] = out["n"].astype("int64")
    return out


def export_results(store: StoreRef, format: str = "parquet", out: str | Path | None = None) -> list[Path]:
    """Write every table, the wide ``results`` (one row per run) and the ``summary`` to
    ``out`` (default: ``<store>-export/``) as Parquet or CSV; returns the files."""
    if format not in EXPORT_FORMATS:
        raise FoedusError(f"unknown export format {format!r}; choose {' or '.join(EXPORT_FORMATS)}")
    with _open(store) as st:
        out_dir = Path(out) if out is not None else st.path.with_name(f"{st.path.stem}-export")
        out_dir.mkdir(parents=True, exist_ok=True)
        files = []
        options = "FORMAT parquet" if format == "parquet" else "FORMAT csv, HEADER"
        for table in TABLES:
            if table == "events" and not st.has_events():
                continue
            path = out_dir / f"{table}.{format}"
            order = TABLE_ORDER[table]
            target = str(path).replace("'", "''")
            st.con.execute(f"COPY (SELECT * FROM {table} ORDER BY {order}) TO '{target}' "
                           f"({options})")
            files.append(path)
        for name, df in (("results", results_table(st)), ("summary", results_summary(st))):
            path = out_dir / f"{name}.{format}"
            if format == "parquet":
                df.to_parquet(path, index=False)
            else:
                df.to_csv(path, index=False)
            files.append(path)
    return files


def morris_indices(store: StoreRef, *, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Morris's elementary effects (SALib ``morris.analyze``; Morris 1991, with mu* of
    Campolongo, Cariboni & Saltelli 2007) of each metric's mean over replications, by system,
    for an experiment with a Morris design: the cheap screening of which parameters matter.

    Columns: ``system``, ``metric``, ``parameter``, ``mu``, ``mu_star``, ``mu_star_conf``,
    ``sigma`` and ``note``. A metric undefined (NaN) at some point of a trajectory, or constant,
    gets NaN indices with a note.
    """
    from SALib.analyze import morris as salib_morris

    from .designs import Morris, morris_sample, sobol_problem

    with _open(store) as st:
        exp = st.experiment()
        if not isinstance(exp.design, Morris):
            raise FoedusError(f"experiment {exp.name!r} has a {exp.design.type} design; Morris "
                              "indices need a morris design")
        means = _point_means(st)
        systems = list((st.experiment_row() or {}).get("systems", []))
    problem, x = sobol_problem(exp), morris_sample(exp)
    wanted = list(metrics) if metrics else _metric_order(means["metric"].unique().tolist())
    rows: list[dict[str, Any]] = []
    for system in systems:
        sub = means[means["system"] == system]
        for metric in wanted:
            y = (sub[sub["metric"] == metric].set_index("point")["mean"]
                 .reindex(range(len(x))).to_numpy(dtype=float))
            rows.extend(_morris_rows(problem, x, y, exp, system, metric, salib_morris))
    return pd.DataFrame(rows, columns=["system", "metric", "parameter", "mu", "mu_star",
                                       "mu_star_conf", "sigma", "note"])


def _point_means(st: ResultStore) -> pd.DataFrame:
    """Mean of each metric over the finished replications of each design point and system."""
    return st.con.execute(
        "SELECT m.system, m.metric, m.point, avg(m.value) FILTER (WHERE NOT isnan(m.value)) "
        "AS mean FROM metrics m JOIN runs r USING (point, replication, system) "
        "WHERE r.status = 'done' GROUP BY m.system, m.metric, m.point").df()


def _morris_rows(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, exp: Any, system: str,
                 metric: str, salib_morris: Any) -> list[dict[str, Any]]:
    base = {"system": system, "metric": metric}
    note = ("metric undefined at some design points" if np.isnan(y).any() else
            "metric is constant" if np.std(y) == 0 else "")
    if note:
        return [{**base, "parameter": p, "mu": np.nan, "mu_star": np.nan,
                 "mu_star_conf": np.nan, "sigma": np.nan, "note": note}
                for p in problem["names"]]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        res = salib_morris.analyze(problem, x, y, num_levels=exp.design.levels,
                                   seed=int(exp.seed % 2**32))
    return [{**base, "parameter": p, "mu": float(res["mu"][k]),
             "mu_star": float(res["mu_star"][k]), "mu_star_conf": float(res["mu_star_conf"][k]),
             "sigma": float(res["sigma"][k]), "note": ""}
            for k, p in enumerate(problem["names"])]


def sobol_indices(store: StoreRef, *, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """First-order and total Sobol indices (SALib ``sobol.analyze``) of each metric's mean
    over replications, by system, for an experiment with a Sobol design.

    Columns: ``system``, ``metric``, ``parameter``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``
    (and, with second-order indices, rows ``"a × b"`` with ``S2``, ``S2_conf``), ``samples``
    (base samples used) and ``note``. Where a metric is undefined (NaN) at a design point, the
    base sample holding that point is dropped (Saltelli's sample stays valid); a metric
    undefined almost everywhere, or constant, gets NaN indices.
    """
    from SALib.analyze import sobol as salib_sobol

    from .designs import Sobol, sobol_problem

    with _open(store) as st:
        exp = st.experiment()
        if not isinstance(exp.design, Sobol):
            raise FoedusError(f"experiment {exp.name!r} has a {exp.design.type} design; Sobol "
                              "indices need a sobol design")
        row = st.experiment_row() or {}
        n_points, systems = int(row["n_points"]), list(row["systems"])
        means = st.con.execute(
            "SELECT m.system, m.metric, m.point, avg(m.value) FILTER (WHERE NOT isnan(m.value)) "
            "AS mean FROM metrics m JOIN runs r USING (point, replication, system) "
            "WHERE r.status = 'done' GROUP BY m.system, m.metric, m.point").df()
    problem = sobol_problem(exp)
    second = exp.design.second_order
    d = int(problem["num_vars"])
    step = 2 * d + 2 if second else d + 2
    rows: list[dict[str, Any]] = []
    wanted = list(metrics) if metrics else _metric_order(means["metric"].unique().tolist())
    for system in systems:
        sub = means[means["system"] == system]
        missing = n_points - sub["point"].nunique()
        if missing:
            raise FoedusError(f"system {system!r}: {missing} of {n_points} design points have no "
                              "finished run; finish the sweep (--resume, --retry-errors) first")
        for metric in wanted:
            y = (sub[sub["metric"] == metric].set_index("point")["mean"]
                 .reindex(range(n_points)).to_numpy(dtype=float))
            # Saltelli's sample is made of blocks, one per base sample; a block where the metric
            # is undefined is dropped whole, which leaves a valid (smaller) sample.
            blocks = y.reshape(-1, step)
            ok = ~np.isnan(blocks).any(axis=1)
            used = blocks[ok].ravel()
            base = {"system": system, "metric": metric, "samples": int(ok.sum())}
            note = f"{int((~ok).sum())} base samples dropped (metric undefined)" if not ok.all() else ""
            if ok.sum() < 2 or np.std(used) == 0:
                note = "metric undefined almost everywhere" if ok.sum() < 2 else "metric is constant"
                rows.extend({**base, "parameter": p, "S1": np.nan, "S1_conf": np.nan,
                             "ST": np.nan, "ST_conf": np.nan, "note": note}
                            for p in problem["names"])
                continue
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                res = salib_sobol.analyze(problem, used, calc_second_order=second,
                                          seed=exp.seed % 2**32)
            for k, p in enumerate(problem["names"]):
                s1, s1c = float(res["S1"][k]), float(res["S1_conf"][k])
                st_, stc = float(res["ST"][k]), float(res["ST_conf"][k])
                flags = "; ".join(f for f in (sobol_flag("S1", s1, s1c), sobol_flag("ST", st_, stc),
                                               note) if f)
                rows.append({**base, "parameter": p, "S1": s1, "S1_conf": s1c, "ST": st_,
                             "ST_conf": stc, "note": flags})
            if second:
                names = problem["names"]
                for a in range(d):
                    for b in range(a + 1, d):
                        rows.append({**base, "parameter": f"{names[a]} × {names[b]}",
                                     "S2": float(res["S2"][a, b]),
                                     "S2_conf": float(res["S2_conf"][a, b]), "note": note})
    cols = ["system", "metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    if second:
        cols += ["S2", "S2_conf"]
    return pd.DataFrame(rows, columns=[*cols, "samples", "note"])


#: A Sobol index whose confidence half-width exceeds this is flagged as imprecise.
WIDE_SOBOL = 0.2


def sobol_flag(name: str, value: float, conf: float) -> str:
    """A warning for a Sobol index that cannot be read as a share of variance: outside [0, 1]
    beyond its confidence half-width (too few samples, or a metric dominated by noise), or
    known only within a wide interval; empty when it is fine."""
    if not (math.isfinite(value) and math.isfinite(conf)):
        return ""
    if value - conf > 1 or value + conf < 0:
        return (f"{name} = {value:.3g} ± {conf:.2g} lies outside [0, 1]: too few base samples or "
                "a noisy metric; do not read it as a share of variance")
    if conf > WIDE_SOBOL:
        return f"{name} imprecise (± {conf:.2g}): more base samples needed"
    return ""


__all__ = [
    "EXPORT_FORMATS",
    "WIDE_SOBOL",
    "StoreRef",
    "export_results",
    "morris_indices",
    "results_summary",
    "results_table",
    "sobol_flag",
    "sobol_indices",
]
