"""The report of a results store (``foedus results report``): one HTML page from the Jinja2
template ``templates/sweep.html.j2`` with the experiment's provenance, plots of every metric
against every parameter by system (each metric's interval method), the summary table, paired
differences between systems at each design point (common random numbers), Sobol indices with
their flags, PRIM boxes for the conditions asked, and the errors. PNG files beside it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import FoedusError
from ..engine.behaviour import Behaviour
from ..experiments import ResultStore, prim, results_summary, results_table, sobol_indices
from ..experiments.analysis import WIDE_SOBOL
from ..experiments.intervals import FEW_RUNS, METHODS, Interval, interval, paired_contrasts
from ..experiments.provenance import MECHANISMS
from .figures import Panel, dot_whisker, sobol_figure, to_div, write_plotly_js
from .render import figure, render


def _err(iv: Interval) -> tuple[float, float]:
    """Error-bar lengths below and above the mean (0 where there is no interval)."""
    if not (math.isfinite(iv.low) and math.isfinite(iv.high)):
        return 0.0, 0.0
    return iv.mean - iv.low, iv.high - iv.mean


def _grid(n: int) -> tuple[int, int]:
    cols = min(4, n)
    return (n + cols - 1) // cols, cols


#: One metric's line for one system: the x values and the interval at each.
Line = tuple[list[Any], list[Interval]]


def _parameter_lines(runs: pd.DataFrame, param: str, metrics: list[str],
                     systems: list[str]) -> tuple[bool, dict[tuple[str, str], Line]]:
    """Mean and 95% interval (each metric's method) of every metric at each value of ``param``
    for each system, computed once for the PNG and the interactive figure; a continuous
    parameter (more than 12 values) is binned into deciles. Returns whether ``param`` is numeric
    and the lines by (metric, system)."""
    values = runs[param]
    numeric = pd.api.types.is_numeric_dtype(values)
    distinct = values.nunique()
    key: pd.Series
    if numeric and distinct > 12:  # continuous design: bin into deciles of the parameter
        bins = pd.qcut(values, q=min(10, distinct), duplicates="drop")
        x_of = runs.groupby(bins, observed=True)[param].mean()
        key = bins.map(x_of).astype(float)
    else:
        key = values
    out: dict[tuple[str, str], Line] = {}
    for metric in metrics:
        for system in systems:
            sel = runs["system"] == system
            xs, ivs = [], []
            for x, g in runs[sel].groupby(key[sel], sort=True)[metric]:
                xs.append(x)
                ivs.append(interval(g.to_numpy(dtype=float), metric))
            out[(metric, system)] = (xs, ivs)
    return bool(numeric), out


def _plot_parameter(lines: dict[tuple[str, str], Line], numeric: bool, param: str,
                    metrics: list[str], systems: list[str], path: Path) -> None:
    """Metric against ``param`` (mean and 95% interval by the metric's method), one line per system."""
    from matplotlib.figure import Figure

    rows, cols = _grid(len(metrics))
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows), layout="constrained")
    for k, metric in enumerate(metrics):
        ax = fig.add_subplot(rows, cols, k + 1)
        for system in systems:
            xs, ivs = lines[(metric, system)]
            if not xs:
                continue
            pos = xs if numeric else list(range(len(xs)))
            ax.errorbar(pos, [iv.mean for iv in ivs],
                        yerr=np.nan_to_num(np.array([_err(iv) for iv in ivs]).T), marker="o",
                        ms=3, capsize=2, label=system)
            if not numeric:
                ax.set_xticks(range(len(xs)), [str(x) for x in xs])
        ax.set_title(metric, fontsize=9)
        ax.set_xlabel(param, fontsize=8)
        ax.tick_params(labelsize=7)
    if metrics:
        fig.axes[0].legend(fontsize=7)
    fig.savefig(path, dpi=90)


def _interactive_parameter(lines: dict[tuple[str, str], Line], numeric: bool, param: str,
                           metrics: list[str], systems: list[str], div_id: str) -> str:
    """The interactive twin of :func:`_plot_parameter`: one panel per metric, one line per
    system, mean and 95% interval (each metric's method) at each value of ``param``."""
    from plotly.subplots import make_subplots

    rows, cols = _grid(len(metrics))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=metrics,
                        vertical_spacing=min(0.1, 0.6 / rows))
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    for k, metric in enumerate(metrics):
        for j, system in enumerate(systems):
            xs, ivs = lines[(metric, system)]
            if not xs:
                continue
            err = np.nan_to_num(np.array([_err(iv) for iv in ivs]))
            fig.add_scatter(x=xs if numeric else [str(x) for x in xs],
                            y=[iv.mean if math.isfinite(iv.mean) else None for iv in ivs],
                            name=system, legendgroup=system, showlegend=k == 0,
                            mode="lines+markers", line={"color": palette[j % len(palette)]},
                            error_y={"type": "data", "symmetric": False,
                                     "array": err[:, 1].tolist(), "arrayminus": err[:, 0].tolist()},
                            row=k // cols + 1, col=k % cols + 1)
    fig.update_xaxes(title_text=param)
    fig.update_layout(title=f"Metrics against {param} (mean and 95% interval)",
                      height=rows * 300 + 80, template="plotly_white")
    return to_div(fig, div_id)


def _system_intervals(runs: pd.DataFrame, metrics: list[str],
                      systems: list[str]) -> dict[str, list[Interval]]:
    """Mean and 95% interval of every metric by system (each metric's method), computed once."""
    return {metric: [interval(runs.loc[runs["system"] == s, metric].to_numpy(dtype=float), metric)
                     for s in systems] for metric in metrics}


def _plot_systems(ivs_of: dict[str, list[Interval]], systems: list[str], path: Path) -> None:
    """Mean and 95% CI of every metric by system (designs with one point)."""
    from matplotlib.figure import Figure

    rows, cols = _grid(len(ivs_of))
    fig = Figure(figsize=(4.2 * cols, 3.0 * rows), layout="constrained")
    for k, (metric, ivs) in enumerate(ivs_of.items()):
        ax = fig.add_subplot(rows, cols, k + 1)
        ax.bar(range(len(systems)), [iv.mean for iv in ivs],
               yerr=np.nan_to_num(np.array([_err(iv) for iv in ivs]).T), capsize=3,
               color="#4c72b0")
        ax.set_xticks(range(len(systems)), systems, rotation=30, ha="right", fontsize=7)
        ax.set_title(metric, fontsize=9)
        ax.tick_params(labelsize=7)
    fig.savefig(path, dpi=90)


def _interactive_systems(ivs_of: dict[str, list[Interval]], systems: list[str]) -> str:
    """The interactive twin of :func:`_plot_systems`: mean and interval by system, one panel
    per metric."""
    panels = [Panel(metric, systems, [iv.mean for iv in ivs], [iv.low for iv in ivs],
                    [iv.high for iv in ivs]) for metric, ivs in ivs_of.items()]
    return to_div(dot_whisker(panels, "Metrics by system (mean and 95% interval by each "
                                      "metric's method)", cols=min(4, max(1, len(panels)))),
                  "fig-systems")


def parse_condition(text: str) -> tuple[str, float | None, float | None]:
    """``"metric>0.5"`` -> ``("metric", 0.5, None)``; ``"metric<0.5"`` -> ``(metric, None, 0.5)``."""
    for op in (">", "<"):
        if op in text:
            name, _, value = text.partition(op)
            try:
                v = float(value)
            except ValueError:
                break
            return (name.strip(), v, None) if op == ">" else (name.strip(), None, v)
    raise FoedusError(f"a condition is METRIC>VALUE or METRIC<VALUE, not {text!r}")


def system_contrasts(runs: pd.DataFrame, systems: list[str], metrics: list[str],
                     baseline: str) -> pd.DataFrame:
    """Paired differences from ``baseline`` at each design point (pairs by replication)."""
    rows: list[dict[str, Any]] = []
    for metric in metrics:
        keys, pairs = [], []
        for point, sub in runs.groupby("point", sort=True):
            base = sub[sub["system"] == baseline].set_index("replication")[metric]
            for s in systems:
                if s == baseline:
                    continue
                other = sub[sub["system"] == s].set_index("replication")[metric]
                reps = base.index.intersection(other.index)
                keys.append((point, s))
                pairs.append((other.loc[reps].to_numpy(float), base.loc[reps].to_numpy(float)))
        for (point, s), iv in zip(keys, paired_contrasts(pairs, metric), strict=True):
            rows.append({"point": point, "system": s, "metric": metric, "difference": iv.mean,
                         "ci_low": iv.low, "ci_high": iv.high, "n": iv.n})
    return pd.DataFrame(rows, columns=["point", "system", "metric", "difference", "ci_low",
                                       "ci_high", "n"])


def _cell(mean: float, low: float, high: float, n: int) -> str:
    if not math.isfinite(mean):
        return "–"
    few = " †" if n < FEW_RUNS else ""
    if not math.isfinite(low):
        return f"{mean:.3g}{few}"
    return f"{mean:.3g} [{low:.3g}, {high:.3g}]{few}"


def _wide(df: pd.DataFrame, value: str, keys: list[str]) -> str:
    cells = df.assign(cell=[_cell(m, lo, hi, int(n)) for m, lo, hi, n in
                            zip(df[value], df["ci_low"], df["ci_high"], df["n"], strict=True)])
    wide = cells.pivot_table(index=keys, columns="metric", values="cell", aggfunc="first",
                             sort=False)
    return str(wide.to_html(escape=True))


def _figures(runs: pd.DataFrame, params: list[str], metrics: list[str], systems: list[str],
             out_dir: Path) -> list[dict[str, str]]:
    figs: list[dict[str, str]] = []
    if not metrics or runs.empty:
        return figs
    if params:
        for k, p in enumerate(params):
            path = out_dir / f"parameter-{k + 1}.png"
            numeric, lines = _parameter_lines(runs, p, metrics, systems)
            _plot_parameter(lines, numeric, p, metrics, systems, path)
            figs.append({**figure(path, f"metrics against {p} ({path.name})"),
                         "interactive": _interactive_parameter(lines, numeric, p, metrics, systems,
                                                               f"fig-parameter-{k + 1}"),
                         "caption": f"Metrics against {p} (mean and 95% interval by each "
                                    "metric's method)"})
    else:
        path = out_dir / "systems.png"
        ivs_of = _system_intervals(runs, metrics, systems)
        _plot_systems(ivs_of, systems, path)
        figs.append({**figure(path, f"metrics by system ({path.name})"),
                     "interactive": _interactive_systems(ivs_of, systems),
                     "caption": "Metrics by system (mean and 95% interval by each metric's method)"})
    return figs


def _discoveries(st: ResultStore, conditions: list[str]) -> list[dict[str, Any]]:
    out = []
    for text in conditions:
        metric, above, below = parse_condition(text)
        found = prim(st, metric, above=above, below=below)
        out.append({"condition": found.condition, "system": found.system, "cases": found.cases,
                    "base_rate": found.base_rate,
                    "boxes": [b.to_dict() for b in found.boxes],
                    "trajectory": found.trajectory.to_html(index=False, float_format=_f3)})
    return out


def _f3(v: float) -> str:
    return f"{v:.3f}"


def _sobol_html(sobol: pd.DataFrame | str | None) -> tuple[str, int, str]:
    """The Sobol table, the number of flagged rows and the plot of the indices with their
    intervals (flagged ones in red)."""
    if not isinstance(sobol, pd.DataFrame):
        return (str(sobol) if sobol else ""), 0, ""
    flagged = int(sobol["note"].str.contains("outside|imprecise", regex=True).sum())
    plot = to_div(sobol_figure(sobol, WIDE_SOBOL), "fig-sobol") if len(sobol) else ""
    return str(sobol.to_html(index=False, float_format=_f3, na_rep="–")), flagged, plot


def results_report(store: str | Path | ResultStore, out: str | Path | None = None, *,
                   prim_conditions: list[str] | None = None) -> Path:
    """An HTML report of a results store (``out/index.html``, default ``<store>-report``):
    provenance, plots, the summary, paired differences from the first system at each design
    point, Sobol indices for Sobol designs (flagged when unreadable), a PRIM box for each
    condition in ``prim_conditions`` (``"metric>0.5"``, ``"metric<0.2"``) and the errors."""
    st = store if isinstance(store, ResultStore) else ResultStore(store, read_only=True)
    try:
        ctx, out_dir = _context(st, out, list(prim_conditions or []))
    finally:
        if st is not store:
            st.close()
    index = out_dir / "index.html"
    index.write_text(render("sweep.html.j2", **ctx), encoding="utf-8")
    return index


def _context(st: ResultStore, out: str | Path | None,
             conditions: list[str]) -> tuple[dict[str, Any], Path]:
    row = st.experiment_row()
    if row is None:
        raise FoedusError(f"{st.path} holds no experiment")
    out_dir = Path(out) if out is not None else st.path.with_name(f"{st.path.stem}-report")
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = results_table(st)
    summ = results_summary(st)
    errors = st.con.execute("SELECT point, replication, system, error FROM runs "
                            "WHERE status = 'error' ORDER BY point, replication, system").df()
    sobol: pd.DataFrame | str | None = None
    if row["design"] == "sobol" and not runs.empty:
        try:
            sobol = sobol_indices(st)
        except FoedusError as exc:
            sobol = str(exc)
    systems: list[str] = [s for s in row["systems"] if s in set(runs["system"])] or row["systems"]
    params: list[str] = row["parameters"]
    metrics = [c for c in runs.columns if c not in ("point", "replication", "system", *params)]
    keys = [c for c in summ.columns if c not in ("metric", "n", "mean", "std", "ci_low",
                                                 "ci_high", "method")]
    contrasts = (system_contrasts(runs, systems, metrics, systems[0])
                 if len(systems) > 1 and not runs.empty else None)
    sobol_html, sobol_flagged, sobol_plot = _sobol_html(sobol)
    methods = dict.fromkeys(summ["method"]) if not summ.empty else {}
    ctx = {"row": row, "d": row["definition"], "counts": st.counts(),
           "figures": _figures(runs, params, metrics, systems, out_dir),
           "summary": _wide(summ, "mean", keys) if not summ.empty else "",
           "contrasts": (_wide(contrasts, "difference", ["point", "system"])
                         if contrasts is not None and not contrasts.empty else ""),
           "baseline": systems[0] if systems else "",
           "methods": [{"name": m, "text": METHODS[m]} for m in [*methods, "paired-bca"]
                       if m in METHODS],
           "few_runs": FEW_RUNS, "sobol": sobol_html, "sobol_flagged": sobol_flagged,
           "sobol_plot": sobol_plot, "wide_sobol": WIDE_SOBOL, "plotly_src": write_plotly_js(out_dir),
           "discoveries": _discoveries(st, conditions),
           "errors": errors.head(20).to_dict(orient="records"), "n_errors": len(errors),
           "behaviour": [r for r in Behaviour.describe()],
           "references": list(MECHANISMS.values())}
    return ctx, out_dir


__all__ = ["parse_condition", "results_report", "system_contrasts"]
