"""Start-up: ``import foedus`` and ``foedus --help`` load nothing heavy; every command is
still there, with its own one-line help."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from foedus.cli import COMMANDS, load_command, main


def test_every_command_loads_and_its_help_line_is_its_own() -> None:
    for name, (_, _, line) in COMMANDS.items():
        cmd = load_command(name)
        assert cmd.name == name
        assert cmd.get_short_help_str(limit=300) == line, name


def test_help_lists_every_command_without_loading_them() -> None:
    code = ("import sys; from click.testing import CliRunner; from foedus.cli import main; "
            "r = CliRunner().invoke(main, ['--help']); "
            "heavy = [m for m in ('pandas', 'scipy', 'duckdb', 'matplotlib', 'foedus.engine') "
            "if m in sys.modules]; print(r.exit_code, heavy); print(r.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    first, _, text = out.partition("\n")
    assert first == "0 []"
    for name in COMMANDS:
        assert f"  {name} " in text


def test_import_foedus_loads_no_heavy_module_until_a_name_is_used() -> None:
    code = ("import sys, foedus; heavy = lambda: [m for m in ('pandas', 'scipy', 'duckdb') "
            "if m in sys.modules]; before = heavy(); foedus.simulate; print(before, heavy())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out.startswith("[] [") and "pandas" in out.split("] [", 1)[1]


def test_an_unknown_command_is_a_usage_error() -> None:
    res = CliRunner().invoke(main, ["no-such-command"])
    assert res.exit_code == 2 and "No such command" in res.output
    assert isinstance(main, click.Group)
