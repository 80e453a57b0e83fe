"""What ``krimpkaart run`` serves: the Streamlit page (``app.py``) plus one route of ours.

``streamlit run dashboard/serve.py`` finds ``app`` below (an ``st.App``) and serves it
with the same server, options and static files as ``streamlit run dashboard/app.py``,
plus the live-update version route that every open page polls (``workshop.live``) and
the readiness route a proxy's health check asks (``workshop.readiness``), under the same
``server.baseUrlPath``. The page's script stays ``app.py``.

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

from dashboard import config, store
from dashboard.workshop import live, readiness

# What the page imports and keeps for the life of the process. Never a module that declares
# a Streamlit component (streamlit_folium, dashboard.ui): a component declared outside a
# script run is never registered, and the page would ask for its files in vain (404).
PRELOAD = (
    "pandas", "geopandas", "shapely", "pyproj", "folium", "branca", "altair", "babel.numbers",
    "dashboard.geo", "dashboard.i18n", "dashboard.query", "dashboard.store",
    "dashboard.tabular", "dashboard.webmap", "dashboard.workshop",
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


@asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    await asyncio.to_thread(preload)
    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the process: no need to scan it again
    readiness.ready()
    yield


def _routes() -> list:
    """The version route (every open page polls it) and the readiness route (the proxy's
    health check), both answering from one cached store version."""
    base = str(st_config.get_option("server.baseUrlPath") or "")
    reader = live.store_version_reader(store.open_store)
    version = live.version_route(reader, live.route_path(base))

    async def store_answers() -> bool:
        return await version.cache.current() is not None  # type: ignore[attr-defined]

    return [version, readiness.ready_route(store_answers, readiness.route_path(base))]


app = st.App(config.APP_PATH, routes=_routes(), lifespan=_lifespan)
