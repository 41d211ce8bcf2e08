"""Revisionism of the states of a data world from the MID record (docs/world.md §Revisionism).

The signal (rule ``"mid"``) is a state's rate of *revisionist MID initiations*, with a long,
exponentially decaying memory, weighted by what was at stake and how far the state went, and
shrunk towards a prior from great-power status where the record is short:

- **events**: the disputes a state joined on side A (the initiating side) as a revisionist
  state (``revstate`` 1), COW MID 4.3 participant level; one per dispute and state;
- **excluded**: disputes begun while the state fought on the *defending* side of a COW
  interstate war (the side opposed to the war's initiators, Inter-State War Data 4.0): the
  Allies' wartime disputes of 1939-45 are war-fighting, not revisionism for gain;
- **weights**: by the revision sought (``revtype1``): territory 1, regime 0.75, policy and
  other 0.5 — territorial claims are the issue most prone to escalate and the core of
  revisionism for gain (Goertz & Diehl 1992; Vasquez 1993; Hensel 1996) — and by the highest
  hostility reached (``hostlev``): threat 0.5, display 0.75, use of force and war 1;
- **memory**: each event decays with a half-life of :data:`HALF_LIFE` years; revisionist aims
  are durable dispositions (Schweller 1994), outliving a single decade;
- **prior**: the decayed rate is the posterior mean of a rate with a prior of
  :data:`PRIOR_YEARS` years at the base rate of the state's class (COW major power or not;
  majors have the opportunity and do initiate far more: Bremer 1980; Lemke 2002 on the
  opportunity to act beyond the home region). A state with a short record (1816, a new state)
  sits near its class's base rate rather than at zero.

The rate ``k`` (weighted initiations per decade) maps to ``r = 0.05 + 0.9·k/(k + 4)`` as
before (:func:`foedus.data.revisionism_from_counts`). The earlier signal (MID initiations over
the previous decade, unweighted) stays available as rule ``"mid-decade"``, and ``"constant"``
gives every state 0.2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

#: Weight of a revisionist initiation by ``revtype1`` (1 territory, 2 policy, 3 regime, 4 other).
REVTYPE_WEIGHT = {1: 1.0, 2: 0.5, 3: 0.75, 4: 0.5}
#: Weight by the highest hostility level the state reached (2 threat, 3 display, 4 use, 5 war).
HOSTLEV_WEIGHT = {1: 0.5, 2: 0.5, 3: 0.75, 4: 1.0, 5: 1.0}
#: Half-life, in years, of an initiation's weight in the signal.
HALF_LIFE = 20.0
#: Strength of the great-power prior, in years of record.
PRIOR_YEARS = 5.0
#: Base rates (weighted revisionist initiations per decade) of COW major powers and of the
#: other states: the mean over the state-years 1816-2010 under the weights above, without the
#: defending side of wars (:func:`base_rates` gives 2.52 and 0.53 on COW MID 4.3), rounded.
PRIOR_RATE = {"major": 2.5, "minor": 0.5}
#: The rules a data world's revisionism may follow.
REVISIONISM_RULES = ("mid", "mid-decade", "constant")


@dataclass(frozen=True)
class RevisionistEvents:
    """Weighted revisionist initiations (one per dispute and state) and the years covered."""

    ccode: NDArray[np.int64]
    year: NDArray[np.int64]
    weight: NDArray[np.float64]
    first: int
    last: int


def defender_spells(wars: pd.DataFrame | None) -> pd.DataFrame:
    """``ccode, start, end`` of each state's spells on the defending side of a COW interstate
    war: the side with no initiator (``initiator`` 1) while the other side has one."""
    cols = ["ccode", "start", "end"]
    if wars is None or wars.empty:
        return pd.DataFrame(columns=cols)
    w = wars
    init_sides: dict[int, set[int]] = {}
    for war, side in w.loc[w["initiator"] == 1, ["warnum", "side"]].itertuples(index=False):
        init_sides.setdefault(int(war), set()).add(int(side))
    defending = np.array([int(war) in init_sides and int(side) not in init_sides[int(war)]
                          for war, side in zip(w["warnum"], w["side"], strict=True)], bool)
    d = w[defending]
    end = d[["endyear1", "endyear2"]].max(axis=1).fillna(d["startyear1"])
    out = pd.DataFrame({"ccode": d["ccode"].astype(np.int64), "start": d["startyear1"],
                        "end": end})
    return out.dropna().astype(np.int64)[cols]


def revisionist_events(participants: pd.DataFrame, wars: pd.DataFrame | None) -> RevisionistEvents:
    """The weighted revisionist initiations of the MID participant file (module docstring)."""
    b = participants
    first, last = int(b["styear"].min()), int(b["styear"].max())
    sel = b[(b["sidea"] == 1) & (b["revstate"] == 1)].drop_duplicates(["dispnum3", "ccode"])
    codes = sel["ccode"].to_numpy(np.int64)
    years = sel["styear"].to_numpy(np.int64)
    keep = np.ones(len(sel), bool)
    for c, s, e in defender_spells(wars).itertuples(index=False):
        keep &= ~((codes == c) & (years >= s) & (years <= e))
    wt = (sel["revtype1"].map(REVTYPE_WEIGHT).fillna(0.5).to_numpy(np.float64)
          * sel["hostlev"].map(HOSTLEV_WEIGHT).fillna(0.5).to_numpy(np.float64))
    return RevisionistEvents(codes[keep], years[keep], wt[keep], first, last)


def decay(dt: NDArray[Any] | float) -> NDArray[np.float64]:
    """Weight of something ``dt`` years old under the half-life :data:`HALF_LIFE`."""
    return np.asarray(0.5 ** (np.asarray(dt, np.float64) / HALF_LIFE), np.float64)


def covered_weight(year: int, since: NDArray[np.int64], first: int, last: int) -> NDArray[np.float64]:
    """Decayed years of record before ``year`` of states in the system since ``since``:
    the sum of :func:`decay` over the years from max(``since``, ``first``) to
    min(``year`` - 1, ``last``)."""
    a = np.maximum(np.asarray(since, np.int64), first)
    b = min(year - 1, last)
    n = np.maximum(b - a + 1, 0).astype(np.float64)
    q = float(decay(1.0))
    return np.asarray(decay(year - 1 - b) * (1.0 - q ** n) / (1.0 - q), np.float64)


def decayed_rate(ev: RevisionistEvents, year: int, ccodes: NDArray[np.int64],
                 since: NDArray[np.int64], major: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Weighted revisionist initiations per decade before ``year``, decayed and shrunk towards
    the prior of each state's class (module docstring)."""
    ccodes = np.asarray(ccodes, np.int64)
    before = ev.year < year
    lut = np.full(max(int(ccodes.max(initial=0)), int(ev.ccode.max(initial=0))) + 1, -1, np.int64)
    lut[ccodes] = np.arange(len(ccodes))
    idx = lut[ev.ccode[before]]
    ok = idx >= 0
    age = np.asarray(year - 1 - ev.year[before][ok], np.float64)
    w = np.asarray(ev.weight[before][ok], np.float64) * decay(age)
    s = np.bincount(idx[ok], weights=w, minlength=len(ccodes))
    cov = covered_weight(year, since, ev.first, ev.last)
    prior = np.where(np.asarray(major, bool), PRIOR_RATE["major"], PRIOR_RATE["minor"]) / 10.0
    return np.asarray(10.0 * (s + PRIOR_YEARS * prior) / (cov + PRIOR_YEARS), np.float64)


def base_rates(ev: RevisionistEvents, spells: pd.DataFrame,
               majors: pd.DataFrame) -> dict[str, float]:
    """Weighted revisionist initiations per decade of major powers and of the other states,
    over the state-years the MID data cover (the source of :data:`PRIOR_RATE`). ``spells``:
    ``ccode, st, en`` of system membership; ``majors``: ``ccode, styear, endyear``."""
    years = np.arange(ev.first, ev.last + 1)
    num = {"major": 0.0, "minor": 0.0}
    den = {"major": 0.0, "minor": 0.0}
    for y in years:
        inside = spells[(spells["st"] <= y) & (spells["en"] >= y)]["ccode"].unique()
        big = set(majors[(majors["styear"] <= y) & (majors["endyear"] >= y)]["ccode"].astype(int))
        here = ev.year == y
        for c in inside:
            k = "major" if int(c) in big else "minor"
            den[k] += 1.0
            num[k] += float(ev.weight[here & (ev.ccode == c)].sum())
    return {k: 10.0 * num[k] / den[k] if den[k] else 0.0 for k in num}


__all__ = ["HALF_LIFE", "HOSTLEV_WEIGHT", "PRIOR_RATE", "PRIOR_YEARS", "REVISIONISM_RULES",
           "REVTYPE_WEIGHT", "RevisionistEvents", "base_rates", "covered_weight", "decay",
           "decayed_rate", "defender_spells", "revisionist_events"]
