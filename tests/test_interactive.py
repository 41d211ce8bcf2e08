"""Interactive offline figures in every report (compare, results/sweep, backtest, hindcast):
plotly.js embedded once, the figures' data in the page, no CDN; Sobol indices plotted with their
intervals and flagged."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import foedus
from foedus.experiments import experiment_from_dict
from foedus.experiments.runner import RunTask, sweep
from foedus.report.figures import ALERT, PLOTLY_FILE, plotly_js, sobol_figure, sobol_flagged
from foedus.validation import BacktestResult, Hindcast
from foedus.validation.record import RECORD_METRICS

FAST = {"replications": 4, "years": 8, "n_states": 16, "progress": False, "workers": 1}
CDN = re.compile(r"<script[^>]+src=[\"']https?://", re.IGNORECASE)


def _plotly_divs(text: str) -> list[str]:
    return re.findall(r'<div id="(fig-[a-z0-9-]+)"', text)


def _offline(page: Path) -> str:
    """The page loads plotly.js once, from the file beside it (the bundle of the installed
    plotly), and no script from the network; returns the page's text."""
    text = page.read_text("utf-8")
    assert not CDN.search(text) and "https://cdn" not in text, "a script from the network"
    assert re.findall(r"<script src=\"([^\"]+)\"", text) == [PLOTLY_FILE]
    assert (page.parent / PLOTLY_FILE).read_text("utf-8") == plotly_js()
    return text


def _figure_data(text: str, div_id: str) -> list[dict[str, Any]]:
    """The traces Plotly.newPlot receives for the figure ``div_id``."""
    m = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*(\[.*?\]),\s*\{', text,
                  re.DOTALL)
    assert m, f"no Plotly.newPlot call for {div_id}"
    return list(json.loads(m.group(1)))


@pytest.fixture(scope="module")
def comp() -> foedus.Comparison:
    return foedus.compare(["un-1965", "un-no-veto"], seed=5, **FAST)


def test_compare_report_is_interactive_and_offline(comp: foedus.Comparison, tmp_path: Path) -> None:
    text = _offline(foedus.write_report(comp, tmp_path / "rep", baseline="un-1965"))
    assert set(_plotly_divs(text)) == {"fig-key", "fig-credibility", "fig-aggression",
                                       "fig-coalitions", "fig-forest"}
    key = _figure_data(text, "fig-key")
    # one trace per key metric, each with the systems and the table's means
    table = comp.table.set_index(["charter", "metric"])
    first = key[0]
    assert first["y"] == ["un-1965", "un-no-veto"]
    assert first["x"][0] == pytest.approx(table.loc[("un-1965", foedus.engine.KEY_METRICS[0]), "mean"])
    forest = _figure_data(text, "fig-forest")
    assert forest[0]["y"] == ["un-no-veto"]
    # the static PNGs stay, for papers
    assert (tmp_path / "rep" / "key_metrics.png").stat().st_size > 1000
    assert "static figure (PNG, for papers)" in text


def linear_run(task: RunTask) -> dict[str, Any]:
    """y = 4 x1 + x2 of the design parameters, plus noise that makes indices imprecise."""
    x1 = task.params["world.bloc_cohesion"]
    x2 = task.params["world.affinity_noise"]
    noise = np.random.default_rng([task.point, task.replication]).normal(0.0, 3.0)
    return {"metrics": {"y": 4 * x1 + x2, "noisy": x1 + noise}}


def test_sweep_report_plots_sobol_indices_with_intervals_and_flags(tmp_path: Path) -> None:
    exp = experiment_from_dict({
        "name": "lin", "systems": ["un-1965"], "replications": 1, "years": 2, "seed": 3,
        "design": {"type": "sobol", "n": 16, "ranges": {"world.bloc_cohesion": [0.0, 1.0],
                                                        "world.affinity_noise": [0.0, 1.0]}}})
    path = tmp_path / "s.duckdb"
    sweep(exp, path, backend="serial", run_fn=linear_run)
    text = _offline(foedus.results_report(path, tmp_path / "r"))
    assert {"fig-sobol", "fig-parameter-1", "fig-parameter-2"} <= set(_plotly_divs(text))
    traces = _figure_data(text, "fig-sobol")
    s1 = [t for t in traces if t["name"] == "S1" and "error_y" in t]  # not the legend entry
    assert len(s1) == 2  # one panel per metric
    assert all("error_y" in t and len(t["error_y"]["array"]) == 2 for t in s1)
    idx = foedus.sobol_indices(path)
    noisy = idx[idx["metric"] == "noisy"]
    flagged = [sobol_flagged(v, c, 0.2) for v, c in zip(noisy["S1"], noisy["S1_conf"], strict=True)]
    assert any(flagged)  # pure noise: imprecise or outside [0, 1]
    panel = list(dict.fromkeys(idx["metric"])).index("noisy")  # panels in the table's order
    assert "noisy (un-1965)" in text
    colours = s1[panel]["marker"]["color"]
    assert colours == [ALERT if f else colours[i] for i, f in enumerate(flagged)]
    assert ALERT in colours


def test_sobol_flags_outside_the_unit_interval_or_wide() -> None:
    assert sobol_flagged(12.9, 3.0, 0.2) and sobol_flagged(-2.1, 0.5, 0.2)
    assert sobol_flagged(0.4, 0.5, 0.2) and not sobol_flagged(0.4, 0.05, 0.2)
    assert not sobol_flagged(float("nan"), 0.1, 0.2)
    df = pd.DataFrame({"system": ["a", "a"], "metric": ["m", "m"], "parameter": ["p", "q"],
                       "S1": [0.5, 1.8], "S1_conf": [0.05, 0.1], "ST": [0.6, 0.5],
                       "ST_conf": [0.05, 0.4], "note": ["", "S1 outside"]})
    fig = sobol_figure(df, 0.2)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["S1"].marker.color) == ["#1f4e79", ALERT]
    assert list(by_name["ST"].marker.color)[1] == ALERT
    assert list(by_name["S1"].error_y.array) == [0.05, 0.1]


def _backtest() -> BacktestResult:
    rng = np.random.default_rng(0)
    runs = [{m: float(rng.uniform(0.1, 2.0)) for m in RECORD_METRICS} for _ in range(4)]
    return BacktestResult(start=1880, years=5, charters=["self-help"], replications=4,
                          record={m: 1.0 for m in RECORD_METRICS}, runs={"self-help": runs},
                          severities={"self-help": [1.0, 2.0, 5.0]})


def test_backtest_report_is_interactive(tmp_path: Path, shared_data: Path) -> None:
    text = _offline(foedus.report.backtest_report(_backtest(), tmp_path / "b", data_dir=shared_data))
    assert {"fig-eras", "fig-severity"} <= set(_plotly_divs(text))
    eras = _figure_data(text, "fig-eras")
    assert len(eras) == len(RECORD_METRICS)
    assert eras[0]["y"] == ["1880+5 model", "1880+5 record"] and eras[0]["x"][1] == 1.0
    assert (tmp_path / "b" / "backtest.json").is_file()
    assert (tmp_path / "b" / f"{RECORD_METRICS[0]}.png").is_file()


def test_hindcast_report_is_interactive(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    n = 400
    p = rng.uniform(0, 0.3, n)
    frame = pd.DataFrame({"year": np.repeat(np.arange(1900, 1920), 20), "mid": rng.random(n) < p,
                          "war": np.zeros(n, bool), "test": np.arange(n) >= 200, "p_mid": p,
                          "base_mid": rng.uniform(0, 0.3, n)})
    h = Hindcast(frame=frame, train_to=1909, scores={"model_mid": {"auc": 0.7, "brier": 0.1}})
    text = _offline(foedus.report.hindcast_report(h, tmp_path / "h"))
    roc = _figure_data(text, "fig-roc")
    assert [t["name"] for t in roc] == ["model", "baseline", "chance"]
    assert "fig-calibration" in _plotly_divs(text) and "model_mid" in text
    assert (tmp_path / "h" / "hindcast.png").is_file()


def two_systems_run(task: RunTask) -> dict[str, Any]:
    """A metric that differs by system, with noise from the replication."""
    noise = np.random.default_rng([task.replication]).normal(0.0, 0.1)
    return {"metrics": {"score": {"un-1965": 1.0, "self-help": 2.0}[task.system] + noise}}


def test_a_design_without_parameters_gets_an_interactive_plot_by_system(tmp_path: Path) -> None:
    exp = experiment_from_dict({"name": "one", "systems": ["un-1965", "self-help"],
                                "replications": 6, "years": 2, "seed": 1,
                                "design": {"type": "none"}})
    path = tmp_path / "o.duckdb"
    sweep(exp, path, backend="serial", run_fn=two_systems_run)
    text = _offline(foedus.results_report(path, tmp_path / "r"))
    traces = _figure_data(text, "fig-systems")
    assert traces[0]["y"] == ["un-1965", "self-help"]
    summary = foedus.results_summary(path).set_index("system")
    assert traces[0]["x"] == pytest.approx([summary.loc["un-1965", "mean"],
                                            summary.loc["self-help", "mean"]])
    assert (tmp_path / "r" / "systems.png").stat().st_size > 1000
