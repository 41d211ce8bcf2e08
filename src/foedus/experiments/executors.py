"""Executors: where runs are computed, behind :class:`concurrent.futures.Executor`.

``serial`` runs in this process (:class:`SerialExecutor`); ``processes`` (the default) runs one
local process per core, each watching its driver so that a killed sweep or comparison leaves no
worker computing; ``dask`` runs on a Dask distributed cluster at ``scheduler`` or an embedded
``LocalCluster`` (the optional extra ``foedus[dask]``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

from .._errors import FoedusError

BACKENDS = ("serial", "processes", "dask")
#: Modules a fresh worker imports before its first run (what every run needs).
PRELOAD = ["foedus.experiments.runner", "foedus.engine.model"]


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
            ctx.set_forkserver_preload(PRELOAD)
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
                                       preload=PRELOAD)
            client = Client(cluster)
    except (OSError, TimeoutError, RuntimeError) as exc:  # RuntimeError: a nanny failed to start
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
        raise FoedusError(f"cannot start or reach the Dask cluster {scheduler or '(local)'}: "
                          f"{exc}") from None
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


__all__ = ["BACKENDS", "PRELOAD", "SerialExecutor", "default_workers", "open_executor"]
