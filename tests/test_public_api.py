"""The one public surface: ``import foedus`` gives every documented name, typed."""

from __future__ import annotations

import importlib.resources
import inspect
import re
from pathlib import Path

import foedus

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_all_names_exist_and_are_sorted_unique() -> None:
    missing = [n for n in foedus.__all__ if not hasattr(foedus, n)]
    assert not missing
    assert len(set(foedus.__all__)) == len(foedus.__all__)


def test_public_objects_live_in_private_modules_and_have_docstrings() -> None:
    undocumented = []
    for name in foedus.__all__:
        obj = getattr(foedus, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__module__.startswith("foedus._"), (name, obj.__module__)
            if not (obj.__doc__ or "").strip():
                undocumented.append(name)
    assert not undocumented, f"public names without a docstring: {undocumented}"


def test_package_is_typed() -> None:
    assert importlib.resources.files("foedus").joinpath("py.typed").is_file()


def test_python_names_in_the_command_reference_exist() -> None:
    """docs/cli.md names the Python function behind each command; each must be public."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`foedus\.([A-Za-z_][A-Za-z0-9_]*)\(", text))
    assert named, "docs/cli.md names no Python functions"
    unknown = sorted(n for n in named if n not in foedus.__all__)
    assert not unknown, f"docs/cli.md names functions that are not public: {unknown}"
