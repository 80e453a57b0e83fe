"""A naive Krimpkaart page, for comparison in the benchmark (not part of the product).

What a first attempt looks like: the full-resolution CBS municipalities as a
folium.GeoJson with a tooltip, one folium.CircleMarker per initiative, a theme
multiselect in the sidebar and a default ``st_folium`` call (all returned
objects, the whole map rebuilt and sent on every run). Data loading is cached,
as any Streamlit tutorial does, so the comparison is about the map, not I/O.
The map itself is built in naive_map.py, which the benchmark also uses.

The only concession: Leaflet comes from Krimpkaart's local static files instead
of CDNs (blocked in the benchmark), so both pages load the same library the same
way. Run it with ``--server.enableStaticServing true`` and a ``static/`` folder
(symlink to ../dashboard/static) beside this file; bench_map.py does that.

Environment: KRIMPKAART_STORE (the store to read), KRIMPKAART_RUN_LOG (one line
per script run, like the real page).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent))

import naive_map

from dashboard import store
from dashboard.domain.vocab import THEMES

log = os.environ.get("KRIMPKAART_RUN_LOG")
if log:
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(f"{time.time():.3f}\n")


@st.cache_data
def load_municipalities() -> dict:
    return naive_map.municipalities()


@st.cache_data
def load_initiatives() -> list[dict]:
    return store.open_store().list()


st.title("Krimpkaart (naive)")
labels = THEMES.labels("nl")
chosen = st.sidebar.multiselect("Thema", list(labels), format_func=labels.get, key="f_thema")
shown = naive_map.shown(load_initiatives(), chosen)
st.write(f"{len(shown)} initiatieven")
st_folium(naive_map.build(load_municipalities(), shown), height=640, use_container_width=True)
