"""Small shared pieces of the pages: colours, bounded inputs, source lists, layout blocks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dash import dcc, html

VOTE_COLOURS = {"yes": "#2e7d32", "no": "#c62828", "abstain": "#f9a825", "absent": "#bdbdbd"}
VOTE_ORDER = ("yes", "no", "abstain", "absent")
OUTCOME_COLOURS = {"adopted": "#2e7d32", "failed": "#c62828"}
GRAPH_CONFIG: Any = {"displaylogo": False, "topojsonURL": "/_foedus/topojson/",
                                "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def bounded_int(value: Any, lo: int, hi: int, default: int) -> int:
    """``value`` as an int clipped to ``[lo, hi]``; ``default`` when it is not a number."""
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return default
    return max(lo, min(hi, number))


def options(values: Iterable[str], labels: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Dropdown options from values (and optional labels)."""
    return [{"label": (labels or {}).get(v, v), "value": v} for v in values]


def graph(graph_id: str, height: int = 360, **kwargs: Any) -> dcc.Graph:
    """A Plotly graph with the app's config (local map topology, no logo)."""
    return dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": f"{height}px"}, **kwargs)


def field(label: str, control: Any, note: str = "") -> html.Div:
    """A labelled control."""
    parts: list[Any] = [html.Label(label), control]
    if note:
        parts.append(html.Small(note, className="muted"))
    return html.Div(parts, className="field")


def sources_list(ids: Sequence[str], refs: dict[str, str]) -> html.Ul:
    """The sources cited, by id, with their full references."""
    return html.Ul([html.Li([html.B(i + ": "), refs.get(i, "(not in the case's sources)")])
                    for i in ids], className="sources")


def page(page_id: str, title: str, intro: str, *children: Any) -> html.Div:
    """A page: heading, one-paragraph introduction, content."""
    return html.Div([html.H1(title), html.P(intro, className="intro"), *children],
                    id=page_id, className="page")


def table(rows: list[dict[str, Any]], table_id: str | None = None,
          highlight: str | None = None) -> html.Table:
    """A plain HTML table of records; rows whose ``highlight`` column is truthy are marked."""
    if not rows:
        return html.Table(id=table_id) if table_id else html.Table()
    cols = list(rows[0])
    head = html.Thead(html.Tr([html.Th(c) for c in cols]))
    body = html.Tbody([html.Tr([html.Td("" if r.get(c) is None else str(r.get(c))) for c in cols],
                               className="differs" if highlight and r.get(highlight) else "")
                       for r in rows])
    if table_id:
        return html.Table([head, body], id=table_id, className="records")
    return html.Table([head, body], className="records")


def error_box(text: str) -> html.Div:
    """A visible error message (never a traceback)."""
    return html.Div(text, className="error")
