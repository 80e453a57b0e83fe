"""The folium map: base layers, initiative markers, escaping, clustering."""

from __future__ import annotations

import base64
import json
import re

import folium
import pytest

from dashboard import geo, query, webmap
from dashboard.webmap import assets, layers, markers
from dashboard.webmap.options import MapOptions
from dashboard.webmap.templates import script_json, template
from tests.jscalls import kk_call, kk_calls


def _frame(records):
    return query.initiatives_frame(records)


def rec(id_, name, lat, lon, themes=("wonen",)):
    return {"id": id_, "name": name, "lat": lat, "lon": lon, "themes": list(themes),
            "scope": "lokaal", "kind": "initiatief", "place": "Oostburg"}


def render(m) -> str:
    return m.get_root().render()


def test_base_map_has_all_layers_and_local_assets_only():
    html = render(webmap.base_map(MapOptions(), {"wonen": "Wonen"}))
    municipalities = kk_call(html, "municipalityLayer")
    tips = municipalities["tips"]
    assert len(tips) == 342 and set(tips) == set(municipalities["pick"])  # one tooltip each
    for code, tip in tips.items():
        assert tip.startswith("<b>")
        assert tip.endswith(f'<span style="display:none">gm:{code}</span>')
        assert webmap.clicked_key(re.sub(r"<[^>]+>", " ", tip)) == ("gm", [code])
    # shapes are fetched, not embedded
    assert municipalities["url"] == "/app/static/layers/gemeenten.json"
    assert "data" not in municipalities
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
    assert "data:text/javascript;base64," in html and "data:text/css;base64," in html
    assert "/app/static/" not in html
    municipalities = kk_call(html, "municipalityLayer")
    assert "url" not in municipalities and len(municipalities["data"]["features"]) == 342
    outlines = kk_calls(html, "outlineLayer")
    assert [len(o["data"]["features"]) for o in outlines] == [12, len(geo.regions())]


def test_every_map_asset_is_a_shipped_file_served_or_sent_as_data():
    app_js, app_css = assets.JS + assets.APP_JS, assets.CSS + assets.APP_CSS
    js, css = assets.urls()
    assert [url for _, url in js] == ["/app/static/" + rel for _, rel in app_js]
    assert [url for _, url in css] == ["/app/static/" + rel for _, rel in app_css]
    assert {"kk-map.js", "kk-markers.js"} <= {rel for _, rel in assets.JS}
    # kk-map.css sets the map's background, over Leaflet's own; kk-place.css the placing pin
    assert [rel for _, rel in assets.CSS] == ["vendor/leaflet/leaflet.css", "kk-map.css",
                                              "kk-place.css"]
    js, css = assets.urls(static_serving=False)
    for (_, url), (_, rel) in zip([*js, *css], [*app_js, *app_css], strict=True):
        assert base64.b64decode(url.split(",", 1)[1]) == (assets.STATIC_DIR / rel).read_bytes()


def test_only_the_app_frame_loads_the_frame_files():
    """kk-frame.js/css size the app's iframe; an exported page is no such frame."""
    app_files = {rel for _, rel in [*assets.APP_JS, *assets.APP_CSS]}
    assert app_files == {"kk-frame.js", "kk-frame.css"}
    in_app = render(webmap.base_map(MapOptions()))
    exported = render(webmap.base_map(MapOptions(embed_layers=True)))
    for rel in app_files:
        assert "/app/static/" + rel in in_app
        assert rel not in exported


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


EVIL_NAME = "</script><script>alert(1)</script><!-- 'quote' & \"more\""


def _map_with(name: str) -> str:
    m = webmap.base_map(MapOptions())
    webmap.initiatives_layer(_frame([rec("evil", name, 51.3264, 3.4931)]), "nl").add_to(m)
    return render(m)


def test_marker_data_keeps_user_text_inert_in_the_script():
    html = _map_with(EVIL_NAME)
    harmless = _map_with("Harmless")
    # the name cannot close the script block or open another: the page has the same
    # script elements as with a harmless name (tests/e2e/test_escaping.py: the browser
    # escapes the label again before it becomes tooltip HTML)
    for tag in ("<script", "</script", "<!--"):
        assert html.count(tag) == harmless.count(tag), tag
    (point,) = webmap.unpack_points(kk_call(html, "markers")["points"])
    assert point[5] == "evil" and point[6] == EVIL_NAME + " · Oostburg"  # exactly, as text


def test_shared_point_makes_one_marker_listing_both():
    frame = _frame([rec("a", "Een", 52.3731, 4.8926), rec("b", "Twee", 52.3731, 4.8926),
                    rec("c", "Drie", 51.3264, 3.4931)])
    points = webmap.marker_points(frame, "nl", selected_id="c")
    assert len(points) == 2
    shared = next(p for p in points if p[3] == 2)
    assert shared[5] == "a,b" and "Een" in shared[6] and "Twee" in shared[6]
    assert webmap.clicked_key("Een · AmsterdamTwee · Amsterdamid:a,b") == ("id", ["a", "b"])
    assert next(p for p in points if p[3] == 1)[4] == 1  # selected


def test_approximate_points_are_flagged_in_the_marker_data():
    rough = {**rec("r", "Ruw", 53.0, 7.0), "location_approximate": True}
    both_rough = [{**rec(i, i.upper(), 52.3731, 4.8926), "location_approximate": True}
                  for i in ("a", "b")]
    mixed = [{**rec("c", "C", 51.3264, 3.4931), "location_approximate": True},
             rec("d", "D", 51.3264, 3.4931)]
    points = webmap.marker_points(_frame([rough, rec("e", "E", 52.0, 5.0), *both_rough, *mixed]),
                                  "nl")
    flags = {p[5]: p[7] for p in points}
    # a shared point is approximate only when it is for everyone on it
    assert flags == {"r": 1, "e": 0, "a,b": 1, "c,d": 0}
    assert all(len(p) == 8 for p in points)


def test_marker_options_and_compact_data_at_scale():
    few = markers.InitiativeMarkers([[52, 5, 0, 1, 0, "a", "A"]] * 3)
    assert few.options["threshold"] == webmap.CLUSTER_THRESHOLD
    frame = _frame([rec(f"initiatief-{i}", f"Initiatief {i}", 52.0 + i * 1e-3, 5.0, ("zorg",))
                    for i in range(2000)])
    group = webmap.initiatives_layer(frame, "nl")
    m = webmap.base_map(MapOptions())
    group.add_to(m)
    html = render(m)
    options = kk_call(html, "markers")
    assert options["threshold"] == webmap.CLUSTER_THRESHOLD < 2000  # these are clustered
    assert options["styles"] == [list(s) for s in webmap.MARKER_STYLES]
    assert options["listMax"] == markers.MARKER_LIST_MAX and options["locale"] == "nl-NL"
    assert options["cluster"].count("{n}") == 1 and options["more"].count("{n}") == 1
    packed = options["points"]
    assert isinstance(packed, str)  # this many travel deflated
    assert len(webmap.unpack_points(packed)) == 2000
    assert len(packed) / 2000 < 40  # bytes per initiative: 10,000 stay well under 1 MB


def test_marker_data_is_packed_only_when_large_and_unpacks_exactly():
    small = [[52.1, 5.1, 0, 1, 0, "a", "Één </script> · Plaats"]]
    assert webmap.pack_points(small) == small  # a readable list
    assert webmap.unpack_points(webmap.pack_points(small)) == small
    large = [[round(52.0 + i * 1e-4, 5), round(5.0 - i * 3e-5, 5), i % 12, 1 + i % 3,
              int(i == 7), f"id-{i}", f"Naam {i} <b>\nTweede", i % 2] for i in range(3000)]
    packed = webmap.pack_points(large)
    plain = json.dumps(large, ensure_ascii=False, separators=(",", ":"))
    assert isinstance(packed, str) and len(packed) < len(plain) / 2
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", packed)  # base64: nothing to escape in a script
    assert webmap.unpack_points(packed) == large
    # what the browser gets is JSON: the list, or the base64 text as a string
    for value in (small, large):
        options = kk_call(render_markers(value), "markers")
        assert webmap.unpack_points(options["points"]) == value


def render_markers(points: list[list]) -> str:
    m = webmap.base_map(MapOptions())
    group = folium.FeatureGroup()
    markers.InitiativeMarkers(points).add_to(group)
    group.add_to(m)
    return render(m)


def test_municipality_tooltip_keys_and_records_without_point_left_out():
    frame = _frame([rec("x", "X", None, None)])
    assert webmap.marker_points(frame, "nl") == []
    assert webmap.clicked_key("Sluis Zeeland gm:GM1714") == ("gm", ["GM1714"])
    assert webmap.clicked_key("no key here") is None
    assert webmap.clicked_key(None) is None


def test_municipality_tooltips_state_caveats_in_the_readers_language():
    """Partly designated members and reconstructed regions say so, in Dutch or English;
    the build's English note is not shown raw."""
    nl, _, _ = layers.municipality_layer_data("nl", False)
    en, _, _ = layers.municipality_layer_data("en", False)
    assert "<small>maar deels aangewezen</small>" in nl["GM0080"]  # Leeuwarden
    assert "<small>only partly designated</small>" in en["GM0080"]
    assert "<small>indeling gereconstrueerd</small>" in nl["GM0718"]  # Vlissingen, Walcheren
    assert "<small>membership reconstructed</small>" in en["GM0718"]
    assert "<small>" not in nl["GM1950"]  # Westerwolde: a full successor, nothing to say
    for tips in (nl, en):
        assert not [code for code, tip in tips.items()
                    if "overlap" in tip or "not confirmed" in tip or "successor" in tip]


def test_template_json_cannot_close_a_script_block_and_round_trips():
    value = {"name": "</script><script>x()</script>", "c": "<!--", "q": "'\"&", "nl": "Één ·"}
    rendered = template("<script>f({{ v|tojson }});</script>").render(v=value)
    inner = rendered.removeprefix("<script>f(").removesuffix(");</script>")
    for text in (inner, script_json(value)):
        assert "<" not in text and ">" not in text and "'" not in text and "&" not in text
        assert json.loads(text) == value
        assert "Één ·" in text  # compact UTF-8, no \\u escapes for ordinary letters
        assert ", " not in text and ": " not in text.replace(value["nl"], "")


def test_view_for_bounds_fits_small_and_large_areas():
    center, zoom = webmap.view_for_bounds((3.3, 51.2, 3.7, 51.4))
    assert 9.5 <= zoom <= 11 and abs(center[0] - 51.3) < 1e-9
    _, zoom_nl = webmap.view_for_bounds((3.36, 50.75, 7.23, 53.56))
    assert zoom_nl < zoom


def test_bounds_for_view_is_what_a_map_of_that_size_shows():
    west, south, east, north = webmap.bounds_for_view((52.0, 5.3), 8.0, 1024, 600)
    # 1024 px at zoom 8 is 1024 / 2**16 of the world: 5.625 degrees of longitude
    assert east - west == pytest.approx(1024 / 256 / 2 ** 8 * 360)
    assert south < 52.0 < north and (west + east) / 2 == pytest.approx(5.3)
    # Mercator: the half above the centre is shorter in degrees than the half below
    assert north - 52.0 < 52.0 - south
    # one zoom step in shows half the span; the round trip lands near the zoom
    closer = webmap.bounds_for_view((52.0, 5.3), 9.0, 1024, 600)
    assert closer[2] - closer[0] == pytest.approx((east - west) / 2)
    _, zoom = webmap.view_for_bounds(closer, 1024, 600)
    assert 8.0 <= zoom <= 9.0


def test_first_view_legend_and_sources_options():
    """A link's exact view goes to kk.fitOnLoad; the legend starts open except on
    phone-narrow maps; the sources' fold button has a name in the map's language."""
    html = render(webmap.base_map(MapOptions(view=(51.3, 3.5, 11.5), lang="en")))
    assert kk_call(html, "fitOnLoad") == {
        "bounds": webmap.NL_BOUNDS, "avoidPanels": True, "view": [51.3, 3.5, 11.5]}
    legend = kk_call(html, "legend")
    assert legend["foldBelow"] <= 480 and legend["html"].startswith("<details open>")
    assert "2019 (BZK)" in legend["html"]  # the regions' source, for a map on its own
    assert kk_call(html, "attribution")["label"] == "Sources"
    nl = render(webmap.base_map(MapOptions(legend_note=False)))
    assert "2019 (BZK)" not in kk_call(nl, "legend")["html"]
    assert kk_call(nl, "attribution")["label"] == "Bronnen"


def test_the_map_fetches_the_shipped_layer_files():
    """The layers come from static files (tests/e2e/test_offline_map.py: each once,
    started by kk-prefetch.js, which loads before Leaflet)."""
    assert assets.JS[0][1] == "kk-prefetch.js"
    html = render(webmap.base_map(MapOptions(base_url_path="kaart")))
    urls = [kk_call(html, "municipalityLayer")["url"],
            *(o["url"] for o in kk_calls(html, "outlineLayer"))]
    rels = [layers.WEB_LAYER, layers.OUTLINE_LAYERS["provinces"], layers.OUTLINE_LAYERS["regions"]]
    assert urls == ["/kaart/app/static/" + rel for rel in rels]
    for rel in rels:
        assert (assets.STATIC_DIR / rel).is_file()


def test_a_pending_pin_layer_draws_one_pin_at_the_point():
    m = webmap.base_map(MapOptions())
    webmap.pending_layer((52.1561, 5.3878), "en").add_to(m)
    html = render(m)
    options = kk_call(html, "pendingPin")
    assert options == {"point": [52.1561, 5.3878], "title": "The new initiative goes here"}
    assert "kk.clickWhereDown(" in html  # clicks count where the pointer went down


def test_map_focus_outlines_chosen_areas_and_fits_to_them_or_the_search_results():
    from dashboard.query import FilterState
    from dashboard.store import default_seed_path, read_seed

    frame = query.initiatives_frame(read_seed(default_seed_path()))
    assert webmap.map_focus(FilterState(thema=("wonen",)), frame).key == ""  # nothing to fit

    region = FilterState(regio=("zeeuws-vlaanderen",), provincie=("groningen",))
    focus = webmap.map_focus(region, query.apply(frame, region))
    assert focus.regions == ("zeeuws-vlaanderen",) and focus.provinces == ("Groningen",)
    west, south, east, north = focus.bounds
    assert 3.3 < west < 3.5 and 51.1 < south < 51.3  # Zeeuws-Vlaanderen's south-west
    assert 7.1 < east < 7.3 and 53.4 < north < 53.7  # Groningen's north-east

    search = FilterState(q="klushuizen")
    shown = query.apply(frame, search)
    focus = webmap.map_focus(search, shown)
    klus = shown[shown["id"] == "klushuizen-oostburg"].iloc[0]
    assert focus.bounds == (klus.lon, klus.lat, klus.lon, klus.lat)
    assert focus.key != webmap.map_focus(FilterState(q="klus"), shown).key  # a new fit
    nothing = FilterState(q="geen-zulk-initiatief")
    assert webmap.map_focus(nothing, query.apply(frame, nothing)).bounds is None

    layer = webmap.initiatives_layer(query.apply(frame, region), "nl", focus=webmap.map_focus(
        region, query.apply(frame, region)))
    m = webmap.base_map(MapOptions())
    layer.add_to(m)
    call = kk_call(render(m), "focus")
    assert call["outlines"] == [
        {"layer": "regions", "prop": "slug", "values": ["zeeuws-vlaanderen"]},
        {"layer": "provinces", "prop": "provincie", "values": ["Groningen"]}]
    assert call["bounds"][0][1] == pytest.approx(west)
