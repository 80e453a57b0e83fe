"""The start-year timeline on the page: the year in session state (``jaar`` in the URL),
the control that plays and steps it, and the initiatives without a year listed aside.

The control is a components.v2 element (``static/kk-timeline.mjs``): it plays in the
browser and sends each year as a trigger, so one year is one rerun and the map only
gets its new initiatives layer (the base map stays, as with any filter). What a year
shows is ``query.timeline``; this module only keeps the state and draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.i18n import number, t
from dashboard.query import timeline
from dashboard.ui.markdown import md_escape
from dashboard.webmap import assets

PLAY_INTERVAL_MS = 1200  # a year on screen while playing, after the map has it

_component = st.components.v2.component(
    "krimpkaart_timeline", js=assets.text("kk-timeline.mjs"), css=assets.text("kk-timeline.css"))


@dataclass(frozen=True)
class TimelineView:
    """The timeline this run: its years, the year shown (None: closed), what that year holds."""

    span: list[int]
    year: int | None
    step: timeline.TimelineYear | None


def current(shown: pd.DataFrame) -> TimelineView:
    """The timeline over the filtered initiatives; a year outside their span is clamped."""
    ss = st.session_state
    span = timeline.years(shown)
    year = ss.get("jaar")
    if year is None or not span:
        ss["tl_playing"] = False
        return TimelineView(span, None, None)
    year = timeline.clamp(int(year), span)
    ss["jaar"] = year
    if year >= span[-1]:
        ss["tl_playing"] = False  # played to the end: the button offers to play again
    return TimelineView(span, year, timeline.at(shown, year))


def _on_step() -> None:
    ss = st.session_state
    result = ss.get("timeline")
    step = getattr(result, "step", None) if result is not None else None
    if not isinstance(step, dict):
        return
    year = step.get("year")
    if year is None:
        ss.update(jaar=None, tl_playing=False)
    elif isinstance(year, (int, float)) and not isinstance(year, bool):
        ss.update(jaar=int(year), tl_playing=bool(step.get("playing")))


def timeline_bar(view: TimelineView, lang: str, large: bool) -> None:
    """The control (a button while closed), and while open the year's counts and the
    initiatives without a start year, which have no place on it."""
    playing = bool(st.session_state.get("tl_playing")) and view.year is not None
    _component(
        data={
            "years": [view.span[0], view.span[-1]] if view.span else [],
            "year": view.year, "playing": playing, "keys": large, "large": large,
            "interval": PLAY_INTERVAL_MS,
            "labels": {
                "open": t("timeline_open", lang), "openHelp": t("timeline_open_help", lang)
                if view.span else t("timeline_no_years", lang),
                "play": t("timeline_play", lang), "pause": t("timeline_pause", lang),
                "prev": t("timeline_prev", lang), "next": t("timeline_next", lang),
                "close": t("timeline_close", lang), "slider": t("timeline_slider", lang),
                "keys": t("timeline_keys", lang),
            },
        },
        key="timeline", on_step_change=_on_step,
    )
    if view.step is None:
        return
    step = view.step
    line = t("timeline_status", lang, n=len(step.shown), year=view.year,
             new=number(step.new, lang))
    undated = step.undated
    if undated.empty:
        st.caption(line)
        return
    with st.expander(f"{line} · {t('timeline_undated', lang, n=len(undated))}"):
        names = sorted(str(name) for name in undated["name"])
        st.markdown(" · ".join(md_escape(name) for name in names))
