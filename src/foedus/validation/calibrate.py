"""Calibration: fit the model's free parameters to the record with Optuna's TPE sampler.

The loss of a parameter set over periods (each run from the real world of its first year under
the era's architecture, :func:`foedus.validation.backtest`) is the sum over periods of

- ``4 log((model + e) / (record + e))^2`` for war onsets (``e`` 0.05), MID onsets (0.5) and
  violent state deaths (0.05) per 100 state-years: a factor of 2 costs 1.9;
- ``((reliability - published) / 0.2)^2``: alliance reliability against the published rate of
  the era, 74.5% before 1945 (Leeds, Long & Mitchell 2000) and 22% after (Berkemeier &
  Fuhrmann 2018), where the model had wars with allied targets;
- ``((slope - (-0.41)) / 0.3)^2``: the severity tail (Cederman 2003), where defined;
- ``((1 - auc) / 0.2)^2``: how well the model ranks the dyads that start a MID, the ROC AUC
  of its one-year probability (the hindcast's ``p_mid``, :func:`foedus.validation.mid_auc`)
  on every fifth year of the period (issue 12: the rates alone say nothing of *which* pairs
  fight). An AUC of 0.6 costs 4, 0.8 costs 1.

The rates carry the most weight: a first fit with reliability and slope scaled by their target
tolerances (0.1, 0.15) traded tenfold too many wars for a better reliability.

Periods in and out of sample are scored alike and reported separately; only the in-sample loss
is minimised (Bergstra et al. 2011 on TPE; Akiba et al. 2019 on Optuna). The crisis cap is
held non-binding during the fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import FoedusError
from .backtest import Progress, backtest
from .hindcast import mid_auc

#: Free parameters and their ranges: ``behaviour.<field>`` or ``run.<field>``.
SPACE: dict[str, tuple[float, float]] = {
    "run.attack_threshold": (0.02, 1.0),
    "run.eu_noise": (0.01, 0.3),
    "behaviour.escalation": (0.03, 1.0),
    "behaviour.alliance_weight": (0.0, 1.0),
    "behaviour.conquest_probability": (0.02, 0.6),
    "behaviour.mediation": (0.0, 0.95),
    "behaviour.war_persistence": (0.0, 0.95),
    "behaviour.war_spread": (0.0, 0.5),
    "behaviour.alliance_dilution": (0.0, 2.0),
    "behaviour.territorial_stake": (0.0, 2.0),
    "behaviour.rivalry": (0.0, 2.0),
    "behaviour.conquest_norm": (0.0, 1.0),
    "behaviour.viability_floor": (0.3, 0.95),
    "behaviour.war_loss": (0.01, 0.3),
    "behaviour.restraint": (0.0, 4.0),
}

#: Settings held fixed during calibration (the cap must not shape the fit).
FIXED: dict[str, Any] = {"run.max_crises": 1000}

#: Published alliance reliability: before 1945 (Leeds, Long & Mitchell 2000), after
#: (Berkemeier & Fuhrmann 2018).
PUBLISHED_RELIABILITY = {"before-1945": 0.745, "after-1945": 0.22}

#: Severity tail slope of COW battle deaths (Cederman 2003).
TAIL_SLOPE = -0.41

#: Weight of the squared log ratio of each rate.
RATE_WEIGHT = 4.0

#: Scale of the ranking term ``((1 - auc) / AUC_SCALE)^2``, and the step between the years it
#: scores.
AUC_SCALE, AUC_STEP = 0.2, 5

_EPS = {"war_onsets_per_100": 0.05, "mid_onsets_per_100": 0.5, "violent_state_deaths_per_100": 0.05}


def parse_periods(text: str) -> list[tuple[int, int]]:
    """``"1870:45,1946:44"`` -> ``[(1870, 45), (1946, 44)]``."""
    out = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            a, b = part.split(":")
            out.append((int(a), int(b)))
        except ValueError as exc:
            raise FoedusError(f"a period is START:YEARS, got {part!r}") from exc
    return out


def subspace(names: Sequence[str]) -> dict[str, tuple[float, float]]:
    """The part of :data:`SPACE` named by ``names`` (the parameters a partial fit frees)."""
    unknown = [n for n in names if n not in SPACE]
    if unknown or not names:
        raise FoedusError(f"--params: unknown free parameter(s) {', '.join(unknown) or '(none)'}; "
                          f"choose among {', '.join(SPACE)}")
    return {n: SPACE[n] for n in names}


def published_reliability(start: int) -> float:
    """The published alliance reliability of the era that ``start`` opens."""
    return PUBLISHED_RELIABILITY["before-1945" if start < 1945 else "after-1945"]


def split_params(params: dict[str, float]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``{"run.x": 1, "behaviour.y": 2}`` -> (behaviour dict, settings dict), with :data:`FIXED`."""
    beh: dict[str, Any] = {}
    run: dict[str, Any] = {}
    for k, v in {**FIXED, **params}.items():
        group, name = k.split(".", 1)
        (beh if group == "behaviour" else run)[name] = v
    return beh, run


#: The terms of :func:`period_loss`, in the order they are summed.
TERMS = ("war_onsets", "mid_onsets", "violent_state_deaths", "reliability", "tail_slope", "auc")


def period_terms(model: dict[str, float], record: dict[str, Any], start: int) -> dict[str, float]:
    """The terms of the loss of one period (see the module), by name (:data:`TERMS`); a term
    whose model or record value is undefined counts 0, as in the loss."""
    terms = dict.fromkeys(TERMS, 0.0)
    for m, e in _EPS.items():
        mv, rv = model.get(m, math.nan), record.get(m)
        if rv is None or not math.isfinite(mv):
            continue
        terms[m.removesuffix("_per_100")] = RATE_WEIGHT * math.log((mv + e) / (float(rv) + e)) ** 2
    rel = model.get("alliance_reliability", math.nan)
    if math.isfinite(rel):
        terms["reliability"] = ((rel - published_reliability(start)) / 0.2) ** 2
    slope = model.get("severity_tail_slope", math.nan)
    if math.isfinite(slope):
        terms["tail_slope"] = ((slope - TAIL_SLOPE) / 0.3) ** 2
    a = model.get("mid_auc", math.nan)
    if math.isfinite(a):
        terms["auc"] = ((1.0 - a) / AUC_SCALE) ** 2
    return terms


def period_loss(model: dict[str, float], record: dict[str, Any], start: int) -> float:
    """The loss of one period (see the module): the sum of :func:`period_terms`."""
    loss = 0.0
    for v in period_terms(model, record, start).values():
        loss += v
    return loss


def evaluate(params: dict[str, float], periods: Sequence[tuple[int, int]], *, replications: int = 3,
             seed: int = 0, data_dir: str | Path | None = None) -> dict[str, Any]:
    """The loss and the per-period model means and record of ``params`` over ``periods``."""
    beh, run = split_params(params)
    rows, total = [], 0.0
    for start, years in periods:
        res = backtest(start, years, replications=replications, seed=seed, data_dir=data_dir,
                       behaviour=beh, settings=run)
        means = {m: s["mean"] for m, s in res.model().items()}
        means["mid_auc"] = mid_auc(range(start, start + years, AUC_STEP), data_dir=data_dir,
                                   behaviour=beh, settings=run)
        loss = period_loss(means, res.record, start)
        total += loss
        rows.append({"start": start, "years": years, "charter": res.charters[0], "loss": loss,
                     "model": means, "record": {k: v for k, v in res.record.items() if k != "state_years"}})
    return {"loss": total, "periods": rows}


@dataclass
class Calibration:
    """The best parameters, their fit in and out of sample, and every trial."""

    best: dict[str, float]
    in_sample: dict[str, Any]
    out_of_sample: dict[str, Any]
    trials: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (NaN as None)."""
        from .backtest import _clean

        return _clean({"best": self.best, "fixed": FIXED, "settings": self.settings,
                       "in_sample": self.in_sample, "out_of_sample": self.out_of_sample,
                       "trials": self.trials})


#: Bounds on the sizes a user controls (checked before any work).
MAX_TRIALS, MAX_REPLICATIONS = 5000, 100


def _study(seed: int, journal: str | Path | None) -> Any:
    """A seeded TPE study, kept in an Optuna journal file when ``journal`` is given (so that a
    killed calibration resumes where it stopped: the finished trials are read back)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=int(seed))
    if journal is None:
        return optuna.create_study(direction="minimize", sampler=sampler)
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    storage = JournalStorage(JournalFileBackend(str(journal)))
    return optuna.create_study(direction="minimize", sampler=sampler, storage=storage,
                               study_name="foedus-calibration", load_if_exists=True)


def _defaults(space: dict[str, tuple[float, float]]) -> dict[str, float]:
    """The current defaults of the free parameters, clipped into ``space`` (the first trial, so
    that a calibration never reports worse than the defaults)."""
    from ..engine.behaviour import Behaviour
    from ..engine.settings import ModelSettings

    groups = {"behaviour": Behaviour.parameters(), "run": ModelSettings.parameters()}
    out = {}
    for k, (lo, hi) in space.items():
        group, name = k.split(".", 1)
        out[k] = min(hi, max(lo, float(groups[group][name])))
    return out


def calibrate(periods: Sequence[tuple[int, int]], holdout: Sequence[tuple[int, int]] = (), *,
              trials: int = 30, replications: int = 3, seed: int = 0,
              space: dict[str, tuple[float, float]] | None = None,
              data_dir: str | Path | None = None, progress: Progress | None = None,
              journal: str | Path | None = None) -> Calibration:
    """Minimise the loss over ``periods`` with Optuna's seeded TPE sampler; score ``holdout``.

    The first trial is the current defaults. With ``journal`` (a file) the trials are kept as
    they finish and a second call with the same file resumes: it runs only the trials still
    missing up to ``trials``."""
    if not 1 <= int(trials) <= MAX_TRIALS:
        raise FoedusError(f"trials must be 1..{MAX_TRIALS}, got {trials}")
    if not 1 <= int(replications) <= MAX_REPLICATIONS:
        raise FoedusError(f"replications must be 1..{MAX_REPLICATIONS}, got {replications}")
    space = space or SPACE
    study = _study(seed, journal)
    if not study.trials:
        study.enqueue_trial(_defaults(space))

    def objective(trial: Any) -> float:
        params = {k: trial.suggest_float(k, lo, hi) for k, (lo, hi) in space.items()}
        loss = float(evaluate(params, periods, replications=replications, seed=seed,
                              data_dir=data_dir)["loss"])
        if progress is not None:
            progress(len(study.trials), int(trials))
        return loss if math.isfinite(loss) else 1e9

    done = sum(t.state.name == "COMPLETE" for t in study.trials)
    if done < int(trials):
        study.optimize(objective, n_trials=int(trials) - done)
    log = [{"trial": t.number, "loss": t.value, **t.params} for t in study.trials
           if t.state.name == "COMPLETE"]
    best = {k: float(v) for k, v in study.best_params.items()}
    ins = evaluate(best, periods, replications=replications, seed=seed, data_dir=data_dir)
    out = evaluate(best, holdout, replications=replications, seed=seed, data_dir=data_dir) \
        if holdout else {"loss": math.nan, "periods": []}
    return Calibration(best=best, in_sample=ins, out_of_sample=out, trials=log,
                       settings={"periods": list(periods), "holdout": list(holdout), "trials": trials,
                                 "replications": replications, "seed": seed, "sampler": "optuna TPE",
                                 "space": {k: list(v) for k, v in space.items()}})


__all__ = ["AUC_SCALE", "AUC_STEP", "FIXED", "MAX_REPLICATIONS", "MAX_TRIALS", "PUBLISHED_RELIABILITY",
           "RATE_WEIGHT", "SPACE",
           "TAIL_SLOPE", "TERMS", "Calibration", "calibrate", "evaluate", "parse_periods", "period_loss",
           "period_terms",
           "published_reliability", "split_params", "subspace"]
