"""The dashboard in a real browser: markers, selection, filters, shareable URL, language."""

from __future__ import annotations

import re

from tests.e2e.conftest import map_frame

PIN = ".kk-pin"


def open_map(page, url: str):
    page.goto(url)
    frame = map_frame(page)
    frame.locator("path.leaflet-interactive").nth(300).wait_for(timeout=60_000)
    return frame


def wait_for_url(page, fragment: str, timeout_ms: int = 15_000) -> str:
    """Streamlit rewrites the URL with replaceState, which page.url does not follow."""
    page.wait_for_function("f => location.href.includes(f)", arg=fragment, timeout=timeout_ms)
    return page.evaluate("location.href")


def settled_count(frame, selector: str, page, timeout_ms: int = 15_000) -> int:
    """Count elements once the number stops changing (the map redraws after a rerun)."""
    last, stable = -1, 0
    for _ in range(timeout_ms // 250):
        count = frame.locator(selector).count()
        stable = stable + 1 if count == last else 0
        if stable >= 4:
            return count
        last = count
        page.wait_for_timeout(250)
    return last


def test_click_marker_filter_reload_and_english(app_url, offline_page, artifacts):
    page = offline_page.page
    frame = open_map(page, app_url + "/?kaart=geen")
    all_pins = settled_count(frame, PIN, page)
    assert all_pins >= 8

    # Click the Oostburg marker: the details panel shows KLUShuizen.
    frame.locator(f'{PIN}[data-ids="klushuizen-oostburg"]').click()
    page.get_by_text("KLUShuizen in Krimp").first.wait_for(timeout=15_000)
    page.get_by_text(re.compile("125.000")).first.wait_for(timeout=5_000)
    wait_for_url(page, "id=klushuizen-oostburg")
    page.screenshot(path=str(artifacts / "dashboard-details-nl.png"))

    # Theme filter via the sidebar: fewer markers, the choice lands in the URL.
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name=re.compile(r"^Wonen \(")).click()
    page.keyboard.press("Escape")
    shared = wait_for_url(page, "thema=wonen")
    fewer = settled_count(frame, PIN, page)
    assert 0 < fewer < all_pins
    page.screenshot(path=str(artifacts / "dashboard-filtered-nl.png"))

    # A second facet changes the theme counts; the theme choice must survive that.
    sidebar.locator('[data-testid="stMultiSelect"]').nth(2).click()
    page.get_by_role("option", name=re.compile(r"^Krimpregio \(")).click()
    page.keyboard.press("Escape")
    shared = wait_for_url(page, "regiotype=krimpregio")
    assert "thema=wonen" in shared
    fewer = settled_count(frame, PIN, page)
    assert fewer >= 1

    # Reloading the copied URL restores filters and selection.
    frame = open_map(page, shared)
    assert settled_count(frame, PIN, page) == fewer
    page.get_by_text("KLUShuizen in Krimp").first.wait_for(timeout=15_000)

    # Switch to English.
    sidebar.get_by_role("button", name="English").click()
    wait_for_url(page, "lang=en")
    page.get_by_text(re.compile(r"Showing \d+ of")).first.wait_for(timeout=15_000)
    frame = map_frame(page)
    frame.locator(".kk-legend").get_by_text("Housing").wait_for(state="attached", timeout=30_000)
    sidebar.get_by_text(re.compile(r"^Housing \(")).first.wait_for(timeout=10_000)
    assert "thema=wonen" in page.evaluate("location.href")
    page.screenshot(path=str(artifacts / "dashboard-details-en.png"))
    assert offline_page.errors == []


def test_click_municipality_opens_region_panel(app_url, offline_page):
    page = offline_page.page
    frame = open_map(page, app_url + "/?kaart=geen")
    # Centre of the map's municipality layer: click a polygon in the middle of the country.
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.55)
    wait_for_url(page, "gm=GM")
    page.get_by_text("Initiatieven hier").first.wait_for(timeout=10_000)
