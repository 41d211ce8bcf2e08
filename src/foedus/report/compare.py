"""The report of a comparison: tidy CSV files, PNG plots and one self-contained HTML page.

:func:`write_report` writes into a folder:

- ``report.html`` — the page a researcher would put next to a paper draft, rendered from the
  Jinja2 template ``templates/compare.html.j2``: a methods paragraph (settings, seed,
  replications, the world's source and datasets, the interval methods), the metrics with 95%
  intervals by each metric's method (:mod:`foedus.experiments.intervals`), paired differences
  from a baseline with a forest plot, error-bar plots of the key metrics by system,
  credibility and aggression over time, the size of coalitions, who benefits (outcomes by
  the size of the state attacked: ``benefit.png``), with the kinds of threat on what the
  institution and third states did per kind (``threats.png``), the behavioural parameters
  with their sources and the charters with their articles (the plots are embedded, so the
  page travels alone);
- ``runs.csv`` (one row per run), ``summary.csv`` (mean, interval, n and method per system and
  metric), ``contrasts.csv`` (with a baseline), ``series.csv`` (the yearly series of every
  run), ``events.csv`` (every crisis), ``provenance.json``;
- the plots as PNG files.

Plots use matplotlib's Agg backend (no display needed).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .._errors import FoedusError
from ..engine.behaviour import Behaviour
from ..engine.metrics import GROUPS, KEY_METRICS, LABELS, METRICS, REGISTRY
from ..experiments.intervals import FEW_RUNS, METHODS, domain_of, intervals, method_for
from ..experiments.provenance import MECHANISMS
from .figures import Panel, bands, dot_whisker, to_div, write_plotly_js
from .render import figure, render


class ComparisonResults(Protocol):
    """What the report reads of a comparison (:class:`foedus.Comparison` has it): the report
    depends on this shape, not on the module that computes it, so dependencies point one way."""

    charters: list[str]
    runs: pd.DataFrame
    table: pd.DataFrame
    series: pd.DataFrame
    events: pd.DataFrame
    settings: dict[str, Any]
    names: dict[str, str]
    provenance: dict[str, Any]

    def contrasts(self, baseline: str, level: float = 0.95) -> pd.DataFrame:
        """Paired differences from ``baseline`` (one row per charter and metric)."""

#: The references of every report: the papers behind the model's mechanisms.
CITATIONS = list(MECHANISMS.values())


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10,
                         "figure.dpi": 110, "savefig.bbox": "tight"})
    return plt


def _fmt(v: float | None, metric: str) -> str:
    if v is None or not math.isfinite(float(v)):
        return "–"
    kind = REGISTRY[metric].kind if metric in REGISTRY else "index"
    return f"{float(v):.2f}" if kind in ("count", "per-100-state-years", "mean-per-crisis") \
        else f"{float(v):.3f}"


# --- plots ------------------------------------------------------------------------------------


def plot_key_metrics(comp: ComparisonResults, path: Path, metrics: tuple[str, ...] = KEY_METRICS) -> Path:
    """Dot-and-whisker plots (mean and 95% interval, each metric by its method) of the key
    metrics by system; a rate's axis stays within [0, 1]."""
    plt = _plt()
    systems = comp.charters
    cols = 2
    rows = math.ceil(len(metrics) / cols)
    height = max(2.6, 0.28 * len(systems) + 1.0)
    fig, axes = plt.subplots(rows, cols, figsize=(12, height * rows), squeeze=False)
    y = np.arange(len(systems))
    for k, metric in enumerate(metrics):
        ax = axes[k // cols][k % cols]
        sub = comp.table[comp.table["metric"] == metric].set_index("charter").reindex(systems)
        mean = sub["mean"].to_numpy(float)
        lo = sub["ci_low"].to_numpy(float)
        hi = sub["ci_high"].to_numpy(float)
        ok = np.isfinite(mean)
        err_lo = np.where(np.isfinite(lo), mean - lo, 0.0)
        err_hi = np.where(np.isfinite(hi), hi - mean, 0.0)
        ax.errorbar(mean[ok], y[ok], xerr=[err_lo[ok], err_hi[ok]], fmt="o", color="#1f4e79",
                    ecolor="#6c8ebf", elinewidth=1.6, capsize=3, markersize=5)
        for i in np.flatnonzero(~ok):
            ax.text(0.01, y[i], "undefined", va="center", fontsize=8, color="#888888",
                    transform=ax.get_yaxis_transform())
        ax.set_yticks(y)
        ax.set_yticklabels(systems if k % cols == 0 else [""] * len(systems))
        ax.invert_yaxis()
        ax.set_title(LABELS.get(metric, metric))
        ax.grid(axis="x", color="#dddddd")
        ax.set_axisbelow(True)
        if metric == "selective_security_gap":
            ax.axvline(0.0, color="#999999", lw=0.8)
        lo_d, hi_d = domain_of(metric)
        if math.isfinite(lo_d) and math.isfinite(hi_d):
            pad = 0.03 * (hi_d - lo_d)
            ax.set_xlim(lo_d - pad, hi_d + pad)
    for k in range(len(metrics), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle("Outcomes by security system: mean and 95% interval (bootstrap; Wilson for "
                 f"rates at 0 or 1) over {comp.settings.get('replications', '?')} replications",
                 y=1.0)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


#: Series column -> the metric whose interval method and domain its yearly band uses.
SERIES_METRIC = {"credibility": "final_credibility", "attempts": "attempts_per_100",
                 "deterred": "deterred_per_100", "arms_racing": "arms_race_intensity",
                 "deterrents": "deterrents_acquired"}


def _yearly(comp: ComparisonResults, column: str, per_state: bool = False) -> pd.DataFrame:
    """Mean over replications per system and year, with a 95% band by the method of the
    metric the series measures (:data:`SERIES_METRIC`): the same method as the tables."""
    s = comp.series
    if s.empty or column not in s.columns:
        return pd.DataFrame(columns=["charter", "year", "mean", "lo", "hi"])
    vals = s[column].astype(float)
    if per_state:
        vals = 100.0 * vals / s["alive"].where(s["alive"] > 0)
    df = s[["charter", "year"]].assign(v=vals)
    groups = list(df.groupby(["charter", "year"], sort=True)["v"])
    metric = SERIES_METRIC.get(column, column)
    ivs = intervals([g.to_numpy(dtype=float) for _, g in groups], method_for(metric),
                    domain_of(metric))
    out = pd.DataFrame({"charter": [k[0] for k, _ in groups], "year": [k[1] for k, _ in groups],
                        "mean": [iv.mean for iv in ivs], "lo": [iv.low for iv in ivs],
                        "hi": [iv.high for iv in ivs]})
    out["lo"] = out["lo"].fillna(out["mean"])
    out["hi"] = out["hi"].fillna(out["mean"])
    return out


def plot_over_time(comp: ComparisonResults, path: Path, columns: dict[str, str], title: str,
                   ylabel: str, per_state: bool = False, smooth: int = 1,
                   limits: tuple[float | None, float | None] = (None, None)) -> Path:
    """Small multiples: one panel per system; per column the yearly mean over replications
    and its 95% band (``columns`` maps a series column to its legend label)."""
    plt = _plt()
    systems = comp.charters
    colours = ["#08519c", "#d95f0e", "#31a354"]
    data = {c: _yearly(comp, c, per_state) for c in columns}
    cols = 5 if len(systems) > 8 else max(1, min(4, len(systems)))
    rows = math.ceil(len(systems) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.2 * rows + 0.4), sharex=True,
                             sharey=True, squeeze=False)
    lo_lim, hi_lim = limits
    for k, sys_id in enumerate(systems):
        ax = axes[k // cols][k % cols]
        drawn = False
        for (col, label), colour in zip(columns.items(), colours, strict=False):
            d = data[col][data[col]["charter"] == sys_id].sort_values("year")
            if d.empty or not np.isfinite(d["mean"].to_numpy(float)).any():
                continue
            m = d["mean"].rolling(smooth, min_periods=1, center=True).mean()
            lo = d["lo"].rolling(smooth, min_periods=1, center=True).mean()
            hi = d["hi"].rolling(smooth, min_periods=1, center=True).mean()
            lo, hi = lo.clip(lower=lo_lim, upper=hi_lim), hi.clip(lower=lo_lim, upper=hi_lim)
            ax.fill_between(d["year"], lo, hi, color=colour, alpha=0.18, lw=0)
            ax.plot(d["year"], m, color=colour, lw=1.6, label=label)
            drawn = True
        if not drawn:
            ax.text(0.5, 0.5, "not defined", ha="center", va="center", color="#888888",
                    transform=ax.transAxes)
        ax.set_title(sys_id, fontsize=9)
        ax.grid(color="#eeeeee")
    for k in range(len(systems), rows * cols):
        axes[k // cols][k % cols].axis("off")
    for r in range(rows):
        axes[r][0].set_ylabel(ylabel)
    for c in range(cols):
        axes[rows - 1][c].set_xlabel("year")
    if lo_lim is not None or hi_lim is not None:
        axes[0][0].set_ylim(bottom=lo_lim, top=hi_lim)
    if len(columns) > 1:
        for ax in axes.ravel():
            if ax.get_legend_handles_labels()[0]:
                ax.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.8)
                break
    fig.suptitle(title, y=1.0)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_coalitions(comp: ComparisonResults, path: Path) -> Path:
    """Coalition size per crisis by system: box plots (crises with a response) and means."""
    plt = _plt()
    systems = comp.charters
    ev = comp.events
    fig, ax = plt.subplots(figsize=(10, max(3.0, 0.32 * len(systems) + 1.2)))
    data = []
    shares = []
    for s in systems:
        d = ev[ev["charter"] == s] if not ev.empty else ev
        sizes = d["coalition_size"].to_numpy(float) if not d.empty else np.zeros(0)
        data.append(sizes[sizes > 0] if sizes.size else sizes)
        shares.append(float((sizes > 0).mean()) if sizes.size else float("nan"))
    y = np.arange(len(systems)) + 1
    nonempty = [i for i, d in enumerate(data) if d.size]
    if nonempty:
        import matplotlib

        major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
        horizontal: dict[str, Any] = ({"orientation": "horizontal"} if (major, minor) >= (3, 10)
                                      else {"vert": False})
        ax.boxplot([data[i] for i in nonempty], positions=[y[i] for i in nonempty], **horizontal,
                   widths=0.6, showfliers=True, patch_artist=True,
                   boxprops={"facecolor": "#c6dbef", "edgecolor": "#08519c"},
                   medianprops={"color": "#08519c"},
                   flierprops={"marker": ".", "markersize": 3, "markeredgecolor": "#6c8ebf"})
    ax.set_yticks(y)
    ax.set_yticklabels([f"{s}  ({_pct(sh)} of crises)" for s, sh in zip(systems, shares,
                                                                         strict=True)])
    ax.set_ylim(0.4, len(systems) + 0.6)
    ax.invert_yaxis()
    ax.set_xlabel("third states fighting for the target (crises with at least one)")
    ax.set_title("Coalition sizes: crises in which third states fought for the target")
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


#: The outcomes the "who benefits" plot breaks down by size class, with their panel titles.
BENEFIT_PANELS = {"attacks_per_100": "Attacks suffered per 100 state-years of the class",
                  "aggressor_success": "Aggressor success against the class",
                  "helped_rate": "Share of attacks on the class in which the target was helped",
                  "contribution_share": "Share of contributions made (by the contributor's "
                                        "class)"}


def plot_benefit(comp: ComparisonResults, path: Path) -> Path:
    """Who benefits: per outcome, each system's mean and 95% interval by the size class of the
    target (small, middle, great power; for contributions, of the contributor)."""
    from ..engine.benefit import SIZE_CLASSES

    plt = _plt()
    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), squeeze=False)
    x = np.arange(len(SIZE_CLASSES))
    for k, stem in enumerate(BENEFIT_PANELS):
        ax = axes[k // 2][k % 2]
        _system_errorbars(ax, comp, [f"{stem}_{c}" for c in SIZE_CLASSES], x)
        ax.set_xticks(x)
        ax.set_xticklabels([f"{c} powers" for c in SIZE_CLASSES])
        ax.set_title(BENEFIT_PANELS[stem], fontsize=10)
        ax.grid(axis="y", color="#dddddd")
        ax.set_axisbelow(True)
        if REGISTRY[f"{stem}_small"].kind == "rate":
            ax.set_ylim(-0.03, 1.03)
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Who benefits: outcomes by the size of the state attacked (mean and 95% "
                 "interval over replications)", y=1.0)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _system_errorbars(ax: Any, comp: ComparisonResults, metrics: list[str],
                      x: np.ndarray) -> None:
    """One series of points per system at positions ``x`` (side by side): the mean of each
    metric in ``metrics`` with its 95% interval; undefined means are left out."""
    n = max(1, len(comp.charters))
    for j, system in enumerate(comp.charters):
        row = comp.table[comp.table["charter"] == system].set_index("metric").reindex(metrics)
        mean = row["mean"].to_numpy(float)
        low, high = row["ci_low"].to_numpy(float), row["ci_high"].to_numpy(float)
        lo = np.where(np.isfinite(low), mean - low, 0.0)
        hi = np.where(np.isfinite(high), high - mean, 0.0)
        ok = np.isfinite(mean)
        off = x + (j - (n - 1) / 2) * 0.7 / n
        ax.errorbar(off[ok], mean[ok], yerr=[lo[ok], hi[ok]], fmt="o", capsize=3, label=system)


#: The panels of the kinds-of-threat plot: outcome stem -> title.
THREAT_PANELS = {"threat_acted": "Share of crises the institution acted on (determination, "
                                 "Art. 5 invoked, force authorised)",
                 "threat_responded": "Share of crises third states responded to (force, "
                                     "sanctions, peacekeeping)"}


def threat_kinds_drawn(table: pd.DataFrame, value: str = "mean") -> list[str]:
    """The kinds of threat that came in some run of some system: those whose share acted on
    has a value in column ``value`` (none when the kinds are off)."""
    from ..engine.metrics import THREAT_METRICS

    acted = {m: k for m, (stem, k) in THREAT_METRICS.items() if stem == "threat_acted"}
    came = table[table["metric"].isin(list(acted)) & table[value].notna()]
    kinds = {acted[m] for m in came["metric"]}
    return [k for k in acted.values() if k in kinds]


def plot_threats(comp: ComparisonResults, path: Path) -> Path | None:
    """Kinds of threat: per kind, each system's share of crises acted on and responded to,
    with the 95% interval over replications (None when only interstate crises came)."""
    kinds = threat_kinds_drawn(comp.table)
    if len(kinds) < 2:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), squeeze=False)
    x = np.arange(len(kinds))
    for k, stem in enumerate(THREAT_PANELS):
        ax = axes[0][k]
        _system_errorbars(ax, comp, [f"{stem}_{kind.replace('-', '_')}" for kind in kinds], x)
        ax.set_xticks(x)
        ax.set_xticklabels(kinds, rotation=20, ha="right", fontsize=8)
        ax.set_title(THREAT_PANELS[stem], fontsize=10)
        ax.grid(axis="y", color="#dddddd")
        ax.set_axisbelow(True)
        ax.set_ylim(-0.03, 1.03)
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Kinds of threat: what the institution and third states did (mean and 95% "
                 "interval over replications)", y=1.0)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _pct(v: float) -> str:
    return "no crises" if not math.isfinite(v) else f"{100 * v:.0f}%"


# --- html ----------------------------------------------------------------------------------


def plot_contrasts(contrasts: pd.DataFrame, baseline: str, path: Path,
                   metrics: tuple[str, ...] = KEY_METRICS) -> Path:
    """Forest plot: each system's paired difference from ``baseline`` (mean and paired
    interval over replications) for the key metrics, with 0 marked."""
    plt = _plt()
    systems = list(dict.fromkeys(contrasts["charter"]))
    cols = 2
    rows = math.ceil(len(metrics) / cols)
    height = max(2.4, 0.28 * len(systems) + 1.0)
    fig, axes = plt.subplots(rows, cols, figsize=(12, height * rows), squeeze=False)
    y = np.arange(len(systems))
    for k, metric in enumerate(metrics):
        ax = axes[k // cols][k % cols]
        sub = contrasts[contrasts["metric"] == metric].set_index("charter").reindex(systems)
        d = sub["difference"].to_numpy(float)
        lo = sub["ci_low"].to_numpy(float)
        hi = sub["ci_high"].to_numpy(float)
        ok = np.isfinite(d)
        clear = ok & ((np.nan_to_num(lo) > 0) | (np.nan_to_num(hi) < 0))
        err = [np.where(np.isfinite(lo), d - lo, 0.0), np.where(np.isfinite(hi), hi - d, 0.0)]
        for mask, colour in ((ok & ~clear, "#8c8c8c"), (clear, "#b2182b")):
            ax.errorbar(d[mask], y[mask], xerr=[err[0][mask], err[1][mask]], fmt="o",
                        color=colour, elinewidth=1.6, capsize=3, markersize=5)
        ax.axvline(0.0, color="#444444", lw=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels(systems if k % cols == 0 else [""] * len(systems))
        ax.invert_yaxis()
        ax.set_title(f"{LABELS.get(metric, metric)}: difference")
        ax.grid(axis="x", color="#dddddd")
        ax.set_axisbelow(True)
    for k in range(len(metrics), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(f"Paired differences from {baseline} (same worlds; red: interval excludes 0)",
                 y=1.0)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


# --- the page ----------------------------------------------------------------------------------


def _stats(table: pd.DataFrame, value: str) -> dict[tuple[str, str], tuple[float, float, float, int]]:
    return {(str(c), str(m)): (float(v), float(lo), float(hi), int(n))
            for c, m, v, lo, hi, n in zip(table["charter"], table["metric"],
                                          table[value].to_numpy(float),
                                          table["ci_low"].to_numpy(float),
                                          table["ci_high"].to_numpy(float), table["n"],
                                          strict=True)}


def _grid(stats: dict[tuple[str, str], tuple[float, float, float, int]], systems: list[str],
          names: dict[str, str], metrics: tuple[str, ...]) -> dict[str, Any]:
    """A table for the ``grid`` macro: columns (label, definition) and rows of cells."""
    columns = [{"label": LABELS.get(m, m), "definition": METRICS.get(m, "")} for m in metrics]
    rows = []
    for c in systems:
        cells = []
        for m in metrics:
            v, lo, hi, n = stats.get((c, m), (math.nan, math.nan, math.nan, 0))
            ci = (f"[{_fmt(lo, m)}, {_fmt(hi, m)}]" if math.isfinite(lo) and math.isfinite(hi)
                  else "")
            cells.append({"value": _fmt(v, m), "ci": ci,
                          "few": math.isfinite(v) and n < FEW_RUNS})
        rows.append({"id": c, "name": names.get(c, c), "cells": cells})
    return {"columns": columns, "rows": rows}


def _tables(table: pd.DataFrame, value: str, systems: list[str],
            names: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    from ..engine.benefit import OUTCOMES, SIZE_CLASSES
    from ..engine.metrics import THREAT_METRICS

    stats = _stats(table, value)
    out = []
    for group, metrics in GROUPS.items():
        stems = [s for s in OUTCOMES if all(f"{s}_{c}" in metrics for c in SIZE_CLASSES)]
        if metrics and all(m in THREAT_METRICS for m in metrics):  # one table per kind drawn
            out += [(f"{group}: {kind}", _grid(stats, systems, names, tuple(
                m for m in metrics if THREAT_METRICS[m][1] == kind)))
                for kind in threat_kinds_drawn(table, value)]
            continue
        if stems and len(stems) * len(SIZE_CLASSES) == len(metrics):  # by size: one per outcome
            out += [(f"{group}: {OUTCOMES[s]}",
                     _grid(stats, systems, names, tuple(f"{s}_{c}" for c in SIZE_CLASSES)))
                    for s in stems]
        else:
            out.append((group, _grid(stats, systems, names, metrics)))
    return out


def _interval_methods(table: pd.DataFrame, paired: bool) -> list[dict[str, str]]:
    """Each interval method used, with the metrics it applies to."""
    by: dict[str, list[str]] = {}
    for m in dict.fromkeys(table["metric"]):
        by.setdefault(method_for(str(m)), []).append(str(m))
    out = [{"name": k, "metrics": ", ".join(v), "text": METHODS[k]} for k, v in by.items()]
    if paired:
        out.append({"name": "paired-bca", "metrics": "every difference from the baseline",
                    "text": METHODS["paired-bca"]})
    return out


def _behaviour_rows(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The behavioural parameters used, with range, meaning and source."""
    return [{"name": r["name"], "value": values.get(r["name"], r["default"]),
             "range": r["range"], "meaning": r["doc"], "source": r["cite"] or "modelling choice"}
            for r in Behaviour.describe()]


def _definitions() -> list[dict[str, str]]:
    return [{"name": n, "label": m.label, "definition": m.definition, "citation": m.citation,
             "method": method_for(n)} for n, m in REGISTRY.items()]


def _world_text(comp: ComparisonResults) -> str:
    world = (comp.provenance or {}).get("world", {})
    if world.get("kind") == "data":
        return str(world.get("text"))
    s = comp.settings
    return f"{s.get('n_states')} states ({s.get('world')})"


def _world_sentence(comp: ComparisonResults) -> tuple[str, str]:
    """How the world is described in the methods: (the world, what child 0 did)."""
    s = comp.settings
    world = (comp.provenance or {}).get("world", {})
    if world.get("kind") == "data":
        return (f"the state system built from data for year {world.get('year')} (Correlates of "
                f"War and ATOP; datasets: {', '.join(world.get('datasets', {})) or 'see below'})",
                "was unused for the world (every replication started from the same data-built "
                "world)")
    if world.get("kind") == "given":
        return (f"a given world ({world.get('source')}) of {world.get('n_states')} states",
                "was unused for the world (every replication started from the given world)")
    return (f"a {s.get('world')} world of {s.get('n_states')} states", "generated the world")


def methods_text(comp: ComparisonResults) -> str:
    """The methods paragraph (plain text with the settings actually used)."""
    s = comp.settings
    model = s.get("model", {})
    beh = s.get("behaviour", {})
    changed = {k: v for k, v in beh.items() if Behaviour.parameters().get(k) != v}
    beh_text = ("default behavioural parameters (each with its source below)" if not changed else
                "behavioural parameters as default except " +
                ", ".join(f"{k} = {v}" for k, v in sorted(changed.items())))
    world, child0 = _world_sentence(comp)
    version = (comp.provenance or {}).get("foedus_version", s.get("foedus_version", "?"))
    return (
        f"We compared {len(comp.charters)} security systems ({', '.join(comp.charters)}) with "
        f"foedus {version} on {s.get('replications')} replications of {world} over "
        f"{s.get('years')} years (root seed {s.get('seed')}). "
        f"Replication r drew its randomness from SeedSequence(seed, spawn_key=(0, r)): child 0 "
        f"{child0} and child 1 drove the run, so every system saw the same world and "
        "the same random stream in the same replication (common random numbers). Each year "
        "capabilities grew with lognormal noise (sd "
        f"{model.get('growth_sd')}); every state weighed attacking each politically relevant "
        "target (contiguous or within reach, or a pair involving a major power; Lemke & Reed "
        "2001) by expected utility (Bueno de Mesquita 1981), with the response it expected "
        "from the institution's learned credibility, the bindingness of its procedure and the "
        "votes it expected (including vetoes: selective security), and attacked when the "
        "expected utility exceeded a threshold lowered by its revisionism (attack_threshold "
        f"{model.get('attack_threshold')}, noise {model.get('eu_noise')}, doubt "
        f"{model.get('doubt')}). An attempt counts as deterred when the same calculation "
        "without the institution and the ties it creates (a pact's own alliances, ad-hoc "
        "balancing) would have led to an attack, and as displaced when the aggressor turned "
        "to another target. Each state attacked at most once a year, at most "
        f"{model.get('max_crises')} crises a year, resolved in {model.get('activation')} "
        "activation order (Duffy 1992; Huberman & Glance 1993), each through the charter's "
        "procedure: attribution, votes under the charter's decision rules, response, war (a "
        "contest success function) and aftermath. The model used "
        f"{beh_text}. Means over replications are reported with 95% intervals by each "
        "metric's method: the BCa bootstrap of the mean (Efron 1987), and for rates that were 0 "
        "(or 1) in every run the Wilson score interval (Wilson 1927); no interval leaves its "
        "metric's domain. Differences between systems are paired by replication. Rates "
        "without a denominator in a run (no crisis of that kind) are left out of that metric's "
        "mean, and the n column of summary.csv counts the runs that had a value. "
        f"The comparison ran on {s.get('workers')} worker process(es) in {s.get('seconds')} s.")


def _figures(comp: ComparisonResults, folder: Path, contrasts: pd.DataFrame | None,
             baseline: str | None) -> dict[str, dict[str, str]]:
    key = plot_key_metrics(comp, folder / "key_metrics.png")
    cred = plot_over_time(comp, folder / "credibility.png", {"credibility": "credibility"},
                          "The institution's credibility over time (mean and 95% band over "
                          "replications)", "credibility", limits=(0.0, 1.0))
    aggr = plot_over_time(comp, folder / "aggression.png",
                          {"attempts": "attempts", "deterred": "deterred"},
                          "Aggression attempts and deterred attempts per 100 states each year "
                          "(mean and 95% band, 5-year moving average)", "per 100 states",
                          per_state=True, smooth=5, limits=(0.0, None))
    coal = plot_coalitions(comp, folder / "coalitions.png")
    benefit = plot_benefit(comp, folder / "benefit.png")
    kinds = plot_threats(comp, folder / "threats.png")  # kinds of threat (issue 18)
    figs = _arms_figures(comp, folder)
    figs |= {"key": figure(key, "key metrics by system"),
            "credibility": figure(cred, "credibility over time"),
            "aggression": figure(aggr, "aggression over time"),
            "coalitions": figure(coal, "coalition sizes"),
            "benefit": figure(benefit, "who benefits: outcomes by the target's size")}
    if kinds is not None:
        figs["threats"] = figure(kinds, "kinds of threat: acted on and responded to")
    if contrasts is not None and baseline is not None:
        forest = plot_contrasts(contrasts, baseline, folder / "contrasts.png")
        figs["forest"] = figure(forest, f"paired differences from {baseline}")
    for name, div in interactive_figures(comp, contrasts, baseline).items():
        figs[name]["interactive"] = div
    return figs


#: Arms racing's yearly series in the report (engine/arms.py, engine/deterrent.py): column ->
#: (title, axis label).
ARMS_PLOTS = {"military_burden": ("Military burden over time: mean share of output spent on arms "
                                  "(mean and 95% band over replications)", "burden"),
              "arms_racing": ("Arms races over time: share of states in a mutual build-up "
                              "(mean and 95% band)", "share of states"),
              "deterrents": ("Deterrents held over time: states with a deterrent of their own "
                             "(mean and 95% band)", "states")}


def _arms_figures(comp: ComparisonResults, folder: Path) -> dict[str, dict[str, str]]:
    """With arms racing on: the burden, races and deterrents over the years (PNG and
    interactive), one figure each; none when the series has no arms column."""
    out = {}
    for col, (title, label) in ARMS_PLOTS.items():
        s = comp.series
        if col not in s.columns or not s[col].notna().any():
            continue
        png = plot_over_time(comp, folder / f"arms_{col}.png", {col: label}, title, label,
                             limits=(0.0, None))
        out[f"arms_{col}"] = figure(png, title.split(":")[0].lower())
        out[f"arms_{col}"]["interactive"] = to_div(
            bands(_yearly_bands(comp, {col: label}, False, 1), "line", "year", title, label,
                  (0.0, None)), f"fig-arms-{col}")
    return out


def _panels(table: pd.DataFrame, systems: list[str], value: str, zero: bool) -> list[Panel]:
    panels = []
    for metric in KEY_METRICS:
        sub = table[table["metric"] == metric].set_index("charter").reindex(systems)
        lo_d, hi_d = domain_of(metric)
        limits = (lo_d, hi_d) if not zero and math.isfinite(lo_d) and math.isfinite(hi_d) else None
        panels.append(Panel(LABELS.get(metric, metric), systems, sub[value].to_numpy(float),
                            sub["ci_low"].to_numpy(float), sub["ci_high"].to_numpy(float),
                            limits=limits, zero=zero))
    return panels


def _yearly_bands(comp: ComparisonResults, columns: dict[str, str], per_state: bool,
                  smooth: int) -> pd.DataFrame:
    parts = []
    for col, label in columns.items():
        for system, d in _yearly(comp, col, per_state).groupby("charter", sort=False):
            d = d.sort_values("year")
            roll = d[["mean", "lo", "hi"]].rolling(smooth, min_periods=1, center=True).mean()
            name = f"{system}: {label}" if len(columns) > 1 else str(system)
            parts.append(roll.assign(line=name, year=d["year"].to_numpy()))
    return (pd.concat(parts, ignore_index=True) if parts
            else pd.DataFrame(columns=["mean", "lo", "hi", "line", "year"]))


def interactive_figures(comp: ComparisonResults, contrasts: pd.DataFrame | None = None,
                        baseline: str | None = None) -> dict[str, str]:
    """The comparison's interactive figures (Plotly ``<div>`` elements; plotly.js goes once in
    the page): key metrics, credibility and aggression over time, coalitions and, with a
    baseline, the forest plot of paired differences."""
    import plotly.graph_objects as go

    systems = comp.charters
    out = {"key": to_div(dot_whisker(_panels(comp.table, systems, "mean", zero=False),
                                     "Key outcomes: mean and 95% interval by each metric's method"),
                         "fig-key"),
           "credibility": to_div(bands(_yearly_bands(comp, {"credibility": "credibility"}, False, 1),
                                       "line", "year", "Credibility over time (mean and 95% band)",
                                       "credibility", (0.0, 1.0)), "fig-credibility"),
           "aggression": to_div(bands(_yearly_bands(comp, {"attempts": "attempts",
                                                           "deterred": "deterred"}, True, 5),
                                      "line", "year", "Attempts and deterred attempts per 100 states "
                                      "(5-year moving average, 95% band)", "per 100 states",
                                      (0.0, None)), "fig-aggression")}
    coal = go.Figure()
    ev = comp.events
    for system in systems:
        sizes = (ev.loc[ev["charter"] == system, "coalition_size"].to_numpy(float)
                 if not ev.empty and "coalition_size" in ev else np.array([]))
        coal.add_box(x=sizes[sizes > 0].tolist(), name=system, boxpoints="outliers")
    coal.update_layout(title="Coalition sizes: crises in which third states fought for the target",
                       xaxis_title="third states fighting for the target", template="plotly_white",
                       showlegend=False, height=max(300, 32 * len(systems) + 120))
    out["coalitions"] = to_div(coal, "fig-coalitions")
    if contrasts is not None and baseline is not None:
        others = list(dict.fromkeys(contrasts["charter"]))
        out["forest"] = to_div(dot_whisker(_panels(contrasts, others, "difference", zero=True),
                                           f"Paired differences from {baseline} (same worlds; red: "
                                           "interval excludes 0)"), "fig-forest")
    return out


def _write_tables(comp: ComparisonResults, folder: Path, contrasts: pd.DataFrame | None) -> None:
    comp.runs.to_csv(folder / "runs.csv", index=False)
    comp.table.to_csv(folder / "summary.csv", index=False)
    comp.series.to_csv(folder / "series.csv", index=False)
    comp.events.to_csv(folder / "events.csv", index=False)
    if contrasts is not None:
        contrasts.to_csv(folder / "contrasts.csv", index=False)
    (folder / "provenance.json").write_text(
        json.dumps(comp.provenance, indent=2, default=str, ensure_ascii=False), encoding="utf-8")


def write_report(comp: ComparisonResults, out: str | Path, baseline: str | None = None) -> Path:
    """Write CSV files, PNG plots, ``provenance.json`` and ``report.html`` into ``out``; with
    a ``baseline`` system also the paired differences from it (``contrasts.csv``, a forest
    plot and tables). Returns the HTML path."""
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FoedusError(f"cannot create the report folder {folder}: {exc}") from None
    contrasts = comp.contrasts(baseline) if baseline is not None else None
    _write_tables(comp, folder, contrasts)
    prov = comp.provenance or {}
    datasets = prov.get("world", {}).get("datasets", {}) or {}
    others = [c for c in comp.charters if c != baseline]
    page = render(
        "compare.html.j2", prov={"foedus_version": comp.settings.get("foedus_version", "?"),
                                 "charters": [], "world": {}, **prov},
        s=comp.settings, n_systems=len(comp.charters), world_text=_world_text(comp),
        methods=methods_text(comp), datasets=datasets,
        interval_methods=_interval_methods(comp.table, contrasts is not None),
        few_runs=FEW_RUNS, few_count=int(((comp.table["n"] < FEW_RUNS)
                                          & comp.table["mean"].notna()).sum()),
        figures=_figures(comp, folder, contrasts, baseline), baseline=baseline,
        contrasts=(_tables(contrasts, "difference", others, comp.names)
                   if contrasts is not None else []),
        tables=_tables(comp.table, "mean", comp.charters, comp.names),
        behaviour=_behaviour_rows(comp.settings.get("behaviour", {})),
        definitions=_definitions(), references=[*datasets.values(), *CITATIONS],
        plotly_src=write_plotly_js(folder))
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


__all__ = [
    "ARMS_PLOTS",
    "BENEFIT_PANELS",
    "CITATIONS",
    "GROUPS",
    "LABELS",
    "SERIES_METRIC",
    "THREAT_PANELS",
    "ComparisonResults",
    "interactive_figures",
    "methods_text",
    "plot_coalitions",
    "plot_contrasts",
    "plot_key_metrics",
    "plot_over_time",
    "plot_threats",
    "threat_kinds_drawn",
    "write_report",
]
