"""The screens people have: the map fills the window and the first click lands.

Every other browser test runs in one tall 1400x1100 window; these run at the
sizes of real rooms: 1280x720 (a projector), 1366x768, 1440x900, 1920x1080, and
a 390x844 phone with touch. At each: the map's bottom is in view without
scrolling (desktop), nothing scrolls sideways, the whole country is in the
first view clear of the map's controls, and the first click (or tap) on a pin
and on a municipality selects it. Presentation mode keeps at least 60 % of the
window for the map at 1280x720 and 1366x768. The full checks (language switch,
share link, legend memory, a page scrolled past the map's top) run at 1366x768
and on the phone. Screenshots: ``test-artifacts/viewport-*.png``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pytest

from dashboard import geo
from tests.e2e.conftest import OfflinePage, map_frame

pytestmark = pytest.mark.e2e

FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PIN = '.kk-pin[data-ids="klushuizen-oostburg"]'
# Sneek, in Súdwest-Fryslân: a large municipality with no pin or label on the point
MUNICIPALITY = ("GM1900", "Súdwest-Fryslân", 53.03, 5.66)


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    phone: bool = False

    @property
    def name(self) -> str:
        return f"{self.width}x{self.height}"


DESKTOPS = [Size(1280, 720), Size(1366, 768), Size(1440, 900), Size(1920, 1080)]
PHONE = Size(390, 844, phone=True)


def new_page(browser, size: Size, **extra) -> OfflinePage:
    context = browser.new_context(
        viewport={"width": size.width, "height": size.height}, has_touch=size.phone,
        is_mobile=size.phone, device_scale_factor=2 if size.phone else 1, **extra)
    return OfflinePage(context)


def open_map(page, url: str):
    page.goto(url)
    frame = map_frame(page)
    frame.locator("path.leaflet-interactive").nth(300).wait_for(state="attached",
                                                               timeout=60_000)
    frame.locator(".kk-pin").first.wait_for(timeout=30_000)
    settle(page)
    return frame


def settle(page, ms: int = 900) -> None:
    """Let the frame's size and the first fit settle (the fit follows the frame's size)."""
    page.wait_for_timeout(ms)


def map_window(page):
    """The map frame's content, for evaluating in the Leaflet page."""
    return next(f for f in page.frames if "streamlit_folium" in f.url)


def wait_for_url(page, fragment: str, timeout_ms: int = 15_000) -> str:
    page.wait_for_function("f => location.href.includes(f)", arg=fragment, timeout=timeout_ms)
    return page.evaluate("location.href")


def layout(page) -> dict:
    """Sizes the rules are about, read from the page as the browser computed them."""
    return page.evaluate("""(sel) => {
      const frame = document.querySelector(sel).getBoundingClientRect();
      const panel = document.querySelector('.st-key-side_panel');
      const main = document.querySelector('[data-testid="stMain"]');
      const p = panel && panel.getBoundingClientRect();
      return {top: frame.top, bottom: frame.bottom, height: frame.height,
              panelTop: p && p.top, panelBottom: p && p.bottom,
              panelOverflow: panel && getComputedStyle(panel).overflowY,
              scrollTop: main.scrollTop, sideways: Math.max(
                main.scrollWidth - main.clientWidth,
                document.documentElement.scrollWidth - innerWidth),
              innerHeight, innerWidth};
    }""", FRAME)


def point_on_page(page, lat: float, lon: float) -> tuple[float, float]:
    """Where a place is on the page (the frame's offset plus Leaflet's container point)."""
    x, y = map_window(page).evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [lat, lon])
    box = page.locator(FRAME).bounding_box()
    return box["x"] + x, box["y"] + y


def what_is_at(page, lat: float, lon: float) -> str:
    """'control', 'outside' or the tag and classes of what the map shows at a place."""
    return map_window(page).evaluate("""([lat, lon]) => {
      const p = map.latLngToContainerPoint([lat, lon]);
      const size = map.getSize();
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) { return 'outside'; }
      const box = map.getContainer().getBoundingClientRect();
      const el = document.elementFromPoint(box.left + p.x, box.top + p.y);
      if (!el) { return 'outside'; }
      if (el.closest('.leaflet-control')) { return 'control'; }
      return el.tagName + '.' + (el.getAttribute('class') || '');
    }""", [lat, lon])


def country_extremes() -> dict[str, tuple[float, float]]:
    """The south (South Limburg), west, north and east tips of the municipalities."""
    shapes = geo.municipalities().geometry.union_all()
    points = [(lat, lon) for poly in getattr(shapes, "geoms", [shapes])
              for lon, lat in poly.exterior.coords]
    return {"south": min(points), "north": max(points),
            "west": min(points, key=lambda p: p[1]), "east": max(points, key=lambda p: p[1])}


def tap_or_click(page, size: Size, x: float, y: float) -> None:
    if size.phone:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def check_first_view_and_clicks(page, size: Size, artifacts, extremes) -> None:
    """The whole country in view clear of the controls; first pin and municipality clicks."""
    frame = map_frame(page)
    for side, (lat, lon) in extremes.items():
        assert what_is_at(page, lat, lon) not in ("outside", "control"), (size.name, side)
    shape = layout(page)
    assert shape["sideways"] <= 0, f"{size.name}: the page scrolls sideways"
    if not size.phone:
        assert shape["bottom"] <= shape["innerHeight"], f"{size.name}: map bottom below the fold"
        assert shape["height"] >= 0.5 * shape["innerHeight"], size.name
        assert shape["panelOverflow"] == "auto", "the side panel scrolls on its own"
        assert shape["panelBottom"] <= shape["innerHeight"] + 1, size.name
    else:
        assert shape["panelTop"] >= shape["bottom"], "on a phone the panel comes below the map"
        assert shape["height"] >= 0.45 * shape["innerHeight"], size.name
    page.screenshot(path=str(artifacts / f"viewport-{size.name}-map.png"))

    # The first click on the map: the pin selects its initiative, the page stays put.
    box = frame.locator(PIN).bounding_box()
    assert box is not None
    tap_or_click(page, size, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_url(page, "id=klushuizen-oostburg")
    page.get_by_text("KLUShuizen in Krimp").first.wait_for(timeout=15_000)
    assert layout(page)["scrollTop"] == shape["scrollTop"]
    page.screenshot(path=str(artifacts / f"viewport-{size.name}-details.png"))

    # A municipality, clicked after the map lost its focus: it selects too.
    code, name, lat, lon = MUNICIPALITY
    page.locator("h1").first.click()  # focus leaves the map, as after reading the panel
    assert what_is_at(page, lat, lon).startswith("path."), "no plain municipality there"
    tap_or_click(page, size, *point_on_page(page, lat, lon))
    wait_for_url(page, f"gm={code}")
    page.get_by_text(name).first.wait_for(timeout=15_000)


@pytest.fixture(scope="module")
def extremes():
    return country_extremes()


@pytest.mark.parametrize("size", [*DESKTOPS, PHONE], ids=lambda s: s.name)
def test_map_fills_the_screen_and_the_first_click_lands(browser, app_url, artifacts, extremes,
                                                        size):
    offline = new_page(browser, size)
    try:
        page = offline.page
        open_map(page, app_url + "/?kaart=geen")
        check_first_view_and_clicks(page, size, artifacts, extremes)
        assert offline.errors == []
    finally:
        offline.context.close()


@pytest.mark.parametrize("size", DESKTOPS[:2], ids=lambda s: s.name)
def test_presentation_leaves_the_map_most_of_the_screen(browser, app_url, artifacts, size):
    offline = new_page(browser, size)
    try:
        page = offline.page
        open_map(page, app_url + "/?kaart=geen&mode=presentatie&tour=verhaal-krimpregios&stap=1")
        shape = layout(page)
        assert shape["bottom"] <= shape["innerHeight"]
        assert shape["height"] >= 0.6 * shape["innerHeight"], shape
        # every button says its whole label (nothing cut to "Vol…")
        cut = page.evaluate("""() => [...document.querySelectorAll(
            '.st-key-tour_card button, .st-key-presentation_bar button')]
            .map(b => b.querySelector('p')).filter(p => p && p.scrollWidth > p.clientWidth)
            .map(p => p.textContent)""")
        assert cut == []
        page.screenshot(path=str(artifacts / f"viewport-{size.name}-presentation.png"))
        # the presenter can give the story more room, and take it back
        page.locator(".st-key-tour_size button").click()
        page.get_by_role("button", name="Kaart groter").wait_for(timeout=15_000)
        settle(page, 1500)
        assert layout(page)["height"] < shape["height"]  # the whole story: the map gives way
        page.screenshot(path=str(artifacts / f"viewport-{size.name}-presentation-story.png"))
        page.locator(".st-key-tour_size button").click()
        page.get_by_role("button", name="Verhaal groter").wait_for(timeout=15_000)
        settle(page, 1500)
        assert layout(page)["height"] >= 0.6 * shape["innerHeight"]
        assert offline.errors == []
    finally:
        offline.context.close()


def map_view(page) -> tuple[float, float, float]:
    return tuple(map_window(page).evaluate(
        "() => { const c = map.getCenter(); return [c.lat, c.lng, map.getZoom()]; }"))


def assert_same_view(got: tuple[float, float, float], want: tuple[float, float, float]) -> None:
    """Same zoom, and centres less than a screen pixel apart (Leaflet rounds to pixels)."""
    assert got[2] == want[2], (got, want)
    per_degree = 256 * 2 ** want[2] / 360  # pixels per degree of longitude at this zoom
    dx = abs(got[1] - want[1]) * per_degree
    dy = abs(got[0] - want[0]) * per_degree / math.cos(math.radians(want[0]))
    assert dx < 1 and dy < 1, (got, want, dx, dy)


def test_full_checks_at_1366(browser, app_url, artifacts, extremes):
    """Legend open and remembered, language switch keeps tab, selection, filters and
    view; the share button copies the exact link, which reopens the same view."""
    size = DESKTOPS[1]
    origin = app_url.rstrip("/")
    offline = new_page(browser, size, permissions=["clipboard-read", "clipboard-write"])
    try:
        page = offline.page
        # an unknown parameter: its notice pushes the map down and leaves it short,
        # and the open legend still hides no part of the country
        frame = open_map(page, app_url + "/?kaart=geen&thema=wonen&id=klushuizen-oostburg&x=1")
        page.get_by_text("onbekende parameter x").wait_for(timeout=10_000)
        assert frame.locator(".kk-legend details").evaluate("d => d.open")
        for side, (lat, lon) in extremes.items():
            assert what_is_at(page, lat, lon) not in ("outside", "control"), side
        assert layout(page)["bottom"] <= size.height
        assert frame.locator(".leaflet-control-attribution").evaluate(
            "a => a.getBoundingClientRect().height") < 24  # one line

        # zoom in with the + button: a view of the user's own
        frame.locator(".leaflet-control-zoom-in").click()
        settle(page, 800)
        view = map_view(page)
        # the legend folded by hand stays folded in the next map (sessionStorage)
        frame.locator(".kk-legend summary").click()

        # share: the exact link is copied, said so, and shown to copy by hand
        page.locator(".kk-share-button").click()
        status = page.locator(".kk-share-status")
        status.wait_for(timeout=10_000)
        assert "gekopieerd" in status.text_content()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert page.locator(".kk-share-link").input_value() == copied
        lat, lon, zoom = view
        assert f"centrum={lat:.5f},{lon:.5f}" in copied and f"zoom={zoom:g}" in copied
        assert "thema=wonen" in copied and "id=klushuizen-oostburg" in copied
        wait_for_url(page, "centrum=")
        page.screenshot(path=str(artifacts / "viewport-1366x768-share.png"))
        page.locator(".kk-share-close").click()

        # Overview tab, then English: same tab, selection, filters and view
        page.get_by_role("tab", name="Overzicht").click()
        page.get_by_role("tab", name="Overzicht", selected=True).wait_for(timeout=15_000)
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name="English").click()
        wait_for_url(page, "lang=en")
        page.get_by_role("tab", name="Overview", selected=True).wait_for(timeout=15_000)
        href = page.evaluate("location.href")
        assert "thema=wonen" in href and "id=klushuizen-oostburg" in href
        page.get_by_role("tab", name="Map", exact=True).click()
        frame = map_frame(page)
        frame.locator(".kk-legend summary").get_by_text("Legend").wait_for(timeout=30_000)
        settle(page, 1200)
        assert_same_view(map_view(page), view)
        assert not frame.locator(".kk-legend details").evaluate("d => d.open")
        page.screenshot(path=str(artifacts / "viewport-1366x768-english.png"))

        # the copied link opens at exactly that centre and zoom
        assert copied.startswith(origin)
        open_map(page, copied)
        assert_same_view(map_view(page), view)
        assert offline.errors == []
    finally:
        offline.context.close()


def test_full_checks_on_a_phone(browser, app_url, artifacts):
    """Legend and sources folded, a tap opens the sources; with the page scrolled past
    the map's top the first tap on a pin still lands (the map's focus must not scroll)."""
    offline = new_page(browser, PHONE)
    try:
        page = offline.page
        # an initiative is open: its details below the map make the page long
        frame = open_map(page, app_url + "/?kaart=geen&id=klushuizen-oostburg")
        assert not frame.locator(".kk-legend details").evaluate("d => d.open")
        toggle = frame.locator(".kk-attribution-toggle")
        assert toggle.get_attribute("aria-label") == "Bronnen"
        assert not frame.locator(".leaflet-control-attribution").is_visible()
        box = toggle.bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        frame.locator(".leaflet-control-attribution").wait_for(state="visible", timeout=5_000)
        assert re.search("CBS/Kadaster", frame.locator(".leaflet-control-attribution")
                         .text_content())
        page.screenshot(path=str(artifacts / "viewport-390x844-sources.png"))

        # Scroll the page so the map's top is out of view, as when coming back up
        # from the details; then tap another pin, low on the map and in view.
        page.evaluate("([y]) => document.querySelector('[data-testid=stMain]').scrollBy(0, y)",
                      [layout(page)["top"] + 80])
        settle(page, 400)
        before = layout(page)
        assert before["top"] < -40
        pins = [(pin.get_attribute("data-ids"), pin.bounding_box())
                for pin in frame.locator(".kk-pin").all()]
        in_view = [(ids, b) for ids, b in pins if b and 20 < b["y"] < before["bottom"] - 60
                   and 0 < b["x"] < PHONE.width - b["width"]]

        frame_box = page.locator(FRAME).bounding_box()

        def on_top(ids: str, box) -> bool:  # the pin itself is what a tap at its centre hits
            return map_window(page).evaluate(
                "([x, y, ids]) => { const el = document.elementFromPoint(x, y);"
                " const pin = el && el.closest('.kk-pin');"
                " return !!pin && pin.dataset.ids === ids; }",
                [box["x"] + box["width"] / 2 - frame_box["x"],
                 box["y"] + box["height"] / 2 - frame_box["y"], ids])

        targets = [(ids, b) for ids, b in in_view
                   if "," not in ids and ids != "klushuizen-oostburg" and on_top(ids, b)]
        assert targets, "no single pin in view below the map's hidden top"
        ids, pin_box = targets[0]
        page.touchscreen.tap(pin_box["x"] + pin_box["width"] / 2,
                             pin_box["y"] + pin_box["height"] / 2)
        wait_for_url(page, f"id={ids}")
        assert layout(page)["top"] == pytest.approx(before["top"], abs=1)  # nothing jumped
        page.screenshot(path=str(artifacts / "viewport-390x844-scrolled-tap.png"))
        assert offline.errors == []
    finally:
        offline.context.close()
