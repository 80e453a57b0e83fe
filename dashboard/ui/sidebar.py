"""The sidebar: language, filters with counts, reset, and map layer options."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from dashboard import geo
from dashboard.i18n import number, regiotype_label, t
from dashboard.query import FACET_VOCABULARIES, FACETS, FilterState, allowed_values
from dashboard.ui import search, session
from dashboard.webmap.options import BASEMAPS

YEAR_FLOOR = 1990


def _option_labels(key: str, lang: str) -> dict[str, str]:
    if key in FACET_VOCABULARIES:
        return FACET_VOCABULARIES[key].labels(lang)
    if key == "regiotype":
        return {v: regiotype_label("" if v == "geen" else v, lang) for v in allowed_values(key)}
    if key == "regio":
        return dict(zip(geo.regions()["slug"], geo.regions()["regio"], strict=True))
    return dict(zip(geo.provinces()["slug"], geo.provinces()["provincie"], strict=True))


COUNT_SUFFIX = re.compile(r"\s*\([\d.,\s]+\)\s*$")


def _to_slug(key: str, value: object) -> str | None:
    """A facet value back as its slug, also from a stale label like 'Wonen (3)'."""
    allowed = allowed_values(key)
    if value in allowed:
        return str(value)
    text = COUNT_SUFFIX.sub("", str(value))
    for lang in ("nl", "en"):
        for slug, label in _option_labels(key, lang).items():
            if label == text:
                return slug
    return None


def normalise_facets() -> None:
    """Keep every facet widget's value as slugs, re-sent to the browser on each run.

    Streamlit's multiselect keeps the *formatted* labels in the browser; the
    labels carry counts that change with the other filters (and with the
    language), so a stale label must be mapped back and the widget refreshed.
    """
    ss = st.session_state
    for facet in FACETS:
        key = f"f_{facet.key}"
        slugs = [s for v in ss.get(key) or [] if (s := _to_slug(facet.key, v))]
        ss[key] = list(dict.fromkeys(slugs))


def reset() -> None:
    """Every filter back to 'all' (the sidebar's button and the empty state's)."""
    session.apply_filters(FilterState())


LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


def _switch_language() -> None:
    st.session_state["lang"] = "en" if st.session_state.get("lang", "nl") == "nl" else "nl"


def language_switch() -> str:
    """One button that names the other language (as Dutch government sites do).

    A button rather than a radio: the page already loads Streamlit's button code,
    and every further widget type delays the first map while its code loads.
    """
    lang = st.session_state.setdefault("lang", "nl")
    other = "en" if lang == "nl" else "nl"
    st.sidebar.button(LANGUAGE_NAMES[other], key="lang_switch", on_click=_switch_language,
                      icon=":material/translate:", help="Taal / Language")
    return lang


def filters(frame: pd.DataFrame, counts: dict[str, dict[str, int]], lang: str) -> None:
    """Search, one multiselect per facet (options labelled with counts), years, reset."""
    sb = st.sidebar
    sb.header(t("filters", lang))
    search.search_box(lang)  # as the user types (debounced), not only on Enter
    for facet in FACETS:
        labels = _option_labels(facet.key, lang)
        facet_counts = counts[facet.key]
        options = list(allowed_values(facet.key))
        sb.multiselect(
            t(f"filter_{facet.key}", lang), options, key=f"f_{facet.key}",
            format_func=lambda v, labels=labels, c=facet_counts: (
                f"{labels.get(v, v)} ({number(c.get(v, 0), lang)})"
            ),
            placeholder=t("filter_all", lang),
            select_all=False,  # Streamlit's "Select all" is English only, and Enter picks a match
        )
    _years(frame, lang)
    sb.button(t("reset", lang), on_click=reset, width="stretch", icon=":material/restart_alt:",
              key="reset")


def year_options(frame: pd.DataFrame, *chosen: int | None) -> list[int | None]:
    """None (no bound), then every year from YEAR_FLOOR (or the data's first) to now."""
    years = frame["start_year"].dropna() if "start_year" in frame else pd.Series([], dtype=float)
    low = min(YEAR_FLOOR, int(years.min())) if len(years) else YEAR_FLOOR
    high = max(dt.date.today().year, int(years.max())) if len(years) else dt.date.today().year
    extra = [y for y in chosen if y is not None and not low <= y <= high]  # from a URL
    return [None, *sorted({*range(low, high + 1), *extra})]


def _order_years() -> None:
    """'From' after 'to' is a slip, not an empty map: swap them."""
    ss = st.session_state
    van, tot = ss.get("f_van"), ss.get("f_tot")
    if van is not None and tot is not None and van > tot:
        ss["f_van"], ss["f_tot"] = tot, van


def _years(frame: pd.DataFrame, lang: str) -> None:
    """Two year selectboxes: lighter to load than a range slider, and exact by keyboard."""
    ss = st.session_state
    options = year_options(frame, ss.get("f_van"), ss.get("f_tot"))
    any_year = t("year_any", lang)
    col_van, col_tot = st.sidebar.columns(2)
    for col, key in ((col_van, "f_van"), (col_tot, "f_tot")):
        # None shows the placeholder; as an option it lets the user clear the bound
        col.selectbox(t(f"filter_{key[2:]}", lang), options, key=key, on_change=_order_years,
                      format_func=lambda y: any_year if y is None else str(y),
                      placeholder=any_year)
    st.sidebar.checkbox(t("with_no_year", lang), key="f_zonderjaar")


def map_options(lang: str) -> None:
    """Basemap, population layer and region names."""
    sb = st.sidebar
    sb.header(t("map_layers", lang))
    sb.selectbox(t("basemap", lang), list(BASEMAPS), key="kaart",
                 format_func=lambda v: t(f"basemap_{v}", lang))
    sb.toggle(t("layer_population", lang), key="laag_bevolking")
    sb.toggle(t("layer_region_names", lang), key="region_names")
