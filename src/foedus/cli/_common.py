"""Shared plumbing for the command line: JSON output, error handling, list options."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from foedus import FoedusError

F = TypeVar("F", bound=Callable[..., Any])



def output_width(is_terminal: bool) -> int | None:
    """The width of readable output: a terminal's own; piped output (CI logs, files) honours
    ``COLUMNS`` and otherwise gets a wide fixed 130 so tables stay readable."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if is_terminal else 130


console = Console(width=output_width(sys.stdout.isatty()))
err_console = Console(stderr=True, width=output_width(sys.stderr.isatty()))

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print a JSON document instead of readable output.")


def emit_json(data: Any) -> None:
    """Print ``data`` as indented JSON on standard output."""
    click.echo(json.dumps(data, indent=2, default=_default, ensure_ascii=False))


def _default(obj: Any) -> Any:
    import datetime as dt

    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def split_list(values: tuple[str, ...] | list[str] | str | None) -> list[str]:
    """Turn ``("USA,UKG", "FRN")`` into ``["USA", "UKG", "FRN"]``."""
    if not values:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def fail(message: str, code: int = 2) -> None:
    """Print ``message`` on stderr, unwrapped, and exit with ``code``."""
    click.echo(message, err=True)
    sys.exit(code)


DEBUG_VAR = "FOEDUS_DEBUG"


def handle_errors(func: F) -> F:
    """Turn foedus errors into a clear message on stderr and exit status 2 (no traceback).

    Any other exception is a bug in foedus: it gets one line saying so, exit status 2, and its
    traceback only with ``FOEDUS_DEBUG=1``. End of input (``EOFError``) is an error too, not
    click's ``Aborted!``.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FoedusError as exc:
            fail(f"error: {exc}")
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort,
                KeyboardInterrupt, SystemExit):
            raise
        except MemoryError:
            fail("error: out of memory; see docs/limits.md for the bounds and how to run "
                 "larger work")
        except EOFError as exc:
            fail(f"error: unexpected end of input ({exc or 'empty file'})")
        except Exception as exc:
            import os

            if os.environ.get(DEBUG_VAR):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            fail(f"error: internal error ({type(exc).__name__}: {first}); this is a bug in "
                 f"foedus, please report it (set {DEBUG_VAR}=1 to see the traceback)")

    return wrapper  # type: ignore[return-value]
