"""Crash safety (issue 17): sweeps and comparisons killed with SIGKILL at random moments, the
resume killed again, then completed; every run is stored exactly once with the numbers of an
uninterrupted run. A worker process that dies has its chunk retried (a bounded number of times)
and the sweep goes on, with the retry recorded in the store.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

import foedus
from foedus.experiments import ResultStore
from foedus.experiments.runner import MAX_CHUNK_RETRIES, RunTask, run_one

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses SIGKILL")

KEY = ["point", "replication", "system"]


def _marker(task: RunTask, tag: str) -> Path:
    return Path(tempfile.gettempdir()) / f"foedus-crash-{tag}-{task.seed}-{task.point}-" \
                                          f"{task.replication}-{task.system}"


def dies_once(task: RunTask) -> dict[str, object]:
    """Kill this worker process the first time replication 1 of the first system runs."""
    if task.replication == 1 and task.system == "self-help":
        marker = _marker(task, "once")
        if not marker.exists():
            marker.write_text("died")
            os.kill(os.getpid(), signal.SIGKILL)
    return run_one(task)


def always_dies(task: RunTask) -> dict[str, object]:
    """Kill this worker process every time replication 2 runs."""
    if task.replication == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return run_one(task)


def _experiment(seed: int, replications: int = 4) -> foedus.Experiment:
    return foedus.Experiment.from_dict({
        "name": "crash", "systems": ["self-help", "un-1965"], "replications": replications,
        "years": 8, "scenario": {"world": {"n": 12}}, "seed": seed})


def _metrics(store: Path) -> pd.DataFrame:
    with ResultStore(store, read_only=True) as st:
        return st.table("metrics").sort_values([*KEY, "metric"]).reset_index(drop=True)


def test_a_dead_worker_has_its_chunk_retried_and_the_sweep_goes_on(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    exp = _experiment(seed)
    res = foedus.sweep(exp, tmp_path / "a.duckdb", backend="processes", workers=2,
                       chunk_size=1, run_fn=dies_once)
    assert res.stored == {"done": exp.n_runs()}
    with ResultStore(tmp_path / "a.duckdb", read_only=True) as st:
        runs = st.table("runs")
    notes = runs[runs["error"].notna()]
    assert len(notes) >= 1 and notes["error"].str.contains("worker process died").all()
    assert ((notes["replication"] == 1) & (notes["system"] == "self-help")).any()
    foedus.sweep(exp, tmp_path / "b.duckdb", backend="serial")
    pd.testing.assert_frame_equal(_metrics(tmp_path / "a.duckdb"), _metrics(tmp_path / "b.duckdb"))


def test_a_chunk_whose_worker_always_dies_is_recorded_as_error(tmp_path: Path) -> None:
    exp = _experiment(random.randrange(1 << 30))
    res = foedus.sweep(exp, tmp_path / "a.duckdb", backend="processes", workers=1,
                       chunk_size=1, run_fn=always_dies)
    assert res.stored == {"done": exp.n_runs() - 2, "error": 2}
    with ResultStore(tmp_path / "a.duckdb", read_only=True) as st:
        runs = st.table("runs")
    errors = runs[runs["status"] == "error"]
    assert set(errors["replication"]) == {2}
    assert errors["error"].str.contains(f"{MAX_CHUNK_RETRIES} retries").all()


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from foedus.cli import main; main()", *args]


def _run_and_kill(cmd: list[str], store: Path, delay: float, cwd: Path) -> int:
    """Start ``cmd``, SIGKILL it ``delay`` seconds after its store appears (or when it ends
    first); return its exit code."""
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, "MPLBACKEND": "Agg"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not store.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    end = time.monotonic() + delay
    while proc.poll() is None and time.monotonic() < end:
        time.sleep(0.02)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=60)


def _check_exactly_once(store: Path, whole: Path, total: int) -> None:
    with ResultStore(store, read_only=True) as st:
        runs = st.table("runs")
    assert len(runs) == total and not runs.duplicated(KEY).any()
    assert (runs["status"] == "done").all()
    pd.testing.assert_frame_equal(_metrics(store), _metrics(whole))


def test_sweep_killed_twice_at_random_moments_then_resumed(tmp_path: Path) -> None:
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    toml = tmp_path / "crash.toml"
    toml.write_text(f'name = "crash"\nsystems = ["self-help", "un-1965"]\nreplications = 10\n'
                    f"years = 10\nseed = {seed}\n[scenario.world]\nn = 16\n")
    store = tmp_path / "crash.duckdb"
    base = ["sweep", str(toml), "--store", str(store), "--workers", "2", "--chunk-size", "1"]
    delays = [rng.uniform(0.0, 3.0), rng.uniform(0.0, 2.0)]
    _run_and_kill(_cli(*base), store, delays[0], tmp_path)
    _run_and_kill(_cli(*base, "--resume"), store, delays[1], tmp_path)  # killed again
    done = subprocess.run(_cli(*base, "--resume"), cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, (delays, done.stderr)
    foedus.sweep(toml, tmp_path / "whole.duckdb", backend="serial")
    _check_exactly_once(store, tmp_path / "whole.duckdb", 20)


def test_compare_killed_twice_at_random_moments_then_resumed(tmp_path: Path) -> None:
    rng = random.Random()
    args = ["compare", "--charters", "self-help,nato", "--replications", "8", "--years", "20",
            "--states", "20", "--workers", "2", "--seed", str(rng.randrange(1 << 20))]
    out = tmp_path / "killed"
    store = out / "results.duckdb"
    delays = [rng.uniform(0.0, 3.0), rng.uniform(0.0, 2.0)]
    first = _run_and_kill(_cli(*args, "--out", str(out)), store, delays[0], tmp_path)
    if first == 0:  # finished before the kill: resume must still be a no-op with same numbers
        pass
    _run_and_kill(_cli(*args, "--out", str(out), "--resume"), store, delays[1], tmp_path)
    done = subprocess.run(_cli(*args, "--out", str(out), "--resume"), cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (delays, done.stderr)
    whole = subprocess.run(_cli(*args, "--out", str(tmp_path / "whole")), cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    _check_exactly_once(store, tmp_path / "whole" / "results.duckdb", 16)
    for name in ("runs.csv", "summary.csv"):
        assert (out / name).read_text() == (tmp_path / "whole" / name).read_text(), name
