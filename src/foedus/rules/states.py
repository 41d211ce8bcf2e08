"""The state registry: Correlates of War codes, abbreviations, names, regions and aliases.

foedus identifies states by their COW abbreviation (``USA``, ``UKG``, ``RUS``, ``TAW`` ...).
Common and historical names (``USSR``, ``United Kingdom``, ``Siam``) are accepted as
aliases, and so are numeric COW codes. Source: COW State System Membership v2016
(Correlates of War Project 2017).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .._errors import UnknownNameError

REGIONS = ("americas", "europe", "africa", "middle-east", "asia", "oceania")


@dataclass(frozen=True)
class State:
    """One state of the registry."""

    abb: str
    ccode: int
    name: str
    region: str
    aliases: tuple[str, ...] = field(default=())


@cache
def _registry() -> tuple[dict[str, State], dict[str, str]]:
    text = resources.files("foedus.rules").joinpath("states.toml").read_text(encoding="utf-8")
    by_abb: dict[str, State] = {}
    index: dict[str, str] = {}
    for row in tomllib.loads(text)["state"]:
        st = State(row["abb"], int(row["ccode"]), row["name"], row["region"],
                   tuple(row.get("aliases", ())))
        by_abb[st.abb] = st
    for st in by_abb.values():
        index[st.name.casefold()] = st.abb
        index[str(st.ccode)] = st.abb
    for st in by_abb.values():  # aliases win over registry names ("China" -> CHN)
        for alias in st.aliases:
            index[alias.casefold()] = st.abb
    for st in by_abb.values():  # abbreviations win over everything
        index[st.abb.casefold()] = st.abb
    return by_abb, index


def states() -> list[State]:
    """Every state in the registry, ordered by COW code."""
    return sorted(_registry()[0].values(), key=lambda s: s.ccode)


def resolve_state(name: str | int) -> str:
    """Return the COW abbreviation for an abbreviation, alias, name or COW code.

    Raises :class:`UnknownNameError` listing close matches when nothing fits.
    """
    by_abb, index = _registry()
    key = str(name).strip()
    abb = index.get(key.casefold())
    if abb is None:
        raise UnknownNameError("state", key, list(by_abb) + [s.name for s in by_abb.values()],
                               hint="; see `foedus states`")
    return abb


def state_info(name: str | int) -> State:
    """The registry entry of a state given by any accepted name."""
    return _registry()[0][resolve_state(name)]


def is_state(name: str) -> bool:
    """Whether ``name`` resolves to a state."""
    return str(name).strip().casefold() in _registry()[1]


__all__ = ["REGIONS", "State", "is_state", "resolve_state", "state_info", "states"]
