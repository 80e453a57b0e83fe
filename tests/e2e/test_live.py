"""Live updates in real browsers: open pages cost no script runs while nothing changes, an edit
made through the store reaches every open page within 5 s, the poll rests while the tab is
hidden, an unreachable version route neither breaks the page nor floods the server, and all of
it works under Streamlit's server.baseUrlPath."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from dashboard import store
from tests.e2e.conftest import OfflinePage, _free_port, _wait_healthy, map_frame, running_app

VERSION_ROUTE = "/_kk/version"


@pytest.fixture(scope="module")
def live_app(artifacts, tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    path, log = folder / "initiatieven.gpkg", folder / "runs.log"
    store.open_store(path)  # seeded now, so the test can write to it
    with running_app(path, {"KRIMPKAART_RUN_LOG": str(log)}) as url:
        yield url, path, log


def _runs(log) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


class Tab:
    """One open page and the version polls it made."""

    def __init__(self, browser, url: str, width: int = 1280, height: int = 720):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.wrapped = OfflinePage(self.context)
        self.page = self.wrapped.page
        self.polls: list[float] = []
        self.frames = 0  # websocket messages either way: any script run, fragments too
        self.page.on("request", lambda r: self.polls.append(time.monotonic())
                     if r.url.split("?")[0].endswith(VERSION_ROUTE) else None)
        self.page.on("websocket", self._watch)
        self.page.goto(url + "/?kaart=geen")
        frame = map_frame(self.page)
        frame.locator("path.leaflet-interactive").nth(300).wait_for(state="attached",
                                                                    timeout=60_000)

    def _watch(self, ws) -> None:
        def count(_payload) -> None:
            self.frames += 1

        ws.on("framesent", count)
        ws.on("framereceived", count)

    def close(self) -> None:
        self.context.close()


def settle(page, log, quiet_s: float = 2.0, limit_s: float = 30.0) -> int:
    """Wait until no script run started for ``quiet_s``; the number of runs so far."""
    deadline = time.monotonic() + limit_s
    last, since = _runs(log), time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = _runs(log)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return now
    raise AssertionError("the page kept rerunning")


def test_idle_pages_do_not_rerun_and_an_edit_reaches_every_page(browser, live_app, artifacts):
    url, path, log = live_app
    first, second = Tab(browser, url), Tab(browser, url)
    try:
        total = len(store.open_store(path).list())
        second.page.get_by_text(f"van {total} initiatieven").wait_for(timeout=15_000)
        runs = settle(second.page, log)
        polls, frames = len(second.polls), second.frames
        second.page.wait_for_timeout(6_000)
        assert _runs(log) == runs, "an open page reran its script while nothing changed"
        assert second.frames == frames, "an idle page talked to the server (a fragment run?)"
        assert len(second.polls) - polls >= 2, "the page did not poll the version route"

        added_at = time.monotonic()
        store.open_store(path).add({"id": "live-test", "name": "Live toegevoegd",
                                    "themes": ["zorg"], "lat": 52.09, "lon": 5.12}, "test")
        for tab in (second, first):
            left_ms = max(1, 5_000 - (time.monotonic() - added_at) * 1000)
            tab.page.get_by_text(f"van {total + 1} initiatieven").wait_for(timeout=left_ms)
        assert time.monotonic() - added_at < 5.0
        second.page.screenshot(path=str(artifacts / "live-second-page.png"))
        settle(second.page, log)
        assert 2 <= _runs(log) - runs <= 4, "each open page reruns once (twice at worst)"
        assert not first.wrapped.errors and not second.wrapped.errors
    finally:
        first.close()
        second.close()


def test_hidden_tab_does_not_poll(browser, live_app):
    url, _, _ = live_app
    tab = Tab(browser, url)
    try:
        tab.page.wait_for_timeout(3_000)
        assert tab.polls, "the page did not poll the version route"
        tab.page.evaluate("""() => {
            Object.defineProperty(document, 'visibilityState',
                                  {configurable: true, get: () => 'hidden'});
            document.dispatchEvent(new Event('visibilitychange'));
        }""")
        tab.page.wait_for_timeout(300)
        hidden_polls = len(tab.polls)
        tab.page.wait_for_timeout(7_000)
        assert len(tab.polls) == hidden_polls, "a hidden tab kept polling"
        tab.page.evaluate("""() => {
            Object.defineProperty(document, 'visibilityState',
                                  {configurable: true, get: () => 'visible'});
            document.dispatchEvent(new Event('visibilitychange'));
        }""")
        tab.page.wait_for_timeout(1_000)
        assert len(tab.polls) == hidden_polls + 1, "shown again, the tab polls at once"
    finally:
        tab.close()


def test_unreachable_route_backs_off_and_the_page_keeps_working(browser, live_app, artifacts):
    url, _, log = live_app
    tab = Tab(browser, url)
    try:
        refused: list[float] = []

        def refuse(route) -> None:
            refused.append(time.monotonic())
            route.abort("connectionrefused")

        tab.page.route(f"**{VERSION_ROUTE}*", refuse)
        settle(tab.page, log)
        tab.page.wait_for_timeout(12_000)
        # at most every 2.5 s at first, then 5, 10, 20 ... s apart: 2 or 3 in 12 s, not 5
        assert 1 <= len(refused) <= 3, f"{len(refused)} polls in 12 s while unreachable"
        gaps = [b - a for a, b in itertools.pairwise(refused)]
        assert all(later > earlier for earlier, later in itertools.pairwise(gaps))
        assert not tab.wrapped.errors  # no uncaught errors on the page
        # the page still works: a filter change reruns and shows its result
        sidebar = tab.page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_role("button", name="Nederlands").or_(
            sidebar.get_by_role("button", name="English")).first.click()
        tab.page.get_by_text(re.compile(r"Showing \d+ of \d+ initiatives")).wait_for(
            timeout=15_000)
        tab.page.screenshot(path=str(artifacts / "live-route-unreachable.png"))
    finally:
        tab.close()


def test_served_under_a_base_url_path(browser, artifacts, tmp_path):
    """`krimpkaart run -- --server.baseUrlPath kaart`: page, static files and version route
    all under /kaart/, and the page's poll finds the route there."""
    port = _free_port()
    env = {**os.environ, "KRIMPKAART_STORE": str(tmp_path / "s.gpkg"),
           "KRIMPKAART_STRICT_I18N": "1"}
    with open(artifacts / f"app-{port}.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port), "--address",
             "127.0.0.1", "--", "--server.baseUrlPath", "kaart"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=artifacts)
        try:
            url = f"http://127.0.0.1:{port}/kaart"
            _wait_healthy(url, proc)

            def get(path: str) -> tuple[int, bytes]:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}",
                                                timeout=10) as resp:
                        return resp.status, resp.read()
                except urllib.error.HTTPError as err:
                    return err.code, b""

            status, body = get("/kaart/_kk/version")
            assert status == 200 and int(body) >= 1
            assert get("/_kk/version")[0] == 404
            assert get("/kaart/app/static/kk-live.mjs")[0] == 200  # static serving is on

            tab = Tab(browser, url)
            try:
                statuses: list[int] = []
                tab.page.on("response", lambda r: statuses.append(r.status)
                            if r.url.endswith("/kaart" + VERSION_ROUTE) else None)
                tab.page.wait_for_timeout(6_000)
                assert statuses and set(statuses) == {200}, statuses
            finally:
                tab.close()
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
