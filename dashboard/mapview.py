"""The folium web map: base layers (municipalities, regions, provinces) and initiatives.

No Streamlit here. The page builds the base map once per language/layer choice
and passes the filtered initiatives separately as a FeatureGroup, so filtering
does not remount the map (streamlit-folium ``feature_group_to_add``).

Tooltips carry a hidden key (``gm:GM1714`` for a municipality, ``id:slug`` for
initiatives) that the page reads back from ``last_object_clicked_tooltip``.
Every string that reaches a tooltip or label is HTML-escaped here.
"""

from __future__ import annotations

import base64
import json
import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape

import folium
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from dashboard import assets, geo, style
from dashboard.i18n import percent, regiotype_label, t

NL_BOUNDS = [[50.75, 3.36], [53.56, 7.23]]  # [[south, west], [north, east]]
# A fixed centre and zoom rather than fitBounds: the map's iframe is resized
# after the first render, and fitBounds on the initial size lands off-centre.
NL_CENTER = [52.15, 5.3]
CLUSTER_THRESHOLD = 150  # above this many points markers are clustered

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
    height_px: int = 640


# --------------------------------------------------------------------------- data


def _round(coords: object, digits: int) -> object:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), digits) for c in coords]
    return [_round(c, digits) for c in coords]  # type: ignore[union-attr]


def _features(frame, props: Sequence[str], simplify_deg: float = 0.0) -> list[dict]:
    """GeoJSON features with only ``props``; coordinates stay at 5 decimals."""
    out = []
    for row in frame.itertuples(index=False):
        geom = row.geometry
        if simplify_deg:
            geom = shapely.simplify(geom, simplify_deg, preserve_topology=True)
        gj = json.loads(shapely.to_geojson(geom))
        gj["coordinates"] = _round(gj["coordinates"], 5)
        out.append(
            {"type": "Feature", "geometry": gj, "properties": {p: getattr(row, p) for p in props}}
        )
    return out


def _tooltip_html(row, lang: str) -> str:
    parts = [f"<b>{escape(row.statnaam)}</b>", escape(row.provincie)]
    if row.regio:
        parts.append(f"{escape(row.regio)} · {escape(regiotype_label(row.regiotype, lang))}")
    if row.regio_noot:
        parts.append(f"<small>{escape(_short(row.regio_noot))}</small>")
    change = optional_number(row.bevolking_verandering_pct)
    if change is not None:
        parts.append(f"{t('population_change', lang)}: {percent(change, lang)}")
    parts.append(f'<span style="display:none">gm:{escape(row.statcode)}</span>')
    return "<br>".join(parts)


def optional_number(value: object) -> float | None:
    """None for missing values (None or NaN from the GeoJSON reader), else a float."""
    if value is None:
        return None
    number_ = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number_) else number_


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@cache
def _outline_features(layer: str) -> tuple[str, ...]:
    if layer == "regions":
        frame, props = geo.regions(), ["regio", "regiotype", "slug"]
    else:
        frame, props = geo.provinces(), ["provincie"]
    # Outlines only: a coarser line (about 100 m) is indistinguishable at map scale.
    return tuple(
        json.dumps(f, ensure_ascii=False, separators=(",", ":"))
        for f in _features(frame, props, simplify_deg=0.001)
    )


def _municipality_style(feature: dict, population: bool) -> dict:
    props = feature["properties"]
    if population:
        return {
            "fillColor": style.population_colour(props.get("bevolking_verandering_pct")),
            "fillOpacity": 0.75,
            "color": style.MUNICIPALITY_LINE,
            "weight": 0.5,
        }
    s = style.REGION_STYLES[props.get("regiotype") or ""]
    return {"fillColor": s.fill, "fillOpacity": s.fill_opacity, "color": style.MUNICIPALITY_LINE,
            "weight": 0.5}


def _region_style(feature: dict) -> dict:
    s = style.REGION_STYLES[feature["properties"]["regiotype"]]
    out = {"fill": False, "color": s.outline, "weight": s.outline_width}
    if s.dash:
        out["dashArray"] = s.dash
    return out


def base_map(options: MapOptions, theme_labels: dict[str, str] | None = None) -> folium.Map:
    """The map without initiatives: municipalities, region outlines and names, provinces.

    ``theme_labels`` (slug -> label in the map's language) fills the theme part
    of the legend; without it the legend shows the regions only.
    """
    m = folium.Map(
        location=NL_CENTER, zoom_start=7.5, tiles=None, min_zoom=4, max_zoom=17,
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


WEB_LAYER = "layers/gemeenten.json"  # under dashboard/static, written by build-geodata
OUTLINE_LAYERS = {"provinces": "layers/provincies.json", "regions": "layers/regios.json"}


def static_url(rel: str, options: MapOptions) -> str | None:
    """Where the browser fetches a shipped layer, or None when it must be embedded."""
    if options.static_serving and not options.embed_layers:
        return assets.static_prefix(options.base_url_path) + rel
    return None


def web_layer_files() -> dict[str, str]:
    """Every static layer file (path under dashboard/static -> content)."""
    files = {WEB_LAYER: web_layer_json()}
    for layer, rel in OUTLINE_LAYERS.items():
        files[rel] = _collection_text(_outline_features(layer)) + "\n"
    return files


def _collection_text(features: Iterable[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


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


def web_layer_json() -> str:
    """The municipality geometry the browser fetches once (and caches) from static files.

    Only what styling needs travels with the shapes (code, region type, population
    change); the tooltips, which depend on the language, stay in the page script.
    Sending the 400 KB of shapes with every rerun was what made filtering slow.
    """
    frame = geo.municipalities()
    features = []
    for row, feature in zip(
        frame.itertuples(index=False), _features(frame, ["statcode"]), strict=True
    ):
        feature["properties"] = {
            "k": row.statcode,
            "r": row.regiotype,
            "p": optional_number(row.bevolking_verandering_pct),
        }
        features.append(feature)
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))
    return text + "\n"


def _style_of(regiotype: str, pct: float | None, population: bool) -> dict:
    props = {"regiotype": regiotype, "bevolking_verandering_pct": pct}
    return _municipality_style({"properties": props}, population)


@cache
def municipality_layer_js(lang: str, population: bool) -> tuple[str, str, str]:
    """(tooltips by code, style index by code, styles) as JSON for the page script."""
    frame = geo.municipalities()
    styles: list[dict] = []
    index: dict[str, int] = {}
    for row in frame.itertuples(index=False):
        style_ = _style_of(row.regiotype, optional_number(row.bevolking_verandering_pct),
                           population)
        if style_ not in styles:
            styles.append(style_)
        index[row.statcode] = styles.index(style_)
    tips = {row.statcode: _tooltip_html(row, lang) for row in frame.itertuples(index=False)}
    return js_json(tips), js_json(index), js_json(styles)


@cache
def _embedded_layer() -> str:
    return js_json(json.loads(web_layer_json()))


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


@cache
def region_label_points() -> tuple[tuple[float, float, str, str], ...]:
    """(lat, lon, name, regiotype) at a point inside each region, for the name labels."""
    frame = geo.regions()
    out = []
    for row in frame.itertuples(index=False):
        p = row.geometry.representative_point()
        out.append((round(p.y, 4), round(p.x, 4), row.regio, row.regiotype))
    return tuple(out)


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


class FitOnLoad(MacroElement):
    """Fit the Netherlands (or a shared view) once the iframe has its final size.

    With ``avoid_panels`` (the exported map, whose legend and title card are open)
    the fit keeps clear of those panels: beside them when that leaves the larger
    map, otherwise below them, so no region hides under the title.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var fit = function () {
                var bounds = L.latLngBounds({{ this.bounds_json }});
                var box = map.getContainer().getBoundingClientRect();
                var left = 6, right = 6, top = 6;
                {% if this.avoid_panels %}
                map.getContainer().querySelectorAll('.kk-legend, .kk-export-head')
                    .forEach(function (el) {
                        var r = el.getBoundingClientRect();
                        if (!r.width) { return; }
                        if (r.left + r.width / 2 < box.left + box.width / 2) {
                            left = Math.max(left, r.right - box.left + 6);
                        } else {
                            right = Math.max(right, box.right - r.left + 6);
                        }
                        top = Math.max(top, r.bottom - box.top + 6);
                    });
                {% endif %}
                var beside = map.getBoundsZoom(bounds, false, L.point(left + right, 12));
                var below = map.getBoundsZoom(bounds, false, L.point(12, top + 6));
                if (beside >= below) {
                    map.fitBounds(bounds, {paddingTopLeft: [left, 6],
                                           paddingBottomRight: [right, 6]});
                } else {
                    map.fitBounds(bounds, {paddingTopLeft: [6, top],
                                           paddingBottomRight: [6, 6]});
                }
            };
            setTimeout(function () { map.invalidateSize(); fit(); }, 60);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]], avoid_panels: bool = False):
        super().__init__()
        self._name = "FitOnLoad"
        self.bounds_json = js_json([list(b) for b in bounds])
        self.avoid_panels = avoid_panels


class MetricScale(MacroElement):
    """A kilometre-only scale bar (folium's control_scale also shows miles)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, position: 'bottomright'})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class Attribution(MacroElement):
    """Adds the CBS/Kadaster credit to Leaflet's attribution control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text_json = js_json(escape(text))


LEGEND_CSS = """
.leaflet-container{background:#DCEAF2}
.kk-legend{background:rgba(255,255,255,.94);padding:6px 9px;border-radius:6px;color:#222;
 box-shadow:0 1px 4px rgba(0,0,0,.3);font:11.5px/1.3 system-ui,sans-serif;max-width:250px}
.kk-legend summary{cursor:pointer;font-weight:600;font-size:12px}
.kk-legend h4{margin:5px 0 2px;font-size:11.5px;font-weight:600}
.kk-legend .row{display:flex;align-items:center;gap:5px;margin:1px 0}
.kk-legend .grid{display:grid;grid-template-columns:1fr 1fr;column-gap:8px}
.kk-legend .sw{width:22px;height:13px;flex:none;box-sizing:border-box}
.kk-legend .dot{width:16px;height:16px;border-radius:50%;flex:none;color:#fff;font-size:10px;
 display:flex;align-items:center;justify-content:center;border:1.5px solid #fff;
 box-shadow:0 0 0 1px #222}
.kk-legend .note{font-size:10px;color:#555;margin-top:4px}
.kk-region-label{font:600 11px/1.1 system-ui,sans-serif;color:#3a1a00;white-space:nowrap;
 text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;transform:translate(-50%,-50%)}
.kk-region-label.kk-anticipeerregio{color:#123b57;font-style:italic}
.kk-pin{width:22px;height:22px;border-radius:50%;color:#fff;font:bold 13px/22px
 "DejaVu Sans",system-ui,sans-serif;text-align:center;border:2px solid #fff;
 box-shadow:0 0 0 1.5px #222,0 1px 3px rgba(0,0,0,.4);box-sizing:border-box;position:relative}
.kk-pin.kk-multi::after{content:attr(data-n);position:absolute;top:-8px;right:-9px;background:#222;
 color:#fff;font-size:9px;line-height:13px;padding:0 3px;border-radius:7px}
.kk-pin.kk-selected{box-shadow:0 0 0 3px #000,0 0 0 6px #ffd400}
.marker-cluster{background-clip:padding-box;border-radius:20px;cursor:pointer}
.marker-cluster div{width:30px;height:30px;margin:5px 0 0 5px;text-align:center;border-radius:15px;
 font:600 12px/30px system-ui,sans-serif;color:#222}
.marker-cluster-small{background:rgba(181,226,140,.6)}
.marker-cluster-small div{background:rgba(110,204,57,.75)}
.marker-cluster-medium{background:rgba(241,211,87,.6)}
.marker-cluster-medium div{background:rgba(240,194,12,.75)}
.marker-cluster-large{background:rgba(253,156,115,.6)}
.marker-cluster-large div{background:rgba(241,128,23,.75)}
"""


class Legend(MacroElement):
    """Legend control: region types (fill + outline style) and, below, the themes."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: 'topleft'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'kk-legend');
                div.innerHTML = {{ this.html_json }};
                // Narrow maps start with the legend folded so it hides no region.
                if (map.getSize().x < {{ this.fold_below }}) {
                    div.querySelector('details').open = false;
                }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            if (map.zoomControl) { map.zoomControl.setPosition('topright'); }
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, options: MapOptions, theme_labels: dict[str, str]):
        super().__init__()
        self._name = "Legend"
        self.css = LEGEND_CSS
        self.html_json = js_json(legend_html(options, theme_labels))
        self.fold_below = 800


def _swatch(kind: str) -> str:
    s = style.REGION_STYLES[kind]
    border = f"{max(s.outline_width, 1):.0f}px {'dashed' if s.dash else 'solid'} {s.outline}"
    rgba = _rgba(s.fill, s.fill_opacity)
    return f'<span class="sw" style="background:{rgba};border:{border}"></span>'


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def legend_html(options: MapOptions, theme_labels: dict[str, str]) -> str:
    """The legend's HTML (our own strings only, escaped anyway)."""
    lang = options.lang
    rows = []
    if options.population:
        rows.append(f"<h4>{escape(t('legend_population', lang))}</h4>")
        for label, colour in style.POPULATION_BINS:
            rows.append(f'<div class="row"><span class="sw" style="background:{colour}"></span>'
                        f"{escape(label)}</div>")
        rows.append(f'<div class="row"><span class="sw" style="background:#E0E0E0"></span>'
                    f"{escape(t('legend_no_data', lang))}</div>")
    rows.append(f"<h4>{escape(t('legend_regions', lang))}</h4>")
    for kind in ("krimpregio", "anticipeerregio", ""):
        rows.append(f'<div class="row">{_swatch(kind)}{escape(regiotype_label(kind, lang))}</div>')
    if theme_labels:
        rows.append(f"<h4>{escape(t('legend_themes', lang))}</h4><div class=\"grid\">")
        for theme, label in theme_labels.items():
            colour, symbol = style.marker_style([theme])
            rows.append(f'<div class="row"><span class="dot" style="background:{colour}">{symbol}'
                        f"</span>{escape(label)}</div>")
        rows.append("</div>")
    rows.append(f'<div class="note">{escape(t("credit_regions_note", lang))}</div>')
    summary = escape(t("legend", lang))
    return f"<details open><summary>{summary}</summary>{''.join(rows)}</details>"


def js_json(value: object) -> str:
    """JSON safe to embed in a <script> block: no '</script>' or '<!--' can break out."""
    return _script_safe(_compact_json(value))


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _script_safe(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


MARKER_LIST_MAX = 8  # names listed in the tooltip of a shared point
PACK_ABOVE_BYTES = 64_000  # marker data larger than this travels deflated


def pack_points(points: list[list]) -> str:
    """The markers as a JS expression: an array literal, or base64 deflate text when large.

    At 10,000 initiatives the array is about 0.75 MB; deflated it is a third of that.
    Streamlit's websocket is not compressed, so this is what a remote visitor saves on
    every filter change (on localhost the first map is no faster). Small layers stay
    a readable literal.
    """
    text = _compact_json(points)
    if len(text) <= PACK_ABOVE_BYTES:
        return _script_safe(text)
    packed = zlib.compress(text.encode("utf-8"), 6)
    return js_json(base64.b64encode(packed).decode("ascii"))


def unpack_points(expression: str) -> list[list]:
    """The inverse of ``pack_points`` (tests and tools read the markers back)."""
    value = json.loads(expression)
    if isinstance(value, str):
        value = json.loads(zlib.decompress(base64.b64decode(value)).decode("utf-8"))
    return value


def marker_points(frame, lang: str, selected_id: str = "") -> list[list]:
    """One compact entry per point: [lat, lon, style, count, selected, ids, labels].

    ``style`` indexes MARKER_STYLES; ``labels`` are plain text (the browser
    escapes them when it builds the tooltip). Initiatives that share a point
    (several records in one village) share a marker that lists them all.
    Keeping entries short keeps 10,000 initiatives under a megabyte.
    """
    on_map = frame.loc[frame["on_map"], ["id", "name", "place", "statnaam", "lat", "lon",
                                         "themes"]]
    if on_map.empty:
        return []
    lat, lon = on_map["lat"].round(5), on_map["lon"].round(5)
    place = on_map["place"].where(on_map["place"] != "", on_map["statnaam"]).fillna("")
    labels = on_map["name"].astype(str).where(place == "", on_map["name"] + " · " + place)
    looks = on_map["themes"].map(_style_index)
    ids = on_map["id"].astype(str)
    shared = pd.DataFrame({"lat": lat, "lon": lon}).duplicated(keep=False)
    points = [
        [la, lo, look, 1, int(i == selected_id), i, label]
        for la, lo, look, i, label in zip(
            lat[~shared], lon[~shared], looks[~shared], ids[~shared], labels[~shared],
            strict=True)
    ]
    rows = pd.DataFrame({"lat": lat, "lon": lon, "look": looks, "id": ids, "label": labels})
    for (la, lo), group in rows[shared].groupby(["lat", "lon"], sort=False):
        points.append([la, lo, int(group["look"].iloc[0]), len(group),
                       int(selected_id in set(group["id"])), ",".join(group["id"]),
                       "\n".join(group["label"].head(MARKER_LIST_MAX))])
    return points


MARKER_STYLES: list[tuple[str, str]] = [
    *(style.marker_style([theme]) for theme in style.THEME_COLOURS),
    (style.NO_THEME_COLOUR, style.NO_THEME_SYMBOL),
]
_THEME_INDEX = {theme: i for i, theme in enumerate(style.THEME_COLOURS)}


def _style_index(themes: list[str]) -> int:
    for theme in themes:
        if theme in _THEME_INDEX:
            return _THEME_INDEX[theme]
    return len(MARKER_STYLES) - 1


class InitiativeMarkers(MacroElement):
    """Theme-coloured pins from a compact array; clustered above CLUSTER_THRESHOLD points.

    Clustering uses supercluster: it indexes 10,000 points in about 0.1 s in the
    browser, and the map only ever holds the clusters and pins in view, made when they
    come into view. The selected initiative is never hidden inside a cluster.
    Tooltip text is escaped here in the browser (``esc``) before it becomes HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            var packed = {{ this.points_js }}, looks = {{ this.styles_json }};
            var more = {{ this.more_json }}, listMax = {{ this.list_max }};
            var clusterText = {{ this.cluster_json }}, locale = {{ this.locale_json }};
            var esc = function (s) {
                return String(s).replace(/[&<>"']/g, function (c) {
                    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
                            "'": '&#39;'}[c];
                });
            };
            var pin = function (p) {
                var look = looks[p[2]];
                var cls = 'kk-pin' + (p[3] > 1 ? ' kk-multi' : '') + (p[4] ? ' kk-selected' : '');
                var icon = L.divIcon({className: 'kk-pin-wrap', iconSize: [22, 22],
                    html: '<div class="' + cls + '" data-n="' + p[3] + '" data-ids="' + esc(p[5])
                          + '" style="background:' + look[0] + '">' + look[1] + '</div>'});
                var marker = L.marker([p[0], p[1]], {icon: icon, riseOnHover: true,
                                                     zIndexOffset: p[4] ? 1000 : 0});
                var lines = p[6].split('\\n').map(function (line) {
                    var cut = line.indexOf(' · ');
                    return cut < 0 ? '<b>' + esc(line) + '</b>'
                        : '<b>' + esc(line.slice(0, cut)) + '</b>' + esc(line.slice(cut));
                });
                if (p[3] > listMax) { lines.push(esc(more.replace('{n}', p[3] - listMax))); }
                marker.bindTooltip(lines.join('<br>') + '<span style="display:none">id:'
                                   + esc(p[5]) + '</span>', {direction: 'auto', offset: [0, 0]});
                return marker;
            };
            var build = function (pts) {
                var i;
                if (pts.length <= {{ this.threshold }} || typeof Supercluster === 'undefined') {
                    for (i = 0; i < pts.length; i++) { group.addLayer(pin(pts[i])); }
                    return;
                }
                var features = [];
                for (i = 0; i < pts.length; i++) {
                    if (pts[i][4]) { group.addLayer(pin(pts[i])); continue; }  // selected: own pin
                    features.push({type: 'Feature', properties: {i: i, n: pts[i][3]},
                                   geometry: {type: 'Point', coordinates: [pts[i][1], pts[i][0]]}});
                }
                var index = new Supercluster({
                    radius: 40, extent: 256, minZoom: 4, maxZoom: 15,  // the map zooms 4..17
                    map: function (props) { return {n: props.n}; },
                    reduce: function (sum, props) { sum.n += props.n; }
                });
                index.load(features);
                var map = null, shown = {}, pins = {};
                var cluster = function (c) {
                    var n = c.properties.n, size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
                    var where = L.latLng(c.geometry.coordinates[1], c.geometry.coordinates[0]);
                    var marker = L.marker(where, {
                        title: clusterText.replace('{n}', n.toLocaleString(locale)),
                        icon: L.divIcon({className: 'marker-cluster marker-cluster-' + size,
                                         iconSize: [40, 40],
                                         html: '<div><span>' + n.toLocaleString(locale)
                                               + '</span></div>'})
                    });
                    marker.on('click', function () {
                        var zoom = Math.min(index.getClusterExpansionZoom(c.id), map.getMaxZoom());
                        map.setView(where, Math.max(zoom, map.getZoom() + 1));
                    });
                    return marker;
                };
                var draw = function () {
                    if (!map) { return; }
                    var b = map.getBounds().pad(0.3), next = {}, key, item, k;
                    var items = index.getClusters(
                        [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -85),
                         Math.min(b.getEast(), 180), Math.min(b.getNorth(), 85)],
                        Math.floor(map.getZoom()));
                    for (k = 0; k < items.length; k++) {
                        item = items[k];
                        if (item.properties.cluster) {
                            key = 'c' + item.id;
                            next[key] = shown[key] || cluster(item);
                        } else {
                            key = 'p' + item.properties.i;
                            next[key] = pins[key] || (pins[key] = pin(pts[item.properties.i]));
                        }
                    }
                    for (key in shown) { if (!next[key]) { group.removeLayer(shown[key]); } }
                    for (key in next) {
                        if (!shown[key]) {
                            group.addLayer(next[key]);
                            // a cluster's click zooms in; it is not a click on an initiative
                            if (key[0] === 'c') { next[key].removeEventParent(group); }
                        }
                    }
                    shown = next;
                };
                // The group's own add/remove, not those its markers pass up to it.
                group.on('add', function (e) {
                    if (e.propagatedFrom || map) { return; }
                    map = group._map;
                    map.on('moveend', draw);
                    draw();
                });
                group.on('remove', function (e) {
                    if (e.propagatedFrom || !map) { return; }
                    map.off('moveend', draw);
                    map = null;
                    shown = {};
                });
                if (group._map) { group.fire('add'); }  // unpacked after the group was added
            };
            var i;
            if (typeof packed !== 'string') { build(packed); return; }
            // A large layer travels deflated: a third of the bytes to send and to parse.
            // No fetch() of a data: URL, so a strict Content-Security-Policy cannot block it.
            var raw = atob(packed), bytes = new Uint8Array(raw.length);
            for (i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
            new Response(new Blob([bytes]).stream()
                .pipeThrough(new DecompressionStream('deflate'))).json()
                .then(build, function (err) { console.error('Krimpkaart markers:', err); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: list[list], lang: str = "nl",
                 threshold: int = CLUSTER_THRESHOLD):
        super().__init__()
        self._name = "InitiativeMarkers"
        self.points_js = pack_points(points)
        self.styles_json = js_json(MARKER_STYLES)
        self.more_json = js_json(t("and_more", lang, n="{n}"))
        self.cluster_json = js_json(t("cluster_title", lang, n="{n}"))
        self.locale_json = js_json("nl-NL" if lang == "nl" else "en-GB")
        self.list_max = MARKER_LIST_MAX
        self.threshold = int(threshold)


def initiatives_layer(frame, lang: str, selected_id: str = "") -> folium.FeatureGroup:
    """The filtered initiatives as one FeatureGroup (st_folium ``feature_group_to_add``)."""
    group = folium.FeatureGroup(name="initiatieven", control=False)
    InitiativeMarkers(marker_points(frame, lang, selected_id), lang).add_to(group)
    return group


TOOLTIP_KEY = re.compile(r"(id|gm):([A-Za-z0-9,\-]+)\s*$")


def clicked_key(tooltip_text: str | None) -> tuple[str, list[str]] | None:
    """('id', [ids]) or ('gm', [statcode]) from a clicked tooltip's text, else None."""
    if not tooltip_text:
        return None
    match = TOOLTIP_KEY.search(tooltip_text)
    if not match:
        return None
    return match.group(1), [v for v in match.group(2).split(",") if v]


def view_for_bounds(
    bounds: Sequence[float], width_px: int = 760, height_px: int = 620, max_zoom: float = 13.0
) -> tuple[list[float], float]:
    """Centre [lat, lon] and a half-step zoom that fits (minlon, minlat, maxlon, maxlat)."""
    min_lon, min_lat, max_lon, max_lat = bounds

    def merc_y(lat: float) -> float:
        rad = math.radians(lat)
        return math.log(math.tan(math.pi / 4 + rad / 2))

    lon_span = max(max_lon - min_lon, 1e-6) / 360.0
    lat_span = max(merc_y(max_lat) - merc_y(min_lat), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width_px / 256 / lon_span), math.log2(height_px / 256 / lat_span))
    zoom = max(4.0, min(max_zoom, math.floor(zoom * 2) / 2 - 0.5))
    return [(min_lat + max_lat) / 2, (min_lon + max_lon) / 2], zoom


def clear_caches() -> None:
    """Forget cached layer data (after a geodata rebuild in the same process)."""
    for func in (_outline_features, municipality_layer_js,
                 _embedded_layer, region_label_points):
        func.cache_clear()
