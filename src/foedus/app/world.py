"""Page 4, the world: a map of a year (capabilities, memberships, alliances) and a simulated
run's crises year by year (who attacked whom, who responded, who died).

Thin layer over ``foedus.world_for_year`` / ``foedus.generate_world``, ``foedus.engine.Institution``
and ``foedus.simulate``. Synthetic worlds have no geography: they are drawn as a scatter of
their capitals' positions on the model's plane, and the page says so.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

import foedus

from . import geo, ui

SUMMARY = "a map of a year's states, alliances and memberships, and a simulated run's crises"
LAYERS = {"capability": "Capabilities (CINC share)", "membership": "Members of the institution",
          "alliances": "Defence pacts (number of partners)", "bloc": "Alliance blocs"}
BOUNDS = {"n_states": (10, 120), "years": (1, 50), "seed": (0, 2**31 - 1), "year": (1816, 2014)}
__all__ = ["BOUNDS", "LAYERS", "SUMMARY", "crises_of_year", "layer_values", "layout",
           "load_world", "map_figure", "register", "simulate_run"]


@lru_cache(maxsize=16)
def load_world(kind: str, seed: int, n_states: int, year: int, data_dir: str | None) -> Any:
    """A world: historical for ``year`` (needs ``data_dir``) or synthetic from ``seed``."""
    if kind == "historical":
        if not data_dir:
            raise ValueError("historical worlds need the data: start the app with --data-dir")
        return foedus.world_for_year(year, data_dir=data_dir)
    return foedus.generate_world(n_states, rng=seed)


def layer_values(world: Any, layer: str, charter: str) -> np.ndarray:
    """One number per state for the chosen layer."""
    if layer == "membership":
        inst = foedus.engine.Institution.in_world(charter, world, np.random.default_rng(0))
        return np.asarray(inst.members, float)
    if layer == "alliances":
        return ((np.asarray(world.alliances) & foedus.world.DEFENCE) > 0).sum(axis=1).astype(float)
    if layer == "bloc":
        return np.asarray(world.bloc, float)
    return np.asarray(world.capability, float)


@lru_cache(maxsize=16)
def simulate_run(kind: str, seed: int, n_states: int, year: int, data_dir: str | None,
                 charter: str, years: int) -> list[dict[str, Any]]:
    """The crises of one seeded run (``foedus.simulate``), as event dictionaries."""
    world = load_world(kind, seed, n_states, year, data_dir).copy()
    res = foedus.simulate(charter, world=world, years=years, rng=np.random.SeedSequence(seed))
    return [e.to_dict() for e in res.events]


def crises_of_year(events: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """The crises of model year ``year`` (1 = the first year)."""
    return [e for e in events if int(e.get("year", 0)) == int(year)]


def _coords(world: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    if world.source == "synthetic":
        pos = np.asarray(world.pos, float)
        return pos[:, 0], pos[:, 1], False
    lat, lon = geo.lat_lon(world)
    return lon, lat, True


def _trace(geo_map: bool, **kw: Any) -> Any:
    if geo_map:
        return go.Scattergeo(lon=kw.pop("x"), lat=kw.pop("y"), **kw)
    return go.Scatter(**kw)


def _crisis_traces(world: Any, crises: list[dict[str, Any]], geo_map: bool) -> list[Any]:
    x, y, _ = _coords(world)
    out: list[Any] = []
    for e in crises:
        a, t = world.index(e["aggressor"]), world.index(e["target"])
        out.append(_trace(geo_map, x=[x[a], x[t]], y=[y[a], y[t]], mode="lines+markers",
                          line={"color": "#c62828", "width": 3}, showlegend=False,
                          hoverinfo="text", text=f"{e['aggressor']} attacks {e['target']}"))
        helpers = [world.index(c) for c in e.get("contributors", [])]
        if helpers:
            out.append(_trace(geo_map, x=x[helpers], y=y[helpers], mode="markers",
                              marker={"color": "#1565c0", "size": 9, "symbol": "diamond"},
                              name="fought for the target", text=e.get("contributors"),
                              hoverinfo="text"))
        if e.get("target_died"):
            out.append(_trace(geo_map, x=[x[t]], y=[y[t]], mode="markers", name="state died",
                              marker={"color": "black", "size": 16, "symbol": "x"},
                              text=[f"{e['target']} dies"], hoverinfo="text"))
    return out


def map_figure(world: Any, values: np.ndarray, label: str,
               crises: list[dict[str, Any]] | None = None) -> go.Figure:
    """A choropleth (worlds from data) or a scatter of capitals (synthetic worlds)."""
    x, y, geo_map = _coords(world)
    alive = np.asarray(world.alive, bool)
    text = [f"{n} ({c}): {v:.4g}" for n, c, v in zip(world.names, world.codes, values,
                                                        strict=True)]
    fig = go.Figure()
    if geo_map:
        ids = [geo.iso3(c) for c in world.codes]
        keep = [i for i, c in enumerate(ids) if c and alive[i]]
        fig.add_trace(go.Choropleth(locations=[ids[i] for i in keep], z=values[keep],
                                    text=[text[i] for i in keep], hoverinfo="text",
                                    locationmode="ISO-3", colorscale="Blues",
                                    colorbar={"title": label}))
        fig.add_trace(go.Scattergeo(lon=x[alive], lat=y[alive], mode="markers",
                                    marker={"size": 4, "color": "#37474f"}, hoverinfo="text",
                                    text=np.array(text)[alive], showlegend=False))
        fig.update_geos(projection_type="natural earth", projection_rotation_lon=0, center_lon=0,
                        showcountries=True,
                        showcoastlines=True, showland=True, landcolor="#f5f5f5")
    else:
        size = 8 + 60 * np.sqrt(np.asarray(world.capability, float))
        fig.add_trace(go.Scatter(x=x[alive], y=y[alive], mode="markers+text",
                                 text=np.array(world.codes)[alive], textposition="top center",
                                 hovertext=np.array(text)[alive], hoverinfo="text",
                                 marker={"size": size[alive], "color": values[alive],
                                         "colorscale": "Blues", "showscale": True,
                                         "line": {"width": 1, "color": "#37474f"},
                                         "colorbar": {"title": label}}, showlegend=False))
        fig.update_layout(xaxis={"title": "km (model plane)"}, yaxis={"title": "km"},
                          plot_bgcolor="white")
    for tr in _crisis_traces(world, crises or [], geo_map):
        fig.add_trace(tr)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"orientation": "h"})
    return fig


def layout(cfg: Any) -> html.Div:
    """The page."""
    has_data = bool(cfg.data_dir)
    b = BOUNDS
    kinds = [{"label": "synthetic (seeded)", "value": "synthetic"},
             {"label": "historical year", "value": "historical", "disabled": not has_data}]
    controls = html.Div([
        ui.field("World", dcc.RadioItems(kinds, "historical" if has_data else "synthetic",
                                         id="world-kind"),
                 "" if has_data else "historical maps need `foedus app --data-dir PATH`"),
        ui.field("Year", dcc.Slider(*b["year"], 1, value=1950, id="world-year",
                                    marks={y: str(y) for y in range(1820, 2015, 40)})),
        ui.field("States (synthetic)", dcc.Input(id="world-states", type="number", value=40,
                                                 min=b["n_states"][0], max=b["n_states"][1])),
        ui.field("Seed", dcc.Input(id="world-seed", type="number", value=1, min=0)),
        ui.field("Show", dcc.Dropdown(ui.options(LAYERS, LAYERS), "capability", id="world-layer",
                                      clearable=False)),
        ui.field("Institution", dcc.Dropdown(ui.options(foedus.builtin_charter_ids()), "un-1945",
                                             id="world-charter", clearable=False)),
    ], className="controls")
    sim = html.Div([
        ui.field("Years to simulate", dcc.Input(id="world-years", type="number", value=20,
                                                min=b["years"][0], max=b["years"][1])),
        html.Div(html.Button("Simulate crises", id="world-run"), className="buttons"),
        ui.field("Model year", dcc.Slider(1, 20, 1, value=1, id="world-step")),
    ], className="controls")
    return ui.page("page-world", "The world",
                   "A year's state system from the Correlates of War and ATOP, or a seeded "
                   "synthetic world; then a simulated run under an institution, crisis by "
                   "crisis: red lines are attacks, blue diamonds the states that fought for "
                   "the target, black crosses states that died.",
                   controls, html.Div(id="world-note", className="muted"),
                   ui.graph("world-map", 460), html.H2("Simulate"), sim,
                   html.Div(id="world-crises"),
                   dcc.Store(id="world-events"))


def register(app: Any, cfg: Any, jobs: Any) -> None:
    """The page's callbacks."""

    @app.callback(Output("world-events", "data"), Output("world-step", "max"),
                  Output("world-step", "value"),
                  Input("world-run", "n_clicks"), State("world-kind", "value"),
                  State("world-seed", "value"), State("world-states", "value"),
                  State("world-year", "value"), State("world-charter", "value"),
                  State("world-years", "value"), prevent_initial_call=True)
    def run(_n: Any, kind: str, seed: Any, n: Any, year: Any, charter: str,
            years: Any) -> tuple[Any, Any, Any]:
        s = _settings(kind, seed, n, year)
        yrs = ui.bounded_int(years, *BOUNDS["years"], 20)
        if charter not in foedus.builtin_charter_ids():
            return [], 1, 1
        events = simulate_run(*s, cfg.data_dir, charter, yrs)
        first = min((int(e["year"]) for e in events), default=1)
        return [_compact(e) for e in events], yrs, first

    @app.callback(Output("world-map", "figure"), Output("world-note", "children"),
                  Output("world-crises", "children"),
                  Input("world-kind", "value"), Input("world-seed", "value"),
                  Input("world-states", "value"), Input("world-year", "value"),
                  Input("world-layer", "value"), Input("world-charter", "value"),
                  Input("world-events", "data"), Input("world-step", "value"))
    def draw(kind: str, seed: Any, n: Any, year: Any, layer: str, charter: str,
             events: list[dict[str, Any]] | None, step: Any) -> tuple[Any, Any, Any]:
        return draw_page(kind, seed, n, year, layer, charter, events or [], step,
                         cfg.data_dir)


def _settings(kind: str, seed: Any, n: Any, year: Any) -> tuple[str, int, int, int]:
    b = BOUNDS
    return ("historical" if kind == "historical" else "synthetic",
            ui.bounded_int(seed, *b["seed"], 1), ui.bounded_int(n, *b["n_states"], 40),
            ui.bounded_int(year, *b["year"], 1950))


def _compact(e: dict[str, Any]) -> dict[str, Any]:
    keys = ("year", "aggressor", "target", "determined", "vetoed_by", "contributors",
            "sanctioners", "aggressor_won", "target_died", "war")
    return {k: e.get(k) for k in keys}


def _row(e: dict[str, Any]) -> dict[str, Any]:
    return {"year": e["year"], "attack": f"{e['aggressor']} → {e['target']}",
            "determined": "yes" if e.get("determined") else "no",
            "vetoed by": ", ".join(e.get("vetoed_by") or []),
            "fought for the target": ", ".join(e.get("contributors") or []) or "nobody",
            "sanctions": len(e.get("sanctioners") or []),
            "winner": "aggressor" if e.get("aggressor_won") else "defenders",
            "target died": "yes" if e.get("target_died") else ""}


def draw_page(kind: str, seed: Any, n: Any, year: Any, layer: str, charter: str,
              events: list[dict[str, Any]], step: Any, data_dir: str | None) -> tuple[Any, ...]:
    """Map, note and crisis table for the controls' values."""
    s = _settings(kind, seed, n, year)
    try:
        world = load_world(*s, data_dir)
        values = layer_values(world, layer if layer in LAYERS else "capability",
                              charter if charter in foedus.builtin_charter_ids() else "un-1945")
    except (ValueError, foedus.FoedusError) as exc:
        return go.Figure(), ui.error_box(str(exc)), []
    crises = crises_of_year(events, ui.bounded_int(step, 1, 100, 1))
    note = ("A synthetic world has no geography: states are drawn at their capitals' "
            "positions on the model's plane (km), sized by capability."
            if world.source == "synthetic" else
            f"{world.n} states in {world.year} (Correlates of War; alliances from ATOP). "
            "Historical states are drawn on their present-day territory.")
    return map_figure(world, values, LAYERS.get(layer, layer), crises), note, \
        ui.table([_row(e) for e in crises])
