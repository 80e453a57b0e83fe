"""Remembered column mappings in the GeoPackage file (``mappings.ColumnMappings``).

Writes take the file's write lock like the store's own but do not bump its version:
remembering how a header reads changes nothing on the map. Backups copy the whole
file, this table included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dashboard.store import geopackage as gp
from dashboard.store.mappings import COLUMN_MAPPINGS, header_key_of, mapping_of, mapping_text
from dashboard.store.rooms import stamp

CREATE = (f"CREATE TABLE IF NOT EXISTS {COLUMN_MAPPINGS} ("
          "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, header TEXT NOT NULL UNIQUE, "
          "mapping TEXT NOT NULL, updated_at TEXT NOT NULL)")
DESCRIPTION = "Krimpkaart column mappings remembered per import header"


class GeoPackageMappings:
    """``mappings.ColumnMappings`` on a ``GeoPackageStore``'s file."""

    def __init__(self, store: gp.GeoPackageStore) -> None:
        self._store = store
        self.ensure_table()

    def ensure_table(self) -> None:
        """Make the table a store written before it lacks (idempotent, no version bump)."""
        with self._store._connect() as conn:
            present = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                                   (COLUMN_MAPPINGS,)).fetchone()
        if present:
            return
        with self._store._connect(write=True) as conn, gp._transaction(conn):
            conn.execute(CREATE)
            conn.execute(
                "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                "description, srs_id) VALUES (?, 'attributes', ?, ?, NULL)",
                (COLUMN_MAPPINGS, COLUMN_MAPPINGS, DESCRIPTION))

    def remembered(self, header: Sequence[str]) -> dict[str, str] | None:
        with self._store._connect() as conn:
            row = conn.execute(f"SELECT mapping FROM {COLUMN_MAPPINGS} WHERE header = ?",
                               (header_key_of(header),)).fetchone()
        return None if row is None else mapping_of(row[0])

    def remember(self, header: Sequence[str], mapping: Mapping[str, str]) -> None:
        with self._store._connect(write=True) as conn, gp._transaction(conn):
            conn.execute(
                f"INSERT INTO {COLUMN_MAPPINGS} (header, mapping, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (header) DO UPDATE SET mapping = excluded.mapping, "
                "updated_at = excluded.updated_at",
                (header_key_of(header), mapping_text(mapping), stamp()))
