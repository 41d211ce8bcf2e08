"""Every CLI command and every charter field is documented; the README's commands are CI's."""

from __future__ import annotations

from pathlib import Path

import click

from foedus._charter import (
    Body,
    Charter,
    ConveneRoute,
    DecisionRule,
    Exit,
    Fallback,
    Membership,
    Scope,
    SeatHolder,
    SelfDefence,
    Step,
)
from foedus.cli import main

REPO = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").rglob("*.md")))


def _commands(group: click.Group, prefix: str = "foedus") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        path = f"{prefix} {name}"
        out.append(path)
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, path))
    return out


def test_every_cli_command_is_documented() -> None:
    missing = [c for c in _commands(main) if c not in DOCS]
    assert not missing, f"commands missing from docs/: {missing}"


def test_every_command_has_help_text() -> None:
    def walk(group: click.Group) -> None:
        for name, cmd in group.commands.items():
            assert cmd.help, f"command {name!r} has no help text"
            if isinstance(cmd, click.Group):
                walk(cmd)

    walk(main)


def test_every_charter_field_is_documented() -> None:
    text = (REPO / "docs" / "charters.md").read_text(encoding="utf-8")
    for model in (Charter, Membership, Scope, Body, DecisionRule, SeatHolder, Step, Fallback,
                  ConveneRoute, SelfDefence, Exit):
        for name in model.model_fields:
            assert f"`{name}`" in text, f"{model.__name__}.{name} is not in docs/charters.md"


def test_readme_opens_with_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```")
    first = [line for line in blocks[1].splitlines()[1:] if line.strip()]
    assert len(first) == 2, first
    assert "foedus compare" in first[0]
    assert "pytest" in first[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert first[1].strip() in ci
