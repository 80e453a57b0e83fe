"""The page's import mapping step in a real browser (1280x720): a column the import does
not know gets a dropdown; the choice applies, keeps the source URLs and places rows by
municipality (approximate); the next file with the same header gets it at once."""

from __future__ import annotations

import pytest

from dashboard import store
from tests.e2e.conftest import running_app
from tests.e2e.test_room import PASSCODE, unlock
from tests.e2e.test_workshop import open_page

HEADER = "naam,gemeente,webpagina,<b>rare kolom</b>\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("mapping") / "initiatieven.gpkg"
    store.open_store(path)
    with running_app(path, {"KRIMPKAART_PASSCODE": PASSCODE}) as url:
        yield url, path


def upload(page, name: str, text: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()})


def test_unknown_columns_get_a_dropdown_and_the_choice_is_remembered(browser, app, artifacts):
    url, path = app
    context, page, _ = open_page(browser, url + "/?kaart=geen", 1280, 720)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        unlock(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Bestand importeren").click()
        upload(page, "eerste.csv", HEADER + "Buurtbus Eext,Aa en Hunze,https://example.org/a,x\n"
                                            "Zorg Ter Apel,westerwolde,https://example.org/b,y\n")
        sidebar.get_by_text("Kolommen koppelen").wait_for(timeout=30_000)
        assert sidebar.get_by_text("kolom 'gemeente' → locatie (middelpunt gemeente").is_visible()
        column = sidebar.get_by_label("Kolom 'webpagina'")
        column.click()
        page.keyboard.type("Bronnen")
        page.keyboard.press("Enter")
        page.get_by_role("option").first.wait_for(state="detached", timeout=15_000)
        # the odd header is text, not HTML
        assert sidebar.get_by_text("Kolom '<b>rare kolom</b>'").count() == 1
        page.screenshot(path=str(artifacts / "import-mapping-1280.png"))
        sidebar.get_by_role("button", name="Koppeling toepassen").click()
        sidebar.get_by_role("button", name="Importeer 2 initiatieven").click()
        sidebar.get_by_text("2 initiatieven geïmporteerd.").wait_for(timeout=30_000)
        db = store.open_store(path)
        records = {r["name"]: r for r in db.list()}
        assert records["Zorg Ter Apel"]["sources"][0]["url"] == "https://example.org/b"
        assert records["Buurtbus Eext"]["location_approximate"] is True
        assert records["Buurtbus Eext"]["gemeente_code"] == "GM1680"

        # the next file with the same header: the mapping is there already
        upload(page, "tweede.csv", HEADER + "Dorpshuis Vlagtwedde,Westerwolde,"
                                            "https://example.org/c,z\n")
        sidebar.get_by_text("De koppeling van de vorige keer").wait_for(timeout=30_000)
        sidebar.get_by_role("button", name="Importeer 1 initiatief").wait_for(timeout=30_000)
        page.screenshot(path=str(artifacts / "import-mapping-remembered-1280.png"))
        assert dialogs == []
    finally:
        context.close()
