"""The interactive web map (Python side): base layers, markers, legend, viewport, assets.

Browser code lives in ``dashboard/static``; the folium elements here are short
templates that pass data to it.
"""

from dashboard.webmap.basemap import base_map, static_url
from dashboard.webmap.layers import web_layer_files, web_layer_json
from dashboard.webmap.legend import legend_html
from dashboard.webmap.markers import (
    CLUSTER_THRESHOLD,
    MARKER_STYLES,
    clicked_key,
    initiatives_layer,
    marker_points,
    pack_points,
    unpack_points,
)
from dashboard.webmap.options import BASEMAPS, DEFAULT_BASEMAP, NL_BOUNDS, NL_CENTER, MapOptions
from dashboard.webmap.pending import pending_layer
from dashboard.webmap.viewport import FitOnLoad, view_for_bounds

__all__ = [
    "BASEMAPS", "CLUSTER_THRESHOLD", "DEFAULT_BASEMAP", "MARKER_STYLES", "NL_BOUNDS",
    "NL_CENTER", "FitOnLoad", "MapOptions", "base_map", "clicked_key", "initiatives_layer",
    "legend_html", "marker_points", "pack_points", "pending_layer", "static_url",
    "unpack_points",
    "view_for_bounds", "web_layer_files", "web_layer_json",
]
