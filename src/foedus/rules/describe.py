"""Readable descriptions of charters: what `foedus charter show` and `foedus institutions` print.

Kept apart from the schema so that the summary is a plain dictionary any front end (CLI, JSON,
notebook, browser) can render.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .charter import BINDINGNESS_WEIGHT, Charter, DecisionRule, builtin_charters, load_charter


def describe_rule(rule: DecisionRule) -> str:
    """One line: "9 of seats, veto: permanent members (abstention and absence are no veto)"."""
    if rule.threshold == "all":
        need = f"unanimity of {rule.base.replace('-', ' ')}"
    elif isinstance(rule.threshold, int):
        need = f"{rule.threshold} votes"
    else:
        need = f"{'more than ' if rule.strict else ''}{rule.threshold} of {rule.base.replace('-', ' ')}"
    parts = [need]
    if rule.veto != "none":
        who = "permanent members" if rule.veto == "permanent" else ", ".join(rule.veto)
        blocks = ["a no vote"]
        free: list[str] = []
        for flag, word in ((rule.abstention_is_veto, "abstention"),
                           (rule.absence_is_veto, "absence")):
            (blocks if flag else free).append(word)
        text = f"{', '.join(blocks)} blocks" + (f"; {' and '.join(free)} do not" if free else "")
        parts.append(f"veto: {who} ({text})")
    if rule.exclude != "none":
        parts.append(f"{rule.exclude} excluded")
    if rule.quorum is not None:
        parts.append(f"quorum {rule.quorum}")
    return "; ".join(parts)


def short_rule(rule: DecisionRule, seats: int | None) -> str:
    """A compact rule for tables: "9 of 15, veto x5", "unanimity", "2/3, parties excluded"."""
    if rule.threshold == "all":
        text = "unanimity"
    elif isinstance(rule.threshold, int):
        text = f"{rule.threshold} of {seats}" if seats else f"{rule.threshold} votes"
    else:
        text = f">{rule.threshold}" if rule.strict else str(rule.threshold)
    if rule.veto == "permanent":
        text += ", P-veto"
    elif isinstance(rule.veto, list):
        text += f", veto x{len(rule.veto)}"
    if rule.exclude != "none":
        text += f", {rule.exclude} excl."
    return text


def describe_charter(charter: str | Path | Charter) -> dict[str, Any]:
    """A JSON-ready summary of bodies, rules and obligations with their articles."""
    ch = load_charter(charter)
    members = ch.membership.members
    return {
        "id": ch.id, "name": ch.name, "kind": ch.kind, "summary": ch.summary, "year": ch.year,
        "citation": ch.citation, "sources": ch.sources, "base": ch.base,
        "membership": {
            "members": members if isinstance(members, str) else list(members),
            "count": len(members) if isinstance(members, list) else ch.membership.size,
            "article": ch.membership.article, "note": ch.membership.note,
        },
        "scope": ch.scope.model_dump(),
        "bodies": [{
            "id": b.id, "name": b.name, "article": b.article, "composition": b.composition,
            "permanent": b.permanent, "elected": b.elected, "seats": b.seats or None,
            "seat_holders": [h.model_dump(mode="json") for h in b.seat_holders],
            "rules": {q: {"rule": describe_rule(r), "article": r.article,
                          **r.model_dump(mode="json", exclude={"article"})}
                      for q, r in b.rules.items()},
        } for b in ch.bodies],
        "procedure": [{
            "id": s.id, "measure": s.measure, "body": s.body, "question": s.question,
            "bindingness": s.bindingness, "obligation_weight": BINDINGNESS_WEIGHT[s.bindingness],
            "article": s.article, "requires_consent": s.requires_consent,
            "use_of_force": s.use_of_force, "fallback": s.fallback, "note": s.note,
        } for s in ch.procedure],
        "fallbacks": [f.model_dump(mode="json") for f in ch.fallbacks],
        "self_defence": ch.self_defence.model_dump(),
        "exit": ch.exit.model_dump(),
    }


def compare_institutions(charters: list[str] | None = None) -> list[dict[str, Any]]:
    """One row per charter: members, the deciding body and rule, veto holders, voting power.

    This is the comparison of institutions as rules (before any simulation): who decides,
    by what rule, who can block, and how able the body is to act at all (Coleman's power of
    the collectivity to act) and how power is spread (Shapley–Shubik of the strongest seat).
    """
    from .voting import voting_power

    chs = [load_charter(c) for c in charters] if charters else builtin_charters()
    rows = []
    for ch in chs:
        members = ch.membership.members
        n_members = len(members) if isinstance(members, list) else (
            ch.membership.size if members == "universal" else 0)
        step = next((s for s in ch.procedure if s.body is not None
                     and s.measure in ("determination", "sanctions", "force")), None)
        row: dict[str, Any] = {
            "id": ch.id, "kind": ch.kind, "members": n_members or (
                "universal" if members == "universal" else 0),
            "scope": f"{ch.scope.protects} vs {ch.scope.against}"
                     + (f" in {'/'.join(ch.scope.area)}" if ch.scope.area else ""),
            "decides": None, "rule": None, "veto_holders": 0, "power_to_act": None,
            "max_shapley_shubik": None, "obligation": None, "fallback": None,
        }
        strongest = max((s.bindingness for s in ch.procedure),
                        key=lambda b: BINDINGNESS_WEIGHT[b], default=None)
        row["obligation"] = strongest or "none"
        if step is not None and step.body is not None and step.question is not None:
            body = ch.body(step.body)
            rule = body.rules[step.question]
            row["decides"] = body.name
            row["rule"] = short_rule(rule, body.seats or None)
            row["rule_long"] = describe_rule(rule)
            row["veto_holders"] = len(body.veto_holders(step.question, ch.date))
            try:
                power = voting_power(ch, body.id, step.question)
            except Exception as exc:
                row["power_error"] = str(exc)
            else:
                row["power_to_act"] = power.power_to_act
                row["max_shapley_shubik"] = max(power.shapley_shubik)
        elif ch.procedure:
            row["decides"] = "no vote"
            row["rule"] = ch.procedure[0].bindingness
        if ch.fallbacks:
            row["fallback"] = ", ".join(f.name for f in ch.fallbacks)
        rows.append(row)
    return rows


__all__ = ["compare_institutions", "describe_charter", "describe_rule", "short_rule"]
