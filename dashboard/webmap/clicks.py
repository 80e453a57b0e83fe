"""What a click on the web map means: the point where the pointer went down.

Pressing on the map can scroll the page before the click completes, and
Leaflet then reports a point off by the scroll (14 km at 1440x900 was seen);
``kk.clickWhereDown`` (``static/kk-map.js``) gives the later click handlers the
press position instead, so a point added by clicking is stored where it was aimed.
"""

from __future__ import annotations

from branca.element import MacroElement

from dashboard.webmap.templates import template


class ClickWhereDown(MacroElement):
    """Clicks report where the pointer went down (``kk.clickWhereDown``); add before the
    component's own click handler, i.e. as part of the map script."""

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.clickWhereDown({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ClickWhereDown"
