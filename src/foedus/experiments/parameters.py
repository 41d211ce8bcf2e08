"""Parameter addresses of an experiment, checked against the typed settings.

An address is ``world.<setting>`` (:class:`foedus.WorldSpec`), ``behaviour.<parameter>``
(:class:`foedus.Behaviour`) or ``run.<setting>`` (:class:`foedus.ModelSettings`; ``run.years``
is the horizon). Every check reads the ranges and choices declared on the settings' fields
(:mod:`foedus.parameters`), so an experiment is checked without a trial run.
"""

from __future__ import annotations

from typing import Any

from .._errors import UnknownNameError
from ..engine.behaviour import Behaviour
from ..engine.settings import ModelSettings
from ..parameters import Settings, SettingsError, bounds, check_value
from ..world.synthetic import WorldSpec

#: Settings class of each section a parameter can address.
SECTIONS: dict[str, type[Settings]] = {"world": WorldSpec, "behaviour": Behaviour,
                                       "run": ModelSettings}
#: The horizon: ``run.years`` (whole years).
MAX_YEARS = 100_000


def known(section: str) -> list[str]:
    """Names a section accepts (``run`` also takes ``years`` in a design)."""
    return list(bounds(SECTIONS[section]))


def parameter_kind(address: str) -> str:
    """Kind (``int``, ``float``, ``str``, ``any``) of a parameter address."""
    if address == "run.years":
        return "int"
    section, _, name = address.partition(".")
    b = bounds(SECTIONS[section]).get(name) if section in SECTIONS else None
    if b is None:
        return "any"
    return "str" if b.choices else "int" if b.integer else "float"


def address_problem(address: str, *, data_world: bool) -> str | None:
    """Why ``address`` cannot be varied (unknown section or name, a generator setting of a
    data world), or None."""
    section, dot, name = address.partition(".")
    if not dot or section not in SECTIONS or not name:
        return (f"unknown parameter {address!r}: address world.<setting>, behaviour.<parameter> "
                "or run.<setting>")
    if section == "world" and data_world:
        return f"{address}: a world built from data (scenario.year) has no generator settings"
    if address == "run.years":
        return None
    if name not in known(section):
        return str(UnknownNameError(f"{section} setting", name, known(section)))
    return None


def value_problem(address: str, value: Any) -> str | None:
    """Why ``value`` is not accepted at ``address`` (checked on the field's range), or None."""
    if address == "run.years":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_YEARS:
            return f"the horizon must be a whole number of years in [1, {MAX_YEARS}]"
        return None
    section, _, name = address.partition(".")
    return check_value(SECTIONS[section], name, value)


def field_problems(section: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """``(name, problem)`` for each base value of a section outside its field's range."""
    cls = SECTIONS[section]
    return [(name, msg) for name, value in values.items()
            if (msg := check_value(cls, name, value)) is not None]


def section_problem(section: str, values: dict[str, Any]) -> str | None:
    """Why the base values of a section do not make valid settings, or None."""
    try:
        SECTIONS[section].from_dict(values)
    except (SettingsError, TypeError) as exc:
        return str(exc)
    return None


def typed(address: str, value: float) -> Any:
    """A design coordinate as the setting's type (whole numbers rounded)."""
    return round(float(value)) if parameter_kind(address) == "int" else float(value)


__all__ = ["MAX_YEARS", "SECTIONS", "address_problem", "field_problems", "known", "parameter_kind",
           "section_problem", "typed", "value_problem"]
