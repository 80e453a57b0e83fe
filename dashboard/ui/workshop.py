"""Workshop features on the page: presentation mode, keyboard keys, the guided tour,
the facilitator gate, and live updates. Content and rules come from the core
modules (tours, auth, live); this module only draws and wires widgets.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import geo, webmap
from dashboard.i18n import t
from dashboard.store import StoreError
from dashboard.ui import session, static
from dashboard.ui.markdown import md_escape
from dashboard.webmap import assets
from dashboard.workshop import auth, live, tours

AUTHOR_COOKIE = "krimpkaart_begeleider"


# --------------------------------------------------------------------------- presentation


def in_presentation() -> bool:
    return st.session_state.get("mode") == "presentatie"


def presentation_styles() -> None:
    if in_presentation():
        st.html(static.path("kk-presentation.css"))
        if st.session_state.get("high_contrast"):
            st.html(static.path("kk-contrast.css"))


def _leave_presentation() -> None:
    st.session_state["mode"] = ""


def _enter_presentation() -> None:
    st.session_state["mode"] = "presentatie"


def presentation_toggle(lang: str) -> None:
    """Sidebar button to start presenting (the URL key is ``mode=presentatie``)."""
    st.sidebar.button(t("present_start", lang), on_click=_enter_presentation,
                      icon=":material/slideshow:", width="stretch")


def presentation_bar(store, lang: str, timeline_button: Callable[[], None] | None = None,
                     extra: Callable[[], None] | None = None) -> None:
    """Title, story start, (closed) timeline, extra button (the workshop's QR code), contrast
    switch and leave button in one slim row.

    Buttons take the width their label needs (never cut to "Stop p…"); the title
    gives way. On a narrow screen the buttons keep their icons and hide their
    text from sight only, so screen readers still name them (kk-presentation.css).
    """
    with st.container(horizontal=True, vertical_alignment="center", key="presentation_bar"):
        st.markdown(f"## {t('app_title', lang)} · {t('app_subtitle', lang)}",
                    width="stretch")
        if not st.session_state.get("tour"):
            st.button(t("tour_start", lang), key="present_tour", on_click=_start_tour,
                      args=(tours.DEFAULT_TOUR_ID, tours.all_tours(store)),
                      icon=":material/play_arrow:", width="content")
        if timeline_button is not None:
            timeline_button()
        if extra is not None:  # e.g. the workshop's QR code button (ui/room.py)
            extra()
        st.toggle(t("high_contrast", lang), key="high_contrast", width="content")
        st.button(t("present_leave", lang), key="leave_presentation",
                  on_click=_leave_presentation, icon=":material/close_fullscreen:",
                  width="content")


def keyboard_shortcuts() -> None:
    """Arrow/PageUp/PageDown walk the tour, Escape leaves presentation mode.

    Streamlit has no key events; a tiny frame (``static/kk-keys.js``) listens on the
    page (and on the map's frame for PageUp/PageDown, so arrows still pan the map
    there) and clicks the matching Streamlit button, named here by its widget key.
    """
    st.iframe(static.srcdoc("kk-keys.js", {
        "next": "tour_next", "prev": "tour_prev", "leave": "leave_presentation"}), height=1)


# --------------------------------------------------------------------------- tour


def _set_step(index: int) -> None:
    st.session_state["stap"] = tours.stap_from_index(index)


def _apply_step(tour: dict, index: int) -> None:
    """Select the step's initiative (or region) and move the map there."""
    index, step = tours.step(tour, index)
    st.session_state["_tour_applied"] = (tour["id"], index)
    if step is None:
        return
    region = step.get("region")
    if region:
        session.select_area(regio=region)
        regions = geo.regions()
        hit = regions[regions["slug"] == region]
        if not hit.empty:
            center, zoom = webmap.view_for_bounds(hit.iloc[0].geometry.bounds)
            session.zoom_to(center, zoom)
        return
    session.select_initiative(step["initiative_id"])
    point = st.session_state.get("_tour_points", {}).get(step["initiative_id"])
    if point:
        session.zoom_to(list(point), 10.0)
    else:
        session.zoom_to(list(webmap.NL_CENTER), 7.0)


def _start_tour(tour_id: str, all_tours: list[dict]) -> None:
    tour = next((x for x in all_tours if x["id"] == tour_id), None)
    if tour is None:
        return
    st.session_state.update(tour=tour_id, stap=1, _tour_applied=None)


def _stop_tour() -> None:
    st.session_state.update(tour="", stap=0)


def tour_picker(store, lang: str) -> None:
    """Sidebar: choose a story and start it."""
    all_tours = tours.all_tours(store)
    st.sidebar.header(t("tour", lang))
    labels = {x["id"]: tours.tour_title(x, lang) for x in all_tours}
    if st.session_state.get("_tour_choice_next") in labels:
        st.session_state["tour_choice"] = st.session_state.pop("_tour_choice_next")
    choice = st.sidebar.selectbox(t("tour_choose", lang), list(labels), format_func=labels.get,
                                  key="tour_choice")
    st.sidebar.button(t("tour_start", lang), on_click=_start_tour, args=(choice, all_tours),
                      icon=":material/play_arrow:", width="stretch")


def tour_bar(store, frame: pd.DataFrame, lang: str) -> None:
    """Step card with large previous/next buttons while a tour is running."""
    ss = st.session_state
    tour = tours.get_tour(store, ss.get("tour", "")) if ss.get("tour") else None
    if tour is None:
        if ss.get("tour"):
            st.warning(t("tour_unknown", lang))
            ss["tour"] = ""
        return
    ss["_tour_points"] = {
        r.id: (r.lat, r.lon) for r in frame[frame["on_map"]].itertuples(index=False)
    }
    index, step = tours.step(tour, tours.index_from_stap(int(ss.get("stap") or 1)))
    ss["stap"] = tours.stap_from_index(index)
    if ss.get("_tour_applied") != (tour["id"], index):
        _apply_step(tour, index)
    total = len(tour["steps"])
    story_large = bool(ss.get("story_large"))
    with st.container(border=True, key="tour_card", gap="small"):
        with st.container(horizontal=True, vertical_alignment="center", key="tour_head"):
            st.button(t("tour_prev", lang), key="tour_prev", on_click=_set_step,
                      args=(tours.prev_index(tour, index),), disabled=index == 0,
                      icon=":material/arrow_back:", width="content")
            # the step first: if the line is cut, the title gives way, not "stap 3 van 8"
            where = t("tour_step", lang, n=index + 1, total=total)
            st.markdown(f"{where[:1].upper()}{where[1:]} · "
                        f"**{md_escape(tours.tour_title(tour, lang))}**", width="stretch")
            st.button(t("tour_next", lang), key="tour_next", on_click=_set_step,
                      args=(tours.next_index(tour, index),), disabled=index >= total - 1,
                      icon=":material/arrow_forward:", width="content", type="primary")
            st.button(t("tour_map_larger" if story_large else "tour_story_larger", lang),
                      key="tour_size", on_click=_toggle_story_size,
                      icon=":material/unfold_less:" if story_large else ":material/unfold_more:",
                      width="content")
            st.button(t("tour_stop", lang), key="tour_stop", on_click=_stop_tour,
                      icon=":material/stop:", width="content")
        # The story: two lines while the map is large, all of it on request.
        with st.container(key="tour_story_full" if story_large else "tour_story_short"):
            st.markdown(md_escape(tours.step_text(step, lang) if step else ""))


def _toggle_story_size() -> None:
    """'Verhaal groter' / 'kaart groter': the presenter decides what the room sees."""
    st.session_state["story_large"] = not st.session_state.get("story_large")


# --------------------------------------------------------------------------- facilitator


def is_facilitator() -> bool:
    return bool(st.session_state.get("facilitator"))


def author() -> str:
    return st.session_state.get("author", "")


def _remembered_author() -> str:
    """The name this browser gave before (a reload starts a new Streamlit session)."""
    try:
        value = st.context.cookies.get(AUTHOR_COOKIE, "")
    except Exception:  # no browser context (e.g. AppTest)
        return ""
    return value if isinstance(value, str) else ""


def remember_author(name: str) -> None:
    """Keep the facilitator's name for this browser session (a cookie, never the passcode)."""
    st.iframe(static.srcdoc("kk-cookie.js", {"name": AUTHOR_COOKIE, "value": name}), height=1)


_CLIENT = "_kk_client"  # this session's signed client token (workshop.auth)


def _client_token() -> tuple[str, bool]:
    """This browser's token for the passcode limit: the cookie a reload brings back, else a
    new one; the flag says it still has to be stored in the browser (`_store_client_token`),
    so the next session (a reload) counts on."""
    ss = st.session_state
    if ss.get(_CLIENT):
        return ss[_CLIENT], False
    try:
        cookie = st.context.cookies.get(auth.CLIENT_COOKIE)
    except Exception:  # no browser context (e.g. AppTest)
        cookie = None
    token = cookie if auth.valid_client_token(cookie) else auth.new_client_token()
    ss[_CLIENT] = token
    return token, token != cookie


def _store_client_token(token: str) -> None:
    """Write the token cookie. Rendered after the form, never before it: an element that is
    there on the first run only would shift the form, and during the next run the page would
    show the old and the new password field side by side."""
    st.iframe(static.srcdoc("kk-cookie.js", {
        "name": auth.CLIENT_COOKIE, "value": token,
        "max_age": auth.CLIENT_COOKIE_MAX_AGE_S}), height=1)


def _client_address() -> str | None:
    """The visitor's address: uvicorn takes it from X-Forwarded-For only when the proxy's
    address is trusted (FORWARDED_ALLOW_IPS, set by `krimpkaart serve`); None on localhost."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser context
        return None
    return address if isinstance(address, str) else None  # AppTest hands out a mock


def facilitator_gate(db, lang: str) -> None:
    """Sidebar: unlock editing with the passcode and a name; read-only without a passcode."""
    ss = st.session_state
    if not auth.passcode_configured():
        return
    with st.sidebar.expander(t("facilitator", lang), expanded=is_facilitator(),
                             icon=":material/edit:"):
        if is_facilitator():
            if _remembered_author() != author():
                remember_author(author())
            st.markdown(t("facilitator_as", lang, name=md_escape(author())))
            st.button(t("lock", lang), key="lock", on_click=lambda: ss.update(facilitator=False))
            return
        token, unstored = _client_token()
        remembered = _remembered_author()
        with st.form("unlock", border=False):
            name = st.text_input(t("your_name", lang), value=remembered, max_chars=60)
            code = st.text_input(t("passcode", lang), type="password")
            submitted = st.form_submit_button(t("unlock", lang))
        if unstored:
            _store_client_token(token)
        if submitted:
            _try_unlock(db, auth.client_key(token, _client_address()), name, code, lang)


def _try_unlock(db, client: str, name: str, code: str, lang: str) -> None:
    """Check the name, then the passcode, counting the attempt in the store (per client and
    in total: a reload or another worker process does not reset the limit)."""
    try:
        clean = auth.clean_author(name)
    except auth.AuthorError as exc:  # says what is wrong: empty, too long, a control character
        st.error(t(exc.key, lang, **exc.values))
        return
    try:
        result = auth.PasscodeGuard(db).attempt(client, code, auth.expected_passcode())
    except StoreError as exc:  # closed when the attempts cannot be counted
        st.error(md_escape(exc.text(lang)))
        return
    if result.wait > 0:
        st.error(t("too_many_attempts", lang, s=math.ceil(result.wait)))
        return
    if result.ok:
        ss = st.session_state
        ss.update(facilitator=True, author=clean)
        st.rerun()
    st.error(t("wrong_passcode", lang))


# --------------------------------------------------------------------------- live updates


# The poll runs in the browser (static/kk-live.mjs): an open tab costs the server one tiny
# HTTP request per poll (workshop/live.py), and a script run only when the store changed.
_live = st.components.v2.component("krimpkaart_live", js=assets.text("kk-live.mjs"))
LIVE_KEY = "kk_live"
_SEEN = "_live_seen"  # a version this session wrote itself during this run (mark_seen)


def live_updates(drawn_version: int) -> None:
    """Tell the page's poller which store version it shows; it asks for a rerun on a change.

    ``drawn_version`` is the version this run read its data at. Last on the page, so a
    write earlier in the same run (``mark_seen``) is known: the writer's own page does
    not rerun again for it.
    """
    seen = st.session_state.pop(_SEEN, None)
    _live(key=LIVE_KEY, data={
        "version": drawn_version if seen is None else max(seen, drawn_version),
        "path": live.VERSION_PATH,
        "interval_ms": int(live.POLL_INTERVAL_S * 1000),
        "max_interval_ms": 60_000,
        "spread_ms": int(live.RERUN_SPREAD_S * 1000),
    })


def mark_seen(store) -> None:
    """After this session's own write: the poller need not rerun the page again for it."""
    with contextlib.suppress(StoreError):  # else the poller reruns the page once more
        st.session_state[_SEEN] = store.version()


# --------------------------------------------------------------------------- tour editor


NEW_TOUR = "__new__"


def _targets(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """What a step can show: 'id:<initiative>' or 'regio:<slug>' -> readable label."""
    out = {f"regio:{r.slug}": f"{t('region', lang)}: {r.regio}"
           for r in geo.regions().sort_values("regio").itertuples(index=False)}
    for row in frame.sort_values("name").itertuples(index=False):
        out[f"id:{row.id}"] = f"{row.name} ({row.place})" if row.place else row.name
    return out


def tour_editor_button(lang: str) -> None:
    """Sidebar button (facilitators only) that opens the story editor above the map."""
    if is_facilitator():
        st.sidebar.button(t("tour_edit", lang), key="tour_edit_open", icon=":material/route:",
                          width="stretch", on_click=lambda: st.session_state.update(
                              editing_tour=True))


def tour_editor(store, frame: pd.DataFrame, lang: str) -> None:
    """Build, reorder (by step number) and save an own story."""
    if not (is_facilitator() and st.session_state.get("editing_tour")):
        return
    with st.container(border=True, key="tour_editor"):
        head = st.columns([0.9, 0.1])
        head[0].markdown(f"### {t('tour_edit', lang)}")
        head[1].button("✕", key="tour_edit_close", help=t("close", lang),
                       on_click=lambda: st.session_state.update(editing_tour=False))
        _tour_form(store, frame, lang)


def _tour_form(store, frame: pd.DataFrame, lang: str) -> None:
    own = {x["id"]: x for x in tours.all_tours(store)[1:]}
    labels = {NEW_TOUR: t("tour_new", lang), **{k: v["title"] for k, v in own.items()}}
    choice = st.selectbox(t("tour_choose", lang), list(labels), format_func=labels.get,
                          key="tour_edit_choice")
    # A new story starts as a copy of the article's story, to edit and reorder.
    tour = own.get(choice) or tours.DEFAULT_TOUR
    targets = _targets(frame, lang)
    title = st.text_input(t("tour_title", lang), value=own[choice]["title"] if choice in own
                          else "", key=f"tour_title_{choice}", max_chars=tours.TITLE_MAX)
    texts = {_target_of(step): step.get("text") or "" for step in tour["steps"]}
    picked = st.multiselect(
        t("tour_steps", lang), list(targets), format_func=targets.get,
        default=[k for k in texts if k in targets], key=f"tour_steps_{choice}",
        placeholder=t("choose_many", lang), select_all=False)
    st.caption(t("tour_edit_help", lang))
    steps = []
    for n, target in enumerate(picked, start=1):
        text = st.text_area(f"{n}. {md_escape(targets[target])}", value=texts.get(target, ""),
                            key=f"tour_text_{choice}_{target}", max_chars=tours.TEXT_MAX,
                            height=90)
        kind, _, value = target.partition(":")
        steps.append({"initiative_id": value if kind == "id" else "",
                      "region": value if kind == "regio" else "", "text": text.strip(),
                      "text_en": ""})
    if st.button(t("save", lang), key="tour_save", type="primary"):
        _save_tour(store, frame, own.get(choice), title, steps, lang)


def _target_of(step: dict) -> str:
    return f"regio:{step['region']}" if step.get("region") else f"id:{step['initiative_id']}"


def _save_tour(store, frame: pd.DataFrame, tour: dict | None, title: str,
               steps: list[dict], lang: str) -> None:
    existing = [x["id"] for x in tours.all_tours(store)]
    new = {"id": tour["id"] if tour else tours.tour_id_from_title(title, existing),
           "title": title.strip(), "steps": steps}
    problems = tours.validate_tour(new, set(frame["id"]), tours.region_slugs())
    if problems:
        for problem in problems:  # they quote ids and region names: Markdown-escaped
            st.error(md_escape(problem.text(lang)))
        return
    saved = tours.save_tour(store, new, author())
    mark_seen(store)
    st.toast(t("tour_saved", lang, title=md_escape(saved["title"])), icon=":material/check_circle:")
    # The story picker already exists in this run: choose the new story on the next one.
    st.session_state.update(_tour_choice_next=saved["id"], editing_tour=False)
    st.rerun()
