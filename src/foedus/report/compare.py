"""The report of a comparison: tidy CSV files, PNG plots and one self-contained HTML page.

:func:`write_report` writes into a folder:

- ``report.html`` — the page a researcher would put next to a paper draft: a methods
  paragraph (settings, seed, replications, citations), the metrics with 95% confidence
  intervals, error-bar plots of the key metrics by system, credibility and aggression over time
  and the size of coalitions (the plots are embedded, so the page travels alone);
- ``runs.csv`` (one row per run), ``summary.csv`` (mean and CI per system and metric),
  ``series.csv`` (the yearly series of every run), ``events.csv`` (every crisis);
- the plots as PNG files.

Plots use matplotlib's Agg backend (no display needed).
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .._errors import FoedusError
from ..engine.metrics import KEY_METRICS, METRICS


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

#: Groups of metrics in the report's tables.
GROUPS: dict[str, tuple[str, ...]] = {
    "Aggression and deterrence": ("attempts_per_100", "deterred_per_100",
                                  "aggressor_success_rate", "state_deaths",
                                  "capability_destroyed"),
    "The institution at work": ("determination_rate", "vetoed_determinations", "ufp_sessions",
                                "selective_security_gap", "final_credibility",
                                "mean_credibility"),
    "The response": ("response_rate", "effective_response_rate", "coalition_size",
                     "free_riding_rate", "burden_concentration"),
    "The distribution of power": ("concentration", "polarity"),
}

LABELS: dict[str, str] = {
    "attempts_per_100": "Aggression attempts per 100 state-years",
    "deterred_per_100": "Deterred attempts per 100 state-years",
    "determination_rate": "Determination rate",
    "response_rate": "Response rate",
    "effective_response_rate": "Effective response rate",
    "aggressor_success_rate": "Aggressor success rate",
    "state_deaths": "State deaths per run",
    "coalition_size": "Coalition size (states per crisis)",
    "free_riding_rate": "Free-riding rate",
    "burden_concentration": "Burden concentration (HHI)",
    "vetoed_determinations": "Vetoed decisions per run",
    "ufp_sessions": "Uniting-for-Peace sessions per run",
    "selective_security_gap": "Selective-security gap",
    "capability_destroyed": "Capability destroyed (share of world)",
    "concentration": "Capability concentration (CON)",
    "polarity": "Polarity (poles)",
    "final_credibility": "Final credibility",
    "mean_credibility": "Mean credibility",
}

CITATIONS = [
    "Bueno de Mesquita, B. (1981). The War Trap. Yale University Press.",
    "Boulding, K. E. (1962). Conflict and Defense. Harper.",
    "Claude, I. L. (1962). Power and International Relations. Random House.",
    "Diekmann, A. (1985). Volunteer's dilemma. Journal of Conflict Resolution 29(4): 605-610.",
    "Duffy, G. (1992). Concurrent interstate conflict simulations: testing the effects of the "
    "serial assumption. Mathematical and Computer Modelling 16(8-9): 241-270.",
    "Huberman, B. A. & Glance, N. S. (1993). Evolutionary games and computer simulations. "
    "PNAS 90(16): 7716-7718.",
    "Jervis, R. (1976). Perception and Misperception in International Politics. Princeton UP.",
    "Lemke, D. & Reed, W. (2001). The relevance of politically relevant dyads. Journal of "
    "Conflict Resolution 45(1): 126-144.",
    "Olson, M. & Zeckhauser, R. (1966). An economic theory of alliances. Review of Economics "
    "and Statistics 48(3): 266-279.",
    "Singer, J. D., Bremer, S. & Stuckey, J. (1972). Capability distribution, uncertainty, and "
    "major power war, 1820-1965. In Russett (ed.), Peace, War, and Numbers.",
    "Walt, S. M. (1987). The Origins of Alliances. Cornell University Press.",
]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10,
                         "figure.dpi": 110, "savefig.bbox": "tight"})
    return plt


def _fmt(v: float, metric: str) -> str:
    if v is None or not math.isfinite(float(v)):
        return "–"
    v = float(v)
    if metric in ("state_deaths", "vetoed_determinations", "ufp_sessions", "polarity",
                  "coalition_size", "attempts_per_100", "deterred_per_100"):
        return f"{v:.2f}"
    return f"{v:.3f}"


# --- plots ------------------------------------------------------------------------------------


def plot_key_metrics(comp: ComparisonResults, path: Path, metrics: tuple[str, ...] = KEY_METRICS) -> Path:
    """Dot-and-whisker plots (mean and 95% CI) of the key metrics by system."""
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
    for k in range(len(metrics), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle("Outcomes by security system: mean and 95% confidence interval over "
                 f"{comp.settings.get('replications', '?')} replications", y=1.0)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _yearly(comp: ComparisonResults, column: str, per_state: bool = False) -> pd.DataFrame:
    """Mean over replications per system and year, with a 95% normal band."""
    s = comp.series
    if s.empty or column not in s.columns:
        return pd.DataFrame(columns=["charter", "year", "mean", "lo", "hi"])
    vals = s[column].astype(float)
    if per_state:
        vals = 100.0 * vals / s["alive"].where(s["alive"] > 0)
    df = s[["charter", "year"]].assign(v=vals)
    out = df.groupby(["charter", "year"])["v"].agg(["mean", "std", "count"]).reset_index()
    half = 1.96 * out["std"] / np.sqrt(out["count"].clip(lower=1))
    out["lo"] = out["mean"] - half.fillna(0.0)
    out["hi"] = out["mean"] + half.fillna(0.0)
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


def _pct(v: float) -> str:
    return "no crises" if not math.isfinite(v) else f"{100 * v:.0f}%"


# --- html ----------------------------------------------------------------------------------


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _table(comp: ComparisonResults, metrics: tuple[str, ...]) -> str:
    head = "".join(f'<th title="{html.escape(METRICS.get(m, ""))}">{html.escape(LABELS.get(m, m))}'
                   "</th>" for m in metrics)
    rows = []
    tab = comp.table
    stats: dict[tuple[str, str], tuple[float, float, float]] = {
        (str(c), str(m)): (float(mu), float(lo), float(hi))
        for c, m, mu, lo, hi in zip(tab["charter"], tab["metric"], tab["mean"].to_numpy(float),
                                    tab["ci_low"].to_numpy(float), tab["ci_high"].to_numpy(float),
                                    strict=True)}
    for c in comp.charters:
        cells = []
        for m in metrics:
            if (c, m) not in stats:
                cells.append("<td>–</td>")
                continue
            mean, lo, hi = stats[(c, m)]
            ci = (f'<span class="ci">[{_fmt(lo, m)}, {_fmt(hi, m)}]</span>'
                  if math.isfinite(lo) and math.isfinite(hi) else "")
            cells.append(f"<td>{_fmt(mean, m)} {ci}</td>")
        name = html.escape(comp.names.get(c, c))
        rows.append(f'<tr><th class="sys" title="{name}">{html.escape(c)}</th>{"".join(cells)}</tr>')
    return (f'<table><thead><tr><th>system</th>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>")


def methods_text(comp: ComparisonResults) -> str:
    """The methods paragraph (plain text with the settings actually used)."""
    s = comp.settings
    model = s.get("model", {})
    beh = s.get("behaviour", {})
    from ..engine.behaviour import Behaviour

    changed = {k: v for k, v in beh.items() if Behaviour.parameters().get(k) != v}
    beh_text = ("default behavioural parameters" if not changed else
                "behavioural parameters as default except " +
                ", ".join(f"{k} = {v}" for k, v in sorted(changed.items())))
    return (
        f"We compared {len(comp.charters)} security systems ({', '.join(comp.charters)}) on "
        f"{s.get('replications')} replications of a {s.get('world')} world of "
        f"{s.get('n_states')} states over {s.get('years')} years (root seed {s.get('seed')}). "
        "Replication r drew its randomness from SeedSequence(seed, spawn_key=(0, r)): child 0 "
        "generated the world and child 1 drove the run, so every system saw the same world and "
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
        "without the institution would have led to an attack. At most "
        f"{model.get('max_crises')} crises a year were resolved in {model.get('activation')} "
        "activation order (Duffy 1992; Huberman & Glance 1993), each through the charter's procedure: "
        "attribution, votes under the charter's decision rules, response, war (a contest "
        "success function) and aftermath. The model used "
        f"{beh_text}. Means are reported with 95% t-intervals over replications; rates without "
        "a denominator in a run (no crisis of that kind) are left out of that metric's mean, "
        "and the table's n column in summary.csv counts the runs that had a value. "
        f"The comparison ran on {s.get('workers')} worker process(es) in {s.get('seconds')} s.")


_CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:1180px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid
#ccc}h3{font-size:1.05em}
table{border-collapse:collapse;font-family:Helvetica,Arial,sans-serif;font-size:12px;margin:.6em 0
1.2em;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:right;white-space:nowrap}
thead th{background:#f2f5f9;text-align:center;white-space:normal;max-width:150px}
th.sys{text-align:left;background:#fafafa}.ci{color:#666;font-size:11px}
img{max-width:100%;margin:.5em 0 1em}p.note{color:#555;font-size:.92em}
dl{font-family:Helvetica,Arial,sans-serif;font-size:13px}dt{font-weight:bold;margin-top:.4em}
dd{margin-left:1.2em}
"""


def write_report(comp: ComparisonResults, out: str | Path) -> Path:
    """Write CSV files, PNG plots and ``report.html`` into ``out``; return the HTML path."""
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FoedusError(f"cannot create the report folder {folder}: {exc}") from None
    comp.runs.to_csv(folder / "runs.csv", index=False)
    comp.table.to_csv(folder / "summary.csv", index=False)
    comp.series.to_csv(folder / "series.csv", index=False)
    comp.events.to_csv(folder / "events.csv", index=False)
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
    s = comp.settings
    sections = "".join(f"<h3>{html.escape(g)}</h3>{_table(comp, ms)}" for g, ms in GROUPS.items())
    defs = "".join(f"<dt>{html.escape(LABELS.get(m, m))} <code>{m}</code></dt>"
                   f"<dd>{html.escape(d)}</dd>" for m, d in METRICS.items())
    cites = "".join(f"<li>{html.escape(c)}</li>" for c in CITATIONS)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>foedus: comparison of security systems</title>
<style>{_CSS}</style></head><body>
<h1>Collective security compared</h1>
<p class="note">foedus compare — {len(comp.charters)} systems, {s.get('replications')} replications,
{s.get('years')} years, {s.get('n_states')} states, seed {s.get('seed')}.</p>
<h2>Methods</h2><p>{html.escape(methods_text(comp))}</p>
<h2>Key outcomes by system</h2>{_img(key, "key metrics by system")}
<h2>All metrics (mean [95% CI])</h2>{sections}
<p class="note">– : not defined (no run had a denominator, e.g. no crisis within the
institution's scope); an interval is missing when only one run had a value.</p>
<h2>Credibility over time</h2>{_img(cred, "credibility over time")}
<h2>Aggression over time</h2>{_img(aggr, "aggression over time")}
<h2>Coalitions</h2>{_img(coal, "coalition sizes")}
<h2>Definitions</h2><dl>{defs}</dl>
<h2>References</h2><ul>{cites}</ul>
<p class="note">Files: runs.csv (one row per run), summary.csv (mean, CI and n per system and
metric), series.csv (yearly series of every run), events.csv (every crisis).</p>
</body></html>
"""
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


__all__ = ["CITATIONS", "GROUPS", "LABELS", "ComparisonResults", "methods_text", "plot_coalitions",
           "plot_key_metrics", "plot_over_time", "write_report"]
