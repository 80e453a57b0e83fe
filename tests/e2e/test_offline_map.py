"""The base map renders in a real browser with every outside request blocked."""

from __future__ import annotations

from dashboard.webmap import layers
from tests.e2e.conftest import map_frame

RESOURCES = """() => performance.getEntriesByType('resource').map(
    (e) => ({name: e.name, start: e.startTime, status: e.responseStatus}))"""


def test_map_renders_without_internet(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url + "/?kaart=geen")
    frame = map_frame(page)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    # 342 municipality polygons (plus outlines) are drawn as SVG paths.
    frame.locator("path.leaflet-interactive").nth(300).wait_for(timeout=30_000)
    assert frame.locator("path.leaflet-interactive").count() >= 342
    legend = frame.locator(".kk-legend")
    assert "Krimpregio" in legend.text_content()
    # kk-map.css is loaded: the legend is a white card, the map's background our blue
    assert legend.evaluate("e => getComputedStyle(e).backgroundColor") == \
        "rgba(255, 255, 255, 0.94)"
    assert frame.locator(".leaflet-container").evaluate(
        "e => getComputedStyle(e).backgroundColor") == "rgb(220, 234, 242)"
    assert "CBS/Kadaster" in frame.locator(".leaflet-control-attribution").inner_text()
    # kk-page.css: a smaller title than Streamlit's 2.75rem
    assert page.locator("h1").first.evaluate("e => getComputedStyle(e).fontSize") == "32px"
    page.screenshot(path=str(artifacts / "offline-map.png"))
    outside_assets = [u for u in offline_page.blocked if not u.endswith(".png")]
    assert outside_assets == [], "only basemap tiles may need the network"
    assert offline_page.errors == []


def test_layers_are_fetched_once_by_the_prefetch(app_url, offline_page):
    """kk-prefetch.js names the layer files the layer code asks for: one request each."""
    page = offline_page.page
    page.goto(app_url + "/?kaart=geen")
    frame = map_frame(page)
    frame.locator("path.leaflet-interactive").nth(300).wait_for(timeout=60_000)
    entries = frame.locator("body").evaluate(RESOURCES)
    # the layer code is in kk-map.js: a fetch that started before it was even
    # requested is the prefetch's, and the layer code got that same promise
    layer_code = min(e["start"] for e in entries if e["name"].endswith("/app/static/kk-map.js"))
    for rel in (layers.WEB_LAYER, *layers.OUTLINE_LAYERS.values()):
        fetched = [e for e in entries if e["name"].endswith("/app/static/" + rel)]
        assert len(fetched) == 1, rel
        assert fetched[0]["status"] == 200 and fetched[0]["start"] < layer_code, rel
    assert not [e for e in entries if e["name"].endswith(".json") and e["status"] != 200]


def test_link_to_this_view_puts_the_exact_view_in_the_url(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?kaart=geen&bbox=3.3,51.2,3.7,51.4")  # an older link's bounds
    map_frame(page).locator("path.leaflet-interactive").nth(300).wait_for(state="attached",
                                                                          timeout=60_000)
    page.get_by_role("button", name="Link naar deze kaartweergave").click()
    page.wait_for_function("() => /[?&]centrum=.*[?&]zoom=|[?&]zoom=.*[?&]centrum=/"
                           ".test(location.href)", timeout=15_000)
    params = page.evaluate("Object.fromEntries(new URL(location.href).searchParams)")
    lat, lon = (float(v) for v in params["centrum"].split(","))
    assert 51.2 < lat < 51.4 and 3.3 < lon < 3.7  # the view the older link opened
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    assert float(params["zoom"]) == frame.evaluate("map.getZoom()")
    assert "bbox" not in params  # the exact view replaces the bounds
    assert offline_page.errors == []
