"""Boundary layers shipped in ``geodata/`` and point -> municipality lookup.

Layers are read once per process (``functools.cache``); callers get the same
GeoDataFrame objects back and must not mutate them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import config
from dashboard.geo.crs import RD_NEW, rd_xy

# The shipped municipalities are simplified with a 300 m tolerance, so a point
# on the coast or a border can fall just outside every polygon.
SNAP_DISTANCE_M = 500.0
# Generous box around the Netherlands (lon/lat) for quick plausibility checks.
NL_BOUNDS = (3.2, 50.7, 7.3, 53.7)

LOCATION_COLUMNS = ["statcode", "statnaam", "provincie", "regio", "regiotype"]


class Location(TypedDict):
    """Where a point lies: municipality code and name, province, region, region type."""

    statcode: str
    statnaam: str
    provincie: str
    regio: str
    regiotype: str


def geodata_dir() -> Path:
    """Folder with the shipped layers: env override, source checkout, or installed copy."""
    override = config.settings().geodata_dir
    if override:
        return override
    checkout = config.PACKAGE_DIR.parent / "geodata"
    for candidate in (checkout, config.PACKAGE_DIR / "geodata"):
        if (candidate / "gemeenten.geojson").is_file():
            return candidate
    return checkout


@cache
def _read(name: str) -> gpd.GeoDataFrame:
    path = geodata_dir() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; run 'krimpkaart build-geodata' to create the shipped layers"
        )
    return gpd.read_file(path)


def municipalities() -> gpd.GeoDataFrame:
    """The 342 municipalities (WGS84) with province, region and population columns."""
    frame = _read("gemeenten.geojson")
    for column in ("regio", "regiotype", "regio_noot"):
        frame[column] = frame[column].fillna("")
    return frame


def regions() -> gpd.GeoDataFrame:
    """Krimp- and anticipeerregio's dissolved from their municipalities (WGS84)."""
    return _read("regios.geojson")


def provinces() -> gpd.GeoDataFrame:
    """The 12 provinces dissolved from municipalities (WGS84)."""
    return _read("provincies.geojson")


@cache
def _municipalities_rd() -> gpd.GeoDataFrame:
    return municipalities()[[*LOCATION_COLUMNS, "geometry"]].to_crs(RD_NEW)


def locate_many(lons: object, lats: object) -> pd.DataFrame:
    """Vectorised lookup: one row per point with LOCATION_COLUMNS, None where outside.

    Points within SNAP_DISTANCE_M of a municipality (coast, simplified border)
    are given the nearest one; anything farther away is outside the Netherlands.
    """
    lon = np.asarray(lons, dtype=float).ravel()
    lat = np.asarray(lats, dtype=float).ravel()
    if lon.shape != lat.shape:
        raise ValueError("lons and lats must have the same length")
    result = pd.DataFrame(index=range(len(lon)), columns=LOCATION_COLUMNS, dtype=object)
    finite = np.isfinite(lon) & np.isfinite(lat)
    if not finite.any():
        return result
    x, y = rd_xy(lon[finite], lat[finite])  # not GeoSeries.to_crs: see geo.crs
    points = gpd.GeoSeries(shapely.points(x, y), index=np.flatnonzero(finite), crs=RD_NEW)
    target = _municipalities_rd()
    tree = target.sindex
    hit_points, hit_polys = tree.query(points.values, predicate="within")
    # A point within two (simplified, overlapping) polygons takes the first one the
    # query names, as it always did; numbers are positions among the finite points.
    first_hits, first = np.unique(hit_points, return_index=True)
    poly_of = np.full(len(points), -1)
    poly_of[first_hits] = hit_polys[first]
    missing = np.flatnonzero(poly_of < 0)
    if len(missing):
        near_points, near_polys = tree.nearest(
            points.values[missing], max_distance=SNAP_DISTANCE_M, return_all=False
        )
        poly_of[missing[near_points]] = near_polys
    found = poly_of >= 0
    if found.any():
        values = target[LOCATION_COLUMNS].to_numpy(dtype=object)[poly_of[found]]
        result.iloc[points.index.to_numpy()[found], :] = values
    return result


def locate(lon: float, lat: float) -> Location | None:
    """Municipality, province and region of one WGS84 point; None outside the Netherlands."""
    row = locate_many([lon], [lat]).iloc[0]
    if row["statcode"] is None or (isinstance(row["statcode"], float)):
        return None
    return Location(**{c: str(row[c]) for c in LOCATION_COLUMNS})  # type: ignore[typeddict-item]


def in_nl_box(lon: float, lat: float) -> bool:
    """Cheap check used before the exact lookup (and to spot swapped lat/lon)."""
    min_lon, min_lat, max_lon, max_lat = NL_BOUNDS
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


def municipality_lookup() -> dict[str, Location]:
    """statcode -> location record, for records that name a municipality but have no point."""
    frame = municipalities()
    return {
        row.statcode: Location(**{c: str(getattr(row, c)) for c in LOCATION_COLUMNS})  # type: ignore[typeddict-item]
        for row in frame.itertuples(index=False)
    }


def clear_cache() -> None:
    """Read the layers again on next use (after a geodata build in the same process)."""
    _read.cache_clear()
    _municipalities_rd.cache_clear()
    from dashboard.geo import provenance  # it reads these layers; imported here, not above

    provenance.clear_cache()
    from dashboard.geo.centres import _centres  # imports this module

    _centres.cache_clear()
