"""Placing a new initiative in real browsers: the stored point is where it was aimed.

A facilitator clicks (or taps) a known spot on the main map; the small placement
map shows the pin there; after saving, the stored lat/lon converts back
(Leaflet's ``map.latLngToContainerPoint`` in the map's iframe) to within one
pixel of the click. Pressing on the map can scroll the page before the click
completes (26 px at 1440x900 was seen, 14 km on the map), so this fails without
``kk.clickWhereDown``. A pin dragged on the small map is stored where it was
dropped, to within a pixel of the small map.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dashboard.geo import haversine_km
from dashboard.store import GeoPackageStore
from tests.e2e.conftest import OfflinePage, map_frame, running_app

PASSCODE = "plaats-test-code"
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Known spots on land, well inside a municipality; one per test, as they share a store
SPOTS = {"1440x900": (52.1561, 5.3878), "phone-390x844": (52.5125, 6.0944),  # Amersfoort, Zwolle
         "drag": (52.2112, 5.9699)}  # Apeldoorn


@pytest.fixture(scope="module")
def placement_app(artifacts, tmp_path_factory):
    store = tmp_path_factory.mktemp("placement") / "initiatieven.gpkg"
    with running_app(store, {"KRIMPKAART_PASSCODE": PASSCODE}) as url:
        yield url, store


def open_as_facilitator(browser, url: str, width: int, height: int, touch: bool):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  has_touch=touch, is_mobile=touch)
    page = OfflinePage(context).page
    page.goto(url + "/?kaart=geen")
    map_frame(page).locator("path.leaflet-interactive").nth(300).wait_for(
        state="attached", timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    if not sidebar.is_visible():  # a phone starts with the sidebar folded away
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    sidebar.get_by_text("Begeleider: bewerken").click()
    sidebar.get_by_label("Je naam (bij je wijzigingen)").fill("Fien")
    sidebar.get_by_label("Wachtwoord begeleider").fill(PASSCODE)
    sidebar.get_by_role("button", name="Ontgrendelen").click()
    sidebar.get_by_role("button", name="Initiatief toevoegen").click()
    page.get_by_text("Klik op de kaart waar het initiatief zit.").wait_for(timeout=15_000)
    if touch:
        page.locator('[data-testid="stSidebarCollapseButton"]').first.click()
        sidebar.wait_for(state="hidden", timeout=15_000)
    return context, page


def leaflet_frame(page):
    """The Playwright frame whose window holds streamlit-folium's Leaflet ``map``."""
    page.wait_for_function("(sel) => { const f = [...document.querySelectorAll(sel)].pop();"
                           " return f && f.contentWindow && f.contentWindow.map; }",
                           arg=FRAME, timeout=30_000)
    handle = page.locator(FRAME).last.element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None
    return frame


def view(frame) -> list[float]:
    return frame.evaluate("() => { const c = map.getCenter(); return [c.lat, c.lng, "
                          "map.getZoom()]; }")


def settled(page, frame, quiet_ms: int = 600) -> None:
    """Wait until the map's size, view and place on the page stop changing (a folded
    sidebar or the first fit move it for a moment)."""
    probe = ("() => { const c = map.getCenter(), s = map.getSize(),"
             " r = map.getContainer().getBoundingClientRect();"
             " return [c.lat, c.lng, map.getZoom(), s.x, s.y, r.x, r.y].join(); }")
    last = None
    for _ in range(40):
        box = page.locator(FRAME).last.bounding_box()
        now = (frame.evaluate(probe), box and (box["x"], box["y"], box["width"], box["height"]))
        if now == last:
            return
        last = now
        page.wait_for_timeout(quiet_ms)
    raise AssertionError("the map did not settle")


def click_known_spot(page, frame, spot: tuple[float, float],
                     touch: bool) -> tuple[list[int], list[float]]:
    """Click (or tap) ``spot`` on the main map; return the container point and the view."""
    settled(page, frame)
    point = frame.evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]);"
        " return [Math.round(p.x), Math.round(p.y)]; }", list(spot))
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    if not 0 < box["y"] + point[1] < page.viewport_size["height"]:
        # Only when the spot is out of sight: scrolling the whole map into view
        # first would hide the page scroll that pressing on a map partly below
        # the fold causes, which is what this test is about.
        page.locator(FRAME).last.scroll_into_view_if_needed()
        settled(page, frame)
        box = frame.locator(".leaflet-container").bounding_box()
        assert box is not None
    before = view(frame)
    x, y = box["x"] + point[0], box["y"] + point[1]
    if touch:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
    return point, before


def stored(store: Path, name: str) -> dict:
    (record,) = [r for r in GeoPackageStore(store).list() if r["name"] == name]
    return record


def save_as(page, name: str) -> None:
    page.get_by_label("Naam *").fill(name)
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name=name).wait_for(timeout=15_000)  # its details show


@pytest.mark.parametrize("width,height,touch", [(1440, 900, False), (390, 844, True)],
                         ids=["1440x900", "phone-390x844"])
def test_a_clicked_point_is_stored_where_it_was_clicked(browser, placement_app, artifacts,
                                                       request, width, height, touch):
    url, store = placement_app
    context, page = open_as_facilitator(browser, url, width, height, touch)
    try:
        frame = leaflet_frame(page)
        spot = SPOTS[request.node.callspec.id]
        clicked, before = click_known_spot(page, frame, spot, touch)
        page.get_by_text("Gekozen punt:").wait_for(timeout=15_000)
        page.locator(".kk-place-pin").wait_for(timeout=15_000)  # the pin shows first
        page.screenshot(path=str(artifacts / f"placement-pin-{width}.png"))
        name = f"Buurtbus {width}"
        save_as(page, name)
        record = stored(store, name)
        assert record["location_approximate"] is False
        assert view(frame) == before  # the same view, so container points compare
        back = frame.evaluate("([lat, lon]) => { const p = map.latLngToContainerPoint("
                              "[lat, lon]); return [p.x, p.y]; }",
                              [record["lat"], record["lon"]])
        off = ((back[0] - clicked[0]) ** 2 + (back[1] - clicked[1]) ** 2) ** 0.5
        assert off <= 1.0, (clicked, back, record["lat"], record["lon"])
        page.screenshot(path=str(artifacts / f"placement-saved-{width}.png"))
    finally:
        context.close()


def test_a_dragged_pin_is_stored_where_it_was_dropped(browser, placement_app, artifacts):
    url, store = placement_app
    context, page = open_as_facilitator(browser, url, 1440, 900, touch=False)
    try:
        frame = leaflet_frame(page)
        click_known_spot(page, frame, SPOTS["drag"], touch=False)
        shown = page.get_by_text("Gekozen punt:")
        shown.wait_for(timeout=15_000)
        first = shown.inner_text()
        pin = page.locator(".kk-place-pin")
        box = pin.bounding_box()
        assert box is not None
        tip = (box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
        page.mouse.move(*tip)
        page.mouse.down()
        page.mouse.move(tip[0] + 60, tip[1] - 35, steps=10)
        page.mouse.up()
        page.wait_for_function(
            "(first) => ![...document.querySelectorAll('[data-testid=stAlert]')]"
            ".some(e => e.innerText.trim() === first)", arg=first, timeout=15_000)
        small = page.locator(".kk-place")
        dropped, zoom = small.evaluate("el => { const p = el.kk.pin.getLatLng();"
                                       " return [[p.lat, p.lng], el.kk.map.getZoom()]; }")
        save_as(page, "Versleept")
        record = stored(store, "Versleept")
        # within a pixel of where the pin was dropped, at the small map's zoom
        metres = haversine_km(record["lat"], record["lon"], *dropped) * 1000
        metres_per_px = 156_543.034 * math.cos(math.radians(dropped[0])) / 2 ** zoom
        assert metres / metres_per_px <= 1.0, (record, dropped, zoom)
        assert abs(record["lat"] - SPOTS["drag"][0]) > 1e-4  # it did move
    finally:
        context.close()
