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
import json
import os
import socket
import threading
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
from .experiment import Experiment, load_experiment
from ..seeding import replication_seeds

if TYPE_CHECKING:
    from ..rules.charter import Charter
    from ..world.world import World

BACKENDS = ("serial", "processes", "dask")
#: Aim for chunks of about this many seconds of work once run times are known.
TARGET_CHUNK_SECONDS = 1.0
MAX_CHUNK = 256


@dataclasses.dataclass(frozen=True)
class RunTask:
    """Everything one run needs; picklable, sent to a worker inside a chunk."""

    point: int
    replication: int
    system: str
    charter: Charter
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
    return {"metrics": result.metrics, "series": result.series if task.series else None}


# --- worker side ----------------------------------------------------------------------------


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def series_payload(series: Any) -> dict[str, Any] | None:
    """A run's yearly series (a DataFrame or a dict of columns, with ``year``) as the compact
    form workers send: ``{"year": ints, "variables": names, "values": years x variables}``
    (numeric columns only); None without a ``year`` column."""
    if series is None:
        return None
    if hasattr(series, "select_dtypes"):
        num = series.select_dtypes(include=["number", "bool"])
        names = [str(c) for c in num.columns]
        values = num.to_numpy(dtype=np.float64)
    else:
        cols = {str(k): np.asarray(v) for k, v in dict(series).items()}
        names = [k for k, a in cols.items() if a.dtype.kind in "biuf"]
        if not names:
            return None
        values = np.column_stack([cols[k].astype(np.float64) for k in names])
    if "year" not in names:
        return None
    j = names.index("year")
    keep = [i for i in range(len(names)) if i != j]
    return {"year": values[:, j].astype(np.int32), "variables": [names[i] for i in keep],
            "values": np.ascontiguousarray(values[:, keep])}


def execute_chunk(run_fn: RunFunction, tasks: Sequence[RunTask]) -> list[dict[str, Any]]:
    """Run ``tasks`` one after another in a worker; each becomes a tidy result dict.

    A task that raises becomes ``status = "error"`` with its traceback; the others go on.
    """
    worker = _worker_id()
    out = []
    for task in tasks:
        rec: dict[str, Any] = {"point": task.point, "replication": task.replication,
                               "system": task.system, "worker": worker, "error": None,
                               "metrics": None, "series": None}
        start = time.perf_counter()
        try:
            res = run_fn(task)
            metrics = {str(k): float(v) for k, v in dict(res.get("metrics") or {}).items()}
            if task.metrics:
                metrics = {k: metrics.get(k, float("nan")) for k in task.metrics}
            rec["metrics"] = metrics
            rec["series"] = series_payload(res.get("series")) if task.series else None
            rec["status"] = "done"
        except Exception:
            rec["status"] = "error"
            rec["error"] = traceback.format_exc()
        rec["seconds"] = time.perf_counter() - start
        out.append(rec)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    try:  # a killed driver not yet reaped by its parent is a zombie: dead all the same
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _watch_driver(driver: int) -> None:
    """Worker initializer: exit when the driver process dies, so that a killed sweep leaves no
    orphans computing (forkserver workers keep their parent, the fork server, alive)."""

    def watch() -> None:
        while _alive(driver):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="foedus-driver-watch").start()


# --- executors ------------------------------------------------------------------------------


class SerialExecutor(Executor):
    """An executor that runs each call at once, in this process (the ``serial`` backend)."""

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn(*args, **kwargs)`` now; return a finished future."""
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:
            fut.set_exception(exc)
        return fut

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse further calls."""
        self._shutdown = True


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def open_executor(backend: str = "processes", workers: int | None = None,
                  scheduler: str | None = None) -> Iterator[tuple[Executor, int]]:
    """Yield ``(executor, number of workers)`` for a backend; shut it down afterwards."""
    if workers is not None and workers < 1:
        raise FoedusError(f"--workers must be at least 1, got {workers}")
    if scheduler is not None and backend != "dask":
        raise FoedusError("--scheduler needs --backend dask")
    if backend == "serial":
        yield SerialExecutor(), 1
    elif backend == "processes":
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        n = workers or default_workers()
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        ctx = mp.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(["foedus._runner", "foedus._model"])
        pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_watch_driver,
                                   initargs=(os.getpid(),))
        try:
            yield pool, n
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    elif backend == "dask":
        with _dask_executor(workers, scheduler) as pair:
            yield pair
    else:
        raise FoedusError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


@contextlib.contextmanager
def _dask_executor(workers: int | None, scheduler: str | None) -> Iterator[tuple[Executor, int]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise FoedusError("the dask backend needs Dask distributed: pip install 'foedus[dask]'") \
            from None
    import logging

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=20)
        else:
            import dask

            # For CPU-bound runs of small memory: no statistical profiler or GIL monitor
            # sampling every few ms (an embedded cluster has no dashboard to show them), the
            # event-loop tick and the system and memory monitors once a second instead of every
            # 20-500 ms (each wake-up takes the GIL from the run: measured 5-8% per run), and
            # no MALLOC_TRIM_THRESHOLD_ (returning freed memory to the OS at once makes every
            # numpy allocation slower; measured 10-15% on a run).
            environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
                       if k != "MALLOC_TRIM_THRESHOLD_"}
            with dask.config.set({"distributed.worker.profile.enabled": False,
                                  "distributed.admin.system-monitor.gil.enabled": False,
                                  "distributed.admin.tick.interval": "1s",
                                  "distributed.admin.system-monitor.interval": "2s",
                                  "distributed.worker.memory.monitor-interval": "1s",
                                  "distributed.nanny.pre-spawn-environ": environ}):
                cluster = LocalCluster(n_workers=workers or default_workers(),
                                       threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR,
                                       preload=["foedus._runner", "foedus._model"])
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise FoedusError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}") \
            from None
    try:
        n = sum(client.nthreads().values()) or 1
        if workers and scheduler:
            n = min(n, workers)
        executor = client.get_executor(pure=False)
        yield executor, n
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


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


def make_tasks(exp: Experiment, points: Sequence[dict[str, Any]] | None = None,
               data_dir: str | Path | None = None) -> list[RunTask]:
    """Every run of ``exp``, ordered by (point, replication, system); ``data_dir`` is where a
    data world is read from (default: ``FOEDUS_DATA_DIR`` or the cache)."""
    points = exp.design_points() if points is None else points
    charters = exp.charters()
    tasks = []
    for i, point in enumerate(points):
        s = exp.settings(point)
        for r in range(exp.replications):
            for label, charter in charters.items():
                tasks.append(RunTask(point=i, replication=r, system=label, charter=charter,
                                     seed=exp.seed, years=s["years"], world=s["world"],
                                     year=s["year"], behaviour=s["behaviour"], run=s["run"],
                                     params=dict(point), metrics=tuple(exp.metrics),
                                     series=exp.series,
                                     data_dir=None if data_dir is None else str(data_dir)))
    return tasks


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
        tasks = make_tasks(exp, points, data_dir)
        skip = st.run_keys("done")
        errored = st.run_keys("error")
        if not retry_errors:
            skip |= errored
        replace = retry_errors and bool(errored)
        todo = [t for t in tasks if t.key not in skip]
        counts = {"done": 0, "errors": 0, "chunks": 0}

        def record(results: list[dict[str, Any]]) -> None:
            st.write(results, replace=replace)
            counts["done"] += sum(r["status"] == "done" for r in results)
            counts["errors"] += sum(r["status"] == "error" for r in results)
            counts["chunks"] += 1
            if progress is not None:
                progress(counts["done"] + counts["errors"], counts["errors"], len(todo))

        if progress is not None:
            progress(0, 0, len(todo))
        n_workers = 0
        if todo:
            with open_executor(backend, workers, scheduler) as (executor, n_workers):
                _run_chunks(executor, todo, fn, n_workers, chunk_size, record)
        stored = st.counts()
    return SweepResult(store=str(path), experiment=exp.name, backend=backend, workers=n_workers,
                       total=len(tasks), skipped=len(tasks) - len(todo),
                       ran=counts["done"] + counts["errors"], done=counts["done"],
                       errors=counts["errors"], seconds=time.perf_counter() - start,
                       chunks=counts["chunks"], stored=stored)


def _run_chunks(executor: Executor, tasks: Sequence[RunTask], run_fn: RunFunction,
                n_workers: int, chunk_size: int | None,
                record: Callable[[list[dict[str, Any]]], None]) -> None:
    """Submit chunks (at most two per worker in flight) and record each as it finishes."""
    queue = deque(tasks)
    in_flight: dict[Future[list[dict[str, Any]]], list[RunTask]] = {}
    max_in_flight = 1 if isinstance(executor, SerialExecutor) else 2 * n_workers
    timing = {"seconds": 0.0, "runs": 0}

    def next_size() -> int:
        if chunk_size:
            return chunk_size
        if not timing["runs"]:
            return 1  # measure first
        mean = timing["seconds"] / timing["runs"]
        size = MAX_CHUNK if mean <= 0 else int(TARGET_CHUNK_SECONDS / mean)
        fair = len(queue) // (2 * n_workers)  # keep the tail balanced
        return max(1, min(size, fair, MAX_CHUNK))

    try:
        while queue or in_flight:
            while queue and len(in_flight) < max_in_flight:
                chunk = [queue.popleft() for _ in range(min(next_size(), len(queue)))]
                in_flight[executor.submit(execute_chunk, run_fn, chunk)] = chunk
            finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for fut in finished:
                chunk = in_flight.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool as exc:
                    keys = [t.key for c in [chunk, *in_flight.values()] for t in c]
                    raise FoedusError(
                        f"a worker process died ({exc}) while running {len(keys)} runs, e.g. "
                        f"{keys[:3]}; every finished run is saved: continue with --resume") from None
                except Exception:
                    text = traceback.format_exc()
                    results = [{"point": t.point, "replication": t.replication,
                                "system": t.system, "status": "error", "seconds": 0.0,
                                "error": text, "worker": None, "metrics": None, "series": None}
                               for t in chunk]
                timing["seconds"] += sum(r["seconds"] for r in results)
                timing["runs"] += len(results)
                record(results)
    finally:
        for fut in in_flight:
            fut.cancel()
