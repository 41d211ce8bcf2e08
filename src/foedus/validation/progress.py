"""A rich progress bar on standard error for long validation work (as ``foedus compare``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A context yielding ``update(done, total)`` that drives a progress bar labelled ``label``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), disable=not enabled, transient=False)
    job = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(job, completed=done, total=total)

    with bar:
        yield update


__all__ = ["progress_bar"]
