"""Where the store lives, the shipped seed, and opening (creating and seeding) a store.

The store path comes from ``KRIMPKAART_STORE`` (via ``dashboard.config``) or the
per-user data folder, never the checkout; a new store is seeded from
``geodata/initiatieven.geojson``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import platformdirs

from dashboard import config
from dashboard.store.base import SeedError
from dashboard.store.geopackage import GeoPackageStore, is_initialised

SEED_NAME = "initiatieven.geojson"
STORE_NAME = "initiatieven.gpkg"


def default_store_path() -> Path:
    """``$KRIMPKAART_STORE``, else the per-user data folder (never inside the checkout)."""
    override = config.settings().store_path
    if override:
        return override
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
    path: str | Path | None = None, seed_path: str | Path | None = None
) -> GeoPackageStore:
    """The store at ``path`` (default ``default_store_path()``), created and seeded on first use."""
    path = Path(path) if path else default_store_path()
    if is_initialised(path):
        return GeoPackageStore(path)
    records = read_seed(seed_path or default_seed_path())
    return GeoPackageStore.create(path, records)

