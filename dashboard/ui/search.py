"""The search box: searches as the user types, a small st.components.v2 component.

Streamlit's text input sends its value only on Enter or when it loses focus.
This box (``static/kk-search.mjs``) sends the text 350 ms after the last
keystroke, or at once on Enter, so typing does not rerun the page per letter.
The text lives in ``st.session_state["f_q"]`` like the other filters.
"""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t
from dashboard.webmap import assets

DELAY_MS = 350  # after the last keystroke: a word typed at speed is one rerun

_component = st.components.v2.component(
    "krimpkaart_search", js=assets.text("kk-search.mjs"), css=assets.text("kk-search.css"))


def _take_text() -> None:
    result = st.session_state.get("search_box")
    value = getattr(result, "q", None) if result is not None else None
    if isinstance(value, str):
        st.session_state["f_q"] = value.strip()[:200]


def search_box(lang: str) -> None:
    """The box in the sidebar, showing the current search text."""
    with st.sidebar:
        _component(data={"value": st.session_state.get("f_q") or "",
                         "label": t("filter_q", lang),
                         "placeholder": t("search_placeholder", lang), "delay": DELAY_MS},
                   key="search_box", on_q_change=_take_text)
