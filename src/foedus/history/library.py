"""The case library: built-in cases (``history/cases/*.toml``) and users' case files, loaded
through the one TOML loader and checked against the charter they are replayed under."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._errors import FoedusError, InputError
from .._toml import Library, validation_problems
from .case import Case
from .record import check_case


def case_from_dict(data: dict[str, Any], source: str = "<dict>",
                   base_dir: Path | None = None) -> Case:
    """Validate a case given as a dictionary (as read from TOML), then against its charter."""
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, [(f, m.replace("docs/charters.md", "docs/cases.md"))
                                  for f, m in validation_problems(exc)]) from None
    case._source = source
    case._base_dir = base_dir
    try:
        charter = case.load_charter()
    except FoedusError as exc:
        raise InputError(source, [("charter", str(exc))]) from None
    problems = check_case(case, charter)
    if problems:
        raise InputError(source, problems)
    return case


_LIBRARY: Library[Case] = Library("case", "foedus.history", "cases", case_from_dict)


def builtin_case_ids() -> list[str]:
    """Ids of the cases shipped with foedus."""
    return _LIBRARY.ids()


def load_case(ref: str | Path | Case) -> Case:
    """Load a case by built-in id (``korea-1950``) or from a TOML file path."""
    if isinstance(ref, Case):
        return ref
    return _LIBRARY.load(ref)


def builtin_cases() -> list[Case]:
    """Every built-in case, loaded and validated."""
    return [load_case(c) for c in builtin_case_ids()]


__all__ = ["builtin_case_ids", "builtin_cases", "case_from_dict", "load_case"]
