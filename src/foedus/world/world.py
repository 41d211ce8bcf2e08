"""The world: states and pairs of states held as arrays (docs/model.md §The world).

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
        from .._errors import FoedusError, UnknownNameError

        if self.source == "synthetic":
            first, last = (self.codes[0], self.codes[-1]) if self.codes else ("S01", "S01")
            raise FoedusError(
                f"unknown state {code!r} in this synthetic world: its {self.n} states are named "
                f"{first}…{last}. Give --year YEAR (e.g. --year 2022) to use the states of that "
                f"year by their COW codes, or name synthetic states (e.g. --aggressor {first})")
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


__all__ = ["CONSULTATION", "DEFENCE", "FORMAT_VERSION", "NEUTRALITY", "NONAGGRESSION", "OBLIGATIONS", "OFFENCE",
           "World", "load_world"]
