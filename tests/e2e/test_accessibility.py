"""Accessibility measured, not claimed: axe-core on every kind of screen, and the map's
pins by keyboard.

axe runs in the page (Streamlit's document) and, injected explicitly, inside the
map's iframe: a scan of the page does not enter it. A screen passes with no
violation of impact serious or critical. Violations that come from Streamlit's own
markup, which the app cannot change, are allowed by (rule, selector) in
STREAMLIT_ALLOWED; that list may only shrink (test_the_allowlist_does_not_grow).
Moderate findings are written to test-artifacts/axe-*.txt for the record.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import OfflinePage, map_frame, running_app

pytestmark = pytest.mark.e2e

PASSCODE = "axe-test-code"
BLOCKING = ("serious", "critical")
FRAME_TITLE = 'iframe[title="streamlit_folium.st_folium"]'

# (rule, a CSS selector axe reports) for violations in Streamlit's own markup.
# Empty today: every serious or critical finding was ours and is fixed.
STREAMLIT_ALLOWED: frozenset[tuple[str, str]] = frozenset()
ALLOWED_MAX = 0  # raise only with a reason in the commit; lower whenever Streamlit fixes one

_AXE = Axe()


@pytest.fixture(scope="module")
def axe_url(artifacts, tmp_path_factory):
    store = tmp_path_factory.mktemp("axe") / "initiatieven.gpkg"
    with running_app(store, {"KRIMPKAART_PASSCODE": PASSCODE}) as url:
        yield url


def _findings(results: dict, where: str) -> list[tuple[str, str, str, str]]:
    return [(where, v["id"], v["impact"] or "", " ".join(map(str, node["target"])))
            for v in results["violations"] for node in v["nodes"]]


def scan(page, name: str, artifacts) -> list[tuple[str, str, str, str]]:
    """axe in the page and in the map's frame: (where, rule, impact, selector) of every
    serious or critical violation not allowed; all findings go to an artifact file."""
    main = _AXE.run(page, options={"resultTypes": ["violations"], "iframes": False})
    found = _findings(main.response, "page")
    frames = [f for f in page.frames if f.url and "streamlit_folium" in f.url]
    assert frames, "the map's frame is missing"
    inside = _AXE.run(frames[-1], options={"resultTypes": ["violations"]})
    found += _findings(inside.response, "map")
    (artifacts / f"axe-{name}.txt").write_text(
        "\n".join(" | ".join(f) for f in found) + "\n", encoding="utf-8")
    return [f for f in found if f[2] in BLOCKING and (f[1], f[3]) not in STREAMLIT_ALLOWED]


def open_page(browser, url: str, width: int = 1366, height: int = 768):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = OfflinePage(context).page
    page.goto(url)
    frame = map_frame(page)
    frame.locator("path.leaflet-interactive").nth(300).wait_for(state="attached",
                                                               timeout=60_000)
    frame.locator(".kk-pin-wrap, .marker-cluster").first.wait_for(state="attached",
                                                                  timeout=30_000)
    return context, page


def settle(page) -> None:
    """Wait until Streamlit has finished the run (no element left faded as stale)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=30_000)
    page.wait_for_timeout(800)


def _open_tab(page, name: str, ready: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.get_by_text(ready).first.wait_for(timeout=30_000)


def _open_edit_dialog(page) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Begeleider: bewerken").click()
    sidebar.get_by_label("Je naam (bij je wijzigingen)").fill("Fien")
    sidebar.get_by_label("Wachtwoord begeleider").fill(PASSCODE)
    sidebar.get_by_role("button", name="Ontgrendelen").click()
    page.get_by_role("button", name="Bewerken").click()
    page.get_by_role("dialog").wait_for(timeout=20_000)


def check(page, name: str, artifacts) -> None:
    settle(page)
    assert scan(page, name, artifacts) == [], name


# One page load per start screen; the tabs and the dialog open on the loaded page,
# which keeps the scans to about a minute in all.
def test_main_overview_and_export_tabs(browser, axe_url, artifacts):
    context, page = open_page(browser, axe_url + "/")
    try:
        check(page, "main", artifacts)
        _open_tab(page, "Overzicht", "Initiatieven per regio")
        check(page, "overview", artifacts)
        page.get_by_role("tab", name="Exporteren").click()
        page.get_by_label("Titel").wait_for(timeout=30_000)
        check(page, "export", artifacts)
    finally:
        context.close()


def test_selected_initiative_and_the_edit_dialog(browser, axe_url, artifacts):
    context, page = open_page(browser, axe_url + "/?id=klushuizen-oostburg")
    try:
        check(page, "initiative", artifacts)
        _open_edit_dialog(page)
        check(page, "edit-dialog", artifacts)
    finally:
        context.close()


@pytest.mark.parametrize(("name", "path"), [
    ("region", "/?gebied=zeeuws-vlaanderen"),
    ("presentation", "/?mode=presentatie&tour=verhaal-krimpregios&stap=3"),
])
def test_region_profile_and_presentation(browser, axe_url, artifacts, name, path):
    context, page = open_page(browser, axe_url + path)
    try:
        check(page, name, artifacts)
    finally:
        context.close()


def test_the_allowlist_does_not_grow():
    assert len(STREAMLIT_ALLOWED) <= ALLOWED_MAX


def test_every_pin_has_a_name_and_a_keyboard_user_selects_one(browser, axe_url, artifacts):
    """Tab reaches the pins, each named by its initiative and place; Enter selects one
    and its details appear beside the map; focus stays on the picked pin."""
    context, page = open_page(browser, axe_url + "/?kaart=geen&regio=zeeuws-vlaanderen")
    try:
        check(page, "region-filter", artifacts)  # the outline and the unbound line too
        frame = map_frame(page)
        pins = frame.locator(".kk-pin-wrap")
        pins.first.wait_for(timeout=30_000)
        names = [pins.nth(i).get_attribute("aria-label") for i in range(pins.count())]
        assert names and all(names), names
        assert all(pins.nth(i).get_attribute("tabindex") == "0" for i in range(pins.count()))
        assert all(pins.nth(i).get_attribute("role") == "button" for i in range(pins.count()))
        klus = frame.locator('.kk-pin-wrap[aria-label^="KLUShuizen"]')
        assert klus.get_attribute("aria-label") == "KLUShuizen in Krimp · Oostburg"
        klus.focus()
        outline = klus.evaluate("el => getComputedStyle(el).outlineStyle")
        page.keyboard.press("Enter")
        # (the region's profile lists it too: wait for the selection, then its details)
        page.wait_for_function("() => location.href.includes('id=klushuizen-oostburg')",
                               timeout=20_000)
        page.locator(".st-key-details_panel").get_by_text("KLUShuizen").first.wait_for(
            timeout=20_000)
        frame.locator('.kk-pin-wrap[aria-pressed="true"]').wait_for(timeout=20_000)
        page.wait_for_function(
            """sel => { const f = [...document.querySelectorAll(sel)].pop();
                        const a = f && f.contentDocument.activeElement;
                        return a && a.getAttribute('aria-pressed') === 'true'; }""",
            arg=FRAME_TITLE, timeout=20_000)
        assert outline != "none"  # a visible focus ring (Leaflet hides it for mouse users)
        page.screenshot(path=str(artifacts / "a11y-keyboard-pick.png"))

        # The map's first tab stop skips it: to the panel with the picked one's details
        skip = frame.locator("a.kk-skip")
        first = frame.locator("body").evaluate(
            "() => document.querySelector('a[href], button, [tabindex]:not([tabindex=\"-1\"])')"
            ".className")
        assert first == "kk-skip"
        assert skip.inner_text() == "Sla de kaart over: naar het detailpaneel"
        skip.focus()
        box, frame_box = skip.bounding_box(), page.locator(FRAME_TITLE).last.bounding_box()
        assert box and frame_box and box["y"] >= frame_box["y"]  # in sight once focused
        page.screenshot(path=str(artifacts / "a11y-skip-link.png"))
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.closest"
            "('.st-key-side_panel') !== null", timeout=10_000)
        page.keyboard.press("Tab")  # and on from there, through the panel
        assert page.evaluate("() => document.activeElement.closest('.st-key-side_panel') "
                             "!== null")
    finally:
        context.close()
