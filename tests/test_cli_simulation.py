"""foedus crisis / simulate / compare on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import foedus
from foedus import generate_world
from foedus.cli import main
from foedus.engine.metrics import METRICS


def test_crisis_readable_and_json(runner: CliRunner) -> None:
    args = ["crisis", "--charter", "un-1965", "--aggressor", "S03", "--target", "S10",
            "--states", "20", "--seed", "2"]
    r = runner.invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "S03" in r.output and "Outcome" in r.output and "Art." in r.output
    r = runner.invoke(main, [*args, "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["aggressor"] == "S03" and d["target"] == "S10" and d["charter"] == "un-1965"
    assert d["trace"] and {"step", "text", "article"} <= set(d["trace"][0])
    again = json.loads(runner.invoke(main, [*args, "--json"]).stdout)
    assert again == d


def test_crisis_on_a_world_file(runner: CliRunner, tmp_path: Path) -> None:
    path = generate_world(12, rng=1).save(tmp_path / "w.npz")
    r = runner.invoke(main, ["crisis", "--charter", "league-1920", "--world", str(path),
                             "--aggressor", "S01", "--target", "S02", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["world"]["n"] == 12


def test_crisis_errors(runner: CliRunner) -> None:
    r = runner.invoke(main, ["crisis", "--charter", "nope", "--aggressor", "S01",
                             "--target", "S02"])
    assert r.exit_code == 2 and "error" in r.output
    r = runner.invoke(main, ["crisis", "--charter", "un-1965", "--aggressor", "S01",
                             "--target", "S01", "--states", "10"])
    assert r.exit_code == 2
    r = runner.invoke(main, ["crisis", "--charter", "un-1965", "--aggressor", "XX9",
                             "--target", "S01", "--states", "10"])
    assert r.exit_code == 2
    r = runner.invoke(main, ["crisis", "--charter", "un-1965", "--aggressor", "S01",
                             "--target", "S02", "--data-dir", "/nonexistent"])
    assert r.exit_code == 2 and "--year" in r.output
    r = runner.invoke(main, ["crisis", "--charter", "un-1965", "--aggressor", "S01",
                             "--target", "S02", "--world", "w.npz", "--year", "1950"])
    assert r.exit_code == 2 and "not both" in r.output


def test_simulate(runner: CliRunner, tmp_path: Path) -> None:
    args = ["simulate", "--charter", "league-1920", "--years", "12", "--states", "20",
            "--seed", "3"]
    r = runner.invoke(main, [*args, "--out", str(tmp_path / "run")])
    assert r.exit_code == 0, r.output
    assert "Metrics" in r.output and "attempts_per_100" in r.output
    for name in ("events.csv", "series.csv", "metrics.json", "run.json"):
        assert (tmp_path / "run" / name).exists(), name
    r = runner.invoke(main, [*args, "--json", "--activation", "simultaneous"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d["metrics"]) == set(METRICS)
    assert len(d["series"]) == 12 and d["settings"]["activation"] == "simultaneous"


def test_compare_json_and_report(runner: CliRunner, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the report goes to ./foedus-report by default
    r = runner.invoke(main, ["compare", "--charters", "self-help,un-1965", "--replications",
                             "2", "--years", "5", "--states", "16", "--workers", "1",
                             "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert list(d["results"]) == ["self-help", "un-1965"]
    assert set(d["results"]["un-1965"]["response_rate"]) >= {"mean", "ci_low", "ci_high", "method"}
    assert d["provenance"]["foedus_version"] == foedus.__version__
    assert d["intervals"]["response_rate"]["method"] == "bca-wilson"
    assert Path("foedus-report/report.html").exists()


def test_compare_readable(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(main, ["compare", "--charters", "self-help", "--charters", "league-1920",
                             "--replications", "2", "--years", "4", "--states", "14",
                             "--workers", "1", "--out", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output
    assert "league-1920" in r.output and "Response rate" in r.output
    assert "Report:" in r.output and (tmp_path / "rep" / "summary.csv").exists()
    r = runner.invoke(main, ["compare", "--charters", "self-help", "--replications", "1",
                             "--years", "2", "--states", "8", "--workers", "1", "--no-report",
                             "--out", str(tmp_path / "none")])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "none").exists()


def test_compare_errors(runner: CliRunner) -> None:
    r = runner.invoke(main, ["compare", "--charters", "self-help,nope", "--no-report"])
    assert r.exit_code == 2 and "nope" in r.output
    r = runner.invoke(main, ["compare", "--data-dir", "x", "--no-report"])
    assert r.exit_code == 2
