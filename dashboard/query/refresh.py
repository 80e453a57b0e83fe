"""Bring the initiatives frame up to date by reading only the records that changed.

Every write (a facilitator's addition in a workshop) is a new store version, and every
worker process needs the frame of that version. Reading and locating every record again
took 0.25 CPU s at 10,000 initiatives (2.5 s at 100,000) per process per addition, and the
open pages' reruns for that addition waited behind it. A record's ``updated_at`` changes
with every write of it, so comparing the stamps (``Store.stamps()``, one narrow query)
with the previous frame's says which records to read: usually one.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Collection
from typing import Protocol

import pandas as pd

from dashboard.query.frame import initiatives_frame

MOST_CHANGED = 0.2  # above this share of changed records, reading everything is as quick


class RecordColumns(Protocol):
    """The part of ``Store`` a frame is read from."""

    def columns(self, ids: Collection[str] | None = None) -> pd.DataFrame: ...
    def stamps(self) -> dict[str, str]: ...


def current_frame(rows: RecordColumns, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The initiatives frame of the store as it is now; from ``previous`` (an earlier
    frame of the same store) when only a few records changed since it was read."""
    if previous is not None:
        frame = refreshed_frame(previous, rows)
        if frame is not None:
            return frame
    return initiatives_frame(rows.columns())


def refreshed_frame(previous: pd.DataFrame, rows: RecordColumns,
                    most: float = MOST_CHANGED) -> pd.DataFrame | None:
    """``previous`` with the records written or deleted since it was read replaced, the
    same frame ``initiatives_frame(rows.columns())`` gives; None when more than ``most``
    of the records changed (then a full read is about as quick) or ``previous`` lacks
    the stamps to compare. ``previous`` itself is never changed: pages share it."""
    if "updated_at" not in previous:
        return None
    stamps = rows.stamps()
    ids = previous["id"].tolist()
    known = dict(zip(ids, previous["updated_at"].tolist(), strict=True))
    changed = [rid for rid, stamp in stamps.items() if known.get(rid) != stamp]
    gone = known.keys() - stamps.keys()
    if len(changed) + len(gone) > most * max(len(stamps), 1):
        return None
    if not changed and not gone:
        return previous.copy(deep=False)
    # A record written between the two reads comes with its own newer stamp, so the next
    # refresh (its write made a new version) reads it again: nothing is lost.
    fresh = initiatives_frame(rows.columns(changed)) if changed else previous.iloc[:0]
    position = {rid: i for i, rid in enumerate(ids)}
    dropped = sorted(position[rid] for rid in (*changed, *gone) if rid in position)
    merged = _spliced(previous, dropped, fresh[previous.columns], _places(previous, fresh))
    return _with_dtypes(merged, previous.dtypes)


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


def _with_dtypes(frame: pd.DataFrame, dtypes: pd.Series) -> pd.DataFrame:
    """``frame`` with the previous frame's column types (a one-row read may infer others)."""
    differ = {c: t for c, t in dtypes.items() if frame[c].dtype != t}
    return frame.astype(differ) if differ else frame


class NewestFrames:
    """The newest frame read per store in this process, which the next version's frame
    starts from (``current_frame``); shared by every session, so guarded by a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._newest: dict[str, tuple[int, pd.DataFrame]] = {}

    def frame(self, location: str, version: int, rows: RecordColumns) -> pd.DataFrame:
        """The frame of the store at ``location`` as it is now (``version`` or later)."""
        with self._lock:
            known = self._newest.get(location)
        frame = current_frame(rows, known[1] if known else None)
        with self._lock:
            known = self._newest.get(location)
            if known is None or known[0] <= version:
                self._newest[location] = (version, frame)
        return frame
