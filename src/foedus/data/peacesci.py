"""Peace-science tools over the real data: dyad-years, capability concentration and polarity,
UN membership, UN Security Council veto statistics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._errors import FoedusError
from ..world.world import CONSULTATION, DEFENCE, NEUTRALITY, NONAGGRESSION, OFFENCE, World
from .build import dataset, world_for_year
from .sources import SOURCES
from .un import un_members_for

# --- UN membership ------------------------------------------------------------------------------


def un_members(year: int, *, data_dir: str | Path | None = None) -> list[str]:
    """UN members in ``year`` (COW abbreviations), approximated as the COW system members that
    year, from 1945, less the states admitted later than their COW entry (:data:`UN_ADMITTED`)
    and never-members (Kosovo, South Vietnam); China's seat follows resolution 2758 (1971). A
    state counts as a member in every year it was a member on some day. Members that are not COW
    states (Ukraine and Belarus before 1991) are not listed."""
    ds = dataset(data_dir)
    mem = ds.members(int(year))
    return un_members_for(int(year), [str(x) for x in mem["stateabb"]],
                          mem["ccode"].to_numpy(np.int64))


# --- dyad-years ---------------------------------------------------------------------------------

_BITS = {"defense": DEFENCE, "offense": OFFENCE, "neutral": NEUTRALITY, "nonagg": NONAGGRESSION,
         "consul": CONSULTATION}


def dyad_years(year: int, *, relevant: bool = False, directed: bool = False,
               max_conttype: int = 5, data_dir: str | Path | None = None,
               world: World | None = None) -> pd.DataFrame:
    """The dyad-year table of ``year``: one row per pair of COW system members (``ccode1 <
    ccode2``, or both orders when ``directed``), with contiguity type, major-power status,
    politically relevant flag, capital distance, CINC shares, S score and ATOP obligations.

    ``relevant`` keeps the politically relevant dyads: directly contiguous (conttype 1 to
    ``max_conttype``; 5 = up to 400 miles of water) or involving a major power (Lemke & Reed
    2001; Maoz & Russett 1993). ATOP columns are 1 when ``ccode1`` has the obligation to
    ``ccode2`` (directed) or when either has it to the other (non-directed).
    """
    w = world if world is not None else world_for_year(year, data_dir=data_dir)
    n = w.n
    if directed:
        i, j = np.nonzero(~np.eye(n, dtype=bool))
    else:
        i, j = np.triu_indices(n, 1)
    ctype = np.zeros((n, n), np.int64)
    index = {c: k for k, c in enumerate(w.codes)}
    for a, b, t in w.meta.get("conttype", []):
        ctype[index[a], index[b]] = ctype[index[b], index[a]] = int(t)
    ct = ctype[i, j]
    contiguous = (ct > 0) & (ct <= max_conttype)
    maj1, maj2 = w.major[i], w.major[j]
    obl = w.alliances[i, j] if directed else (w.alliances[i, j] | w.alliances[j, i])
    df = pd.DataFrame({
        "year": np.full(len(i), w.year if w.year is not None else year, np.int64),
        "ccode1": w.ccodes[i], "ccode2": w.ccodes[j],
        "stateabb1": np.asarray(w.codes, object)[i], "stateabb2": np.asarray(w.codes, object)[j],
        "conttype": ct, "contiguous": contiguous, "major1": maj1, "major2": maj2,
        "relevant": contiguous | maj1 | maj2,
        "distance_km": np.round(w.distance[i, j], 1),
        "cinc1": w.capability[i], "cinc2": w.capability[j],
        "s_score": np.round(w.affinity[i, j], 6),
        **{name: ((obl & bit) != 0).astype(np.int64) for name, bit in _BITS.items()},
    })
    if relevant:
        df = df[df["relevant"]].reset_index(drop=True)
    df.attrs["citations"] = w.meta.get("citations", {})
    return df


# --- conflict onsets and peace-years -------------------------------------------------------------

#: A directed onset: (year, ccode of the initiating side's state, ccode of the other side's).
Onset = tuple[int, int, int]


def conflict_onsets(data_dir: str | Path | None = None) -> tuple[frozenset[Onset],
                                                                  frozenset[Onset]]:
    """Directed dyadic onsets in the record: ``(year, a, b)`` for every MID (COW MID 4.3: each
    state on side A against each on side B, in the dispute's first year; Maoz et al. 2019 take
    the same originator-free rule for dyadic MIDs) and every inter-state war (COW v4.0: each
    state on the initiator's side against each on the other side, in the year both fight)."""
    ds = dataset(data_dir)
    mids: set[Onset] = set()
    parts = ds.mid_participants
    if parts is not None:
        start = parts.groupby("dispnum3")["styear"].min()
        for d, g in parts.groupby("dispnum3"):
            y = int(start[d])
            side_a = g.loc[g["sidea"] == 1, "ccode"].astype(int)
            side_b = g.loc[g["sidea"] != 1, "ccode"].astype(int)
            mids.update((y, x, z) for x in side_a for z in side_b)
    wars: set[Onset] = set()
    for _, g in ds.wars.groupby("warnum"):
        init = g.loc[g["initiator"] == 1, "side"]
        if init.empty:
            continue
        side = int(init.iloc[0])
        own = g[g["side"] == side][["ccode", "startyear1"]].to_numpy(int)
        other = g[g["side"] != side][["ccode", "startyear1"]].to_numpy(int)
        wars.update((int(max(ya, yb)), int(a), int(b)) for a, ya in own for b, yb in other)
    return frozenset(mids), frozenset(wars)


def _has(onsets: frozenset[Onset], year: int, a: np.ndarray, b: np.ndarray,
         directed: bool) -> np.ndarray:
    hit = np.array([(year, int(x), int(z)) in onsets for x, z in zip(a, b, strict=True)], bool)
    if not directed:
        hit |= np.array([(year, int(z), int(x)) in onsets for x, z in zip(a, b, strict=True)],
                        bool)
    return hit


def dyad_year_range(start: int, end: int, *, relevant: bool = False, directed: bool = False,
                    data_dir: str | Path | None = None) -> pd.DataFrame:
    """Dyad-years from ``start`` to ``end`` with conflict onsets and peace-years, as peace
    scientists use them (the workflow of peacesciencer, Miller 2022): the columns of
    :func:`dyad_years` plus ``mid_onset`` and ``war_onset`` (1 in the year a MID or a war
    between the two begins; either direction unless ``directed``) and ``peace_years`` (years
    since the dyad's last MID onset before that year, in the whole record; without one, since
    the later of the two states' first year in the system; Beck, Katz & Tucker 1998)."""
    if start > end:
        raise FoedusError(f"--from {start} is after --to {end}")
    mids, wars = conflict_onsets(data_dir)
    history = _onset_years(mids, directed)
    styear = dataset(data_dir).states.groupby("ccode")["styear"].min()
    entry = {int(str(k)): int(v) for k, v in styear.items()}
    frames = []
    for year in range(int(start), int(end) + 1):
        df = dyad_years(year, relevant=relevant, directed=directed, data_dir=data_dir)
        a, b = df["ccode1"].to_numpy(), df["ccode2"].to_numpy()
        df["mid_onset"] = _has(mids, year, a, b, directed).astype(np.int64)
        df["war_onset"] = _has(wars, year, a, b, directed).astype(np.int64)
        df["peace_years"] = [_peace_years(history, entry, int(x), int(z), year, directed)
                             for x, z in zip(a, b, strict=True)]
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _key(a: int, b: int, directed: bool) -> tuple[int, int]:
    return (a, b) if directed else (min(a, b), max(a, b))


def _onset_years(onsets: frozenset[Onset], directed: bool) -> dict[tuple[int, int], list[int]]:
    out: dict[tuple[int, int], list[int]] = {}
    for year, a, b in onsets:
        out.setdefault(_key(a, b, directed), []).append(year)
    return {k: sorted(v) for k, v in out.items()}


def _peace_years(history: dict[tuple[int, int], list[int]], entry: dict[int, int], a: int, b: int,
                 year: int, directed: bool) -> int:
    before = [y for y in history.get(_key(a, b, directed), ()) if y < year]
    since = before[-1] if before else max(entry.get(a, 1816), entry.get(b, 1816))
    return int(year - since)


# --- capability concentration -------------------------------------------------------------------

def concentration(shares: NDArray[np.float64]) -> float:
    """CON (Singer, Bremer & Stuckey 1972): sqrt((Σ s² − 1/N) / (1 − 1/N)) over shares of the
    group's total; 0 = equal, 1 = one state holds all. NaN for fewer than two states."""
    s = np.asarray(shares, np.float64)
    s = s[np.isfinite(s)]
    if len(s) < 2 or s.sum() <= 0:
        return float("nan")
    s = s / s.sum()
    n = len(s)
    return float(np.sqrt(max(0.0, (np.sum(s ** 2) - 1 / n) / (1 - 1 / n))))


def capability_concentration(start: int = 1816, end: int = 2016, *, among: str = "majors",
                             pole_ratio: float = 0.5,
                             data_dir: str | Path | None = None) -> pd.DataFrame:
    """CON and polarity per year from the NMC CINC scores.

    ``among``: ``"majors"`` (the COW major powers, as SBS 1972) or ``"all"`` (every system
    member). Columns: ``year, n, con, leader, leader_share`` (share of the group's capability),
    ``effective_poles`` (1 / Σ s², Laakso–Taagepera), ``major_poles`` (COW majors holding at
    least ``pole_ratio`` of the leading major's capability) and ``major_polarity`` (unipolar,
    bipolar, multipolar from ``major_poles``). These are named apart from the model's
    ``polarity`` metric (states holding at least 10% of all capability; ``engine.metrics``):
    the two count poles differently and are not comparable.
    """
    if among not in ("majors", "all"):
        raise FoedusError(f"among must be 'majors' or 'all', not {among!r}")
    if start > end:
        raise FoedusError(f"--from {start} is after --to {end}")
    ds = dataset(data_dir)
    nmc = ds.nmc
    lo, hi = int(nmc["year"].min()), int(nmc["year"].max())
    if start < lo or end > hi:
        raise FoedusError(f"NMC {nmc.attrs.get('version')} covers {lo}-{hi}; asked {start}-{end}")
    abb = dict(zip(ds.states["ccode"].astype(int), ds.states["stateabb"].astype(str), strict=True))
    mj = ds.majors
    rows = []
    for year in range(start, end + 1):
        g = nmc[nmc["year"] == year]
        majors = set(mj.loc[(mj["styear"] <= year) & (mj["endyear"] >= year), "ccode"].astype(int))
        gm = g[g["ccode"].isin(majors)]
        grp = gm if among == "majors" else g
        cinc = grp["cinc"].to_numpy(np.float64)
        ok = np.isfinite(cinc)
        codes = grp["ccode"].to_numpy(np.int64)[ok]
        cinc = cinc[ok]
        share = cinc / cinc.sum() if cinc.sum() > 0 else cinc
        lead = int(np.argmax(share)) if len(share) else -1
        mc = gm["cinc"].to_numpy(np.float64)
        mc = mc[np.isfinite(mc)]
        poles = int(np.sum(mc >= pole_ratio * mc.max())) if len(mc) else 0
        rows.append({"year": year, "n": len(share), "con": concentration(share),
                     "leader": abb.get(int(codes[lead]), str(codes[lead])) if lead >= 0 else "",
                     "leader_share": float(share[lead]) if lead >= 0 else float("nan"),
                     "effective_poles": float(1 / np.sum((mc / mc.sum()) ** 2)) if len(mc) else float("nan"),
                     "major_poles": poles,
                     "major_polarity": {0: "", 1: "unipolar", 2: "bipolar"}.get(poles,
                                                                                "multipolar")})
    out = pd.DataFrame(rows)
    out.attrs["among"] = among
    out.attrs["citations"] = {sid: SOURCES[sid].citation
                              for sid in (str(nmc.attrs["source"]), "cow-majors")}
    return out


# --- UN Security Council vetoes -----------------------------------------------------------------

VETO_BY = ("member", "decade", "region", "year")


def veto_statistics(by: str = "member", *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Vetoes cast in the UN Security Council, counted from ``member_veto1..3`` (one veto per
    member per draft). ``by``: ``member`` (totals, first and last veto, sole vetoes), or a table
    of counts per member by ``decade``, ``region`` (the file's region of the agenda item) or
    ``year``."""
    if by not in VETO_BY:
        raise FoedusError(f"--by must be one of {', '.join(VETO_BY)}, not {by!r}")
    v = dataset(data_dir).vetoes
    long = v.melt(id_vars=["year", "date", "region", "draft"],
                  value_vars=["member_veto1", "member_veto2", "member_veto3"],
                  value_name="member").dropna(subset=["member"])
    long["member"] = long["member"].astype(str)
    nveto = v[["member_veto1", "member_veto2", "member_veto3"]].notna().sum(axis=1)
    sole = v.loc[nveto == 1, "member_veto1"].astype(str).value_counts()
    if by == "member":
        g = long.groupby("member")
        out = pd.DataFrame({"vetoes": g.size(), "sole": sole.reindex(g.size().index).fillna(0),
                            "first": g["date"].min().dt.date.astype(str),
                            "last": g["date"].max().dt.date.astype(str)})
        out = out.astype({"vetoes": "int64", "sole": "int64"})
        out = out.sort_values("vetoes", ascending=False).reset_index()
    else:
        if by == "decade":
            key = (long["year"] // 10 * 10).astype(int).astype(str) + "s"
        elif by == "region":
            key = long["region"].astype(str)
        else:
            key = long["year"].astype(int).astype(str)
        out = pd.crosstab(key, long["member"]).rename_axis(index=by, columns=None)
        out["total"] = out.sum(axis=1)
        out = out.reset_index()
        if by == "year":
            out["year"] = out["year"].astype(int)
        if by == "region":
            out = out.sort_values("total", ascending=False).reset_index(drop=True)
    out.attrs["drafts"] = len(v)
    out.attrs["citation"] = v.attrs.get("citation", "")
    return out


__all__ = [
    "VETO_BY",
    "capability_concentration",
    "concentration",
    "conflict_onsets",
    "dyad_year_range",
    "dyad_years",
    "un_members",
    "veto_statistics",
]
