"""Session state of the page and its mirror in the URL (``st.query_params``).

The URL is read once per browser session; after that the widgets are the
source of truth and the URL is rewritten whenever the state changes, so a
copied link reopens the same view.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.i18n import LANGS, t
from dashboard.query import FACETS, FilterState, ViewState, parse_query, to_query

WIDGET_PREFIX = "f_"


def init_from_url() -> None:
    """Fill session state from the query string on the first run of a session."""
    if st.session_state.get("_initialised"):
        return
    parsed = parse_query(st.query_params.to_dict())
    apply_filters(parsed.filters)
    view = parsed.view
    st.session_state.update(
        sel_id=view.id, sel_gm=view.gm, sel_regio=view.gebied, lang=view.lang,
        kaart=view.kaart, laag_bevolking=view.laag == "bevolking", bbox=view.bbox,
        centrum=view.centrum, zoom=view.zoom, jaar=view.jaar, tl_playing=False,
        mode=view.mode, tour=view.tour, stap=view.stap,
        notices=parsed.notices,
        sel_ids=[], adding=False, _initialised=True,
    )


def apply_filters(state: FilterState) -> None:
    """Put a FilterState into the filter widgets (URL load and reset)."""
    st.session_state[f"{WIDGET_PREFIX}q"] = state.q
    for facet in FACETS:
        st.session_state[f"{WIDGET_PREFIX}{facet.key}"] = list(state.values(facet.key))
    st.session_state["f_van"] = state.van
    st.session_state["f_tot"] = state.tot
    st.session_state["f_zonderjaar"] = state.zonderjaar


def current_filters() -> FilterState:
    """The FilterState the widgets describe now."""
    ss = st.session_state
    van, tot = ss.get("f_van"), ss.get("f_tot")
    return FilterState(
        q=(ss.get(f"{WIDGET_PREFIX}q") or "").strip(),
        van=van, tot=tot, zonderjaar=bool(ss.get("f_zonderjaar", True)),
        **{f.key: tuple(ss.get(f"{WIDGET_PREFIX}{f.key}") or ()) for f in FACETS},
    )


def current_view() -> ViewState:
    ss = st.session_state
    return ViewState(
        id=ss.get("sel_id", ""), gm=ss.get("sel_gm", ""), gebied=ss.get("sel_regio", ""),
        kaart=ss.get("kaart", "pdok-grijs"), lang=ss.get("lang", "nl"),
        laag="bevolking" if ss.get("laag_bevolking") else "", bbox=ss.get("bbox"),
        centrum=ss.get("centrum"), zoom=ss.get("zoom"), jaar=ss.get("jaar"),
        mode=ss.get("mode", ""),
        tour=ss.get("tour", ""), stap=int(ss.get("stap", 0) or 0),
    )


def sync_url(filters: FilterState, view: ViewState) -> None:
    """Rewrite the query string when the state changed (this does not rerun the script)."""
    wanted = to_query(filters, view)
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)


def select_initiative(record_id: str) -> None:
    st.session_state.update(sel_id=record_id, sel_ids=[], sel_gm="", sel_regio="")


def select_area(gm: str = "", regio: str = "") -> None:
    st.session_state.update(sel_id="", sel_ids=[], sel_gm=gm, sel_regio=regio)


def clear_selection() -> None:
    st.session_state.update(sel_id="", sel_ids=[], sel_gm="", sel_regio="")


def zoom_to(center: list[float], zoom: float) -> None:
    """Ask the map to move; a tiny nudge makes a repeated request count as a change."""
    nudge = st.session_state.get("_zoom_nudge", 0) + 1
    st.session_state["_zoom_nudge"] = nudge
    st.session_state["map_center"] = [center[0] + (nudge % 2) * 1e-7, center[1]]
    st.session_state["map_zoom"] = zoom


def keep_labelled_choice(key: str, label_keys: Sequence[str], lang: str) -> None:
    """Keep a choice stored by its label (the open tab) when the language changes.

    Streamlit keeps the tab's label in session state; after a language switch
    that label is in the other language, matches no tab, and the first tab would
    open. This puts the same tab's label in ``lang`` there instead.
    """
    current = st.session_state.get(key)
    wanted = [t(k, lang) for k in label_keys]
    if current is None or current in wanted:
        return
    for other in LANGS:
        labels = [t(k, other) for k in label_keys]
        if current in labels:
            st.session_state[key] = wanted[labels.index(current)]
            return
