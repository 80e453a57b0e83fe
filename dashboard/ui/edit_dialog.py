"""The "edit initiative" dialog: every field, and the location moved three ways.

The location can be dragged on a small map (``placement``), typed in as
coordinates (checked as they are typed, with the same messages as saving), or
set to a municipality's centre (then marked approximate). The dialog stays open
across reruns (another facilitator's edit arriving) until it is saved,
cancelled or closed: the record as it was opened, the unsaved position and the
typed values all live in session state. Saving checks that nobody changed the
record since it was opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

import streamlit as st

from dashboard import store
from dashboard.domain.vocab import KINDS, SCOPES, STATUSES, THEMES
from dashboard.i18n import t
from dashboard.ui import placement, workshop
from dashboard.ui.markdown import md_escape
from dashboard.ui.problems import show_problems
from dashboard.webmap import NL_CENTER
from dashboard.workshop import editing

OPEN = "edit_record"  # session state: the record as it was when the dialog opened
PLACE = "edit_place"  # the placement map's key
POINT_ZOOM = 15.0  # the record's own point: close in, to move it a few houses
AREA_ZOOM = 11.0  # a municipality's centre: the whole municipality in view
COUNTRY_ZOOM = 7.0
LOCATION_KEYS = ("edit_how", "edit_lat", "edit_lon", "edit_gm", "edit_rough")

How = Literal["keep", "map", "coords", "gemeente"]


class Location(NamedTuple):
    """What the location part of the dialog says: how it was given, and the form values."""

    source: editing.PointSource | None  # None: the location stays as it was
    values: dict[str, Any]


def open_for(record: Mapping[str, Any]) -> None:
    """Open the dialog for ``record`` (a button callback)."""
    close()
    st.session_state[OPEN] = dict(record)


def close() -> None:
    """Forget the dialog and everything typed or dragged in it."""
    for key in (OPEN, *LOCATION_KEYS):
        st.session_state.pop(key, None)
    placement.clear(PLACE)


def show(db: store.Store, lang: str) -> bool:
    """Draw the dialog while one is open (call on every run, so a rerun keeps it open);
    whether it is open (a page shows one dialog at a time)."""
    record = st.session_state.get(OPEN)
    if not record:
        return False
    if not workshop.is_facilitator():  # locked meanwhile
        close()
        return False
    dialog = st.dialog(t("edit_title", lang), width="large", icon=":material/edit:",
                       on_dismiss=close)(_body)
    dialog(db, record, lang)
    return True


# --------------------------------------------------------------------------- location


def _start(record: Mapping[str, Any]) -> tuple[tuple[float, float], float]:
    """Where the pin starts, and the zoom: the point, else the municipality, else the country."""
    if record.get("lat") is not None and record.get("lon") is not None:
        return (record["lat"], record["lon"]), POINT_ZOOM
    try:
        return editing.municipality_centre(record.get("gemeente_code") or ""), AREA_ZOOM
    except KeyError:
        return (NL_CENTER[0], NL_CENTER[1]), COUNTRY_ZOOM


def _rough_box(record: Mapping[str, Any], lang: str) -> bool:
    st.session_state.setdefault("edit_rough", bool(record.get("location_approximate")))
    return st.checkbox(t("place_approx_check", lang), key="edit_rough")


def _moved(_point: tuple[float, float]) -> None:
    """A pin moved by hand is where the initiative is: no longer approximate."""
    st.session_state["edit_rough"] = False


def _coords_typed() -> None:
    """Typed coordinates that read as a point also move the pin (seen on the map tab)."""
    st.session_state["edit_rough"] = False
    ss = st.session_state
    try:
        lat = float(str(ss.get("edit_lat", "")).replace(",", "."))
        lon = float(str(ss.get("edit_lon", "")).replace(",", "."))
    except ValueError:
        return
    placement.set_point(PLACE, (lat, lon))


def location(record: Mapping[str, Any], lang: str) -> Location:
    """The location part: pick how, then drag, type or choose; returns what to save."""
    ss = st.session_state
    has_point = record.get("lat") is not None
    modes: list[How] = ["map", "coords", "gemeente"] if has_point else [
        "keep", "map", "coords", "gemeente"]
    how = st.radio(t("add_where", lang), modes, key="edit_how", horizontal=True,
                   format_func=lambda v: t(f"edit_where_{v}", lang))
    start, zoom = _start(record)
    if how == "keep":
        st.caption(t("edit_no_point", lang))
        return Location(None, {})
    if how == "gemeente":
        names = placement.municipality_names()
        code = record.get("gemeente_code") or None
        ss.setdefault("edit_gm", code if code in names else None)
        chosen = st.selectbox(t("municipality", lang), list(names), format_func=names.get,
                              key="edit_gm", index=None, placeholder=t("choose", lang))
        st.caption(t("add_approx", lang))
        return Location("gemeente", {"gemeente_code": chosen})
    if how == "coords":
        point = placement.current_point(PLACE) or start
        ss.setdefault("edit_lat", f"{point[0]:.6f}".rstrip("0").rstrip("."))
        ss.setdefault("edit_lon", f"{point[1]:.6f}".rstrip("0").rstrip("."))
        cols = st.columns(2)
        lat = cols[0].text_input(t("field_lat", lang), key="edit_lat", on_change=_coords_typed,
                                 help=t("coords_help", lang))
        lon = cols[1].text_input(t("field_lon", lang), key="edit_lon", on_change=_coords_typed,
                                 help=t("coords_help", lang))
        values = {"lat": lat, "lon": lon, "location_approximate": _rough_box(record, lang)}
        checked = editing.apply_edit(record, values, point_source="click")
        found = [p for p in checked.problems if p.field in ("location", "lat", "lon", "scope")]
        if found:
            show_problems(found, lang)
        elif checked.record is not None:
            placement.point_status((checked.record["lat"], checked.record["lon"]), lang)
        return Location("click", values)
    point = placement.pick_point(PLACE, start, zoom, lang, on_change=_moved) or start
    st.caption(t("place_hint", lang))
    placement.point_status(point, lang)
    rough = _rough_box(record, lang)
    values = {"lat": point[0], "lon": point[1], "location_approximate": rough}
    unchanged = has_point and point == (record["lat"], record["lon"]) and rough == bool(
        record.get("location_approximate"))
    return Location(None if unchanged else "click", values)


# --------------------------------------------------------------------------- the dialog


def _fields(record: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The record's other fields, in a form (submitted together with the location)."""
    rid = record["id"]
    return {
        "name": st.text_input(t("col_name", lang) + " *", value=record["name"],
                              key=f"edit_name_{rid}"),
        "kind": st.selectbox(t("col_kind", lang), KINDS.slugs, key=f"edit_kind_{rid}",
                             index=KINDS.slugs.index(record.get("kind") or "initiatief"),
                             format_func=lambda v: KINDS.label(v, lang)),
        "themes": st.multiselect(t("legend_themes", lang), THEMES.slugs, key=f"edit_themes_{rid}",
                                 default=[x for x in record.get("themes") or []
                                          if x in THEMES.slugs],
                                 format_func=lambda v: THEMES.label(v, lang),
                                 placeholder=t("choose_many", lang), select_all=False),
        "place": st.text_input(t("field_place", lang), value=record.get("place") or "",
                               key=f"edit_place_name_{rid}"),
        "scope": st.selectbox(t("field_scope", lang), SCOPES.slugs, key=f"edit_scope_{rid}",
                              index=SCOPES.slugs.index(record.get("scope") or "lokaal"),
                              format_func=lambda v: SCOPES.label(v, lang)),
        "status": st.selectbox(t("field_status", lang), STATUSES.slugs, key=f"edit_status_{rid}",
                               index=STATUSES.slugs.index(record.get("status") or "onbekend"),
                               format_func=lambda v: STATUSES.label(v, lang)),
        "start_year": st.text_input(t("field_start_year", lang),
                                    value=str(record.get("start_year") or ""),
                                    key=f"edit_year_{rid}"),
        "website": st.text_input(t("website", lang), value=record.get("website") or "",
                                 key=f"edit_website_{rid}"),
        "summary": st.text_area(t("add_summary", lang), value=record.get("summary") or "",
                                key=f"edit_summary_{rid}"),
        "description": st.text_area(t("add_description", lang), height=160,
                                    value=record.get("description") or "",
                                    key=f"edit_description_{rid}"),
    }


def _body(db: store.Store, record: Mapping[str, Any], lang: str) -> None:
    st.markdown(f"#### {md_escape(record['name'])}")
    where = location(record, lang)
    with st.form("edit_form", border=False):
        form = _fields(record, lang)
        cols = st.columns(2)
        submitted = cols[0].form_submit_button(t("save", lang), type="primary")
        cancelled = cols[1].form_submit_button(t("cancel", lang))
    if cancelled:
        close()
        st.rerun()
    if submitted:
        _save(db, record, {**form, **where.values}, where.source, lang)


def _save(db: store.Store, record: Mapping[str, Any], form: dict[str, Any],
          source: editing.PointSource | None, lang: str) -> None:
    result = editing.apply_edit(record, form, point_source=source)
    if not result.ok or result.record is None:
        st.error(t("form_has_problems", lang))
        show_problems(result.problems, lang)
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
    close()
    st.rerun()
