"""Benchmark the many-year model on growing worlds.

Run with ``python benchmarks/bench_engine.py [--charters un-1965,self-help] [--years Y]
[--repeat R]``. For each charter and world size (30, 60, 120, 240 states) it prints:

* state-periods per second (states x years / wall time of the whole run);
* crises per second (crises / time spent inside the crisis engine, ``run_crisis``);
* the per-period cost of the model itself (growth, alignment, expected-utility decisions over
  the politically relevant pairs, bookkeeping: the wall time minus the time in crises, per
  year), and of the whole period;

then the growth exponent of each per-period cost in ``n`` (the least-squares slope of
log(time) against log(n)). The decisions are built to cost ~ n k (k relevant partners per
state), i.e. an exponent near 1, not the 2 of all pairs. The crisis engine itself works on
n x n matrices (one crisis costs ~ n^2), which is why its share is reported apart.

No assertions: this is for reading, not CI. Best of ``--repeat`` runs per cell.
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time

import numpy as np

from foedus import generate_world
from foedus.engine.events import CrisisEvent
from foedus.engine.model import Model

SIZES = (30, 60, 120, 240)


class _TimedModel(Model):
    """A model that measures the time spent in the crisis engine."""

    crisis_seconds = 0.0
    crises = 0

    def _crisis(self, a: int, t: int, year: int) -> CrisisEvent | None:
        start = time.perf_counter()
        ev = super()._crisis(a, t, year)
        self.crisis_seconds += time.perf_counter() - start
        self.crises += ev is not None
        return ev


def run_once(charter: str, n: int, years: int, seed: int) -> dict[str, float]:
    world = generate_world(n, rng=np.random.default_rng(seed))
    model = _TimedModel(charter, world, rng=seed)
    start = time.perf_counter()
    model.run(years)
    wall = time.perf_counter() - start
    model_s = wall - model.crisis_seconds
    return {"wall": wall, "crisis_s": model.crisis_seconds, "crises": float(model.crises),
            "model_per_period": model_s / years, "period": wall / years}


def slope(ns: list[int], ts: list[float]) -> float:
    x = np.log(np.asarray(ns, float))
    y = np.log(np.asarray(ts, float))
    return float(np.polyfit(x, y, 1)[0])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--charters", default="un-1965,self-help,collective-security")
    p.add_argument("--years", type=int, default=40)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"foedus many-year model benchmark; Python {platform.python_version()}, "
          f"numpy {np.__version__}, {platform.machine()}; {args.years} years, best of "
          f"{args.repeat}")
    for charter in args.charters.split(","):
        print(f"\n{charter}")
        print(f"{'n':>5} {'state-periods/s':>16} {'crises':>7} {'crises/s':>9} "
              f"{'model ms/period':>16} {'total ms/period':>16}")
        model_t: list[float] = []
        total_t: list[float] = []
        for n in sizes:
            best: dict[str, float] | None = None
            for r in range(args.repeat):
                res = run_once(charter, n, args.years, seed=r)
                if best is None or res["wall"] < best["wall"]:
                    best = res
            assert best is not None
            sps = n * args.years / best["wall"]
            cps = best["crises"] / best["crisis_s"] if best["crisis_s"] > 0 else math.nan
            model_t.append(best["model_per_period"])
            total_t.append(best["period"])
            print(f"{n:>5} {sps:>16,.0f} {int(best['crises']):>7} {cps:>9,.0f} "
                  f"{1000 * best['model_per_period']:>16.2f} {1000 * best['period']:>16.2f}")
        print(f"growth exponent of the per-period cost in n: model (decisions) "
              f"{slope(sizes, model_t):.2f}, whole period incl. crises "
              f"{slope(sizes, total_t):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
