"""Retake the README's screenshots: housing initiatives in krimpregio's, KLUShuizen open.

Run from the repository root with the app's venv: ``.venv/bin/python docs/screenshots.py``.
It starts the app on the shipped data, opens the view the README describes in headless
Chromium (Debian ``chromium``), waits for the map and saves docs/screenshot-{nl,en}.png.
Look at both images before committing them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import browser  # noqa: E402  (bench/browser.py: server and Chromium helpers)
from playwright.sync_api import sync_playwright  # noqa: E402

VIEW = "?thema=wonen&regiotype=krimpregio&id=klushuizen-oostburg"


def main() -> None:
    port = browser.free_port()
    cmd = [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port),
           "--address", "127.0.0.1", "--", "--server.fileWatcherType", "none"]
    log = ROOT / "docs" / ".screenshots-server.log"
    with browser.Server("app", cmd, dict(os.environ), port, ROOT, log) as server, \
            sync_playwright() as pw:
        chromium = browser.launch(pw)
        page = chromium.new_context(viewport={"width": 1400, "height": 1100}).new_page()
        for lang in ("nl", "en"):
            page.goto(f"{server.url}/{VIEW}&lang={lang}")
            frame = page.frame_locator(browser.IFRAME)
            frame.locator(".kk-selected").wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # let the tiles that can load settle
            out = ROOT / "docs" / f"screenshot-{lang}.png"
            page.screenshot(path=str(out))
            print("saved", out)
        chromium.close()
    log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
