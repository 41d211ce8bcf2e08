"""The one template stack of foedus's reports: Jinja2 templates in ``report/templates``
(autoescaped HTML), PNG figures embedded so a page travels alone."""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report templates (HTML autoescaped, undefined is an
    error)."""
    return jinja2.Environment(loader=jinja2.PackageLoader("foedus.report", "templates"),
                              autoescape=jinja2.select_autoescape(["html", "j2"]),
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def render(template: str, **context: Any) -> str:
    """Render ``template`` (a file in ``report/templates``) with ``context``."""
    return environment().get_template(template).render(**context)


def figure(path: Path, alt: str) -> dict[str, str]:
    """A PNG file as a figure for the templates (``data`` in base64, ``alt`` text)."""
    return {"data": base64.b64encode(path.read_bytes()).decode("ascii"), "alt": alt}


__all__ = ["environment", "figure", "render"]
