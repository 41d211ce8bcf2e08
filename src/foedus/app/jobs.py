"""Background jobs: long runs in a worker thread, polled by the page, cancellable."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: A job's work: called with a progress callback ``(done, total)`` and a cancel event.
Work = Callable[[Callable[[int, int], None], threading.Event], Any]


@dataclass
class Job:
    """One background job and what the page needs to show it."""

    id: str
    done: int = 0
    total: int = 1
    status: str = "running"   # running | finished | cancelled | failed
    result: Any = None
    error: str = ""
    cancel: threading.Event = field(default_factory=threading.Event)

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready state for the page (without the result)."""
        return {"id": self.id, "done": self.done, "total": self.total, "status": self.status,
                "error": self.error}


class JobManager:
    """At most ``max_jobs`` jobs run at once, each in its own daemon thread."""

    def __init__(self, max_jobs: int = 2, keep: int = 20) -> None:
        self.max_jobs, self.keep = max_jobs, keep
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def running(self) -> int:
        """Jobs still running."""
        with self._lock:
            return sum(j.status == "running" for j in self._jobs.values())

    def submit(self, work: Work) -> Job:
        """Start ``work`` in a thread; raise :class:`RuntimeError` when too many run."""
        if self.running() >= self.max_jobs:
            raise RuntimeError(f"{self.max_jobs} runs are already going: wait or cancel one")
        job = Job(uuid.uuid4().hex)
        with self._lock:
            self._jobs[job.id] = job
            self._prune()
        threading.Thread(target=self._run, args=(job, work), daemon=True).start()
        return job

    def get(self, job_id: str | None) -> Job | None:
        """The job with this id, if it is still kept."""
        with self._lock:
            return self._jobs.get(job_id or "")

    def cancel(self, job_id: str | None) -> None:
        """Ask a job to stop at its next step."""
        job = self.get(job_id)
        if job is not None:
            job.cancel.set()

    def _run(self, job: Job, work: Work) -> None:
        def progress(done: int, total: int) -> None:
            job.done, job.total = done, max(total, 1)

        try:
            job.result = work(progress, job.cancel)
            job.status = "cancelled" if job.cancel.is_set() else "finished"
        except Exception as exc:  # reported to the page, never raised in the server
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"

    def _prune(self) -> None:
        old = [k for k, j in self._jobs.items() if j.status != "running"]
        for k in old[: max(0, len(self._jobs) - self.keep)]:
            del self._jobs[k]
