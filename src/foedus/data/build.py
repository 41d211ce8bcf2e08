"""A :class:`~foedus.World` for a year, built from the Correlates of War and ATOP.

See ``docs/data.md`` for every field and its source. The tables are read once per data dir and
cached (:func:`dataset`), so building many years (:func:`worlds`) costs little more than one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._errors import FoedusError
from ..rules.states import REGIONS
from ..world.world import (
    CONSULTATION,
    DEFENCE,
    DISPUTE_HALF_LIFE,
    NEUTRALITY,
    NONAGGRESSION,
    OFFENCE,
    World,
)
from . import loaders as L
from .files import MissingDataError, find_file, require_file
from .files import data_dir as _resolve
from .revisionism import REVISIONISM_RULES, RevisionistEvents, decayed_rate, revisionist_events
from .sources import PEACESCIENCER, SOURCES
from .un import un_members_for

#: Mean Earth radius, km (IUGG).
EARTH_RADIUS_KM = 6371.0088
#: Standard parallel of the equirectangular projection used for ``World.pos`` (degrees).
STANDARD_PARALLEL = 30.0
#: Revisionism when no MID data cover the previous decade (and for every state without MID data).
DEFAULT_REVISIONISM = 0.2
#: Length of the window of MID initiations used for revisionism (years before the world's year).
REVISIONISM_WINDOW = 10
#: Half-saturation constant of the revisionism mapping r = R0 + (R1 - R0) * k / (k + K).
REVISIONISM_HALF = 4.0
REVISIONISM_RANGE = (0.05, 0.95)

#: COW code -> Gleditsch-Ward code tried when the COW code itself is not in capdist.
#: capdist is matched on numbers; identical numbers denote the same unit except for these
#: (G&W 260 continues as unified Germany after 1990, G&W 678 as unified Yemen, G&W 340 Serbia).
COW_TO_GW_FALLBACK = {255: 260, 679: 678, 345: 340}

#: COW code ranges of the regions (as in states.toml): upper bounds, exclusive.
_REGION_BOUNDS = ((200, "americas"), (400, "europe"), (630, "africa"), (700, "middle-east"),
                  (900, "asia"), (10_000, "oceania"))

_OBLIGATION_BITS = {"defense": DEFENCE, "offense": OFFENCE, "neutral": NEUTRALITY,
                    "nonagg": NONAGGRESSION, "consul": CONSULTATION}


def region_of(ccode: int) -> str:
    """Region of a COW code by the COW numbering convention."""
    for bound, name in _REGION_BOUNDS:
        if ccode < bound:
            return name
    return "oceania"


def great_circle_km(lat1: NDArray[np.float64], lon1: NDArray[np.float64],
                    lat2: NDArray[np.float64], lon2: NDArray[np.float64]) -> NDArray[np.float64]:
    """Haversine great-circle distance in km (broadcasting)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), np.float64)


def equirectangular_km(lat: NDArray[np.float64], lon: NDArray[np.float64],
                       standard_parallel: float = STANDARD_PARALLEL) -> NDArray[np.float64]:
    """Planar positions ``(n, 2)`` in km: x = R·λ·cos φ0, y = R·φ (origin at 0°N 0°E)."""
    x = EARTH_RADIUS_KM * np.radians(lon) * math.cos(math.radians(standard_parallel))
    y = EARTH_RADIUS_KM * np.radians(lat)
    return np.column_stack([x, y]).astype(np.float64)


def portfolio_levels(alliances: NDArray[np.int8]) -> NDArray[np.float64]:
    """Ordinal alliance portfolio: 3 defence/offence, 2 neutrality/non-aggression, 1 consultation,
    0 none (either direction counts); 3 on the diagonal (a state is its own ally)."""
    a = alliances | alliances.T
    lev = np.where(a & (DEFENCE | OFFENCE), 3.0,
                   np.where(a & (NEUTRALITY | NONAGGRESSION), 2.0,
                            np.where(a & CONSULTATION, 1.0, 0.0)))
    np.fill_diagonal(lev, 3.0)
    return np.asarray(lev, np.float64)


def s_scores(portfolio: NDArray[np.float64], weights: NDArray[np.float64] | None = None,
             max_level: float = 3.0) -> NDArray[np.float64]:
    """Signorino–Ritter S over portfolios (rows = states, columns = the states they ally with).

    ``S_ij = 1 − 2 Σ_k w_k |x_ik − x_jk| / (Δ Σ_k w_k)`` with ``Δ = max_level`` (the range of the
    ordinal scale) and weights ``w_k`` (1 = unweighted S; capabilities = weighted S). Signorino &
    Ritter (1999), *International Studies Quarterly* 43(1): 115–144. Result in [−1, 1], symmetric,
    1 on the diagonal.
    """
    x = np.asarray(portfolio, np.float64)
    n, m = x.shape
    w = np.ones(m) if weights is None else np.asarray(weights, np.float64)
    if w.shape != (m,) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative, one per column, not all zero")
    total = np.zeros((n, n))
    # |a − b| for integer levels = Σ_t |[a ≥ t] − [b ≥ t]|, each a product of indicator matrices.
    levels = np.unique(x)
    if np.allclose(levels, np.round(levels)) and len(levels) <= 16:
        from scipy.sparse import csr_matrix

        for t in range(1, round(max_level) + 1):  # sparse: portfolios are mostly zeros, and
            b = csr_matrix(x >= t, dtype=np.float64)  # this avoids threaded BLAS overhead
            r = np.asarray(b @ w).ravel()
            both = (b.multiply(w[None, :]).tocsr() @ b.T).toarray()
            total += r[:, None] + r[None, :] - 2.0 * both
    else:  # general case
        for k in range(m):
            total += w[k] * np.abs(x[:, k][:, None] - x[:, k][None, :])
    s = 1.0 - 2.0 * total / (max_level * w.sum())
    s = np.clip((s + s.T) / 2.0, -1.0, 1.0)
    np.fill_diagonal(s, 1.0)
    return np.asarray(s, np.float64)


def _lookup(ccodes: NDArray[np.int64], size: int = 1000) -> NDArray[np.int64]:
    """Array mapping a COW code to its index in ``ccodes`` (−1 elsewhere)."""
    lut = np.full(max(size, int(ccodes.max()) + 1 if len(ccodes) else 1), -1, np.int64)
    lut[ccodes] = np.arange(len(ccodes))
    return lut


def _by_year(df: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """Rows of ``df`` grouped by its ``year`` column."""
    years = df["year"].to_numpy(np.int64)
    order = np.argsort(years, kind="stable")
    ys, starts = np.unique(years[order], return_index=True)
    bounds = [*starts.tolist(), len(order)]
    return {int(y): df.iloc[order[bounds[k]:bounds[k + 1]]] for k, y in enumerate(ys.tolist())}


def _in_year(st: pd.Series, en: pd.Series, year: int) -> pd.Series:
    return (st <= year) & (en >= year)


class DataSet:
    """The tables of one data dir, each read on first use and kept."""

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.root = _resolve(data_dir)
        self.paths: dict[str, Path] = {}

    def _path(self, sid: str, index: int = 0) -> Path:
        p = require_file(sid, self.root, index)
        self.paths.setdefault(sid, p)
        return p

    def derived(self, sid: str) -> bool:
        """Whether the file read for ``sid`` is a known derived copy (peacesciencer's layout)."""
        p = self.paths.get(sid)
        f = SOURCES[sid].files[0]
        return p is not None and f.derived_sha256 is not None and p.name != f.name

    def has(self, sid: str) -> bool:
        """Whether every file of source ``sid`` is in the data dir."""
        return all(find_file(sid, self.root, i) is not None for i in range(len(SOURCES[sid].files)))

    def _first(self, *sids: str) -> str:
        for sid in sids:
            if self.has(sid):
                return sid
        titles = " or ".join(f"{SOURCES[s].title} {SOURCES[s].version} ({s})" for s in sids)
        from .files import how_to_get

        raise MissingDataError(f"{titles} not found in {self.root}; {how_to_get(sids[-1])}")

    @cached_property
    def states(self) -> pd.DataFrame:
        return L.load_states(self._path("cow-states"))

    @cached_property
    def majors(self) -> pd.DataFrame:
        return L.load_majors(self._path("cow-majors"))

    @cached_property
    def nmc(self) -> pd.DataFrame:
        """NMC v7.0 when present (newest), else v6.0."""
        sid = self._first("cow-nmc7", "cow-nmc")
        df = L.load_nmc(self._path(sid))
        df.attrs["source"] = sid
        df.attrs["version"] = SOURCES[sid].version
        return df

    @cached_property
    def contiguity(self) -> pd.DataFrame:
        return L.load_contiguity(self._path("cow-contiguity"))

    @cached_property
    def capitals(self) -> pd.DataFrame:
        return L.load_capitals(self._path("capitals"))

    @cached_property
    def capdist(self) -> NDArray[np.float64] | None:
        """capdist ``kmdist`` as a dense matrix indexed by Gleditsch–Ward code (NaN = no pair)."""
        if not self.has("capdist"):
            return None
        df = L.load_capdist(self._path("capdist"))
        a, b = df["numa"].to_numpy(np.int64), df["numb"].to_numpy(np.int64)
        size = int(max(a.max(), b.max())) + 1 if len(df) else 1
        m = np.full((size, size), np.nan)
        m[a, b] = df["kmdist"].to_numpy(np.float64)
        return m

    @cached_property
    def alliance_source(self) -> str:
        return self._first("atop5", "atop4")

    @cached_property
    def atop_dyads(self) -> pd.DataFrame:
        return L.load_atop_dyads(self._path("atop5"))

    @cached_property
    def atop_members(self) -> pd.DataFrame:
        return L.load_atop_members(self._path("atop4"))

    @cached_property
    def mid_participants(self) -> pd.DataFrame | None:
        if not self.has("cow-mid"):
            return None
        return L.load_mid_participants(self._path("cow-mid", 1))

    @cached_property
    def vetoes(self) -> pd.DataFrame:
        return L.load_vetoes(self._path("unsc-vetoes"))

    @cached_property
    def wars(self) -> pd.DataFrame:
        return L.load_wars(self._path("cow-war"))

    # -- indexes by year (built once) ------------------------------------------------------------

    @cached_property
    def _nmc_by_year(self) -> dict[int, pd.DataFrame]:
        return _by_year(self.nmc)

    @cached_property
    def _cont_by_year(self) -> dict[int, pd.DataFrame]:
        return _by_year(self.contiguity)

    @cached_property
    def _atop_by_year(self) -> dict[int, pd.DataFrame]:
        return _by_year(self.atop_dyads)

    @cached_property
    def year_range(self) -> tuple[int, int]:
        st = self.states
        return int(st["styear"].min()), int(st["endyear"].max())

    @cached_property
    def _state_arrays(self) -> dict[str, Any]:
        st = self.states
        return {"ccode": st["ccode"].to_numpy(np.int64), "st": st["styear"].to_numpy(np.int64),
                "en": st["endyear"].to_numpy(np.int64),
                "abb": np.asarray(st["stateabb"].astype(str).tolist(), object),
                "name": np.asarray(st["statenme"].astype(str).tolist(), object)}

    def members(self, year: int) -> pd.DataFrame:
        """COW system members in ``year`` (member on any day of it), one row each, by COW code:
        ``ccode, stateabb, statenme``."""
        lo, hi = self.year_range
        if not lo <= year <= hi:
            raise FoedusError(f"no COW state-system data for {year}: the state list covers "
                              f"{lo}-{hi}")
        a = self._state_arrays
        idx = np.flatnonzero((a["st"] <= year) & (a["en"] >= year))
        _, first = np.unique(a["ccode"][idx], return_index=True)  # sorted by code
        idx = idx[first]
        return pd.DataFrame({"ccode": a["ccode"][idx], "stateabb": a["abb"][idx],
                             "statenme": a["name"][idx]})

    def major_codes(self, year: int) -> set[int]:
        """COW codes of the major powers in ``year`` (major on any day of it)."""
        mj = self.majors
        return set(mj.loc[_in_year(mj["styear"], mj["endyear"], year), "ccode"].astype(int))

    def cinc(self, year: int, ccodes: NDArray[np.int64]) -> NDArray[np.float64]:
        """Raw CINC for the given states in ``year``; NaN where missing."""
        g = self._nmc_by_year.get(year)
        if g is None:
            return np.full(len(ccodes), np.nan)
        m = dict(zip(g["ccode"].astype(int).tolist(), g["cinc"].astype(float).tolist(), strict=True))
        return np.array([m.get(int(c), np.nan) for c in ccodes], np.float64)

    @cached_property
    def _capital_arrays(self) -> dict[str, Any]:
        cap = self.capitals
        code = cap["ccode"].to_numpy(np.int64)
        st = cap["stdate"].to_numpy().astype("datetime64[D]").astype(np.int64)
        en = cap["enddate"].to_numpy().astype("datetime64[D]").astype(np.int64)
        last_start = pd.Series(st).groupby(code).transform("max").to_numpy()
        names = (cap["capital"].astype(str).tolist() if "capital" in cap.columns
                 else [""] * len(cap))
        order = np.lexsort((st, code))
        return {"code": code[order], "st": st[order], "en": en[order],
                "lat": cap["lat"].to_numpy(np.float64)[order],
                "lon": cap["lng"].to_numpy(np.float64)[order],
                "latest": (st == last_start)[order], "name": [names[k] for k in order]}

    def capital_coords(self, year: int, ccodes: NDArray[np.int64]) -> tuple[
            NDArray[np.float64], NDArray[np.float64], list[str], NDArray[np.bool_]]:
        """Latitude, longitude and name of each state's capital in ``year`` (the one in effect at
        the end of the year, or the last one of the year), and whether it is the state's latest
        capital (the one Gleditsch & Ward's capdist measures from)."""
        c = self._capital_arrays
        start = int(np.datetime64(f"{year:04d}-01-01", "D").astype(np.int64))
        end = int(np.datetime64(f"{year:04d}-12-31", "D").astype(np.int64))
        pick: dict[int, int] = {}
        near: dict[int, tuple[int, int]] = {}
        for k in range(len(c["code"])):  # rows sorted by (code, start): the last overlap wins
            code = int(c["code"][k])
            if c["st"][k] <= end and c["en"][k] >= start:
                pick[code] = k
            gap = int(max(c["st"][k] - end, start - c["en"][k], 0))
            if code not in near or gap < near[code][0]:
                near[code] = (gap, k)
        rows: list[int] = []
        for cc in ccodes:
            hit = pick.get(int(cc))
            if hit is None:  # outside every spell: the nearest spell in time
                if int(cc) not in near:
                    raise MissingDataError(
                        f"{self.capitals.attrs.get('path')}: no capital for COW code {int(cc)}; the "
                        "capitals file must cover every system member")
                hit = near[int(cc)][1]
            rows.append(hit)
        r = np.asarray(rows, np.int64)
        return (c["lat"][r].copy(), c["lon"][r].copy(), [c["name"][k] for k in rows],
                c["latest"][r].copy())

    def distances(self, ccodes: NDArray[np.int64], lat: NDArray[np.float64],
                  lon: NDArray[np.float64], latest: NDArray[np.bool_]) -> tuple[
                      NDArray[np.float64], dict[str, int]]:
        """Great-circle km between capitals, replaced by capdist's ``kmdist`` for pairs whose
        capitals are both the ones capdist measures (each state's latest capital). capdist's
        zero distances (Brazzaville-Kinshasa, rounded) keep the great-circle value."""
        d = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
        np.fill_diagonal(d, 0.0)
        cd = self.capdist
        used = 0
        if cd is not None:
            size = cd.shape[0]
            known = np.zeros(size, bool)
            known[np.flatnonzero(np.isfinite(cd).any(axis=1))] = True
            gw = np.array([int(c) if 0 <= int(c) < size and known[int(c)]
                           else COW_TO_GW_FALLBACK.get(int(c), -1) for c in ccodes], np.int64)
            gw = np.where((gw >= 0) & (gw < size), gw, -1)
            ok = latest & (gw >= 0)
            sub = np.full(d.shape, np.nan)
            ii = np.flatnonzero(ok)
            sub[np.ix_(ii, ii)] = cd[np.ix_(gw[ii], gw[ii])]
            use = np.isfinite(sub) & (sub > 0) & (gw[:, None] != gw[None, :])
            d = np.where(use, sub, d)
            used = int(np.triu(use, 1).sum())
        pairs = len(ccodes) * (len(ccodes) - 1) // 2
        return np.asarray(d, np.float64), {"capdist_pairs": used, "great_circle_pairs": pairs - used}

    def contiguity_types(self, year: int, ccodes: NDArray[np.int64]) -> NDArray[np.int64]:
        """``(n, n)`` COW conttype (0 = not directly contiguous)."""
        n = len(ccodes)
        out = np.zeros((n, n), np.int64)
        g = self._cont_by_year.get(year)
        if g is None:
            return out
        lut = _lookup(ccodes)
        i = lut[np.clip(g["state1no"].to_numpy(np.int64), 0, len(lut) - 1)]
        j = lut[np.clip(g["state2no"].to_numpy(np.int64), 0, len(lut) - 1)]
        t = g["conttype"].to_numpy(np.int64)
        ok = (i >= 0) & (j >= 0) & (i != j)
        i, j, t = i[ok], j[ok], t[ok]
        big = np.full((n, n), 99, np.int64)  # keep the closest type if a pair appears twice
        np.minimum.at(big, (i, j), t)
        np.minimum.at(big, (j, i), t)
        out = np.where(big == 99, 0, big)
        return out

    def alliance_matrix(self, year: int, ccodes: NDArray[np.int64]) -> NDArray[np.int8]:
        """``(n, n)`` ATOP obligations as World bits; ``[i, j]``: obligations of ``i`` to ``j``."""
        n = len(ccodes)
        out = np.zeros((n, n), np.int8)
        pos = {int(c): i for i, c in enumerate(ccodes)}
        if self.alliance_source == "atop5":
            g = self._atop_by_year.get(year)
            if g is None:
                lo, hi = int(self.atop_dyads["year"].min()), int(self.atop_dyads["year"].max())
                if not lo <= year <= hi:
                    raise FoedusError(f"ATOP 5.1 covers {lo}-{hi}; no alliance data for {year}")
                return out
            bits = np.zeros(len(g), np.int64)
            for col, bit in _OBLIGATION_BITS.items():
                bits |= np.where(g[col].to_numpy() == 1, bit, 0)
            lut = _lookup(ccodes)
            i = lut[np.clip(g["ccode1"].to_numpy(np.int64), 0, len(lut) - 1)]
            j = lut[np.clip(g["ccode2"].to_numpy(np.int64), 0, len(lut) - 1)]
            ok = (i >= 0) & (j >= 0) & (i != j) & (bits != 0)
            np.bitwise_or.at(out, (i[ok], j[ok]), bits[ok].astype(np.int8))
            return out
        m = self.atop_members
        last = int(max(m["yrexit"].max(), m["yrent"].max()))
        exit_ = m["yrexit"].where(m["yrexit"] > 0, last)
        act = m[(m["yrent"] <= year) & (exit_ >= year)]
        for _, g in act.groupby("atopid"):
            idx = [pos.get(int(c)) for c in g["member"].tolist()]
            bits = np.zeros(len(g), np.int64)
            for col, bit in _OBLIGATION_BITS.items():
                bits |= np.where(g[col].to_numpy() == 1, bit, 0)
            for i, v in zip(idx, bits.tolist(), strict=True):
                if i is None or not v:
                    continue
                for j in idx:
                    if j is not None and j != i:
                        out[i, j] |= v
        return out

    @cached_property
    def _mid_years(self) -> tuple[int, int]:
        b = self.mid_participants
        assert b is not None
        return int(b["styear"].min()), int(b["styear"].max())

    @cached_property
    def _revisionist_mids(self) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
        """(start year, COW code) of each dispute joined on side A as a revisionist state."""
        b = self.mid_participants
        if b is None:
            return None
        sel = b[(b["sidea"] == 1) & (b["revstate"] == 1)].drop_duplicates(["dispnum3", "ccode"])
        return sel["styear"].to_numpy(np.int64), sel["ccode"].to_numpy(np.int64)

    @cached_property
    def _weighted_revisionist_mids(self) -> RevisionistEvents | None:
        """Weighted revisionist initiations (:mod:`foedus.data.revisionism`)."""
        b = self.mid_participants
        if b is None:
            return None
        return revisionist_events(b, self.wars if self.has("cow-war") else None)

    @cached_property
    def _mid_pairs(self) -> NDArray[np.int64] | None:
        """``(start year, ccode, ccode)`` of every pair of states on opposite sides of a MID, one
        row per dispute and pair (the dyadic rule of :func:`foedus.data.conflict_onsets`)."""
        b = self.mid_participants
        if b is None:
            return None
        g = b.drop_duplicates(["dispnum3", "ccode"])[["dispnum3", "ccode", "sidea", "styear"]]
        g = g.assign(styear=g.groupby("dispnum3")["styear"].transform("min"))
        a, o = g[g["sidea"] == 1], g[g["sidea"] != 1]
        m = a.merge(o, on="dispnum3", suffixes=("_a", "_b"))
        return m[["styear_a", "ccode_a", "ccode_b"]].to_numpy(np.int64)

    def dispute_history(self, year: int, ccodes: NDArray[np.int64]) -> NDArray[np.float64]:
        """The dispute history of each pair of ``ccodes`` before ``year`` (``World.disputes``):
        every MID the two fought on opposite sides weighs ``0.5 ** ((year - 1 - start) /
        DISPUTE_HALF_LIFE)``; symmetric; zero without MID data."""
        n = len(ccodes)
        out = np.zeros((n, n))
        rows = self._mid_pairs
        if rows is None or n == 0:
            return out
        rows = rows[rows[:, 0] < int(year)]
        pos = {int(c): k for k, c in enumerate(np.asarray(ccodes).tolist())}
        i = np.array([pos.get(int(c), -1) for c in rows[:, 1]], np.int64)
        j = np.array([pos.get(int(c), -1) for c in rows[:, 2]], np.int64)
        ok = (i >= 0) & (j >= 0) & (i != j)
        w = 0.5 ** ((int(year) - 1 - rows[ok, 0]) / DISPUTE_HALF_LIFE)
        np.add.at(out, (i[ok], j[ok]), w)
        return out + out.T

    @cached_property
    def _first_entry(self) -> dict[int, int]:
        """First year in the COW system of each state."""
        a = self._state_arrays
        out: dict[int, int] = {}
        for c, y in zip(a["ccode"].tolist(), a["st"].tolist(), strict=True):
            out[int(c)] = min(out.get(int(c), int(y)), int(y))
        return out

    def revisionist_rate(self, year: int, ccodes: NDArray[np.int64],
                         major: NDArray[np.bool_]) -> NDArray[np.float64] | None:
        """Weighted, decayed revisionist initiations per decade before ``year``, shrunk towards
        the great-power prior (:func:`foedus.data.revisionism.decayed_rate`); None without MID
        data."""
        ev = self._weighted_revisionist_mids
        if ev is None:
            return None
        since = np.array([self._first_entry.get(int(c), year) for c in ccodes], np.int64)
        return decayed_rate(ev, year, np.asarray(ccodes, np.int64), since, major)

    def revisionism(self, rule: str, year: int, ccodes: NDArray[np.int64],
                    major: NDArray[np.bool_]) -> tuple[NDArray[np.float64] | None, str]:
        """Revisionism of ``ccodes`` in ``year`` under ``rule`` (``"mid"``, ``"mid-decade"``;
        None for ``"constant"`` or without data) and a note saying how it was derived."""
        if rule == "mid":
            k = self.revisionist_rate(year, ccodes, major)
            if k is not None:
                return revisionism_from_counts(k), (
                    "0.05 + 0.9·k/(k+4), k = weighted revisionist MID initiations per decade "
                    "(side A, revstate 1; territory 1, regime 0.75, policy 0.5; use of force 1, "
                    "display 0.75, threat 0.5; none while defending in a COW war), half-life "
                    f"20 years, prior 5 years at 2.5 (major) / 0.5 (other) before {year} "
                    "(COW MID 4.3)")
        elif rule == "mid-decade":
            k, covered = self.revisionist_initiations(year, ccodes)
            if k is not None:
                return revisionism_from_counts(k), (
                    f"0.05 + 0.9·k/(k+4), k = MID initiations as a revisionist (side A, "
                    f"revstate 1) per decade over {covered} years before {year} (COW MID 4.3)")
        if rule == "constant":
            return None, f"constant {DEFAULT_REVISIONISM}"
        return None, f"constant {DEFAULT_REVISIONISM}" + (
            " (no COW MID data for the previous decade)" if self.has("cow-mid")
            else " (COW MID data not found)")

    def revisionist_initiations(self, year: int, ccodes: NDArray[np.int64]) -> tuple[
            NDArray[np.float64] | None, int]:
        """MID initiations as a revisionist per decade, over the ``REVISIONISM_WINDOW`` years before
        ``year``: disputes a state joined on side A (the initiating side) with ``revstate`` 1.
        Returns (counts scaled to a decade, years covered), or (None, 0) without MID data."""
        b = self._revisionist_mids
        if b is None:
            return None, 0
        lo, hi = self._mid_years
        first, last = max(year - REVISIONISM_WINDOW, lo), min(year - 1, hi)
        covered = last - first + 1
        if covered < REVISIONISM_WINDOW // 2:
            return None, max(covered, 0)
        years, codes = b
        sel = codes[(years >= first) & (years <= last)]
        counts = np.bincount(sel, minlength=1000)
        k = np.array([float(counts[int(c)]) if 0 <= int(c) < len(counts) else 0.0 for c in ccodes])
        return k * REVISIONISM_WINDOW / covered, covered


_CACHE: dict[str, tuple[tuple[tuple[str, float], ...], DataSet]] = {}


def _fingerprint(root: Path) -> tuple[tuple[str, float], ...]:
    out: list[tuple[str, float]] = []
    for sid, src in SOURCES.items():
        for i in range(len(src.files)):
            p = find_file(sid, root, i)
            if p is not None:
                out.append((str(p), p.stat().st_mtime))
    return tuple(out)


def dataset(data_dir: str | Path | None = None) -> DataSet:
    """The cached :class:`DataSet` of a data dir (re-read when its files change)."""
    root = _resolve(data_dir)
    key = str(root.resolve()) if root.exists() else str(root)
    fp = _fingerprint(root)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == fp:
        return hit[1]
    ds = DataSet(root)
    _CACHE[key] = (fp, ds)
    return ds


def revisionism_from_counts(k: NDArray[np.float64]) -> NDArray[np.float64]:
    """Map revisionist initiations per decade ``k`` to [0.05, 0.95]: r = 0.05 + 0.9·k/(k + 4)."""
    lo, hi = REVISIONISM_RANGE
    return np.asarray(lo + (hi - lo) * k / (k + REVISIONISM_HALF), np.float64)


#: Blocs join states whose defence-pact neighbourhoods overlap by at least this average Jaccard
#: similarity (average-linkage clustering cut at distance 1 - BLOC_SIMILARITY).
BLOC_SIMILARITY = 0.25


def alliance_blocs(alliances: NDArray[np.int8], capability: NDArray[np.float64],
                   similarity: float = BLOC_SIMILARITY) -> NDArray[np.int64]:
    """Blocs from the defence/offence pact network.

    Each state with at least one defence or offence pact has a closed neighbourhood (itself and
    its pact partners); states are clustered by average linkage on the Jaccard distance between
    neighbourhoods and the tree is cut where the average similarity falls below ``similarity``.
    Clusters of two or more states are blocs, numbered by total capability (0 = strongest);
    everyone else gets −1. Unlike connected components, one cross-cutting pact (the 1942
    Anglo-Soviet treaty) does not merge two camps.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = alliances.shape[0]
    bloc = np.full(n, -1, np.int64)
    adj = ((alliances | alliances.T) & (DEFENCE | OFFENCE)) != 0
    np.fill_diagonal(adj, True)
    idx = np.flatnonzero(adj.sum(axis=1) > 1)
    if len(idx) < 2:
        return bloc
    a = adj[idx].astype(np.float64)
    inter = a @ a.T
    size = a.sum(axis=1)
    dist = 1.0 - inter / (size[:, None] + size[None, :] - inter)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(np.clip(dist, 0.0, 1.0), checks=False), method="average")
    labels = fcluster(tree, t=1.0 - similarity, criterion="distance")
    groups = [idx[labels == lab] for lab in np.unique(labels)]
    groups = [g for g in groups if len(g) >= 2]
    groups.sort(key=lambda g: (-float(capability[g].sum()), int(g.min())))
    for b, g in enumerate(groups):
        bloc[g] = b
    return bloc


#: The Non-Aligned Movement was founded at the Belgrade conference, 1-6 September 1961.
NAM_FOUNDED = 1961
NONALIGNED_RULES = ("no-pact", "none")


def nonaligned_flags(alliances: NDArray[np.int8], major: NDArray[np.bool_], year: int,
                     rule: str = "no-pact") -> NDArray[np.bool_]:
    """Non-aligned states of a data world (docs/model.md §Non-aligned states: a state that joins no alliance).

    ``"no-pact"``: from 1961 (the Belgrade conference founding the Non-Aligned Movement;
    Willetts 1978) a state that is not a major power and holds no ATOP defence or offence pact
    with anyone that year. Before 1961 nobody. ``"none"``: nobody, ever. A proxy from the alliance
    data, not NAM membership: it also flags the neutrals (Switzerland, Sweden, Austria, ...), who
    likewise join no alliance, and misses NAM members that kept a pact.
    """
    if rule not in NONALIGNED_RULES:
        raise FoedusError(f"nonaligned must be one of {', '.join(NONALIGNED_RULES)}, not {rule!r}")
    n = len(major)
    if rule == "none" or year < NAM_FOUNDED:
        return np.zeros(n, bool)
    a = np.asarray(alliances)
    pact = (((a | a.T) & (DEFENCE | OFFENCE)) != 0) & ~np.eye(n, dtype=bool)
    return ~np.asarray(major, bool) & ~pact.any(axis=1)


def world_for_year(year: int, *, data_dir: str | Path | None = None, weighted_s: bool = True,
                   revisionism: str = "mid", nonaligned: str = "no-pact") -> World:
    """The COW state system of ``year`` as a :class:`World` (codes = COW abbreviations).

    Capability: CINC share (NMC v7.0, else v6.0), renormalised; a missing CINC gets half the
    year's smallest observed share. Capitals: positions by an equirectangular projection,
    distances great-circle or from capdist. Contiguity: COW direct contiguity, any type (land or
    ≤ 400 miles of water). Alliances: ATOP obligations (5.1 dyad-years, else 4.01 members).
    Affinity: Signorino–Ritter S over the alliance portfolios (capability-weighted unless
    ``weighted_s=False``). Major powers: COW. Revisionism: ``"mid"`` derives it from weighted
    revisionist MID initiations with a decaying memory and a great-power prior
    (:mod:`foedus.data.revisionism`); ``"mid-decade"`` from the unweighted initiations of the
    previous decade (the earlier signal); ``"constant"`` uses 0.2 (also without MID data).
    Bloc: clusters of the defence/offence pact network (:func:`alliance_blocs`). Non-aligned:
    :func:`nonaligned_flags` with rule ``nonaligned`` (from 1961, states without a defence or
    offence pact).
    """
    if revisionism not in REVISIONISM_RULES:
        raise FoedusError(f"revisionism must be one of {', '.join(REVISIONISM_RULES)}, "
                          f"not {revisionism!r}")
    if nonaligned not in NONALIGNED_RULES:
        raise FoedusError(f"nonaligned must be one of {', '.join(NONALIGNED_RULES)}, "
                          f"not {nonaligned!r}")
    ds = dataset(data_dir)
    year = int(year)
    mem = ds.members(year)
    ccodes = mem["ccode"].to_numpy(np.int64)
    codes = [str(x) for x in mem["stateabb"].tolist()]
    names = [str(x) for x in mem["statenme"].tolist()]
    n = len(ccodes)

    raw = ds.cinc(year, ccodes)
    bad = ~np.isfinite(raw) | (raw <= 0)
    ok = raw[~bad]
    floor = float(ok.min() / 2) if ok.size else 1.0 / max(n, 1)
    cap = np.where(bad, floor, raw)
    cap = cap / cap.sum()

    lat, lon, capital_names, latest = ds.capital_coords(year, ccodes)
    pos = equirectangular_km(lat, lon)
    distance, dist_info = ds.distances(ccodes, lat, lon, latest)

    conttype = ds.contiguity_types(year, ccodes)
    contiguity = conttype > 0
    alliances = ds.alliance_matrix(year, ccodes)
    affinity = s_scores(portfolio_levels(alliances), cap if weighted_s else None)

    majors = ds.major_codes(year)
    major = np.array([int(c) in majors for c in ccodes], bool)
    region = np.array([REGIONS.index(region_of(int(c))) for c in ccodes], np.int64)

    k_rev, rev_note = ds.revisionism(revisionism, year, ccodes, major)
    rev = np.full(n, DEFAULT_REVISIONISM) if k_rev is None else k_rev

    bloc = alliance_blocs(alliances, cap)
    disputes = ds.dispute_history(year, ccodes)
    nonaligned_flag = nonaligned_flags(alliances, major, year, nonaligned)
    alliance_sid = ds.alliance_source
    ci, cj = np.nonzero(np.triu(conttype, 1))
    cont_pairs = [[codes[i], codes[j], int(conttype[i, j])]
                  for i, j in zip(ci.tolist(), cj.tolist(), strict=True)]
    used = ["cow-states", "cow-majors", str(ds.nmc.attrs["source"]), "capitals",
            "cow-contiguity", alliance_sid]
    if ds.capdist is not None:
        used.append("capdist")
    if rev_note.startswith("0.05") or ds.has("cow-mid"):
        used.append("cow-mid")
    meta: dict[str, Any] = {
        "citations": {sid: SOURCES[sid].citation for sid in used}
        | ({"peacesciencer": PEACESCIENCER} if any(ds.derived(sid) for sid in used) else {}),
        "sources": {"capability": f"{ds.nmc.attrs['source']} (NMC {ds.nmc.attrs['version']})",
                    "alliances": f"{alliance_sid} (ATOP {SOURCES[alliance_sid].version})",
                    "distance": "capdist + great circle" if ds.capdist is not None else "great circle"},
        "data_dir": str(ds.root),
        "cinc_raw_sum": float(np.nansum(raw)),
        "cinc_missing": [codes[i] for i in np.flatnonzero(bad)],
        "cinc_floor": floor,
        "capitals": capital_names,
        "projection": {"kind": "equirectangular", "standard_parallel": STANDARD_PARALLEL,
                       "radius_km": EARTH_RADIUS_KM},
        "distance": dist_info,
        "conttype": cont_pairs,
        "affinity": ("Signorino-Ritter S over ATOP alliance portfolios (3 defence/offence, "
                     "2 neutrality/non-aggression, 1 consultation, 0 none), "
                     + ("capability-weighted" if weighted_s else "unweighted")),
        "revisionism": rev_note,
        "disputes": (f"MIDs (COW MID 4.3) between the two before {year}, each weighing 0.5 ** "
                     f"(age / {DISPUTE_HALF_LIFE:g} years)" if ds.has("cow-mid")
                     else "none: no MID data (zero)"),
        "revisionism_rule": revisionism,
        "bloc": (f"average-linkage clusters (Jaccard similarity >= {BLOC_SIMILARITY}) of "
                 "defence/offence pact neighbourhoods, numbered by capability"),
        "nonaligned": ("none (rule 'none')" if nonaligned == "none" else
                       f"rule 'no-pact': not a major power and no ATOP defence/offence pact, "
                       f"from {NAM_FOUNDED} (Non-Aligned Movement, Belgrade 1961)"),
        "un_members": un_members_for(year, codes, ccodes) if year >= 1945 else [],
    }
    world = World(codes=codes, names=names, ccodes=ccodes, capability=cap.astype(np.float64),
                  pos=pos, region=region, major=major, revisionism=rev.astype(np.float64),
                  alive=np.ones(n, bool), nonaligned=nonaligned_flag, bloc=bloc,
                  distance=distance, contiguity=contiguity, affinity=affinity,
                  alliances=alliances, disputes=disputes, year=year, source="cow", meta=meta)
    # a complete-looking file that lacks the year would give a silent world: say so
    L.check_derived_world(world, year, {"majors": ds._path("cow-majors"),
                                        "contiguity": ds._path("cow-contiguity")})
    return world


def worlds(start: int = 1816, end: int = 2016, *, data_dir: str | Path | None = None,
           **kwargs: Any) -> Iterator[World]:
    """One :func:`world_for_year` per year from ``start`` to ``end`` (inclusive)."""
    for y in range(int(start), int(end) + 1):
        yield world_for_year(y, data_dir=data_dir, **kwargs)


__all__ = [
    "BLOC_SIMILARITY",
    "COW_TO_GW_FALLBACK",
    "DEFAULT_REVISIONISM",
    "EARTH_RADIUS_KM",
    "NAM_FOUNDED",
    "NONALIGNED_RULES",
    "REVISIONISM_HALF",
    "REVISIONISM_RANGE",
    "REVISIONISM_WINDOW",
    "STANDARD_PARALLEL",
    "DataSet",
    "Record",
    "alliance_blocs",
    "dataset",
    "equirectangular_km",
    "great_circle_km",
    "nonaligned_flags",
    "portfolio_levels",
    "region_of",
    "revisionism_from_counts",
    "s_scores",
    "world_for_year",
    "world_on_record",
    "worlds",
]


# --- the record along a run -------------------------------------------------------------------


@dataclass
class Record:
    """The recorded state system along a run that starts from a data world (docs/world.md).

    ``entry[i]``: the year state ``i`` enters the COW system after the start; ``exit[i]``: the
    year it leaves it without being conquered (unification, dissolution: an exit while the state
    fights a COW interstate war counts as conquest and is left to the model). Each year
    :meth:`apply` brings in the entrants with their entry year's CINC share, removes the exits,
    and re-reads the era's inputs: ATOP alliances, the affinity over them, COW major powers,
    revisionism from MIDs, and pulls capability shares towards the recorded CINC shares.
    """

    ds: DataSet
    ccodes: NDArray[np.int64]
    start: int
    entry: dict[int, int]
    exit: dict[int, int]
    weighted_s: bool = True
    revisionism: str = "mid"
    last: int = 0
    log: list[tuple[int, str, str]] = field(default_factory=list)

    def describe(self) -> str:
        """One line for a run's notes."""
        return (f"state system follows the COW record from {self.start}: {len(self.entry)} "
                f"entries and {len(self.exit)} non-violent exits scheduled up to {self.last}; "
                "alliances, affinity, majors and revisionism re-read each year")

    def apply(self, world: World, year: int, pull: float) -> bool:
        """Bring ``world`` to the record of ``year`` in place; return whether states changed."""
        if year > self.last:
            return False
        lut = self.ccodes
        changed = False
        for i, y in self.exit.items():
            if y == year and world.alive[i]:
                world.alive[i] = False
                world.capability[i] = 0.0
                self.log.append((year, world.codes[i], "left the system (recorded)"))
                changed = True
        shares = self.ds.cinc(year, lut)
        shares = np.where(np.isfinite(shares) & (shares > 0), shares, np.nan)
        total = float(np.nansum(shares[world.alive])) or 1.0
        for i, y in self.entry.items():
            if y == year and not world.alive[i]:
                world.alive[i] = True
                cap = shares[i] / total if np.isfinite(shares[i]) else np.nanmin(shares) / total
                world.capability[i] = float(cap) * float(world.capability[world.alive].sum() or 1)
                self.log.append((year, world.codes[i], "entered the system (recorded)"))
                changed = True
        self._inputs(world, year, shares, pull)
        return changed

    def _inputs(self, world: World, year: int, shares: NDArray[np.float64], pull: float) -> None:
        """The era's inputs of ``year``, written into the world's arrays in place."""
        alive = world.alive.astype(bool)
        if pull > 0:
            rec = np.where(alive & np.isfinite(shares), shares, 0.0)
            if rec.sum() > 0:
                cap = np.where(alive, world.capability, 0.0)
                cap = cap / (cap.sum() or 1.0)
                world.capability[:] = np.where(alive, (1 - pull) * cap + pull * rec / rec.sum(), 0.0)
        world.alliances[:] = self.ds.alliance_matrix(year, self.ccodes)
        world.affinity[:] = s_scores(portfolio_levels(world.alliances),
                                     np.maximum(world.capability, 0.0) + 1e-12
                                     if self.weighted_s else None)
        majors = self.ds.major_codes(year)
        world.major[:] = np.array([int(c) in majors for c in self.ccodes], bool) & alive
        rev, _ = self.ds.revisionism(self.revisionism, year, self.ccodes, world.major)
        if rev is not None:
            world.revisionism[:] = rev


def _conquered(ds: DataSet, ccode: int, year: int) -> bool:
    """Whether a state leaving the system in ``year`` was then fighting a COW interstate war."""
    if not ds.has("cow-war"):
        return False
    w = ds.wars
    rows = w[w["ccode"] == ccode]
    end = rows["endyear1"].fillna(rows["startyear1"])
    return bool(((rows["startyear1"] <= year) & (end >= year - 1)).any())


def world_on_record(world: World, end: int | None = None) -> tuple[World, Record]:
    """The world of every state in the COW system between ``world.year`` and ``end`` (default:
    the last year of the state list), with the states of the start year alive as in ``world``
    and the others waiting to enter on their recorded year, and the :class:`Record` that
    brings them in. Positions, distances and contiguity of an entrant are those of its entry
    year; contiguity is the union over the entry years."""
    if world.source != "cow" or world.year is None:
        raise FoedusError("world_on_record needs a world built from data (world_for_year)")
    ds = dataset(world.meta.get("data_dir"))
    start = int(world.year or 0)
    last = ds.year_range[1] if end is None else min(int(end), ds.year_range[1])
    a = ds._state_arrays
    span = (a["st"] <= last) & (a["en"] >= start)
    codes_all = np.unique(a["ccode"][span])
    have = {int(c): i for i, c in enumerate(world.ccodes)}
    new = np.array([c for c in codes_all if int(c) not in have], np.int64)
    ccodes = np.concatenate([np.asarray(world.ccodes, np.int64), new])
    entry, exits = _schedule(ds, ccodes, start, last, world.n)
    grown = _grow_world(ds, world, new, entry)
    rule = str(world.meta.get("revisionism_rule", "mid"))
    return grown, Record(ds=ds, ccodes=ccodes, start=start, entry=entry, exit=exits, last=last,
                         revisionism=rule if rule in REVISIONISM_RULES else "mid")


def _schedule(ds: DataSet, ccodes: NDArray[np.int64], start: int, last: int,
              n0: int) -> tuple[dict[int, int], dict[int, int]]:
    """Entry and non-violent exit years of each state of ``ccodes`` after ``start``."""
    entry: dict[int, int] = {}
    exits: dict[int, int] = {}
    members = {y: set(ds.members(y)["ccode"].astype(int)) for y in range(start, last + 1)}
    for i, c in enumerate(int(x) for x in ccodes):
        inside = i < n0
        for y in range(start + 1, last + 1):
            now = c in members[y]
            if now and not inside and i not in entry:
                entry[i] = y
            if inside and not now and i not in exits and not _conquered(ds, c, y):
                exits[i] = y
                break
            inside = now
    return entry, exits


def _grow_world(ds: DataSet, world: World, new: NDArray[np.int64],
                entry: dict[int, int]) -> World:
    """``world`` with the states ``new`` appended, not alive, placed as in their entry year."""
    n0, k = world.n, len(new)
    n = n0 + k
    ccodes = np.concatenate([np.asarray(world.ccodes, np.int64), new])
    lat = np.zeros(n)
    lon = np.zeros(n)
    latest = np.zeros(n, bool)
    y0 = int(world.year or 0)
    ref = [y0] * n0 + [entry.get(n0 + j, y0) for j in range(k)]
    names_by_code = dict(zip(ds._state_arrays["ccode"].tolist(), ds._state_arrays["name"].tolist(), strict=False))
    abb_by_code = dict(zip(ds._state_arrays["ccode"].tolist(), ds._state_arrays["abb"].tolist(), strict=False))
    cont = np.zeros((n, n), bool)
    for y in sorted(set(ref)):
        idx = np.flatnonzero(np.array(ref) == y)
        la, lo, _, lt = ds.capital_coords(y, ccodes[idx])
        lat[idx], lon[idx], latest[idx] = la, lo, lt
        ct = ds.contiguity_types(y, ccodes) > 0
        cont[idx, :] |= ct[idx, :]
        cont[:, idx] |= ct[:, idx]
    cont[:n0, :n0] = world.contiguity
    dist, _ = ds.distances(ccodes, lat, lon, latest)
    dist[:n0, :n0] = world.distance

    def pad(x: NDArray[Any], fill: Any) -> NDArray[Any]:
        return np.concatenate([x, np.full(k, fill, x.dtype)])

    def pad2(x: NDArray[Any], fill: Any) -> NDArray[Any]:
        out = np.full((n, n), fill, x.dtype)
        out[:n0, :n0] = x
        return out

    aff = pad2(world.affinity, 0.0)
    np.fill_diagonal(aff, 1.0)
    region = np.array([REGIONS.index(region_of(int(c))) for c in ccodes], np.int64)
    meta = dict(world.meta)
    meta["record"] = {"start": y0, "pending": [str(abb_by_code[int(c)]) for c in new]}
    return World(codes=[*world.codes, *(str(abb_by_code[int(c)]) for c in new)],
                 names=[*world.names, *(str(names_by_code[int(c)]) for c in new)], ccodes=ccodes,
                 capability=pad(world.capability, 0.0), pos=np.vstack(
                     [world.pos, equirectangular_km(lat[n0:], lon[n0:])]), region=region,
                 major=pad(world.major, False), revisionism=pad(world.revisionism,
                                                                DEFAULT_REVISIONISM),
                 alive=pad(world.alive.astype(bool), False), nonaligned=pad(world.nonaligned, False),
                 bloc=pad(world.bloc, -1), distance=dist, contiguity=cont, affinity=aff,
                 alliances=pad2(world.alliances, 0), disputes=pad2(world.disputes, 0.0),
                 year=world.year, source=world.source,
                 meta=meta)
