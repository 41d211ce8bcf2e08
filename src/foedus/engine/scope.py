"""Scope and obligations: the one definition the crisis engine and the aggressor's forecast share.

*Scope* says whom a charter protects, against whom, and where: an attack engages the
institution when the target is protected (a member or party), the aggressor is an outsider if
the charter defends only against outside attack, and the target lies in the treaty area.

*Obligations* turn the procedure's steps into how strongly members are obliged to act: each
adopted step obliges with the weight of its bindingness (:data:`BINDINGNESS_WEIGHT`), a vetoed
step rescued by its fallback with the weaker of the two bindingnesses, and a determination
carries ``determination_share`` of its weight over to sanctions and force. Binding or automatic
obligations of a universal institution oblige non-aligned states too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..rules.charter import BINDINGNESS_WEIGHT, Charter, Fallback, Step

if TYPE_CHECKING:
    from .institution import Institution

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: The family of measures each kind of step obliges members to: sanctions, force, or a
#: determination (which carries over to both); other steps oblige to nothing.
MEASURE_FAMILY: dict[str, str] = {
    "sanctions": "sanctions", "force": "force",
    "determination": "determination", "provisional-measures": "determination",
}


# --- scope -----------------------------------------------------------------------------------


def engages(charter: Charter) -> bool:
    """Whether the charter sets up an institution that protects somebody against somebody."""
    sc = charter.scope
    return sc.coalitions == "institution" and sc.protects != "nobody" and sc.against != "nobody"


def in_scope(inst: Institution, aggressor: IntArray, target: IntArray) -> BoolArray:
    """Per pair, whether an attack of ``aggressor`` on ``target`` engages the institution.

    Vectorised over index arrays; the parties are assumed distinct and alive (the caller
    checks). The target must be a member, the aggressor an outsider when the charter defends
    only against outside attack, and the target inside the treaty area when there is one.
    """
    a, t = np.asarray(aggressor), np.asarray(target)
    if not engages(inst.charter):
        return np.zeros(a.shape, bool)
    ok = inst.members[t].copy()
    if inst.charter.scope.against == "outside":
        ok &= ~inst.members[a]
    if inst.area:
        ok &= np.isin(inst.region[t], np.fromiter(inst.area, np.int64))
    return np.asarray(ok, dtype=bool)


def scope_reason(inst: Institution, a: int, t: int) -> str:
    """Why an attack of ``a`` on ``t`` is not in scope (for the crisis trace)."""
    sc = inst.charter.scope
    if not inst.members[t]:
        return "the target is not protected"
    if sc.against == "outside" and inst.members[a]:
        return "the aggressor is a member, and only outside attacks count"
    return "the target lies outside the treaty area"


def universal(inst: Institution) -> bool:
    """Whether every state is a member (binding obligations then bind the non-aligned too)."""
    m = inst.charter.membership
    return (m.synthetic == "universal") if inst.synthetic else (m.members == "universal")


# --- obligations -----------------------------------------------------------------------------


def family(measure: str) -> str | None:
    """The family (sanctions, force, determination) a measure obliges to, or None."""
    return MEASURE_FAMILY.get(measure)


def weight(bindingness: str) -> float:
    """How strongly an adopted step of this bindingness obliges a member (before credibility)."""
    return BINDINGNESS_WEIGHT[bindingness]


def obliges_all(bindingness: str) -> bool:
    """Whether this bindingness obliges non-aligned members of a universal institution."""
    return bindingness in ("binding", "automatic")


def rescued_bindingness(fallback: Fallback, step: Step) -> str:
    """A vetoed step adopted through its fallback binds as the fallback says, never more than
    the step itself would have (a recommendation session only recommends)."""
    return str(min(fallback.bindingness, step.bindingness, key=lambda k: BINDINGNESS_WEIGHT[k]))


def carried_over(families: dict[str, Any], share: float) -> tuple[Any, Any]:
    """The (sanctions, force) obligation: each family's own, or ``share`` of the
    determination's when that is larger. Works on floats and on arrays alike."""
    det = families["determination"]
    if isinstance(det, np.ndarray):
        return (np.maximum(families["sanctions"], share * det),
                np.maximum(families["force"], share * det))
    return max(families["sanctions"], share * det), max(families["force"], share * det)


__all__ = ["MEASURE_FAMILY", "carried_over", "engages", "family", "in_scope", "obliges_all",
           "rescued_bindingness", "scope_reason", "universal", "weight"]
