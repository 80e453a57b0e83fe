"""The GeoPackage format layer under the store: core tables, geometry blobs, file checks.

Kept apart from ``dashboard.store`` so the store reads as operations on initiatives,
while this module holds what the OGC GeoPackage 1.4 spec requires for QGIS, GDAL and
geopandas to open the file: the ``gpkg_*`` tables and their rows, the geometry blob
format, the ``application_id`` stamp and the SQL functions GIS tools' triggers call.
Nothing here knows about initiatives; callers pass table and column names.
"""

from __future__ import annotations

import math
import sqlite3
import struct
from pathlib import Path

from dashboard.i18n import Message, msg

APPLICATION_ID = 0x47504B47  # 'GPKG'
USER_VERSION = 10400  # GeoPackage 1.4.0
WGS84 = 4326
CORE_TABLES = ("gpkg_spatial_ref_sys", "gpkg_contents", "gpkg_geometry_columns")

WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
LAST_CHANGE = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"  # the timestamp format the spec asks

CORE_SCHEMA: tuple[str, ...] = (
    "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, "
    "srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, "
    "organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)",
    "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, "
    "data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', "
    f"last_change DATETIME NOT NULL DEFAULT ({LAST_CHANGE}), "
    "min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, "
    "CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
    "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
    "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, "
    "m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), "
    "CONSTRAINT uk_gc_table_name UNIQUE (table_name), "
    "CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), "
    "CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))",
)

# The two undefined systems are mandatory; WGS 84 is the one our layer uses.
SPATIAL_REF_SYS: tuple[tuple[str, int, str, int, str, str], ...] = (
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined",
     "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined",
     "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", WGS84, "EPSG", WGS84, WGS84_WKT,
     "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
)


# --- creating and maintaining the core tables -----------------------------------------------


def create_core(conn: sqlite3.Connection) -> None:
    """Stamp the file as a GeoPackage and create the mandatory ``gpkg_*`` tables and rows."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {USER_VERSION}")
    for statement in CORE_SCHEMA:
        conn.execute(statement)
    conn.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", SPATIAL_REF_SYS)


def add_features(
    conn: sqlite3.Connection, table: str, description: str,
    column: str = "geom", geometry_type: str = "POINT", srs_id: int = WGS84,
) -> None:
    """Register ``table`` as a 2-D feature layer, so GIS tools list it as a map layer."""
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, 'features', ?, ?, ?)",
        (table, table, description, srs_id),
    )
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)",
        (table, column, geometry_type, srs_id),
    )


def add_attributes(conn: sqlite3.Connection, table: str, description: str) -> None:
    """Register a non-spatial table, so GIS tools show it as a table rather than ignore it."""
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, 'attributes', ?, ?, NULL)",
        (table, table, description),
    )


def refresh_contents(conn: sqlite3.Connection, table: str, x: str, y: str) -> None:
    """Keep ``table``'s extent and last_change true (from its ``x``/``y`` columns) for GIS tools."""
    conn.execute(
        f"UPDATE gpkg_contents SET last_change = {LAST_CHANGE}, "
        f"min_x = (SELECT min({x}) FROM {table}), min_y = (SELECT min({y}) FROM {table}), "
        f"max_x = (SELECT max({x}) FROM {table}), max_y = (SELECT max({y}) FROM {table}) "
        "WHERE table_name = ?",
        (table,),
    )


# --- geometry blobs -------------------------------------------------------------------------


def gpkg_point(lon: float | None, lat: float | None, srs_id: int = WGS84) -> bytes:
    """GeoPackage geometry blob for a point: GP header (no envelope) + little-endian WKB."""
    empty = lon is None or lat is None
    flags = 0x01 | (0x10 if empty else 0)  # little-endian, envelope 0, empty bit
    x, y = (math.nan, math.nan) if lon is None or lat is None else (float(lon), float(lat))
    return _POINT.pack(b"GP", 0, flags, srs_id, 1, 1, x, y)


_POINT = struct.Struct("<2sBBiBIdd")  # GP header (no envelope), then the WKB point


def blob_xy(blob: bytes | None) -> tuple[float, float] | None:
    """The x, y of a GeoPackage point blob (any envelope or byte order); None if not a point.

    Lenient on purpose: QGIS or GDAL may rewrite a point with an envelope or big-endian.
    """
    if not blob or len(blob) < 8 or blob[:2] != b"GP" or blob[3] & 0x10:
        return None
    envelope = (0, 32, 48, 48, 64, 0, 0, 0)[(blob[3] >> 1) & 0x07]
    wkb = bytes(blob[8 + envelope:])
    if len(wkb) < 21:
        return None
    endian = "<" if wkb[0] == 1 else ">"
    (geometry_type,) = struct.unpack(endian + "I", wkb[1:5])
    if geometry_type % 1000 != 1:  # Point, Point Z/M/ZM
        return None
    x, y = struct.unpack(endian + "dd", wkb[5:21])
    return None if math.isnan(x) or math.isnan(y) else (x, y)


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the GDAL/QGIS R-tree triggers call, in case a tool adds a spatial index."""
    def coord(i: int, blob: bytes | None) -> float | None:
        xy = blob_xy(blob)
        return None if xy is None else xy[i]

    conn.create_function("ST_IsEmpty", 1, lambda b: 1 if blob_xy(b) is None else 0)
    for name, i in (("ST_MinX", 0), ("ST_MaxX", 0), ("ST_MinY", 1), ("ST_MaxY", 1)):
        conn.create_function(name, 1, lambda b, i=i: coord(i, b))


# --- checking files -------------------------------------------------------------------------


def file_problem(path: Path) -> Message | None:
    """Why ``path`` cannot be a GeoPackage at all (checked before opening it), or None."""
    if path.is_dir():
        return msg("store_problem_is_folder")
    if not path.is_file():
        return msg("store_problem_not_a_file" if path.exists() else "store_problem_no_file")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            return msg("store_problem_not_sqlite")
    return None


def format_problem(conn: sqlite3.Connection) -> Message | None:
    """Why the open database is not a GeoPackage (wrong ``application_id``), or None."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        return msg("store_problem_app_id", found=f"{app_id:#x}")
    return None
