"""Workshop in real browsers: a facilitator adds by clicking the map, a viewer sees it live,
undo removes it again; presentation mode at 1920x1080."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OfflinePage, map_frame, running_app

PASSCODE = "workshop-test-code"


@pytest.fixture(scope="module")
def workshop_url(artifacts, tmp_path_factory):
    store = tmp_path_factory.mktemp("workshop") / "initiatieven.gpkg"
    with running_app(store, {"KRIMPKAART_PASSCODE": PASSCODE}) as url:
        yield url


def open_page(browser, url: str, width: int = 1400, height: int = 1100):
    context = browser.new_context(viewport={"width": width, "height": height})
    wrapped = OfflinePage(context)
    wrapped.page.goto(url)
    frame = map_frame(wrapped.page)
    # Zoomed-in views clip far-away municipalities, so wait for them to exist, not show.
    frame.locator("path.leaflet-interactive").nth(300).wait_for(state="attached", timeout=60_000)
    return context, wrapped.page, frame


def wait_tooltip_count(page, frame, text: str, expected: int, timeout_ms: int) -> None:
    """Wait until exactly ``expected`` marker tooltips mention ``text``."""
    page.wait_for_function(
        """([sel, text, n]) => {
            const f = [...document.querySelectorAll(sel)].pop();
            const w = f && f.contentWindow;
            if (!w || !w.map) return false;
            let c = 0;
            w.map.eachLayer(l => { const t = l.getTooltip && l.getTooltip();
                if (l instanceof w.L.Marker && t && String(t.getContent()).includes(text)) c++; });
            return c === n;
        }""",
        arg=['iframe[title="streamlit_folium.st_folium"]', text, expected],
        timeout=timeout_ms,
    )


def test_facilitator_adds_viewer_sees_it_then_undo(browser, workshop_url, artifacts):
    fac_ctx, fac, fac_map = open_page(browser, workshop_url + "/?kaart=geen")
    view_ctx, viewer, _ = open_page(browser, workshop_url + "/?kaart=geen")
    try:
        sidebar = fac.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Begeleider: bewerken").click()
        sidebar.get_by_label("Je naam (bij je wijzigingen)").fill("Fien")
        sidebar.get_by_label("Wachtwoord begeleider").fill(PASSCODE)
        sidebar.get_by_role("button", name="Ontgrendelen").click()
        # kk-cookie.js remembers the name (never the passcode) for this browser
        fac.wait_for_function("() => document.cookie.includes('krimpkaart_begeleider=')",
                              timeout=15_000)
        cookies = {c["name"]: c for c in fac_ctx.cookies()}
        assert cookies["krimpkaart_begeleider"]["value"] == "Fien"
        assert cookies["krimpkaart_begeleider"]["sameSite"] == "Strict"
        assert PASSCODE not in str(fac_ctx.cookies())
        sidebar.get_by_role("button", name="Initiatief toevoegen").click()
        fac.get_by_text("Klik op de kaart waar het initiatief zit.").wait_for(timeout=15_000)

        # Click on the map in the middle of the country (Utrecht/Gelderland).
        box = fac_map.locator(".leaflet-container").bounding_box()
        assert box is not None
        fac.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.58)
        fac.get_by_text("Gekozen punt:").wait_for(timeout=15_000)
        fac.get_by_label("Naam *").fill("Buurtbus Testdorp")
        fac.get_by_role("button", name="Opslaan").click()
        fac.get_by_text("Buurtbus Testdorp").first.wait_for(timeout=15_000)
        fac.screenshot(path=str(artifacts / "workshop-added.png"))

        # The viewer's screen shows the new marker within 5 seconds, without a reload.
        wait_tooltip_count(viewer, None, "Buurtbus Testdorp", 1, timeout_ms=5_000)
        viewer.screenshot(path=str(artifacts / "workshop-viewer.png"))

        sidebar.get_by_role("button", name="Laatste wijziging ongedaan maken").click()
        sidebar.get_by_text("Ongedaan gemaakt").wait_for(timeout=15_000)
        wait_tooltip_count(viewer, None, "Buurtbus Testdorp", 0, timeout_ms=5_000)
    finally:
        fac_ctx.close()
        view_ctx.close()


def test_presentation_mode_at_1920(browser, workshop_url, artifacts):
    ctx, page, _ = open_page(
        browser, workshop_url + "/?mode=presentatie&tour=verhaal-krimpregios&stap=3&kaart=geen",
        1920, 1080)
    try:
        page.get_by_text("stap 3 van").wait_for(timeout=15_000)
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        size = page.get_by_text("stap 3 van").evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 20
        page.screenshot(path=str(artifacts / "presentation-1920.png"))
        page.keyboard.press("ArrowRight")
        page.get_by_text("stap 4 van").wait_for(timeout=15_000)
        page.screenshot(path=str(artifacts / "presentation-tour-step4.png"))
        page.keyboard.press("ArrowLeft")
        page.get_by_text("stap 3 van").wait_for(timeout=15_000)
        page.keyboard.press("PageDown")
        page.get_by_text("stap 4 van").wait_for(timeout=15_000)
        page.get_by_text("Hoog contrast").click()  # kk-contrast.css: white on black
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('.stApp')).backgroundColor"
            " === 'rgb(0, 0, 0)'", timeout=15_000)
        page.evaluate("document.activeElement.blur()")  # keys in a form field stay there
        page.keyboard.press("Escape")
        page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=15_000)
    finally:
        ctx.close()
