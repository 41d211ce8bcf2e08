"""Data as files: the one loader for TOML objects (charters, cases, experiments) that are
either built in (shipped in a package folder) or a user's file. A private leaf.

User files are data: they are parsed with :mod:`tomllib` and validated, never executed. Every
problem names the file (or the built-in id), the field and what is wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from ._errors import InputError, UnknownNameError

T = TypeVar("T")
#: Builds an object from parsed TOML: ``(data, source name, folder of the file or None)``.
Builder = Callable[[dict[str, Any], str, Path | None], T]


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML user file safely; syntax errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), [("", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), [("", f"cannot read file: {exc}")]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), [("", f"TOML syntax error: {exc}")]) from None


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """Turn a pydantic error into (field path, message) pairs a person can read."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field (not part of the schema; see docs/charters.md)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        msg = msg.removeprefix("Value error, ")
        problems.append((_format_loc(loc), msg))
    return problems


class Library(Generic[T]):
    """The built-in objects of one kind (TOML files in a package folder) and users' files.

    ``load(ref)`` takes a built-in id (cached) or a path to a ``.toml`` file; an unknown name
    is an :class:`UnknownNameError` listing the built-in ids.
    """

    def __init__(self, kind: str, package: str, folder: str, build: Builder[T]) -> None:
        self.kind, self.package, self.folder, self.build = kind, package, folder, build
        self._cache: dict[str, T] = {}

    def _dir(self) -> Any:
        return resources.files(self.package).joinpath(self.folder)

    def ids(self) -> list[str]:
        """Ids of the built-in objects, sorted."""
        return sorted(p.name.removesuffix(".toml") for p in self._dir().iterdir()
                      if p.name.endswith(".toml"))

    def raw(self, ident: str) -> dict[str, Any]:
        """The parsed TOML of a built-in object (before validation)."""
        return tomllib.loads(self._dir().joinpath(f"{ident}.toml").read_text(encoding="utf-8"))

    def builtin(self, ident: str) -> T:
        """A built-in object by id (validated once, then cached)."""
        if ident not in self._cache:
            self._cache[ident] = self.build(self.raw(ident), f"built-in {self.kind} {ident}", None)
        return self._cache[ident]

    def load(self, ref: str | Path) -> T:
        """A built-in object by id, or one read from a TOML file."""
        text = str(ref)
        if text in self.ids():
            return self.builtin(text)
        path = Path(text)
        if path.suffix == ".toml" or path.exists():
            return self.build(read_toml(path), str(path), path.parent)
        raise UnknownNameError(self.kind, text, self.ids(), hint="; or give a .toml file")


__all__ = ["Library", "read_toml", "validation_problems"]
