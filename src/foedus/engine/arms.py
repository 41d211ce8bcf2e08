"""Arms racing (issue 18): each state's military burden follows an action–reaction process.

Off by default (``ModelSettings.arms_race = "off"``): the model's numbers are those without it.
When on, each state ``i`` holds a military burden ``b_i`` (the share of its output spent on
arms) that moves each year as in Richardson (1960), *Arms and Insecurity*::

    b_i <- clip(b_i + k * threat_i * (1 - assurance_i) - a * b_i + g, 0, B_MAX)

- ``threat_i``: the military balance against its most threatening rival ``j`` (the security
  dilemma, Jervis 1978, *World Politics* 30(2): ``j`` arming threatens ``i`` whatever ``j``
  intends): ``hostility_ij * share(b_j P_j at i, b_i P_i)``, with projected capability ``P``
  (the loss-of-strength gradient) and hostility ``(1 - s_ij) / 2``, the engine's own terms;
- ``assurance_i``: how far ``i`` trusts its institution and its allies,
  ``1 - (1 - credibility * protected_i) (1 - allies_i)``, where ``protected_i`` says the
  institution protects ``i`` and ``allies_i`` is its defence allies' capability against the
  rival's, ``share(allied capability, capability of j)``;
- ``k`` (``arms_reaction``), ``a`` (``arms_fatigue``) and ``g`` (``arms_grievance``):
  Richardson's defence, fatigue and grievance coefficients. ``g / a`` is the burden a state
  keeps without any threat; ``g`` is set so that it equals the world's military burden of
  2.2% of GDP in 2022 (SIPRI 2023 fact sheet) with the default ``a``.

Capability follows the burden: the military components (expenditure and personnel) are two of
the six of the COW composite index (Singer, Bremer & Stuckey 1972), so a state whose burden
changes from ``b`` to ``b'`` has its capability multiplied by ``(2/3 + b'/(3 B0)) /
(2/3 + b/(3 B0))`` (``B0`` = 2.2%), then capabilities are shares again. Guns crowd out
butter in the long run (Dunne & Tian 2013, *Economics of Peace and Security Journal* 8(1)) —
not modelled.

The run reports the mean military burden and the **arms-race intensity**: the share of
state-years in which a state and its top rival both raised their burden by at least 8% on the
year, three years running — the mutual military build-up of Diehl (1983), *Journal of Peace
Research* 20(3). docs/arms.md has the worked experiment.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ..world.world import DEFENCE, World
from .behaviour import Behaviour, capability_share, projected_capability

FloatArray = NDArray[np.float64]

#: The world's military burden (share of GDP) in 2022, SIPRI (2023), Trends in World Military
#: Expenditure, 2022: 2.2% — the start of every state's burden and the reference of capability.
B0 = 0.022
#: The highest burden a state can bear (total war economies: Harrison (1998), The Economics of
#: World War II, about half of GDP at the peak).
B_MAX = 0.5
#: Yearly rise of both rivals' burdens that counts as a race (Diehl 1983: 8% a year) ...
RACE_GROWTH = 0.08
#: ... for this many consecutive years.
RACE_YEARS = 3


class ArmsRace:
    """The burdens of the states of one run and what the metrics read of them."""

    def __init__(self, n: int, *, reaction: float, fatigue: float, grievance: float) -> None:
        self.k, self.a, self.g = float(reaction), float(fatigue), float(grievance)
        self.burden: FloatArray = np.full(n, B0)
        self._streak = np.zeros(n, np.int64)  # consecutive years of mutual build-up
        self.racing_years = 0.0
        self.state_years = 0.0
        self.burden_sum = 0.0
        #: This year's terms, for the deterrent (:mod:`foedus.engine.deterrent`): each state's
        #: rival, the threat it poses and the state's assurance.
        self.terms: tuple[NDArray[np.int64], FloatArray, FloatArray] | None = None
        #: This year's mean burden of the living states and share of them in a race (the
        #: yearly series ``military_burden`` and ``arms_racing``).
        self.year_burden = math.nan
        self.year_racing = math.nan

    def step(self, world: World, behaviour: Behaviour, credibility: float,
             protected: NDArray[np.bool_]) -> None:
        """One year: new burdens, capabilities that follow them, and the race counters."""
        alive = np.asarray(world.alive, dtype=bool)
        self.terms = None
        if alive.sum() < 2:
            return
        rival, threat = self._rivals(world, behaviour)
        assurance = self._assurance(world, rival, credibility, protected)
        self.terms = (rival, threat, assurance)
        old = self.burden.copy()
        new = old + self.k * threat * (1.0 - assurance) - self.a * old + self.g
        self.burden = np.where(alive, np.clip(new, 0.0, B_MAX), old)
        factor = (2.0 / 3.0 + self.burden / (3.0 * B0)) / (2.0 / 3.0 + old / (3.0 * B0))
        cap = np.where(alive, world.capability * factor, 0.0)
        total = float(cap.sum())
        world.capability = cap / total if total > 0 else cap
        rising = alive & (self.burden >= old * (1.0 + RACE_GROWTH)) & (old > 0)
        mutual = rising & rising[rival]
        self._streak = np.where(mutual, self._streak + 1, 0)
        racing = float(np.sum(alive & (self._streak >= RACE_YEARS)))
        self.racing_years += racing
        self.state_years += float(alive.sum())
        self.burden_sum += float(self.burden[alive].sum())
        self.year_burden = float(self.burden[alive].mean())
        self.year_racing = racing / float(alive.sum())

    def _rivals(self, world: World, behaviour: Behaviour) -> tuple[NDArray[np.int64], FloatArray]:
        """Each state's most threatening rival and the threat it poses (Jervis 1978)."""
        alive = np.asarray(world.alive, dtype=bool)
        arms = np.where(alive, world.capability * self.burden, 0.0)
        proj = projected_capability(world, world.distance, behaviour, capability=arms)
        own = np.diag(proj).copy()
        hostility = (1.0 - np.asarray(world.affinity, dtype=float)) / 2.0
        threat = capability_share(proj, own[None, :]) * hostility.T  # [j, i]: j threatens i
        threat[~alive, :] = 0.0
        np.fill_diagonal(threat, 0.0)
        rival = np.argmax(threat, axis=0).astype(np.int64)
        return rival, threat[rival, np.arange(world.n)]

    @staticmethod
    def _assurance(world: World, rival: NDArray[np.int64], credibility: float,
                   protected: NDArray[np.bool_]) -> FloatArray:
        """Trust in the institution and in the allies (1 = fully assured)."""
        cap = np.where(np.asarray(world.alive, dtype=bool), world.capability, 0.0)
        allied = ((np.asarray(world.alliances) & DEFENCE) > 0).astype(float)
        np.fill_diagonal(allied, 0.0)
        allies = capability_share(allied @ cap, cap[rival])
        allies = np.where(allied.sum(axis=1) > 0, allies, 0.0)
        inst = min(1.0, max(0.0, credibility)) * np.asarray(protected, dtype=float)
        return 1.0 - (1.0 - inst) * (1.0 - allies)

    def summary(self) -> dict[str, float]:
        """Mean military burden (per state-year) and arms-race intensity (share of state-years
        in a mutual build-up); NaN without a year."""
        if not self.state_years:
            return {"military_burden": math.nan, "arms_race_intensity": math.nan}
        return {"military_burden": self.burden_sum / self.state_years,
                "arms_race_intensity": self.racing_years / self.state_years}


__all__ = ["B0", "B_MAX", "RACE_GROWTH", "RACE_YEARS", "ArmsRace"]
