"""Synthetic worlds: the embedded default, generated from a seed (:class:`WorldSpec`).

Capabilities are skewed (lognormal; a few great powers hold a set share of the total, as in the
Correlates of War CINC index; Singer, Bremer & Stuckey 1972), capitals cluster in six regions on
a plane, affinity blocs are led by the strongest powers (Signorino & Ritter 1999 for affinity as
a similarity score), each bloc leader holds defence pacts with its bloc (ATOP obligations; Leeds
et al. 2002), and revisionism is drawn from a Beta distribution. Every number comes from one
``numpy.random.Generator``, so the same seed gives the same world.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..parameters import Settings, param
from ..rules.states import REGIONS
from .world import CONSULTATION, DEFENCE, MAX_STATES, World

#: Centres of the six synthetic regions on a 20,000 x 10,000 km plane (rough world layout).
_REGION_CENTRES = np.array([[3000.0, 5000.0], [10000.0, 7500.0], [10000.0, 2500.0],
                            [12500.0, 5000.0], [16000.0, 6500.0], [17500.0, 1500.0]])



@dataclass(frozen=True)
class WorldSpec(Settings):
    """What a synthetic world is made of: its size and the generator's settings."""

    item = "world setting"
    what = "world settings"

    n: int = param(60, lo=1, hi=MAX_STATES, integer=True, doc="number of states",
                   cite="about 60 states in the interwar system (COW state system membership)")
    n_majors: int | None = param(None, doc="great powers (default: n // 12, between 1 and 5)",
                                 cite="COW major powers: 5-8 at any time")
    major_share: float = param(0.5, lo=0.0, lo_open=True, hi=0.999999,
                               doc="share of total capability held by the great powers",
                               cite="NMC v6 CINC: the majors' share 1816-2016")
    n_blocs: int = param(2, lo=1, hi=100, integer=True, doc="affinity blocs, led by the strongest",
                         cite="bipolar default (Waltz 1979)")
    bloc_cohesion: float = param(0.6, lo=-1.0, hi=1.0, doc="affinity within a bloc",
                                 cite="Signorino & Ritter (1999), ISQ 43(1)")
    affinity_noise: float = param(0.15, lo=0.0, hi=10.0, doc="sd of pair affinity noise",
                                  cite="Signorino & Ritter (1999)")
    revisionism_a: float = param(
        1.74, lo=0.0, lo_open=True, hi=1e6, doc="Beta(a, b) of revisionism: a",
        cite="Schweller (1994), IS 19(1); moments of the COW states' revisionism from the MID "
             "signal, 1820-2010 (docs/world.md)")
    revisionism_b: float = param(
        9.53, lo=0.0, lo_open=True, hi=1e6, doc="Beta(a, b) of revisionism: b",
        cite="as revisionism_a")
    nonaligned_share: float = param(0.1, lo=0.0, hi=1.0, doc="share of states in no bloc",
                                    cite="NAM membership share, 1961-1990")
    region_spread_km: float = param(900.0, lo=0.0, hi=40_075.0,
                                    doc="sd of capitals around their region's centre (km)",
                                    cite="CShapes capitals (Weidmann, Kuse & Gleditsch 2010)")
    contiguity_km: float = param(1500.0, lo=0.0, hi=40_075.0,
                                 doc="capitals closer than this are contiguous",
                                 cite="COW direct contiguity (Stinnett et al. 2002)")

    def validate(self) -> None:
        super().validate()
        if self.n_majors is not None and (isinstance(self.n_majors, bool)
                                          or not isinstance(self.n_majors, int | np.integer)
                                          or not 1 <= self.n_majors <= MAX_STATES):
            raise self.error(f"invalid {self.what}: n_majors: must be a whole number in "
                             f"[1, {MAX_STATES}] (more than n counts as n), "
                             f"got {self.n_majors!r}")

    def generate(self, rng: np.random.Generator | int | None = 0) -> World:
        """The world these settings describe, drawn from ``rng``."""
        return generate_world(self.n, rng=rng, **{k: v for k, v in self.to_dict().items()
                                                  if k != "n"})


def _capabilities(gen: np.random.Generator, n: int, k: int, major_share: float
                  ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    raw = gen.lognormal(0.0, 1.0, size=n)
    majors = np.argsort(-raw)[:k]
    cap = raw.copy()
    if k < n:
        minor = np.ones(n, bool)
        minor[majors] = False
        cap[minor] *= (1 - major_share) / cap[minor].sum()
        cap[majors] *= major_share / cap[majors].sum()
    return cap / cap.sum(), majors


def _blocs(gen: np.random.Generator, distance: NDArray[np.float64], leaders: NDArray[np.int64],
           nonaligned_share: float) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Others join the nearest leader (with noise); a share stays out (non-aligned)."""
    n, k = distance.shape[0], leaders.size
    bloc = np.argmin(distance[:, leaders] + gen.normal(0, 3000.0, size=(n, k)), axis=1)
    bloc[leaders] = np.arange(k)
    nonaligned: NDArray[np.bool_] = np.asarray(gen.random(n) < nonaligned_share)
    nonaligned[leaders] = False
    return np.where(nonaligned, -1, bloc).astype(np.int64), nonaligned


def _affinity(gen: np.random.Generator, bloc: NDArray[np.int64], cohesion: float,
              noise_sd: float) -> NDArray[np.float64]:
    n = bloc.size
    same = (bloc[:, None] == bloc[None, :]) & (bloc[:, None] >= 0)
    other = (bloc[:, None] != bloc[None, :]) & (bloc[:, None] >= 0) & (bloc[None, :] >= 0)
    base = np.where(same, cohesion, np.where(other, -cohesion / 2, 0.0))
    noise = gen.normal(0.0, noise_sd, size=(n, n))
    affinity = np.clip(base + (noise + noise.T) / np.sqrt(2), -1, 1)
    np.fill_diagonal(affinity, 1.0)
    return np.asarray(affinity, dtype=float)


def _pacts(bloc: NDArray[np.int64], leaders: NDArray[np.int64]) -> NDArray[np.int8]:
    """Defence (and consultation) pacts between each bloc leader and its bloc."""
    n = bloc.size
    alliances = np.zeros((n, n), np.int8)
    for b, leader in enumerate(leaders):
        members = np.flatnonzero(bloc == b)
        alliances[leader, members] |= DEFENCE | CONSULTATION
        alliances[members, leader] |= DEFENCE | CONSULTATION
    np.fill_diagonal(alliances, 0)
    return alliances


def generate_world(n: int = 60, *, rng: np.random.Generator | int | None = 0,
                   n_majors: int | None = None, major_share: float = 0.5,
                   n_blocs: int = 2, bloc_cohesion: float = 0.6, affinity_noise: float = 0.15,
                   revisionism_a: float = 1.74, revisionism_b: float = 9.53,
                   nonaligned_share: float = 0.1, region_spread_km: float = 900.0,
                   contiguity_km: float = 1500.0) -> World:
    """Generate the embedded default: a seeded synthetic world (settings: :class:`WorldSpec`).

    Every number comes from ``rng`` (a ``numpy.random.Generator`` or a seed), so the same seed
    gives the same world. Settings outside their ranges raise a
    :class:`foedus.parameters.SettingsError` naming them.
    """
    spec = WorldSpec(n=n, n_majors=n_majors, major_share=major_share, n_blocs=n_blocs,
                     bloc_cohesion=bloc_cohesion, affinity_noise=affinity_noise,
                     revisionism_a=revisionism_a, revisionism_b=revisionism_b,
                     nonaligned_share=nonaligned_share, region_spread_km=region_spread_km,
                     contiguity_km=contiguity_km)
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    k = min(n_majors if n_majors is not None else max(1, min(5, n // 12)), n)
    region = gen.integers(0, len(REGIONS), size=n)
    pos = _REGION_CENTRES[region] + gen.normal(0.0, region_spread_km, size=(n, 2))
    cap, majors = _capabilities(gen, n, k, major_share)
    major = np.zeros(n, bool)
    major[majors] = True
    diff = pos[:, None, :] - pos[None, :, :]
    distance = np.sqrt((diff ** 2).sum(-1))
    contiguity = (distance < contiguity_km) & ~np.eye(n, dtype=bool)
    leaders = majors[:max(1, min(n_blocs, k))]
    bloc, nonaligned = _blocs(gen, distance, leaders, nonaligned_share)
    affinity = _affinity(gen, bloc, bloc_cohesion, affinity_noise)
    revisionism = gen.beta(revisionism_a, revisionism_b, size=n)
    width = max(2, len(str(n)))
    params: dict[str, Any] = {**spec.to_dict(), "n_majors": k, "n_blocs": int(leaders.size)}
    return World(codes=[f"S{i + 1:0{width}d}" for i in range(n)],
                 names=[f"State {i + 1}" for i in range(n)], ccodes=np.zeros(n, np.int64),
                 capability=cap, pos=pos, region=region.astype(np.int64), major=major,
                 revisionism=revisionism, alive=np.ones(n, bool), nonaligned=nonaligned,
                 bloc=bloc, distance=distance, contiguity=contiguity, affinity=affinity,
                 alliances=_pacts(bloc, leaders), source="synthetic", meta={"generator": params})


__all__ = ["MAX_STATES", "WorldSpec", "generate_world"]
