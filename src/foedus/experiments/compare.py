"""``foedus compare``: every system on the same worlds, with means, 95% intervals and contrasts.

A comparison is an experiment with one design point: :func:`compare` builds it and runs it
through the same runner and results store as :func:`foedus.sweep`, then reads the store back
into a :class:`Comparison`. Replication ``r`` draws its randomness from ``SeedSequence(seed,
spawn_key=(0, r))``: child 0 generates the world, child 1 drives the run. Every charter sees the
same world and the same run seed for the same ``r`` (common random numbers), so differences
between systems are not differences between worlds. Results are tidy tables: one row per run
(``Comparison.runs``), one row per charter and metric with the mean and the interval of the
metric's method (``Comparison.table``; :mod:`foedus.experiments.intervals`), and the paired
differences from a baseline system (:meth:`Comparison.contrasts`). ``Comparison.provenance``
says what the numbers were computed from.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import FoedusError
from ..engine.architecture import lead_charter
from ..engine.behaviour import Behaviour, as_behaviour
from ..engine.metrics import METRICS, THREAT_METRICS
from ..engine.model import ARMS_SERIES, SERIES_COLUMNS
from ..engine.settings import ModelSettings, as_settings
from ..engine.threats import INTERSTATE
from ..rules.architecture import Architecture, is_architecture, load_architecture
from ..rules.charter import Charter, builtin_charter_ids, load_charter
from ..world.world import World
from .executors import default_workers
from .experiment import Experiment, System
from .intervals import FEW_RUNS, METHODS, domain_of, intervals, method_for, paired_contrasts
from .provenance import provenance as make_provenance
from .runner import SweepResult, sweep
from .store import ResultStore

#: Columns of ``Comparison.events``: a compact crisis log over every run.
EVENT_COLUMNS = ("charter", "replication", "year", "aggressor", "target", "in_scope", "determined",
                 "vetoed", "ufp_session", "sanctions", "responded", "coalition_size",
                 "obligated", "effective", "aggressor_won", "target_died", "aggressor_veto",
                 "target_size", "threat", "acted", "force", "assistance", "peacekeeping")


@dataclass
class Comparison:
    """Results of :func:`compare`.

    ``runs``: one row per (charter, replication) with every metric as a column; ``table``: one
    row per (charter, metric) with ``mean``, ``ci_low``, ``ci_high`` (95% interval by the
    metric's ``method``, :mod:`foedus.experiments.intervals`) and ``n`` (runs with a value);
    ``series``: the yearly series of every run; ``events``: a compact log of every crisis;
    ``settings``: what was run (for the methods paragraph); ``provenance``: the foedus
    version, the seed, the world's source with its datasets and the charters with their
    articles (:func:`foedus.experiments.provenance.provenance`).
    """

    charters: list[str]
    runs: pd.DataFrame
    table: pd.DataFrame
    series: pd.DataFrame
    events: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Charter id -> metric -> ``{mean, ci_low, ci_high, n, method, few_runs}`` (NaN as
        None)."""
        out: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in self.charters}
        for row in self.table.to_dict(orient="records"):
            out[str(row["charter"])][str(row["metric"])] = {
                "mean": _num(row["mean"]), "ci_low": _num(row["ci_low"]),
                "ci_high": _num(row["ci_high"]), "n": _num(row["n"]), "method": str(row["method"]),
                "few_runs": int(row["n"]) < FEW_RUNS}
        return out

    def contrasts(self, baseline: str, level: float = 0.95) -> pd.DataFrame:
        """Each system's paired difference from ``baseline`` per metric (:func:`contrast_table`)."""
        return contrast_table(self.runs, self.charters, baseline, level)

    def document(self, baseline: str | None = None) -> dict[str, Any]:
        """The JSON document of ``foedus compare --json``: provenance, the interval method of
        each metric, the results (:meth:`to_dict`) and, with a ``baseline``, the contrasts."""
        doc: dict[str, Any] = {
            "provenance": self.provenance, "settings": self.settings,
            "intervals": {m: {"method": method_for(m), "text": METHODS[method_for(m)]}
                          for m in METRICS if m in self.runs.columns},
            "results": self.to_dict()}
        arms = [c for c in ARMS_SERIES if c in self.series.columns]
        if arms:  # arms racing on: the yearly dynamics, mean over replications per system
            doc["arms_dynamics"] = _arms_dynamics(self.series, arms)
        kinds = self.by_threat()
        if kinds:  # the kinds of threat are on (engine/threats.py)
            doc["threats"] = kinds
        if baseline is not None:
            doc["baseline"] = baseline
            doc["contrasts"] = contrasts_to_dict(self.contrasts(baseline))
        return doc

    def by_threat(self) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
        """Charter -> kind of threat -> outcome -> ``{mean, ci_low, ci_high, n, ...}`` for the
        kinds that came in some run (``threat_*`` metrics); empty when only interstate crises
        came (the kinds of threat are off)."""
        results = self.to_dict()
        came = {THREAT_METRICS[m][1] for c in results.values() for m, v in c.items()
                if m in THREAT_METRICS and THREAT_METRICS[m][0] == "threat_acted"
                and v["mean"] is not None}
        if len(came) < 2:
            return {}
        return {c: {k: {stem: results[c][m] for m, (stem, kind) in THREAT_METRICS.items()
                        if kind == k and m in results[c]}
                    for k in dict.fromkeys(kind for _, kind in THREAT_METRICS.values())
                    if k in came}
                for c in self.charters}

    def wide(self, stat: str = "mean") -> pd.DataFrame:
        """Charters as rows, metrics as columns, one statistic (``mean``, ``ci_low``...)."""
        w = self.table.pivot(index="charter", columns="metric", values=stat)
        return w.reindex(index=self.charters, columns=[m for m in METRICS if m in w.columns])

    @classmethod
    def from_store(cls, path: str | Path, names: dict[str, str] | None = None,
                   world: World | None = None,
                   data_dir: str | Path | None = None) -> Comparison:
        """Read a comparison back from its results store (``OUT/results.duckdb``); ``names``
        gives the systems' full names, ``world`` the world it started from, if one was given,
        ``data_dir`` where the data of a data year are (for the datasets' citations)."""
        return _comparison_from_store(path, names, world, data_dir)


def _arms_dynamics(series: pd.DataFrame, columns: list[str]) -> dict[str, Any]:
    """Per system: the years and, per arms column (:data:`ARMS_SERIES`), the yearly mean over
    replications (NaN as None)."""
    out: dict[str, Any] = {}
    for system, g in series.groupby("charter", sort=False):
        m = g.groupby("year", sort=True)[columns].mean()
        out[str(system)] = {"year": [int(y) for y in m.index],
                            **{c: [_num(v) for v in m[c]] for c in columns}}
    return out


def _num(v: Any) -> float | None:
    f = float(v)
    return f if math.isfinite(f) else None


#: Columns of :func:`summary_table`.
SUMMARY_COLUMNS = ("charter", "metric", "mean", "ci_low", "ci_high", "n", "method")
#: Columns of :func:`contrast_table`.
CONTRAST_COLUMNS = ("charter", "baseline", "metric", "difference", "ci_low", "ci_high", "n",
                    "method")


def summary_table(runs: pd.DataFrame, charters: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Mean and ``level`` interval of each metric per charter from a runs table (NaN-aware);
    each metric's interval by its method (:func:`foedus.experiments.intervals.method_for`)."""
    rows: list[dict[str, Any]] = []
    metrics = [m for m in METRICS if m in runs.columns]
    by_charter = {c: runs[runs["charter"] == c] for c in charters}
    for m in metrics:
        ivs = intervals([by_charter[c][m].to_numpy(dtype=float) for c in charters],
                        method_for(m), domain_of(m), level)
        rows.extend({"charter": c, "metric": m, "mean": iv.mean, "ci_low": iv.low,
                     "ci_high": iv.high, "n": iv.n, "method": iv.method}
                    for c, iv in zip(charters, ivs, strict=True))
    order = {m: k for k, m in enumerate(metrics)}
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    rank = {c: k for k, c in enumerate(charters)}
    return (out.sort_values(["charter", "metric"], key=lambda col: col.map(
        rank if col.name == "charter" else order), kind="stable").reset_index(drop=True))


def contrast_table(runs: pd.DataFrame, charters: Sequence[str], baseline: str,
                   level: float = 0.95) -> pd.DataFrame:
    """Paired differences from ``baseline`` under common random numbers.

    For each charter other than ``baseline`` and each metric: the mean over replications of
    ``value(charter, r) - value(baseline, r)`` (replications where both are defined) and its
    paired BCa bootstrap interval (:func:`foedus.experiments.intervals.paired_contrasts`).
    """
    if baseline not in charters:
        from .._errors import UnknownNameError

        raise UnknownNameError("baseline system", baseline, list(charters))
    metrics = [m for m in METRICS if m in runs.columns]
    wide = {c: runs[runs["charter"] == c].set_index("replication").sort_index()
            for c in charters}
    base = wide[baseline]
    others = [c for c in charters if c != baseline]
    rows: list[dict[str, Any]] = []
    for m in metrics:
        pairs = []
        for c in others:
            reps = base.index.intersection(wide[c].index)
            pairs.append((wide[c].loc[reps, m].to_numpy(float), base.loc[reps, m].to_numpy(float)))
        for c, iv in zip(others, paired_contrasts(pairs, m, level), strict=True):
            rows.append({"charter": c, "baseline": baseline, "metric": m, "difference": iv.mean,
                         "ci_low": iv.low, "ci_high": iv.high, "n": iv.n, "method": iv.method})
    out = pd.DataFrame(rows, columns=list(CONTRAST_COLUMNS))
    rank = {c: k for k, c in enumerate(others)}
    return out.sort_values("charter", key=lambda col: col.map(rank), kind="stable").reset_index(
        drop=True)


def contrasts_to_dict(table: pd.DataFrame) -> dict[str, dict[str, dict[str, Any]]]:
    """Charter -> metric -> ``{difference, ci_low, ci_high, n, method, few_runs}``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in table.to_dict(orient="records"):
        out.setdefault(str(row["charter"]), {})[str(row["metric"])] = {
            "difference": _num(row["difference"]), "ci_low": _num(row["ci_low"]),
            "ci_high": _num(row["ci_high"]), "n": int(row["n"]), "method": str(row["method"]),
            "few_runs": int(row["n"]) < FEW_RUNS}
    return out


# --- running ---------------------------------------------------------------------------------

#: Name of the experiment a comparison runs (the CLI's store is ``OUT/results.duckdb``).
EXPERIMENT_NAME = "compare"
STORE_NAME = "results.duckdb"
#: Float columns of a run's series (the others are counts, read back as integers).
_FLOAT_SERIES = ("credibility", "capability_destroyed", "concentration", *ARMS_SERIES)


def comparison_experiment(charters: Sequence[System], *, replications: int, years: int,
                          n_states: int, seed: int, behaviour: Behaviour,
                          settings: ModelSettings, world: World | None = None,
                          world_params: dict[str, Any] | None = None,
                          year: int | None = None) -> Experiment:
    """The experiment a comparison runs: its systems, one design point, its replications."""
    if world is not None:
        scenario: dict[str, Any] = {}
    elif year is not None:
        scenario = {"year": int(year)}
    else:
        scenario = {"world": {"n": int(n_states), **dict(world_params or {})}}
    data = {"name": EXPERIMENT_NAME, "systems": [c.id for c in charters], "scenario": scenario,
            "behaviour": behaviour.to_dict(), "run": settings.to_dict(),
            "replications": int(replications), "years": int(years), "seed": int(seed)}
    return Experiment.from_dict(data, source="comparison", charters={c.id: c for c in charters},
                                world=world)


def _load(ref: Any) -> System:
    """A system to compare: a charter, or an architecture (``a+b``, ``cold-war``, a file)."""
    if isinstance(ref, Charter | Architecture) or not is_architecture(ref):
        return ref if isinstance(ref, Architecture) else load_charter(ref)
    return load_architecture(ref)


def _check(ids: list[Any], replications: int, years: int, n_states: int,
           world: World | None) -> list[System]:
    if not ids:
        raise FoedusError("no charters to compare")
    loaded = [_load(c) for c in ids]
    seen: set[str] = set()
    for ch in loaded:
        if ch.id in seen:
            raise FoedusError(f"charter {ch.id!r} is listed twice")
        seen.add(ch.id)
    if int(replications) < 1:
        raise FoedusError(f"replications must be at least 1, got {replications}")
    if int(years) < 1:
        raise FoedusError(f"years must be at least 1, got {years}")
    if world is None and int(n_states) < 1:
        raise FoedusError(f"n_states must be at least 1, got {n_states}")
    return loaded


def compare(charters: Iterable[str | Charter] | None = None, *, replications: int = 20,
            years: int = 50, n_states: int = 60, seed: int = 0,
            behaviour: Behaviour | dict[str, Any] | None = None, world: World | None = None,
            world_params: dict[str, Any] | None = None,
            settings: ModelSettings | dict[str, Any] | None = None, year: int | None = None,
            data_dir: str | Path | None = None, store: str | Path | None = None,
            resume: bool = False, workers: int | None = None, backend: str | None = None,
            scheduler: str | None = None, progress: bool = True,
            **overrides: Any) -> Comparison:
    """Run every charter on the same ``replications`` worlds and summarise the metrics.

    ``charters`` defaults to every built-in charter. The world is generated (``n_states``
    states, ``world_params`` for :class:`foedus.WorldSpec`), given (``world``: every
    replication starts from it) or built from data for ``year`` (read from ``data_dir``).
    ``settings`` and keyword ``overrides`` are the model settings (:class:`ModelSettings`).

    The comparison runs through :func:`foedus.sweep`: finished runs are saved as they come in
    the results store ``store`` (without one, a temporary store removed afterwards). The
    report is written by :func:`foedus.write_report`. A comparison that stops continues with ``resume=True``:
    saved runs are read back, not re-run, and the numbers equal an uninterrupted run's. A store
    holding other settings is refused, and so is an unfinished one without ``resume``; a
    finished store of the same settings is read back as it is. The numbers do not depend on
    ``workers``, ``backend`` (default: processes when more than one worker) or resuming.
    """
    config = as_settings(settings, **overrides)
    era = year if year is not None else (int(world.year) if world is not None and
                                         world.source == "cow" and world.year else None)
    ids = list(charters) if charters is not None else _era_charters(era)
    loaded = _check(ids, replications, years, n_states, world)
    _check_era(loaded, era, config.anachronism == "allow")
    exp = comparison_experiment(
        loaded, replications=replications, years=years, n_states=n_states, seed=seed,
        behaviour=as_behaviour(behaviour), settings=config,
        world=world, world_params=world_params, year=year)
    n_workers = default_workers() if workers is None else max(1, int(workers))
    chosen = backend or ("processes" if n_workers > 1 else "serial")
    with _store_path(store) as path:
        result = _run(exp, path, resume=resume, backend=chosen, workers=n_workers,
                      scheduler=scheduler, data_dir=data_dir, progress=progress)
        comp = Comparison.from_store(path, names={c.id: c.name for c in loaded}, world=world,
                                     data_dir=data_dir)
    comp.settings.update(workers=result.workers, backend=chosen, seconds=round(result.seconds, 2),
                         resumed_runs=result.skipped)
    comp.settings["scope"] = scope_counts(comp, loaded, world if world is not None else (
        _data_world_for(year, data_dir) if year is not None else None))
    if era is not None:
        comp.settings["anachronisms"] = [p for c in loaded if (p := _lead(c).anachronism(era))]
    comp.provenance["settings"] = comp.settings
    return comp


def _era_charters(year: int | None) -> list[str]:
    """Every built-in charter, or on a data world of ``year`` those that existed then."""
    ids = builtin_charter_ids()
    if year is None:
        return ids
    return [c for c in ids if load_charter(c).existed_in(int(year))]


def _check_era(loaded: list[System], year: int | None, allow: bool) -> None:
    """Refuse charters that did not exist in ``year`` (before any run), unless allowed. In an
    architecture only its lead institution must exist: the others wait for their founding."""
    if year is None or allow:
        return
    bad = [p for c in loaded if (p := _lead(c).anachronism(int(year)))]
    if bad:
        raise FoedusError(bad[0] if len(bad) == 1 else
                          "; ".join(bad[:-1]) + "; and " + bad[-1])


def _data_world_for(year: int, data_dir: str | Path | None) -> World:
    from ..data import world_for_year

    return world_for_year(int(year), data_dir=data_dir)


def _lead(system: System) -> Charter:
    return lead_charter(system) if isinstance(system, Architecture) else system


def scope_counts(comp: Comparison, charters: list[System],
                 world: World | None) -> dict[str, dict[str, Any]]:
    """Per system: its members in the starting world (codes on a data world, a count on a
    synthetic one: replication 0's world is not kept) and the crises in its scope, in total
    and per run, so that a system that never saw a crisis is not mistaken for self-help."""
    from ..engine.institution import Institution

    out: dict[str, dict[str, Any]] = {}
    ev = comp.events
    for ch in charters:
        rows = ev[ev["charter"] == ch.id] if "charter" in ev.columns else ev.iloc[0:0]
        if "threat" in rows.columns:  # interstate crises (the kinds of threat have their table)
            rows = rows[rows["threat"] == INTERSTATE]
        n_scope = int(rows["in_scope"].sum()) if "in_scope" in rows.columns else 0
        runs = max(1, int((comp.runs["charter"] == ch.id).sum())) if "charter" in comp.runs \
            else 1
        members: Any = None
        if world is not None and world.source == "cow":  # an architecture: its lead's members
            members = Institution.in_world(_lead(ch), world).member_codes()
        out[ch.id] = {"members": members, "n_members": None if members is None else len(members),
                      "crises": len(rows), "crises_in_scope": n_scope,
                      "in_scope_per_run": round(n_scope / runs, 2)}
    return out


@contextlib.contextmanager
def _store_path(store: str | Path | None) -> Iterator[Path]:
    """The store to run into: the one given, or a temporary one removed afterwards."""
    if store is not None:
        yield Path(store)
        return
    with tempfile.TemporaryDirectory(prefix="foedus-compare-") as tmp:
        yield Path(tmp) / STORE_NAME


def _run(exp: Experiment, path: Path, *, resume: bool, backend: str, workers: int,
         scheduler: str | None, data_dir: str | Path | None, progress: bool) -> SweepResult:
    """Sweep ``exp`` into ``path``; a finished store of the same settings is read as it is."""
    if not resume and path.exists() and _finished(path, exp):
        return SweepResult(store=str(path), experiment=exp.name, backend=backend, workers=0,
                           total=exp.n_runs(), skipped=exp.n_runs(), ran=0, done=0, errors=0,
                           seconds=0.0, chunks=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _progress(progress) as bar:
        result = sweep(exp, path, backend=backend, workers=workers, scheduler=scheduler,
                       resume=resume, retry_errors=resume, progress=bar, data_dir=data_dir)
    if result.errors:
        raise FoedusError(f"{result.errors} of {result.total} runs failed (their tracebacks are "
                          f"in {path}, table runs); fix the cause and continue with --resume")
    return result


def _finished(path: Path, exp: Experiment) -> bool:
    """Whether ``path`` holds exactly this comparison with every run done."""
    try:
        with ResultStore(path, read_only=True) as st:
            row = st.experiment_row()
            done = st.counts().get("done", 0)
    except FoedusError:
        return False
    return row is not None and row["hash"] == exp.definition_hash() and done == exp.n_runs()


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int, int], None]]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn("[bold]comparing systems"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("runs"), TimeElapsedColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), disable=not enabled, transient=False)
    job = bar.add_task("runs", total=None)

    def update(finished: int, errors: int, total: int) -> None:
        bar.update(job, completed=finished, total=total)

    with bar:
        yield update


# --- reading a store back ---------------------------------------------------------------------


def _runs_table(st: ResultStore, order: dict[str, int]) -> pd.DataFrame:
    m = st.table("metrics")
    m = m[m["point"] == 0]
    wide = m.pivot_table(index=["system", "replication"], columns="metric", values="value",
                         aggfunc="first", dropna=False).reset_index()
    wide = wide.rename(columns={"system": "charter"})
    wide = wide.sort_values(["charter", "replication"], key=_by(order)).reset_index(drop=True)
    cols = ["charter", "replication", *[k for k in METRICS if k in wide.columns]]
    out = wide.reindex(columns=cols)
    out.columns.name = None
    out["replication"] = out["replication"].astype("int64")
    return out


def _series_table(st: ResultStore, order: dict[str, int]) -> pd.DataFrame:
    s = st.table("series")
    s = s[s["point"] == 0]
    if s.empty:
        return pd.DataFrame(columns=["charter", "replication", *SERIES_COLUMNS])
    wide = s.pivot_table(index=["system", "replication", "year"], columns="variable",
                         values="value", aggfunc="first", dropna=False).reset_index()
    wide = wide.rename(columns={"system": "charter"})
    wide = wide.sort_values(["charter", "replication", "year"],
                            key=_by(order)).reset_index(drop=True)
    arms = [c for c in ARMS_SERIES if c in wide.columns]  # with arms racing on (engine/arms.py)
    out = wide.reindex(columns=["charter", "replication", *SERIES_COLUMNS, *arms])
    out.columns.name = None
    for col in ["replication", "year", *SERIES_COLUMNS]:
        if col not in _FLOAT_SERIES and col in out and out[col].notna().all():
            out[col] = out[col].astype("int64")
    return out


def _events_table(st: ResultStore, order: dict[str, int]) -> pd.DataFrame:
    e = st.table("events")
    e = e[e["point"] == 0].rename(columns={"system": "charter"})
    e = e.sort_values(["charter", "replication", "crisis"], key=_by(order))
    out = e.reindex(columns=list(EVENT_COLUMNS)).reset_index(drop=True)
    for col in ("replication", "year", "coalition_size", "obligated"):
        out[col] = out[col].astype("int64")
    for col in EVENT_COLUMNS[5:]:
        if col not in ("coalition_size", "obligated", "target_size", "threat"):
            out[col] = out[col].fillna(False).astype(bool)
    out["threat"] = out["threat"].fillna(INTERSTATE)  # stores written before the kinds
    return out


def _by(order: dict[str, int]) -> Callable[[pd.Series], pd.Series]:
    def key(col: pd.Series) -> pd.Series:
        return col.map(order) if col.name == "charter" else col
    return key


def _settings(exp: Experiment, world: World | None) -> dict[str, Any]:
    n_states = (world.n if world is not None else
                int(exp.scenario.world.get("n", 60)) if exp.scenario.year is None else None)
    source = ("synthetic (generate_world)" if world is None and exp.scenario.year is None else
              f"{world.source} {world.year or ''}".strip() if world is not None else
              f"data {exp.scenario.year}")
    return {"replications": exp.replications, "years": exp.years, "n_states": n_states,
            "seed": exp.seed, "world": source, "year": exp.scenario.year,
            "world_params": {k: v for k, v in exp.scenario.world.items() if k != "n"},
            "behaviour": as_behaviour(exp.behaviour).to_dict(),
            "model": as_settings(exp.run).to_dict()}


def _comparison_from_store(path: str | Path, names: dict[str, str] | None = None,
                           world: World | None = None,
                           data_dir: str | Path | None = None) -> Comparison:
    with ResultStore(path, read_only=True) as st:
        row = st.experiment_row()
        if row is None:
            raise FoedusError(f"{path} holds no comparison yet")
        exp = st.experiment()
        systems = list(row["systems"])
        order = {c: i for i, c in enumerate(systems)}
        runs = _runs_table(st, order)
        series = _series_table(st, order)
        events = _events_table(st, order)
    settings = _settings(exp, world)
    prov = make_provenance(seed=exp.seed, charters=exp.charters().values(),
                           year=exp.scenario.year, world=world,
                           world_params=settings["world_params"], n_states=settings["n_states"],
                           data_dir=data_dir, settings=settings)
    if prov["world"]["kind"] == "data":
        settings["world"] = prov["world"]["text"]
    settings["datasets"] = prov["world"].get("datasets", {})
    settings["foedus_version"] = prov["foedus_version"]
    return Comparison(charters=systems, runs=runs, table=summary_table(runs, systems),
                      series=series, events=events, settings=settings,
                      names=dict(names or {c: c for c in systems}), provenance=prov)


__all__ = ["CONTRAST_COLUMNS", "EVENT_COLUMNS", "STORE_NAME", "SUMMARY_COLUMNS", "Comparison",
           "compare", "comparison_experiment", "contrast_table", "contrasts_to_dict",
           "summary_table"]
