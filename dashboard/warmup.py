"""A fresh server warms its caches with one headless run of the page, and says when it is ready.

The first script run after a start builds everything the default view needs: the
initiatives frame, the sidebar's counts for the empty filter, the rendered base map and
the marker layer of all initiatives (the ``st.cache_*`` functions in ``app.py`` and
``ui/mapframe.py``). A visitor who lands on a fresh server would wait for all of that.
So right after it starts, the server runs the page once itself, as a visitor without a
URL would see it (Streamlit's own script check: a session without a browser), which fills
exactly the cache entries the first visitor's run will look up.

``GET <base>/_kk/ready`` answers 503 while that run is under way and 200 once it has
finished: a proxy with a health check on this route (``docs/deploy/haproxy.cfg``) sends
no visitor to a cold server. The answer is JSON: the warm-up's duration, whether the
page ran without an error, and how many entries each of Streamlit's caches holds (a test
checks that a visitor's first run after "ready" adds none of the expensive ones).
A page that fails still ends the warm-up (its visitors see the page's own message); a
run that has not finished within Streamlit's script check timeout (60 s) does too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dashboard.workshop.readiness import READY_PATH

NO_CACHE = {"Cache-Control": "no-store"}
_LOG = logging.getLogger("krimpkaart.warmup")


@dataclass
class Readiness:
    """Where the warm-up stands: not started, under way, or done (and how it went)."""

    started_at: float | None = None  # time.monotonic() when the warm-up began
    seconds: float | None = None  # how long the warm-up run took, once done
    page_ok: bool | None = None
    detail: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def ready(self) -> bool:
        return self.done.is_set()

    def finish(self, page_ok: bool, detail: str) -> None:
        self.seconds = round(time.monotonic() - (self.started_at or time.monotonic()), 3)
        self.page_ok, self.detail = page_ok, detail
        self.done.set()


async def run_page_once() -> tuple[bool, str]:
    """One run of the page's script in a session without a browser (as Streamlit's own
    script health check does): ``(ran without an error, "ok" | "error" | "timeout")``."""
    from streamlit.runtime import Runtime

    return await Runtime.instance().does_script_run_without_error()


async def warm(readiness: Readiness, run_page=run_page_once) -> None:
    """Run the page once to fill the caches, then mark the server ready (whatever happened)."""
    readiness.started_at = time.monotonic()
    try:
        page_ok, detail = await run_page()
    except Exception as exc:  # the server must still become ready; visitors see the error
        page_ok, detail = False, f"{type(exc).__name__}: {exc}"
    readiness.finish(page_ok, detail)
    _LOG.warning("Krimpkaart warm-up: the page ran in %.2f s (%s); ready for visitors",
                 readiness.seconds, detail)


def cache_entries() -> dict[str, int]:
    """Streamlit's caches by function: entries (``st.cache_resource``) or bytes held
    (``st.cache_data``). Read from Streamlit's stats manager; 0 when it is not running."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return {}
    totals: dict[str, int] = {}
    for stats in Runtime.instance().stats_mgr.get_stats().values():
        for stat in stats:
            name = getattr(stat, "cache_name", "")
            if name:  # other stats (sessions, uploads) have no cache name
                totals[name] = totals.get(name, 0) + int(getattr(stat, "byte_length", 0))
    return totals


def ready_route(readiness: Readiness, path: str = f"/{READY_PATH}",
                caches=cache_entries,
                held_back: Callable[[], Awaitable[str | None]] | None = None) -> Route:
    """``GET path``: 200 with the warm-up's report once it is done, 503 until then, and
    503 with a ``reason`` while ``held_back()`` names one (``workshop.readiness``'s hook,
    a store that does not answer)."""

    async def ready(request: Request) -> Response:
        reason = await held_back() if held_back is not None and readiness.ready else None
        body: dict = {"ready": readiness.ready and reason is None}
        if reason is not None:
            body["reason"] = reason
            return JSONResponse(body, status_code=503, headers=NO_CACHE)
        if readiness.ready:
            body.update(seconds=readiness.seconds, page_ok=readiness.page_ok,
                        detail=readiness.detail)
            body["caches"] = await asyncio.to_thread(caches)
            return JSONResponse(body, headers=NO_CACHE)
        if readiness.started_at is not None:
            body["warming_for_s"] = round(time.monotonic() - readiness.started_at, 1)
        return JSONResponse(body, status_code=503, headers=NO_CACHE)

    return Route(path, ready, methods=["GET"], name="krimpkaart_ready")
