"""Commands on experiments: ``foedus sweep``, ``foedus experiments``, ``foedus results ...``."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path
from typing import Any

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from ._common import console, emit_json, err_console, fail, handle_errors, json_option, split_list


class _RateColumn(ProgressColumn):
    """Runs per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.2f} runs/s", style="progress.data.speed")


class _LineProgress:
    """Progress as plain lines on stderr (when stderr is not a terminal): the start, the first
    finished run, then at most one line a second, and the end."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False  # the first finished run is always reported

    def __call__(self, finished: int, errors: int, total: int) -> None:
        now = time.monotonic()
        first = finished > 0 and not self.shown
        if finished and finished < total and now - self.last < 1.0 and not first:
            return
        self.last = now
        self.shown = self.shown or finished > 0
        elapsed = now - self.start
        rate = finished / elapsed if elapsed > 0 else 0.0
        eta = f", ETA {math.ceil((total - finished) / rate)} s" if rate and finished < total else ""
        click.echo(f"{self.label}: {finished}/{total} runs ({errors} errors), {rate:.2f} runs/s"
                   f"{eta}", err=True)


@click.command("sweep")
@click.argument("experiment")
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store (DuckDB file). Default: <experiment name>.duckdb here.")
@click.option("--backend", type=click.Choice(["serial", "processes", "dask"]), default="processes",
              show_default=True, help="Where runs execute.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: every core; dask: the cluster's threads).")
@click.option("--scheduler", default=None, metavar="ADDR",
              help="Dask scheduler address tcp://HOST:PORT (--backend dask); default: an embedded "
                   "LocalCluster.")
@click.option("--resume", is_flag=True,
              help="Continue a store holding the same experiment: skip runs already done.")
@click.option("--retry-errors", is_flag=True, help="With --resume, also re-run runs that raised.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="Runs per task sent to a worker (default: adaptive, about a second of work).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data directory for an experiment on a data year (default: $FOEDUS_DATA_DIR "
                   "or the cache).")
@json_option
@handle_errors
def sweep_cmd(experiment: str, store: Path | None, backend: str, workers: int | None,
              scheduler: str | None, resume: bool, retry_errors: bool, chunk_size: int | None,
              data_dir: Path | None, as_json: bool) -> None:
    """Run an experiment (a TOML file or a built-in id) into a results store.

    Every (design point, replication, system) run is recorded as it finishes; a run that
    raises is recorded with its traceback. A sweep that stops (killed, interrupted) continues
    with --resume without repeating finished runs.
    """
    from foedus.experiments import load_experiment, sweep

    exp = load_experiment(experiment)
    kwargs: dict[str, Any] = {"store": store, "backend": backend, "workers": workers,
                              "scheduler": scheduler, "resume": resume,
                              "retry_errors": retry_errors, "chunk_size": chunk_size,
                              "data_dir": data_dir}
    store_path = store or Path(f"{exp.name}.duckdb")
    try:
        if as_json:
            result = sweep(exp, **kwargs)
        elif err_console.is_terminal:
            columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("runs"), _RateColumn(), TextColumn("ETA"),
                       TimeRemainingColumn(), TimeElapsedColumn())
            with Progress(*columns, console=err_console, transient=False) as bar:
                task = bar.add_task(exp.name, total=None)

                def update(finished: int, errors: int, total: int) -> None:
                    bar.update(task, completed=finished, total=total,
                               description=f"{exp.name}" + (f" ({errors} errors)" if errors else ""))

                result = sweep(exp, progress=update, **kwargs)
        else:
            result = sweep(exp, progress=_LineProgress(exp.name), **kwargs)
    except KeyboardInterrupt:
        fail(f"interrupted: every finished run is saved in {store_path}; continue with "
             f"`foedus sweep {experiment} --store {store_path} --resume`", code=130)
        return
    if as_json:
        emit_json(result)
        return
    console.print(f"[bold]{result.experiment}[/]: ran {result.ran} runs ({result.done} done, "
                  f"{result.errors} errors) in {result.seconds:.1f} s on {result.backend} "
                  f"with {result.workers} worker(s)"
                  + (f"; {result.skipped} already in the store" if result.skipped else ""))
    stored = result.stored
    console.print(f"Store {result.store}: {stored.get('done', 0)} of {result.total} runs done"
                  + (f", {stored['error']} errors (see `foedus results summary`; re-run them with "
                     "--resume --retry-errors)" if stored.get("error") else ""))
    console.print(f"Next: foedus results summary {result.store}")


@click.command("experiments")
@json_option
@handle_errors
def experiments_cmd(as_json: bool) -> None:
    """List the built-in example experiments (id, design, runs, question)."""
    from foedus.experiments import builtin_experiments

    rows = [e.describe() for e in builtin_experiments()]
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Built-in experiments: foedus sweep ID (details: --json, docs/experiments.md)")
    for col in ("id", "design", "runs", "question"):
        table.add_column(col, overflow="fold")
    for r in rows:
        design = r["design"] + (f" over {', '.join(r['parameters'])}" if r["parameters"] else "")
        question = re.split(r"(?<=[?.])\s", r["description"], maxsplit=1)[0]
        table.add_row(r["id"], design, str(r["runs"]), question)
    console.print(table)


@click.group("results")
def results_group() -> None:
    """Analyse a results store: summary, export, report, Sobol indices."""


def _fmt(v: float) -> str:
    return "–" if v != v else f"{v:.4g}"


@results_group.command("summary")
@click.argument("store", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--metric", "metric", multiple=True, help="Only these metrics (repeat or comma list).")
@json_option
@handle_errors
def summary_cmd(store: Path, metric: tuple[str, ...], as_json: bool) -> None:
    """Means and 95% confidence intervals by design point and system."""
    from foedus.experiments import ResultStore, results_summary

    chosen = split_list(metric)
    df = results_summary(store, metrics=chosen or None)
    if as_json:
        emit_json(df.astype(object).where(df.notna(), None).to_dict(orient="records"))
        return
    hidden = 0
    if not chosen:  # readable output: the key metrics, when the store has them
        from foedus.engine import KEY_METRICS

        key = df["metric"].isin(KEY_METRICS)
        if key.any():
            hidden = df.loc[~key, "metric"].nunique()
            df = df[key]
    with ResultStore(store, read_only=True) as st:
        row = st.experiment_row() or {}
        counts = st.counts()
    console.print(f"[bold]{row.get('name', '?')}[/]: {counts.get('done', 0)} runs done, "
                  f"{counts.get('error', 0)} errors; mean [95% interval] over replications "
                  "(BCa bootstrap; Wilson for rates at 0 or 1; † fewer than 5 runs)")
    if df.empty:
        console.print("no finished runs yet")
        return
    keys = [c for c in df.columns if c not in ("metric", "n", "mean", "std", "ci_low", "ci_high",
                                               "method")]
    if df["point"].nunique() == 1:
        keys.remove("point")
    metrics = list(dict.fromkeys(df["metric"]))
    cells = {(tuple(r[k] for k in keys), r["metric"]): (r["mean"], r["ci_low"], r["ci_high"], r["n"])
             for r in df.to_dict(orient="records")}
    groups = list(dict.fromkeys(k for k, _ in cells))
    for start in range(0, len(metrics), 5):
        part = metrics[start:start + 5]
        table = Table(show_lines=False)
        for k in keys:
            table.add_column(k, overflow="fold")
        for m in part:
            table.add_column(m, justify="right", overflow="fold")
        for g in groups:
            vals = []
            for m in part:
                mean, lo, hi, n = cells.get((g, m), (float("nan"),) * 4)
                few = " †" if mean == mean and n < 5 else ""
                vals.append((_fmt(mean) if lo != lo else f"{_fmt(mean)} [{_fmt(lo)}, {_fmt(hi)}]")
                            + few)
            table.add_row(*[_fmt(v) if isinstance(v, float) else str(v) for v in g], *vals)
        console.print(table)
    if hidden:
        console.print(f"[dim]{hidden} more metrics: --metric NAME[,NAME] or --json[/]")


@results_group.command("export")
@click.argument("store", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True, help="File format.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory (default: <store>-export next to the store).")
@json_option
@handle_errors
def export_cmd(store: Path, fmt: str, out: Path | None, as_json: bool) -> None:
    """Write every table, the per-run results and the summary as Parquet or CSV."""
    from foedus.experiments import export_results

    files = export_results(store, fmt, out)
    if as_json:
        emit_json([str(f) for f in files])
        return
    for f in files:
        console.print(str(f))


@results_group.command("report")
@click.argument("store", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory (default: <store>-report next to the store).")
@click.option("--prim", "prim_conditions", multiple=True, metavar="METRIC>VALUE",
              help="Add PRIM boxes for this condition, e.g. 'response_rate<0.3' (repeatable).")
@handle_errors
def report_cmd(store: Path, out: Path | None, prim_conditions: tuple[str, ...]) -> None:
    """An HTML report: provenance, plots of each metric against each parameter by system, the
    summary, paired differences between systems, Sobol indices, PRIM boxes, errors."""
    from foedus.report import results_report

    console.print(f"Report written to {results_report(store, out, prim_conditions=list(prim_conditions))}")


@results_group.command("sobol")
@click.argument("store", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--metric", "metric", multiple=True, help="Only these metrics (repeat or comma list).")
@json_option
@handle_errors
def sobol_cmd(store: Path, metric: tuple[str, ...], as_json: bool) -> None:
    """Sobol sensitivity indices (first order and total) for a Sobol design."""
    from foedus.experiments import sobol_indices

    df = sobol_indices(store, metrics=split_list(metric) or None)
    if as_json:
        emit_json(df.astype(object).where(df.notna(), None).to_dict(orient="records"))
        return
    flagged = int(df["note"].str.contains("outside|imprecise", regex=True).sum())
    if flagged:
        err_console.print(f"[bold red]warning[/]: {flagged} indices lie outside [0, 1] beyond "
                          "their confidence or are imprecise (see note); add base samples "
                          "before reading them")
    table = Table(title="Sobol indices (95% confidence half-widths)")
    for col in ("system", "metric", "parameter", "S1", "ST", "note"):
        table.add_column(col, justify="right" if col in ("S1", "ST") else "left",
                         overflow="fold")
    for r in df.to_dict(orient="records"):
        if "S2" in r and r.get("S2") == r.get("S2") and r.get("S1") != r.get("S1"):
            s1, st = f"S2 {_fmt(r['S2'])} ± {_fmt(r['S2_conf'])}", ""
        elif r["S1"] != r["S1"]:
            s1 = st = "–"
        else:
            s1 = f"{_fmt(r['S1'])} ± {_fmt(r['S1_conf'])}"
            st = f"{_fmt(r['ST'])} ± {_fmt(r['ST_conf'])}"
        table.add_row(r["system"], r["metric"], r["parameter"], s1, st, r["note"])
    console.print(table)


@results_group.command("morris")
@click.argument("store", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--metric", "metric", multiple=True, help="Only these metrics (repeat or comma list).")
@json_option
@handle_errors
def morris_cmd(store: Path, metric: tuple[str, ...], as_json: bool) -> None:
    """Morris screening (elementary effects: mu*, sigma) for a Morris design."""
    from foedus.experiments import morris_indices

    df = morris_indices(store, metrics=split_list(metric) or None)
    if as_json:
        emit_json(df.astype(object).where(df.notna(), None).to_dict(orient="records"))
        return
    table = Table(title="Morris screening: mu* (95% confidence half-width), sigma")
    for col in ("system", "metric", "parameter", "mu*", "sigma", "note"):
        table.add_column(col, justify="right" if col in ("mu*", "sigma") else "left",
                         overflow="fold")
    for r in df.to_dict(orient="records"):
        ok = r["mu_star"] == r["mu_star"]
        table.add_row(r["system"], r["metric"], r["parameter"],
                      f"{_fmt(r['mu_star'])} ± {_fmt(r['mu_star_conf'])}" if ok else "–",
                      _fmt(r["sigma"]) if ok else "–", r["note"])
    console.print(table)
    console.print("[dim]mu*: mean absolute elementary effect (how much a parameter matters); "
                  "sigma: their spread (interactions or non-linearity). Morris (1991); "
                  "Campolongo, Cariboni & Saltelli (2007).[/]")


def _discovery_options(f: Any) -> Any:
    for opt in reversed([
        click.argument("store", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--metric", required=True, help="The outcome metric."),
        click.option("--above", type=float, default=None,
                     help="Cases of interest: runs where the metric exceeds this value."),
        click.option("--below", type=float, default=None,
                     help="Cases of interest: runs where the metric is below this value."),
        click.option("--system", default=None,
                     help="The system whose runs are the cases (default: the first)."),
    ]):
        f = opt(f)
    return f


def _print_discovery(found: Any) -> None:
    console.print(f"[bold]{found.method.upper()}[/] on {found.system}: {found.condition} in "
                  f"{found.of_interest} of {found.cases} runs (base rate "
                  f"{found.base_rate:.2f})" + (f"; {found.undefined} runs without a value left "
                                                f"out" if found.undefined else ""))
    table = Table(title="Boxes: where the condition holds")
    for col in ("box", "rule", "coverage", "density", "mass", "runs"):
        table.add_column(col, justify="left" if col == "rule" else "right", overflow="fold")
    for k, b in enumerate(found.boxes, 1):
        table.add_row(str(k), b.describe(), f"{b.coverage:.2f}", f"{b.density:.2f}",
                      f"{b.mass:.2f}", str(b.n))
    console.print(table)
    console.print("[dim]coverage: share of the cases of interest inside the box; density: share "
                  "of the box's runs that are of interest; mass: share of all runs inside.[/]")


@results_group.command("prim")
@_discovery_options
@click.option("--alpha", type=float, default=0.05, show_default=True,
              help="Share of the box's runs peeled at each step.")
@click.option("--mass-min", type=float, default=0.05, show_default=True,
              help="Stop peeling below this share of all runs.")
@click.option("--min-coverage", type=float, default=0.5, show_default=True,
              help="The box reported: the densest with at least this coverage.")
@click.option("--boxes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Boxes to find (covering: the runs of each box are removed for the next).")
@click.option("--trajectory", is_flag=True, help="Also print the peeling trajectory.")
@json_option
@handle_errors
def prim_cmd(store: Path, metric: str, above: float | None, below: float | None,
             system: str | None, alpha: float, mass_min: float, min_coverage: float, boxes: int,
             trajectory: bool, as_json: bool) -> None:
    """Scenario discovery with PRIM: the parameter boxes where a metric crosses a threshold.

    Example: foedus results prim veto.duckdb --metric response_rate --below 0.3
    """
    from foedus.experiments import prim

    found = prim(store, metric, above=above, below=below, system=system, alpha=alpha,
                 mass_min=mass_min, min_coverage=min_coverage, boxes=boxes)
    if as_json:
        emit_json(found.to_dict())
        return
    _print_discovery(found)
    if trajectory:
        t = Table(title="Peeling trajectory")
        for col in found.trajectory.columns:
            t.add_column(col, justify="right", overflow="fold")
        for r in found.trajectory.itertuples(index=False):
            t.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in r])
        console.print(t)


@results_group.command("cart")
@_discovery_options
@click.option("--depth", type=click.IntRange(min=1), default=3, show_default=True,
              help="Maximum depth of the tree.")
@json_option
@handle_errors
def cart_cmd(store: Path, metric: str, above: float | None, below: float | None,
             system: str | None, depth: int, as_json: bool) -> None:
    """Scenario discovery with a classification tree (CART; needs scikit-learn)."""
    from foedus.experiments import cart

    found = cart(store, metric, above=above, below=below, system=system, max_depth=depth)
    if as_json:
        emit_json(found.to_dict())
        return
    _print_discovery(found)


@click.command("cite")
@click.option("--year", type=int, default=None,
              help="Cite the datasets of a world built from data for this year.")
@click.option("--store", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Cite what a results store (a comparison or a sweep) was computed from.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data directory for --year (default: $FOEDUS_DATA_DIR or the cache).")
@click.option("--bibtex", is_flag=True, help="Print BibTeX entries instead of references.")
@json_option
@handle_errors
def cite_cmd(year: int | None, store: Path | None, data_dir: Path | None, bibtex: bool,
             as_json: bool) -> None:
    """The citations of a run: foedus, each dataset used and the papers behind the model.

    Without options: foedus and the model's mechanisms. With --year (or --store of a
    comparison or sweep on a data year): also every dataset the world was built from.
    """
    from foedus.experiments import ResultStore, citations, provenance
    from foedus.experiments import bibtex as to_bibtex

    if store is not None:
        with ResultStore(store, read_only=True) as st:
            exp = st.experiment()
        year = exp.scenario.year if year is None else year
    prov = provenance(seed=0, charters=[], year=year, data_dir=data_dir)
    if as_json:
        emit_json(citations(prov))
    elif bibtex:
        click.echo(to_bibtex(prov), nl=False)
    else:
        for key, text in citations(prov).items():
            click.echo(f"[{key}] {text}")



__all__ = ["cite_cmd", "experiments_cmd", "results_group", "sweep_cmd"]
