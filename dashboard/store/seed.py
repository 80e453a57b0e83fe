"""Where the store lives, the shipped seed, and opening (creating and seeding) a store.

The store is ``KRIMPKAART_STORE`` (via ``dashboard.config``): a GeoPackage file or a
``postgresql://`` URL; else a file in the per-user data folder, never the checkout.
A new store is seeded from ``geodata/initiatieven.geojson``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import platformdirs

from dashboard import config
from dashboard.store.base import PortableStore, SeedError
from dashboard.store.location import (
    Location,
    create_store,
    open_existing,
    parse_location,
    store_exists,
)

SEED_NAME = "initiatieven.geojson"
STORE_NAME = "initiatieven.gpkg"


def default_store_location() -> Location:
    """``$KRIMPKAART_STORE`` (a file or a URL), else the per-user data folder (never inside
    the checkout)."""
    settings = config.settings()
    if settings.store_url:
        return settings.store_url
    if settings.store_path:
        return settings.store_path
    return Path(platformdirs.user_data_dir("krimpkaart")) / STORE_NAME


def default_seed_path() -> Path:
    """The shipped seed file in ``geodata/``."""
    from dashboard.geo import geodata_dir  # lazy: geo pulls in geopandas

    return geodata_dir() / SEED_NAME


def read_seed(path: str | Path) -> list[dict[str, Any]]:
    """Records from a seed GeoJSON: properties plus Point ``[lon, lat]`` as lat/lon."""
    path = Path(path)
    if not path.is_file():
        raise SeedError(key="seed_missing", path=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeedError(key="seed_unreadable", path=str(path), error=str(exc)) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise SeedError(key="seed_not_collection", path=str(path))
    records = []
    for n, feature in enumerate(data.get("features") or [], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise SeedError(key="seed_no_properties", path=str(path), number=n)
        geometry = feature.get("geometry")
        lat = lon = None
        if geometry is not None:
            point = isinstance(geometry, dict) and geometry.get("type") == "Point"
            coords = geometry.get("coordinates") if point else None
            if not isinstance(coords, list) or len(coords) < 2:
                raise SeedError(key="seed_not_point", path=str(path), number=n)
            lon, lat = coords[0], coords[1]
        records.append({**props, "lat": lat, "lon": lon})
    return records


def open_store(
    location: str | Path | None = None, seed_path: str | Path | None = None
) -> PortableStore:
    """The store at ``location`` (a file or a URL; default ``default_store_location()``),
    created and seeded on first use."""
    where = parse_location(location) if location else default_store_location()
    if store_exists(where):
        return open_existing(where)
    records = read_seed(seed_path or default_seed_path())
    return create_store(where, records)

