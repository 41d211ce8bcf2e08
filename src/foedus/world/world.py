"""The world: states and pairs of states held as arrays (docs/model.md §The world).

A :class:`World` is plain data: per-state vectors (capability, capital position, region,
major-power flag, revisionism, alive and non-aligned flags, bloc) and per-pair matrices
(distance, contiguity, affinity, alliance obligations, dispute history). Synthetic worlds are generated from a
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
#: Most states in a world (pairs are n x n matrices: 5,000 states take about 1 GB).
MAX_STATES = 5000
#: Bound on capabilities (a CINC share is below 1; synthetic capabilities sum to 1).
MAX_CAPABILITY = 1e12
#: Bound on capital coordinates and distances, km (the Earth's circumference is 40,075 km).
MAX_KM = 1e6
#: Years a world may carry.
YEAR_RANGE = (1, 9999)
#: Half-life, in years, of a pair's dispute history (``World.disputes``): a rivalry fades once
#: its disputes stop — Diehl & Goertz (2000), *War and Peace in International Rivalry*, end a
#: rivalry after 10-15 years without a dispute; a half-life of 10 years keeps a dispute of 20
#: years ago at a quarter. (The hindcast's ranking of dyads by this history alone barely moves
#: between half-lives of 3 and 40 years: AUC 0.767-0.772 over 1860-1935; docs/model.md.)
DISPUTE_HALF_LIFE = 10.0
#: Bound on a pair's decayed dispute count (more than one a year for ever gives at most 15).
MAX_DISPUTES = 1e6
#: Bound on the uncompressed size of a world file's arrays (bytes).
MAX_WORLD_BYTES = 2 << 30

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
    ``alliances`` (bit mask of ATOP obligations: :data:`DEFENCE`, :data:`OFFENCE`, ...),
    ``disputes`` (the pair's dispute history: its past militarised disputes, each weighing
    ``0.5 ** (age / DISPUTE_HALF_LIFE)``; symmetric, zero when unknown; the rivalry term of
    the value of a dispute, docs/model.md §Rivalry).
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
    disputes: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    year: int | None = None
    source: str = "synthetic"
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.codes)
        if np.asarray(self.disputes).size == 0 and n:
            self.disputes = np.zeros((n, n))
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
        problems = _shape_problems(self)
        if not problems:
            problems = _value_problems(self)
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


def _shape_problems(w: World) -> list[tuple[str, str]]:
    n = len(w.codes)
    problems: list[tuple[str, str]] = []
    if n > MAX_STATES:
        return [("codes", f"{n:,} states is over the bound of {MAX_STATES:,} "
                          "(see docs/limits.md)")]
    for name in ("ccodes", "capability", "region", "major", "revisionism", "alive",
                 "nonaligned", "bloc"):
        arr = np.asarray(getattr(w, name))
        if arr.shape != (n,):
            problems.append((name, f"expected shape ({n},), got {arr.shape}"))
    for name in ("distance", "contiguity", "affinity", "alliances", "disputes"):
        arr = np.asarray(getattr(w, name))
        if arr.shape != (n, n):
            problems.append((name, f"expected shape ({n}, {n}), got {arr.shape}"))
    if np.asarray(w.pos).shape != (n, 2):
        problems.append(("pos", f"expected shape ({n}, 2)"))
    if len(w.names) != n:
        problems.append(("names", f"expected {n} names, got {len(w.names)}"))
    if not all(isinstance(c, str) and c for c in w.codes):
        problems.append(("codes", "state codes must be non-empty strings"))
    elif len(set(w.codes)) != n:
        problems.append(("codes", "state codes must be unique"))
    if not all(isinstance(c, str) for c in w.names):
        problems.append(("names", "state names must be strings"))
    return problems


def _bad(arr: Any, lo: float, hi: float) -> bool:
    a = np.asarray(arr, dtype=np.float64)
    return bool(a.size) and bool(np.any(~np.isfinite(a)) or np.any(a < lo) or np.any(a > hi))


def _value_problems(w: World) -> list[tuple[str, str]]:
    checks = (("capability", 0.0, MAX_CAPABILITY), ("revisionism", 0.0, 1.0),
              ("affinity", -1 - 1e-9, 1 + 1e-9), ("distance", 0.0, MAX_KM),
              ("pos", -MAX_KM, MAX_KM), ("region", 0, len(REGIONS) - 1),
              ("bloc", -1, MAX_STATES), ("disputes", 0.0, MAX_DISPUTES))
    problems = [(name, f"every value must be finite and in [{lo:g}, {hi:g}]")
                for name, lo, hi in checks if _bad(getattr(w, name), lo, hi)]
    if w.year is not None and (isinstance(w.year, bool) or not isinstance(w.year, int | np.integer)
                               or not YEAR_RANGE[0] <= w.year <= YEAR_RANGE[1]):
        problems.append(("year", f"must be a whole number in [{YEAR_RANGE[0]}, {YEAR_RANGE[1]}] "
                                 f"or absent, got {w.year!r}"))
    return problems


_DTYPES: dict[str, Any] = {"ccodes": np.int64, "capability": np.float64, "pos": np.float64,
                           "region": np.int64, "major": np.bool_, "revisionism": np.float64,
                           "alive": np.bool_, "nonaligned": np.bool_, "bloc": np.int64,
                           "distance": np.float64, "contiguity": np.bool_,
                           "affinity": np.float64, "alliances": np.int8, "disputes": np.float64}
#: Arrays a world file may lack (files written before they existed): zero then.
_OPTIONAL = frozenset({"disputes"})


def load_world(path: str | Path) -> World:
    """Read a world written by :meth:`World.save`; a bad file gets an :class:`InputError`
    naming the file and the field (never a traceback)."""
    path = Path(path)
    where = str(path)
    meta, arrays = _read_npz(path)
    problems = _meta_problems(meta)
    if problems:
        raise InputError(where, problems)
    try:
        world = World(codes=list(meta["codes"]), names=list(meta["names"]),
                      year=meta.get("year"), source=str(meta.get("source", "file")),
                      meta=meta.get("meta") or {}, **arrays)
    except InputError as exc:
        raise InputError(where, exc.problems) from None
    return world


def _read_npz(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The meta data and the arrays of a world file, checked for size and type."""
    import zipfile
    import zlib

    where = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            size = sum(i.file_size for i in zf.infolist())
        if size > MAX_WORLD_BYTES:
            raise InputError(where, [("", f"arrays of {size:,} bytes are over the bound of "
                                          f"{MAX_WORLD_BYTES:,} (see docs/limits.md)")])
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["_meta"]))
            arrays = {k: _typed(z, k, where) for k in _DTYPES
                      if k not in _OPTIONAL or k in z.files}
    except FileNotFoundError:
        raise InputError(where, [("", "file not found")]) from None
    except KeyError as exc:
        raise InputError(where, [(str(exc).strip("'\""), "missing array")]) from None
    except json.JSONDecodeError as exc:
        raise InputError(where, [("_meta", f"not JSON: {exc}")]) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError) as exc:  # NotImplementedError: an unknown compression method
        raise InputError(where, [("", f"not a foedus world file, or damaged or truncated "
                                      f"({type(exc).__name__}: {exc})")]) from None
    if not isinstance(meta, dict):
        raise InputError(where, [("_meta", "must be a JSON object")])
    return meta, arrays


def _typed(z: Any, name: str, where: str) -> Any:
    arr = np.asarray(z[name])
    if arr.dtype.kind not in "biuf":
        raise InputError(where, [(name, f"must hold numbers, not {arr.dtype}")])
    if arr.dtype.kind == "f" and np.dtype(_DTYPES[name]).kind in "biu" and arr.size and (
            not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))):
        raise InputError(where, [(name, "must hold whole numbers")])
    return arr.astype(_DTYPES[name])


def _meta_problems(meta: dict[str, Any]) -> list[tuple[str, str]]:
    if meta.get("format") != "foedus-world":
        return [("format", "not a foedus world file")]
    problems: list[tuple[str, str]] = []
    if meta.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        problems.append(("version", f"format version {meta.get('version')!r} is not "
                                    f"{FORMAT_VERSION}, the one this foedus reads"))
    for key in ("codes", "names"):
        if not isinstance(meta.get(key), list):
            problems.append((key, "must be a list of strings"))
    if not isinstance(meta.get("meta", {}) or {}, dict):
        problems.append(("meta", "must be a table"))
    return problems


__all__ = ["CONSULTATION", "DEFENCE", "DISPUTE_HALF_LIFE", "FORMAT_VERSION", "MAX_CAPABILITY",
           "MAX_DISPUTES", "MAX_KM", "MAX_STATES", "MAX_WORLD_BYTES", "NEUTRALITY",
           "NONAGGRESSION", "OBLIGATIONS", "OFFENCE", "YEAR_RANGE", "World", "load_world"]
