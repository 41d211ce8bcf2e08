"""Typed settings (``foedus.parameters``): ranges and choices on the fields, one validator.

Every group of settings a user can set — the behaviour of states (:class:`foedus.Behaviour`),
the model's own settings (:class:`foedus.ModelSettings`) and the synthetic world's generator
(:class:`foedus.WorldSpec`) — is a dataclass whose fields are declared with :func:`param`. A
field carries its default, its range or choices, a one-line meaning and the source it rests on.
One validator (:func:`problems`) checks them all, so a setting given in Python, in a TOML
experiment or on the command line meets the same checks and the same messages; an experiment's
design is checked against the same ranges before anything runs (:func:`check_value`).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from typing import Any, ClassVar, TypeVar

import numpy as np

from ._errors import FoedusError


class SettingsError(FoedusError, ValueError):
    """A setting is unknown, of the wrong type or out of its range (names the setting)."""


@dataclass(frozen=True)
class Bounds:
    """What a field accepts: a closed or half-open numeric range, or a set of choices."""

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    integer: bool = False
    choices: tuple[str, ...] = ()
    doc: str = ""
    cite: str = ""
    nullable: bool = False

    def text(self) -> str:
        """The range or choices as a user reads them: ``[0, 1]``, ``> 0``, ``one of a, b``."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        kind = "a whole number" if self.integer else "a number"
        lo = f"{'(' if self.lo_open else '['}{self.lo:g}"
        if math.isfinite(self.lo) and math.isfinite(self.hi):
            return f"{kind} in {lo}, {self.hi:g}]"
        if math.isfinite(self.lo):
            return f"{kind} {'>' if self.lo_open else '>='} {self.lo:g}"
        if math.isfinite(self.hi):
            return f"{kind} <= {self.hi:g}"
        return f"a finite {kind.removeprefix('a ')}"

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not accepted, or ``None``."""
        if value is None and self.nullable:
            return None
        if self.choices:
            return None if value in self.choices else f"{value!r} is not {self.text()}"
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            return f"expected {self.text()}, got {value!r}"
        v = float(value)
        if not math.isfinite(v):
            return f"must be finite, got {value!r}"
        if self.integer and v != int(v):
            return f"expected a whole number, got {value!r}"
        below = v <= self.lo if self.lo_open else v < self.lo
        if below or v > self.hi:
            return f"{value!r} is outside its range: {self.text()}"
        return None


def param(default: Any, *, lo: float = -math.inf, hi: float = math.inf, lo_open: bool = False,
          integer: bool = False, choices: Sequence[str] = (), doc: str = "",
          cite: str = "") -> Any:
    """A dataclass field with its default, its range (or choices), meaning and source."""
    b = Bounds(float(lo), float(hi), lo_open, integer, tuple(choices), doc, cite,
               nullable=default is None)
    return field(default=default, metadata={"bounds": b})


def bounds(cls: type | Any) -> dict[str, Bounds]:
    """Field name -> :class:`Bounds` of a settings class (or instance)."""
    return {f.name: f.metadata.get("bounds", Bounds()) for f in fields(cls)}


def problems(obj: Any) -> list[tuple[str, str]]:
    """Every ``(field, problem)`` of a settings object (empty when it is valid)."""
    out = []
    for name, b in bounds(obj).items():
        msg = b.problem(getattr(obj, name))
        if msg:
            out.append((name, msg))
    return out


S = TypeVar("S", bound="Settings")


class Settings:
    """Base of the typed settings: validation on creation, dictionaries both ways.

    Subclasses are dataclasses whose fields are declared with :func:`param`. ``what`` names the
    group in messages ("model settings"), ``item`` one of them ("model setting"); ``error`` is the exception raised.
    """

    what: ClassVar[str] = "settings"
    item: ClassVar[str] = "setting"
    error: ClassVar[type[FoedusError]] = SettingsError

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check every field's type and range; raise ``error`` naming each bad field."""
        found = problems(self)
        if found:
            raise self.error(f"invalid {self.what}: "
                             + "; ".join(f"{name}: {msg}" for name, msg in found))

    def to_dict(self) -> dict[str, Any]:
        """Every setting by name (JSON-ready)."""
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls: type[S], data: Mapping[str, Any] | None) -> S:
        """Build from a dictionary; an unknown key is an error naming it (with a suggestion)."""
        data = dict(data or {})
        unknown_names(cls, data)
        return cls(**data)

    @classmethod
    def parameters(cls) -> dict[str, Any]:
        """Setting name -> default value."""
        return {f.name: f.default for f in fields(cls)  # type: ignore[arg-type]
                if f.default is not MISSING}

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One row per setting: name, default, range, meaning and source (for docs and CLI)."""
        defaults = cls.parameters()
        return [{"name": name, "default": defaults.get(name), "range": b.text(), "doc": b.doc,
                 "cite": b.cite} for name, b in bounds(cls).items()]

    def replace(self: S, **changes: Any) -> S:
        """A copy with some settings changed (checked like any other)."""
        unknown_names(type(self), changes)
        return replace(self, **changes)  # type: ignore[type-var]


def unknown_names(cls: type[Settings], data: Mapping[str, Any]) -> None:
    """Raise ``cls.error`` if ``data`` has keys that are not settings of ``cls``."""
    known = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    unknown = [k for k in data if k not in known]
    if not unknown:
        return
    hints = []
    for k in unknown:
        close = difflib.get_close_matches(str(k), known, n=1)
        hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    raise cls.error(f"unknown {cls.item}{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(hints)}; known: {', '.join(known)}")


def check_value(cls: type[Settings], name: str, value: Any) -> str | None:
    """Why ``value`` is not accepted for setting ``name`` of ``cls`` (``None`` if it is).
    An unknown name is reported as such."""
    b = bounds(cls).get(name)
    if b is None:
        return f"unknown {cls.item} {name!r}"
    return b.problem(value)


__all__ = ["Bounds", "Settings", "SettingsError", "bounds", "check_value", "param", "problems"]
