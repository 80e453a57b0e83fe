"""What ``krimpkaart run`` serves: the Streamlit page (``app.py``) plus one route of ours.

``streamlit run dashboard/serve.py`` finds ``app`` below (an ``st.App``) and serves it
with the same server, options and static files as ``streamlit run dashboard/app.py``,
plus the live-update version route that every open page polls (``workshop.live``) and
the readiness route a proxy's health check asks (``workshop.readiness``), under the same
``server.baseUrlPath``. The page's script stays ``app.py``.

Once it serves, the server runs the page once by itself to warm its caches, and its
readiness route (``/_kk/ready``, ``warmup``) answers 200 only after that: a proxy that
checks it sends visitors only to warm servers.

Before it serves, the server loads what every page needs and then freezes it out of
the garbage collector's full passes (``gc.freeze``): with Streamlit's collection after
every run switched off (``cli/run.py``), Python's own full collections still walk every
live object, and the libraries' ~150,000 objects made each one hold the server for
~150 ms (bench/RESULTS-load.txt).
"""

from __future__ import annotations

import asyncio
import gc
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from streamlit import config as st_config

from dashboard import config, store, warmup
from dashboard.webmap import names
from dashboard.workshop import live, queue_route, readiness

# What the page imports and keeps for the life of the process. Never a module that declares
# a Streamlit component (streamlit_folium, dashboard.ui): a component declared outside a
# script run is never registered, and the page would ask for its files in vain (404).
PRELOAD = (
    "pandas", "geopandas", "shapely", "pyproj", "folium", "branca", "altair", "babel.numbers",
    "dashboard.geo", "dashboard.i18n", "dashboard.query", "dashboard.store",
    "dashboard.tabular", "dashboard.webmap", "dashboard.workshop",
    "dashboard.export",  # matplotlib and the export layouts: 0.6 s of the first run otherwise
)


def preload() -> None:
    """Import the page's libraries and read the boundary layers and texts once."""
    for name in PRELOAD:
        importlib.import_module(name)
    from dashboard import geo
    from dashboard.i18n import LANGS, t

    geo.municipalities(), geo.regions(), geo.provinces()
    for lang in LANGS:
        t("app_title", lang)


READINESS = warmup.Readiness()


@asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    await asyncio.to_thread(preload)
    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the process: no need to scan it again
    # Serve at once (Streamlit's health check answers), warm meanwhile: the readiness
    # route tells a proxy when; a visitor who comes earlier waits for the same caches.
    readiness.ready()  # the libraries are in; the warm-up below still holds the route at 503
    warming = asyncio.create_task(warmup.warm(READINESS), name="krimpkaart-warmup")
    try:
        yield
    finally:
        warming.cancel()


def _base_url_path() -> str:
    return str(st_config.get_option("server.baseUrlPath") or "")


def _routes() -> list:
    """The version route (every open page polls it), the readiness route (the proxy's
    health check: warm, not held back by ``workshop.readiness``, and the store answers,
    read from the version route's cache), the facilitator's queue route, and the pins'
    names of a large map (``webmap.names``)."""
    base = _base_url_path()
    version = live.version_route(live.store_version_reader(store.open_store),
                                 live.route_path(base))

    async def held_back() -> str | None:
        if not readiness.is_ready():
            return readiness.reason()
        if await version.cache.current() is None:  # type: ignore[attr-defined]
            return "store"
        return None

    ready = warmup.ready_route(READINESS, readiness.route_path(base), held_back=held_back)
    queue = queue_route.queue_route(queue_route.changes_reader(store.open_store),
                                    queue_route.route_path(base))
    return [version, ready, queue, names.names_route(names.REGISTRY, names.route_path(base))]


app = st.App(config.APP_PATH, routes=_routes(), lifespan=_lifespan)
