"""Facilitator editing on the page: quick add (click on the map or pick a municipality),
edit and delete from the details panel, undo, and file import with a report.

Every write goes through the store at once; validation and the messages come
from ``workshop.editing``, ``domain.validation`` and ``tabular``, so the page and
the import speak alike.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from dashboard import config, geo, store
from dashboard.domain.vocab import KINDS, STATUSES, THEMES
from dashboard.i18n import field_label, t, text_of
from dashboard.tabular import importing
from dashboard.ui import session, workshop
from dashboard.ui.markdown import md_escape
from dashboard.workshop import editing

FORM_FIELDS = ("name", "kind", "themes", "place", "summary", "description")


def _problems(problems, lang: str) -> None:
    """Validation problems in the reader's language, each under its field's label."""
    for problem in problems:
        label = text_of(field_label(problem.field), lang)
        text = f"**{md_escape(label)}**: {md_escape(problem.text(lang))}"
        (st.error if problem.severity == "error" else st.warning)(text)


def _municipality_names() -> dict[str, str]:
    frame = geo.municipalities().sort_values("statnaam")
    return dict(zip(frame["statcode"], frame["statnaam"], strict=True))


# --------------------------------------------------------------------------- add


def start_adding() -> None:
    session.clear_selection()
    st.session_state.update(adding=True, pending_point=None)


def stop_adding() -> None:
    st.session_state.update(adding=False, pending_point=None)


def on_map_click_while_adding(state: dict) -> None:
    """Remember the clicked point as the new initiative's location."""
    clicked = state.get("last_clicked")
    if clicked and "lat" in clicked and "lng" in clicked:
        st.session_state["pending_point"] = (round(clicked["lat"], 6), round(clicked["lng"], 6))


def add_panel(db: store.Store, frame: pd.DataFrame, lang: str) -> None:
    """The quick-add form: essentials first, location by map click or municipality."""
    ss = st.session_state
    with st.container(border=True, key="add_panel"):
        st.markdown(f"### {t('add_title', lang)}")
        how = st.radio(t("add_where", lang), ["click", "gemeente"], key="add_how",
                       format_func=lambda v: t(f"add_where_{v}", lang), horizontal=True)
        point = ss.get("pending_point")
        form: dict = {}
        if how == "click":
            if point:
                hit = geo.locate(point[1], point[0])
                where = hit["statnaam"] if hit else t("outside_nl", lang)
                st.success(t("add_point", lang, lat=f"{point[0]:.5f}", lon=f"{point[1]:.5f}",
                             where=where))
                form.update(lat=point[0], lon=point[1])
            else:
                st.info(t("add_click_hint", lang))
        else:
            names = _municipality_names()
            form["gemeente_code"] = st.selectbox(
                t("municipality", lang), list(names), format_func=names.get, key="add_gm",
                index=None, placeholder=t("choose", lang))
            st.caption(t("add_approx", lang))
        with st.form("add_form", clear_on_submit=False, border=False):
            form["name"] = st.text_input(t("col_name", lang) + " *", key="add_name")
            form["kind"] = st.selectbox(t("col_kind", lang), KINDS.slugs, key="add_kind",
                                        format_func=lambda v: KINDS.label(v, lang))
            form["themes"] = st.multiselect(t("legend_themes", lang), THEMES.slugs,
                                            key="add_themes",
                                            format_func=lambda v: THEMES.label(v, lang),
                                            placeholder=t("choose_many", lang),
                                            select_all=False)
            form["place"] = st.text_input(t("field_place", lang), key="add_place")
            form["summary"] = st.text_area(t("add_summary", lang), key="add_summary",
                                           max_chars=500, height=80)
            confirm = st.checkbox(t("add_confirm_similar", lang), key="add_confirm")
            cols = st.columns(2)
            submitted = cols[0].form_submit_button(t("save", lang), type="primary")
            cols[1].form_submit_button(t("cancel", lang), on_click=stop_adding)
        if submitted:
            _save_new(db, frame, form, how, confirm, lang)


def _save_new(db: store.Store, frame: pd.DataFrame, form: dict, how: str, confirm: bool,
              lang: str) -> None:
    result = editing.new_record_from_form(
        form, point_source="click" if how == "click" else "gemeente",
        existing_ids=set(frame["id"]) if not frame.empty else set(),
    )
    if not result.ok or result.record is None:
        st.error(t("form_has_problems", lang))
        _problems(result.problems, lang)
        return
    record = result.record
    similar = editing.nearby_similar(
        frame[frame["on_map"]].to_dict("records"), record["name"], record["lat"], record["lon"])
    if similar and not confirm:
        names = ", ".join(md_escape(r["name"]) for r in similar)
        st.warning(t("add_similar", lang, names=names))
        return
    try:
        added = db.add(record, workshop.author())
    except store.StoreError as exc:
        st.error(t("save_failed", lang, error=md_escape(exc.text(lang))))
        return
    workshop.mark_seen(db)
    for key in ("add_name", "add_place", "add_summary", "add_themes", "add_confirm"):
        st.session_state.pop(key, None)
    stop_adding()
    session.select_initiative(added["id"])
    st.toast(t("added", lang, name=md_escape(added["name"])), icon=":material/check_circle:")
    st.rerun()


# --------------------------------------------------------------------------- edit, delete, undo


def edit_controls(db: store.Store, record: dict, lang: str) -> None:
    """Edit and delete buttons in the details panel (facilitator only)."""
    cols = st.columns(2)
    if cols[0].button(t("edit", lang), key="edit_open", icon=":material/edit:"):
        edit_dialog(db, record, lang)
    if cols[1].button(t("delete", lang), key="delete_open", icon=":material/delete:"):
        delete_dialog(db, record, lang)
    if editing.location_is_approximate(record):
        st.caption(t("approximate_location", lang))


@st.dialog("✎", width="large")
def edit_dialog(db: store.Store, record: dict, lang: str) -> None:
    st.markdown(f"### {t('edit', lang)}: {md_escape(record['name'])}")
    with st.form("edit_form", border=False):
        form = {
            "name": st.text_input(t("col_name", lang) + " *", value=record["name"]),
            "kind": st.selectbox(t("col_kind", lang), KINDS.slugs,
                                 index=KINDS.slugs.index(record.get("kind") or "initiatief"),
                                 format_func=lambda v: KINDS.label(v, lang)),
            "themes": st.multiselect(t("legend_themes", lang), THEMES.slugs,
                                     default=[x for x in record.get("themes") or []
                                              if x in THEMES.slugs],
                                     format_func=lambda v: THEMES.label(v, lang),
                                     placeholder=t("choose_many", lang), select_all=False),
            "place": st.text_input(t("field_place", lang), value=record.get("place") or ""),
            "status": st.selectbox(t("field_status", lang), STATUSES.slugs,
                                   index=STATUSES.slugs.index(record.get("status") or "onbekend"),
                                   format_func=lambda v: STATUSES.label(v, lang)),
            "start_year": st.text_input(t("field_start_year", lang),
                                        value=str(record.get("start_year") or "")),
            "website": st.text_input(t("website", lang), value=record.get("website") or ""),
            "summary": st.text_area(t("add_summary", lang), value=record.get("summary") or ""),
            "description": st.text_area(t("add_description", lang),
                                        value=record.get("description") or "", height=160),
        }
        submitted = st.form_submit_button(t("save", lang), type="primary")
    if not submitted:
        return
    result = editing.apply_edit(record, form)
    if not result.ok or result.record is None:
        st.error(t("form_has_problems", lang))
        _problems(result.problems, lang)
        return
    try:
        db.update(result.record, workshop.author(),
                  expected_updated_at=record.get("updated_at"))
    except store.Conflict:
        st.error(t("edit_conflict", lang))
        return
    except store.StoreError as exc:
        st.error(t("save_failed", lang, error=md_escape(exc.text(lang))))
        return
    workshop.mark_seen(db)
    st.rerun()


@st.dialog("🗑", width="small")
def delete_dialog(db: store.Store, record: dict, lang: str) -> None:
    st.markdown(t("delete_confirm", lang, name=md_escape(record["name"])))
    cols = st.columns(2)
    if cols[0].button(t("delete", lang), type="primary", key="delete_yes"):
        try:
            db.delete(record["id"], workshop.author())
        except store.StoreError as exc:
            st.error(t("save_failed", lang, error=md_escape(exc.text(lang))))
            return
        workshop.mark_seen(db)
        session.clear_selection()
        st.rerun()
    if cols[1].button(t("cancel", lang), key="delete_no"):
        st.rerun()


def _undo(db: store.Store) -> None:
    outcome = editing.undo_for_session(db, workshop.author())
    st.session_state["undo_message"] = (outcome.ok, outcome.key, outcome.values)
    if outcome.ok:
        workshop.mark_seen(db)


def facilitator_tools(db: store.Store, lang: str) -> None:
    """Sidebar tools once unlocked: add, undo, import."""
    if not workshop.is_facilitator():
        return
    sb = st.sidebar
    sb.button(t("add_title", lang), on_click=start_adding, icon=":material/add_location_alt:",
              width="stretch", type="primary", key="add_open")
    sb.button(t("undo", lang), on_click=_undo, args=(db,), icon=":material/undo:",
              width="stretch", key="undo")
    message = st.session_state.pop("undo_message", None)
    if message:
        ok, key, values = message
        safe = {k: v if isinstance(v, int) else md_escape(text_of(v, lang))
                for k, v in values.items()}
        (sb.success if ok else sb.warning)(t(key, lang, **safe))
    with sb.expander(t("import", lang), icon=":material/upload_file:"):
        upload_import(db, lang)


def upload_import(db: store.Store, lang: str) -> None:
    """Upload CSV/XLSX/GeoJSON/GeoPackage: a report per row; written only when all are valid."""
    st.caption(t("import_help", lang, mb=config.UPLOAD_LIMIT_MB))
    upload = st.file_uploader(t("import_file", lang), key="import_upload",
                              type=["csv", "xlsx", "geojson", "json", "gpkg"])
    if upload is None:
        return
    data = upload.getvalue()
    plan_key = (upload.file_id, db.version())
    cached = st.session_state.get("import_plan")
    if cached and cached[0] == plan_key:
        report = cached[1]
    else:  # parse once per file and store state, not on every rerun
        with _progress(lang) as progress:
            report = importing.plan_import(data, upload.name, db, progress=progress)
        st.session_state["import_plan"] = (plan_key, report)
    if report.problems:
        st.dataframe(import_table(report, lang), hide_index=True)
    if not report.ok:
        st.error(_rejected(report, lang))
        return
    st.success(t("import_ready", lang, n=len(report.records)))
    if st.button(t("import_go", lang, n=len(report.records)), key="import_go"):
        with _progress(lang) as progress:
            done = importing.import_file(data, upload.name, db, author=workshop.author(),
                                         progress=progress)
        if done.ok:
            workshop.mark_seen(db)
            st.success(t("import_done", lang, n=done.written))
        else:
            st.error(_rejected(done, lang))


PROGRESS_AFTER_S = 2.0


@contextmanager
def _progress(lang: str) -> Iterator[importing.Progress]:
    """A progress bar that appears once checking a file takes more than a few seconds, and
    goes when it is done."""
    started = time.monotonic()
    bar = None

    def update(rows: int, done: int, total: int) -> None:
        nonlocal bar
        if bar is None and time.monotonic() - started < PROGRESS_AFTER_S:
            return
        text = t("import_progress", lang, n=rows)
        share = min(done / total, 1.0) if total else 0.0
        if bar is None:
            bar = st.progress(share, text=text)
        else:
            bar.progress(share, text=text)

    try:
        yield update
    finally:
        if bar is not None:
            bar.empty()


def _rejected(report: importing.ImportReport, lang: str) -> str:
    """Why nothing was imported: rows with errors, or (none of those) the file itself."""
    rows = len(report.rows_with_errors)
    return t("import_rejected", lang, n=rows) if rows else t("import_rejected_file", lang)


def import_table(report: importing.ImportReport, lang: str) -> pd.DataFrame:
    """One row per finding, in the reader's language (a table shows text, not Markdown)."""
    return pd.DataFrame([{
        t("import_row", lang): p.row,
        t("import_field", lang): importing.field_text(p, lang),
        t("import_message", lang): p.text(lang),
        t("import_severity", lang): t(f"severity_{p.severity}", lang),
    } for p in report.problems])
