"""Hindcast: the model's yearly probabilities of dispute and war per directed dyad, scored
against the record next to a "dangerous dyads" logit (Bremer 1992).

For each year the model is set on the real world of that year under the era's architecture
(:func:`foedus.validation.backtest.era_charter`). For every directed pair it can consider (the
forecast's politically relevant pairs) the aggressor's margin ``m = EU - threshold`` with and
without the institution gives

    p = (1 - doubt) Phi(m_with / s) + doubt Phi(m_without / s),   s = eu_noise sqrt(1.25)

(the yearly resolve shock plus half of it per pair; a share ``doubt`` discounts the
institution). A state attacks at most one target a year (:func:`one_target`): ``p_mid`` is the
chance it attacks at all, ``1 - prod(1 - p)`` over its pairs, shared among them in proportion to
``p``; ``p_war = p_mid x P(escalation)`` (:func:`escalation_probability`). Pairs of
the universe the model cannot consider get 0. The universe is the politically relevant
directed dyads of Lemke & Reed (2001): contiguous (COW direct contiguity, any type) or
involving a major power.

The record: a directed dyad ``(a, b)`` has a MID onset in year ``y`` when a dispute that began
in ``y`` has ``a`` on side A and ``b`` on side B (MIDB 4.3); a war onset when ``a`` initiated
a war that year on the initiator's side against ``b`` (COW inter-state war participants: every state
on the side of the initiator against every state on the other side, in the later of their two
entry years).

The baseline is a logistic regression on land contiguity, any contiguity, log capability
ratio, a defence pact, each side's major-power status and log distance (the "dangerous dyads"
of Bremer 1992, without regime and development, which the data do not hold), fitted on the
training years and scored, like the model, on the held-out years only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..data import conflict_onsets, dataset, world_for_year
from ..engine import Behaviour, Model, ModelSettings
from ..world import DEFENCE, World
from .backtest import era_charter, era_settings
from .scores import auc, fit_baseline, score

#: The features of the dangerous-dyads baseline.
FEATURES = ("land", "contiguous", "log_cap_ratio", "defence_pact", "major_a", "major_b", "log_distance")
#: The second baseline: the same logit with the pair's dispute history (``log(1 + h)``,
#: ``World.disputes``), the information the model's rivalry term uses (Goertz & Diehl 1993).
HISTORY_FEATURES = (*FEATURES, "dispute_history")

Progress = Callable[[int, int], None]


def escalation_probability(model: Model, a: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Probability that a dispute ``a -> t`` becomes a war in ``model``: ``escalation``, times
    ``1 - mediation`` where the dispute falls in the scope of an institution with a procedure
    (as in the crisis engine's escalation; Shannon 2009)."""
    from ..engine import scope
    from ..engine.forecast import procedure_steps

    beh = model.behaviour
    p = np.full(a.shape, float(beh.escalation))
    if model.has_institution and procedure_steps(model.charter):
        seized = scope.in_scope(model.forecast.institution, a, t)
        p = np.where(seized, p * (1.0 - float(beh.mediation)), p)
    return np.asarray(p, float)


def one_target(a: np.ndarray, p_pair: np.ndarray) -> np.ndarray:
    """Probabilities of attacking each target when a state attacks at most one a year (its best):
    the chance it attacks at all, ``1 - prod(1 - p)`` over its pairs taken as independent,
    shared among its targets in proportion to each pair's ``p``."""
    p = np.clip(np.asarray(p_pair, float), 0.0, 1.0 - 1e-12)
    n = int(a.max()) + 1 if a.size else 0
    log_none = np.bincount(a, weights=np.log1p(-p), minlength=n)
    total = np.bincount(a, weights=p, minlength=n)
    any_attack = -np.expm1(log_none)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total[a] > 0, p / total[a], 0.0)
    return np.asarray(share * any_attack[a], float)


def model_year(world: World, *, behaviour: Behaviour | dict[str, Any] | None = None,
               settings: ModelSettings | dict[str, Any] | None = None) -> pd.DataFrame:
    """The model's ``p_mid`` and ``p_war`` for every pair it considers in ``world``."""
    year = int(world.year or 0)
    charter = era_charter(year)
    model = Model(charter, world, rng=np.random.default_rng(year), behaviour=behaviour,
                  settings=era_settings(charter, year, settings))
    fc = model.forecast
    sel = fc.active(np.zeros(0, np.int64))
    a, t = fc.pairs.a[sel], fc.pairs.t[sel]
    theta = model.thresholds()[a]
    eu1, eu0 = model.expected_utility(sel)
    s = float(model.config.eu_noise) * np.sqrt(1.25) or 1e-9
    doubt = float(model.config.doubt) if model.has_institution else 0.0
    p_pair = (1 - doubt) * norm.cdf((eu1 - theta) / s) + doubt * norm.cdf((eu0 - theta) / s)
    p_mid = one_target(a, p_pair)
    p_war = p_mid * escalation_probability(model, a, t)
    cc = world.ccodes
    return pd.DataFrame({"year": year, "ccode_a": cc[a], "ccode_b": cc[t], "p_mid": p_mid,
                         "p_war": p_war})


def dyads(world: World) -> pd.DataFrame:
    """The politically relevant directed dyads of ``world`` with the baseline's features."""
    n = world.n
    i, j = np.nonzero(~np.eye(n, dtype=bool))
    cont = np.asarray(world.contiguity, bool)
    keep = cont[i, j] | world.major[i] | world.major[j]
    i, j = i[keep], j[keep]
    cap = np.maximum(world.capability, 1e-9)
    conttype = _conttype(world)
    return pd.DataFrame({
        "year": int(world.year or 0), "ccode_a": world.ccodes[i], "ccode_b": world.ccodes[j],
        "land": (conttype[i, j] == 1).astype(float), "contiguous": cont[i, j].astype(float),
        "log_cap_ratio": np.abs(np.log(cap[i] / cap[j])),
        "defence_pact": ((world.alliances[i, j] & DEFENCE) > 0).astype(float),
        "major_a": world.major[i].astype(float), "major_b": world.major[j].astype(float),
        "log_distance": np.log1p(world.distance[i, j]),
        "dispute_history": np.log1p(world.disputes[i, j])})


def _conttype(world: World) -> np.ndarray:
    """The COW contiguity type per pair (0 none) from the world's metadata."""
    idx = {c: k for k, c in enumerate(world.codes)}
    out = np.zeros((world.n, world.n), np.int64)
    for x, y, kind in world.meta.get("conttype", []):
        out[idx[x], idx[y]] = out[idx[y], idx[x]] = int(kind)
    return out


@lru_cache(maxsize=2)
def _onsets(root: str) -> tuple[frozenset[tuple[int, int, int]], frozenset[tuple[int, int, int]]]:
    """(year, a, b) of directed MID onsets and directed war initiations in the record (one
    definition: :func:`foedus.data.conflict_onsets`)."""
    return conflict_onsets(root)


def _label(df: pd.DataFrame, onsets: frozenset[tuple[int, int, int]]) -> np.ndarray:
    keys = zip(df["year"].to_numpy(), df["ccode_a"].to_numpy(), df["ccode_b"].to_numpy(), strict=True)
    return np.array([(int(y), int(a), int(b)) in onsets for y, a, b in keys], bool)


@lru_cache(maxsize=256)
def _labelled_year(year: int, data_dir: str | None) -> tuple[World, pd.DataFrame]:
    """The world of ``year`` and its dyads labelled with the record's MID onsets (cached: the
    calibration scores the same years for every trial)."""
    w = world_for_year(year, data_dir=data_dir)
    d = dyads(w)
    d["mid"] = _label(d, _onsets(str(dataset(data_dir).root))[0])
    return w, d


def mid_auc(years: Sequence[int], *, data_dir: str | Path | None = None,
            behaviour: Behaviour | dict[str, Any] | None = None,
            settings: ModelSettings | dict[str, Any] | None = None) -> float:
    """ROC AUC of the model's ``p_mid`` for the record's MID onsets over ``years`` (the
    hindcast's score, without the baseline; the calibration's ranking term)."""
    frames = []
    for y in years:
        w, d = _labelled_year(int(y), None if data_dir is None else str(data_dir))
        m = model_year(w, behaviour=behaviour, settings=settings)
        frames.append(d.merge(m, on=["year", "ccode_a", "ccode_b"], how="left"))
    if not frames:
        return math.nan
    f = pd.concat(frames, ignore_index=True)
    return auc(f["mid"].to_numpy(), f["p_mid"].fillna(0.0).to_numpy(float))


@dataclass
class Hindcast:
    """Per year and directed dyad: model, baseline and record; scores on held-out years."""

    frame: pd.DataFrame
    train_to: int
    scores: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON summary (the frame itself goes to parquet)."""
        f = self.frame
        return {"from": int(f["year"].min()), "to": int(f["year"].max()), "train_to": self.train_to,
                "dyad_years": len(f), "mid_onsets": int(f["mid"].sum()), "war_onsets": int(f["war"].sum()),
                "scores": self.scores}


def hindcast(start: int, end: int, *, data_dir: str | Path | None = None, train_to: int | None = None,
             behaviour: Behaviour | dict[str, Any] | None = None,
             settings: ModelSettings | dict[str, Any] | None = None,
             progress: Progress | None = None) -> Hindcast:
    """The hindcast of ``start`` .. ``end``: model and baseline probabilities per directed dyad.

    The baseline is fitted on the years up to ``train_to`` (default: the middle of the span);
    model and baseline are scored (ROC AUC, Brier) on the later years only. A second baseline
    (``hist_mid``, ``hist_war``; scores ``history_*``) adds the pair's dispute history to the
    dangerous-dyads features, the information the model's rivalry term has.
    """
    root = str(dataset(data_dir).root)
    years = list(range(int(start), int(end) + 1))
    split_year = int(train_to) if train_to is not None else years[len(years) // 2 - 1]
    frames = []
    for k, y in enumerate(years):
        w = world_for_year(y, data_dir=data_dir)
        d = dyads(w).merge(model_year(w, behaviour=behaviour, settings=settings),
                           on=["year", "ccode_a", "ccode_b"], how="left")
        frames.append(d)
        if progress is not None:
            progress(k + 1, len(years))
    f = pd.concat(frames, ignore_index=True)
    f[["p_mid", "p_war"]] = f[["p_mid", "p_war"]].fillna(0.0)
    mids, wars = _onsets(root)
    f["mid"], f["war"] = _label(f, mids), _label(f, wars)
    f["test"] = f["year"] > split_year
    f = fit_baseline(fit_baseline(f, FEATURES), HISTORY_FEATURES, prefix="hist")
    return Hindcast(frame=f, train_to=split_year, scores=score(f))


__all__ = ["FEATURES", "HISTORY_FEATURES", "Hindcast", "dyads", "escalation_probability", "hindcast", "mid_auc",
           "model_year", "one_target"]
