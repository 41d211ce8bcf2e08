"""Experiments as data: a scenario, systems, behaviour, a design, replications (docs/model.md §Experiments and seeding).

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
import json
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from .._errors import FoedusError, InputError, UnknownNameError
from .._toml import Library, StrictModel, validation_problems
from ..rules.architecture import Architecture
from ..rules.charter import Charter, builtin_charter_ids, load_charter
from ..world.world import World
from .designs import (
    DESIGNS,
    Design,
    FullFactorial,
    LatinHypercube,
    Morris,
    NoDesign,
    Sobol,
    design_points,
)
from .parameters import (
    address_problem,
    field_problems,
    known,
    parameter_kind,
    section_problem,
    typed,
    value_problem,
)

#: What an experiment compares: a charter, or an architecture of several institutions.
System = Charter | Architecture


class _Model(StrictModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    systems: list[str] = Field(min_length=1, description="Charter ids or TOML paths to compare, "
                               "or architectures (un-1945+nato+rio, cold-war, a TOML file).")
    behaviour: dict[str, Any] = Field(default_factory=dict,
                                      description="Base behaviour parameters (Behaviour fields).")
    run: dict[str, Any] = Field(default_factory=dict,
                                description="Further keyword arguments of simulate.")
    design: Design = Field(default_factory=lambda: NoDesign(), description="What to vary.")
    replications: int = Field(10, ge=1, le=1_000_000, description="Replications per point and system.")
    years: int = Field(50, ge=1, le=100_000, description="Horizon of each run in years.")
    metrics: list[str] = Field(default_factory=list, description="Metrics to keep (empty: all).")
    series: bool = Field(True, description="Keep the yearly series of every run.")
    events: bool = Field(True, description="Keep the crisis log of every run.")
    seed: int = Field(0, ge=0, lt=2**63, description="Root seed of the whole experiment.")

    _base_dir: Path | None = PrivateAttr(default=None)
    _inline: dict[str, System] = PrivateAttr(default_factory=dict)
    _world: World | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _semantics(self, info: ValidationInfo) -> Experiment:
        context = (info.context if info is not None else None) or {}
        base = context.get("base_dir")
        self._base_dir = Path(base) if base is not None else None
        self._inline = dict(context.get("charters") or {})
        self._world = context.get("world")
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
                  base_dir: str | Path | None = None, *,
                  charters: dict[str, System] | None = None,
                  world: World | None = None) -> Experiment:
        """Validate a definition given as a dictionary; problems raise :class:`InputError`.

        ``charters`` supplies systems by id that are not built in (charters built in Python);
        ``world`` makes every run start from that world instead of a generated one.
        """
        return experiment_from_dict(data, source=source, base_dir=base_dir, charters=charters,
                                    world=world)

    @property
    def world(self) -> World | None:
        """The given world every run starts from (None: generated, or from data)."""
        return self._world

    # -- what to run -------------------------------------------------------------------------

    @property
    def parameters(self) -> list[str]:
        """Addresses of the varied parameters, in definition order."""
        d = self.design
        if isinstance(d, FullFactorial):
            return list(d.levels)
        if isinstance(d, LatinHypercube | Sobol | Morris):
            return list(d.ranges)
        return []

    def design_points(self) -> list[dict[str, Any]]:
        """Parameter values of every design point (deterministic given ``seed``)."""
        return design_points(self)

    def charters(self) -> dict[str, System]:
        """System label (charter id) -> charter, in definition order."""
        out: dict[str, System] = {}
        for ref in self.systems:
            charter = self._inline.get(ref) or _load_system(ref, self._base_dir)
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
                   "charters": {k: system_content(c) for k, c in self.charters().items()},
                   "world": None if self._world is None else world_digest(self._world)}
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


def world_digest(world: World) -> str:
    """SHA-256 of a world's arrays and names (what a run started from it depends on)."""
    h = hashlib.sha256()
    h.update(json.dumps([world.codes, world.year, world.source], default=str).encode())
    for f in dataclasses.fields(world):
        value = getattr(world, f.name)
        if isinstance(value, np.ndarray):
            h.update(f.name.encode())
            h.update(np.ascontiguousarray(value).tobytes())
    return h.hexdigest()


def _load_system(ref: str, base_dir: Path | None) -> System:
    """A system by reference: a charter (id or file), or an architecture (``a+b``, a built-in
    architecture id, or an architecture file) — relative files from ``base_dir``."""
    from ..rules.architecture import is_architecture, load_architecture

    if ref not in builtin_charter_ids() and base_dir is not None:
        path = Path(ref)
        if not path.is_absolute() and (base_dir / path).exists():
            ref = str(base_dir / path)
    if is_architecture(ref):
        return load_architecture(ref)
    return load_charter(ref)


def system_content(system: System) -> dict[str, Any]:
    """What determines a system's numbers: a charter's fields, or an architecture's with every
    institution's charter (so that an edited charter changes the definition hash)."""

    if isinstance(system, Architecture):
        return {"architecture": system.model_dump(mode="json"),
                "charters": [c.model_dump(mode="json") for c in system.charters()]}
    return system.model_dump(mode="json")


def _section_name_problems(exp: Experiment) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    tables = (("world", "scenario.world", exp.scenario.world), ("behaviour", "behaviour",
              exp.behaviour), ("run", "run", exp.run))
    for section, where, values in tables:
        for name in values:
            if section == "run" and name == "years":
                problems.append(("run.years", "set the horizon with the top-level field years"))
            elif name not in known(section):
                problems.append((f"{where}.{name}",
                                 str(UnknownNameError(f"{section} setting", name, known(section)))))
    return problems


def _design_problems(exp: Experiment) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    d = exp.design
    kind = "levels" if isinstance(d, FullFactorial) else "ranges"
    for address in exp.parameters:
        msg = address_problem(address, data_world=exp.scenario.year is not None)
        if msg:
            problems.append((f"design.{kind}.{address}", msg))
        elif kind == "ranges" and parameter_kind(address) == "str":
            problems.append((f"design.{kind}.{address}",
                             f"a range needs a numeric setting; {address} is a choice "
                             "(use full-factorial levels)"))
    return problems


def _system_problems(exp: Experiment) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for k, ref in enumerate(exp.systems):
        try:
            charter = exp._inline.get(ref) or _load_system(ref, exp._base_dir)
        except FoedusError as exc:
            problems.append((f"systems[{k}]", str(exc).replace("\n", "; ")))
            continue
        if charter.id in seen:
            problems.append((f"systems[{k}]", f"charter id {charter.id!r} is already given by "
                             f"{seen[charter.id]!r}"))
        seen[charter.id] = ref
    return problems


def _metric_problems(exp: Experiment) -> list[tuple[str, str]]:
    from ..engine.metrics import METRICS

    names = list(METRICS)
    problems = [(f"metrics[{k}]", str(UnknownNameError("metric", m, names)))
                for k, m in enumerate(exp.metrics) if m not in names]
    if len(set(exp.metrics)) != len(exp.metrics):
        problems.append(("metrics", "a metric is listed twice"))
    return problems


#: Most design points in one experiment.
MAX_POINTS = 100_000
#: Most runs (design points x replications x systems) in one experiment and its store.
MAX_RUNS = 10_000_000
LARGER_WORK = ("split the work into several experiments (a slice of the design or of the "
               "replications each, with its own --store), or run it on a cluster; see "
               "docs/limits.md")


def n_design_points(exp: Experiment) -> int:
    """Number of design points, counted without making them."""
    d = exp.design
    if isinstance(d, FullFactorial):
        return int(np.prod([len(v) for v in d.levels.values()], dtype=object))
    if isinstance(d, LatinHypercube):
        return d.points
    if isinstance(d, Sobol):
        k = len(d.ranges)
        return d.n * (2 * k + 2 if d.second_order else k + 2)
    if isinstance(d, Morris):
        return d.trajectories * (len(d.ranges) + 1)
    return 1


def _size_problems(exp: Experiment) -> list[tuple[str, str]]:
    """Bounds on the size of the work (checked before anything runs) and repeated levels."""
    problems: list[tuple[str, str]] = []
    d = exp.design
    if isinstance(d, FullFactorial):
        for address, levels in d.levels.items():
            seen = [json.dumps(v, sort_keys=True) for v in levels]
            if len(set(seen)) != len(seen):
                twice = sorted({s for s in seen if seen.count(s) > 1})
                problems.append((f"design.levels.{address}",
                                 f"a level is listed twice: {', '.join(twice)} (each level "
                                 "gives a design point; list each once)"))
    points = n_design_points(exp)
    if points > MAX_POINTS:
        problems.append(("design", f"{points:,} design points is over the bound of "
                                   f"{MAX_POINTS:,}; {LARGER_WORK}"))
    runs = points * exp.replications * len(exp.systems)
    if runs > MAX_RUNS:
        problems.append(("replications", f"{runs:,} runs ({points:,} points x "
                                         f"{exp.replications:,} replications x "
                                         f"{len(exp.systems)} systems) is over the bound of "
                                         f"{MAX_RUNS:,} runs in one store; {LARGER_WORK}"))
    return problems


def _semantic_problems(exp: Experiment, *, check_systems: bool = True) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = _size_problems(exp)
    if exp.scenario.year is not None and exp.scenario.world:
        problems.append(("scenario", "give either world settings or a data year, not both"))
    if exp._world is not None and (exp.scenario.year is not None or exp.scenario.world):
        problems.append(("scenario", "a given world takes neither world settings nor a data year"))
    problems += _section_name_problems(exp) + _design_problems(exp)
    if check_systems:
        problems += _system_problems(exp)
    problems += _metric_problems(exp)
    if not problems:
        problems.extend(_value_problems(exp))
    return problems


def _design_trials(exp: Experiment) -> tuple[str, list[tuple[str, Any, Any]]]:
    d = exp.design
    if isinstance(d, FullFactorial):
        return "levels", [(a, lv, lv) for a, levels in d.levels.items() for lv in levels]
    if isinstance(d, LatinHypercube | Sobol | Morris):
        return "ranges", [(a, end, typed(a, end)) for a, ends in d.ranges.items() for end in ends]
    return "levels", []


def _value_problems(exp: Experiment) -> list[tuple[str, str]]:
    """Check the base values, every factorial level and both ends of every range against the
    ranges declared on the settings' fields (no trial run)."""
    base = {"world": dict(exp.scenario.world), "behaviour": dict(exp.behaviour),
            "run": dict(exp.run)}
    out: list[tuple[str, str]] = []
    for section, where in (("behaviour", "behaviour"), ("world", "scenario.world"), ("run", "run")):
        found = field_problems(section, base[section])
        out += [(f"{where}.{name}", msg) for name, msg in found]
        msg = None if found else section_problem(section, base[section])
        if msg:
            out.append((where, msg))
    if out:
        return out
    kind, trials = _design_trials(exp)
    for address, shown, value in trials:
        msg = value_problem(address, value)
        if msg is None and address.startswith("world."):  # settings that depend on each other
            msg = section_problem("world", {**base["world"], address[6:]: value})
        if msg:
            what = "level" if kind == "levels" else "range end"
            out.append((f"design.{kind}.{address}", f"{what} {shown!r}: {msg}"))
    return out


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
                         check_systems: bool = True, charters: dict[str, System] | None = None,
                         world: World | None = None) -> Experiment:
    """Validate an experiment given as a dictionary (as read from TOML).

    ``base_dir`` is where relative charter paths in ``systems`` are looked up;
    ``check_systems=False`` skips loading the charters (a stored definition read elsewhere).
    """
    try:
        return Experiment.model_validate(data, context={"base_dir": base_dir,
                                                        "check_systems": check_systems,
                                                        "charters": charters, "world": world})
    except ValidationError as exc:
        raise InputError(source, _clean_problems(validation_problems(exc))) from None
    except InputError as exc:
        raise InputError(source, exc.problems) from None


def _build(data: dict[str, Any], source: str, base_dir: Path | None) -> Experiment:
    return experiment_from_dict(data, source=source, base_dir=base_dir)


_LIBRARY: Library[Experiment] = Library("experiment", "foedus.experiments", "library", _build)


def builtin_experiment_ids() -> list[str]:
    """Ids of the example experiments shipped with foedus."""
    return _LIBRARY.ids()


def load_experiment(ref: str | Path | Experiment) -> Experiment:
    """Load an experiment by built-in id (``veto``) or from a TOML file."""
    if isinstance(ref, Experiment):
        return ref
    return _LIBRARY.load(ref)


def builtin_experiments() -> list[Experiment]:
    """Every built-in example experiment, loaded and validated."""
    return [load_experiment(e) for e in builtin_experiment_ids()]


__all__ = [
    "MAX_POINTS",
    "MAX_RUNS",
    "Experiment",
    "Scenario",
    "builtin_experiment_ids",
    "builtin_experiments",
    "experiment_from_dict",
    "load_experiment",
    "n_design_points",
    "world_digest",
]
