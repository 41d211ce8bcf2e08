"""Build and serve the Dash app: pages, routing, the map topology route, settings."""

from __future__ import annotations

import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, dcc, html
from flask import abort, send_from_directory

from . import history, play, power, systems, world
from .jobs import JobManager

HERE = Path(__file__).parent
TOPOJSON_ROUTE = "/_foedus/topojson/"
PAGES: dict[str, Any] = {
    "/history": history, "/power": power, "/systems": systems, "/world": world, "/play": play,
}
TITLES = {"/history": "History step by step", "/power": "Rules and power",
          "/systems": "Systems compared", "/world": "The world", "/play": "Play a state"}


@dataclass(frozen=True)
class AppSettings:
    """Server-side settings: never taken from the browser.

    ``data_dir``: folder with the Correlates of War and ATOP data for historical worlds (None:
    historical worlds are offered only if ``foedus.world_for_year`` finds data by itself).
    ``max_jobs``: background comparisons running at once.
    """

    data_dir: str | None = None
    max_jobs: int = 2


def _nav() -> html.Nav:
    links = [dcc.Link("foedus", href="/", className="brand")]
    links += [dcc.Link(TITLES[p], href=p, id=f"nav-{p.strip('/')}") for p in PAGES]
    return html.Nav(links, className="nav")


def _home() -> html.Div:
    items = [html.Li([dcc.Link(TITLES[p], href=p), html.Span(" — " + PAGES[p].SUMMARY)])
             for p in PAGES]
    return html.Div([
        html.H1("foedus: collective security in the classroom"),
        html.P("Replay real crises through the rules that decided them, change a vote or a "
               "rule and see what follows, measure voting power, compare security systems, "
               "and play one state while the model plays the rest."),
        html.Ul(items), html.P("Runs on this computer; nothing is sent anywhere.",
                               className="muted"),
    ], id="page-home", className="page")


def _register_topojson(server: Any) -> None:
    folder = HERE / "topojson"

    @server.route(TOPOJSON_ROUTE + "<name>")
    def topojson(name: str) -> Any:
        if name not in {p.name for p in folder.glob("*.json")}:
            abort(404)
        return send_from_directory(folder, name, mimetype="application/json")


def create_app(settings: AppSettings | None = None, **kwargs: Any) -> dash.Dash:
    """The Dash app with all five pages. ``kwargs`` build :class:`AppSettings`."""
    cfg = settings or AppSettings(**kwargs)
    app = dash.Dash(__name__, title="foedus", assets_folder=str(HERE / "assets"),
                    serve_locally=True, suppress_callback_exceptions=True,
                    update_title="")
    app.server.config["FOEDUS"] = cfg
    jobs = JobManager(max_jobs=cfg.max_jobs)
    app.layout = html.Div([dcc.Location(id="url"), _nav(),
                           html.Main(id="page", className="main")])

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def route(path: str | None) -> Any:
        page = PAGES.get(path or "/")
        return page.layout(cfg) if page is not None else _home()

    for page in PAGES.values():
        page.register(app, cfg, jobs)
    _register_topojson(app.server)
    return app


def run_app(host: str = "127.0.0.1", port: int = 8050, *, open_browser: bool = True,
            debug: bool = False, data_dir: str | None = None) -> None:
    """Serve the app (blocking) on ``host:port``; open a browser tab unless told not to."""
    app = create_app(AppSettings(data_dir=data_dir))
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    app.run(host=host, port=port, debug=debug, use_reloader=False)
