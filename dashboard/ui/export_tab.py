"""Export tab: the filtered map as PNG/SVG/PDF/HTML or the data as CSV/GeoJSON/XLSX.

Files are made on request (rendering takes a moment), then offered with
``st.download_button``; image exports come with a preview and alt text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import export
from dashboard.i18n import t
from dashboard.query import FilterState, to_query
from dashboard.tabular.writing import export_records
from dashboard.text import slugify
from dashboard.ui import viewbounds

FORMATS = ("png", "svg", "pdf", "html", "csv", "geojson", "xlsx")
MIME = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
    "html": "text/html", "csv": "text/csv", "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DPI_CHOICES = (150, 300)


def _keep_view(bbox: tuple) -> None:
    st.session_state["export_bbox"] = bbox


def _forget_view() -> None:
    st.session_state["export_bbox"] = None


def _make(db, frame: pd.DataFrame, shown: pd.DataFrame, state: FilterState, lang: str,
          fmt: str, options: dict) -> bytes:
    if fmt in export.STATIC_FORMATS:
        return export.render_static(
            frame, state, fmt=fmt, preset=options["preset"], dpi=options["dpi"],
            title=options["title"], lang=lang, bbox=options["bbox"], labels=options["labels"],
            population=options["population"])
    if fmt == "html":
        return export.export_html(frame, state, lang, options["title"], bbox=options["bbox"],
                                  population=options["population"])
    ids = set(shown["id"])
    return export_records([r for r in db.list() if r["id"] in ids], fmt)


def export_tab(db, frame: pd.DataFrame, shown: pd.DataFrame, state: FilterState,
               lang: str) -> None:
    ss = st.session_state
    st.markdown(t("export_intro", lang))
    left, right = st.columns([0.45, 0.55], gap="large")
    with left:
        fmt = st.radio(t("export_format", lang), FORMATS, horizontal=True, key="export_fmt",
                       format_func=str.upper)
        image = fmt in export.STATIC_FORMATS
        title = st.text_input(t("export_title", lang), key="export_title",
                              placeholder=export.default_title(state, lang))
        options = {"title": title.strip() or None, "preset": "slide", "dpi": None,
                   "labels": False, "population": bool(ss.get("laag_bevolking")),
                   "bbox": ss.get("export_bbox")}
        if image:
            options["preset"] = st.selectbox(
                t("export_preset", lang), export.PRESET_NAMES, key="export_preset",
                format_func=lambda p: t(f"preset_{p}", lang))
            if options["preset"].startswith("a4"):
                options["dpi"] = st.radio(t("export_dpi", lang), DPI_CHOICES, horizontal=True,
                                          key="export_dpi")
            options["labels"] = st.checkbox(t("export_labels", lang), key="export_labels")
        if fmt in (*export.STATIC_FORMATS, "html"):
            viewbounds.view_button(t("export_use_view", lang), "view_export", _keep_view)
            if options["bbox"]:
                st.caption(t("export_view_set", lang))
                st.button(t("export_view_forget", lang), on_click=_forget_view,
                          key="export_view_forget")
        make = st.button(t("export_make", lang), type="primary", key="export_make",
                         icon=":material/download:")
    # A file made for other filters or options is not offered any more.
    signature = repr((to_query(state), fmt, sorted(options.items()), lang, len(frame)))
    if make:
        with right, st.spinner(t("export_busy", lang)):
            data = _make(db, frame, shown, state, lang, fmt, options)
        name = slugify(options["title"] or export.default_title(state, lang))
        ss["export_file"] = (signature, f"krimpkaart-{name or 'kaart'}.{fmt}", fmt, data,
                             export.alt_text(frame, state, lang, bbox=options["bbox"]))
    made = ss.get("export_file")
    if made and made[0] == signature:
        _, filename, made_fmt, data, alt = made
        with right:
            st.download_button(t("export_download", lang, name=filename), data,
                               file_name=filename, mime=MIME[made_fmt], key="export_download",
                               icon=":material/file_download:", type="primary")
            if made_fmt == "png":
                st.image(data, caption=alt)
            if made_fmt in export.STATIC_FORMATS:
                st.text_area(t("export_alt", lang), alt, key="export_alt_text", height=120)
