"""Scaling: the per-year cost of the model against the number of states, for every built-in
system, and its growth exponent from 30 to 480 states (issue 16: at most 1.15).

    python benchmarks/bench_scaling.py [--sizes 30,60,120,240,480] [--years 10] [--repeat 3]
        [--systems all|un-1965,self-help,...] [--seed 1]

Each cell is a synthetic world of ``n`` states (child 0 of ``SeedSequence(seed)``) run for
``--years`` with child 1; only the simulated years are timed (the model is built before the
clock starts), and the cost is per year, the best of ``--repeat`` runs (the least disturbed
by other work on a shared machine). The sizes are interleaved (every size once per round) so
that a slow spell of the machine does not tilt the slope. The exponent is the least-squares
slope of log(cost per year) against log(n); the number of crises per year grows with ``n``
too, and is printed beside it.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np

import foedus
from foedus import Model


def per_year(system: str, n: int, years: int, seed: int) -> tuple[float, int]:
    """Seconds per simulated year, and the crises of the run."""
    w_seq, r_seq = np.random.SeedSequence(seed).spawn(2)
    world = foedus.generate_world(n, rng=np.random.default_rng(w_seq))
    model = Model(system, world, rng=np.random.default_rng(r_seq))
    start = time.perf_counter()
    for _ in range(years):
        model.step()
    return (time.perf_counter() - start) / years, len(model.events)


def exponent(ns: list[int], ts: list[float]) -> float:
    """The least-squares slope of log(t) on log(n)."""
    return float(np.polyfit(np.log(np.asarray(ns, float)), np.log(np.asarray(ts, float)), 1)[0])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="30,60,120,240,480")
    p.add_argument("--years", type=int, default=10)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--systems", default="all")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    systems = foedus.builtin_charter_ids() if args.systems == "all" else args.systems.split(",")
    print(f"per-year cost against n; Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}; {args.years} years, best of {args.repeat}")
    head = " ".join(f"{'ms/yr n=' + str(n):>12}" for n in sizes)
    print(f"{'system':20} {head} {'exponent':>9} {'crises/yr at max n':>19}")
    worst = 0.0
    for system in systems:
        times: dict[int, list[float]] = {n: [] for n in sizes}
        crises = 0
        for _ in range(args.repeat):
            for n in sizes:
                t, crises = per_year(system, n, args.years, args.seed)
                times[n].append(t)
        med = [min(times[n]) for n in sizes]
        k = exponent(sizes, med)
        worst = max(worst, k)
        cells = " ".join(f"{1000 * t:12.2f}" for t in med)
        print(f"{system:20} {cells} {k:9.2f} {crises / args.years:19.1f}", flush=True)
    print(f"largest exponent: {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
