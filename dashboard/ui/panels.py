"""Side panels: initiative details, municipality/region profile, and the lists of
initiatives that have no point on the Dutch map. Rendering only; the content
comes from ``dashboard.query.profiles``. All user text goes through ``md_escape``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import webmap
from dashboard.geo import provenance
from dashboard.i18n import number, t
from dashboard.query import profiles
from dashboard.ui import session
from dashboard.ui.markdown import md_escape, md_link

LIST_LIMIT = 40


def _pick_buttons(rows: pd.DataFrame, key: str, limit: int = LIST_LIMIT) -> None:
    for row in rows.head(limit).itertuples(index=False):
        shows_place = row.place and row.place.lower() not in row.name.lower()
        # Button labels render Markdown: user text is escaped like everywhere else.
        label = md_escape(row.name + (f" · {row.place}" if shows_place else ""))
        st.button(label, key=f"{key}_{row.id}", on_click=session.select_initiative,
                  args=(row.id,), width="stretch", type="tertiary")
    if len(rows) > limit:
        st.caption(t("more_in_table", st.session_state.get("lang", "nl"), n=len(rows) - limit))


def details(row: dict, lang: str, more: Callable[[], None] | None = None) -> None:
    """The selected initiative with all its fields; ``more`` adds to the panel's foot."""
    d = profiles.initiative_details(row, lang)
    with st.container(border=True, key="details_panel"):
        top = st.columns([0.8, 0.2])
        top[0].markdown(f"### {md_escape(d.name)}")
        top[1].button("✕", key="close_details", help=t("close", lang),
                      on_click=session.clear_selection)
        st.caption(md_escape(d.subtitle))
        if d.themes:
            st.markdown(" ".join(f":blue-badge[{md_escape(th)}]" for th in d.themes))
        if d.summary:
            st.markdown(f"**{md_escape(d.summary)}**")
        if d.description:
            st.markdown(md_escape(d.description))
        if d.notes:
            st.caption(f"**{t('field_notes', lang)}:** {md_escape(d.notes)}")
        if d.outcomes:
            st.markdown(f"**{t('outcomes', lang)}**")
            st.markdown("\n".join(f"- {md_escape(label)}: **{md_escape(value)}**"
                                  for label, value in d.outcomes))
        st.markdown("\n".join(f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in d.facts))
        if d.website:
            st.markdown(f"**{t('website', lang)}:** {md_link(d.website, d.website)}")
        if d.sources:
            st.markdown(f"**{t('sources', lang)}**")
            st.markdown("\n".join(
                f"- {md_link(title, url)}" + (f" — {md_escape(note)}" if note else "")
                for title, url, note in d.sources
            ))
        if d.has_point:
            st.button(t("zoom_to", lang), key="zoom_details", icon=":material/my_location:",
                      on_click=_zoom_to_point, args=(row["lat"], row["lon"]))
        if more:
            more()


def _zoom_to_point(lat: float, lon: float) -> None:
    session.zoom_to([lat, lon], 12.0)


def _zoom_to_bounds(bounds: tuple[float, float, float, float]) -> None:
    center, zoom = webmap.view_for_bounds(bounds)
    session.zoom_to(center, zoom)


def area(profile: profiles.AreaProfile, frame: pd.DataFrame, lang: str,
         actions: Callable[[], None] | None = None,
         more: Callable[[], None] | None = None) -> None:
    """Municipality or region profile with its initiatives; ``actions`` adds buttons
    beside "zoom to", ``more`` adds to the panel's foot."""
    with st.container(border=True, key="area_panel"):
        top = st.columns([0.8, 0.2])
        kind = t("municipality" if profile.kind == "gemeente" else "region", lang)
        top[0].markdown(f"### {md_escape(profile.title)}")
        top[1].button("✕", key="close_area", help=t("close", lang),
                      on_click=session.clear_selection)
        st.caption(kind)
        st.markdown("\n".join(f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in profile.facts))
        if profile.note:
            st.caption(md_escape(profile.note))
        with st.container(horizontal=True, key="area_actions"):
            st.button(t("zoom_to", lang), key="zoom_area", icon=":material/zoom_in_map:",
                      on_click=_zoom_to_bounds, args=(profile.bounds,))
            if actions:
                actions()
        rows = frame[frame["id"].isin(profile.initiative_ids)].sort_values("name")
        st.markdown(f"**{t('initiatives_here', lang)}** ({number(len(rows), lang)})")
        if rows.empty:
            st.caption(t("none_here", lang))
        _pick_buttons(rows, "area")
        if more:
            more()


def about(lang: str) -> None:
    """The About tab: what the map shows and where every part of it comes from."""
    st.markdown(t("about_body", lang, **provenance.about_values(lang)))


def shared_point(ids: list[str], frame: pd.DataFrame, lang: str) -> None:
    """Several initiatives on one point: let the user pick."""
    rows = frame[frame["id"].isin(ids)].sort_values("name")
    with st.container(border=True, key="shared_panel"):
        st.markdown(f"**{t('at_this_point', lang, n=len(rows))}**")
        _pick_buttons(rows, "shared")


def without_point(frame: pd.DataFrame, lang: str, unbound: pd.DataFrame | None = None) -> None:
    """National/online initiatives and those abroad, listed beside the map.

    Under a region, province or region type filter those are not in ``frame``
    but in ``unbound`` (``query.unbound``): one list of their own, which the
    line under the title opens. The lists are built only while open (tracked
    expanders): a closed list costs nothing on load or on a filter change, and
    opening one reruns the page once.
    """
    # Counting is cheap; taking the rows out of a wide frame is not (a tenth of a filter
    # change's server time when they were taken for the closed lists too).
    national_n, abroad_n = int((~frame["on_map"]).sum()), int(frame["abroad"].sum())
    if unbound is not None and not unbound.empty:
        box = st.expander(t("unbound_line", lang, n=number(len(unbound), lang)),
                          key="list_unbound", on_change="rerun")
        if box.open:
            with box:
                st.caption(t("unbound_help", lang))
                _pick_buttons(unbound.sort_values("name"), "unbound")
    spatial = unbound is not None  # then only the lists that have anything
    if not (spatial and national_n == 0):
        box = st.expander(f"{t('list_national', lang)} ({number(national_n, lang)})",
                          key="list_national", on_change="rerun")
        if box.open:
            with box:
                st.caption(t("list_national_help", lang))
                _pick_buttons(frame[~frame["on_map"]].sort_values("name"), "nat")
    if spatial and abroad_n == 0:
        return
    box = st.expander(f"{t('list_abroad', lang)} ({number(abroad_n, lang)})",
                      key="list_abroad", on_change="rerun")
    if box.open:
        with box:
            st.caption(t("list_abroad_help", lang))
            abroad = frame[frame["abroad"]].sort_values("name")
            if not abroad.empty:
                st.button(t("zoom_europe", lang), key="zoom_europe", icon=":material/public:",
                          on_click=session.zoom_to, args=([51.5, 3.0], 5.0))
            _pick_buttons(abroad, "abroad")
