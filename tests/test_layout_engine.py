"""The engine stays readable: no function or method in src/foedus/engine/ is over 80 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "src" / "foedus" / "engine"
MAX_LINES = 80


def _long_functions() -> list[str]:
    out = []
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                length = node.end_lineno - node.lineno + 1  # from `def` to its last line
                if length > MAX_LINES:
                    rel = path.relative_to(ENGINE.parents[1])
                    out.append(f"{rel}:{node.lineno} {node.name} ({length} lines)")
    return out


def test_the_engine_modules_are_found() -> None:
    names = {p.name for p in ENGINE.rglob("*.py")}
    assert {"model.py", "forecast.py", "run.py", "war.py"} <= names


def test_no_engine_function_is_over_80_lines() -> None:
    assert _long_functions() == []


def test_the_engine_namespace_exports_its_public_names() -> None:
    import foedus.engine as engine
    import foedus.engine.crisis as crisis

    for name in engine.__all__:
        assert getattr(engine, name) is not None, name
    for name in ("Model", "RunResult", "simulate", "ModelSettings", "Behaviour", "BehaviourError",
                 "Institution", "run_crisis", "CrisisResult", "TraceEntry", "CrisisEvent",
                 "Metric", "REGISTRY", "METRICS"):
        assert name in engine.__all__, name
    assert set(crisis.__all__) >= {"run_crisis", "CrisisResult", "TraceEntry"}
