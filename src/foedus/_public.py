"""How a namespace package makes its objects report it as their home (a private leaf).

``foedus.engine.Model.__module__`` is ``"foedus.engine"``, not the private path of the file
that defines it, so that reprs, documentation and pickles name the public place.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any


def publish(namespace: str, objects: dict[str, Any], names: Iterable[str]) -> None:
    """Set ``__module__`` of each class and function in ``names`` to ``namespace``, if it was
    defined inside that namespace's package (objects from elsewhere are left alone)."""
    for name in names:
        obj = objects[name]
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        home = getattr(obj, "__module__", "") or ""
        if home.startswith(namespace + ".") and getattr(obj, "__qualname__", name) == name:
            obj.__module__ = namespace


__all__ = ["publish"]
