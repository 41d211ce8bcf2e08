"""The world: states and pairs of states held as arrays (MODEL.md §1).

A :class:`World` is plain data: per-state vectors (capability, capital position, region,
major-power flag, revisionism, alive and non-aligned flags, bloc) and per-pair matrices
(distance, contiguity, affinity, alliance obligations). Synthetic worlds are generated from a
seed (:func:`generate_world`); worlds built from data (Correlates of War, ATOP) fill the same
fields. Worlds save to a single ``.npz`` file (``World.save`` / ``load_world``), read back with
``allow_pickle=False`` so a world file can never execute code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from ..rules.states import REGIONS

#: ATOP obligation types, as bits of ``World.alliances`` (Leeds et al. 2002).
DEFENCE, OFFENCE, NEUTRALITY, NONAGGRESSION, CONSULTATION = 1, 2, 4, 8, 16
OBLIGATIONS = {"defence": DEFENCE, "offence": OFFENCE, "neutrality": NEUTRALITY,
               "nonaggression": NONAGGRESSION, "consultation": CONSULTATION}
FORMAT_VERSION = 1

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass
class World:
    """States and pairs as arrays. Index ``i`` is the same state in every array.

    Per state (length ``n``): ``codes`` (COW abbreviation, or ``S01``... in synthetic worlds),
    ``names``, ``ccodes`` (COW code, 0 if none), ``capability`` (> 0; CINC share for data
    worlds), ``pos`` (capital position in km on a plane, ``(n, 2)``), ``region`` (index into
    :data:`foedus.REGIONS`), ``major``, ``revisionism`` in [0, 1], ``alive``, ``nonaligned``,
    ``bloc`` (-1 = none). Per pair (``(n, n)``): ``distance`` (km between capitals),
    ``contiguity`` (bool), ``affinity`` in [-1, 1] (Signorino–Ritter S or bloc structure),
    ``alliances`` (bit mask of ATOP obligations: :data:`DEFENCE`, :data:`OFFENCE`, ...).
    """

    codes: list[str]
    names: list[str]
    ccodes: IntArray
    capability: FloatArray
    pos: FloatArray
    region: IntArray
    major: BoolArray
    revisionism: FloatArray
    alive: BoolArray
    nonaligned: BoolArray
    bloc: IntArray
    distance: FloatArray
    contiguity: BoolArray
    affinity: FloatArray
    alliances: NDArray[np.int8]
    year: int | None = None
    source: str = "synthetic"
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.validate()

    @property
    def n(self) -> int:
        """Number of states (alive or not)."""
        return len(self.codes)

    def index(self, code: str) -> int:
        """Index of the state with code ``code`` (COW abbreviation, alias, or synthetic code)."""
        if code in self.codes:
            return self.codes.index(code)
        from ..rules.states import is_state, resolve_state

        if is_state(code) and resolve_state(code) in self.codes:
            return self.codes.index(resolve_state(code))
        from .._errors import UnknownNameError

        raise UnknownNameError("state in this world", code, self.codes)

    def region_name(self, i: int) -> str:
        """Region of state ``i`` as a name."""
        return REGIONS[int(self.region[i])]

    def copy(self) -> World:
        """A deep copy (arrays copied), so a run never changes its input world."""
        kw = {f.name: (getattr(self, f.name).copy() if isinstance(getattr(self, f.name), np.ndarray)
                       else getattr(self, f.name)) for f in fields(self)}
        kw["codes"], kw["names"], kw["meta"] = list(self.codes), list(self.names), dict(self.meta)
        return replace(self, **kw)

    def validate(self, source: str = "world") -> None:
        """Check shapes and ranges; raise :class:`InputError` naming the field."""
        n = len(self.codes)
        problems: list[tuple[str, str]] = []
        vec = ("ccodes", "capability", "region", "major", "revisionism", "alive", "nonaligned",
               "bloc")
        for name in vec:
            arr = np.asarray(getattr(self, name))
            if arr.shape != (n,):
                problems.append((name, f"expected shape ({n},), got {arr.shape}"))
        for name in ("distance", "contiguity", "affinity", "alliances"):
            arr = np.asarray(getattr(self, name))
            if arr.shape != (n, n):
                problems.append((name, f"expected shape ({n}, {n}), got {arr.shape}"))
        if np.asarray(self.pos).shape != (n, 2):
            problems.append(("pos", f"expected shape ({n}, 2)"))
        if len(self.names) != n:
            problems.append(("names", f"expected {n} names, got {len(self.names)}"))
        if len(set(self.codes)) != n:
            problems.append(("codes", "state codes must be unique"))
        if not problems:
            if np.any(~np.isfinite(self.capability)) or np.any(self.capability < 0):
                problems.append(("capability", "must be finite and >= 0"))
            if np.any((self.revisionism < 0) | (self.revisionism > 1)):
                problems.append(("revisionism", "must lie in [0, 1]"))
            if np.any(np.abs(self.affinity) > 1 + 1e-9):
                problems.append(("affinity", "must lie in [-1, 1]"))
            if np.any(self.distance < 0):
                problems.append(("distance", "must be >= 0"))
            if np.any((self.region < 0) | (self.region >= len(REGIONS))):
                problems.append(("region", f"must index {list(REGIONS)}"))
        if problems:
            raise InputError(source, problems)

    # -- persistence ------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the world to ``path`` (``.npz``; see docs/world.md for the format)."""
        path = Path(path)
        meta = {"format": "foedus-world", "version": FORMAT_VERSION, "codes": self.codes,
                "names": self.names, "year": self.year, "source": self.source, "meta": self.meta}
        arrays = {f.name: np.asarray(getattr(self, f.name)) for f in fields(self)
                  if isinstance(getattr(self, f.name), np.ndarray)}
        with path.open("wb") as fh:
            arrays["_meta"] = np.array(json.dumps(meta))
            np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]
        return path

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description: one record per state plus world-level facts."""
        order = np.argsort(-self.capability)
        return {
            "n": self.n, "year": self.year, "source": self.source,
            "alive": int(self.alive.sum()),
            "states": [{"code": self.codes[i], "name": self.names[i], "ccode": int(self.ccodes[i]),
                        "capability": float(self.capability[i]), "region": self.region_name(i),
                        "major": bool(self.major[i]), "revisionism": float(self.revisionism[i]),
                        "bloc": int(self.bloc[i]), "nonaligned": bool(self.nonaligned[i]),
                        "alive": bool(self.alive[i])} for i in order],
        }


_DTYPES: dict[str, Any] = {"ccodes": np.int64, "capability": np.float64, "pos": np.float64,
                           "region": np.int64, "major": np.bool_, "revisionism": np.float64,
                           "alive": np.bool_, "nonaligned": np.bool_, "bloc": np.int64,
                           "distance": np.float64, "contiguity": np.bool_,
                           "affinity": np.float64, "alliances": np.int8}


def load_world(path: str | Path) -> World:
    """Read a world written by :meth:`World.save`; a bad file gets an :class:`InputError`."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["_meta"]))
            arrays = {k: np.asarray(z[k]).astype(_DTYPES[k]) for k in _DTYPES}
    except FileNotFoundError:
        raise InputError(str(path), [("", "file not found")]) from None
    except KeyError as exc:
        raise InputError(str(path), [(str(exc).strip("'\""), "missing array")]) from None
    except (ValueError, OSError, json.JSONDecodeError) as exc:
        raise InputError(str(path), [("", f"not a foedus world file: {exc}")]) from None
    if meta.get("format") != "foedus-world":
        raise InputError(str(path), [("format", "not a foedus world file")])
    world = World(codes=list(meta["codes"]), names=list(meta["names"]), year=meta.get("year"),
                  source=meta.get("source", "file"), meta=meta.get("meta", {}), **arrays)
    world.validate(str(path))
    return world


# --- synthetic worlds -----------------------------------------------------------------------

#: Centres of the six synthetic regions on a 20,000 x 10,000 km plane (rough world layout).
_REGION_CENTRES = np.array([[3000.0, 5000.0], [10000.0, 7500.0], [10000.0, 2500.0],
                            [12500.0, 5000.0], [16000.0, 6500.0], [17500.0, 1500.0]])


def generate_world(n: int = 60, *, rng: np.random.Generator | int | None = 0,
                   n_majors: int | None = None, major_share: float = 0.5,
                   n_blocs: int = 2, bloc_cohesion: float = 0.6, affinity_noise: float = 0.15,
                   revisionism_a: float = 2.0, revisionism_b: float = 5.0,
                   nonaligned_share: float = 0.1, region_spread_km: float = 900.0,
                   contiguity_km: float = 1500.0) -> World:
    """Generate the embedded default: a seeded synthetic world (MODEL.md §1).

    Capabilities are skewed (lognormal; ``n_majors`` great powers hold ``major_share`` of the
    total, as in CINC), capitals cluster in six regions, ``n_blocs`` affinity blocs are led by
    the strongest powers, revisionism is Beta(``revisionism_a``, ``revisionism_b``). Every
    number comes from ``rng`` (a ``numpy.random.Generator`` or a seed), so the same seed
    gives the same world.
    """
    if n < 1:
        raise ValueError("a world needs at least one state")
    if not 0 < major_share < 1:
        raise ValueError("major_share must lie in (0, 1)")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    k = n_majors if n_majors is not None else max(1, min(5, n // 12))
    k = min(k, n)
    region = gen.integers(0, len(REGIONS), size=n)
    pos = _REGION_CENTRES[region] + gen.normal(0.0, region_spread_km, size=(n, 2))
    raw = gen.lognormal(0.0, 1.0, size=n)
    order = np.argsort(-raw)
    majors = order[:k]
    cap = raw.copy()
    if k < n:
        minor = np.ones(n, bool)
        minor[majors] = False
        cap[minor] *= (1 - major_share) / cap[minor].sum()
        cap[majors] *= major_share / cap[majors].sum()
    cap /= cap.sum()
    major = np.zeros(n, bool)
    major[majors] = True

    diff = pos[:, None, :] - pos[None, :, :]
    distance = np.sqrt((diff ** 2).sum(-1))
    contiguity = (distance < contiguity_km) & ~np.eye(n, dtype=bool)

    # Blocs: led by the strongest powers; others join the nearest leader, some stay out.
    n_blocs = max(1, min(n_blocs, k))
    leaders = majors[:n_blocs]
    bloc = np.argmin(distance[:, leaders] + gen.normal(0, 3000.0, size=(n, n_blocs)), axis=1)
    bloc[leaders] = np.arange(n_blocs)
    nonaligned = gen.random(n) < nonaligned_share
    nonaligned[leaders] = False
    bloc = np.where(nonaligned, -1, bloc).astype(np.int64)

    same = (bloc[:, None] == bloc[None, :]) & (bloc[:, None] >= 0)
    other = (bloc[:, None] != bloc[None, :]) & (bloc[:, None] >= 0) & (bloc[None, :] >= 0)
    base = np.where(same, bloc_cohesion, np.where(other, -bloc_cohesion / 2, 0.0))
    noise = gen.normal(0.0, affinity_noise, size=(n, n))
    affinity = np.clip(base + (noise + noise.T) / np.sqrt(2), -1, 1)
    np.fill_diagonal(affinity, 1.0)

    alliances = np.zeros((n, n), np.int8)
    for b, leader in enumerate(leaders):  # defence pacts between each bloc leader and its bloc
        members = np.flatnonzero(bloc == b)
        alliances[leader, members] |= DEFENCE | CONSULTATION
        alliances[members, leader] |= DEFENCE | CONSULTATION
    np.fill_diagonal(alliances, 0)

    revisionism = gen.beta(revisionism_a, revisionism_b, size=n)
    width = max(2, len(str(n)))
    codes = [f"S{i + 1:0{width}d}" for i in range(n)]
    names = [f"State {i + 1}" for i in range(n)]
    params = {"n": n, "n_majors": k, "major_share": major_share, "n_blocs": n_blocs,
              "bloc_cohesion": bloc_cohesion, "affinity_noise": affinity_noise,
              "revisionism_a": revisionism_a, "revisionism_b": revisionism_b,
              "nonaligned_share": nonaligned_share, "region_spread_km": region_spread_km,
              "contiguity_km": contiguity_km}
    return World(codes=codes, names=names, ccodes=np.zeros(n, np.int64), capability=cap,
                 pos=pos, region=region.astype(np.int64), major=major, revisionism=revisionism,
                 alive=np.ones(n, bool), nonaligned=nonaligned, bloc=bloc, distance=distance,
                 contiguity=contiguity, affinity=affinity, alliances=alliances,
                 source="synthetic", meta={"generator": params})
