"""What the web map shows: basemaps, the Netherlands' extent, and ``MapOptions``.

A leaf module, so the layers, legend and viewport can all take ``MapOptions``.
"""

from __future__ import annotations

from dataclasses import dataclass

NL_BOUNDS = [[50.75, 3.36], [53.56, 7.23]]  # [[south, west], [north, east]]
# A fixed centre and zoom rather than fitBounds: the map's iframe is resized
# after the first render, and fitBounds on the initial size lands off-centre.
NL_CENTER = [52.15, 5.3]

BASEMAPS: dict[str, tuple[str, str] | None] = {
    "pdok-grijs": (
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png",
        "Kaartgegevens &copy; <a href='https://www.kadaster.nl'>Kadaster</a>",
    ),
    "pdok-pastel": (
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/pastel/EPSG:3857/{z}/{x}/{y}.png",
        "Kaartgegevens &copy; <a href='https://www.kadaster.nl'>Kadaster</a>",
    ),
    "pdok-standaard": (
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
        "Kaartgegevens &copy; <a href='https://www.kadaster.nl'>Kadaster</a>",
    ),
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; <a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a>",
    ),
    "geen": None,
}
DEFAULT_BASEMAP = "pdok-grijs"


@dataclass(frozen=True)
class MapOptions:
    """What the base map shows; hashable so the page can cache one map per choice."""

    lang: str = "nl"
    basemap: str = DEFAULT_BASEMAP
    population: bool = False
    region_names: bool = True
    base_url_path: str = ""
    static_serving: bool = True
    embed_layers: bool = False  # True for exported HTML: one self-contained file
    fit_bounds: tuple[tuple[float, float], tuple[float, float]] | None = None  # [[s, w], [n, e]]
    # A shared link's exact view (lat, lon, zoom); wins over fit_bounds.
    view: tuple[float, float, float] | None = None
    fit_avoid_panels: bool = True  # fit beside/below the open legend (and title card)
    legend_note: bool = True  # the region list's source in the legend (the app says it beside)
    height_px: int = 640

