"""Remembered column mappings in PostgreSQL (``mappings.ColumnMappings``).

Writes do not touch the store's version row: remembering how a header reads
changes nothing on the map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dashboard.store import postgis as pg
from dashboard.store.mappings import COLUMN_MAPPINGS, header_key_of, mapping_of, mapping_text
from dashboard.store.rooms import stamp

CREATE = (f"CREATE TABLE IF NOT EXISTS {COLUMN_MAPPINGS} (header text PRIMARY KEY, "
          "mapping text NOT NULL, updated_at text NOT NULL)")


class PostGISMappings:
    """``mappings.ColumnMappings`` on a ``PostGISStore``'s database."""

    def __init__(self, store: pg.PostGISStore) -> None:
        self._store = store
        self.ensure_table()

    def ensure_table(self) -> None:
        """Make the table a database written before it lacks (idempotent, no version bump)."""
        with self._store._connection(ping=True) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (pg.MIGRATION_LOCK,))
            conn.execute(CREATE)

    def remembered(self, header: Sequence[str]) -> dict[str, str] | None:
        key = header_key_of(header)
        row = self._store._read(lambda conn: conn.execute(
            f"SELECT mapping FROM {COLUMN_MAPPINGS} WHERE header = %s", (key,)).fetchone())
        return None if row is None else mapping_of(row[0])

    def remember(self, header: Sequence[str], mapping: Mapping[str, str]) -> None:
        with self._store._connection(ping=True) as conn, conn.transaction():
            conn.execute(
                f"INSERT INTO {COLUMN_MAPPINGS} (header, mapping, updated_at) "
                "VALUES (%s, %s, %s) ON CONFLICT (header) DO UPDATE SET "
                "mapping = excluded.mapping, updated_at = excluded.updated_at",
                (header_key_of(header), mapping_text(mapping), stamp()))
