"""Readiness: whether this server process may be sent visitors yet (a proxy's health check).

``krimpkaart serve`` puts HAProxy in front of several app processes and asks each one
``GET <base>/_kk/ready`` every few seconds: 200 sends it visitors, 503 takes it out of the
rotation until it answers 200 again. A process is ready once something has said so
(``dashboard/serve.py`` does after loading the page's libraries; a later warm-up may call
``not_ready`` first and ``ready`` when done) and its store answers.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

READY_PATH = "_kk/ready"
NO_CACHE = {"Cache-Control": "no-store"}

_ready = threading.Event()
_reason = ["starting"]  # why not ready, for the operator reading the check's answer


def ready() -> None:
    """This process may take visitors (once its store answers too)."""
    _ready.set()


def not_ready(reason: str) -> None:
    """Take this process out of the proxy's rotation until ``ready()``; ``reason`` is shown."""
    _reason[0] = reason
    _ready.clear()


def is_ready() -> bool:
    return _ready.is_set()


def route_path(base_url_path: str) -> str:
    """The route's path under Streamlit's ``server.baseUrlPath``."""
    base = base_url_path.strip("/")
    return f"/{base}/{READY_PATH}" if base else f"/{READY_PATH}"


def ready_route(store_answers: Callable[[], Awaitable[bool]],
                path: str = f"/{READY_PATH}") -> Route:
    """``GET path``: 200 ``ready``, or 503 with the reason (``starting``, ``store``, ...)."""

    async def check(request: Request) -> Response:
        if not _ready.is_set():
            return PlainTextResponse(_reason[0], status_code=503, headers=NO_CACHE)
        if not await store_answers():
            return PlainTextResponse("store", status_code=503, headers=NO_CACHE)
        return PlainTextResponse("ready", headers=NO_CACHE)

    return Route(path, check, methods=["GET", "HEAD"], name="krimpkaart_ready")
