"""Retake the README's screenshots: housing initiatives in krimpregio's, KLUShuizen open.

Run from the repository root with the app's venv: ``.venv/bin/python docs/screenshots.py``.
It starts the app on the shipped data, opens the view the README describes in headless
Chromium (Debian ``chromium``) at 1366x768, a common laptop screen, with the legend open
(as it starts on a desktop), waits for the map and saves docs/screenshot-{nl,en}.png, then
presentation mode at the story's KLUShuizen step as docs/presentation.png.
Look at the images before committing them.
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
SIZE = {"width": 1366, "height": 768}
PRESENTATION = "?mode=presentatie&tour=verhaal-krimpregios&stap=3"


def main() -> None:
    port = browser.free_port()
    cmd = [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port),
           "--address", "127.0.0.1", "--", "--server.fileWatcherType", "none"]
    log = ROOT / "docs" / ".screenshots-server.log"
    with browser.Server("app", cmd, dict(os.environ), port, ROOT, log) as server, \
            sync_playwright() as pw:
        chromium = browser.launch(pw)
        page = chromium.new_context(viewport=SIZE).new_page()
        for lang in ("nl", "en"):
            page.goto(f"{server.url}/{VIEW}&lang={lang}")
            frame = page.frame_locator(browser.IFRAME)
            frame.locator(".kk-selected").wait_for(timeout=60_000)
            if not frame.locator(".kk-legend details").evaluate("d => d.open"):
                raise SystemExit("the legend is folded: the screenshots must explain the colours")
            page.wait_for_timeout(1500)  # let the tiles that can load settle
            out = ROOT / "docs" / f"screenshot-{lang}.png"
            page.screenshot(path=str(out))
            print("saved", out)
        # presentation mode on the same laptop screen, the story at KLUShuizen
        page = chromium.new_context(viewport=SIZE).new_page()
        page.goto(f"{server.url}/{PRESENTATION}")
        page.frame_locator(browser.IFRAME).locator(".kk-selected").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        out = ROOT / "docs" / "presentation.png"
        page.screenshot(path=str(out))
        print("saved", out)
        chromium.close()
    log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
