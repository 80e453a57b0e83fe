"""Workshops and their participants' suggestions: what every store backend keeps beside
the initiatives.

A facilitator opens a workshop under a short code; participants send suggestions to
it from their phones. Suggestions wait here as ``pending`` until the facilitator
approves (they become an initiative through the ordinary ``Store.add``), merges or
rejects them. None of this touches the initiatives, their history or the store's
version: the public map, its live updates and the exports never see a suggestion.

The limits are checked and the suggestion written in one transaction, so they hold
across server processes. The tables are auxiliary: made when the store opens
(``CREATE TABLE IF NOT EXISTS``), with no schema number of their own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol, runtime_checkable

from dashboard.store.base import STAMP_FORMAT, Conflict, NotFound, StoreError

WORKSHOPS = "krimpkaart_workshops"
SUGGESTIONS = "krimpkaart_suggestions"
ROOM_SECRETS = "krimpkaart_room_secrets"

Status = Literal["pending", "approved", "merged", "rejected"]
STATUSES: tuple[Status, ...] = ("pending", "approved", "merged", "rejected")


@dataclass(frozen=True)
class Limits:
    """How much one device, one address and one workshop may send.

    A device is a signed cookie (``workshop.room.device_token``); a venue shares one
    address, so the address limit is only a generous ceiling against a script.
    """

    per_device: int = 10
    per_address: int = 100
    window_s: int = 600  # the device and address limits count this many seconds back
    per_workshop: int = 300  # in all, for the workshop's whole life


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Workshop:
    """An open (``closed_at`` empty) or closed workshop; ``changes`` counts every write to
    its queue (new suggestions, decisions, edits): the facilitator's page polls it."""

    code: str
    opened_at: str
    opened_by: str
    closed_at: str
    changes: int

    @property
    def is_open(self) -> bool:
        return not self.closed_at


@dataclass(frozen=True)
class Suggestion:
    """One participant's suggestion; ``data`` holds the form's fields (``room.FIELDS``)."""

    seq: int
    workshop: str
    created_at: str
    device: str
    status: Status
    data: dict[str, Any]
    decided_at: str = ""
    decided_by: str = ""
    record_id: str = ""


class WorkshopUnknown(StoreError):
    """No workshop with that code."""


class WorkshopClosed(StoreError):
    """The workshop was closed: its code takes no more suggestions."""


class RateLimited(StoreError):
    """Too many suggestions: ``params['limit']`` says which limit (device, address,
    workshop), ``params['seconds']`` how long to wait (0: for good)."""

    @property
    def limit(self) -> str:
        return str(self.params.get("limit", ""))


# Every row of the room tables, per table, in ``ROW_COLUMNS`` order: what a backup carries.
RoomRows = dict[str, list[tuple]]
ROW_COLUMNS = {
    WORKSHOPS: ("code", "opened_at", "opened_by", "closed_at", "changes"),
    SUGGESTIONS: ("seq", "workshop", "created_at", "device", "address", "status", "data",
                  "decided_at", "decided_by", "record_id"),
    ROOM_SECRETS: ("name", "value"),
}


@runtime_checkable
class Rooms(Protocol):
    """Workshops and suggestions of one store (``rooms_of(store)``)."""

    def open_workshop(self, code: str, by: str) -> Workshop: ...
    def close_workshop(self, code: str) -> Workshop: ...
    def workshop(self, code: str) -> Workshop | None: ...
    def open_workshops(self) -> list[Workshop]: ...
    def submit(self, code: str, device: str, address: str, data: Mapping[str, Any],
               limits: Limits = DEFAULT_LIMITS, now: datetime | None = None) -> Suggestion: ...
    def suggestions(self, code: str | None = None,
                    status: Status | None = "pending") -> list[Suggestion]: ...
    def suggestion(self, seq: int) -> Suggestion | None: ...
    def edit(self, seq: int, data: Mapping[str, Any]) -> Suggestion: ...
    def decide(self, seq: int, status: Status, by: str, record_id: str = "") -> Suggestion: ...
    def reopen(self, seq: int) -> Suggestion: ...
    def secret(self, new: str) -> str: ...
    def dump(self) -> RoomRows: ...


# --- what the backends share ------------------------------------------------------------------


def stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime(STAMP_FORMAT)


def window_start(now: datetime, limits: Limits) -> str:
    """The stamp from which the device and address limits count."""
    return stamp(now - timedelta(seconds=limits.window_s))


def check_limits(device_count: int, address_count: int, workshop_count: int,
                 oldest_device: str | None, oldest_address: str | None,
                 now: datetime, limits: Limits) -> None:
    """Raise ``RateLimited`` when one more suggestion would break a limit.

    ``*_count`` are the suggestions already sent (device and address: within the
    window); ``oldest_*`` the stamp of the oldest of those, from which the wait is
    reckoned (it leaves the window then).
    """
    if workshop_count >= limits.per_workshop:
        raise RateLimited(key="room_limit_workshop", limit="workshop", seconds=0,
                          n=limits.per_workshop)
    for kind, key, count, oldest, most in (
            ("device", "room_limit_device", device_count, oldest_device, limits.per_device),
            ("address", "room_limit_address", address_count, oldest_address,
             limits.per_address)):
        if count >= most:
            seconds = limits.window_s
            if oldest:
                then = datetime.strptime(oldest, STAMP_FORMAT).replace(tzinfo=UTC)
                seconds = max(1, int((then + timedelta(seconds=limits.window_s)
                                      - now).total_seconds()) + 1)
            raise RateLimited(key=key, limit=kind, seconds=seconds,
                              minutes=max(1, (seconds + 59) // 60), n=most,
                              window=limits.window_s // 60)


def dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(dict(data), ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def check_open(found: Workshop | None, code: str) -> Workshop:
    """The workshop a suggestion goes to; ``WorkshopUnknown``/``WorkshopClosed`` otherwise."""
    if found is None:
        raise WorkshopUnknown(key="room_code_unknown", code=code)
    if not found.is_open:
        raise WorkshopClosed(key="room_code_closed", code=code)
    return found


def check_pending(found: Suggestion | None, seq: int) -> Suggestion:
    """A suggestion that can still be decided or edited; ``NotFound``/``Conflict`` otherwise."""
    if found is None:
        raise NotFound(key="room_suggestion_unknown", seq=seq)
    if found.status != "pending":
        raise Conflict(key="room_suggestion_decided", name=str(found.data.get("name", "")),
                       by=found.decided_by, status=found.status)
    return found


def check_status(status: str) -> None:
    if status not in STATUSES or status == "pending":
        raise ValueError(f"a decision is one of approved, merged, rejected, not {status!r}")


def rooms_of(store: object) -> Rooms:
    """The workshops and suggestions kept in ``store`` (made once per store object)."""
    rooms: Rooms | None = getattr(store, "_rooms", None)
    if rooms is not None:
        return rooms
    from dashboard.store.geopackage import GeoPackageStore

    if isinstance(store, GeoPackageStore):
        from dashboard.store.gpkg_rooms import GeoPackageRooms

        rooms = GeoPackageRooms(store)
    else:
        from dashboard.store.postgis import PostGISStore

        if not isinstance(store, PostGISStore):
            raise TypeError(f"{type(store).__name__} keeps no workshops")
        from dashboard.store.pg_rooms import PostGISRooms

        rooms = PostGISRooms(store)
    setattr(store, "_rooms", rooms)  # noqa: B010 - a private cache on the store object
    return rooms
