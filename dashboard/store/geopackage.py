"""The GeoPackage store: initiatives, history and tours in one SQLite file.

``GeoPackageStore`` implements ``store.base.Store``. It writes through
``sqlite3`` directly (pyogrio rewrites whole layers and has no per-record
transactions): every write is one ``BEGIN IMMEDIATE`` transaction that also
records history and bumps a version counter, in WAL mode with full sync, so a
crash or a concurrent writer never leaves a half-written store and an
acknowledged change is on disk. The file stays a valid GeoPackage that QGIS,
GDAL and geopandas read as the point layer ``initiatieven``; the GeoPackage format
itself (``gpkg_*`` tables, geometry blobs, file checks) lives in ``gpkg_format``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard.domain.record import FIELD_TYPES, record_defaults
from dashboard.i18n import Message, msg
from dashboard.store import gpkg_format as gpkg
from dashboard.store import gpkg_migrate
from dashboard.store.base import (
    ATTEMPTS,
    BATCH_PART,
    FIELD_NAMES,
    KEY_COLUMN,
    WRITE_BATCH,
    Batch,
    Change,
    Changes,
    DuplicateId,
    FailureCounts,
    NotFound,
    NothingToUndo,
    Record,
    RecordInput,
    Records,
    Snapshot,
    StoreBusy,
    StoreError,
    TourRecord,
    TourRecords,
    added_record,
    batched,
    check_batch_undo,
    first_clash,
    imported_record,
    key_owners,
    match_key,
    new_batch_id,
    pipelined,
    plan_undo,
    record_from_columns,
    seeded_record,
    sort_records,
    sort_tours,
    stored_values,
    updated_record,
    with_defaults,
)
from dashboard.store.base import clean_record as _clean
from dashboard.store.base import clean_tour as _clean_tour
from dashboard.store.base import next_stamp as _next_stamp
from dashboard.store.base import now_stamp as _now
from dashboard.store.carried import CARRIED_COLUMNS, insert_sql, select_sql
from dashboard.store.gpkg_format import blob_xy, gpkg_point
from dashboard.store.mappings import mappings_of
from dashboard.store.rooms import rooms_of

if TYPE_CHECKING:  # pandas and numpy load only when a frame is asked for: an import's
    import pandas as pd  # writer process (``import_process``) stays small

LAYER = "initiatieven"
HISTORY = "krimpkaart_history"
TOURS = "krimpkaart_tours"
META = "krimpkaart_meta"
BATCHES = gpkg_migrate.BATCHES  # the record ids of each import, in parts

SCHEMA_VERSION = gpkg_migrate.LATEST  # 2: location_approximate, 3: imports as one change
BUSY_TIMEOUT_S = 10.0
IMPORT_CACHE_KIB = 64 * 1024  # page cache of an import's connection (the default is 2 MB)
SQL_TYPES = {"text": "TEXT", "real": "REAL", "int": "INTEGER", "bool": "BOOLEAN", "json": "TEXT"}
CONSTRAINTS = {"id": " NOT NULL UNIQUE", "name": " NOT NULL"}
# Record fields in record order: (name, column type, kind), from the domain's field list.
FIELDS: tuple[tuple[str, str, str], ...] = tuple(
    (name, SQL_TYPES[kind] + CONSTRAINTS.get(name, ""), kind) for name, kind in FIELD_TYPES.items()
)
REQUIRED_TABLES = (*gpkg.CORE_TABLES, LAYER, HISTORY, TOURS, META)  # since version 1
# Columns a store cannot do without; any other record field it lacks (a store written
# before the field existed) is added on opening, with the field's default.
CORE_COLUMNS = ("fid", "geom", "id", "name")

# Our tables; ``gpkg.create_core`` makes the GeoPackage ones first.
SCHEMA: tuple[str, ...] = (
    f"CREATE TABLE {LAYER} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT, "
    + ", ".join(f"{name} {sqltype}" for name, sqltype, _ in FIELDS)
    + f", {KEY_COLUMN} TEXT)",
    f"CREATE INDEX {LAYER}_lon ON {LAYER} (lon)",  # keeps the extent update O(log n)
    f"CREATE INDEX {LAYER}_lat ON {LAYER} (lat)",
    f"CREATE TABLE {HISTORY} (seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, at TEXT NOT NULL, "
    "author TEXT NOT NULL, action TEXT NOT NULL, record_id TEXT NOT NULL, "
    "before_json TEXT, after_json TEXT, undoes INTEGER, undone_by INTEGER, batch_size INTEGER)",
    f"CREATE TABLE {TOURS} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
    "id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, steps TEXT NOT NULL, "
    "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, author TEXT NOT NULL)",
    f"CREATE TABLE {META} (fid INTEGER PRIMARY KEY CHECK (fid = 1), "
    "version INTEGER NOT NULL, schema_version INTEGER NOT NULL)",
    *gpkg_migrate.import_schema(LAYER),
)
# Auxiliary tables: made when a store opens without them, no schema number (not records).
AUX_TABLES: dict[str, tuple[str, ...]] = {
    ATTEMPTS: (
        f"CREATE TABLE IF NOT EXISTS {ATTEMPTS} (client TEXT NOT NULL, at REAL NOT NULL, "
        "ok BOOLEAN NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {ATTEMPTS}_at ON {ATTEMPTS} (at)",
        f"CREATE INDEX IF NOT EXISTS {ATTEMPTS}_client ON {ATTEMPTS} (client, at)",
    ),
}





def _row_params(record: Mapping[str, Any], ordered: bool = False) -> list[Any]:
    """``geom, <fields>, key`` as stored (``ordered``: as for ``stored_values``)."""
    geom = None if record["lat"] is None else gpkg_point(record["lon"], record["lat"])
    return [geom, *stored_values(record, ordered), match_key(record["name"], record["place"])]


def _from_row(row: sqlite3.Row | tuple) -> Record:
    """A record from ``geom, <fields>``; the geometry wins over lat/lon, and NULLs from
    other tools (a point moved or a row added in QGIS) become the record defaults."""
    return record_from_columns(row[1:], blob_xy(row[0]))


def _dumps(record: Record | None) -> str | None:
    return None if record is None else json.dumps(record, ensure_ascii=False)


def _loads(text: str | None) -> Record | None:
    """A record from the history; fields added since it was written get their defaults."""
    return None if text is None else with_defaults(json.loads(text))


def _stored_default(name: str, kind: str) -> Any:
    """A field's default as its column holds it (lists as JSON text)."""
    value = record_defaults()[name]  # type: ignore[literal-required]
    return json.dumps(value) if kind == "json" else value


_COLUMNS = ", ".join(FIELD_NAMES)
_SELECT = f"SELECT geom, {_COLUMNS} FROM {LAYER}"
_INSERT = (
    f"INSERT INTO {LAYER} (geom, {_COLUMNS}, {KEY_COLUMN}) "
    f"VALUES ({', '.join('?' * (len(FIELDS) + 2))})"
)
_UPDATE = (
    f"UPDATE {LAYER} SET geom = ?, "
    + ", ".join(f"{name} = ?" for name in FIELD_NAMES)
    + f", {KEY_COLUMN} = ? WHERE id = ?"
)
_HISTORY_COLUMNS = "seq, at, author, action, record_id, before_json, after_json, undoes, batch_size"
_IDS = "(SELECT value FROM json_each(?))"  # a list of ids as one parameter


def _change(row: tuple) -> Change:
    seq, at, author, action, record_id, before, after, undoes, count = row
    return Change(seq, at, author, action, record_id, _loads(before), _loads(after), undoes,
                  count)
# --- the GeoPackage store -------------------------------------------------------------------


class GeoPackageStore:
    """Initiatives in one GeoPackage file; safe for several threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._uri = self.path.resolve().as_uri() + "?mode=rw"  # rw: never create a new file
        problem = _store_problem(self.path)
        if problem:
            raise StoreError(key="store_unusable", path=str(self.path), problem=problem)
        if _schema_version(self.path) < SCHEMA_VERSION:
            self._migrate()  # named steps first (they infer values) ...
        self._add_missing_fields()  # ... then any field still missing gets its default
        rooms_of(self)  # workshops and suggestions: their tables, made when missing
        self._add_aux_tables()

    @classmethod
    def create(cls, path: str | Path, data: Iterable[RecordInput] = ()) -> GeoPackageStore:
        """Create the GeoPackage with ``data``; a store that exists already is left as is."""
        path = Path(path)
        records = [_clean(r) for r in data]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(key="store_cannot_create", path=str(path), error=str(exc)) from exc
        try:
            with _sqlite_errors(path):
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                with _transaction(conn):
                    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
                    if tables:  # another process created it first, or it is foreign
                        return cls(path)
                    _create_schema(conn)
                    now = _now()
                    for record in records:
                        _insert_seed(conn, record, now)
                    _touch(conn)
        finally:
            conn.close()
        return cls(path)

    def _migrate(self) -> None:
        """Bring a file written by an older version up to date, once (``gpkg_migrate``)."""
        with self._write() as conn:
            version = conn.execute(f"SELECT schema_version FROM {META} WHERE fid = 1").fetchone()[0]
            if version < SCHEMA_VERSION:  # another process may have done it meanwhile
                version = gpkg_migrate.migrate(conn, version, LAYER, HISTORY)
                conn.execute(f"UPDATE {META} SET schema_version = ? WHERE fid = 1", (version,))

    # connections ---------------------------------------------------------------------------

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A fresh connection per call: cheap (~0.3 ms), and safe across Streamlit's threads."""
        with _sqlite_errors(self.path):
            conn = sqlite3.connect(  # an import writes from a second thread (``pipelined``)
                self._uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                check_same_thread=False,
            )
            try:
                if write:
                    conn.execute("PRAGMA synchronous=FULL")  # a commit is on disk when acked
                    gpkg.register_functions(conn)
                yield conn
            finally:
                conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        with self._connect(write=True) as conn, _transaction(conn):
            yield conn
            gpkg_migrate.fill_keys(conn, LAYER)
            _touch(conn)

    def _add_missing_fields(self) -> None:
        """Add every record field the table lacks, with its default: one generic, additive
        step for a store written before a field existed. Older versions of Krimpkaart
        name their columns, so they keep reading and writing the file."""
        with self._connect() as conn:
            if not _missing_fields(conn, "main"):
                return
        with self._write() as conn:
            for name, sqltype, kind in _missing_fields(conn, "main"):  # again, under the lock
                conn.execute(f"ALTER TABLE {LAYER} ADD COLUMN {name} {sqltype}")
                value = _stored_default(name, kind)
                if value is not None:
                    conn.execute(f"UPDATE {LAYER} SET {name} = ?", (value,))

    def _add_aux_tables(self) -> None:
        """Create the auxiliary tables a store lacks; a store that has them is only read."""
        with self._connect() as conn:
            present = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [name for name in AUX_TABLES if name not in present]
        if missing:
            with self._connect(write=True) as conn, _transaction(conn):
                for name in missing:
                    for statement in AUX_TABLES[name]:
                        conn.execute(statement)

    # initiatives ---------------------------------------------------------------------------

    def list(self) -> Records:
        """All records, sorted by name."""
        with self._connect() as conn:
            rows = conn.execute(_SELECT).fetchall()
        return sort_records(_from_row(r) for r in rows)

    def columns(self, ids: Collection[str] | None = None) -> pd.DataFrame:
        """All records (or those with these ids) as one DataFrame, read column-wise, in
        ``list()``'s order."""
        from dashboard.store.columns import blob_points, records_frame

        with self._connect() as conn:
            if ids is None:
                rows = conn.execute(_SELECT).fetchall()
            else:
                rows = conn.execute(f"{_SELECT} WHERE id IN {_IDS}",
                                    (json.dumps(list(ids)),)).fetchall()
        geoms, *fields = zip(*rows, strict=True) if rows else [()] * (len(FIELDS) + 1)
        lon, lat = blob_points(geoms)
        return records_frame(fields, lon, lat)

    def get(self, id: str) -> Record | None:
        """The record with this id, or None."""
        with self._connect() as conn:
            return _get(conn, id)

    def stamps(self) -> dict[str, str]:
        """Each record's id -> a token of its row id and ``updated_at``, which every write by
        the app changes (row ids are never reused): what changed since a frame was read."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT id, fid || ' ' || COALESCE(updated_at, '') FROM {LAYER}").fetchall()
        return dict(rows)

    def add(self, record: RecordInput, author: str) -> Record:
        """Add a new record; sets timestamps and author. Raises ``DuplicateId``."""
        with self._write() as conn:
            return _add(conn, _clean(record), author, _now())

    def add_many(self, records: Iterable[RecordInput], author: str) -> Records:
        """Add all records in one transaction, as one change (see ``import_records``);
        returns them as stored."""
        with self._write() as conn:
            return _import(conn, records, author, _now(), keep=True)[1]

    def import_records(self, records: Iterable[RecordInput], author: str) -> Batch:
        """Add the records as they come (an iterator is read once, in rounds of
        ``WRITE_BATCH``), in one transaction: any bad record, a duplicate id, or an
        exception from the iterator, and nothing is written. One history entry for all
        of them; ``undo_last`` removes them together. Holds the write lock throughout."""
        with self._write() as conn:
            conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
            return _import(conn, records, author, _now(), keep=False)[0]

    def existing_ids(self, ids: Iterable[str]) -> dict[str, str]:
        """``id -> name`` of those of ``ids`` that the store holds (one indexed query)."""
        wanted = json.dumps(list(ids))
        with self._connect() as conn:
            return dict(conn.execute(f"SELECT id, name FROM {LAYER} WHERE id IN {_IDS}",
                                     (wanted,)).fetchall())

    def existing_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """``key -> id`` for those ``match_key`` values the store holds (indexed), counting
        rows another tool changed since the store last wrote (their key is NULL)."""
        wanted = set(keys)
        with self._connect() as conn:
            conn.execute("BEGIN")
            try:
                rows = conn.execute(
                    f"SELECT {KEY_COLUMN}, id, name FROM {LAYER} WHERE {KEY_COLUMN} IN {_IDS}",
                    (json.dumps(list(wanted)),)).fetchall()
                stale = conn.execute(f"SELECT id, name, place FROM {LAYER} "
                                     f"WHERE {KEY_COLUMN} IS NULL").fetchall()
            finally:
                conn.execute("ROLLBACK")
        rows += [(key, rid, name) for rid, name, place in stale
                 if (key := match_key(name or "", place or "")) in wanted]
        return key_owners(rows)

    def update(
        self, data: RecordInput, author: str, expected_updated_at: str | None = None
    ) -> Record:
        """Replace a record. ``expected_updated_at`` guards against overwriting someone's edit."""
        record = _clean(data)
        with self._write() as conn:
            before = _get(conn, record["id"])
            after = updated_record(record, before, author, expected_updated_at)
            conn.execute(_UPDATE, [*_row_params(after), after["id"]])
            _log(conn, after["updated_at"], author, "update", after["id"], before, after)
            return after

    def delete(self, id: str, author: str) -> Record:
        """Delete a record and return it. Raises ``NotFound``."""
        with self._write() as conn:
            before = _get(conn, id)
            if before is None:
                raise NotFound(key="store_not_found", id=id)
            conn.execute(f"DELETE FROM {LAYER} WHERE id = ?", (id,))
            _log(conn, _now(), author, "delete", id, before, None)
            return before

    def history(self, limit: int = 50) -> Changes:
        """The latest changes, newest first."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {_HISTORY_COLUMNS} FROM {HISTORY} ORDER BY seq DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_change(r) for r in rows]

    def undo_last(self, author: str | None = None) -> Change:
        """Revert the latest change not yet undone (by ``author`` when given).

        The undo is recorded as a change of its own (author: ``author``, else the
        author of the undone change); undos themselves are not undone. Refuses with
        ``Conflict`` when the record was changed after the change being undone.
        """
        with self._write() as conn:
            sql = f"SELECT {_HISTORY_COLUMNS} FROM {HISTORY} "
            sql += "WHERE action != 'undo' AND undone_by IS NULL"
            params: tuple = ()
            if author is not None:
                sql, params = sql + " AND author = ?", (author,)
            row = conn.execute(sql + " ORDER BY seq DESC LIMIT 1", params).fetchone()
            if row is None:
                if author is not None:
                    raise NothingToUndo(key="store_nothing_to_undo_by", author=author)
                raise NothingToUndo(key="store_nothing_to_undo")
            change = _change(row)
            if change.action == "import":
                return _undo_import(conn, change, author)
            current = _get(conn, change.record_id)
            by, stamp, after = plan_undo(change, current, author,
                                         _later_changes(conn, change))
            if after is None:
                conn.execute(f"DELETE FROM {LAYER} WHERE id = ?", (change.record_id,))
            else:
                if current is None:
                    conn.execute(_INSERT, _row_params(after))
                else:
                    conn.execute(_UPDATE, [*_row_params(after), after["id"]])
            seq = _log(conn, stamp, by, "undo", change.record_id, current, after, change.seq)
            conn.execute(f"UPDATE {HISTORY} SET undone_by = ? WHERE seq = ?", (seq, change.seq))
            return Change(seq, stamp, by, "undo", change.record_id, current, after, change.seq)

    def version(self) -> int:
        """Counter bumped by every write; poll it to see whether anything changed."""
        with self._connect() as conn:
            return conn.execute(f"SELECT version FROM {META} WHERE fid = 1").fetchone()[0]

    def reseed(self, data: Iterable[RecordInput]) -> int:
        """Replace all records with ``data`` (e.g. the seed) and clear the history."""
        records = [_clean(r) for r in data]
        now = _now()
        with self._write() as conn:
            conn.execute(f"DELETE FROM {LAYER}")
            conn.execute(f"DELETE FROM {HISTORY}")
            conn.execute(f"DELETE FROM {BATCHES}")
            for record in records:
                _insert_seed(conn, record, now)
        return len(records)

    # tours ---------------------------------------------------------------------------------

    def list_tours(self) -> TourRecords:
        """All tours, sorted by title."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_TOUR_COLUMNS} FROM {TOURS}").fetchall()
        return sort_tours(_tour(r) for r in rows)

    def get_tour(self, id: str) -> TourRecord | None:
        """The tour with this id, or None."""
        with self._connect() as conn:
            row = conn.execute(
                f"SELECT {_TOUR_COLUMNS} FROM {TOURS} WHERE id = ?", (id,)
            ).fetchone()
        return None if row is None else _tour(row)

    def save_tour(self, tour: Mapping[str, Any], author: str) -> TourRecord:
        """Create or replace a tour ``{id, title, steps: [{initiative_id, text}]}``."""
        tid, title, steps = _clean_tour(tour)
        with self._write() as conn:
            old = conn.execute(
                f"SELECT created_at, updated_at FROM {TOURS} WHERE id = ?", (tid,)
            ).fetchone()
            created, stamp = (old[0], _next_stamp(old[1])) if old else (_now(), _now())
            conn.execute(
                f"INSERT INTO {TOURS} (id, title, steps, created_at, updated_at, author) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "title = excluded.title, steps = excluded.steps, "
                "updated_at = excluded.updated_at, author = excluded.author",
                (tid, title, json.dumps(steps, ensure_ascii=False), created, stamp, author),
            )
        return {"id": tid, "title": title, "steps": steps, "created_at": created,
                "updated_at": stamp, "author": author}

    def delete_tour(self, id: str, author: str) -> TourRecord:
        """Delete a tour and return it. Raises ``NotFound``."""
        with self._write() as conn:
            row = conn.execute(
                f"SELECT {_TOUR_COLUMNS} FROM {TOURS} WHERE id = ?", (id,)
            ).fetchone()
            if row is None:
                raise NotFound(key="store_tour_not_found", id=id)
            conn.execute(f"DELETE FROM {TOURS} WHERE id = ?", (id,))
        return _tour(row)

    # passcode attempts (never a version bump: no open page needs to hear of them) -----------

    def record_passcode_attempt(self, client: str, at: float, ok: bool,
                                forget_before: float) -> None:
        """Count an attempt; a right one forgives the client's failures. Old rows go."""
        with self._connect(write=True) as conn, _transaction(conn):
            conn.execute(f"DELETE FROM {ATTEMPTS} WHERE at < ?", (forget_before,))
            if ok:
                conn.execute(f"DELETE FROM {ATTEMPTS} WHERE client = ? AND NOT ok", (client,))
            conn.execute(f"INSERT INTO {ATTEMPTS} (client, at, ok) VALUES (?, ?, ?)",
                         (client, at, ok))

    def passcode_failures(self, client: str, client_since: float,
                          everyone_since: float) -> FailureCounts:
        """Failures of ``client`` since ``client_since``, of everyone since ``everyone_since``."""
        with self._connect() as conn:
            mine = conn.execute(f"SELECT count(*), max(at) FROM {ATTEMPTS} "
                                "WHERE client = ? AND NOT ok AND at >= ?",
                                (client, client_since)).fetchone()
            all_ = conn.execute(f"SELECT count(*), max(at) FROM {ATTEMPTS} "
                                "WHERE NOT ok AND at >= ?", (everyone_since,)).fetchone()
        return FailureCounts(mine[0], mine[1], all_[0], all_[1])

    # files and copies ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Records, history, tours, version and the carried tables, read in one transaction."""
        with self._connect() as conn:
            return _read_snapshot(conn)

    def replace_with(self, snapshot: Snapshot) -> int:
        """Replace everything with ``snapshot`` in one transaction; returns the records written.

        History keeps its sequence numbers (undo works on in the copy) and the version
        ends above both the store's and the snapshot's, so open screens notice. The
        workshops, suggestions and column mappings are replaced too (``store.carried``);
        the passcode attempts stay as they are.
        """
        mappings_of(self)  # its table is made on first use: make it now
        with self._write() as conn:
            for table in (LAYER, HISTORY, TOURS, BATCHES, *CARRIED_COLUMNS):
                conn.execute(f"DELETE FROM {table}")
            conn.executemany(_INSERT, (_row_params(r) for r in snapshot.records))
            for table, rows in snapshot.carried.items():
                conn.executemany(insert_sql(table, "?"), rows)
            conn.executemany(
                f"INSERT INTO {HISTORY} ({_HISTORY_COLUMNS}, undone_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((c.seq, c.at, c.author, c.action, c.record_id, _dumps(c.before),
                  _dumps(c.after), c.undoes, c.count, undone_by)
                 for c, undone_by in snapshot.history),
            )
            for seq, ids in snapshot.batches.items():
                _store_batch_ids(conn, seq, 0, ids)
            conn.executemany(
                f"INSERT INTO {TOURS} ({_TOUR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                ((t["id"], t["title"], json.dumps(t["steps"], ensure_ascii=False),
                  t["created_at"], t["updated_at"], t["author"]) for t in snapshot.tours),
            )
            conn.execute(f"UPDATE {META} SET version = max(version, ?) WHERE fid = 1",
                         (snapshot.version,))
        return len(snapshot.records)

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own connection."""

    def backup(self, dest: str | Path, *, overwrite: bool = False) -> Path:
        """Write a consistent snapshot to ``dest`` (via a temp file, then an atomic rename).

        An existing ``dest`` is replaced only with ``overwrite`` (else ``BackupExists``),
        and never when it is this store (or one of its -wal/-shm files). Errors while
        writing name ``dest``; only errors while reading the store name the store.
        """
        dest = check_backup_destination(dest, self.path, overwrite=overwrite)

        def copy(tmp: Path) -> None:
            try:
                target = sqlite3.connect(tmp, isolation_level=None)
            except sqlite3.Error as exc:
                raise _backup_failed(dest, exc) from exc
            try:
                with self._connect() as conn:  # the store's own errors name the store
                    try:
                        conn.backup(target)
                        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                    except sqlite3.Error as exc:
                        raise _backup_failed(dest, exc) from exc
            finally:
                target.close()

        return _write_file(dest, copy)

    def restore(self, src: str | Path) -> int:
        """Replace the store's contents with a backup, in one transaction; returns records.

        The file is checked first (integrity, GeoPackage id, our tables); a bad file
        is refused and the store left untouched.
        """
        src = Path(src)
        if src.exists() and src.resolve() == self.path.resolve():
            raise StoreError(key="store_restore_is_store")
        return self.replace_with(read_backup(src))


def write_backup(snapshot: Snapshot, dest: str | Path, *, overwrite: bool = False) -> Path:
    """A new GeoPackage at ``dest`` holding ``snapshot`` (the backup of any backend); an
    existing file is replaced only with ``overwrite`` (see ``check_backup_destination``)."""
    path = check_backup_destination(dest, None, overwrite=overwrite)

    def fill(tmp: Path) -> None:
        GeoPackageStore.create(tmp).replace_with(snapshot)
        with closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file

    return _write_file(path, fill)


def read_backup(path: str | Path) -> Snapshot:
    """The contents of a backup file, after ``check_backup``; the file is only read."""
    path = Path(path)
    check_backup(path)
    with _sqlite_errors(path), closing(sqlite3.connect(
        path.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
        isolation_level=None,
    )) as conn:
        return _read_snapshot(conn)


def _write_file(dest: Path, write: Callable[[Path], None]) -> Path:
    """``write`` a temp file beside ``dest``, then rename it over ``dest`` (all or nothing)."""
    if not dest.parent.is_dir():
        raise StoreError(key="store_folder_missing", folder=str(dest.parent))
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        raise _backup_failed(dest, exc) from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)
    return dest


def _read_snapshot(conn: sqlite3.Connection) -> Snapshot:
    """Everything in the store, in one read transaction (a consistent view).

    A file written before a record field existed (an old backup) has no column for
    it: NULL is read instead, which becomes the field's default.
    """
    absent = {name for name, _, _ in _missing_fields(conn, "main")}
    select = f"SELECT geom, {', '.join('NULL' if n in absent else n for n in FIELD_NAMES)} " \
             f"FROM {LAYER}"
    conn.execute("BEGIN")
    try:
        records = sort_records(_from_row(r) for r in conn.execute(select))
        since_3 = _columns(conn, HISTORY)  # a backup from before version 3 has no imports
        columns = _HISTORY_COLUMNS if "batch_size" in since_3 else _HISTORY_COLUMNS.replace(
            "batch_size", "NULL")
        history = [
            (_change(row[:-1]), row[-1]) for row in conn.execute(
                f"SELECT {columns}, undone_by FROM {HISTORY} ORDER BY seq")
        ]
        batches: dict[int, list[str]] = {}
        if "batch_size" in since_3:
            for seq, ids in conn.execute(f"SELECT seq, ids FROM {BATCHES} ORDER BY seq, part"):
                batches.setdefault(seq, []).extend(json.loads(ids))
        if "location_approximate" in absent:  # written before the field: judge it as then
            judge = gpkg_migrate.judged_location
            records = [judge(r) for r in records]
            history = [(replace(c, before=c.before and judge(c.before),
                                after=c.after and judge(c.after)), undone)
                       for c, undone in history]
        tours = sort_tours(_tour(r) for r in conn.execute(f"SELECT {_TOUR_COLUMNS} FROM {TOURS}"))
        version = conn.execute(f"SELECT version FROM {META} WHERE fid = 1").fetchone()[0]
        present = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        carried = {table: [tuple(r) for r in conn.execute(select_sql(table))]
                   for table in CARRIED_COLUMNS if table in present}  # old files lack some
    finally:
        conn.execute("ROLLBACK")
    return Snapshot(records, history, tours, version, batches, carried)


# --- backup destinations --------------------------------------------------------------------


class BackupExists(StoreError):
    """The backup's destination exists; it is replaced only when the caller says so."""


SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")  # SQLite's files beside a database


def check_backup_destination(dest: str | Path, store: Path | None, *, overwrite: bool) -> Path:
    """``dest`` as a path a backup may be written to, or a ``StoreError`` saying why not.

    Refused always: no name, a folder, something that is not a regular file (a device,
    a pipe), and the store file itself or its -wal/-shm files, by any name (a symlink or
    a hard link included; ``store`` is None for a store that is not a file). Refused
    unless ``overwrite``: any other existing file.
    """
    if not str(dest).strip():
        raise StoreError(key="store_backup_no_name")
    dest = Path(dest)
    if dest.is_dir():
        raise StoreError(key="store_backup_is_folder", path=str(dest))
    present = dest.exists()  # follows a symlink
    if store is not None and (
            (present and store.exists() and os.path.samefile(dest, store))
            or _is_sidecar(dest, store)):
        raise StoreError(key="store_backup_is_store")
    if present and not dest.is_file():
        raise StoreError(key="store_backup_not_a_file", path=str(dest))
    if (present or dest.is_symlink()) and not overwrite:
        raise BackupExists(key="store_backup_exists", path=str(dest))
    if not dest.parent.is_dir():
        raise StoreError(key="store_folder_missing", folder=str(dest.parent))
    return dest


def _is_sidecar(dest: Path, store: Path) -> bool:
    """Whether ``dest`` names one of SQLite's files beside the store (its -wal, -shm…)."""
    return (dest.name in {store.name + suffix for suffix in SIDECAR_SUFFIXES}
            and dest.parent.is_dir() and store.parent.is_dir()
            and os.path.samefile(dest.parent, store.parent))


def _backup_failed(dest: Path, exc: Exception) -> StoreError:
    error = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return StoreError(key="store_backup_failed", path=str(dest), error=error)


# --- helpers on a connection ----------------------------------------------------------------


@contextmanager
def _sqlite_errors(path: Path) -> Iterator[None]:
    """Turn sqlite3 errors into ``StoreError`` with the path in the message."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreBusy(key="store_locked", path=str(path),
                            seconds=round(BUSY_TIMEOUT_S)) from exc
        raise StoreError(key="store_sqlite", path=str(path), error=str(exc)) from exc
    except sqlite3.Error as exc:
        raise StoreError(key="store_sqlite", path=str(path), error=str(exc)) from exc


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE (take the write lock up front), COMMIT, or ROLLBACK on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _missing_fields(conn: sqlite3.Connection, schema: str) -> list[tuple[str, str, str]]:
    """The record fields (name, column type, kind) the layer in ``schema`` has no column for."""
    present = {r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({LAYER})")}
    return [field for field in FIELDS if field[0] not in present]


def _create_schema(conn: sqlite3.Connection) -> None:
    """A new store: GeoPackage core, our tables, each registered so GIS tools list it."""
    gpkg.create_core(conn)
    for statement in SCHEMA:
        conn.execute(statement)
    gpkg.add_features(conn, LAYER, "Krimpkaart initiatives")
    gpkg.add_attributes(conn, HISTORY, "Krimpkaart change history")
    gpkg.add_attributes(conn, TOURS, "Krimpkaart guided tours")
    gpkg.add_attributes(conn, META, "Krimpkaart store version")
    gpkg.add_attributes(conn, BATCHES, "Krimpkaart imports: the records each one added")
    conn.execute(f"INSERT INTO {META} VALUES (1, 0, ?)", (SCHEMA_VERSION,))


def _touch(conn: sqlite3.Connection) -> None:
    """Bump the version and keep gpkg_contents' extent and last_change true for GIS tools."""
    conn.execute(f"UPDATE {META} SET version = version + 1 WHERE fid = 1")
    gpkg.refresh_contents(conn, LAYER, x="lon", y="lat")


def _get(conn: sqlite3.Connection, id: str) -> Record | None:
    row = conn.execute(f"{_SELECT} WHERE id = ?", (id,)).fetchone()
    return None if row is None else _from_row(row)


def _add(conn: sqlite3.Connection, record: Record, author: str, now: str) -> Record:
    if conn.execute(f"SELECT 1 FROM {LAYER} WHERE id = ?", (record["id"],)).fetchone():
        raise DuplicateId(key="store_duplicate_id", id=record["id"])
    added = added_record(record, author, now)
    conn.execute(_INSERT, _row_params(added))
    _log(conn, now, author, "add", added["id"], None, added)
    return added


def _import(
    conn: sqlite3.Connection, records: Iterable[RecordInput], author: str, now: str, keep: bool
) -> tuple[Batch, Records]:
    """Insert ``records`` in rounds, logged as one ``import`` change whose ids are stored in
    parts; returns the batch and, with ``keep``, the records as stored. The rows of one
    round are made while the round before is written (``pipelined``)."""
    batch_id = new_batch_id(now)
    state: dict[str, Any] = {"seq": None, "count": 0, "parts": 0}
    pending: list[str] = []
    kept: Records = []

    def rounds() -> Iterator[tuple[Records, list[list[Any]]]]:
        for chunk in batched(records, WRITE_BATCH):
            added = [imported_record(r, author, now) for r in chunk]
            if keep:
                kept.extend(added)
            yield added, [_row_params(r, ordered=True) for r in added]

    def write(item: tuple[Records, list[list[Any]]]) -> None:
        added, params = item
        _insert_new(conn, added, params)
        if state["seq"] is None:
            state["seq"] = _log(conn, now, author, "import", batch_id, None, None)
        pending.extend(r["id"] for r in added)
        while len(pending) >= BATCH_PART:
            state["parts"] = _store_batch_ids(conn, state["seq"], state["parts"],
                                              pending[:BATCH_PART])
            del pending[:BATCH_PART]
        state["count"] += len(added)

    pipelined(rounds(), write)
    seq, count = state["seq"], state["count"]
    if seq is not None:
        _store_batch_ids(conn, seq, state["parts"], pending)
        conn.execute(f"UPDATE {HISTORY} SET batch_size = ? WHERE seq = ?", (count, seq))
    return Batch(batch_id, seq, count, now), kept


def _insert_new(conn: sqlite3.Connection, records: Records, params: list[list[Any]]) -> None:
    """Insert new records (``params``: their rows); ``DuplicateId`` (naming the first clash)
    and none of them if an id is taken, by the store or earlier in this import."""
    conn.execute("SAVEPOINT new_records")
    try:
        conn.executemany(_INSERT, params)
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK TO new_records")
        wanted = json.dumps([r["id"] for r in records])
        stored = {r[0] for r in conn.execute(f"SELECT id FROM {LAYER} WHERE id IN {_IDS}",
                                             (wanted,))}
        raise DuplicateId(key="store_duplicate_id", id=first_clash(records, stored)) from exc
    conn.execute("RELEASE new_records")


def _store_batch_ids(conn: sqlite3.Connection, seq: int, part: int, ids: list[str]) -> int:
    """Store ``ids`` as parts of ``BATCH_PART`` from number ``part`` on; the next part number."""
    for start in range(0, len(ids), BATCH_PART):
        conn.execute(f"INSERT INTO {BATCHES} (seq, part, ids) VALUES (?, ?, ?)",
                     (seq, part, json.dumps(ids[start:start + BATCH_PART])))
        part += 1
    return part


def _undo_import(conn: sqlite3.Connection, change: Change, author: str | None) -> Change:
    """Remove the records an import added, if each is still as imported (else ``Conflict``)."""
    parts = [ids for (ids,) in conn.execute(
        f"SELECT ids FROM {BATCHES} WHERE seq = ? ORDER BY part", (change.seq,))]
    for part in parts:
        found = {rid: (name, who, at) for rid, name, who, at in conn.execute(
            f"SELECT id, name, author, updated_at FROM {LAYER} WHERE id IN {_IDS}", (part,))}
        check_batch_undo(change, json.loads(part), found)
    for part in parts:
        conn.execute(f"DELETE FROM {LAYER} WHERE id IN {_IDS}", (part,))
    by = author if author is not None else change.author
    stamp = _next_stamp(change.at)
    seq = _log(conn, stamp, by, "undo", change.record_id, None, None, change.seq, change.count)
    conn.execute(f"UPDATE {HISTORY} SET undone_by = ? WHERE seq = ?", (seq, change.seq))
    return Change(seq, stamp, by, "undo", change.record_id, None, None, change.seq, change.count)


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _insert_seed(conn: sqlite3.Connection, record: Record, now: str) -> None:
    """Seed records keep their own timestamps and author; missing ones are filled in."""
    record = seeded_record(record, now)
    try:
        conn.execute(_INSERT, _row_params(record))
    except sqlite3.IntegrityError as exc:
        raise DuplicateId(key="store_seed_duplicate_id", id=record["id"]) from exc


def _log(
    conn: sqlite3.Connection, at: str, author: str, action: str, record_id: str,
    before: Record | None, after: Record | None, undoes: int | None = None,
    count: int | None = None,
) -> int:
    cursor = conn.execute(
        f"INSERT INTO {HISTORY} (at, author, action, record_id, before_json, after_json, undoes, "
        "batch_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (at, author, action, record_id, _dumps(before), _dumps(after), undoes, count),
    )
    return int(cursor.lastrowid or 0)


def _later_changes(conn: sqlite3.Connection, change: Change) -> Changes:
    """The history entries for ``change``'s record after it (for ``undo_conflict``)."""
    rows = conn.execute(
        f"SELECT {_HISTORY_COLUMNS} FROM {HISTORY} WHERE record_id = ? AND seq > ? ORDER BY seq",
        (change.record_id, change.seq),
    ).fetchall()
    return [_change(r) for r in rows]


_TOUR_COLUMNS = "id, title, steps, created_at, updated_at, author"


def _tour(row: tuple) -> TourRecord:
    tid, title, steps, created, updated, author = row
    return {"id": tid, "title": title, "steps": json.loads(steps), "created_at": created,
            "updated_at": updated, "author": author}


# --- checking files -------------------------------------------------------------------------


def is_initialised(path: Path) -> bool:
    """True when ``path`` holds a database with tables (a blank file is created over)."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True,
                               timeout=BUSY_TIMEOUT_S)
        try:
            return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        finally:
            conn.close()
    except sqlite3.Error:
        return True  # not a database: let GeoPackageStore() say so, never overwrite it


def check_backup(path: str | Path) -> None:
    """Raise ``StoreError`` unless ``path`` is an intact Krimpkaart GeoPackage to restore."""
    problem = _store_problem(Path(path), full=True)
    if problem:
        raise StoreError(key="store_restore_refused", path=str(path), problem=problem)


def _schema_version(path: Path) -> int:
    """The schema version a (checked) store file was written with."""
    with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True,
                                 timeout=BUSY_TIMEOUT_S)) as conn, _sqlite_errors(path):
        return int(conn.execute(f"SELECT schema_version FROM {META} WHERE fid = 1").fetchone()[0])


def _store_problem(path: Path, full: bool = False) -> Message | None:
    """Why ``path`` is not a usable Krimpkaart GeoPackage, or None; ``full`` adds integrity."""
    problem = gpkg.file_problem(path)
    if problem:
        return problem
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        return msg("store_problem_cannot_open", error=str(exc))
    try:
        problem = gpkg.format_problem(conn)
        if problem:
            return problem
        if full:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if [r[0] for r in result] != ["ok"]:
                return msg("store_problem_damaged", detail=str(result[0][0]))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            return msg("store_problem_missing_tables", n=len(missing), tables=", ".join(missing))
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({LAYER})")}
        missing = [c for c in CORE_COLUMNS if c not in columns]
        if missing:
            return msg("store_problem_missing_columns", table=LAYER, n=len(missing),
                       columns=", ".join(missing))
        row = conn.execute(f"SELECT schema_version FROM {META} WHERE fid = 1").fetchone()
        if row is None or row[0] > SCHEMA_VERSION:
            return msg("store_problem_newer")
    except sqlite3.Error as exc:
        return msg("store_problem_unreadable", error=str(exc))
    finally:
        conn.close()
    return None
