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
from jinja2 import Template

from dashboard import style
from dashboard.i18n import t
from dashboard.webmap import assets
from dashboard.webmap.jsdata import js_json
from dashboard.webmap.layers import (
    OUTLINE_LAYERS,
    WEB_LAYER,
    _collection_text,
    _embedded_layer,
    _outline_features,
    _region_style,
    municipality_layer_js,
    region_label_points,
)
from dashboard.webmap.legend import Attribution, Legend
from dashboard.webmap.options import BASEMAPS, NL_BOUNDS, NL_CENTER, MapOptions
from dashboard.webmap.viewport import FitOnLoad, MetricScale


def base_map(options: MapOptions, theme_labels: dict[str, str] | None = None) -> folium.Map:
    """The map without initiatives: municipalities, region outlines and names, provinces.

    ``theme_labels`` (slug -> label in the map's language) fills the theme part
    of the legend; without it the legend shows the regions only.
    """
    m = folium.Map(
        location=NL_CENTER, zoom_start=7.5,  # type: ignore[arg-type]  # half steps work
        tiles=None, min_zoom=4, max_zoom=17,
        control_scale=False, prefer_canvas=False, zoom_snap=0.5,
        max_bounds=True, min_lat=38.0, max_lat=62.0, min_lon=-15.0, max_lon=25.0,
    )
    js, css = assets.urls(options.base_url_path, options.static_serving)
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
    Attribution(t("credit_boundaries", options.lang)).add_to(m)
    MetricScale().add_to(m)
    FitOnLoad(options.fit_bounds or NL_BOUNDS).add_to(m)
    return m


def static_url(rel: str, options: MapOptions) -> str | None:
    """Where the browser fetches a shipped layer, or None when it must be embedded."""
    if options.static_serving and not options.embed_layers:
        return assets.static_prefix(options.base_url_path) + rel
    return None


class OutlineLayer(MacroElement):
    """Province borders or region outlines: lines only, not clickable."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var styles = {{ this.styles_json }};
            var layer = L.geoJson(null, {interactive: false, style: function (f) {
                return styles[f.properties.regiotype || ''] || styles[''];
            }});
            layer.addTo({{ this._parent.get_name() }});
            {% if this.data_url %}
            window.kkLayer({{ this.data_url_json }})
                .then(function (data) { layer.addData(data); });
            {% else %}
            layer.addData({{ this.data_json }});
            {% endif %}
        })();
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
        self.styles_json = js_json(styles)
        self.data_url = data_url
        self.data_url_json = js_json(data_url)
        self.data_json = "" if data_url else js_json(
            json.loads(_collection_text(_outline_features(layer))))


class MunicipalityLayer(MacroElement):
    """The 342 municipalities, styled by region type (or population change), with tooltips.

    In the app the shapes come from a static file (``data_url``), fetched once per
    browser; exported HTML and pages without static serving embed them.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var tips = {{ this.tips_json }}, pick = {{ this.index_json }};
            var styles = {{ this.styles_json }};
            var styleOf = function (f) { return styles[pick[f.properties.k]]; };
            var layer = L.geoJson(null, {
                smoothFactor: 0.5,
                style: styleOf,
                onEachFeature: function (f, l) {
                    l.bindTooltip(tips[f.properties.k], {sticky: true});
                    l.on('mouseover', function () { l.setStyle({weight: 2.5, color: '#000'}); });
                    l.on('mouseout', function () { l.setStyle(styleOf(f)); });
                }
            });
            layer.addTo({{ this._parent.get_name() }});
            {% if this.data_url %}
            window.kkLayer({{ this.data_url_json }})
                .then(function (data) { layer.addData(data); layer.bringToBack(); });
            {% else %}
            layer.addData({{ this.data_json }});
            {% endif %}
            return layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, population: bool, data_url: str | None = None):
        super().__init__()
        self._name = "MunicipalityLayer"
        self.tips_json, self.index_json, self.styles_json = municipality_layer_js(
            lang, population)
        self.data_url = data_url
        self.data_url_json = js_json(data_url)
        self.data_json = "" if data_url else _embedded_layer()


class RegionLabels(MacroElement):
    """Region names as non-interactive labels, hidden when zoomed far out."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var group = L.layerGroup();
            {{ this.labels_json }}.forEach(function (r) {
                L.marker([r[0], r[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({className: 'kk-region-label kk-' + r[3],
                                     html: r[2], iconSize: null})}).addTo(group);
            });
            function toggle() {
                if (map.getZoom() >= 7) { group.addTo(map); } else { group.remove(); }
            }
            map.on('zoomend', toggle); toggle();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, labels: Sequence[tuple[float, float, str, str]]):
        super().__init__()
        self._name = "RegionLabels"
        safe = [[lat, lon, escape(name), kind] for lat, lon, name, kind in labels]
        self.labels_json = js_json(safe)

