"""Where things are: the shipped boundary layers, point -> municipality, CRS, the build.

The package exports the lookup API most callers need (``geo.regions()``,
``geo.locate(lon, lat)``); ``geo.build`` rebuilds the layers from CBS sources.
"""

from dashboard.geo.centres import haversine_km, is_at_centre, municipality_centre
from dashboard.geo.crs import RD_NEW, WGS84, looks_like_rd, rd_to_wgs84
from dashboard.geo.layers import (
    LOCATION_COLUMNS,
    NL_BOUNDS,
    SNAP_DISTANCE_M,
    Location,
    geodata_dir,
    in_nl_box,
    locate,
    locate_many,
    municipalities,
    municipality_lookup,
    provinces,
    regions,
)

__all__ = [
    "LOCATION_COLUMNS", "NL_BOUNDS", "RD_NEW", "SNAP_DISTANCE_M", "WGS84", "Location",
    "geodata_dir", "haversine_km", "in_nl_box", "is_at_centre", "locate", "locate_many",
    "looks_like_rd", "municipalities", "municipality_centre", "municipality_lookup", "provinces",
    "rd_to_wgs84", "regions",
]
