"""Page 2, rules and power: change a body's threshold, vetoes and seats; see who holds power.

Thin layer over ``foedus.voting_game`` (the body as the charter has it) and
``foedus.rules.VotingGame`` / ``foedus.power_indices`` (the edited body): exact Shapley–Shubik,
Banzhaf and Coleman's power to act (docs/voting-power.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

import foedus

from . import ui

SUMMARY = "change a body's threshold, vetoes or seats and see Shapley–Shubik and Banzhaf power"
MAX_SEATS = 200
GENERIC = ("elected-", "member-")
__all__ = ["SUMMARY", "Edit", "bars_figure", "compare_power", "edited_game", "layout",
           "original_game", "register"]


@dataclass(frozen=True)
class Edit:
    """The user's changes to a body: quota, veto holders, permanent seats added, seat count."""

    quota: int
    veto: tuple[str, ...]
    added: tuple[str, ...] = ()
    generic: int = 0          # elected seats (fixed body) or members (all-members body)


def voting_bodies(charter: str) -> list[str]:
    """Bodies of a charter (empty for systems without a deciding body)."""
    return [b.id for b in foedus.load_charter(charter).bodies]


def original_game(charter: str, body: str, question: str) -> Any:
    """The body's voting game as the charter defines it (all seats present)."""
    ch = foedus.load_charter(charter)
    b = ch.body(body)
    members = None
    if b.composition != "fixed" and not isinstance(ch.membership.members, list):
        members = min(ch.membership.size or 50, MAX_SEATS)
    return foedus.voting_game(ch, body, question, members=members)


def default_edit(game: Any) -> Edit:
    """The edit that reproduces ``game``."""
    generic = sum(p.startswith(GENERIC) for p in game.players)
    return Edit(game.quota, tuple(sorted(game.veto)), (), generic)


def edited_game(game: Any, edit: Edit) -> Any:
    """The original game with the edit applied; inputs are bounded (at most 200 seats)."""
    named = [p for p in game.players if not p.startswith(GENERIC)]
    prefix = next((g for g in GENERIC for p in game.players if p.startswith(g)), "elected-")
    added = [foedus.state_info(s).abb for s in edit.added][:50]
    players = list(dict.fromkeys(named + added))
    room = max(0, MAX_SEATS - len(players))
    players += [f"{prefix}{k + 1}" for k in range(max(0, min(edit.generic, room)))]
    if not players:
        raise ValueError("the body needs at least one seat")
    quota = max(1, min(int(edit.quota), len(players)))
    veto = frozenset(v for v in edit.veto if v in players)
    return foedus.rules.VotingGame(players=tuple(players), weights=(1,) * len(players), quota=quota,
                             veto=veto)


def _by_type(game: Any, values: list[float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for p, v in zip(game.players, values, strict=True):
        if p.startswith(GENERIC):
            key = ("each elected seat" if p.startswith("elected-") else "each member")
            key += " (veto)" if p in game.veto else ""
            out.setdefault(key, v)
        else:
            out[p] = v
    return out


def compare_power(game: Any, edited: Any) -> list[dict[str, Any]]:
    """One row per seat (or per kind of identical seat): both games' indices side by side."""
    a, b = foedus.power_indices(game), foedus.power_indices(edited)
    cols = {"ss_original": _by_type(game, list(a.shapley_shubik)),
            "ss_edited": _by_type(edited, list(b.shapley_shubik)),
            "bz_original": _by_type(game, list(a.banzhaf)),
            "bz_edited": _by_type(edited, list(b.banzhaf))}
    seats = list(dict.fromkeys([*cols["ss_original"], *cols["ss_edited"]]))
    rows = []
    for s in seats:
        row: dict[str, Any] = {"seat": s, "veto": "yes" if s in edited.veto else ""}
        row.update({k: round(v.get(s, 0.0), 5) for k, v in cols.items()})
        rows.append(row)
    return rows


def bars_figure(rows: list[dict[str, Any]], index: str, title: str) -> go.Figure:
    """Grouped bars: the original body and the edited one."""
    seats = [r["seat"] for r in rows]
    fig = go.Figure([go.Bar(name="original", x=seats, y=[r[f"{index}_original"] for r in rows],
                            marker_color="#90a4ae"),
                     go.Bar(name="edited", x=seats, y=[r[f"{index}_edited"] for r in rows],
                            marker_color="#1565c0")])
    fig.update_layout(title=title, barmode="group", margin={"l": 40, "r": 10, "t": 40, "b": 60},
                      yaxis={"title": "share of power"}, legend={"orientation": "h"})
    return fig


def layout(cfg: Any) -> html.Div:
    """The page."""
    charters = [c for c in foedus.builtin_charter_ids() if voting_bodies(c)]
    states = ui.options([s.abb for s in foedus.states()],
                        {s.abb: f"{s.abb} — {s.name}" for s in foedus.states()})
    controls = html.Div([
        ui.field("Charter", dcc.Dropdown(ui.options(charters), "un-1965", id="power-charter",
                                         clearable=False)),
        ui.field("Body", dcc.Dropdown(id="power-body", clearable=False)),
        ui.field("Question (rule)", dcc.Dropdown(id="power-question", clearable=False)),
    ], className="controls")
    edits = html.Div([
        ui.field("Votes needed (quota)", dcc.Input(id="power-quota", type="number", min=1,
                                                   max=MAX_SEATS, step=1)),
        ui.field("Elected seats / members", dcc.Input(id="power-generic", type="number",
                                                       min=0, max=MAX_SEATS, step=1),
                 f"at most {MAX_SEATS} seats in all"),
        ui.field("Add permanent members", dcc.Dropdown(states, [], id="power-added", multi=True)),
        ui.field("Veto holders", dcc.Checklist(id="power-veto", inline=True)),
    ], className="controls")
    return ui.page("page-power", "Rules and power",
                   "Who can decide? Change the threshold, give or take the veto, add permanent "
                   "members or elected seats, and compare the a-priori voting power of every "
                   "seat with the body as the charter made it (Shapley & Shubik 1954; Penrose "
                   "1946, Banzhaf 1965; Coleman 1971: see docs/voting-power.md).",
                   controls, html.H2("Your changes"), edits, html.Div(id="power-act"),
                   html.Div([html.Div(ui.graph("power-ss", 340), className="col"),
                             html.Div(ui.graph("power-bz", 340), className="col")],
                            className="row"),
                   html.Div(id="power-table"),
                   html.Div(id="power-error"))


def register(app: Any, cfg: Any, jobs: Any) -> None:
    """The page's callbacks."""

    @app.callback(Output("power-body", "options"), Output("power-body", "value"),
                  Input("power-charter", "value"))
    def bodies(charter: str) -> tuple[Any, Any]:
        ids = voting_bodies(charter) if charter in foedus.builtin_charter_ids() else []
        return ui.options(ids), (ids[0] if ids else None)

    @app.callback(Output("power-question", "options"), Output("power-question", "value"),
                  Input("power-body", "value"), State("power-charter", "value"))
    def questions(body: str, charter: str) -> tuple[Any, Any]:
        if not body or body not in voting_bodies(charter):
            return [], None
        rules = list(foedus.load_charter(charter).body(body).rules)
        return ui.options(rules), ("determination" if "determination" in rules else rules[0])

    @app.callback(Output("power-quota", "value"), Output("power-generic", "value"),
                  Output("power-veto", "options"), Output("power-veto", "value"),
                  Output("power-added", "value"),
                  Input("power-question", "value"), State("power-body", "value"),
                  State("power-charter", "value"))
    def reset(question: str, body: str, charter: str) -> tuple[Any, ...]:
        try:
            game = original_game(charter, body, question)
        except (foedus.FoedusError, ValueError, KeyError, TypeError):
            return None, None, [], [], []
        e = default_edit(game)
        named = [p for p in game.players if not p.startswith(GENERIC)]
        return e.quota, e.generic, ui.options(named), list(e.veto), []

    @app.callback(Output("power-ss", "figure"), Output("power-bz", "figure"),
                  Output("power-table", "children"), Output("power-act", "children"),
                  Output("power-error", "children"), Output("power-veto", "options",
                                                            allow_duplicate=True),
                  Input("power-quota", "value"), Input("power-generic", "value"),
                  Input("power-veto", "value"), Input("power-added", "value"),
                  State("power-question", "value"), State("power-body", "value"),
                  State("power-charter", "value"), prevent_initial_call=True)
    def compute(quota: Any, generic: Any, veto: list[str] | None, added: list[str] | None,
                question: str, body: str, charter: str) -> tuple[Any, ...]:
        return compute_page(charter, body, question, quota, generic, veto or [], added or [])


def compute_page(charter: str, body: str, question: str, quota: Any, generic: Any,
                 veto: list[str], added: list[str]) -> tuple[Any, ...]:
    """Figures, table and power to act for one set of edits (inputs bounded here)."""
    empty = go.Figure()
    try:
        game = original_game(charter, body, question)
        edit = Edit(ui.bounded_int(quota, 1, MAX_SEATS, game.quota),
                    tuple(veto), tuple(added[:50]),
                    ui.bounded_int(generic, 0, MAX_SEATS, 0))
        new = edited_game(game, edit)
        rows = compare_power(game, new)
    except (foedus.FoedusError, ValueError, KeyError, TypeError) as exc:
        return empty, empty, [], [], ui.error_box(str(exc)), []
    a, b = foedus.power_indices(game), foedus.power_indices(new)
    act = html.P([html.B("Power to act (Coleman): "),
                  f"original {a.power_to_act:.5f}, edited ",
                  html.Span(f"{b.power_to_act:.5f}", id="power-act-value"),
                  f" — the chance that a random proposal passes. Edited body: {new.n} seats, "
                  f"{new.quota} votes needed, vetoes: {', '.join(sorted(new.veto)) or 'none'}."])
    named = [p for p in new.players if not p.startswith(GENERIC)]
    return (bars_figure(rows, "ss", "Shapley–Shubik index"), bars_figure(rows, "bz",
            "Banzhaf index (normalised)"), ui.table(rows), act, "", ui.options(named))
