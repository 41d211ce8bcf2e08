"""Benchmark: worlds built from real data (COW, ATOP).

Times (wall clock, ``time.perf_counter``) and peak traced memory (``tracemalloc``, a separate run
so tracing does not slow the timings) for: reading the tables and building the 1950 world from
a cold cache; one more world with the tables cached; the panel of every world 1816-2016 (kept in
memory); the politically relevant dyad-year panel 1816-2016; CON 1816-2016.

    python benchmarks/bench_data.py [--data-dir ../shared/data] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import foedus.data.build as wfd
from foedus.data import capability_concentration, dyad_years, world_for_year

DEFAULT = Path(os.environ.get("FOEDUS_TEST_DATA",
                              Path(__file__).resolve().parents[2] / "shared" / "data"))


def cold() -> None:
    wfd._CACHE.clear()


def run(label: str, fn: Callable[[], Any], repeat: int, setup: Callable[[], None] = lambda: None) -> None:
    times = []
    for _ in range(repeat):
        setup()
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    setup()
    gc.collect()
    tracemalloc.start()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    best, med = min(times), statistics.median(times)
    print(f"{label:<52} best {best:8.3f} s  median {med:8.3f} s  peak {peak / 2**20:8.1f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    d = args.data_dir
    if not (d / "cow_states" / "states2016.csv").is_file() and not (d / "states2016.csv").is_file():
        sys.exit(f"no data at {d}; pass --data-dir or run `foedus data import PATH`")
    print(f"foedus data benchmark — {platform.python_implementation()} {platform.python_version()}, "
          f"pandas {pd.__version__}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"data: {d}\n")

    run("cold: read tables + world 1950", lambda: world_for_year(1950, data_dir=d), args.repeat,
        setup=cold)
    world_for_year(1950, data_dir=d)  # warm the cache
    run("warm: world 1950 (75 states)", lambda: world_for_year(1950, data_dir=d), args.repeat)
    run("warm: world 2016 (195 states)", lambda: world_for_year(2016, data_dir=d), args.repeat)
    run("warm: 201 worlds 1816-2016, all kept",
        lambda: [world_for_year(y, data_dir=d) for y in range(1816, 2017)], args.repeat)
    run("cold: 201 worlds 1816-2016, all kept",
        lambda: [world_for_year(y, data_dir=d) for y in range(1816, 2017)], 1, setup=cold)
    world_for_year(1950, data_dir=d)

    def prd_panel() -> pd.DataFrame:
        return pd.concat([dyad_years(y, relevant=True, data_dir=d) for y in range(1816, 2017)],
                         ignore_index=True)

    panel = prd_panel()
    run(f"warm: relevant dyad-years 1816-2016 ({len(panel):,} rows)", prd_panel, args.repeat)
    run("warm: CON and polarity 1816-2016",
        lambda: capability_concentration(1816, 2016, data_dir=d), args.repeat)


if __name__ == "__main__":
    main()
