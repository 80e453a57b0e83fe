"""What a backup, a restore and ``krimpkaart store copy`` carry beside the public data.

The workshops, their participants' suggestions (pending and decided, with code,
time, device hash and address), the device-cookie signing key and the remembered
column mappings are the store's too: a copy that left them behind would lose a
running workshop's queue. They travel as plain rows, per table in the column order
below, so each backend reads and writes them with its own SQL in the same
transaction as the records.

The passcode attempts do not travel: they are rate-limit counters that matter for
a quarter of an hour, and a restore should not lock out (or let in) anyone on the
strength of another store's failures.
"""

from __future__ import annotations

from dashboard.store.mappings import COLUMN_MAPPINGS
from dashboard.store.rooms import ROW_COLUMNS

# Table -> its carried columns; the first column is the key (rows are read in its order).
CARRIED_COLUMNS: dict[str, tuple[str, ...]] = {
    **ROW_COLUMNS,
    COLUMN_MAPPINGS: ("header", "mapping", "updated_at"),
}

CarriedRows = dict[str, list[tuple]]


def select_sql(table: str) -> str:
    """Every carried row of ``table``, in key order."""
    columns = CARRIED_COLUMNS[table]
    return f"SELECT {', '.join(columns)} FROM {table} ORDER BY {columns[0]}"


def insert_sql(table: str, mark: str) -> str:
    """One row of ``table``; ``mark`` is the driver's placeholder (``?`` or ``%s``)."""
    columns = CARRIED_COLUMNS[table]
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})")
