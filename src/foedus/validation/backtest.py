"""Backtest: run the model from the real world of a year and compare it with the record.

The world of ``start`` (:func:`foedus.world_for_year`) is run for ``years`` periods under each
charter (by default the era's security architecture, :func:`era_charter`), ``replications``
times with common random numbers (replication ``r`` is seeded by ``SeedSequence(seed,
spawn_key=(0, r))``, child 1, as in :func:`foedus.compare`). Each run gives the metrics of
:data:`foedus.validation.record.RECORD_METRICS`, computed from the crisis log on the same
definitions as the record's (:mod:`foedus.validation.record`); the record covers the years
``start`` .. ``start + years - 1``. By default a data world follows the record during the run
(``ModelSettings.record = "follow"``): states enter on their COW dates, so rates are per 100
state-years of a state system close to the record's; a war's defence pacts are the ATOP pacts
in force in its year, as in the record's reliability.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..data import dataset, world_for_year
from ..engine import Behaviour, CrisisEvent, Model, ModelSettings, summarise
from ..engine.settings import as_settings
from ..rules.charter import load_charter
from ..seeding import split
from ..world import DEFENCE, World
from .record import RECORD_METRICS, record_metrics, tail_slope

#: The eras of the validation report: name -> (first year, number of years).
ERAS: dict[str, tuple[int, int]] = {
    "1816-1869": (1816, 54),
    "1870-1914": (1870, 45),
    "1919-1939": (1919, 21),
    "1946-1989": (1946, 44),
    "1990-2010": (1990, 21),
}

#: A progress callback: (runs done, runs in all).
Progress = Callable[[int, int], None]


def era_charter(year: int) -> str:
    """The security architecture of ``year``: balance of power before the League, the League
    1919-1945 (Covenant signed 1919, in force 1920), the UN from 1946 (the enlarged Council
    from 1966)."""
    if year < 1919:
        return "balance-of-power"
    if year < 1946:
        return "league-1920"
    return "un-1945" if year < 1966 else "un-1965"


def era_settings(charter: str, start: int, settings: ModelSettings | dict[str, Any] | None
                 ) -> ModelSettings | dict[str, Any] | None:
    """The era's own charter may be founded in the year after ``start``: the model's first
    simulated year is ``start + 1`` (the League: world of 1919, Covenant in force 10 January
    1920), so the start year's anachronism is allowed there, and only there."""
    ch = load_charter(charter)
    if ch.anachronism(start) is None or ch.anachronism(start + 1) is not None:
        return settings
    return as_settings(settings, anachronism="allow")


@dataclass
class BacktestResult:
    """Model against record for one window; ``runs`` holds every run's metrics per charter."""

    start: int
    years: int
    charters: list[str]
    replications: int
    record: dict[str, float | None]
    runs: dict[str, list[dict[str, float]]]
    severities: dict[str, list[float]] = field(default_factory=dict)

    def model(self, charter: str | None = None) -> dict[str, dict[str, float]]:
        """Metric -> ``{mean, ci_low, ci_high, n}`` over the replications of ``charter``."""
        runs = self.runs[charter or self.charters[0]]
        return summarise({m: [r[m] for r in runs] for m in RECORD_METRICS})

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``foedus backtest --json`` (NaN as None)."""
        return _clean({"start": self.start, "years": self.years, "charter": self.charters[0],
                       "replications": self.replications, "model": self.model(),
                       "record": {m: self.record.get(m) for m in RECORD_METRICS},
                       "record_state_years": self.record.get("state_years"),
                       "systems": {c: self.model(c) for c in self.charters}})


def _clean(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_clean(x) for x in v]
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(float(v)) else None
    return v


def run_metrics(model: Model, alliances: np.ndarray | Callable[[int], np.ndarray]
                ) -> dict[str, float]:
    """The record's metrics of one finished run (``alliances``: the defence pacts of a war's
    year, or the world's at the start for every war)."""
    sy = model.state_years
    per100 = 100.0 / sy if sy else math.nan
    wars = [e for e in model.events if e.war]
    deaths = sum(e.target_died for e in model.events)
    det = [e.determined for e in wars] if model.has_institution else []
    return {
        "war_onsets_per_100": len(wars) * per100,
        "mid_onsets_per_100": len(model.events) * per100,
        "state_deaths_per_100": model.deaths_total * per100,
        "violent_state_deaths_per_100": deaths * per100,
        "alliance_reliability": reliability(wars, model.world, alliances),
        "determination_share": float(np.mean(det)) if det else math.nan,
        "severity_tail_slope": tail_slope([e.destroyed_share for e in wars]),
    }


def pacts_by_year(model: Model) -> Callable[[int], np.ndarray] | None:
    """On a data world that follows the record: the ATOP defence pacts in force in a year
    over the run's states (as the record's reliability reads them); else None."""
    w = model.world
    if model.config.record != "follow" or w.source != "cow":
        return None
    ds = dataset(w.meta.get("data_dir"))
    cache: dict[int, np.ndarray] = {}

    def pacts(year: int) -> np.ndarray:
        if year not in cache:
            cache[year] = ds.alliance_matrix(int(year), w.ccodes)
        return cache[year]
    return pacts


def reliability(wars: Sequence[CrisisEvent], world: World,
                alliances: np.ndarray | Callable[[int], np.ndarray]) -> float:
    """Share of the targets' defence-pact partners that fought for them (as in the record).

    ``alliances`` gives the pacts in force in a war's year (a function of the year), or one
    matrix for every war."""
    idx = {c: i for i, c in enumerate(world.codes)}
    partners = honoured = 0
    for e in wars:
        t = idx[e.target]
        enemies = {idx[c] for c in [e.aggressor, *e.aggressor_side, *e.spread_aggressors] if c in idx}
        pacts = alliances(int(e.year)) if callable(alliances) else alliances
        allies = set(np.flatnonzero(pacts[t] & DEFENCE).tolist()) - enemies - {t}
        helpers = {idx[c] for c in [*e.contributors, *e.spread_defenders] if c in idx}
        partners += len(allies)
        honoured += len(allies & helpers)
    return honoured / partners if partners else math.nan


def one_run(world: World, charter: str, years: int, seq: np.random.SeedSequence, *,
            behaviour: Behaviour | dict[str, Any] | None = None,
            settings: ModelSettings | dict[str, Any] | None = None) -> tuple[dict[str, float], list[float]]:
    """One replication: its metrics and its war severities (share of capability destroyed)."""
    _, run_seq = split(seq)
    model = Model(charter, world, rng=np.random.default_rng(run_seq), behaviour=behaviour,
                  settings=settings)
    alliances = pacts_by_year(model) or model.world.alliances.copy()
    for _ in range(int(years)):
        model.step()
    sev = [float(e.destroyed_share) for e in model.events if e.war]
    return run_metrics(model, alliances), sev


def backtest(start: int, years: int, *, charters: Sequence[str] | str | None = None,
             replications: int = 10, data_dir: str | Path | None = None, seed: int = 0,
             behaviour: Behaviour | dict[str, Any] | None = None,
             settings: ModelSettings | dict[str, Any] | None = None,
             progress: Progress | None = None) -> BacktestResult:
    """Run the model from the world of ``start`` for ``years`` and score it against the record.

    ``charters`` default to the era's architecture (:func:`era_charter`). Returns a
    :class:`BacktestResult` (``to_dict()`` is the JSON of ``foedus backtest``).
    """
    if isinstance(charters, str):
        charters = [c for c in charters.split(",") if c]
    names = list(charters) if charters else [era_charter(int(start))]
    if not charters:
        settings = era_settings(names[0], int(start), settings)
    world = world_for_year(int(start), data_dir=data_dir)
    record = record_metrics(int(start), int(years), data_dir=data_dir)
    runs: dict[str, list[dict[str, float]]] = {c: [] for c in names}
    sev: dict[str, list[float]] = {c: [] for c in names}
    total, done = len(names) * int(replications), 0
    for r in range(int(replications)):
        seq = np.random.SeedSequence(int(seed), spawn_key=(0, r))
        for c in names:
            m, s = one_run(world, c, years, seq, behaviour=behaviour, settings=settings)
            runs[c].append(m)
            sev[c].extend(s)
            done += 1
            if progress is not None:
                progress(done, total)
    return BacktestResult(start=int(start), years=int(years), charters=names,
                          replications=int(replications), record=record, runs=runs, severities=sev)


def backtest_eras(eras: dict[str, tuple[int, int]] | None = None, *, replications: int = 10,
                  data_dir: str | Path | None = None, seed: int = 0,
                  behaviour: Behaviour | dict[str, Any] | None = None,
                  settings: ModelSettings | dict[str, Any] | None = None,
                  progress: Progress | None = None) -> dict[str, BacktestResult]:
    """:func:`backtest` of every era of ``eras`` (default :data:`ERAS`) under its architecture."""
    eras = eras or ERAS
    out: dict[str, BacktestResult] = {}
    total = len(eras) * int(replications)
    for k, (name, (start, years)) in enumerate(eras.items()):
        def bar(done: int, _n: int, k: int = k) -> None:
            if progress is not None:
                progress(k * int(replications) + done, total)
        out[name] = backtest(start, years, replications=replications, data_dir=data_dir, seed=seed,
                             behaviour=behaviour, settings=settings, progress=bar)
    return out


__all__ = ["ERAS", "BacktestResult", "Progress", "backtest", "backtest_eras", "era_charter",
           "era_settings", "one_run", "pacts_by_year", "reliability", "run_metrics"]
