"""Clusters in the running app: a cluster click zooms without a rerun; a pin click selects."""

from __future__ import annotations

import re

from dashboard import store, webmap
from tests.e2e.conftest import map_frame, running_app

GRID = 900  # with the seed above the clustering threshold and the packing threshold: the
# layer refers to the names table by row (webmap/names.py), fetched from the server

VISIBLE = """(_body, sel) => {
    const c = document.querySelector('.leaflet-container').getBoundingClientRect();
    return [...document.querySelectorAll(sel)].findIndex((el) => {
        const r = el.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
        return x > c.x + 60 && x < c.right - 60 && y > c.y + 60 && y < c.bottom - 60;
    });
}"""


def _grid_store(path):
    db = store.open_store(path)
    db.add_many([{"id": f"raster-{i}", "name": f"Rasterproject {i}", "themes": ["zorg"],
                  "kind": "initiatief", "scope": "lokaal",
                  "lat": 51.95 + (i // 30) * 0.01, "lon": 5.30 + (i % 30) * 0.03}
                 for i in range(GRID)], author="test")
    return path


BIGGEST_CLUSTER = """(_body) => {
    const c = document.querySelector('.leaflet-container').getBoundingClientRect();
    let best = -1, most = 0;
    document.querySelectorAll('.marker-cluster').forEach((el, i) => {
        const r = el.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
        const n = parseInt(el.textContent.replace(/\\D/g, ''), 10);
        if (x > c.x + 60 && x < c.right - 60 && y > c.y + 60 && y < c.bottom - 60
            && n > most) { best = i; most = n; }
    });
    return best;
}"""


def _visible(frame, selector: str):
    index = frame.locator("body").evaluate(VISIBLE, selector)
    return None if index < 0 else frame.locator(selector).nth(index)


def _biggest_cluster(frame):
    """The visible cluster holding most initiatives: the raster's, not a few seed ones
    (which cluster comes first in the page depends on the order of the points)."""
    index = frame.locator("body").evaluate(BIGGEST_CLUSTER)
    return None if index < 0 else frame.locator(".marker-cluster").nth(index)


def _runs(log) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_cluster_click_zooms_without_rerun_and_pin_selects(offline_page, tmp_path, artifacts):
    log = tmp_path / "runs.log"
    path = _grid_store(tmp_path / "raster.gpkg")
    with running_app(path, {"KRIMPKAART_RUN_LOG": str(log)}) as url:
        page = offline_page.page
        fetched: list[tuple[int, str]] = []
        page.on("response", lambda r: fetched.append((r.status, r.headers.get(
            "content-encoding", ""))) if f"/{webmap.markers.NAMES_PATH}/" in r.url else None)
        page.goto(url + "/?kaart=geen")
        frame = map_frame(page)
        frame.locator(".marker-cluster").first.wait_for(timeout=60_000)
        page.locator('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        runs = _runs(log)

        # A cluster is named for screen readers, and Enter opens it like a click,
        # leaving focus on a marker it opened (so Tab goes on from there).
        cluster = _biggest_cluster(frame)
        assert cluster is not None
        assert re.fullmatch(r"[\d.]+ initiatieven; klik om in te zoomen",
                            cluster.get_attribute("aria-label") or "")
        zoom = frame.locator("body").evaluate("() => window.map.getZoom()")
        cluster.focus()
        page.keyboard.press("Enter")
        frame.locator("body").evaluate(
            "(_body, z) => new Promise(ok => { const w = () => window.map.getZoom() > z "
            "&& document.activeElement.getAttribute('role') === 'button' ? ok() "
            ": setTimeout(w, 50); w(); })", zoom)

        pin = _visible(frame, '.kk-pin[data-ids^="raster-"]')
        for _ in range(8):
            if pin is not None:
                break
            cluster = _biggest_cluster(frame)
            assert cluster is not None, "no cluster and no pin in view"
            zoom = frame.locator("body").evaluate("() => window.map.getZoom()")
            cluster.click()
            frame.locator("body").evaluate(
                "(_body, z) => new Promise(ok => { const w = () => window.map.getZoom() > z ? "
                "setTimeout(ok, 400) : setTimeout(w, 50); w(); })", zoom)
            pin = _visible(frame, '.kk-pin[data-ids^="raster-"]')
        assert pin is not None, "zooming in on clusters never showed a pin"
        page.wait_for_timeout(1000)
        assert _runs(log) == runs  # zooming into clusters does not rerun the page

        picked = pin.get_attribute("data-ids")
        name = "Rasterproject " + picked.removeprefix("raster-")
        # the pin's name came from the names table: one fetch, compressed
        assert fetched == [(200, "gzip")], fetched
        wrap = frame.locator(".leaflet-marker-icon", has=frame.locator(f'[data-ids="{picked}"]'))
        assert (wrap.get_attribute("aria-label") or "").startswith(name)
        pin.click()
        page.get_by_role("heading", name=name).wait_for(timeout=15_000)
        page.wait_for_function("i => location.href.includes('id=' + i)", arg=picked,
                               timeout=15_000)
        page.screenshot(path=str(artifacts / "dashboard-cluster-pick.png"))
        assert not offline_page.errors
