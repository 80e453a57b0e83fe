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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any, cast

from dashboard.domain.record import FIELD_TYPES
from dashboard.i18n import Message, msg
from dashboard.store import gpkg_format as gpkg
from dashboard.store import gpkg_migrate
from dashboard.store.base import (
    FIELD_NAMES,
    TEXT_DEFAULTS,
    Change,
    Changes,
    Conflict,
    DuplicateId,
    InvalidRecord,
    NotFound,
    NothingToUndo,
    Record,
    RecordInput,
    Records,
    StoreBusy,
    StoreError,
    TourRecord,
    TourRecords,
    undo_conflict,
)
from dashboard.store.base import clean_record as _clean
from dashboard.store.base import next_stamp as _next_stamp
from dashboard.store.base import now_stamp as _now
from dashboard.store.gpkg_format import blob_xy, gpkg_point

LAYER = "initiatieven"
HISTORY = "krimpkaart_history"
TOURS = "krimpkaart_tours"
META = "krimpkaart_meta"

SCHEMA_VERSION = gpkg_migrate.LATEST  # 2: location_approximate
BUSY_TIMEOUT_S = 10.0
SQL_TYPES = {"text": "TEXT", "real": "REAL", "int": "INTEGER", "bool": "BOOLEAN", "json": "TEXT"}
CONSTRAINTS = {"id": " NOT NULL UNIQUE", "name": " NOT NULL"}
# Record fields in record order: (name, column type, kind), from the domain's field list.
FIELDS: tuple[tuple[str, str, str], ...] = tuple(
    (name, SQL_TYPES[kind] + CONSTRAINTS.get(name, ""), kind) for name, kind in FIELD_TYPES.items()
)
REQUIRED_TABLES = (*gpkg.CORE_TABLES, LAYER, HISTORY, TOURS, META)

# Our tables; ``gpkg.create_core`` makes the GeoPackage ones first.
SCHEMA: tuple[str, ...] = (
    f"CREATE TABLE {LAYER} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT, "
    + ", ".join(f"{name} {sqltype}" for name, sqltype, _ in FIELDS)
    + ")",
    f"CREATE INDEX {LAYER}_lon ON {LAYER} (lon)",  # keeps the extent update O(log n)
    f"CREATE INDEX {LAYER}_lat ON {LAYER} (lat)",
    f"CREATE TABLE {HISTORY} (seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, at TEXT NOT NULL, "
    "author TEXT NOT NULL, action TEXT NOT NULL, record_id TEXT NOT NULL, "
    "before_json TEXT, after_json TEXT, undoes INTEGER, undone_by INTEGER)",
    f"CREATE TABLE {TOURS} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
    "id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, steps TEXT NOT NULL, "
    "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, author TEXT NOT NULL)",
    f"CREATE TABLE {META} (fid INTEGER PRIMARY KEY CHECK (fid = 1), "
    "version INTEGER NOT NULL, schema_version INTEGER NOT NULL)",
)



def _row_params(record: Mapping[str, Any]) -> list[Any]:
    geom = None if record["lat"] is None else gpkg_point(record["lon"], record["lat"])
    values = [
        json.dumps(record[name], ensure_ascii=False) if kind == "json" else record[name]
        for name, _, kind in FIELDS
    ]
    return [geom, *values]


def _from_row(row: sqlite3.Row | tuple) -> Record:
    """A record from ``geom, <fields>``; the geometry wins over lat/lon, and NULLs from
    other tools (a point moved or a row added in QGIS) become the record defaults."""
    record: dict[str, Any] = {}
    for (name, _, kind), value in zip(FIELDS, row[1:], strict=True):
        if kind == "json":
            value = _json_list(value)
        elif kind == "text" and value is None:
            value = TEXT_DEFAULTS.get(name, "")
        elif kind == "bool":
            value = bool(value)  # SQLite keeps 0/1; NULL from another tool is "no"
        record[name] = value
    xy = blob_xy(row[0])
    record["lon"], record["lat"] = xy if xy else (None, None)
    return cast(Record, record)


def _json_list(value: str | None) -> list:
    """A JSON list column; text typed in by hand is kept as a one-item list, not dropped."""
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    return parsed if isinstance(parsed, list) else [parsed]


def _dumps(record: Record | None) -> str | None:
    return None if record is None else json.dumps(record, ensure_ascii=False)


def _loads(text: str | None) -> Record | None:
    return None if text is None else json.loads(text)


_COLUMNS = ", ".join(FIELD_NAMES)
_SELECT = f"SELECT geom, {_COLUMNS} FROM {LAYER}"
_INSERT = (
    f"INSERT INTO {LAYER} (geom, {_COLUMNS}) VALUES ({', '.join('?' * (len(FIELDS) + 1))})"
)
_UPDATE = (
    f"UPDATE {LAYER} SET geom = ?, "
    + ", ".join(f"{name} = ?" for name in FIELD_NAMES)
    + " WHERE id = ?"
)
_HISTORY_COLUMNS = "seq, at, author, action, record_id, before_json, after_json, undoes"


def _change(row: tuple) -> Change:
    seq, at, author, action, record_id, before, after, undoes = row
    return Change(seq, at, author, action, record_id, _loads(before), _loads(after), undoes)
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
            self._migrate()

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
            conn = sqlite3.connect(
                self._uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
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
            _touch(conn)

    # initiatives ---------------------------------------------------------------------------

    def list(self) -> Records:
        """All records, sorted by name."""
        with self._connect() as conn:
            rows = conn.execute(_SELECT).fetchall()
        return sorted((_from_row(r) for r in rows), key=lambda r: (r["name"].casefold(), r["id"]))

    def get(self, id: str) -> Record | None:
        """The record with this id, or None."""
        with self._connect() as conn:
            return _get(conn, id)

    def add(self, record: RecordInput, author: str) -> Record:
        """Add a new record; sets timestamps and author. Raises ``DuplicateId``."""
        with self._write() as conn:
            return _add(conn, _clean(record), author, _now())

    def add_many(self, records: Iterable[RecordInput], author: str) -> Records:
        """Add all records in one transaction: any bad record and nothing is written."""
        now = _now()
        with self._write() as conn:
            return [_add(conn, _clean(record), author, now) for record in records]

    def update(
        self, data: RecordInput, author: str, expected_updated_at: str | None = None
    ) -> Record:
        """Replace a record. ``expected_updated_at`` guards against overwriting someone's edit."""
        record = _clean(data)
        with self._write() as conn:
            before = _get(conn, record["id"])
            if before is None:
                raise NotFound(key="store_not_found", id=record["id"])
            if expected_updated_at is not None and expected_updated_at != before["updated_at"]:
                raise Conflict(key="store_changed_meanwhile", name=before["name"],
                               by=before["author"] or msg("store_someone"),
                               at=before["updated_at"])
            after: Record = {
                **record,
                "created_at": before["created_at"],
                "updated_at": _next_stamp(before["updated_at"]),
                "author": author,
            }
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
            current = _get(conn, change.record_id)
            _check_undo(conn, change, current)
            by = author if author is not None else change.author
            stamp = _next_stamp(current["updated_at"] if current else None)
            target = change.before
            if target is None:
                conn.execute(f"DELETE FROM {LAYER} WHERE id = ?", (change.record_id,))
                after: Record | None = None
            else:
                after = {**target, "updated_at": stamp, "author": by}
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
            for record in records:
                _insert_seed(conn, record, now)
        return len(records)

    # tours ---------------------------------------------------------------------------------

    def list_tours(self) -> TourRecords:
        """All tours, sorted by title."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_TOUR_COLUMNS} FROM {TOURS}").fetchall()
        return sorted((_tour(r) for r in rows), key=lambda t: (t["title"].casefold(), t["id"]))

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

    # files ---------------------------------------------------------------------------------

    def backup(self, dest: str | Path) -> Path:
        """Write a consistent snapshot to ``dest`` (via a temp file, then an atomic rename)."""
        dest = Path(dest)
        if dest.exists() and dest.resolve() == self.path.resolve():
            raise StoreError(key="store_backup_is_store")
        if not dest.parent.is_dir():
            raise StoreError(key="store_folder_missing", folder=str(dest.parent))
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        try:
            with self._connect() as conn:
                target = sqlite3.connect(tmp, isolation_level=None)
                try:
                    conn.backup(target)
                    target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                finally:
                    target.close()
            os.replace(tmp, dest)
        except OSError as exc:
            raise StoreError(key="store_backup_failed", path=str(dest), error=str(exc)) from exc
        finally:
            tmp.unlink(missing_ok=True)
        return dest

    def restore(self, src: str | Path) -> int:
        """Replace the store's contents with a backup, in one transaction; returns records.

        The file is checked first (integrity, GeoPackage id, our tables); a bad file
        is refused and the store left untouched.
        """
        src = Path(src)
        if src.exists() and src.resolve() == self.path.resolve():
            raise StoreError(key="store_restore_is_store")
        check_backup(src)
        with self._connect(write=True) as conn:
            conn.execute("ATTACH DATABASE ? AS src", (src.resolve().as_uri() + "?mode=ro",))
            try:
                with _transaction(conn):
                    # a backup from an older version lacks the newer columns: filled in below
                    layer_columns = ", ".join(gpkg_migrate.shared_columns(
                        conn, LAYER, ("fid", "geom", *FIELD_NAMES), "src"))
                    for table, columns in (
                        (LAYER, layer_columns),
                        (HISTORY, _HISTORY_COLUMNS + ", undone_by"),
                        (TOURS, f"fid, {_TOUR_COLUMNS}"),
                    ):
                        conn.execute(f"DELETE FROM main.{table}")
                        conn.execute(
                            f"INSERT INTO main.{table} ({columns}) "
                            f"SELECT {columns} FROM src.{table}"
                        )
                    gpkg_migrate.fill_location_approximate(conn, LAYER, HISTORY)
                    conn.execute(
                        f"UPDATE main.{META} SET version = "
                        f"max(version, (SELECT version FROM src.{META} WHERE fid = 1))"
                    )
                    _touch(conn)
                    return conn.execute(f"SELECT count(*) FROM main.{LAYER}").fetchone()[0]
            finally:
                conn.execute("DETACH DATABASE src")


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


def _create_schema(conn: sqlite3.Connection) -> None:
    """A new store: GeoPackage core, our tables, each registered so GIS tools list it."""
    gpkg.create_core(conn)
    for statement in SCHEMA:
        conn.execute(statement)
    gpkg.add_features(conn, LAYER, "Krimpkaart initiatives")
    gpkg.add_attributes(conn, HISTORY, "Krimpkaart change history")
    gpkg.add_attributes(conn, TOURS, "Krimpkaart guided tours")
    gpkg.add_attributes(conn, META, "Krimpkaart store version")
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
    added: Record = {**record, "created_at": now, "updated_at": now, "author": author}
    conn.execute(_INSERT, _row_params(added))
    _log(conn, now, author, "add", added["id"], None, added)
    return added


def _insert_seed(conn: sqlite3.Connection, record: Record, now: str) -> None:
    """Seed records keep their own timestamps and author; missing ones are filled in."""
    record = {
        **record,
        "created_at": record["created_at"] or now,
        "updated_at": record["updated_at"] or record["created_at"] or now,
        "author": record["author"] or "seed",
    }
    try:
        conn.execute(_INSERT, _row_params(record))
    except sqlite3.IntegrityError as exc:
        raise DuplicateId(key="store_seed_duplicate_id", id=record["id"]) from exc


def _log(
    conn: sqlite3.Connection, at: str, author: str, action: str, record_id: str,
    before: Record | None, after: Record | None, undoes: int | None = None,
) -> int:
    cursor = conn.execute(
        f"INSERT INTO {HISTORY} (at, author, action, record_id, before_json, after_json, undoes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at, author, action, record_id, _dumps(before), _dumps(after), undoes),
    )
    return int(cursor.lastrowid or 0)


def _check_undo(conn: sqlite3.Connection, change: Change, current: Record | None) -> None:
    """Refuse an undo that would overwrite someone else's later change (``undo_conflict``)."""
    rows = conn.execute(
        f"SELECT {_HISTORY_COLUMNS} FROM {HISTORY} WHERE record_id = ? AND seq > ? ORDER BY seq",
        (change.record_id, change.seq),
    ).fetchall()
    conflict = undo_conflict(change, current, [_change(r) for r in rows])
    if conflict is not None:
        raise conflict


_TOUR_COLUMNS = "id, title, steps, created_at, updated_at, author"


def _tour(row: tuple) -> TourRecord:
    tid, title, steps, created, updated, author = row
    return {"id": tid, "title": title, "steps": json.loads(steps), "created_at": created,
            "updated_at": updated, "author": author}


def _clean_tour(tour: Any) -> tuple[str, str, list[dict[str, str]]]:
    if not isinstance(tour, dict) or not isinstance(tour.get("id"), str) or not tour["id"]:
        raise InvalidRecord(key="store_tour_no_id")
    title = tour.get("title") or ""
    steps = tour.get("steps") or []
    if not isinstance(title, str) or not isinstance(steps, list):
        raise InvalidRecord(key="store_tour_shape", id=tour["id"])
    clean = []
    for n, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not isinstance(step.get("initiative_id"), str):
            raise InvalidRecord(key="store_tour_step_target", id=tour["id"], number=n)
        text = step.get("text") or ""
        if not isinstance(text, str):
            raise InvalidRecord(key="store_tour_step_text", id=tour["id"], number=n)
        clean.append({"initiative_id": step["initiative_id"], "text": text})
    return tour["id"], title, clean


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
        row = conn.execute(f"SELECT schema_version FROM {META} WHERE fid = 1").fetchone()
        if row is None or row[0] > SCHEMA_VERSION:
            return msg("store_problem_newer")
        # an older file lacks the columns later versions add; opening it migrates it
        missing = gpkg_migrate.missing_columns(conn, LAYER, ("fid", "geom", *FIELD_NAMES), row[0])
        if missing:
            return msg("store_problem_missing_columns", table=LAYER, n=len(missing),
                       columns=", ".join(missing))
    except sqlite3.Error as exc:
        return msg("store_problem_unreadable", error=str(exc))
    finally:
        conn.close()
    return None
