"""The case library: every built-in case replays to the record; counterfactuals flip what they
should; malformed case files are rejected with exit 2; disagreements exit 1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import foedus
from foedus.cli import main
from foedus.history import (
    ALIGNMENTS,
    builtin_case_ids,
    load_case,
    parse_change,
    parse_tally,
    predict,
    replay,
)

CASES = sorted([
    "abyssinia-1935", "csto-2022", "korea-1950", "kuwait-1990", "manchuria-1931", "nato-2001",
    "suez-1956", "ukraine-2022",
    # added for issue 13 (tallies from the UN record, cited in each file)
    "afghanistan-2001", "argentina-israel-1960", "bosnia-1992", "congo-1960", "falklands-1982",
    "iran-iraq-1980", "iran-iraq-1987", "kosovo-1999", "libya-2011", "middle-east-1967",
    "middle-east-1973", "rhodesia-1966", "rwanda-1994", "somalia-1992", "syria-2012",
    # the League case of the rest of issue 13
    "finland-1939",
])
KOREA = Path(foedus.__file__).parent / "history" / "cases" / "korea-1950.toml"


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_the_built_in_cases_are_all_there() -> None:
    assert builtin_case_ids() == CASES


@pytest.mark.parametrize("case_id", CASES)
def test_every_built_in_case_replays_to_the_record(case_id: str) -> None:
    rp = replay(case_id)
    assert not rp.counterfactual
    bad = [(d.id, d.disagreement) for d in rp.decisions if not d.agree]
    assert rp.all_agree, bad
    for d in rp.decisions:
        assert (d.computed == d.recorded or not d.determined) and d.article and d.rule
    json.dumps(rp.to_dict())  # JSON-ready


@pytest.mark.parametrize("case_id", CASES)
def test_every_decision_cites_a_source_and_an_article(case_id: str) -> None:
    c = load_case(case_id)
    ids = {s.id for s in c.sources}
    for d in c.decisions:
        assert d.sources and set(d.sources) <= ids, d.id
        assert d.article


def test_korea_the_council_could_act_because_absence_is_no_veto() -> None:
    rp = replay("korea-1950")
    r82 = rp.decisions[0]
    assert r82.id == "S/RES/82" and r82.computed == "adopted"
    assert "RUS absent, not counted as a veto" in r82.decision.reason
    assert r82.votes["TAW"] == "yes"  # the Republic of China in China's seat
    r83 = rp.decisions[1]
    assert set(r83.not_participating) == {"EGY", "IND"}
    assert r83.decision.tally == "7–1–0"


def test_ussr_present_and_voting_no_on_25_june_1950_defeats_s_res_82() -> None:
    rp = replay("korea-1950", changes=["S/RES/82:RUS=no"])
    assert rp.counterfactual and rp.flipped == ["S/RES/82"]
    r82 = rp.decisions[0]
    assert r82.computed == "failed" and r82.decision.vetoed_by == ("RUS",)
    assert r82.changes == ["RUS: absent → no"]
    assert any("no fallback in un-1945" in n for n in r82.next)
    assert rp.decisions[1].status == "unreached"  # S/RES/83 builds on S/RES/82
    assert rp.decisions[2].status == "unreached"  # and S/RES/84 on S/RES/83
    # The seat name works as well as its holder: CHN meant the ROC in 1950.
    rp = replay("korea-1950", changes=["S/RES/82:CHN=no"])
    assert rp.decisions[0].decision.vetoed_by == ("TAW",)


def test_korea_with_uniting_for_peace_shows_the_fallback() -> None:
    rp = replay("korea-1950", changes=["S/1653:RUS=no"], charter="un-1945-ufp")
    r = next(d for d in rp.decisions if d.id == "S/1653")
    assert r.decision.fallback is not None
    assert any(n.startswith("Uniting for Peace") for n in r.next)
    assert "7 of 11 seats" in r.rule


def test_no_veto_in_2022_adopts_s_2022_155_and_uniting_for_peace_is_unnecessary() -> None:
    rp = replay("ukraine-2022", charter="un-no-veto")
    assert rp.charter == "un-no-veto" and rp.flipped == ["S/2022/155"]
    first, second = rp.decisions[0], rp.decisions[1]
    assert first.computed == "adopted" and first.recorded == "failed"
    assert second.id == "S/RES/2623" and second.status == "unnecessary"
    assert second.next[0].startswith("Uniting for Peace then unnecessary")
    assert rp.decisions[2].status == "unnecessary"


def test_the_recorded_2022_veto_triggers_uniting_for_peace() -> None:
    rp = replay("ukraine-2022")
    fb = rp.decisions[0].decision.fallback
    assert fb is not None and fb.convened and fb.bindingness == "recommendation"
    assert rp.decisions[1].next[0] == "Uniting for Peace: convened because S/2022/155 was vetoed by RUS"


def test_league_rules_parties_counted_under_art_11_excluded_under_art_15() -> None:
    rp = replay("manchuria-1931")
    oct31, _, feb33 = rp.decisions
    assert oct31.computed == "failed" and "unanimity broken by JPN" in oct31.decision.reason
    assert feb33.computed == "adopted" and set(feb33.decision.excluded) == {"JPN", "CHN"}
    abyssinia = replay("abyssinia-1935").decisions[0]
    assert abyssinia.decision.excluded == ("ITA", "ETH")
    assert abyssinia.decision.yes == 13  # the 14-member Council less Italy


def test_nato_2001_uses_the_19_allies_of_2001() -> None:
    rp = replay("nato-2001")
    d = rp.decisions[0].decision
    assert d.adopted and d.yes == 19 and d.absent == 0 and "FIN" not in d.votes
    rp = replay("nato-2001", changes=["NAC-2001-09-12:TUR=no"])
    assert rp.flipped == ["NAC-2001-09-12"] and rp.decisions[1].status == "unreached"


def test_csto_armenia_2022_assistance_not_decided() -> None:
    rp = replay("csto-2022")
    art4 = rp.decisions[-1]
    assert art4.recorded == "failed" and art4.computed == "failed"
    assert "unanimity broken" in art4.decision.reason


def test_suez_vetoes_and_the_procedural_convening_vote() -> None:
    rp = replay("suez-1956")
    assert set(rp.decisions[0].decision.vetoed_by) == {"UKG", "FRN"}
    assert rp.decisions[2].decision.adopted and rp.decisions[2].question == "procedural"
    assert any("S/RES/119" in n for n in rp.decisions[0].next)


def test_parse_change_and_tally() -> None:
    (c,) = parse_change("S/RES/82:USSR=no")
    assert (c.decision, c.state, c.vote.value) == ("S/RES/82", "RUS", "no")
    assert [x.state for x in parse_change("S/RES/83:EGY,IND=yes")] == ["EGY", "IND"]
    assert parse_tally("9–0–1") == (9, 0, 1) and parse_tally("42-1") == (42, 1, 0)
    with pytest.raises(foedus.FoedusError):
        parse_change("S/RES/82-RUS-no")
    with pytest.raises(foedus.FoedusError):
        parse_change("S/RES/82:RUS=maybe")
    with pytest.raises(foedus.UnknownNameError):
        replay("korea-1950", changes=["S/RES/999:RUS=no"])


def test_alignments_map_to_affinities_in_range() -> None:
    for t, a in ALIGNMENTS.values():
        assert -1 <= t <= 1 and -1 <= a <= 1


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_cases_lists_every_case(runner: CliRunner) -> None:
    res = runner.invoke(main, ["cases"])
    assert res.exit_code == 0, res.output
    for cid in CASES:
        assert cid in res.output
    rows = json.loads(runner.invoke(main, ["cases", "--json"]).output)
    assert {r["id"] for r in rows} == set(CASES) and all(r["years"] for r in rows)


def test_cli_case_show(runner: CliRunner) -> None:
    res = runner.invoke(main, ["case", "show", "suez-1956"])
    assert res.exit_code == 0, res.output
    assert "S/RES/119" in res.output and "Sources" in res.output
    data = json.loads(runner.invoke(main, ["case", "show", "suez-1956", "--json"]).output)
    assert data["id"] == "suez-1956" and len(data["decisions"]) == 5


def test_cli_replay_korea_narrative_exit_0(runner: CliRunner) -> None:
    res = runner.invoke(main, ["case", "replay", "korea-1950"])
    assert res.exit_code == 0, res.output
    out = flat(res.output)
    assert "S/RES/82" in out and "Art. 27(3)" in out and "RUS absent, not counted as a veto" in out
    assert "All 5 computed outcomes equal the record" in out
    assert "What followed" in out


def test_cli_counterfactual_exit_0_and_shows_the_flip(runner: CliRunner) -> None:
    res = runner.invoke(main, ["case", "replay", "korea-1950", "--set", "S/RES/82:RUS=no"])
    assert res.exit_code == 0, res.output
    assert "FLIPS" in res.output and "1 of 5 decisions flip: S/RES/82" in flat(res.output)
    data = json.loads(runner.invoke(main, ["case", "replay", "ukraine-2022", "--charter",
                                           "un-no-veto", "--json"]).output)
    assert data["counterfactual"] and data["flipped"] == ["S/2022/155"]
    assert data["decisions"][1]["status"] == "unnecessary"


def test_cli_what_if_file(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "whatif.toml"
    f.write_text('title = "Soviet Union back early"\nset = ["S/RES/83:RUS=no"]\n\n'
                 '[[votes]]\ndecision = "S/RES/84"\nstates = ["USSR"]\nvote = "no"\n',
                 encoding="utf-8")
    res = runner.invoke(main, ["case", "replay", "korea-1950", "--what-if", str(f), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["flipped"] == ["S/RES/83", "S/RES/84"]
    g = tmp_path / "charter.toml"
    g.write_text('charter = "un-no-veto"\n', encoding="utf-8")
    data = json.loads(runner.invoke(main, ["case", "replay", "ukraine-2022", "--what-if",
                                           str(g), "--json"]).output)
    assert data["charter"] == "un-no-veto" and data["flipped"] == ["S/2022/155"]
    bad = tmp_path / "bad.toml"
    bad.write_text('sett = ["S/RES/83:RUS=no"]\n', encoding="utf-8")
    res = runner.invoke(main, ["case", "replay", "korea-1950", "--what-if", str(bad)])
    assert res.exit_code == 2 and "sett" in res.output


def _korea_with(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = KOREA.read_text(encoding="utf-8")
    assert old in text, old
    f = tmp_path / "case.toml"
    f.write_text(text.replace(old, new, count), encoding="utf-8")
    return f


def test_a_user_case_file_replays_and_checks(runner: CliRunner, tmp_path: Path) -> None:
    f = _korea_with(tmp_path, 'id = "korea-1950"', 'id = "my-korea"')
    res = runner.invoke(main, ["case", "check", str(f)])
    assert res.exit_code == 0 and "valid" in res.output
    res = runner.invoke(main, ["case", "replay", str(f)])
    assert res.exit_code == 0, res.output


def test_recorded_outcome_contradicting_the_votes_is_a_disagreement(runner: CliRunner,
                                                                      tmp_path: Path) -> None:
    f = _korea_with(tmp_path, 'tally = "9–0–1"\noutcome = "adopted"',
                    'tally = "9–0–1"\noutcome = "failed"')
    assert runner.invoke(main, ["case", "check", str(f)]).exit_code == 0  # well-formed
    res = runner.invoke(main, ["case", "replay", str(f)])
    assert res.exit_code == 1
    assert "DISAGREES" in res.output
    assert "recorded failed but the rules compute adopted" in flat(res.output)
    data = json.loads(runner.invoke(main, ["case", "replay", str(f), "--json"]).output)
    assert data["all_agree"] is False
    # Recorded vetoes that differ from those the rules find are a disagreement too.
    f = _korea_with(tmp_path, 'outcome = "failed"\nvetoed_by = ["RUS"]',
                    'outcome = "failed"\nvetoed_by = []')
    res = runner.invoke(main, ["case", "replay", str(f)])
    assert res.exit_code == 1
    assert "recorded vetoes none but the rules find RUS" in flat(res.output)
    # A recorded veto by a member that voted yes is malformed.
    f = _korea_with(tmp_path, 'outcome = "failed"\nvetoed_by = ["RUS"]',
                    'outcome = "failed"\nvetoed_by = ["UKG"]')
    res = runner.invoke(main, ["case", "check", str(f)])
    assert res.exit_code == 2 and "vetoed_by: UKG did not vote no" in flat(res.output)


MALFORMED = [
    ('title = "Korea 1950', 'colour = "red"\ntitle = "Korea 1950', "colour: unknown field"),
    ('abstain = ["YUG"]', 'abstain = ["XYZ"]', "unknown state 'XYZ'"),
    ('tally = "9–0–1"', 'tally = "8–0–1"', "decisions[0].tally: recorded tally 8–0–1 does not "
     "match"),
    ('tally = "9–0–1"', 'tally = "nine to one"', "decisions[0].tally: tally 'nine to one'"),
    ('question = "determination"', 'question = "impeachment"',
     "decisions[0].question: body 'council' of charter 'un-1945' has no rule for 'impeachment'"),
    ('body = "council"\nquestion = "determination"', 'body = "senate"\nquestion = "determination"',
     "decisions[0].body: charter 'un-1945' has no body 'senate'"),
    ('abstain = ["YUG"]', 'abstain = ["GHA"]', "GHA did not hold a seat"),
    ('yes = ["USA", "UKG", "FRN", "TAW", "CUB", "ECU", "EGY", "IND", "NOR"]',
     'yes = ["USA", "UKG", "FRN", "TAW", "CUB", "ECU", "EGY", "IND"]',
     "no vote recorded for NOR"),
    ('charter = "un-1945"', 'charter = "un-1999"', "charter: unknown charter 'un-1999'"),
    ('sources = ["K1"]\n', 'sources = ["Z9"]\n', "unknown source 'Z9'"),
    ('depends_on = ["S/RES/82"]', 'depends_on = ["S/RES/99"]', "'S/RES/99' is not an earlier"),
    ('date = 1950-06-25', 'date = "yesterday"', "decisions[0].date"),
    ('id = "korea-1950"', 'id = "korea-1950"\nyears = [1950', "TOML syntax error"),
]


@pytest.mark.parametrize(("old", "new", "message"), MALFORMED)
def test_malformed_case_files_exit_2_with_a_clear_message(runner: CliRunner, tmp_path: Path,
                                                          old: str, new: str,
                                                          message: str) -> None:
    f = _korea_with(tmp_path, old, new)
    res = runner.invoke(main, ["case", "check", str(f)])
    assert res.exit_code == 2, res.output
    assert message in flat(res.output), res.output
    assert str(f) in res.output and "Traceback" not in res.output
    res = runner.invoke(main, ["case", "replay", str(f)])
    assert res.exit_code == 2 and message in flat(res.output)
    data = json.loads(runner.invoke(main, ["case", "check", str(f), "--json"]).output)
    assert data["valid"] is False and data["problems"]


def test_missing_and_unknown_cases_are_clear_errors(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(main, ["case", "check", str(tmp_path / "nope.toml")])
    assert res.exit_code == 2 and "file not found" in res.output
    res = runner.invoke(main, ["case", "replay", "korea-1951"])
    assert res.exit_code == 2 and "korea-1950" in res.output  # did you mean
    res = runner.invoke(main, ["case", "replay", "korea-1950", "--set", "S/RES/82:RUS"])
    assert res.exit_code == 2 and "DECISION:STATE=VOTE" in res.output
    res = runner.invoke(main, ["case", "replay", "korea-1950", "--set", "S/RES/82:GHA=no"])
    assert res.exit_code == 2 and "did not sit" in res.output
    res = runner.invoke(main, ["case", "replay", "korea-1950", "--charter", "nato"])
    assert res.exit_code == 2 and re.search(r"no rule for|has no body", res.output)


def test_the_worked_example_in_the_docs_is_valid(runner: CliRunner, tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "cases.md"
    blocks = re.findall(r"```toml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    case, what_if = tmp_path / "my-case.toml", tmp_path / "what-if.toml"
    case.write_text(blocks[0], encoding="utf-8")
    what_if.write_text(blocks[1], encoding="utf-8")
    assert runner.invoke(main, ["case", "check", str(case)]).exit_code == 0
    res = runner.invoke(main, ["case", "replay", str(case)])
    assert res.exit_code == 0 and "All 2 computed outcomes equal the record" in res.output
    res = runner.invoke(main, ["case", "replay", "korea-1950", "--what-if", str(what_if)])
    assert res.exit_code == 0 and "S/RES/84" in res.output


# --- predict -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", CASES)
def test_predict_scores_only_what_it_predicted(case_id: str) -> None:
    p = predict(case_id)
    if all(not d.scored for d in p.decisions):  # only neutral decisions: nothing to predict
        assert p.accuracy is None and p.votes == []
        return
    assert p.accuracy is not None and 0 <= p.accuracy <= 1
    assert p.baseline_accuracy is not None
    for d in p.decisions:
        assert all(v.predicted in ("yes", "no", "abstain") for v in d.votes)  # never absent
        if d.outcome_scored:  # an outcome is scored only from predicted votes
            assert d.votes and d.predicted_outcome is not None and not d.why_not
        else:
            assert d.outcome_correct is None
    m = p.confusion()
    assert sum(sum(r.values()) for r in m.values()) == len(p.votes)
    json.dumps(p.to_dict())


def test_predict_does_not_score_outcomes_copied_from_anonymous_tallies() -> None:
    p = predict("ukraine-2022")
    ga = next(d for d in p.decisions if d.id == "A/RES/ES-11/1")
    assert not ga.outcome_scored and "anonymous" in ga.why_not
    korea = predict("korea-1950")
    s82 = korea.decisions[0]  # the USSR's absence is predicted too (as a vote): a miss
    assert any(v.state == "RUS" and v.recorded == "absent" for v in s82.votes)


def test_predict_models_abstention_on_coercion() -> None:
    from foedus.history.predict import AbstentionModel

    none = predict("kuwait-1990", abstention=AbstentionModel(coercion_cost=0.0))
    some = predict("kuwait-1990")
    n_abst = [sum(v.predicted == "abstain" for v in x.votes) for x in (none, some)]
    assert n_abst[0] <= n_abst[1]


def test_predict_uses_alignments_and_the_parties() -> None:
    p = predict("korea-1950")
    ga = next(d for d in p.decisions if d.id == "A/RES/377 A (V)")
    by = {v.state: v for v in ga.votes}
    assert by["RUS"].predicted == "no" and by["RUS"].alignment == "ally-of-aggressor"
    kuwait = predict("kuwait-1990").decisions[0]
    assert {v.state: v.predicted for v in kuwait.votes}["USA"] == "yes"


def test_neutral_decisions_are_not_scored_and_relent_reverses_the_vote() -> None:
    p = predict("manchuria-1931")
    inquiry = next(d for d in p.decisions if d.id == "C-1931-12-10")
    assert not inquiry.scored and inquiry.votes == []
    lifting = next(d for d in predict("abyssinia-1935").decisions if d.id == "A-1936-07-04")
    # The target votes against lifting sanctions (a "relent" decision): utility reversed.
    eth = next(v for v in lifting.votes if v.state == "ETH")
    assert eth.predicted == "no" == eth.recorded and eth.utility < 0


def test_predict_accepts_behaviour_parameters() -> None:
    strict = predict("ukraine-2022", behaviour={"abstain_band": 5.0})
    assert all(v.predicted == "abstain" for v in strict.votes)


def test_cli_predict(runner: CliRunner) -> None:
    res = runner.invoke(main, ["case", "predict", "korea-1950"])
    assert res.exit_code == 0, res.output
    assert "Confusion matrix" in res.output and "baseline" in res.output
    data = json.loads(runner.invoke(main, ["case", "predict", "korea-1950", "--json"]).output)
    assert data["n_votes"] == 45 and 0 <= data["accuracy"] <= 1
    assert set(data["confusion"]) == {"yes", "no", "abstain", "absent"}
    res = runner.invoke(main, ["case", "predict", "all"])
    assert res.exit_code == 0 and "Confusion matrix" in res.output and "all-yes" in res.output


# --- Art. 27(3): obligatory abstention under Chapter VI, not Chapter VII ----------------------


def test_art_27_3_a_party_abstains_on_a_chapter_vi_decision() -> None:
    rp = replay("argentina-israel-1960")
    d = rp.decisions[0]
    assert d.question == "pacific-settlement" and d.computed == "adopted" == d.recorded
    assert d.decision.excluded == ("ARG",) and "Art. 27(3)" in d.decision.reason
    # Had Argentina voted no, its vote would still not count: the party must abstain.
    cf = replay("argentina-israel-1960", changes=["S/RES/138:ARG=no"]).decisions[0]
    assert cf.computed == "adopted" and cf.decision.no == 0


def test_art_27_3_a_permanent_party_votes_and_can_veto_under_chapter_vii() -> None:
    d = replay("falklands-1982").decisions[0]
    assert d.question == "determination" and d.votes["UKG"] == "yes" and not d.decision.excluded
    cf = replay("falklands-1982", changes=["S/RES/502:UKG=no"]).decisions[0]
    assert cf.computed == "failed" and list(cf.decision.vetoed_by) == ["UKG"]
    ch6 = foedus.evaluate_vote("un-1965", "council", "pacific-settlement",
                               yes=["USA", "FRN", "GUY", "IRE", "JPN", "JOR", "TOG", "UGA",
                                    "DRC"], no=["UKG"], parties=["UKG", "ARG"])
    assert ch6.adopted and ch6.excluded == ("UKG",)  # under Chapter VI the party could not veto
