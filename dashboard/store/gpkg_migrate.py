"""Schema migrations of the GeoPackage store: an older file is brought up to date once.

``GeoPackageStore`` runs ``migrate`` when it opens a file whose schema version
is older than its own, inside one write transaction: a crash leaves the old
version intact, and a second process opening the file at the same moment waits
for the lock and then finds the work done. Each step takes the file one
version further. A record field that no step names is added generically with
its default (``GeoPackageStore._add_missing_fields``); a backup from before a
step is read without the column and judged here (``judged_location``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from dashboard.domain.record import RECORD_FIELDS, Record
from dashboard.store.gpkg_format import blob_xy


def _is_at_centre(code: str, lat: float | None, lon: float | None) -> bool:
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
        flag = xy is not None and _is_at_centre(code or "", xy[1], xy[0])
        conn.execute(f"UPDATE {layer} SET location_approximate = ? WHERE fid = ?", (flag, fid))
    entries = conn.execute(f"SELECT seq, before_json, after_json FROM {history}").fetchall()
    for seq, before, after in entries:
        new_before, new_after = _history_record(before), _history_record(after)
        if (new_before, new_after) != (before, after):
            conn.execute(f"UPDATE {history} SET before_json = ?, after_json = ? WHERE seq = ?",
                         (new_before, new_after, seq))
    return len(rows)


def _history_record(text: str | None) -> str | None:
    """A history record's JSON with ``location_approximate`` added (in record order) if missing."""
    if text is None:
        return None
    record: dict[str, Any] = json.loads(text)
    if "location_approximate" in record:
        return text
    flag = _is_at_centre(record.get("gemeente_code") or "", record.get("lat"), record.get("lon"))
    record["location_approximate"] = flag
    ordered = {k: record[k] for k in RECORD_FIELDS if k in record}
    ordered.update(record)  # anything unexpected stays, after the known fields
    return json.dumps(ordered, ensure_ascii=False)


def judged_location(record: Record) -> Record:
    """``record`` with ``location_approximate`` judged as it was before the field existed
    (a backup from then is read without the column)."""
    flag = _is_at_centre(record["gemeente_code"] or "", record["lat"], record["lon"])
    return {**record, "location_approximate": flag}


def _to_2(conn: sqlite3.Connection, layer: str, history: str) -> None:
    """Version 2: the record says whether its location is approximate."""
    if "location_approximate" not in _columns(conn, layer):
        conn.execute(f"ALTER TABLE {layer} ADD COLUMN location_approximate BOOLEAN")
    fill_location_approximate(conn, layer, history)


STEPS: dict[int, Callable[[sqlite3.Connection, str, str], None]] = {2: _to_2}
LATEST = max(STEPS)


def migrate(conn: sqlite3.Connection, version: int, layer: str, history: str) -> int:
    """Run the steps after ``version`` in order (in the caller's transaction); the new version."""
    for target in sorted(STEPS):
        if version < target:
            STEPS[target](conn, layer, history)
            version = target
    return version
