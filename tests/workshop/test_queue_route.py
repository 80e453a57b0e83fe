"""The queue route: a workshop's queue changes, for the facilitator's poll, cached per code."""

from __future__ import annotations

from starlette.applications import Starlette

from dashboard.store import GeoPackageStore
from dashboard.store.rooms import rooms_of
from dashboard.workshop import queue_route
from tests.workshop.test_live import get


def app_for(store, max_age: float = 0.0, base: str = "") -> Starlette:
    route = queue_route.queue_route(queue_route.changes_reader(lambda: store),
                                    queue_route.route_path(base), max_age=max_age)
    return Starlette(routes=[route])


def test_the_route_follows_suggestions_but_the_public_version_does_not(tmp_path):
    store = GeoPackageStore.create(tmp_path / "s.gpkg", [])
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    app = app_for(store)
    status, headers, body = get(app, "/_kk/queue/ACDEF")
    assert (status, body, headers["cache-control"]) == (200, "0", "no-store")
    version = store.version()
    rooms.submit("ACDEF", "d", "ip", {"name": "x"})
    assert get(app, "/_kk/queue/acdef")[2] == "1"  # typed in lower case: the same code
    assert store.version() == version
    assert get(app, "/_kk/queue/HHHHH")[2] == "-1"  # no such workshop
    assert get(app, "/_kk/queue/<script>")[0] == 404


def test_answers_are_cached_per_code_and_under_the_base_path(tmp_path):
    store = GeoPackageStore.create(tmp_path / "s.gpkg", [])
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    app = app_for(store, max_age=60.0, base="kaart")
    assert get(app, "/kaart/_kk/queue/ACDEF")[2] == "0"
    rooms.submit("ACDEF", "d", "ip", {"name": "x"})
    assert get(app, "/kaart/_kk/queue/ACDEF")[2] == "0"  # within max_age: the cached answer
    route = app.routes[0]
    assert list(route.caches) == ["ACDEF"] and route.caches["ACDEF"].reads == 1
    assert get(app, "/_kk/queue/ACDEF")[0] == 404
