"""Every CLI command and every charter field is documented; the README's commands are CI's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from foedus.cli import main
from foedus.rules.charter import (
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


def _python_examples() -> list[tuple[str, int, str]]:
    out = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        blocks = re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
        out.extend((path.relative_to(REPO).as_posix(), k, b) for k, b in enumerate(blocks))
    return out


@pytest.mark.parametrize(("doc", "k", "code"), _python_examples(),
                         ids=[f"{d}#{k}" for d, k, _ in _python_examples()])
def test_python_examples_in_the_docs_run(doc: str, k: int, code: str, tmp_path: Path) -> None:
    """Every ```python block of the README and docs runs as written (in a fresh directory)."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, f"{doc}, python block {k + 1} fails:\n{res.stderr[-2000:]}"


def _python_blocks(path: Path) -> list[str]:
    """The ```python and ```py blocks of a tutorial, in order (one session)."""
    return re.findall(r"```py(?:thon)?\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


#: The tutorials, one per user group: each runs as one session, its blocks in order.
TUTORIALS = ["tutorial.md", "tutorial-teacher.md", "tutorial-reform.md"]


@pytest.mark.parametrize("name", TUTORIALS)
def test_the_tutorial_runs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict[str, object] = {}
    blocks = _python_blocks(REPO / "docs" / name)
    assert len(blocks) >= 3
    for k, block in enumerate(blocks):
        try:
            exec(compile(block, f"docs/{name}", "exec"), namespace)
        except Exception as exc:  # name the block that failed
            raise AssertionError(f"docs/{name}, code block {k + 1} fails: {exc!r}") from exc


def test_the_tutorials_are_in_the_site_navigation() -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for name in TUTORIALS:
        assert f": {name}" in nav, f"{name} is not in mkdocs.yml's nav"


def test_the_docs_site_builds_strictly(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                        str(tmp_path / "site")], cwd=REPO, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
