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

import folium
import pandas as pd
import streamlit as st

from dashboard import config, store, webmap
from dashboard.domain.vocab import KINDS, THEMES
from dashboard.i18n import t, text_of
from dashboard.tabular import importing
from dashboard.ui import column_map, edit_dialog, placement, session, workshop
from dashboard.ui.markdown import md_escape
from dashboard.ui.problems import show_problems
from dashboard.workshop import editing

FORM_FIELDS = ("name", "kind", "themes", "place", "summary", "description")


# --------------------------------------------------------------------------- add

ADD_PLACE = "add_place"  # the placement map's key: the new point until it is saved
ADD_ZOOM = 14.0  # a street or two around the click: close enough to put the pin right


def start_adding() -> None:
    ss = st.session_state
    session.clear_selection()
    placement.clear(ADD_PLACE)
    # a click made before does not count: only a new one places the pin
    ss.update(adding=True, _add_seen_click=(ss.get("map_state") or {}).get("last_clicked"))


def stop_adding() -> None:
    placement.clear(ADD_PLACE)
    st.session_state.update(adding=False)


def on_map_click_while_adding(state: dict, on_pin: tuple[float, float] | None = None) -> None:
    """Put the new initiative's pin where the main map was clicked (to be corrected there).

    A click on an existing pin does not reach the map itself; the page passes that
    pin's point as ``on_pin`` and the new pin goes there (several initiatives in one
    village).
    """
    ss = st.session_state
    clicked = state.get("last_clicked")
    seen, ss["_add_seen_click"] = ss.get("_add_seen_click"), clicked
    if clicked and clicked != seen and "lat" in clicked and "lng" in clicked:
        placement.set_point(ADD_PLACE, (clicked["lat"], clicked["lng"]))
    elif on_pin is not None:
        placement.set_point(ADD_PLACE, on_pin)


def pending_layer(lang: str) -> folium.FeatureGroup | None:
    """The new initiative's pin for the main map while adding, once it has a point."""
    point = placement.current_point(ADD_PLACE) if st.session_state.get("adding") else None
    if point is None or not workshop.is_facilitator():
        return None
    return webmap.pending_layer(point, lang)


def add_panel(db: store.Store, frame: pd.DataFrame, lang: str) -> None:
    """The quick-add form: essentials first; the location by a map click (then the pin),
    or a municipality."""
    with st.container(border=True, key="add_panel"):
        st.markdown(f"### {t('add_title', lang)}")
        how = st.radio(t("add_where", lang), ["click", "gemeente"], key="add_how",
                       format_func=lambda v: t(f"add_where_{v}", lang), horizontal=True)
        form: dict = {}
        if how == "click":
            point = placement.pick_point(ADD_PLACE, None, ADD_ZOOM, lang)
            if point:
                st.caption(t("place_hint", lang))
                placement.point_status(point, lang)
                form.update(lat=point[0], lon=point[1],
                            location_approximate=st.checkbox(t("place_approx_check", lang),
                                                             key="add_rough"))
            else:
                st.info(t("add_click_hint", lang))
        else:
            names = placement.municipality_names()
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
            form["place"] = st.text_input(t("field_place", lang), key="add_place_name")
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
        show_problems(result.problems, lang)
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
    for key in ("add_name", "add_place_name", "add_summary", "add_themes", "add_confirm",
                "add_rough"):
        st.session_state.pop(key, None)
    stop_adding()
    session.select_initiative(added["id"])
    st.toast(t("added", lang, name=md_escape(added["name"])), icon=":material/check_circle:")
    st.rerun()


# --------------------------------------------------------------------------- edit, delete, undo


def edit_controls(db: store.Store, record: dict, lang: str) -> None:
    """Edit and delete buttons in the details panel (facilitator only)."""
    cols = st.columns(2)
    cols[0].button(t("edit", lang), key="edit_open", icon=":material/edit:",
                   on_click=edit_dialog.open_for, args=(record,))
    cols[1].button(t("delete", lang), key="delete_open", icon=":material/delete:",
                   on_click=_open_delete, args=(record,))


DELETING = "delete_record"  # session state: the record the delete dialog asks about


def _open_delete(record: dict) -> None:
    st.session_state[DELETING] = dict(record)


def _close_delete() -> None:
    st.session_state.pop(DELETING, None)


def delete_dialog(db: store.Store, lang: str) -> None:
    """The "delete?" dialog while one is open; drawn on every run, so a rerun keeps it."""
    record = st.session_state.get(DELETING)
    if record:
        st.dialog(t("delete_title", lang), width="small", icon=":material/delete:",
                  on_dismiss=_close_delete)(_delete_body)(db, record, lang)


def _delete_body(db: store.Store, record: dict, lang: str) -> None:
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
        _close_delete()
        st.rerun()
    if cols[1].button(t("cancel", lang), key="delete_no"):
        _close_delete()
        st.rerun()


def _undo(db: store.Store) -> None:
    outcome = editing.undo_for_session(db, workshop.author())
    st.session_state["undo_message"] = (outcome.ok, outcome.key, outcome.values)
    st.session_state.pop("import_written", None)  # an undone import is no longer "imported"
    if outcome.ok:
        workshop.mark_seen(db)


def facilitator_tools(db: store.Store, lang: str) -> None:
    """Sidebar tools once unlocked: add, undo, import."""
    if not workshop.is_facilitator():
        return
    # while one is open: a rerun (another facilitator's change) must not close it
    if not edit_dialog.show(db, lang):
        delete_dialog(db, lang)
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
    """Upload CSV/XLSX/GeoJSON/GeoPackage: a report per row; written only when all are valid.
    Columns the import does not know get a mapping step (``column_map``)."""
    st.caption(t("import_help", lang, mb=config.UPLOAD_LIMIT_MB))
    upload = st.file_uploader(t("import_file", lang), key="import_upload",
                              type=["csv", "xlsx", "geojson", "json", "gpkg"])
    if upload is None:
        return
    written = st.session_state.get("import_written")
    if written and written[0] == upload.file_id:  # imported: say so, do not plan it again
        st.success(t("import_done", lang, n=written[1]))
        return
    data = upload.getvalue()
    mappings: dict[str, dict[str, str]] = st.session_state.setdefault("import_mappings", {})
    mapping = mappings.get(upload.file_id)
    report = _plan(db, data, upload.name, upload.file_id, mapping or {}, lang)
    if mapping is None:  # first look at this file: a mapping remembered for its header?
        mapping = mappings[upload.file_id] = column_map.remembered(db, report)
        if mapping:
            report = _plan(db, data, upload.name, upload.file_id, mapping, lang)
            st.session_state["import_map_used"] = upload.file_id
    if st.session_state.get("import_map_used") == upload.file_id:
        st.info(t("import_map_remembered", lang))
    applied = column_map.mapping_step(db, report, lang, upload.file_id)
    if applied is not None:
        mappings[upload.file_id] = applied
        report = _plan(db, data, upload.name, upload.file_id, applied, lang)
        mapping = applied
    if report.problems:
        st.dataframe(import_table(report, lang), hide_index=True)
    if not report.ok:
        st.error(_rejected(report, lang))
        return
    st.success(t("import_ready", lang, n=len(report.records)))
    if st.button(t("import_go", lang, n=len(report.records)), key="import_go"):
        with _progress(lang) as progress:
            done = importing.import_file(data, upload.name, db, author=workshop.author(),
                                         progress=progress, mapping=mapping)
        if done.ok:
            # Run again at once: this run drew the page before the import, and the live
            # poll will not (it knows this session wrote them).
            workshop.mark_seen(db)
            st.session_state["import_written"] = (upload.file_id, done.written)
            st.rerun()
        else:
            st.error(_rejected(done, lang))


def _plan(db: store.Store, data: bytes, name: str, file_id: str, mapping: dict[str, str],
          lang: str) -> importing.ImportReport:
    """The file's report with this mapping: parsed once per file, mapping and store state,
    not on every rerun."""
    plan_key = (file_id, db.version(), tuple(sorted(mapping.items())))
    cached = st.session_state.get("import_plan")
    if cached and cached[0] == plan_key:
        return cached[1]
    with _progress(lang) as progress:
        report = importing.plan_import(data, name, db, progress=progress, mapping=mapping)
    st.session_state["import_plan"] = (plan_key, report)
    return report


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
