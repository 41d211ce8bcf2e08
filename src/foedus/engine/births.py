"""New states in a synthetic world: secession and decolonisation-like waves (docs/world.md,
A birth process for synthetic worlds).

Off by default (``ModelSettings.births = 0``). When on, the run's world carries a reserve of
unborn slots (``birth_slots``) so that array sizes stay fixed, as the record-following data
worlds do (:func:`foedus.data.world_on_record`). Each year, with ``A`` states alive and
``rate = births / 100 x A``:

- single secessions: ``Poisson(rate x (1 - birth_waves))`` births, each from a parent drawn
  among the living states with probability proportional to its capability (large states hold
  more territorially concentrated groups and more secessionist movements: Griffiths 2016;
  Coggins 2014);
- waves: ``Poisson(rate x birth_waves / birth_wave_size)`` waves, each in one region drawn with
  probability proportional to the capability alive there, of ``1 + Poisson(birth_wave_size -
  1)`` births from parents of that region (decolonisation diffused within regions and came in
  bursts: Strang 1991; Fazal & Griffiths 2014).

A newborn takes ``birth_share`` of its parent's capability (the parent keeps the rest, so the
total is unchanged), lies next to it (its capital between 0.3 and 0.8 contiguity radii from the
parent's, in the parent's region, contiguous to it), inherits the parent's affinities with the
world's affinity noise, has no alliances and no bloc, is not a major power, and draws its
revisionism from the world's Beta distribution. The process draws from a generator seeded by one
draw from the model's ``rng`` (so the same seed gives the same births, and the systems of a
comparison share their birth draws while their worlds agree); when the process is off nothing is
drawn and the world has no extra slots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._errors import FoedusError
from ..rules.charter import Charter
from ..world.synthetic import WorldSpec
from ..world.world import MAX_STATES, World
from .institution import Institution, data_year
from .settings import ModelSettings

IntArray = NDArray[np.int64]

#: Where the newborn's capital lies from its parent's, in contiguity radii (so it is contiguous).
RADIUS = (0.3, 0.8)


def admits(charter: Charter) -> bool:
    """Whether a new state becomes a member of ``charter``'s institution at birth: a universal
    institution in a synthetic world that admits the states of the system it does not list (the
    UN, whose membership is open to every peace-loving state, Art. 4; not the League, whose
    members are all listed, nor a pact or a bloc)."""
    m = charter.membership
    return m.members != "none" and m.synthetic == "universal" and m.unlisted == "member"


@dataclass
class BirthProcess:
    """The birth process of one run: its settings, the free slots and a log of births.

    ``log`` holds ``(year, child, parent, wave)`` with state indices and the wave's region index
    (-1 for a single secession).
    """

    rate: float
    waves: float
    wave_size: float
    share: float
    contiguity_km: float
    affinity_noise: float
    revisionism: tuple[float, float]
    free: list[int]
    rng: np.random.Generator
    log: list[tuple[int, int, int, int]] = field(default_factory=list)
    short: int = 0  # births the reserve could not hold

    @classmethod
    def start(cls, world: World, config: ModelSettings, rng: np.random.Generator
              ) -> tuple[BirthProcess, World] | None:
        """The process and the world with its reserve of unborn slots, or None when births are
        off (then nothing is drawn from ``rng``). Refused on a data world that follows the
        record (its entries are the record's). The process draws from its own generator, seeded
        by one draw from ``rng``, so that the systems of a comparison share their birth draws
        as far as their worlds allow (common random numbers)."""
        if float(config.births) <= 0:
            return None
        if data_year(world) is not None and config.record == "follow":
            raise FoedusError(
                "births: a data world that follows the record gains states on their COW entry "
                "dates; the synthetic birth process would add others. Set births = 0, or "
                "record = 'fixed' (--record fixed) to run the birth process on the start year's "
                "states")
        slots = int(config.birth_slots)
        if world.n + slots > MAX_STATES:
            raise FoedusError(
                f"birth_slots: {world.n} states and {slots} unborn slots are over the bound of "
                f"{MAX_STATES:,} states (see docs/limits.md); lower birth_slots")
        spec = WorldSpec.parameters() | dict(world.meta.get("generator") or {})
        proc = cls(rate=float(config.births) / 100.0, waves=float(config.birth_waves),
                   wave_size=float(config.birth_wave_size), share=float(config.birth_share),
                   contiguity_km=float(spec["contiguity_km"]),
                   affinity_noise=float(spec["affinity_noise"]),
                   revisionism=(float(spec["revisionism_a"]), float(spec["revisionism_b"])),
                   free=list(range(world.n, world.n + slots)),
                   rng=np.random.default_rng(int(rng.integers(0, 2**63 - 1))))
        return proc, reserve(world, slots)

    def describe(self) -> str:
        """One line for a run's notes."""
        return (f"birth process: {100 * self.rate:g} new states per 100 state-years, "
                f"{self.waves:.0%} in regional waves of {self.wave_size:g} on average, each "
                f"taking {self.share:.0%} of its parent's capability; reserve of "
                f"{len(self.free) + len(self.log)} unborn slots")

    def step(self, world: World, year: int, rng: np.random.Generator | None = None) -> list[int]:
        """This year's births into ``world`` (in place), drawn from ``rng`` (default: the
        process's own generator); returns the newborns' indices."""
        rng = self.rng if rng is None else rng
        alive = np.flatnonzero(world.alive & (world.capability > 0))
        if alive.size == 0:
            return []
        rate = self.rate * alive.size
        singles = int(rng.poisson(rate * (1.0 - self.waves)))
        n_waves = int(rng.poisson(rate * self.waves / self.wave_size)) if self.waves > 0 else 0
        plan = [(p, -1) for p in _parents(world, alive, singles, rng)]
        for _ in range(n_waves):
            region = _wave_region(world, alive, rng)
            k = 1 + int(rng.poisson(self.wave_size - 1.0))
            home = alive[world.region[alive] == region]
            plan += [(p, region) for p in _parents(world, home, k, rng)]
        born: list[int] = []
        for parent, wave in plan:
            if not self.free:
                self.short += 1
                continue
            child = self.free.pop(0)
            self.secede(world, int(parent), child, rng)
            self.log.append((year, child, int(parent), wave))
            born.append(child)
        return born

    def secede(self, world: World, parent: int, child: int, rng: np.random.Generator) -> None:
        """State ``child`` (an unborn slot) secedes from ``parent``: capability, place,
        affinity, revisionism; no alliances, no bloc."""
        w = world
        cap = float(w.capability[parent])
        took = cap * self.share
        w.capability[child] = took
        w.capability[parent] = cap - took
        angle = rng.uniform(0.0, 2.0 * math.pi)
        radius = rng.uniform(*RADIUS) * self.contiguity_km
        w.pos[child] = w.pos[parent] + radius * np.array([math.cos(angle), math.sin(angle)])
        # the parent's distances, moved by how much nearer or farther the child lies on the
        # plane (exactly the plane's distance in a synthetic world)
        plane = np.sqrt(((w.pos - w.pos[child]) ** 2).sum(-1))
        plane_p = np.sqrt(((w.pos - w.pos[parent]) ** 2).sum(-1))
        dist = np.maximum(w.distance[parent] + plane - plane_p, 0.0)
        dist[parent], dist[child] = radius, 0.0
        w.distance[child, :] = dist
        w.distance[:, child] = dist
        near = (dist < self.contiguity_km) & w.alive
        near[parent], near[child] = True, False
        w.contiguity[child, :] = near
        w.contiguity[:, child] = near
        noise = rng.normal(0.0, self.affinity_noise, size=w.n)
        aff = np.clip(w.affinity[parent] + noise, -1.0, 1.0)
        aff[parent] = 1.0 - min(1.0, abs(float(noise[parent])))
        aff[child] = 1.0
        w.affinity[child, :] = aff
        w.affinity[:, child] = aff
        w.alliances[child, :] = 0
        w.alliances[:, child] = 0
        w.region[child] = w.region[parent]
        w.revisionism[child] = rng.beta(*self.revisionism)
        w.major[child] = False
        w.bloc[child] = -1
        w.nonaligned[child] = False
        w.alive[child] = True

    def summary(self) -> str:
        """One line for a run's notes once it is over."""
        waves = len({(y, r) for y, _, _, r in self.log if r >= 0})
        out = f"births: {len(self.log)} new states ({waves} regional waves)"
        if self.short:
            out += (f"; {self.short} more would have been born but the reserve of unborn slots "
                    "was used up (raise birth_slots)")
        return out


def reserve(world: World, slots: int) -> World:
    """A copy of ``world`` with ``slots`` unborn states appended (not alive, no capability, no
    ties; their codes continue the world's numbering)."""
    w = world.copy()
    if slots <= 0:
        return w
    n, m = w.n, w.n + slots
    width = max(2, len(str(m)))
    codes, names = list(w.codes), list(w.names)
    taken = set(codes)
    for i in range(n, m):
        code = f"S{i + 1:0{width}d}"
        while code in taken:
            code = "N" + code
        taken.add(code)
        codes.append(code)
        names.append(f"State {i + 1}")

    def grow(a: Any, fill: Any) -> Any:
        a = np.asarray(a)
        out = np.full((m, *a.shape[1:]), fill, dtype=a.dtype)
        out[:n] = a
        return out

    def grow2(a: Any, fill: Any) -> Any:
        out = np.full((m, m), fill, dtype=np.asarray(a).dtype)
        out[:n, :n] = a
        return out

    return replace(w, codes=codes, names=names, ccodes=grow(w.ccodes, 0),
                   capability=grow(w.capability, 0.0), pos=grow(w.pos, 0.0),
                   region=grow(w.region, 0), major=grow(w.major, False),
                   revisionism=grow(w.revisionism, 0.0), alive=grow(w.alive, False),
                   nonaligned=grow(w.nonaligned, False), bloc=grow(w.bloc, -1),
                   distance=_slot_distances(grow2(w.distance, 0.0), n),
                   contiguity=grow2(w.contiguity, False), affinity=_slot_affinity(w.affinity, m),
                   alliances=grow2(w.alliances, 0), disputes=grow2(w.disputes, 0.0))


def welcome(world: World, born: list[int], year: int, institution: Institution,
            partners: Any = None) -> None:
    """Newborns ``born`` join the lead institution and each partner of an architecture whose
    charter admits new states (:func:`admits`; a partner not yet founded admits nobody); seats
    of all-members bodies follow."""
    if admits(institution.charter):
        institution.members[born] = True
    for p in [] if partners is None else partners.items:
        if admits(p.charter) and (p.since is None or year >= p.since):
            p.institution.members[born] = True
            p.reseat(world)


def _slot_distances(d: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """Unborn slots lie far from everybody (the largest distance of the world), until born."""
    far = float(d[:n, :n].max(initial=0.0))
    d[n:, :] = far
    d[:, n:] = far
    np.fill_diagonal(d, 0.0)
    return d


def _slot_affinity(a: NDArray[np.float64], m: int) -> NDArray[np.float64]:
    out = np.zeros((m, m))
    n = a.shape[0]
    out[:n, :n] = a
    np.fill_diagonal(out, 1.0)
    return out


def _parents(world: World, pool: IntArray, k: int, rng: np.random.Generator) -> IntArray:
    """``k`` parents from ``pool`` (with replacement), with probability proportional to
    capability (Griffiths 2016: secessionist movements in larger states)."""
    if k <= 0 or pool.size == 0:
        return np.zeros(0, np.int64)
    cap = world.capability[pool]
    return np.asarray(rng.choice(pool, size=k, p=cap / cap.sum()), np.int64)


def _wave_region(world: World, alive: IntArray, rng: np.random.Generator) -> int:
    """A wave's region, with probability proportional to the capability alive in it (the
    empires a decolonisation wave breaks up hold it; Strang 1991)."""
    regions = world.region[alive]
    weights = np.bincount(regions, weights=world.capability[alive])
    return int(rng.choice(weights.size, p=weights / weights.sum()))


__all__ = ["RADIUS", "BirthProcess", "admits", "reserve", "welcome"]
