"""Scores of a hindcast: the dangerous-dyads baseline, ROC AUC, Brier score, calibration bins."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd


def fit_baseline(f: pd.DataFrame, features: Sequence[str], prefix: str = "base") -> pd.DataFrame:
    """Fit a logit of MID and of war onset on ``features`` over the training rows (``test``
    false) and add ``{prefix}_mid``, ``{prefix}_war`` for every row."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    f = f.copy()
    x = f[list(features)].to_numpy(float)
    train = ~f["test"].to_numpy()
    for outcome in ("mid", "war"):
        y = f[outcome].to_numpy()
        col = f"{prefix}_{outcome}"
        if train.sum() == 0 or len(set(y[train].tolist())) < 2:
            f[col] = float(y[train].mean()) if train.any() else math.nan
            continue
        clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        clf.fit(x[train], y[train])
        f[col] = clf.predict_proba(x)[:, 1]
    return f


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC (NaN with one class only)."""
    from sklearn.metrics import roc_auc_score

    if len(set(np.asarray(y).tolist())) < 2:
        return math.nan
    return float(roc_auc_score(y, p))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    """Mean squared error of the probabilities."""
    return float(np.mean((np.asarray(p, float) - np.asarray(y, float)) ** 2)) if len(y) else math.nan


def score(f: pd.DataFrame) -> dict[str, dict[str, float]]:
    """AUC and Brier of the model and the baselines, on the held-out (``test``) rows."""
    t = f[f["test"]]
    out: dict[str, dict[str, float]] = {}
    for outcome in ("mid", "war"):
        y = t[outcome].to_numpy()
        whos = [("model", f"p_{outcome}"), ("baseline", f"base_{outcome}")]
        if f"hist_{outcome}" in t:  # the baseline with the dispute history (hindcast)
            whos.append(("history", f"hist_{outcome}"))
        for who, col in whos:
            p = t[col].to_numpy(float)
            out[f"{who}_{outcome}"] = {"auc": auc(y, p), "brier": brier(y, p),
                                       "mean_p": float(p.mean()) if len(p) else math.nan,
                                       "rate": float(y.mean()) if len(y) else math.nan}
    return out


def calibration_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted and observed frequency per quantile bin of ``p``."""
    d = pd.DataFrame({"y": np.asarray(y, float), "p": np.asarray(p, float)})
    d["bin"] = pd.qcut(d["p"].rank(method="first"), bins, labels=False)
    return d.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"), n=("y", "size")).reset_index()


__all__ = ["auc", "brier", "calibration_bins", "fit_baseline", "score"]
