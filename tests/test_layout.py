"""The layout a newcomer reads: packages named after what they hold, dependencies pointing one
way, the CLI over the public namespace only, public objects reporting their public home."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import foedus

SRC = Path(foedus.__file__).resolve().parent
#: The dependency order: a package may import only from packages before it (and the root's
#: private leaves and its own modules).
ORDER = ["rules", "world", "data", "engine", "experiments", "history", "validation", "report", "app",
         "cli"]
#: experiments and history are siblings: neither imports the other.
SIBLINGS = {("experiments", "history"), ("history", "experiments")}
#: Root modules every package may use (leaves: they import no package of foedus).
ROOT_LEAVES = {"_errors", "_version", "_public", "_toml", "parameters", "seeding"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(absolute module, imported names, line) of every import in a file, lazy ones included."""
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test) for n in ast.walk(block)}
    for node in ast.walk(tree):
        if id(node) in typing_only:  # annotations only: no import at run time
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = [a.name for a in node.names]
            if node.module is None or (node.level and not node.module):
                out.extend((f"{target}.{n}", [], node.lineno) for n in names)
            out.append((target, names, node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((a.name, [], node.lineno) for a in node.names)
    return [(t, n, line) for t, n, line in out if t == "foedus" or t.startswith("foedus.")]


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_packages_are_public_namespaces_with_plain_module_names() -> None:
    for name in [n for n in ORDER[:-1] if n != "app"]:
        pkg = SRC / name
        assert (pkg / "__init__.py").is_file(), name
        ns = getattr(foedus, name)
        assert ns.__all__, name
        for p in pkg.rglob("*.py"):
            if p.name != "__init__.py":
                assert not p.name.startswith("_"), f"{p}: modules inside a package have plain names"
                tree = ast.parse(p.read_text(encoding="utf-8"))
                assert any(isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__"
                           for n in tree.body), f"{p} has no __all__"


def test_dependencies_point_one_way() -> None:
    rank = {name: i for i, name in enumerate(ORDER)}
    wrong = []
    for mod, path in _modules().items():
        src = _package(mod)
        if src not in rank:
            continue
        for target, _, line in _imports(path):
            dst = _package(target)
            if dst == src or dst in ROOT_LEAVES or not dst:
                continue
            if dst.startswith("_") and dst not in ROOT_LEAVES:
                wrong.append(f"{path.name}:{line} imports the root module {target}")
            elif dst in rank and (rank[dst] > rank[src] or (src, dst) in SIBLINGS):
                wrong.append(f"{mod}:{line} ({src}) imports {target} ({dst})")
    assert not wrong, "imports against the dependency order:\n" + "\n".join(wrong)


def test_root_leaves_import_no_package() -> None:
    for leaf in ROOT_LEAVES:
        for target, _, line in _imports(SRC / f"{leaf}.py"):
            assert _package(target) in ROOT_LEAVES, f"{leaf}.py:{line} imports {target}"


def test_no_import_cycles_between_modules() -> None:
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        for target, names, _ in _imports(path):
            for cand in [target, *(f"{target}.{n}" for n in names)]:
                if cand in mods and cand != mod and not mod.startswith(cand + "."):
                    graph[mod].add(cand)
    # namespace __init__ files re-export their own modules: an edge into one's own package's
    # __init__ is not a dependency between modules
    for mod in graph:
        graph[mod] = {t for t in graph[mod] if not (mods[t].name == "__init__.py"
                                                    and mod.startswith(t + "."))}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                cycle = [*stack[stack.index(t):], t]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state and mods[m].name != "__init__.py":
            visit(m)


@pytest.mark.parametrize("layer", ["cli", "app"])
def test_the_cli_and_the_app_import_only_public_names(layer: str) -> None:
    private = []
    for path in (SRC / layer).glob("*.py"):
        for target, names, line in _imports(path):
            if target.startswith(f"foedus.{layer}"):
                continue
            if any(part.startswith("_") for part in target.split(".")) or \
                    any(n.startswith("_") and n != "__version__" for n in names):
                private.append(f"{path.name}:{line} imports {target} {names}")
    assert not private, f"the {layer} uses private names:\n" + "\n".join(private)


@pytest.mark.parametrize("namespace", ["foedus", *(f"foedus.{n}" for n in ORDER[:-1])])
def test_public_objects_report_their_public_module(namespace: str) -> None:
    import importlib

    ns = importlib.import_module(namespace)
    for name in ns.__all__:
        obj = getattr(ns, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            home = obj.__module__
            assert home == "foedus" or not any(p.startswith("_") for p in home.split(".")), \
                (namespace, name, home)
            assert "." not in home.removeprefix("foedus.") or home.count(".") <= 2, (name, home)
