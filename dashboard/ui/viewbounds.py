"""Read the web map's current bounds on request (the export of the view).

Panning must not rerun the script, so the page never listens to the map's
bounds. This small inline component reads them from the map only when the user
presses its button, and hands them to Python as (minlon, minlat, maxlon, maxlat).
The browser side is ``static/kk-view.mjs`` (an ES module, as components v2 wants).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.webmap import assets

# Streamlit takes a file path here only for components declared with an asset_dir
# in a package manifest; the text works however the app is installed or started.
_component = st.components.v2.component(
    "krimpkaart_view_bounds", js=assets.text("kk-view.mjs"), css=assets.text("kk-view.css"))


def clamp_bbox(values: object) -> tuple[float, float, float, float] | None:
    """A sane (minlon, minlat, maxlon, maxlat) from the browser, or None."""
    try:
        west, south, east, north = (float(v) for v in values)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -85.0), min(north, 85.0)
    if not (west < east and south < north):
        return None
    return (round(west, 4), round(south, 4), round(east, 4), round(north, 4))


def view_button(label: str, key: str, on_view: Callable[[tuple], None]) -> None:
    """A button that reads the map's bounds and passes them to ``on_view``."""

    def changed() -> None:
        result = st.session_state.get(key)
        bbox = clamp_bbox(getattr(result, "bbox", None) if result is not None else None)
        if bbox:
            on_view(bbox)

    _component(data={"label": label}, key=key, on_bbox_change=changed)

