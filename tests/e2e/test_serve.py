"""``krimpkaart serve --workers 2`` behind HAProxy, in real browsers: the page and its map load
through the proxy; a facilitator's CSV upload lands (the upload reaches the worker that holds
the session: sticky cookie, one cookie secret); an edit made through one worker shows on a page
held by the other within 5 s (live updates across processes through the shared store); the
passcode limit survives a reload onto the other worker; and stopping ``serve`` (SIGTERM,
Ctrl-C, or killing it outright) leaves no process behind.

Skipped with a clear message when haproxy is missing; under CI=true that is a failure."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from dashboard import store
from dashboard.cli import haproxy
from dashboard.workshop import auth
from tests.e2e.conftest import ARTIFACTS, OfflinePage, _free_port, map_frame

PASSCODE = "proxy-test-code"
CSV = ("naam,plaats,breedtegraad,lengtegraad,thema's\n"
       "Proxy-import Ten Boer,Ten Boer,53.27,6.69,zorg\n")


def _haproxy() -> str:
    binary = haproxy.find_haproxy()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("haproxy is not installed; .ci/run should have installed it")
        pytest.skip("haproxy is not installed (apt-get install haproxy): "
                    "krimpkaart serve cannot be tested here")
    return binary


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], list(parents.get(pid, []))
    while todo:
        child = todo.pop()
        out.append(child)
        todo.extend(parents.get(child, []))
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Serve:
    """``krimpkaart serve`` as a subprocess, ready once it says so."""

    def __init__(self, store_path: Path, workers: int, env: dict[str, str] | None = None,
                 address: str = "127.0.0.1"):
        _haproxy()
        self.port = _free_port()
        self.url = f"http://{address}:{self.port}"
        self.log = ARTIFACTS / f"serve-{self.port}.log"
        environ = {**os.environ, "KRIMPKAART_STRICT_I18N": "1", **(env or {})}
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "dashboard.cli", "--lang", "en", "serve",
                 "--workers", str(workers), "--port", str(self.port), "--address", address,
                 "--store", str(store_path)],
                env=environ, stdout=out, stderr=subprocess.STDOUT, cwd=ARTIFACTS)
        deadline = time.monotonic() + 180
        while "Krimpkaart serves" not in self.log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"serve did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.3)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def served(artifacts, tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "initiatieven.gpkg"
    store.open_store(path)
    server = Serve(path, 2, {"KRIMPKAART_PASSCODE": PASSCODE})
    try:
        yield server, path
    finally:
        server.stop()


def open_on(browser, url: str, worker: str, query: str = "?kaart=geen"):
    """A page whose session lives on ``worker`` (HAProxy's cookie picks it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_cookies([{"name": haproxy.COOKIE, "value": worker, "url": url}])
    wrapped = OfflinePage(context)
    response = wrapped.page.goto(url + "/" + query)
    assert response is not None
    assert response.headers[haproxy.WORKER_HEADER.lower()] == worker
    frame = map_frame(wrapped.page)
    frame.locator("path.leaflet-interactive").nth(300).wait_for(state="attached",
                                                                timeout=60_000)
    return context, wrapped


def unlock_form(page):
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Begeleider: bewerken").click()
    sidebar.get_by_label("Je naam (bij je wijzigingen)").fill("Fien")
    return sidebar


def test_page_and_map_load_through_the_proxy(browser, served, artifacts):
    server, _ = served
    context, wrapped = open_on(browser, server.url, "w1")
    try:
        page = wrapped.page
        page.get_by_text("van 38 initiatieven").wait_for(timeout=15_000)
        page.screenshot(path=str(artifacts / "serve-page-w1.png"))
        assert not wrapped.blocked and not wrapped.errors
    finally:
        context.close()


def test_upload_lands_and_the_other_worker_shows_it_within_5_s(browser, served, artifacts):
    server, path = served
    total = len(store.open_store(path).list())
    fac_ctx, fac = open_on(browser, server.url, "w1")
    view_ctx, viewer = open_on(browser, server.url, "w2")
    try:
        uploads: list[tuple[int, str]] = []
        fac.page.on("response", lambda r: uploads.append(
            (r.status, r.headers.get(haproxy.WORKER_HEADER.lower(), "")))
            if "/_stcore/upload_file/" in r.url else None)
        sidebar = unlock_form(fac.page)
        sidebar.get_by_label("Wachtwoord begeleider").fill(PASSCODE)
        sidebar.get_by_role("button", name="Ontgrendelen").click()
        sidebar.get_by_text("Bestand importeren").click()
        sidebar.locator('input[type="file"]').set_input_files(files=[{
            "name": "proxy.csv", "mimeType": "text/csv", "buffer": CSV.encode()}])
        go = sidebar.get_by_role("button", name="Importeer 1 initiatief")
        go.wait_for(timeout=30_000)
        assert uploads and all(status < 300 and worker == "w1"
                               for status, worker in uploads), uploads
        viewer.page.get_by_text(f"van {total} initiatieven").wait_for(timeout=15_000)
        go.click()
        sidebar.get_by_text("1 initiatief geïmporteerd.").wait_for(timeout=30_000)
        saved_at = time.monotonic()
        assert store.open_store(path).get("proxy-import-ten-boer") is not None
        viewer.page.get_by_text(f"van {total + 1} initiatieven").wait_for(timeout=5_000)
        assert time.monotonic() - saved_at < 5.0
        fac.page.screenshot(path=str(artifacts / "serve-import-w1.png"))
        viewer.page.screenshot(path=str(artifacts / "serve-viewer-w2.png"))
        assert not fac.errors and not viewer.errors
    finally:
        fac_ctx.close()
        view_ctx.close()


PASSWORD_FIELDS_WATCH = """() => {
    const count = () => document.querySelectorAll(
        '[data-testid="stSidebar"] input[type="password"]').length;
    window.kkMostPasswordFields = count();
    new MutationObserver(() => {
        window.kkMostPasswordFields = Math.max(window.kkMostPasswordFields, count());
    }).observe(document.body, {childList: true, subtree: true});
}"""


def failures_of(path: Path, client: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM krimpkaart_passcode_attempts "
                            "WHERE client = ? AND NOT ok", (client,)).fetchone()[0]


def test_passcode_limit_survives_a_reload_onto_the_other_worker(browser, served, artifacts):
    server, path = served
    context, wrapped = open_on(browser, server.url, "w1")
    try:
        page = wrapped.page
        sidebar = unlock_form(page)
        page.wait_for_function(
            f"() => document.cookie.includes('{auth.CLIENT_COOKIE}=')", timeout=15_000)
        token = next(c["value"] for c in context.cookies()
                     if c["name"] == auth.CLIENT_COOKIE)
        client = auth.client_key(token, None)  # through a local proxy: no address
        page.evaluate(PASSWORD_FIELDS_WATCH)
        for n in range(1, 6):
            sidebar.get_by_label("Wachtwoord begeleider").fill(f"fout-{n}")
            sidebar.get_by_role("button", name="Ontgrendelen").click()
            deadline = time.monotonic() + 15
            while failures_of(path, client) < n:  # counted under the cookie's token
                assert time.monotonic() < deadline, f"attempt {n} was not counted"
                page.wait_for_timeout(100)
        # The form keeps its place across the reruns: never an old and a new field at once.
        assert page.evaluate("() => window.kkMostPasswordFields") == 1
        # Five failures are free; make the wait after them long enough to outlast a reload
        # (the delay doubles: 2 s after the fifth, 32 s after the ninth).
        db = store.open_store(path)
        for _ in range(4):
            db.record_passcode_attempt(client, time.time(), False, forget_before=0)

        context.add_cookies([{"name": haproxy.COOKIE, "value": "w2", "url": server.url}])
        response = page.reload()
        assert response is not None and response.headers[
            haproxy.WORKER_HEADER.lower()] == "w2"
        sidebar = unlock_form(page)
        sidebar.get_by_label("Wachtwoord begeleider").fill(PASSCODE)
        sidebar.get_by_role("button", name="Ontgrendelen").click()
        sidebar.get_by_text("Te veel pogingen").wait_for(timeout=15_000)
        page.screenshot(path=str(artifacts / "serve-passcode-limit-w2.png"))
        assert not sidebar.get_by_role("button", name="Initiatief toevoegen").count()
    finally:
        context.close()


def test_sigterm_stops_haproxy_and_every_worker(served):
    server, _ = served
    kids = children(server.proc.pid)
    assert len(kids) >= 3, kids  # HAProxy and two workers
    server.stop(signal.SIGTERM)
    assert server.proc.returncode == 0
    time.sleep(0.5)
    assert not [pid for pid in kids if alive(pid)], "children outlived serve"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_no_orphans_after_ctrl_c_or_kill(artifacts, tmp_path, sig):
    path = tmp_path / "s.gpkg"
    store.open_store(path)
    server = Serve(path, 1)
    kids = children(server.proc.pid)
    assert len(kids) >= 2, kids
    server.proc.send_signal(sig)
    server.proc.wait(30)
    deadline = time.monotonic() + 15  # a killed parent: the children get SIGTERM and stop
    while [pid for pid in kids if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in kids if alive(pid)], "children outlived serve"


def test_a_suggestion_counts_the_visitors_address_not_the_proxys(browser, tmp_path):
    """The per-address ceiling behind HAProxy: the worker sees the visitor's address (from
    X-Forwarded-For, trusted from the proxy only), not the proxy's ("local"). Served on a LAN
    address so the visitor is not loopback. The browser also sends a made-up X-Forwarded-For:
    HAProxy drops it (and uvicorn would take the rightmost untrusted address anyway)."""
    from dashboard.cli.serve import lan_addresses
    from dashboard.store.rooms import SUGGESTIONS, rooms_of
    from tests.e2e.test_room import fill_suggestion, send

    lan = next(iter(lan_addresses()), None)
    if lan is None:
        pytest.skip("this machine has no non-loopback IPv4 address to serve on")
    path = tmp_path / "initiatieven.gpkg"
    rooms_of(store.open_store(path)).open_workshop("ACDEF", "Anna")
    server = Serve(path, 1, address=lan)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True,
                                  extra_http_headers={"X-Forwarded-For": "203.0.113.9"})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/?workshop=ACDEF")
        fill_suggestion(page, "Adres-test Beerta")
        send(page)
        page.get_by_text("Verstuurd —").wait_for(timeout=30_000)
    finally:
        context.close()
        server.stop()
    with closing(sqlite3.connect(path)) as conn:
        addresses = [r[0] for r in conn.execute(f"SELECT address FROM {SUGGESTIONS}")]
    assert addresses == [lan]  # not "local" (the proxy, 127.0.0.1), not the made-up one
