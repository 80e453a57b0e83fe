"""Clustered markers in a real browser: counts add up, a click zooms in, few DOM nodes."""

from __future__ import annotations

import re

from dashboard import query, webmap
from dashboard.webmap.options import MapOptions

N = 2000


def _records() -> list[dict]:
    """N initiatives on a grid over the middle of the country; two share a point."""
    records = []
    for i in range(N):
        lat, lon = 51.6 + (i // 50) * 0.03, 4.6 + (i % 50) * 0.03
        records.append({"id": f"i{i}", "name": f"Initiatief {i}", "lat": lat, "lon": lon,
                        "themes": ["wonen"], "scope": "lokaal", "kind": "initiatief"})
    records[1]["lat"], records[1]["lon"] = records[0]["lat"], records[0]["lon"]
    return records


def _cluster_sizes(page) -> list[int]:
    return [int(re.sub(r"\D", "", text))
            for text in page.locator(".marker-cluster span").all_inner_texts()]


def _shown(page) -> tuple[int, int, int]:
    """(initiatives counted in cluster labels, pins, DOM marker elements)."""
    sizes = _cluster_sizes(page)
    pins = page.locator(".kk-pin")
    in_pins = sum(int(pins.nth(i).get_attribute("data-n")) for i in range(pins.count()))
    return sum(sizes), in_pins, len(sizes) + pins.count()


def test_clusters_count_every_initiative_and_zoom_in_on_click(browser):
    frame = query.initiatives_frame(_records())
    m = webmap.base_map(MapOptions(basemap="geen", static_serving=False))
    webmap.initiatives_layer(frame, "nl", selected_id="i777").add_to(m)
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    try:
        page.set_content(m.get_root().render(), wait_until="load")
        page.locator(".marker-cluster").first.wait_for(timeout=15_000)
        in_clusters, in_pins, nodes = _shown(page)
        assert in_clusters + in_pins == N  # the shared point counts twice, as two initiatives
        assert nodes < 200  # the map holds what is in view, not 2,000 markers
        # the selected initiative is never hidden inside a cluster
        assert page.locator('.kk-pin.kk-selected[data-ids="i777"]').count() == 1
        title = page.locator(".marker-cluster").first.get_attribute("title")
        assert re.fullmatch(r"[\d.]+ initiatieven; klik om in te zoomen", title)

        zoom = page.evaluate("() => { for (const k in window) { if (/^map_/.test(k) && "
                             "window[k] && window[k].getZoom) return window[k].getZoom(); } }")
        biggest = max(_cluster_sizes(page))
        page.locator(".marker-cluster").first.click()
        page.wait_for_function(
            "z => { for (const k in window) { if (/^map_/.test(k) && window[k] && "
            "window[k].getZoom) return window[k].getZoom() > z; } }", arg=zoom, timeout=5_000)
        page.wait_for_timeout(500)  # the zoom animation ends, then the layer redraws
        assert max(_cluster_sizes(page), default=0) < biggest  # closer in: smaller clusters
    finally:
        page.close()


def test_up_to_the_threshold_every_point_is_its_own_pin(browser):
    few = _records()[:webmap.CLUSTER_THRESHOLD]
    few[1]["lat"], few[1]["lon"] = 51.7, 5.0  # no shared point: one pin per record
    m = webmap.base_map(MapOptions(basemap="geen", static_serving=False))
    webmap.initiatives_layer(query.initiatives_frame(few), "nl").add_to(m)
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    try:
        page.set_content(m.get_root().render(), wait_until="load")
        page.locator(".kk-pin").first.wait_for(timeout=15_000)
        assert page.locator(".kk-pin").count() == webmap.CLUSTER_THRESHOLD
        assert page.locator(".marker-cluster").count() == 0
    finally:
        page.close()
