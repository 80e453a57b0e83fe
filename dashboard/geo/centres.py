"""Municipality centres and distances on the globe.

A point placed "by municipality" goes to its municipality's centre. Before the
record had a ``location_approximate`` field that was the only trace of such a
placement, so ``is_at_centre`` is how older stores and files are read: a real
address almost never lies within a few metres of the centre.
"""

from __future__ import annotations

import math
from functools import cache

import geopandas as gpd
import numpy as np
import shapely

from dashboard.geo.crs import RD_NEW, WGS84
from dashboard.geo.layers import _municipalities_rd

EARTH_RADIUS_KM = 6371.0088
APPROXIMATE_KM = 0.05  # a point this close to the municipality centre counts as placed there
CENTRE_TOLERANCE_M = 25.0
COORD_DIGITS = 6  # ~0.1 m; a map click has no more precision than that


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@cache
def _centres() -> dict[str, tuple[float, float]]:
    """Every municipality's centre at once: 0.2 s, where one by one took 3.4 s."""
    frame = _municipalities_rd()
    largest = [max(getattr(shape, "geoms", [shape]), key=lambda part: part.area)
               for shape in frame.geometry]
    lines = shapely.maximum_inscribed_circle(np.array(largest, dtype=object),
                                             CENTRE_TOLERANCE_M)
    centres = shapely.get_coordinates(lines)[::2]  # each line runs from the centre outward
    points = gpd.GeoSeries(shapely.points(centres), crs=RD_NEW).to_crs(WGS84)
    return {code: (round(float(p.y), COORD_DIGITS), round(float(p.x), COORD_DIGITS))
            for code, p in zip(frame["statcode"], points, strict=True)}


def municipality_centre(statcode: str) -> tuple[float, float]:
    """(lat, lon) well inside the municipality ``GM1714``: its largest inscribed circle's centre.

    A centroid can fall outside a crescent-shaped municipality or in the sea; this
    point lies in the largest part and as far from its border as possible. Raises
    ``KeyError`` for an unknown code.
    """
    try:
        return _centres()[statcode]
    except KeyError:
        raise KeyError(f"{statcode} is not a municipality code (CBS 2024)") from None


def is_at_centre(statcode: str, lat: float | None, lon: float | None) -> bool:
    """Whether the point is (within ``APPROXIMATE_KM``) the centre of municipality ``statcode``."""
    if not statcode or lat is None or lon is None:
        return False
    try:
        centre_lat, centre_lon = municipality_centre(statcode)
    except KeyError:
        return False
    return haversine_km(lat, lon, centre_lat, centre_lon) <= APPROXIMATE_KM
