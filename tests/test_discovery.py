"""Scenario discovery over a sweep (PRIM, CART), Sobol flags and the sweep report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from foedus.cli import main
from foedus.experiments import cart, experiment_from_dict, prim, results_summary, sweep
from foedus.experiments.analysis import sobol_flag


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    exp = experiment_from_dict({
        "name": "tiny-lhs", "systems": ["un-1965", "collective-security"],
        "scenario": {"world": {"n": 14}}, "years": 10, "replications": 3, "seed": 11,
        "design": {"type": "latin-hypercube", "points": 10,
                   "ranges": {"behaviour.initial_credibility": [0.0, 1.0],
                              "behaviour.learning_rate": [0.0, 0.5]}}})
    path = tmp_path_factory.mktemp("disc") / "s.duckdb"
    sweep(exp, path, backend="serial")
    return path


def test_prim_finds_a_box_with_its_trajectory(store: Path) -> None:
    found = prim(store, "mean_credibility", above=0.6, system="un-1965")
    assert found.cases == 30 and found.method == "prim"
    box = found.boxes[0]
    assert 0 < box.mass <= 1 and 0 <= box.coverage <= 1
    assert box.density >= found.base_rate - 1e-12
    t = found.trajectory
    assert t["mass"].is_monotonic_decreasing and t["step"].iloc[0] == 0
    json.dumps(found.to_dict(), default=str)


def test_prim_and_cart_on_the_command_line(runner: CliRunner, store: Path) -> None:
    r = runner.invoke(main, ["results", "prim", str(store), "--metric", "mean_credibility",
                             "--above", "0.6", "--trajectory"])
    assert r.exit_code == 0, r.output
    assert "PRIM on un-1965" in r.output and "Peeling trajectory" in r.output
    pytest.importorskip("sklearn")
    c = runner.invoke(main, ["results", "cart", str(store), "--metric", "mean_credibility",
                             "--above", "0.6", "--json"])
    assert c.exit_code == 0, c.output
    assert json.loads(c.output)["method"] == "cart"
    bad = runner.invoke(main, ["results", "prim", str(store), "--metric", "mean_credibility"])
    assert bad.exit_code == 2


def test_cart_boxes(store: Path) -> None:
    pytest.importorskip("sklearn")
    found = cart(store, "mean_credibility", above=0.6)
    assert all(b.density > 0.5 for b in found.boxes)


def test_summary_intervals_stay_in_their_domain(store: Path) -> None:
    s = results_summary(store)
    rates = s[s["method"] == "bca-wilson"].dropna(subset=["ci_low"])
    assert not rates.empty
    assert (rates["ci_low"] >= 0).all() and (rates["ci_high"] <= 1).all()
    assert np.all(rates["ci_low"] <= rates["mean"] + 1e-12)


def test_sobol_flags() -> None:
    assert "outside [0, 1]" in sobol_flag("S1", 12.9, 3.0)
    assert "outside [0, 1]" in sobol_flag("ST", -2.1, 0.5)
    assert "imprecise" in sobol_flag("S1", 0.4, 0.5)
    assert sobol_flag("S1", 0.4, 0.05) == ""


def test_sweep_report(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    r = runner.invoke(main, ["results", "report", str(store), "--out", str(tmp_path / "rep"),
                             "--prim", "mean_credibility>0.6"])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    assert "PRIM" in text and "bca-wilson" in text and "foedus" in text
