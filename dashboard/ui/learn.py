"""'Leer van elkaar' in the side panels: similar initiatives elsewhere (details panel),
'elders wel, hier nog niet' (region panel) and the area brief as a PDF download.

Rendering only: the suggestions come from ``query.similar``, the gaps from
``query.gaps``, the brief from ``export.brief``. Every name is user text and goes
through ``md_escape``; a click selects the initiative like any list in the panel.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from dashboard.query import gaps
from dashboard.query.similar import SimilarityIndex
from dashboard.ui import session, static
from dashboard.ui.markdown import md_escape


def _pick(label: str, record_id: str, key: str) -> None:
    st.button(md_escape(label), key=key, on_click=session.select_initiative, args=(record_id,),
              width="stretch", type="tertiary")


def styles() -> None:
    """The lists' spacing (``static/kk-learn.css``); takes no room."""
    st.markdown(static.style("kk-learn.css"), unsafe_allow_html=True)


def similar(index: SimilarityIndex, record_id: str, lang: str) -> None:
    """Up to five initiatives elsewhere that resemble this one, each with its reasons."""
    found = index.similar(record_id, lang)
    with st.container(key="similar_list"):
        st.markdown(f"**{t('similar_heading', lang)}**")
        st.caption(t("similar_help", lang))
        if not found:
            st.caption(t("similar_none", lang))
        for suggestion in found:
            with st.container(key=f"similar_item_{suggestion.id}"):
                _pick(f"{suggestion.name} · {suggestion.where}", suggestion.id,
                      f"similar_{suggestion.id}")
                st.caption(md_escape(" · ".join(suggestion.reasons)))


def elsewhere_not_here(frame: pd.DataFrame, members: tuple[str, ...], region: str,
                       lang: str) -> None:
    """Themes and participation types other regions have and this one has not (yet)."""
    found = gaps.missing_here(frame, members, lang, region)
    with st.container(key="gaps_list"):
        st.markdown(f"**{t('gaps_heading', lang)}**")
        st.caption(t("gaps_help", lang))
        if not found:
            st.caption(t("gaps_none", lang))
        for gap in found:
            what = t("gaps_theme" if gap.field == "themes" else "gaps_participation", lang,
                     label=gap.label)
            with st.container(key=f"gap_item_{gap.field}_{gap.slug}"):
                st.markdown(f"**{md_escape(what)}** · {t('gaps_regions', lang, n=gap.regions)}")
                for example in gap.examples:
                    _pick(f"{example.name} · {example.where}", example.id,
                          f"gap_{gap.field}_{gap.slug}_{example.id}")


def brief_button(kind: str, code: str, name: str, lang: str,
                 make: Callable[[], bytes]) -> None:
    """The area brief as a PDF: ``make`` runs only when the button is pressed (Streamlit
    calls it on its own thread), never on a rerun."""
    from dashboard.text import slugify

    label = t("brief_button_region" if kind == "regio" else "brief_button_municipality", lang)
    st.download_button(label, make, file_name=f"krimpkaart-brief-{slugify(name) or code}.pdf",
                       mime="application/pdf", key=f"brief_{kind}_{code}",
                       icon=":material/picture_as_pdf:", on_click="ignore")
