"""A Streamlit websocket client that behaves like Streamlit's own frontend (1.67), no browser.

What the real frontend does, and so does this client (captured from headless Chromium's
websocket frames and read in the installed frontend bundle):

* HTTP ``GET _stcore/health`` and ``_stcore/host-config`` first; the health response sets
  the ``_streamlit_xsrf`` cookie (and a sticky proxy would set its cookie here too). The
  cookies live in one jar per session and go with every request, the upgrade included.
* ``ws(s)://HOST/BASE/_stcore/stream`` with subprotocols ``["streamlit", <xsrf cookie>]``
  and an ``Origin`` header for the page's own origin.
* The first BackMsg is ``rerun_script`` with the page's query string, no widget states and
  the browser's ``context_info``. Every later rerun carries the values of all widgets on
  the page, the current ``page_script_hash`` and the hashes of the cached messages.
* ForwardMsgs that need an answer:
  ``ref_hash`` is resolved from the session's message cache (large ``cacheable`` deltas
  the server will not send twice; entries expire after ``max_cached_message_age`` runs);
  ``auto_rerun`` starts a timer that sends a fragment rerun (``fragment_id``,
  ``is_auto_rerun``) every ``interval`` seconds, and a full run's ``new_session`` stops
  all such timers (the page re-registers them); ``page_info_changed`` replaces the query
  string sent with later reruns (the browser's address bar).
* Components v2 (``bidi_component``): the JSON data of the last one drawn per component
  name is kept (``component_data``), e.g. the store version a page was drawn from.
* Widget values: the value the server sets (``set_value``) wins, otherwise the value the
  "user" gave, otherwise the widget's default; widgets that left the page are dropped
  after a completed full run. A multiselect's value is the list of its *formatted* option
  labels (``string_array_value``), e.g. ``["Wonen (3)"]``.

Uses the ``websockets`` asyncio client (a Streamlit dependency, declared in the test extra).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

XSRF_COOKIE = "_streamlit_xsrf"
FINISHED = ForwardMsg.ScriptFinishedStatus
OK_STATUSES = (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
USER_AGENT = "krimpkaart-bench-load (Streamlit protocol client)"


class ClientError(RuntimeError):
    """The session cannot go on: the socket closed, a cached message was missing, ..."""


@dataclass
class Run:
    """One script run as the client saw it, from ``new_session`` to ``script_finished``."""

    run_id: str
    fragment_ids: tuple[str, ...]
    started: float
    finished: float | None = None
    status: int | None = None
    texts: list[tuple[float, str]] = field(default_factory=list)  # markdown (arrival, body)
    widgets: dict[str, Any] = field(default_factory=dict)  # user key -> element proto

    @property
    def full(self) -> bool:
        return not self.fragment_ids

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES


def widget_key(widget_id: str) -> str:
    """The user key at the end of an id like ``$$ID-<hash>-f_thema`` ("None" without key)."""
    return widget_id.rsplit("-", 1)[-1] if widget_id.startswith("$$ID-") else widget_id


def _default_value(kind: str, el: Any) -> tuple[str, Any] | None:
    """(WidgetState field, value) a freshly drawn widget reports, as the frontend does."""
    if kind == "multiselect":
        return "string_array_value", [el.options[i] for i in el.default]
    if kind == "selectbox":
        if el.HasField("default") and 0 <= el.default < len(el.options):
            return "string_value", el.options[el.default]
        return None
    if kind in ("text_input", "text_area"):
        return "string_value", el.default if el.HasField("default") else ""
    if kind == "checkbox":
        return "bool_value", el.default
    if kind == "radio":
        return ("int_value", el.default) if el.HasField("default") else None
    return None


def _server_value(kind: str, el: Any) -> tuple[str, Any] | None:
    """The value the server pushes with ``set_value`` (session state written by the script)."""
    if kind == "multiselect":
        return "string_array_value", list(el.raw_values)
    if kind == "selectbox":
        return ("string_value", el.raw_value) if el.HasField("raw_value") else None
    if kind in ("text_input", "text_area"):
        return ("string_value", el.value) if el.HasField("value") else None
    if kind == "checkbox":
        return "bool_value", el.value
    if kind == "radio":
        return ("int_value", el.value) if el.HasField("value") else None
    return None


VALUE_KINDS = ("multiselect", "selectbox", "text_input", "text_area", "checkbox", "radio")


class WidgetMirror:
    """The frontend's WidgetStateManager, for the widget kinds a value is sent for."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[str, Any] | None] = {}  # widget id -> (field, value)
        self.seen_this_run: set[str] = set()

    def on_element(self, kind: str, el: Any) -> None:
        if kind not in VALUE_KINDS:
            return
        self.seen_this_run.add(el.id)
        if el.set_value:
            self.values[el.id] = _server_value(kind, el)
        elif el.id not in self.values:
            self.values[el.id] = _default_value(kind, el)

    def set(self, widget_id: str, fieldname: str, value: Any) -> None:
        self.values[widget_id] = (fieldname, value)

    def begin_full_run(self) -> None:
        self.seen_this_run = set()

    def end_full_run(self) -> None:
        """Drop widgets the completed run did not draw (the frontend's removeInactive)."""
        for wid in list(self.values):
            if wid not in self.seen_this_run:
                del self.values[wid]

    def proto(self) -> WidgetStates:
        states = WidgetStates()
        for wid, entry in self.values.items():
            state = WidgetState(id=wid)
            if entry is not None:
                fieldname, value = entry
                if fieldname == "string_array_value":
                    state.string_array_value.data.extend(value)
                else:
                    setattr(state, fieldname, value)
            states.widgets.append(state)
        return states


class MessageCache:
    """The frontend's ForwardMsgCache: cacheable deltas by hash, expired by script-run age."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[bytes, int, str]] = {}  # hash -> (bytes, run, fragment)
        self.run_count = 0

    def remember(self, msg: ForwardMsg, raw: bytes) -> None:
        if msg.metadata.cacheable and msg.hash:
            fragment = msg.delta.fragment_id if msg.HasField("delta") else ""
            self.entries[msg.hash] = (raw, self.run_count, fragment)

    def resolve(self, ref: ForwardMsg) -> ForwardMsg:
        entry = self.entries.get(ref.ref_hash)
        if entry is None:
            raise ClientError(f"cached ForwardMsg missing for ref_hash {ref.ref_hash}")
        raw, _, fragment = entry
        self.entries[ref.ref_hash] = (raw, self.run_count, fragment)  # touched: younger
        msg = ForwardMsg.FromString(raw)
        msg.metadata.CopyFrom(ref.metadata)
        return msg

    def finished_run(self, max_age: int, fragment_ids: tuple[str, ...]) -> None:
        self.run_count += 1
        for key, (_, run, fragment) in list(self.entries.items()):
            if fragment_ids and fragment not in fragment_ids:
                continue  # a fragment run ages only that fragment's messages
            if self.run_count - run > max_age:
                del self.entries[key]

    def hashes(self) -> list[str]:
        return list(self.entries)


class StreamlitClient:
    """One browser tab's Streamlit session, spoken over the websocket protocol."""

    def __init__(self, base_url: str, query: str = "", timeout: float = 60.0) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.query = query.lstrip("?")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        # The URL is the server or the reverse proxy in front of it: never go through a
        # forward proxy from the environment (http_proxy), for HTTP nor for the websocket.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                  urllib.request.HTTPCookieProcessor(self.jar))
        self.ws: ClientConnection | None = None
        self.widgets = WidgetMirror()
        self.cache = MessageCache()
        self.max_cache_age = 2
        self.page_script_hash = ""
        self.runs: list[Run] = []
        self.current: Run | None = None
        self.closed: str | None = None  # why, once the socket is gone
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}
        self.reader: asyncio.Task | None = None
        self.changed = asyncio.Event()  # set on every finished run and on close
        self.bytes_in = 0
        self.reruns_sent = 0
        self.auto_reruns_sent = 0
        self.ref_hits = 0  # messages the server did not resend (answered from the cache)
        self.component_data: dict[str, Any] = {}  # components v2 name -> its last JSON data

    # -- HTTP, with this session's cookies ----------------------------------------------

    def _get(self, url: str) -> tuple[int, bytes]:
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with self.opener.open(req, timeout=self.timeout) as resp:
            return resp.status, resp.read()

    async def http_get(self, url: str) -> tuple[int, bytes]:
        """GET through the session's cookie jar (a thread: urllib blocks)."""
        return await asyncio.to_thread(self._get, url)

    def _cookie_header(self, url: str) -> str | None:
        req = urllib.request.Request(url)
        self.jar.add_cookie_header(req)
        return req.get_header("Cookie")

    def _xsrf(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == XSRF_COOKIE), "")

    # -- connection ---------------------------------------------------------------------

    async def open(self) -> None:
        """Health and host-config (cookies), the websocket, then the first rerun request."""
        await self.http_get(self.base_url + "_stcore/health")
        await self.http_get(self.base_url + "_stcore/host-config")
        parts = urllib.parse.urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        ws_url = urllib.parse.urlunsplit((scheme, parts.netloc, parts.path + "_stcore/stream",
                                          "", ""))
        headers = {"User-Agent": USER_AGENT}
        cookie = self._cookie_header(self.base_url + "_stcore/stream")
        if cookie:
            headers["Cookie"] = cookie
        protocols = [Subprotocol("streamlit")]
        if self._xsrf():
            protocols.append(Subprotocol(self._xsrf()))
        # Browsers never send pings; a client ping timing out on a busy server would
        # drop sessions a browser keeps.
        self.ws = await connect(ws_url, subprotocols=protocols, additional_headers=headers,
                                origin=Origin(f"{parts.scheme}://{parts.netloc}"),
                                max_size=None, ping_interval=None, proxy=None,
                                open_timeout=self.timeout, user_agent_header=None)
        self.reader = asyncio.create_task(self._read())
        await self.rerun(first=True)

    async def close(self) -> None:
        for _, task in self.timers.values():
            task.cancel()
        self.timers.clear()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(BaseException):
                await self.reader
        self._mark_closed("closed by the bench")

    def _mark_closed(self, why: str) -> None:
        if self.closed is None:
            self.closed = why
        for _, task in self.timers.values():
            task.cancel()
        self.timers.clear()
        self.changed.set()

    # -- BackMsgs -----------------------------------------------------------------------

    def context_info(self, msg: BackMsg) -> None:
        ctx = msg.rerun_script.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "UTC", 0, "en-US"
        ctx.url = self.base_url
        ctx.is_embedded = False
        ctx.color_scheme = "light"

    async def rerun(self, fragment_id: str = "", auto: bool = False, first: bool = False) -> None:
        """Send ``rerun_script`` with every widget's value, as the frontend does."""
        if self.ws is None or self.closed:
            raise ClientError(f"session closed: {self.closed}")
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.widget_states.CopyFrom(WidgetStates() if first else self.widgets.proto())
        if not first:
            rerun.page_script_hash = self.page_script_hash
            rerun.cached_message_hashes.extend(self.cache.hashes())
        if fragment_id:
            rerun.fragment_id = fragment_id
            rerun.is_auto_rerun = auto
        self.context_info(msg)
        self.reruns_sent += 1
        self.auto_reruns_sent += auto
        try:
            await self.ws.send(msg.SerializeToString())
        except Exception as exc:
            self._mark_closed(f"send failed: {type(exc).__name__}: {exc}")
            raise ClientError(self.closed) from exc

    def set_widget(self, key: str, fieldname: str, value: Any) -> str:
        """Give the widget with user key ``key`` a new value (as a click would); its id."""
        wid = next((w for w in self.widgets.values if widget_key(w) == key), None)
        if wid is None:
            raise ClientError(f"no widget with key {key!r} on the page")
        self.widgets.set(wid, fieldname, value)
        return wid

    # -- ForwardMsgs --------------------------------------------------------------------

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                data = raw if isinstance(raw, bytes) else raw.encode()
                self.bytes_in += len(data)
                self._handle(ForwardMsg.FromString(data), data, time.monotonic())
        except ClientError as exc:
            self._mark_closed(str(exc))
            with contextlib.suppress(Exception):
                await self.ws.close()
        except Exception as exc:
            self._mark_closed(f"{type(exc).__name__}: {exc}")
        else:
            self._mark_closed(f"server closed the socket ({self.ws.close_code})")

    def _handle(self, msg: ForwardMsg, raw: bytes, now: float) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            msg = self.cache.resolve(msg)
            self.ref_hits += 1
            kind = msg.WhichOneof("type")
        else:
            self.cache.remember(msg, raw)
        if kind == "new_session":
            self._new_session(msg, now)
        elif kind == "delta":
            self._delta(msg, now)
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "script_finished":
            self._finished(msg, now)

    def _new_session(self, msg: ForwardMsg, now: float) -> None:
        run = Run(msg.metadata.run.script_run_id, tuple(msg.metadata.run.fragment_ids), now)
        self.current = run
        if run.full:
            for _, task in self.timers.values():  # the frontend's cleanupAutoReruns
                task.cancel()
            self.timers.clear()
            session = msg.new_session
            self.page_script_hash = session.page_script_hash
            self.max_cache_age = session.config.max_cached_message_age or self.max_cache_age
            self.widgets.begin_full_run()

    def _delta(self, msg: ForwardMsg, now: float) -> None:
        if not msg.delta.HasField("new_element") or self.current is None:
            return
        el = msg.delta.new_element
        kind = el.WhichOneof("type")
        if kind is None:
            return
        body = getattr(el, kind)
        if kind == "markdown":
            self.current.texts.append((now, body.body))
        elif kind in VALUE_KINDS:
            self.widgets.on_element(kind, body)
            self.current.widgets[widget_key(body.id)] = body
        elif kind == "bidi_component" and body.WhichOneof("data") == "json":
            with contextlib.suppress(ValueError):
                self.component_data[body.component_name] = json.loads(body.json)

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or interval <= 0:
            return
        old = self.timers.get(fragment_id)
        if old is not None and old[0] == interval:
            return
        if old is not None:
            old[1].cancel()
        self.timers[fragment_id] = (interval, asyncio.create_task(
            self._tick(fragment_id, interval)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        with contextlib.suppress(ClientError):
            while True:
                await asyncio.sleep(interval)
                await self.rerun(fragment_id=fragment_id, auto=True)

    def _finished(self, msg: ForwardMsg, now: float) -> None:
        status = msg.script_finished
        run = self.current
        if run is None or run.run_id != msg.metadata.run.script_run_id:
            run = Run(msg.metadata.run.script_run_id, tuple(msg.metadata.run.fragment_ids), now)
        run.finished, run.status = now, status
        if status == FINISHED.FINISHED_SUCCESSFULLY and run.full:
            self.widgets.end_full_run()
        if status != FINISHED.FINISHED_EARLY_FOR_RERUN:
            self.cache.finished_run(self.max_cache_age, run.fragment_ids)
        self.runs.append(run)
        self.current = None
        self.changed.set()

    # -- waiting ------------------------------------------------------------------------

    async def wait_run(self, start: int, deadline: float, full: bool = True) -> tuple[int, Run]:
        """The first finished run at index >= ``start`` (a full one if ``full``) and its index.

        Raises TimeoutError at ``deadline`` (monotonic) and ClientError when the socket closed.
        """
        index = start
        while True:
            while index < len(self.runs):
                run = self.runs[index]
                index += 1
                if run.status == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue
                if not full or run.full:
                    return index, run
            if self.closed:
                raise ClientError(self.closed)
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                raise TimeoutError from None
