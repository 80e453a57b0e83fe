"""Live editing without Streamlit: quick-add records, edits, duplicate warnings and undo.

The page collects form fields and a placement; this module turns them into a
record through ``validation.validate``, so the form reports exactly what an import
would. Placing by municipality puts the point at the municipality's centre and
marks the record ``location_approximate``; a point clicked, dragged or typed in
is exact.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Container, Iterable, Mapping
from typing import Any, Literal, NamedTuple

from dashboard import geo, text
from dashboard.domain import validation
from dashboard.domain.record import GEMEENTE_RE
from dashboard.domain.validation import ValidationResult
from dashboard.geo.centres import COORD_DIGITS
from dashboard.store import Conflict, NothingToUndo, Store, StoreBusy, StoreError

Record = dict[str, Any]
PointSource = Literal["click", "gemeente"]

NEARBY_KM = 2.0
SIMILAR_RATIO = 0.8
MIN_CONTAINED = 4  # a shorter name is not "contained" in another in any useful sense
haversine_km = geo.haversine_km  # here too: nearby checks and their tests use it
# Set by placement, never taken from the form as such.
PLACEMENT_FIELDS = ("lat", "lon", "gemeente_code", "location_approximate")
SYSTEM_FIELDS = ("id", "created_at", "updated_at", "author")


# --- nearby, similar records ----------------------------------------------------------------


def similar_names(a: str, b: str) -> bool:
    """Same or very similar names: case, accents and punctuation ignored."""
    fa, fb = text.fold(a), text.fold(b)
    if not fa or not fb:
        return False
    if fa == fb or difflib.SequenceMatcher(None, fa, fb).ratio() >= SIMILAR_RATIO:
        return True
    shorter, longer = sorted((fa, fb), key=len)
    return len(shorter) >= MIN_CONTAINED and shorter in longer


def nearby_similar(
    records: Iterable[Record], name: str, lat: float, lon: float,
    radius_km: float = NEARBY_KM, exclude_id: str | None = None,
) -> list[Record]:
    """Records within ``radius_km`` whose name looks like ``name``, nearest first.

    Used to warn before adding what is probably a duplicate; ``exclude_id`` leaves
    out the record being edited.
    """
    found: list[tuple[float, Record]] = []
    for record in records:
        if record.get("id") == exclude_id or record.get("lat") is None:
            continue
        distance = haversine_km(lat, lon, record["lat"], record["lon"])
        if distance <= radius_km and similar_names(name, record.get("name") or ""):
            found.append((distance, record))
    return [record for _, record in sorted(found, key=lambda pair: pair[0])]


# --- municipality centres -------------------------------------------------------------------


def normalise_code(value: object) -> str:
    """``'1714'``, ``'gm1714'`` -> ``'GM1714'``; "" when it is not a code."""
    text = str(value or "").upper().replace(" ", "")
    match = GEMEENTE_RE.match(text)
    return f"GM{int(match.group(1)):04d}" if match else ""


def municipality_centre(statcode: str) -> tuple[float, float]:
    """(lat, lon) well inside the municipality (``geo.municipality_centre``); takes
    ``1714`` as well as ``GM1714``. Raises ``KeyError`` for an unknown code."""
    return geo.municipality_centre(normalise_code(statcode))


def location_is_approximate(record: Mapping[str, Any]) -> bool:
    """Whether the record's point is only roughly where the initiative is.

    The stored ``location_approximate`` says so; a record from before that field
    (without the key) is judged as it was then: its point is its municipality's centre.
    """
    if "location_approximate" in record:
        return bool(record["location_approximate"]) and record.get("lat") is not None
    return geo.is_at_centre(record.get("gemeente_code") or "", record.get("lat"),
                            record.get("lon"))


# --- records from forms ---------------------------------------------------------------------


def _coordinate(value: object) -> object:
    """A clicked coordinate rounded to ~0.1 m; anything else is left for validate to judge."""
    if isinstance(value, float) and math.isfinite(value):
        return round(value, COORD_DIGITS)
    return value


def _place(
    data: dict[str, Any], form: Mapping[str, Any], point_source: PointSource
) -> list[validation.Problem]:
    """Put the point (and the municipality, when chosen) into ``data``; problems validate misses."""
    if point_source == "click":
        data["lat"], data["lon"] = _coordinate(form.get("lat")), _coordinate(form.get("lon"))
        data["gemeente_code"] = ""  # derived from the point by validate
        data["location_approximate"] = bool(form.get("location_approximate"))
        return []
    if point_source != "gemeente":
        raise ValueError(f"point_source must be 'click' or 'gemeente', not {point_source!r}")
    raw = form.get("gemeente_code")
    code = normalise_code(raw)
    data["gemeente_code"] = code or raw  # a malformed code is reported by validate
    data["lat"] = data["lon"] = None
    data["location_approximate"] = True
    if not code:
        return []
    try:
        data["lat"], data["lon"] = municipality_centre(code)
    except KeyError:
        # validate stops at "a location is required" and would not name the real cause
        return [validation.problem("gemeente_code", "place_code_unknown", code=code)]
    return []


def _validated(
    data: Mapping[str, Any], extra: list[validation.Problem], **options: Any
) -> ValidationResult:
    """``validation.validate`` plus placement problems (which replace its vaguer location error)."""
    result = validation.validate(data, **options)
    if not extra:
        return result
    rest = [p for p in result.problems if p.field != "location"]
    return ValidationResult(None, [*extra, *rest])


def new_record_from_form(
    form: Mapping[str, Any], *, point_source: PointSource,
    existing_ids: Container[str] | Iterable[str] | Mapping[str, Any] = (),
    locate: validation.Locator | None = None,
) -> ValidationResult:
    """A new record from the quick-add form, validated like an imported row.

    ``point_source`` says where the point comes from: ``"click"`` uses the form's
    ``lat``/``lon``; ``"gemeente"`` uses the centre of ``gemeente_code`` (the place
    then defaults to the municipality's name). The id is generated from the name.
    """
    data = {k: v for k, v in form.items() if k not in (*PLACEMENT_FIELDS, *SYSTEM_FIELDS)}
    extra = _place(data, form, point_source)
    return _validated(data, extra, existing_ids=existing_ids, locate=locate)


def apply_edit(
    record: Mapping[str, Any], form: Mapping[str, Any], *,
    point_source: PointSource | None = None, locate: validation.Locator | None = None,
) -> ValidationResult:
    """The record with the form's fields applied, validated; id and timestamps are kept.

    Without ``point_source`` the location stays as it was (form ``lat``/``lon``/
    ``gemeente_code`` are ignored). When the point moves, a place that is just the
    old municipality's name is cleared so it follows the new point.
    """
    data = dict(record)
    data.update({k: v for k, v in form.items() if k not in (*PLACEMENT_FIELDS, *SYSTEM_FIELDS)})
    extra: list[validation.Problem] = []
    if point_source is not None:
        extra = _place(data, form, point_source)
        old_code = record.get("gemeente_code") or ""
        old = geo.municipality_lookup().get(old_code)
        old_name = old["statnaam"] if old else None
        if old_name and data.get("place") == old_name:
            data["place"] = ""
    return _validated(data, extra, locate=locate)


# --- undo -----------------------------------------------------------------------------------


class UndoOutcome(NamedTuple):
    """Whether the undo happened, and the i18n key with its values for the message.

    Keys: ``undo_done`` {name, undone: add|update|delete}, ``undo_done_import`` {n},
    ``undo_nothing`` {},
    ``undo_conflict`` {name, by, at}, ``undo_conflict_deleted`` {name},
    ``undo_conflict_readded`` {name}, ``store_busy`` {}, ``undo_failed`` {error: the
    store's ``Message``, or its text when it has no key}, ``author_required`` {}.
    """

    ok: bool
    key: str
    values: dict[str, Any]


def _name(*records: Mapping[str, Any] | None) -> str:
    return next((str(r["name"]) for r in records if r and r.get("name")), "")


# The store's reasons for refusing an undo -> the page's messages.
_CONFLICT_KEYS = {"store_undo_changed": "undo_conflict",
                  "store_undo_deleted": "undo_conflict_deleted",
                  "store_undo_readded": "undo_conflict_readded"}


def _conflict(error: Conflict) -> UndoOutcome:
    """Say why the session's last change cannot be undone, naming who changed it since."""
    key = _CONFLICT_KEYS.get(error.key)
    if key is None:
        return UndoOutcome(False, "undo_failed", {"error": error.message or str(error)})
    wanted = ("name", "by", "at") if key == "undo_conflict" else ("name",)
    return UndoOutcome(False, key, {k: error.params.get(k, "") for k in wanted})


def undo_for_session(store: Store, author: str) -> UndoOutcome:
    """Undo this facilitator's last change, refusing when someone changed the record since."""
    if not author:
        return UndoOutcome(False, "author_required", {})
    try:
        change = store.undo_last(author)
    except NothingToUndo:
        return UndoOutcome(False, "undo_nothing", {})
    except Conflict as error:
        return _conflict(error)
    except StoreBusy:
        return UndoOutcome(False, "store_busy", {})
    except StoreError as exc:
        return UndoOutcome(False, "undo_failed", {"error": exc.message or str(exc)})
    if change.count is not None:  # an import, undone as a whole
        return UndoOutcome(True, "undo_done_import", {"n": change.count})
    # The undo entry runs from the state after the change back to the state before it.
    undone = "add" if change.after is None else "delete" if change.before is None else "update"
    return UndoOutcome(True, "undo_done", {"name": _name(change.after, change.before),
                                           "undone": undone})

