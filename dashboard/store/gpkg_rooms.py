"""Workshops and suggestions in the GeoPackage file (``rooms.Rooms`` for ``GeoPackageStore``).

Writes take the file's write lock (``BEGIN IMMEDIATE``) like the store's own, so the
limits counted in a transaction hold across processes; unlike the store's they do
not bump the version (``_touch``): pages showing the public map do not rerun for a
suggestion. Backups copy the whole file, these tables included.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from dashboard.store import geopackage as gp
from dashboard.store.base import DuplicateId
from dashboard.store.rooms import (
    DEFAULT_LIMITS,
    ROOM_SECRETS,
    ROW_COLUMNS,
    SUGGESTIONS,
    WORKSHOPS,
    Limits,
    RoomRows,
    Status,
    Suggestion,
    Workshop,
    check_limits,
    check_open,
    check_pending,
    check_status,
    dumps,
    loads,
    stamp,
    window_start,
)

TABLES: tuple[tuple[str, str, str], ...] = (
    (WORKSHOPS, f"CREATE TABLE IF NOT EXISTS {WORKSHOPS} ("
     "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, code TEXT NOT NULL UNIQUE, "
     "opened_at TEXT NOT NULL, opened_by TEXT NOT NULL, closed_at TEXT NOT NULL DEFAULT '', "
     "changes INTEGER NOT NULL DEFAULT 0)", "Krimpkaart workshops"),
    (SUGGESTIONS, f"CREATE TABLE IF NOT EXISTS {SUGGESTIONS} ("
     "seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, workshop TEXT NOT NULL, "
     "created_at TEXT NOT NULL, device TEXT NOT NULL, address TEXT NOT NULL, "
     "status TEXT NOT NULL, data TEXT NOT NULL, decided_at TEXT NOT NULL DEFAULT '', "
     "decided_by TEXT NOT NULL DEFAULT '', record_id TEXT NOT NULL DEFAULT '')",
     "Krimpkaart suggestions from workshop participants (pending ones are not public)"),
    (ROOM_SECRETS, f"CREATE TABLE IF NOT EXISTS {ROOM_SECRETS} ("
     "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name TEXT NOT NULL UNIQUE, "
     "value TEXT NOT NULL)", "Krimpkaart keys for signing participants' device cookies"),
)
INDEXES = (
    f"CREATE INDEX IF NOT EXISTS {SUGGESTIONS}_device ON {SUGGESTIONS} (device, created_at)",
    f"CREATE INDEX IF NOT EXISTS {SUGGESTIONS}_address ON {SUGGESTIONS} (address, created_at)",
    f"CREATE INDEX IF NOT EXISTS {SUGGESTIONS}_workshop ON {SUGGESTIONS} (workshop, status)",
)
_WORKSHOP = f"SELECT code, opened_at, opened_by, closed_at, changes FROM {WORKSHOPS}"
_SUGGESTION = (f"SELECT seq, workshop, created_at, device, status, data, decided_at, decided_by, "
               f"record_id FROM {SUGGESTIONS}")


def _workshop(row: tuple | None) -> Workshop | None:
    return None if row is None else Workshop(*row)


def _suggestion(row: tuple | None) -> Suggestion | None:
    if row is None:
        return None
    seq, workshop, created, device, status, data, decided_at, decided_by, record_id = row
    return Suggestion(seq, workshop, created, device, status, loads(data), decided_at,
                      decided_by, record_id)


class GeoPackageRooms:
    """``rooms.Rooms`` on a ``GeoPackageStore``'s file."""

    def __init__(self, store: gp.GeoPackageStore) -> None:
        self._store = store
        self.ensure_tables()

    def ensure_tables(self) -> None:
        """Make the tables a store written before them lacks (idempotent, no version bump)."""
        with self._store._connect() as conn:
            present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if all(name in present for name, _, _ in TABLES):
            return
        with self._write() as conn:
            for name, create, description in TABLES:
                conn.execute(create)
                conn.execute(
                    "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                    "description, srs_id) VALUES (?, 'attributes', ?, ?, NULL)",
                    (name, name, description))
            for statement in INDEXES:
                conn.execute(statement)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._store._connect(write=True) as conn, gp._transaction(conn):
            yield conn

    # workshops ------------------------------------------------------------------------------

    def open_workshop(self, code: str, by: str) -> Workshop:
        with self._write() as conn:
            if conn.execute(f"SELECT 1 FROM {WORKSHOPS} WHERE code = ?", (code,)).fetchone():
                raise DuplicateId(key="room_code_taken", code=code)
            conn.execute(f"INSERT INTO {WORKSHOPS} (code, opened_at, opened_by) VALUES (?, ?, ?)",
                         (code, stamp(), by))
            return _get_workshop(conn, code)  # type: ignore[return-value]

    def close_workshop(self, code: str) -> Workshop:
        with self._write() as conn:
            found = check_open(_get_workshop(conn, code), code)
            conn.execute(f"UPDATE {WORKSHOPS} SET closed_at = ?, changes = changes + 1 "
                         "WHERE code = ?", (stamp(), found.code))
            return _get_workshop(conn, code)  # type: ignore[return-value]

    def workshop(self, code: str) -> Workshop | None:
        with self._store._connect() as conn:
            return _get_workshop(conn, code)

    def open_workshops(self) -> list[Workshop]:
        with self._store._connect() as conn:
            rows = conn.execute(f"{_WORKSHOP} WHERE closed_at = '' ORDER BY fid").fetchall()
        return [w for w in map(_workshop, rows) if w is not None]

    # suggestions ----------------------------------------------------------------------------

    def submit(self, code: str, device: str, address: str, data: Mapping[str, Any],
               limits: Limits = DEFAULT_LIMITS, now: datetime | None = None) -> Suggestion:
        now = now or datetime.now(UTC)
        since = window_start(now, limits)
        with self._write() as conn:
            check_open(_get_workshop(conn, code), code)
            by_device = conn.execute(
                f"SELECT count(*), min(created_at) FROM {SUGGESTIONS} "
                "WHERE device = ? AND created_at >= ?", (device, since)).fetchone()
            by_address = conn.execute(
                f"SELECT count(*), min(created_at) FROM {SUGGESTIONS} "
                "WHERE address = ? AND created_at >= ?", (address, since)).fetchone()
            in_workshop = conn.execute(
                f"SELECT count(*) FROM {SUGGESTIONS} WHERE workshop = ?", (code,)).fetchone()[0]
            check_limits(by_device[0], by_address[0], in_workshop, by_device[1], by_address[1],
                         now, limits)
            cursor = conn.execute(
                f"INSERT INTO {SUGGESTIONS} (workshop, created_at, device, address, status, data) "
                "VALUES (?, ?, ?, ?, 'pending', ?)", (code, stamp(now), device, address,
                                                      dumps(data)))
            _bump(conn, code)
            return _get_suggestion(conn, int(cursor.lastrowid or 0))  # type: ignore[return-value]

    def suggestions(self, code: str | None = None,
                    status: Status | None = "pending") -> list[Suggestion]:
        sql, params = f"{_SUGGESTION} WHERE 1 = 1", list[Any]()
        if code is not None:
            sql, params = sql + " AND workshop = ?", [*params, code]
        if status is not None:
            sql, params = sql + " AND status = ?", [*params, status]
        with self._store._connect() as conn:
            rows = conn.execute(sql + " ORDER BY seq", params).fetchall()
        return [s for s in map(_suggestion, rows) if s is not None]

    def suggestion(self, seq: int) -> Suggestion | None:
        with self._store._connect() as conn:
            return _get_suggestion(conn, seq)

    def edit(self, seq: int, data: Mapping[str, Any]) -> Suggestion:
        with self._write() as conn:
            found = check_pending(_get_suggestion(conn, seq), seq)
            conn.execute(f"UPDATE {SUGGESTIONS} SET data = ? WHERE seq = ?", (dumps(data), seq))
            _bump(conn, found.workshop)
            return _get_suggestion(conn, seq)  # type: ignore[return-value]

    def decide(self, seq: int, status: Status, by: str, record_id: str = "") -> Suggestion:
        check_status(status)
        with self._write() as conn:
            found = check_pending(_get_suggestion(conn, seq), seq)
            conn.execute(f"UPDATE {SUGGESTIONS} SET status = ?, decided_at = ?, decided_by = ?, "
                         "record_id = ? WHERE seq = ?", (status, stamp(), by, record_id, seq))
            _bump(conn, found.workshop)
            return _get_suggestion(conn, seq)  # type: ignore[return-value]

    def reopen(self, seq: int) -> Suggestion:
        """Back to pending (the approval's write to the store failed)."""
        with self._write() as conn:
            found = _get_suggestion(conn, seq)
            conn.execute(f"UPDATE {SUGGESTIONS} SET status = 'pending', decided_at = '', "
                         "decided_by = '', record_id = '' WHERE seq = ?", (seq,))
            if found is not None:
                _bump(conn, found.workshop)
            return _get_suggestion(conn, seq)  # type: ignore[return-value]

    def secret(self, new: str) -> str:
        """The device-cookie signing key; ``new`` becomes it when there is none yet."""
        with self._write() as conn:
            conn.execute(f"INSERT OR IGNORE INTO {ROOM_SECRETS} (name, value) VALUES "
                         "('device', ?)", (new,))
            return conn.execute(f"SELECT value FROM {ROOM_SECRETS} WHERE name = 'device'"
                                ).fetchone()[0]

    def dump(self) -> RoomRows:
        """Every row of the room tables (for a backup of the whole store)."""
        def read(conn) -> RoomRows:
            return {table: [tuple(r) for r in conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1").fetchall()]
                for table, columns in ROW_COLUMNS.items()}

        with self._store._connect() as conn:
            return read(conn)


def _get_workshop(conn: sqlite3.Connection, code: str) -> Workshop | None:
    return _workshop(conn.execute(f"{_WORKSHOP} WHERE code = ?", (code,)).fetchone())


def _get_suggestion(conn: sqlite3.Connection, seq: int) -> Suggestion | None:
    return _suggestion(conn.execute(f"{_SUGGESTION} WHERE seq = ?", (seq,)).fetchone())


def _bump(conn: sqlite3.Connection, code: str) -> None:
    conn.execute(f"UPDATE {WORKSHOPS} SET changes = changes + 1 WHERE code = ?", (code,))
