"""End-to-end fixtures: the real app on a free port, and Debian's headless Chromium.

Every request that leaves the machine is blocked, so the tests also prove the
map works on a closed network. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL_PREFIXES = ("http://localhost", "http://127.0.0.1", "ws://localhost", "ws://127.0.0.1",
                  "data:", "blob:", "about:")



def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("app did not become healthy in time")


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float = 120) -> dict:
    """Until the server's readiness route says its warm-up run is done; its report."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_kk/ready", timeout=5) as resp:
                return json.loads(resp.read())
        except OSError:  # 503 (HTTPError) while warming
            time.sleep(0.1)
    raise RuntimeError("app did not become ready in time")


def start_app(store: Path, extra_env: dict[str, str] | None = None,
              wait_ready: bool = True) -> tuple[str, subprocess.Popen]:
    """Start ``krimpkaart run`` on a free port with its own store; return (url, process)
    once it answers (and, with ``wait_ready``, once its warm-up is done)."""
    port = _free_port()
    env = {**os.environ, "KRIMPKAART_STORE": str(store), "KRIMPKAART_STRICT_I18N": "1",
           **(extra_env or {})}
    log = open(ARTIFACTS / f"app-{port}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port),
         "--address", "127.0.0.1"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ARTIFACTS,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        if wait_ready:  # the warm-up run is done: it adds no run while a test counts
            _wait_ready(url, proc)
    except Exception:
        proc.kill()
        raise
    return url, proc


@contextmanager
def running_app(store: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """The app on a free port for the duration of the block; stopped afterwards."""
    url, proc = start_app(store, extra_env)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_url(artifacts, tmp_path_factory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("e2e-store") / "initiatieven.gpkg") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run should have installed it")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


class OfflinePage:
    """A page whose outside requests are blocked and recorded."""

    def __init__(self, context):
        self.context = context
        self.blocked: list[str] = []
        self.errors: list[str] = []
        context.route("**/*", self._route)
        self.page = context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture
def offline_page(browser) -> Iterator[OfflinePage]:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    yield OfflinePage(context)
    context.close()


def map_frame(page):
    """The streamlit-folium iframe that holds the Leaflet map."""
    return page.frame_locator('iframe[title="streamlit_folium.st_folium"]').last
