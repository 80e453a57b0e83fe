"""The store contract: the ``Store`` protocol, its errors, history entries, record checks.

Every backend implements ``Store`` and raises these errors with messages meant
for the user: a catalog key and values, so ``exc.text(lang)`` shows them in the
reader's language (``str(exc)`` is English, for logs). ``clean_record`` is the
column check all backends share, derived from the record's field list in
``dashboard.domain.record``.
"""

from __future__ import annotations

import json
import math
import queue
import secrets
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar, cast, runtime_checkable

from dashboard.domain.record import FIELD_TYPES, RECORD_FIELDS, Record, record_defaults
from dashboard.i18n import LocalizedError, field_label, msg
from dashboard.text import fold

if TYPE_CHECKING:
    import pandas as pd

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
# A column beside the record's fields: ``match_key(name, place)``, indexed, so an import
# finds initiatives that are already in the store without reading them all. Rows changed
# by other tools (QGIS) get NULL there (a trigger) and the store fills it in again.
KEY_COLUMN = "krimpkaart_key"
WRITE_BATCH = 2_000  # records per round of an import's inserts
BATCH_PART = 10_000  # record ids per stored part of an import's id list


_FIELD_ITEMS = tuple(FIELD_TYPES.items())
_FIELD_SET = frozenset(FIELD_NAMES)
_JSON_POSITIONS = tuple(i for i, kind in enumerate(FIELD_TYPES.values()) if kind == "json")
_ID, _NAME = FIELD_NAMES.index("id"), FIELD_NAMES.index("name")
_LAT, _LON = FIELD_NAMES.index("lat"), FIELD_NAMES.index("lon")
_OTHER_REALS = tuple(i for i, kind in enumerate(FIELD_TYPES.values())
                     if kind == "real" and i not in (_LAT, _LON))


def _plain_signatures() -> frozenset[tuple[type, ...]]:
    """The value types (in field order) of a record that ``clean_record`` keeps as it is:
    text as ``str``, lists as ``list``, flags as ``bool``, numbers as ``float``/``int`` or
    None. A record of one of these needs only its values checked, not its types."""
    choices = {"text": (str,), "json": (list,), "bool": (bool,), "real": (float, type(None)),
               "int": (int, type(None))}
    signatures: list[tuple[type, ...]] = [()]
    for kind in FIELD_TYPES.values():
        signatures = [(*s, t) for s in signatures for t in choices[kind]]
    return frozenset(signatures)


_PLAIN_SIGNATURES = _plain_signatures()


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
    count: int | None = None  # an import (and its undo): how many records; ``record_id`` is
    # then the import's batch id, ``before``/``after`` are None, and the ids are stored apart


Changes = list[Change]


@dataclass(frozen=True)
class Batch:
    """What ``import_records`` wrote: one history entry (``seq``) for ``count`` records."""

    id: str
    seq: int | None  # None when there was nothing to write
    count: int
    at: str


@runtime_checkable
class Store(Protocol):
    """What the app, importer and CLI need from a store of initiatives.

    ``list()`` gives the records as dicts (for editing, imports, exports); ``columns()``
    gives the same records as one DataFrame, read column-wise, for the page's frame
    (``store.columns.records_frame`` says what the columns hold); ``stamps()`` a token
    per record (row id and ``updated_at``) that every write of the record changes, so a
    frame can be brought up to date by reading only what changed (``query.read_frame``).
    """

    def list(self) -> Records: ...
    def columns(self, ids: Collection[str] | None = None) -> pd.DataFrame: ...
    def stamps(self) -> dict[str, str]: ...
    def get(self, id: str) -> Record | None: ...
    def add(self, record: RecordInput, author: str) -> Record: ...
    def add_many(self, records: Iterable[RecordInput], author: str) -> Records: ...
    def import_records(self, records: Iterable[RecordInput], author: str) -> Batch: ...
    def existing_ids(self, ids: Iterable[str]) -> dict[str, str]: ...
    def existing_keys(self, keys: Iterable[str]) -> dict[str, str]: ...
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


@dataclass(frozen=True)
class FailureCounts:
    """Wrong passcode attempts: one client's since one moment, everyone's since another.

    Times are wall-clock seconds (``time.time()``), comparable across processes.
    """

    client: int = 0
    client_last: float | None = None
    everyone: int = 0
    everyone_last: float | None = None


@runtime_checkable
class PasscodeAttempts(Protocol):
    """Where passcode attempts are counted, so a reload or another worker process does not
    reset the limit (``workshop.auth.PasscodeGuard``). Writing here never changes
    ``version()``: an attempt is not news for the open pages."""

    def record_passcode_attempt(self, client: str, at: float, ok: bool,
                                forget_before: float) -> None: ...
    def passcode_failures(self, client: str, client_since: float,
                          everyone_since: float) -> FailureCounts: ...


ATTEMPTS = "krimpkaart_passcode_attempts"  # created on opening, in both backends


@dataclass(frozen=True)
class Snapshot:
    """Everything a store holds, read in one transaction: for backups and copies.

    ``carried`` is what is not public data (workshops, suggestions, column mappings);
    a table missing from it (a backup written before the table existed) ends empty.

    ``history`` is oldest first; each change comes with the seq of the undo that
    reverted it (``undone_by``), so undo keeps working in the copy.
    """

    records: Records
    history: list[tuple[Change, int | None]]
    tours: TourRecords
    version: int
    batches: dict[int, list[str]] = field(default_factory=dict)  # import seq -> record ids
    # Workshops, suggestions and column mappings: table -> rows (``store.carried``).
    carried: dict[str, list[tuple]] = field(default_factory=dict)


@runtime_checkable
class PortableStore(Store, Protocol):
    """A store whose whole contents move between backends (``krimpkaart store copy``)."""

    def snapshot(self) -> Snapshot: ...
    def replace_with(self, snapshot: Snapshot) -> int: ...
    def backup(self, dest: str | Path, *, overwrite: bool = False) -> Path: ...
    def restore(self, src: str | Path) -> int: ...
    def close(self) -> None: ...


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
    if (type(record) is dict and tuple(record) == FIELD_NAMES
            and tuple(map(type, record.values())) in _PLAIN_SIGNATURES):
        return _clean_plain(record)
    return _clean_any(record)


def _clean_plain(record: dict[str, Any]) -> Record:
    """``clean_record`` for a record with every field, in order, of the stored type (what an
    import hands over a million times): only the values are checked, in C where possible;
    anything odd goes through ``_clean_any``, so the errors are its."""
    values = list(record.values())
    lat, lon = values[_LAT], values[_LON]
    if (not values[_ID].strip() or not values[_NAME].strip() or (lat is None) != (lon is None)
            or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180))):
        return _clean_any(record)  # NaN fails the range test too
    for i in _OTHER_REALS:  # none today; a real field added later is checked as well
        if values[i] is not None and not math.isfinite(values[i]):
            return _clean_any(record)
    return cast(Record, dict(record))


def _clean_any(record: object) -> Record:
    """``clean_record`` for anything: each field checked and defaulted one by one."""
    if not isinstance(record, dict):
        raise InvalidRecord(key="store_record_not_dict", type=type(record).__name__)
    rid = record.get("id")
    if not isinstance(rid, str) or not rid.strip():
        raise InvalidRecord(key="store_record_no_id")
    unknown = [] if record.keys() <= _FIELD_SET else sorted(set(record) - _FIELD_SET)
    if unknown:
        raise InvalidRecord(key="store_record_unknown_fields", id=rid, n=len(unknown),
                            fields=", ".join(unknown))
    out: dict[str, Any] = {}
    get = record.get
    for name, kind in _FIELD_ITEMS:  # the common cases first: this runs for every imported row
        value = get(name)
        if kind == "text":
            if type(value) is not str:
                value = TEXT_DEFAULTS.get(name, "") if value is None else value
                if not isinstance(value, str):
                    raise InvalidRecord(key="store_record_not_text", id=rid,
                                        field=field_label(name))
        elif value is None:
            if kind == "json":
                value = []
            elif kind == "bool":
                value = False
        elif kind == "real":
            if type(value) is not float:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise InvalidRecord(key="store_record_not_number", id=rid,
                                        field=field_label(name))
                value = float(value)
            if not math.isfinite(value):
                raise InvalidRecord(key="store_record_not_finite", id=rid,
                                    field=field_label(name))
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidRecord(key="store_record_not_whole", id=rid,
                                    field=field_label(name))
        elif kind == "bool":
            if type(value) is not bool:
                raise InvalidRecord(key="store_record_not_bool", id=rid,
                                    field=field_label(name))
        elif kind == "json" and not isinstance(value, list):
            raise InvalidRecord(key="store_record_not_list", id=rid, field=field_label(name))
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


# --- duplicates and imports --------------------------------------------------------------------


_fold_place = lru_cache(maxsize=65_536)(fold)  # places repeat (342 municipalities), names less


def match_key(name: str, place: str) -> str:
    """The key two records share when they name one initiative in one place: the name and the
    place folded (case, accents, hyphens and spaces ignored), e.g. ``10:klushuizen:oostburg``.
    The length prefix keeps ``("a b", "")`` and ``("a", "b")`` apart.

    The keys made last are remembered: an import asks for each row's key when it checks
    the row and the store again when it writes it, a few thousand rows later."""
    pair = (name, place)
    key = _recent_keys[0].get(pair) or _recent_keys[1].get(pair)
    if key is None:
        folded = fold(name or "")
        key = f"{len(folded)}:{folded}:{_fold_place(place or '')}"
        if len(_recent_keys[0]) >= RECENT_KEYS:
            _recent_keys[1] = _recent_keys[0]
            _recent_keys[0] = {}
        _recent_keys[0][pair] = key
    return key


RECENT_KEYS = 12_000  # keys remembered (twice as many at most): more than an import chunk
_recent_keys: list[dict[tuple[str, str], str]] = [{}, {}]


_encode_json = json.JSONEncoder(ensure_ascii=False).encode  # as json.dumps(v, ensure_ascii=False)


_JSON_TEXTS: dict[tuple[str, ...], str] = {}  # lists of text seen (themes, channels)
JSON_TEXTS_LIMIT = 10_000


def json_text(value: Any) -> str:
    """A list field as stored: JSON text with non-ASCII kept. An empty list, and a list of
    text seen before (an import repeats a few theme lists a million times), fast."""
    if type(value) is not list:
        return _encode_json(value)
    if not value:
        return "[]"
    try:
        "".join(value)  # raises unless every item is text: 1 and 1.0 and True hash alike
    except TypeError:
        return _encode_json(value)
    key = tuple(value)
    text = _JSON_TEXTS.get(key)
    if text is None:
        text = _encode_json(value)
        if len(_JSON_TEXTS) >= JSON_TEXTS_LIMIT:
            _JSON_TEXTS.clear()
        _JSON_TEXTS[key] = text
    return text


def stored_values(record: Mapping[str, Any], ordered: bool = False) -> list[Any]:
    """A record's values in field order as the columns hold them (lists as JSON text).
    ``ordered``: the record's own order is the fields' (``imported_record`` made it)."""
    values = list(record.values()) if ordered else list(map(record.__getitem__, FIELD_NAMES))
    for i in _JSON_POSITIONS:
        values[i] = json_text(values[i])
    return values


def key_owners(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """``key -> id`` from ``(key, id, name)`` rows; for a key held twice, the record that
    ``list()`` returns last (by name, then id), as the importer chose before it asked."""
    best: dict[str, tuple[str, str]] = {}
    for key, rid, name in rows:
        rank = ((name or "").casefold(), rid)
        if key not in best or rank > best[key]:
            best[key] = rank
    return {key: rid for key, (_, rid) in best.items()}


def new_batch_id(now: str) -> str:
    """``import-20261128T101500Z-3f9a1c``: the stamp, and random hex against clashes."""
    return f"import-{now.replace('-', '').replace(':', '')}-{secrets.token_hex(3)}"


T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items (the last one shorter); memory stays one list."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def first_clash(records: Iterable[Record], stored: Iterable[str]) -> str:
    """The first id among ``records`` that ``stored`` holds or an earlier record repeats."""
    taken = set(stored)
    for record in records:
        if record["id"] in taken:
            return record["id"]
        taken.add(record["id"])
    return "?"


_DONE = object()


def pipelined(items: Iterable[T], write: Callable[[T], None], depth: int = 1) -> None:
    """``write`` each item in a second thread while this one makes the next: the database
    driver lets go of the interpreter while the database works (SQLite's B-trees, a
    PostgreSQL round trip), so checking rows and storing them overlap on two cores.

    An exception on either side stops both and is raised here, after the writer has
    finished what it was doing (the caller's transaction then rolls back). ``depth``
    items wait at most, which bounds memory.
    """
    waiting: queue.Queue[Any] = queue.Queue(maxsize=depth)
    failed: list[BaseException] = []

    def run() -> None:
        while (item := waiting.get()) is not _DONE:
            if not failed:
                try:
                    write(item)
                except BaseException as exc:  # handed to the caller's thread
                    failed.append(exc)

    writer = threading.Thread(target=run, name="krimpkaart-store-writer", daemon=True)
    writer.start()
    try:
        for item in items:
            if failed:
                break
            waiting.put(item)
    finally:
        waiting.put(_DONE)
        writer.join()
    if failed:
        raise failed[0]


def check_batch_undo(change: Change, ids: list[str],
                     found: Mapping[str, tuple[str, str, str]]) -> None:
    """Refuse to undo an import when one of its records was deleted or changed since.

    ``found`` maps the ids (of one part of the import) still stored to their
    ``(name, author, updated_at)``; a record still as imported has the import's stamp
    and author.
    """
    for rid in ids:
        if rid not in found:
            raise Conflict(key="store_undo_import_deleted", id=rid, n=change.count or 0)
        name, author, updated_at = found[rid]
        if updated_at != change.at or author != change.author:
            raise Conflict(key="store_undo_import_changed", name=name, n=change.count or 0,
                           by=author or msg("store_someone"), at=updated_at)


# --- what every backend does alike: new records, updates, undo, tours, stored values -----------


def imported_record(record: object, author: str, now: str) -> Record:
    """``added_record(clean_record(record), ...)`` with one copy of the record, not two (an
    import makes a million); its fields are in field order (``stored_values(ordered=True)``)."""
    out = clean_record(record)  # a new dict, ours to stamp
    out["created_at"] = out["updated_at"] = now
    out["author"] = author
    return out


def added_record(record: Record, author: str, now: str) -> Record:
    """A record as ``add`` stores it: the store sets the timestamps and the author."""
    return {**record, "created_at": now, "updated_at": now, "author": author}


def seeded_record(record: Record, now: str) -> Record:
    """Seed (and reseed) records keep their own timestamps and author; missing ones are filled."""
    return {
        **record,
        "created_at": record["created_at"] or now,
        "updated_at": record["updated_at"] or record["created_at"] or now,
        "author": record["author"] or "seed",
    }


def updated_record(
    record: Record, before: Record | None, author: str, expected_updated_at: str | None
) -> Record:
    """The record ``update`` writes over ``before``; ``NotFound`` or ``Conflict`` otherwise."""
    if before is None:
        raise NotFound(key="store_not_found", id=record["id"])
    if expected_updated_at is not None and expected_updated_at != before["updated_at"]:
        raise Conflict(key="store_changed_meanwhile", name=before["name"],
                       by=before["author"] or msg("store_someone"), at=before["updated_at"])
    return {
        **record,
        "created_at": before["created_at"],
        "updated_at": next_stamp(before["updated_at"]),
        "author": author,
    }


def plan_undo(
    change: Change, current: Record | None, author: str | None, later: Changes
) -> tuple[str, str, Record | None]:
    """``(by, stamp, after)`` for undoing ``change``; ``after`` None means delete the record.

    ``later`` are the history entries for the same record after ``change``. The undo
    is a change of its own: by ``author``, else the author of the undone change,
    stamped strictly after the record's current stamp. Raises ``Conflict`` when
    ``undo_conflict`` says so.
    """
    conflict = undo_conflict(change, current, later)
    if conflict is not None:
        raise conflict
    by = author if author is not None else change.author
    stamp = next_stamp(current["updated_at"] if current else None)
    after: Record | None = None
    if change.before is not None:
        after = {**change.before, "updated_at": stamp, "author": by}
    return by, stamp, after


def clean_tour(tour: Any) -> tuple[str, str, list[dict[str, str]]]:
    """``(id, title, steps)`` of a tour to save; ``InvalidRecord`` when it has the wrong shape."""
    if not isinstance(tour, dict) or not isinstance(tour.get("id"), str) or not tour["id"]:
        raise InvalidRecord(key="store_tour_no_id")
    title = tour.get("title") or ""
    steps = tour.get("steps") or []
    if not isinstance(title, str) or not isinstance(steps, list):
        raise InvalidRecord(key="store_tour_shape", id=tour["id"])
    clean = []
    for n, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not isinstance(step.get("initiative_id"), str):
            raise InvalidRecord(key="store_tour_step_target", id=tour["id"], number=n)
        text = step.get("text") or ""
        if not isinstance(text, str):
            raise InvalidRecord(key="store_tour_step_text", id=tour["id"], number=n)
        clean.append({"initiative_id": step["initiative_id"], "text": text})
    return tour["id"], title, clean


def sort_records(records: Iterable[Record]) -> Records:
    """Records in the order ``list()`` returns them: by name (case-insensitive), then id."""
    return sorted(records, key=lambda r: (r["name"].casefold(), r["id"]))


def sort_tours(tours: Iterable[TourRecord]) -> TourRecords:
    return sorted(tours, key=lambda t: (t["title"].casefold(), t["id"]))


def json_list(value: Any) -> list:
    """A stored list field: JSON text or an already parsed value. Text typed in by hand
    (QGIS, psql) is kept as a one-item list, not dropped."""
    if isinstance(value, list):
        return value
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return value if isinstance(value, list) else [value]


def with_defaults(record: Mapping[str, Any] | None) -> Record | None:
    """A record from the history with every field: one written before a field existed
    gets that field's default (so an old change still compares equal, and undoes)."""
    return None if record is None else cast(Record, {**record_defaults(), **record})


def record_from_columns(values: Iterable[Any], xy: tuple[float, float] | None) -> Record:
    """A record from its field columns (in ``FIELD_TYPES`` order) and its point.

    The geometry wins over the lat/lon columns (a point moved in a GIS tool), and
    NULLs written by other tools become the record's defaults.
    """
    record: dict[str, Any] = {}
    for (name, kind), value in zip(FIELD_TYPES.items(), values, strict=True):
        if kind == "json":
            value = json_list(value)
        elif kind == "text" and value is None:
            value = TEXT_DEFAULTS.get(name, "")
        elif kind == "bool":
            value = bool(value)  # SQLite keeps 0/1; NULL from another tool is "no"
        record[name] = value
    record["lon"], record["lat"] = xy if xy else (None, None)
    return cast(Record, record)
