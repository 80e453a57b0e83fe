"""The store contract: the ``Store`` protocol, its errors, history entries, record checks.

Every backend implements ``Store`` and raises these errors with messages meant
for the user: a catalog key and values, so ``exc.text(lang)`` shows them in the
reader's language (``str(exc)`` is English, for logs). ``clean_record`` is the
column check all backends share, derived from the record's field list in
``dashboard.domain.record``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypedDict, cast, runtime_checkable

from dashboard.domain.record import FIELD_TYPES, RECORD_FIELDS, Record
from dashboard.i18n import LocalizedError, field_label, msg

Records = list[Record]
RecordInput = Mapping[str, Any]  # what a write takes: any mapping, checked by clean_record


class TourRecord(TypedDict):
    """A stored guided tour; ``steps`` are ``{initiative_id, text}`` in order."""

    id: str
    title: str
    steps: list[dict[str, str]]
    created_at: str
    updated_at: str
    author: str


TourRecords = list[TourRecord]

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
FIELD_NAMES = RECORD_FIELDS
TEXT_DEFAULTS = {"kind": "initiatief", "status": "onbekend"}


class StoreError(LocalizedError):
    """Base of every store error; the message (``text(lang)``) is meant for the user."""


class NotFound(StoreError):
    """No initiative (or tour) with that id."""


class DuplicateId(StoreError):
    """An initiative with that id exists already."""


class Conflict(StoreError):
    """Someone else changed the record since the caller read it."""


class NothingToUndo(StoreError):
    """No change left that can be undone."""


class InvalidRecord(StoreError):
    """The dict is not a record the store can hold (it expects validated records)."""


class SeedError(StoreError):
    """The seed file is missing or malformed."""


class StoreBusy(StoreError):
    """Another writer held the store longer than the busy timeout."""


@dataclass(frozen=True)
class Change:
    """One entry of the change history; ``before``/``after`` are whole records."""

    seq: int
    at: str
    author: str
    action: str  # add, update, delete, undo
    record_id: str
    before: Record | None
    after: Record | None
    undoes: int | None = None  # for an undo: seq of the change it reverted


Changes = list[Change]


@runtime_checkable
class Store(Protocol):
    """What the app, importer and CLI need from a store of initiatives."""

    def list(self) -> Records: ...
    def get(self, id: str) -> Record | None: ...
    def add(self, record: RecordInput, author: str) -> Record: ...
    def add_many(self, records: Iterable[RecordInput], author: str) -> Records: ...
    def update(
        self, record: RecordInput, author: str, expected_updated_at: str | None = None
    ) -> Record: ...
    def delete(self, id: str, author: str) -> Record: ...
    def history(self, limit: int = 50) -> Changes: ...
    def undo_last(self, author: str | None = None) -> Change: ...
    def version(self) -> int: ...
    def reseed(self, records: Iterable[RecordInput]) -> int: ...
    def list_tours(self) -> TourRecords: ...
    def get_tour(self, id: str) -> TourRecord | None: ...
    def save_tour(self, tour: Mapping[str, Any], author: str) -> TourRecord: ...
    def delete_tour(self, id: str, author: str) -> TourRecord: ...



# --- records ----------------------------------------------------------------------------------


def now_stamp() -> str:
    return datetime.now(UTC).strftime(STAMP_FORMAT)


def next_stamp(previous: str | None) -> str:
    """Now, but strictly after ``previous`` so optimistic checks never see equal stamps."""
    now = now_stamp()
    if previous and now <= previous:
        with suppress(ValueError):
            before = datetime.strptime(previous, STAMP_FORMAT).replace(tzinfo=UTC)
            return (before + timedelta(seconds=1)).strftime(STAMP_FORMAT)
    return now


def clean_record(record: object) -> Record:
    """A complete record in field order; rejects what the columns cannot hold."""
    if not isinstance(record, dict):
        raise InvalidRecord(key="store_record_not_dict", type=type(record).__name__)
    rid = record.get("id")
    if not isinstance(rid, str) or not rid.strip():
        raise InvalidRecord(key="store_record_no_id")
    unknown = sorted(set(record) - set(FIELD_NAMES))
    if unknown:
        raise InvalidRecord(key="store_record_unknown_fields", id=rid, n=len(unknown),
                            fields=", ".join(unknown))
    out: dict[str, Any] = {}
    for name, kind in FIELD_TYPES.items():
        value = record.get(name)
        if kind == "text":
            value = TEXT_DEFAULTS.get(name, "") if value is None else value
            if not isinstance(value, str):
                raise InvalidRecord(key="store_record_not_text", id=rid,
                                    field=field_label(name))
        elif kind == "real" and value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidRecord(key="store_record_not_number", id=rid,
                                    field=field_label(name))
            value = float(value)
            if not math.isfinite(value):
                raise InvalidRecord(key="store_record_not_finite", id=rid,
                                    field=field_label(name))
        elif kind == "int" and value is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidRecord(key="store_record_not_whole", id=rid,
                                    field=field_label(name))
        elif kind == "bool":
            value = False if value is None else value
            if not isinstance(value, bool):
                raise InvalidRecord(key="store_record_not_bool", id=rid,
                                    field=field_label(name))
        elif kind == "json":
            value = [] if value is None else value
            if not isinstance(value, list):
                raise InvalidRecord(key="store_record_not_list", id=rid,
                                    field=field_label(name))
        out[name] = value
    if not out["name"].strip():
        raise InvalidRecord(key="store_record_no_name", id=rid)
    if (out["lat"] is None) != (out["lon"] is None):
        raise InvalidRecord(key="store_record_half_point", id=rid)
    if out["lat"] is not None and not (-90 <= out["lat"] <= 90 and -180 <= out["lon"] <= 180):
        raise InvalidRecord(key="store_record_out_of_range", id=rid)
    return cast(Record, out)


# --- undo -------------------------------------------------------------------------------------

# What an undo stamps on the record it writes back; not part of what the record says.
UNDO_STAMP_FIELDS = ("updated_at", "author")


def same_content(a: Record | None, b: Record | None) -> bool:
    """Whether two versions of a record say the same, whoever wrote them when."""
    if a is None or b is None:
        return a is b

    def content(record: Record) -> dict[str, Any]:
        return {k: v for k, v in record.items() if k not in UNDO_STAMP_FIELDS}

    return content(a) == content(b)


def undo_conflict(change: Change, current: Record | None, later: Changes) -> Conflict | None:
    """Why ``change`` cannot be undone now, or None when it can.

    ``later`` are the history entries for the same record after ``change``. An
    undo walks back through one's own successive changes: a later change that
    has been undone since (and the undo entries themselves) is no obstacle. It
    is refused when someone else's later change still stands (the conflict names
    them), or when the record no longer says what ``change`` left (an edit made
    outside the history, e.g. in QGIS). Shared by every backend.
    """
    known = change.before or change.after
    name = known["name"] if known else change.record_id
    undone = {c.undoes for c in later if c.action == "undo"}
    standing = [c for c in later if c.action != "undo" and c.seq not in undone]
    if not standing and same_content(current, change.after):
        return None
    if current is None:
        return Conflict(key="store_undo_deleted", name=name)
    if change.after is None:
        return Conflict(key="store_undo_readded", name=name)
    last = max(standing, key=lambda c: c.seq) if standing else None
    by = last.author if last else current["author"]
    at = last.at if last else current["updated_at"]
    return Conflict(key="store_undo_changed", name=name, by=by or msg("store_someone"), at=at)

