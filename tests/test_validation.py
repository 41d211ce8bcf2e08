"""Validation against the record: the record's metrics, backtest, hindcast, calibration, CLI.

Tests that need the reference data skip when ../shared/data (or $FOEDUS_TEST_DATA) is absent.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import foedus
from foedus import FoedusError
from foedus.cli import main
from foedus.engine.behaviour import Behaviour
from foedus.validation import (
    RECORD_METRICS,
    backtest,
    calibrate,
    era_charter,
    era_settings,
    hindcast,
    parse_periods,
    published_reliability,
    record_metrics,
    tail_slope,
    write_backtest_report,
)

DATA = Path(os.environ.get("FOEDUS_TEST_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "data"))
needs_data = pytest.mark.skipif(not (DATA / "cow_states" / "states2016.csv").is_file(),
                                reason=f"reference data not found at {DATA} (set FOEDUS_TEST_DATA)")


def test_tail_slope_of_a_pareto_sample() -> None:
    rng = np.random.default_rng(0)
    x = (1.0 - rng.random(20_000)) ** (-1.0 / 0.5)  # Pareto, CCDF slope -0.5
    assert tail_slope(x) == pytest.approx(-0.5, abs=0.05)
    assert math.isnan(tail_slope([1.0, 2.0]))


def test_the_league_era_starts_the_year_before_the_covenant() -> None:
    # the model's first year is start + 1: the League (in force 1920) from the world of 1919
    got = era_settings("league-1920", 1919, None)
    assert got is not None and not isinstance(got, dict) and got.anachronism == "allow"
    assert era_settings("league-1920", 1925, None) is None
    assert era_settings("un-1945", 1930, None) is None  # not founded by 1931: still refused


def test_era_charters_and_published_rates() -> None:
    assert era_charter(1850) == "balance-of-power"
    assert era_charter(1925) == "league-1920"
    assert era_charter(1950) == "un-1945"
    assert era_charter(1990) == "un-1965"
    assert published_reliability(1900) == 0.745
    assert published_reliability(1950) == 0.22
    assert parse_periods("1870:45, 1946:44") == [(1870, 45), (1946, 44)]
    with pytest.raises(foedus.FoedusError):
        parse_periods("1870")


@needs_data
def test_record_metrics_match_known_counts() -> None:
    rec = record_metrics(1946, 44, data_dir=DATA)
    assert set(RECORD_METRICS) <= set(rec)
    assert 0.3 < rec["war_onsets_per_100"] < 0.8
    assert rec["mid_onsets_per_100"] > 10 * rec["war_onsets_per_100"]
    early = record_metrics(1816, 54, data_dir=DATA)
    # violent state death collapses after 1945 (Fazal 2007)
    assert early["violent_state_deaths_per_100"] > 5 * rec["violent_state_deaths_per_100"]
    assert rec["determination_share"] is None


@needs_data
def test_backtest_is_seeded_and_has_every_metric(tmp_path: Path) -> None:
    a = backtest(1880, 5, replications=2, data_dir=DATA, seed=3)
    b = backtest(1880, 5, replications=2, data_dir=DATA, seed=3)
    assert a.to_dict() == b.to_dict()
    d = a.to_dict()
    assert set(d) >= {"start", "years", "model", "record"}
    assert set(d["model"]) == set(RECORD_METRICS)
    assert set(d["model"]["war_onsets_per_100"]) >= {"mean", "ci_low", "ci_high"}
    report = write_backtest_report(a, tmp_path / "r", data_dir=DATA)
    assert report.is_file() and (tmp_path / "r" / "war_onsets_per_100.png").is_file()


@needs_data
def test_escalation_makes_disputes_short_of_war() -> None:
    r = backtest(1880, 10, replications=2, data_dir=DATA, behaviour={"escalation": 0.1})
    m = r.model()
    assert m["mid_onsets_per_100"]["mean"] > m["war_onsets_per_100"]["mean"]


@needs_data
def test_hindcast_scores_held_out_years() -> None:
    h = hindcast(1950, 1957, data_dir=DATA, train_to=1953)
    f = h.frame
    assert {"year", "ccode_a", "ccode_b", "p_mid", "p_war", "base_mid", "mid", "war"} <= set(f.columns)
    assert ((f["p_war"] <= f["p_mid"] + 1e-12) & (f["p_mid"] >= 0) & (f["p_mid"] <= 1)).all()
    assert f.loc[f["test"], "year"].min() == 1954
    assert 0.5 < h.scores["baseline_mid"]["auc"] <= 1.0


@needs_data
def test_a_second_baseline_knows_the_dispute_history() -> None:
    """The dangerous-dyads logit plus the pair's dispute history (what the model's rivalry term
    knows) is fitted and scored like the first, and the history ranks MIDs better."""
    h = hindcast(1950, 1957, data_dir=DATA, train_to=1953)
    f = h.frame
    assert "dispute_history" in f and (f["dispute_history"] >= 0).all() and f["dispute_history"].max() > 0
    assert ((f["hist_mid"] >= 0) & (f["hist_mid"] <= 1)).all()
    assert h.scores["history_mid"]["auc"] > h.scores["baseline_mid"]["auc"]


def test_a_state_attacks_at_most_one_target_a_year_in_the_hindcast() -> None:
    from foedus.validation.hindcast import one_target

    a = np.array([0, 0, 0, 1, 1])
    p = np.array([0.5, 0.5, 0.2, 0.1, 0.0])
    q = one_target(a, p)
    assert q[:3].sum() == pytest.approx(1 - 0.5 * 0.5 * 0.8)  # attacks at all
    assert q[0] == q[1] > q[2] > 0 and q[3] == pytest.approx(0.1) and q[4] == 0
    assert (q <= p + 1e-12).all()


@needs_data
def test_hindcast_war_is_a_dispute_that_escalates() -> None:
    from foedus.validation.hindcast import model_year

    f = model_year(foedus.data.world_for_year(1880, data_dir=DATA), behaviour={"escalation": 0.25})
    assert len(f) and np.allclose(f["p_war"], 0.25 * f["p_mid"])  # no institution: no mediation
    g = model_year(foedus.data.world_for_year(1960, data_dir=DATA),
                   behaviour={"escalation": 0.5, "mediation": 1.0})
    assert (g["p_war"] == 0).mean() > 0.5  # the UN is seized of disputes among its members


@needs_data
def test_calibrate_reports_in_and_out_of_sample() -> None:
    c = calibrate([(1880, 5)], [(1950, 5)], trials=2, replications=1, data_dir=DATA,
                  space={"run.attack_threshold": (0.1, 0.2)})
    d = c.to_dict()
    assert set(d["best"]) == {"run.attack_threshold"}
    assert len(d["trials"]) == 2 and d["out_of_sample"]["periods"]


@needs_data
def test_calibrate_starts_from_the_defaults_and_resumes_from_its_journal(tmp_path: Path) -> None:
    space = {"run.attack_threshold": (0.1, 0.2), "behaviour.escalation": (0.3, 1.0)}
    journal = tmp_path / "trials.log"
    first = calibrate([(1880, 3)], trials=2, replications=1, data_dir=DATA, space=space,
                      journal=journal).to_dict()
    assert first["trials"][0]["behaviour.escalation"] == pytest.approx(
        min(1.0, max(0.3, Behaviour().escalation)))  # trial 0: the defaults, clipped
    again = calibrate([(1880, 3)], trials=3, replications=1, data_dir=DATA, space=space,
                      journal=journal).to_dict()
    assert len(again["trials"]) == 3  # one new trial; the first two were read back
    assert [t["loss"] for t in again["trials"][:2]] == [t["loss"] for t in first["trials"]]
    with pytest.raises(FoedusError, match="trials must be"):
        calibrate([(1880, 3)], trials=0, data_dir=DATA)


@needs_data
def test_cli_backtest_and_hindcast(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["backtest", "--start", "1880", "--years", "4", "--replications", "2",
                                  "--data-dir", str(DATA), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["start"] == 1880 and "war_onsets_per_100" in d["record"]
    out = tmp_path / "h.parquet"
    r = CliRunner().invoke(main, ["hindcast", "--from", "1950", "--to", "1955", "--data-dir", str(DATA),
                                  "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    assert out.is_file() and (tmp_path / "hindcast.html").is_file()
