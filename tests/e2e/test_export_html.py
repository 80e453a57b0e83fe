"""The exported interactive map, opened from a file with no network, as a reader would."""

from __future__ import annotations

import pytest

from dashboard import export, query
from dashboard.query import FilterState
from tests.e2e.test_clusters import N, _records, _shown


def _boxes_overlap(a: dict, b: dict) -> bool:
    return not (a["right"] <= b["left"] or b["right"] <= a["left"]
                or a["bottom"] <= b["top"] or b["bottom"] <= a["top"])


# 1300x850: the plain first fit zooms in (an animation), which once swallowed the fit
# that keeps clear of the panels
@pytest.mark.parametrize("size", [(1200, 800), (1300, 850)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_exported_map_counts_every_initiative_and_keeps_the_country_clear(
        browser, tmp_path, artifacts, size):
    frame = query.initiatives_frame(_records())  # enough to send the markers deflated
    path = tmp_path / "kaart.html"
    path.write_bytes(export.export_html(frame, FilterState(), "nl",
                                        title="Alle initiatieven in het midden van het land"))
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(path.as_uri())
        page.locator(".marker-cluster").first.wait_for(timeout=15_000)
        page.wait_for_timeout(300)  # the fit runs once the map has its size
        in_clusters, in_pins, _ = _shown(page)
        assert in_clusters + in_pins == N
        # no municipality lies under the open legend or the title card
        country = page.evaluate(
            "() => { const r = {left: 1e9, top: 1e9, right: -1e9, bottom: -1e9};"
            " document.querySelectorAll('path.leaflet-interactive').forEach(p => {"
            "   const b = p.getBoundingClientRect(); if (!b.width) return;"
            "   r.left = Math.min(r.left, b.left); r.top = Math.min(r.top, b.top);"
            "   r.right = Math.max(r.right, b.right); r.bottom = Math.max(r.bottom, b.bottom);"
            " }); return r; }")
        for panel in (".kk-export-head", ".kk-legend"):
            box = page.locator(panel).evaluate(
                "e => { const b = e.getBoundingClientRect();"
                " return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; }")
            assert not _boxes_overlap(country, box), panel
        assert country["right"] - country["left"] > 300  # and the country is not tiny
        page.screenshot(path=str(artifacts / f"export-html-offline-{size[0]}.png"))
        assert errors == []
    finally:
        page.close()
