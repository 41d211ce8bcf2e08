"""The ``foedus`` command line: a thin layer over the public Python functions.

Each command lives in a module of this package (``_institutions``, ``_simulation``, ``_cases``,
``_data``, ``_experiments``, ``_validation``, ``_app``). The group loads a command's module only when that
command runs, so ``foedus --help`` and ``foedus --version`` start at once: the table below
names each command, where it lives and its one-line help (``tests/test_cli_startup.py`` checks
that the line is the command's own).
"""

from __future__ import annotations

import importlib

import click

from foedus import __version__

#: Command name -> (module in this package, attribute, one-line help).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "app": ("_app", "app_cmd", "Start the browser app: history step by step, rules and power, "
            "systems compared, the world map, play a state."),
    "backtest": ("_validation", "backtest_cmd", "Run the model from the real world of START for "
                 "YEARS and compare it with the record."),
    "calibrate": ("_validation", "calibrate_cmd", "Fit the free parameters to the record on "
                  "PERIODS (Optuna TPE), report HOLDOUT separately."),
    "case": ("_cases", "case_group", "Show, replay, check or predict one historical case (a "
             "built-in id or a TOML file)."),
    "cases": ("_cases", "cases_cmd", "List the built-in historical cases (id, title, years)."),
    "charter": ("_institutions", "charter_group", "Show or check one charter (a built-in id or "
                "a TOML file)."),
    "charters": ("_institutions", "charters_cmd", "List the built-in charters (id, kind, one "
                 "line)."),
    "cite": ("_experiments", "cite_cmd", "The citations of a run: foedus, each dataset used and "
             "the papers behind the model."),
    "compare": ("_simulation", "compare_cmd", "The main job: every security system on the same "
                "seeded worlds, with 95% CIs."),
    "con": ("_data", "con_cmd", "Capability concentration (CON; Singer, Bremer & Stuckey 1972) "
            "and polarity over time."),
    "crisis": ("_simulation", "crisis_cmd", "One crisis step by step: attribution, votes, "
               "response, war, with the article behind each."),
    "data": ("_data", "data_group", "Get and inspect the real datasets (COW, ATOP, capdist, UNSC "
             "vetoes)."),
    "dyads": ("_data", "dyads_cmd", "The dyad-year table of a year (contiguity, majors, distance, "
              "CINC, S, ATOP)."),
    "experiments": ("_experiments", "experiments_cmd", "List the built-in example experiments "
                    "(id, design, runs, question)."),
    "hindcast": ("_validation", "hindcast_cmd", "Per year and directed dyad: the model's p_mid "
                 "and p_war against the record and a baseline."),
    "institutions": ("_institutions", "institutions_cmd", "Compare institutions as rules: "
                     "members, who decides how, vetoes, voting power."),
    "power": ("_institutions", "power_cmd", "Exact Shapley–Shubik and Banzhaf power per seat, "
              "and the body's power to act."),
    "results": ("_experiments", "results_group", "Analyse a results store: summary, export, "
                "report, Sobol indices."),
    "screen": ("_validation", "screen_cmd", "Rank the free parameters by their effect on the fit "
               "to the record (Morris, SALib)."),
    "simulate": ("_simulation", "simulate_cmd", "One system over many years: the crisis log, the "
                 "metrics and the yearly series."),
    "states": ("_institutions", "states_cmd", "List the state registry: COW codes, abbreviations, "
               "names, regions and aliases."),
    "sweep": ("_experiments", "sweep_cmd", "Run an experiment (a TOML file or a built-in id) into "
              "a results store."),
    "threats": ("_threats", "threats_cmd", "List the kinds of threat, or show one (a built-in id "
                "or a TOML file)."),
    "vetoes": ("_data", "vetoes_cmd", "UN Security Council vetoes, 1946-2022 (World Politics Data "
               "Lab, from the UN DHL)."),
    "vote": ("_institutions", "vote_cmd", "Evaluate a vote: adopted or failed, and why (naming "
             "the article)."),
    "world": ("_data", "world_cmd", "The world of a year built from COW and ATOP: members, "
              "capabilities, alliances."),
}


def load_command(name: str) -> click.Command:
    """Import the module of command ``name`` and return the command."""
    module, attr, _ = COMMANDS[name]
    cmd = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    if not isinstance(cmd, click.Command):
        raise TypeError(f"{module}.{attr} is not a click command")
    return cmd


class _LazyGroup(click.Group):
    """A group whose commands are imported when they run, not when the program starts."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="foedus")
def main() -> None:
    """foedus: a laboratory for collective security.

    Define institutions as charters, evaluate votes and voting power, simulate crises and
    many-year worlds, replay history and ask "what if".
    """


__all__ = ["COMMANDS", "load_command", "main"]
