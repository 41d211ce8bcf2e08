"""The backtest and hindcast reports in the report stack: the validation package computes and
writes its files (JSON, PNG figures; :func:`foedus.validation.write_backtest_report`,
:func:`foedus.validation.write_hindcast_report`), and these functions render the HTML page from
the Jinja2 template ``templates/validation.html.j2`` with interactive Plotly figures that work
offline (:mod:`foedus.report.figures`), the PNGs linked beside them for papers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..validation import (
    BacktestResult,
    Hindcast,
    backtest_table,
    calibration_bins,
    write_backtest_report,
    write_hindcast_report,
)
from ..validation.record import RECORD_METRICS, record_war_severities
from ..validation.report import mid_series
from .figures import Panel, dot_whisker, lines, to_div, write_plotly_js
from .render import render


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def _era_figure(results: dict[str, BacktestResult]) -> str:
    """Model (mean and 95% interval) against the record, one panel per metric, one row per era."""
    panels = []
    for metric in RECORD_METRICS:
        labels, mean, low, high = [], [], [], []
        for era, r in results.items():
            s = r.model()[metric]
            labels.append(f"{era} model")
            mean.append(s["mean"])
            low.append(s["ci_low"])
            high.append(s["ci_high"])
            rec = r.record.get(metric)
            labels.append(f"{era} record")
            v = math.nan if rec is None else float(rec)
            mean.append(v)
            low.append(v)
            high.append(v)
        panels.append(Panel(metric, labels, mean, low, high))
    fig = dot_whisker(panels, "Model (mean and 95% interval) against the record, by era")
    return to_div(fig, "fig-eras")


def _severity_figure(results: dict[str, BacktestResult], data_dir: str | Path | None) -> str:
    traces = []
    for era, r in results.items():
        for who, vals in (("model", np.asarray(r.severities.get(r.charters[0], []), float)),
                          ("record", record_war_severities(r.start, r.start + r.years - 1,
                                                           data_dir=data_dir))):
            v = np.sort(vals[np.isfinite(vals) & (vals > 0)])
            if v.size:
                traces.append({"x": v, "y": (v.size - np.arange(v.size)) / v.size,
                               "name": f"{era} {who}", "mode": "markers"})
    fig = lines(traces, "Severity per war, CCDF (model: capability destroyed; record: COW battle "
                "deaths)", "severity", "P(X ≥ x)", log=True)
    return to_div(fig, "fig-severity")


def backtest_report(results: dict[str, BacktestResult] | BacktestResult, out: str | Path, *,
                    data_dir: str | Path | None = None) -> Path:
    """Write ``backtest.json``, the PNG figures and ``report.html`` (interactive figures,
    offline) into ``out``; returns the HTML path."""
    if isinstance(results, BacktestResult):
        results = {f"{results.start}+{results.years}": results}
    path = write_backtest_report(results, out, data_dir=data_dir)
    rows = [{**r, "model": _fmt(r["model"]), "ci": f"{_fmt(r['ci_low'])} – {_fmt(r['ci_high'])}",
             "record": _fmt(r["record"])} for r in backtest_table(results)]
    page = render("validation.html.j2", title="foedus backtest: model against the record",
                  intro="Model runs from the real world of each era's first year "
                        "(docs/validation.md).",
                  columns=["era", "charter", "metric", "model", "ci", "record"],
                  headers=["era", "charter", "metric", "model", "95% CI", "record"], rows=rows,
                  figures=[_era_figure(results), _severity_figure(results, data_dir)],
                  pngs=[f"{m}.png" for m in RECORD_METRICS] + ["severity_ccdf.png"],
                  plotly_src=write_plotly_js(Path(out)))
    path.write_text(page, encoding="utf-8")
    return path


def _hindcast_figures(h: Hindcast) -> list[str]:
    from sklearn.metrics import roc_curve

    t = h.frame[h.frame["test"]]
    roc, cal = [], []
    for who, col in mid_series(t):
        y, p = t["mid"].to_numpy(), t[col].to_numpy(float)
        if len(set(y.tolist())) == 2:
            fpr, tpr, _ = roc_curve(y, p)
            roc.append({"x": fpr, "y": tpr, "name": who, "mode": "lines"})
            cb = calibration_bins(y, p)
            cal.append({"x": cb["predicted"].clip(lower=1e-5), "y": cb["observed"].clip(lower=1e-5),
                        "name": who})
    roc.append({"x": [0, 1], "y": [0, 1], "name": "chance", "mode": "lines", "dash": "dot"})
    cal.append({"x": [1e-5, 1], "y": [1e-5, 1], "name": "perfect", "mode": "lines", "dash": "dot"})
    return [to_div(lines(roc, "ROC, MID onset, held-out years", "false positive rate",
                         "true positive rate"), "fig-roc"),
            to_div(lines(cal, "Calibration (deciles), MID onset", "predicted", "observed",
                         log=True), "fig-calibration")]


def hindcast_report(h: Hindcast, out: str | Path) -> Path:
    """Write ``hindcast.png`` and ``hindcast.html`` (interactive ROC and calibration, offline)
    into the folder ``out``; returns the HTML path."""
    path = write_hindcast_report(h, out)
    d = h.to_dict()
    rows = [{"score": k, **{c: _fmt(v.get(c)) for c in ("auc", "brier", "mean_p", "rate")}}
            for k, v in d["scores"].items()]
    page = render("validation.html.j2", title="foedus hindcast",
                  intro=f"{d['from']}–{d['to']}, baseline trained on years up to {d['train_to']}, "
                        f"all scores on the later years; {d['dyad_years']} directed dyad-years, "
                        f"{d['mid_onsets']} MID onsets, {d['war_onsets']} war onsets.",
                  columns=["score", "auc", "brier", "mean_p", "rate"],
                  headers=["", "AUC", "Brier", "mean p", "rate"], rows=rows,
                  figures=_hindcast_figures(h), pngs=["hindcast.png"], plotly_src=write_plotly_js(Path(out)))
    path.write_text(page, encoding="utf-8")
    return path


__all__ = ["backtest_report", "hindcast_report"]
