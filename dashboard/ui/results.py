"""The lines under the title: how many initiatives are shown, what a region filter
leaves aside, and what to do when nothing matches.

A region, province or region type filter keeps only initiatives located there
(``query.filtering``); the national, online and foreign ones that match the
other filters are named on a line of their own that opens their list beside
the map, so the filter never hides that they exist.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import number, t
from dashboard.ui import sidebar

UNBOUND_LIST_KEY = "list_unbound"  # the side panel's expander (panels.without_point)


def _open_unbound_list() -> None:
    st.session_state[UNBOUND_LIST_KEY] = True


def result_lines(frame: pd.DataFrame, shown: pd.DataFrame, unbound: pd.DataFrame,
                 lang: str, filtered: bool) -> None:
    """The result line, the unbound line and, when nothing is shown, the empty state."""
    on_map = int(shown["on_map"].sum() - shown["abroad"].sum())
    with st.container(horizontal=True, vertical_alignment="center", gap="small",
                      key="result_lines"):
        st.markdown(t("result_line", lang, n=number(len(shown), lang),
                      total=number(len(frame), lang), on_map=number(on_map, lang)),
                    width="content")
        if len(unbound):
            st.button(t("unbound_line", lang, n=number(len(unbound), lang)),
                      key="unbound_line", type="tertiary", on_click=_open_unbound_list,
                      icon=":material/public:", help=t("unbound_help", lang))
        if shown.empty and filtered:  # the empty state: say so, and the way out
            st.markdown(f"**{t('no_results', lang)}**", width="content")
            st.button(t("clear_filters", lang), key="clear_filters", on_click=sidebar.reset,
                      icon=":material/filter_alt_off:")
