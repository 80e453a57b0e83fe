"""Live updates: every open page notices other screens' changes without rerunning its script.

Every store write bumps ``store.version()``. A page used to poll it from a Streamlit
fragment every 2.5 s; each poll was a script run with Streamlit's bookkeeping around it,
and 50 open tabs kept the server busy doing nothing. Now the page's JavaScript
(``static/kk-live.mjs``, mounted by ``ui.workshop.live_updates``) asks the tiny HTTP route
made here for the version, and asks Streamlit for a rerun only when it differs from the
version the page was drawn from. The route (served beside the page by ``dashboard/serve.py``)
answers from a cache shared by every tab, so the store is read at most once per
``MAX_AGE_S`` however many tabs poll, and never on the event loop itself.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from dashboard.store import Store, StoreError

VERSION_PATH = "_kk/version"  # below the page's own path, like Streamlit's _stcore/
POLL_INTERVAL_S = 2.0  # the page's poll (+-10 %)
RERUN_SPREAD_S = 1.0  # then a random wait, so a room's pages do not rerun all at once
MAX_AGE_S = 0.5  # an edit shows within MAX_AGE_S + 1.1 x POLL_INTERVAL_S + SPREAD + a rerun
NO_CACHE = {"Cache-Control": "no-store"}


def route_path(base_url_path: str) -> str:
    """The route's path under Streamlit's ``server.baseUrlPath`` (``kaart`` -> ``/kaart/_kk/…``)."""
    base = base_url_path.strip("/")
    return f"/{base}/{VERSION_PATH}" if base else f"/{VERSION_PATH}"


class VersionCache:
    """The store's version, at most ``max_age`` seconds old, read by one caller at a time.

    ``read`` runs in a worker thread (a busy SQLite file must not stall the event loop
    that serves every websocket); callers arriving meanwhile wait for its answer
    instead of starting reads of their own.
    """

    def __init__(self, read: Callable[[], int], max_age: float = MAX_AGE_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._read = read
        self._max_age = max_age
        self._clock = clock
        self._value: int | None = None
        self._read_at = -math.inf
        self._lock = asyncio.Lock()
        self.reads = 0  # store reads so far (tests, benchmarks)

    def _fresh(self) -> bool:
        return self._value is not None and self._clock() - self._read_at < self._max_age

    async def current(self) -> int | None:
        """The version, or None when the store cannot be read (the page retries later)."""
        if self._fresh():
            return self._value
        async with self._lock:
            if not self._fresh():
                self.reads += 1
                try:
                    value = await asyncio.to_thread(self._read)
                except (StoreError, OSError):
                    return None
                self._value, self._read_at = value, self._clock()
        return self._value


def store_version_reader(open_store: Callable[[], Store]) -> Callable[[], int]:
    """``store.version()`` of a store opened on first use (the server starts before any page)."""
    opened: list[Store] = []

    def read() -> int:
        if not opened:
            opened.append(open_store())
        return opened[0].version()

    return read


def version_route(read_version: Callable[[], int], path: str = f"/{VERSION_PATH}",
                  max_age: float = MAX_AGE_S) -> Route:
    """``GET path`` answers the store's version as plain text; 503 while the store is unreadable."""
    cache = VersionCache(read_version, max_age)

    async def version(request: Request) -> Response:
        value = await cache.current()
        if value is None:
            return PlainTextResponse("", status_code=503, headers=NO_CACHE)
        return PlainTextResponse(str(value), headers=NO_CACHE)

    route = Route(path, version, methods=["GET"], name="krimpkaart_version")
    route.cache = cache  # type: ignore[attr-defined]  # for tests and benchmarks
    return route
