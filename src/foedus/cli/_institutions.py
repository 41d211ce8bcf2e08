"""Commands on institutions: charters, charter show/check, vote, power, states, institutions."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import click
from rich.table import Table

from foedus import InputError
from foedus.rules import (
    builtin_charters,
    charter_toml,
    compare_institutions,
    describe_charter,
    evaluate_vote,
    load_charter,
    voting_power,
)
from foedus.rules import states as all_states

from ._common import console, emit_json, fail, handle_errors, json_option, split_list


@click.command("charters")
@json_option
@handle_errors
def charters_cmd(as_json: bool) -> None:
    """List the built-in charters (id, kind, one line)."""
    rows = [{"id": c.id, "kind": c.kind, "name": c.name, "summary": c.summary}
            for c in builtin_charters()]
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Built-in charters", show_lines=False)
    for col in ("id", "kind", "summary"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["kind"], r["summary"])
    console.print(table)


@click.group("charter")
def charter_group() -> None:
    """Show or check one charter (a built-in id or a TOML file)."""


@charter_group.command("show")
@click.argument("charter")
@click.option("--resolved", is_flag=True, help="Print the whole charter as TOML, with every "
              "field it inherits through `extends` filled in.")
@json_option
@handle_errors
def charter_show(charter: str, resolved: bool, as_json: bool) -> None:
    """A readable summary of bodies, rules and obligations with their articles."""
    if resolved:
        ch = load_charter(charter)
        if as_json:
            emit_json(ch.model_dump(mode="json", exclude_none=True)
                      | {"lineage": list(ch.lineage)})
        else:
            click.echo(charter_toml(ch), nl=False)
        return
    d = describe_charter(charter)
    if as_json:
        emit_json(d)
        return
    console.print(f"[bold]{d['name']}[/]  ({d['id']}, {d['kind']}, {d['year']})")
    console.print(d["summary"])
    console.print(f"[dim]Encodes: {d['citation']}[/]")
    m = d["membership"]
    who = m["members"] if isinstance(m["members"], str) else ", ".join(m["members"])
    console.print(f"\n[bold]Membership[/]: {who}"
                  + (f" ({m['count']} members)" if m["count"] else "")
                  + (f" — {m['article']}" if m["article"] else ""))
    if m["note"]:
        console.print(f"  {m['note']}")
    s = d["scope"]
    area = f" in {', '.join(s['area'])}" if s["area"] else ""
    console.print(f"[bold]Scope[/]: protects {s['protects']} against {s['against']} aggressors"
                  f"{area}; response organised by {s['coalitions']} — {s['article']}")
    for b in d["bodies"]:
        seats = (f"{len(b['permanent'])} permanent ({', '.join(b['permanent'])}) + "
                 f"{b['elected']} elected" if b["composition"] == "fixed" else "all members")
        console.print(f"\n[bold]{b['name']}[/] ({b['id']}): {seats} — {b['article']}")
        for h in b["seat_holders"]:
            end = f" until {h['end']}" if h["end"] else ""
            console.print(f"  seat {h['seat']} held by {h['holder']}{end}: {h['note']}")
        t = Table(show_header=True, box=None, padding=(0, 2))
        t.add_column("question")
        t.add_column("rule", overflow="fold")
        t.add_column("article", overflow="fold")
        for q, r in b["rules"].items():
            t.add_row(q, r["rule"], r["article"])
        console.print(t)
    if d["procedure"]:
        console.print("\n[bold]Procedure[/]")
        t = Table(show_header=True, box=None, padding=(0, 2))
        for col in ("#", "step", "decided by", "bindingness", "article"):
            t.add_column(col, overflow="fold")
        for k, st in enumerate(d["procedure"], 1):
            by = f"{st['body']} ({st['question']})" if st["body"] else "no vote"
            extra = " [consent]" if st["requires_consent"] else ""
            fb = f" → {st['fallback']}" if st["fallback"] else ""
            t.add_row(str(k), st["measure"] + extra, by + fb, st["bindingness"], st["article"])
        console.print(t)
    for f in d["fallbacks"]:
        console.print(f"\n[bold]Fallback[/] {f['name']}: when {f['body']} is vetoed, "
                      f"{f['decides_body']} decides ({f['effect']}, {f['bindingness']}) — "
                      f"{f['article']}")
    sd, ex = d["self_defence"], d["exit"]
    console.print(f"\n[bold]Self-defence[/]: {'allowed' if sd['allowed'] else 'not allowed'}"
                  f"{', collective' if sd['collective'] else ''}, {sd['until']} — {sd['article']}")
    console.print(f"[bold]Exit[/]: withdrawal {'allowed' if ex['withdrawal'] else 'not provided'}"
                  f"{' with ' + str(ex['notice_years']) + ' years notice' if ex['notice_years'] else ''}"
                  f" — {ex['article']}")
    if d["sources"]:
        console.print("\n[bold]Sources[/]")
        for src in d["sources"]:
            console.print(f"  - {src}")


@charter_group.command("check")
@click.argument("file")
@json_option
def charter_check(file: str, as_json: bool) -> None:
    """Validate a charter file: exit 0 if valid, 2 with file, field and problem otherwise."""
    try:
        ch = load_charter(file)
    except InputError as exc:
        if as_json:
            emit_json({"valid": False, "file": exc.source,
                       "problems": [{"field": f, "problem": p} for f, p in exc.problems]})
        else:
            fail(f"invalid charter {exc}")
        sys.exit(2)
    except Exception as exc:
        fail(f"error: {file}: {exc}")
    if as_json:
        emit_json({"valid": True, "file": file, "id": ch.id})
    else:
        console.print(f"[green]valid[/]: {file} ({ch.id}, {ch.kind}, {len(ch.bodies)} bodies, "
                      f"{len(ch.procedure)} procedure steps)")


def _decision_text(dec: Any) -> None:
    colour = "green" if dec.adopted else "red"
    console.print(f"[bold {colour}]{dec.outcome.upper()}[/] {dec.tally} "
                  f"({dec.absent} absent) — {dec.charter}, {dec.body}, {dec.question}")
    console.print(dec.reason, highlight=False)
    if dec.fallback is not None:
        console.print(f"[bold]{dec.fallback.name}[/]: "
                      + ("convened" if dec.fallback.convened else "not convened"))
        console.print(dec.fallback.reason, highlight=False)


@click.command("vote")
@click.argument("charter")
@click.option("--body", "-b", required=True, help="Body id (e.g. council, assembly).")
@click.option("--question", "-q", default="determination", show_default=True,
              help="Kind of question: procedural, determination, measures, ...")
@click.option("--yes", multiple=True, help="States voting yes (comma-separated, repeatable).")
@click.option("--no", "no_", multiple=True, help="States voting no.")
@click.option("--abstain", multiple=True, help="States abstaining.")
@click.option("--absent", multiple=True, help="States absent or not participating.")
@click.option("--party", multiple=True, help="Parties to the dispute.")
@click.option("--aggressor", default=None, help="The state accused of aggression.")
@click.option("--date", "on", default=None, help="Date of the vote (YYYY-MM-DD): seat holders.")
@click.option("--seats", type=int, default=None, help="Size of an all-members body.")
@click.option("--count-yes", type=int, default=0, help="Unnamed yes votes (tallies).")
@click.option("--count-no", type=int, default=0, help="Unnamed no votes.")
@click.option("--count-abstain", type=int, default=0, help="Unnamed abstentions.")
@json_option
@handle_errors
def vote_cmd(charter: str, body: str, question: str, yes: tuple[str, ...], no_: tuple[str, ...],
             abstain: tuple[str, ...], absent: tuple[str, ...], party: tuple[str, ...],
             aggressor: str | None, on: str | None, seats: int | None, count_yes: int,
             count_no: int, count_abstain: int, as_json: bool) -> None:
    """Evaluate a vote: adopted or failed, and why (naming the article)."""
    date = _parse_date(on)
    dec = evaluate_vote(charter, body, question, yes=split_list(yes), no=split_list(no_),
                        abstain=split_list(abstain), absent=split_list(absent),
                        parties=split_list(party), aggressor=aggressor, on=date, seats=seats,
                        counts={"yes": count_yes, "no": count_no, "abstain": count_abstain})
    if as_json:
        emit_json(dec.to_dict())
    else:
        _decision_text(dec)


def _parse_date(on: str | None) -> dt.date | None:
    if not on:
        return None
    try:
        return dt.date.fromisoformat(on)
    except ValueError:
        raise InputError("--date", [("", f"{on!r} is not a date (YYYY-MM-DD)")]) from None


@click.command("power")
@click.argument("charter")
@click.option("--body", "-b", required=True, help="Body id (e.g. council).")
@click.option("--question", "-q", default="determination", show_default=True)
@click.option("--party", multiple=True, help="Parties excluded by the rule (if it excludes).")
@click.option("--elected", multiple=True, help="Name the elected members (comma-separated).")
@click.option("--members", type=int, default=None, help="Size of a universal membership.")
@click.option("--date", "on", default=None, help="Date (YYYY-MM-DD) for seat holders.")
@json_option
@handle_errors
def power_cmd(charter: str, body: str, question: str, party: tuple[str, ...],
              elected: tuple[str, ...], members: int | None, on: str | None,
              as_json: bool) -> None:
    """Exact Shapley–Shubik and Banzhaf power per seat, and the body's power to act."""
    p = voting_power(charter, body, question, parties=split_list(party),
                     elected=split_list(elected), members=members, on=_parse_date(on))
    records = p.as_records()
    if as_json:
        emit_json({"charter": load_charter(charter).id, "body": body, "question": question,
                   "seats": records, "power_to_act": p.power_to_act,
                   "winning_coalitions": str(p.winning_coalitions)})
        return
    table = Table(title=f"Voting power: {charter} {body} ({question})")
    for col in ("seat", "shapley_shubik", "banzhaf", "banzhaf_swings"):
        table.add_column(col, justify="left" if col == "seat" else "right")
    shown = records if len(records) <= 40 else records[:40]
    for r in shown:
        table.add_row(str(r["name"]), f"{r['shapley_shubik']:.6f}", f"{r['banzhaf']:.6f}",
                      str(r["banzhaf_swings"]))
    console.print(table)
    if len(records) > len(shown):
        console.print(f"... {len(records) - len(shown)} more seats (use --json for all)")
    console.print(f"Power of the body to act (Coleman): {p.power_to_act:.6g} "
                  f"({p.winning_coalitions} winning coalitions of 2^{len(records)})")


@click.command("states")
@click.option("--search", default=None, help="Only states whose code, name or alias contains this.")
@json_option
@handle_errors
def states_cmd(search: str | None, as_json: bool) -> None:
    """List the state registry: COW codes, abbreviations, names, regions and aliases."""
    rows: list[dict[str, Any]] = [
        {"abb": s.abb, "ccode": s.ccode, "name": s.name, "region": s.region,
         "aliases": list(s.aliases)} for s in all_states()]
    if search:
        key = search.casefold()
        rows = [r for r in rows if key in " ".join([r["abb"], r["name"], *r["aliases"],
                                                    str(r["ccode"])]).casefold()]
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"States ({len(rows)})")
    for col in ("abb", "ccode", "name", "region", "aliases"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["abb"], str(r["ccode"]), r["name"], r["region"], ", ".join(r["aliases"]))
    console.print(table)


@click.command("institutions")
@click.option("--charters", "charter_list", multiple=True,
              help="Charters to compare (default: all built-in).")
@json_option
@handle_errors
def institutions_cmd(charter_list: tuple[str, ...], as_json: bool) -> None:
    """Compare institutions as rules: members, who decides how, vetoes, voting power."""
    rows = compare_institutions(split_list(charter_list) or None)
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Built-in institutions compared as rules")
    for col in ("id", "kind", "members", "scope", "decides", "rule", "power to act",
                "max SS", "obligation", "fallback"):
        table.add_column(col, overflow="fold")
    for r in rows:
        pta = "—" if r["power_to_act"] is None else f"{r['power_to_act']:.3g}"
        ss = "—" if r["max_shapley_shubik"] is None else f"{r['max_shapley_shubik']:.3f}"
        table.add_row(r["id"], r["kind"], str(r["members"]), r["scope"], r["decides"] or "—",
                      r["rule"] or "—", pta, ss, r["obligation"], r["fallback"] or "—")
    console.print(table)
    console.print("power to act: Coleman (1971), share of coalitions that win; max SS: the "
                  "largest Shapley–Shubik index of a seat (Shapley & Shubik 1954).")



__all__ = ["charter_group", "charters_cmd", "institutions_cmd", "power_cmd", "states_cmd", "vote_cmd"]
