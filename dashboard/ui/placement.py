"""A small map with a draggable pin: where an initiative goes, seen and corrected before saving.

An ``st.components.v2`` component; the browser side is ``static/kk-place.mjs``
(Leaflet from the shipped files, so it works on a closed network). The pin
moves by dragging, by a click on the small map, or with the arrow keys. The
position that is not saved yet lives in session state under the component's
key, not in the browser, so a rerun (another facilitator's edit arriving, a
language switch) keeps it. Used by the add panel and the edit dialog, and meant
for any later form that needs a point (e.g. a participant's phone form):

    point = placement.pick_point("my_form_place", start=(52.1, 5.3), zoom=13, lang="nl")

Components cannot sit inside ``st.form``: put the map above the form and read
the point when the form is submitted.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from dashboard import geo
from dashboard.geo.centres import COORD_DIGITS
from dashboard.i18n import t
from dashboard.ui.markdown import md_escape
from dashboard.webmap import BASEMAPS, assets, static_url
from dashboard.webmap.layers import WEB_LAYER
from dashboard.webmap.options import MapOptions

Point = tuple[float, float]

# Streamlit takes a file path here only for components declared with an asset_dir
# in a package manifest; the text works however the app is installed or started.
_component = st.components.v2.component(
    "krimpkaart_place", js=assets.text("kk-place.mjs"), css=assets.text("kk-place.css"))

DEFAULT_HEIGHT = 280
# Without background tiles (no basemap, or offline) only municipality borders give
# context, and closer in than this there is rarely one in view.
BARE_MAX_ZOOM = 11.0


def _point_key(key: str) -> str:
    return f"{key}__point"


def _view_key(key: str) -> str:
    return f"{key}__view"


def clean_point(values: object) -> Point | None:
    """(lat, lon) rounded to ~0.1 m from the browser or a caller, or None when not a point."""
    try:
        lat, lon = (float(v) for v in values)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return round(lat, COORD_DIGITS), round(lon, COORD_DIGITS)


def set_point(key: str, point: object, *, recenter: bool = True) -> None:
    """Put the pin at ``point`` (a click on the main map, typed coordinates).

    ``recenter`` also centres the small map on it at the zoom ``pick_point`` is given.
    """
    ss = st.session_state
    ss[_point_key(key)] = clean_point(point)
    if recenter:
        ss[_view_key(key)] = ss.get(_view_key(key), 0) + 1


def current_point(key: str) -> Point | None:
    """Where the pin is now (not saved anywhere yet), or None before it was placed."""
    return st.session_state.get(_point_key(key))


def clear(key: str) -> None:
    """Forget the unsaved position (after saving or cancelling)."""
    for name in (_point_key(key), _view_key(key)):
        st.session_state.pop(name, None)


def _sources() -> tuple[dict[str, str], str | None]:
    """Leaflet's URLs and the municipality outlines' URL (None without static serving)."""
    base = st.get_option("server.baseUrlPath") or ""
    serving = bool(st.get_option("server.enableStaticServing"))
    js, css = assets.urls(base, serving)
    leaflet = {"js": dict(js)["leaflet"], "css": dict(css)["leaflet_css"]}
    outlines = static_url(WEB_LAYER, MapOptions(base_url_path=base, static_serving=serving))
    return leaflet, outlines


def pick_point(
    key: str,
    start: Point | None,
    zoom: float,
    lang: str,
    *,
    basemap: str | None = None,
    height: int = DEFAULT_HEIGHT,
    on_change: Callable[[Point], None] | None = None,
) -> Point | None:
    """Show the small map with its pin and return where the pin is, or None.

    The pin starts at ``start`` unless this ``key`` already has an unsaved
    position (``set_point``, or an earlier move); with neither, nothing is shown.
    ``on_change(point)`` runs (as a callback, before the rerun) when the user
    moves the pin. ``basemap`` names one of ``webmap.BASEMAPS`` for the tiles
    (default: the page's map choice); the municipality outlines are always drawn.
    """
    ss = st.session_state
    if current_point(key) is None and start is not None:
        set_point(key, start)
    point = current_point(key)
    if point is None:
        return None
    tiles = BASEMAPS.get(basemap if basemap is not None else ss.get("kaart", ""))
    leaflet, outlines = _sources()
    if not tiles:
        zoom = min(zoom, BARE_MAX_ZOOM)

    def moved() -> None:
        result = ss.get(key)
        new = clean_point(getattr(result, "moved", None) if result is not None else None)
        if new is not None:
            set_point(key, new, recenter=False)
            if on_change is not None:
                on_change(new)

    _component(
        key=key,
        data={"point": list(point), "zoom": zoom, "view": ss.get(_view_key(key), 0),
              "height": height, "leaflet": leaflet, "tiles": list(tiles) if tiles else None,
              "outlines": outlines,
              "labels": {"pin": t("place_pin", lang), "map": t("place_map", lang)}},
        height=height,
        on_moved_change=moved,
    )
    return current_point(key)


def point_status(point: Point, lang: str) -> bool:
    """Say where the pin is: "Gekozen punt: 52.27234, 5.10022 (Utrecht)", or a warning
    outside the Netherlands. Returns whether the point lies in a Dutch municipality."""
    hit = geo.locate(point[1], point[0])
    where = hit["statnaam"] if hit else t("outside_nl", lang)
    text = t("add_point", lang, lat=f"{point[0]:.5f}", lon=f"{point[1]:.5f}",
             where=md_escape(where))
    (st.success if hit else st.warning)(text)
    return hit is not None


def municipality_names() -> dict[str, str]:
    """statcode -> name, sorted by name: the choices for placing at a municipality's centre."""
    frame = geo.municipalities().sort_values("statnaam")
    return dict(zip(frame["statcode"], frame["statnaam"], strict=True))
