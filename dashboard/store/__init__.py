"""Where initiatives live: the ``Store`` interface and its backends.

The app, importer and CLI talk to ``Store`` only; ``open_store`` picks and opens
the backend from the location: a GeoPackage file (``geopackage``), or a
``postgresql://`` URL (``postgis``, imported only then), seeded on first use.
"""

from dashboard.store.base import (
    Change,
    Changes,
    Conflict,
    DuplicateId,
    FailureCounts,
    InvalidRecord,
    NotFound,
    NothingToUndo,
    PasscodeAttempts,
    PortableStore,
    Record,
    Records,
    SeedError,
    Snapshot,
    Store,
    StoreBusy,
    StoreError,
)
from dashboard.store.geopackage import BackupExists, GeoPackageStore, check_backup
from dashboard.store.location import (
    Location,
    create_store,
    describe,
    open_existing,
    parse_location,
    same_location,
    store_exists,
)
from dashboard.store.seed import default_seed_path, default_store_location, open_store, read_seed

__all__ = [
    "BackupExists", "Change", "Changes", "Conflict", "DuplicateId", "FailureCounts",
    "GeoPackageStore", "InvalidRecord", "Location", "NotFound", "NothingToUndo",
    "PasscodeAttempts", "PortableStore", "Record", "Records", "SeedError", "Snapshot", "Store",
    "StoreBusy", "StoreError", "check_backup", "create_store", "default_seed_path",
    "default_store_location", "describe", "open_existing", "open_store", "parse_location",
    "read_seed", "same_location", "store_exists",
]
