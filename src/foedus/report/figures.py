"""Interactive figures of every foedus report (Plotly), shared by the comparison, the results
store (sweep), the backtest and the hindcast reports.

The figures work offline: each report folder gets plotly.js once, as the file
``plotly.min.js`` beside the page (:func:`write_plotly_js`: the bundle that ships with the
``plotly`` package), loaded by a relative ``<script src>``; every figure is a ``<div>`` with its
data and a call to ``Plotly.newPlot`` — no CDN, no network. The static PNGs (matplotlib) stay in
each report for papers.

Plotly: Plotly Technologies Inc. (2015), *Collaborative data science*, Montréal, QC,
https://plot.ly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Colour of an interval that excludes 0 (a paired difference) or of a flagged index.
ALERT = "#b2182b"
#: Colour of an ordinary estimate.
PLAIN = "#1f4e79"


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle shipped with the ``plotly`` package."""
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


#: The file name of plotly.js beside a report.
PLOTLY_FILE = "plotly.min.js"


def write_plotly_js(folder: Path) -> str:
    """Write plotly.js into the report folder (once: an identical file is left alone) and
    return the relative address the page's ``<script src>`` uses."""
    path = folder / PLOTLY_FILE
    js = plotly_js().encode("utf-8")
    if not (path.is_file() and path.stat().st_size == len(js) and path.read_bytes() == js):
        path.write_bytes(js)
    return PLOTLY_FILE


@dataclass(frozen=True)
class Panel:
    """One panel of a dot-and-whisker figure: an estimate and its interval per row label."""

    title: str
    labels: Sequence[str]
    mean: Sequence[float] | np.ndarray
    low: Sequence[float] | np.ndarray
    high: Sequence[float] | np.ndarray
    #: The axis range (the metric's domain) or None to fit the data.
    limits: tuple[float, float] | None = None
    #: Draw a line at 0 and colour intervals that exclude it (paired differences).
    zero: bool = False


def to_div(fig: Any, div_id: str) -> str:
    """A figure as an HTML ``<div>`` with its data (plotly.js must be on the page)."""
    return str(fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                           config={"displaylogo": False, "responsive": True}))


def _list(values: Any) -> list[Any]:
    """Plain numbers (Plotly 6 would write numpy arrays as base64; lists keep the data legible
    in the page)."""
    return [None if isinstance(v, float) and not math.isfinite(v) else v
            for v in np.asarray(values).tolist()]


def _finite(v: float) -> bool:
    return v is not None and math.isfinite(float(v))


def dot_whisker(panels: Sequence[Panel], title: str, cols: int = 2) -> Any:
    """Mean and interval per label in one panel per metric (hover shows the numbers)."""
    from plotly.subplots import make_subplots

    rows = max(1, math.ceil(len(panels) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[p.title for p in panels],
                        horizontal_spacing=0.18, vertical_spacing=min(0.12, 0.5 / rows))
    for k, p in enumerate(panels):
        r, c = k // cols + 1, k % cols + 1
        mean = np.asarray(p.mean, float)
        lo = np.asarray(p.low, float)
        hi = np.asarray(p.high, float)
        colours = [ALERT if p.zero and _finite(a) and _finite(b) and (a > 0 or b < 0) else PLAIN
                   for a, b in zip(lo, hi, strict=True)]
        fig.add_scatter(x=_list(mean), y=list(p.labels), mode="markers", row=r, col=c,
                        showlegend=False, marker={"color": colours, "size": 8},
                        error_x={"type": "data", "symmetric": False,
                                 "array": _list(np.where(np.isfinite(hi), hi - mean, 0.0)),
                                 "arrayminus": _list(np.where(np.isfinite(lo), mean - lo, 0.0))},
                        customdata=_list(np.stack([lo, hi], axis=1)),
                        hovertemplate="%{y}: %{x:.3f} [%{customdata[0]:.3f}, "
                                      "%{customdata[1]:.3f}]<extra></extra>")
        fig.update_yaxes(autorange="reversed", row=r, col=c)
        if p.limits is not None:
            pad = 0.03 * (p.limits[1] - p.limits[0])
            fig.update_xaxes(range=[p.limits[0] - pad, p.limits[1] + pad], row=r, col=c)
        if p.zero:
            fig.add_vline(x=0.0, line_color="#444444", line_width=1, row=r, col=c)
    height = rows * max(220, 26 * max((len(p.labels) for p in panels), default=1) + 90)
    fig.update_layout(title=title, height=height, template="plotly_white",
                      margin={"l": 20, "r": 20, "t": 80, "b": 30})
    return fig


def bands(frame: pd.DataFrame, group: str, x: str, title: str, y_title: str,
          limits: tuple[float | None, float | None] = (None, None)) -> Any:
    """Lines of ``mean`` with a shaded band ``lo``–``hi`` over ``x``, one per ``group``."""
    import plotly.graph_objects as go

    fig = go.Figure()
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22", "#17becf"]
    for k, (name, sub) in enumerate(frame.groupby(group, sort=False)):
        colour = palette[k % len(palette)]
        xs = sub[x].tolist()
        fig.add_scatter(x=xs + xs[::-1], y=_list(sub["hi"].tolist() + sub["lo"].tolist()[::-1]),
                        fill="toself", fillcolor=colour, opacity=0.15, line={"width": 0},
                        hoverinfo="skip", showlegend=False, legendgroup=str(name))
        fig.add_scatter(x=xs, y=_list(sub["mean"]), mode="lines", name=str(name),
                        legendgroup=str(name), line={"color": colour},
                        customdata=_list(sub[["lo", "hi"]].to_numpy(float)),
                        hovertemplate=f"{name}, %{{x}}: %{{y:.3f}} [%{{customdata[0]:.3f}}, "
                                      "%{customdata[1]:.3f}]<extra></extra>")
    low, high = limits
    if low is not None or high is not None:
        top = high if high is not None else float(np.nanmax(frame["hi"])) if len(frame) else 1.0
        fig.update_yaxes(range=[low if low is not None else float(np.nanmin(frame["lo"])), top])
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y_title, template="plotly_white",
                      height=420)
    return fig


def sobol_figure(sobol: pd.DataFrame, wide: float) -> Any:
    """First-order (S1) and total (ST) Sobol indices with their 95% confidence half-widths, one
    panel per system and metric. An index is drawn red and marked ⚠ in its hover text when it
    lies outside [0, 1] beyond its half-width or its half-width exceeds ``wide``; the band
    [0, 1] is shaded (Saltelli et al. 2010, the estimators SALib uses)."""
    from plotly.subplots import make_subplots

    df = sobol[sobol["S1"].notna() | sobol["ST"].notna()] if "S1" in sobol else sobol.iloc[:0]
    df = df[~df["parameter"].astype(str).str.contains(" × ")]
    keys = list(dict.fromkeys(zip(df["system"], df["metric"], strict=True)))
    cols = 2 if len(keys) > 1 else 1
    rows = max(1, math.ceil(len(keys) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"{m} ({s})" for s, m in keys],
                        vertical_spacing=min(0.12, 0.6 / rows))
    for k, (system, metric) in enumerate(keys):
        sub = df[(df["system"] == system) & (df["metric"] == metric)]
        r, c = k // cols + 1, k % cols + 1
        for name, offset, symbol in (("S1", -0.12, "circle"), ("ST", 0.12, "diamond")):
            v = sub[name].to_numpy(float)
            h = sub[f"{name}_conf"].to_numpy(float)
            bad = [sobol_flagged(a, b, wide) for a, b in zip(v, h, strict=True)]
            if k == 0:  # the legend entry, in the plain colour (a flagged first point would
                # otherwise colour it red)
                fig.add_scatter(x=[None], y=[None], mode="markers", name=name, legendgroup=name,
                                marker={"symbol": symbol, "size": 9,
                                        "color": PLAIN if name == "S1" else "#6c8ebf"},
                                row=r, col=c)
            fig.add_scatter(x=_list(np.arange(len(sub)) + offset), y=_list(v), mode="markers",
                            name=name, legendgroup=name, showlegend=False, row=r, col=c,
                            marker={"symbol": symbol, "size": 9,
                                    "color": [ALERT if b else PLAIN if name == "S1" else "#6c8ebf"
                                              for b in bad]},
                            error_y={"type": "data", "array": _list(np.nan_to_num(h))},
                            text=[f"{p}: {name} = {a:.3f} ± {b:.3f}" + (" ⚠ " + n if f else "")
                                  for p, a, b, f, n in zip(sub["parameter"], v, h, bad,
                                                           sub["note"], strict=True)],
                            hovertemplate="%{text}<extra></extra>")
        fig.update_xaxes(tickvals=list(range(len(sub))), ticktext=list(sub["parameter"]),
                         row=r, col=c)
        fig.add_hrect(y0=0.0, y1=1.0, fillcolor="#2ca02c", opacity=0.06, line_width=0, row=r, col=c)
    fig.update_layout(title="Sobol indices with 95% confidence (red: outside [0, 1] or imprecise)",
                      height=rows * 320 + 80, template="plotly_white")
    return fig


def sobol_flagged(value: float, conf: float, wide: float) -> bool:
    """Whether a Sobol index cannot be read as a share of variance: outside [0, 1] beyond its
    confidence half-width, or with a half-width above ``wide``."""
    if not (_finite(value) and _finite(conf)):
        return False
    return bool(value - conf > 1 or value + conf < 0 or conf > wide)


def lines(traces: Sequence[dict[str, Any]], title: str, x_title: str, y_title: str,
          log: bool = False) -> Any:
    """Plain line (or marker) traces: each a dict of ``x``, ``y``, ``name`` and optionally
    ``mode``, ``dash``; ``log`` draws both axes on a log scale."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for t in traces:
        fig.add_scatter(x=_list(t["x"]), y=_list(t["y"]), name=t["name"],
                        mode=t.get("mode", "lines+markers"),
                        line={"dash": t.get("dash", "solid")})
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title,
                      template="plotly_white", height=400)
    if log:
        fig.update_xaxes(type="log")
        fig.update_yaxes(type="log")
    return fig


__all__ = ["ALERT", "PLAIN", "PLOTLY_FILE", "Panel", "bands", "dot_whisker", "lines", "plotly_js",
           "sobol_figure", "sobol_flagged", "to_div", "write_plotly_js"]
