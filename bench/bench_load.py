"""Krimpkaart load benchmark: many sessions over Streamlit's websocket protocol, no browser.

    .venv/bin/python bench/bench_load.py --start --profile burst --sessions 10,30,50
    .venv/bin/python bench/bench_load.py --start --profile workshop --duration 120
    .venv/bin/python bench/bench_load.py --start --profile idle --sessions 50 --duration 30
    .venv/bin/python bench/bench_load.py --url http://127.0.0.1:8080/ --store S --profile workshop

Each session is one simulated browser tab (stclient.py speaks the protocol as Streamlit's
frontend does: cookies, XSRF subprotocol, message cache, fragment auto-reruns, widget
states). A session's *first run* is connect -> the first full script run finished. A
*change* sets the sidebar's Thema multiselect (user key ``f_thema``) the way the frontend
does (its formatted option labels, e.g. ``["Zorg (2)"]``) and lasts until a full run
finished that shows the new state: the multiselect echoes exactly the chosen themes and
the result line ("**2** van 38 ...") counts what the chosen theme's label says (or all
initiatives without a filter). A run that shows anything else is an error, and a change
that never shows up is a timeout: neither counts as a change.

Profiles:

* ``burst``: N sessions connect within ``--ramp`` s (1) and each makes ``--changes`` (5)
  changes back to back; all stay connected until the last is done.
* ``workshop``: N sessions for ``--duration`` s, each changing the theme every 3-8 s
  (seeded), while a facilitator adds an initiative every ``--add-every`` s through the
  store API (not the UI); every session must show each addition within ``--see-within`` s.
  ``--live push`` (the page before the version route: a server-side fragment reruns the
  app when the store version changes; the sessions only watch the deltas) or ``--live
  poll`` (the page's static/kk-live.mjs, emulated: every session polls ``--version-url``,
  default the app's ``_kk/version``, every 2.5 s +-10 % and asks for a rerun when the
  answer differs from the version its page was drawn from). With ``--live poll`` the
  sessions of every profile poll, as open browser tabs do.
* ``idle``: N sessions connected and left alone for ``--duration`` s.

Server CPU is user+sys time of the server's process tree (/proc) per second of wall
time (1.0 = one core busy), RSS its memory; the bench process's own CPU is shown beside
it, since both share the machine. The table goes to stdout and, with per-session details,
to ``--out`` (bench/results/load.json).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import platform
import random
import re
import shlex
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import browser  # noqa: E402 - after the path set-up, like the modules it imports
import stclient  # noqa: E402
from bench_map import cpu_times, log, steal_pct  # noqa: E402

RESULTS = BENCH / "results" / "load.json"
CLEANUP: list = []  # what to stop at the end (a throwaway PostgreSQL server)
THEME_KEY = "f_thema"
VERSION_PATH = "_kk/version"  # dashboard/workshop/live.py (--live poll)
PROFILES = ("burst", "workshop", "idle")
DEFAULTS = {  # profile -> (sessions, duration s, ramp s)
    "burst": ("10,30,50", 0, 1.0),
    "workshop": ("30", 120, 10.0),
    "idle": ("50", 30, 1.0),
}
TARGETS = {
    "burst": "50 sessions: 0 errors, change p95 < 2 s",
    "workshop": "0 errors, change p95 < 0.5 s, every session sees every addition within 5 s",
    "idle": "50 sessions: < 0.1 core in total",
}
# "**3** van 38 initiatieven" (nl) / "Showing **3** of 38 initiatives" (en)
NUMBER = r"([\d.,\s\u00a0\u202f]+)"  # 10.000 (nl), 10,000 (en)
RESULT_LINE = re.compile(rf"\*\*{NUMBER}\*\*\s+(?:van|of)\s+{NUMBER}\s")
OPTION_LABEL = re.compile(rf"^(.*?)\s*\({NUMBER}\)\s*$")  # "Wonen (3)"
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


# --------------------------------------------------------------------------- server CPU


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, user+sys clock ticks) of one process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return int(fields[1]), int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _proc_stat(int(entry))):
            parents.setdefault(stat[0], []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def tree_usage(roots: list[int]) -> tuple[float, int]:
    """(CPU seconds, RSS bytes) of process trees (several servers behind a proxy)."""
    ticks, rss = 0, 0
    for pid in {p for root in roots for p in process_tree(root)}:
        stat = _proc_stat(pid)
        if stat:
            ticks += stat[1]
        with contextlib.suppress(OSError, IndexError, ValueError), \
                open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            rss += int(handle.read().split()[1]) * PAGE
    return ticks / TICK, rss


def listener_pid(port: int) -> int | None:
    """The process listening on a local TCP port (the server, or the proxy in front)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table, encoding="ascii") as handle:
            for line in list(handle)[1:]:
                parts = line.split()
                if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{parts[9]}]")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{entry}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{entry}/fd/{fd}") in inodes:
                        return int(entry)
    return None


def tree_schedstat(roots: list[int]) -> dict[int, tuple[int, int]]:
    """Per thread of the server trees: (ns on a CPU, ns runnable but waiting for one), from
    /proc/<pid>/task/<tid>/schedstat. Waiting is the time the machine's other work took."""
    out: dict[int, tuple[int, int]] = {}
    for pid in {p for root in roots for p in process_tree(root)}:
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError, ValueError, IndexError), \
                        open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as handle:
                    run, wait = handle.read().split()[:2]
                    out[int(tid)] = (int(run), int(wait))
    return out


class Meter:
    """Samples the server tree's CPU and RSS every 0.5 s in a thread (the loop may be busy),
    and how long its threads waited for a CPU (a thread that ends between two samples loses
    at most its last 0.5 s, so the wait is a lower bound)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak = 0
        self.last = 0
        self.series: list[tuple[float, int]] = []  # (seconds since start, RSS) every 10 s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sched0: dict[int, tuple[int, int]] = {}
        self._sched: dict[int, tuple[int, int]] = {}

    def __enter__(self) -> Meter:
        self.t0 = time.monotonic()
        self.client0 = _own_cpu()
        if self.pids:
            self.cpu0, self.last = tree_usage(self.pids)
            self._sched0 = tree_schedstat(self.pids)
            self.peak = self.last
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self._sched.update(tree_schedstat(self.pids))
            _, rss = tree_usage(self.pids)
            self.last, self.peak = rss, max(self.peak, rss)
            at = time.monotonic() - self.t0
            if not self.series or at - self.series[-1][0] >= 10:
                self.series.append((round(at, 1), rss))

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self.wall = time.monotonic() - self.t0
        self.client = _own_cpu() - self.client0
        self.cpu = None
        if self.pids:
            cpu1, self.last = tree_usage(self.pids)
            self._sched.update(tree_schedstat(self.pids))
            self.cpu = cpu1 - self.cpu0
            self.peak = max(self.peak, self.last)

    def summary(self) -> dict:
        mb = 1024 * 1024
        return {
            "wall_s": round(self.wall, 1),
            "server_cpu_s": None if self.cpu is None else round(self.cpu, 1),
            "server_cores": None if self.cpu is None else round(self.cpu / self.wall, 3),
            "server_peak_rss_mb": round(self.peak / mb) if self.pids else None,
            "server_final_rss_mb": round(self.last / mb) if self.pids else None,
            "client_cpu_s": round(self.client, 1),
            "client_cores": round(self.client / self.wall, 3),
            "rss_series_mb": [(at, round(rss / mb, 1)) for at, rss in self.series],
            "server_cpu_wait_s": round(self.cpu_wait(), 1) if self.pids else None,
        }

    def cpu_wait(self) -> float:
        """Seconds the server's threads were runnable but had no CPU (all threads summed)."""
        ns = sum(wait - self._sched0.get(tid, (0, 0))[1]
                 for tid, (_, wait) in self._sched.items())
        return ns / 1e9


def rss_growth(series: list, after_s: float = 120.0) -> tuple[float, float, float] | None:
    """(RSS at ``after_s``, RSS at the end, growth in %) of a Meter's RSS series, in MB."""
    later = [(at, mb) for at, mb in series if at >= after_s]
    if len(later) < 2:
        return None
    first, last = later[0][1], later[-1][1]
    return first, last, 100 * (last - first) / first


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


# --------------------------------------------------------------------------- the page


@dataclass
class View:
    """What a full run showed: the result line and the Thema multiselect."""

    shown: int
    total: int
    chosen: tuple[str, ...]  # theme labels without their counts
    labels: dict[str, str]  # theme label without count -> the formatted option
    counts: dict[str, int]  # theme label without count -> count in its option

    def expected_shown(self) -> int:
        """What the result line must count: the one chosen theme's count, or all."""
        if not self.chosen:
            return self.total
        if len(self.chosen) == 1:
            return self.counts[self.chosen[0]]
        return self.shown  # several themes: no cheap check beyond the echo


def _base(label: str) -> tuple[str, int | None]:
    match = OPTION_LABEL.match(label)
    return (match.group(1), _int(match.group(2))) if match else (label, None)


def view_of(run: stclient.Run) -> View:
    """The run's View; ValueError when it lacks the result line or the multiselect."""
    widget = run.widgets.get(THEME_KEY)
    line = next((m for _, body in run.texts if (m := RESULT_LINE.search(body))), None)
    if widget is None or line is None:
        raise ValueError("the run drew no result line or no Thema multiselect")
    labels, counts = {}, {}
    for option in widget.options:
        name, count = _base(option)
        labels[name], counts[name] = option, count if count is not None else -1
    values = widget.raw_values if widget.set_value else [widget.options[i] for i in widget.default]
    chosen = tuple(_base(v)[0] for v in values)
    view = View(_int(line.group(1)), _int(line.group(2)), chosen, labels, counts)
    if view.shown != view.expected_shown():
        raise ValueError(f"result line shows {view.shown}, the filter {list(view.chosen)} "
                         f"should show {view.expected_shown()}")
    return view


# --------------------------------------------------------------------------- one tab


@dataclass
class Tab:
    """One simulated user: a session, its timings and what went wrong."""

    index: int
    client: stclient.StreamlitClient
    rng: random.Random
    timeout: float
    view: View | None = None
    next_run: int = 0
    connect_at: float | None = None
    ready_at: float | None = None
    first_run_s: float | None = None
    change_s: list[float] = field(default_factory=list)
    change_sent: list[float] = field(default_factory=list)  # monotonic send time per change_s
    errors: list[str] = field(default_factory=list)
    timeouts: int = 0
    attempts: int = 0  # changes tried
    stale_runs: int = 0  # full runs that still showed the old state after a change
    skipped: int = 0  # changes not tried after this session failed
    order: list[str] = field(default_factory=list)
    poll_errors: int = 0
    polls: int = 0  # version URL answers (--live poll)
    live_reruns: int = 0  # reruns the poll asked for
    poll_url: str | None = None  # --live poll: the page's version URL
    poll_interval: float = 2.5
    poll_task: asyncio.Task | None = None

    @property
    def alive(self) -> bool:
        return self.view is not None and self.client.closed is None

    def fail(self, what: str, exc: BaseException) -> None:
        if isinstance(exc, TimeoutError):
            self.timeouts += 1
            self.errors.append(f"{what}: timeout after {self.timeout:.0f} s")
        else:
            self.errors.append(f"{what}: {type(exc).__name__}: {exc}"[:300])

    async def start(self) -> None:
        self.connect_at = time.monotonic()
        deadline = self.connect_at + self.timeout
        try:
            await asyncio.wait_for(self.client.open(), self.timeout)
            self.next_run, run = await self.client.wait_run(0, deadline)
            if not run.ok:
                raise ValueError(f"first run ended with status {run.status}")
            self.view = view_of(run)
            self.ready_at = run.finished
            self.first_run_s = run.finished - self.connect_at
        except Exception as exc:
            self.fail("first run", exc)
        if self.poll_url and self.client.closed is None:  # the page's poll starts once drawn
            self.poll_task = asyncio.ensure_future(
                poller(self, self.poll_url, self.poll_interval))

    def _catch_up(self) -> None:
        """Take the page as the last full run left it (a live update may have rerun it).

        Runs that finished before the change is sent cannot show it, so they are skipped;
        the option labels carry counts that an addition changes, and the frontend sends
        the labels it currently shows.
        """
        runs = self.client.runs
        for run in reversed(runs[self.next_run:]):
            if run.full and run.ok:
                with contextlib.suppress(ValueError):
                    self.view = view_of(run)
                break
        self.next_run = len(runs)

    def _target(self) -> tuple[str, ...]:
        """No filter after a filter; else the next theme of a seeded shuffle of all themes."""
        assert self.view is not None
        if self.view.chosen:
            return ()
        if not self.order:
            self.order = sorted(self.view.labels)
            self.rng.shuffle(self.order)
        return (self.order.pop(),)

    async def change(self) -> None:
        if not self.alive:
            self.skipped += 1
            return
        self._catch_up()
        assert self.view is not None
        old, target = self.view, self._target()
        self.attempts += 1
        try:
            self.client.set_widget(THEME_KEY, "string_array_value",
                                   [old.labels[name] for name in target])
            sent = time.monotonic()
            await self.client.rerun()
            deadline = sent + self.timeout
            while True:
                self.next_run, run = await self.client.wait_run(self.next_run, deadline)
                if not run.ok:
                    raise ValueError(f"run ended with status {run.status}")
                view = view_of(run)
                if view.chosen == target:
                    break
                if view.chosen != old.chosen:
                    raise ValueError(f"asked for {list(target)}, the page shows "
                                     f"{list(view.chosen)}")
                self.stale_runs += 1  # a run that began before ours: wait for ours
            self.change_s.append(run.finished - sent)
            self.change_sent.append(sent)
            self.view = view
        except Exception as exc:
            self.fail(f"change to {list(target) or 'no filter'}", exc)
            self.view = None  # the page state is unknown now: no further changes

    def totals_seen(self) -> list[tuple[float, int]]:
        """(arrival, total) of every result line this session received."""
        runs = [*self.client.runs, *([self.client.current] if self.client.current else [])]
        return [(t, _int(m.group(2))) for run in runs for t, body in run.texts
                if (m := RESULT_LINE.search(body))]


def make_tabs(n: int, url: str, query: str, timeout: float, seed: int,
              poll_url: str | None = None, poll_interval: float = 2.5) -> list[Tab]:
    return [Tab(i, stclient.StreamlitClient(url, query, timeout), random.Random(seed * 1000 + i),
                timeout, poll_url=poll_url, poll_interval=poll_interval) for i in range(n)]


async def start_all(tabs: list[Tab], ramp: float) -> None:
    """Connect every tab, spread evenly over ``ramp`` seconds."""
    async def one(tab: Tab) -> None:
        await asyncio.sleep(ramp * tab.index / max(1, len(tabs)))
        await tab.start()

    await asyncio.gather(*(one(tab) for tab in tabs))


async def close_all(tabs: list[Tab]) -> None:
    await asyncio.gather(*(tab.client.close() for tab in tabs), return_exceptions=True)
    for tab in tabs:
        if tab.poll_task is not None:
            tab.poll_task.cancel()
    await asyncio.gather(*(t.poll_task for t in tabs if t.poll_task), return_exceptions=True)


# --------------------------------------------------------------------------- profiles


async def burst(tabs: list[Tab], args: argparse.Namespace) -> dict:
    async def user(tab: Tab) -> None:
        await asyncio.sleep(args.ramp * tab.index / max(1, len(tabs)))
        await tab.start()
        for _ in range(args.changes):
            await tab.change()

    try:
        await asyncio.gather(*(user(tab) for tab in tabs))
    finally:
        await close_all(tabs)
    return {}


def new_initiative(number: int, stamp: str) -> dict:
    """A valid record (dashboard.domain.validation.validate) at a synthetic Dutch point."""
    import synth

    from dashboard.domain.validation import validate

    record = synth.synthetic_records(1, seed=synth.SEED + number)[0]
    record.update(id=f"bench-load-{stamp}-{number}", name=f"Toevoeging {number} (bench)")
    result = validate(record)
    if result.record is None:
        raise RuntimeError(f"synthetic record does not validate: {result.problems}")
    return result.record


async def facilitator(store_path: Path, start: float, every: float, until: float,
                      added: list[tuple[float, int]]) -> None:
    """Add an initiative through the store API every ``every`` s; note (time, version)."""
    from dashboard import store

    db = store.open_store(store_path)
    stamp = time.strftime("%H%M%S")
    count = await asyncio.to_thread(lambda: len(db.list()))
    number = 0
    while True:
        number += 1
        at = start + number * every
        if at > until:
            return
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        record = await asyncio.to_thread(new_initiative, number, stamp)
        await asyncio.to_thread(db.add, record, "bench")
        added.append((time.monotonic(), count + number))


LIVE_COMPONENT = "krimpkaart_live"  # ui/workshop.live_updates: {"version": the page's data}
RETRIGGER_S = 60.0  # static/kk-live.mjs: ask again when the asked-for rerun never came


class KeepAlive:
    """HTTP/1.1 GETs over one kept-open connection, as a browser tab polls (no cookies needed)."""

    def __init__(self, url: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.scheme != "http":
            raise ValueError(f"--live poll speaks plain http only: {url}")
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, timeout: float = 30.0) -> tuple[int, bytes]:
        try:
            return await asyncio.wait_for(self._get(), timeout)
        except BaseException:
            await self.close()  # a half-read answer poisons the connection
            raise

    async def _get(self) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {self.target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          f"User-Agent: {stclient.USER_AGENT}\r\n\r\n".encode())
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length, closing = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
            elif name.strip().lower() == "connection" and "close" in value.lower():
                closing = True
        body = await self.reader.readexactly(length)
        if closing:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def poller(tab: Tab, url: str, interval: float, spread_default: float = 0.0) -> None:
    """The page's JavaScript (static/kk-live.mjs): poll the version URL every ``interval``
    s (+-10 %) over a kept-open connection and ask for a rerun when the version differs
    from the one the page was drawn from (its live component's data), after a random wait
    of up to its ``spread_ms``. Interval and spread come from the page when it says them.
    A page without that component (an older app) asks when the answer changed between
    polls. Runs until the session closes.
    """
    last, asked, asked_at = None, None, 0.0
    http = KeepAlive(url)
    try:
        while tab.client.closed is None:
            data = tab.client.component_data.get(LIVE_COMPONENT, {})  # the page's settings
            every = data.get("interval_ms", interval * 1000) / 1000
            spread = data.get("spread_ms", spread_default * 1000) / 1000
            await asyncio.sleep(every * tab.rng.uniform(0.9, 1.1))
            try:
                status, body = await http.get()
                if status != 200:
                    raise ValueError(f"HTTP {status}")
                version = int(body)
            except Exception:
                tab.poll_errors += 1
                continue
            tab.polls += 1
            shown = tab.client.component_data.get(LIVE_COMPONENT, {}).get("version")
            if shown is None:
                news = last is not None and version != last
            else:
                now = time.monotonic()
                news = version != shown and not (version == asked
                                                 and now - asked_at < RETRIGGER_S)
                if news:
                    asked, asked_at = version, now
            last = version
            if news and spread > 0:  # kk-live.mjs: a random wait, so a room's pages
                await asyncio.sleep(tab.rng.uniform(0, spread))  # do not rerun at once
                shown = tab.client.component_data.get(LIVE_COMPONENT, {}).get("version")
                news = shown is None or shown < version  # a rerun meanwhile showed it
            if news and tab.view is not None:
                with contextlib.suppress(stclient.ClientError):
                    await tab.client.rerun()
                    tab.live_reruns += 1
    finally:
        await http.close()


async def workshop(tabs: list[Tab], args: argparse.Namespace, store_path: Path,
                   url: str) -> dict:
    start = time.monotonic()
    end = start + args.duration
    added: list[tuple[float, int]] = []
    browser_result: dict = {}

    async def user(tab: Tab) -> None:
        await asyncio.sleep(args.ramp * tab.index / max(1, len(tabs)))
        await tab.start()
        while True:
            await asyncio.sleep(tab.rng.uniform(3, 8))
            if time.monotonic() >= end:
                return
            await tab.change()

    tasks = [asyncio.ensure_future(user(tab)) for tab in tabs]
    writer = asyncio.ensure_future(facilitator(store_path, start, args.add_every,
                                               end - args.see_within, added))
    checker = None
    if args.with_browser:
        checker = asyncio.ensure_future(asyncio.to_thread(
            browser_check, url, args.query, start + args.ramp + 5, args.timeout, browser_result))
    try:
        # The last addition is made see_within s before the end, the users stop at the end.
        await asyncio.gather(*tasks, writer, *([checker] if checker else []))
    finally:
        await close_all(tabs)
    return {"additions": added, "browser": browser_result}


def browser_check(url: str, query: str, at: float, timeout: float, out: dict) -> None:
    """One real headless Chromium page during the workshop: seconds until the map is drawn."""
    from playwright.sync_api import sync_playwright

    time.sleep(max(0.0, at - time.monotonic()))
    result = browser.BrowserResult()
    dummy_log = Path(tempfile.mkstemp(prefix="bench-load-runs-")[1])
    try:
        with sync_playwright() as pw:
            chromium = browser.launch(pw)
            try:
                session = browser.Session(chromium, url, dummy_log, result)
                page_url = url.rstrip("/") + "/" + (f"?{query}" if query else "")
                session.page.goto(page_url, wait_until="commit", timeout=timeout * 1000)
                out["first_map_s"] = round(session.wait_first_map(timeout) / 1000, 2)
                out["ws_kb"] = round(session.ws_bytes / 1024)
            finally:
                chromium.close()
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        dummy_log.unlink(missing_ok=True)
        out["page_errors"] = result.page_errors[:3]


async def idle(tabs: list[Tab], args: argparse.Namespace, pids: list[int]) -> dict:
    try:
        await start_all(tabs, args.ramp)
        # Sessions whose first run timed out are still queued on the server: wait for them
        # (bounded), so the idle window measures idle sessions, not late first runs.
        deadline = time.monotonic() + args.timeout
        for tab in tabs:
            with contextlib.suppress(Exception):
                await tab.client.wait_run(0, deadline)
        await asyncio.sleep(2)  # let the last first runs' aftermath settle
        runs0 = sum(len(t.client.runs) for t in tabs)
        asked0 = sum(t.client.reruns_sent for t in tabs)
        polls0 = sum(t.polls for t in tabs)
        with Meter(pids) as meter:
            await asyncio.sleep(args.duration)
        runs = sum(len(t.client.runs) for t in tabs) - runs0
        asked = sum(t.client.reruns_sent for t in tabs) - asked0
        polled = sum(t.polls for t in tabs) - polls0
    finally:
        await close_all(tabs)
    return {"idle": meter.summary(), "idle_runs_per_s": round(runs / meter.wall, 1),
            "idle_requests_per_s": round(asked / meter.wall, 1),
            "idle_polls_per_s": round(polled / meter.wall, 1)}


# --------------------------------------------------------------------------- one row


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def spread(values: list[float]) -> dict:
    return {"n": len(values), "p50": _r(pct(values, 0.5)), "p95": _r(pct(values, 0.95)),
            "max": _r(max(values) if values else None)}


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def changes_by_addition(tabs: list[Tab], added: list[tuple[float, int]],
                        window: float = 4.0) -> dict:
    """Change latencies split by whether the change was sent within ``window`` s after an
    addition (while the pages rerun for it) or not: where the workshop's tail comes from."""
    times = [at for at, _ in added]
    near, far = [], []
    for tab in tabs:
        for sent, took in zip(tab.change_sent, tab.change_s, strict=True):
            (near if any(0 <= sent - at < window for at in times) else far).append(took)
    return {"window_s": window, "near": spread(near), "away": spread(far)}


def additions_seen(tabs: list[Tab], added: list[tuple[float, int]], within: float) -> dict:
    """Per session: seconds from each addition until a result line counted it."""
    per_session, misses, total = [], 0, 0
    for tab in tabs:
        seen = tab.totals_seen()
        lat = []
        for at, count in added:
            if tab.ready_at is None or at < tab.ready_at:
                continue  # not on the page yet: its first run loaded the new data
            total += 1
            first = min((t for t, n in seen if n >= count and t >= tab.ready_at), default=None)
            if first is None or first - at > within:
                misses += 1
            if first is not None:
                lat.append(max(0.0, first - at))
            else:
                lat.append(float("inf"))
        per_session.append({"session": tab.index, **spread([x for x in lat if x != float("inf")]),
                            "never": sum(x == float("inf") for x in lat),
                            "late": sum(within < x < float("inf") for x in lat)})
    flat = [row["max"] for row in per_session if row["max"] is not None]
    return {"pairs": total, "misses": misses, "per_session": per_session,
            "max_per_session": spread(flat)}


async def run_row(args: argparse.Namespace, url: str, sessions: int, pids: list[int],
                  store_path: Path | None, run_log: Path | None) -> dict:
    poll_url = None
    if args.live == "poll":
        poll_url = args.version_url or (url.rstrip("/") + "/" + VERSION_PATH)
    tabs = make_tabs(sessions, url, args.query, args.timeout, args.seed, poll_url,
                     args.poll_interval)
    runs_before = browser._line_count(run_log) if run_log else None
    extra: dict = {}
    with Meter(pids) as meter:
        if args.profile == "burst":
            extra = await burst(tabs, args)
        elif args.profile == "workshop":
            assert store_path is not None
            extra = await workshop(tabs, args, store_path, url)
        else:
            extra = await idle(tabs, args, pids)
    row = {
        "profile": args.profile, "sessions": sessions, **meter.summary(), **extra,
        "first_run_s": spread([t.first_run_s for t in tabs if t.first_run_s is not None]),
        "change_s": spread([x for t in tabs for x in t.change_s]),
        "errors": sum(len(t.errors) for t in tabs),
        "timeouts": sum(t.timeouts for t in tabs),
        "changes_tried": sum(t.attempts for t in tabs),
        "skipped_changes": sum(t.skipped for t in tabs),
        "stale_runs": sum(t.stale_runs for t in tabs),
        "sessions_ok": sum(t.first_run_s is not None and not t.errors for t in tabs),
        "full_runs": (browser._line_count(run_log) - runs_before) if run_log else None,
        "reruns_sent": sum(t.client.reruns_sent for t in tabs),
        "auto_reruns_sent": sum(t.client.auto_reruns_sent for t in tabs),
        "ref_hash_hits": sum(t.client.ref_hits for t in tabs),
        "mb_received": round(sum(t.client.bytes_in for t in tabs) / 1e6, 1),
        "poll_errors": sum(t.poll_errors for t in tabs),
        "polls": sum(t.polls for t in tabs),
        "live_reruns": sum(t.live_reruns for t in tabs),
        "error_kinds": dict(collections.Counter(
            ("first run" if e.startswith("first run") else "change")
            + (" timeout" if "timeout after" in e else " error") for t in tabs for e in t.errors)),
        "error_samples": [f"session {t.index}: {e}" for t in tabs for e in t.errors][:8],
    }
    if args.profile == "workshop":
        row["additions_visible"] = additions_seen(tabs, row["additions"], args.see_within)
        row["change_s_by_addition"] = changes_by_addition(tabs, row["additions"])
        row["additions"] = len(row["additions"])
    return row


# --------------------------------------------------------------------------- targets


def check_targets(row: dict) -> list[tuple[str, bool | None, str]]:
    """(target, passed, measured); None = the target is for another size of run."""
    profile, n = row["profile"], row["sessions"]
    p95 = row["change_s"]["p95"]
    if profile == "burst":
        if n < 50:
            return [(TARGETS["burst"], None, f"n/a at {n} sessions")]
        ok = row["errors"] == 0 and p95 is not None and p95 < 2
        return [(TARGETS["burst"], ok, f"{row['errors']} errors, change p95 {_s(p95)}")]
    if profile == "workshop":
        seen = row["additions_visible"]
        ok = (row["errors"] == 0 and p95 is not None and p95 < 0.5 and seen["misses"] == 0
              and seen["pairs"] > 0)
        return [(TARGETS["workshop"], ok, f"{row['errors']} errors, change p95 {_s(p95)}, "
                 f"{seen['misses']} of {seen['pairs']} additions not seen within the limit")]
    cores = row["idle"]["server_cores"]
    if n < 50:
        return [(TARGETS["idle"], None, f"n/a at {n} sessions")]
    ok = cores is not None and cores < 0.1 and row["errors"] == 0
    return [(TARGETS["idle"], ok, f"{_s(cores, 'cores', 3)}, {row['errors']} errors")]


# --------------------------------------------------------------------------- output


def _s(value, unit: str = "s", digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f} {unit}".strip()


def _f(value, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def table(result: dict) -> str:
    head = ("profile", "sessions", "first run p50/p95/max s", "change p50/p95/max s",
            "changes ok", "errors", "timeouts", "server cores", "RSS peak/final MB",
            "client cores", "full runs")
    rows = [head]
    for row in result["rows"]:
        fr, ch = row["first_run_s"], row["change_s"]
        planned = row["changes_tried"] + row["skipped_changes"]
        rows.append((
            row["profile"], str(row["sessions"]),
            "/".join(_f(fr[k]) for k in ("p50", "p95", "max")),
            "/".join(_f(ch[k]) for k in ("p50", "p95", "max")),
            f"{ch['n']}/{planned}",
            str(row["errors"]), str(row["timeouts"]),
            _f(row["server_cores"]),
            f"{_f(row['server_peak_rss_mb'])}/{_f(row['server_final_rss_mb'])}",
            _f(row["client_cores"]), _f(row["full_runs"]),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i < 1 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def details(result: dict) -> str:
    out = []
    for row in result["rows"]:
        out.append(f"{row['profile']} {row['sessions']} sessions: {row['wall_s']:.0f} s wall, "
                   f"server {_f(row['server_cpu_s'], 1)} CPU s (its threads waited "
                   f"{_f(row.get('server_cpu_wait_s'), 1)} s for a CPU), client "
                   f"{_f(row['client_cpu_s'], 1)} CPU s; {row['sessions_ok']} sessions without "
                   f"error; reruns sent {row['reruns_sent']} ({row['auto_reruns_sent']} fragment "
                   f"auto-reruns), cached messages reused {row['ref_hash_hits']}, "
                   f"{row['mb_received']} MB received; {row['stale_runs']} stale runs waited out"
                   + (f"; {row['skipped_changes']} changes not tried after a failure"
                      if row["skipped_changes"] else ""))
        if "idle" in row:
            idle = row["idle"]
            cores = idle["server_cores"]
            per = None if cores is None else cores / row["sessions"]
            out.append(f"    idle {idle['wall_s']:.0f} s: server {_f(cores, 3)} cores in total, "
                       f"{_f(per, 4)} per session; the pages asked for "
                       f"{row['idle_requests_per_s']} fragment reruns/s, "
                       f"{row['idle_runs_per_s']} runs/s finished, "
                       f"{row.get('idle_polls_per_s', 0)} version polls/s answered; "
                       f"client {_f(idle['client_cores'], 3)} cores")
        if "additions_visible" in row:
            seen = row["additions_visible"]
            flat = seen["max_per_session"]
            out.append(f"    additions (through the store API, not the UI): {row['additions']}; "
                       f"{seen['pairs']} session x addition pairs, {seen['misses']} not visible "
                       f"within the limit; worst latency per session p50/p95/max "
                       f"{_f(flat['p50'])}/{_f(flat['p95'])}/{_f(flat['max'])} s")
            cells = [f"#{s['session']:<2} {_f(s['p50'])}/{_f(s['max'])}"
                     + (f" never {s['never']}" if s["never"] else "")
                     + (f" late {s['late']}" if s["late"] else "") for s in seen["per_session"]]
            out.append("    per session 'addition visible' p50/max s:")
            for i in range(0, len(cells), 5):
                out.append("      " + "   ".join(c.ljust(22) for c in cells[i:i + 5]).rstrip())
        if "change_s_by_addition" in row:
            split = row["change_s_by_addition"]
            near, away = split["near"], split["away"]
            out.append(f"    changes sent within {split['window_s']:.0f} s after an addition: "
                       f"{near['n']}, p50/p95/max {_f(near['p50'])}/{_f(near['p95'])}/"
                       f"{_f(near['max'])} s; the others: {away['n']}, "
                       f"{_f(away['p50'])}/{_f(away['p95'])}/{_f(away['max'])} s")
        growth = rss_growth(row.get("rss_series_mb") or [])
        if growth:
            out.append(f"    server RSS after 2 min {growth[0]:.0f} MB, at the end "
                       f"{growth[1]:.0f} MB: {growth[2]:+.1f} % (every 10 s in the JSON)")
        if row.get("browser"):
            b = row["browser"]
            out.append("    browser (one headless Chromium page during the run): "
                       + (f"map shown after {_f(b.get('first_map_s'))} s "
                          f"(navigation start; {b.get('ws_kb')} KB over the websocket)"
                          if "first_map_s" in b else f"FAILED: {b.get('error')}"))
        if row.get("polls") or row.get("poll_errors"):
            out.append(f"    version URL: {row.get('polls', 0)} answers, "
                       f"{row.get('poll_errors', 0)} failed; the polls asked for "
                       f"{row.get('live_reruns', 0)} reruns")
        if row.get("error_kinds"):
            out.append("    errors: " + ", ".join(f"{k} {v}" for k, v in row["error_kinds"].items())
                       + " (the first 8 follow)")
        for sample in row["error_samples"]:
            out.append(f"    ERROR {sample}")
    return "\n".join(out)


def verdicts(result: dict) -> str:
    lines = []
    for row in result["rows"]:
        for target, ok, measured in check_targets(row):
            mark = "n/a " if ok is None else ("PASS" if ok else "FAIL")
            lines.append(f"{mark}  {row['profile']} {row['sessions']}: {target} -- {measured}")
    return "\n".join(lines)


def save(result: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")


# --------------------------------------------------------------------------- main


def parse_sessions(text: str) -> list[int]:
    """Comma-separated positive numbers (--sessions, --server-pid)."""
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"want numbers like 10,30: {exc}") from exc
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("want positive numbers")
    return values


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running app (possibly behind a proxy), e.g. "
                                     "http://127.0.0.1:8501/")
    where.add_argument("--start", action="store_true",
                       help="start `krimpkaart run` on a free port (a fresh server per row)")
    p.add_argument("--size", type=int, default=0,
                   help="with --start: synthetic initiatives (0 = the shipped seed)")
    p.add_argument("--server-args", default="",
                   help="with --start: Streamlit options after `--`, e.g. "
                        "'--server.fileWatcherType none --runner.postScriptGC false'")
    p.add_argument("--checkout", type=Path,
                   help="with --start: run the app of another checkout with this venv, e.g. "
                        "today's main for a before/after (git archive main | tar -x -C DIR)")
    p.add_argument("--store", type=Path,
                   help="with --url: the server's store, for the workshop's additions")
    p.add_argument("--server-pid", type=parse_sessions, metavar="PID[,PID...]",
                   help="with --url: the server pids for CPU/RSS, e.g. every backend behind a "
                        "proxy (default: whoever listens on the URL's port, if local)")
    p.add_argument("--workers", type=int, default=0,
                   help="with --start: `krimpkaart serve --workers N` (HAProxy in front) "
                        "instead of one `krimpkaart run` process")
    p.add_argument("--postgis", action="store_true",
                   help="with --start: the store is a throwaway PostGIS database "
                        "(tests/pgcluster.py, fsync on) instead of a GeoPackage file")
    p.add_argument("--profile", choices=PROFILES, default="burst")
    p.add_argument("--sessions", type=parse_sessions,
                   help="sessions, comma-separated for several rows (burst 10,30,50; "
                        "workshop 30; idle 50)")
    p.add_argument("--changes", type=int, default=5, help="burst: changes per session")
    p.add_argument("--duration", type=float, help="workshop 120 s, idle 30 s")
    p.add_argument("--ramp", type=float,
                   help="seconds over which the sessions connect (burst 1, workshop 10, idle 1)")
    p.add_argument("--query", default="thema=wonen", help="the link's query string")
    p.add_argument("--seed", type=int, default=1, help="for the themes and the pauses")
    p.add_argument("--timeout", type=float, default=60, help="seconds for a first run or change")
    p.add_argument("--live", choices=("push", "poll"), default="push",
                   help="workshop: how a page learns of additions (see the module docstring)")
    p.add_argument("--version-url", help="--live poll: the URL whose body is the version "
                                         f"(default: the app's {VERSION_PATH})")
    p.add_argument("--poll-interval", type=float, default=2.5)
    p.add_argument("--add-every", type=float, default=10, help="workshop: seconds per addition")
    p.add_argument("--see-within", type=float, default=5,
                   help="workshop: seconds within which every session must show an addition")
    p.add_argument("--with-browser", action="store_true",
                   help="workshop: also time one real Chromium page until its map is shown")
    p.add_argument("--out", type=Path, default=RESULTS)
    return p


async def run_all(args: argparse.Namespace, result: dict, workdir: Path) -> None:
    import concurrent.futures

    import synth

    # Cookie-jar HTTP and store writes run in threads; the default pool (6 here) would
    # queue 50 sessions' first requests behind each other.
    asyncio.get_running_loop().set_default_executor(
        concurrent.futures.ThreadPoolExecutor(max_workers=64))

    store_path: Path | str | None = args.store
    records = None
    cluster = None
    if args.start and args.postgis:  # a throwaway PostgreSQL/PostGIS server, fsync on
        from tests.pgcluster import Cluster, find_binaries

        bin_dir, why = find_binaries()
        if bin_dir is None:
            raise browser.BenchError(f"--postgis: {why}")
        cluster = Cluster(bin_dir, durable=True).start()
        CLEANUP.append(cluster.stop)
        store_path = cluster.new_database()
        records = fill_postgis(store_path, args.size)
        log(f"PostGIS store with {records} initiatives")
    elif args.start:
        store_path, records = synth.make_store(workdir / f"store-{args.size}.gpkg", args.size)
        log(f"store with {records} initiatives")
    result["records"] = records
    result["store"] = "PostGIS" if args.postgis else "GeoPackage"
    result["workers"] = args.workers
    for sessions in args.sessions:
        if args.start:
            assert store_path is not None
            if args.profile == "workshop":  # the additions of the last row are gone
                if cluster is not None:
                    fill_postgis(str(store_path), args.size)
                else:
                    synth.make_store(store_path, args.size)
            port = browser.free_port()
            run_log = workdir / f"runs-{sessions}.log"
            run_log.write_text("")
            if args.workers:  # krimpkaart serve: N workers behind HAProxy
                cmd = [sys.executable, "-m", "dashboard.cli", "--lang", "en", "serve",
                       "--workers", str(args.workers), "--port", str(port),
                       "--address", "127.0.0.1", "--store", str(store_path)]
            else:
                cmd = [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port),
                       "--address", "127.0.0.1", "--store", str(store_path)]
            if args.server_args:
                cmd += ["--", *shlex.split(args.server_args)]
            env = {**os.environ, "KRIMPKAART_RUN_LOG": str(run_log)}
            if args.checkout:  # its dashboard package comes first on the path
                env["PYTHONPATH"] = os.pathsep.join(
                    [str(args.checkout.resolve()), *filter(None, [env.get("PYTHONPATH")])])
            server = browser.Server("krimpkaart", cmd, env, port, workdir,
                                    workdir / f"server-{sessions}.log")
            with server:
                assert server.proc is not None
                if args.workers:
                    wait_for_line(server.log_path, "Krimpkaart serves", 180)
                behind = f", {args.workers} workers" if args.workers else ""
                log(f"{args.profile}: {sessions} sessions against {server.url} "
                    f"(pid {server.proc.pid}{behind})")
                row = await run_row(args, server.url, sessions, [server.proc.pid], store_path,
                                    run_log)
        else:
            port = _port_of(args.url)
            found = listener_pid(port) if port else None
            pids = args.server_pid or ([found] if found else [])
            result["measured_processes"] = [_cmdline(pid) for pid in pids]
            log(f"{args.profile}: {sessions} sessions against {args.url} (pids {pids})")
            row = await run_row(args, args.url, sessions, pids, store_path, None)
        result["rows"].append(row)
        save(result, args.out)


def fill_postgis(url: str, size: int) -> int:
    """The synthetic initiatives (bench/synth.py) in a PostGIS store, history cleared."""
    import synth

    from dashboard import store

    recs = synth.records(size)
    db = store.open_store(url)
    db.reseed(recs)
    db.close()
    return len(recs)


def wait_for_line(path: Path, text: str, timeout: float) -> None:
    """Until ``text`` shows in a log (``krimpkaart serve`` says so once every worker is ready)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise browser.BenchError(f"'{text}' not in {path} after {timeout:.0f} s")


def _port_of(url: str) -> int | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    return parts.port or (443 if parts.scheme == "https" else 80)


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"pid {pid}"
    return f"pid {pid}: " + raw.replace(b"\0", b" ").decode(errors="replace").strip()[:200]


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    sessions, duration, ramp = DEFAULTS[args.profile]
    args.sessions = args.sessions or parse_sessions(sessions)
    args.duration = args.duration if args.duration is not None else duration
    args.ramp = args.ramp if args.ramp is not None else ramp
    if args.url and args.profile == "workshop" and not args.store:
        p.error("--url with --profile workshop needs --store (the facilitator writes there)")
    if args.checkout and not (args.checkout / "dashboard" / "app.py").is_file():
        p.error(f"--checkout {args.checkout}: no dashboard/app.py there")
    if args.with_browser and args.profile != "workshop":
        p.error("--with-browser goes with --profile workshop")

    def stop(signum, _frame):  # SIGTERM: stop like Ctrl-C, so the server gets stopped too
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    result: dict = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "python": platform.python_version(),
        "cpus": os.cpu_count(), "load_average_at_start": list(os.getloadavg()),
        "profile": args.profile, "url": args.url, "size": args.size if args.start else None,
        "server_args": args.server_args or "default", "live": args.live,
        "checkout": str(args.checkout) if args.checkout else None,
        "query": args.query, "seed": args.seed, "ramp_s": args.ramp,
        "duration_s": args.duration, "changes": args.changes, "targets": TARGETS, "rows": [],
    }
    cpu_before = cpu_times()
    started = time.time()
    workdir = Path(tempfile.mkdtemp(prefix="krimpkaart-load-"))
    try:
        asyncio.run(run_all(args, result, workdir))
    except KeyboardInterrupt:
        result["interrupted"] = True
        log("interrupted; partial results follow")
    except Exception as exc:
        result.setdefault("errors", []).append(f"{type(exc).__name__}: {exc}")
        log(f"benchmark stopped early: {type(exc).__name__}: {exc}")
    finally:
        while CLEANUP:
            CLEANUP.pop()()
        result["seconds"] = round(time.time() - started, 1)
        result["load_average_at_end"] = list(os.getloadavg())
        result["cpu_steal_pct"] = steal_pct(cpu_before, cpu_times())
        result["workdir"] = str(workdir)  # server logs
        save(result, args.out)

    server = (f"krimpkaart serve --workers {args.workers} (HAProxy)" if args.workers
              else "krimpkaart run")
    where = (f"{server}{' of ' + str(args.checkout) if args.checkout else ''}, "
             f"{'PostGIS' if args.postgis else 'GeoPackage'}, "
             f"{result['records']} initiatives, server options "
             f"{result['server_args']}" if args.start else f"{args.url}")
    print(f"{args.profile}: {where}; link ?{args.query}; ramp {args.ramp:g} s"
          + (f"; {args.changes} changes per session" if args.profile == "burst" else "")
          + (f"; {args.duration:g} s" if args.profile != "burst" else "")
          + f"; live updates: {args.live}")
    for process in result.get("measured_processes") or []:
        print(f"server CPU/RSS measured on {process}")
    print(table(result))
    print()
    print(details(result))
    print()
    print(verdicts(result))
    print()
    print(f"{result['seconds']:.0f} s; load average {result['load_average_at_start'][0]:.1f}"
          f" -> {result['load_average_at_end'][0]:.1f} on {result['cpus']} CPUs; CPU time "
          f"taken by the VM host (steal) {_f(result.get('cpu_steal_pct'), 1)}%; "
          f"details in {args.out}; server logs in {workdir}")
    for err in result.get("errors", []):
        print(f"ERROR: {err}")
    failed = bool(result.get("errors")) or any(r["errors"] for r in result["rows"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
