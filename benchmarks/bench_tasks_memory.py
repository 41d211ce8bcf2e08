"""Benchmark the memory a sweep holds for its queue of runs, from 10**3 to 10**6 runs (issue 17).

Run with ``python benchmarks/bench_tasks_memory.py [--max 1000000]``. For each size, an
experiment of that many runs (one design point, two systems, ``N / 2`` replications) has its
tasks drawn the way :func:`foedus.sweep` draws them (:func:`foedus.experiments.runner.iter_tasks`,
at most 512 tasks held at a time: two chunks of 256 per worker at most are in flight), and the
peak of Python allocations (``tracemalloc``) is printed; beside it, the list that
``make_tasks`` builds (the queue before issue 17), up to 10**5 runs. Prints figures, no
assertions.
"""

from __future__ import annotations

import argparse
import itertools
import time
import tracemalloc
from collections import deque
from typing import Any

import foedus
from foedus.experiments.runner import iter_tasks, make_tasks

WINDOW = 512


def _experiment(runs: int) -> foedus.Experiment:
    return foedus.Experiment.from_dict({"name": "bench-memory", "systems": ["self-help", "nato"],
                                        "replications": runs // 2, "years": 10,
                                        "scenario": {"world": {"n": 20}}})


def _peak(fn: Any) -> tuple[float, float]:
    """Peak MiB of Python allocations while ``fn`` runs, and its seconds."""
    tracemalloc.start()
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, seconds


def _lazy(exp: foedus.Experiment) -> None:
    window: deque[Any] = deque(maxlen=WINDOW)
    tasks = iter_tasks(exp)
    while chunk := list(itertools.islice(tasks, 256)):
        window.extend(chunk)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max", type=int, default=1_000_000, help="largest number of runs")
    args = ap.parse_args()
    print(f"{'runs':>10} {'lazy peak MiB':>14} {'s':>6} {'list peak MiB':>14} {'s':>6}")
    size = 1000
    while size <= args.max:
        exp = _experiment(size)
        exp.charters()  # load the charters once (cached), outside the measurement
        lazy, lazy_s = _peak(lambda exp=exp: _lazy(exp))
        listed = "-"
        listed_s = "-"
        if size <= 100_000:
            mib, sec = _peak(lambda exp=exp: make_tasks(exp))
            listed, listed_s = f"{mib:.1f}", f"{sec:.2f}"
        print(f"{size:>10,} {lazy:>14.2f} {lazy_s:>6.2f} {listed:>14} {listed_s:>6}")
        size *= 10


if __name__ == "__main__":
    main()
