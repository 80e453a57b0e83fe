"""'Link to this map view': the exact centre and zoom in a link, copied to the clipboard.

Panning must not rerun the script, so the page never listens to the map's view.
This inline component (``static/kk-share.mjs``) reads it when the button is
pressed, writes the link (``centrum=lat,lon&zoom=N``), copies it, and shows it in
a field to copy by hand; the view comes back here so the address bar shows the
same link. The map opens such a link at exactly that centre and zoom.
"""

from __future__ import annotations

import math

import streamlit as st

from dashboard.i18n import t
from dashboard.query import ZOOM_MAX, ZOOM_MIN
from dashboard.webmap import assets

_component = st.components.v2.component(
    "krimpkaart_share_view", js=assets.text("kk-share.mjs"), css=assets.text("kk-share.css"))


def clean_view(values: object) -> tuple[tuple[float, float], float] | None:
    """((lat, lon), zoom) from the browser, rounded as the link writes them, or None."""
    try:
        lat, lon, zoom = (float(v) for v in values)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):
        return None
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and ZOOM_MIN <= zoom <= ZOOM_MAX):
        return None
    return (round(lat, 5), round(lon, 5)), zoom


def keep_view() -> None:
    """The view the button read goes into the session (and so the URL); bbox makes way."""
    result = st.session_state.get("share_view")
    view = clean_view(getattr(result, "view", None) if result is not None else None)
    if view:
        st.session_state.update(centrum=view[0], zoom=view[1], bbox=None)


def share_button(lang: str) -> None:
    """The button; its note says whether the link was copied and shows it."""
    _component(data={"label": t("share_view", lang), "copied": t("share_copied", lang),
                     "manual": t("share_manual", lang), "field": t("share_field", lang),
                     "close": t("close", lang)},
               key="share_view", width="content", on_view_change=keep_view)
