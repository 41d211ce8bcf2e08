"""The results store: an embedded DuckDB file holding one experiment and its runs.

Tables (all tidy; see ``docs/experiments.md``):

- ``experiments``: the definition (JSON), its hash, root seed, design, counts, created;
- ``design_points``: ``point, parameter, value`` (numeric value; ``value_json`` keeps any level);
- ``runs``: ``point, replication, system, status ('done' | 'error'), seconds, error, worker,
  finished`` — one row per run, primary key ``(point, replication, system)``;
- ``metrics``: ``point, replication, system, metric, value``;
- ``series``: ``point, replication, system, year, variable, value``;
- ``events``: ``point, replication, system`` and the crisis log's columns, one row per crisis
  (:data:`foedus.experiments.runner.CRISIS_LOG`; stores of schema 1 have none).

Only the driver writes. Each batch of finished runs is one transaction, so a sweep killed at
any moment keeps every run committed before the kill and none half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import FoedusError
from .._version import __version__
from .records import CRISIS_LOG

if TYPE_CHECKING:
    import pyarrow as pa

    from .experiment import Experiment

SCHEMA_VERSION = 2
TABLES = ("experiments", "design_points", "runs", "metrics", "series", "events")
#: Tables every store has (``events`` came with schema 2).
_CORE = ("experiments", "design_points", "runs", "metrics", "series")
_SQL_TYPES = {"int": "INTEGER", "str": "VARCHAR", "bool": "BOOLEAN"}
#: The key each table is sorted by when read or exported.
TABLE_ORDER = {"experiments": "name", "design_points": "point, parameter",
               "runs": "point, replication, system",
               "metrics": "point, replication, system, metric",
               "series": "point, replication, system, variable, year",
               "events": "point, replication, system, crisis"}
RunKey = tuple[int, int, str]

_DDL = """
CREATE TABLE IF NOT EXISTS experiments (
    name VARCHAR PRIMARY KEY, description VARCHAR, citation VARCHAR, definition VARCHAR,
    hash VARCHAR, root_seed BIGINT, design VARCHAR, parameters VARCHAR, systems VARCHAR,
    n_points INTEGER, replications INTEGER, years INTEGER, schema_version INTEGER,
    foedus_version VARCHAR, created TIMESTAMP);
CREATE TABLE IF NOT EXISTS design_points (
    point INTEGER, parameter VARCHAR, value DOUBLE, value_json VARCHAR,
    PRIMARY KEY (point, parameter));
CREATE TABLE IF NOT EXISTS runs (
    point INTEGER, replication INTEGER, system VARCHAR, status VARCHAR, seconds DOUBLE,
    error VARCHAR, worker VARCHAR, finished TIMESTAMP,
    PRIMARY KEY (point, replication, system));
CREATE TABLE IF NOT EXISTS metrics (
    point INTEGER, replication INTEGER, system VARCHAR, metric VARCHAR, value DOUBLE);
CREATE TABLE IF NOT EXISTS series (
    point INTEGER, replication INTEGER, system VARCHAR, year INTEGER, variable VARCHAR,
    value DOUBLE);
CREATE TABLE IF NOT EXISTS events (
    point INTEGER, replication INTEGER, system VARCHAR, crisis INTEGER, """ + ", ".join(
    f"{name} {_SQL_TYPES[kind]}" for name, kind in CRISIS_LOG.items()) + ");"


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    return None


class StoreError(FoedusError):
    """A results store that is damaged, truncated, of another schema, or not a foedus store."""


#: DuckDB's file header: three 4 KiB blocks before the data blocks.
_HEADER_BYTES = 3 * 4096


def _damaged(path: Path, exc: BaseException) -> StoreError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(f"{path}: the results store is damaged or truncated ({first}); its "
                      "committed runs cannot all be read. Restore it from a copy, or start a new "
                      "store (another --store) and run the experiment again")


class _SafeConnection:
    """A DuckDB connection whose errors become :class:`StoreError` naming the store (a damaged
    block is found when a query reads it, whoever runs the query)."""

    def __init__(self, con: Any, path: Path) -> None:
        self._con, self._path = con, path

    def __getattr__(self, name: str) -> Any:
        import duckdb

        attr = getattr(self._con, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                out = attr(*args, **kwargs)
            except duckdb.ConstraintException:
                raise
            except duckdb.Error as exc:
                raise _damaged(self._path, exc) from None
            return _SafeConnection(out, self._path) if out is self._con else out

        return call


class ResultStore:
    """A DuckDB results file. Use as a context manager; ``read_only`` for analysis.

    Opening verifies the store (:meth:`check`): a DuckDB file with foedus's tables, the schema
    version, an experiment definition that parses, a file as long as its blocks (a truncated
    copy is refused) and no duplicated metric rows. ``sweep --resume`` also reads every table
    through (:meth:`verify`), so a damaged store is never reported complete.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise FoedusError(f"no results store at {self.path}")
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a results store")
        if self.path.exists() and self.path.stat().st_size == 0:
            raise StoreError(f"{self.path} is an empty file, not a foedus results store; remove "
                             "it or choose another store")
        try:
            raw = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "not a valid DuckDB database" in str(exc):
                raise StoreError(f"{self.path} is not a foedus results store (not a DuckDB "
                                 "file)") from None
            if "lock" in str(exc).lower():
                raise StoreError(f"cannot open results store {self.path}: {exc} (is a sweep "
                                 "still writing to it?)") from None
            raise _damaged(self.path, exc) from None
        except duckdb.Error as exc:
            raise _damaged(self.path, exc) from None
        self.con: Any = _SafeConnection(raw, self.path)
        try:
            self._open(read_only)
        except BaseException:
            raw.close()
            raise

    def _open(self, read_only: bool) -> None:
        self._check_size()
        if not read_only:
            self._claim()
        elif not self._has_tables():
            raise StoreError(f"{self.path} is not a foedus results store (no experiments table)")
        self.check()

    def _check_size(self) -> None:
        """A file shorter than its blocks is a truncated copy."""
        block, total = self.con.execute(
            "SELECT block_size, total_blocks FROM pragma_database_size()").fetchone()
        need = _HEADER_BYTES + int(block) * int(total)
        have = self.path.stat().st_size
        if have < need:
            raise StoreError(f"{self.path}: the results store is truncated ({have:,} of "
                             f"{need:,} bytes); its runs cannot all be read. Restore it from a "
                             "copy, or start a new store (another --store)")

    def check(self) -> None:
        """Cheap checks of a store's content: schema version, the definition parses, one
        experiment, no duplicated metric rows. Raises :class:`StoreError` naming the store."""
        if not self._has_tables():
            return
        rows = self.con.execute("SELECT schema_version, definition, parameters, systems "
                                "FROM experiments").fetchall()
        if len(rows) > 1:
            raise StoreError(f"{self.path} holds {len(rows)} experiments; expected one")
        if not rows:
            return
        version, *texts = rows[0]
        if version is None or not 1 <= int(version) <= SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema version {version} is not one this "
                             f"foedus reads (1 to {SCHEMA_VERSION}); use the foedus version "
                             "that wrote it")
        for name, text in zip(("definition", "parameters", "systems"), texts, strict=True):
            try:
                json.loads(text)
            except (TypeError, ValueError):
                raise StoreError(f"{self.path}: experiments.{name} is not valid JSON (the store "
                                 "is damaged)") from None
        self._check_duplicates()

    def _check_duplicates(self) -> None:
        row = self.con.execute(
            "SELECT (SELECT count(*) FROM metrics), (SELECT count(DISTINCT metric) FROM metrics),"
            " (SELECT count(*) FROM runs WHERE status = 'done')").fetchone()
        n_rows, n_names, n_done = (int(x or 0) for x in row)
        if n_rows > n_names * n_done:
            raise StoreError(f"{self.path}: the metrics table holds {n_rows:,} rows, more than "
                             f"its {n_done:,} finished runs x {n_names} metrics can have: rows "
                             "are duplicated (the store was edited or damaged)")

    def verify(self) -> dict[str, int]:
        """Read every table through (every block is checksummed by DuckDB); returns rows by
        table. A damaged table raises :class:`StoreError` saying which tables are readable."""
        import duckdb

        counts: dict[str, int] = {}
        for table in TABLES:
            if table == "events" and not self.has_events():
                continue
            try:
                counts[table] = int(self.con._con.execute(
                    f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {table}").fetchone()[0])
            except duckdb.Error as exc:
                ok = ", ".join(f"{t} ({n:,} rows)" for t, n in counts.items()) or "none"
                first = str(exc).strip().splitlines()[0]
                raise StoreError(
                    f"{self.path}: the results store is damaged: table {table} cannot be read "
                    f"({first}). Readable before it: {ok}. Its runs cannot be trusted as "
                    "complete: restore the store from a copy, or start a new store (another "
                    "--store)") from None
        return counts

    def _claim(self) -> None:
        """Create the tables in a new (empty) database; refuse a database that holds other
        tables than a foedus store's, so that nobody's data gets foedus tables added."""
        names = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if names and not set(_CORE) <= names:
            raise StoreError(f"{self.path} is not a foedus results store (it holds other "
                             f"tables: {', '.join(sorted(names)[:5])}); choose another store")
        if not names:
            self.con.execute(_DDL)
        elif not self.has_events():
            self.con.execute(_DDL)  # a store of schema 1 gets its events table
        self._add_log_columns()

    def _add_log_columns(self) -> None:
        """A crisis log written before a column of :data:`CRISIS_LOG` existed gets it (empty
        for the runs already stored), so that new runs can be added to it."""
        have = {r[0] for r in self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'"
        ).fetchall()}
        for name, kind in CRISIS_LOG.items():
            if name not in have:
                self.con.execute(f"ALTER TABLE events ADD COLUMN {name} {_SQL_TYPES[kind]}")

    def _has_tables(self) -> bool:
        names = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        return set(_CORE) <= names

    # -- context management ------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (committed data is already safe)."""
        self.con.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the experiment ----------------------------------------------------------------------

    def experiment_row(self) -> dict[str, Any] | None:
        """The stored experiment as a dict (definition parsed), or None for an empty store."""
        cur = self.con.execute("SELECT * FROM experiments")
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not rows:
            return None
        if len(rows) > 1:
            raise StoreError(f"{self.path} holds {len(rows)} experiments; expected one")
        row = dict(zip(cols, rows[0], strict=True))
        for k in ("definition", "parameters", "systems"):
            try:
                row[k] = json.loads(row[k])
            except (TypeError, ValueError):
                raise StoreError(f"{self.path}: experiments.{k} is not valid JSON (the store is "
                                 "damaged)") from None
        return row

    def experiment(self) -> Experiment:
        """The stored experiment definition, validated again."""
        from .experiment import experiment_from_dict

        row = self.experiment_row()
        if row is None:
            raise FoedusError(f"{self.path} holds no experiment yet")
        return experiment_from_dict(row["definition"], source=f"{self.path} (stored definition)",
                                    check_systems=False)

    def start(self, exp: Experiment, *, resume: bool, points: Sequence[dict[str, Any]]) -> bool:
        """Record ``exp`` in a new store, or check it matches the stored one on ``resume``.

        Returns True when the store already held this experiment. A different definition
        (by :meth:`Experiment.definition_hash`) is refused, and so is reusing a store
        without ``resume``.
        """

        digest = exp.definition_hash()
        row = self.experiment_row()
        if row is not None:
            if row["hash"] != digest:
                raise FoedusError(
                    f"{self.path} holds experiment {row['name']!r} with a different definition "
                    f"(hash {row['hash'][:12]}, this one {digest[:12]}); results of different "
                    "definitions cannot be mixed: use another --store, or restore the definition")
            if resume:
                self.verify()
            if not resume:
                raise FoedusError(
                    f"{self.path} already holds experiment {row['name']!r}; pass --resume to "
                    "continue it, or choose another --store")
            return True
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(
                "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [exp.name, exp.description, exp.citation, json.dumps(exp.to_dict()), digest,
                 exp.seed, exp.design.type, json.dumps(exp.parameters), json.dumps(list(exp.charters())),
                 len(points), exp.replications, exp.years, SCHEMA_VERSION, __version__,
                 dt.datetime.now()])
            rows = [(i, name, _numeric(v), json.dumps(v)) for i, p in enumerate(points)
                    for name, v in p.items()]
            if rows:
                self.con.executemany("INSERT INTO design_points VALUES (?, ?, ?, ?)", rows)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return False

    # -- runs --------------------------------------------------------------------------------

    def run_keys(self, status: str | None = None) -> set[RunKey]:
        """Keys ``(point, replication, system)`` of the runs recorded (with ``status``)."""
        sql = "SELECT point, replication, system FROM runs"
        rows = (self.con.execute(sql + " WHERE status = ?", [status]).fetchall() if status
                else self.con.execute(sql).fetchall())
        return {(int(p), int(r), str(s)) for p, r, s in rows}

    def write(self, results: Iterable[dict[str, Any]], *, replace: bool = False) -> int:
        """Record a batch of finished runs in one transaction; returns how many.

        Each result has ``point, replication, system, status, seconds, error, worker`` and,
        when done, ``metrics`` (name -> value) and ``series`` (``{"year": years, "variables":
        names, "values": years x variables array}``, as :func:`foedus._runner.execute_chunk`
        makes it) or None.
        With ``replace`` a run recorded before (an errored one being re-run) is replaced;
        otherwise recording a run twice is an error (the primary key of ``runs``).
        """
        import pyarrow as pa

        results = list(results)
        if not results:
            return 0
        runs = pa.table({
            "point": pa.array([r["point"] for r in results], pa.int32()),
            "replication": pa.array([r["replication"] for r in results], pa.int32()),
            "system": pa.array([r["system"] for r in results], pa.string()),
            "status": pa.array([r["status"] for r in results], pa.string()),
            "seconds": pa.array([float(r["seconds"]) for r in results], pa.float64()),
            "error": pa.array([r.get("error") for r in results], pa.string()),
            "worker": pa.array([r.get("worker") for r in results], pa.string()),
            "finished": pa.array([dt.datetime.now()] * len(results), pa.timestamp("us")),
        })
        batch = {"runs": runs, "metrics": _tidy_metrics(results), "series": _tidy_series(results),
                 "events": _tidy_events(results)}
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("_batch_runs", runs)
            if replace:
                keys = ("(point, replication, system) IN "
                        "(SELECT point, replication, system FROM _batch_runs)")
                for table in ("runs", "metrics", "series", "events"):
                    con.execute(f"DELETE FROM {table} WHERE {keys}")
            for table, data in batch.items():
                if data.num_rows:
                    con.register(f"_batch_{table}", data)
                    con.execute(f"INSERT INTO {table} SELECT * FROM _batch_{table}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            for table in batch:
                with contextlib.suppress(Exception):
                    con.unregister(f"_batch_{table}")
        return len(results)

    # -- reading -----------------------------------------------------------------------------

    def table(self, name: str) -> pd.DataFrame:
        """A whole table as a DataFrame (sorted by its key)."""
        if name not in TABLES:
            raise FoedusError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
        order = TABLE_ORDER[name]
        if name == "events" and not self.has_events():
            return pd.DataFrame(columns=["point", "replication", "system", "crisis", *CRISIS_LOG])
        return self.con.execute(f"SELECT * FROM {name} ORDER BY {order}").df()

    def has_events(self) -> bool:
        """Whether the store has a crisis log (stores of schema 1 have none)."""
        row = self.con.execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_name = 'events'").fetchone()
        return bool(row and row[0])

    def design(self) -> pd.DataFrame:
        """One row per design point, one column per parameter (numeric where possible)."""
        row = self.experiment_row()
        params: list[str] = row["parameters"] if row else []
        n_points = int(row["n_points"]) if row else 0
        out = pd.DataFrame({"point": np.arange(n_points, dtype=np.int64)})
        dp = self.table("design_points")
        for name in params:
            sub = dp[dp["parameter"] == name].set_index("point")
            values = [json.loads(v) for v in sub["value_json"]]
            col = pd.Series(values, index=sub.index, dtype=object)
            if sub["value"].notna().all():
                col = sub["value"]
                if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                    col = col.astype("int64")
            out[name] = out["point"].map(col)
        return out

    def counts(self) -> dict[str, int]:
        """Runs recorded by status."""
        rows = self.con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall()
        return {str(s): int(n) for s, n in rows}


def _dictionary(labels: list[str], codes: list[np.ndarray]) -> pa.Array:
    """A dictionary-encoded string column (cheap to build, read by DuckDB as VARCHAR)."""
    import pyarrow as pa

    idx = np.concatenate(codes) if codes else np.zeros(0, np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)),
                                          pa.array(labels, pa.string()))


class _Codes(dict[str, int]):
    """Label -> code, assigned in order of first use."""

    def code(self, label: str) -> int:
        return self.setdefault(label, len(self))


def _tidy_metrics(results: list[dict[str, Any]]) -> pa.Table:
    import pyarrow as pa

    points, reps, systems, names, values = [], [], [], [], []
    sys_codes, met_codes = _Codes(), _Codes()
    for r in results:
        m = r.get("metrics") or {}
        k = len(m)
        points.append(np.full(k, r["point"], np.int32))
        reps.append(np.full(k, r["replication"], np.int32))
        systems.append(np.full(k, sys_codes.code(r["system"]), np.int32))
        names.append(np.array([met_codes.code(name) for name in m], np.int32))
        values.append(np.array([np.nan if v is None else v for v in m.values()], np.float64))
    empty = [np.zeros(0)]
    return pa.table({"point": pa.array(np.concatenate(points or empty).astype(np.int32)),
                     "replication": pa.array(np.concatenate(reps or empty).astype(np.int32)),
                     "system": _dictionary(list(sys_codes), systems),
                     "metric": _dictionary(list(met_codes), names),
                     "value": pa.array(np.concatenate(values or empty).astype(np.float64))})


def _tidy_events(results: list[dict[str, Any]]) -> pa.Table:
    """One row per crisis of every result (in the order of each run's log)."""
    import pyarrow as pa

    rows = [{"point": r["point"], "replication": r["replication"], "system": r["system"],
             "crisis": k, **e} for r in results for k, e in enumerate(r.get("events") or ())]
    types = {"int": pa.int32(), "str": pa.string(), "bool": pa.bool_()}
    schema = pa.schema([("point", pa.int32()), ("replication", pa.int32()),
                        ("system", pa.string()), ("crisis", pa.int32()),
                        *[(name, types[kind]) for name, kind in CRISIS_LOG.items()]])
    return pa.Table.from_pylist(rows, schema=schema)


def _tidy_series(results: list[dict[str, Any]]) -> pa.Table:
    """Long table from each result's ``series``: ``{"year", "variables", "values"}`` (a
    years x variables array)."""
    import pyarrow as pa

    points, reps, systems, years, names, values = [], [], [], [], [], []
    sys_codes, var_codes = _Codes(), _Codes()
    for r in results:
        s = r.get("series")
        if not s:
            continue
        vals = np.asarray(s["values"], dtype=np.float64)
        n_years, k = vals.shape
        size = n_years * k
        points.append(np.full(size, r["point"], np.int32))
        reps.append(np.full(size, r["replication"], np.int32))
        systems.append(np.full(size, sys_codes.code(r["system"]), np.int32))
        years.append(np.tile(np.asarray(s["year"], dtype=np.int32), k))
        names.append(np.repeat(np.array([var_codes.code(v) for v in s["variables"]], np.int32),
                               n_years))
        values.append(vals.T.ravel())
    empty = [np.zeros(0)]
    return pa.table({"point": pa.array(np.concatenate(points or empty).astype(np.int32)),
                     "replication": pa.array(np.concatenate(reps or empty).astype(np.int32)),
                     "system": _dictionary(list(sys_codes), systems),
                     "year": pa.array(np.concatenate(years or empty).astype(np.int32)),
                     "variable": _dictionary(list(var_codes), names),
                     "value": pa.array(np.concatenate(values or empty).astype(np.float64))})


__all__ = ["SCHEMA_VERSION", "TABLES", "TABLE_ORDER", "ResultStore", "StoreError"]
