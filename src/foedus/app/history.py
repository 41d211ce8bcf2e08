"""Page 1, history step by step: a case's decisions on a timeline, the body on the day, what if.

Thin layer over ``foedus.load_case`` and ``foedus.replay``: a clicked seat becomes a change
``"DECISION:STATE=VOTE"`` (as ``foedus case replay --set``), another charter a ``charter=``;
the whole record is replayed at once, so everything downstream recomputes.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, State, ctx, dcc, html, no_update

import foedus

from . import ui

SUMMARY = "step through a real crisis vote by vote; click a seat or change the charter"
MAX_CHANGES = 200
CYCLE = {"yes": "no", "no": "abstain", "abstain": "absent", "absent": "yes"}
STATUS_TEXT = {
    "as-recorded": "as recorded", "flipped": "FLIPS: the outcome differs from the record",
    "unnecessary": "UNNECESSARY: the fallback is no longer needed",
    "unreached": "NOT REACHED AS RECORDED: it builds on a decision that now fails",
    "disagrees": "the rules disagree with the record",
}
__all__ = ["SUMMARY", "apply_click", "layout", "register", "replay_case", "seat_positions",
           "seats_figure", "timeline_figure"]


@lru_cache(maxsize=256)
def replay_case(case_id: str, changes: tuple[str, ...] = (), charter: str | None = None) -> Any:
    """``foedus.replay`` memoised (a replay is a pure function of its arguments)."""
    return foedus.replay(case_id, changes=list(changes), charter=charter or None)


def apply_click(changes: list[str], decision: str, state: str, current: str,
                recorded: str) -> list[str]:
    """The changes after clicking ``state``'s seat on ``decision``: the vote moves on one step
    (yes → no → abstain → absent → yes); a vote back at the record drops the change."""
    new_vote = CYCLE.get(current, "yes")
    prefix = f"{decision}:{state}="
    kept = [c for c in changes if not c.startswith(prefix)]
    if new_vote != recorded:
        kept.append(prefix + new_vote)
    return kept[-MAX_CHANGES:]


def seat_positions(n: int) -> list[tuple[float, float]]:
    """Seats of a hemicycle, left to right: rows of arcs, outer rows holding more seats."""
    if n <= 0:
        return []
    rows = max(1, round(math.sqrt(n / 3)))
    radii = [1.0 + 0.45 * r for r in range(rows)]
    share = [r / sum(radii) for r in radii]
    per_row = [max(1, round(n * s)) for s in share]
    per_row[-1] += n - sum(per_row)
    if per_row[-1] < 1:
        per_row = [n] + [0] * (rows - 1)
    seats: list[tuple[float, float, float]] = []
    for radius, count in zip(radii, per_row, strict=True):
        for k in range(count):
            angle = math.pi * (1 - (k + 0.5) / count) if count > 1 else math.pi / 2
            seats.append((angle, radius * math.cos(angle), radius * math.sin(angle)))
    seats.sort(key=lambda s: -s[0])
    return [(x, y) for _, x, y in seats]


def _seat_rows(dr: Any, recorded: dict[str, str]) -> list[dict[str, Any]]:
    rows = [{"state": s, "vote": v, "changed": recorded.get(s, v) != v,
             "np": s in dr.not_participating} for s, v in dr.votes.items()]
    for kind in ui.VOTE_ORDER:
        rows += [{"state": None, "vote": kind, "changed": False, "np": False}
                 for _ in range(int(dr.counts.get(kind, 0)))]
    return rows


def seats_figure(dr: Any, parties: set[str], recorded: dict[str, str]) -> go.Figure:
    """The body on the day: one dot per seat, coloured by vote; parties ringed in black,
    changes from the record starred, absentees hollow, unnamed (tally-only) votes small."""
    rows = _seat_rows(dr, recorded)
    pos = seat_positions(len(rows))
    fig = go.Figure()
    for kind in ui.VOTE_ORDER:
        idx = [i for i, r in enumerate(rows) if r["vote"] == kind]
        if not idx:
            continue
        fig.add_trace(go.Scatter(
            x=[pos[i][0] for i in idx], y=[pos[i][1] for i in idx], mode="markers+text",
            name=kind, customdata=[rows[i]["state"] or "" for i in idx],
            text=[rows[i]["state"] or "" for i in idx], textposition="top center",
            textfont={"size": 10 if len(rows) <= 30 else 1},
            hovertext=[_seat_hover(rows[i], parties) for i in idx], hoverinfo="text",
            marker={"size": [_seat_size(rows[i], len(rows)) for i in idx],
                    "color": ui.VOTE_COLOURS[kind] if kind != "absent" else "white",
                    "symbol": ["star" if rows[i]["changed"] else "circle" for i in idx],
                    "line": {"width": [3 if rows[i]["state"] in parties else 1.5 for i in idx],
                             "color": ["black" if rows[i]["state"] in parties
                                       else ui.VOTE_COLOURS[kind] for i in idx]}}))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white",
                      xaxis={"visible": False, "range": [-2.1, 2.1]},
                      yaxis={"visible": False, "scaleanchor": "x", "range": [-0.2, 2.1]},
                      legend={"orientation": "h", "y": -0.02}, clickmode="event")
    return fig


def _seat_size(row: dict[str, Any], n: int) -> int:
    base = 26 if n <= 30 else 14 if n <= 80 else 9
    return base if row["state"] else max(6, base - 6)


def _seat_hover(row: dict[str, Any], parties: set[str]) -> str:
    if row["state"] is None:
        return f"{row['vote']} (recorded only in the tally: cannot be changed)"
    name = foedus.state_info(row["state"]).name
    bits = [f"{name} ({row['state']}): {row['vote']}"]
    if row["np"]:
        bits.append("present, not participating")
    if row["state"] in parties:
        bits.append("party to the dispute")
    if row["changed"]:
        bits.append("changed from the record")
    return "<br>".join([*bits, "click to change"])


def timeline_figure(rp: Any, current: int) -> go.Figure:
    """Decisions by date; colour = computed outcome; a cross where it differs from the record."""
    ds = rp.decisions
    fig = go.Figure(go.Scatter(
        x=[d.date.isoformat() for d in ds], y=[0] * len(ds), mode="markers+text",
        text=[d.id for d in ds], textposition="top center", customdata=list(range(len(ds))),
        hovertext=[f"{d.document}: {d.title}<br>computed {d.computed}, recorded {d.recorded}"
                   for d in ds], hoverinfo="text",
        marker={"size": [22 if i == current else 14 for i in range(len(ds))],
                "color": [ui.OUTCOME_COLOURS[d.computed] for d in ds],
                "symbol": ["x" if d.status != "as-recorded" else "circle" for d in ds],
                "line": {"width": [3 if i == current else 0 for i in range(len(ds))],
                         "color": "black"}}))
    fig.update_layout(height=140, margin={"l": 20, "r": 20, "t": 30, "b": 30},
                      yaxis={"visible": False, "range": [-1, 1.5]}, plot_bgcolor="white",
                      showlegend=False)
    return fig


def layout(cfg: Any) -> html.Div:
    """The page."""
    ids = foedus.builtin_case_ids()
    labels = {c.id: f"{c.title} ({c.period})" for c in foedus.history.builtin_cases()}
    charters = [{"label": "as recorded (the case's charter)", "value": ""}]
    charters += ui.options(foedus.builtin_charter_ids())
    first = render("korea-1950", "", 0, [])   # drawn with the page: no round trip on load
    controls = html.Div([
        ui.field("Case", dcc.Dropdown(ui.options(ids, labels), "korea-1950", id="history-case",
                                      clearable=False)),
        ui.field("Rules (charter)", dcc.Dropdown(charters, "", id="history-charter",
                                                 clearable=False)),
        html.Div([html.Button("◀ Previous", id="history-prev"),
                  html.Button("Next ▶", id="history-next"),
                  html.Button("Reset to the record", id="history-reset")], className="buttons"),
    ], className="controls")
    return ui.page("page-history", "History, step by step",
                   "Each decision as it was taken: the body on the day, the rule and its "
                   "article, the reason, what followed and the sources. Click a seat to change "
                   "its vote (yes → no → abstain → absent), or choose other rules: every "
                   "decision is replayed at once and differences from the record are marked.",
                   controls, html.Div(first[3], id="history-summary"),
                   ui.graph("history-timeline", 140, figure=first[0]),
                   html.Div([html.Div(ui.graph("history-seats", 380, figure=first[1]),
                                      className="col"),
                             html.Div(first[2], id="history-detail", className="col")],
                            className="row"),
                   html.Div(first[4], id="history-followed"),
                   dcc.Store(id="history-step", data=0), dcc.Store(id="history-changes", data=[]))


def _detail(case: Any, rp: Any, i: int) -> list[Any]:
    d = rp.decisions[i]
    refs = {s.id: s.ref for s in case.sources}
    cls = "status " + ("same" if d.status == "as-recorded" else "differs")
    parts: list[Any] = [
        html.H2(f"{i + 1}. {d.document} — {d.date:%d %b %Y}"),
        html.P(d.title, className="lead"),
        html.Div(STATUS_TEXT.get(d.status, d.status), id="history-status", className=cls),
        html.P([html.B("Computed: "), html.Span(d.computed.upper(), id="history-outcome",
                                                className=f"outcome {d.computed}"),
                " — ", d.decision.reason]),
        html.P([html.B("Recorded: "), d.recorded.upper(),
                f" ({d.recorded_tally})" if d.recorded_tally else "",
                " — article on record: ", d.recorded_article]),
        html.P([html.B("Rule: "), d.rule, " — ", html.I(d.article)]),
    ]
    if d.changes:
        parts.append(html.P([html.B("Changed here: "), "; ".join(d.changes)]))
    if d.decided:
        parts.append(html.P([html.B("Decided: "), d.decided]))
    if d.next:
        parts.append(html.Div([html.B("What the procedure does next:"),
                               html.Ul([html.Li(t) for t in d.next])]))
    if d.uncertain:
        parts.append(html.P("⚠ " + d.uncertain, className="muted"))
    parts += [html.B("Sources"), ui.sources_list(d.sources, refs)]
    return parts


def _followed(case: Any) -> html.Div:
    refs = {s.id: s.ref for s in case.sources}
    items = []
    for f in case.followed:
        when = f.date.isoformat() if f.date else f.when
        cite = f" [{', '.join(f.sources)}]" if f.sources else ""
        art = f" ({f.article})" if f.article else ""
        items.append(html.Li([html.B(when + ": "), f.text + art + cite]))
    used = sorted({s for f in case.followed for s in f.sources})
    return html.Div([html.H2("What followed"), html.Ul(items),
                     ui.sources_list(used, refs)] if items else [])


def _summary(case: Any, rp: Any) -> list[Any]:
    flips = rp.flipped
    head = (f"{len(flips)} decision(s) now differ from the record: {', '.join(flips)}"
            if flips else "All computed outcomes equal the record." if rp.all_agree
            else "The rules disagree with the record on some decisions.")
    return [html.P(case.summary),
            html.P([html.B(f"Rules: {rp.charter_name} ({rp.charter}). "), head],
                   className="differs" if flips else "")] + [
        html.P(n, className="muted") for n in rp.notes]


def register(app: Any, cfg: Any, jobs: Any) -> None:
    """The page's callbacks."""

    @app.callback(Output("history-step", "data"), Output("history-changes", "data"),
                  Input("history-prev", "n_clicks"), Input("history-next", "n_clicks"),
                  Input("history-timeline", "clickData"), Input("history-case", "value"),
                  Input("history-reset", "n_clicks"), Input("history-seats", "clickData"),
                  State("history-step", "data"), State("history-changes", "data"),
                  State("history-charter", "value"), prevent_initial_call=True)
    def navigate(_p: Any, _n: Any, tl: Any, case_id: str, _r: Any, seat: Any, step: int,
                 changes: list[str], charter: str) -> tuple[Any, Any]:
        return on_event(ctx.triggered_id, case_id, step or 0, changes or [], charter, tl, seat)

    @app.callback(Output("history-timeline", "figure"), Output("history-seats", "figure"),
                  Output("history-detail", "children"), Output("history-summary", "children"),
                  Output("history-followed", "children"),
                  Input("history-case", "value"), Input("history-charter", "value"),
                  Input("history-step", "data"), Input("history-changes", "data"),
                  prevent_initial_call=True)
    def show(case_id: str, charter: str, step: int, changes: list[str]) -> tuple[Any, ...]:
        return render(case_id, charter, step or 0, changes or [])



def on_event(trigger: Any, case_id: str, step: int, changes: list[str], charter: str | None,
             timeline_click: Any, seat_click: Any) -> tuple[Any, Any]:
    """New (step, changes) after a button, a timeline click, a seat click or a new case."""
    if case_id not in foedus.builtin_case_ids():
        return 0, []
    n = len(foedus.load_case(case_id).decisions)
    if trigger == "history-case":
        return 0, []
    if trigger == "history-reset":
        return step, []
    if trigger == "history-prev":
        return max(0, step - 1), no_update
    if trigger == "history-next":
        return min(n - 1, step + 1), no_update
    if trigger == "history-timeline" and timeline_click:
        return int(timeline_click["points"][0]["customdata"]) % n, no_update
    if trigger == "history-seats" and seat_click:
        return no_update, seat_changes(case_id, step, changes, charter, seat_click)
    return no_update, no_update


def seat_changes(case_id: str, step: int, changes: list[str], charter: str | None,
                 click: dict[str, Any]) -> Any:
    """The changes after a click on a seat of decision ``step`` (unnamed seats: no change)."""
    state = click["points"][0].get("customdata") or ""
    if not state:
        return no_update
    try:
        rp = replay_case(case_id, tuple(changes), charter or None)
        base = replay_case(case_id)
    except foedus.FoedusError:
        return no_update
    d = rp.decisions[min(step, len(rp.decisions) - 1)]
    recorded = base.decisions[min(step, len(base.decisions) - 1)].votes.get(state, "absent")
    return apply_click(changes, d.id, state, d.votes.get(state, "absent"), recorded)


def render(case_id: str, charter: str | None, step: int,
           changes: list[str]) -> tuple[Any, ...]:
    """Everything the page shows for one state of its controls."""
    if case_id not in foedus.builtin_case_ids():
        return (no_update, no_update, ui.error_box(f"unknown case {case_id!r}"), [], [])
    case = foedus.load_case(case_id)
    try:
        rp = replay_case(case_id, tuple(changes), charter or None)
    except foedus.FoedusError as exc:
        msg = ui.error_box(f"These rules cannot replay this case: {exc}")
        return (go.Figure(), go.Figure(), msg, [], [])
    step = max(0, min(step, len(rp.decisions) - 1))
    d = rp.decisions[step]
    base = replay_case(case_id).decisions[step]
    src = case.decision(d.id)
    parties = set((src.parties or case.parties).aggressor + (src.parties or case.parties).target
                  + (src.parties or case.parties).others)
    return (timeline_figure(rp, step), seats_figure(d, parties, base.votes),
            _detail(case, rp, step), _summary(case, rp), _followed(case))
