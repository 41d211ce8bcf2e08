"""``foedus app``: the local browser app for teaching (needs the ``app`` extra)."""

from __future__ import annotations

import click

INSTALL = "pip install -e '.[app]'  (or: pip install 'foedus[app]')"


def _missing() -> str | None:
    """The first missing package of the ``app`` extra, if any."""
    import importlib.util

    for name in ("dash", "plotly", "flask"):
        if importlib.util.find_spec(name) is None:
            return name
    return None


@click.command("app")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (only this computer unless you change it).")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-browser", is_flag=True, help="Do not open a browser tab.")
@click.option("--debug", is_flag=True, help="Dash debug mode (developers).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Data folder for historical worlds (Correlates of War, ATOP).")
def app_cmd(host: str, port: int, no_browser: bool, debug: bool, data_dir: str | None) -> None:
    """Start the browser app: history step by step, rules and power, systems compared, the
    world map, play a state. Serves everything locally; needs no internet."""
    missing = _missing()
    if missing is not None:
        click.echo(f"foedus app needs the optional 'app' dependencies ({missing} is not "
                   f"installed). Install them with:\n  {INSTALL}", err=True)
        raise SystemExit(2)
    from foedus.app import run_app

    click.echo(f"foedus app on http://{host}:{port}/ (Ctrl+C to stop)")
    run_app(host, port, open_browser=not no_browser, debug=debug, data_dir=data_dir)


__all__ = ["app_cmd"]
