"""Krimpkaart Streamlit page: layout and widgets; the logic lives in the core modules.

Data flows one way: store (cached per store version) -> initiatives frame ->
filters -> map layers and panels. The base map is rendered once per layer
choice (``ui.mapframe``) and the filtered initiatives travel separately as a feature
group, so a filter change does not remount the map or lose the user's zoom.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time

import pandas as pd
import streamlit as st

from dashboard import config, query, store, webmap
from dashboard.domain.vocab import THEMES
from dashboard.i18n import t
from dashboard.query import profiles
from dashboard.query.similar import SimilarityIndex
from dashboard.ui import (
    editor,
    export_tab,
    learn,
    mapframe,
    overview,
    panels,
    participate,
    results,
    session,
    share,
    sidebar,
    static,
    timeline,
    workshop,
)
from dashboard.ui import room as room_ui
from dashboard.ui.markdown import md_escape
from dashboard.webmap import names

st.set_page_config(page_title="Krimpkaart", page_icon="🗺️", layout="wide")


@st.cache_resource
def open_store(path: str) -> store.Store:
    return store.open_store(path)


def store_location() -> str:
    """KRIMPKAART_STORE (a file or a postgresql:// URL), else the user's default: the key
    the store and its frames are cached under."""
    return str(store.default_store_location())


def get_store() -> store.Store:
    """The store at ``store_location()``, opened once per location."""
    return open_store(store_location())


DATA_VERSION = "krimpkaart_version"  # frame.attrs key; filtering keeps attrs


@st.cache_resource
def newest_frames() -> query.NewestFrames:
    """The newest frame per store in this process, for the next version to start from."""
    return query.NewestFrames()


@st.cache_resource(max_entries=4)
def load_frame(path: str, version: int) -> pd.DataFrame:
    """All initiatives with their location columns; made anew only when the store changes.

    Read column-wise (``Store.columns()``): at 100,000 initiatives a dict per record
    made this the 26 s the first visitor after a server start waited for. A new version
    re-reads only the records written since the newest frame (``query.read_frame``)."""
    frame = newest_frames().frame(path, version, open_store(path))
    frame.attrs[DATA_VERSION] = version
    return frame


@st.cache_resource(max_entries=4, show_spinner=False)
def names_table(path: str, version: int) -> names.NamesTable:
    """The pins' names of all initiatives, which a large map layer refers to by row."""
    return names.names_table(load_frame(path, version))


def layer_names(shown: pd.DataFrame) -> names.NamesTable | None:
    """The names table for this data version, registered for the server's names route;
    None when the server has no such route (a bare ``streamlit run``) or the frame did not
    come from the store (the layer then carries the names itself)."""
    version = shown.attrs.get(DATA_VERSION)
    if version is None or not names.REGISTRY.served:
        return None
    table = names_table(store_location(), version)
    names.REGISTRY.register(table)
    return table


@st.cache_resource(max_entries=4, show_spinner=False)
def similarity_index(path: str, version: int) -> SimilarityIndex:
    """'Leer van elkaar' over all initiatives (TF-IDF of their texts): once per data version."""
    return SimilarityIndex.build(load_frame(path, version))


@st.cache_data(max_entries=64, show_spinner=False)
def facet_counts(path: str, version: int, state: query.FilterState) -> dict:
    """The sidebar's option counts, shared by sessions that look at the same filters."""
    return query.facet_counts(load_frame(path, version), state)


def on_map_click() -> None:
    """Select what was clicked (its key hides in the tooltip), or place a new initiative."""
    ss = st.session_state
    state = ss.get("map_state") or {}
    tip = state.get("last_object_clicked_tooltip")
    new_tip, ss["_last_tip"] = tip != ss.get("_last_tip"), tip
    if ss.get("adding"):
        editor.on_map_click_while_adding(state, _pin_point(tip) if new_tip else None)
        return
    if not new_tip:
        return  # a click on the empty map: keep the current selection
    clicked = webmap.clicked_key(tip)
    if clicked is None:
        return
    kind, values = clicked
    if kind == "gm":
        session.select_area(gm=values[0])
    elif len(values) == 1:
        session.select_initiative(values[0])
    else:
        st.session_state.update(sel_id="", sel_gm="", sel_regio="", sel_ids=values)


def _pin_point(tip: str | None) -> tuple[float, float] | None:
    """Where the clicked initiative's pin is (a click on a pin does not reach the map)."""
    clicked = webmap.clicked_key(tip)
    if clicked is None or clicked[0] != "id":
        return None
    record = get_store().get(clicked[1][0])
    if record is None or record["lat"] is None or record["lon"] is None:
        return None
    return record["lat"], record["lon"]


@st.cache_data
def jump_options(lang: str) -> dict[str, str]:
    """'Go to' choices: regions first, then every municipality by name."""
    from dashboard import geo

    options = {"": t("jump_placeholder", lang)}
    for row in geo.regions().sort_values("regio").itertuples(index=False):
        options[f"regio:{row.slug}"] = f"{t('region', lang)}: {row.regio}"
    for row in geo.municipalities().sort_values("statnaam").itertuples(index=False):
        options[f"gm:{row.statcode}"] = row.statnaam
    return options


def on_jump() -> None:
    choice = st.session_state.get("jump") or ""
    kind, _, value = choice.partition(":")
    lang = st.session_state.get("lang", "nl")
    profile = None
    if kind == "gm":
        session.select_area(gm=value)
        empty = pd.DataFrame(columns=["statcode", "id"])
        profile = profiles.municipality_profile(value, empty, lang)
    elif kind == "regio":
        session.select_area(regio=value)
        profile = profiles.region_profile(value, pd.DataFrame(columns=["statcode", "id"]), lang)
    if profile is not None:
        center, zoom = webmap.view_for_bounds(profile.bounds)
        session.zoom_to(center, zoom)
    st.session_state["jump"] = ""


def _initial_bounds() -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The bounds an older shared link asked for (read once: sharing later does not remount)."""
    ss = st.session_state
    if "initial_bbox" not in ss:
        ss["initial_bbox"] = ss.get("bbox")
    bbox = ss["initial_bbox"]
    if not bbox:
        return None
    west, south, east, north = bbox
    return ((south, west), (north, east))


def _initial_view() -> tuple[float, float, float] | None:
    """The exact view (lat, lon, zoom) a shared link asked for, read once like the bounds."""
    ss = st.session_state
    if "initial_view" not in ss:
        centre, zoom = ss.get("centrum"), ss.get("zoom")
        ss["initial_view"] = (centre[0], centre[1], zoom) if centre and zoom else None
    return ss["initial_view"]


def _forget_spent_zoom(options: webmap.MapOptions) -> None:
    """A new base map (language, layers) makes a new map frame, which keeps the user's
    view (``kk-frame.js``); a zoom request the old frame already showed must not
    move the new one back there."""
    ss = st.session_state
    base = dataclasses.astuple(options)
    if ss.get("_map_base") not in (None, base) and ss.get("_zoom_shown") == ss.get("_zoom_nudge"):
        ss.pop("map_center", None)
        ss.pop("map_zoom", None)
    ss["_map_base"], ss["_zoom_shown"] = base, ss.get("_zoom_nudge")


def _layer_key(shown: pd.DataFrame, lang: str, selected: str,
               focus: webmap.Focus) -> tuple | None:
    """What the layer depends on: the data version, the records shown, language, selection,
    and the outlined areas and fit."""
    version = shown.attrs.get(DATA_VERSION)
    if version is None:  # a frame that did not come from load_frame: do not cache
        return None
    ids = hashlib.sha1("\n".join(map(str, shown["id"].tolist())).encode("utf-8")).hexdigest()
    return (version, ids, lang, selected, focus)


def map_focus(state: query.FilterState, shown: pd.DataFrame) -> webmap.Focus:
    """The chosen areas' outline and the fit to them or to the search results; a shared
    link's own view (centrum/zoom, bbox) wins over the fit its filters would make."""
    focus = webmap.map_focus(state, shown)
    ss = st.session_state
    if "_focus_linked" not in ss:  # the first run of the session
        ss["_focus_linked"] = focus.key if (ss.get("centrum") or ss.get("bbox")) else None
    if focus.key and focus.key == ss["_focus_linked"]:
        return dataclasses.replace(focus, quiet=True)
    ss["_focus_linked"] = None
    return focus


def render_map(shown: pd.DataFrame, lang: str) -> None:
    ss = st.session_state
    options = webmap.MapOptions(
        lang=lang, basemap=ss.get("kaart", webmap.DEFAULT_BASEMAP),
        population=bool(ss.get("laag_bevolking")), region_names=bool(ss.get("region_names")),
        base_url_path=st.get_option("server.baseUrlPath") or "",
        static_serving=bool(st.get_option("server.enableStaticServing")),
        fit_bounds=_initial_bounds(), view=_initial_view(),
        legend_note=False,  # the panel's caption says it: a smaller legend hides less map
    )
    _forget_spent_zoom(options)
    selected = ss.get("sel_id", "")
    focus = map_focus(session.current_filters(), shown)
    table = layer_names(shown)  # every run: a cached layer may refer to it
    mapframe.show_map(
        options, THEMES.labels(lang),
        lambda: webmap.initiatives_layer(shown, lang, selected, focus, table),
        layer_key=_layer_key(shown, lang, selected, focus),
        key="map_state",
        height=options.height_px,  # kk-page.css fits the frame to the window
        returned_objects=["last_object_clicked_tooltip", "last_clicked"],
        center=ss.get("map_center"),
        zoom=ss.get("map_zoom"),
        on_change=on_map_click,
        extra_layer=editor.pending_layer(lang),
    )


def selected_area(shown: pd.DataFrame, lang: str) -> profiles.AreaProfile | None:
    ss = st.session_state
    if ss.get("sel_gm"):
        return profiles.municipality_profile(ss["sel_gm"], shown, lang)
    if ss.get("sel_regio"):
        return profiles.region_profile(ss["sel_regio"], shown, lang)
    return None


def side_panel(db: store.Store, frame: pd.DataFrame, shown: pd.DataFrame, lang: str) -> None:
    """Details of what is selected (or the add form), then the lists without a point."""
    ss = st.session_state
    if ss.get("adding") and workshop.is_facilitator():
        editor.add_panel(db, frame, lang)
        return
    selected = frame[frame["id"] == ss.get("sel_id")] if ss.get("sel_id") else frame.iloc[0:0]
    version = db.version()
    if not selected.empty:
        record_id = str(selected.iloc[0]["id"])
        panels.details(selected.iloc[0].to_dict(), lang, more=lambda: learn.similar(
            similarity_index(store_location(), version), record_id, lang))
        if workshop.is_facilitator():
            record = db.get(str(selected.iloc[0]["id"]))
            if record:
                editor.edit_controls(db, record, lang)
        if selected.iloc[0]["id"] not in set(shown["id"]):
            st.caption(t("selected_filtered_out", lang))
    elif ss.get("sel_ids"):
        panels.shared_point(ss["sel_ids"], shown, lang)
    elif profile := selected_area(shown, lang):
        panels.area(profile, shown, lang, actions=lambda: area_brief(frame, version, lang),
                    more=lambda: elsewhere_not_here(frame, lang))
    else:
        if ss.get("sel_id"):
            st.warning(t("unknown_id", lang))
        st.info(t("panel_hint", lang))
    if not workshop.in_presentation():
        state = session.current_filters()
        unbound = query.unbound(frame, state) if query.is_spatial(state) else None
        panels.without_point(shown, lang, unbound)


def area_brief(frame: pd.DataFrame, version: int, lang: str) -> None:
    """The area's brief (PDF) beside "zoom to": made only when the button is pressed."""
    from dashboard.export.brief import build_brief
    from dashboard.export.brieflayout import render_brief
    from dashboard.geo import provenance

    kind, code = selected_area_code()
    region = provenance.region(code) if kind == "regio" else None
    name = region.name if region else provenance.municipality_names().get(code, code)

    def make() -> bytes:
        index = similarity_index(store_location(), version)
        return render_brief(build_brief(kind, code, frame, lang, index=index))

    learn.brief_button(kind, code, name, lang, make)


def elsewhere_not_here(frame: pd.DataFrame, lang: str) -> None:
    """Below a region's profile: what other regions have and it has not (yet)."""
    from dashboard.geo import provenance

    kind, code = selected_area_code()
    region = provenance.region(code) if kind == "regio" else None
    if region is not None:
        learn.elsewhere_not_here(frame, region.members, region.name, lang)


def selected_area_code() -> tuple[str, str]:
    """("gemeente", statcode) or ("regio", slug) of the selected area (as ``selected_area``)."""
    ss = st.session_state
    return ("gemeente", ss["sel_gm"]) if ss.get("sel_gm") else ("regio", ss["sel_regio"])


def about(lang: str) -> None:
    panels.about(lang)


def map_and_panel(db: store.Store, frame: pd.DataFrame, shown: pd.DataFrame, lang: str,
                  years: timeline.TimelineView) -> None:
    """The map fills the window below its top; the panel beside it scrolls on its own
    (on a phone it comes below the map). Sizes: ``static/kk-page.css``."""
    col_map, col_side = st.columns([0.68, 0.32], gap="medium")
    with col_map:
        if not workshop.in_presentation():
            map_toolbar(lang, years)
        if years.year is not None:  # open: a row of its own; closed it is a button in a bar
            timeline.timeline_bar(years, lang, large=workshop.in_presentation())
        render_map(shown, lang)
    with col_side, st.container(key="side_panel"):
        side_panel(db, frame, shown, lang)
        st.caption(f"{t('credit_boundaries', lang)} · {t('credit_initiatives', lang)} · "
                   f"{t('credit_regions_note', lang)}")


def map_toolbar(lang: str, years: timeline.TimelineView) -> None:
    """'Go to', 'link to this view' and (while closed) 'timeline' in one row above the map."""
    with st.container(horizontal=True, vertical_alignment="center", key="map_toolbar"):
        jumps = jump_options(lang)
        st.session_state["jump"] = st.session_state.get("jump", "")  # label follows lang
        st.selectbox(t("jump_to", lang), list(jumps), key="jump",
                     format_func=jumps.get, on_change=on_jump, label_visibility="collapsed")
        share.share_button(lang)
        if years.year is None:
            timeline.timeline_bar(years, lang, large=False)


TABS = ("tab_map", "tab_overview", "tab_export", "tab_about")


def explore_page(db: store.Store, frame: pd.DataFrame, shown: pd.DataFrame, lang: str,
                 years: timeline.TimelineView) -> None:
    """The policymaker's page: title, counts, map with panels, overview, about."""
    st.title(t("app_title", lang))
    st.caption(t("app_subtitle", lang))
    state = session.current_filters()
    results.result_lines(frame, shown, query.unbound(frame, state), lang,
                         filtered=not state.is_empty())
    # Tracked tabs: the map is always drawn (so it keeps its zoom), the other tabs
    # only while open, which keeps a filter change to the work the user can see.
    session.keep_labelled_choice("tab", TABS, lang)  # the same tab after a language switch
    tab_map, tab_overview, tab_export, tab_about = st.tabs(
        [t(key, lang) for key in TABS], key="tab", on_change="rerun")
    with tab_map:
        workshop.tour_bar(db, frame, lang)
        map_and_panel(db, frame, shown, lang, years)
        workshop.tour_editor(db, frame, lang)  # below the map: opening it does not remount
    if tab_overview.open:
        with tab_overview:
            overview.overview(shown, lang)
    if tab_export.open:
        with tab_export:
            export_tab.export_tab(db, frame, shown, session.current_filters(), lang)
    if tab_about.open:
        with tab_about:
            about(lang)


def presentation_page(
    db: store.Store, frame: pd.DataFrame, shown: pd.DataFrame, lang: str,
    years: timeline.TimelineView,
) -> None:
    """The facilitator's screen: no chrome, the story card on top, the map as large as fits."""
    closed = years.year is None  # the timeline's button (and its keys) sit in the bar
    workshop.presentation_bar(
        db, lang, timeline_button=(lambda: timeline.timeline_bar(years, lang, large=True))
        if closed else None, extra=lambda: room_ui.qr_toggle(db, lang))
    workshop.tour_bar(db, frame, lang)
    map_and_panel(db, frame, shown, lang, years)


def log_run() -> None:
    """Benchmarks count script runs per change: one line per run when asked to."""
    path = config.settings().run_log
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{time.time():.3f}\n")


def main() -> None:
    log_run()
    if participate.wanted():  # a participant's phone: the form only, no map page
        participate.page(get_store())
        return
    session.init_from_url()
    ss = st.session_state
    ss.setdefault("region_names", True)
    lang = sidebar.language_switch()

    db = get_store()
    version = db.version()
    frame = load_frame(store_location(), version)
    workshop.presentation_toggle(lang)
    workshop.tour_picker(db, lang)
    workshop.facilitator_gate(db, lang)
    editor.facilitator_tools(db, lang)
    room_ui.sidebar(db, lang)
    room_ui.review_dialog(db, frame, lang)
    workshop.tour_editor_button(lang)
    sidebar.normalise_facets()
    state = session.current_filters()
    counts = facet_counts(store_location(), version, state)
    sidebar.filters(frame, counts, lang)
    sidebar.map_options(lang)
    state = session.current_filters()
    shown = query.apply(frame, state)
    years = timeline.current(shown)  # the timeline's year shows what started by then
    if years.step is not None:
        shown = years.step.shown

    # Styles and the key listener take no room: kk-page.css hides their container.
    with st.container(key="page_helpers"):
        # markdown, not st.html: the page already loads markdown's code, not st.html's
        st.markdown(static.style("kk-page.css"), unsafe_allow_html=True)
        learn.styles()
        workshop.presentation_styles()
        if workshop.in_presentation() or ss.get("tour"):  # the keys only walk a tour
            workshop.keyboard_shortcuts()
    for notice in ss.get("notices", []):
        st.warning(t("url_notice", lang, notice=md_escape(notice.text(lang))),
                   icon=":material/link_off:")
    ss["notices"] = []
    if workshop.in_presentation():
        presentation_page(db, frame, shown, lang, years)
    else:
        explore_page(db, frame, shown, lang, years)
    room_ui.qr_overlay(db, lang)
    session.sync_url(state, session.current_view())  # last: the tour may change selection
    workshop.live_updates(version)  # last: after any write this run made
    room_ui.poller(db)


main()
