"""Screening the calibration's free parameters (Morris, SALib): ``foedus.validation.screen``
and ``foedus screen``. Tests that need the reference data skip when ../shared/data (or
$FOEDUS_TEST_DATA) is absent."""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from foedus import FoedusError
from foedus.cli import main
from foedus.validation import Screening, screen
from foedus.validation.calibrate import TERMS, period_loss, period_terms
from foedus.validation.screen import OUTPUTS

TWO = {"run.attack_threshold": (0.1, 0.6), "behaviour.escalation": (0.05, 0.5)}


def test_the_loss_is_the_sum_of_its_terms() -> None:
    model = {"war_onsets_per_100": 1.0, "mid_onsets_per_100": 10.0,
             "violent_state_deaths_per_100": math.nan, "alliance_reliability": 0.5,
             "severity_tail_slope": math.nan, "mid_auc": 0.7}
    record = {"war_onsets_per_100": 0.5, "mid_onsets_per_100": 12.0,
              "violent_state_deaths_per_100": 0.1}
    t = period_terms(model, record, 1900)
    assert list(t) == list(TERMS)
    assert t["violent_state_deaths"] == 0.0 and t["tail_slope"] == 0.0  # undefined: not counted
    assert t["war_onsets"] == pytest.approx(4 * math.log(1.05 / 0.55) ** 2)
    assert t["reliability"] == pytest.approx(((0.5 - 0.745) / 0.2) ** 2)
    assert t["auc"] == pytest.approx(((1 - 0.7) / 0.2) ** 2)
    assert period_loss(model, record, 1900) == pytest.approx(sum(t.values()))


def _fake_evaluate(params: dict[str, float], periods: Any, **_: Any) -> dict[str, Any]:
    """A loss that only the attack threshold moves: war onsets rise with it."""
    war = 0.2 + 4.0 * params["run.attack_threshold"]
    model = {"war_onsets_per_100": war, "mid_onsets_per_100": 10.0}
    record = {"war_onsets_per_100": 1.0, "mid_onsets_per_100": 10.0}
    rows = [{"start": s, "years": y, "model": model, "record": record} for s, y in periods]
    return {"loss": sum(period_loss(model, record, s) for s, _ in periods), "periods": rows}


def test_a_parameter_without_effect_screens_out(monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("foedus.validation.screen")  # the name is the function's
    monkeypatch.setattr(module, "evaluate", _fake_evaluate)
    s = screen([(1900, 5), (1950, 5)], space=TWO, trajectories=6, seed=3)
    loss = s.ranking("loss")
    assert list(loss["parameter"]) == ["run.attack_threshold", "behaviour.escalation"]
    assert loss["mu_star"].iloc[0] > 0 and loss["mu_star"].iloc[1] == 0
    wars = s.ranking("war_onsets").set_index("parameter")["mu_star"]
    assert wars["run.attack_threshold"] > 0 and wars["behaviour.escalation"] == 0
    assert (s.ranking("mid_onsets")["mu_star"] == 0).all()  # a constant output: no effect
    assert np.allclose(s.points["loss"], s.points["war_onsets"])  # the only term that moves
    with pytest.raises(FoedusError, match="unknown 'nonsense'"):
        s.ranking("nonsense")


@pytest.mark.parametrize(("kw", "match"), [
    ({"trajectories": 0}, "trajectories must be 1..100"),
    ({"trajectories": 101}, "trajectories must be 1..100"),
    ({"levels": 3}, "levels must be even and 2..16"),
    ({"levels": 18}, "levels must be even and 2..16"),
    ({"replications": 0}, "replications must be 1..100"),
    ({"replications": 101}, "replications must be 1..100"),
])
def test_sizes_are_bounded_before_any_work(kw: dict[str, int], match: str) -> None:
    with pytest.raises(FoedusError, match=match):
        screen([(1870, 5)], space=TWO, data_dir="/nonexistent", **kw)
    with pytest.raises(FoedusError, match="at least one period"):
        screen([], space=TWO, data_dir="/nonexistent")
    with pytest.raises(FoedusError, match="unknown free parameter"):
        screen([(1870, 5)], space={"behaviour.nonsense": (0.0, 1.0)}, data_dir="/nonexistent")
    with pytest.raises(FoedusError, match="LOW < HIGH"):
        screen([(1870, 5)], space={"behaviour.escalation": (0.5, 0.5)}, data_dir="/nonexistent")


def test_cli_names_bad_input_with_exit_2(tmp_path: Path) -> None:
    for args, needle in [(["--params", "behaviour.nonsense"], "behaviour.nonsense"),
                         (["--periods", "1870-5"], "START:YEARS"),
                         (["--trajectories", "500"], "trajectories must be 1..100")]:
        r = CliRunner().invoke(main, ["screen", *args, "--data-dir", str(tmp_path)])
        assert r.exit_code == 2, r.output
        assert needle in r.output and "Traceback" not in r.output


def test_a_tiny_screen_on_the_record_is_complete_and_reproducible(shared_data: Path) -> None:
    a = screen([(1870, 5)], space=TWO, trajectories=2, seed=7, data_dir=shared_data)
    assert isinstance(a, Screening) and len(a.points) == 2 * (len(TWO) + 1)
    idx = a.indices
    assert set(zip(idx["parameter"], idx["output"], strict=True)) == {
        (p, o) for p in TWO for o in OUTPUTS}
    assert idx["mu_star"].notna().all() and (idx["mu_star"] >= 0).all()
    # Morris's design: within a trajectory, consecutive points differ in exactly one parameter
    for _, traj in a.points.groupby("trajectory"):
        steps = (traj[list(TWO)].diff().iloc[1:] != 0).sum(axis=1)
        assert (steps == 1).all()
    for name, (lo, hi) in TWO.items():
        assert a.points[name].between(lo, hi).all()
    assert np.allclose(a.points["loss"], a.points[list(TERMS)].sum(axis=1))
    b = screen([(1870, 5)], space=TWO, trajectories=2, seed=7, data_dir=shared_data)
    pd.testing.assert_frame_equal(a.indices, b.indices)
    pd.testing.assert_frame_equal(a.points, b.points)
    d = json.loads(json.dumps(a.to_dict()))
    assert set(d["indices"]) == set(OUTPUTS) and len(d["points"]) == 6
    ranked = [r["mu_star"] for r in d["indices"]["loss"]]
    assert ranked == sorted(ranked, reverse=True)


def test_cli_screen_writes_json(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "screen.json"
    r = CliRunner().invoke(main, ["screen", "--periods", "1870:3", "--params",
                                  "run.attack_threshold,behaviour.escalation", "--trajectories", "1",
                                  "--data-dir", str(shared_data), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d == json.loads(out.read_text())
    assert d["settings"]["points"] == 3 and set(d["indices"]) == set(OUTPUTS)
    r = CliRunner().invoke(main, ["screen", "--periods", "1870:3", "--params", "run.attack_threshold",
                                  "--trajectories", "1", "--data-dir", str(shared_data)])
    assert r.exit_code == 0 and "run.attack_threshold" in r.stdout and "loss" in r.stdout
