"""``foedus threats``: the kinds of threat (docs/threats.md), listed or shown one by one."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from foedus.rules import Threat, builtin_threat_ids, load_threat

from ._common import console, emit_json, handle_errors, json_option


def _row(t: Threat) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "summary": t.summary,
            "responsible": t.attribution.responsible, "ambiguity": t.attribution.ambiguity,
            "armed_attack": t.thresholds.armed_attack.meets,
            "threat_to_the_peace": t.thresholds.threat_to_the_peace.meets,
            "responses": [r.kind for r in t.responses]}


@click.command("threats")
@click.argument("threat", required=False)
@json_option
@handle_errors
def threats_cmd(threat: str | None, as_json: bool) -> None:
    """List the kinds of threat, or show one (a built-in id or a TOML file).

    A kind of threat is its attribution (who can be held responsible, how ambiguous), whether
    it meets each treaty threshold (an armed attack under Art. 51 and NATO Art. 5; a threat to
    the peace under Art. 39), the responses it admits with their cost and sources.
    """
    if threat is not None:
        _show(load_threat(threat), as_json)
        return
    rows = [_row(load_threat(i)) for i in builtin_threat_ids()]
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Kinds of threat (foedus threats ID shows one)")
    for col in ("id", "responsible", "ambiguity", "armed attack", "threat to the peace",
                "responses"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["responsible"], f"{r['ambiguity']:.2f}", r["armed_attack"],
                      r["threat_to_the_peace"], ", ".join(r["responses"]))
    console.print(table)


def _show(t: Threat, as_json: bool) -> None:
    if as_json:
        emit_json(t.model_dump())
        return
    console.print(f"[bold]{t.name}[/] ({t.id})\n{t.summary}")
    a = t.attribution
    console.print(f"Attribution: responsible state: {a.responsible}; ambiguity {a.ambiguity:.2f}."
                  + (f" {a.basis}" if a.basis else ""))
    for label, th in (("Armed attack (Art. 51, NATO Art. 5)", t.thresholds.armed_attack),
                      ("Threat to the peace (Art. 39)", t.thresholds.threat_to_the_peace)):
        console.print(f"{label}: [bold]{th.meets}[/]. {th.basis}")
    table = Table(title="Responses")
    for col in ("kind", "consent of", "cost factor", "basis"):
        table.add_column(col, overflow="fold")
    for r in t.responses:
        table.add_row(r.kind, r.consent, f"{r.cost_factor:g}", r.basis)
    console.print(table)
    if t.cases:
        console.print("Cases: " + "; ".join(t.cases))
    console.print("Sources: " + "; ".join(t.sources))
    if t.note:
        console.print(f"[dim]{t.note}[/]")


__all__ = ["threats_cmd"]
