"""Browser part of the map benchmark: a Streamlit server and headless Chromium.

The page under test gets an init script that polls the streamlit-folium iframe
every 25 ms and logs, with ``performance.now()`` (ms since navigation start),
each change in the number of municipality paths and of initiative markers
(``.kk-pin`` / ``.marker-cluster``, or the naive page's ``path.naive-pin``).
A capture-phase ``pointerdown`` listener stamps every click. All timings are
read from that log, so Playwright's round trips do not count. Outside requests
(map tiles) fail in Chromium's host resolver (``BLOCK_OUTSIDE``) and are counted.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Every host name but localhost fails to resolve, so nothing leaves the machine. This
# blocks outside requests (map tiles) without routing every request through
# Playwright, which added a round trip per file to each page load.
BLOCK_OUTSIDE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 BLOCK_OUTSIDE]
LOCAL_PREFIXES = ("http://localhost", "http://127.0.0.1", "ws://localhost", "ws://127.0.0.1",
                  "data:", "blob:", "about:")
IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
MUNICIPALITIES = 342
QUIET_S = 1.5  # the run log is "quiet" after this long without a new line
STABLE_MS = 300  # the markers have "settled" after this long without a change

POLLER = """
(() => {
  if (window !== window.top) return;
  const kk = {log: [], click: null, first: null, iframe: null, leaflet: null};
  window.__kk = kk;
  let last = null;
  function tick() {
    const f = document.querySelector('__IFRAME__');
    let d = null;
    try { d = f && f.contentDocument; } catch (e) { d = null; }
    let paths = 0, pins = 0;
    if (f && kk.iframe === null) kk.iframe = performance.now();
    if (d && kk.leaflet === null && d.querySelector('.leaflet-container')) {
      kk.leaflet = performance.now();
    }
    if (d) {
      paths = d.querySelectorAll('path.leaflet-interactive:not(.naive-pin)').length;
      pins = d.querySelectorAll('.kk-pin, .marker-cluster, path.naive-pin').length;
    }
    const key = paths + ',' + pins;
    const now = performance.now();
    if (key !== last) { kk.log.push([now, paths, pins]); last = key; }
    if (kk.first === null && paths >= __MIN_PATHS__ && pins > 0) kk.first = now;
  }
  setInterval(tick, 25);
  document.addEventListener('pointerdown', () => { kk.click = performance.now(); }, true);
})();
""".replace("__IFRAME__", IFRAME).replace("__MIN_PATHS__", str(MUNICIPALITIES))


class BenchError(RuntimeError):
    """A step of the benchmark failed; the message says which and why."""


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A Streamlit server in its own process group, so stopping it stops its children too."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], port: int, cwd: Path,
                 log_path: Path) -> None:
        self.name, self.cmd, self.env, self.port, self.cwd = name, cmd, env, port, cwd
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{port}"
        self.healthy_after_s: float | None = None  # process start -> health check answers

    def ready_report(self, timeout: float) -> dict | None:
        """The server's warm-up report (``/_kk/ready``) once it is ready; None for a page
        without that route (an older checkout, the naive page)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_kk/ready", timeout=5) as resp:
                    return json.loads(resp.read())
            except urllib.error.HTTPError as err:
                if err.code == 404:
                    return None
            except OSError:
                pass
            time.sleep(0.2)
        return None

    def __enter__(self) -> Server:
        log = open(self.log_path, "w")
        self._log = log
        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=self.cwd, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_healthy(60)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_healthy(self, timeout: float) -> None:
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} server exited with code {self.proc.returncode}; "
                                 f"see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        self.healthy_after_s = time.monotonic() - started
                        return
            except OSError:
                time.sleep(0.3)
        raise BenchError(f"{self.name} server not healthy after {timeout:.0f} s; "
                         f"see {self.log_path}")

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        else:  # the leader is gone; make sure no child of its group lingers
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        self._log.close()
        self.proc = None


# --------------------------------------------------------------------------- browser


@dataclass
class BrowserResult:
    first_map_s: list[float] = field(default_factory=list)
    first_map_cold_s: list[float] = field(default_factory=list)
    first_settled_s: list[float] = field(default_factory=list)
    runs_on_load: list[int] = field(default_factory=list)
    change_s: list[float] = field(default_factory=list)
    change_final_s: list[float] = field(default_factory=list)
    runs_per_change: list[int] = field(default_factory=list)
    pins: list[int] = field(default_factory=list)
    load_timeline: list[dict] = field(default_factory=list)
    ws_kb_load: list[float] = field(default_factory=list)
    ws_kb_change: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: int = 0

    def summary(self) -> dict:
        def med(values: list, digits: int = 2):
            return round(statistics.median(values), digits) if values else None

        return {
            # warm: the browser has the page's files cached (a returning visitor);
            # cold: the first load of a fresh browser context, right after server start
            "first_map_s": med(self.first_map_s),
            "first_map_cold_s": med(self.first_map_cold_s),
            "first_map_settled_s": med(self.first_settled_s),
            "runs_on_load": med(self.runs_on_load, 1),
            "change_settled_s": med(self.change_s),
            "change_final_s": med(self.change_final_s),
            "runs_per_change": med(self.runs_per_change, 1),
            "ws_kb_load": med(self.ws_kb_load, 1),
            "ws_kb_change": med(self.ws_kb_change, 1),
            "raw": {
                "first_map_s": self.first_map_s, "first_map_cold_s": self.first_map_cold_s,
                "first_map_settled_s": self.first_settled_s,
                "runs_on_load": self.runs_on_load, "change_settled_s": self.change_s,
                "change_final_s": self.change_final_s, "runs_per_change": self.runs_per_change,
                "pins_after_each_step": self.pins, "ws_kb_load": self.ws_kb_load,
                "ws_kb_change": self.ws_kb_change,
            },
            "load_timeline_s": self.load_timeline,
            "blocked_requests": self.blocked,
            "page_errors": self.page_errors[:5],
            "retried": self.retried,
            "errors": self.errors,
        }


def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise BenchError(f"{CHROMIUM} not found (apt-get install chromium); use --no-browser")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _stamps(path: Path) -> list[float]:
    try:
        return [float(x) for x in path.read_text(encoding="utf-8").split()]
    except FileNotFoundError:
        return []


def _line_count(path: Path) -> int:
    try:
        with open(path, encoding="utf-8") as handle:
            return sum(1 for _ in handle)
    except FileNotFoundError:
        return 0


class Session:
    """A browser context on the page under test, network blocked; one page at a time.

    The first page of a context loads with a cold HTTP cache; ``open_page`` opens a
    new page (a new Streamlit session) in the same context, with a warm cache.
    """

    def __init__(self, browser, url: str, run_log: Path, result: BrowserResult) -> None:
        self.run_log, self.result, self.url = run_log, result, url
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.context.add_init_script(POLLER)
        self.page = None
        self.generation = 0
        self.pages_opened = 0
        self.open_page()

    def open_page(self) -> None:
        if self.page is not None:
            with contextlib.suppress(Exception):
                self.page.close()
        self.generation += 1
        self.pages_opened += 1
        self.running: bool | None = None  # a script run in progress (Streamlit's messages)
        self.ws_bytes = 0  # bytes the server sent over the websocket
        self.ws_closed = False
        self.finished: list[float] = []  # epoch s when a script run finished (±0.1 s)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.result.page_errors.append(str(exc)[:200]))
        self.page.on("requestfailed", self._on_failed)
        gen = self.generation
        self.page.on("websocket", lambda ws: self._on_websocket(ws, gen))

    def _on_websocket(self, ws, gen: int) -> None:
        ws.on("framereceived", lambda payload: self._on_frame(payload, gen))
        ws.on("close", lambda _ws: self._on_close(gen))

    def _on_close(self, gen: int) -> None:
        if gen == self.generation:
            self.ws_closed = True

    def check_connected(self) -> None:
        if self.ws_closed:
            raise BenchError("the websocket to the server closed (the page shows "
                             "'Connection error'); the server or the machine was too busy?")

    def _on_frame(self, payload, gen: int) -> None:
        if gen != self.generation:
            return
        if isinstance(payload, str):
            payload = payload.encode()
        self.ws_bytes += len(payload)
        try:
            from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

            msg = ForwardMsg.FromString(payload)
        except Exception:
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.running = True
        elif kind == "script_finished":
            self.running = False
            self.finished.append(time.time())
        elif kind == "session_status_changed":
            self.running = msg.session_status_changed.script_is_running

    def _on_failed(self, request) -> None:
        if not request.url.startswith(LOCAL_PREFIXES):
            self.result.blocked += 1

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()

    def state(self) -> dict:
        self.check_connected()
        return self.page.evaluate(
            "() => window.__kk ? {log: __kk.log, click: __kk.click, first: __kk.first,"
            " iframe: __kk.iframe, leaflet: __kk.leaflet, now: performance.now()} : null")

    def wait_first_map(self, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if state and state["first"] is not None:
                return state["first"]
            self.page.wait_for_timeout(100)
        state = self.state() or {"log": []}
        last = state["log"][-1] if state["log"] else None
        raise BenchError(f"no map with {MUNICIPALITIES} municipality paths and markers after "
                         f"{timeout:.0f} s (last seen [ms, paths, pins]: {last})")

    def wait_quiet(self, timeout: float) -> dict:
        """Until no script runs and the run log and the markers have been still for QUIET_S."""
        deadline = time.monotonic() + timeout
        lines, since = _line_count(self.run_log), time.monotonic()
        log_len = -1
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
            state = self.state()
            now_lines = _line_count(self.run_log)
            if now_lines != lines or len(state["log"]) != log_len or self.running:
                lines, log_len, since = now_lines, len(state["log"]), time.monotonic()
            elif time.monotonic() - since >= QUIET_S:
                return state
        raise BenchError(f"page did not become quiet within {timeout:.0f} s "
                         f"(script runs or markers kept changing)")

    def load(self, timeout: float) -> dict:
        """Timings (s since navigation start) and script runs for one page load."""
        before = _line_count(self.run_log)
        self.page.goto(self.url + "/", wait_until="commit", timeout=timeout * 1000)
        first = self.wait_first_map(timeout)
        state = self.wait_quiet(timeout)
        origin = self.page.evaluate("performance.timeOrigin")
        stamps = _stamps(self.run_log)[before:]
        return {
            "cache": "cold" if self.pages_opened == 1 else "warm",
            "ws_kb": self.ws_bytes / 1024,
            "first_map": first / 1000,
            "settled": _last_pin_change(state["log"]) / 1000,
            "runs": len(stamps),
            "script_start": (stamps[0] * 1000 - origin) / 1000 if stamps else None,
            "script_end": (self.finished[0] * 1000 - origin) / 1000 if self.finished else None,
            "iframe": state["iframe"] / 1000 if state["iframe"] is not None else None,
            "leaflet": state["leaflet"] / 1000 if state["leaflet"] is not None else None,
        }

    # -- the Thema multiselect ------------------------------------------------------------

    def theme_select(self):
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        label = re.compile(r"^\s*(Thema|Theme)\s*$")
        box = sidebar.locator('[data-testid="stMultiSelect"]').filter(
            has=self.page.locator('[data-testid="stWidgetLabel"]').filter(has_text=label))
        if box.count() != 1:
            raise BenchError(f"found {box.count()} sidebar multiselects labelled 'Thema' "
                             "(has the page changed? re-read dashboard/app.py)")
        return box

    def pick(self, option: str, timeout: float) -> None:
        box = self.theme_select()
        box.get_by_role("combobox").click(timeout=timeout * 1000)
        choice = self.page.get_by_role("option").filter(
            has_text=re.compile(rf"^\s*{re.escape(option)}\b"))
        choice.first.click(timeout=timeout * 1000)

    def clear(self, timeout: float) -> None:
        """Remove the chosen themes with the first tag's remove button."""
        remove = self.theme_select().locator('button[aria-label^="Remove"]')
        if remove.count() == 0:
            raise BenchError("no chosen theme to remove (no 'Remove ...' button in the tags)")
        remove.first.click(timeout=timeout * 1000)

    def close_dropdown(self) -> None:
        self.page.keyboard.press("Escape")

    def change(self, action, timeout: float) -> tuple[float, float, int, int, float]:
        """(settled s, final s, script runs, pins, websocket KB) for one filter change."""
        self.close_dropdown()  # the previous step ended quiet; Escape does not rerun
        self.page.wait_for_timeout(200)
        base = self.state()
        pins_before = base["log"][-1][2] if base["log"] else 0
        start_entries = len(base["log"])
        before = _line_count(self.run_log)
        ws_before = self.ws_bytes
        action()
        click = self._click_time(base)
        settled = self._wait_settled(click, pins_before, start_entries, timeout)
        state = self.wait_quiet(timeout)
        final = _last_pin_change(state["log"])
        runs = _line_count(self.run_log) - before
        pins = state["log"][-1][2] if state["log"] else 0
        ws_kb = (self.ws_bytes - ws_before) / 1024
        return (settled - click) / 1000, (final - click) / 1000, runs, pins, ws_kb

    def _click_time(self, base: dict) -> float:
        state = self.state()
        if state["click"] is None or (base["click"] is not None
                                      and state["click"] <= base["click"]):
            raise BenchError("the click was not seen by the page")
        return state["click"]

    def _wait_settled(self, click: float, pins_before: int, start: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            state = self.state()
            changes = [e for e in state["log"][start:] if e[0] >= click]
            pin_changes = _pin_changes(changes, pins_before)
            # A remounted map (the naive page) shows no markers for a while: not settled.
            drawn = bool(state["log"]) and state["log"][-1][2] > 0 and (
                state["log"][-1][1] >= MUNICIPALITIES)
            if pin_changes and drawn and state["now"] - pin_changes[-1][0] >= STABLE_MS:
                return pin_changes[-1][0]
        raise BenchError(f"the markers did not change within {timeout:.0f} s of the click")


def _pin_changes(entries: list, pins_before: int) -> list:
    out, last = [], pins_before
    for entry in entries:
        if entry[2] != last:
            out.append(entry)
            last = entry[2]
    return out


def _last_pin_change(log: list) -> float:
    return _pin_changes(log, 0)[-1][0] if _pin_changes(log, 0) else float("nan")


def measure(browser, url: str, run_log: Path, loads: int, changes: int,
            timeout: float, retries: int = 2) -> BrowserResult:
    """``loads`` page loads (the first with a cold HTTP cache), then ``changes`` theme toggles.

    A step that fails (say the websocket drops on a loaded machine) is noted under
    ``retried`` and, up to ``retries`` times, repeated on a freshly loaded page.
    """
    result = BrowserResult()
    session: Session | None = None
    chosen = False  # is Wonen chosen on the current page

    def new_load(fresh: bool = False) -> None:
        nonlocal session, chosen
        if session is None or fresh:
            if session is not None:
                session.close()
            session = Session(browser, url, run_log, result)  # cold HTTP cache
        else:
            session.open_page()  # new Streamlit session, warm HTTP cache
        chosen = False
        load = session.load(timeout)
        (result.first_map_s if load["cache"] == "warm" else result.first_map_cold_s).append(
            round(load["first_map"], 3))
        result.first_settled_s.append(round(load["settled"], 3))
        result.runs_on_load.append(load["runs"])
        result.ws_kb_load.append(round(load["ws_kb"], 1))
        result.load_timeline.append({k: round(v, 3) if isinstance(v, float) else v
                                     for k, v in load.items()})

    def one_change() -> None:
        nonlocal chosen
        if chosen:
            action = lambda: session.clear(timeout)  # noqa: E731
        else:
            action = lambda: session.pick("Wonen", timeout)  # noqa: E731
        settled, final, runs, pins, ws_kb = session.change(action, timeout)
        chosen = not chosen
        result.ws_kb_change.append(round(ws_kb, 1))
        result.change_s.append(round(settled, 3))
        result.change_final_s.append(round(final, 3))
        result.runs_per_change.append(runs)
        result.pins.append(pins)

    def note(exc: Exception, step: str) -> None:
        text = str(exc) if isinstance(exc, BenchError) else (
            f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        if session is not None:
            with contextlib.suppress(Exception):
                shot = run_log.with_name(f"{run_log.stem}-{len(result.retried)}.png")
                session.page.screenshot(path=str(shot))
                text += f" (screenshot {shot})"
        result.retried.append(f"{step}: {text}")

    steps = [("load", new_load)] * loads + [("change", one_change)] * changes
    try:
        done = 0
        while done < len(steps):
            name, step = steps[done]
            try:
                step()
                done += 1
            except Exception as exc:
                note(exc, f"{name} {done + 1}")
                if len(result.retried) > retries:
                    result.errors.append(f"gave up after {retries} retries; last: "
                                         f"{result.retried[-1]}")
                    break
                if name == "change":  # go on from a fresh context
                    new_load(fresh=True)
                elif session is not None:  # load again in a fresh context
                    session.close()
                    session = None
    except Exception as exc:  # the retry itself failed
        note(exc, "reload after a failure")
        result.errors.append(result.retried[-1])
    finally:
        if session is not None:
            session.close()
    return result
