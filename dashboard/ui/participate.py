"""The participant's page (``?workshop=CODE``): a short form for a phone, no passcode, no account.

Where the initiative is comes from a municipality (its centre, marked approximate),
a typed place name (``tabular.place_lookup``: a municipality, or a place the map's
initiatives already have; approximate) or a tap on the small map (``placement``),
shown before sending. What is sent goes
to the workshop's queue (``workshop.room.submit``), never to the map itself. The
browser keeps a signed device token in a cookie, so the per-device limit survives
a reload.
"""

from __future__ import annotations

import streamlit as st

from dashboard import store
from dashboard.domain.vocab import THEMES
from dashboard.i18n import LANGS, t
from dashboard.store.rooms import RateLimited, Rooms, WorkshopClosed, WorkshopUnknown, rooms_of
from dashboard.tabular import place_lookup
from dashboard.ui import placement, static
from dashboard.ui.markdown import md_escape
from dashboard.webmap import DEFAULT_BASEMAP, NL_CENTER
from dashboard.workshop import editing, room

DEVICE_COOKIE = "krimpkaart_apparaat"
PLACE = "room_place"  # the small map's key
COUNTRY_ZOOM = 6.5
AREA_ZOOM = 11.0
PLACE_ZOOM = 13.0  # a village found among the initiatives' places
FORM_KEYS = ("room_name", "room_place_name", "room_themes", "room_description", "room_link",
             "room_gm")
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


def wanted() -> bool:
    """Whether this page load is a participant's (the link carries ``workshop``)."""
    return room.CODE_PARAM in st.query_params


def _language() -> str:
    ss = st.session_state
    if "room_lang" not in ss:
        asked = st.query_params.get("lang", "nl")
        ss["room_lang"] = asked if asked in LANGS else "nl"
    st.segmented_control("lang", list(LANGS), key="room_lang", format_func=LANGUAGE_NAMES.get,
                         label_visibility="collapsed", required=True)
    return ss["room_lang"]


def _device(rooms: Rooms) -> str:
    """This browser's device id: from its signed cookie, else a new token (and cookie)."""
    ss = st.session_state
    secret = room.device_secret(rooms)
    if "room_token" not in ss:
        try:
            cookie = st.context.cookies.get(DEVICE_COOKIE)
        except Exception:  # no browser context (AppTest)
            cookie = None
        ss["room_token"] = cookie if room.device_of(cookie, secret) else \
            room.new_device_token(secret)
    token = ss["room_token"]
    st.iframe(static.srcdoc("kk-cookie.js", {"name": DEVICE_COOKIE, "value": token}), height=1)
    return room.device_of(token, secret) or ""


def _address() -> str:
    try:
        return str(st.context.ip_address or "local")
    except Exception:
        return "local"


def _code_form(lang: str) -> None:
    """Type the code from the screen (a link without one, or a mistyped one)."""
    with st.form("room_code_form", border=False):
        code = st.text_input(t("room_code_ask", lang), max_chars=12)
        if st.form_submit_button(t("room_code_go", lang), type="primary"):
            st.query_params[room.CODE_PARAM] = room.normalise_code(code) or code.strip()[:12]
            st.rerun()


def _gm_chosen() -> None:
    code = st.session_state.get("room_gm")
    st.session_state.pop("room_found", None)
    if code:
        placement.set_point(PLACE, editing.municipality_centre(code))
        st.session_state.update(room_placed=True, room_approx=True, room_zoom=AREA_ZOOM)


def _tapped(_point: placement.Point) -> None:
    st.session_state.pop("room_found", None)
    st.session_state.update(room_placed=True, room_approx=False, room_zoom=None)


@st.cache_resource(max_entries=2, show_spinner=False)
def _known_places(_db: store.Store, where: str, version: int) -> place_lookup.PlaceIndex:
    """The located initiatives' places, once per data version (``where`` names the store)."""
    columns = _db.columns()
    if columns.empty:
        return place_lookup.PlaceIndex([])
    return place_lookup.PlaceIndex(zip(columns["place"], columns["lat"], columns["lon"],
                                       strict=True))


def _place_typed(db: store.Store) -> None:
    """Locate the typed place name and put the pin there (approximate), or say it is unknown.

    A name that is not found leaves a point chosen before where it was."""
    ss = st.session_state
    typed = str(ss.get("room_place_name") or "").strip()
    ss.pop("room_found", None)
    if not typed:
        return
    where = str(getattr(db, "path", None) or getattr(db, "label", ""))
    found = place_lookup.locate_place(typed, _known_places(db, where, db.version()))
    if found is None:
        ss["room_found"] = ("none", typed, 0)
        return
    placement.set_point(PLACE, (found.lat, found.lon))
    zoom = AREA_ZOOM if found.kind == "municipality" else PLACE_ZOOM
    ss.update(room_placed=True, room_approx=True, room_zoom=zoom,
              room_found=(found.kind, found.name, found.records))
    # the pick follows the point; none when the point lies in no municipality (at sea)
    ss["room_gm"] = found.gemeente_code or None


def _say_found(lang: str) -> bool:
    """What the typed place name matched (or that it matched nothing); whether it said so."""
    found = st.session_state.get("room_found")
    if not found:
        return False
    kind, name, records = found
    if kind == "none":
        st.warning(t("room_found_none", lang, name=md_escape(name)), icon=":material/search_off:")
    elif kind == "municipality":
        st.success(t("room_found_municipality", lang, name=md_escape(name)),
                   icon=":material/location_on:")
    else:
        st.success(t("room_found_place", lang, name=md_escape(name), n=records),
                   icon=":material/location_on:")
    return True


def _reset() -> None:
    ss = st.session_state
    for key in (*FORM_KEYS, "room_sent", "room_placed", "room_approx", "room_zoom",
                "room_found"):
        ss.pop(key, None)
    placement.clear(PLACE)


def _where(db: store.Store, lang: str) -> dict:
    """The municipality picker, the place name, the small map; the point chosen so far (or
    nothing). The place name is outside the form: typing it moves the pin before sending."""
    ss = st.session_state
    st.markdown(f"**{t('room_field_where', lang)}**")
    st.caption(t("room_where_help", lang))
    names = placement.municipality_names()
    st.selectbox(t("room_field_municipality", lang), list(names), format_func=names.get,
                 key="room_gm", index=None, placeholder=t("choose", lang), on_change=_gm_chosen)
    st.text_input(t("room_field_place", lang), key="room_place_name",
                  max_chars=room.FIELD_LIMITS["place"], on_change=_place_typed, args=(db,))
    said = _say_found(lang)
    point = placement.pick_point(PLACE, NL_CENTER, ss.get("room_zoom") or COUNTRY_ZOOM, lang,
                                 basemap=DEFAULT_BASEMAP, height=230, on_change=_tapped)
    if not (ss.get("room_placed") and point):
        st.info(t("room_point_none", lang))
        return {}
    placement.point_status(point, lang)
    if ss.get("room_approx") and not said:
        st.caption(t("room_point_approx", lang))
    return {"lat": point[0], "lon": point[1], "location_approximate": bool(ss.get("room_approx"))}


def _send(rooms: Rooms, code: str, device: str, form: dict, lang: str) -> None:
    try:
        suggestion, problems = room.submit(rooms, code, device, _address(), form)
    except (RateLimited, WorkshopClosed, WorkshopUnknown) as exc:
        st.error(exc.text(lang))
        return
    except store.StoreError:
        st.error(t("room_try_later", lang))
        return
    if problems or suggestion is None:
        lines = "\n".join(f"- {md_escape(p.text(lang))}" for p in problems)
        st.error(f"{t('room_not_sent', lang)}\n\n{lines}")
        return
    st.session_state["room_sent"] = suggestion.data["name"]
    st.rerun()


def page(db: store.Store) -> None:
    """The whole participant page."""
    ss = st.session_state
    st.markdown(static.style("kk-participate.css"), unsafe_allow_html=True)
    with st.container(key="room_participant"):
        lang = _language()
        st.title(t("room_title", lang))
        rooms = rooms_of(db)
        code = room.normalise_code(st.query_params.get(room.CODE_PARAM))
        found = rooms.workshop(code) if code else None
        if not code:
            st.error(t("room_code_missing", lang))
            _code_form(lang)
            return
        if found is None:
            st.error(t("room_code_unknown", lang, code=code))
            _code_form(lang)
            return
        if not found.is_open:
            st.warning(t("room_code_closed", lang, code=code))
            return
        st.caption(t("room_workshop", lang, code=code))
        device = _device(rooms)
        if ss.get("room_sent"):
            st.success(t("room_sent", lang), icon=":material/check_circle:")
            st.caption(t("room_sent_name", lang, name=md_escape(ss["room_sent"])))
            st.button(t("room_send_another", lang), on_click=_reset, type="primary",
                      key="room_another")
            return
        st.markdown(t("room_intro", lang))
        form = _where(db, lang)
        form["place"] = ss.get("room_place_name") or ""
        limits = room.FIELD_LIMITS
        with st.form("room_form", border=False):
            form["name"] = st.text_input(t("room_field_name", lang) + " *", key="room_name",
                                         max_chars=limits["name"])
            form["themes"] = st.multiselect(
                t("room_field_themes", lang), THEMES.slugs, key="room_themes",
                format_func=lambda v: THEMES.label(v, lang), placeholder=t("choose_many", lang),
                max_selections=room.MAX_THEMES, select_all=False)
            form["description"] = st.text_area(t("room_field_description", lang),
                                               key="room_description",
                                               max_chars=limits["description"], height=90)
            form["link"] = st.text_input(t("room_field_link", lang), key="room_link",
                                         max_chars=limits["link"])
            form["first_name"] = st.text_input(t("room_field_first_name", lang),
                                               key="room_first_name",
                                               max_chars=limits["first_name"])
            sent = st.form_submit_button(t("room_send", lang), type="primary", width="stretch",
                                         icon=":material/send:")
        feedback = st.container()  # right below the button: seen on a phone without scrolling
        st.caption(t("room_privacy", lang))
        if sent:
            with feedback:
                _send(rooms, code, device, form, lang)
