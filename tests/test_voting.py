"""Decision rules reproduce recorded outcomes (rules_and_cases.md) and behave as rules should."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import foedus
from foedus import evaluate_vote
from foedus.rules import Vote

P5 = ["USA", "UKG", "FRN", "RUS", "CHN"]
KOREA = dt.date(1950, 6, 25)


def test_s_res_82_adopted_with_the_ussr_absent() -> None:
    d = evaluate_vote("un-1945", "council", "determination",
                      yes=["USA", "UKG", "FRN", "ROC", "CUB", "ECU", "EGY", "IND", "NOR"],
                      abstain=["YUG"], absent=["USSR"], on=KOREA)
    assert d.adopted and d.tally == "9–0–1" and d.absent == 1
    assert "RUS absent, not counted as a veto" in d.reason
    assert "27(3)" in d.article


def test_s_res_83_adopted_7_1_0_with_egypt_and_india_not_participating() -> None:
    d = evaluate_vote("un-1945", "council", "measures",
                      yes=["USA", "UKG", "FRN", "TAW", "CUB", "ECU", "NOR"], no=["YUG"],
                      absent=["EGY", "IND", "RUS"], on=dt.date(1950, 6, 27))
    assert d.adopted and (d.yes, d.no, d.abstain, d.absent) == (7, 1, 0, 3)


def test_s_res_82_fails_if_the_ussr_is_present_and_votes_no() -> None:
    d = evaluate_vote("un-1945", "council", "determination",
                      yes=["USA", "UKG", "FRN", "TAW", "CUB", "ECU", "EGY", "IND", "NOR"],
                      abstain=["YUG"], no=["RUS"], on=KOREA)
    assert not d.adopted and d.vetoed_by == ("RUS",)
    assert d.reason.startswith("failed: negative vote of a permanent member, RUS")


UKRAINE_YES = ["USA", "UKG", "FRN", "ALB", "BRA", "GAB", "GHA", "IRE", "KEN", "MEX", "NOR"]
UKRAINE_ABST = ["CHN", "IND", "UAE"]


def test_s_2022_155_fails_11_1_3_on_a_russian_veto() -> None:
    d = evaluate_vote("un-1965", "council", "determination", yes=UKRAINE_YES, no=["RUS"],
                      abstain=UKRAINE_ABST, parties=["RUS", "UKR"], aggressor="RUS")
    assert not d.adopted and d.tally == "11–1–3"
    assert d.reason.startswith("failed: negative vote of a permanent member, RUS (UN Charter")
    assert d.fallback is None  # un-1965 has no Uniting for Peace
    assert "CHN abstained, not counted as a veto" in d.reason


def test_s_res_2623_adopted_11_1_3_as_procedural() -> None:
    d = evaluate_vote("un-1965", "council", "procedural", yes=UKRAINE_YES, no=["RUS"],
                      abstain=UKRAINE_ABST)
    assert d.adopted and d.tally == "11–1–3" and d.vetoed_by == ()
    assert "27(2)" in d.article


def test_uniting_for_peace_fallback_is_evaluated_when_a_veto_blocks() -> None:
    d = evaluate_vote("un-1965-ufp", "council", "determination", yes=UKRAINE_YES, no=["RUS"],
                      abstain=UKRAINE_ABST)
    assert not d.adopted and d.fallback is not None
    assert d.fallback.convened and d.fallback.decides_body == "assembly"
    assert d.fallback.bindingness == "recommendation"
    assert "377 A (V)" in d.fallback.article


def test_uniting_for_peace_not_convened_without_nine_procedural_votes() -> None:
    d = evaluate_vote("un-1965-ufp", "council", "determination", yes=[*P5[:3], "ALB", "BRA"],
                      no=["RUS"], abstain=["CHN", "IND", "UAE", "GAB", "GHA", "IRE", "KEN",
                                           "MEX", "NOR"])
    assert d.fallback is not None and not d.fallback.convened
    assert "majority of the members" in d.fallback.reason


def test_no_veto_in_2022_adopts_s_2022_155() -> None:
    d = evaluate_vote("un-no-veto", "council", "determination", yes=UKRAINE_YES, no=["RUS"],
                      abstain=UKRAINE_ABST)
    assert d.adopted


def test_veto_override_fallback() -> None:
    d = evaluate_vote("un-veto-override", "council", "determination", yes=UKRAINE_YES,
                      no=["RUS"], abstain=UKRAINE_ABST)
    assert not d.adopted and d.fallback is not None
    assert d.fallback.effect == "override" and d.fallback.bindingness == "binding"


SUEZ = dict(yes=["USA", "RUS", "TAW", "CUB", "IRN", "PER", "YUG"], no=["UKG", "FRN"],
            abstain=["AUL", "BEL"], on=dt.date(1956, 10, 30))


def test_suez_double_veto_and_s_res_119_procedural() -> None:
    d = evaluate_vote("un-1945", "council", "determination", **SUEZ)
    assert not d.adopted and set(d.vetoed_by) == {"UKG", "FRN"}
    assert "negative votes of permanent members" in d.reason
    d119 = evaluate_vote("un-1945", "council", "procedural", **SUEZ)
    assert d119.adopted and d119.tally == "7–2–2"


def test_s_res_678_adopted_12_2_1_with_china_abstaining() -> None:
    d = evaluate_vote("un-1965", "council", "measures",
                      yes=["USA", "UKG", "FRN", "RUS", "CAN", "COL", "CDI", "ETH", "FIN", "MAL",
                           "ROM", "Zaire"], no=["CUB", "YEM"], abstain=["CHN"])
    assert d.adopted and d.tally == "12–2–1"


def test_league_art_15_report_adopted_with_the_parties_excluded() -> None:
    d = evaluate_vote("league-1920", "assembly", "report", counts={"yes": 42, "abstain": 1},
                      no=["JPN"], parties=["JPN", "CHN"], aggressor="JPN")
    assert d.adopted and d.excluded == ("JPN",) and d.yes == 42
    assert "15(10)" in d.reason


def test_league_art_11_unanimity_broken_by_japan() -> None:
    d = evaluate_vote("league-1920", "council", "determination",
                      yes=["UKG", "FRN", "ITA", "ESP" if False else "SPN"], no=["JPN"],
                      parties=["JPN", "CHN"])
    assert not d.adopted
    assert d.reason.startswith("failed: unanimity broken by JPN (Covenant Arts 5(1), 11)")


NATO = foedus.load_charter("nato").membership.members


def test_nato_consensus() -> None:
    assert isinstance(NATO, list)
    d = evaluate_vote("nato", "council", "determination", yes=NATO)
    assert d.adopted and d.yes == 32
    d = evaluate_vote("nato", "council", "determination", yes=[m for m in NATO if m != "TUR"],
                      no=["TUR"])
    assert not d.adopted and "unanimity broken by TUR" in d.reason
    with pytest.raises(foedus.FoedusError, match="not a member"):
        evaluate_vote("nato", "council", "determination", yes=["RUS"])


def test_rio_two_thirds_with_the_parties_excluded() -> None:
    members = foedus.load_charter("rio").membership.members
    assert isinstance(members, list) and len(members) == 17
    others = [m for m in members if m not in ("ARG", "CHL")]
    # 15 counted members: 10 are two-thirds.
    d = evaluate_vote("rio", "organ", "determination", yes=others[:10], no=["ARG"],
                      abstain=others[10:], parties=["ARG", "CHL"])
    assert d.adopted and d.required == 10 and set(d.excluded) == {"ARG", "CHL"}
    d = evaluate_vote("rio", "organ", "determination", yes=others[:9], no=others[9:10],
                      abstain=others[10:], parties=["ARG", "CHL"])
    assert not d.adopted


def test_contradictory_votes_and_too_many_seats_are_errors() -> None:
    with pytest.raises(foedus.FoedusError, match="both yes and no"):
        evaluate_vote("un-1965", "council", yes=["USA"], no=["USA"])
    with pytest.raises(foedus.FoedusError, match="elected seats"):
        evaluate_vote("un-1945", "council", yes=[s.abb for s in foedus.states()[:20]])
    with pytest.raises(foedus.UnknownNameError, match="council"):
        evaluate_vote("un-1965", "senate")
    with pytest.raises(foedus.UnknownNameError, match="determination"):
        evaluate_vote("un-1965", "council", "impeachment")


# --- property-based tests ------------------------------------------------------------------

ELECTED = ["ALB", "BRA", "GAB", "GHA", "IRE", "KEN", "MEX", "NOR", "IND", "UAE"]
votes = st.sampled_from(list(Vote))


@settings(max_examples=300, deadline=None)
@given(st.lists(votes, min_size=15, max_size=15))
def test_un_1965_council_matches_article_27(ballot: list[Vote]) -> None:
    seats = P5 + ELECTED
    by = {s: v for s, v in zip(seats, ballot, strict=True)}
    kw = {k.value: [s for s, v in by.items() if v is k] for k in Vote}
    d = evaluate_vote("un-1965", "council", "determination", yes=kw["yes"], no=kw["no"],
                      abstain=kw["abstain"], absent=kw["absent"])
    expected = len(kw["yes"]) >= 9 and not any(by[p] is Vote.NO for p in P5)
    assert d.adopted == expected
    proc = evaluate_vote("un-1965", "council", "procedural", yes=kw["yes"], no=kw["no"],
                         abstain=kw["abstain"], absent=kw["absent"])
    assert proc.adopted == (len(kw["yes"]) >= 9)
    assert d.yes + d.no + d.abstain + d.absent == 15


BODIES = [(c.id, b.id, q) for c in foedus.rules.builtin_charters() for b in c.bodies for q in b.rules]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(BODIES), st.data())
def test_switching_a_vote_to_yes_never_defeats_an_adopted_decision(body: tuple[str, str, str],
                                                                    data: st.DataObject) -> None:
    charter_id, body_id, question = body
    ch = foedus.load_charter(charter_id)
    b = ch.body(body_id)
    if b.composition == "fixed":
        perm = [b.holder(s, ch.date) for s in b.permanent]
        pool = [*ELECTED, "ARG", "AUL", "CAN", "EGY", "SPN"]
        seats = perm + [e for e in pool if e not in perm][: b.elected]
    elif isinstance(ch.membership.members, list):
        seats = list(ch.membership.members)
    else:
        seats = [s.abb for s in foedus.states()[:30]]
    ballot = data.draw(st.lists(votes, min_size=len(seats), max_size=len(seats)))
    flip = data.draw(st.integers(0, len(seats) - 1))

    def run(bal: list[Vote]) -> foedus.Decision:
        kw = {k.value: [s for s, v in zip(seats, bal, strict=True) if v is k] for k in Vote}
        return evaluate_vote(ch, body_id, question, yes=kw["yes"], no=kw["no"],
                             abstain=kw["abstain"], absent=kw["absent"],
                             seats=len(seats) if b.composition != "fixed" else None)

    before = run(ballot)
    after = run([Vote.YES if k == flip else v for k, v in enumerate(ballot)])
    if before.adopted:
        assert after.adopted, (before.reason, after.reason)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([Vote.YES, Vote.NO, Vote.ABSTAIN]), min_size=32, max_size=32))
def test_nato_consensus_is_unanimity_of_those_voting(ballot: list[Vote]) -> None:
    assert isinstance(NATO, list)
    kw = {k.value: [s for s, v in zip(NATO, ballot, strict=True) if v is k] for k in Vote}
    d = evaluate_vote("nato", "council", "determination", yes=kw["yes"], no=kw["no"],
                      abstain=kw["abstain"])
    assert d.adopted == (not kw["no"] and bool(kw["yes"]))


def test_unnamed_votes_in_a_listed_membership_are_not_double_counted() -> None:
    d = evaluate_vote("csto", "council", "determination", yes=["ARM"], counts={"no": 2})
    assert (d.yes, d.no, d.abstain, d.absent) == (1, 2, 0, 3)
    d = evaluate_vote("nato", "council", "determination", yes=["USA"], counts={"yes": 30})
    assert d.yes + d.no + d.abstain + d.absent == 32 and d.absent == 1


def test_uniting_for_peace_before_1965_needs_any_seven() -> None:
    d = evaluate_vote("un-1945-ufp", "council", "determination", **SUEZ)  # type: ignore[arg-type]
    assert not d.adopted and d.fallback is not None and d.fallback.convened
    assert "7 required" in d.fallback.reason
