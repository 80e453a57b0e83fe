"""A "skip the map" link: the first stop in the map's tab order, to the panel beside it.

A keyboard user who tabs into the map meets every cluster and pin in view before
anything after it. The link (``kk.skipLink``, hidden until focused) moves focus to the
page's side panel, where a picked initiative's details are (WCAG 2.4.1). Where the map has
no such panel (the HTML export, a map opened on its own) the link is not added.
"""

from __future__ import annotations

from branca.element import MacroElement

from dashboard.i18n import t
from dashboard.webmap.templates import template

SIDE_PANEL = ".st-key-side_panel"  # the page's panel container (app.py, key="side_panel")


class SkipLink(MacroElement):
    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.skipLink({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str = "nl", target: str = SIDE_PANEL):
        super().__init__()
        self._name = "SkipLink"
        self.options = {"label": t("skip_map", lang), "target": target}
