"""Charters load, validate, cite their articles, and malformed files fail clearly (exit 2)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

import foedus
from foedus.cli import main

EXPECTED_IDS = {"self-help", "balance-of-power", "collective-security", "league-1920", "un-1945", "un-1945-ufp",
                "un-1965", "un-1965-ufp", "nato", "csto", "rio", "bilateral-pact", "un-no-veto",
                "un-veto-override", "un-g4", "warsaw-pact", "anzus", "seato", "us-philippines",
                "us-rok", "us-roc"}


def test_every_builtin_charter_is_present_and_valid() -> None:
    assert set(foedus.builtin_charter_ids()) == EXPECTED_IDS
    for ch in foedus.rules.builtin_charters():
        assert ch.id in EXPECTED_IDS
        assert ch.citation and ch.summary


@pytest.mark.parametrize("charter_id", sorted(EXPECTED_IDS))
def test_every_rule_and_step_cites_an_article(charter_id: str) -> None:
    ch = foedus.load_charter(charter_id)
    for body in ch.bodies:
        assert body.article
        for q, rule in body.rules.items():
            assert rule.article, f"{charter_id}: {body.id}.{q} has no article"
    for step in ch.procedure:
        assert step.article, f"{charter_id}: step {step.id} has no article"


def test_reform_variants_differ_from_un_1965_only_in_rules() -> None:
    base = foedus.load_charter("un-1965")
    for rid in ("un-no-veto", "un-veto-override", "un-g4"):
        ch = foedus.load_charter(rid)
        assert ch.base == "un-1965"
        assert ch.membership == base.membership and ch.scope == base.scope
        assert [s.measure for s in ch.procedure] == [s.measure for s in base.procedure]
    assert foedus.load_charter("un-no-veto").body("council").veto_holders("determination") == []
    g4 = foedus.load_charter("un-g4").body("council")
    assert len(g4.permanent) == 9 and len(g4.veto_holders("determination")) == 5


def test_state_aliases_resolve_to_cow_codes() -> None:
    assert foedus.resolve_state("USSR") == "RUS"
    assert foedus.resolve_state("United Kingdom") == "UKG"
    assert foedus.resolve_state("Siam") == "THI"
    assert foedus.resolve_state("ROC") == "TAW"
    assert foedus.resolve_state("China") == "CHN"
    assert foedus.resolve_state(365) == "RUS"
    assert foedus.resolve_state("rus") == "RUS"
    with pytest.raises(foedus.UnknownNameError, match="did you mean"):
        foedus.resolve_state("Rusia")


def test_china_seat_holder_changes_in_1971() -> None:
    council = foedus.load_charter("un-1945").body("council")
    assert council.holder("CHN", dt.date(1950, 6, 25)) == "TAW"
    assert council.holder("CHN", dt.date(1972, 1, 1)) == "CHN"
    assert council.veto_holders("determination", dt.date(1956, 10, 30)) == [
        "USA", "UKG", "FRN", "RUS", "TAW"]
    assert "A/RES/2758" in council.seat_holders[0].note


def test_registry_agrees_with_cow_state_list(shared_data: Path) -> None:
    with (shared_data / "cow_states" / "states2016.csv").open(newline="") as fh:
        rows = {(r["stateabb"], int(r["ccode"]), r["statenme"]) for r in csv.DictReader(fh)}
    ours = {(s.abb, s.ccode, s.name) for s in foedus.states()}
    assert ours == rows


VALID = """
id = "mini"
name = "Mini council"
kind = "collective-security"
summary = "A test institution."
year = 2000
citation = "Test"

[[bodies]]
id = "council"
name = "Council"
article = "Art. 1"
permanent = ["USA", "RUS"]
elected = 3

[bodies.rules.determination]
threshold = 3
veto = "permanent"
article = "Art. 2"

[[procedure]]
id = "determination"
measure = "determination"
body = "council"
question = "determination"
bindingness = "binding"
article = "Art. 3"
"""

MALFORMED = {
    "toml-syntax": (VALID.replace('name = "Council"', 'name = "Council'), "TOML syntax error"),
    "unknown-field": (VALID.replace('year = 2000', 'year = 2000\ncolour = "blue"'),
                      "colour: unknown field"),
    "wrong-type": (VALID.replace("elected = 3", 'elected = "three"'), "bodies[0].elected"),
    "impossible-threshold": (VALID.replace("threshold = 3", "threshold = 9"), "impossible"),
    "bad-fraction": (VALID.replace("threshold = 3", 'threshold = "3/2"'), "threshold"),
    "unknown-state": (VALID.replace('"RUS"]', '"XYZ"]'), "unknown state 'XYZ'"),
    "unknown-body": (VALID.replace('body = "council"', 'body = "assembly"'),
                     "unknown body 'assembly'"),
    "unknown-question": (VALID.replace('question = "determination"', 'question = "force"'),
                         "has no rule for 'force'"),
    "missing-field": (VALID.replace('citation = "Test"\n', ''), "citation: required field"),
    "bad-bindingness": (VALID.replace('bindingness = "binding"', 'bindingness = "maybe"'),
                        "procedure[0].bindingness"),
    "peacekeeping-without-consent": (
        VALID.replace('measure = "determination"\nbody', 'measure = "peacekeeping"\nbody'),
        "consent"),
}


def test_valid_charter_file_checks(tmp_path: Path, runner) -> None:
    f = tmp_path / "mini.toml"
    f.write_text(VALID)
    res = runner.invoke(main, ["charter", "check", str(f)])
    assert res.exit_code == 0, res.output
    assert "valid" in res.output
    assert foedus.load_charter(f).body("council").seats == 5


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_charter_gives_clear_error_and_exit_2(case: str, tmp_path: Path,
                                                        runner) -> None:
    text, expected = MALFORMED[case]
    f = tmp_path / f"{case}.toml"
    f.write_text(text)
    res = runner.invoke(main, ["charter", "check", str(f)])
    assert res.exit_code == 2
    out = res.output + (res.stderr if res.stderr_bytes is not None else "")
    assert str(f) in out.replace("\n", "")
    assert expected in out.replace("\n", " ") or expected in out
    assert "Traceback" not in out
    with pytest.raises(foedus.InputError):
        foedus.load_charter(f)


def test_missing_file_is_a_clear_error(runner) -> None:
    res = runner.invoke(main, ["charter", "check", "no/such/charter.toml"])
    assert res.exit_code == 2
    assert "file not found" in res.output


def test_charter_round_trips_through_a_dict() -> None:
    ch = foedus.load_charter("un-1965-ufp")
    again = foedus.charter_from_dict(ch.model_dump(mode="json", exclude_none=True))
    assert again == ch
