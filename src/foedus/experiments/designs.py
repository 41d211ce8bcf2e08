"""Designs: which parameter values an experiment runs (none, full factorial, Latin hypercube,
Sobol), and the points they give.

A design addresses parameters as ``world.<setting>`` (:class:`foedus.WorldSpec`),
``behaviour.<parameter>`` (:class:`foedus.Behaviour`) or ``run.<setting>``
(:class:`foedus.ModelSettings`, and ``run.years``, the horizon). Points are deterministic given
the experiment's root seed: Latin hypercube (McKay, Beckman & Conover 1979) and Saltelli's
scheme for Sobol indices (Saltelli 2002; SALib, Herman & Usher 2017) draw from
:func:`foedus.seeding.design_rng`.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._errors import FoedusError
from ..seeding import design_rng
from .parameters import typed

if TYPE_CHECKING:
    from .experiment import Experiment

DESIGNS = ("none", "full-factorial", "latin-hypercube", "sobol", "morris")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _flatten(value: Any, prefix: str = "") -> Any:
    """``{"world": {"n": [..]}}`` -> ``{"world.n": [..]}`` (TOML dotted keys nest tables)."""
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, val in value.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(val, dict):
            out.update(_flatten(val, name))
        else:
            out[name] = val
    return out


class NoDesign(_Model):
    """One design point: the base values only (compare systems, nothing varied)."""

    type: Literal["none"] = Field("none", description="No parameter is varied.")


class FullFactorial(_Model):
    """Every combination of the listed levels (the first parameter varies slowest)."""

    type: Literal["full-factorial"] = Field(description='"full-factorial".')
    levels: dict[str, list[Any]] = Field(
        description='Parameter address -> list of levels, e.g. "world.n" = [10, 20, 40].')

    @field_validator("levels", mode="before")
    @classmethod
    def _flat(cls, value: Any) -> Any:
        return _flatten(value)

    @field_validator("levels")
    @classmethod
    def _check(cls, value: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if not value:
            raise ValueError("give at least one parameter with its levels")
        for name, levels in value.items():
            if not levels:
                raise ValueError(f"{name}: give at least one level")
            for lv in levels:
                if not isinstance(lv, bool | int | float | str):
                    raise ValueError(f"{name}: level {lv!r} is not a number, string or boolean")
        return value


class _Ranged(_Model):
    ranges: dict[str, tuple[float, float]] = Field(
        description='Parameter address -> [low, high], e.g. "behaviour.ambiguity" = [0.0, 0.8].')

    @field_validator("ranges", mode="before")
    @classmethod
    def _flat(cls, value: Any) -> Any:
        return _flatten(value)

    @field_validator("ranges")
    @classmethod
    def _check(cls, value: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        if not value:
            raise ValueError("give at least one parameter with its [low, high] range")
        for name, (low, high) in value.items():
            if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
                raise ValueError(f"{name}: range [{low}, {high}] must be finite with low < high")
        return value


class LatinHypercube(_Ranged):
    """``points`` points spread by a Latin hypercube (McKay et al. 1979) over the ranges."""

    type: Literal["latin-hypercube"] = Field(description='"latin-hypercube".')
    points: int = Field(ge=1, le=1_000_000, description="Number of design points.")


class Sobol(_Ranged):
    """Saltelli's sampling scheme for Sobol indices (SALib): ``n * (d + 2)`` points,
    ``n * (2d + 2)`` with second-order indices, for ``d`` parameters."""

    type: Literal["sobol"] = Field(description='"sobol".')
    n: int = Field(ge=2, le=2**20, description="Base sample size N (a power of two).")
    second_order: bool = Field(False, description="Also estimate second-order indices.")

    @field_validator("n")
    @classmethod
    def _power_of_two(cls, value: int) -> int:
        if value & (value - 1):
            raise ValueError(f"must be a power of two (Sobol sequences), got {value}")
        return value


class Morris(_Ranged):
    """Morris's elementary effects (Morris 1991; the radial-free trajectory scheme of SALib,
    Campolongo, Cariboni & Saltelli 2007): ``trajectories * (d + 1)`` points for ``d``
    parameters on a grid of ``levels`` levels. The cheap first step for many parameters:
    screen with Morris, then estimate Sobol indices for those that matter."""

    type: Literal["morris"] = Field(description='"morris".')
    trajectories: int = Field(ge=2, le=10_000, description="Number of trajectories r.")
    levels: int = Field(4, ge=2, le=100, description="Grid levels p (even; 4 is usual).")

    @field_validator("levels")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError(f"must be even (Morris's grid jump is p / (2 (p - 1))), got {value}")
        return value


Design = Annotated[NoDesign | FullFactorial | LatinHypercube | Sobol | Morris,
                   Field(discriminator="type")]


def design_points(exp: Experiment) -> list[dict[str, Any]]:
    d = exp.design
    if isinstance(d, NoDesign):
        return [{}]
    if isinstance(d, FullFactorial):
        names = list(d.levels)
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(d.levels[n] for n in names))]
    names = list(d.ranges)
    lows = np.array([d.ranges[n][0] for n in names])
    highs = np.array([d.ranges[n][1] for n in names])
    if isinstance(d, LatinHypercube):
        from scipy.stats import qmc

        sampler = qmc.LatinHypercube(d=len(names), rng=design_rng(exp.seed))
        x = qmc.scale(sampler.random(d.points), lows, highs)
    elif isinstance(d, Morris):
        x = morris_sample(exp)
    else:
        x = sobol_sample(exp)
    return [{n: typed(n, v) for n, v in zip(names, row, strict=True)} for row in x]


def sobol_problem(exp: Experiment) -> dict[str, Any]:
    """The SALib problem of a Sobol or Morris design (names and bounds)."""
    if not isinstance(exp.design, Sobol | Morris):
        raise FoedusError(f"experiment {exp.name!r} has a {exp.design.type} design, not sobol "
                          "or morris")
    names = list(exp.design.ranges)
    return {"num_vars": len(names), "names": names,
            "bounds": [list(exp.design.ranges[n]) for n in names]}


def _salib(sample: Any, exp: Experiment, *args: Any, **kw: Any) -> np.ndarray:
    """A SALib sample of ``exp``'s ranges (SALib's warnings about sample sizes silenced)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(sample(sobol_problem(exp), *args, **kw))


def sobol_sample(exp: Experiment) -> np.ndarray:
    """Saltelli's sample for a Sobol design (SALib ``sobol.sample``, seeded from ``seed``)."""
    from SALib.sample import sobol as salib_sobol

    design = exp.design
    assert isinstance(design, Sobol)
    return _salib(salib_sobol.sample, exp, design.n, calc_second_order=design.second_order,
                  seed=design_rng(exp.seed))


def morris_sample(exp: Experiment) -> np.ndarray:
    """The trajectories of a Morris design (SALib ``morris.sample``, seeded from ``seed``)."""
    from SALib.sample import morris as salib_morris

    design = exp.design
    assert isinstance(design, Morris)
    return _salib(salib_morris.sample, exp, design.trajectories, num_levels=design.levels,
                  seed=int(exp.seed % 2**32))


__all__ = [
    "DESIGNS",
    "Design",
    "FullFactorial",
    "LatinHypercube",
    "Morris",
    "NoDesign",
    "Sobol",
    "design_points",
    "morris_sample",
    "sobol_problem",
    "sobol_sample",
]
