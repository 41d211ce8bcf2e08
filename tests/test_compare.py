"""foedus compare: common random numbers, determinism, the tidy tables and the report."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from foedus import FoedusError, builtin_charter_ids, generate_world
from foedus.experiments.compare import Comparison, _Task, _world_for, compare, summary_table
from foedus.engine.metrics import METRICS
from foedus.engine.model import simulate
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
    assert list(comp.table.columns) == ["charter", "metric", "mean", "ci_low", "ci_high", "n"]
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
    tasks = [_Task(c, 1, 5, 6, 20, {}, {}, None, {}) for c in ("self-help", "un-1965")]
    worlds = [_world_for(t, {}) for t in tasks]
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
    path = comp.write(tmp_path / "rep")
    assert path.name == "report.html"
    text = path.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 4
    assert "SeedSequence" in text and "Singer" in text
    for name in ("runs.csv", "summary.csv", "series.csv", "events.csv", "key_metrics.png",
                 "credibility.png", "aggression.png", "coalitions.png"):
        assert (tmp_path / "rep" / name).stat().st_size > 0, name
    summary = pd.read_csv(tmp_path / "rep" / "summary.csv")
    assert {"charter", "metric", "mean", "ci_low", "ci_high", "n"} <= set(summary.columns)
    runs = pd.read_csv(tmp_path / "rep" / "runs.csv")
    assert len(runs) == len(comp.runs)


# --- saving finished replications and resuming ---------------------------------------------------


def test_an_interrupted_comparison_resumes_with_identical_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from foedus import _compare

    kw = {"replications": 5, "years": 12, "n_states": 20, "seed": 3, "progress": False,
          "workers": 1}
    charters = ["self-help", "un-1965"]
    full = compare(charters, out=tmp_path / "full", **kw)
    assert not (tmp_path / "full" / "partial").exists()  # removed once complete
    with monkeypatch.context() as m:  # stop after two replications, leaving them saved
        m.setattr(_compare._Checkpoint, "clear", lambda self: None)
        compare(charters, out=tmp_path / "part", **{**kw, "replications": 2})
    saved = sorted(p.name for p in (tmp_path / "part" / "partial").iterdir())
    assert saved == ["manifest.json", "replication-000000.json", "replication-000001.json"]
    with pytest.raises(FoedusError, match="resume"):  # never overwritten silently
        compare(charters, out=tmp_path / "part", **kw)
    with pytest.raises(FoedusError, match="other charters or settings"):
        compare(charters, out=tmp_path / "part", resume=True, **{**kw, "seed": 4})
    resumed = compare(charters, out=tmp_path / "part", resume=True, **kw)
    assert resumed.settings["resumed_replications"] == 2
    for name in ("runs", "table", "series", "events"):
        pd.testing.assert_frame_equal(getattr(full, name), getattr(resumed, name))
    assert not (tmp_path / "part" / "partial").exists()


def test_compare_killed_with_sigkill_then_resumed(tmp_path: Path) -> None:
    """The CLI saves each finished replication; after SIGKILL, --resume completes the job."""
    import os
    import signal
    import subprocess
    import sys
    import time

    args = ["--charters", "self-help,un-1965", "--replications", "12", "--years", "60",
            "--states", "40", "--workers", "1", "--seed", "5"]
    cmd = [sys.executable, "-c", "from foedus.cli import main; main()", "compare", *args]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    partial = tmp_path / "killed" / "partial"
    proc = subprocess.Popen([*cmd, "--out", str(tmp_path / "killed")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(partial.glob("replication-*.json"))) < 3 and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = len(list(partial.glob("replication-*.json")))
    if proc.returncode != -signal.SIGKILL or kept >= 12:
        pytest.skip("the comparison finished before it could be killed")
    assert kept >= 3  # (a file half-written at the kill stays *.tmp and is not read)
    resumed = subprocess.run([*cmd, "--out", str(tmp_path / "killed"), "--resume"], env=env,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    whole = subprocess.run([*cmd, "--out", str(tmp_path / "whole")], env=env,
                           capture_output=True, text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    for name in ("runs.csv", "summary.csv", "events.csv", "series.csv"):
        assert (tmp_path / "killed" / name).read_text() == (tmp_path / "whole" / name).read_text()
    assert not partial.exists()


def test_compare_keeps_what_it_did_not_create(tmp_path: Path) -> None:
    """A user's own files in the checkpoint folder survive a finished comparison."""
    out = tmp_path / "out"
    (out / "partial").mkdir(parents=True)
    notes = out / "partial" / "my-notes.txt"
    notes.write_text("mine")
    compare(["self-help"], replications=2, years=3, n_states=8, seed=1, out=out,
            progress=False, workers=1)
    assert notes.read_text() == "mine"
    assert sorted(p.name for p in (out / "partial").iterdir()) == ["my-notes.txt"]
    # an empty folder the user made is theirs too: it stays
    (tmp_path / "empty").mkdir()
    compare(["self-help"], replications=1, years=2, n_states=8, seed=1, out=tmp_path / "o2",
            checkpoint=tmp_path / "empty", progress=False, workers=1)
    assert (tmp_path / "empty").is_dir() and not any((tmp_path / "empty").iterdir())


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
    import os
    import signal
    import subprocess
    import time

    cmd = [sys.executable, "-c", "from foedus.cli import main; main()", "compare",
           "--charters", "self-help,un-1965", "--replications", "40", "--years", "60",
           "--states", "40", "--workers", "2", "--seed", "5", "--out", str(tmp_path / "k")]
    proc = subprocess.Popen(cmd, env={**os.environ, "MPLBACKEND": "Agg"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = tmp_path / "k" / "partial"
    deadline = time.monotonic() + 120
    while not list(partial.glob("replication-*.json")) and time.monotonic() < deadline:
        assert proc.poll() is None, "the comparison ended early"
        time.sleep(0.05)
    workers = _descendants(proc.pid)
    assert workers, "no worker processes seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)]
