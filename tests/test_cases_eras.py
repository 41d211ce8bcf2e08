"""Charters that extend charters, reforms laid over the charter of their era, and refusals."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import foedus
from foedus import FoedusError
from foedus.cli import main
from foedus.history import replay
from foedus.rules.charter import charter_from_dict, reform_onto


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_un_1965_is_un_1945_with_the_1965_amendment() -> None:
    old, new = foedus.load_charter("un-1945"), foedus.load_charter("un-1965")
    assert new.lineage == ("un-1945",) and new.base == "un-1945"
    assert new.body("council").seats == 15 and old.body("council").seats == 11
    assert new.body("council").rules["determination"].threshold == 9
    assert new.date is None and old.date is not None  # `unset = ["date"]`
    assert new.body("council").rules["determination"].abstention_note  # inherited


@pytest.mark.parametrize("rid", ["un-no-veto", "un-veto-override", "un-g4"])
def test_built_in_reforms_are_a_few_lines_over_un_1965(rid: str) -> None:
    ch = foedus.load_charter(rid)
    assert ch.reform and ch.lineage == ("un-1965", "un-1945")
    text = Path(foedus.__file__).parent.joinpath("rules", "charters", f"{rid}.toml").read_text()
    assert 'extends = "un-1965"' in text and len(text.splitlines()) < 60


@pytest.mark.parametrize("case_id, kept", [
    ("korea-1950", ["S/RES/82", "S/RES/83", "S/RES/84"]),
    ("suez-1956", ["S/RES/119"]),
])
def test_no_veto_councils_of_1950_and_1956_keep_7_of_11(case_id: str, kept: list[str]) -> None:
    rp = replay(case_id, charter="un-no-veto")
    assert rp.charter.startswith("un-no-veto-on-un-1945")
    for d in rp.decisions:
        if d.id in kept:
            assert d.computed == "adopted", d.decision.reason
        if d.body == "council":
            assert "of 11 seats" in d.rule
    assert any("laid over" in n for n in rp.notes)


def test_no_veto_in_1950_flips_only_the_soviet_veto() -> None:
    assert replay("korea-1950", charter="un-no-veto").flipped == ["S/1653"]


def test_no_veto_in_2022_is_used_as_it_is() -> None:
    rp = replay("ukraine-2022", charter="un-no-veto")
    assert rp.charter == "un-no-veto" and "9 of 15 seats" in rp.decisions[0].rule


@pytest.mark.parametrize("charter", ["un-1965", "un-1965-ufp", "un-g4"])
def test_a_charter_that_does_not_fit_the_seats_of_the_day_is_refused(charter: str) -> None:
    with pytest.raises(FoedusError, match=r"does not fit.*11.*un-1945-ufp"):
        replay("korea-1950", charter=charter)


def test_the_cli_refuses_with_exit_2_and_no_traceback(runner: CliRunner) -> None:
    r = runner.invoke(main, ["case", "replay", "korea-1950", "--charter", "un-g4"])
    assert r.exit_code == 2 and "Traceback" not in r.output and "does not fit" in r.output


def test_reform_onto_keeps_the_era_and_changes_the_veto() -> None:
    ch = reform_onto(foedus.load_charter("un-no-veto"), foedus.load_charter("un-1945"))
    rule = ch.body("council").rules["measures"]
    assert rule.threshold == 7 and rule.veto == "none" and ch.body("council").seats == 11


def test_charter_show_resolved_round_trips(runner: CliRunner) -> None:
    r = runner.invoke(main, ["charter", "show", "un-no-veto", "--resolved"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("# un-no-veto: resolved from un-no-veto <- un-1965 <- un-1945")
    again = charter_from_dict(tomllib.loads(r.output))
    assert again.model_dump() == foedus.load_charter("un-no-veto").model_dump()
    j = json.loads(runner.invoke(main, ["charter", "show", "un-1965", "--resolved",
                                        "--json"]).output)
    assert j["lineage"] == ["un-1945"] and j["bodies"][0]["elected"] == 10


def test_a_user_reform_in_three_lines(tmp_path: Path, runner: CliRunner) -> None:
    f = tmp_path / "my-reform.toml"
    f.write_text('extends = "un-1965"\nid = "my-reform"\nname = "Mine"\n\n[[bodies]]\n'
                 'id = "council"\n[bodies.rules.measures]\nthreshold = 10\n', encoding="utf-8")
    ch = foedus.load_charter(f)
    assert ch.body("council").rules["measures"].threshold == 10 and ch.base == "un-1965"
    r = runner.invoke(main, ["charter", "check", str(f)])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("text, field, words", [
    ('extends = "un-1999"\nid = "x"\n', "extends", "unknown charter 'un-1999'"),
    ('extends = "un-1965"\nid = "x"\nvetoo = 3\n', "vetoo", "an override of a field"),
    ('extends = "un-1965"\nid = "x"\n[[bodies]]\nid = "council"\nseatz = 3\n', "seatz",
     "an override of a field"),
    ('extends = 3\nid = "x"\n', "extends", "must name a charter"),
    ('extends = "un-1965"\nid = "x"\nunset = ["nothing"]\n', "unset[0]", "is not set"),
])
def test_bad_extends_exit_2_naming_file_field_and_problem(tmp_path: Path, runner: CliRunner,
                                                          text: str, field: str,
                                                          words: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    r = runner.invoke(main, ["charter", "check", str(f)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert str(f) in r.output and field in r.output and words in r.output, r.output


def test_an_extends_cycle_is_named(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\nid = "a"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\nid = "b"\n', encoding="utf-8")
    r = runner.invoke(main, ["charter", "check", str(tmp_path / "a.toml")])
    assert r.exit_code == 2 and "cycle" in r.output and "Traceback" not in r.output, r.output
