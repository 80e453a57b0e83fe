"""The start-year timeline: which initiatives a year shows, and the years to step through.

At year N the map shows the initiatives that started in N or earlier (earlier ones
stay); those without a start year cannot be placed in time and are listed beside it.
The years are every calendar year from the first to the last start year among the
(filtered) initiatives, so a quiet year is a frame too: the pace of growth stays honest.
Pure functions: the page, the CLI's GIF and the tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class TimelineYear:
    """One step of the timeline: the rows on the map, the ones new that year, the undated."""

    year: int
    shown: pd.DataFrame  # start_year <= year
    new: int  # started in exactly this year
    undated: pd.DataFrame  # no start year: not on the timeline


def years(frame: pd.DataFrame) -> list[int]:
    """Every year from the first to the last start year in ``frame`` (empty without any)."""
    dated = frame["start_year"].dropna() if not frame.empty else pd.Series(dtype="Int64")
    if dated.empty:
        return []
    return list(range(int(dated.min()), int(dated.max()) + 1))


def clamp(year: int, span: list[int]) -> int:
    """``year`` moved into the timeline's span (a link's year outside the filtered data)."""
    if not span:
        return year
    return min(max(year, span[0]), span[-1])


def undated(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows without a start year: listed beside the timeline, never on it."""
    if frame.empty:
        return frame
    return frame[frame["start_year"].isna()]


def until(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows that started in ``year`` or earlier (keeps the frame's attrs)."""
    if frame.empty:
        return frame
    return frame[(frame["start_year"] <= year).fillna(False).astype(bool)]


def at(frame: pd.DataFrame, year: int) -> TimelineYear:
    """The timeline at ``year``: shown rows, how many are new that year, the undated."""
    shown = until(frame, year)
    new = int((shown["start_year"] == year).sum()) if not shown.empty else 0
    return TimelineYear(year=year, shown=shown, new=new, undated=undated(frame))
