"""'Leer van elkaar' and the region brief in a real browser: KLUShuizen's details suggest
initiatives elsewhere with reasons, Achterhoek's profile lists what other regions have
(and a click on an example opens it), and the brief downloads as a PDF with real text."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.e2e.conftest import map_frame
from tests.e2e.test_dashboard import PIN, open_map, wait_for_url


def side_panel(page):
    return page.locator(".st-key-side_panel")


def test_klushuizen_suggests_similar_initiatives_elsewhere(app_url, offline_page, artifacts):
    page = offline_page.page
    frame = open_map(page, app_url + "/?kaart=geen")
    frame.locator(f'{PIN}[data-ids="klushuizen-oostburg"]').click()
    wait_for_url(page, "id=klushuizen-oostburg")
    suggestions = page.locator(".st-key-similar_list")
    suggestions.get_by_text("Leer van elkaar").wait_for(timeout=30_000)
    buttons = suggestions.locator("button")
    assert buttons.count() == 5
    first = buttons.first.inner_text()
    assert first == "Ganzedijk · Oost-Groningen (krimpregio)"
    reasons = suggestions.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    assert reasons[1].startswith("zelfde thema's: wonen, leefbaarheid")  # [0] is the help
    assert all("Zeeuws-Vlaanderen" not in b for b in buttons.all_inner_texts())
    suggestions.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "learn-details-nl.png"))
    buttons.first.click()  # a suggestion opens like any other initiative
    wait_for_url(page, "id=ganzedijk")
    side_panel(page).get_by_role("heading", name="Ganzedijk").wait_for(timeout=15_000)
    assert offline_page.errors == []


def test_achterhoek_profile_shows_what_other_regions_have(app_url, offline_page, artifacts):
    page = offline_page.page
    open_map(page, app_url + "/?kaart=geen")
    page.locator(".st-key-jump").click()
    page.get_by_role("option", name="Regio: Achterhoek").click()
    wait_for_url(page, "gebied=achterhoek")
    gaps = page.locator(".st-key-gaps_list")
    gaps.get_by_text("Elders wel, hier nog niet").wait_for(timeout=30_000)
    housing = gaps.locator(".st-key-gap_item_themes_wonen")
    assert "in 2 andere regio's" in housing.inner_text()
    gaps.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "learn-region-nl.png"))
    housing.get_by_role("button", name=re.compile(r"^KLUShuizen in Krimp · ")).click()
    wait_for_url(page, "id=klushuizen-oostburg")
    side_panel(page).get_by_role("heading", name="KLUShuizen in Krimp").wait_for(timeout=15_000)
    assert offline_page.errors == []


def test_region_brief_downloads_as_pdf(app_url, browser, tmp_path, artifacts):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(app_url + "/?kaart=geen&gebied=zeeuws-vlaanderen&lang=en")
        map_frame(page).locator("path.leaflet-interactive").nth(300).wait_for(timeout=60_000)
        button = page.get_by_role("button", name="Region brief (PDF)")
        button.wait_for(timeout=30_000)
        with page.expect_download(timeout=60_000) as info:
            button.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert path.name == "krimpkaart-brief-zeeuws-vlaanderen.pdf"
        data = path.read_bytes()
        assert data.startswith(b"%PDF")
        (artifacts / "brief-from-page.pdf").write_bytes(data)
        if not shutil.which("pdftotext"):
            pytest.skip("poppler-utils not installed: the PDF's text is not checked")
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")
        flat = " ".join(text.split())
        assert "Region brief: Zeeuws-Vlaanderen" in flat and "KLUShuizen in Krimp" in flat
    finally:
        context.close()
