"""A local browser app for teaching: replay history, change the rules, play a state.

``create_app()`` builds the Dash app; ``run_app()`` serves it on ``127.0.0.1`` by default.
Every page is a thin layer over foedus's public Python functions (the top-level ``foedus``
namespace). Everything is served from installed packages: no CDN, no network; the map
topology ships in ``foedus/app/topojson``. Needs the ``app`` extra (``pip install -e
'.[app]'``): Dash and Plotly.
"""

from __future__ import annotations

from .server import AppSettings, create_app, run_app

__all__ = ["AppSettings", "create_app", "run_app"]
