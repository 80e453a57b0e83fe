"""The folium base map: municipalities, region outlines and names, provinces, controls.

No Streamlit here. The page builds the base map once per language/layer choice
and passes the filtered initiatives separately as a FeatureGroup (``markers``),
so filtering does not remount the map (streamlit-folium ``feature_group_to_add``).
Every string that reaches a tooltip or label is HTML-escaped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

import folium
from branca.element import MacroElement

from dashboard import style
from dashboard.i18n import t
from dashboard.query.state import ZOOM_MAX, ZOOM_MIN
from dashboard.webmap import assets
from dashboard.webmap.clicks import ClickWhereDown
from dashboard.webmap.layers import (
    OUTLINE_LAYERS,
    WEB_LAYER,
    _collection_text,
    _outline_features,
    _region_style,
    embedded_layer,
    municipality_layer_data,
    region_label_points,
)
from dashboard.webmap.legend import Attribution, Legend
from dashboard.webmap.options import BASEMAPS, NL_BOUNDS, NL_CENTER, MapOptions
from dashboard.webmap.skiplink import SkipLink
from dashboard.webmap.templates import template
from dashboard.webmap.viewport import FitOnLoad, MetricScale


def base_map(options: MapOptions, theme_labels: dict[str, str] | None = None) -> folium.Map:
    """The map without initiatives: municipalities, region outlines and names, provinces.

    ``theme_labels`` (slug -> label in the map's language) fills the theme part
    of the legend; without it the legend shows the regions only.
    """
    m = folium.Map(
        location=NL_CENTER, zoom_start=7.5,  # type: ignore[arg-type]  # fractions work
        tiles=None, min_zoom=ZOOM_MIN, max_zoom=ZOOM_MAX,  # links are checked against these
        control_scale=False, prefer_canvas=False, zoom_snap=0.25,  # finer first fits
        max_bounds=True, min_lat=38.0, max_lat=62.0, min_lon=-15.0, max_lon=25.0,
    )
    # An exported page (embed_layers) is no app frame: it leaves out the frame's files.
    js, css = assets.urls(options.base_url_path, options.static_serving,
                          app=not options.embed_layers)
    m.default_js, m.default_css = js, css  # instance lists: never the shared class lists

    tiles = BASEMAPS.get(options.basemap)
    if tiles:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], name=options.basemap,
                         max_zoom=19, max_native_zoom=19).add_to(m)
    MunicipalityLayer(options.lang, options.population,
                      static_url(WEB_LAYER, options)).add_to(m)
    for layer in ("provinces", "regions"):
        url = static_url(OUTLINE_LAYERS[layer], options)
        OutlineLayer(layer, url).add_to(m)
    if options.region_names:
        RegionLabels(region_label_points()).add_to(m)
    Legend(options, theme_labels or {}).add_to(m)
    Attribution(t("credit_boundaries", options.lang), t("sources", options.lang)).add_to(m)
    MetricScale().add_to(m)
    ClickWhereDown().add_to(m)
    SkipLink(options.lang).add_to(m)
    # One fit only: a second one, while the first zooms (animated), is ignored by Leaflet.
    FitOnLoad(options.fit_bounds or NL_BOUNDS, options.fit_avoid_panels,
              options.view).add_to(m)
    return m


def static_url(rel: str, options: MapOptions) -> str | None:
    """Where the browser fetches a shipped layer, or None when it must be embedded."""
    if options.static_serving and not options.embed_layers:
        return assets.static_prefix(options.base_url_path) + rel
    return None


class OutlineLayer(MacroElement):
    """Province borders or region outlines: lines only, not clickable (``kk.outlineLayer``)."""

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.outlineLayer({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, layer: str, data_url: str | None):
        super().__init__()
        self._name = "OutlineLayer"
        if layer == "provinces":
            styles = {"": {"fill": False, "color": style.PROVINCE_LINE,
                           "weight": style.PROVINCE_WIDTH}}
        else:
            styles = {kind: _region_style({"properties": {"regiotype": kind}})
                      for kind in ("krimpregio", "anticipeerregio")}
        self.options: dict = {"name": layer, "styles": styles}  # kk.focus finds it by name
        if data_url:
            self.options["url"] = data_url
        else:
            self.options["data"] = json.loads(_collection_text(_outline_features(layer)))


class MunicipalityLayer(MacroElement):
    """The 342 municipalities, styled by region type (or population change), with tooltips.

    In the app the shapes come from a static file (``data_url``), fetched once per
    browser; exported HTML and pages without static serving embed them. The
    browser side is ``kk.municipalityLayer`` in ``static/kk-map.js``.
    """

    _template = template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = kk.municipalityLayer({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """  # noqa: E501 - one call per line, as tests/test_no_js_in_python.py allows it
    )

    def __init__(self, lang: str, population: bool, data_url: str | None = None):
        super().__init__()
        self._name = "MunicipalityLayer"
        tips, pick, styles = municipality_layer_data(lang, population)
        self.options: dict = {"tips": tips, "pick": pick, "styles": styles}
        if data_url:
            self.options["url"] = data_url
        else:
            self.options["data"] = embedded_layer()


class RegionLabels(MacroElement):
    """Region names as non-interactive labels, hidden when zoomed far out (``kk.regionLabels``)."""

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.regionLabels({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, labels: Sequence[tuple[float, float, str, str]]):
        super().__init__()
        self._name = "RegionLabels"
        self.options = {
            "labels": [[lat, lon, escape(name), kind] for lat, lon, name, kind in labels]}
