"""The historical record a run is scored against, from the Correlates of War and ATOP.

Every rate is per 100 state-years of the COW state system over the same window of years
(``start`` to ``start + years - 1``):

- ``war_onsets_per_100``: COW inter-state wars (v4.0) by onset, the smallest ``StartYear1``
  of a ``WarNum`` (Sarkees & Wayman 2010);
- ``mid_onsets_per_100``: militarised interstate disputes by their start year, one row per
  dispute in MIDA 4.3 (Palmer et al. 2015); wars are MIDs too;
- ``state_deaths_per_100``: exits from the COW state system (a membership spell that ends
  before the data's last year), after Fazal (2007), whose list is not in the data;
- ``violent_state_deaths_per_100``: those exits that coincide with a war the state did not
  win: the state fought in a COW inter-state war whose participation ended in the exit year or
  the year before, with an outcome other than "winner" (COW outcome 1). The rule reproduces
  Fazal's violent deaths of war (Hanover 1866, Poland 1939, Germany 1945, ...) but not
  annexations without a COW war (Austria 1938, the Baltic states 1940): it is a lower bound;
- ``alliance_reliability``: over the wars that began in the window, the share of each
  original target's ATOP defence-pact partners (in force in the onset year) that fought in the
  war on the target's side (Leeds, Long & Mitchell 2000 measure the fulfilment of the specific
  obligation and find 74.5%; this is the broader "partners that fought" of the issue, and it is
  lower);
- ``severity_tail_slope``: the slope of the complementary cumulative distribution of battle
  deaths per war above the median, on log-log axes (Cederman 2003: about -0.41 over 1820-1997);
- ``determination_share``: not in the data (no record of which wars an institution determined
  to be aggression): ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import dataset, load_mid_disputes, require_file

#: The record's metrics, in the order reports show them.
RECORD_METRICS = ("war_onsets_per_100", "mid_onsets_per_100", "state_deaths_per_100",
                  "violent_state_deaths_per_100", "alliance_reliability", "determination_share",
                  "severity_tail_slope")

#: COW war outcome code of a winner.
WINNER = 1


def tail_slope(values: Sequence[float] | np.ndarray) -> float:
    """Slope of the log-log CCDF of ``values`` above their median (least squares).

    The CCDF at the ``k``-th largest of ``m`` values is ``k / m``; NaN with fewer than four
    positive values above the median (Cederman 2003 fits the same line to COW battle deaths).
    """
    x = np.sort(np.asarray(values, float))
    x = x[np.isfinite(x) & (x > 0)]
    if x.size < 4:
        return float("nan")
    x = x[x >= np.median(x)]
    if x.size < 4 or np.ptp(np.log10(x)) == 0:
        return float("nan")
    ccdf = (x.size - np.arange(x.size)) / x.size
    slope = np.polyfit(np.log10(x), np.log10(ccdf), 1)[0]
    return float(slope)


@lru_cache(maxsize=4)
def _tables(root: str) -> dict[str, pd.DataFrame]:
    ds = dataset(root)
    mids = load_mid_disputes(require_file("cow-mid", Path(root), 0))
    return {"states": ds.states, "wars": ds.wars, "mids": mids, "atop": ds.atop_dyads}


def state_years(states: pd.DataFrame, first: int, last: int) -> float:
    """State-years of the COW system from ``first`` to ``last`` (members on any day)."""
    st = states["styear"].to_numpy()
    en = states["endyear"].to_numpy()
    years = np.arange(first, last + 1)
    alive = (st[None, :] <= years[:, None]) & (en[None, :] >= years[:, None])
    per_year = [len(set(states["ccode"].to_numpy()[row])) for row in alive]
    return float(sum(per_year))


def war_onsets(wars: pd.DataFrame) -> pd.DataFrame:
    """One row per war: ``warnum``, ``onset`` (min StartYear1) and total ``batdeath``."""
    g = wars.groupby("warnum")
    return pd.DataFrame({"onset": g["startyear1"].min(),
                         "batdeath": g["batdeath"].sum(min_count=1)}).reset_index()


def state_exits(states: pd.DataFrame) -> pd.DataFrame:
    """Exits from the system: spells that end before the data's last year (``ccode``, ``year``)."""
    last = int(states["endyear"].max())
    ex = states.loc[states["endyear"] < last, ["ccode", "endyear"]]
    return ex.rename(columns={"endyear": "year"}).reset_index(drop=True)


def violent_exits(exits: pd.DataFrame, wars: pd.DataFrame) -> pd.DataFrame:
    """The exits that coincide with a war the state fought and did not win (see the module)."""
    w = wars[["ccode", "endyear1", "endyear2", "outcome"]].copy()
    end = w["endyear2"].where(w["endyear2"].notna(), w["endyear1"])
    w["end"] = end
    lost = w[w["outcome"].fillna(0).astype(int) != WINNER]
    keep = []
    lc, le = lost["ccode"].to_numpy(), lost["end"].to_numpy(float)
    for code, year in zip(exits["ccode"].to_numpy(int), exits["year"].to_numpy(int), strict=True):
        keep.append(bool(((lc == code) & (le >= year - 1) & (le <= year)).any()))
    return exits[np.asarray(keep, bool)]


def alliance_reliability(wars: pd.DataFrame, atop: pd.DataFrame, first: int, last: int) -> float:
    """Share of the original targets' defence-pact partners that fought on their side."""
    ow = war_onsets(wars)
    onsets = dict(zip(ow["warnum"].to_numpy(int).tolist(), ow["onset"].to_numpy(int).tolist(), strict=True))
    fought = honoured = 0
    defence = atop[atop["defense"].fillna(0) > 0]
    by_year = {int(str(y)): g for y, g in defence.groupby("year")}
    for warnum, part in wars.groupby("warnum"):
        onset = onsets[int(str(warnum))]
        if not first <= onset <= last:
            continue
        init_side = part.loc[part["initiator"] == 1, "side"]
        if init_side.empty:
            continue
        target_side = 3 - int(init_side.iloc[0])
        targets = part.loc[(part["side"] == target_side) & (part["startyear1"] == onset), "ccode"]
        on_side = set(part.loc[part["side"] == target_side, "ccode"].astype(int))
        enemies = set(part.loc[part["side"] != target_side, "ccode"].astype(int))
        pacts = by_year.get(onset)
        if pacts is None:
            continue
        for t in set(targets.astype(int)):
            partners = set(pacts.loc[pacts["ccode1"] == t, "ccode2"].astype(int)) - enemies - {t}
            fought += len(partners)
            honoured += len(partners & on_side)
    return honoured / fought if fought else float("nan")


def record_metrics(start: int, years: int, *, data_dir: str | Path | None = None) -> dict[str, float | None]:
    """The record's metrics (:data:`RECORD_METRICS`) for ``start`` .. ``start + years - 1``."""
    t = _tables(str(dataset(data_dir).root))
    first, last = int(start), int(start) + int(years) - 1
    sy = state_years(t["states"], first, last)
    per100 = 100.0 / sy if sy else float("nan")
    wars = war_onsets(t["wars"])
    in_window = wars[wars["onset"].between(first, last)]
    mids = t["mids"]
    n_mids = int(mids["styear"].between(first, last).sum())
    exits = state_exits(t["states"])
    exits = exits[exits["year"].between(first, last)]
    violent = violent_exits(exits, t["wars"])
    return {
        "war_onsets_per_100": len(in_window) * per100,
        "mid_onsets_per_100": n_mids * per100,
        "state_deaths_per_100": len(exits) * per100,
        "violent_state_deaths_per_100": len(violent) * per100,
        "alliance_reliability": alliance_reliability(t["wars"], t["atop"], first, last),
        "determination_share": None,
        "severity_tail_slope": tail_slope(in_window["batdeath"].to_numpy(float)),
        "state_years": sy,
    }


def record_war_severities(first: int, last: int, *, data_dir: str | Path | None = None) -> np.ndarray:
    """COW battle deaths per war with onset in ``first`` .. ``last`` (for plots)."""
    t = _tables(str(dataset(data_dir).root))
    wars = war_onsets(t["wars"])
    return wars.loc[wars["onset"].between(first, last), "batdeath"].to_numpy(float)


__all__ = ["RECORD_METRICS", "WINNER", "alliance_reliability", "record_metrics", "record_war_severities",
           "state_exits", "state_years", "tail_slope", "violent_exits", "war_onsets"]
