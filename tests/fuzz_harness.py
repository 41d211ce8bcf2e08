"""A mutation harness over every kind of user file (issue 17): charters, cases, experiments,
world files, data files, zip archives and results stores.

Each kind starts from a valid file, which is mutated (truncated, bytes flipped, values replaced
by NaN, infinities, huge numbers, strings for booleans, lists duplicated, nesting and strings
made huge, ...). Each mutated file goes through the public loader and a light use of what it
loaded (voting power of a charter, replay of a case, the design of an experiment, ...), and the
outcome falls in one class:

- ``clear``: refused with a :class:`foedus.FoedusError` naming the file;
- ``valid``: accepted, and the mutation may give a valid file;
- ``traceback``: any other exception (a bug);
- ``wrong-name``: a ``FoedusError`` that does not name the file;
- ``nonsense``: accepted, though the mutation makes the file nonsense (NaN, 10**18 years, ...);
- ``oom-time``: ``MemoryError`` or over the time limit per input.

Run it (the counts by class, then every bad input)::

    python tests/fuzz_harness.py --size 4 --seed 0        # the release run (~800 inputs)
    python tests/fuzz_harness.py --size 1 --json          # the CI size (tests/test_fuzz_files.py)

The process limits its own memory (``RLIMIT_DATA``, 3 GiB) so that an unbounded allocation
ends as ``MemoryError`` rather than taking the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

CLASSES = ("clear", "valid", "traceback", "wrong-name", "nonsense", "oom-time")
BAD = ("traceback", "wrong-name", "nonsense", "oom-time")
TIME_LIMIT_S = 10
MEMORY_LIMIT = 3 << 30
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@dataclass
class Case:
    """One mutated input: its kind, what was done, the file, and whether it must be refused."""

    kind: str
    mutation: str
    content: bytes
    refuse: bool = False
    suffix: str = ".toml"


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def raise_timeout(signum: int, frame: Any) -> None:
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, raise_timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --- mutations ------------------------------------------------------------------------------

def byte_mutations(kind: str, raw: bytes, rng: random.Random, size: int, suffix: str
                   ) -> list[Case]:
    """Empty, truncated, byte-flipped, garbage-prefixed copies of ``raw``."""
    out = [Case(kind, "empty", b"", True, suffix)]
    for _ in range(3 * size):
        frac = rng.uniform(0.05, 0.98)
        out.append(Case(kind, f"truncate {frac:.2f}", raw[:int(len(raw) * frac)], False, suffix))
    for k in range(4 * size):
        b = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] = rng.randrange(256)
        out.append(Case(kind, f"flip bytes #{k}", bytes(b), False, suffix))
    out.append(Case(kind, "invalid utf-8 prefix", b"\xff\xfe\x00garbage" + raw, False, suffix))
    return out


_ASSIGN = re.compile(rb"^(\s*)([A-Za-z0-9_\-]+)(\s*=\s*)(.+)$", re.M)
#: (replacement, must it be refused when it replaces a number)
_NUMBERS = [(b"nan", True), (b"inf", True), (b"-inf", True), (b"1e300", True),
            (b"1000000000000000000", True), (b"-1000000000000", True), (b"0", False),
            (b"-1", False), (b'"12"', False), (b"2.5", False)]
_OTHERS = [b'""', b"[]", b"{}", b"true", b'"x"', b"[1, 2]", b'"' + b"y" * 5000 + b'"']


def _is_number(value: bytes) -> bool:
    return re.fullmatch(rb"-?\d[\d_]*(\.\d+)?([eE][+-]?\d+)?", value.strip()) is not None


def toml_mutations(kind: str, raw: bytes, rng: random.Random, size: int) -> list[Case]:
    """Values replaced (numbers by NaN, infinities, huge numbers; booleans by strings; ...),
    lines duplicated or dropped, nesting and strings made huge."""
    out: list[Case] = []
    lines = raw.split(b"\n")
    matches = [m for m in _ASSIGN.finditer(raw) if not m.group(4).startswith((b"[", b"{"))
               or m.group(4).rstrip().endswith((b"]", b"}"))]
    for _ in range(6 * size):
        m = rng.choice(matches)
        value = m.group(4).split(b"#")[0].strip()
        if _is_number(value):
            new, refuse = rng.choice(_NUMBERS)
        elif value in (b"true", b"false"):
            new, refuse = rng.choice([(b'"yes"', True), (b"1", True), (b'"false"', True),
                                      (b"nan", True)])
        else:
            new, refuse = rng.choice(_OTHERS), False
        text = raw[:m.start(4)] + new + raw[m.end(4):]
        out.append(Case(kind, f"{m.group(2).decode()} = {new[:20].decode()}", text, refuse))
    for _ in range(2 * size):
        i = rng.randrange(len(lines))
        dup = [*lines[:i + 1], lines[i], *lines[i + 1:]]
        out.append(Case(kind, f"line {i} twice", b"\n".join(dup)))
        drop = lines[:i] + lines[i + 1:]
        out.append(Case(kind, f"line {i} dropped", b"\n".join(drop)))
    deep = 5000 if size > 1 else 3000
    out.append(Case(kind, "nested arrays 5000 deep",
                    b"zz = " + b"[" * deep + b"]" * deep + b"\n" + raw, True))
    out.append(Case(kind, "nested tables 3000 deep",
                    b"zz = " + b"{a = " * deep + b"1" + b"}" * deep + b"\n" + raw, True))
    out.append(Case(kind, "string of 60000 characters",
                    re.sub(rb'^(name|title|description) = ".*"$',
                           lambda m: m.group(1) + b' = "' + b"w " * 30000 + b'"', raw, count=1,
                           flags=re.M)))
    out.append(Case(kind, "file of 20 MB", raw + b"\n# " + b"p" * (20 << 20) + b"\n", True))
    return out


# --- kinds ----------------------------------------------------------------------------------

def _charter_cases(rng: random.Random, size: int) -> list[Case]:
    from importlib import resources

    raw = resources.files("foedus.rules").joinpath("charters/nato.toml").read_bytes()
    out = byte_mutations("charter", raw, rng, size, ".toml") + toml_mutations("charter", raw, rng,
                                                                              size)
    members = re.search(rb'members = \["USA"', raw)
    assert members
    out.append(Case("charter", "a member listed twice",
                    raw.replace(b'members = ["USA"', b'members = ["USA", "USA"', 1), True))
    out.append(Case("charter", "withdrawal = \"yes\"",
                    raw.replace(b"withdrawal = true", b'withdrawal = "yes"'), True))
    for year in (b"-1000000000000", b"1000000000000000000"):
        out.append(Case("charter", f"year = {year.decode()}",
                        raw.replace(b"year = 2024", b"year = " + year, 1), True))
    return out


def _use_charter(path: Path) -> None:
    import foedus

    charter = foedus.load_charter(path)
    for body in charter.bodies:
        foedus.voting_power(charter, body.id)


def _case_cases(rng: random.Random, size: int) -> list[Case]:
    from importlib import resources

    raw = resources.files("foedus.history").joinpath("cases/korea-1950.toml").read_bytes()
    out = byte_mutations("case", raw, rng, size, ".toml") + toml_mutations("case", raw, rng, size)
    out.append(Case("case", "years = [10**18]",
                    re.sub(rb"^years = \[.*\]$", b"years = [1000000000000000000]", raw,
                           flags=re.M), True))
    out.append(Case("case", "title of 60000 characters",
                    re.sub(rb'^title = ".*"$', b'title = "' + b"Korea " * 10000 + b'"', raw,
                           flags=re.M)))
    return out


def _use_case(path: Path) -> None:
    import foedus

    foedus.replay(foedus.load_case(path))


def _threat_cases(rng: random.Random, size: int) -> list[Case]:
    from importlib import resources

    raw = resources.files("foedus.rules").joinpath("threats/hosted-terrorism.toml").read_bytes()
    out = byte_mutations("threat", raw, rng, size, ".toml") + toml_mutations("threat", raw, rng,
                                                                             size)
    out.append(Case("threat", "ambiguity = \"0.5\"",
                    raw.replace(b"ambiguity = 0.5", b'ambiguity = "0.5"', 1), True))
    out.append(Case("threat", "a response listed twice",
                    raw + b'\n[[responses]]\nkind = "force"\nbasis = "again"\n', True))
    return out


def _use_threat(path: Path) -> None:
    from foedus.rules import load_threat

    threat = load_threat(path)
    threat.model_dump()


def _experiment_cases(rng: random.Random, size: int) -> list[Case]:
    raw = (b'name = "fuzz"\nsystems = ["nato", "un-1965"]\nreplications = 3\nyears = 20\n'
           b"seed = 7\nseries = true\n\n[scenario.world]\nn = 30\nn_blocs = 2\n\n"
           b'[design]\ntype = "full-factorial"\n\n[design.levels]\n'
           b'"behaviour.risk_aversion" = [0.2, 0.8]\n"world.n_blocs" = [1, 2]\n')
    out = byte_mutations("experiment", raw, rng, size, ".toml")
    out += toml_mutations("experiment", raw, rng, size)
    out += [Case("experiment", "world.n = 10**7", raw.replace(b"n = 30", b"n = 10000000"), True),
            Case("experiment", "replications = 10**9",
                 raw.replace(b"replications = 3", b"replications = 1000000000"), True),
            Case("experiment", "a level listed twice",
                 raw.replace(b"[0.2, 0.8]", b"[0.2, 0.8, 0.2]"), True),
            Case("experiment", "a million design points",
                 raw.replace(b"[0.2, 0.8]", b"[" + b", ".join(
                     str(i / 1000).encode() for i in range(1000)) + b"]").replace(
                     b"[1, 2]", b"[" + b", ".join(str(i).encode() for i in range(1, 1001))
                     + b"]"), True)]
    return out


def _use_experiment(path: Path) -> None:
    import foedus

    foedus.load_experiment(path).describe()


def _world_arrays() -> dict[str, np.ndarray]:
    import foedus

    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        foedus.generate_world(8, rng=1).save(Path(tmp) / "w.npz")
        buf.write((Path(tmp) / "w.npz").read_bytes())
    with np.load(io.BytesIO(buf.getvalue()), allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _npz(arrays: dict[str, Any], allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _world_cases(rng: random.Random, size: int) -> list[Case]:
    arrays = _world_arrays()
    raw = _npz(arrays)
    out = byte_mutations("world", raw, rng, size, ".npz")
    for name in ("capability", "pos", "revisionism", "distance", "affinity"):
        for bad in (np.nan, np.inf, -np.inf, 1e300):
            a = dict(arrays)
            arr = a[name].astype(np.float64).copy()
            arr.flat[rng.randrange(arr.size)] = bad
            a[name] = arr
            out.append(Case("world", f"{name} holds {bad}", _npz(a), True, ".npz"))
    for name in ("region", "bloc", "alliances", "major"):
        a = dict(arrays)
        a[name] = a[name][:-1]
        out.append(Case("world", f"{name} one short", _npz(a), True, ".npz"))
    a = dict(arrays)
    a["capability"] = np.array(["x"] * arrays["capability"].size)
    out.append(Case("world", "capability as text", _npz(a), True, ".npz"))
    a = dict(arrays)
    a["capability"] = np.array([{"a": 1}] * arrays["capability"].size, dtype=object)
    buf = io.BytesIO()
    np.savez(buf, **a)
    out.append(Case("world", "an object (pickled) array", buf.getvalue(), True, ".npz"))
    meta = json.loads(str(arrays["_meta"]))
    for change in ({"codes": meta["codes"][:-1]}, {"codes": 5}, {"format": "other"},
                   {"version": 99}, {"year": 10 ** 18}, {"names": None}):
        a = dict(arrays)
        a["_meta"] = np.array(json.dumps({**meta, **change}))
        out.append(Case("world", f"meta {change}"[:60], _npz(a), True, ".npz"))
    a = dict(arrays)
    a["_meta"] = np.array("{not json")
    out.append(Case("world", "meta not JSON", _npz(a), True, ".npz"))
    a = dict(arrays)
    del a["_meta"]
    out.append(Case("world", "meta missing", _npz(a), True, ".npz"))
    return out


def _use_world(path: Path) -> None:
    import foedus

    foedus.load_world(path)


_CSV = {"cow-states": "cow_states/states2016.csv", "cow-majors": "cow_states/majors2016_via_peacesciencer.csv",
        "cow-contiguity": "cow_contiguity/contdird.csv", "capdist": "capitals/capdist.csv",
        "unsc-vetoes": "unsc/unsc_vetoes_1946_sept2022.csv"}


def _csv_cases(rng: random.Random, size: int) -> list[Case]:
    out: list[Case] = []
    for sid, rel in _CSV.items():
        path = DATA / rel
        if not path.exists():
            continue
        lines = path.read_bytes().splitlines(keepends=True)
        raw = b"".join(lines[:120])
        kind = f"data:{sid}"
        out += byte_mutations(kind, raw, rng, size, ".csv")
        out.append(Case(kind, "header only", lines[0], True, ".csv"))
        out.append(Case(kind, "header only, no newline", lines[0].rstrip(), True, ".csv"))
        cells = lines[1].split(b",")
        for bad in (b"nan", b"1e300", b"-1", b"x", b""):
            i = rng.randrange(len(cells))
            row = b",".join([*cells[:i], bad, *cells[i + 1:]])
            out.append(Case(kind, f"cell {i} = {bad.decode()!r}", lines[0] + row + b"".join(
                lines[2:120]), False, ".csv"))
    return out


def _csv_use(sid: str) -> Callable[[Path], None]:
    def use(path: Path) -> None:
        from foedus.data.loaders import LOADERS

        LOADERS[(sid, 0)](path)
    return use


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _zip_cases(rng: random.Random, size: int) -> list[Case]:
    states = DATA / _CSV["cow-states"]
    content = states.read_bytes() if states.exists() else b"stateabb,ccode\nUSA,2\n"
    raw = _zip({"states2016.csv": content})
    out = byte_mutations("zip", raw, rng, size, ".zip")
    layer = _zip({"zeros.bin": b"\0" * (200 << 20)})
    for k in range(2):
        layer = _zip({f"inner{k}.zip": layer, f"again{k}.zip": layer})
    out.append(Case("zip", "nested archives expanding to 800 MB", layer, True, ".zip"))
    out.append(Case("zip", "one member of 1 GB of zeros",
                    _zip({"states2016.csv": b"\0" * (1 << 30)}), True, ".zip"))
    out.append(Case("zip", "no such member", _zip({"other.csv": content}), True, ".zip"))
    return out


def _use_zip(path: Path) -> None:
    import foedus

    with tempfile.TemporaryDirectory() as tmp:
        foedus.data.fetch("cow-states", url=path.resolve().as_uri(), data_dir=tmp)


_STORE: dict[str, bytes] = {}


def _experiment_for_store() -> Any:
    import foedus

    return foedus.Experiment.from_dict({
        "name": "fuzz-store", "systems": ["self-help", "nato"], "replications": 2, "years": 3,
        "scenario": {"world": {"n": 8}}, "seed": 3})


def _store_bytes() -> bytes:
    import foedus

    if "raw" not in _STORE:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "s.duckdb"
            foedus.sweep(_experiment_for_store(), path, backend="serial")
            _STORE["raw"] = path.read_bytes()
    return _STORE["raw"]


def _store_sql(raw: bytes, sql: str) -> bytes:
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.duckdb"
        path.write_bytes(raw)
        con = duckdb.connect(str(path))
        con.execute(sql)
        con.close()
        return path.read_bytes()


def _store_cases(rng: random.Random, size: int) -> list[Case]:
    raw = _store_bytes()
    out = [Case("store", "empty", b"", True, ".duckdb")]
    for frac in (0.3, 0.5, 0.8, 0.9, 0.99)[:max(3, size + 1)]:
        out.append(Case("store", f"truncate {frac}", raw[:int(len(raw) * frac)], True, ".duckdb"))
    for k in range(3 * size):
        b = bytearray(raw)
        for _ in range(rng.randint(1, 16)):
            i = rng.randrange(len(b))
            b[i] = rng.randrange(256)
        out.append(Case("store", f"flip bytes #{k}", bytes(b), False, ".duckdb"))
    for what, sql in [("definition not JSON", "UPDATE experiments SET definition = '{not'"),
                      ("metric rows twice", "INSERT INTO metrics SELECT * FROM metrics"),
                      ("schema version 99", "UPDATE experiments SET schema_version = 99"),
                      ("no experiments table", "DROP TABLE experiments"),
                      ("two experiments", "INSERT INTO experiments SELECT * REPLACE "
                       "('x' || name AS name) FROM experiments")]:
        out.append(Case("store", what, _store_sql(raw, sql), True, ".duckdb"))
    other = _store_sql(raw, "DROP TABLE experiments; DROP TABLE runs; DROP TABLE metrics; "
                            "DROP TABLE series; DROP TABLE design_points; DROP TABLE events; "
                            "CREATE TABLE people (name VARCHAR)")
    out.append(Case("store", "an unrelated DuckDB file", other, True, ".duckdb"))
    return out


def _use_store(path: Path) -> None:
    import foedus

    foedus.results_summary(path)
    with tempfile.TemporaryDirectory() as tmp:
        foedus.export_results(path, "csv", Path(tmp) / "out")


def _use_store_resume(path: Path) -> None:
    import foedus

    result = foedus.sweep(_experiment_for_store(), path, backend="serial", resume=True)
    if result.stored.get("done", 0) != result.total:
        raise AssertionError("resume did not complete the store")
    _use_store(path)


def all_cases(size: int, seed: int) -> list[tuple[Case, Callable[[Path], None]]]:
    """Every mutated input with the function that uses it."""
    rng = random.Random(seed)
    out: list[tuple[Case, Callable[[Path], None]]] = []
    out += [(c, _use_charter) for c in _charter_cases(rng, size)]
    out += [(c, _use_case) for c in _case_cases(rng, size)]
    out += [(c, _use_threat) for c in _threat_cases(random.Random(seed + 18), size)]
    out += [(c, _use_experiment) for c in _experiment_cases(rng, size)]
    out += [(c, _use_world) for c in _world_cases(rng, size)]
    out += [(c, _csv_use(c.kind.split(":", 1)[1])) for c in _csv_cases(rng, size)]
    out += [(c, _use_zip) for c in _zip_cases(rng, size)]
    for c in _store_cases(rng, size):
        out.append((c, _use_store))
        if c.refuse:
            out.append((Case("store --resume", c.mutation, c.content, c.refuse, c.suffix),
                        _use_store_resume))
    return out


# --- running --------------------------------------------------------------------------------

def classify(case: Case, use: Callable[[Path], None], folder: Path) -> tuple[str, str]:
    """Write the input, use it, and say which class the outcome falls in (and the message)."""
    from foedus import FoedusError

    path = folder / f"input{case.suffix}"
    for p in folder.iterdir():
        if p.is_dir():
            import shutil
            shutil.rmtree(p)
        else:
            p.unlink()
    path.write_bytes(case.content)
    start = time.perf_counter()
    try:
        with _time_limit(TIME_LIMIT_S):
            use(path)
    except _Timeout:
        return "oom-time", f"over {TIME_LIMIT_S} s"
    except MemoryError:
        return "oom-time", "MemoryError"
    except FoedusError as exc:
        text = str(exc)
        named = str(path) in text or path.name in text
        return ("clear" if named else "wrong-name"), text[:300]
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return "traceback", "".join(traceback.format_exception_only(exc)).strip()[:300]
    if time.perf_counter() - start > TIME_LIMIT_S:
        return "oom-time", "accepted, but slowly"
    return ("nonsense" if case.refuse else "valid"), ""


def run(size: int, seed: int, kinds: str | None = None) -> dict[str, Any]:
    """Run the harness; returns counts by class and kind, and the bad inputs."""
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT, MEMORY_LIMIT))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    cases = all_cases(size, seed)
    if kinds:
        cases = [(c, u) for c, u in cases if c.kind.startswith(tuple(kinds.split(",")))]
    counts: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    bad: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for case, use in cases:
            cls, msg = classify(case, use, Path(tmp))
            counts[cls] += 1
            by_kind.setdefault(case.kind, Counter())[cls] += 1
            if cls in BAD:
                bad.append({"kind": case.kind, "mutation": case.mutation, "class": cls,
                            "message": msg})
    return {"total": len(cases), "counts": {c: counts[c] for c in CLASSES},
            "by_kind": {k: dict(v) for k, v in by_kind.items()}, "bad": bad}


def main(argv: list[str] | None = None) -> int:
    """Command line: print the counts by class, then every bad input."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1, help="mutations per kind scale with this")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kinds", default=None, help="comma list of kind prefixes")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = run(args.size, args.seed, args.kinds)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['total']} inputs: " + ", ".join(f"{c} {n}" for c, n in
                                                         result["counts"].items()))
        for kind, c in result["by_kind"].items():
            print(f"  {kind:22} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
        for b in result["bad"]:
            print(f"{b['class']:10} {b['kind']:16} {b['mutation'][:40]:40} {b['message'][:160]!r}")
    return 1 if any(result["counts"][c] for c in BAD) else 0


if __name__ == "__main__":
    sys.exit(main())
