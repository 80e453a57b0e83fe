"""The pins' names and ids as one file per data version, fetched once beside the marker layer.

What the default view of a large map needs is where the initiatives are and their colour:
at 100,000 initiatives it is all clusters, and a pin's name is needed only when it shows
(zoomed in) or is pointed at. So a large layer sends positions, colours and a row number
per point; the names and ids of *all* located initiatives travel separately, as one
content-addressed file (``/_kk/names/<key>``) that the browser caches for good and that
every filter change and every later visit reuses (``kk-markers.js`` fetches it).

The table is kept per process (a small registry): the page registers it while it draws
the map, and the server's route (``dashboard/serve.py``) answers from it. With
``krimpkaart serve`` a browser's requests reach the worker that drew its page (sticky
sessions), so that worker has the table.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard.webmap.markers import NAMES_PATH, place_order, point_labels

__all__ = ["NAMES_PATH", "REGISTRY", "NamesRegistry", "NamesTable", "names_route",
           "names_table", "route_path"]
KEEP_TABLES = 8  # data versions a process keeps (a page that shows an older one refetches)


@dataclass(frozen=True)
class NamesTable:
    """Every located initiative's id and label, in the order the markers refer to."""

    key: str  # a hash of the content: the URL never names two different tables
    ids: list[str]
    labels: list[str]
    rows: dict[str, int] = field(repr=False)

    def body(self) -> bytes:
        """The table as gzip-compressed JSON, as the route sends it."""
        text = json.dumps({"ids": self.ids, "labels": self.labels},
                          ensure_ascii=False, separators=(",", ":"))
        return gzip.compress(text.encode("utf-8"), 6, mtime=0)


def names_table(frame: pd.DataFrame) -> NamesTable:
    """The names table of a (whole, unfiltered) initiatives frame."""
    on_map = frame.loc[frame["on_map"], ["id", "name", "place", "statnaam", "lat", "lon"]]
    on_map = on_map.iloc[place_order(on_map)]
    ids = on_map["id"].astype(str).tolist()
    labels = point_labels(on_map).tolist()
    digest = hashlib.sha1()
    for item in (*ids, *labels):
        digest.update(item.encode("utf-8"))
        digest.update(b"\0")
    return NamesTable(key=digest.hexdigest()[:20], ids=ids, labels=labels,
                      rows={i: n for n, i in enumerate(ids)})


class NamesRegistry:
    """The tables this process has drawn maps with, newest last, with their packed bodies."""

    def __init__(self, keep: int = KEEP_TABLES):
        self.served = False  # set when the server has the route (``names_route``)
        self._keep = keep
        self._tables: OrderedDict[str, NamesTable] = OrderedDict()
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def register(self, table: NamesTable) -> None:
        with self._lock:
            self._tables[table.key] = table
            self._tables.move_to_end(table.key)
            while len(self._tables) > self._keep:
                old, _ = self._tables.popitem(last=False)
                self._bodies.pop(old, None)

    def body(self, key: str) -> bytes | None:
        """The gzip body for ``key``, made on first request; None for an unknown key.
        Compressed outside the lock (0.1 s at 100,000): ``register`` never waits for it."""
        with self._lock:
            table = self._tables.get(key)
            made = self._bodies.get(key)
        if table is None or made is not None:
            return made
        made = table.body()
        with self._lock:
            if key in self._tables:
                self._bodies.setdefault(key, made)
            return self._bodies.get(key, made)


REGISTRY = NamesRegistry()


KEY = re.compile(r"[0-9a-f]{20}")
# The content decides the name, so a browser may keep an answer for good.
KEEP = {"Cache-Control": "public, max-age=31536000, immutable"}


def route_path(base_url_path: str) -> str:
    """The route's path under Streamlit's ``server.baseUrlPath``."""
    base = base_url_path.strip("/")
    return f"/{base}/{NAMES_PATH}/{{key}}" if base else f"/{NAMES_PATH}/{{key}}"


def names_route(registry: NamesRegistry = REGISTRY, path: str = route_path("")) -> Route:
    """``GET path`` answers a names table as gzip JSON; 404 for a table this process does not
    hold (the page keeps its clusters and asks again, ``kk-markers.js``)."""

    async def names(request: Request) -> Response:
        key = request.path_params["key"]
        body = await asyncio.to_thread(registry.body, key) if KEY.fullmatch(key) else None
        if body is None:
            return Response(status_code=404, headers={"Cache-Control": "no-store"})
        return Response(body, media_type="application/json",
                        headers={**KEEP, "Content-Encoding": "gzip"})

    registry.served = True  # pages may now refer to it (a bare `streamlit run app.py` does not)
    return Route(path, names, methods=["GET"], name="krimpkaart_names")
