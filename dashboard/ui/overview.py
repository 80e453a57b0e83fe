"""Overview tab: counts as charts and the sortable table (the map's accessible twin)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.domain.vocab import KINDS, THEMES
from dashboard.i18n import number, regiotype_label, t
from dashboard.query import profiles

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


def overview(frame: pd.DataFrame, lang: str) -> None:
    count_title = t("count", lang)
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
