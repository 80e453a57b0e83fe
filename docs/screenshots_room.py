"""Retake the README's workshop screenshots: the QR code over the presentation (1280x720, a
projector) and the participant's form on a phone (390x844).

Run from the repository root with the app's venv: ``.venv/bin/python docs/screenshots_room.py``.
It starts the app with a throwaway copy of the shipped data and a passcode, unlocks editing,
opens a workshop, starts presentation mode and shows the QR code (docs/workshop-qr.png), then
opens the participant link on a phone, picks a municipality and fills in a suggestion
(docs/workshop-phone.png). Look at the images before committing them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import browser  # noqa: E402  (bench/browser.py: server and Chromium helpers)
from playwright.sync_api import sync_playwright  # noqa: E402

PASSCODE = "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def main() -> None:
    port = browser.free_port()
    store = Path(tempfile.mkdtemp(prefix="kk-shots-")) / "initiatieven.gpkg"
    env = {**os.environ, "KRIMPKAART_STORE": str(store), "KRIMPKAART_PASSCODE": PASSCODE}
    cmd = [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port),
           "--address", "127.0.0.1", "--", "--server.fileWatcherType", "none"]
    log = ROOT / "docs" / ".screenshots-server.log"
    with browser.Server("app", cmd, env, port, ROOT, log) as server, sync_playwright() as pw:
        chromium = browser.launch(pw)
        page = chromium.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(f"{server.url}/?kaart=geen")
        page.frame_locator(browser.IFRAME).locator(".leaflet-container").wait_for(timeout=60_000)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Begeleider: bewerken").click()
        sidebar.get_by_label("Je naam (bij je wijzigingen)").fill("Fien")
        sidebar.get_by_label("Wachtwoord begeleider").fill(PASSCODE)
        sidebar.get_by_role("button", name="Ontgrendelen").click()
        sidebar.get_by_role("button", name="Vergrendelen").wait_for(timeout=30_000)
        panel = sidebar.locator(".st-key-room_sidebar")
        panel.get_by_text("Workshop met deelnemers").click()
        panel.get_by_role("button", name="Workshop openen").click()
        code = panel.locator('[data-testid="stCode"]')
        code.wait_for(timeout=60_000)
        link = code.inner_text().strip()
        sidebar.get_by_role("button", name="Presentatiemodus").click()
        page.locator(".st-key-room_qr_toggle button").click()
        page.locator(".st-key-room_qr_overlay img").wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        out = ROOT / "docs" / "workshop-qr.png"
        page.screenshot(path=str(out))
        print("saved", out)

        phone = chromium.new_context(**PHONE).new_page()
        phone.goto(link)
        phone.get_by_label("Gemeente").first.click()
        phone.keyboard.type("Oldambt")
        phone.keyboard.press("Enter")
        phone.get_by_text("(Oldambt)").first.wait_for(timeout=60_000)
        phone.get_by_label("Naam van het initiatief").fill("Dorpscoöperatie Nieuw Beerta")
        phone.get_by_text("Waar is het?").first.scroll_into_view_if_needed()
        phone.wait_for_timeout(1000)
        out = ROOT / "docs" / "workshop-phone.png"
        phone.screenshot(path=str(out))
        print("saved", out)
        chromium.close()
    log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
