"""User text in marker tooltips stays text in a real browser (no HTML, no script)."""

from __future__ import annotations

from dashboard import query, webmap
from dashboard.webmap.options import MapOptions

EVIL = '<img src=x onerror="window.pwned=1">Evil & Co'


def test_marker_tooltip_shows_markup_as_text(browser, tmp_path):
    frame = query.initiatives_frame([{
        "id": "evil", "name": EVIL, "place": "<b>Oostburg</b>", "lat": 51.3264,
        "lon": 3.4931, "themes": ["wonen"], "scope": "lokaal", "kind": "initiatief"}])
    m = webmap.base_map(MapOptions(basemap="geen", static_serving=False))
    webmap.initiatives_layer(frame, "nl").add_to(m)
    page = browser.new_page()
    try:
        page.set_content(m.get_root().render(), wait_until="load")
        pin = page.locator('.kk-pin[data-ids="evil"]')
        pin.wait_for(timeout=15_000)
        pin.hover()
        tooltip = page.locator(".leaflet-tooltip").last
        tooltip.wait_for(timeout=5_000)
        assert EVIL in tooltip.inner_text()
        assert "<b>Oostburg</b>" in tooltip.inner_text()
        assert tooltip.locator("img").count() == 0
        assert page.evaluate("window.pwned") is None
    finally:
        page.close()
