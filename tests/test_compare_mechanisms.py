"""`foedus compare --set FIELD=VALUE`: the off-by-default mechanisms (arms racing, the
deterrent, appeasement, delegation) from the command line, and what compare reports of them
(issue 18; docs/cli.md, docs/arms.md)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

import foedus
from foedus.cli import main
from foedus.engine import parse_settings

SMALL = ["--replications", "2", "--years", "12", "--states", "24", "--seed", "3",
         "--workers", "1"]


def test_parse_settings_types_each_value_by_its_field() -> None:
    got = parse_settings(["arms_race=on", "deterrent=on", "deterrent_lag=7",
                          "arms_reaction= 0.1", "delegation=lead-state"])
    assert got == {"arms_race": "on", "deterrent": "on", "deterrent_lag": 7,
                   "arms_reaction": 0.1, "delegation": "lead-state"}
    assert isinstance(got["deterrent_lag"], int)
    assert parse_settings([]) == {}


@pytest.mark.parametrize(("item", "names"), [
    ("arms_racing=on", ["arms_racing", "arms_race"]),       # unknown, with a suggestion
    ("arms_race=yes", ["arms_race", "off, on"]),             # not a choice
    ("arms_reaction=2", ["arms_reaction", "[0, 1]"]),        # out of range
    ("arms_reaction=lots", ["arms_reaction", "lots"]),       # not a number
    ("deterrent_lag=2.5", ["deterrent_lag", "whole number"]),
    ("arms_race", ["FIELD=VALUE"]),                          # no '='
])
def test_a_bad_set_names_the_field_and_the_problem(runner: CliRunner, item: str,
                                                   names: list[str]) -> None:
    with pytest.raises(foedus.FoedusError) as err:
        parse_settings([item])
    for name in names:
        assert name in str(err.value)
    r = runner.invoke(main, ["compare", "--charters", "self-help", "--no-report", *SMALL,
                             "--set", item])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and names[0] in r.output


def test_the_deterrent_without_arms_racing_and_a_repeated_field_are_refused(
        runner: CliRunner) -> None:
    r = runner.invoke(main, ["compare", "--charters", "self-help", "--no-report", *SMALL,
                             "--set", "deterrent=on"])
    assert r.exit_code == 2 and "arms_race" in r.output and "Traceback" not in r.output
    with pytest.raises(foedus.FoedusError, match=r"arms_race.*twice"):
        parse_settings(["arms_race=on", "arms_race=off"])


def test_compare_with_arms_racing_reports_burden_races_deterrents_and_their_dynamics(
        runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "rep"
    args = ["compare", "--charters", "self-help,un-1965-ufp", *SMALL, "--out", str(out),
            "--set", "arms_race=on", "--set", "deterrent=on"]
    r = runner.invoke(main, [*args, "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["provenance"]["settings"]["model"]["arms_race"] == "on"
    for system in ("self-help", "un-1965-ufp"):
        res = d["results"][system]
        assert 0.0 < res["military_burden"]["mean"] < 0.5
        assert res["arms_race_intensity"]["mean"] is not None
        assert res["deterrents_acquired"]["mean"] is not None
        assert res["attacks_per_100_small"]["mean"] is not None  # the breakdown by size
        dyn = d["arms_dynamics"][system]
        assert dyn["year"] == list(range(1, 13))
        assert len(dyn["military_burden"]) == 12 and all(
            0.0 < b < 0.5 for b in dyn["military_burden"])
        assert all(x is not None and x >= 0 for x in dyn["deterrents"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Arms racing over time" in html and "fig-arms-military_burden" in html
    assert "Who benefits" in html and "Deterrents acquired per run" in html
    assert (out / "arms_military_burden.png").exists()
    series = (out / "series.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"military_burden", "arms_racing", "deterrents"} <= set(series)
    r = runner.invoke(main, [*args, "--no-report"])
    assert r.exit_code == 0, r.output
    assert "Arms racing" in r.output and "Deterrents acquired" in r.output
    assert "Who benefits" in r.output


def test_without_set_nothing_of_arms_racing_is_reported(runner: CliRunner,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "rep"
    r = runner.invoke(main, ["compare", "--charters", "self-help", *SMALL, "--out", str(out),
                             "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert "arms_dynamics" not in d
    assert d["results"]["self-help"]["military_burden"]["mean"] is None
    assert "Arms racing over time" not in (out / "report.html").read_text(encoding="utf-8")
    assert not (out / "arms_military_burden.png").exists()


@pytest.mark.parametrize("fields", [{"appeasement": "on"}, {"delegation": "lead-state"}])
def test_set_gives_the_numbers_of_the_python_keyword(runner: CliRunner,
                                                     fields: dict[str, str]) -> None:
    sets = [a for k, v in fields.items() for a in ("--set", f"{k}={v}")]
    r = runner.invoke(main, ["compare", "--charters", "un-1945", "--no-report", *SMALL, *sets,
                             "--json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)["results"]["un-1945"]
    comp = foedus.compare(["un-1945"], replications=2, years=12, n_states=24, seed=3,
                          workers=1, progress=False, **fields)
    want = comp.table.set_index("metric")["mean"]
    metric = "concessions_per_100" if "appeasement" in fields else "lead_found"
    for m in (metric, "attempts_per_100", "aggressor_success_rate"):
        w = float(want[m])
        assert (got[m]["mean"] is None) if math.isnan(w) else got[m]["mean"] == pytest.approx(w)
    if "appeasement" in fields:
        assert got[metric]["mean"] is not None  # on: defined (off: NaN)
