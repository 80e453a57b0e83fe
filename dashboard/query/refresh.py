"""Bring the initiatives frame up to date by reading only the records that changed.

Every write (a facilitator's addition in a workshop) is a new store version, and every
worker process needs the frame of that version. Reading and locating every record again
took 0.2 CPU s at 10,000 initiatives (2.4 s at 100,000) per process per addition, and the
open pages' reruns for that addition waited behind it.

``Store.stamps()`` gives each record a token of its row id and ``updated_at``: every write
by this app changes it (an update stamps the record anew; a re-added, restored or reseeded
record gets a new row id, which the stores never reuse). Comparing the tokens with those
the previous frame was read with says which records to read again: usually one.
A tool that edits the store file behind the app's back (QGIS, psql) changes no token,
so a full read still happens at least every ``FULL_READ_EVERY_S`` when data changes
(in ``NewestFrames``, in a thread of its own: the page does not wait for it).
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from dashboard.query.frame import initiatives_frame

MOST_CHANGED = 0.2  # above this share of changed records, reading everything is as quick
FULL_READ_EVERY_S = 60.0  # picks up edits made by other tools, which change no token


class RecordColumns(Protocol):
    """The part of ``Store`` a frame is read from."""

    def columns(self, ids: Collection[str] | None = None) -> pd.DataFrame: ...
    def stamps(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class FrameRead:
    """A frame with the record tokens it was read at, and when its last full read was."""

    frame: pd.DataFrame
    stamps: dict[str, str]
    full_read_at: float


def read_frame(rows: RecordColumns, previous: FrameRead | None = None,
               clock: Callable[[], float] = time.monotonic,
               full_read_every: float = FULL_READ_EVERY_S) -> FrameRead:
    """The initiatives frame of the store as it is now: from ``previous`` (an earlier read
    of the same store) when few records changed and its full read is recent, else in full.
    The tokens are read first, so a write in between is read again next time."""
    stamps = rows.stamps()
    now = clock()
    if previous is not None and now - previous.full_read_at < full_read_every:
        frame = refreshed_frame(previous.frame, previous.stamps, stamps, rows)
        if frame is not None:
            return FrameRead(frame, stamps, previous.full_read_at)
    return FrameRead(initiatives_frame(rows.columns()), stamps, now)


def refreshed_frame(previous: pd.DataFrame, old: dict[str, str], new: dict[str, str],
                    rows: RecordColumns, most: float = MOST_CHANGED) -> pd.DataFrame | None:
    """``previous`` (read at tokens ``old``) with the records whose token differs in ``new``
    read again and the deleted ones dropped: the frame a full read gives. None when more
    than ``most`` of the records changed. ``previous`` itself is never changed: pages
    share it."""
    changed = [rid for rid, token in new.items() if old.get(rid) != token]
    gone = old.keys() - new.keys()
    if len(changed) + len(gone) > most * max(len(new), 1):
        return None
    if not changed and not gone:
        return previous.copy(deep=False)
    fresh = initiatives_frame(rows.columns(changed)) if changed else previous.iloc[:0]
    position = {rid: i for i, rid in enumerate(previous["id"].tolist())}
    dropped = sorted(position[rid] for rid in (*changed, *gone) if rid in position)
    return _spliced(previous, dropped, fresh[previous.columns], _places(previous, fresh))


def _places(previous: pd.DataFrame, fresh: pd.DataFrame) -> list[int]:
    """Where each of ``fresh``'s rows goes among ``previous``'s: both are in ``list()``'s
    order (name case-insensitively, then id), so a binary search per row finds it."""
    names, ids = previous["name"].tolist(), previous["id"].tolist()
    rows = range(len(ids))
    return [bisect.bisect_left(rows, (name.casefold(), rid),
                               key=lambda i: (names[i].casefold(), ids[i]))
            for name, rid in zip(fresh["name"].tolist(), fresh["id"].tolist(), strict=True)]


def _spliced(previous: pd.DataFrame, dropped: list[int], fresh: pd.DataFrame,
             places: list[int]) -> pd.DataFrame:
    """``previous`` without the rows at ``dropped``, with ``fresh``'s rows put before the
    rows at ``places``: slices and one concat, no sort and no copy by row of 100,000 rows."""
    events = sorted([(at, 0, i) for i, at in enumerate(places)]
                    + [(at, 1, -1) for at in dropped])  # at one place: insert, then drop
    pieces, cursor = [], 0
    for at, drop, i in events:
        pieces.append(previous.iloc[cursor:at])
        if drop:
            cursor = at + 1
        else:
            pieces.append(fresh.iloc[i:i + 1])
            cursor = at
    pieces.append(previous.iloc[cursor:])
    return pd.concat([p for p in pieces if len(p)] or [previous.iloc[:0]], ignore_index=True)


class NewestFrames:
    """The newest frame read per store in this process, which the next version's frame
    starts from (``read_frame``); shared by every session, so guarded by a lock.

    The full read that picks up other tools' edits runs in a thread of its own after a
    refresh has answered: in a workshop it fell on an addition, and every page rerunning
    for that addition waited the 0.25 s (10,000 initiatives) it takes.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._newest: dict[str, tuple[int, FrameRead]] = {}
        self._reading: dict[str, threading.Thread] = {}  # full reads under way

    def frame(self, location: str, version: int, rows: RecordColumns) -> pd.DataFrame:
        """The frame of the store at ``location`` as it is now (``version`` or later)."""
        with self._lock:
            known = self._newest.get(location)
        read = read_frame(rows, known[1] if known else None, self._clock, math.inf)
        self._keep(location, version, read)
        if self._clock() - read.full_read_at >= FULL_READ_EVERY_S:
            self._read_in_full_later(location, version, rows)
        return read.frame

    def wait(self) -> None:
        """Until the full reads under way are done (tests, shutdown)."""
        with self._lock:
            threads = list(self._reading.values())
        for thread in threads:
            thread.join()

    def _keep(self, location: str, version: int, read: FrameRead) -> None:
        with self._lock:
            known = self._newest.get(location)
            if known is None or known[0] <= version:
                self._newest[location] = (version, read)

    def _read_in_full_later(self, location: str, version: int, rows: RecordColumns) -> None:
        def run() -> None:
            try:
                self._keep(location, version, read_frame(rows, None, self._clock))
            finally:
                with self._lock:
                    self._reading.pop(location, None)

        with self._lock:
            if location in self._reading:
                return
            thread = threading.Thread(target=run, name="krimpkaart-full-read", daemon=True)
            self._reading[location] = thread
        thread.start()
