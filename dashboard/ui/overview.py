"""Overview tab: counts as charts and the sortable table (the map's accessible twin)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import geo, style, webmap
from dashboard.domain.vocab import KINDS, THEMES
from dashboard.export.regionchart import render_chart
from dashboard.i18n import number, regiotype_label, t
from dashboard.query import comparison, profiles
from dashboard.ui import session

BAR_COLOUR = "#1F5F8B"


def _bar_chart(data: pd.DataFrame, title: str, count_title: str) -> alt.Chart:
    # A height per bar keeps labels readable whatever the container's size.
    return (
        alt.Chart(data, title=title)
        .properties(height=alt.Step(22))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("count:Q", title=count_title, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("label:N", sort="-x", title=None),
            tooltip=[alt.Tooltip("label:N", title=title),
                     alt.Tooltip("count:Q", title=count_title)],
        )
    )


def _open_region(lang: str) -> None:
    """A click on a region's dot: select it, move the map there and show the map tab."""
    result = st.session_state.get("compare_chart")
    picked = (getattr(result, "selection", None) or {}).get("regio") or []
    slug = next((p.get("slug") for p in picked if p.get("slug")), None)
    if not slug:
        return
    hit = geo.regions()[geo.regions()["slug"] == slug]
    if hit.empty:
        return
    session.select_area(regio=slug)
    center, zoom = webmap.view_for_bounds(hit.iloc[0].geometry.bounds)
    session.zoom_to(center, zoom)
    st.session_state["tab"] = t("tab_map", lang)


def _comparison_chart(table: pd.DataFrame, lang: str) -> alt.Chart:
    """Dots per region (colour: region type), the other municipalities as a grey diamond."""
    kinds = ["krimpregio", "anticipeerregio", "geen"]
    labels = [regiotype_label("" if k == "geen" else k, lang) for k in kinds]
    colours = [style.REGION_STYLES[k].outline for k in kinds[:2]] + ["#6E6E6E"]
    data = table[table["verandering_pct"].notna()].assign(
        naam=[comparison.area_name(r, lang) for r in
              table[table["verandering_pct"].notna()].to_dict("records")],
        soort=lambda d: [labels[kinds.index(k)] for k in d["regiotype"]])
    pick = alt.selection_point(name="regio", fields=["slug"], on="click")
    x = alt.X("verandering_pct:Q", title=t("compare_x", lang))
    y = alt.Y("per_10k:Q", title=t("compare_y", lang))
    colour = alt.Color("soort:N", title=t("region_type", lang),
                       scale=alt.Scale(domain=labels, range=colours),
                       legend=alt.Legend(orient="bottom"))
    base = alt.Chart(data).encode(x=x, y=y)
    dots = base.mark_point(size=140, filled=True, opacity=0.95).encode(
        color=colour,
        shape=alt.Shape("soort:N", scale=alt.Scale(domain=labels,
                                                   range=["circle", "circle", "diamond"]),
                        title=t("region_type", lang),
                        legend=None),
        tooltip=[alt.Tooltip("naam:N", title=t("compare_area", lang)),
                 alt.Tooltip("soort:N", title=t("region_type", lang)),
                 alt.Tooltip("verandering_pct:Q", title=t("compare_change", lang), format=".1f"),
                 alt.Tooltip("count:Q", title=t("count", lang)),
                 alt.Tooltip("per_10k:Q", title=t("per_10k", lang), format=".2f")],
    ).add_params(pick)
    names = base.mark_text(align="left", dx=8, dy=-6, fontSize=11, color="#222222").encode(
        text="naam:N")
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#999999").encode(x="x:Q")
    return (zero + dots + names).properties(height=420)


def region_comparison(frame: pd.DataFrame, lang: str) -> None:
    """All regions side by side: chart (click opens a region), caveats, table, downloads."""
    st.markdown(f"#### {t('compare_heading', lang)}")
    st.caption(t("compare_intro", lang))
    table = comparison.region_comparison(frame)
    st.altair_chart(_comparison_chart(table, lang), width="stretch", key="compare_chart",
                    on_select=lambda: _open_region(lang), selection_mode="regio")
    for note in comparison.notes(table, lang):
        st.caption(note)
    shown = comparison.display_table(table, lang)
    st.dataframe(shown, hide_index=True, width="stretch")
    with st.container(horizontal=True):
        st.download_button(t("compare_download_png", lang), key="compare_png",
                           data=lambda: render_chart(table, lang, "png"),
                           file_name="krimpkaart-regios.png", mime="image/png",
                           icon=":material/image:", on_click="ignore")
        st.download_button(t("compare_download_svg", lang), key="compare_svg",
                           data=lambda: render_chart(table, lang, "svg"),
                           file_name="krimpkaart-regios.svg", mime="image/svg+xml",
                           icon=":material/image:", on_click="ignore")
        st.download_button(t("compare_download_csv", lang), key="compare_csv",
                           data=("\ufeff" + shown.to_csv(index=False)).encode("utf-8"),
                           file_name="krimpkaart-regios.csv", mime="text/csv",
                           icon=":material/table:", on_click="ignore")


def overview(frame: pd.DataFrame, lang: str) -> None:
    count_title = t("count", lang)
    region_comparison(frame, lang)
    if frame.empty:
        st.info(t("no_results", lang))
        return
    left, right = st.columns(2)
    left.altair_chart(
        _bar_chart(profiles.counts_by(frame, "themes", THEMES.labels(lang)),
                   t("legend_themes", lang), count_title), width="stretch")
    right.altair_chart(
        _bar_chart(profiles.counts_by(frame, "kind", KINDS.labels(lang)),
                   t("filter_soort", lang), count_title), width="stretch")
    located = frame[frame["located"]]
    type_labels = {v: regiotype_label("" if v == "geen" else v, lang)
                   for v in ("krimpregio", "anticipeerregio", "geen")}
    left.altair_chart(
        _bar_chart(profiles.counts_by(located, "regiotype", type_labels),
                   t("filter_regiotype", lang), count_title), width="stretch")
    regions = profiles.region_counts(frame, lang)
    shown = regions[regions["count"] > 0].rename(columns={"regio": "label"})
    if not shown.empty:
        right.altair_chart(_bar_chart(shown, t("filter_regio", lang), count_title),
                           width="stretch")
    st.markdown(f"#### {t('region_table', lang)}")
    renamed = regions.rename(columns={
        "regio": t("region", lang), "regiotype": t("region_type", lang),
        "count": t("count", lang), "inwoners": t("inhabitants_2024", lang),
        "per_10k": t("per_10k", lang), "deels": t("partly_designated", lang),
        "per_10k_zonder_deels": t("per_10k_full_short", lang),
    })
    # Styler formats the shown numbers in the UI language; sorting uses the raw values.
    styled = renamed.style.format({
        t("count", lang): lambda v: number(v, lang),
        t("inhabitants_2024", lang): lambda v: number(v, lang),
        t("per_10k", lang): lambda v: number(v, lang, 2),
        t("per_10k_full_short", lang): lambda v: number(v, lang, 2),
    })
    st.dataframe(styled, hide_index=True, width="stretch")
    st.markdown(f"#### {t('initiatives_table', lang)}")
    st.dataframe(profiles.table(frame, lang), hide_index=True, width="stretch")
