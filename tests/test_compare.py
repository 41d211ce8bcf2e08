"""foedus compare: common random numbers, determinism, the tidy tables and the report."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import foedus
from foedus import FoedusError, builtin_charter_ids, generate_world
from foedus.engine import METRICS, simulate
from foedus.experiments import (
    Comparison,
    ResultStore,
    compare,
    comparison_experiment,
    make_tasks,
    summary_table,
    task_world,
)
from foedus.seeding import replication_seeds

FAST = {"replications": 3, "years": 6, "n_states": 20, "progress": False, "workers": 1}


@pytest.fixture(scope="module")
def comp() -> Comparison:
    return compare(["self-help", "un-1965", "league-1920"], seed=5, **FAST)


def test_tables_are_tidy(comp: Comparison) -> None:
    assert comp.charters == ["self-help", "un-1965", "league-1920"]
    assert len(comp.runs) == 9
    assert list(comp.runs.columns) == ["charter", "replication", *METRICS]
    assert len(comp.table) == 3 * len(METRICS)
    assert list(comp.table.columns) == ["charter", "metric", "mean", "ci_low", "ci_high", "n",
                                        "method"]
    assert set(comp.series["charter"]) == set(comp.charters)
    assert len(comp.series) == 9 * 6


def test_to_dict_is_keyed_by_charter(comp: Comparison) -> None:
    d = comp.to_dict()
    assert list(d) == comp.charters
    for metrics in d.values():
        assert set(metrics) == set(METRICS)
        for stat in metrics.values():
            assert set(stat) >= {"mean", "ci_low", "ci_high"}
            assert stat["mean"] is None or math.isfinite(stat["mean"])
    import json

    json.dumps(d)  # NaN became None


def test_same_seed_same_numbers_and_workers_do_not_matter(comp: Comparison) -> None:
    again = compare(["self-help", "un-1965", "league-1920"], seed=5, **FAST)
    pd.testing.assert_frame_equal(comp.runs, again.runs)
    two = compare(["self-help", "un-1965", "league-1920"], seed=5,
                  **{**FAST, "workers": 2})
    pd.testing.assert_frame_equal(comp.runs, two.runs)
    other = compare(["self-help", "un-1965", "league-1920"], seed=6, **FAST)
    assert not comp.runs.equals(other.runs)
    back = compare(["self-help", "un-1965", "league-1920"], seed=5, **FAST)  # no stale worlds
    pd.testing.assert_frame_equal(comp.runs, back.runs)
    bigger = compare(["self-help"], seed=5, **{**FAST, "n_states": 25})
    assert (bigger.series[bigger.series["year"] == 1]["alive"] == 25).all()


def test_common_random_numbers(comp: Comparison) -> None:
    # the same world for replication r whatever the charter
    exp = comparison_experiment([foedus.load_charter(c) for c in ("self-help", "un-1965")],
                                replications=3, years=6, n_states=20, seed=5,
                                behaviour=foedus.Behaviour(), settings=foedus.ModelSettings())
    tasks = [t for t in make_tasks(exp) if t.replication == 1]
    assert [t.system for t in tasks] == ["self-help", "un-1965"]
    worlds = [task_world(t) for t in tasks]
    assert np.array_equal(worlds[0].capability, worlds[1].capability)
    w_seq, _ = replication_seeds(5, 0, 1)
    expect = generate_world(20, rng=np.random.default_rng(w_seq))
    assert np.array_equal(worlds[0].distance, expect.distance)
    # a system's results do not depend on which other systems are compared
    alone = compare(["un-1965"], seed=5, **FAST)
    mine = comp.runs[comp.runs["charter"] == "un-1965"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.runs, mine)
    # and replication r is simulate() with SeedSequence(seed, spawn_key=(0, r))
    direct = simulate("un-1965", rng=np.random.SeedSequence(5, spawn_key=(0, 2)), years=6,
                      n_states=20)
    row = mine[mine["replication"] == 2].iloc[0]
    for m, v in direct.metrics.items():
        assert (math.isnan(v) and math.isnan(row[m])) or v == pytest.approx(row[m]), m


def test_summary_handles_nan() -> None:
    runs = pd.DataFrame({"charter": ["a", "a", "a"], "replication": [0, 1, 2],
                         "response_rate": [0.5, float("nan"), 1.0],
                         "determination_rate": [float("nan")] * 3})
    t = summary_table(runs, ["a"]).set_index("metric")
    assert t.loc["response_rate", "n"] == 2
    assert t.loc["response_rate", "mean"] == pytest.approx(0.75)
    assert t.loc["determination_rate", "n"] == 0
    assert math.isnan(t.loc["determination_rate", "mean"])


def test_default_charters_are_every_builtin() -> None:
    c = compare(replications=1, years=1, n_states=8, progress=False, workers=1)
    assert c.charters == builtin_charter_ids()


def test_given_world_is_used_for_every_replication() -> None:
    world = generate_world(15, rng=3)
    c = compare(["self-help"], world=world, **FAST)
    assert c.settings["n_states"] == 15
    assert (c.series[c.series["year"] == 1]["alive"] == 15).all()


def test_bad_arguments() -> None:
    with pytest.raises(FoedusError):
        compare([], **FAST)
    with pytest.raises(FoedusError):
        compare(["self-help", "self-help"], **FAST)
    with pytest.raises(FoedusError):
        compare(["self-help"], **{**FAST, "replications": 0})
    with pytest.raises(FoedusError):
        compare(["no-such-charter"], **FAST)


def test_report(comp: Comparison, tmp_path: Path) -> None:
    path = foedus.write_report(comp, tmp_path / "rep")
    assert path.name == "report.html"
    text = path.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 5  # with who benefits (benefit.png)
    assert "SeedSequence" in text and "Singer" in text
    for name in ("runs.csv", "summary.csv", "series.csv", "events.csv", "key_metrics.png",
                 "credibility.png", "aggression.png", "coalitions.png", "benefit.png"):
        assert (tmp_path / "rep" / name).stat().st_size > 0, name
    summary = pd.read_csv(tmp_path / "rep" / "summary.csv")
    assert {"charter", "metric", "mean", "ci_low", "ci_high", "n"} <= set(summary.columns)
    runs = pd.read_csv(tmp_path / "rep" / "runs.csv")
    assert len(runs) == len(comp.runs)


# --- the results store: saving finished runs and resuming ---------------------------------------


KW = {"replications": 5, "years": 12, "n_states": 20, "seed": 3, "progress": False, "workers": 1}


def _forget_runs(store: Path, keep: int) -> None:
    """Make ``store`` look like a comparison stopped after ``keep`` replications."""
    import duckdb

    con = duckdb.connect(str(store))
    for table in ("runs", "metrics", "series", "events"):
        con.execute(f"DELETE FROM {table} WHERE replication >= ?", [keep])
    con.close()


def test_an_interrupted_comparison_resumes_with_identical_numbers(tmp_path: Path) -> None:
    charters = ["self-help", "un-1965"]
    full = compare(charters, store=tmp_path / "full.duckdb", **KW)
    part = tmp_path / "part.duckdb"
    compare(charters, store=part, **KW)
    _forget_runs(part, keep=2)
    with pytest.raises(FoedusError, match="resume"):  # never continued silently
        compare(charters, store=part, **KW)
    with pytest.raises(FoedusError, match="different definition"):
        compare(charters, store=part, resume=True, **{**KW, "seed": 4})
    resumed = compare(charters, store=part, resume=True, **KW)
    assert resumed.settings["resumed_runs"] == 2 * 2
    for name in ("runs", "table", "series", "events"):
        pd.testing.assert_frame_equal(getattr(full, name), getattr(resumed, name))
    again = compare(charters, store=part, **KW)  # a finished store is read back as it is
    assert again.settings["resumed_runs"] == 10
    pd.testing.assert_frame_equal(full.runs, again.runs)
    assert part.exists()  # the store is the user's results: it stays


def test_the_comparison_store_is_a_sweep_store(tmp_path: Path) -> None:
    """compare and sweep share one store format: the results commands read a comparison."""
    store = tmp_path / "c.duckdb"
    comp = compare(["self-help", "un-1965"], store=store, **KW)
    summary = foedus.results_summary(store)
    mean = summary.set_index(["system", "metric"]).loc[("un-1965", "state_deaths"), "mean"]
    assert mean == pytest.approx(comp.table.set_index(["charter", "metric"])
                                 .loc[("un-1965", "state_deaths"), "mean"])
    with ResultStore(store, read_only=True) as st:
        assert st.counts() == {"done": 10}
        assert len(st.table("events")) == len(comp.events)


def test_compare_refuses_a_store_it_did_not_make(tmp_path: Path) -> None:
    import duckdb

    theirs = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(theirs))
    con.execute("CREATE TABLE notes (x INTEGER)")
    con.close()
    before = theirs.read_bytes()
    with pytest.raises(FoedusError, match="not a foedus results store"):
        compare(["self-help"], store=theirs, resume=True, **KW)
    assert theirs.read_bytes() == before
    con = duckdb.connect(str(theirs), read_only=True)
    assert [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
            .fetchall()] == ["notes"]
    con.close()


def _cli(args: list[str]) -> list[str]:
    return [sys.executable, "-c", "from foedus.cli import main; main()", "compare", *args]


def _kill_when_running(cmd: list[str], store: Path, after: float) -> tuple[int, set[int]]:
    """Start ``cmd``, wait until its store exists and ``after`` more seconds, SIGKILL it;
    return its exit code and the worker processes it had."""
    import os
    import signal
    import subprocess
    import time

    proc = subprocess.Popen(cmd, env={**os.environ, "MPLBACKEND": "Agg"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not store.exists() and time.monotonic() < deadline:
        assert proc.poll() is None, "the comparison ended early"
        time.sleep(0.05)
    time.sleep(after)
    workers = _descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return proc.returncode, workers


@pytest.mark.skipif(sys.platform != "linux", reason="uses SIGKILL and /proc")
def test_compare_killed_with_sigkill_then_resumed(tmp_path: Path) -> None:
    """The CLI saves finished runs in OUT/results.duckdb; after SIGKILL, --resume completes the
    job with the same numbers as an uninterrupted run, and the user's own files stay."""
    import signal
    import subprocess

    args = ["--charters", "self-help,un-1965", "--replications", "12", "--years", "150",
            "--states", "50", "--workers", "1", "--seed", "5"]
    out = tmp_path / "killed"
    (out / "partial").mkdir(parents=True)
    notes = out / "partial" / "my-notes.txt"  # a user's folder and file: never touched
    notes.write_text("mine")
    code, _ = _kill_when_running(_cli([*args, "--out", str(out)]), out / "results.duckdb", 2.5)
    with ResultStore(out / "results.duckdb", read_only=True) as st:
        kept = st.counts().get("done", 0)
    if code != -signal.SIGKILL or kept >= 24 or kept == 0:
        pytest.skip(f"the comparison was not caught half-way ({kept} of 24 runs saved)")
    refused = subprocess.run(_cli([*args, "--out", str(out)]), capture_output=True, text=True,
                             timeout=300)
    assert refused.returncode == 2 and "--resume" in refused.stderr
    resumed = subprocess.run(_cli([*args, "--out", str(out), "--resume"]), capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    whole = subprocess.run(_cli([*args, "--out", str(tmp_path / "whole")]), capture_output=True,
                           text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    for name in ("runs.csv", "summary.csv", "events.csv", "series.csv"):
        assert (out / name).read_text() == (tmp_path / "whole" / name).read_text(), name
    assert notes.read_text() == "mine"


def _descendants(pid: int) -> set[int]:
    """Processes below ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields_ = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields_[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in text


@pytest.mark.skipif(sys.platform != "linux", reason="uses SIGKILL and /proc")
def test_killed_compare_leaves_no_workers(tmp_path: Path) -> None:
    """The comparison's worker processes exit when the driver is killed."""
    import time

    args = ["--charters", "self-help,un-1965", "--replications", "40", "--years", "60",
            "--states", "40", "--workers", "2", "--seed", "5", "--out", str(tmp_path / "k")]
    _, workers = _kill_when_running(_cli(args), tmp_path / "k" / "results.duckdb", 1.5)
    assert workers, "no worker processes seen"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)]
