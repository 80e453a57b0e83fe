"""The filtered web map as one self-contained HTML file (Leaflet and our scripts inlined)."""

from __future__ import annotations

from datetime import date
from html import escape

import pandas as pd
from branca.element import Figure, MacroElement

from dashboard.domain.vocab import THEMES
from dashboard.export.content import (
    Counts,
    LonLatBox,
    default_title,
    shown_themes,
    source_line,
    summary_parts,
)
from dashboard.i18n import t
from dashboard.query.filtering import apply
from dashboard.query.state import FilterState
from dashboard.webmap import assets
from dashboard.webmap.basemap import base_map
from dashboard.webmap.markers import initiatives_layer
from dashboard.webmap.options import DEFAULT_BASEMAP, MapOptions
from dashboard.webmap.templates import template


class ExportHeader(MacroElement):
    """Title, filters and source line as a Leaflet control (our escaped HTML only).

    Drawn by ``kk.exportHeader`` (``static/kk-map.js``), styled by ``static/kk-map.css``.
    """

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.exportHeader({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, title: str, subtitle: str, source: str) -> None:
        super().__init__()
        self._name = "ExportHeader"
        self.options = {"html": f"<h1>{escape(title)}</h1><p>{escape(subtitle)}</p>"
                                f'<p class="src">{escape(source)}</p>'}


def export_html(frame: pd.DataFrame, state: FilterState, lang: str = "nl",
                title: str | None = None, *, bbox: LonLatBox | None = None,
                view: tuple[float, float, float] | None = None,
                basemap: str = DEFAULT_BASEMAP, population: bool = False,
                today: date | None = None) -> bytes:
    """The filtered web map as one self-contained HTML file (UTF-8 bytes).

    Leaflet and its plugins are inlined, so it opens offline (only the basemap
    tiles need the internet); all text is escaped. ``view`` (lat, lon, zoom), a
    shared link's exact view, opens the map there; else ``bbox`` is fitted.
    """
    shown = apply(frame, state)
    heading = title.strip() if title and title.strip() else default_title(state, lang)
    on_map = shown[shown["on_map"].astype(bool)]
    # The interactive map can be panned abroad, so only pointless records are "beside" it.
    counts = Counts(drawn=len(on_map), abroad=0, unmapped=len(shown) - len(on_map), outside=0)
    theme_labels = {s: (THEMES.label(s, lang) if s else t("export_no_theme", lang))
                    for s in shown_themes(on_map) if s}
    bounds = ((bbox[1], bbox[0]), (bbox[3], bbox[2])) if bbox else None
    # the fit runs once the page has drawn, so it sees the title card added below
    options = MapOptions(lang=lang, basemap=basemap, population=population,
                         embed_layers=True, fit_bounds=bounds, view=view,
                         fit_avoid_panels=True)
    m = base_map(options, theme_labels)
    initiatives_layer(shown, lang).add_to(m)
    subtitle = " · ".join(summary_parts(state, counts, lang))
    ExportHeader(heading, subtitle, source_line(lang, today)).add_to(m)
    root = m.get_root()
    assert isinstance(root, Figure)  # a folium Map's root is a branca Figure
    root.title = escape(heading)
    html = assets.inline(root.render(), options.base_url_path)
    return html.encode("utf-8")
