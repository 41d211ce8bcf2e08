"""Shared pieces of the case schema: the strict base model and the state lists.

Kept apart from :mod:`.case` so that :mod:`.events` (the non-vote events) can use them
without importing the case schema that includes it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict

from .._toml import StrictModel
from ..rules.states import is_state, resolve_state


def _state_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of states, got {value!r}")
    out: list[str] = []
    for s in value:
        if not isinstance(s, str) or not is_state(s):
            raise ValueError(f"unknown state {s!r} (use a COW abbreviation such as USA, RUS, "
                             "UKG, or an alias; see `foedus states`)")
        code = resolve_state(s)
        if code in out:
            raise ValueError(f"{code} is listed twice")
        out.append(code)
    return out


States = Annotated[list[str], BeforeValidator(_state_list)]


def _state_keys(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    out: dict[str, Any] = {}
    for k, val in v.items():
        if not is_state(k):
            raise ValueError(f"unknown state {k!r} (use a COW abbreviation; see `foedus states`)")
        out[resolve_state(k)] = val
    return out


class CaseModel(StrictModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


__all__ = ["CaseModel", "States"]
