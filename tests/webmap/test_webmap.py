"""The folium map: base layers, initiative markers, escaping, clustering."""

from __future__ import annotations

import json
import re

from dashboard import query, webmap
from dashboard.webmap import assets, layers, markers
from dashboard.webmap.options import MapOptions


def _frame(records):
    return query.initiatives_frame(records)


def rec(id_, name, lat, lon, themes=("wonen",)):
    return {"id": id_, "name": name, "lat": lat, "lon": lon, "themes": list(themes),
            "scope": "lokaal", "kind": "initiatief", "place": "Oostburg"}


def render(m) -> str:
    return m.get_root().render()


def test_base_map_has_all_layers_and_local_assets_only():
    html = render(webmap.base_map(MapOptions(), {"wonen": "Wonen"}))
    assert len(re.findall(r'"GM\d{4}":"\\u003cb\\u003e', html)) == 342  # one tooltip each
    assert "/app/static/layers/gemeenten.json" in html  # shapes are fetched, not embedded
    assert len(html) < 150_000
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert not re.search(r'<script src="https?://', html)
    assert not re.search(r'<link[^>]+href="https?://', html)
    for needle in ("Krimpregio", "Anticipeerregio", "Wonen", "CBS/Kadaster", "Zeeuws-Vlaanderen"):
        assert needle in html
    assert "service.pdok.nl" in html  # default basemap


def test_base_url_path_is_honoured_and_data_urls_without_static_serving():
    html = render(webmap.base_map(MapOptions(base_url_path="/kaart/")))
    assert "/kaart/app/static/vendor/leaflet/leaflet.js" in html
    assert "/kaart/app/static/layers/gemeenten.json" in html
    html = render(webmap.base_map(MapOptions(static_serving=False)))
    assert "data:text/javascript;base64," in html
    assert "/app/static/layers/" not in html and html.count('"type":"Feature"') >= 342 + 12


def test_static_layer_files_match_the_shipped_geodata():
    """build-geodata writes them; this catches a rebuild that forgot to refresh them."""
    for rel, text in webmap.web_layer_files().items():
        shipped = (assets.STATIC_DIR / rel).read_text(encoding="utf-8")
        assert shipped == text, f"{rel} is stale: run krimpkaart build-geodata"


def test_no_basemap_and_population_layer():
    html = render(webmap.base_map(MapOptions(basemap="geen", population=True)))
    assert "service.pdok.nl" not in html and "openstreetmap" not in html
    assert "Bevolkingsverandering" in html
    assert "#8C510A" in html  # strongest decline colour is used somewhere


def test_marker_data_keeps_user_text_inert_in_the_script():
    frame = _frame([rec("evil", "<script>alert(1)</script>", 51.3264, 3.4931)])
    layer = webmap.initiatives_layer(frame, "nl")
    m = webmap.base_map(MapOptions())
    layer.add_to(m)
    html = render(m)
    assert "<script>alert(1)</script>" not in html
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    assert "var esc = function" in html  # the browser escapes labels before using them
    point = webmap.marker_points(frame, "nl")[0]
    assert point[5] == "evil" and point[6].startswith("<script>alert(1)</script> · ")


def test_shared_point_makes_one_marker_listing_both():
    frame = _frame([rec("a", "Een", 52.3731, 4.8926), rec("b", "Twee", 52.3731, 4.8926),
                    rec("c", "Drie", 51.3264, 3.4931)])
    points = webmap.marker_points(frame, "nl", selected_id="c")
    assert len(points) == 2
    shared = next(p for p in points if p[3] == 2)
    assert shared[5] == "a,b" and "Een" in shared[6] and "Twee" in shared[6]
    assert webmap.clicked_key("Een · AmsterdamTwee · Amsterdamid:a,b") == ("id", ["a", "b"])
    assert next(p for p in points if p[3] == 1)[4] == 1  # selected


def test_clustering_code_and_compact_data_at_scale():
    few = markers.InitiativeMarkers([[52, 5, 0, 1, 0, "a", "A"]] * 3)
    assert few.threshold == webmap.CLUSTER_THRESHOLD
    frame = _frame([rec(f"initiatief-{i}", f"Initiatief {i}", 52.0 + i * 1e-3, 5.0, ("zorg",))
                    for i in range(2000)])
    group = webmap.initiatives_layer(frame, "nl")
    m = webmap.base_map(MapOptions())
    group.add_to(m)
    html = render(m)
    assert "new Supercluster(" in html and "supercluster.min.js" in html
    data = re.search(r"var packed = (.*?), looks", html, flags=re.S)
    assert data and len(webmap.unpack_points(data.group(1))) == 2000 > webmap.CLUSTER_THRESHOLD
    assert data.group(1).startswith('"')  # this many travel deflated
    assert len(data.group(1)) / 2000 < 40  # bytes per initiative: 10,000 stay well under 1 MB
    assert "DecompressionStream" in html


def test_marker_data_is_packed_only_when_large_and_unpacks_exactly():
    small = [[52.1, 5.1, 0, 1, 0, "a", "Één </script> · Plaats"]]
    text = webmap.pack_points(small)
    assert text.startswith("[") and "</script>" not in text
    assert webmap.unpack_points(text) == small
    large = [[52.0 + i * 1e-4, 5.0, i % 12, 1, 0, f"id-{i}", f"Naam {i} <b>"] for i in range(3000)]
    packed = webmap.pack_points(large)
    assert packed.startswith('"') and len(packed) < len(webmap.js_json(large)) / 2
    assert webmap.unpack_points(packed) == large


def test_municipality_tooltip_keys_and_records_without_point_left_out():
    frame = _frame([rec("x", "X", None, None)])
    assert webmap.marker_points(frame, "nl") == []
    assert webmap.clicked_key("Sluis Zeeland gm:GM1714") == ("gm", ["GM1714"])
    assert webmap.clicked_key("no key here") is None
    assert webmap.clicked_key(None) is None


def test_js_json_cannot_close_a_script_block():
    text = webmap.js_json(["</script><script>x()</script>", "<!--"])
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == ["</script><script>x()</script>", "<!--"]


def test_view_for_bounds_fits_small_and_large_areas():
    center, zoom = webmap.view_for_bounds((3.3, 51.2, 3.7, 51.4))
    assert 9.5 <= zoom <= 11 and abs(center[0] - 51.3) < 1e-9
    _, zoom_nl = webmap.view_for_bounds((3.36, 50.75, 7.23, 53.56))
    assert zoom_nl < zoom


def test_prefetch_script_names_the_layers_the_map_fetches():
    from dashboard.webmap import assets

    script = (assets.STATIC_DIR / "kk-prefetch.js").read_text(encoding="utf-8")
    for rel in (layers.WEB_LAYER, *layers.OUTLINE_LAYERS.values()):
        assert f"'{rel}'" in script and (assets.STATIC_DIR / rel).is_file()
    assert assets.JS[0][1] == "kk-prefetch.js"  # loads before Leaflet
    html = render(webmap.base_map(MapOptions()))
    assert html.count("window.kkLayer(") == 3 and "fetch(" not in html
