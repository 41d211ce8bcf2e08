"""Scaling: the per-year cost of the model against the number of states, for every built-in
system, and its growth exponent from 30 to 480 states (issue 16: at most 1.15).

    python benchmarks/bench_scaling.py [--sizes 30,60,120,240,480] [--years 10] [--repeat 3]
        [--systems all|un-1965,self-help,...] [--seed 1] [--against OLD/src] [--clock wall|cpu]

With ``--against`` another source tree (e.g. ``git archive main src | tar -x -C /tmp/old``,
then ``--against /tmp/old/src``) runs every system too, in a fresh interpreter, the two trees
alternated round by round; the speed-up per size is printed under each system.

Each cell is a synthetic world of ``n`` states (child 0 of ``SeedSequence(seed)``) run for
``--years`` with child 1; only the simulated years are timed (the model is built before the
clock starts), and the cost is per year, the best of ``--repeat`` runs (the least disturbed
by other work on a shared machine). The sizes are interleaved (every size once per round) so
that a slow spell of the machine does not tilt the slope. The exponent is the least-squares
slope of log(cost per year) against log(n); the number of crises per year grows with ``n``
too, and is printed beside it, with the exponent split in two: that of the number of crises a
year (the model's behaviour: the same in every tree) and that of the cost of one crisis (what
the engine can change; the two add up to the exponent). ``--clock cpu`` times the process's CPU time
(``time.process_time``) instead of the wall clock: on a machine shared with other jobs it is
disturbed less by them (it still counts the cache and memory contention they cause).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

import foedus
from foedus import Model

CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def per_year(system: str, n: int, years: int, seed: int, clock: str = "wall"
             ) -> tuple[float, int]:
    """Seconds per simulated year, and the crises of the run."""
    w_seq, r_seq = np.random.SeedSequence(seed).spawn(2)
    world = foedus.generate_world(n, rng=np.random.default_rng(w_seq))
    model = Model(system, world, rng=np.random.default_rng(r_seq))
    now = CLOCKS[clock]
    start = now()
    for _ in range(years):
        model.step()
    return (now() - start) / years, len(model.events)


def exponent(ns: list[int], ts: list[float]) -> float:
    """The least-squares slope of log(t) on log(n)."""
    return float(np.polyfit(np.log(np.asarray(ns, float)), np.log(np.asarray(ts, float)), 1)[0])


def _one_pass(system: str, sizes: list[int], years: int, seed: int, clock: str = "wall"
              ) -> dict[str, Any]:
    """Every size once: seconds per year, the crises of each size and of the largest."""
    out: dict[str, Any] = {"times": {}, "crises": 0, "by_size": {}}
    for n in sizes:
        t, crises = per_year(system, n, years, seed, clock)
        out["times"][str(n)] = t
        out["by_size"][str(n)] = crises
        out["crises"] = crises
    return out


def _pass_in(src: Path | None, system: str, args: argparse.Namespace) -> dict[str, Any]:
    """One pass in a fresh interpreter that imports foedus from ``src`` (None: this one)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, __file__, "--worker", system, "--sizes", args.sizes,
           "--years", str(args.years), "--seed", str(args.seed), "--clock", args.clock]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _row(name: str, sizes: list[int], best: list[float], crises: float,
         by_size: list[int]) -> str:
    """A system's costs, their exponent, the crises a year at the largest size and the
    exponent split in two: of the crises a year, and of the cost of a crisis (the two add up
    to the first; seeds and sizes give the same crises in every tree)."""
    cells = " ".join(f"{1000 * t:12.2f}" for t in best)
    split = "" if min(by_size) <= 0 else (
        f" {exponent(sizes, [float(c) for c in by_size]):10.2f}"
        f" {exponent(sizes, [t / c for t, c in zip(best, by_size, strict=True)]):10.2f}")
    return f"{name:28} {cells} {exponent(sizes, best):9.2f} {crises:19.1f}{split}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="30,60,120,240,480")
    p.add_argument("--years", type=int, default=10)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--systems", default="all")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--against", type=Path, default=None,
                   help="a baseline source tree (its src/): each system runs in both, alternated")
    p.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                   help="wall: elapsed time; cpu: this process's CPU time (less disturbed by other jobs)")
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.worker is not None:
        print(json.dumps(_one_pass(args.worker, sizes, args.years, args.seed, args.clock)))
        return 0
    systems = foedus.builtin_charter_ids() if args.systems == "all" else args.systems.split(",")
    sides: list[tuple[str, Path | None]] = [("this", None)]
    if args.against is not None:
        sides.append(("baseline", args.against.resolve()))
    print(f"per-year cost against n; Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}; {args.years} years, best of {args.repeat}, {args.clock} clock"
          + (f"; baseline {args.against}, alternated with this tree" if args.against else ""))
    head = " ".join(f"{'ms/yr n=' + str(n):>12}" for n in sizes)
    print(f"{'system':28} {head} {'exponent':>9} {'crises/yr at max n':>19} "
          f"{'crises exp':>10} {'crisis exp':>10}")
    worst = 0.0
    for system in systems:
        times: dict[str, dict[int, list[float]]] = {name: {n: [] for n in sizes} for name, _ in sides}
        crises, by_size = 0, [0] * len(sizes)
        for r in range(args.repeat):
            for name, src in (sides if r % 2 == 0 else sides[::-1]):
                got = _pass_in(src, system, args) if args.against is not None \
                    else _one_pass(system, sizes, args.years, args.seed, args.clock)
                for n in sizes:
                    times[name][n].append(float(got["times"][str(n)]))
                crises = int(got["crises"])
                by_size = [int(got["by_size"][str(n)]) for n in sizes]
        best = {name: [min(times[name][n]) for n in sizes] for name, _ in sides}
        worst = max(worst, exponent(sizes, best["this"]))
        print(_row(system, sizes, best["this"], crises / args.years, by_size), flush=True)
        if args.against is not None:
            print(_row(f"  {system} (baseline)", sizes, best["baseline"], crises / args.years,
                       by_size))
            ratio = " ".join(f"{b / t:12.2f}" for t, b in zip(best["this"], best["baseline"],
                                                               strict=True))
            print(f"{'  speed-up (baseline/this)':28} {ratio}", flush=True)
    print(f"largest exponent (this tree): {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
