"""Screening: which of the calibration's free parameters move its fit to the record.

Morris's elementary effects (Morris 1991) over the free parameters (:data:`SPACE`, or the part
of it a caller names): SALib's ``morris.sample`` draws ``trajectories`` one-at-a-time paths on a
grid of ``levels`` levels, ``trajectories * (d + 1)`` points for ``d`` parameters, seeded from
``seed`` (as :func:`foedus.experiments.morris_sample` seeds it); every point is scored by
:func:`foedus.validation.evaluate` on the periods, with the same seed at every point (common
random numbers, so that a difference between two points is the parameters', not the draws');
``morris.analyze`` then gives, per output, ``mu*`` (the mean absolute elementary effect,
Campolongo, Cariboni & Saltelli 2007), its bootstrap confidence half-width and ``sigma`` (the
spread of the effects: interactions or non-linearity). SALib: Herman & Usher (2017).

The outputs are the calibration's loss and each of its terms summed over the periods
(:func:`foedus.validation.calibrate.period_terms`): the squared log ratios of war onsets, MID
onsets and violent state deaths, the alliance-reliability term, the tail-slope term and the
ranking (AUC) term. A term the model leaves undefined at a point (no wars with allied targets,
no tail) counts 0 there, as in the loss.

With a few trajectories this is a screen, not a measure: it sorts the parameters that matter
from those that do not, and the replications' noise enters every effect.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import FoedusError
from .backtest import Progress
from .calibrate import SPACE, TERMS, evaluate, period_terms

#: Bounds on the sizes a user controls (checked before any work).
MAX_TRAJECTORIES, MAX_LEVELS, MAX_REPLICATIONS = 100, 16, 100

#: The outputs screened: the total loss, then each term of the loss summed over periods.
OUTPUTS = ("loss", *TERMS)

#: Columns of :attr:`Screening.indices`.
INDEX_COLUMNS = ["parameter", "output", "mu", "mu_star", "mu_star_conf", "sigma"]


@dataclass
class Screening:
    """Morris indices of every free parameter on every output, and the design behind them."""

    #: Tidy table: ``parameter, output, mu, mu_star, mu_star_conf, sigma``.
    indices: pd.DataFrame
    #: One row per design point: ``point``, ``trajectory``, the parameters, the outputs.
    points: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    def ranking(self, output: str = "loss") -> pd.DataFrame:
        """The parameters by decreasing ``mu*`` on ``output``."""
        if output not in OUTPUTS:
            raise FoedusError(f"output: unknown {output!r}; choose among {', '.join(OUTPUTS)}")
        sub = self.indices[self.indices["output"] == output]
        return sub.sort_values("mu_star", ascending=False, na_position="last").reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (NaN as None): settings, the ranking per output, the points."""
        from .backtest import _clean

        ranked = {o: self.ranking(o).drop(columns="output").to_dict("records") for o in OUTPUTS}
        return _clean({"settings": self.settings, "indices": ranked,
                       "points": self.points.to_dict("records")})


def _check(trajectories: int, levels: int, replications: int,
           periods: Sequence[tuple[int, int]]) -> None:
    if not 1 <= int(trajectories) <= MAX_TRAJECTORIES:
        raise FoedusError(f"trajectories must be 1..{MAX_TRAJECTORIES}, got {trajectories}")
    if not 2 <= int(levels) <= MAX_LEVELS or int(levels) % 2:
        raise FoedusError(f"levels must be even and 2..{MAX_LEVELS} (Morris's grid jump is "
                          f"p / (2 (p - 1))), got {levels}")
    if not 1 <= int(replications) <= MAX_REPLICATIONS:
        raise FoedusError(f"replications must be 1..{MAX_REPLICATIONS}, got {replications}")
    if not periods:
        raise FoedusError("periods: give at least one period START:YEARS")
    bad = [f"{s}:{y}" for s, y in periods if int(y) < 1]
    if bad:
        raise FoedusError(f"periods: a period needs at least one year, got {', '.join(bad)}")


def _check_space(space: dict[str, tuple[float, float]]) -> None:
    unknown = [n for n in space if n not in SPACE]
    if unknown or not space:
        raise FoedusError(f"space: unknown free parameter(s) {', '.join(unknown) or '(none)'}; "
                          f"choose among {', '.join(SPACE)}")
    for name, (lo, hi) in space.items():
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise FoedusError(f"space: {name} needs a range LOW < HIGH, got ({lo}, {hi})")


def _problem(space: dict[str, tuple[float, float]]) -> dict[str, Any]:
    return {"num_vars": len(space), "names": list(space), "bounds": [list(b) for b in space.values()]}


def _outputs(result: dict[str, Any]) -> dict[str, float]:
    """The loss and each term summed over the periods of one :func:`evaluate` result."""
    out = dict.fromkeys(OUTPUTS, 0.0)
    out["loss"] = float(result["loss"])
    for row in result["periods"]:
        for k, v in period_terms(row["model"], row["record"], int(row["start"])).items():
            out[k] += v
    return out


def _analyze(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int,
             seed: int) -> list[dict[str, Any]]:
    """SALib ``morris.analyze`` of one output; NaN indices where it is undefined or constant."""
    from SALib.analyze import morris as salib_morris

    if not np.isfinite(y).all() or np.std(y) == 0:  # undefined: NaN; constant: no effect
        v = 0.0 if np.isfinite(y).all() else math.nan
        return [{"parameter": p, "mu": v, "mu_star": v, "mu_star_conf": v, "sigma": v}
                for p in problem["names"]]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        res = salib_morris.analyze(problem, x, y, num_levels=levels, seed=seed)
    return [{"parameter": p, "mu": float(res["mu"][k]), "mu_star": float(res["mu_star"][k]),
             "mu_star_conf": float(res["mu_star_conf"][k]), "sigma": float(res["sigma"][k])}
            for k, p in enumerate(problem["names"])]


def screen(periods: Sequence[tuple[int, int]], *, space: dict[str, tuple[float, float]] | None = None,
           trajectories: int = 4, levels: int = 4, replications: int = 1, seed: int = 0,
           data_dir: str | Path | None = None, progress: Progress | None = None) -> Screening:
    """Morris screening of the free parameters (``space``, default :data:`SPACE`) against the
    record on ``periods``: ``trajectories * (d + 1)`` calls of :func:`evaluate`, each with
    ``replications`` runs per period. Bounds: trajectories 1..100, levels even 2..16,
    replications 1..100; checked before any work."""
    _check(trajectories, levels, replications, periods)
    from SALib.sample import morris as salib_morris

    space = dict(SPACE if space is None else space)
    _check_space(space)
    problem, salib_seed = _problem(space), int(seed) % 2**32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = np.asarray(salib_morris.sample(problem, int(trajectories), num_levels=int(levels),
                                           seed=salib_seed))
    rows = []
    for i, point in enumerate(x):
        params = {k: float(v) for k, v in zip(problem["names"], point, strict=True)}
        res = evaluate(params, periods, replications=replications, seed=seed, data_dir=data_dir)
        rows.append({"point": i, "trajectory": i // (len(space) + 1), **params, **_outputs(res)})
        if progress is not None:
            progress(i + 1, len(x))
    points = pd.DataFrame(rows)
    indices = [{**r, "output": o} for o in OUTPUTS
               for r in _analyze(problem, x, points[o].to_numpy(dtype=float), int(levels), salib_seed)]
    return Screening(
        indices=pd.DataFrame(indices, columns=INDEX_COLUMNS),
        points=points,
        settings={"periods": [list(p) for p in periods], "trajectories": int(trajectories),
                  "levels": int(levels), "replications": int(replications), "seed": int(seed),
                  "points": len(x), "method": "Morris elementary effects (SALib)",
                  "space": {k: list(v) for k, v in space.items()}})


__all__ = ["INDEX_COLUMNS", "MAX_LEVELS", "MAX_REPLICATIONS", "MAX_TRAJECTORIES", "OUTPUTS",
           "Screening", "screen"]
