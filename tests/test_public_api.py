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


def test_a_small_top_level_and_documented_public_objects() -> None:
    verbs = [n for n in foedus.__all__ if inspect.isfunction(getattr(foedus, n))]
    assert 25 <= len(verbs) <= 45, verbs
    undocumented = []
    for ns in (foedus, foedus.rules, foedus.world, foedus.data, foedus.engine,
               foedus.experiments, foedus.history, foedus.report):
        for name in ns.__all__:
            obj = getattr(ns, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and not (obj.__doc__ or "").strip():
                undocumented.append(f"{ns.__name__}.{name}")
    assert not undocumented, f"public names without a docstring: {undocumented}"


def test_public_objects_name_their_namespace() -> None:
    assert foedus.Model.__module__ == "foedus.engine"
    assert foedus.Charter.__module__ == "foedus.rules"
    assert foedus.experiments.ResultStore.__module__ == "foedus.experiments"
    assert foedus.data.load_nmc.__module__ == "foedus.data"
    assert foedus.FoedusError.__module__ == "foedus"


def test_package_is_typed() -> None:
    assert importlib.resources.files("foedus").joinpath("py.typed").is_file()


def test_python_names_in_the_command_reference_exist() -> None:
    """docs/cli.md names the Python function behind each command; each must be public."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`foedus\.([A-Za-z_][A-Za-z0-9_.]*)\(", text))
    assert named, "docs/cli.md names no Python functions"

    def public(dotted: str) -> bool:
        obj: object = foedus
        for part in dotted.split("."):
            if part not in getattr(obj, "__all__", ()):
                return False
            obj = getattr(obj, part)
        return True

    unknown = sorted(n for n in named if not public(n))
    assert not unknown, f"docs/cli.md names functions that are not public: {unknown}"
