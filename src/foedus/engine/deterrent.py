"""A deterrent of one's own (issue 18): a state that loses faith in collective security may
build one (docs/arms.md, "A deterrent of one's own").

Off by default (``ModelSettings.deterrent = "off"``), and only with arms racing on: the
motive is read from the arms race's own terms (:mod:`foedus.engine.arms`), each state's
threat from its most threatening rival and its assurance (trust in its institution and its
allies).

**Programme** — the security model of proliferation (Sagan 1996/97, Why Do States Build
Nuclear Weapons?, *International Security* 21(3)): a state starts a programme when, for
``years`` consecutive years, its assurance stays below ``faith`` while it faces a threat (its
rival's threat at least ``threat``, or a rival that holds a deterrent: the chain of
proliferation, United States → Soviet Union, China → India → Pakistan), and it has the
latent capacity: at least a middle power's share of capability (0.5%,
:data:`foedus.engine.benefit.MIDDLE_SHARE`; Singh & Way 2004, *Journal of Conflict
Resolution* 48(6), and Jo & Gartzke 2007, *JCR* 51(1): proliferation follows security threats
and industrial capacity). Security guarantees hold proliferation back (Bleek & Lorber 2014,
*JCR* 58(3)): a running programme is abandoned when the state's assurance returns to
``faith`` (South Korea in 1975, Taiwan in 1976 and 1988).

**Acquisition** — ``lag`` years after the start (the first five: the United States 1942–45,
the Soviet Union 1945–49, the United Kingdom 1947–52, France 1956–60, China 1955–64: five
years on average). A deterrent is kept (South Africa's dismantling in 1991 is not modelled).

**Effect** — deterrence by punishment (Snyder 1961, *Deterrence and Defense*): an aggressor
weighing an attack on a state that holds a deterrent expects, if the dispute escalates to war
(the engine's chance ``escalation``), retaliation that destroys ``cost`` of its capability;
its expected utility falls by ``escalation x cost``. The default cost, half, is the
assured-destruction criterion of the 1960s, half of the adversary's industrial capacity
(Enthoven & Smith 1971, *How Much Is Enough?*). The war itself, if it comes, is fought as
any other (no nuclear use is modelled); a deterrent does not embolden its holder (the
stability–instability paradox, Snyder 1965, is not modelled); whether others may strike a
programme preventively (Monteiro & Debs 2014, *International Security* 39(2)) is not
modelled either.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..world.world import World
from .benefit import MIDDLE_SHARE

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


class Deterrents:
    """Programmes and deterrents of the states of one run."""

    def __init__(self, n: int, *, faith: float, threat: float, years: int, lag: int,
                 cost: float) -> None:
        self.faith, self.threat, self.cost = float(faith), float(threat), float(cost)
        self.years, self.lag = int(years), int(lag)
        self.holds: BoolArray = np.zeros(n, bool)
        self.started = np.full(n, -1, np.int64)  # year of the running programme, -1: none
        self._doubting = np.zeros(n, np.int64)  # consecutive years of the motive
        self._t = 0
        self.programmes = 0
        self.acquired = 0
        self.abandoned = 0

    def step(self, world: World, rival: IntArray, threat: FloatArray,
             assurance: FloatArray) -> None:
        """One year: motives, programmes started and abandoned, deterrents acquired."""
        self._t += 1
        alive = np.asarray(world.alive, dtype=bool)
        dead = ~alive & (self.started >= 0)
        self.started[dead] = -1
        armed_rival = self.holds[rival] & alive[rival]  # a dead holder threatens nobody
        motive = alive & ~self.holds & (assurance < self.faith) \
            & ((threat >= self.threat) | armed_rival)
        self._doubting = np.where(motive, self._doubting + 1, 0)
        total = float(world.capability[alive].sum()) or 1.0
        able = world.capability / total >= MIDDLE_SHARE
        running = (self.started >= 0) & ~self.holds
        quit_ = running & alive & (assurance >= self.faith)
        self.started[quit_] = -1
        self.abandoned += int(quit_.sum())
        start = (self._doubting >= self.years) & able & (self.started < 0) & ~self.holds
        self.started[start] = self._t
        self.programmes += int(start.sum())
        done = (self.started >= 0) & ~self.holds & alive & (self._t - self.started >= self.lag)
        self.holds |= done
        self.acquired += int(done.sum())

    def penalty(self, targets: IntArray, escalation: float) -> FloatArray:
        """What a deterrent takes off an aggressor's expected utility of attacking each of
        ``targets``: ``escalation x cost`` where the target holds one, else 0."""
        return np.where(self.holds[targets], float(escalation) * self.cost, 0.0)

    def summary(self, alive: BoolArray) -> dict[str, float]:
        """Programmes started and deterrents acquired in the run, and the share of the living
        states holding a deterrent at its end (NaN without a living state)."""
        n = int(np.sum(alive))
        share = float(np.sum(self.holds & alive)) / n if n else float("nan")
        return {"deterrent_programmes": float(self.programmes),
                "deterrents_acquired": float(self.acquired), "deterrent_share": share}


__all__ = ["Deterrents"]
