"""foedus against its Mesa reference (benchmarks/mesa_reference): state-years per second of
each and their ratio, at 60, 240 and 480 states, the two sides alternated in one run (issue 16).

    python benchmarks/bench_vs_mesa.py [--sizes 60,240,480] [--years 20] [--repeat 3]
        [--systems self-help,collective-security,un-1965] [--seed 1] [--clock wall|cpu]

Both sides run the same world and seed (the world from child 0 of ``SeedSequence(seed)``, the
run from child 1, as :func:`foedus.simulate` seeds replication 0) and are checked to give the
same crises. Only the simulated years are timed (``Model`` and ``SecurityModel`` are built
before the clock starts). State-years are the living states summed over the years. Each cell
is the median of ``--repeat`` rounds; in every round foedus and Mesa run back to back, the
order alternating from round to round. ``--clock cpu`` times the process's CPU time instead
of the wall clock (less disturbed by other jobs on a shared machine). Needs the optional
extra: ``pip install -e '.[mesa]'``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import foedus
from foedus import Model
from mesa_reference import SUPPORTED, SecurityModel, event_key


def _world(n: int, seed: int) -> tuple[foedus.World, np.random.SeedSequence]:
    w_seq, r_seq = np.random.SeedSequence(seed).spawn(2)
    return foedus.generate_world(n, rng=np.random.default_rng(w_seq)), r_seq


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
CLOCK = ["wall"]  # the clock of this run (--clock)


def _now() -> float:
    return CLOCKS[CLOCK[0]]()


def run_foedus(system: str, n: int, years: int, seed: int) -> tuple[float, float, list[Any]]:
    """(seconds, state-years, crisis keys) of the simulated years alone."""
    world, r_seq = _world(n, seed)
    model = Model(system, world, rng=np.random.default_rng(r_seq))
    start = _now()
    for _ in range(years):
        model.step()
    secs = _now() - start
    return secs, float(model.state_years), [event_key(e) for e in model.events]


def run_mesa(system: str, n: int, years: int, seed: int) -> tuple[float, float, list[Any]]:
    world, r_seq = _world(n, seed)
    model = SecurityModel(system, world, rng=np.random.default_rng(r_seq))
    start = _now()
    model.run(years)
    secs = _now() - start
    alive = float(model.datacollector.get_model_vars_dataframe()["alive"].sum())
    return secs, alive, [event_key(e) for e in model.events]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="60,240,480")
    p.add_argument("--years", type=int, default=20)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--systems", default=",".join(SUPPORTED))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = p.parse_args(argv)
    CLOCK[0] = args.clock
    print(f"foedus vs Mesa reference; Python {platform.python_version()}, numpy "
          f"{np.__version__}, {platform.machine()}; {args.years} years, median of {args.repeat} "
          f"alternated rounds, {args.clock} clock")
    print(f"{'system':22} {'states':>6} {'foedus st-y/s':>14} {'Mesa st-y/s':>12} {'ratio':>7} "
          f"{'crises':>7} same")
    for system in args.systems.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            rates: dict[str, list[float]] = {"foedus": [], "mesa": []}
            same, crises = True, 0
            for r in range(args.repeat):
                sides = [("foedus", run_foedus), ("mesa", run_mesa)]
                keys = {}
                for name, fn in (sides if r % 2 == 0 else sides[::-1]):
                    secs, state_years, keys[name] = fn(system, n, args.years, args.seed)
                    rates[name].append(state_years / secs)
                same &= keys["foedus"] == keys["mesa"]
                crises = len(keys["foedus"])
            f, m = statistics.median(rates["foedus"]), statistics.median(rates["mesa"])
            print(f"{system:22} {n:6d} {f:14.0f} {m:12.0f} {f / m:7.1f} {crises:7d} "
                  f"{'yes' if same else 'NO'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
