"""Where initiatives live: the ``Store`` interface and its GeoPackage backend.

The app, importer and CLI talk to ``Store`` only; ``open_store`` picks and
opens the backend (today one: a GeoPackage file, seeded on first use).
"""

from dashboard.store.base import (
    Change,
    Changes,
    Conflict,
    DuplicateId,
    InvalidRecord,
    NotFound,
    NothingToUndo,
    Record,
    Records,
    SeedError,
    Store,
    StoreBusy,
    StoreError,
)
from dashboard.store.geopackage import BackupExists, GeoPackageStore, check_backup
from dashboard.store.seed import default_seed_path, default_store_path, open_store, read_seed

__all__ = [
    "BackupExists", "Change", "Changes", "Conflict", "DuplicateId", "GeoPackageStore",
    "InvalidRecord", "NotFound", "NothingToUndo", "Record", "Records", "SeedError", "Store",
    "StoreBusy",
    "StoreError", "check_backup", "default_seed_path", "default_store_path", "open_store",
    "read_seed",
]
