"""The room contributes, in real browsers: a participant on a phone sends a suggestion by the
workshop link, the facilitator (1280x720) sees it in the queue within 5 s and approves it,
a read-only screen shows the new pin within 5 s; the QR code on screen decodes to the link;
the 11th quick suggestion from one phone is refused; script payloads stay text."""

from __future__ import annotations

import io
import time

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard import store
from tests.e2e.conftest import OfflinePage, running_app
from tests.e2e.test_workshop import open_page, wait_tooltip_count

PASSCODE = "room-test-code"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
ROOM_STORE: list = []  # the app's store file (read after an approval)
XSS = '<img src=x onerror="window.pwned=1;alert(1)"><script>alert(2)</script>'


@pytest.fixture(scope="module")
def room_url(artifacts, tmp_path_factory):
    path = tmp_path_factory.mktemp("room") / "initiatieven.gpkg"
    store.open_store(path)
    with running_app(path, {"KRIMPKAART_PASSCODE": PASSCODE}) as url:
        ROOM_STORE.append(path)
        yield url


def unlock(page, name: str = "Fien") -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Begeleider: bewerken").click()
    sidebar.get_by_label("Je naam (bij je wijzigingen)").fill(name)
    sidebar.get_by_label("Wachtwoord begeleider").fill(PASSCODE)
    sidebar.get_by_role("button", name="Ontgrendelen").click()
    sidebar.get_by_role("button", name="Vergrendelen").wait_for(timeout=15_000)


def open_workshop(page) -> str:
    """Open a workshop from the sidebar (or find the open one); the participants' link."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    panel = sidebar.locator(".st-key-room_sidebar")
    if not panel.get_by_text("Workshop sluiten").is_visible():
        opener = panel.get_by_role("button", name="Workshop openen")
        for _ in range(3):  # under load a click on a just-drawn expander can go unseen
            if panel.locator("details").first.get_attribute("open") is None:
                panel.get_by_text("Workshop met deelnemers").click()
            try:
                opener.wait_for(timeout=5_000)
                break
            except PlaywrightTimeout:
                continue
        opener.click()
    code = panel.locator('[data-testid="stCode"]')
    code.wait_for(timeout=15_000)
    return code.inner_text().strip()


def phone(browser):
    context = browser.new_context(**PHONE)
    wrapped = OfflinePage(context)
    dialogs: list[str] = []
    wrapped.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return context, wrapped, dialogs


def fill_suggestion(page, name: str, municipality: str = "Oldambt", **fields: str) -> None:
    page.get_by_label("Gemeente").first.click()
    page.keyboard.type(municipality)
    page.keyboard.press("Enter")
    page.get_by_text(f"({municipality})").first.wait_for(timeout=15_000)
    page.get_by_label("Naam van het initiatief").fill(name)
    labels = {"place": "Dorp of plaats", "description": "Wat doen ze?",
              "link": "Link naar een website", "first_name": "Je voornaam"}
    for key, value in fields.items():
        page.get_by_label(labels[key]).fill(value)


def send(page) -> None:
    page.get_by_role("button", name="Versturen").click()


def test_a_phone_suggests_the_facilitator_approves_every_screen_shows_it(
        browser, room_url, artifacts):
    fac_ctx, fac, _ = open_page(browser, room_url + "/?kaart=geen", 1280, 720)
    view_ctx, viewer, _ = open_page(browser, room_url + "/?kaart=geen", 1280, 720)
    phone_ctx, wrapped, dialogs = phone(browser)
    try:
        unlock(fac)
        link = open_workshop(fac)
        assert link.startswith(room_url + "/?workshop=")

        # The QR code over the map decodes to exactly that link.
        fac.locator(".st-key-room_sidebar").get_by_role("button", name="QR-code").click()
        image = fac.locator(".st-key-room_qr_overlay img")
        image.wait_for(timeout=15_000)
        fac.screenshot(path=str(artifacts / "room-qr-1280.png"))
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot())))
        assert [d.text for d in decoded] == [link]
        assert image.bounding_box()["height"] >= 0.5 * 720  # large enough for the back row
        overlay = fac.locator(".st-key-room_qr_overlay").bounding_box()
        assert overlay["y"] >= 0 and overlay["y"] + overlay["height"] <= 720  # all of it shows
        fac.locator(".st-key-room_qr_overlay").get_by_role("button",
                                                            name="QR-code verbergen").click()
        image.wait_for(state="detached", timeout=15_000)

        # The participant opens the link on a phone: no passcode, no account.
        page = wrapped.page
        page.goto(link)
        fill_suggestion(page, "Dorpscoöperatie Nieuw Beerta", place="Nieuw Beerta",
                        description="Buren rijden buren naar de dokter.",
                        link="nieuwbeerta.nl", first_name="Ria")
        page.screenshot(path=str(artifacts / "room-phone-form.png"))
        send(page)
        page.get_by_text("Verstuurd — de begeleider bekijkt je voorstel").wait_for(
            timeout=15_000)
        sent = time.monotonic()
        page.screenshot(path=str(artifacts / "room-phone-sent.png"))

        # The facilitator's queue shows it within 5 s, without touching the page.
        queue = fac.locator(".st-key-room_queue")
        queue.get_by_text("Dorpscoöperatie Nieuw Beerta").wait_for(timeout=5_000)
        assert time.monotonic() - sent < 5.0
        fac.screenshot(path=str(artifacts / "room-queue-1280.png"))
        queue.get_by_role("button", name="Bekijken").first.click()
        dialog = fac.get_by_role("dialog")
        dialog.get_by_text("Van Ria").wait_for(timeout=15_000)
        fac.screenshot(path=str(artifacts / "room-review-1280.png"))
        dialog.get_by_role("button", name="Goedkeuren").click()
        approved = time.monotonic()
        dialog.wait_for(state="detached", timeout=15_000)

        # The read-only screen shows the new pin within 5 s of the approval.
        wait_tooltip_count(viewer, None, "Dorpscoöperatie Nieuw Beerta", 1, timeout_ms=5_000)
        assert time.monotonic() - approved < 6.0
        assert dialogs == []
        # Its history says where it came from; the suggestion is marked approved.
        change = store.open_store(ROOM_STORE[0]).history(limit=1)[0]
        assert change.author == "Fien" and change.after["name"] == "Dorpscoöperatie Nieuw Beerta"
        assert change.after["sources"][0]["title"] == "Workshop " + link.rsplit("=", 1)[1]
    finally:
        for context in (fac_ctx, view_ctx, phone_ctx):
            context.close()


def test_the_eleventh_quick_suggestion_is_refused_and_payloads_stay_text(
        browser, room_url, artifacts):
    fac_ctx, fac, _ = open_page(browser, room_url + "/?kaart=geen", 1280, 720)
    phone_ctx, wrapped, dialogs = phone(browser)
    evil_ctx, evil, evil_dialogs = phone(browser)
    try:
        unlock(fac, "Joost")
        link = open_workshop(fac)
        page = wrapped.page
        page.goto(link)
        for n in range(1, 11):
            fill_suggestion(page, f"Snel voorstel {n}")
            send(page)
            page.get_by_text("Verstuurd —").wait_for(timeout=15_000)
            page.get_by_role("button", name="Nog een voorstel sturen").click()
        fill_suggestion(page, "Snel voorstel 11")
        send(page)
        refused = page.get_by_text("Je hebt al 10 voorstellen gestuurd in 10 minuten")
        refused.wait_for(timeout=15_000)
        page.screenshot(path=str(artifacts / "room-phone-limit.png"))
        page.reload()  # the device cookie survives a reload, and so does the limit
        fill_suggestion(page, "Snel voorstel 11")
        send(page)
        refused.wait_for(timeout=15_000)

        # Script payloads in every field: refused as a link, text everywhere else.
        p = evil.page
        p.goto(link)
        fill_suggestion(p, XSS[:120], place=XSS[:100], description=XSS,
                        link="javascript:alert(3)", first_name=XSS[:40])
        send(p)
        p.get_by_text("alleen webadressen met http:// of https://").wait_for(timeout=15_000)
        p.get_by_label("Link naar een website").fill("")
        send(p)
        p.get_by_text("Verstuurd —").wait_for(timeout=15_000)
        p.get_by_text(XSS[:120]).first.wait_for(timeout=5_000)  # shown back as text

        queue = fac.locator(".st-key-room_queue")
        queue.get_by_text(XSS[:120]).wait_for(timeout=10_000)
        row = queue.locator('[data-testid="stHorizontalBlock"]').filter(has_text=XSS[:60])
        row.get_by_role("button", name="Bekijken").click()
        dialog = fac.get_by_role("dialog")
        dialog.get_by_text(f"Van {XSS[:40]}").wait_for(timeout=15_000)
        assert dialog.locator("img[src=x]").count() == 0
        dialog.get_by_role("button", name="Goedkeuren").click()
        dialog.wait_for(state="detached", timeout=15_000)
        details = fac.locator(".st-key-side_panel")
        details.get_by_text(XSS[:120]).first.wait_for(timeout=15_000)
        fac.screenshot(path=str(artifacts / "room-payload-approved.png"))
        for checked in (fac, p, page):
            assert checked.evaluate("window.pwned") is None
        assert dialogs == [] and evil_dialogs == []
    finally:
        for context in (fac_ctx, phone_ctx, evil_ctx):
            context.close()
