"""Where the map looks: the first fit, the scale bar, and zoom for a bounding box."""

from __future__ import annotations

import math
from collections.abc import Sequence

from branca.element import MacroElement

from dashboard.webmap.templates import template


class FitOnLoad(MacroElement):
    """Fit the Netherlands (or a shared view) once the iframe has its final size.

    With ``avoid_panels`` (the exported map, whose legend and title card are open)
    the fit keeps clear of those panels: beside them when that leaves the larger
    map, otherwise below them, so no region hides under the title (``kk.fitOnLoad``).
    """

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.fitOnLoad({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]], avoid_panels: bool = False):
        super().__init__()
        self._name = "FitOnLoad"
        self.options = {"bounds": [list(b) for b in bounds], "avoidPanels": avoid_panels}


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

