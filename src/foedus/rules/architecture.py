"""Security architectures: several institutions in one world (docs/architectures.md).

An architecture is an ordered list of charters that exist side by side, for example the UN
with NATO and the Rio Treaty. It is given on the command line as ``un-1945+nato+rio`` (``+``
joins institutions), as a built-in id (``cold-war``; ``rules/architectures/*.toml``) or as a
TOML file with ``id``, ``name``, ``institutions`` and ``sources``. Files are read by the one
TOML loader (:class:`foedus._toml.Library`) and every problem names the file, the field and
what is wrong. How a crisis goes through the institutions (UN Charter Arts 51-53, 103) is in
:mod:`foedus.engine.architecture`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .._errors import FoedusError, InputError
from .._toml import Library, validation_problems
from .charter import Charter, builtin_charter_ids, load_charter


class Architecture(BaseModel):
    """Several institutions in one world, in the order given (the engine orders them by the
    UN Charter's rules, not by this order)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9+-]*$", description="Short id used on the command "
                    "line (an ad-hoc architecture's id is its `a+b+c` spelling).")
    name: str = Field(description="Full name of the architecture.")
    summary: str = Field("", description="One line shown in listings.")
    institutions: list[str] = Field(min_length=1, description="Charter ids or TOML paths of the "
                                    "institutions, each at most once.")
    from_year: int | None = Field(None, description="First year of the era it describes.")
    to_year: int | None = Field(None, description="Last year of the era it describes.")
    sources: list[str] = Field(default_factory=list, description="Treaties and scholarship.")
    note: str = Field("", description="What is missing or simplified.")

    @field_validator("institutions")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        dup = sorted({x for x in v if v.count(x) > 1})
        if dup:
            raise ValueError(f"an institution is listed twice: {', '.join(dup)}")
        return v

    def charters(self) -> list[Charter]:
        """The institutions' charters, loaded."""
        return [load_charter(c) for c in self.institutions]


def architecture_from_dict(data: dict[str, Any], source: str = "<dict>",
                           base_dir: Path | None = None) -> Architecture:
    """Validate an architecture given as a dictionary; every institution must be a charter."""
    try:
        arch = Architecture.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, validation_problems(exc)) from None
    problems: list[tuple[str, str]] = []
    for i, ref in enumerate(arch.institutions):
        path = Path(ref)
        if base_dir is not None and ref.endswith(".toml") and not path.is_absolute():
            path = base_dir / path
        try:
            load_charter(ref if ref in builtin_charter_ids() else path)
        except FoedusError as exc:
            problems.append((f"institutions[{i}]", f"{ref!r} is not a charter: "
                             + str(exc).splitlines()[0]))
    if problems:
        raise InputError(source, problems)
    if base_dir is not None:
        resolved = [ref if ref in builtin_charter_ids() or Path(ref).is_absolute()
                    else str(base_dir / ref) for ref in arch.institutions]
        arch = arch.model_copy(update={"institutions": resolved})
    return arch


_LIBRARY: Library[Architecture] = Library("architecture", "foedus.rules", "architectures",
                                          architecture_from_dict)


def builtin_architecture_ids() -> list[str]:
    """Ids of the architectures shipped with foedus."""
    return _LIBRARY.ids()


def load_architecture(ref: str | Path | Architecture) -> Architecture:
    """An architecture by built-in id, TOML path, or ``a+b+c`` spelling (charters joined)."""
    if isinstance(ref, Architecture):
        return ref
    text = str(ref).strip()
    if "+" in text:
        parts = [p.strip() for p in text.split("+")]
        if any(not p for p in parts):
            raise FoedusError(f"architecture {text!r}: an empty institution between '+' signs")
        arch = architecture_from_dict({"id": "custom", "name": text, "institutions": parts},
                                      f"architecture {text!r}")
        chs = arch.charters()
        return arch.model_copy(update={"id": "+".join(c.id for c in chs),
                                       "name": " + ".join(c.name for c in chs)})
    return _LIBRARY.load(text)


def is_architecture(ref: Any) -> bool:
    """Whether ``ref`` names an architecture (not a single charter): an ``Architecture``, an
    ``a+b`` spelling, a built-in architecture id, or a TOML file with ``institutions``."""
    if isinstance(ref, Architecture):
        return True
    if not isinstance(ref, str | Path):
        return False
    text = str(ref)
    if "+" in text or text in builtin_architecture_ids():
        return True
    path = Path(text)
    if path.suffix == ".toml" and path.is_file():
        try:
            from .._toml import read_toml

            return "institutions" in read_toml(path)
        except FoedusError:
            return False
    return False


def architecture_for_year(year: int) -> Architecture | None:
    """The built-in historical architecture of ``year`` (interwar, Cold War, post-Cold War),
    or None when no built-in one covers it."""
    for ident in builtin_architecture_ids():
        a = _LIBRARY.builtin(ident)
        if (a.from_year is None or a.from_year <= year) and (a.to_year is None
                                                             or year <= a.to_year):
            return a
    return None


__all__ = ["Architecture", "architecture_for_year", "architecture_from_dict",
           "builtin_architecture_ids", "is_architecture", "load_architecture"]
