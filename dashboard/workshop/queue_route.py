"""The facilitator's queue, live: a tiny HTTP route that says how often a workshop's queue
changed, which the facilitator's page polls like the store's version (``live.py``).

Suggestions do not bump the store's version (the public pages must not rerun for
them), so the facilitator's page needs a number of its own: ``Workshop.changes``,
bumped by every new suggestion and decision. The page's poller
(``static/kk-live.mjs``, mounted a second time by ``ui/queue.py``) asks for a rerun
only when the number differs from the one the page was drawn with. Answers are cached
for ``live.MAX_AGE_S`` per code, so any number of open facilitator tabs read the store
at most twice a second per workshop. The number says nothing a participant could use.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from dashboard.store import Store
from dashboard.store.rooms import rooms_of
from dashboard.workshop import live, room

QUEUE_PATH = "_kk/queue"  # + "/<code>", below the page's own path like the version route
MAX_CODES = 64  # caches kept (one per workshop code asked about); more start again


def route_path(base_url_path: str) -> str:
    base = base_url_path.strip("/")
    return f"/{base}/{QUEUE_PATH}/{{code}}" if base else f"/{QUEUE_PATH}/{{code}}"


def changes_reader(open_store: Callable[[], Store]) -> Callable[[str], int]:
    """``changes`` of a workshop (-1 when there is no such workshop), on a store opened on
    first use."""
    opened: list[Store] = []

    def read(code: str) -> int:
        if not opened:
            opened.append(open_store())
        found = rooms_of(opened[0]).workshop(code)
        return -1 if found is None else found.changes

    return read


def queue_route(read_changes: Callable[[str], int], path: str = f"/{QUEUE_PATH}/{{code}}",
                max_age: float = live.MAX_AGE_S) -> Route:
    """``GET path`` answers the workshop's queue changes as plain text; 404 for a malformed
    code, 503 while the store is unreadable."""
    caches: dict[str, live.VersionCache] = {}

    async def changes(request: Request) -> Response:
        code = room.normalise_code(request.path_params.get("code"))
        if not code:
            return PlainTextResponse("", status_code=404, headers=live.NO_CACHE)
        cache = caches.get(code)
        if cache is None:
            if len(caches) >= MAX_CODES:
                caches.clear()
            cache = caches[code] = live.VersionCache(lambda: read_changes(code), max_age)
        value = await cache.current()
        if value is None:
            return PlainTextResponse("", status_code=503, headers=live.NO_CACHE)
        return PlainTextResponse(str(value), headers=live.NO_CACHE)

    route = Route(path, changes, methods=["GET"], name="krimpkaart_queue")
    route.caches = caches  # type: ignore[attr-defined]  # for tests and benchmarks
    return route
