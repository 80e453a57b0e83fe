"""The initiatives frame: store records as one DataFrame with their location columns.

Region, region type and province come from the record's point (or, when it
has no point, from its gemeente_code); ``located`` is False for records
without a Dutch location, which are listed beside the map.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard import geo
from dashboard.text import fold, slugify


def _text_blob(record: Mapping) -> str:
    parts = [record.get(k) or "" for k in (
        "name", "place", "summary", "summary_en", "description", "description_en", "notes",
        "notes_en",
    )]
    return fold(" ".join(parts)).replace("-", " ")


def initiatives_frame(records: Iterable[Mapping]) -> pd.DataFrame:
    """Records as a DataFrame with the location columns filters and panels need.

    Region, region type and province come from the record's point (or, when it
    has no point, from its gemeente_code); ``located`` is False for records
    without a Dutch location, which are listed beside the map.
    """
    rows = [dict(r) for r in records]
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["id", "name", "lat", "lon", "themes", "actors"])
    for column in ("themes", "actors", "channels"):
        if column not in frame:
            frame[column] = [[] for _ in range(len(frame))]
        frame[column] = frame[column].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
    for column in ("kind", "scope", "status", "participation", "place", "gemeente_code",
                   "summary", "summary_en", "description", "description_en", "notes",
                   "notes_en"):
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("")
    for column in ("lat", "lon", "start_year"):
        if column not in frame:
            frame[column] = None
    if "location_approximate" not in frame:
        frame["location_approximate"] = False
    frame["location_approximate"] = frame["location_approximate"].map(lambda v: v is True)
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    frame["lat"], frame["lon"] = lat, lon
    frame["start_year"] = pd.to_numeric(frame["start_year"], errors="coerce").astype("Int64")

    located = geo.locate_many(lon.fillna(float("nan")).to_numpy(), lat.to_numpy())
    by_code = geo.municipality_lookup()
    for column in geo.LOCATION_COLUMNS:
        values = located[column].to_numpy(dtype=object)
        fallback = [
            by_code[c].get(column) if (pd.isna(v) and c in by_code) else v
            for v, c in zip(values, frame["gemeente_code"], strict=True)
        ]
        frame[column] = pd.Series(fallback, index=frame.index, dtype=object).fillna("")
    frame["located"] = frame["statcode"] != ""
    frame["on_map"] = lat.notna() & lon.notna()
    frame["abroad"] = frame["on_map"] & ~frame["located"]
    frame["location_approximate"] = frame["location_approximate"] & frame["on_map"]
    frame["regiotype"] = frame["regiotype"].where(frame["regiotype"] != "", "geen")
    frame.loc[~frame["located"], "regiotype"] = ""
    frame["regio_slug"] = frame["regio"].map(lambda r: slugify(r) if r else "")
    frame["provincie_slug"] = frame["provincie"].map(lambda p: slugify(p) if p else "")
    frame["search"] = [_text_blob(r) for r in frame.to_dict("records")]
    return frame.reset_index(drop=True)

