"""The work of the aggressors' decisions per crisis, counted (not timed): how many pair
utilities the model computes, and for how many pairs it weighs the institution's answer, per
crisis, at each size (issue 16). Counts do not move with the load of a shared machine, so they
show what grows with the number of states where timings are too noisy to.

    python benchmarks/bench_work.py [--sizes 60,120,240,480] [--years 10]
        [--systems self-help,balance-of-power,nato,rio,un-1965] [--seed 1]

Run it with ``PYTHONPATH=OLD/src`` to count another tree (e.g. ``git archive main src | tar -x
-C /tmp/old``). Each cell is a synthetic world of ``n`` states (child 0 of
``SeedSequence(seed)``) run for ``--years`` with child 1, as ``bench_scaling.py`` runs it. The
counts come from wrapping methods of :class:`foedus.engine.forecast.Forecast`:
``_unanswered`` (the utilities before the institution answers, for the pairs not kept from
before or spared by their bound), ``_answered`` (the institution's answer), and
``upper_bound`` and ``_spare`` (the pairs whose bound is computed: a contest success each), so
they count what the model asks the forecast to compute, whichever way the model decides which
pairs to ask for; and the calls of ``Model._decide_again`` (the aggressors decided again when
they are activated: each call a few dozen array operations whatever its size).
"""

from __future__ import annotations

import argparse
import platform
import sys
from typing import Any

import numpy as np

import foedus
from foedus import Model
from foedus.engine.forecast import Forecast


class _Counts:
    """Pairs computed: utilities before the answer (``plain``), answers (``answered``) and
    bounds (``bounded``: :meth:`Forecast.upper_bound`, and the bound that spares a pair)."""

    def __init__(self) -> None:
        self.plain = 0
        self.answered = 0
        self.bounded = 0
        self.calls = 0


def _counting(counts: _Counts) -> None:
    """Wrap the two forecast methods so that every call adds its pairs to ``counts``."""
    unanswered, answered = Forecast._unanswered, Forecast._answered

    def plain(self: Forecast, sel: Any, e_a: Any, e_t: Any, gain: Any, terms: Any,
              collective: bool, reuse: Any, rv: Any) -> Any:
        counts.plain += int(sel.size if reuse is None else np.count_nonzero(~reuse))
        return unanswered(self, sel, e_a, e_t, gain, terms, collective, reuse, rv)

    def answer(self: Forecast, s: Any, *args: Any, **kwargs: Any) -> Any:
        counts.answered += int(s.size)
        return answered(self, s, *args, **kwargs)

    Forecast._unanswered = plain  # type: ignore[method-assign]
    Forecast._answered = answer  # type: ignore[method-assign]
    bound = Forecast.upper_bound

    def bounds(self: Forecast, sel: Any) -> Any:
        counts.bounded += int(sel.size)
        return bound(self, sel)

    Forecast.upper_bound = bounds  # type: ignore[method-assign]
    again = Model._decide_again

    def decide_again(self: Model, noise: Any, who: Any) -> Any:
        counts.calls += 1
        return again(self, noise, who)

    Model._decide_again = decide_again  # type: ignore[method-assign]
    spare = getattr(Forecast, "_spare", None)  # trees before the fourth round have none
    if spare is not None:
        def spared(self: Forecast, sel: Any, *args: Any) -> Any:
            reuse = args[-1]
            counts.bounded += int(sel.size if reuse is None else np.count_nonzero(~reuse))
            return spare(self, sel, *args)

        Forecast._spare = spared  # type: ignore[method-assign,assignment]


def per_crisis(system: str, n: int, years: int, seed: int, counts: _Counts
               ) -> tuple[float, float, float, float, float]:
    """Crises per year, and pairs computed, answered and bounded, and the calls that decide
    aggressors again when they are activated (``Model._decide_again``), per crisis."""
    w_seq, r_seq = np.random.SeedSequence(seed).spawn(2)
    world = foedus.generate_world(n, rng=np.random.default_rng(w_seq))
    model = Model(system, world, rng=np.random.default_rng(r_seq))
    counts.plain = counts.answered = counts.bounded = counts.calls = 0
    for _ in range(years):
        model.step()
    crises = max(1, len(model.events))
    return (len(model.events) / years, counts.plain / crises, counts.answered / crises,
            counts.bounded / crises, counts.calls / crises)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="60,120,240,480")
    p.add_argument("--years", type=int, default=10)
    p.add_argument("--systems", default="self-help,balance-of-power,nato,rio,un-1965")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    counts = _Counts()
    _counting(counts)
    print(f"pairs computed per crisis; foedus from {foedus.__file__}; Python "
          f"{platform.python_version()}; {args.years} years, seed {args.seed}")
    print(f"{'system':20} {'states':>7} {'crises/yr':>10} {'pairs/crisis':>13} "
          f"{'answered/crisis':>16} {'bounded/crisis':>15} {'decided/crisis':>15}")
    for system in args.systems.split(","):
        for n in sizes:
            rate, plain, answered, bounded, calls = per_crisis(system, n, args.years, args.seed,
                                                               counts)
            print(f"{system:20} {n:7d} {rate:10.1f} {plain:13.1f} {answered:16.1f} "
                  f"{bounded:15.1f} {calls:15.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
