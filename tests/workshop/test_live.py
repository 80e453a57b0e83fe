"""Live updates: the version route answers the store's version cheaply, and follows writes."""

from __future__ import annotations

import asyncio
import threading

from starlette.applications import Starlette

from dashboard.store import GeoPackageStore, StoreBusy
from dashboard.workshop import live
from tests.asgi import get_bytes, run


def get(app, path: str) -> tuple[int, dict[str, str], str]:
    """One ``GET path`` through the ASGI app: (status, headers, body)."""
    status, headers, body = get_bytes(app, path)
    return status, headers, body.decode()


def app_for(store: GeoPackageStore, max_age: float = 0.0, base: str = "") -> Starlette:
    route = live.version_route(live.store_version_reader(lambda: store),
                               live.route_path(base), max_age=max_age)
    return Starlette(routes=[route])


def record(rid: str) -> dict:
    return {"id": rid, "name": f"Initiatief {rid}", "lat": 52.1, "lon": 5.1}


def test_route_answers_the_store_version_and_follows_writes(tmp_path):
    store = GeoPackageStore.create(tmp_path / "s.gpkg", [])
    app = app_for(store)
    status, headers, body = get(app, "/_kk/version")
    assert (status, body) == (200, str(store.version()))
    assert headers["cache-control"] == "no-store"  # a proxy or browser must not keep it
    assert headers["content-type"].startswith("text/plain")
    store.add(record("a"), "Anna")
    status, _, after = get(app, "/_kk/version")
    assert status == 200 and int(after) == store.version() > int(body)
    store.save_tour({"id": "t", "title": "T", "steps": []}, "Anna")  # tours are public too
    assert int(get(app, "/_kk/version")[2]) == store.version() > int(after)


def test_route_lives_under_the_base_url_path(tmp_path):
    store = GeoPackageStore.create(tmp_path / "s.gpkg", [])
    assert live.route_path("") == "/_kk/version"
    assert live.route_path("/kaart/") == "/kaart/_kk/version"
    app = app_for(store, base="kaart")
    assert get(app, "/kaart/_kk/version")[0] == 200
    assert get(app, "/_kk/version")[0] == 404


def test_many_tabs_at_once_cost_one_store_read():
    reads = []

    def read() -> int:
        reads.append(threading.get_ident())
        return 7

    cache = live.VersionCache(read, max_age=60)

    async def many() -> tuple[list[int | None], int]:
        answers = await asyncio.gather(*(cache.current() for _ in range(50)))
        return answers, threading.get_ident()

    answers, loop_thread = run(many())
    assert answers == [7] * 50
    assert len(reads) == 1 and cache.reads == 1
    assert reads[0] != loop_thread  # read in a worker thread, not on the event loop


def test_cached_answer_expires_after_max_age():
    now = [100.0]
    version = [1]
    cache = live.VersionCache(lambda: version[0], max_age=0.5, clock=lambda: now[0])
    assert run(cache.current()) == 1
    version[0] = 2
    now[0] += 0.4
    assert run(cache.current()) == 1  # within max_age: no read
    now[0] += 0.2
    assert run(cache.current()) == 2
    assert cache.reads == 2


def test_unreadable_store_answers_503_and_recovers(tmp_path):
    store = GeoPackageStore.create(tmp_path / "s.gpkg", [])
    busy = [True]

    def read() -> int:
        if busy[0]:
            raise StoreBusy("locked")
        return store.version()

    app = Starlette(routes=[live.version_route(read, max_age=0)])
    status, headers, body = get(app, "/_kk/version")
    assert (status, body) == (503, "") and headers["cache-control"] == "no-store"
    busy[0] = False
    assert get(app, "/_kk/version") == (200, get(app, "/_kk/version")[1], str(store.version()))


def test_store_is_opened_once_on_first_read(tmp_path):
    store = GeoPackageStore.create(tmp_path / "s.gpkg", [])
    opened = []

    def open_store() -> GeoPackageStore:
        opened.append(1)
        return store

    read = live.store_version_reader(open_store)
    assert opened == []  # the server starts before the store is needed
    assert read() == read() == store.version()
    assert opened == [1]
