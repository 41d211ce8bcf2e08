"""Experiments as data: a scenario, systems, behaviour, a design, replications (MODEL.md §8).

An experiment is a TOML file (or an :class:`Experiment` built in Python) that says which world
to simulate (generator settings or a data year), which systems (charters) to compare, the base
behaviour parameters, which parameters to vary and how (full factorial, Latin hypercube,
Sobol), how many replications, the horizon, which metrics to keep and the root seed. Every
field is documented in ``docs/experiments.md``; the built-in examples live in
``foedus/experiments``.

Seeding: replication ``r`` of design point ``i`` draws from ``SeedSequence(seed,
spawn_key=(i, r))``; its child 0 seeds the world and child 1 the run, so every system sees the
same world for the same ``(i, r)`` (common random numbers) and the numbers do not depend on
the backend or the number of workers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import itertools
import json
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..rules.charter import Charter, load_charter, read_toml, validation_problems
from .._errors import FoedusError, InputError, UnknownNameError
from ..seeding import design_rng

#: Sections a varied parameter can address: ``world.<generator setting>``,
#: ``behaviour.<Behaviour field>`` or ``run.<simulate keyword>`` (``run.years`` is the horizon).
SECTIONS = ("world", "behaviour", "run")
DESIGNS = ("none", "full-factorial", "latin-hypercube", "sobol")
#: Keywords of ``simulate`` that the runner sets itself (not addressable as ``run.*``).
_RUN_RESERVED = {"charter", "world", "rng", "behaviour", "world_params", "n_states"}


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


Design = Annotated[NoDesign | FullFactorial | LatinHypercube | Sobol, Field(discriminator="type")]


class Scenario(_Model):
    """The world every run starts from: a synthetic world, or (``year``) one built from data."""

    world: dict[str, Any] = Field(default_factory=dict,
                                  description="Keyword arguments of generate_world (n, n_blocs, ...).")
    year: int | None = Field(None, description="Build the world from data for this year instead.")


class Experiment(_Model):
    """An experiment definition; build one from TOML with :func:`load_experiment`."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$",
                      description="Short id (lower case, digits, hyphens); names the default store.")
    description: str = Field("", description="The question the experiment answers.")
    citation: str = Field("", description="The literature the question comes from.")
    scenario: Scenario = Field(default_factory=lambda: Scenario(), description="The world.")
    systems: list[str] = Field(min_length=1, description="Charter ids or TOML paths to compare.")
    behaviour: dict[str, Any] = Field(default_factory=dict,
                                      description="Base behaviour parameters (Behaviour fields).")
    run: dict[str, Any] = Field(default_factory=dict,
                                description="Further keyword arguments of simulate.")
    design: Design = Field(default_factory=lambda: NoDesign(), description="What to vary.")
    replications: int = Field(10, ge=1, le=1_000_000, description="Replications per point and system.")
    years: int = Field(50, ge=1, le=100_000, description="Horizon of each run in years.")
    metrics: list[str] = Field(default_factory=list, description="Metrics to keep (empty: all).")
    series: bool = Field(True, description="Keep the yearly series of every run.")
    seed: int = Field(0, ge=0, lt=2**63, description="Root seed of the whole experiment.")

    _base_dir: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _semantics(self, info: ValidationInfo) -> Experiment:
        context = (info.context if info is not None else None) or {}
        base = context.get("base_dir")
        self._base_dir = Path(base) if base is not None else None
        problems = _semantic_problems(self, check_systems=context.get("check_systems", True))
        if problems:
            raise InputError(f"experiment {self.name!r}", problems)
        return self

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Experiment) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    # -- conversions -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The definition as plain data (round-trips through :meth:`from_dict`)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<dict>",
                  base_dir: str | Path | None = None) -> Experiment:
        """Validate a definition given as a dictionary; problems raise :class:`InputError`."""
        return experiment_from_dict(data, source=source, base_dir=base_dir)

    # -- what to run -------------------------------------------------------------------------

    @property
    def parameters(self) -> list[str]:
        """Addresses of the varied parameters, in definition order."""
        d = self.design
        if isinstance(d, FullFactorial):
            return list(d.levels)
        if isinstance(d, LatinHypercube | Sobol):
            return list(d.ranges)
        return []

    def design_points(self) -> list[dict[str, Any]]:
        """Parameter values of every design point (deterministic given ``seed``)."""
        return _design_points(self)

    def charters(self) -> dict[str, Charter]:
        """System label (charter id) -> charter, in definition order."""
        out: dict[str, Charter] = {}
        for ref in self.systems:
            charter = _load_system(ref, self._base_dir)
            out[charter.id] = charter
        return out

    def settings(self, point: dict[str, Any]) -> dict[str, Any]:
        """World, behaviour and run settings of one design point: base values, then the point's."""
        world = dict(self.scenario.world)
        behaviour = dict(self.behaviour)
        run = dict(self.run)
        years = self.years
        for address, value in point.items():
            section, name = address.split(".", 1)
            if section == "world":
                world[name] = value
            elif section == "behaviour":
                behaviour[name] = value
            elif name == "years":
                years = int(value)
            else:
                run[name] = value
        return {"world": world, "year": self.scenario.year, "behaviour": behaviour, "run": run,
                "years": years}

    def n_runs(self) -> int:
        """Number of runs: design points x replications x systems."""
        return len(self.design_points()) * self.replications * len(self.systems)

    def definition_hash(self) -> str:
        """SHA-256 of what determines the numbers: the definition (less its prose) and the
        content of every charter. Resuming a store refuses a different hash."""
        data = self.to_dict()
        data.pop("description", None)
        data.pop("citation", None)
        payload = {"definition": data,
                   "charters": {k: c.model_dump(mode="json") for k, c in self.charters().items()}}
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def describe(self) -> dict[str, Any]:
        """A short JSON-ready description (``foedus experiments``)."""
        points = len(self.design_points())
        return {"id": self.name, "description": self.description, "citation": self.citation,
                "systems": list(self.systems), "design": self.design.type,
                "parameters": self.parameters, "points": points,
                "replications": self.replications, "years": self.years,
                "runs": points * self.replications * len(self.systems)}


# --- parameters ---------------------------------------------------------------------------------


def _annotation_kind(annotation: Any, default: Any) -> str:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    if default is not inspect.Parameter.empty and default is not None and \
            not isinstance(default, dataclasses._MISSING_TYPE):
        if isinstance(default, bool):
            return "bool"
        if isinstance(default, int):
            return "int"
        if isinstance(default, float):
            return "float"
        if isinstance(default, str):
            return "str"
    if "float" in text:
        return "float"
    if "bool" in text:
        return "bool"
    if "int" in text:
        return "int"
    if "str" in text:
        return "str"
    return "any"


@cache
def world_settings() -> dict[str, str]:
    """Settings of ``generate_world`` a design can vary (name -> int/float/...)."""
    from ..world.synthetic import generate_world

    sig = inspect.signature(generate_world)
    return {n: _annotation_kind(p.annotation, p.default) for n, p in sig.parameters.items()
            if n != "rng"}


@cache
def behaviour_settings() -> dict[str, str]:
    """Fields of ``Behaviour`` a design can vary (name -> kind)."""
    from ..engine.behaviour import Behaviour

    return {f.name: _annotation_kind(f.type, f.default) for f in dataclasses.fields(Behaviour)}


@cache
def run_settings() -> dict[str, str]:
    """Keywords of ``simulate`` a design can vary (``years`` and the model settings)."""
    from ..engine.model import simulate

    out = {"years": "int"}
    for n, p in inspect.signature(simulate).parameters.items():
        if n not in _RUN_RESERVED and p.kind == inspect.Parameter.KEYWORD_ONLY:
            out[n] = _annotation_kind(p.annotation, p.default)
    return out


@cache
def metric_names() -> list[str]:
    """Names of the metrics a run reports (MODEL.md §5)."""
    from ..engine.metrics import METRICS

    return list(METRICS)


def parameter_kind(address: str) -> str:
    """Kind (``int``, ``float``, ``bool``, ``str``, ``any``) of a parameter address."""
    section, _, name = address.partition(".")
    table = {"world": world_settings(), "behaviour": behaviour_settings(),
             "run": run_settings()}.get(section, {})
    return table.get(name, "any")


def _address_problem(address: str, *, data_world: bool) -> str | None:
    section, dot, name = address.partition(".")
    if not dot or section not in SECTIONS or not name:
        return (f"unknown parameter {address!r}: address world.<setting>, behaviour.<field> "
                "or run.<setting>")
    if section == "world":
        if data_world:
            return f"{address}: a world built from data (scenario.year) has no generator settings"
        known = world_settings()
    elif section == "behaviour":
        known = behaviour_settings()
    else:
        known = run_settings()
    if name not in known:
        return str(UnknownNameError(f"{section} setting", name, known))
    return None


def _load_system(ref: str, base_dir: Path | None) -> Charter:
    from ..rules.charter import builtin_charter_ids

    if ref in builtin_charter_ids() or base_dir is None:
        return load_charter(ref)
    path = Path(ref)
    if not path.is_absolute() and (base_dir / path).exists():
        path = base_dir / path
    return load_charter(path)


def _semantic_problems(exp: Experiment, *, check_systems: bool = True) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    data_world = exp.scenario.year is not None
    if data_world and exp.scenario.world:
        problems.append(("scenario", "give either world settings or a data year, not both"))
    known_world = world_settings()
    for name in exp.scenario.world:
        if name not in known_world:
            problems.append((f"scenario.world.{name}",
                             str(UnknownNameError("world setting", name, known_world))))
    b_known = behaviour_settings()
    for name in exp.behaviour:
        if name not in b_known:
            problems.append((f"behaviour.{name}",
                             str(UnknownNameError("behaviour field", name, b_known))))
    r_known = run_settings()
    for name in exp.run:
        if name == "years":
            problems.append((f"run.{name}", "set the horizon with the top-level field years"))
        elif name not in r_known:
            problems.append((f"run.{name}", str(UnknownNameError("run setting", name, r_known))))
    d = exp.design
    kind = "levels" if isinstance(d, FullFactorial) else "ranges"
    for address in exp.parameters:
        msg = _address_problem(address, data_world=data_world)
        if msg:
            problems.append((f"design.{kind}.{address}", msg))
        elif kind == "ranges" and parameter_kind(address) in ("bool", "str"):
            problems.append((f"design.{kind}.{address}",
                             f"a range needs a numeric setting; {address} is a "
                             f"{parameter_kind(address)} (use full-factorial levels)"))
    seen: dict[str, str] = {}
    for k, ref in enumerate(exp.systems if check_systems else []):
        try:
            charter = _load_system(ref, exp._base_dir)
        except FoedusError as exc:
            problems.append((f"systems[{k}]", str(exc).replace("\n", "; ")))
            continue
        if charter.id in seen:
            problems.append((f"systems[{k}]", f"charter id {charter.id!r} is already given by "
                             f"{seen[charter.id]!r}"))
        seen[charter.id] = ref
    names = metric_names()
    for k, m in enumerate(exp.metrics):
        if m not in names:
            problems.append((f"metrics[{k}]", str(UnknownNameError("metric", m, names))))
    if len(set(exp.metrics)) != len(exp.metrics):
        problems.append(("metrics", "a metric is listed twice"))
    if not problems:
        problems.extend(_value_problems(exp, check_run=check_systems))
    return problems


def _value_problems(exp: Experiment, *, check_run: bool) -> list[tuple[str, str]]:
    """Let ``Behaviour``, ``generate_world`` and ``simulate`` (a zero-year run) check the base
    values, every factorial level and both ends of every range."""
    from ..engine.behaviour import Behaviour
    from ..world.synthetic import generate_world

    base = {"world": dict(exp.scenario.world), "behaviour": dict(exp.behaviour),
            "run": dict(exp.run)}

    def problem(section: str, values: dict[str, Any]) -> str | None:
        try:
            if section == "behaviour":
                Behaviour.from_dict(values)
            elif section == "world" and exp.scenario.year is None:
                generate_world(**values, rng=0)
            elif section == "run" and "years" in values:
                years = values["years"]
                if isinstance(years, bool) or not isinstance(years, int) or years < 1:
                    return "the horizon must be a whole number of years >= 1"
            elif section == "run" and values and check_run:
                from ..engine.model import simulate

                simulate(_load_system(exp.systems[0], exp._base_dir), years=0, n_states=3, rng=0,
                         **values)
        except (TypeError, ValueError, FoedusError) as exc:
            return str(exc)
        return None

    out: list[tuple[str, str]] = []
    for section, field in (("behaviour", "behaviour"), ("world", "scenario.world"), ("run", "run")):
        msg = problem(section, base[section])
        if msg:
            out.append((field, msg))
    if out:
        return out
    d = exp.design
    if isinstance(d, FullFactorial):
        trials = [(address, lv, lv) for address, levels in d.levels.items() for lv in levels]
        kind = "levels"
    elif isinstance(d, LatinHypercube | Sobol):
        trials = [(address, end, _typed(address, end)) for address, ends in d.ranges.items()
                  for end in ends]
        kind = "ranges"
    else:
        trials = []
    for address, shown, value in trials:
        section, name = address.split(".", 1)
        values = {"years": value} if address == "run.years" else {**base[section], name: value}
        msg = problem(section, values)
        if msg:
            what = "level" if kind == "levels" else "range end"
            out.append((f"design.{kind}.{address}", f"{what} {shown!r}: {msg}"))
    return out


# --- design points ------------------------------------------------------------------------------


def _typed(address: str, value: float) -> Any:
    kind = parameter_kind(address)
    if kind == "int":
        return round(float(value))
    return float(value)


def _design_points(exp: Experiment) -> list[dict[str, Any]]:
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
    else:
        x = sobol_sample(exp)
    return [{n: _typed(n, v) for n, v in zip(names, row, strict=True)} for row in x]


def sobol_problem(exp: Experiment) -> dict[str, Any]:
    """The SALib problem of a Sobol design (names and bounds)."""
    if not isinstance(exp.design, Sobol):
        raise FoedusError(f"experiment {exp.name!r} has a {exp.design.type} design, not sobol")
    names = list(exp.design.ranges)
    return {"num_vars": len(names), "names": names,
            "bounds": [list(exp.design.ranges[n]) for n in names]}


def sobol_sample(exp: Experiment) -> np.ndarray:
    """Saltelli's sample for a Sobol design (SALib ``sobol.sample``, seeded from ``seed``)."""
    import warnings

    from SALib.sample import sobol as salib_sobol

    design = exp.design
    assert isinstance(design, Sobol)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(salib_sobol.sample(sobol_problem(exp), design.n,
                                             calc_second_order=design.second_order,
                                             seed=design_rng(exp.seed)))


# --- loading ------------------------------------------------------------------------------------


def _clean_problems(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for field, msg in problems:
        for tag in DESIGNS:  # drop the discriminator pydantic puts in the path
            field = field.replace(f"design.{tag}.", "design.").replace(f"design.{tag}", "design")
        out.append((field, msg))
    return out


def experiment_from_dict(data: dict[str, Any], source: str = "<dict>",
                         base_dir: str | Path | None = None, *,
                         check_systems: bool = True) -> Experiment:
    """Validate an experiment given as a dictionary (as read from TOML).

    ``base_dir`` is where relative charter paths in ``systems`` are looked up;
    ``check_systems=False`` skips loading the charters (a stored definition read elsewhere).
    """
    try:
        return Experiment.model_validate(data, context={"base_dir": base_dir,
                                                        "check_systems": check_systems})
    except ValidationError as exc:
        raise InputError(source, _clean_problems(validation_problems(exc))) from None
    except InputError as exc:
        raise InputError(source, exc.problems) from None


def _builtin_dir() -> Any:
    return resources.files("foedus.experiments").joinpath("library")


def builtin_experiment_ids() -> list[str]:
    """Ids of the example experiments shipped with foedus."""
    return sorted(p.name.removesuffix(".toml") for p in _builtin_dir().iterdir()
                  if p.name.endswith(".toml"))


def load_experiment(ref: str | Path | Experiment) -> Experiment:
    """Load an experiment by built-in id (``veto``) or from a TOML file."""
    if isinstance(ref, Experiment):
        return ref
    import tomllib

    text = str(ref)
    if text in builtin_experiment_ids():
        body = _builtin_dir().joinpath(f"{text}.toml").read_text(encoding="utf-8")
        return experiment_from_dict(tomllib.loads(body), source=f"built-in experiment {text}")
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        return experiment_from_dict(read_toml(path), source=str(path), base_dir=path.parent)
    raise UnknownNameError("experiment", text, builtin_experiment_ids(),
                           hint="; or give a .toml file")


def builtin_experiments() -> list[Experiment]:
    """Every built-in example experiment, loaded and validated."""
    return [load_experiment(e) for e in builtin_experiment_ids()]
