"""``foedus compare``: every system on the same worlds, with means and 95% confidence intervals.

Replication ``r`` draws its randomness from ``SeedSequence(seed, spawn_key=(0, r))``: child 0
generates the world, child 1 drives the run. Every charter sees the same world and the same
run seed for the same ``r`` (common random numbers), so differences between systems are not
differences between worlds. Results are tidy tables: one row per run (``Comparison.runs``),
one row per charter and metric with the mean and t-interval (``Comparison.table``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine.behaviour import Behaviour, as_behaviour
from ..rules.charter import Charter, builtin_charter_ids, load_charter
from .._errors import FoedusError
from ..engine.metrics import METRICS, mean_ci
from ..engine.model import simulate
from .runner import default_workers, open_executor
from ..seeding import replication_seeds
from ..world.synthetic import generate_world
from ..world.world import World

#: Columns of ``Comparison.events``: a compact crisis log over every run.
EVENT_COLUMNS = ("charter", "replication", "year", "aggressor", "target", "in_scope", "determined",
                 "vetoed", "ufp_session", "sanctions", "responded", "coalition_size",
                 "obligated", "effective", "aggressor_won", "target_died", "aggressor_veto")


@dataclass
class Comparison:
    """Results of :func:`compare`.

    ``runs``: one row per (charter, replication) with every metric as a column; ``table``: one
    row per (charter, metric) with ``mean``, ``ci_low``, ``ci_high`` (95% t-interval) and ``n``
    (runs with a value); ``series``: the yearly series of every run; ``events``: a compact
    log of every crisis; ``settings``: what was run (for the methods paragraph).
    """

    charters: list[str]
    runs: pd.DataFrame
    table: pd.DataFrame
    series: pd.DataFrame
    events: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """Charter id -> metric -> ``{mean, ci_low, ci_high, n}`` (NaN as None)."""
        out: dict[str, dict[str, dict[str, float | None]]] = {c: {} for c in self.charters}
        for row in self.table.itertuples(index=False):
            out[str(row.charter)][str(row.metric)] = {
                "mean": _num(row.mean), "ci_low": _num(row.ci_low), "ci_high": _num(row.ci_high),
                "n": _num(row.n)}
        return out

    def wide(self, stat: str = "mean") -> pd.DataFrame:
        """Charters as rows, metrics as columns, one statistic (``mean``, ``ci_low``...)."""
        w = self.table.pivot(index="charter", columns="metric", values=stat)
        return w.reindex(index=self.charters, columns=[m for m in METRICS if m in w.columns])

    def write(self, out: str | Path) -> Path:
        """Write the report and CSV files to ``out`` (see :func:`foedus._report.write_report`)."""
        from ..report.compare import write_report

        return write_report(self, out)


def _num(v: Any) -> float | None:
    f = float(v)
    return f if math.isfinite(f) else None


def summary_table(runs: pd.DataFrame, charters: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Mean and t-interval of each metric per charter from a runs table (NaN-aware)."""
    rows = []
    metrics = [m for m in METRICS if m in runs.columns]
    for c in charters:
        sub = runs[runs["charter"] == c]
        for m in metrics:
            mean, lo, hi, k = mean_ci(sub[m].to_numpy(dtype=float), level)
            rows.append({"charter": c, "metric": m, "mean": mean, "ci_low": lo, "ci_high": hi,
                         "n": k})
    return pd.DataFrame(rows, columns=["charter", "metric", "mean", "ci_low", "ci_high", "n"])


# --- running ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    charter: Charter
    replication: int
    seed: int
    years: int
    n_states: int
    behaviour: dict[str, Any]
    world_params: dict[str, Any]
    world: World | None
    model: dict[str, Any]


def _world_for(task: _Task, cache: dict[Any, World]) -> World:
    """The world of ``task``: the given world, or replication ``r``'s synthetic world (built
    once per process and replication; the key holds everything that determines it)."""
    if task.world is not None:
        return task.world
    key = (task.seed, task.replication, task.n_states,
           json.dumps(task.world_params, sort_keys=True, default=str))
    if key not in cache:
        w_seq, _ = replication_seeds(task.seed, 0, task.replication)
        cache.clear()
        cache[key] = generate_world(task.n_states, rng=np.random.default_rng(w_seq),
                                    **task.world_params)
    return cache[key]


_WORLDS: dict[Any, World] = {}


def _run(task: _Task) -> dict[str, Any]:
    """One run (module level, so process pools can pickle it)."""
    world = _world_for(task, _WORLDS)
    _, r_seq = replication_seeds(task.seed, 0, task.replication)
    res = simulate(task.charter, world=world, years=task.years,
                   rng=np.random.default_rng(r_seq), behaviour=task.behaviour or None,
                   **task.model)
    events = [{
        "charter": task.charter.id, "replication": task.replication, "year": e.get("year"),
        "aggressor": e.get("aggressor"), "target": e.get("target"),
        "in_scope": bool(e.get("in_scope")), "determined": bool(e.get("determined")),
        "vetoed": bool(e.get("vetoed")), "ufp_session": bool(e.get("ufp_session")),
        "sanctions": bool(e.get("sanctions")),
        "responded": bool(e.get("contributors") or e.get("sanctioners")),
        "coalition_size": len(e.get("contributors") or ()),
        "obligated": len(e.get("obligated") or ()), "effective": bool(e.get("effective")),
        "aggressor_won": bool(e.get("aggressor_won")), "target_died": bool(e.get("target_died")),
        "aggressor_veto": bool(e.get("aggressor_veto"))} for e in res.events]
    series = res.series.copy()
    series.insert(0, "replication", task.replication)
    series.insert(0, "charter", task.charter.id)
    return {"charter": task.charter.id, "replication": task.replication,
            "metrics": res.metrics, "series": series, "events": events}


def _progress(total: int, enabled: bool) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("[bold]comparing systems"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("runs"), TimeElapsedColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), disable=not enabled, transient=False)


def compare(charters: Iterable[str | Charter] | None = None, *, replications: int = 20,
            years: int = 50, n_states: int = 60, seed: int = 0,
            behaviour: Behaviour | dict[str, Any] | None = None, world: World | None = None,
            out: str | Path | None = None, progress: bool = True,
            world_params: dict[str, Any] | None = None, workers: int | None = None,
            checkpoint: str | Path | None = None, resume: bool = False,
            **model: Any) -> Comparison:
    """Run every charter on the same ``replications`` worlds and summarise the metrics.

    ``charters`` defaults to every built-in charter. Replication ``r`` uses
    ``SeedSequence(seed, spawn_key=(0, r))``: child 0 builds the synthetic world (unless
    ``world`` is given: then every replication uses that world), child 1 drives the run. The
    numbers do not depend on ``workers`` (processes; default: the available CPUs, 1 runs in
    this process). ``out`` writes the report there. ``model`` passes model settings
    (``activation``, ``max_crises``...) to :func:`foedus.simulate`.

    Finished replications are saved as they come to ``checkpoint`` (default ``out/partial``
    when ``out`` is given; none otherwise); once the comparison is complete its own files are
    removed (and the folder, if it created it), never anything else there.
    A comparison that stops (killed, interrupted) continues with ``resume=True``: saved
    replications are read back, not re-run, and the numbers equal an uninterrupted run's.
    Without ``resume`` an existing checkpoint is refused rather than overwritten.
    """
    ids = list(charters) if charters is not None else builtin_charter_ids()
    if not ids:
        raise FoedusError("no charters to compare")
    loaded = [load_charter(c) for c in ids]
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
    beh = as_behaviour(behaviour)
    if checkpoint is None and out is not None:
        checkpoint = Path(out) / "partial"
    ckpt = None
    done: dict[int, list[dict[str, Any]]] = {}
    if checkpoint is not None:
        ckpt = _Checkpoint(Path(checkpoint), _fingerprint(
            loaded, seed=int(seed), years=int(years), n_states=int(n_states),
            behaviour=beh.to_dict(), world_params=dict(world_params or {}), world=world,
            model=_model_settings(model)))
        done = {r: res for r, res in ckpt.start(resume).items() if r < int(replications)}
    tasks = [_Task(ch, r, int(seed), int(years), int(n_states), beh.to_dict(),
                   dict(world_params or {}), world, dict(model))
             for r in range(int(replications)) if r not in done for ch in loaded]
    n_workers = default_workers() if workers is None else max(1, int(workers))
    n_workers = max(1, min(n_workers, len(tasks)))
    start = time.perf_counter()
    results: list[dict[str, Any]] = [res for r in sorted(done) for res in done[r]]
    pending: dict[int, list[dict[str, Any]]] = {}

    def finished(res: dict[str, Any]) -> None:
        results.append(res)
        rep = pending.setdefault(res["replication"], [])
        rep.append(res)
        if len(rep) == len(loaded):  # a whole replication: save it
            if ckpt is not None:
                ckpt.save(res["replication"], rep)
            del pending[res["replication"]]

    with _progress(len(tasks), progress) as bar:
        job = bar.add_task("runs", total=len(tasks))
        if n_workers == 1:
            for task in tasks:
                finished(_run(task))
                bar.advance(job)
        else:
            for res in _parallel(tasks, n_workers):
                finished(res)
                bar.advance(job)
    elapsed = time.perf_counter() - start
    order = {c.id: i for i, c in enumerate(loaded)}
    results.sort(key=lambda r: (order[r["charter"]], r["replication"]))
    runs = pd.DataFrame([{"charter": r["charter"], "replication": r["replication"],
                          **{m: r["metrics"].get(m, math.nan) for m in METRICS}}
                         for r in results])
    series = pd.concat([r["series"] for r in results], ignore_index=True)
    events = pd.DataFrame([e for r in results for e in r["events"]], columns=list(EVENT_COLUMNS))
    names = [c.id for c in loaded]
    settings = {"replications": int(replications), "years": int(years),
                "n_states": int(n_states) if world is None else world.n, "seed": int(seed),
                "world": "synthetic (generate_world)" if world is None else
                f"{world.source} {world.year or ''}".strip(),
                "world_params": dict(world_params or {}), "behaviour": beh.to_dict(),
                "model": _model_settings(model), "workers": n_workers,
                "seconds": round(elapsed, 2), "resumed_replications": len(done)}
    comp = Comparison(charters=names, runs=runs, table=summary_table(runs, names),
                      series=series, events=events, settings=settings,
                      names={c.id: c.name for c in loaded})
    if out is not None:
        comp.write(out)
    if ckpt is not None:
        ckpt.clear()
    return comp


def _model_settings(model: dict[str, Any]) -> dict[str, Any]:
    from ..engine.model import DEFAULTS

    return {**DEFAULTS, **model}


def _parallel(tasks: list[_Task], workers: int) -> Iterable[dict[str, Any]]:
    """Run tasks on a process pool in chunks of whole replications (worlds are built once);
    yield each result as its chunk finishes."""
    by_rep: dict[int, list[_Task]] = {}
    for t in tasks:
        by_rep.setdefault(t.replication, []).append(t)
    # the sweep's process pool: its workers exit when this process dies (a killed comparison
    # leaves no orphans computing)
    with open_executor("processes", workers) as (ex, _):
        futures = [ex.submit(_run_many, chunk) for chunk in by_rep.values()]
        try:
            for fut in as_completed(futures):
                yield from fut.result()
        finally:
            for fut in futures:
                fut.cancel()


# --- saving finished replications --------------------------------------------------------------


def _fingerprint(charters: Sequence[Charter], **settings: Any) -> str:
    """SHA-256 of everything that determines a replication's numbers (not how many there are)."""
    world = settings.pop("world")
    payload: dict[str, Any] = {"charters": [c.model_dump(mode="json") for c in charters],
                               "settings": settings, "world": None}
    if world is not None:
        h = hashlib.sha256(json.dumps([world.codes, world.year, world.source]).encode())
        for f in fields(world):
            value = getattr(world, f.name)
            if isinstance(value, np.ndarray):
                h.update(f.name.encode())
                h.update(np.ascontiguousarray(value).tobytes())
        payload["world"] = h.hexdigest()
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class _Checkpoint:
    """Finished replications of a comparison, one JSON file each, written atomically."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint

    def _files(self) -> list[Path]:
        return sorted(self.path.glob("replication-*.json"))

    def start(self, resume: bool) -> dict[int, list[dict[str, Any]]]:
        """Check or create the checkpoint; return the saved replications (on ``resume``)."""
        manifest = self.path / "manifest.json"
        if manifest.exists() or self._files():
            if not resume:
                raise FoedusError(
                    f"{self.path} holds {len(self._files())} finished replications of an "
                    "interrupted comparison: continue it with --resume (resume=True), or delete "
                    "that folder to start again")
            try:
                saved = json.loads(manifest.read_text(encoding="utf-8"))["fingerprint"]
            except (OSError, ValueError, KeyError, TypeError):
                raise FoedusError(f"{manifest}: not a foedus compare checkpoint (unreadable "
                                  "manifest); delete the folder to start again") from None
            if saved != self.fingerprint:
                raise FoedusError(
                    f"{self.path} was written by a comparison with other charters or settings "
                    "(seed, years, states, world, behaviour, model); results of different "
                    "settings cannot be mixed: use the same settings, another --out, or delete "
                    "the folder")
            return {r: res for r, res in (self._load(f) for f in self._files())}
        created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        _write_atomic(manifest, {"format": "foedus-compare-checkpoint", "version": 1,
                                 "fingerprint": self.fingerprint, "created_folder": created})
        return {}

    def _load(self, path: Path) -> tuple[int, list[dict[str, Any]]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            out = []
            for res in data["results"]:
                s = res["series"]
                series = pd.DataFrame(s["data"], columns=s["columns"]).astype(s["dtypes"])
                out.append({"charter": res["charter"], "replication": int(res["replication"]),
                            "metrics": {k: float("nan") if v is None else float(v)
                                        for k, v in res["metrics"].items()},
                            "series": series, "events": res["events"]})
            return int(data["replication"]), out
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise FoedusError(f"{path}: unreadable saved replication ({exc}); delete that file "
                              "to re-run it") from None

    def save(self, replication: int, results: list[dict[str, Any]]) -> None:
        """Save one finished replication (every charter's run)."""
        rows = []
        for res in results:
            s = res["series"]
            rows.append({"charter": res["charter"], "replication": res["replication"],
                         "metrics": res["metrics"], "events": res["events"],
                         "series": {"columns": [str(c) for c in s.columns],
                                    "dtypes": {str(c): str(d) for c, d in s.dtypes.items()},
                                    "data": s.to_numpy(dtype=object).tolist()}})
        _write_atomic(self.path / f"replication-{replication:06d}.json",
                      {"replication": replication, "results": rows})

    def clear(self) -> None:
        """Remove what the checkpoint wrote (the comparison is complete): its manifest and saved
        replications, and the folder only if the checkpoint created it and it is now empty.
        Anything else in the folder was not written here and is left alone."""
        manifest = self.path / "manifest.json"
        try:
            created = bool(json.loads(manifest.read_text(encoding="utf-8")).get("created_folder"))
        except (OSError, ValueError, AttributeError):
            created = False
        for f in [*self._files(), *self.path.glob("replication-*.json.tmp"), manifest]:
            f.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):  # not empty: someone else's files are there
                self.path.rmdir()


def _write_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, default=_plain), encoding="utf-8")
    os.replace(tmp, path)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot save {type(value).__name__}")


def _run_many(tasks: list[_Task]) -> list[dict[str, Any]]:
    return [_run(t) for t in tasks]


__all__ = ["EVENT_COLUMNS", "Comparison", "compare", "summary_table"]
