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

from pydantic import BaseModel, Strict, ValidationError

from ._errors import InputError, UnknownNameError

#: Largest TOML user file read (bytes); built-in files are a few kB.
MAX_FILE_BYTES = 1 << 20
#: Deepest nesting of tables and arrays in a TOML user file (built-in files reach 6).
MAX_DEPTH = 16
#: Longest string value in a TOML user file (characters).
MAX_STRING = 10_000
#: Most items in one array of a TOML user file.
MAX_ITEMS = 10_000
LARGER = "see docs/limits.md"

T = TypeVar("T")
#: Years a charter or a case may name (documented in docs/limits.md).
YEAR_RANGE = (-3000, 3000)

#: Field annotations checked strictly: a TOML string is never coerced into one of them.
_STRICT = {bool: "true or false", int: "a whole number", float: "a number",
           bool | None: "true or false", int | None: "a whole number",
           float | None: "a number"}


class StrictModel(BaseModel):
    """Base of the schemas of user files: booleans must be TOML booleans (``"yes"`` or ``1``
    is not ``true``) and numbers must be TOML numbers (``"12"`` is not 12): the fields typed
    ``bool``, ``int`` or ``float`` (or those or None) are validated strictly."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        changed = False
        for info in cls.model_fields.values():
            if info.annotation in _STRICT and not any(isinstance(m, Strict)
                                                      for m in info.metadata):
                info.metadata.append(Strict())
                changed = True
        if changed:
            cls.model_rebuild(force=True)


def year_problem(value: int) -> str | None:
    """Why a charter's or a case's year is out of :data:`YEAR_RANGE` (None when it is not)."""
    lo, hi = YEAR_RANGE
    if not lo <= value <= hi:
        return f"year {value} is outside [{lo}, {hi}]"
    return None


#: Builds an object from parsed TOML: ``(data, source name, folder of the file or None)``.
Builder = Callable[[dict[str, Any], str, Path | None], T]


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML user file safely; syntax errors name the file and line.

    The file's size, nesting depth, string lengths and array lengths are bounded
    (:data:`MAX_FILE_BYTES`, :data:`MAX_DEPTH`, :data:`MAX_STRING`, :data:`MAX_ITEMS`).
    """
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(where, [("", f"file of {size:,} bytes is over the bound of "
                                          f"{MAX_FILE_BYTES:,} bytes for a TOML file ({LARGER})")])
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(where, [("", "file not found")]) from None
    except IsADirectoryError:
        raise InputError(where, [("", "is a folder, not a TOML file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(where, [("", f"cannot read file: {exc}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(where, [("", f"TOML syntax error: {exc}")]) from None
    except RecursionError:
        raise InputError(where, [("", f"nested too deeply (the bound is {MAX_DEPTH} levels of "
                                      "tables and arrays)")]) from None
    check_bounds(data, where)
    return data


def check_bounds(data: Any, source: str) -> None:
    """Refuse parsed data nested deeper than :data:`MAX_DEPTH`, with a string longer than
    :data:`MAX_STRING` or an array longer than :data:`MAX_ITEMS`, naming the field."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(source, [(where, f"nested too deeply (the bound is {MAX_DEPTH} "
                                              "levels of tables and arrays)")])
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise InputError(source, [(where, f"string of {len(value):,} characters is over the "
                                              f"bound of {MAX_STRING:,}")])
        if isinstance(value, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k), depth + 1)
                         for k, v in value.items())
        elif isinstance(value, list):
            if len(value) > MAX_ITEMS:
                raise InputError(source, [(where, f"array of {len(value):,} items is over the "
                                                  f"bound of {MAX_ITEMS:,} ({LARGER})")])
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value))


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


__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_ITEMS", "MAX_STRING", "YEAR_RANGE", "Library",
           "StrictModel", "check_bounds", "read_toml", "validation_problems", "year_problem"]
