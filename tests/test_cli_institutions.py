"""The institution commands print readable output, valid JSON, and clear errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import foedus
from foedus.cli import main


def run(args: list[str], code: int = 0) -> str:
    res = CliRunner().invoke(main, args)
    assert res.exit_code == code, res.output
    return res.output


def test_charters_lists_every_builtin() -> None:
    data = json.loads(run(["charters", "--json"]))
    assert {d["id"] for d in data} == set(foedus.builtin_charter_ids())
    assert "un-1965-ufp" in run(["charters"])


@pytest.mark.parametrize("charter_id", foedus.builtin_charter_ids())
def test_charter_show_every_builtin(charter_id: str) -> None:
    data = json.loads(run(["charter", "show", charter_id, "--json"]))
    assert data["id"] == charter_id
    text = run(["charter", "show", charter_id])
    assert foedus.load_charter(charter_id).name in text.replace("\n", " ") or charter_id in text


def test_charter_show_names_articles() -> None:
    text = run(["charter", "show", "league-1920"])
    assert "Covenant Art. 16(1)" in text and "Art. 15(6)" in text


def test_vote_command_text_and_json() -> None:
    args = ["vote", "un-1965-ufp", "--body", "council", "--yes",
            "USA,UKG,FRN,ALB,BRA,GAB,GHA,IRE,KEN,MEX,NOR", "--no", "RUS", "--abstain",
            "CHN,IND,UAE"]
    text = run(args)
    assert "FAILED" in text and "RUS" in text and "Uniting for Peace" in text
    data = json.loads(run([*args, "--json"]))
    assert data["adopted"] is False and data["vetoed_by"] == ["RUS"]
    assert data["fallback"]["convened"] is True and data["tally"] == "11–1–3"


def test_vote_with_tallies_and_parties() -> None:
    data = json.loads(run(["vote", "league-1920", "--body", "assembly", "--question", "report",
                           "--count-yes", "42", "--count-abstain", "1", "--no", "Japan",
                           "--party", "JPN,CHN", "--json"]))
    assert data["adopted"] and data["excluded"] == ["JPN"]


def test_power_command() -> None:
    data = json.loads(run(["power", "un-1965", "--body", "council", "--json"]))
    seats = {s["name"]: s for s in data["seats"]}
    assert len(seats) == 15
    assert seats["USA"]["shapley_shubik"] == pytest.approx(0.19627, abs=1e-4)
    assert sum(s["shapley_shubik"] for s in data["seats"]) == pytest.approx(1.0)
    # P5 plus at least 4 of the 10 elected: sum_{k>=4} C(10, k) = 848 winning coalitions.
    assert data["winning_coalitions"] == "848"
    assert data["power_to_act"] == pytest.approx(848 / 2**15)
    assert "Coleman" in run(["power", "un-1965", "--body", "council"])


def test_power_of_the_un_assembly_is_exact_for_193_members() -> None:
    data = json.loads(run(["power", "un-1965", "--body", "assembly", "--json"]))
    assert len(data["seats"]) == 193
    ss = [s["shapley_shubik"] for s in data["seats"]]
    assert max(ss) == pytest.approx(min(ss)) == pytest.approx(1 / 193)


def test_institutions_comparison() -> None:
    rows = json.loads(run(["institutions", "--json"]))
    by = {r["id"]: r for r in rows}
    assert set(by) == set(foedus.builtin_charter_ids())
    assert by["un-1965"]["power_to_act"] < by["un-no-veto"]["power_to_act"]
    assert by["un-1965-ufp"]["fallback"] == "Uniting for Peace"


def test_states_command() -> None:
    rows = json.loads(run(["states", "--search", "russia", "--json"]))
    assert rows[0]["abb"] == "RUS" and rows[0]["ccode"] == 365


@pytest.mark.parametrize("args, needle", [
    (["charter", "show", "un-2099"], "un-1965"),
    (["vote", "un-1965", "--body", "senate", "--yes", "USA"], "council"),
    (["vote", "un-1965", "--body", "council", "--yes", "Atlantis"], "unknown state"),
    (["power", "nato", "--body", "council", "--question", "veto"], "determination"),
    (["vote", "un-1965", "--body", "council", "--date", "yesterday"], "not a date"),
])
def test_unknown_names_get_clear_errors_listing_what_exists(args: list[str], needle: str) -> None:
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2
    assert needle in res.output
    assert "Traceback" not in res.output
