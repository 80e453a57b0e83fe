"""Records as columns: a whole store read into one DataFrame without a dict per record.

``Store.list()`` builds a dict per record, which is what editing and exports want, but
the page only needs the records as a table: at 100,000 initiatives building 100,000
dicts and then a DataFrame from them took seconds. Both backends fetch their rows and
hand them here, where each field becomes one column in a single pass: NULLs become the
record defaults, stored JSON becomes lists, and the point comes from the geometry (which
wins over the lat/lon columns, as in ``record_from_columns``). The rows come back in
``list()``'s order, so a row of ``columns()`` says what the record of ``list()`` says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboard.domain.record import FIELD_TYPES
from dashboard.store.base import TEXT_DEFAULTS, json_list
from dashboard.store.gpkg_format import blob_xy

# The blob ``gpkg_format.gpkg_point`` writes: GP header without envelope, little-endian
# WKB point. Blobs in exactly this layout are decoded all at once; any other (a point
# rewritten by QGIS with an envelope, big-endian, empty) goes through ``blob_xy``.
_POINT_BLOB_SIZE = 29
_POINT_HEADER = np.frombuffer(b"GP\x00\x01", dtype=np.uint8)
_POINT_WKB_HEADER = np.frombuffer(b"\x01\x01\x00\x00\x00", dtype=np.uint8)


def blob_points(blobs: Sequence[bytes | None]) -> tuple[np.ndarray, np.ndarray]:
    """lon and lat arrays (NaN where there is no point) of GeoPackage point blobs."""
    count = len(blobs)
    lon = np.full(count, np.nan)
    lat = np.full(count, np.nan)
    plain = [i for i, blob in enumerate(blobs)
             if blob is not None and len(blob) == _POINT_BLOB_SIZE]
    others = set(range(count)).difference(plain) if len(plain) < count else set()
    if plain:
        raw = np.frombuffer(b"".join(blobs[i] for i in plain),  # type: ignore[misc]
                            dtype=np.uint8).reshape(-1, _POINT_BLOB_SIZE)
        ours = (raw[:, :4] == _POINT_HEADER).all(axis=1) & (
            raw[:, 8:13] == _POINT_WKB_HEADER).all(axis=1)
        rows = np.asarray(plain)[ours]
        xy = raw[ours, 13:29].copy().view("<f8").reshape(-1, 2)
        lon[rows], lat[rows] = xy[:, 0], xy[:, 1]
        others.update(np.asarray(plain)[~ours].tolist())
    for i in others:
        point = blob_xy(blobs[i])
        if point is not None:
            lon[i], lat[i] = point
    nan = np.isnan(lon) | np.isnan(lat)  # blob_xy: a NaN coordinate is no point
    lon[nan], lat[nan] = np.nan, np.nan
    return lon, lat


def _json_cells(values: Sequence[Any], parse: Callable[[Any], list]) -> list[list]:
    """A stored list field per row (``parse``: text as stored -> list), each row its own list.

    Vocabulary lists (themes, actors) repeat a few hundred texts over 100,000 rows:
    each distinct text is parsed once and copied per row. A list holding anything but
    text (outcomes, sources) is parsed again per row, so no two rows share a dict.
    """
    shared: dict[Any, list | None] = {}
    for text in set(values):
        parsed = parse(text)
        shared[text] = parsed if all(type(item) is str for item in parsed) else None
    return [list(known) if (known := shared[v]) is not None else parse(v) for v in values]


def records_frame(columns: Sequence[Sequence[Any]], lon: np.ndarray, lat: np.ndarray,
                  parse_list: Callable[[Any], list] = json_list) -> pd.DataFrame:
    """The records as a DataFrame: one column per field (``FIELD_TYPES`` order), in the
    order ``list()`` returns them (name case-insensitively, then id).

    ``columns`` are the stored field values, one sequence per field, and ``lon``/``lat``
    the points read from the geometry (NaN for none); ``parse_list`` reads a list field
    as the backend stores it (JSON text, or NULL). Text fields are ``str``, lat/lon
    float (NaN for no point), start_year ``Int64``, the flag ``bool``, list fields lists.
    """
    data: dict[str, Any] = {}
    for (name, kind), values in zip(FIELD_TYPES.items(), columns, strict=True):
        if kind == "json":
            data[name] = pd.Series(_json_cells(values, parse_list), dtype=object)
        elif kind == "text":
            data[name] = pd.Series(values, dtype="str").fillna(TEXT_DEFAULTS.get(name, ""))
        elif kind == "bool":  # SQLite keeps 0/1; NULL from another tool is "no"
            data[name] = pd.Series(values, dtype=object).fillna(False).astype(bool)
        elif kind == "int":
            data[name] = pd.Series(values, dtype=object).astype("Int64")
        else:
            data[name] = pd.Series(values, dtype=float)
    frame = pd.DataFrame(data)
    frame["lon"], frame["lat"] = lon, lat
    order = pd.DataFrame({"key": frame["name"].str.casefold(), "id": frame["id"]})
    ranks = order.sort_values(["key", "id"], kind="stable").index.to_numpy()
    return frame.take(ranks).reset_index(drop=True)
