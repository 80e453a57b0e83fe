"""Where the map looks: the first fit, the scale bar, and zoom for a bounding box."""

from __future__ import annotations

import math
from collections.abc import Sequence

from branca.element import MacroElement

from dashboard.webmap.templates import template


class FitOnLoad(MacroElement):
    """The first view: the Netherlands (or a shared link's bounds) fitted, or a link's view.

    ``view`` (lat, lon, zoom) is a shared link's exact centre and zoom; without
    it the bounds are fitted once the frame has its size, and again when it
    changes size, until the user moves the map. With ``avoid_panels`` the fit
    keeps clear of the open legend and title card: beside them when that leaves
    the larger map, otherwise below them, and above the attribution and scale
    bar, so no region hides under a panel (``kk.fitOnLoad``).
    """

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.fitOnLoad({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]], avoid_panels: bool = False,
                 view: Sequence[float] | None = None):
        super().__init__()
        self._name = "FitOnLoad"
        self.options = {"bounds": [list(b) for b in bounds], "avoidPanels": avoid_panels,
                        "view": list(view) if view else None}


class MetricScale(MacroElement):
    """A kilometre-only scale bar (folium's control_scale also shows miles)."""

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.metricScale({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


def view_for_bounds(
    bounds: Sequence[float], width_px: int = 760, height_px: int = 620, max_zoom: float = 13.0
) -> tuple[list[float], float]:
    """Centre [lat, lon] and a half-step zoom that fits (minlon, minlat, maxlon, maxlat)."""
    min_lon, min_lat, max_lon, max_lat = bounds

    def merc_y(lat: float) -> float:
        rad = math.radians(lat)
        return math.log(math.tan(math.pi / 4 + rad / 2))

    lon_span = max(max_lon - min_lon, 1e-6) / 360.0
    lat_span = max(merc_y(max_lat) - merc_y(min_lat), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width_px / 256 / lon_span), math.log2(height_px / 256 / lat_span))
    zoom = max(4.0, min(max_zoom, math.floor(zoom * 2) / 2 - 0.5))
    return [(min_lat + max_lat) / 2, (min_lon + max_lon) / 2], zoom



def bounds_for_view(
    center: Sequence[float], zoom: float, width_px: int = 960, height_px: int = 600
) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) that a web map of this size shows at centre and zoom.

    The inverse of ``view_for_bounds``: a shared link carries a centre and zoom,
    which a static export turns into its extent (Web Mercator, 256-px tiles).
    """
    lat, lon = center
    world = 256 * 2 ** zoom  # pixels around the world at this zoom

    def merc_y(lat_: float) -> float:
        rad = math.radians(max(-85.0, min(85.0, lat_)))
        return math.log(math.tan(math.pi / 4 + rad / 2))

    def lat_of(y: float) -> float:
        return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)

    half_lon = width_px / 2 / world * 360.0
    half_y = height_px / 2 / world * 2 * math.pi
    y = merc_y(lat)
    return (max(-180.0, lon - half_lon), lat_of(y - half_y),
            min(180.0, lon + half_lon), lat_of(y + half_y))
