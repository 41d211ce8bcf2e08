"""Benchmark the experiment runner: parallel efficiency, overhead per run, Dask against processes.

Run with ``python benchmarks/bench_runner.py [--runs N] [--repeat R] [--quick]``. Prints ratios
measured in this one run (each timing the best of ``R``, the two sides of each comparison timed
alternately, with the load average beside it); no
assertions (timings on a shared machine vary; this is for reading, not CI).

The long runs are ``un-1965`` on synthetic worlds of 120 states with the horizon calibrated at
start so that one run takes about 1.2 s on this machine.

* **Parallel efficiency** (target >= 90% at 2 workers): a sweep of ``N`` long runs with local
  processes at 1 and at 2 workers; efficiency = T(1) / (2 T(2)). The pool's fork server is
  started once before timing (its one-time start, mostly importing numpy/scipy/pandas, is
  printed separately).
* **Overhead per run** (target <= 5%): a serial sweep (tasks, chunks, tidy results, one DuckDB
  transaction per chunk, series included) against calling ``generate_world`` + ``simulate``
  directly in a loop on the same runs, for long runs and for small runs (20 states, 10 years);
  and the machinery alone: a sweep whose run function returns a stored result at once, per
  run, with the fixed cost of a sweep (store, definition hash, tasks) apart.
* **Dask against processes** (target: within 10%): 2 single-threaded workers of an embedded Dask
  ``LocalCluster`` against 2 local processes on the same long runs, both executors started and
  warmed first (start times printed apart), then timed alternately, the runs chunked and
  recorded in a store.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import math
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from foedus.experiments.experiment import Experiment, experiment_from_dict
from foedus.experiments.runner import _Pool, _run_chunks, make_tasks, open_executor, run_one, sweep
from foedus.experiments.store import ResultStore
from foedus.seeding import replication_seeds

REPEAT = 1
_STORED: dict[str, Any] = {}


def experiment(runs: int, *, n: int = 120, years: int = 100, name: str = "bench",
               series: bool = True) -> Experiment:
    """``runs`` replications of un-1965 on synthetic worlds of ``n`` states for ``years``."""
    return experiment_from_dict({"name": name, "systems": ["un-1965"], "replications": runs,
                                 "years": years, "seed": 42, "series": series,
                                 "scenario": {"world": {"n": n}}})


def load() -> str:
    """The 1-minute load average, to read timings against."""
    return f"[load {os.getloadavg()[0]:.1f}]"


def best(*fns: Any) -> list[float]:
    """Best wall time of ``REPEAT`` calls of each ``fn()``, the calls interleaved (round
    ``k`` calls every function once) so that a busier moment of a shared machine does not fall
    on one side of a comparison only."""
    out = [float("inf")] * len(fns)
    for _ in range(REPEAT):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            out[k] = min(out[k], time.perf_counter() - start)
    return out


def sweep_fn(exp: Experiment, tmp: Path, **kw: Any) -> Any:
    """A function that sweeps ``exp`` into a fresh store."""

    def once() -> None:
        res = sweep(exp, tmp / f"{exp.name}-{time.monotonic_ns()}.duckdb", **kw)
        if res.errors:
            raise SystemExit(f"benchmark runs failed: {res.errors} errors")

    return once


def direct_fn(exp: Experiment) -> Any:
    """A function that calls the model directly on the runs of ``exp`` (world + simulate)."""
    from foedus.engine.model import simulate
    from foedus.world import generate_world

    tasks = make_tasks(exp)

    def once() -> None:
        for task in tasks:
            w_seq, r_seq = replication_seeds(task.seed, task.point, task.replication)
            world = generate_world(**task.world, rng=np.random.default_rng(w_seq))
            simulate(task.charter, world=world, years=task.years, rng=np.random.default_rng(r_seq))

    return once


def timed_sweep(exp: Experiment, tmp: Path, **kw: Any) -> float:
    """Best wall time of sweeps of ``exp``, each into a fresh store."""
    return best(sweep_fn(exp, tmp, **kw))[0]


def calibrate(target: float = 1.2) -> int:
    """Horizon (years) at which a run of 120 states takes about ``target`` seconds."""
    probe = experiment(3, years=50)
    per_run = best(direct_fn(probe))[0] / 3
    return max(50, math.ceil(50 * target / per_run))


def stored_run(task: Any) -> dict[str, Any]:
    """A run function that returns a stored result at once: the runner's machinery alone."""
    return _STORED


def _noop(x: int = 0) -> int:
    return x


def startup(backend: str, workers: int) -> float:
    """Seconds to open an executor and get one trivial task back."""
    start = time.perf_counter()
    with open_executor(backend, workers) as (ex, _):
        ex.submit(_noop, 1).result()
        return time.perf_counter() - start


def _record(store: ResultStore, results: list[dict[str, Any]]) -> None:
    store.write(results)


def warm_compare(workers: int, exp: Experiment, tmp: Path) -> dict[str, tuple[float, float]]:
    """Backend -> (start-and-warm seconds, best compute seconds) for ``processes`` and ``dask``:
    both executors started and warmed first, then timed alternately (``REPEAT`` rounds), so
    that neither profits from a quieter moment of a shared machine. Each timing sends the runs
    of ``exp`` in chunks and records them in a store, as a sweep does."""
    backends = ("processes", "dask")
    started: dict[str, float] = {}
    best_time = dict.fromkeys(backends, float("inf"))
    tasks = make_tasks(exp)
    with contextlib.ExitStack() as stack:
        executors = {}
        for b in backends:
            start = time.perf_counter()
            ex, n = stack.enter_context(open_executor(b, workers))
            for fut in [ex.submit(_noop, k) for k in range(4 * n)]:
                fut.result()
            started[b] = time.perf_counter() - start
            executors[b] = (ex, n)
        for _ in range(REPEAT):
            for b in backends:
                ex, n = executors[b]
                start = time.perf_counter()
                with ResultStore(tmp / f"warm-{b}-{time.monotonic_ns()}.duckdb") as st:
                    st.start(exp, resume=False, points=exp.design_points())
                    _run_chunks(_Pool.of(ex, n), iter(tasks), len(tasks), run_one, None,
                                functools.partial(_record, st))
                best_time[b] = min(best_time[b], time.perf_counter() - start)
    return {b: (started[b], best_time[b]) for b in backends}


def main() -> None:
    """Measure and print."""
    global REPEAT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16, help="long runs per sweep")
    parser.add_argument("--repeat", type=int, default=2, help="time each measurement as the best of R")
    parser.add_argument("--quick", action="store_true", help="4 runs, no repeats (a smoke test)")
    args = parser.parse_args()
    REPEAT = 1 if args.quick else max(1, args.repeat)
    runs = 4 if args.quick else args.runs
    print(f"foedus runner benchmark — Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs visible, best of {REPEAT} {load()}")
    years = calibrate()
    big = experiment(runs, years=years)
    small = experiment(runs * 10, n=20, years=10, name="bench-small")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"\nfork server first start (one-time per driver process): "
              f"{startup('processes', 2):.2f} s; a later pool: {startup('processes', 2):.2f} s")

        t_direct, t_serial = best(direct_fn(big), sweep_fn(big, tmp, backend="serial"))
        print(f"\nlong runs: {runs} x un-1965, 120 states, {years} years; direct calls "
              f"{t_direct:.2f} s ({t_direct / runs:.2f} s per run)")
        print(f"  serial sweep vs direct calls: {t_serial:.2f} s vs {t_direct:.2f} s -> "
              f"{1000 * (t_serial - t_direct) / runs:+.1f} ms per run "
              f"({100 * (t_serial - t_direct) / t_direct:+.1f}%; target <= 5%) {load()}")
        bare = experiment(runs * 10, n=20, years=10, name="bench-bare", series=False)
        t_small_direct, t_small, t_bare = best(direct_fn(small), sweep_fn(small, tmp, backend="serial"),
                                               sweep_fn(bare, tmp, backend="serial"))
        n_small = small.n_runs()
        print(f"  small runs ({n_small} x 20 states, 10 years, {1000 * t_small_direct / n_small:.0f} "
              f"ms each): {t_small:.2f} s vs {t_small_direct:.2f} s -> "
              f"{1000 * (t_small - t_small_direct) / n_small:+.1f} ms per run "
              f"({100 * (t_small - t_small_direct) / t_small_direct:+.1f}%) {load()}")
        print(f"  the same without yearly series (series = false): {t_bare:.2f} s -> "
              f"{1000 * (t_bare - t_small_direct) / n_small:+.1f} ms per run "
              f"({100 * (t_bare - t_small_direct) / t_small_direct:+.1f}%) {load()}")
        _STORED.update(run_one(make_tasks(big)[0]))
        t_fixed = timed_sweep(experiment(1, name="bench-one"), tmp, backend="serial",
                              run_fn=stored_run)
        many = experiment(400, name="bench-null")
        t_many = timed_sweep(many, tmp, backend="serial", run_fn=stored_run)
        per_run = (t_many - t_fixed) / (many.n_runs() - 1)
        print(f"  machinery alone (a stored result of {len(_STORED['series'])} years, series kept): "
              f"{1000 * per_run:.2f} ms per run = {100 * per_run / (t_direct / runs):.2f}% of a "
              f"long run, {100 * per_run / (t_small_direct / n_small):.1f}% of a small run; "
              f"fixed cost per sweep {t_fixed:.2f} s")

        t1, t2 = best(sweep_fn(big, tmp, backend="processes", workers=1),
                      sweep_fn(big, tmp, backend="processes", workers=2))
        print(f"\nparallel efficiency, processes: 1 worker {t1:.2f} s, 2 workers {t2:.2f} s -> "
              f"speed-up {t1 / t2:.2f}, efficiency {100 * t1 / (2 * t2):.0f}% (target >= 90%) "
              f"{load()}")

        try:
            import distributed  # noqa: F401
        except ImportError:
            print("\nDask: not installed (pip install 'foedus[dask]'); skipped")
            return
        res = warm_compare(2, big, tmp)
        (s_proc, c_proc), (s_dask, c_dask) = res["processes"], res["dask"]
        print(f"\nDask LocalCluster vs local processes, 2 workers each, warm: {c_dask:.2f} s vs "
              f"{c_proc:.2f} s -> ratio {c_dask / c_proc:.2f} (target <= 1.10) {load()}")
        print(f"  start and warm-up: Dask LocalCluster {s_dask:.2f} s (workers preload the model); "
              f"process pool {s_proc:.2f} s with the fork server running (first start above)")


if __name__ == "__main__":
    main()
