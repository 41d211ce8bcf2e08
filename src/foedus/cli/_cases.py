"""Commands on the historical case library: cases, case show/replay/check/predict."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from foedus import InputError
from foedus.history import (
    CLASSES,
    Case,
    DecisionReplay,
    EventJudgement,
    Prediction,
    Replay,
    builtin_cases,
    class_scores,
    confusion,
    load_case,
    predict,
    predict_all,
    replay,
    scores_by_group,
)

from ._common import console, emit_json, fail, handle_errors, json_option

_VOTE_ORDER = ("yes", "no", "abstain", "absent")


def _date(d: Any) -> str:
    return f"{d.day} {d:%b %Y}" if d is not None else ""


def _outcome(text: str) -> str:
    colour = {"adopted": "green", "undetermined": "yellow"}.get(text, "red")
    return f"[bold {colour}]{text.upper()}[/]"


@click.command("cases")
@json_option
@handle_errors
def cases_cmd(as_json: bool) -> None:
    """List the built-in historical cases (id, title, years)."""
    rows: list[dict[str, Any]] = [
        {"id": c.id, "title": c.title, "years": c.period, "charter": c.charter,
         "decisions": len(c.decisions)} for c in builtin_cases()]
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Built-in historical cases")
    for col in ("id", "years", "title", "charter", "decisions"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["years"], r["title"], r["charter"], str(r["decisions"]))
    console.print(table)
    console.print("Replay one with `foedus case replay ID`; ask what if with "
                  "`--set DECISION:STATE=VOTE` or `--charter ID`.")


@click.group("case")
def case_group() -> None:
    """Show, replay, check or predict one historical case (a built-in id or a TOML file)."""


def _case_dict(c: Case) -> dict[str, Any]:
    d = c.model_dump(mode="json")
    d["source"] = c.source
    return d


def _bodies_text(c: Case) -> list[str]:
    out = []
    ch = c.load_charter()
    for cb in c.bodies:
        name = next((b.name for b in ch.bodies if b.id == cb.id), cb.id)
        parts = []
        if cb.permanent is not None:
            parts.append(f"permanent {', '.join(cb.permanent)}")
        if cb.elected is not None:
            parts.append(f"elected {', '.join(cb.elected)}")
        if cb.members is not None:
            parts.append(f"{len(cb.members)} members: {', '.join(cb.members)}")
        if cb.size is not None:
            parts.append(f"{cb.size} members")
        line = f"{name} ({cb.id}): {'; '.join(parts)}"
        if cb.note:
            line += f" — {cb.note}"
        if cb.uncertain:
            line += f" {cb.uncertain}"
        out.append(line)
    for a in c.attendance:
        when = f"{a.start or '…'} to {a.end or '…'}"
        out.append(f"attendance: {', '.join(a.states)} {a.status} in the {a.body}, {when}"
                   + (f" — {a.note}" if a.note else ""))
    return out


def _parties_text(c: Case) -> str:
    p = c.parties
    parts = []
    if p.aggressor:
        parts.append(f"accused {', '.join(p.aggressor)}")
    if p.target:
        parts.append(f"target {', '.join(p.target)}")
    if p.others:
        parts.append(f"other parties {', '.join(p.others)}")
    text = "; ".join(parts) or "none named"
    if p.self_defence_claim:
        text += " (the accused claimed self-defence)"
    return text


@case_group.command("show")
@click.argument("case")
@json_option
@handle_errors
def case_show(case: str, as_json: bool) -> None:
    """The case as recorded: parties, bodies on the day, decisions, what followed, sources."""
    c = load_case(case)
    if as_json:
        emit_json(_case_dict(c))
        return
    console.print(f"[bold]{escape(c.title)}[/]  ({c.id}, {c.period}; charter {c.charter})")
    console.print(escape(c.summary))
    console.print(f"\n[bold]Parties[/]: {escape(_parties_text(c))}")
    if c.parties.note:
        console.print(f"  {escape(c.parties.note)}")
    console.print("[bold]Bodies on the day[/]")
    for line in _bodies_text(c):
        console.print(f"  {escape(line)}")
    table = Table(title="Decisions as recorded", show_lines=False)
    for col in ("date", "document", "body", "question", "tally", "outcome", "article"):
        table.add_column(col, overflow="fold")
    for d in c.decisions:
        tally = d.tally or "—"
        if d.uncertain:
            tally += " ⚠"
        table.add_row(_date(d.date), escape(d.document), d.body, d.question, tally, d.outcome,
                      escape(d.article))
    console.print(table)
    if c.followed:
        console.print("[bold]What followed[/]")
        for f in c.followed:
            when = _date(f.date) if f.date else f.when
            console.print(f"  - {escape(when)}: {escape(f.text)}"
                          + (f" [dim]({escape(f.article)})[/]" if f.article else "")
                          + (f" {escape(f.uncertain)}" if f.uncertain else ""))
    if c.notes:
        console.print(f"\n[bold]Notes[/]: {escape(c.notes)}")
    console.print("\n[bold]Sources[/]")
    for s in c.sources:
        mark = "" if s.checked else " ⚠"
        console.print(f"  [{escape(s.id)}]{mark} {escape(s.ref)}"
                      + (f" — {escape(s.note)}" if s.note else ""), highlight=False)


def _votes_line(r: DecisionReplay) -> str:
    groups: dict[str, list[str]] = {k: [] for k in _VOTE_ORDER}
    for s, v in r.votes.items():
        groups[v].append(f"{s} (NP)" if s in r.not_participating else s)
    parts = []
    for k in _VOTE_ORDER:
        n = len(groups[k]) + r.counts.get(k, 0)
        if not n:
            continue
        names = ", ".join(groups[k])
        anon = r.counts.get(k, 0)
        if anon:
            names = (names + f" + {anon} unnamed") if names else f"{anon} unnamed"
        parts.append(f"{k} {n} ({names})")
    return "; ".join(parts) or "no votes"


def _print_decision(k: int, r: DecisionReplay, counterfactual: bool) -> None:
    status = {"as-recorded": "", "flipped": " [bold yellow]FLIPS[/]",
              "unnecessary": " [bold cyan]UNNECESSARY[/]", "unreached": " [bold cyan]NOT "
              "REACHED AS RECORDED[/]", "disagrees": " [bold red]DISAGREES[/]",
              "undetermined": " [bold yellow]UNDETERMINED[/]"}[r.status]
    console.print(f"\n[bold]{k}. {_date(r.date)} — {escape(r.document)}[/] — "
                  f"{escape(r.body_name)}, {r.question}{status}")
    console.print(f"   {escape(r.title)}")
    if r.changes:
        console.print(f"   [yellow]Changed[/]: {escape('; '.join(r.changes))}")
    console.print(f"   Votes: {escape(_votes_line(r))}"
                  + (f"  [dim](recorded tally {escape(r.recorded_tally)})[/]"
                     if r.recorded_tally else ""))
    for s, why in r.attendance.items():
        console.print(f"   [dim]{s} absent by the attendance record: {escape(why)}[/]")
    console.print(f"   Rule: {escape(r.rule)} — {escape(r.article)}")
    console.print(f"   Computed: {_outcome(r.computed)} — "
                  + escape(r.unknown if r.unknown else r.decision.reason))
    mark = ("[yellow]? not scored: part of the tally unknown[/]" if not r.determined
            else "[green]✓ agrees with the record[/]" if r.computed == r.recorded
            else "[yellow]differs from the record[/]" if counterfactual
            else "[red]✗ DISAGREES with the record[/]")
    vetoes = (f" (vetoed by {', '.join(r.recorded_vetoed_by)})" if r.recorded_vetoed_by
              else "")
    console.print(f"   Recorded: {_outcome(r.recorded)}{escape(vetoes)} {mark}  "
                  f"[dim]governing article on record: {escape(r.recorded_article)}[/]")
    if r.disagreement and not counterfactual:
        console.print(f"   [red]Disagreement[/]: {escape(r.disagreement)}")
    if r.decided:
        console.print(f"   Decided: {escape(r.decided)}"
                      + (f" [dim]({escape(r.bindingness)})[/]" if r.bindingness else ""))
    for n in r.next:
        console.print(f"   → {escape(n)}")
    if r.notes:
        console.print(f"   [dim]Note: {escape(r.notes)}[/]")
    if r.uncertain:
        console.print(f"   [dim]{escape(r.uncertain)}[/]")
    if r.sources:
        console.print(f"   [dim]Sources: {escape(', '.join(r.sources))}[/]")


def _print_event(e: EventJudgement) -> None:
    when = _date(e.date) + (f" – {_date(e.end)}" if e.end else "")
    kind = f" ({e.kind})" if e.label != e.kind else ""
    console.print(f"\n • [bold]{when} — {escape(e.label)}[/]{kind}")
    console.print(f"   {escape(e.title)}")
    console.print(f"   Engages: {escape(e.engages)}"
                  + (f"  [dim](on record: {escape(e.article_on_record)})[/]"
                     if e.article_on_record else ""))
    console.print(f"   Required: {escape(e.required)}")
    for f in e.findings:
        console.print(f"   - {escape(f)}")
    console.print(f"   [bold]Judged[/]: {escape(e.verdict)}")
    if e.notes:
        console.print(f"   [dim]Note: {escape(e.notes)}[/]")
    if e.uncertain:
        console.print(f"   [dim]{escape(e.uncertain)}[/]")
    if e.sources:
        console.print(f"   [dim]Sources: {escape(', '.join(e.sources))}[/]")


def _print_replay(rp: Replay) -> None:
    c = rp.case
    console.print(f"[bold]{escape(c.title)}[/]  ({c.id}, {c.period})")
    console.print(escape(c.summary))
    what = "Counterfactual replay" if rp.counterfactual else "Replayed"
    console.print(f"\n[bold]{what} under {escape(rp.charter)}[/] — {escape(rp.charter_name)}"
                  + (f" [dim](the case's charter is {escape(c.charter)})[/]"
                     if rp.charter != c.load_charter().id else ""))
    for n in rp.notes:
        console.print(f"[yellow]{escape(n)}[/]")
    console.print(f"Parties: {escape(_parties_text(c))}")
    for line in _bodies_text(c):
        console.print(f"  {escape(line)}")
    for k, r in enumerate(rp.decisions, 1):
        _print_decision(k, r, rp.counterfactual)
    if rp.events:
        console.print("\n[bold]Events that were not votes[/], judged under "
                      f"{escape(rp.charter)}")
        for e in rp.events:
            _print_event(e)
    if c.followed:
        console.print("\n[bold]What followed[/]")
        for f in c.followed:
            when = _date(f.date) if f.date else f.when
            console.print(f"  - {escape(when)}: {escape(f.text)}"
                          + (f" [dim]({escape(f.article)})[/]" if f.article else "")
                          + (f" [dim]{escape(f.uncertain)}[/]" if f.uncertain else ""))
    console.print()
    total = len(rp.decisions)
    if rp.counterfactual:
        flipped = rp.flipped
        console.print(f"[bold]What if[/]: {len(flipped)} of {total} decisions flip"
                      + (f": {', '.join(flipped)}" if flipped else ""))
        for status, words in (("unnecessary", "then unnecessary"),
                              ("unreached", "not reached as recorded")):
            ids = [r.id for r in rp.decisions if r.status == status]
            if ids:
                console.print(f"  {words}: {', '.join(ids)}")
    elif rp.all_agree:
        open_ = [r.id for r in rp.decisions if not r.determined]
        if open_:
            console.print(f"[bold green]All {total - len(open_)} computed outcomes equal the "
                          f"record[/]; {len(open_)} undetermined (part of the tally unknown, "
                          f"not scored): {', '.join(open_)}")
        else:
            console.print(f"[bold green]All {total} computed outcomes equal the record.[/]")
    else:
        bad = rp.disagreements
        console.print(f"[bold red]{len(bad)} of {total} computed outcomes disagree with the "
                      "record:[/]")
        for r in bad:
            console.print(f"  {escape(r.id)}: {escape(r.disagreement or '')}")


@case_group.command("replay")
@click.argument("case")
@click.option("--set", "changes", multiple=True, metavar="DECISION:STATE=VOTE",
              help='Change a vote or attendance, e.g. "S/RES/82:RUS=no" (yes, no, abstain, '
              'absent); "*:RUS=no" for every decision. Repeatable.')
@click.option("--charter", default=None, help="Replay under another charter (id or file).")
@click.option("--what-if", "what_if", default=None, type=click.Path(dir_okay=False),
              help="A what-if TOML file: vote changes and/or a charter.")
@json_option
@handle_errors
def case_replay(case: str, changes: tuple[str, ...], charter: str | None,
                what_if: str | None, as_json: bool) -> None:
    """Run the recorded votes through the rules, step by step; or ask what if.

    Exit 0 when every computed outcome equals the record, 1 when one disagrees; a
    counterfactual replay (--set, --charter, --what-if) exits 0 and shows which decisions flip.
    """
    rp = replay(case, changes=list(changes), charter=charter, what_if=what_if)
    if as_json:
        emit_json(rp.to_dict())
    else:
        _print_replay(rp)
    if not rp.counterfactual and not rp.all_agree:
        sys.exit(1)


@case_group.command("check")
@click.argument("file")
@json_option
def case_check(file: str, as_json: bool) -> None:
    """Validate a case file: exit 0 if valid, 2 with file, field and problem otherwise."""
    try:
        c = load_case(file)
    except InputError as exc:
        if as_json:
            emit_json({"valid": False, "file": exc.source,
                       "problems": [{"field": f, "problem": p} for f, p in exc.problems]})
            sys.exit(2)
        fail(f"invalid case {exc}")
    except Exception as exc:  # any other failure is still a clean exit 2
        if as_json:
            emit_json({"valid": False, "file": file,
                       "problems": [{"field": "", "problem": str(exc)}]})
            sys.exit(2)
        fail(f"error: {file}: {exc}")
    if as_json:
        emit_json({"valid": True, "file": file, "id": c.id, "decisions": len(c.decisions)})
    else:
        console.print(f"[green]valid[/]: {escape(file)} ({c.id}, {len(c.decisions)} decisions, "
                      f"charter {escape(c.charter)})")


@case_group.command("predict")
@click.argument("case")
@json_option
@handle_errors
def case_predict(case: str, as_json: bool) -> None:
    """Predict each member's vote with the behavioural model and score it against the record.

    CASE is a case id or file, or `all` for every built-in case with the scores per body and
    era against the all-yes baseline.
    """
    preds = predict_all() if case == "all" else [predict(case)]
    if as_json:
        emit_json(preds[0].to_dict() if case != "all" else {
            "cases": [p.to_dict() for p in preds],
            "confusion": confusion([v for p in preds for v in p.votes]),
            "classes": class_scores([v for p in preds for v in p.votes]),
            "groups": [s.to_dict() for s in scores_by_group(preds)]})
        return
    if case != "all":
        _print_prediction(preds[0])
    votes = [v for p in preds for v in p.votes]
    _print_confusion(votes)
    _print_groups(preds)
    console.print("[dim]Alignments are a coarse, sourced proxy for affinity; abstention is "
                  "modelled, absence is not (docs/cases.md).[/]")


def _print_prediction(p: Prediction) -> None:
    c = load_case(p.case)
    console.print(f"[bold]Predicted votes: {escape(c.title)}[/] ({c.id})")
    for n in p.notes:
        console.print(f"[dim]{escape(n)}[/]")
    table = Table(show_lines=False)
    for col in ("date", "decision", "votes predicted", "accuracy", "predicted tally",
                "recorded tally", "predicted outcome", "recorded outcome"):
        table.add_column(col, overflow="fold")
    for d in p.decisions:
        acc = "—" if d.accuracy is None else f"{d.accuracy:.0%}"
        pred = d.predicted_outcome or f"not scored ({d.why_not})"
        rec = d.recorded_outcome + ("" if d.outcome_correct is not False else " ✗")
        table.add_row(_date(d.date), escape(d.id), str(len(d.votes)), acc, d.predicted_tally,
                      d.recorded_tally or "—", escape(pred), rec)
    console.print(table)
    wrong = [v for v in p.votes if not v.correct]
    if wrong:
        console.print("[bold]Missed votes[/] (state: predicted / recorded; alignment; utility)")
        for v in wrong:
            console.print(f"  {escape(v.decision)} {v.state}: {v.predicted} / {v.recorded}; "
                          f"{v.alignment}; {v.utility:+.2f}")


def _print_confusion(votes: list[Any]) -> None:
    m = confusion(votes)
    table = Table(title=f"Confusion matrix: {len(votes)} predicted votes (rows: recorded)")
    table.add_column("recorded \\ predicted")
    for c in CLASSES:
        table.add_column(c, justify="right")
    table.add_column("recall", justify="right")
    scores = class_scores(votes)
    for r in CLASSES:
        rec = scores[r]["recall"]
        table.add_row(r, *(str(m[r][c]) for c in CLASSES),
                      "—" if rec is None else f"{rec:.0%}")
    console.print(table)


def _print_groups(preds: list[Prediction]) -> None:
    table = Table(title="Accuracy against the all-yes baseline, per body and era")
    for col in ("body · era", "votes", "accuracy", "all-yes baseline", "outcomes right"):
        table.add_column(col, overflow="fold")
    for s in scores_by_group(preds):
        table.add_row(escape(s.group), str(s.votes),
                      "—" if s.accuracy is None else f"{s.accuracy:.0%}",
                      "—" if s.baseline is None else f"{s.baseline:.0%}",
                      f"{s.outcomes_right} of {s.outcomes}")
    console.print(table)



__all__ = ["case_group", "cases_cmd"]
