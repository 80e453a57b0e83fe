"""The initiatives frame: store records as one DataFrame with their location columns.

Region, region type and province come from the record's point (or, when it
has no point, from its gemeente_code); ``located`` is False for records
without a Dutch location, which are listed beside the map.

Every derived column is computed a column at a time: the frame is what the first
visitor after a server start waits for, and at 100,000 initiatives a Python dict
per record (``DataFrame.to_dict``) took longer than all the rest together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard import geo
from dashboard.text import fold, slugify

LIST_COLUMNS = ("themes", "actors", "channels")
TEXT_COLUMNS = ("kind", "scope", "status", "participation", "place", "gemeente_code",
                "summary", "summary_en", "description", "description_en", "notes", "notes_en")
SEARCH_FIELDS = ("name", "place", "summary", "summary_en", "description", "description_en",
                 "notes", "notes_en")


def initiatives_frame(records: Iterable[Mapping] | pd.DataFrame) -> pd.DataFrame:
    """Records as a DataFrame with the location columns filters and panels need.

    ``records`` are record dicts, or the DataFrame ``Store.columns()`` reads (the
    same records a column at a time, much faster to get); both give the same frame.
    Region, region type and province come from the record's point (or, when it
    has no point, from its gemeente_code); ``located`` is False for records
    without a Dutch location, which are listed beside the map.
    """
    from_store = isinstance(records, pd.DataFrame)
    if isinstance(records, pd.DataFrame):  # shallow: new columns stay out of the caller's
        frame = records.copy(deep=False)
    else:
        frame = pd.DataFrame([dict(r) for r in records])
    if frame.empty:
        frame = pd.DataFrame(columns=["id", "name", "lat", "lon", "themes", "actors"])
    for column in LIST_COLUMNS:
        if column not in frame:
            frame[column] = [[] for _ in range(len(frame))]
            continue
        frame[column] = pd.Series(_lists(frame[column], copy=not from_store),
                                  index=frame.index, dtype=object)
    for column in TEXT_COLUMNS:
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("")
    for column in ("lat", "lon", "start_year"):
        if column not in frame:
            frame[column] = None
    if "location_approximate" not in frame:
        frame["location_approximate"] = False
    frame["location_approximate"] = _is_true(frame["location_approximate"])
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    frame["lat"], frame["lon"] = lat, lon
    frame["start_year"] = pd.to_numeric(frame["start_year"], errors="coerce").astype("Int64")

    located = geo.locate_many(lon.fillna(float("nan")).to_numpy(), lat.to_numpy())
    # A record without a point but with a municipality code lies in that municipality.
    by_code = geo.municipality_lookup()
    codes = frame["gemeente_code"]
    use_code = located["statcode"].isna().to_numpy() & codes.isin(by_code.keys()).to_numpy()
    for column in geo.LOCATION_COLUMNS:
        values = located[column].to_numpy(dtype=object)
        if use_code.any():
            values = values.copy()
            values[use_code] = [by_code[c].get(column) for c in codes[use_code]]
        frame[column] = pd.Series(values, index=frame.index, dtype=object).fillna("")
    frame["located"] = frame["statcode"] != ""
    frame["on_map"] = lat.notna() & lon.notna()
    frame["abroad"] = frame["on_map"] & ~frame["located"]
    frame["location_approximate"] = frame["location_approximate"] & frame["on_map"]
    frame["regiotype"] = frame["regiotype"].where(frame["regiotype"] != "", "geen")
    frame.loc[~frame["located"], "regiotype"] = ""
    frame["regio_slug"] = _slugs(frame["regio"])
    frame["provincie_slug"] = _slugs(frame["provincie"])
    frame["search"] = search_texts(frame)
    return frame.reset_index(drop=True)


def _lists(values: Iterable, copy: bool) -> list[list]:
    """Each value as a list ([] for anything else); ``copy``: never the caller's own list
    (``Store.columns()`` made its lists for this frame alone)."""
    if copy:
        return [list(v) if isinstance(v, (list, tuple)) else [] for v in values]
    return [v if type(v) is list else list(v) if isinstance(v, tuple) else [] for v in values]


def _is_true(values: pd.Series) -> pd.Series:
    """True only where the value is the boolean True (as ``v is True`` per record)."""
    if pd.api.types.is_bool_dtype(values.dtype) and not values.hasnans:
        return values.astype(bool)
    return values.map(lambda v: v is True)


def _slugs(names: pd.Series) -> pd.Series:
    """The slug of each name ("" for none), computed once per distinct name."""
    slugs = {name: slugify(name) if name else "" for name in names.unique()}
    return names.map(slugs.__getitem__)


def search_texts(frame: pd.DataFrame) -> list[str]:
    """The folded text the search box matches: name, place and every description."""
    columns = [frame[k].tolist() if k in frame else [""] * len(frame) for k in SEARCH_FIELDS]
    return [fold(" ".join(part or "" for part in parts)).replace("-", " ")
            for parts in zip(*columns, strict=True)]
