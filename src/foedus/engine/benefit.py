"""Who benefits: a run's outcomes broken down by the size of the state attacked.

A state's *size class* is read from its share of the living states' capability at the time
(CINC-like shares, Singer, Bremer & Stuckey 1972): **great** from :data:`GREAT_SHARE` (3%),
**middle** from :data:`MIDDLE_SHARE` (0.5%), **small** below. The thresholds are fixed so that
the classes follow the Correlates of War's list of major powers in the record
(COW, State System Membership v2016, ``majors2016``): over 1816–2016 a 3% share of the
system's capability (NMC v6.0) classes 1,037 of the 1,195 major-power state-years as great and
393 of the 14,756 other state-years (the best agreement of the thresholds 2%, 3% and 5%), and
0.5% separates the upper three tenths of the states from the rest (30% of state-years are at
or above it). docs/benefit.md gives the measurement and its command.

Per class the run reports attacks suffered per 100 state-years of that class (the class's
living states summed over the years, classified each year before its crises), the targets of
that class that died, the aggressor's success and the share of attacks in which anybody
helped the target (crises against that class), and the class's share of the capability that
third states contributed to fight for targets (the burden, classified by the contributor's
own share at the time). A rate without a denominator in a run is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from .events import CrisisEvent

#: The size classes, smallest first.
SIZE_CLASSES: tuple[str, ...] = ("small", "middle", "great")
#: Share of the living states' capability from which a state is a great power (COW majors).
GREAT_SHARE = 0.03
#: Share from which a state is a middle power (below: small).
MIDDLE_SHARE = 0.005

#: The outcomes broken down by size class (metric ``<stem>_<class>``) and their short labels.
OUTCOMES: dict[str, str] = {
    "attacks_per_100": "attacks suffered per 100 state-years",
    "target_deaths": "targets that died",
    "aggressor_success": "aggressor success",
    "helped_rate": "attacked and helped",
    "contribution_share": "share of contributions made",
}

SIZE_SOURCE = ("Correlates of War Project (2017), State System Membership List v2016 (major "
               "powers); Singer, Bremer & Stuckey (1972), Capability Distribution, Uncertainty, "
               "and Major Power War (NMC capability shares); thresholds measured in "
               "docs/benefit.md")


def size_of(share: float) -> str:
    """The size class of a state holding ``share`` of the living states' capability."""
    if share >= GREAT_SHARE:
        return "great"
    return "middle" if share >= MIDDLE_SHARE else "small"


def size_years(capability: ArrayLike, alive: ArrayLike) -> np.ndarray:
    """Living states of each class (small, middle, great) in one year, as floats."""
    cap = np.asarray(capability, dtype=float)
    live = np.asarray(alive, dtype=bool)
    total = float(cap[live].sum())
    if total <= 0:
        return np.array([float(live.sum()), 0.0, 0.0])
    share = cap[live] / total
    great = int(np.sum(share >= GREAT_SHARE))
    middle = int(np.sum((share >= MIDDLE_SHARE) & (share < GREAT_SHARE)))
    return np.array([float(live.sum() - great - middle), float(middle), float(great)])


def _of(events: Sequence[CrisisEvent], size: str) -> list[CrisisEvent]:
    return [e for e in events if size_of(e.target_share) == size]


def attacks_per_100(events: Sequence[CrisisEvent], years: Sequence[float] | None,
                    size: str) -> float:
    """Attacks on states of class ``size`` per 100 state-years of that class."""
    if years is None:
        return math.nan
    den = float(years[SIZE_CLASSES.index(size)])
    return 100.0 * len(_of(events, size)) / den if den else math.nan


def target_deaths(events: Sequence[CrisisEvent], size: str) -> float:
    """Targets of class ``size`` that died in their crisis (count)."""
    return float(sum(bool(e.target_died) for e in _of(events, size)))


def aggressor_success(events: Sequence[CrisisEvent], size: str) -> float:
    """Share of the crises against class ``size`` that the aggressor won."""
    mine = _of(events, size)
    return sum(bool(e.aggressor_won) for e in mine) / len(mine) if mine else math.nan


def helped(events: Sequence[CrisisEvent], size: str) -> float:
    """Share of the crises against class ``size`` in which anybody helped the target."""
    mine = _of(events, size)
    return sum(bool(e.target_helped) for e in mine) / len(mine) if mine else math.nan


def contribution_share(events: Sequence[CrisisEvent], size: str) -> float:
    """Share of all capability contributed to fight for targets that class ``size`` gave."""
    total = mine = 0.0
    for e in events:
        world = float(e.world_capability)
        for amount in e.burden.values():
            total += float(amount)
            if world > 0 and size_of(float(amount) / world) == size:
                mine += float(amount)
    return mine / total if total > 0 else math.nan


__all__ = ["GREAT_SHARE", "MIDDLE_SHARE", "OUTCOMES", "SIZE_CLASSES", "SIZE_SOURCE", "aggressor_success",
           "attacks_per_100", "contribution_share", "helped", "size_of", "size_years",
           "target_deaths"]
