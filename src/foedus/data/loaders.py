"""Loaders for the published files (pandas). Each reads the publisher's format as it is.

Every loader: accepts LF, CRLF and CR-only line endings and a missing final newline; matches
column names case-insensitively and returns them in lower case; raises :class:`InputError` naming
the file and the column when a required column is missing or a numeric column holds text; maps
the COW missing-value codes (``-9`` unknown, ``-8`` not applicable) to NA where the source uses
them; and records ``source``, ``path`` and ``citation`` in ``DataFrame.attrs``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import InputError
from .sources import SOURCES

if TYPE_CHECKING:
    from ..world.world import World

#: COW missing-value codes: -9 missing/unknown, -8 not applicable.
NA_CODES = (-9, -8)


def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def read_table(path: str | Path, source_id: str, *, required: Sequence[str],
               numeric: Sequence[str] = (), na_codes: Sequence[int] = (),
               rename: dict[str, str] | None = None) -> pd.DataFrame:
    """Read one CSV file robustly and validate it (see the module docstring).

    ``required``: columns that must be present (after ``rename``, lower case). ``numeric``:
    columns that must parse as numbers (empty cells become NA). ``na_codes``: values turned into
    NA in every numeric column.
    """
    path = Path(path)
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(where, [("", "file not found")]) from None
    except OSError as exc:
        raise InputError(where, [("", f"cannot read: {exc.strerror or exc}")]) from None
    if not raw.strip():
        raise InputError(where, [("", "empty file")])
    if b"\x00" in raw[:4096]:
        raise InputError(where, [("", "not a text (CSV) file")])
    text = _decode(raw).replace("\r\n", "\n").replace("\r", "\n")
    try:
        df = pd.read_csv(io.StringIO(text), low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise InputError(where, [("", f"not a valid CSV file: {msg}")]) from None
    if df.empty:
        raise InputError(where, [("", "no data rows (only a header): the file is truncated or "
                                      "not the published file")])
    df.columns = [str(c).strip().lower() for c in df.columns]
    if rename:
        df = df.rename(columns={k.lower(): v for k, v in rename.items()})
    missing = [c for c in required if c not in df.columns]
    if missing:
        found = ", ".join(df.columns[:12]) + (", ..." if len(df.columns) > 12 else "")
        raise InputError(where, [(c, f"required column missing (found: {found})") for c in missing])
    problems: list[tuple[str, str]] = []
    for col in numeric:
        if col not in df.columns:
            continue
        s = df[col]
        if not pd.api.types.is_numeric_dtype(s):
            stripped = s.astype("string").str.strip()
            conv = pd.to_numeric(stripped, errors="coerce")
            bad = conv.isna() & stripped.notna() & (stripped != "")
            if bad.any():
                first = int(np.flatnonzero(bad.to_numpy())[0])
                problems.append((col, f"not a number: {str(s.iloc[first])!r} (data row {first + 1})"))
                continue
            s = conv
        s = s.astype("float64")
        if na_codes:
            s = s.mask(s.isin(na_codes))
        df[col] = s
    if problems:
        raise InputError(where, problems)
    df.attrs.update({"source": source_id, "path": where,
                     "citation": SOURCES[source_id].citation if source_id in SOURCES else ""})
    return df


def _as_int(df: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    """Integer columns: int64 when complete, nullable Int64 when they hold NA."""
    for c in cols:
        if c in df.columns:
            s = df[c]
            if s.isna().any():
                df[c] = s.astype("Int64")
            else:
                df[c] = s.astype("int64")
    return df


def _check_rows(df: pd.DataFrame, path: str, cols: Sequence[str]) -> None:
    """Key columns may not be empty."""
    bad = [(c, f"empty or missing value in data row {int(np.flatnonzero(df[c].isna().to_numpy())[0]) + 1}")
           for c in cols if c in df.columns and df[c].isna().any()]
    if bad:
        raise InputError(path, bad)


# --- COW state system ---------------------------------------------------------------------------

_DATE_COLS = ("styear", "stmonth", "stday", "endyear", "endmonth", "endday")


def load_states(path: str | Path) -> pd.DataFrame:
    """COW State System Membership (``states2016.csv``): one row per membership spell."""
    df = read_table(path, "cow-states",
                    required=("stateabb", "ccode", "statenme", "styear", "endyear"),
                    numeric=("ccode", *_DATE_COLS, "version"))
    _check_rows(df, str(path), ("ccode", "styear", "endyear"))
    df["stateabb"] = df["stateabb"].astype("string").str.strip()
    df["statenme"] = df["statenme"].astype("string").str.strip()
    return _as_int(df, ("ccode", *_DATE_COLS, "version"))


def load_majors(path: str | Path) -> pd.DataFrame:
    """COW major powers (``majors2016.csv``, with or without ``stateabb``)."""
    df = read_table(path, "cow-majors", required=("ccode", "styear", "endyear"),
                    numeric=("ccode", *_DATE_COLS, "version"))
    _check_rows(df, str(path), ("ccode", "styear", "endyear"))
    return _as_int(df, ("ccode", *_DATE_COLS, "version"))


_NMC_COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")


def load_nmc(path: str | Path) -> pd.DataFrame:
    """COW National Material Capabilities, abridged: v6/v7 as published (``-9`` missing) or the
    peacesciencer v7 layout (no ``stateabb``/``version``, empty cells). ``attrs['layout']`` says
    which; ``attrs['version']`` is ``"6.0"``/``"7.0"`` when the file tells."""
    p = Path(path)
    df = read_table(p, "cow-nmc", required=("ccode", "year", "cinc"),
                    numeric=("ccode", "year", *_NMC_COMPONENTS, "cinc", "version"), na_codes=(-9,))
    _check_rows(df, str(p), ("ccode", "year"))
    cow_layout = "stateabb" in df.columns
    df.attrs["layout"] = "cow" if cow_layout else "peacesciencer"
    name = p.name.lower()
    version = "7.0" if ("70" in name or "v7" in name) else "6.0" if "60" in name else ""
    df.attrs["version"] = version
    df.attrs["source"] = "cow-nmc7" if version == "7.0" else "cow-nmc"
    df.attrs["citation"] = SOURCES[df.attrs["source"]].citation
    if df.duplicated(["ccode", "year"]).any():
        raise InputError(str(p), [("ccode", "duplicate state-year rows")])
    return _as_int(df, ("ccode", "year", "version"))


def load_contiguity(path: str | Path) -> pd.DataFrame:
    """COW Direct Contiguity v3.2, directed dyad-year (``contdird.csv``). ``conttype``: 1 land or
    river; 2, 3, 4, 5 separated by at most 12, 24, 150, 400 miles of water."""
    df = read_table(path, "cow-contiguity", required=("state1no", "state2no", "year", "conttype"),
                    numeric=("dyad", "state1no", "state2no", "year", "conttype", "version"))
    _check_rows(df, str(path), ("state1no", "state2no", "year", "conttype"))
    bad = ~df["conttype"].isin([1, 2, 3, 4, 5])
    if bad.any():
        raise InputError(str(path), [("conttype", f"expected 1-5, got {df['conttype'][bad].iloc[0]}")])
    return _as_int(df, ("dyad", "state1no", "state2no", "year", "conttype"))


def load_capitals(path: str | Path) -> pd.DataFrame:
    """Capitals by COW code with spells (``stdate``, ``enddate``) and ``lat``/``lng`` (degrees)."""
    df = read_table(path, "capitals", required=("ccode", "stdate", "enddate", "lat", "lng"),
                    numeric=("ccode", "lat", "lng"),
                    rename={"lon": "lng", "long": "lng", "longitude": "lng", "latitude": "lat"})
    _check_rows(df, str(path), ("ccode", "lat", "lng", "stdate", "enddate"))
    for c in ("stdate", "enddate"):
        conv = pd.to_datetime(df[c].astype("string").str.strip(), errors="coerce", format="%Y-%m-%d")
        if conv.isna().any():
            row = int(np.flatnonzero(conv.isna().to_numpy())[0])
            raise InputError(str(path), [(c, f"not a YYYY-MM-DD date: {df[c].iloc[row]!r} "
                                             f"(data row {row + 1})")])
        df[c] = conv
    if ((df["lat"].abs() > 90) | (df["lng"].abs() > 180)).any():
        raise InputError(str(path), [("lat", "coordinates out of range")])
    return _as_int(df, ("ccode",))


def load_capdist(path: str | Path) -> pd.DataFrame:
    """Gleditsch & Ward capital distances (``capdist.csv``), Gleditsch-Ward codes ``numa``/``numb``,
    ``kmdist``. A non-numeric ``midist`` cell becomes NA (foedus uses ``kmdist``)."""
    df = read_table(path, "capdist", required=("numa", "numb", "kmdist"),
                    numeric=("numa", "numb", "kmdist"))
    _check_rows(df, str(path), ("numa", "numb", "kmdist"))
    if "midist" in df.columns:
        df["midist"] = pd.to_numeric(df["midist"].astype("string").str.strip(), errors="coerce").astype("float64")
    df = df.drop_duplicates(["numa", "numb"]).reset_index(drop=True)
    return _as_int(df, ("numa", "numb"))


# --- ATOP ---------------------------------------------------------------------------------------

OBLIGATION_COLUMNS = ("defense", "offense", "neutral", "nonagg", "consul")


def load_atop_members(path: str | Path) -> pd.DataFrame:
    """ATOP member-level file (v4.01): one row per member per alliance phase; ``yrexit`` 0 means
    still in force at the end of the data."""
    df = read_table(path, "atop4", required=("atopid", "member", "yrent", "yrexit",
                                              *OBLIGATION_COLUMNS),
                    numeric=("atopid", "member", "yrent", "yrexit", "phase", *OBLIGATION_COLUMNS))
    _check_rows(df, str(path), ("atopid", "member", "yrent", "yrexit", *OBLIGATION_COLUMNS))
    return _as_int(df, ("atopid", "member", "yrent", "yrexit", "phase", *OBLIGATION_COLUMNS))


def load_atop_dyads(path: str | Path) -> pd.DataFrame:
    """ATOP directed dyad-year file (5.1): the publisher's ``stateA``/``stateB`` layout or
    peacesciencer's ``ccode1``/``ccode2`` with ``atop_`` prefixes. Returns ``ccode1, ccode2, year``
    and the five obligation columns (1 when ``ccode1`` has that obligation to ``ccode2``)."""
    rename = {"statea": "ccode1", "stateb": "ccode2"}
    rename.update({f"atop_{c}": c for c in OBLIGATION_COLUMNS})
    df = read_table(path, "atop5", required=("ccode1", "ccode2", "year", *OBLIGATION_COLUMNS),
                    numeric=("ccode1", "ccode2", "year", *OBLIGATION_COLUMNS), rename=rename)
    _check_rows(df, str(path), ("ccode1", "ccode2", "year", *OBLIGATION_COLUMNS))
    df = df[["ccode1", "ccode2", "year", *OBLIGATION_COLUMNS]].copy()
    df.attrs.update(read_attrs(path, "atop5"))
    return _as_int(df, ("ccode1", "ccode2", "year", *OBLIGATION_COLUMNS))


def read_attrs(path: str | Path, source_id: str) -> dict[str, str]:
    return {"source": source_id, "path": str(path), "citation": SOURCES[source_id].citation}


# --- conflict -----------------------------------------------------------------------------------

_MIDA_NUM = ("dispnum3", "dispnum4", "stday", "stmon", "styear", "endday", "endmon", "endyear",
             "outcome", "settle", "fatality", "fatalpre", "maxdur", "mindur", "hiact", "hostlev",
             "recip", "numa", "numb", "ongo2010", "version")
_MIDB_NUM = ("dispnum3", "dispnum4", "ccode", "stday", "stmon", "styear", "endday", "endmon",
             "endyear", "sidea", "revstate", "revtype1", "revtype2", "fatality", "fatalpre",
             "hiact", "hostlev", "orig", "version")


def load_mid_disputes(path: str | Path) -> pd.DataFrame:
    """COW MID 4.3 dispute level (MIDA); ``-9`` is NA."""
    df = read_table(path, "cow-mid", required=("dispnum3", "styear", "endyear", "hostlev"),
                    numeric=_MIDA_NUM, na_codes=NA_CODES)
    _check_rows(df, str(path), ("dispnum3", "styear"))
    return _as_int(df, tuple(c for c in _MIDA_NUM if c != "version"))


def load_mid_participants(path: str | Path) -> pd.DataFrame:
    """COW MID 4.3 participant level (MIDB); ``-9`` is NA. ``sidea`` 1 is the initiating side,
    ``revstate`` 1 a state seeking to revise the status quo, ``orig`` 1 an originator."""
    df = read_table(path, "cow-mid", required=("dispnum3", "ccode", "styear", "sidea",
                                               "revstate"),
                    numeric=_MIDB_NUM, na_codes=NA_CODES)
    _check_rows(df, str(path), ("dispnum3", "ccode", "styear"))
    return _as_int(df, tuple(c for c in _MIDB_NUM if c != "version"))


_WAR_NUM = ("warnum", "wartype", "ccode", "side", "startmonth1", "startday1", "startyear1",
            "endmonth1", "endday1", "endyear1", "startmonth2", "startday2", "startyear2",
            "endmonth2", "endday2", "endyear2", "wherefought", "initiator", "outcome", "batdeath",
            "version")


def load_wars(path: str | Path) -> pd.DataFrame:
    """COW Inter-State War Data v4.0, one row per war participant. The published file has CR-only
    line endings; ``-8`` (not applicable) and ``-9`` (unknown) are NA."""
    df = read_table(path, "cow-war", required=("warnum", "warname", "ccode", "statename", "side",
                                               "startyear1", "endyear1", "batdeath"),
                    numeric=_WAR_NUM, na_codes=NA_CODES)
    _check_rows(df, str(path), ("warnum", "ccode", "startyear1"))
    for col in ("transfrom", "transto"):  # text columns ("404, 410") that also use -8/-9
        if col in df.columns:
            s = df[col].astype("string").str.strip()
            df[col] = s.mask(s.isin(["-8", "-9", ""]))
    return _as_int(df, tuple(c for c in _WAR_NUM if c not in ("version",)))


# --- UN Security Council ------------------------------------------------------------------------

VETO_MEMBERS = ("China", "France", "Russia", "USSR", "USA", "UK")


def load_vetoes(path: str | Path) -> pd.DataFrame:
    """UNSC vetoes (World Politics Data Lab), one row per vetoed draft. ``date`` (M/D/YYYY) is
    parsed; the vetoing members are ``member_veto1..3`` (authoritative: the per-member dummy
    columns are all 0 in 26 rows of the published file)."""
    df = read_table(path, "unsc-vetoes",
                    required=("year", "date", "draft", "region", "member_veto1", "member_veto2",
                              "member_veto3"),
                    numeric=("year", "month"))
    _check_rows(df, str(path), ("year", "date", "member_veto1"))
    dates = pd.to_datetime(df["date"].astype("string").str.strip(), format="%m/%d/%Y",
                           errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise InputError(str(path), [("date", f"not an M/D/YYYY date: {df['date'].iloc[row]!r} "
                                               f"(data row {row + 1})")])
    df["date"] = dates
    problems: list[tuple[str, str]] = []
    for c in ("member_veto1", "member_veto2", "member_veto3"):
        s = df[c].astype("string").str.strip()
        s = s.mask(s == "")
        bad = s.notna() & ~s.isin(VETO_MEMBERS)
        if bad.any():
            problems.append((c, f"unknown member {s[bad].iloc[0]!r} (expected one of "
                                f"{', '.join(VETO_MEMBERS)})"))
        df[c] = s
    if problems:
        raise InputError(str(path), problems)
    return _as_int(df, ("year", "month"))


#: (source id, file index) -> loader, used by ``import_data`` to validate files.
LOADERS: dict[tuple[str, int], Callable[[Path], pd.DataFrame]] = {
    ("cow-states", 0): load_states, ("cow-majors", 0): load_majors, ("cow-nmc", 0): load_nmc,
    ("cow-nmc7", 0): load_nmc, ("cow-contiguity", 0): load_contiguity,
    ("capitals", 0): load_capitals, ("capdist", 0): load_capdist,
    ("atop5", 0): load_atop_dyads, ("atop4", 0): load_atop_members,
    ("cow-mid", 0): load_mid_disputes, ("cow-mid", 1): load_mid_participants,
    ("cow-war", 0): load_wars, ("unsc-vetoes", 0): load_vetoes,
}


#: (source id, file index) -> (first-year column, latest first year, last-year column, earliest
#: last year): every published version covers at least these years (checked on import).
COVERAGE: dict[tuple[str, int], tuple[str, int, str, int]] = {
    ("cow-states", 0): ("styear", 1816, "endyear", 2011),
    ("cow-majors", 0): ("styear", 1816, "endyear", 2011),
    ("cow-nmc", 0): ("year", 1816, "year", 2007), ("cow-nmc7", 0): ("year", 1816, "year", 2007),
    ("cow-contiguity", 0): ("year", 1816, "year", 2006),
    ("atop5", 0): ("year", 1816, "year", 2010), ("atop4", 0): ("yrent", 1816, "yrent", 2000),
    ("cow-mid", 0): ("styear", 1816, "styear", 2001),
    ("cow-mid", 1): ("styear", 1816, "styear", 2001),
    ("cow-war", 0): ("startyear1", 1823, "startyear1", 2000),
    ("unsc-vetoes", 0): ("year", 1946, "year", 2010),
}


def check_coverage(key: tuple[str, int], df: pd.DataFrame, path: str | Path) -> None:
    """Refuse a file that does not cover the years every published version covers (a
    truncated or filtered copy), naming the file, the column and the years found."""
    if key not in COVERAGE:
        return
    first_col, first, last_col, last = COVERAGE[key]
    if first_col not in df.columns or last_col not in df.columns:
        return
    lo, hi = df[first_col].min(), df[last_col].max()
    if pd.isna(lo) or pd.isna(hi) or lo > first or hi < last:
        raise InputError(str(path), [(f"{first_col}/{last_col}", (
            f"covers {lo}-{hi}, but the published file covers at least {first}-{last}: the "
            "file is truncated or filtered; import the whole published file"))])


def check_year_covered(df: pd.DataFrame, path: str | Path, year: int, first_col: str,
                       last_col: str | None = None) -> None:
    """Refuse a file with no row for ``year`` (``first_col <= year <= last_col``), naming it:
    a world built from it would silently lack what the file should give."""
    last_col = last_col or first_col
    if df.empty or first_col not in df.columns or last_col not in df.columns:
        hit = False
    else:
        hit = bool(((df[first_col] <= year) & (df[last_col] >= year)).fillna(False).any())
    if not hit:
        raise InputError(str(path), [(first_col, f"no row covers the year {year}; a world for "
                                                 f"{year} needs it (is the file complete?)")])


def check_derived_world(world: World, year: int, files: dict[str, str | Path]) -> None:
    """Refuse a world built from data for ``year`` that has no major power, or (with more than
    one state) no contiguity at all: the files it came from (``files``: ``"majors"``,
    ``"contiguity"`` -> path) do not cover that year. Call it at the end of ``world_for_year``."""
    problems: list[tuple[str, str]] = []
    n = world.n
    if n and not np.asarray(world.major).any():
        problems.append(("major", f"the {year} world has no major power: "
                                  f"{files.get('majors', 'the majors file')} has no spell "
                                  f"covering {year}"))
    if n > 1 and not np.asarray(world.contiguity).any():
        problems.append(("contiguity", f"the {year} world has no contiguous pair: "
                                       f"{files.get('contiguity', 'the contiguity file')} has "
                                       f"no row for {year}"))
    if problems:
        where = ", ".join(str(p) for p in files.values()) or f"data for {year}"
        raise InputError(where, problems)


__all__ = ["COVERAGE", "LOADERS", "NA_CODES", "OBLIGATION_COLUMNS", "VETO_MEMBERS",
           "check_coverage", "check_derived_world", "check_year_covered", "load_atop_dyads",
           "load_atop_members", "load_capdist", "load_capitals", "load_contiguity",
           "load_majors", "load_mid_disputes", "load_mid_participants", "load_nmc",
           "load_states", "load_vetoes", "load_wars", "read_attrs", "read_table"]
