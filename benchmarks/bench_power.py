"""Benchmark foedus power_indices on growing bodies.

Run with ``python benchmarks/bench_power.py [--repeat R]``.  Prints, for each family of games, a
table of n, best-of-R wall time, the ratio to the previous n and a fitted growth exponent (the
least-squares slope of log(time) against log(n)).  No assertions: this is for reading, not CI.

Families:

* ``veto bodies``: n unit-weight seats, 5 of them veto players, quota ceil(0.6 n)
  (a Security-Council-like body scaled up);
* ``assembly 2/3``: n unit-weight seats, no vetoes, quota ceil(2n/3);
* ``weighted``: n players with distinct weights 1..n, 3 veto players, quota ceil(0.6 * total)
  (the pseudo-polynomial case: the work grows with the quota as well as with n).
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from collections.abc import Callable

from foedus.rules.power import VotingGame, power_indices

SIZES = (10, 25, 50, 100, 200, 400)
WEIGHTED_SIZES = (10, 25, 50, 100, 200)


def veto_body(n: int) -> VotingGame:
    """n unit seats, five vetoes, quota ceil(0.6 n)."""
    players = tuple(f"seat-{i}" for i in range(n))
    return VotingGame(players, (1,) * n, math.ceil(0.6 * n), frozenset(players[:5]))


def assembly(n: int) -> VotingGame:
    """n unit seats, no vetoes, two-thirds quota."""
    players = tuple(f"member-{i}" for i in range(n))
    return VotingGame(players, (1,) * n, math.ceil(2 * n / 3))


def weighted(n: int) -> VotingGame:
    """Distinct weights 1..n, three vetoes (the heaviest), quota ceil(0.6 * total weight)."""
    players = tuple(f"p{i}" for i in range(n))
    weights = tuple(range(1, n + 1))
    return VotingGame(players, weights, math.ceil(0.6 * sum(weights)), frozenset(players[-3:]))


def best_time(game: VotingGame, repeat: int) -> float:
    """Best wall-clock seconds of ``repeat`` runs of power_indices."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        power_indices(game)
        best = min(best, time.perf_counter() - start)
    return best


def slope(ns: list[int], ts: list[float]) -> float:
    """Least-squares slope of log(t) on log(n)."""
    xs = [math.log(n) for n in ns]
    ys = [math.log(t) for t in ts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / sxx


def run_family(name: str, make: Callable[[int], VotingGame], sizes: tuple[int, ...], repeat: int) -> None:
    """Time one family and print its table."""
    print(f"\n{name}")
    print(f"{'n':>6} {'seconds':>12} {'ratio':>8}")
    ns: list[int] = []
    ts: list[float] = []
    for n in sizes:
        t = best_time(make(n), repeat)
        ratio = f"{t / ts[-1]:8.2f}" if ts else f"{'':>8}"
        print(f"{n:>6} {t:>12.6f} {ratio}")
        ns.append(n)
        ts.append(t)
    print(f"fitted exponent (log-log slope, all n): {slope(ns, ts):.2f}")
    if len(ns) >= 3:
        print(f"fitted exponent (last three n):         {slope(ns[-3:], ts[-3:]):.2f}")


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run all families."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is kept")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]} on {platform.machine()} ({platform.system()})")
    run_family("veto bodies: 5 vetoes, quota ceil(0.6 n)", veto_body, SIZES, args.repeat)
    run_family("assembly: no vetoes, quota ceil(2n/3)", assembly, SIZES, args.repeat)
    run_family("weighted: weights 1..n, 3 vetoes, quota ceil(0.6 W)", weighted, WEIGHTED_SIZES, args.repeat)


if __name__ == "__main__":
    main()
