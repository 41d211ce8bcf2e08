"""Experiments at scale: definitions, seeding, runner backends, the store, resume, analysis."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from foedus import export_results, results_report, results_summary, results_table, sobol_indices
from foedus._errors import FoedusError, InputError
from foedus.cli import main
from foedus.experiments.experiment import (
    Experiment,
    builtin_experiment_ids,
    builtin_experiments,
    experiment_from_dict,
    load_experiment,
)
from foedus.experiments.runner import RunTask, SerialExecutor, make_tasks, open_executor, sweep, task_world
from foedus.experiments.store import ResultStore
from foedus.seeding import replication_seeds, replication_sequence

# --- run functions defined here (module level, so they pickle by reference) ---------------------


def fake_run(task: RunTask) -> dict[str, Any]:
    """A fast deterministic stand-in for simulate: numbers from the run's own seed."""
    world_seq, run_seq = replication_seeds(task.seed, task.point, task.replication)
    w = np.random.default_rng(world_seq).random()
    x = np.random.default_rng(run_seq).random(4)
    size = float(task.world.get("n", 60))
    shift = {"a": 0.0, "b": 1.0}.get(task.system, 2.0)
    return {"metrics": {"world_draw": w, "score": float(x.mean()) + shift, "size": size},
            "series": {"year": np.arange(3), "level": x[:3]}}


def raising_run(task: RunTask) -> dict[str, Any]:
    """Like fake_run, but replication 1 of point 0 raises for the first system."""
    if task.point == 0 and task.replication == 1 and task.system == "un-1965":
        raise RuntimeError("deliberate failure in run (0, 1)")
    return fake_run(task)


def linear_run(task: RunTask) -> dict[str, Any]:
    """y = 4 x1 + x2 of the design parameters (for Sobol indices)."""
    x1 = task.params["world.bloc_cohesion"]
    x2 = task.params["world.affinity_noise"]
    return {"metrics": {"y": 4 * x1 + x2}}


def _exp(**kw: Any) -> Experiment:
    base: dict[str, Any] = {
        "name": "tiny", "systems": ["un-1965", "collective-security"],
        "scenario": {"world": {"n": 8}}, "years": 3, "replications": 2,
        "design": {"type": "full-factorial", "levels": {"world.n": [6, 9]}}, "seed": 7}
    base.update(kw)
    return experiment_from_dict(base)


def _metrics(path: Path) -> pd.DataFrame:
    with ResultStore(path, read_only=True) as st:
        return st.table("metrics")


# --- definitions --------------------------------------------------------------------------------


def test_toml_round_trip_and_dotted_keys(tmp_path: Path) -> None:
    f = tmp_path / "e.toml"
    f.write_text(textwrap.dedent("""
        name = "trial"
        description = "a question"
        systems = ["un-1965"]
        replications = 3
        years = 5
        seed = 11

        [scenario.world]
        n = 12

        [design]
        type = "full-factorial"

        [design.levels]
        world.n = [10, 20]
        "world.n_blocs" = [2, 3]
    """))
    exp = load_experiment(f)
    assert exp.parameters == ["world.n", "world.n_blocs"]
    assert exp.design_points() == [{"world.n": 10, "world.n_blocs": 2},
                                   {"world.n": 10, "world.n_blocs": 3},
                                   {"world.n": 20, "world.n_blocs": 2},
                                   {"world.n": 20, "world.n_blocs": 3}]
    again = Experiment.from_dict(exp.to_dict())
    assert again == exp and again.to_dict() == exp.to_dict()
    assert again.definition_hash() == exp.definition_hash()
    assert exp.n_runs() == 4 * 3 * 1
    assert exp.settings({"world.n": 20, "run.years": 9})["world"] == {"n": 20}
    assert exp.settings({"run.years": 9})["years"] == 9


def test_designs_are_seeded_and_typed() -> None:
    lhs = {"type": "latin-hypercube", "points": 6,
           "ranges": {"world.n": [5, 30], "world.major_share": [0.3, 0.6]}}
    a, b = _exp(design=lhs).design_points(), _exp(design=lhs).design_points()
    assert a == b and len(a) == 6
    assert all(isinstance(p["world.n"], int) and 5 <= p["world.n"] <= 30 for p in a)
    assert _exp(design=lhs, seed=8).design_points() != a
    # Each column of a Latin hypercube hits every one of the 6 strata exactly once.
    strata = sorted(int((p["world.major_share"] - 0.3) / 0.3 * 6) for p in a)
    assert strata == list(range(6))
    sob = _exp(design={"type": "sobol", "n": 8,
                       "ranges": {"world.major_share": [0.3, 0.6], "world.bloc_cohesion": [0, 1]}})
    assert len(sob.design_points()) == 8 * (2 + 2)


@pytest.mark.parametrize("exp_id", builtin_experiment_ids())
def test_builtin_experiments_load_and_cite(exp_id: str) -> None:
    exp = load_experiment(exp_id)
    assert exp.name == exp_id and exp.description and exp.citation
    assert exp.n_runs() <= 2000  # modest defaults


def test_builtin_experiment_ids() -> None:
    assert {"volunteer-membership", "veto", "credibility-deterrence", "ambiguity"} <= set(
        builtin_experiment_ids())
    assert len(builtin_experiments()) == len(builtin_experiment_ids())


BAD_FILES = [
    ('name = "x"\nsystems = ["un-1965"]\ncolour = "red"\n', "colour", "unknown field"),
    ('name = "x"\nsystems = ["un-1965"]\n[design]\ntype = "lhs"\n', "design", "lhs"),
    ('name = "x"\nsystems = ["un-1965"]\n[design]\ntype = "sobol"\nn = 10\n'
     '[design.ranges]\n"world.n" = [5, 10]\n', "design.n", "power of two"),
    ('name = "x"\nsystems = ["un-1965"]\n[design]\ntype = "full-factorial"\n'
     '[design.levels]\n"weather.rain" = [1, 2]\n', "design.levels.weather.rain", "unknown parameter"),
    ('name = "x"\nsystems = ["un-1965"]\n[design]\ntype = "latin-hypercube"\npoints = 3\n'
     '[design.ranges]\n"world.n" = [10, 5]\n', "design.ranges", "low < high"),
    ('name = "x"\nsystems = ["un-1999"]\n', "systems[0]", "unknown charter"),
    ('name = "x"\nsystems = ["un-1965"]\n[scenario.world]\nsize = 3\n', "scenario.world.size",
     "unknown world setting"),
    ('name = "x"\nsystems = ["un-1965"]\nreplications = 0\n', "replications", "greater than"),
    ('name = "x"\nsystems = ["un-1965"]\n[design]\ntype = "latin-hypercube"\npoints = 3\n'
     '[design.ranges]\n"behaviour.ambiguity" = [0.5, 1.5]\n', "design.ranges.behaviour.ambiguity",
     "outside its range: a number in [0, 1]"),
    ('name = "x"\nsystems = ["un-1965"]\n[run]\nactivation = "sometimes"\n', "run.activation",
     "'sometimes' is not one of random, simultaneous"),
    ('name = "x"\nsystems = ["un-1965"]\n[behaviour]\nambiguty = 0.3\n', "behaviour.ambiguty",
     "did you mean ambiguity"),
    ('name = "x"\nsystems = ["un-1965"\n', "", "TOML syntax error"),
]


@pytest.mark.parametrize(("text", "field", "problem"), BAD_FILES)
def test_malformed_experiment_files_are_rejected_clearly(tmp_path: Path, text: str, field: str,
                                                          problem: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(InputError) as err:
        load_experiment(f)
    assert str(f) in str(err.value) and problem in str(err.value)
    if field:
        assert any(fld == field for fld, _ in err.value.problems), err.value.problems
    res = CliRunner().invoke(main, ["sweep", str(f), "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 2
    assert "Traceback" not in res.output and str(f) in res.output and problem in res.output
    assert not (tmp_path / "s.duckdb").exists()


def test_unknown_experiment_id_lists_builtins() -> None:
    res = CliRunner().invoke(main, ["sweep", "vetoo"])
    assert res.exit_code == 2 and "did you mean veto" in res.output


# --- seeding ------------------------------------------------------------------------------------


def test_seeding_follows_spawn_key_and_common_random_numbers() -> None:
    exp = _exp()
    for i, r in [(0, 0), (1, 1), (3, 2)]:
        seq = replication_sequence(7, i, r)
        assert seq.spawn_key == (i, r) and seq.entropy == 7
        world_seq, run_seq = replication_seeds(7, i, r)
        assert world_seq.spawn_key == (i, r, 0) and run_seq.spawn_key == (i, r, 1)
        assert np.array_equal(world_seq.generate_state(4),
                              np.random.SeedSequence(7, spawn_key=(i, r)).spawn(2)[0].generate_state(4))
    tasks = make_tasks(exp)
    assert [t.key for t in tasks[:4]] == [(0, 0, "un-1965"), (0, 0, "collective-security"),
                                          (0, 1, "un-1965"), (0, 1, "collective-security")]
    from foedus.world import generate_world

    expected = generate_world(6, rng=np.random.default_rng(np.random.SeedSequence(7, spawn_key=(0, 1, 0))))
    w_a, w_b = task_world(tasks[2]), task_world(tasks[3])  # same (i, r), two systems
    for w in (w_a, w_b):
        assert np.array_equal(w.capability, expected.capability)
        assert np.array_equal(w.affinity, expected.affinity)
    assert not np.array_equal(task_world(tasks[0]).capability, expected.capability)


# --- runner machinery (fast, with the run functions above) -------------------------------------


def test_serial_executor_is_an_executor() -> None:
    ex = SerialExecutor()
    assert ex.submit(pow, 2, 5).result() == 32
    fut = ex.submit(int, "x")
    assert isinstance(fut.exception(), ValueError)
    ex.shutdown()
    with pytest.raises(RuntimeError):
        ex.submit(pow, 2, 2)


def test_serial_and_processes_give_identical_numbers(tmp_path: Path) -> None:
    exp = _exp(replications=3)
    a = sweep(exp, tmp_path / "a.duckdb", backend="serial", run_fn=fake_run)
    b = sweep(exp, tmp_path / "b.duckdb", backend="processes", workers=2, run_fn=fake_run,
              chunk_size=2)
    c = sweep(exp, tmp_path / "c.duckdb", backend="processes", workers=1, run_fn=fake_run)
    assert a.done == b.done == c.done == exp.n_runs() == 12 and a.errors == 0
    pd.testing.assert_frame_equal(_metrics(tmp_path / "a.duckdb"), _metrics(tmp_path / "b.duckdb"))
    pd.testing.assert_frame_equal(_metrics(tmp_path / "a.duckdb"), _metrics(tmp_path / "c.duckdb"))
    with ResultStore(tmp_path / "b.duckdb", read_only=True) as st:
        runs = st.table("runs")
        assert (runs["status"] == "done").all() and runs["worker"].str.contains(":").all()
        assert len(st.table("series")) == 12 * 3
        assert st.design()["world.n"].tolist() == [6, 9]
        row = st.experiment_row()
        assert row is not None and row["root_seed"] == 7 and row["hash"] == exp.definition_hash()


def test_a_raising_run_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    exp = _exp()
    path = tmp_path / "s.duckdb"
    res = sweep(exp, path, backend="processes", workers=2, run_fn=raising_run)
    assert (res.done, res.errors) == (exp.n_runs() - 1, 1)
    with ResultStore(path, read_only=True) as st:
        runs = st.table("runs")
        bad = runs[runs["status"] == "error"]
        assert bad[["point", "replication", "system"]].values.tolist() == [[0, 1, "un-1965"]]
        text = bad["error"].iloc[0]
        assert "Traceback" in text and "deliberate failure in run (0, 1)" in text
        assert "raising_run" in text
        assert runs.loc[runs["status"] == "done", "error"].isna().all()
    # Resume skips errored runs unless asked to retry them.
    again = sweep(exp, path, backend="serial", resume=True, run_fn=fake_run)
    assert (again.ran, again.skipped) == (0, exp.n_runs())
    retry = sweep(exp, path, backend="serial", resume=True, retry_errors=True, run_fn=fake_run)
    assert (retry.ran, retry.done) == (1, 1) and retry.stored == {"done": exp.n_runs()}
    ref = tmp_path / "ref.duckdb"
    sweep(exp, ref, backend="serial", run_fn=fake_run)
    pd.testing.assert_frame_equal(_metrics(path), _metrics(ref))


def test_store_refuses_a_different_definition_and_reuse_without_resume(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    sweep(_exp(), path, backend="serial", run_fn=fake_run)
    with pytest.raises(FoedusError, match="different definition"):
        sweep(_exp(seed=8), path, backend="serial", resume=True, run_fn=fake_run)
    with pytest.raises(FoedusError, match="--resume"):
        sweep(_exp(), path, backend="serial", run_fn=fake_run)
    # Prose does not change the numbers, so it does not change the hash.
    assert _exp(description="other words").definition_hash() == _exp().definition_hash()
    res = CliRunner().invoke(main, ["results", "summary", str(tmp_path / "missing.duckdb")])
    assert res.exit_code == 2 and "no results store" in res.output


def test_open_executor_rejects_bad_settings() -> None:
    with pytest.raises(FoedusError, match="unknown backend"), open_executor("threads"):
        pass
    with pytest.raises(FoedusError, match="needs --backend dask"), \
            open_executor("processes", scheduler="tcp://127.0.0.1:1"):
        pass


# --- analysis -----------------------------------------------------------------------------------


def test_summary_export_and_report(tmp_path: Path) -> None:
    exp = _exp(replications=4)
    path = tmp_path / "s.duckdb"
    sweep(exp, path, backend="serial", run_fn=raising_run)
    runs = results_table(path)
    assert len(runs) == exp.n_runs() - 1
    s = results_summary(path)
    assert list(s.columns) == ["point", "world.n", "system", "metric", "n", "mean", "std", "ci_low",
                               "ci_high", "method"]
    row = s[(s.point == 1) & (s.system == "collective-security") & (s.metric == "score")].iloc[0]
    vals = runs[(runs.point == 1) & (runs.system == "collective-security")]["score"].to_numpy()
    assert row["n"] == 4 and row["mean"] == pytest.approx(vals.mean())
    assert row["method"] == "bca"  # not a registry metric: the bootstrap, unbounded
    assert vals.min() <= row["ci_low"] <= row["mean"] <= row["ci_high"] <= vals.max()
    assert s[(s.point == 0) & (s.system == "un-1965")]["n"].eq(3).all()  # the errored run is out
    for fmt in ("parquet", "csv"):
        files = export_results(path, fmt, tmp_path / fmt)
        names = {f.name for f in files}
        assert {f"metrics.{fmt}", f"runs.{fmt}", f"series.{fmt}", f"results.{fmt}"} <= names
    back = pd.read_parquet(tmp_path / "parquet" / "metrics.parquet")
    assert len(back) == len(_metrics(path))
    assert len(pd.read_csv(tmp_path / "csv" / "results.csv")) == len(runs)
    index = results_report(path, tmp_path / "report")
    text = index.read_text()
    assert "tiny" in text and "deliberate failure" in text and "parameter-1.png" in text
    assert (tmp_path / "report" / "parameter-1.png").stat().st_size > 1000
    with pytest.raises(FoedusError, match="sobol design"):
        sobol_indices(path)


def test_sobol_indices_of_a_linear_model(tmp_path: Path) -> None:
    exp = _exp(systems=["un-1965"], replications=1,
               design={"type": "sobol", "n": 256,
                       "ranges": {"world.bloc_cohesion": [0.0, 1.0], "world.affinity_noise": [0.0, 1.0]}})
    path = tmp_path / "s.duckdb"
    sweep(exp, path, backend="serial", run_fn=linear_run)
    idx = sobol_indices(path).set_index("parameter")
    # y = 4 x1 + x2 with independent uniforms: S1 = ST = 16/17 and 1/17.
    assert idx.loc["world.bloc_cohesion", "S1"] == pytest.approx(16 / 17, abs=0.05)
    assert idx.loc["world.affinity_noise", "ST"] == pytest.approx(1 / 17, abs=0.03)
    res = CliRunner().invoke(main, ["results", "sobol", str(path), "--json"])
    assert res.exit_code == 0, res.output
    assert {d["parameter"] for d in json.loads(res.stdout)} == {"world.bloc_cohesion",
                                                                "world.affinity_noise"}
    assert "Sobol indices" in results_report(path, tmp_path / "r").read_text()


def test_morris_screening_ranks_the_parameters_of_a_linear_model(tmp_path: Path) -> None:
    from foedus.experiments import morris_indices

    exp = _exp(systems=["un-1965"], replications=1,
               design={"type": "morris", "trajectories": 20,
                       "ranges": {"world.bloc_cohesion": [0.0, 1.0],
                                  "world.affinity_noise": [0.0, 1.0]}})
    assert len(exp.design_points()) == 20 * 3
    path = tmp_path / "m.duckdb"
    sweep(exp, path, backend="serial", run_fn=linear_run)
    idx = morris_indices(path).set_index("parameter")
    # y = 4 x1 + x2: the elementary effects over the unit ranges are exactly 4 and 1, sigma 0
    assert idx.loc["world.bloc_cohesion", "mu_star"] == pytest.approx(4.0, rel=1e-6)
    assert idx.loc["world.affinity_noise", "mu_star"] == pytest.approx(1.0, rel=1e-6)
    assert idx["sigma"].max() == pytest.approx(0.0, abs=1e-9)
    res = CliRunner().invoke(main, ["results", "morris", str(path), "--json"])
    assert res.exit_code == 0, res.output
    assert {d["parameter"] for d in json.loads(res.stdout)} == {"world.bloc_cohesion",
                                                                "world.affinity_noise"}
    with pytest.raises(InputError, match="even"):
        _exp(design={"type": "morris", "trajectories": 4, "levels": 3,
                     "ranges": {"world.bloc_cohesion": [0.0, 1.0]}})


def test_results_cli(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    sweep(_exp(), path, backend="serial", run_fn=fake_run)
    cli = CliRunner()
    res = cli.invoke(main, ["results", "summary", str(path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {d["metric"] for d in data} == {"world_draw", "score", "size"}
    res = cli.invoke(main, ["results", "summary", str(path), "--metric", "score"])
    assert res.exit_code == 0 and "score" in res.output and "world_draw" not in res.output
    res = cli.invoke(main, ["results", "export", str(path), "--format", "csv", "--out",
                            str(tmp_path / "out"), "--json"])
    assert res.exit_code == 0 and (tmp_path / "out" / "metrics.csv").exists()
    res = cli.invoke(main, ["results", "report", str(path), "--out", str(tmp_path / "rep")])
    assert res.exit_code == 0 and (tmp_path / "rep" / "index.html").exists()
    res = cli.invoke(main, ["results", "sobol", str(path)])
    assert res.exit_code == 2 and "sobol design" in res.output
    res = cli.invoke(main, ["experiments", "--json"])
    assert res.exit_code == 0
    assert {d["id"] for d in json.loads(res.stdout)} == set(builtin_experiment_ids())
    assert "veto" in cli.invoke(main, ["experiments"]).output


# --- the real model, end to end -----------------------------------------------------------------


def test_run_one_is_simulate_with_the_run_seeds() -> None:
    from foedus.engine.model import simulate
    from foedus.experiments.runner import run_one
    from foedus.world import generate_world

    exp = _exp(design={"type": "none"}, scenario={"world": {"n": 10}}, years=4)
    task = next(t for t in make_tasks(exp) if t.key == (0, 1, "un-1965"))
    out = run_one(task)
    w_seq, r_seq = replication_seeds(7, 0, 1)  # the model's (and compare's) seeding
    direct = simulate("un-1965", world=generate_world(10, rng=np.random.default_rng(w_seq)),
                      years=4, rng=np.random.default_rng(r_seq))
    np.testing.assert_equal(out["metrics"], direct.metrics)
    pd.testing.assert_frame_equal(out["series"], direct.series)


def test_backends_give_identical_numbers_with_the_model(tmp_path: Path) -> None:
    exp = _exp()
    serial = sweep(exp, tmp_path / "serial.duckdb", backend="serial")
    procs = sweep(exp, tmp_path / "procs.duckdb", backend="processes", workers=2, chunk_size=1)
    assert serial.errors == procs.errors == 0 and serial.done == procs.done == exp.n_runs()
    ref = _metrics(tmp_path / "serial.duckdb")
    from foedus.engine.metrics import METRICS

    assert set(ref["metric"]) == set(METRICS) and len(ref) == exp.n_runs() * len(METRICS)
    pd.testing.assert_frame_equal(ref, _metrics(tmp_path / "procs.duckdb"))
    with ResultStore(tmp_path / "serial.duckdb", read_only=True) as a, \
            ResultStore(tmp_path / "procs.duckdb", read_only=True) as b:
        pd.testing.assert_frame_equal(a.table("series"), b.table("series"))
        assert len(a.table("series")) > 0
    try:
        from distributed import LocalCluster
    except ImportError:
        pytest.skip("dask.distributed is not installed (pip install 'foedus[dask]'): "
                    "the Dask backend comparison cannot run")
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        res = sweep(exp, tmp_path / "dask.duckdb", backend="dask",
                    scheduler=cluster.scheduler_address)
    assert res.done == exp.n_runs() and res.workers == 2
    pd.testing.assert_frame_equal(ref, _metrics(tmp_path / "dask.duckdb"))


def test_a_model_run_that_raises_is_recorded(tmp_path: Path) -> None:
    from foedus.experiments.experiment import FullFactorial

    # Validation refuses a world of 0 states; skip it (model_copy) to make real runs raise.
    exp = _exp().model_copy(update={"design": FullFactorial(type="full-factorial",
                                                            levels={"world.n": [0, 6]})})
    res = sweep(exp, tmp_path / "s.duckdb", backend="serial")
    assert (res.done, res.errors) == (4, 4)
    with ResultStore(tmp_path / "s.duckdb", read_only=True) as st:
        runs = st.table("runs")
    bad = runs[runs["status"] == "error"]
    assert set(bad["point"]) == {0}
    assert bad["error"].str.contains("n: 0 is outside its range").all()


def _state(pid: int) -> str | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next((line.split()[1] for line in text.splitlines() if line.startswith("State:")), None)


@pytest.mark.skipif(sys.platform != "linux", reason="uses SIGKILL and /proc")
def test_sweep_killed_halfway_resumes_without_repeating_or_losing_runs(tmp_path: Path) -> None:
    toml = tmp_path / "kill.toml"
    toml.write_text(textwrap.dedent("""
        name = "kill-me"
        systems = ["un-1965", "collective-security"]
        replications = 16
        years = 12
        seed = 3
        [scenario.world]
        n = 20
    """))
    exp = load_experiment(toml)
    total = exp.n_runs()
    store = tmp_path / "kill.duckdb"
    cmd = [sys.executable, "-c", "from foedus.cli import main; main()", "sweep", str(toml),
           "--store", str(store), "--backend", "processes", "--workers", "2", "--chunk-size", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    seen = ""
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1.0)
            if not ready:
                assert proc.poll() is None, f"sweep ended early: {seen}"
                continue
            line = proc.stderr.readline()
            seen += line
            if line.startswith("kill-me:") and not line.startswith("kill-me: 0/"):
                break  # some runs are committed to the store
        else:
            pytest.fail(f"no progress from the sweep: {seen}")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with ResultStore(store, read_only=True) as st:
        before = st.table("runs")
        workers = {int(w.rsplit(":", 1)[1]) for w in before["worker"]}
    assert 0 < len(before) < total, (len(before), seen)
    # The pool's workers notice that the driver died and exit: no orphans keep computing.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_state(p) not in (None, "Z") for p in workers):
        time.sleep(0.2)
    assert all(_state(p) in (None, "Z") for p in workers)

    res = CliRunner().invoke(main, ["sweep", str(toml), "--store", str(store), "--resume",
                                    "--workers", "2", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["skipped"] == len(before) and out["ran"] == total - len(before)
    assert out["stored"] == {"done": total}
    with ResultStore(store, read_only=True) as st:
        runs = st.table("runs")
        assert len(runs) == total and not runs.duplicated(["point", "replication", "system"]).any()
        kept = runs.merge(before, on=["point", "replication", "system"], suffixes=("", "_before"))
        assert (kept["finished"] == kept["finished_before"]).all()  # finished runs not redone
        metrics = st.table("metrics")
    assert not metrics.duplicated(["point", "replication", "system", "metric"]).any()
    ref = tmp_path / "ref.duckdb"
    sweep(exp, ref, backend="processes", workers=2)
    pd.testing.assert_frame_equal(metrics, _metrics(ref))
    # A different definition is refused, clearly, on resume.
    toml.write_text(toml.read_text().replace("seed = 3", "seed = 4"))
    res = CliRunner().invoke(main, ["sweep", str(toml), "--store", str(store), "--resume"])
    assert res.exit_code == 2 and "different definition" in res.output
    assert "Traceback" not in res.output


# --- an experiment on a data year -------------------------------------------------------------


def test_experiment_on_a_data_year(tmp_path: Path, shared_data: Path) -> None:
    """scenario.year builds the COW/ATOP world of that year for every run (docs/model.md §Experiments and seeding)."""
    from foedus import world_for_year
    from foedus.engine.model import simulate

    exp_file = tmp_path / "league.toml"
    exp_file.write_text(textwrap.dedent("""
        name = "league-1935"
        systems = ["self-help", "league-1920"]
        replications = 2
        years = 3
        seed = 11
        [scenario]
        year = 1935
    """))
    res = CliRunner().invoke(main, ["sweep", str(exp_file), "--store", str(tmp_path / "s.duckdb"),
                                    "--backend", "serial", "--data-dir", str(shared_data),
                                    "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["done"] == 4
    runs = results_table(tmp_path / "s.duckdb")
    # replication 1 of league-1920 equals a direct run on the 1935 world with the same seed
    exp = load_experiment(exp_file)
    _, run_seq = replication_seeds(exp.seed, 0, 1)
    direct = simulate("league-1920", world=world_for_year(1935, data_dir=shared_data), years=3,
                      rng=np.random.default_rng(run_seq))
    row = runs[(runs["system"] == "league-1920") & (runs["replication"] == 1)].iloc[0]
    for metric, value in direct.metrics.items():
        assert row[metric] == pytest.approx(value, nan_ok=True), metric
    # without the data: one clear error before any run, nothing half-done
    empty = tmp_path / "empty"
    empty.mkdir()
    res = CliRunner().invoke(main, ["sweep", str(exp_file), "--store", str(tmp_path / "t.duckdb"),
                                    "--backend", "serial", "--data-dir", str(empty)])
    assert res.exit_code == 2 and "foedus data import" in res.output
