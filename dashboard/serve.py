"""What ``krimpkaart run`` serves: the Streamlit page (``app.py``) plus one route of ours.

``streamlit run dashboard/serve.py`` finds ``app`` below (an ``st.App``) and serves it
with the same server, options and static files as ``streamlit run dashboard/app.py``,
plus the live-update version route that every open page polls (``workshop.live``),
under the same ``server.baseUrlPath``. The page's script stays ``app.py``.
"""

from __future__ import annotations

import streamlit as st
from streamlit import config as st_config

from dashboard import config, store
from dashboard.workshop import live


def _version_route():
    base = str(st_config.get_option("server.baseUrlPath") or "")
    reader = live.store_version_reader(store.open_store)
    return live.version_route(reader, live.route_path(base))


app = st.App(config.APP_PATH, routes=[_version_route()])
