"""Schema migrations of the GeoPackage store: an older file is brought up to date once.

``GeoPackageStore`` runs ``migrate`` when it opens a file whose schema version
is older than its own, inside one write transaction: a crash leaves the old
version intact, and a second process opening the file at the same moment waits
for the lock and then finds the work done. Each step takes the file one
version further (2: ``location_approximate``; 3: the duplicate key and imports as
one change). A record field that no step names is added generically with
its default (``GeoPackageStore._add_missing_fields``); a backup from before a
step is read without the column and judged here (``judged_location``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from dashboard.domain.record import RECORD_FIELDS, Record
from dashboard.store import gpkg_format as gpkg
from dashboard.store.base import KEY_COLUMN, match_key
from dashboard.store.gpkg_format import blob_xy

BATCHES = "krimpkaart_batches"  # the record ids of each import, in parts (version 3)


def at_centre(code: str, lat: float | None, lon: float | None) -> bool:
    """Whether a point is its municipality's centre: how a location was judged approximate
    before the field existed (the PostGIS store's migration uses it too)."""
    from dashboard import geo  # lazy: opening an up-to-date store never needs geopandas

    return geo.is_at_centre(code, lat, lon)


def _columns(conn: sqlite3.Connection, table: str, schema: str = "main") -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({table})")}


def fill_location_approximate(conn: sqlite3.Connection, layer: str, history: str) -> int:
    """Set ``location_approximate`` where it is missing, as it was judged before the field.

    Rows with NULL (after the column was added, or restored from an older
    backup) and history records without the key get True exactly when the point
    is its municipality's centre (``geo.is_at_centre``). Returns the rows set.
    """
    rows = conn.execute(
        f"SELECT fid, geom, gemeente_code FROM {layer} WHERE location_approximate IS NULL"
    ).fetchall()
    for fid, geom, code in rows:
        xy = blob_xy(geom)
        flag = xy is not None and at_centre(code or "", xy[1], xy[0])
        conn.execute(f"UPDATE {layer} SET location_approximate = ? WHERE fid = ?", (flag, fid))
    entries = conn.execute(f"SELECT seq, before_json, after_json FROM {history}").fetchall()
    for seq, before, after in entries:
        new_before, new_after = history_with_location(before), history_with_location(after)
        if (new_before, new_after) != (before, after):
            conn.execute(f"UPDATE {history} SET before_json = ?, after_json = ? WHERE seq = ?",
                         (new_before, new_after, seq))
    return len(rows)


def history_with_location(text: str | None) -> str | None:
    """A history record's JSON with ``location_approximate`` added (in record order) if missing."""
    if text is None:
        return None
    record: dict[str, Any] = json.loads(text)
    if "location_approximate" in record:
        return text
    flag = at_centre(record.get("gemeente_code") or "", record.get("lat"), record.get("lon"))
    record["location_approximate"] = flag
    ordered = {k: record[k] for k in RECORD_FIELDS if k in record}
    ordered.update(record)  # anything unexpected stays, after the known fields
    return json.dumps(ordered, ensure_ascii=False)


def judged_location(record: Record) -> Record:
    """``record`` with ``location_approximate`` judged as it was before the field existed
    (a backup from then is read without the column)."""
    flag = at_centre(record["gemeente_code"] or "", record["lat"], record["lon"])
    return {**record, "location_approximate": flag}


def _to_2(conn: sqlite3.Connection, layer: str, history: str) -> None:
    """Version 2: the record says whether its location is approximate."""
    if "location_approximate" not in _columns(conn, layer):
        conn.execute(f"ALTER TABLE {layer} ADD COLUMN location_approximate BOOLEAN")
    fill_location_approximate(conn, layer, history)


def import_schema(layer: str) -> tuple[str, ...]:
    """Version 3's index, trigger and table (also part of a new store's schema).

    The duplicate key of each record is indexed and NULLed by a trigger when another
    tool changes the name or place (the store fills it in again); an import is one
    history entry, with its record ids in ``BATCHES``. Plain SQL, so GDAL and QGIS
    write the layer as before. Each statement may run twice (IF NOT EXISTS).
    """
    return (
        f"CREATE INDEX IF NOT EXISTS {layer}_key ON {layer} ({KEY_COLUMN})",
        f"CREATE TRIGGER IF NOT EXISTS {layer}_key_stale AFTER UPDATE OF name, place ON {layer} "
        f"FOR EACH ROW WHEN NEW.{KEY_COLUMN} IS OLD.{KEY_COLUMN} "
        "AND (NEW.name IS NOT OLD.name OR NEW.place IS NOT OLD.place) "
        f"BEGIN UPDATE {layer} SET {KEY_COLUMN} = NULL WHERE fid = NEW.fid; END",
        f"CREATE TABLE IF NOT EXISTS {BATCHES} (seq INTEGER NOT NULL, part INTEGER NOT NULL, "
        "ids TEXT NOT NULL, PRIMARY KEY (seq, part))",
    )


def register_batches(conn: sqlite3.Connection) -> None:
    """List the import table in gpkg_contents (once), so GIS tools show it as a table."""
    if not conn.execute("SELECT 1 FROM gpkg_contents WHERE table_name = ?",
                        (BATCHES,)).fetchone():
        gpkg.add_attributes(conn, BATCHES, "Krimpkaart imports: the records each one added")


def fill_keys(conn: sqlite3.Connection, layer: str) -> None:
    """Compute the duplicate key where it is NULL: rows that GIS tools added or renamed."""
    rows = conn.execute(
        f"SELECT fid, name, place FROM {layer} WHERE {KEY_COLUMN} IS NULL").fetchall()
    conn.executemany(f"UPDATE {layer} SET {KEY_COLUMN} = ? WHERE fid = ?",
                     [(match_key(name or "", place or ""), fid) for fid, name, place in rows])


def _to_3(conn: sqlite3.Connection, layer: str, history: str) -> None:
    """Version 3: the duplicate key column (filled in), the history's batch size, the
    import id table."""
    if "location_approximate" not in _columns(conn, layer):
        _to_2(conn, layer, history)  # a development build's file whose version 2 was this step
    if KEY_COLUMN not in _columns(conn, layer):
        conn.execute(f"ALTER TABLE {layer} ADD COLUMN {KEY_COLUMN} TEXT")
    if "batch_size" not in _columns(conn, history):
        conn.execute(f"ALTER TABLE {history} ADD COLUMN batch_size INTEGER")
    for statement in import_schema(layer):
        conn.execute(statement)
    register_batches(conn)
    fill_keys(conn, layer)


STEPS: dict[int, Callable[[sqlite3.Connection, str, str], None]] = {2: _to_2, 3: _to_3}
LATEST = max(STEPS)


def migrate(conn: sqlite3.Connection, version: int, layer: str, history: str) -> int:
    """Run the steps after ``version`` in order (in the caller's transaction); the new version."""
    for target in sorted(STEPS):
        if version < target:
            STEPS[target](conn, layer, history)
            version = target
    return version
