"""The import's mapping step: what the columns the import does not know are.

One dropdown per such column (a field, the municipality, or "negeren"); the choice
is remembered in the store for the next file with the same header and used at once
when such a file comes. Columns known by a synonym are listed, so nobody wonders
where "source_url" went. Column names come from the file: escaped before shown.
"""

from __future__ import annotations

import streamlit as st

from dashboard import store
from dashboard.domain.record import RECORD_FIELDS
from dashboard.i18n import t
from dashboard.store.mappings import ColumnMappings, mappings_of
from dashboard.tabular import importing
from dashboard.ui.markdown import md_escape

CHOICES = (importing.IGNORE, *RECORD_FIELDS, importing.MUNICIPALITY)


def saved_mappings(db: store.Store) -> ColumnMappings | None:
    """The store's remembered mappings; None for a store that keeps none."""
    try:
        return mappings_of(db)
    except TypeError:
        return None


def header_of(report: importing.ImportReport) -> list[str]:
    return [use.column for use in report.columns]


def remembered(db: store.Store, report: importing.ImportReport) -> dict[str, str]:
    """The mapping remembered for this file's header, or none."""
    saved = saved_mappings(db)
    header = header_of(report)
    return (saved.remembered(header) or {}) if saved is not None and header else {}


def choice_label(choice: str, lang: str) -> str:
    return importing.target_text(choice, lang, ignored_key="import_map_ignore")


def mapping_step(db: store.Store, report: importing.ImportReport, lang: str,
                 file_key: str) -> dict[str, str] | None:
    """Show what each column is taken as, and dropdowns for the unknown ones; returns the
    new mapping when the user applies one (it is remembered), else None."""
    for use in report.columns:
        if use.how == "synonym":
            st.caption(md_escape(use.message.text(lang)))
    open_columns = [u for u in report.columns if u.how in ("unknown", "chosen", "ignored")]
    if not open_columns:
        return None
    st.markdown(f"**{t('import_map_title', lang)}**")
    st.caption(t("import_map_help", lang))
    with st.form(f"import_map_{file_key}", border=False):
        chosen: dict[str, str] = {}
        for index, use in enumerate(open_columns):
            current = use.target if use.how != "unknown" else importing.IGNORE
            chosen[use.column] = st.selectbox(
                t("import_map_column", lang, column=md_escape(use.column)), CHOICES,
                index=CHOICES.index(current) if current in CHOICES else 0,
                format_func=lambda c: choice_label(c, lang),
                key=f"import_map_{file_key}_{index}")
        applied = st.form_submit_button(t("import_map_apply", lang))
    if not applied:
        return None
    saved = saved_mappings(db)
    if saved is not None:
        saved.remember(header_of(report), chosen)
    return chosen
