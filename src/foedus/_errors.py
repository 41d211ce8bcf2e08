"""Errors that foedus reports to users: each names the file, the field and the problem."""

from __future__ import annotations

from collections.abc import Iterable


class FoedusError(Exception):
    """Base class for every error foedus raises on purpose (the CLI prints it, exit 2)."""


class InputError(FoedusError):
    """A user file (charter, case, experiment, data) is malformed.

    ``problems`` holds ``(field, message)`` pairs; ``source`` is the file path or id.
    """

    def __init__(self, source: str, problems: Iterable[tuple[str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = [f"{source}: {field}: {msg}" if field else f"{source}: {msg}"
                 for field, msg in self.problems]
        super().__init__("\n".join(lines))


class UnknownNameError(FoedusError, LookupError):
    """An id, state or body that does not exist; the message lists what does."""

    def __init__(self, what: str, name: str, known: Iterable[str], hint: str = "",
                 where: str = "") -> None:
        import difflib

        known = sorted(set(known))
        close = difflib.get_close_matches(name, known, n=3)
        msg = f"unknown {what} {name!r}{where}"
        listed = len(known) <= 40
        if close:
            msg += f"; did you mean {', '.join(close)}?"
        elif listed:
            msg += "."
        msg += f" Known: {', '.join(known)}." if listed else f" ({len(known)} known{hint})."
        self.what, self.name, self.known = what, name, known
        super().__init__(msg)


__all__ = ["FoedusError", "InputError", "UnknownNameError"]
