"""Column mappings an import remembers: what each column of a file's header meant.

When someone tells the page that column "webpagina" holds the sources, the next
file with the same header (the same column names in the same order) gets that
mapping ready. Keyed by the header as in the file; the value is header -> field
(``""`` for "ignore"). An auxiliary table like the workshops' (``rooms``): made when
first used (``CREATE TABLE IF NOT EXISTS``), no schema number, no version bump.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

COLUMN_MAPPINGS = "krimpkaart_column_mappings"


def header_key_of(header: Sequence[str]) -> str:
    """The key a header is remembered under: its column names, as JSON."""
    return json.dumps(list(header), ensure_ascii=False)


def mapping_text(mapping: Mapping[str, str]) -> str:
    return json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True)


def mapping_of(text: str | None) -> dict[str, str] | None:
    """The stored mapping, or None when there is none (or it is unreadable)."""
    try:
        value = json.loads(text or "null")
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {str(k): str(v) for k, v in value.items()}


@runtime_checkable
class ColumnMappings(Protocol):
    """The remembered mappings of one store (``mappings_of(store)``)."""

    def remembered(self, header: Sequence[str]) -> dict[str, str] | None: ...
    def remember(self, header: Sequence[str], mapping: Mapping[str, str]) -> None: ...


def mappings_of(store: object) -> ColumnMappings:
    """The column mappings kept in ``store`` (made once per store object)."""
    found: ColumnMappings | None = getattr(store, "_column_mappings", None)
    if found is not None:
        return found
    from dashboard.store.geopackage import GeoPackageStore

    if isinstance(store, GeoPackageStore):
        from dashboard.store.gpkg_mappings import GeoPackageMappings

        found = GeoPackageMappings(store)
    else:
        from dashboard.store.postgis import PostGISStore

        if not isinstance(store, PostGISStore):
            raise TypeError(f"{type(store).__name__} keeps no column mappings")
        from dashboard.store.pg_mappings import PostGISMappings

        found = PostGISMappings(store)
    setattr(store, "_column_mappings", found)  # noqa: B010 - a private cache on the store
    return found
