"""Decision rules in action: turn a body's votes into an outcome, with the reason and article.

The evaluator reads everything from the charter (thresholds, vetoes, abstention and absence
practice, excluded parties, quorum, fallbacks), so "why did it fail?" is answered by data:
"failed: negative vote of a permanent member, RUS (UN Charter Art. 27(3))".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from .._errors import FoedusError, UnknownNameError
from .charter import Body, Charter, DecisionRule, load_charter
from .states import resolve_state


class Vote(StrEnum):
    """A seat's vote. ``absent`` also covers present-but-not-participating."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    ABSENT = "absent"


_YES, _NO, _ABSTAIN, _ABSENT = Vote.YES, Vote.NO, Vote.ABSTAIN, Vote.ABSENT


@dataclass(frozen=True)
class FallbackOutcome:
    """What a charter's fallback (Uniting for Peace, veto override) makes of a vetoed decision."""

    fallback: str
    name: str
    convened: bool
    reason: str
    decides_body: str
    decides_question: str
    effect: str
    bindingness: str
    article: str


@dataclass(frozen=True)
class Decision:
    """The outcome of one vote and why."""

    charter: str
    body: str
    question: str
    adopted: bool
    reason: str
    article: str
    yes: int
    no: int
    abstain: int
    absent: int
    required: int
    votes: dict[str, str] = field(default_factory=dict)
    excluded: tuple[str, ...] = ()
    vetoed_by: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    fallback: FallbackOutcome | None = None

    @property
    def outcome(self) -> str:
        """``"adopted"`` or ``"failed"``."""
        return "adopted" if self.adopted else "failed"

    @property
    def tally(self) -> str:
        """For–against–abstain, as tallies are usually written."""
        return f"{self.yes}–{self.no}–{self.abstain}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        d = asdict(self)
        d["outcome"] = self.outcome
        d["tally"] = self.tally
        return d


def _rule(body: Body, question: str, charter: Charter) -> DecisionRule:
    try:
        return body.rules[question]
    except KeyError:
        raise UnknownNameError(f"question for body {body.id!r} of {charter.id!r}", question,
                               list(body.rules)) from None


#: Names already resolved to their COW code. The registry is fixed, so a name resolves to the
#: same code every time; the votes of the many-year model name the same few hundred codes again
#: and again (about 18 names a Security Council vote: issue 16). Only strings are kept, at most
#: ``RESOLVED_MEMO`` of them; a name that does not resolve is never kept (it raises each time).
_RESOLVED: dict[str, str] = {}
RESOLVED_MEMO = 4096


def _code(name: str | int) -> str:
    """``resolve_state(name)``, remembered for strings."""
    if type(name) is not str:
        return resolve_state(name)
    code = _RESOLVED.get(name)
    if code is None:
        code = resolve_state(name)
        if len(_RESOLVED) < RESOLVED_MEMO:
            _RESOLVED[name] = code
    return code


def _collect(yes: Iterable[str], no: Iterable[str], abstain: Iterable[str],
             absent: Iterable[str]) -> dict[str, Vote]:
    votes: dict[str, Vote] = {}
    for kind, names in ((Vote.YES, yes), (Vote.NO, no), (Vote.ABSTAIN, abstain),
                        (Vote.ABSENT, absent)):
        for name in names:
            code = _code(name)
            if code in votes and votes[code] != kind:
                raise FoedusError(f"{code} is listed as both {votes[code].value} and {kind.value}")
            votes[code] = kind
    return votes


def _fixed_seats(ch: Charter, b: Body, named: dict[str, Vote], anon: dict[Vote, int],
                 on: date | None, notes: list[str]) -> dict[str, Vote]:
    """Seat votes of a fixed body: permanent seats by their holder on the day, everyone else
    in the elected seats; unlisted seats count as absent (added to ``anon``)."""
    seat_votes: dict[str, Vote] = {}
    perm_holders = {b.holder(s, on): s for s in b.permanent}
    elected_named = []
    for state, v in named.items():
        if state in perm_holders:
            seat_votes[state] = v
        elif state in b.permanent:  # the seat named, held by someone else on the day
            holder = b.holder(state, on)
            notes.append(f"{state}'s seat was held by {holder} on {on}")
            seat_votes[holder] = v
        else:
            elected_named.append(state)
            seat_votes[state] = v
    n_anon = sum(anon.values())
    if len(elected_named) + n_anon > b.elected:
        raise FoedusError(
            f"body {b.id!r} of {ch.id!r} has {b.elected} elected seats but "
            f"{len(elected_named) + n_anon} non-permanent votes were given "
            f"({', '.join(elected_named)}); permanent seats: "
            f"{', '.join(perm_holders) or 'none'}")
    missing_perm = [h for h in perm_holders if h not in seat_votes]
    for h in missing_perm:
        seat_votes[h] = Vote.ABSENT
    unlisted = b.elected - len(elected_named) - n_anon
    if missing_perm or unlisted:
        notes.append("not listed, counted as absent: "
                     + ", ".join(missing_perm + ([f"{unlisted} elected seat(s)"]
                                                 if unlisted else [])))
    anon[Vote.ABSENT] = anon.get(Vote.ABSENT, 0) + unlisted
    return seat_votes


def _member_seats(ch: Charter, b: Body, named: dict[str, Vote], anon: dict[Vote, int],
                  seats: int | None) -> dict[str, Vote]:
    """Seat votes of an all-members body; members not named are absent (by name when the
    membership is listed and no anonymous votes were given, else counted in ``anon``)."""
    members = ch.membership.members
    if isinstance(members, list):
        outsiders = [s for s in named if s not in members]
        if outsiders:
            raise FoedusError(f"{', '.join(outsiders)} not a member of {ch.name} ({ch.id}); "
                              f"members: {', '.join(members)}")
    seat_votes = dict(named)
    total = seats if seats is not None else (len(members) if isinstance(members, list) else None)
    given = len(named) + sum(anon.values())
    if total is not None:
        if given > total:
            raise FoedusError(f"{given} votes given but body {b.id!r} has {total} seats")
        if total > given:
            if isinstance(members, list) and not any(anon.values()):
                for m in members:  # every unnamed member is absent, by name
                    seat_votes.setdefault(m, Vote.ABSENT)
            else:  # unnamed votes were given: the rest are absent, unnamed
                anon[Vote.ABSENT] = anon.get(Vote.ABSENT, 0) + total - given
    return seat_votes


def _exclusions(rule: DecisionRule, seat_votes: Mapping[str, Vote], parties: list[str],
                aggressor: str | None, notes: list[str]) -> list[str]:
    """Who is not counted: the parties to the dispute, or the aggressor, as the rule says."""
    excluded: list[str] = []
    if rule.exclude == "parties":
        excluded = [p for p in parties if p in seat_votes]
    elif rule.exclude == "aggressor" and aggressor and aggressor in seat_votes:
        excluded = [aggressor]
    if excluded:
        why = rule.exclusion_note or rule.article
        notes.append(f"not counted as part{'ies' if len(excluded) > 1 else 'y'} to the dispute: "
                     f"{', '.join(excluded)} ({why})")
    return excluded


def _vetoes(b: Body, rule: DecisionRule, question: str, seat_votes: Mapping[str, Vote],
            excluded: list[str], on: date | None, notes: list[str]) -> list[str]:
    """The veto holders whose vote (or abstention or absence, if the rule says so) blocks."""
    vetoed_by: list[str] = []
    for h in b.veto_holders(question, on):
        if h in excluded:
            continue
        v = seat_votes.get(h, Vote.ABSENT)
        if v is Vote.NO or (v is Vote.ABSTAIN and rule.abstention_is_veto) or (
                v is Vote.ABSENT and rule.absence_is_veto):
            vetoed_by.append(h)
        elif v is Vote.ABSTAIN:
            notes.append(f"{h} abstained, not counted as a veto"
                         + (f" ({rule.abstention_note})" if rule.abstention_note else ""))
        elif v is Vote.ABSENT:
            notes.append(f"{h} absent, not counted as a veto"
                         + (f" ({rule.absence_note})" if rule.absence_note else ""))
    return vetoed_by


@dataclass(frozen=True)
class _Tally:
    yes: int
    no: int
    abstain: int
    absent: int
    base: int
    base_word: str
    required: int

    @property
    def present(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def seats(self) -> int:
        return self.present + self.absent


def _tally(rule: DecisionRule, counted: Mapping[str, Vote], anon: Mapping[Vote, int]) -> _Tally:
    y = no_ = ab = ax = 0
    for v in counted.values():  # one pass over the seats (issue 16)
        if v is _YES:
            y += 1
        elif v is _NO:
            no_ += 1
        elif v is _ABSTAIN:
            ab += 1
        elif v is _ABSENT:
            ax += 1
    if anon:
        y += anon.get(_YES, 0)
        no_ += anon.get(_NO, 0)
        ab += anon.get(_ABSTAIN, 0)
        ax += anon.get(_ABSENT, 0)
    total = y + no_ + ab + ax
    base = {"seats": total, "members": total, "present": y + no_ + ab,
            "present-and-voting": y + no_}[rule.base]
    word = {"seats": "seats", "members": "members", "present": "members present",
            "present-and-voting": "members present and voting"}[rule.base]
    return _Tally(y, no_, ab, ax, base, word, rule.required(base))


def _veto_reason(rule: DecisionRule, vetoed_by: list[str], seat_votes: Mapping[str, Vote]) -> str:
    who = ", ".join(vetoed_by)
    kinds = {seat_votes.get(h, Vote.ABSENT) for h in vetoed_by}
    what = ("negative vote" if kinds == {Vote.NO} else "abstention" if kinds == {Vote.ABSTAIN}
            else "absence" if kinds == {Vote.ABSENT} else "veto")
    plural = "s" if len(vetoed_by) > 1 else ""
    single = "a permanent member" if rule.veto == "permanent" else "a veto holder"
    member_word = ("permanent members" if plural and rule.veto == "permanent" else
                   "veto holders" if plural else single)
    return f"failed: {what}{plural} of {member_word}, {who} ({rule.article})"


def _unanimity(rule: DecisionRule, t: _Tally, counted: Mapping[str, Vote],
               anon: Mapping[Vote, int]) -> tuple[bool, str]:
    kinds = {"present-and-voting": {Vote.NO}, "present": {Vote.NO, Vote.ABSTAIN},
             "seats": {Vote.NO, Vote.ABSTAIN, Vote.ABSENT},
             "members": {Vote.NO, Vote.ABSTAIN, Vote.ABSENT}}[rule.base]
    breakers = [s for s, v in counted.items() if v in kinds]
    n_anon = sum(anon.get(k, 0) for k in kinds)
    if not (breakers or n_anon > 0 or t.yes == 0):
        return True, f"adopted: unanimous among {t.base_word}, {t.yes} in favour ({rule.article})"
    names = breakers + ([f"{n_anon} unnamed"] if n_anon else [])
    return False, (f"failed: unanimity broken by {', '.join(names)} ({rule.article})" if names
                   else f"failed: no affirmative vote ({rule.article})")


def _outcome(rule: DecisionRule, t: _Tally, vetoed_by: list[str], seat_votes: Mapping[str, Vote],
             counted: Mapping[str, Vote], anon: Mapping[Vote, int]) -> tuple[bool, str]:
    """Adopted or not, and why: quorum, then vetoes, then the threshold."""
    quorum = rule.quorum_needed(t.seats)
    if t.present < quorum:
        return False, f"failed: no quorum, {t.present} present of {quorum} required ({rule.article})"
    if vetoed_by:
        return False, _veto_reason(rule, vetoed_by, seat_votes)
    if rule.threshold == "all":
        return _unanimity(rule, t, counted, anon)
    if t.yes >= t.required:
        return True, (f"adopted: {t.yes} affirmative of {t.base} {t.base_word}, {t.required} "
                      f"required ({rule.article})")
    return False, (f"failed: {t.yes} affirmative, {t.required} required of {t.base} {t.base_word} "
                   f"({rule.article})")


def evaluate_vote(charter: str | Path | Charter, body: str, question: str = "determination", *,
                  yes: Iterable[str] = (), no: Iterable[str] = (), abstain: Iterable[str] = (),
                  absent: Iterable[str] = (), counts: Mapping[str, int] | None = None,
                  parties: Iterable[str] = (), aggressor: str | None = None,
                  on: date | None = None, seats: int | None = None,
                  with_fallback: bool = True) -> Decision:
    """Evaluate a vote of ``body`` on ``question`` under ``charter``.

    ``yes``/``no``/``abstain``/``absent`` name states (COW codes or aliases). ``counts`` adds
    anonymous votes (``{"yes": 40}``) for tallies recorded without names. ``parties`` are the
    parties to the dispute, ``aggressor`` the state accused. ``on`` dates the vote (who held
    China's seat); ``seats`` is the size of an all-members body, the rest counted absent.
    Seats of a fixed body that are not listed count as absent.
    """
    ch = load_charter(charter)
    b = ch.body(body)
    rule = _rule(b, question, ch)
    on = on or ch.date
    named = _collect(yes, no, abstain, absent)
    anon = {Vote(k): int(v) for k, v in (counts or {}).items()}
    if any(v < 0 for v in anon.values()):
        raise FoedusError("vote counts cannot be negative")
    party_codes = [_code(p) for p in parties]
    aggressor_code = _code(aggressor) if aggressor else None
    notes: list[str] = []
    seat_votes = (_fixed_seats(ch, b, named, anon, on, notes) if b.composition == "fixed"
                  else _member_seats(ch, b, named, anon, seats))
    excluded = _exclusions(rule, seat_votes, party_codes, aggressor_code, notes)
    counted = {s: v for s, v in seat_votes.items() if s not in excluded}
    t = _tally(rule, counted, anon)
    vetoed_by = _vetoes(b, rule, question, seat_votes, excluded, on, notes)
    adopted, reason = _outcome(rule, t, vetoed_by, seat_votes, counted, anon)
    if notes:
        reason += "; " + "; ".join(notes)
    fallback = None
    if vetoed_by and with_fallback:
        fallback = _fallback(ch, b, seat_votes, anon, party_codes, aggressor_code, on)
    return Decision(ch.id, b.id, question, adopted, reason, rule.article, t.yes, t.no, t.abstain,
                    t.absent, t.required, {s: v._value_ for s, v in seat_votes.items()},
                    tuple(excluded), tuple(vetoed_by), tuple(notes), fallback)


def _fallback(ch: Charter, b: Body, seat_votes: Mapping[str, Vote], anon: Mapping[Vote, int],
              parties: list[str], aggressor: str | None, on: date | None) -> FallbackOutcome | None:
    fb = ch.fallback_for(b.id)
    if fb is None:
        return None
    decides = ch.body(fb.decides_body)
    drule = decides.rules[fb.decides_question]
    action = "override the veto" if fb.effect == "override" else "recommend collective measures"
    then = (f"the {decides.name} may then {action} "
            f"({drule.threshold} of {drule.base.replace('-', ' ')}; {fb.bindingness}; {fb.article})")
    if fb.effect == "override" and not fb.convene:
        return FallbackOutcome(fb.id, fb.name, True, f"{fb.name}: {then}", decides.id,
                               fb.decides_question, fb.effect, fb.bindingness, fb.article)
    others = []
    for route in fb.convene:
        if route.body != b.id:
            others.append(route.note or f"a vote of the {ch.body(route.body).name}")
            continue
        sub = evaluate_vote(
            ch, b.id, route.question,
            yes=[s for s, v in seat_votes.items() if v is Vote.YES],
            no=[s for s, v in seat_votes.items() if v is Vote.NO],
            abstain=[s for s, v in seat_votes.items() if v is Vote.ABSTAIN],
            absent=[s for s, v in seat_votes.items() if v is Vote.ABSENT],
            counts={k.value: c for k, c in anon.items()
                    if k is not Vote.ABSENT or b.composition != "fixed"},
            parties=parties, aggressor=aggressor, on=on, with_fallback=False)
        if sub.adopted:
            reason = (f"{fb.name}: the same votes on a {route.question} motion would pass "
                      f"({sub.yes} affirmative, {sub.required} required, no veto; "
                      f"{sub.article}), convening the {decides.name}; {then}")
            return FallbackOutcome(fb.id, fb.name, True, reason, decides.id, fb.decides_question,
                                   fb.effect, fb.bindingness, fb.article)
    alt = f"; it can still be convened by {' or '.join(others)}" if others else ""
    reason = f"{fb.name}: the same votes would not convene the {decides.name}{alt}; {then}"
    return FallbackOutcome(fb.id, fb.name, False, reason, decides.id, fb.decides_question,
                           fb.effect, fb.bindingness, fb.article)


# --- voting power of a body ----------------------------------------------------------------


def voting_game(charter: str | Path | Charter, body: str, question: str = "determination", *,
                parties: Iterable[str] = (), elected: Iterable[str] = (),
                members: int | None = None, on: date | None = None) -> Any:
    """The simple voting game of ``body`` deciding ``question`` (for power indices).

    Every seat votes yes or no (full attendance, so fractions of any base are fractions of the
    seats). Permanent seats are named by their holder on ``on``; elected seats are named from
    ``elected`` or ``elected-1``, ``elected-2`` ...; an all-members body has one player per
    member (``members`` sets the size of a universal membership, default the charter's
    ``membership.size``). Parties excluded by the rule are removed from the game; veto holders
    must be in every winning coalition.
    """
    from .power import VotingGame

    ch = load_charter(charter)
    b = ch.body(body)
    rule = _rule(b, question, ch)
    on = on or ch.date
    party_codes = {resolve_state(p) for p in parties}
    if b.composition == "fixed":
        named_elected = [resolve_state(e) for e in elected]
        if len(named_elected) > b.elected:
            raise FoedusError(f"body {b.id!r} has only {b.elected} elected seats")
        players = [b.holder(s, on) for s in b.permanent] + named_elected
        players += [f"elected-{k + 1}" for k in range(b.elected - len(named_elected))]
    else:
        m = ch.membership.members
        if isinstance(m, list):
            players = list(m)
        else:
            size = members if members is not None else ch.membership.size
            if not size:
                raise FoedusError(f"{ch.id}: membership is {m!r}; give the number of members")
            players = [f"member-{k + 1}" for k in range(size)]
    if rule.exclude == "parties":
        players = [p for p in players if p not in party_codes]
    if not players:
        raise FoedusError(f"no voters left in body {b.id!r} after exclusions")
    n = len(players)
    quota = rule.required(n)
    if quota > n:
        raise FoedusError(f"rule {question!r} of body {b.id!r} needs {quota} votes but only {n} "
                          "seats vote")
    veto = frozenset(v for v in b.veto_holders(question, on) if v in players)
    return VotingGame(players=tuple(players), weights=(1,) * n, quota=quota, veto=veto)


def voting_power(charter: str | Path | Charter, body: str, question: str = "determination",
                 **kwargs: Any) -> Any:
    """Exact Shapley–Shubik and Banzhaf indices and Coleman's power to act of a body.

    Keyword arguments are those of :func:`voting_game`. Returns a ``PowerIndices``.
    """
    from .power import power_indices

    return power_indices(voting_game(charter, body, question, **kwargs))


__all__ = ["Decision", "FallbackOutcome", "Vote", "evaluate_vote", "voting_game", "voting_power"]
