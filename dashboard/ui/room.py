"""The facilitator's side of a workshop with participants: open and close it, the link and
its QR code over the presentation, and the moderation queue (review, edit, approve,
merge, reject, approve all).

The queue follows new suggestions through its own small poll (``kk-live.mjs`` on the
queue route, ``workshop/queue_route.py``): suggestions do not bump the store's
version, so the public pages never rerun for them. Every participant's text is
Markdown-escaped where it is shown here; widgets show it as plain text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import config, geo, store
from dashboard.domain.vocab import KINDS, SCOPES, THEMES
from dashboard.i18n import t
from dashboard.store.rooms import Suggestion, Workshop, rooms_of
from dashboard.ui import edit_dialog, editor, placement, session, static, workshop
from dashboard.ui.markdown import md_escape
from dashboard.workshop import editing, live, queue_route, room

REVIEWING = "room_reviewing"  # session state: the seq of the suggestion being reviewed
QR_SHOWN = "room_qr"
REVIEW_PLACE = "room_review_place"
MERGE_RADIUS_KM = 10.0  # initiatives offered to merge with: this close to the suggestion
MERGE_CHOICES = 30


def current(db: store.Store) -> Workshop | None:
    """The open workshop (the newest, if someone opened several)."""
    opened = rooms_of(db).open_workshops()
    return opened[-1] if opened else None


def _page_url() -> str:
    try:
        return str(st.context.url or "")
    except Exception:  # no browser context (AppTest)
        return ""


def link(code: str) -> str:
    return room.participant_link(_page_url(), code, config.settings().public_url)


def _open(db: store.Store) -> None:
    room.open_workshop(rooms_of(db), workshop.author())


def _close(db: store.Store, code: str) -> None:
    rooms_of(db).close_workshop(code)
    st.session_state[QR_SHOWN] = False


def _toggle_qr() -> None:
    st.session_state[QR_SHOWN] = not st.session_state.get(QR_SHOWN)


def _review(seq: int) -> None:
    edit_dialog.close()
    st.session_state.pop(editor.DELETING, None)
    placement.clear(REVIEW_PLACE)
    st.session_state[REVIEWING] = seq


def _close_review() -> None:
    st.session_state.pop(REVIEWING, None)
    placement.clear(REVIEW_PLACE)


# --------------------------------------------------------------------------- sidebar


def sidebar(db: store.Store, lang: str) -> None:
    """Open/close the workshop, its link, the counter and the queue (facilitators only)."""
    if not workshop.is_facilitator():
        return
    found = current(db)
    with st.sidebar.expander(t("room_sidebar", lang), icon=":material/groups:",
                             expanded=found is not None, key="room_sidebar"):
        if found is None:
            st.caption(t("room_sidebar_help", lang))
            st.button(t("room_open", lang), key="room_open", on_click=_open, args=(db,),
                      icon=":material/qr_code_2:", width="stretch")
            return
        rooms = rooms_of(db)
        st.markdown(t("room_opened", lang, code=found.code))
        st.caption(t("room_link_label", lang))
        st.code(link(found.code), language=None, wrap_lines=True)
        total = len(rooms.suggestions(found.code, status=None))
        st.caption(t("room_counter", lang, n=total))
        st.button(t("room_show_qr", lang), key="room_qr_side", on_click=_toggle_qr,
                  icon=":material/qr_code_2:", width="stretch")
        st.button(t("room_close", lang), key="room_close", on_click=_close,
                  args=(db, found.code), icon=":material/lock:", width="stretch")
        queue(db, found, lang)


def queue(db: store.Store, found: Workshop, lang: str) -> None:
    """The pending suggestions, oldest first, each with a button to review it."""
    pending = rooms_of(db).suggestions(found.code)
    complete = {s.seq: room.complete(s) for s in pending}  # validated once per run
    with st.container(key="room_queue"):
        st.markdown(f"**{t('room_queue', lang, n=len(pending))}**")
        if not pending:
            st.caption(t("room_queue_empty", lang))
            return
        for suggestion in pending:
            data = suggestion.data
            where = data.get("place") or _municipality(data)
            text = f"{md_escape(data.get('name', ''))}" + (f" · {md_escape(where)}" if where
                                                            else "")
            if not complete[suggestion.seq]:
                text += f" · *{t('room_incomplete', lang)}*"
            row = st.columns([0.68, 0.32], vertical_alignment="center")
            row[0].markdown(text)
            row[1].button(t("room_review", lang), key=f"room_review_{suggestion.seq}",
                          on_click=_review, args=(suggestion.seq,))
        ready = [s.seq for s in pending if complete[s.seq]]
        if ready:
            st.button(t("room_approve_all", lang, n=len(ready)), key="room_approve_all",
                      on_click=_approve_all, args=(db, ready, lang),
                      icon=":material/done_all:", width="stretch")
    message = st.session_state.pop("room_message", None)
    if message:
        for kind, text in message:
            (st.success if kind == "ok" else st.warning)(text)


def _municipality(data: dict) -> str:
    found = geo.municipality_lookup().get(data.get("gemeente_code") or "")
    return found["statnaam"] if found else ""


def _approve_all(db: store.Store, seqs: list[int], lang: str) -> None:
    rooms = rooms_of(db)
    chosen = [s for s in (rooms.suggestion(seq) for seq in seqs)
              if s is not None and s.status == "pending"]
    outcome = room.approve_all(db, chosen, workshop.author())
    messages = [("ok", t("room_bulk_done", lang, n=len(outcome.approved)))]
    if outcome.skipped or outcome.failed:
        names = ", ".join(md_escape(s.data.get("name", "")) for s in
                          [*outcome.skipped, *(f[0] for f in outcome.failed)])
        messages.append(("warn", t("room_bulk_skipped", lang, names=names)))
    st.session_state["room_message"] = messages
    if outcome.approved:
        workshop.mark_seen(db)


# --------------------------------------------------------------------------- live


def poller(db: store.Store) -> None:
    """Rerun the facilitator's page when the open workshop's queue changes (within ~3 s)."""
    if not workshop.is_facilitator():
        return
    found = current(db)
    if found is None:
        return
    workshop._live(key="kk_queue_live", data={
        "version": found.changes,
        "path": f"{queue_route.QUEUE_PATH}/{found.code}",
        "interval_ms": int(live.POLL_INTERVAL_S * 1000),
        "max_interval_ms": 60_000,
    })


# --------------------------------------------------------------------------- presentation


def qr_toggle(db: store.Store, lang: str) -> None:
    """The presentation bar's "QR code" button, while a workshop is open."""
    if workshop.is_facilitator() and current(db) is not None:
        shown = bool(st.session_state.get(QR_SHOWN))
        st.button(t("room_hide_qr" if shown else "room_show_qr", lang), key="room_qr_toggle",
                  on_click=_toggle_qr, icon=":material/qr_code_2:", width="content",
                  type="primary" if shown else "secondary")


def qr_overlay(db: store.Store, lang: str) -> None:
    """The QR code, the link, the code and the counter, over the map (closed: no room taken)."""
    if not (workshop.is_facilitator() and st.session_state.get(QR_SHOWN)):
        return
    found = current(db)
    if found is None:
        st.session_state[QR_SHOWN] = False
        return
    address = link(found.code)
    st.markdown(static.style("kk-room.css"), unsafe_allow_html=True)
    with st.container(key="room_qr_overlay", horizontal_alignment="center"):
        st.markdown(f"### {t('room_qr_scan', lang)}", text_alignment="center", anchors=False)
        st.image(room.qr_png(address), width="content", alt=t("room_qr_alt", lang))
        with st.container(key="room_qr_link"):
            st.markdown(f"{t('room_qr_or', lang)} **{md_escape(address)}**",
                        text_alignment="center")
        with st.container(key="room_qr_code"):
            st.markdown(found.code, text_alignment="center")
        total = len(rooms_of(db).suggestions(found.code, status=None))
        with st.container(key="room_qr_counter", horizontal=True, vertical_alignment="center",
                          horizontal_alignment="center"):
            st.markdown(f"**{t('room_counter', lang, n=total)}**", width="content")
            st.button(t("room_hide_qr", lang), key="room_qr_close", on_click=_toggle_qr,
                      icon=":material/close:")


# --------------------------------------------------------------------------- review


def review_dialog(db: store.Store, frame: pd.DataFrame, lang: str) -> None:
    """The review dialog while one is open (drawn on every run, so a rerun keeps it).

    ``frame`` is the page's cached frame of all initiatives: the look-alikes and merge
    choices come from its rows near the suggestion, not from the store on every rerun."""
    seq = st.session_state.get(REVIEWING)
    if seq is None or st.session_state.get(edit_dialog.OPEN) or \
            st.session_state.get(editor.DELETING):
        return
    if not workshop.is_facilitator():
        _close_review()
        return
    suggestion = rooms_of(db).suggestion(seq)
    if suggestion is None or suggestion.status != "pending":
        _close_review()
        return
    st.dialog(t("room_review_title", lang), width="large", icon=":material/inbox:",
              on_dismiss=_close_review)(_review_body)(db, frame, suggestion, lang)


def _review_body(db: store.Store, frame: pd.DataFrame, suggestion: Suggestion,
                 lang: str) -> None:
    data = suggestion.data
    who = data.get("first_name") or t("room_someone", lang)
    st.caption(t("room_from", lang, who=md_escape(who), at=suggestion.created_at,
                 code=suggestion.workshop))
    records = _near(frame, suggestion)
    similar = room.duplicates(records, suggestion)
    if similar:
        st.warning(t("room_duplicates", lang, names=", ".join(
            md_escape(r["name"]) for r in similar)), icon=":material/content_copy:")
    key = f"room_edit_{suggestion.seq}"
    start = (data["lat"], data["lon"]) if data.get("lat") is not None else None
    point = placement.pick_point(REVIEW_PLACE, start, 13.0, lang, height=220)
    if point:
        placement.point_status(point, lang)
    form = {
        "name": st.text_input(t("room_field_name", lang), value=data.get("name", ""),
                              key=f"{key}_name", max_chars=room.FIELD_LIMITS["name"]),
        "place": st.text_input(t("room_field_place", lang), value=data.get("place", ""),
                               key=f"{key}_place", max_chars=room.FIELD_LIMITS["place"]),
        "themes": st.multiselect(t("room_field_themes", lang), THEMES.slugs,
                                 default=[x for x in data.get("themes", []) if x in THEMES.slugs],
                                 key=f"{key}_themes", format_func=lambda v: THEMES.label(v, lang),
                                 placeholder=t("choose_many", lang), select_all=False),
        "description": st.text_area(t("room_field_description", lang),
                                    value=data.get("description", ""), key=f"{key}_text",
                                    max_chars=room.FIELD_LIMITS["description"], height=80),
        "link": st.text_input(t("room_field_link", lang), value=data.get("link", ""),
                              key=f"{key}_link", max_chars=room.FIELD_LIMITS["link"]),
        "first_name": data.get("first_name", ""),
    }
    cols = st.columns(2)
    form["kind"] = cols[0].selectbox(t("col_kind", lang), KINDS.slugs,
                                     index=KINDS.slugs.index(data.get("kind") or "initiatief"),
                                     key=f"{key}_kind", format_func=lambda v: KINDS.label(v, lang))
    form["scope"] = cols[1].selectbox(t("field_scope", lang), SCOPES.slugs,
                                      index=SCOPES.slugs.index(data.get("scope") or "lokaal"),
                                      key=f"{key}_scope",
                                      format_func=lambda v: SCOPES.label(v, lang))
    if point:
        moved = start is None or (abs(point[0] - start[0]) > 1e-7
                                  or abs(point[1] - start[1]) > 1e-7)
        form.update(lat=point[0], lon=point[1],
                    location_approximate=bool(data.get("location_approximate")) and not moved)
    buttons = st.columns(3)
    approve = buttons[0].button(t("room_approve", lang), type="primary", key=f"{key}_approve",
                                icon=":material/check:")
    save = buttons[1].button(t("room_save_edit", lang), key=f"{key}_save")
    reject = buttons[2].button(t("room_reject", lang), key=f"{key}_reject",
                               icon=":material/block:")
    _merge_part(db, suggestion, records, similar, lang)
    if reject:
        room.reject(db, suggestion, workshop.author())
        _done(t("room_rejected", lang, name=md_escape(data.get("name", ""))))
    if save or approve:
        checked = room.check_suggestion(form)
        if not checked.ok:
            st.error("\n".join(f"- {md_escape(p.text(lang))}" for p in checked.problems))
            return
        edited = rooms_of(db).edit(suggestion.seq, checked.data)
        if save:
            _done(t("room_edit_saved", lang), keep_open=True)
        try:
            added = room.approve(db, edited, workshop.author())
        except store.StoreError as exc:
            st.error(md_escape(exc.text(lang)))
            return
        workshop.mark_seen(db)
        session.select_initiative(added["id"])
        _done(t("room_approved", lang, name=md_escape(added["name"])))


def _near(frame: pd.DataFrame, suggestion: Suggestion) -> list[dict]:
    """The initiatives a look-alike or a merge choice can be: those near the suggestion."""
    data = suggestion.data
    if data.get("lat") is None or data.get("lon") is None:
        return []
    radius = max(MERGE_RADIUS_KM, editing.NEARBY_KM)
    return room.records_near(frame, float(data["lat"]), float(data["lon"]), radius)


def _merge_part(db: store.Store, suggestion: Suggestion, records: list, similar: list,
                lang: str) -> None:
    """Merge with an existing initiative: the likely duplicates first, then those nearby."""
    data = suggestion.data
    choices = {r["id"]: r["name"] for r in similar}
    if data.get("lat") is not None:
        near = sorted(((geo.haversine_km(data["lat"], data["lon"], r["lat"], r["lon"]), r)
                       for r in records if r["lat"] is not None), key=lambda pair: pair[0])
        for distance, record in near[:MERGE_CHOICES]:
            if distance <= MERGE_RADIUS_KM:
                choices.setdefault(record["id"], record["name"])
    if not choices:
        return
    with st.expander(t("room_merge_with", lang), icon=":material/merge:"):
        st.caption(t("room_merge_help", lang))
        target = st.selectbox(t("room_merge_with", lang), list(choices), format_func=choices.get,
                              key=f"room_merge_{suggestion.seq}", label_visibility="collapsed")
        if st.button(t("room_merge", lang), key=f"room_merge_go_{suggestion.seq}"):
            try:
                merged = room.merge(db, suggestion, target, workshop.author())
            except store.StoreError as exc:
                st.error(md_escape(exc.text(lang)))
                return
            workshop.mark_seen(db)
            _done(t("room_merged", lang, name=md_escape(merged["name"])))


def _done(message: str, keep_open: bool = False) -> None:
    st.toast(message, icon=":material/check_circle:")
    if not keep_open:
        _close_review()
    st.rerun()
