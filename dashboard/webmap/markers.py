"""The initiatives on the web map: a compact point array, pins, clusters, click keys.

Tooltips carry a hidden key (``id:slug`` for initiatives, ``gm:GM1714`` for a
municipality) that the page reads back from ``last_object_clicked_tooltip``.
Labels travel as plain text and are escaped in the browser before they become HTML.
"""

from __future__ import annotations

import base64
import json
import re
import zlib

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard import style
from dashboard.i18n import t
from dashboard.webmap.jsdata import _compact_json, _script_safe, js_json

CLUSTER_THRESHOLD = 150  # above this many points markers are clustered

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

