"""Simulation commands: ``foedus crisis`` (one crisis), ``foedus simulate`` (one run of many
years) and ``foedus compare`` (every system on the same worlds: the main job)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.table import Table

import foedus
from foedus import FoedusError

from ._common import console, emit_json, err_console, fail, handle_errors, json_option, split_list

_ACTIVATIONS = ("random", "simultaneous")


def _world_options(f: Any) -> Any:
    """--world / --states / --seed / --year / --data-dir, shared by the three commands."""
    f = click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                     help="Data directory for --year (default: $FOEDUS_DATA_DIR or the cache).")(f)
    f = click.option("--year", type=int, default=None,
                     help="Build the world from data for this year (Correlates of War, ATOP).")(f)
    f = click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
                     help="Root seed: the same seed gives the same numbers.")(f)
    f = click.option("--states", "n_states", type=click.IntRange(1, 5000), default=60,
                     show_default=True, help="States in a synthetic world.")(f)
    f = click.option("--world", "world_file", type=click.Path(dir_okay=False), default=None,
                     help="A world file (.npz, written by World.save).")(f)
    return f


def _data_world(year: int, data_dir: str | None) -> Any:
    from foedus.data import world_for_year

    return world_for_year(int(year), data_dir=data_dir)


def load_cli_world(world_file: str | None, year: int | None, data_dir: str | None,
                   n_states: int, seq: np.random.SeedSequence) -> Any:
    """The world a command runs on: a file, a data year, or a synthetic world from ``seq``."""
    from foedus.world import generate_world, load_world

    if world_file and year is not None:
        raise FoedusError("give either --world or --year, not both")
    if data_dir is not None and year is None:
        raise FoedusError("--data-dir only applies with --year")
    if world_file:
        return load_world(world_file)
    if year is not None:
        return _data_world(year, data_dir)
    return generate_world(n_states, rng=np.random.default_rng(seq))


def _num(v: Any, digits: int = 3) -> str:
    if v is None:
        return "–"
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(f):
        return "–"
    return f"{f:.{digits}f}"


# --- crisis ----------------------------------------------------------------------------------


@click.command("crisis")
@click.option("--charter", "charter_ref", required=True,
              help="Built-in charter id (see `foedus charters`) or a charter TOML file.")
@click.option("--aggressor", required=True, help="The attacking state (its code in the world).")
@click.option("--target", required=True, help="The state attacked.")
@click.option("--credibility", type=click.FloatRange(0, 1), default=None,
              help="The institution's credibility (default: the behaviour's initial credibility).")
@_world_options
@json_option
@handle_errors
def crisis_cmd(charter_ref: str, aggressor: str, target: str, credibility: float | None,
               world_file: str | None, n_states: int, seed: int, year: int | None,
               data_dir: str | None, as_json: bool) -> None:
    """One crisis step by step: attribution, votes, response, war, with the article behind each.

    In a synthetic world states are called S01, S02, ... (`foedus crisis --charter un-1965
    --aggressor S01 --target S02`); worlds from data use COW codes.
    """
    from foedus.engine import Behaviour, run_crisis
    from foedus.rules import load_charter
    from foedus.seeding import split

    charter = load_charter(charter_ref)
    w_seq, r_seq = split(seed)
    world = load_cli_world(world_file, year, data_dir, n_states, w_seq)
    a, t = world.index(aggressor), world.index(target)
    if a == t:
        raise FoedusError("the aggressor and the target must be different states")
    beh = Behaviour()
    cred = float(beh.initial_credibility) if credibility is None else float(credibility)
    before = world.capability.copy()
    res = run_crisis(world, charter, world.codes[a], world.codes[t],
                     rng=np.random.default_rng(r_seq), behaviour=beh, credibility=cred)
    if as_json:
        out = res.to_dict()
        out["seed"] = seed
        out["world"] = {"source": world.source, "year": world.year, "n": world.n}
        emit_json(out)
        return
    console.print(f"[bold]{charter.name}[/] ({charter.id})")
    console.print(f"{world.codes[a]} (capability {before[a]:.3g}) attacks {world.codes[t]} "
                  f"({before[t]:.3g}); "
                  f"credibility {cred:.2f}; seed {seed}")
    table = Table(show_header=True, header_style="bold", show_lines=False, expand=True)
    table.add_column("step", no_wrap=True)
    table.add_column("what happened", overflow="fold", ratio=3)
    table.add_column("rule", overflow="fold", style="dim", ratio=1)
    for e in res.trace:
        table.add_row(e.step, e.text, e.article)
    console.print(table)
    verdict = ("the aggressor wins" if res.aggressor_won else
               "the target and its defenders win" if res.war else "no war")
    console.print(
        f"[bold]Outcome[/]: {verdict}; determined: {'yes' if res.determined else 'no'}"
        f"{' (vetoed by ' + ', '.join(res.vetoed_by) + ')' if res.vetoed else ''}; "
        f"{len(res.contributors)} fought for the target, {len(res.sanctioners)} sanctioned; "
        f"P(defenders win) {_num(res.p_defender_win, 2)}"
        + (f"; {res.target} ceased to exist" if res.target_died else ""))


# --- simulate --------------------------------------------------------------------------------


def _model_options(f: Any) -> Any:
    f = click.option("--birth-waves", type=click.FloatRange(0.0, 1.0), default=None,
                     help="With --births: share of births in region-wide waves (default 0.5).")(f)
    f = click.option("--births", type=click.FloatRange(0.0, 20.0), default=None,
                     help="Synthetic worlds: new states per 100 state-years, by secession and "
                     "waves (default 0: off; docs/world.md).")(f)
    f = click.option("--record", type=click.Choice(["follow", "fixed"]), default=None,
                     help="With --year: the state system follows the COW record (default) or "
                     "keeps the start year.")(f)
    f = click.option("--anachronism", is_flag=True, default=None,
                     help="Run a charter on a data world of a year it did not exist in (the "
                     "output says so); refused by default.")(f)
    f = click.option("--max-crises", type=click.IntRange(min=0), default=None,
                     help="At most this many crises a year (default 1000: does not bind).")(f)
    f = click.option("--activation", type=click.Choice(_ACTIVATIONS), default=None,
                     help="Random sequential (default) or simultaneous decisions each year.")(f)
    return f


def _model_kw(activation: str | None, max_crises: int | None, anachronism: bool | None = None,
              record: str | None = None, births: float | None = None,
              birth_waves: float | None = None) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if births is not None:
        kw["births"] = births
    if birth_waves is not None:
        kw["birth_waves"] = birth_waves
    if anachronism:
        kw["anachronism"] = "allow"
    if record is not None:
        kw["record"] = record
    if activation is not None:
        kw["activation"] = activation
    if max_crises is not None:
        kw["max_crises"] = max_crises
    return kw


@click.command("simulate")
@click.option("--charter", "--charters", "charter_ref", required=True,
              help="Built-in charter id (see `foedus charters`) or a charter TOML file; or an "
                   "architecture: charters joined by '+' (un-1945+nato+rio), a built-in "
                   "architecture (cold-war) or an architecture TOML file (docs/architectures.md).")
@click.option("--years", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Years to simulate.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Write events.csv, series.csv, metrics.json and run.json here.")
@_model_options
@_world_options
@json_option
@handle_errors
def simulate_cmd(charter_ref: str, years: int, out: str | None, activation: str | None,
                 max_crises: int | None, anachronism: bool | None, record: str | None,
                 births: float | None, birth_waves: float | None,
                 world_file: str | None, n_states: int, seed: int,
                 year: int | None, data_dir: str | None, as_json: bool) -> None:
    """One system over many years: the crisis log, the metrics and the yearly series."""
    from foedus.engine import METRICS, simulate
    from foedus.rules import is_architecture, load_architecture, load_charter
    from foedus.seeding import split

    charter: Any = (load_architecture(charter_ref) if is_architecture(charter_ref)
                    else load_charter(charter_ref))
    seq = np.random.SeedSequence(seed)
    w_seq, _ = split(seq)
    world = load_cli_world(world_file, year, data_dir, n_states, w_seq)
    res = simulate(charter, world=world, years=years, rng=seq,
                   **_model_kw(activation, max_crises, anachronism, record, births, birth_waves))
    if out:
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FoedusError(f"cannot create {folder}: {exc}") from None
        import pandas as pd

        res.series.to_csv(folder / "series.csv", index=False)
        flat = [{k: (json.dumps(v) if isinstance(v, list | dict) else v)
                 for k, v in e.to_dict().items()}
                for e in res.events]
        pd.DataFrame(flat).to_csv(folder / "events.csv", index=False)
        d = res.to_dict()
        (folder / "metrics.json").write_text(json.dumps(d["metrics"], indent=2), encoding="utf-8")
        (folder / "run.json").write_text(json.dumps(d, indent=2, default=str), encoding="utf-8")
    if as_json:
        emit_json(res.to_dict())
        return
    console.print(f"[bold]{charter.name}[/] ({charter.id}): {years} years, {world.n} states "
                  f"({world.source}), seed {seed}")
    for note in res.notes:
        console.print(f"[yellow]{note}[/]")
    if len(res.series):
        console.print(f"Members in the first year: {int(res.series['members'].iloc[0])}; "
                      f"crises in its scope: {sum(e.in_scope for e in res.events)} of "
                      f"{len(res.events)}")
    log = Table(title=f"Crises ({len(res.events)})", header_style="bold")
    for col in ("year", "aggressor", "target", "in scope", "decision", "response", "outcome"):
        log.add_column(col, overflow="fold")
    for e in res.events:
        decision = ("vetoed (" + ", ".join(e.vetoed_by) + ")" if e.vetoed
                    else "determined" if e.determined else "–")
        if e.ufp_session:
            decision += "; Uniting for Peace"
        response = f"{len(e.contributors)} fight, {len(e.sanctioners)} sanction"
        outcome = "aggressor wins" if e.aggressor_won else "defenders win"
        if e.target_died:
            outcome += f"; {e.target} dies"
        log.add_row(str(e.year), str(e.aggressor), str(e.target),
                    "yes" if e.in_scope else "no", decision, response, outcome)
    console.print(log)
    mt = Table(title="Metrics", header_style="bold", show_lines=False)
    mt.add_column("metric")
    mt.add_column("value", justify="right")
    mt.add_column("definition", overflow="fold", style="dim")
    for k, desc in METRICS.items():
        mt.add_row(k, _num(res.metrics.get(k)), desc)
    console.print(mt)
    s = res.series
    step = max(1, len(s) // 10)
    st = Table(title="Series (every " + (f"{step} years" if step > 1 else "year") + ")",
               header_style="bold")
    cols: tuple[str, ...] = ("year", "alive", "members", "credibility", "attempts", "deterred", "responded",
            "deaths", "concentration")
    if "births" in s and s["births"].any():
        cols = (*cols[:-1], "births", cols[-1])
    for c in cols:
        st.add_column(c, justify="right")
    for _, row in s.iloc[::step].iterrows():
        st.add_row(*(_num(row[c], 2) if c in ("credibility", "concentration") else
                     str(int(row[c])) for c in cols))
    console.print(st)
    if out:
        console.print(f"Wrote {out}/events.csv, series.csv, metrics.json, run.json")


# --- compare ---------------------------------------------------------------------------------


def _cell(mu: Any, lo: Any, hi: Any, n: Any) -> str:
    """A mean with its interval below it; a dagger when fewer than 5 runs define it."""
    cell = _num(mu)
    if math.isfinite(float(lo)) and math.isfinite(float(hi)):
        cell += f"\n[dim][{_num(lo)}, {_num(hi)}][/]"
    if cell != "–" and int(n) < foedus.experiments.FEW_RUNS:
        cell += " †"
    return cell


def _grouped_tables(stats: dict[tuple[str, str], tuple[Any, Any, Any, Any]],
                    charters: list[str], title: str = "") -> list[Table]:
    from foedus.report import GROUPS, LABELS

    tables = []
    for group, metrics in GROUPS.items():
        if not any(math.isfinite(float(stats.get((c, m), (math.nan,))[0]))
                   for c in charters for m in metrics):
            continue  # a group no run defines (arms racing when it is off)
        if metrics and all(m in foedus.engine.THREAT_METRICS for m in metrics):
            tables.append(_kind_table(stats, charters, f"{title}{group}", metrics))
            continue
        if _by_size(metrics):
            tables.append(_size_table(stats, charters, f"{title}{group}", metrics))
            continue
        t = Table(title=f"{title}{group}", header_style="bold", show_lines=False,
                  title_justify="left")
        t.add_column("system", no_wrap=True)
        for m in metrics:
            t.add_column(LABELS.get(m, m), justify="right", overflow="fold")
        for c in charters:
            t.add_row(c, *[_cell(*stats.get((c, m), (math.nan, math.nan, math.nan, 0)))
                           for m in metrics])
        tables.append(t)
    return tables


def _by_size(metrics: tuple[str, ...]) -> bool:
    """Whether a group's metrics are broken down by size class (``..._small`` and so on)."""
    from foedus.engine import SIZE_CLASSES

    return bool(metrics) and all(m.rsplit("_", 1)[-1] in SIZE_CLASSES for m in metrics)


def _size_table(stats: dict[tuple[str, str], tuple[Any, Any, Any, Any]], charters: list[str],
                title: str, metrics: tuple[str, ...]) -> Table:
    """A group broken down by size class: one row per system and class, one column per
    outcome (foedus.engine.benefit)."""
    from foedus.engine import OUTCOMES, SIZE_CLASSES

    stems = list(dict.fromkeys(m.rsplit("_", 1)[0] for m in metrics))
    t = Table(title=title, header_style="bold", show_lines=False, title_justify="left")
    t.add_column("system", no_wrap=True)
    t.add_column("class", no_wrap=True)
    for stem in stems:
        t.add_column(OUTCOMES.get(stem, stem), justify="right", overflow="fold")
    for c in charters:
        for size in SIZE_CLASSES:
            t.add_row(c, size, *[_cell(*stats.get((c, f"{s}_{size}"),
                                                  (math.nan, math.nan, math.nan, 0)))
                                 for s in stems])
    return t


def _kind_table(stats: dict[tuple[str, str], tuple[Any, Any, Any, Any]], charters: list[str],
                title: str, metrics: tuple[str, ...]) -> Table:
    """Per system and kind of threat (those that came): one column per outcome
    (foedus.engine.metrics.THREAT_OUTCOMES)."""
    split = foedus.engine.THREAT_METRICS
    stems = list(dict.fromkeys(split[m][0] for m in metrics))
    kinds = [k for k in dict.fromkeys(split[m][1] for m in metrics)
             if any(float(stats.get((c, m), (0.0,))[0]) > 0 for c in charters for m in metrics
                    if split[m] == ("threat_per_100", k))]
    t = Table(title=title, header_style="bold", show_lines=False, title_justify="left")
    t.add_column("system", no_wrap=True)
    t.add_column("kind", no_wrap=True)
    for stem in stems:
        t.add_column(foedus.engine.THREAT_OUTCOMES[stem][0], justify="right", overflow="fold")
    name = {v: k for k, v in split.items()}
    for c in charters:
        for kind in kinds:
            t.add_row(c, kind, *[_cell(*stats.get((c, name[(s, kind)]),
                                                  (math.nan, math.nan, math.nan, 0)))
                                 for s in stems])
    return t


def _summary_tables(comp: Any) -> list[Table]:
    tab = comp.table
    stats = {(str(c), str(m)): (mu, lo, hi, n) for c, m, mu, lo, hi, n in zip(
        tab["charter"], tab["metric"], tab["mean"], tab["ci_low"], tab["ci_high"], tab["n"],
        strict=True)}
    return _grouped_tables(stats, comp.charters)


def _contrast_tables(contrasts: Any, baseline: str) -> list[Table]:
    stats = {(str(c), str(m)): (d, lo, hi, n) for c, m, d, lo, hi, n in zip(
        contrasts["charter"], contrasts["metric"], contrasts["difference"], contrasts["ci_low"],
        contrasts["ci_high"], contrasts["n"], strict=True)}
    charters = list(dict.fromkeys(contrasts["charter"]))
    return _grouped_tables(stats, charters, title=f"Difference from {baseline}: ")


def _interval_note(comp: Any, paired: bool = False) -> str:
    from foedus.experiments import METHODS

    used = [*dict.fromkeys(comp.table["method"]), *(["paired-bca"] if paired else [])]
    return ("Intervals (95%): " + "; ".join(f"{m}: {METHODS[m]}" for m in used if m in METHODS)
            + f". † fewer than {foedus.experiments.FEW_RUNS} runs define the value.")


def _check_baseline(baseline: str | None, charters: list[str] | None) -> None:
    """Refuse an unknown --baseline before anything runs."""
    if baseline is None:
        return
    ids = [foedus.load_charter(c).id for c in (charters or foedus.builtin_charter_ids())]
    if baseline not in ids:
        raise foedus.UnknownNameError("baseline system", baseline, ids)


@click.command("compare")
@click.option("--charters", "charter_refs", multiple=True,
              help="Comma-separated charter ids or TOML files (default: every built-in).")
@click.option("--replications", type=click.IntRange(1, 1_000_000), default=20, show_default=True,
              help="Replications (worlds) per system.")
@click.option("--years", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Years per run.")
@click.option("--out", type=click.Path(file_okay=False), default="foedus-report",
              show_default=True, help="Folder for the report (HTML, PNG plots, CSV files).")
@click.option("--no-report", is_flag=True, help="Do not write the report folder.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the available CPUs); results do not depend on it.")
@click.option("--store", type=click.Path(dir_okay=False), default=None,
              help="Results store (DuckDB) the runs are saved in as they finish "
                   "(default: OUT/results.duckdb; with --no-report a temporary one).")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted comparison: runs saved in the store are read back, "
                   "not re-run.")
@click.option("--backend", type=click.Choice(list(foedus.experiments.BACKENDS)), default=None,
              help="Where runs are computed (default: processes, or serial with one worker).")
@click.option("--baseline", default=None, metavar="ID",
              help="Also report each system's paired difference from this system (same worlds: "
                   "common random numbers).")
@click.option("--set", "set_fields", multiple=True, metavar="FIELD=VALUE",
              help="Any model setting, repeatable: --set arms_race=on --set deterrent=on, "
                   "--set appeasement=on, --set delegation=lead-state (checked against its "
                   "range; docs/simulation.md lists them). Wins over the flags.")
@click.option("--threats", type=click.Choice(["documented"]), default=None,
              help="Also draw the other kinds of threat (terrorism, cyber, civil war) at the "
                   "rates their threat files document (docs/threats.md; default: off).")
@click.option("--threat-rate", "threat_rate", multiple=True, metavar="KIND=RATE",
              help="Draw a kind of threat at this rate per 100 state-years, in [0, 20] "
                   "(repeatable; replaces its documented rate).")
@_model_options
@_world_options
@json_option
@handle_errors
def compare_cmd(charter_refs: tuple[str, ...], replications: int, years: int, out: str,
                no_report: bool, workers: int | None, store: str | None, resume: bool,
                backend: str | None, baseline: str | None, activation: str | None,
                max_crises: int | None, anachronism: bool | None, record: str | None,
                births: float | None, birth_waves: float | None,
                world_file: str | None, n_states: int, seed: int, year: int | None,
                data_dir: str | None, as_json: bool, set_fields: tuple[str, ...] = (),
                threats: str | None = None, threat_rate: tuple[str, ...] = ()) -> None:
    """The main job: every security system on the same seeded worlds, with 95% CIs.

    Prints the metrics by system (mean and 95% confidence interval over replications) and
    writes a report (HTML with plots, CSV files) to --out. The comparison runs through the
    same runner and results store as `foedus sweep`: finished runs are saved in
    OUT/results.duckdb (or --store) as they come; an interrupted comparison continues with
    --resume, and the store stays for `foedus results`.
    """
    charters = split_list(charter_refs) or None
    if data_dir is not None and year is None:
        raise FoedusError("--data-dir only applies with --year")
    _check_baseline(baseline, charters)
    kinds = foedus.engine.threat_overrides(threats, threat_rate)  # kinds of threat (issue 18)
    model_kw = {**_model_kw(activation, max_crises, anachronism, record, births, birth_waves),
                **kinds, **foedus.engine.parse_settings(set_fields)}  # --set wins
    world = foedus.load_world(world_file) if world_file else None
    where = store or (None if no_report else str(Path(out) / "results.duckdb"))
    try:
        comp = foedus.compare(
            charters, replications=replications, years=years, n_states=n_states, seed=seed,
            world=world, year=year, data_dir=data_dir, store=where, workers=workers,
            progress=not as_json and sys.stderr.isatty(), backend=backend, resume=resume,
            **model_kw)
    except KeyboardInterrupt:
        saved = "" if where is None else (f"; finished runs are saved in {where}: continue "
                                          "with the same command and --resume")
        fail(f"interrupted{saved}", code=130)
        return
    contrasts = comp.contrasts(baseline) if baseline is not None else None
    path = None if no_report else foedus.write_report(comp, out, baseline=baseline)
    if as_json:
        emit_json(comp.document(baseline))
        if path is not None:
            err_console.print(f"report: {path}")
        return
    s = comp.settings
    console.print(f"[bold]foedus compare[/]: {len(comp.charters)} systems x {s['replications']} "
                  f"replications, {s['years']} years, {s['n_states']} states ({s['world']}), "
                  f"seed {s['seed']}; common random numbers; mean and [95% interval]; "
                  f"{s['seconds']} s on {s['workers']} worker(s)"
                  + (f", {s['resumed_runs']} runs read back from the store" if s['resumed_runs']
                     else ""))
    for t in _summary_tables(comp):
        console.print(t)
    if contrasts is not None:
        for t in _contrast_tables(contrasts, str(baseline)):
            console.print(t)
    console.print(_scope_table(comp.settings.get("scope", {})))
    for problem in comp.settings.get("anachronisms", []):
        console.print(f"[yellow]anachronism (--anachronism): {problem.split('. Choose')[0]}[/]")
    note = _interval_note(comp, contrasts is not None)
    console.print(f"[dim]– : not defined (no crisis of that kind in any run). {note}"
                  " Definitions: docs/simulation.md.[/]")
    if path is not None:
        console.print(f"Report: {path}")


def _scope_table(scope: dict[str, Any]) -> Table:
    """Per system: its members in the world and the crises that fell in its scope."""
    t = Table(title="Scope: members and crises in scope", header_style="bold")
    for col in ("system", "members", "crises", "in scope", "in scope / run"):
        t.add_column(col, overflow="fold")
    for cid, row in scope.items():
        members = "–" if row.get("members") is None else (
            f"{row['n_members']}: " + ", ".join(row["members"][:12])
            + (", ..." if row["n_members"] > 12 else ""))
        t.add_row(cid, members, str(row["crises"]), str(row["crises_in_scope"]),
                  str(row["in_scope_per_run"]))
    return t



__all__ = ["compare_cmd", "crisis_cmd", "load_cli_world", "simulate_cmd"]
