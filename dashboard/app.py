"""Krimpkaart Streamlit page: widgets and layout only; logic lives in the core modules."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from dashboard import mapview
from dashboard.i18n import LANGS, t

st.set_page_config(page_title="Krimpkaart", page_icon="🗺️", layout="wide")

lang = st.query_params.get("lang", "nl")
lang = lang if lang in LANGS else "nl"

st.title(t("app_title", lang))
st.caption(t("app_subtitle", lang))

options = mapview.MapOptions(
    lang=lang,
    base_url_path=st.get_option("server.baseUrlPath") or "",
    static_serving=bool(st.get_option("server.enableStaticServing")),
)
st_folium(
    mapview.base_map(options),
    key="kaart",
    height=options.height_px,
    use_container_width=True,
    returned_objects=["last_object_clicked_tooltip"],
)
st.caption(f"{t('credit_boundaries', lang)} · {t('credit_regions_note', lang)}")
