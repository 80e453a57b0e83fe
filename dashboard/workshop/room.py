"""The room contributes: workshop codes, the participant link and its QR code, device
tokens, checking a participant's suggestion, and the facilitator's decisions on it.

No Streamlit here: the pages (``ui/participate.py``, ``ui/queue.py``) draw, this
module decides. What a participant sends only ever becomes a row in the store's
suggestions table (``store.rooms``); it reaches the initiatives only through a
facilitator's approval or merge, written with the facilitator's name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import math
import re
import secrets
import unicodedata
import weakref
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno

from dashboard import geo
from dashboard.domain import validation
from dashboard.domain.validation import Problem, ValidationResult, check_url, problem
from dashboard.domain.vocab import KINDS, SCOPES, THEMES
from dashboard.i18n import msg
from dashboard.store import Store, StoreError
from dashboard.store.base import DuplicateId
from dashboard.store.rooms import Rooms, Suggestion, Workshop, rooms_of
from dashboard.workshop import editing

if TYPE_CHECKING:
    import pandas as pd

# Letters and digits nobody reads as another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6, Q, U/V).
CODE_ALPHABET = "ACDEFHJKMNPRTWXY34679"
CODE_LENGTH = 5  # 21**5 = 4 million codes: guessing an open one is hopeless
CODE_PARAM = "workshop"  # the participant link: <page>?workshop=CODE

# Field limits of the participant's form (characters).
FIELD_LIMITS = {"name": 120, "place": 100, "description": 400, "link": 500, "first_name": 40}
# How the form names its fields in a message (catalog keys).
FIELD_LABELS = {"name": "room_field_name", "place": "room_field_place",
                "description": "room_field_description", "link": "room_field_link",
                "first_name": "room_field_first_name", "themes": "room_field_themes",
                "location": "room_field_where"}
MAX_THEMES = 5
FIELDS = ("name", "place", "gemeente_code", "lat", "lon", "location_approximate", "themes",
          "description", "link", "first_name", "kind", "scope")
DEFAULT_KIND = "initiatief"
DEFAULT_SCOPE = "lokaal"


# --- codes and the link -------------------------------------------------------------------


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: object) -> str:
    """What a participant typed or the link carried, as a code: upper case, no spaces or
    dashes; "" when it cannot be one (wrong characters, wrong length)."""
    code = re.sub(r"[\s-]+", "", str(text or "")).upper()
    if not 4 <= len(code) <= 8 or any(c not in CODE_ALPHABET for c in code):
        return ""
    return code


def open_workshop(rooms: Rooms, by: str, tries: int = 5) -> Workshop:
    """A new open workshop under a fresh code (another one if the code is taken)."""
    for _ in range(tries - 1):
        try:
            return rooms.open_workshop(new_code(), by)
        except DuplicateId:
            continue
    return rooms.open_workshop(new_code(), by)


def participant_link(page_url: str, code: str, public_url: str | None = None) -> str:
    """The link participants open: ``public_url`` (``KRIMPKAART_PUBLIC_URL``) when set, else the
    address the facilitator's browser used (``page_url``), with ``?workshop=CODE`` only."""
    base = (public_url or page_url or "").strip()
    parts = urlsplit(base)
    path = parts.path or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode({CODE_PARAM: code}), ""))


def qr_code(link: str) -> segno.QRCode:
    """The link as a QR code; error level M survives a glare or a smudge on the projector."""
    return segno.make(link, error="m", micro=False, boost_error=False)


def qr_png(link: str, scale: int = 10) -> bytes:
    """A PNG of the QR code (black on white, with the 4-module quiet zone scanners need)."""
    out = io.BytesIO()
    qr_code(link).save(out, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return out.getvalue()


# --- device tokens ------------------------------------------------------------------------


def _sign(secret: str, value: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), value.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode("ascii").rstrip("=")


def new_device_token(secret: str) -> str:
    """A signed token for a participant's browser: ``<random>.<signature>``."""
    value = base64.urlsafe_b64encode(secrets.token_bytes(12)).decode("ascii").rstrip("=")
    return f"{value}.{_sign(secret, value)}"


def device_of(token: object, secret: str) -> str | None:
    """The device a token names, or None when it is not one we signed (made up, altered)."""
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 64:
        return None
    value, signature = token.split(".")
    if not value or not re.fullmatch(r"[A-Za-z0-9_-]+", value):
        return None
    return value if hmac.compare_digest(signature, _sign(secret, value)) else None


_SECRETS: weakref.WeakKeyDictionary[Rooms, str] = weakref.WeakKeyDictionary()


def device_secret(rooms: Rooms) -> str:
    """The key device tokens are signed with: one per store, so every server process agrees;
    read from the store once per process (a participant's every rerun needs it)."""
    secret = _SECRETS.get(rooms)
    if secret is None:
        secret = _SECRETS[rooms] = rooms.secret(secrets.token_urlsafe(32))
    return secret


# --- the participant's suggestion -----------------------------------------------------------


def _problem(name: str, key: str, **values: Any) -> Problem:
    """A problem with the form's own label for the field ("Je voornaam", not "first_name")."""
    return problem(name, key, field=msg(FIELD_LABELS[name]), **values)


def _text(name: str, value: object, problems: list[Problem], multiline: bool = False) -> str:
    """Stripped NFC text within its limit; control and formatting characters refused."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = re.sub(r"\s+", " ", text)
    text = text.strip()
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
                and c != "\n"), None)
    if bad is not None:
        problems.append(_problem(name, "room_control_char", codepoint=f"U+{ord(bad):04X}"))
    limit = FIELD_LIMITS[name]
    if len(text) > limit:
        problems.append(_problem(name, "room_too_long", length=len(text), limit=limit))
    return text


@dataclass
class Checked:
    """A participant's form, cleaned (``data``), and what is wrong with it."""

    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_suggestion(form: Mapping[str, Any]) -> Checked:
    """Clean and check what a participant sent: every problem at once, each with a friendly key.

    Only the form's own fields are kept; anything else in ``form`` (an ``id``, a
    ``created_at``) is dropped, so a suggestion can never name an existing record.
    """
    problems: list[Problem] = []
    data: dict[str, Any] = {
        "name": _text("name", form.get("name"), problems),
        "place": _text("place", form.get("place"), problems),
        "description": _text("description", form.get("description"), problems, multiline=True),
        "first_name": _text("first_name", form.get("first_name"), problems),
        "link": "",
        "themes": [],
        "kind": DEFAULT_KIND,
        "scope": DEFAULT_SCOPE,
    }
    if not data["name"]:
        problems.append(_problem("name", "room_name_required"))
    link = _text("link", form.get("link"), problems)
    if link:
        key, fixed = check_url(link)
        if key:
            problems.append(_problem("link", "room_link_invalid", value=link))
        else:
            data["link"] = fixed
    themes = form.get("themes") or []
    if not isinstance(themes, list | tuple) or any(t not in THEMES.slugs for t in themes):
        problems.append(_problem("themes", "room_themes_unknown"))
    else:
        data["themes"] = list(dict.fromkeys(themes))[:MAX_THEMES]
    kind, scope = form.get("kind") or DEFAULT_KIND, form.get("scope") or DEFAULT_SCOPE
    data["kind"] = kind if kind in KINDS.slugs else DEFAULT_KIND
    data["scope"] = scope if scope in SCOPES.slugs else DEFAULT_SCOPE
    data.update(_point(form, problems))
    return Checked(data, problems)


def _point(form: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """Where: a point in a Dutch municipality (tapped, or a municipality's centre)."""
    out: dict[str, Any] = {"lat": None, "lon": None, "gemeente_code": "",
                           "location_approximate": False}
    lat, lon = form.get("lat"), form.get("lon")
    try:
        lat, lon = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        problems.append(_problem("location", "room_where_required"))
        return out
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems.append(_problem("location", "room_outside_nl"))
        return out
    found = geo.locate(lon, lat) if geo.in_nl_box(lon, lat) else None
    if found is None:
        problems.append(_problem("location", "room_outside_nl"))
        return out
    out.update(lat=round(lat, 6), lon=round(lon, 6), gemeente_code=found["statcode"],
               location_approximate=bool(form.get("location_approximate")))
    return out


def submit(rooms: Rooms, code: str, device: str, address: str,
           form: Mapping[str, Any]) -> tuple[Suggestion | None, list[Problem]]:
    """Check and store a participant's suggestion: (the suggestion, []) or (None, problems).

    A closed or unknown code and a broken limit raise the store's errors
    (``WorkshopClosed``, ``WorkshopUnknown``, ``RateLimited``) for the page to explain.
    """
    checked = check_suggestion(form)
    if not checked.ok:
        return None, checked.problems
    return rooms.submit(code, device, address, checked.data), []


# --- the facilitator's decisions ------------------------------------------------------------


def source_note(code: str) -> dict[str, str]:
    """The source entry that says where an approved record came from."""
    return {"title": f"Workshop {code}", "url": "", "note": "Voorstel van een deelnemer"}


def as_record(suggestion: Suggestion,
              existing_ids: Container[str] | Iterable[str] = ()) -> ValidationResult:
    """The initiative an approval would add, validated like the facilitator's own quick add."""
    data = suggestion.data
    sources = [source_note(suggestion.workshop)]
    if data.get("link"):
        sources.append({"title": data.get("name", ""), "url": data["link"], "note": ""})
    form = {
        "name": data.get("name", ""), "place": data.get("place", ""),
        "themes": list(data.get("themes") or []), "summary": data.get("description", ""),
        "kind": data.get("kind") or DEFAULT_KIND, "scope": data.get("scope") or DEFAULT_SCOPE,
        "lat": data.get("lat"), "lon": data.get("lon"),
        "location_approximate": bool(data.get("location_approximate")),
        "sources": sources,
    }
    ids: Container[str] = (existing_ids if isinstance(existing_ids, Container)
                           else set(existing_ids))
    return editing.new_record_from_form(form, point_source="click", existing_ids=ids)


def records_near(frame: pd.DataFrame, lat: float, lon: float, radius_km: float) -> list[dict]:
    """The initiatives of ``frame`` (the page's cached frame) in a box of ``radius_km``
    around the point, as ``{id, name, lat, lon}``: what look-alike detection and the merge
    choices need, without reading every record from the store on every rerun."""
    if frame.empty or "lat" not in frame:
        return []
    # km per degree, rounded down (latitude 110.6, longitude 111.2 x cos): never short
    dlat = radius_km / 110.5
    dlon = radius_km / (111.0 * max(math.cos(math.radians(abs(lat) + dlat)), 0.01))
    lats, lons = frame["lat"].to_numpy(dtype=float), frame["lon"].to_numpy(dtype=float)
    inside = ((lats >= lat - dlat) & (lats <= lat + dlat)
              & (lons >= lon - dlon) & (lons <= lon + dlon))  # NaN (no point) is never inside
    near = frame.loc[inside, ["id", "name", "lat", "lon"]]
    return [{"id": str(i), "name": str(n), "lat": float(y), "lon": float(x)}
            for i, n, y, x in near.itertuples(index=False, name=None)]


def duplicates(records: Iterable[Mapping[str, Any]], suggestion: Suggestion) -> list[dict]:
    """Initiatives within 2 km whose name looks like the suggestion's, nearest first."""
    data = suggestion.data
    if data.get("lat") is None or data.get("lon") is None:
        return []
    return editing.nearby_similar([dict(r) for r in records], str(data.get("name", "")),
                                  float(data["lat"]), float(data["lon"]))


class _StoreIds:
    """The store's ids as a container: ``id in ids`` asks the store for that one record,
    so naming a new record does not read all of them."""

    def __init__(self, store: Store, taken: Iterable[str] = ()) -> None:
        self._store = store
        self.taken = set(taken)

    def __contains__(self, rid: object) -> bool:
        return rid in self.taken or (isinstance(rid, str) and self._store.get(rid) is not None)


class DecisionError(StoreError):
    """A decision that could not be carried out; the message says why."""


def approve(store: Store, suggestion: Suggestion, author: str) -> dict:
    """Add the suggestion as an initiative (by ``author``) and mark it approved.

    The suggestion is claimed first (so two facilitators cannot both add it); if the
    record cannot be added, the claim is undone and the suggestion stays pending.
    """
    rooms = rooms_of(store)
    result = as_record(suggestion, _StoreIds(store))
    if not result.ok or result.record is None:
        raise DecisionError(key="room_not_complete", name=suggestion.data.get("name", ""))
    rooms.decide(suggestion.seq, "approved", author, result.record["id"])
    try:
        added = store.add(result.record, author)
    except BaseException:
        rooms.reopen(suggestion.seq)
        raise
    return dict(added)


def merge(store: Store, suggestion: Suggestion, target_id: str, author: str) -> dict:
    """Add the suggestion to an existing initiative: that record keeps its own fields, the
    suggestion's text is added to its notes and its link to its sources."""
    rooms = rooms_of(store)
    target = store.get(target_id)
    if target is None:
        raise DecisionError(key="room_merge_gone", id=target_id)
    data = suggestion.data
    record: dict[str, Any] = dict(target)
    note = f"Workshop {suggestion.workshop}: {data.get('description') or data.get('name')}"
    record["notes"] = f"{record['notes']}\n\n{note}".strip() if record["notes"] else note
    sources = [dict(s) for s in target["sources"]]
    if data.get("link") and all(s.get("url") != data["link"] for s in sources):
        sources.append({"title": f"Workshop {suggestion.workshop}", "url": data["link"],
                        "note": ""})
    record["sources"] = sources
    checked = validation.validate(record)
    if not checked.ok or checked.record is None:
        raise DecisionError(key="room_merge_invalid", name=target["name"],
                            problem=checked.errors[0].text("en") if checked.errors else "")
    rooms.decide(suggestion.seq, "merged", author, target_id)
    try:
        updated = store.update(checked.record, author, expected_updated_at=target["updated_at"])
    except BaseException:
        rooms.reopen(suggestion.seq)
        raise
    return dict(updated)


def reject(store: Store, suggestion: Suggestion, author: str) -> Suggestion:
    return rooms_of(store).decide(suggestion.seq, "rejected", author)


@dataclass
class BulkOutcome:
    approved: list[dict] = field(default_factory=list)
    skipped: list[Suggestion] = field(default_factory=list)  # not complete: left pending
    failed: list[tuple[Suggestion, StoreError]] = field(default_factory=list)


def approve_all(store: Store, suggestions: Iterable[Suggestion], author: str) -> BulkOutcome:
    """Approve every suggestion that has every required field; the rest stay pending."""
    outcome = BulkOutcome()
    ids = _StoreIds(store)
    for suggestion in suggestions:
        result = as_record(suggestion, ids)
        if not result.ok or result.record is None:
            outcome.skipped.append(suggestion)
            continue
        try:
            added = approve(store, suggestion, author)
        except StoreError as exc:
            outcome.failed.append((suggestion, exc))
            continue
        ids.taken.add(added["id"])
        outcome.approved.append(added)
    return outcome


def complete(suggestion: Suggestion) -> bool:
    """Whether bulk approval would take it: every required field, valid."""
    return as_record(suggestion).ok
