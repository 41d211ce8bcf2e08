"""Non-vote events in cases (issue 13): drafts not voted on, force, self-defence, silence,
judged against the charter; tallies with unknown parts; bad input exits 2 with no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import foedus
from foedus.cli import main
from foedus.history import load_case, parse_tally_parts, predict, replay

KOSOVO = Path(foedus.__file__).parent / "history" / "cases" / "kosovo-1999.toml"

DRAFT = '''
[[events]]
kind = "draft-withdrawn"
draft = "S/1999/999"
date = 1999-03-25
body = "council"
question = "measures"
title = "A draft authorising force, withdrawn"
sponsors = ["USA"]
pledged = { yes = 4, veto_threatened = ["RUS", "CHN"] }
sources = ["D328"]
'''


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _kosovo_plus(tmp_path: Path, extra: str, old: str = "", new: str = "") -> Path:
    text = KOSOVO.read_text(encoding="utf-8") + extra
    if old:
        assert old in text, old
        text = text.replace(old, new, 1)
    f = tmp_path / "case.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_kosovo_force_is_judged_unauthorised_under_art_42() -> None:
    ev = {e.kind: e for e in replay("kosovo-1999").events}
    force = ev["use-of-force"]
    assert "2(4)" in force.engages and "53(1)" in force.engages
    assert force.verdict.startswith("use of force not authorised under Art. 42")
    assert "Art. 51" in force.required
    assert ev["silence"].engages == "UN Charter Arts 24(1), 39"


def test_afghanistan_art_51_report_meets_the_conditions_on_the_record() -> None:
    rp = replay("afghanistan-2001")
    report = next(e for e in rp.events if e.kind == "self-defence-report")
    assert report.engages == "UN Charter Art. 51"
    assert any("S/2001/946" in f for f in report.findings)
    assert "armed attack" in report.required and "until the Council" in report.required
    assert report.verdict.startswith("the conditions on the record are met")
    force = next(e for e in rp.events if e.kind == "use-of-force")
    assert "stands or falls with the self-defence claim" in force.verdict
    assert any("S/2001/946" in f for f in force.findings)


def test_korea_force_authorised_by_s_res_83_and_ukraine_claim_lacks_an_armed_attack() -> None:
    us = next(e for e in replay("korea-1950").events if e.label == "US support")
    assert us.verdict.startswith("authorised") and "S/RES/83" in us.findings[-1]
    rep = next(e for e in replay("ukraine-2022").events if e.kind == "self-defence-report")
    assert "an armed attack missing" in rep.verdict


def test_a_withdrawn_draft_is_judged_with_its_pledges(tmp_path: Path, runner: CliRunner) -> None:
    f = _kosovo_plus(tmp_path, DRAFT)
    rp = replay(str(f))
    d = next(e for e in rp.events if e.kind == "draft-withdrawn")
    assert "4 pledged yes of the 9 required" in " ".join(d.findings)
    assert d.verdict == "on the pledges it would have failed twice over: too few votes, and a veto"
    cf = next(e for e in replay(str(f), charter="un-no-veto").events
              if e.kind == "draft-withdrawn")
    assert "would not block" in " ".join(cf.findings)
    assert cf.verdict == "on the pledges it would have failed for want of votes"
    res = runner.invoke(main, ["case", "replay", str(f)])
    assert res.exit_code == 0 and "Events that were not votes" in res.output
    assert "S/1999/999" in res.output
    data = json.loads(runner.invoke(main, ["case", "replay", str(f), "--json"]).output)
    assert {e["kind"] for e in data["events"]} >= {"draft-withdrawn", "use-of-force"}


def test_the_league_expulsion_and_an_unknown_assembly_tally() -> None:
    rp = replay("finland-1939")
    assembly, council = rp.decisions
    assert council.computed == "adopted" == council.recorded and council.agree
    assert assembly.computed == "undetermined" and assembly.status == "undetermined"
    assert "not scored" in assembly.unknown and rp.all_agree
    assert rp.events[0].engages == "Covenant Arts 10, 12, 16(1)"
    p = predict("finland-1939")
    assert all(d.outcome_correct is None for d in p.decisions)


def test_unknown_parts_of_a_tally(tmp_path: Path, runner: CliRunner) -> None:
    assert parse_tally_parts("48–11–?") == (48, 11, None)
    assert parse_tally_parts("?-0") == (None, 0, 0)
    # A Council vote with the abstentions unknown: 9 yes of 15 carry it whatever they were.
    f = _kosovo_plus(tmp_path, "", 'abstain = ["CHN"]\ntally = "14–0–1"',
                     'tally = "14–0–?"')
    rp = replay(str(f))
    r = rp.decisions[1]
    assert r.computed == "adopted" and r.determined and "CHN" in r.unknown
    res = runner.invoke(main, ["case", "replay", str(f)])
    assert res.exit_code == 0 and "14–0–?" in res.output
    # A known part that does not match is still an error.
    f = _kosovo_plus(tmp_path, "", 'abstain = ["CHN"]\ntally = "14–0–1"',
                     'abstain = ["CHN"]\ntally = "13–0–?"')
    res = runner.invoke(main, ["case", "check", str(f)])
    assert res.exit_code == 2 and "yes 13 recorded, 14 given" in flat(res.output)


BAD = [
    (DRAFT.replace('sponsors = ["USA"]', 'yes = ["USA"]'),
     "events[2].yes: a draft withdrawn or not put to the vote has no votes"),
    (DRAFT.replace('sponsors = ["USA"]', 'tally = "4–2–9"'), "events[2].tally"),
    (DRAFT.replace('"draft-withdrawn"', '"coup"'), "events[2].kind: unknown event kind 'coup'"),
    (DRAFT.replace('sources = ["D328"]', 'article = "UN Charter Art. 151"\nsources = ["D328"]'),
     "events[2].article: unknown article 'UN Charter Art. 151'"),
    (DRAFT.replace('sources = ["D328"]', 'article = "Article fifty-one"\nsources = ["D328"]'),
     "events[2].article: unknown article"),
    (DRAFT.replace('question = "measures"', 'question = "impeachment"'),
     "events[2].question: body 'council' of charter 'un-1965-ufp' has no rule"),
    (DRAFT.replace('body = "council"', 'body = "senate"'), "events[2].body"),
    (DRAFT.replace('"D328"', '"Z9"'), "events[2].sources[0]: unknown source 'Z9'"),
    (DRAFT.replace('yes = 4', 'yes = 14, no = 4'), "18 votes pledged"),
    (DRAFT.replace('"draft-withdrawn"', '"use-of-force"'), "only a draft has pledged votes"),
    ('\n[[events]]\nkind = "use-of-force"\ndate = 1999-03-24\ntitle = "x"\nactors = ["USA"]\n'
     'authorised_by = "S/1999/328"\n', "S/1999/328 was not adopted"),
    ('\n[[events]]\nkind = "use-of-force"\ndate = 1999-03-24\ntitle = "x"\n',
     "events[2].actors: a use-of-force event needs the states acting"),
    ('\n[[events]]\nkind = "silence"\ndate = 1999-03-24\ntitle = "x"\n', "events[2].body"),
]


@pytest.mark.parametrize(("extra", "message"), BAD)
def test_bad_events_exit_2_naming_file_field_and_problem(runner: CliRunner, tmp_path: Path,
                                                         extra: str, message: str) -> None:
    f = _kosovo_plus(tmp_path, extra)
    for cmd in ("check", "replay"):
        res = runner.invoke(main, ["case", cmd, str(f)])
        assert res.exit_code == 2, res.output
        assert message in flat(res.output), res.output
        assert str(f) in res.output and "Traceback" not in res.output


def test_every_event_of_the_built_in_cases_cites_a_source() -> None:
    for cid in ("kosovo-1999", "afghanistan-2001", "korea-1950", "suez-1956", "ukraine-2022",
                "finland-1939"):
        c = load_case(cid)
        assert c.events and all(e.sources for e in c.events), cid
