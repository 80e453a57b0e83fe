"""The base map renders in a real browser with every outside request blocked."""

from __future__ import annotations

from tests.e2e.conftest import map_frame


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
    assert "CBS/Kadaster" in frame.locator(".leaflet-control-attribution").inner_text()
    page.screenshot(path=str(artifacts / "offline-map.png"))
    outside_assets = [u for u in offline_page.blocked if not u.endswith(".png")]
    assert outside_assets == [], "only basemap tiles may need the network"
    assert offline_page.errors == []
