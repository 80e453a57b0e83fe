"""The point being placed, on the main map: a distinct pin while a facilitator adds.

Drawn as a second feature group beside the initiatives (``ui.mapframe``), not
clickable, so a click next to it simply moves it. The browser side is
``kk.pendingPin`` in ``static/kk-map.js``; the same pin as on the small
placement map (``static/kk-place.css``), so the two read as one.
"""

from __future__ import annotations

import folium
from branca.element import MacroElement

from dashboard.i18n import t
from dashboard.webmap.templates import template


class PendingPin(MacroElement):
    """One non-interactive pin at ``point`` (``kk.pendingPin``)."""

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.pendingPin({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, point: tuple[float, float], title: str):
        super().__init__()
        self._name = "PendingPin"
        self.options = {"point": [point[0], point[1]], "title": title}


def pending_layer(point: tuple[float, float], lang: str) -> folium.FeatureGroup:
    """The new initiative's pin as a FeatureGroup for streamlit-folium."""
    group = folium.FeatureGroup(name="nieuw", control=False)
    PendingPin(point, t("pending_pin", lang)).add_to(group)
    return group
