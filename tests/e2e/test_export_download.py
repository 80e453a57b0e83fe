"""Export from the page in a real browser: a slide PNG of the filtered map downloads."""

from __future__ import annotations

import struct

from tests.e2e.conftest import map_frame


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_slide_png_download(app_url, browser, artifacts, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(app_url + "/?kaart=geen&thema=wonen&regiotype=krimpregio")
        map_frame(page).locator("path.leaflet-interactive").nth(300).wait_for(timeout=60_000)
        page.get_by_role("tab", name="Exporteren").click()
        page.get_by_role("button", name="Maak bestand").click()
        button = page.get_by_role("button", name="Download krimpkaart-")
        button.wait_for(timeout=30_000)
        with page.expect_download() as info:
            button.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert path.suffix == ".png"
        assert png_size(path.read_bytes()) == (1920, 1080)
        (artifacts / "export-from-page.png").write_bytes(path.read_bytes())
        page.get_by_text("Kaart van Nederland met").first.wait_for(timeout=5_000)  # alt text
    finally:
        context.close()
