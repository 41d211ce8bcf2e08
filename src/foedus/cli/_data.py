"""Commands on real data: data fetch/import/list, world --year, dyads, con, vetoes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd
from rich.table import Table

from foedus import FoedusError

from ._common import console, emit_json, handle_errors, json_option

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Data folder (default: $FOEDUS_DATA_DIR, else the user cache dir). A folder laid out "
         "like ../shared/data works as is.")


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rec in df.to_dict(orient="records"):
        out.append({str(k): (None if isinstance(v, float) and np.isnan(v) else
                             v.item() if isinstance(v, np.generic) else v)
                    for k, v in rec.items()})
    return out


def _write_table(df: pd.DataFrame, out: Path) -> None:
    try:
        if out.suffix.lower() == ".parquet":
            df.to_parquet(out, index=False)
        else:
            df.to_csv(out, index=False)
    except OSError as exc:
        raise FoedusError(f"{out}: cannot write: {exc.strerror or exc}") from None


# --- foedus data ----------------------------------------------------------------------------------

@click.group("data")
def data_group() -> None:
    """Get and inspect the real datasets (COW, ATOP, capdist, UNSC vetoes)."""


@data_group.command("list")
@data_dir_option
@json_option
@handle_errors
def data_list(data_dir: Path | None, as_json: bool) -> None:
    """Each source: present or not, version, checksum status, citation."""
    from foedus.data import data_dir as resolve
    from foedus.data import status

    rows = status(data_dir)
    if as_json:
        emit_json({"data_dir": str(resolve(data_dir)), "sources": rows})
        return
    console.print(f"Data dir: {resolve(data_dir)}")
    t = Table(show_lines=False)
    for col in ("source", "title", "version", "present", "checksum"):
        t.add_column(col, overflow="fold")
    for r in rows:
        checks = sorted({f["checksum"] for f in r["files"]})
        t.add_row(r["id"], r["title"], r["version"], "yes" if r["present"] else "no",
                  ", ".join(checks))
    console.print(t)
    console.print("\n[bold]Citations[/] (cite the dataset you use):")
    for r in rows:
        console.print(f"  [bold]{r['id']}[/]: {r['citation']}", highlight=False)
    if not all(r["present"] for r in rows):
        console.print("\nMissing sources: `foedus data fetch SOURCE` or "
                      "`foedus data import PATH` (e.g. ../shared/data).")


@data_group.command("fetch")
@click.argument("sources", nargs=-1, required=True)
@click.option("--url", default=None, help="Download from this address instead (a mirror or file:// URL).")
@data_dir_option
@json_option
@handle_errors
def data_fetch(sources: tuple[str, ...], url: str | None, data_dir: Path | None, as_json: bool) -> None:
    """Download SOURCES (ids from `foedus data list`, or `all`) from their publishers,
    verifying each file's published SHA-256."""
    from foedus.data import SOURCES, fetch

    ids = [s for s in SOURCES if SOURCES[s].download] if sources == ("all",) else list(sources)
    if url and len(ids) != 1:
        raise FoedusError("--url needs exactly one SOURCE")
    done: list[dict[str, Any]] = []
    for sid in ids:
        paths = fetch(sid, data_dir=data_dir, url=url)
        done.append({"source": sid, "files": [str(p) for p in paths]})
        if not as_json:
            for p in paths:
                console.print(f"{sid}: {p}", highlight=False)
    if as_json:
        emit_json(done)


@data_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@data_dir_option
@json_option
@handle_errors
def data_import(path: Path, data_dir: Path | None, as_json: bool) -> None:
    """Copy the data files found in PATH (a folder laid out like ../shared/data) into the data
    dir, checking that each one parses."""
    from foedus.data import import_data

    recs = import_data(path, data_dir=data_dir)
    if as_json:
        emit_json(recs)
        return
    for r in recs:
        console.print(f"{r['source']}: {r['file']} -> {r['to']} ({r['checksum']})", highlight=False)


# --- foedus world ---------------------------------------------------------------------------------

def _world_summary(year: int, data_dir: Path | None) -> tuple[Any, dict[str, Any]]:
    from foedus.data import world_for_year
    from foedus.world import DEFENCE

    w = world_for_year(year, data_dir=data_dir)
    order = np.argsort(-w.capability, kind="stable")
    iu = np.triu_indices(w.n, 1)
    any_pact = (w.alliances | w.alliances.T)[iu] != 0
    defence = ((w.alliances | w.alliances.T)[iu] & DEFENCE) != 0
    states = [{"ccode": int(w.ccodes[i]), "stateabb": w.codes[i], "name": w.names[i],
               "cinc": float(w.capability[i]), "major": bool(w.major[i]),
               "region": w.region_name(int(i)), "revisionism": round(float(w.revisionism[i]), 4),
               "bloc": int(w.bloc[i]), "nonaligned": bool(w.nonaligned[i]),
               "capital": w.meta["capitals"][i],
               "un_member": w.codes[i] in set(w.meta["un_members"])} for i in order]
    summary = {"year": w.year, "source": w.source, "n": w.n,
               "majors": [w.codes[i] for i in np.flatnonzero(w.major)],
               "alliances": {"pairs": int(any_pact.sum()), "defence_pairs": int(defence.sum())},
               "contiguous_pairs": int(w.contiguity[iu].sum()),
               "blocs": int(w.bloc.max() + 1) if w.n else 0,
               "nonaligned": [w.codes[i] for i in np.flatnonzero(w.nonaligned)],
               "un_members": len(w.meta["un_members"]),
               "sources": w.meta["sources"], "citations": w.meta["citations"],
               "institutions": _institutions(w), "states": states}
    return w, summary


def _institutions(w: Any) -> dict[str, list[str]]:
    """Members that year of every built-in institution with dated membership that existed."""
    from foedus.engine import Institution
    from foedus.rules import builtin_charters

    return {c.id: Institution.in_world(c, w).member_codes() for c in builtin_charters()
            if c.membership.dated and not c.reform and c.existed_in(int(w.year))}


@click.command("world")
@click.option("--year", type=int, required=True, help="Year of the COW state system (1816-2016).")
@click.option("--top", type=int, default=15, show_default=True, help="States shown in the table.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Save the World to this .npz file (foedus.load_world reads it).")
@data_dir_option
@json_option
@handle_errors
def world_cmd(year: int, top: int, out: Path | None, data_dir: Path | None, as_json: bool) -> None:
    """The world of a year built from COW and ATOP: members, capabilities, alliances."""
    w, s = _world_summary(year, data_dir)
    if out is not None:
        try:
            w.save(out)
        except OSError as exc:
            raise FoedusError(f"{out}: cannot write: {exc.strerror or exc}") from None
        s["saved"] = str(out)
    if as_json:
        emit_json(s)
        return
    console.print(f"[bold]The state system in {s['year']}[/] (Correlates of War): {s['n']} members, "
                  f"major powers {', '.join(s['majors']) or 'none'}", highlight=False)
    console.print(f"Alliances (ATOP): {s['alliances']['pairs']} allied pairs, "
                  f"{s['alliances']['defence_pairs']} with a defence pact; {s['blocs']} blocs; "
                  f"{s['contiguous_pairs']} contiguous pairs; "
                  f"{s['un_members']} UN members", highlight=False)
    t = Table(title=f"Top {min(top, s['n'])} by capability (CINC share)")
    for col in ("state", "name", "CINC", "major", "region", "revisionism", "bloc"):
        t.add_column(col, overflow="fold")
    for r in s["states"][:top]:
        t.add_row(r["stateabb"], r["name"], f"{r['cinc']:.4f}", "yes" if r["major"] else "",
                  r["region"], f"{r['revisionism']:.2f}", str(r["bloc"]) if r["bloc"] >= 0 else "")
    console.print(t)
    inst = Table(title=f"Institutions in {s['year']}: members that year (dated membership)")
    for col in ("institution", "n", "members"):
        inst.add_column(col, overflow="fold")
    for cid, members in s["institutions"].items():
        inst.add_row(cid, str(len(members)), ", ".join(members))
    console.print(inst)
    console.print("Sources: " + "; ".join(f"{k}: {v}" for k, v in s["sources"].items()),
                  highlight=False)
    if out is not None:
        console.print(f"Saved to {out}", highlight=False)


# --- peace-science tools --------------------------------------------------------------------------

@click.command("dyads")
@click.option("--year", type=int, required=True, help="Year (1816-2016).")
@click.option("--relevant", is_flag=True, help="Only politically relevant dyads (contiguous or "
              "with a major power; Lemke & Reed 2001).")
@click.option("--directed", is_flag=True, help="Both orders of every pair.")
@click.option("--to", "to_year", type=int, default=None,
              help="Every year from --year to this one, with MID and war onsets and "
                   "peace-years (Beck, Katz & Tucker 1998).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the table (.csv, or .parquet).")
@click.option("--limit", type=int, default=20, show_default=True, help="Rows shown.")
@data_dir_option
@json_option
@handle_errors
def dyads_cmd(year: int, relevant: bool, directed: bool, to_year: int | None, out: Path | None,
              limit: int, data_dir: Path | None, as_json: bool) -> None:
    """The dyad-year table of a year (contiguity, majors, distance, CINC, S, ATOP).

    With --to, every year of the range, with mid_onset, war_onset and peace_years.
    """
    from foedus.data import dyad_year_range, dyad_years

    df = (dyad_year_range(year, to_year, relevant=relevant, directed=directed, data_dir=data_dir)
          if to_year is not None else
          dyad_years(year, relevant=relevant, directed=directed, data_dir=data_dir))
    if out is not None:
        _write_table(df, out)
    if as_json:
        emit_json({"year": year, "relevant": relevant, "directed": directed, "n": len(df),
                   "saved": str(out) if out else None, "dyads": _records(df)})
        return
    kind = "politically relevant " if relevant else ""
    span = f"{year}-{to_year}" if to_year is not None else str(year)
    console.print(f"{len(df)} {kind}{'directed' if directed else 'non-directed'} dyad-years in "
                  f"{span}", highlight=False)
    cols = ["stateabb1", "stateabb2", "conttype", "major1", "major2", "distance_km", "s_score",
            "defense"] + (["year", "mid_onset", "war_onset", "peace_years"] if to_year else [])
    t = Table()
    for c in cols:
        t.add_column(c)
    for r in df[cols].head(limit).itertuples(index=False):
        t.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in tuple(r)])
    console.print(t)
    if out is not None:
        console.print(f"Wrote {out}", highlight=False)


@click.command("con")
@click.option("--from", "start", type=int, default=1816, show_default=True, help="First year.")
@click.option("--to", "end", type=int, default=2016, show_default=True, help="Last year.")
@click.option("--among", type=click.Choice(["majors", "all"]), default="majors", show_default=True,
              help="Concentration among the major powers or all states.")
@click.option("--every", type=int, default=1, show_default=True, help="Show every k-th year.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the table (.csv, or .parquet).")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Plot CON and the effective poles over the years (.png, .svg or .pdf).")
@data_dir_option
@json_option
@handle_errors
def con_cmd(start: int, end: int, among: str, every: int, out: Path | None, plot: Path | None,
            data_dir: Path | None, as_json: bool) -> None:
    """Capability concentration (CON; Singer, Bremer & Stuckey 1972) and polarity over time."""
    from foedus.data import capability_concentration, plot_concentration

    df = capability_concentration(start, end, among=among, data_dir=data_dir)
    if out is not None:
        _write_table(df, out)
    if plot is not None:
        plot_concentration(df, plot)
    if every > 1:
        df = df[(df["year"] - start) % every == 0]
    if as_json:
        emit_json({"among": among, "years": _records(df), "plot": str(plot) if plot else None})
        return
    t = Table(title=f"Capability concentration among {'major powers' if among == 'majors' else 'all states'}")
    for c in ("year", "n", "CON", "leader", "leader share", "eff. poles", "major poles",
              "major polarity"):
        t.add_column(c)
    for r in df.itertuples(index=False):
        t.add_row(str(r.year), str(r.n), f"{r.con:.3f}", str(r.leader), f"{r.leader_share:.3f}",
                  f"{r.effective_poles:.2f}", str(r.major_poles), str(r.major_polarity))
    console.print(t)
    if plot is not None:
        console.print(f"Plot written to {plot}", highlight=False)


@click.command("vetoes")
@click.option("--by", type=click.Choice(["member", "decade", "region", "year"]), default="member",
              show_default=True, help="Count vetoes by member, or per member by decade/region/year.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Plot the counts (.png, .svg or .pdf).")
@data_dir_option
@json_option
@handle_errors
def vetoes_cmd(by: str, plot: Path | None, data_dir: Path | None, as_json: bool) -> None:
    """UN Security Council vetoes, 1946-2022 (World Politics Data Lab, from the UN DHL)."""
    from foedus.data import plot_vetoes, veto_statistics

    df = veto_statistics(by, data_dir=data_dir)
    if plot is not None:
        plot_vetoes(df, plot)
    if as_json:
        emit_json({"by": by, "drafts": df.attrs["drafts"], "rows": _records(df),
                   "citation": df.attrs["citation"], "plot": str(plot) if plot else None})
        return
    t = Table(title=f"Security Council vetoes by {by} ({df.attrs['drafts']} vetoed drafts)")
    for c in df.columns:
        t.add_column(str(c))
    for r in df.itertuples(index=False):
        t.add_row(*[str(v) for v in r])
    console.print(t)
    if plot is not None:
        console.print(f"Plot written to {plot}", highlight=False)



__all__ = ["con_cmd", "data_group", "dyads_cmd", "vetoes_cmd", "world_cmd"]
