"""``foedus backtest``, ``foedus hindcast``, ``foedus calibrate`` and ``foedus screen``: the model
scored against the record (docs/validation.md, docs/calibration.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from foedus.report import backtest_report, hindcast_report
from foedus.validation import (
    ERAS,
    backtest,
    backtest_eras,
    calibrate,
    hindcast,
    parse_periods,
    progress_bar,
    screen,
    subspace,
)

from ._common import console, emit_json, handle_errors, json_option

data_dir_option = click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                               help="Folder with the COW/ATOP/MID files (default: foedus's data dir).")


@click.command("backtest")
@click.option("--start", type=int, default=None, help="First year (the model starts from its world).")
@click.option("--years", type=int, default=None, help="Years to run and to compare.")
@click.option("--eras", "all_eras", is_flag=True, help="Every era of the report (1816-2010) instead.")
@click.option("--charters", default=None, help="Comma-separated charters (default: the era's architecture).")
@click.option("--replications", type=int, default=10, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@data_dir_option
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Write an HTML report here.")
@json_option
@handle_errors
def backtest_cmd(start: int | None, years: int | None, all_eras: bool, charters: str | None,
                 replications: int, seed: int, data_dir: str | None, out: str | None, as_json: bool) -> None:
    """Run the model from the real world of START for YEARS and compare it with the record."""
    with progress_bar("backtest", not as_json) as bar:
        if all_eras or start is None:
            res = backtest_eras(ERAS, replications=replications, data_dir=data_dir, seed=seed, progress=bar)
        else:
            one = backtest(start, years or 50, charters=charters, replications=replications,
                           data_dir=data_dir, seed=seed, progress=bar)
            res = {f"{one.start}+{one.years}": one}
    if out:
        backtest_report(res, out, data_dir=data_dir)
    docs = {k: r.to_dict() for k, r in res.items()}
    if as_json:
        emit_json(next(iter(docs.values())) if len(docs) == 1 else docs)
        return
    for name, d in docs.items():
        console.print(f"[bold]{name}[/bold] ({d['charter']}, {d['replications']} replications)")
        for m, s in d["model"].items():
            console.print(f"  {m:30s} model {_f(s['mean'])} [{_f(s['ci_low'])}, {_f(s['ci_high'])}]"
                          f"  record {_f(d['record'][m])}")
    if out:
        console.print(f"report: {Path(out) / 'report.html'}")


def _f(v: float | None) -> str:
    return "–" if v is None else f"{v:.3g}"


@click.command("hindcast")
@click.option("--from", "start", type=int, required=True)
@click.option("--to", "end", type=int, required=True)
@click.option("--train-to", type=int, default=None, help="Last training year of the baseline (default: mid-span).")
@data_dir_option
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Parquet file of the dyad-years.")
@json_option
@handle_errors
def hindcast_cmd(start: int, end: int, train_to: int | None, data_dir: str | None, out: str,
                 as_json: bool) -> None:
    """Per year and directed dyad: the model's p_mid and p_war against the record and a baseline."""
    with progress_bar("hindcast", not as_json) as bar:
        h = hindcast(start, end, data_dir=data_dir, train_to=train_to, progress=bar)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    h.frame.to_parquet(path, index=False)
    hindcast_report(h, path.parent)
    d = h.to_dict() | {"parquet": str(path), "report": str(path.parent / "hindcast.html")}
    if as_json:
        emit_json(d)
        return
    console.print(f"{d['dyad_years']} dyad-years, baseline trained to {d['train_to']}; held-out scores:")
    for k, v in d["scores"].items():
        console.print(f"  {k:14s} AUC {_f(v['auc'])}  Brier {_f(v['brier'])}")
    console.print(f"report: {d['report']}")


def _write(d: dict[str, Any], out: str | None, as_json: bool) -> bool:
    """Write the result to ``out`` (JSON) when given; print it as JSON with ``--json``
    (True: nothing else to print)."""
    if out:
        Path(out).write_text(json.dumps(d, indent=2))
    if as_json:
        emit_json(d)
    return as_json


@click.command("calibrate")
@click.option("--periods", default="1870:45,1946:44", show_default=True,
              help="In-sample periods START:YEARS, comma-separated.")
@click.option("--holdout", default="1816:54,1919:21,1990:21", show_default=True,
              help="Out-of-sample periods START:YEARS.")
@click.option("--trials", type=int, default=30, show_default=True)
@click.option("--replications", type=int, default=3, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@data_dir_option
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the result as JSON.")
@click.option("--journal", type=click.Path(dir_okay=False), default=None,
              help="Keep the trials in this Optuna journal file; run again with it to resume.")
@click.option("--params", "names", default=None,
              help="Fit only these free parameters (comma-separated, e.g. "
                   "behaviour.rivalry,run.attack_threshold); the others keep their defaults.")
@json_option
@handle_errors
def calibrate_cmd(periods: str, holdout: str, trials: int, replications: int, seed: int,
                  data_dir: str | None, out: str | None, journal: str | None, names: str | None,
                  as_json: bool) -> None:
    """Fit the free parameters to the record on PERIODS (Optuna TPE), report HOLDOUT separately."""
    space = None if names is None else subspace([x.strip() for x in names.split(",") if x.strip()])
    with progress_bar("calibrating", not as_json) as bar:
        res = calibrate(parse_periods(periods), parse_periods(holdout), trials=trials,
                        replications=replications, seed=seed, data_dir=data_dir, progress=bar,
                        journal=journal, space=space)
    d = res.to_dict()
    if _write(d, out, as_json):
        return
    console.print(f"best: {d['best']}  in-sample loss {_f(d['in_sample']['loss'])}, "
                  f"out-of-sample loss {_f(d['out_of_sample']['loss'])}")


@click.command("screen")
@click.option("--periods", default="1870:45,1946:44", show_default=True,
              help="Periods START:YEARS, comma-separated.")
@click.option("--params", "names", default=None,
              help="Screen only these free parameters (comma-separated); default: all of them.")
@click.option("--trajectories", type=int, default=4, show_default=True, help="Morris trajectories (1-100).")
@click.option("--levels", type=int, default=4, show_default=True, help="Grid levels (even, 2-16).")
@click.option("--replications", type=int, default=1, show_default=True, help="Runs per period (1-100).")
@click.option("--seed", type=int, default=0, show_default=True)
@data_dir_option
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the result as JSON.")
@json_option
@handle_errors
def screen_cmd(periods: str, names: str | None, trajectories: int, levels: int, replications: int,
               seed: int, data_dir: str | None, out: str | None, as_json: bool) -> None:
    """Rank the free parameters by their effect on the fit to the record (Morris, SALib)."""
    space = None if names is None else subspace([x.strip() for x in names.split(",") if x.strip()])
    with progress_bar("screening", not as_json) as bar:
        res = screen(parse_periods(periods), space=space, trajectories=trajectories, levels=levels,
                     replications=replications, seed=seed, data_dir=data_dir, progress=bar)
    d = res.to_dict()
    if _write(d, out, as_json):
        return
    outputs = list(d["indices"])
    mu = {o: {r["parameter"]: r["mu_star"] for r in d["indices"][o]} for o in outputs}
    console.print(f"{d['settings']['points']} points; mu* of each parameter on the loss and its terms, "
                  "by mu* on the loss:")
    console.print(f"  {'parameter':34s}" + "".join(f"{o[:11]:>12s}" for o in outputs), markup=False)
    for row in d["indices"]["loss"]:
        p = row["parameter"]
        console.print(f"  {p:34s}" + "".join(f"{_f(mu[o][p]):>12s}" for o in outputs), markup=False)

__all__ = ["backtest_cmd", "calibrate_cmd", "hindcast_cmd", "screen_cmd"]
