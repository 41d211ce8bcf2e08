"""Page 3, systems compared: several charters on the same seeded worlds, in the background.

Replication ``r`` of every charter runs ``foedus.simulate(charter, rng=SeedSequence(seed,
spawn_key=(0, r)))``, exactly as ``foedus.compare`` does (common random numbers: the same
replication index is the same world), one run at a time in a worker thread so the page shows
progress and can cancel. Intervals are 95% intervals by each metric's method, the same as the
tables of ``foedus compare`` (:func:`foedus.experiments.interval`: BCa bootstrap, Wilson for a
rate at 0 or 1, within the metric's domain); with a baseline system chosen, each other system's
difference from it is paired by replication (common random numbers) with the paired BCa
bootstrap interval of ``foedus compare --baseline`` (:func:`foedus.experiments.paired_contrast`),
in a table and a forest plot.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html, no_update

import foedus
from foedus.experiments import interval, method_for, paired_contrast

from . import ui

SUMMARY = "run several security systems on the same worlds, with intervals and paired differences"
BOUNDS = {"replications": (1, 50), "years": (1, 100), "n_states": (10, 120), "seed": (0, 2**31 - 1),
          "year": (1816, 2014)}
MAX_WORK = 50 * 100 * 60 * 4   # replications × years × states × charters for one request
KEY_METRICS = ("attempts_per_100", "aggressor_success_rate", "response_rate",
               "effective_response_rate", "state_deaths", "vetoed_determinations",
               "free_riding_rate", "capability_destroyed")
DEFAULT_CHARTERS = ["self-help", "un-1965", "un-no-veto", "collective-security"]
#: The baseline dropdown's value for "no baseline" (no paired differences).
NO_BASELINE = "none"
__all__ = ["BOUNDS", "NO_BASELINE", "SUMMARY", "Request", "difference_figure", "layout",
           "paired_differences", "register", "run_request", "summarise"]


@dataclass(frozen=True)
class Request:
    """One bounded comparison request (built only through :func:`make_request`)."""

    charters: tuple[str, ...]
    replications: int
    years: int
    n_states: int
    seed: int
    year: int | None = None


def make_request(charters: list[str] | None, replications: Any, years: Any, n_states: Any,
                 seed: Any, world: str, year: Any, data_dir: str | None) -> Request:
    """Validate and bound the page's inputs; raise :class:`ValueError` with a message."""
    known = set(foedus.builtin_charter_ids())
    chosen = tuple(c for c in dict.fromkeys(charters or []) if c in known)[:8]
    if not chosen:
        raise ValueError("choose at least one system")
    b = BOUNDS
    req = Request(chosen, ui.bounded_int(replications, *b["replications"], 5),
                  ui.bounded_int(years, *b["years"], 30), ui.bounded_int(n_states, *b["n_states"], 40),
                  ui.bounded_int(seed, *b["seed"], 0),
                  ui.bounded_int(year, *b["year"], 1950) if world == "historical" else None)
    if req.year is not None and not data_dir:
        raise ValueError("historical worlds need the data: start the app with --data-dir")
    work = req.replications * req.years * req.n_states * len(req.charters)
    if work > MAX_WORK:
        raise ValueError("too large for the app: fewer replications, years or states "
                         "(use `foedus compare` for big runs)")
    return req


def run_request(req: Request, progress: Callable[[int, int], None], cancel: threading.Event,
                data_dir: str | None = None) -> pd.DataFrame:
    """Every (replication, charter) run in order; stops early when ``cancel`` is set."""
    world = foedus.world_for_year(req.year, data_dir=data_dir) if req.year is not None else None
    total = req.replications * len(req.charters)
    rows: list[dict[str, Any]] = []
    progress(0, total)
    for r in range(req.replications):
        for c in req.charters:
            if cancel.is_set():
                return pd.DataFrame(rows)
            res = foedus.simulate(c, world=world.copy() if world is not None else None,
                                  years=req.years, n_states=req.n_states,
                                  rng=np.random.SeedSequence(req.seed, spawn_key=(0, r)))
            rows.append({"charter": c, "replication": r, **res.metrics})
            progress(len(rows), total)
    return pd.DataFrame(rows)


def summarise(runs: pd.DataFrame, metrics: tuple[str, ...] = KEY_METRICS) -> pd.DataFrame:
    """Mean and 95% interval per charter and metric, by the metric's method (as in
    ``foedus compare``); ``n`` counts the runs that define the metric."""
    out = []
    for c, grp in runs.groupby("charter", sort=False):
        for m in metrics:
            if m in grp:
                iv = interval(grp[m].to_numpy(float), m)
                out.append({"charter": c, "metric": m, "mean": iv.mean, "ci_low": iv.low,
                            "ci_high": iv.high, "n": iv.n, "method": method_for(m)})
    return pd.DataFrame(out)


def paired_differences(runs: pd.DataFrame, baseline: str,
                       metrics: tuple[str, ...] = KEY_METRICS) -> pd.DataFrame:
    """Mean difference from ``baseline`` per charter and metric, paired by replication (common
    random numbers: the same replication is the same world), with the paired BCa bootstrap
    interval of ``foedus compare --baseline``; ``clear`` when the interval excludes 0."""
    out = []
    base = runs[runs["charter"] == baseline].set_index("replication")
    for c, grp in runs.groupby("charter", sort=False):
        if c == baseline:
            continue
        g = grp.set_index("replication")
        common = g.index.intersection(base.index)
        for m in metrics:
            if m in g:
                iv = paired_contrast(g.loc[common, m].to_numpy(float),
                                     base.loc[common, m].to_numpy(float), m)
                clear = bool(np.isfinite(iv.low) and (iv.low > 0 or iv.high < 0))
                out.append({"charter": c, "metric": m, "difference": iv.mean, "ci_low": iv.low,
                            "ci_high": iv.high, "pairs": iv.n, "method": iv.method,
                            "clear": clear})
    return pd.DataFrame(out)


def difference_figure(diffs: pd.DataFrame, metric: str, baseline: str) -> go.Figure:
    """Forest plot of one metric: each system's paired difference from ``baseline`` with its
    95% interval, 0 marked; red where the interval excludes 0."""
    t = diffs[diffs["metric"] == metric] if not diffs.empty else diffs
    fig = go.Figure()
    if not t.empty:
        fig.add_scatter(x=t["difference"], y=t["charter"], mode="markers",
                        marker={"size": 10, "color": ["#b2182b" if c else "#555555"
                                                      for c in t["clear"]]},
                        error_x={"type": "data", "symmetric": False,
                                 "array": (t["ci_high"] - t["difference"]).fillna(0),
                                 "arrayminus": (t["difference"] - t["ci_low"]).fillna(0)})
    fig.add_vline(x=0.0, line_color="#444444", line_width=1)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=f"{metric}: difference from {baseline} (paired; red: excludes 0)",
                      margin={"l": 100, "r": 10, "t": 40, "b": 40})
    return fig


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    clean = df.round(4).astype(object).where(pd.notna(df), None)
    return [{str(k): v for k, v in r.items()} for r in clean.to_dict(orient="records")]


def metric_figure(table: pd.DataFrame, metric: str) -> go.Figure:
    """Means with 95% intervals of one metric, one bar per system."""
    t = table[table["metric"] == metric]
    fig = go.Figure(go.Bar(x=t["charter"], y=t["mean"], marker_color="#1565c0",
                           error_y={"type": "data", "symmetric": False,
                                    "array": (t["ci_high"] - t["mean"]).fillna(0),
                                    "arrayminus": (t["mean"] - t["ci_low"]).fillna(0)}))
    fig.update_layout(title=f"{metric}: mean and 95% interval",
                      margin={"l": 40, "r": 10, "t": 40, "b": 80})
    return fig


def layout(cfg: Any) -> html.Div:
    """The page."""
    ids = foedus.builtin_charter_ids()
    has_data = bool(cfg.data_dir)
    b = BOUNDS
    world_opts = [{"label": "synthetic (seeded)", "value": "synthetic"},
                  {"label": "historical year (Correlates of War, ATOP)", "value": "historical",
                   "disabled": not has_data}]
    controls = html.Div([
        ui.field("Systems", dcc.Dropdown(ui.options(ids), DEFAULT_CHARTERS, id="systems-charters",
                                         multi=True), "at most 8"),
        ui.field("Baseline", dcc.Dropdown([{"label": "none (no differences)", "value": NO_BASELINE},
                                           *ui.options(ids)], "self-help", id="systems-baseline",
                                          clearable=False),
                 "paired differences from this system (it must be among the systems)"),
        ui.field("World", dcc.RadioItems(world_opts, "synthetic", id="systems-world"),
                 "" if has_data else "historical worlds need `foedus app --data-dir PATH`"),
        ui.field("Year", dcc.Slider(*b["year"], 1, value=1950, id="systems-year",
                                    marks={y: str(y) for y in range(1820, 2015, 40)},
                                    tooltip={"always_visible": False})),
        ui.field("Replications", dcc.Input(id="systems-reps", type="number", value=5,
                                           min=b["replications"][0], max=b["replications"][1])),
        ui.field("Years", dcc.Input(id="systems-years", type="number", value=30,
                                    min=b["years"][0], max=b["years"][1])),
        ui.field("States (synthetic)", dcc.Input(id="systems-states", type="number", value=40,
                                                 min=b["n_states"][0], max=b["n_states"][1])),
        ui.field("Seed", dcc.Input(id="systems-seed", type="number", value=0, min=0)),
    ], className="controls")
    return ui.page(
        "page-systems", "Systems compared",
        f"Run several security systems on the same seeded worlds (replications "
        f"{b['replications'][0]}–{b['replications'][1]}, years {b['years'][0]}–{b['years'][1]}, "
        f"states {b['n_states'][0]}–{b['n_states'][1]}). Runs go on in the background; the page "
        "stays usable and a run can be cancelled.",
        controls,
        html.Div([html.Button("Run", id="systems-run"), html.Button("Cancel", id="systems-cancel"),
                  html.Button("Download CSV", id="systems-csv")], className="buttons"),
        html.Div(html.Div(id="systems-bar", className="bar-fill", style={"width": "0%"}),
                 className="bar"),
        html.Div(id="systems-status"),
        dcc.Interval(id="systems-poll", interval=400, disabled=True),
        dcc.Store(id="systems-job"), dcc.Download(id="systems-download"),
        ui.field("Metric", dcc.Dropdown(ui.options(KEY_METRICS), "aggressor_success_rate",
                                        id="systems-metric", clearable=False)),
        ui.graph("systems-figure", 340),
        html.H2("Means and 95% intervals"), html.Div(id="systems-table"),
        html.H2("Paired differences from the baseline"),
        html.P("Each system minus the baseline in the same replication (the same world and random "
               "stream), averaged over replications, with the paired BCa bootstrap interval: an "
               "interval that excludes 0 (red) is an effect that overlapping intervals above can "
               "hide.", className="muted"),
        ui.graph("systems-diff-figure", 300),
        html.Div(id="systems-diff"),
        html.P([html.B("Metrics: ")] + [html.Span(f"{m}: {foedus.METRICS[m]} ")
                                        for m in KEY_METRICS if m in foedus.METRICS],
               className="muted"))


def register(app: Any, cfg: Any, jobs: Any) -> None:
    """The page's callbacks."""

    @app.callback(Output("systems-job", "data"), Output("systems-poll", "disabled"),
                  Output("systems-status", "children", allow_duplicate=True),
                  Input("systems-run", "n_clicks"),
                  State("systems-charters", "value"), State("systems-reps", "value"),
                  State("systems-years", "value"), State("systems-states", "value"),
                  State("systems-seed", "value"), State("systems-world", "value"),
                  State("systems-year", "value"), prevent_initial_call=True)
    def start(_n: Any, charters: Any, reps: Any, years: Any, states: Any, seed: Any,
              world: str, year: Any) -> tuple[Any, Any, Any]:
        try:
            req = make_request(charters, reps, years, states, seed, world, year, cfg.data_dir)
            job = jobs.submit(lambda p, c: run_request(req, p, c, cfg.data_dir))
        except (ValueError, RuntimeError) as exc:
            return no_update, True, ui.error_box(str(exc))
        return job.id, False, "running…"

    @app.callback(Output("systems-status", "children", allow_duplicate=True),
                  Input("systems-cancel", "n_clicks"), State("systems-job", "data"),
                  prevent_initial_call=True)
    def cancel(_n: Any, job_id: str | None) -> str:
        jobs.cancel(job_id)
        return "cancelling…"

    @app.callback(Output("systems-bar", "style"), Output("systems-status", "children"),
                  Output("systems-poll", "disabled", allow_duplicate=True),
                  Output("systems-table", "children"), Output("systems-diff", "children"),
                  Output("systems-figure", "figure"), Output("systems-diff-figure", "figure"),
                  Input("systems-poll", "n_intervals"), Input("systems-metric", "value"),
                  Input("systems-baseline", "value"), State("systems-job", "data"),
                  prevent_initial_call=True)
    def poll(_n: Any, metric: str, baseline: str, job_id: str | None) -> tuple[Any, ...]:
        return poll_job(jobs.get(job_id), metric, baseline)

    @app.callback(Output("systems-download", "data"), Input("systems-csv", "n_clicks"),
                  State("systems-job", "data"), prevent_initial_call=True)
    def download(_n: Any, job_id: str | None) -> Any:
        job = jobs.get(job_id)
        if job is None or not isinstance(job.result, pd.DataFrame) or job.result.empty:
            return no_update
        return dcc.send_data_frame(job.result.to_csv, "foedus-comparison.csv", index=False)


def _differences(runs: pd.DataFrame, metric: str, baseline: str | None) -> tuple[Any, go.Figure]:
    """The table (or a note) and the forest plot of the paired differences."""
    if not baseline or baseline == NO_BASELINE:
        return html.P("no baseline chosen", className="muted"), go.Figure()
    if baseline not in set(runs["charter"]):
        return (html.P(f"the baseline {baseline} is not among the systems run: add it, or "
                       "choose one of them", className="muted", id="systems-diff-note"),
                go.Figure())
    diffs = paired_differences(runs, baseline)
    return ui.table(_records(diffs)), difference_figure(diffs, metric, baseline)


def poll_job(job: Any, metric: str, baseline: str | None) -> tuple[Any, ...]:
    """The progress bar, status line and (when done) the tables and figures."""
    if job is None:
        return {"width": "0%"}, "no run yet", True, [], [], go.Figure(), go.Figure()
    pct = 100 * job.done / max(job.total, 1)
    status = {"running": f"running: {job.done} of {job.total} runs",
              "finished": f"finished: {job.done} runs", "failed": f"failed: {job.error}",
              "cancelled": f"cancelled after {job.done} of {job.total} runs"}[job.status]
    done = job.status != "running"
    runs = job.result if isinstance(job.result, pd.DataFrame) else None
    if not done or runs is None or runs.empty or "charter" not in runs:
        return {"width": f"{pct:.0f}%"}, status, done, no_update, no_update, no_update, no_update
    table = summarise(runs)
    diff_table, diff_fig = _differences(runs, metric, baseline)
    return ({"width": f"{pct:.0f}%"}, html.Span(status, id="systems-done"), True,
            ui.table(_records(table)), diff_table, metric_figure(table, metric), diff_fig)
