"""Run an experiment's (design point, replication, system) runs on a pluggable executor.

Backends sit behind :class:`concurrent.futures.Executor`: ``serial`` (in this process,
:class:`SerialExecutor`), ``processes`` (local processes, the default, one per core) and
``dask`` (a Dask distributed cluster at ``scheduler``, or an embedded ``LocalCluster``; the
optional extra ``foedus[dask]``). Runs travel in chunks whose size adapts to the measured run
time (about a second of work each), so small runs do not drown in overhead. Workers return
plain dicts; only the driver writes to the :class:`~foedus._store.ResultStore`, one
transaction per finished chunk. A run that raises is recorded with its traceback and the sweep
goes on; a sweep that stops for any reason continues with ``resume=True``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import os
import socket
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import FoedusError
from ..seeding import replication_seeds
from .executors import SerialExecutor, open_executor
from .experiment import Experiment, load_experiment
from .records import crisis_log, series_payload

if TYPE_CHECKING:
    from ..world.world import World
    from .experiment import System

#: Aim for chunks of about this many seconds of work once run times are known.
TARGET_CHUNK_SECONDS = 1.0
MAX_CHUNK = 256


@dataclasses.dataclass(frozen=True)
class RunTask:
    """Everything one run needs; picklable, sent to a worker inside a chunk."""

    point: int
    replication: int
    system: str
    charter: System
    seed: int
    years: int
    world: dict[str, Any]
    year: int | None
    behaviour: dict[str, Any]
    run: dict[str, Any]
    params: dict[str, Any]
    metrics: tuple[str, ...] = ()
    series: bool = True
    data_dir: str | None = None  # where a data world (``year``) is read from
    events: bool = True
    given_world: World | None = None  # a world every run starts from (instead of generating)

    @property
    def key(self) -> tuple[int, int, str]:
        """``(point, replication, system)``."""
        return (self.point, self.replication, self.system)


#: A run function takes a task and returns ``{"metrics": {name: value}, "series": ...}``
#: (series: a DataFrame or a dict of columns with ``year``; optional). It must be picklable
#: (a module-level function) for the process and Dask backends.
RunFunction = Callable[[RunTask], dict[str, Any]]
#: Progress callback: ``(runs finished, of which errors, runs to run)``.
ProgressCallback = Callable[[int, int, int], None]


# --- the default run function ---------------------------------------------------------------


@lru_cache(maxsize=2)
def _data_world(year: int, data_dir: str | None) -> World:
    from ..data import world_for_year

    return world_for_year(year, data_dir=data_dir)


@lru_cache(maxsize=4)
def _synthetic_world(seed: int, point: int, replication: int, settings: str) -> World:
    from ..world.synthetic import generate_world

    world_seq, _ = replication_seeds(seed, point, replication)
    return generate_world(**json.loads(settings), rng=np.random.default_rng(world_seq))


def task_world(task: RunTask) -> World:
    """The world of a task: the same for every system at the same ``(point, replication)``.

    Synthetic worlds are drawn from child 0 of ``SeedSequence(seed, spawn_key=(point,
    replication))``; a data world (``year``) is the same for every run. Returns a fresh copy.
    """
    if task.given_world is not None:
        return task.given_world.copy()
    if task.year is not None:
        return _data_world(task.year, task.data_dir).copy()
    return _synthetic_world(task.seed, task.point, task.replication,
                            json.dumps(task.world, sort_keys=True)).copy()


def run_one(task: RunTask) -> dict[str, Any]:
    """Run one simulation (``foedus.simulate``) for ``task``; the default run function."""
    from ..engine.model import simulate

    _, run_seq = replication_seeds(task.seed, task.point, task.replication)
    result = simulate(task.charter, world=task_world(task), years=task.years,
                      rng=np.random.default_rng(run_seq), behaviour=dict(task.behaviour) or None,
                      **task.run)
    return {"metrics": result.metrics, "series": result.series if task.series else None,
            "events": crisis_log(result.events) if task.events else None}


# --- worker side ----------------------------------------------------------------------------


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def execute_chunk(run_fn: RunFunction, tasks: Sequence[RunTask]) -> list[dict[str, Any]]:
    """Run ``tasks`` one after another in a worker; each becomes a tidy result dict.

    A task that raises becomes ``status = "error"`` with its traceback; the others go on.
    """
    worker = _worker_id()
    out = []
    for task in tasks:
        rec: dict[str, Any] = {"point": task.point, "replication": task.replication,
                               "system": task.system, "worker": worker, "error": None,
                               "metrics": None, "series": None, "events": None}
        start = time.perf_counter()
        try:
            res = run_fn(task)
            metrics = {str(k): float(v) for k, v in dict(res.get("metrics") or {}).items()}
            if task.metrics:
                metrics = {k: metrics.get(k, float("nan")) for k in task.metrics}
            rec["metrics"] = metrics
            rec["series"] = series_payload(res.get("series")) if task.series else None
            rec["events"] = res.get("events") if task.events else None
            rec["status"] = "done"
        except Exception:
            rec["status"] = "error"
            rec["error"] = traceback.format_exc()
        rec["seconds"] = time.perf_counter() - start
        out.append(rec)
    return out


# --- the sweep ------------------------------------------------------------------------------


@dataclasses.dataclass
class SweepResult:
    """What a sweep did (``to_dict`` for JSON)."""

    store: str
    experiment: str
    backend: str
    workers: int
    total: int        # runs in the experiment
    skipped: int      # already in the store (resume)
    ran: int          # run by this sweep
    done: int         # of which finished
    errors: int       # of which raised (recorded with their traceback)
    seconds: float
    chunks: int
    stored: dict[str, int] = dataclasses.field(default_factory=dict)  # runs in store by status

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return dataclasses.asdict(self)


def iter_tasks(exp: Experiment, points: Sequence[dict[str, Any]] | None = None,
               data_dir: str | Path | None = None) -> Iterator[RunTask]:
    """Every run of ``exp`` made one at a time, ordered by (point, replication, system): the
    memory a sweep holds does not grow with the number of runs."""
    points = exp.design_points() if points is None else points
    charters = exp.charters()
    where = None if data_dir is None else str(data_dir)
    for i, point in enumerate(points):
        s = exp.settings(point)
        params = dict(point)
        for r in range(exp.replications):
            for label, charter in charters.items():
                yield RunTask(point=i, replication=r, system=label, charter=charter,
                              seed=exp.seed, years=s["years"], world=s["world"],
                              year=s["year"], behaviour=s["behaviour"], run=s["run"],
                              params=params, metrics=tuple(exp.metrics),
                              series=exp.series, events=exp.events, data_dir=where,
                              given_world=exp.world)


def make_tasks(exp: Experiment, points: Sequence[dict[str, Any]] | None = None,
               data_dir: str | Path | None = None) -> list[RunTask]:
    """Every run of ``exp`` as a list (see :func:`iter_tasks`, which a sweep uses);
    ``data_dir`` is where a data world is read from (default: ``FOEDUS_DATA_DIR`` or the
    cache)."""
    return list(iter_tasks(exp, points, data_dir))

def sweep(experiment: Experiment | str | Path, store: str | Path | None = None, *,
          backend: str = "processes", workers: int | None = None, scheduler: str | None = None,
          resume: bool = False, retry_errors: bool = False, chunk_size: int | None = None,
          run_fn: RunFunction | None = None,
          progress: ProgressCallback | None = None,
          data_dir: str | Path | None = None) -> SweepResult:
    """Run every run of ``experiment`` not yet in ``store`` and record the results.

    ``store`` defaults to ``<name>.duckdb`` in the working directory. With ``resume`` a store
    holding the same definition continues: runs already done are skipped, errored ones are
    re-run only with ``retry_errors``. ``run_fn`` replaces :func:`run_one` (any picklable
    function of a :class:`RunTask`); ``chunk_size`` fixes the runs per chunk (default:
    adaptive). ``data_dir``: where a data world (``scenario.year``) is read from (default:
    ``FOEDUS_DATA_DIR`` or the cache); it is checked before any run starts.
    """
    from .store import ResultStore

    exp = load_experiment(experiment)
    if chunk_size is not None and chunk_size < 1:
        raise FoedusError(f"chunk size must be at least 1, got {chunk_size}")
    path = Path(store) if store is not None else Path(f"{exp.name}.duckdb")
    fn = run_fn or run_one
    start = time.perf_counter()
    points = exp.design_points()
    if exp.scenario.year is not None:  # missing or malformed data: one clear error, not N runs
        _data_world(exp.scenario.year, None if data_dir is None else str(data_dir))
    with ResultStore(path) as st:
        st.start(exp, resume=resume, points=points)
        total = len(points) * exp.replications * len(exp.systems)
        skip = st.run_keys("done")
        errored = st.run_keys("error")
        if not retry_errors:
            skip |= errored
        replace = retry_errors and bool(errored)
        todo = (t for t in iter_tasks(exp, points, data_dir) if t.key not in skip)
        n_todo = total - len(skip)
        counts = {"done": 0, "errors": 0, "chunks": 0}

        def record(results: list[dict[str, Any]]) -> None:
            st.write(results, replace=replace)
            counts["done"] += sum(r["status"] == "done" for r in results)
            counts["errors"] += sum(r["status"] == "error" for r in results)
            counts["chunks"] += 1
            if progress is not None:
                progress(counts["done"] + counts["errors"], counts["errors"], n_todo)

        if progress is not None:
            progress(0, 0, n_todo)
        n_workers = 0
        if n_todo:
            pool = _Pool(backend, workers, scheduler)
            try:
                n_workers = pool.open()
                _run_chunks(pool, todo, n_todo, fn, chunk_size, record)
            finally:
                pool.close()
        stored = st.counts()
    return SweepResult(store=str(path), experiment=exp.name, backend=backend, workers=n_workers,
                       total=total, skipped=total - n_todo,
                       ran=counts["done"] + counts["errors"], done=counts["done"],
                       errors=counts["errors"], seconds=time.perf_counter() - start,
                       chunks=counts["chunks"], stored=stored)


#: Times a chunk is retried after the worker process running it died.
MAX_CHUNK_RETRIES = 2


class _Pool:
    """An executor that can be opened again after a worker process died (the process pool
    is broken then)."""

    def __init__(self, backend: str, workers: int | None, scheduler: str | None) -> None:
        self.args: tuple[str, int | None, str | None] | None = (backend, workers, scheduler)
        self.stack = contextlib.ExitStack()
        self.executor: Executor = SerialExecutor()
        self.n = 1

    @classmethod
    def of(cls, executor: Executor, n: int) -> _Pool:
        """An executor opened elsewhere (a broken one is not opened again)."""
        pool = cls("serial", None, None)
        pool.args, pool.executor, pool.n = None, executor, n
        return pool

    def open(self) -> int:
        if self.args is None:
            raise FoedusError("a worker process died and the executor given cannot be opened "
                              "again; every finished run is saved: continue with --resume")
        self.executor, self.n = self.stack.enter_context(open_executor(*self.args))
        return self.n

    def reopen(self) -> None:
        self.close()
        self.stack = contextlib.ExitStack()
        self.open()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stack.close()


def _died(chunk: list[RunTask], attempts: int, exc: BaseException) -> list[dict[str, Any]]:
    """Error records for a chunk whose worker died more than the retries allow."""
    text = (f"the worker process died {attempts} times running this chunk ({exc}); not retried "
            f"again (bound: {MAX_CHUNK_RETRIES} retries). Run it again with --resume "
            "--retry-errors")
    return [{"point": t.point, "replication": t.replication, "system": t.system,
             "status": "error", "seconds": 0.0, "error": text, "worker": None, "metrics": None,
             "series": None, "events": None} for t in chunk]


def _run_chunks(pool: _Pool, tasks: Iterator[RunTask], n_tasks: int, run_fn: RunFunction,
                chunk_size: int | None,
                record: Callable[[list[dict[str, Any]]], None]) -> None:
    """Submit chunks (at most two per worker in flight) and record each as it finishes.

    Tasks are drawn from the iterator as chunks are submitted. When a worker process dies, the
    pool is opened again and every chunk that was in flight is submitted again, up to
    :data:`MAX_CHUNK_RETRIES` times; a chunk retried is recorded with a note in ``runs.error``
    (status ``done``), one that still fails as ``error``.
    """
    retry: deque[list[RunTask]] = deque()
    attempts: dict[tuple[int, int, str], int] = {}
    in_flight: dict[Future[list[dict[str, Any]]], list[RunTask]] = {}
    timing = {"seconds": 0.0, "runs": 0, "left": n_tasks}

    def next_size() -> int:
        if chunk_size:
            return chunk_size
        if not timing["runs"]:
            return 1  # measure first
        mean = timing["seconds"] / timing["runs"]
        size = MAX_CHUNK if mean <= 0 else int(TARGET_CHUNK_SECONDS / mean)
        fair = int(timing["left"]) // (2 * pool.n)  # keep the tail balanced
        return max(1, min(size, fair, MAX_CHUNK))

    def next_chunk() -> list[RunTask]:
        if retry:
            return retry.popleft()
        chunk = list(itertools.islice(tasks, next_size()))
        timing["left"] -= len(chunk)
        return chunk

    def submit_more() -> None:
        limit = 1 if isinstance(pool.executor, SerialExecutor) else 2 * pool.n
        while len(in_flight) < limit:
            chunk = next_chunk()
            if not chunk:
                return
            try:
                in_flight[pool.executor.submit(execute_chunk, run_fn, chunk)] = chunk
            except BrokenProcessPool as exc:  # the pool broke since the last wait
                retry.appendleft(chunk)
                _recover(pool, in_flight, retry, attempts, exc, finish)

    def finish(chunk: list[RunTask], results: list[dict[str, Any]]) -> None:
        n = attempts.pop(chunk[0].key, 0)
        if n:
            for r in results:
                if r["status"] == "done":
                    r["error"] = f"retried {n} time(s) after its worker process died"
        timing["seconds"] += sum(r["seconds"] for r in results)
        timing["runs"] += len(results)
        record(results)

    try:
        submit_more()
        while in_flight:
            finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            broken: BaseException | None = None
            for fut in finished:
                chunk = in_flight.pop(fut)
                try:
                    finish(chunk, fut.result())
                except BrokenProcessPool as exc:
                    broken = exc
                    retry.append(chunk)
                except Exception:
                    text = traceback.format_exc()
                    finish(chunk, [{"point": t.point, "replication": t.replication,
                                    "system": t.system, "status": "error", "seconds": 0.0,
                                    "error": text, "worker": None, "metrics": None,
                                    "series": None, "events": None} for t in chunk])
            if broken is not None:
                _recover(pool, in_flight, retry, attempts, broken, finish)
            submit_more()
    finally:
        for fut in in_flight:
            fut.cancel()


def _recover(pool: _Pool, in_flight: dict[Future[list[dict[str, Any]]], list[RunTask]],
             retry: deque[list[RunTask]], attempts: dict[tuple[int, int, str], int],
             exc: BaseException,
             finish: Callable[[list[RunTask], list[dict[str, Any]]], None]) -> None:
    """After a worker died: take back every chunk in flight, count an attempt for each, give
    up on those over the bound (recorded as errors), and open the pool again."""
    for fut, chunk in list(in_flight.items()):
        try:
            finish(chunk, fut.result())  # finished before the pool broke
        except Exception:
            retry.append(chunk)
    in_flight.clear()
    for chunk in list(retry):
        n = attempts.get(chunk[0].key, 0) + 1
        attempts[chunk[0].key] = n
        if n > MAX_CHUNK_RETRIES:
            retry.remove(chunk)
            attempts.pop(chunk[0].key)
            finish(chunk, _died(chunk, n, exc))
    pool.reopen()


__all__ = ["MAX_CHUNK", "MAX_CHUNK_RETRIES", "TARGET_CHUNK_SECONDS", "ProgressCallback",
           "RunFunction", "RunTask", "SweepResult", "execute_chunk", "iter_tasks", "make_tasks",
           "run_one", "sweep", "task_world"]
