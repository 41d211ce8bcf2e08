"""HTML reports of a backtest (model against record by era) and of a hindcast (ROC, calibration)."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from .backtest import BacktestResult
from .hindcast import Hindcast
from .record import RECORD_METRICS, record_war_severities
from .scores import calibration_bins

_STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}img{max-width:100%}")


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v:.3g}" if isinstance(v, float) else html.escape(str(v))


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")


def backtest_table(results: dict[str, BacktestResult]) -> list[dict[str, Any]]:
    """One row per era and metric: the model's mean and 95% interval against the record."""
    rows = []
    for era, r in results.items():
        model = r.model()
        for m in RECORD_METRICS:
            s = model[m]
            rows.append({"era": era, "charter": r.charters[0], "metric": m, "model": s["mean"],
                         "ci_low": s["ci_low"], "ci_high": s["ci_high"], "record": r.record.get(m)})
    return rows


def _era_plot(results: dict[str, BacktestResult], metric: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    eras = list(results)
    x = np.arange(len(eras))
    summ = [results[e].model()[metric] for e in eras]
    mean = np.array([s["mean"] for s in summ], float)
    lo = np.array([s["ci_low"] for s in summ], float)
    hi = np.array([s["ci_high"] for s in summ], float)
    rec = np.array([np.nan if results[e].record.get(metric) is None else results[e].record[metric]
                    for e in eras], float)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.errorbar(x - 0.08, mean, yerr=[np.nan_to_num(mean - lo), np.nan_to_num(hi - mean)], fmt="o",
                label="model (95% CI)")
    ax.plot(x + 0.08, rec, "s", color="black", label="record")
    ax.set_xticks(x, eras)
    ax.set_title(metric)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _ccdf_plot(results: dict[str, BacktestResult], path: Path, data_dir: str | Path | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for era, r in results.items():
        for ax, vals in ((axes[0], np.asarray(r.severities[r.charters[0]], float)),
                         (axes[1], record_war_severities(r.start, r.start + r.years - 1, data_dir=data_dir))):
            v = np.sort(vals[np.isfinite(vals) & (vals > 0)])
            if v.size:
                ax.loglog(v, (v.size - np.arange(v.size)) / v.size, ".", ms=3, label=era)
    axes[0].set_title("model: capability destroyed per war (CCDF)")
    axes[1].set_title("record: COW battle deaths per war (CCDF)")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_backtest_report(results: dict[str, BacktestResult] | BacktestResult, out: str | Path, *,
                          data_dir: str | Path | None = None) -> Path:
    """Write ``report.html``, ``backtest.json`` and one PNG per metric into ``out``."""
    if isinstance(results, BacktestResult):
        results = {f"{results.start}+{results.years}": results}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = backtest_table(results)
    (out / "backtest.json").write_text(json.dumps({k: r.to_dict() for k, r in results.items()}, indent=2))
    imgs = []
    for m in RECORD_METRICS:
        _era_plot(results, m, out / f"{m}.png")
        imgs.append(f"<img src='{m}.png' alt='{m}'>")
    _ccdf_plot(results, out / "severity_ccdf.png", data_dir)
    head = "".join(f"<th>{h}</th>" for h in ("era", "charter", "metric", "model", "95% CI", "record"))
    body = "".join(
        f"<tr><td>{r['era']}</td><td>{r['charter']}</td><td>{r['metric']}</td><td>{_fmt(r['model'])}</td>"
        f"<td>{_fmt(r['ci_low'])} – {_fmt(r['ci_high'])}</td><td>{_fmt(r['record'])}</td></tr>" for r in rows)
    text = (f"<p>Model runs from the real world of each era's first year (docs/validation.md).</p>"
            f"<table><tr>{head}</tr>{body}</table><h2>By era</h2>{''.join(imgs)}"
            f"<h2>Severity</h2><img src='severity_ccdf.png'>")
    path = out / "report.html"
    path.write_text(_page("foedus backtest: model against the record", text), encoding="utf-8")
    return path


#: The hindcast's MID probabilities plotted against the record: label and column.
MID_SERIES = (("model", "p_mid"), ("baseline", "base_mid"), ("baseline + history", "hist_mid"))


def mid_series(frame: Any) -> list[tuple[str, str]]:
    """The :data:`MID_SERIES` that ``frame`` has (a hindcast frame; ``hist_mid`` since the
    second baseline)."""
    return [(who, col) for who, col in MID_SERIES if col in frame]


def _hindcast_plots(h: Hindcast, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve

    t = h.frame[h.frame["test"]]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    for who, col in mid_series(t):
        y, p = t["mid"].to_numpy(), t[col].to_numpy(float)
        if len(set(y.tolist())) == 2:
            fpr, tpr, _ = roc_curve(y, p)
            axes[0].plot(fpr, tpr, label=who)
        cb = calibration_bins(y, p)
        axes[1].loglog(cb["predicted"].clip(lower=1e-5), cb["observed"].clip(lower=1e-5), "o-", label=who)
    axes[0].plot([0, 1], [0, 1], ":", color="grey")
    axes[0].set_title("ROC, MID onset, held-out years")
    axes[1].plot([1e-5, 1], [1e-5, 1], ":", color="grey")
    axes[1].set_title("calibration (deciles), MID onset")
    axes[1].set_xlabel("predicted")
    axes[1].set_ylabel("observed")
    for ax in axes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "hindcast.png", dpi=90)
    plt.close(fig)


def write_hindcast_report(h: Hindcast, out: str | Path) -> Path:
    """Write ``hindcast.html`` and ``hindcast.png`` next to each other in the folder ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _hindcast_plots(h, out)
    d = h.to_dict()
    cols = ("auc", "brier", "mean_p", "rate")
    rows = "".join(f"<tr><td>{k}</td>" + "".join(f"<td>{_fmt(v.get(c))}</td>" for c in cols) + "</tr>"
                   for k, v in d["scores"].items())
    text = (f"<p>{d['from']}–{d['to']}, baseline trained on years up to {d['train_to']}, all scores on the "
            f"later years; {d['dyad_years']} directed dyad-years, {d['mid_onsets']} MID onsets, "
            f"{d['war_onsets']} war onsets.</p><table><tr><th></th><th>AUC</th><th>Brier</th>"
            f"<th>mean p</th><th>rate</th></tr>{rows}</table><img src='hindcast.png'>")
    path = out / "hindcast.html"
    path.write_text(_page("foedus hindcast", text), encoding="utf-8")
    return path


__all__ = ["MID_SERIES", "backtest_table", "mid_series", "write_backtest_report", "write_hindcast_report"]
