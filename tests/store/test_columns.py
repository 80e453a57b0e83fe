"""``Store.columns()`` and the frame built from it: the same frame as from ``list()`` today.

The page used to build its frame from ``store.list()`` (a dict per record) with the
frame code as it was before the column-wise read (kept below, verbatim, as
``today_frame``). The column-wise path must give exactly that frame, dtypes included,
on both backends: for the shipped seed, and for a store with awkward rows (no point,
a point abroad or just off the coast, empty and hand-typed lists, NULLs written by
other tools, points rewritten by QGIS, names that sort only case-insensitively,
unicode everywhere).
"""

from __future__ import annotations

import json
import re
import sqlite3
import struct
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest

from dashboard import geo, query
from dashboard.store import GeoPackageStore, PortableStore, create_store, read_seed
from dashboard.store import default_seed_path as seed_path
from dashboard.store.columns import blob_points
from dashboard.store.gpkg_format import blob_xy, gpkg_point
from dashboard.text import fold

# --- the frame as it was built before the column-wise read (main at bc6477d) -------------------


def _old_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.casefold().replace("'", "").replace("’", "")
    return re.sub(r"[\s_/\-]+", "-", plain).strip("-")


def _old_slugify(text: str, max_length: int = 60) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-")


def _text_blob(record: Mapping) -> str:
    parts = [record.get(k) or "" for k in (
        "name", "place", "summary", "summary_en", "description", "description_en", "notes",
        "notes_en",
    )]
    return _old_fold(" ".join(parts)).replace("-", " ")


def today_frame(records: Iterable[Mapping]) -> pd.DataFrame:
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
    frame["regio_slug"] = frame["regio"].map(lambda r: _old_slugify(r) if r else "")
    frame["provincie_slug"] = frame["provincie"].map(lambda p: _old_slugify(p) if p else "")
    frame["search"] = [_text_blob(r) for r in frame.to_dict("records")]
    return frame.reset_index(drop=True)


# --- stores -------------------------------------------------------------------------------------


def awkward_records() -> list[dict]:
    """Valid records with every kind of value the frame has to get right."""
    base = {"kind": "initiatief", "scope": "lokaal", "status": "lopend"}
    return [
        {**base, "id": "klus", "name": "KLUShuizen", "lat": 51.3264, "lon": 3.4931,
         "themes": ["wonen", "leefbaarheid"], "actors": ["burgers"], "start_year": 2010,
         "place": "Oostburg", "summary": "Huizen opknappen – ‘samen’ / zelf_doen"},
        {**base, "id": "klus-2", "name": "klushuizen", "lat": 51.3264, "lon": 3.4931,
         "themes": ["wonen"], "location_approximate": True},  # same point, sorts by id
        {**base, "id": "aa", "name": "Ääbe Straße", "lat": 53.04, "lon": 7.10,
         "themes": ["natuur"], "description": "Keukentafelgesprekken in Höfte\n\tmet ﬁjne ÿ",
         "notes": "l'été", "notes_en": "Don't", "summary_en": "ΣΊΣΥΦΟΣ"},
        {**base, "id": "geen-punt", "name": "Zonder punt", "gemeente_code": "GM1714",
         "themes": [], "actors": [], "channels": ["LinkedIn"], "location_approximate": True},
        {**base, "id": "buitenland", "name": "Ashram model", "lat": 52.4797, "lon": -1.9026,
         "kind": "inspiratie-buitenland", "themes": ["wonen"], "location_approximate": True},
        # 250 m off Vlieland's north coast (snapped to it), and 2 km off (nowhere)
        {**base, "id": "kust", "name": "Net op zee", "lat": 53.31009, "lon": 5.06397},
        {**base, "id": "ver-op-zee", "name": "Ver op zee", "lat": 53.32581, "lon": 5.06386},
        {**base, "id": "leeg", "name": "  x  ", "themes": [], "start_year": None,
         "outcomes": [{"label": "woningen", "value": 12, "unit": "stuks"}],
         "sources": [{"title": "Krant", "url": "https://example.org/a", "note": ""}]},
        {**base, "id": "deelt-1", "name": "Gedeeld 1", "lat": 52.0, "lon": 5.5,
         "outcomes": [{"label": "a", "value": 1, "unit": ""}]},
        {**base, "id": "deelt-2", "name": "Gedeeld 2", "lat": 52.0, "lon": 5.5,
         "outcomes": [{"label": "a", "value": 1, "unit": ""}]},
    ]


def _be_point(lon: float, lat: float) -> bytes:
    """A point as GDAL may rewrite it: with an envelope (xy), big-endian WKB."""
    header = b"GP" + struct.pack("<BBi", 0, 0x01 | (1 << 1), 4326)
    return header + struct.pack("<dddd", lon, lon, lat, lat) + struct.pack(">BIdd", 0, 1, lon,
                                                                          lat)


def _tools_were_here_gpkg(path: Path) -> None:
    """What QGIS or a SQL console leaves in the GeoPackage: NULLs, hand-typed lists, and
    points rewritten or moved (the geometry wins over the lat/lon columns)."""
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO initiatieven (geom, id, name) VALUES (?, 'qgis', 'Uit QGIS')",
                     (_be_point(6.5, 52.5),))
        conn.execute("INSERT INTO initiatieven (geom, id, name, themes, actors) VALUES "
                     "(NULL, 'hand', 'Met de hand', 'wonen', '')")
        conn.execute("INSERT INTO initiatieven (geom, id, name, themes, status, "
                     "location_approximate) VALUES (?, 'leeg-punt', 'Lege punt', '[]', NULL, "
                     "NULL)", (gpkg_point(None, None),))
        conn.execute("UPDATE initiatieven SET geom = ? WHERE id = 'klus-2'",
                     (gpkg_point(4.9, 52.37),))
        conn.execute("UPDATE initiatieven SET themes = '\"wonen\"', channels = 'null' "
                     "WHERE id = 'leeg'")


def _tools_were_here_postgis(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO initiatieven (geom, id, name) VALUES "
                     "(ST_SetSRID(ST_MakePoint(6.5, 52.5), 4326), 'qgis', 'Uit QGIS')")
        conn.execute("INSERT INTO initiatieven (id, name, themes, actors) VALUES "
                     "('hand', 'Met de hand', '\"wonen\"', NULL)")
        conn.execute("INSERT INTO initiatieven (id, name, themes, status, location_approximate)"
                     " VALUES ('nulls', 'NULLs', '[]', NULL, NULL)")
        conn.execute("UPDATE initiatieven SET geom = ST_SetSRID(ST_MakePoint(4.9, 52.37), 4326)"
                     " WHERE id = 'klus-2'")
        conn.execute("UPDATE initiatieven SET themes = '\"[1]\"', channels = 'null' "
                     "WHERE id = 'leeg'")


@pytest.fixture(params=["gpkg", "postgis"])
def awkward_store(request, tmp_path) -> Iterator[PortableStore]:
    if request.param == "gpkg":
        made = create_store(tmp_path / "awkward.gpkg", awkward_records())
        _tools_were_here_gpkg(tmp_path / "awkward.gpkg")
    else:
        url = request.getfixturevalue("pg_database")()
        made = create_store(url, awkward_records())
        _tools_were_here_postgis(url)
    yield made
    made.close()


@pytest.fixture(params=["gpkg", "postgis"])
def seed_store(request, tmp_path) -> Iterator[PortableStore]:
    location = (tmp_path / "seed.gpkg" if request.param == "gpkg"
                else request.getfixturevalue("pg_database")())
    made = create_store(location, read_seed(seed_path()))
    yield made
    made.close()


# --- the tests ----------------------------------------------------------------------------------


def _as_records(frame: pd.DataFrame) -> list[dict]:
    """``columns()`` rows as ``list()`` records: NaN and <NA> read as None."""
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (None if not isinstance(v, list) and pd.isna(v) else v)
                    for k, v in row.items()})
    return out


def test_columns_hold_what_list_holds(awkward_store):
    columns = awkward_store.columns()
    records = awkward_store.list()
    assert list(columns.columns) == list(records[0])
    assert _as_records(columns) == records
    assert columns["id"].tolist() == [r["id"] for r in records]  # list()'s order
    ids = columns["id"].tolist()
    assert ids.index("klus") < ids.index("klus-2")  # 'KLUShuizen' == 'klushuizen' folded
    assert {"qgis", "hand"} <= set(ids)


def test_frame_from_columns_is_todays_frame(awkward_store):
    today = today_frame(awkward_store.list())
    pd.testing.assert_frame_equal(query.initiatives_frame(awkward_store.columns()), today)
    pd.testing.assert_frame_equal(query.initiatives_frame(awkward_store.list()), today)
    row = today.set_index("id")
    assert row.loc["qgis", "lon"] == 6.5 and row.loc["klus-2", "lat"] == 52.37
    assert row.loc["buitenland", "abroad"] and not row.loc["geen-punt", "on_map"]
    assert row.loc["kust", "located"] and not row.loc["ver-op-zee", "located"]


def test_frame_from_columns_is_todays_frame_for_the_seed(seed_store):
    pd.testing.assert_frame_equal(query.initiatives_frame(seed_store.columns()),
                                  today_frame(seed_store.list()))


def test_empty_store(tmp_path):
    empty = create_store(tmp_path / "leeg.gpkg", [])
    assert empty.columns().empty
    pd.testing.assert_frame_equal(query.initiatives_frame(empty.columns()), today_frame([]))


def test_frame_rows_do_not_share_lists(tmp_path):
    """Lists parsed once per distinct text are copied per row: one row's list is its own."""
    made = GeoPackageStore.create(tmp_path / "s.gpkg", awkward_records())
    frame = query.initiatives_frame(made.columns())
    themes = frame.set_index("id")["themes"]
    assert themes["klus-2"] == ["wonen"] and themes["klus-2"] is not themes["buitenland"]
    outcomes = frame.set_index("id")["outcomes"]
    assert outcomes["deelt-1"][0] is not outcomes["deelt-2"][0]
    columns = made.columns()
    query.initiatives_frame(columns)
    assert "search" not in columns  # the caller's frame gains no columns


def test_blob_points_reads_every_layout():
    blobs = [gpkg_point(5.5, 52.0), None, gpkg_point(None, None), _be_point(6.5, 52.5),
             b"GP\x00\x01junk", gpkg_point(4.0, float("nan"))]
    lon, lat = blob_points(blobs)
    expected = [blob_xy(b) or (np.nan, np.nan) for b in blobs]
    np.testing.assert_array_equal(lon, [e[0] for e in expected])
    np.testing.assert_array_equal(lat, [e[1] for e in expected])
    assert (lon[0], lat[0], lon[3], lat[3]) == (5.5, 52.0, 6.5, 52.5)


def test_fold_is_unchanged_for_ascii_and_beyond():
    """``fold`` skips the accent walk for ASCII text: same result as before, char for char."""
    texts = [chr(c) for c in range(128)] + ["".join(chr(c) for c in range(128))]
    texts += ["KLUShuizen in Krimp", "Aa's  -- _/ x", "Don't\x1c\x1fstop\v", "ß ﬁ Ä’s",
              "l'été", "ΣΊΣΥΦΟΣ", "  --  "]
    for text in texts:
        assert fold(text) == _old_fold(text), repr(text)


def test_today_frame_places_a_pointless_record_by_its_municipality():
    """The reference above is the record-by-record frame code the page ran before, with
    the fix for its location fallback by gemeente_code (locate_many gives NaN, not None,
    so it never fired): a record without a point lies in its municipality."""
    frame = today_frame([{"id": "a", "name": "A", "gemeente_code": "GM1714"}])
    assert frame.loc[0, "statcode"] == "GM1714"
    assert json.dumps(frame.loc[0, "themes"]) == "[]"


# --- a frame brought up to date from the records that changed (query.read_frame) --------------


class _Counting:
    """A store whose ``columns(ids)`` calls are noted: which records a refresh read."""

    def __init__(self, store: PortableStore) -> None:
        self.store, self.reads = store, []

    def columns(self, ids=None) -> pd.DataFrame:
        self.reads.append(None if ids is None else sorted(ids))
        return self.store.columns(ids)

    def stamps(self) -> dict[str, str]:
        return self.store.stamps()


_BASE = {"kind": "initiatief", "scope": "lokaal", "status": "lopend"}


def _writes(db: PortableStore) -> Iterator[tuple[str, list[str] | None]]:
    """Each kind of write the page's frame must follow, with the ids a refresh reads."""
    db.add({**_BASE, "id": "nieuw", "name": "Nieuw in Emmen", "lat": 52.78, "lon": 6.9,
            "themes": ["wonen"]}, "test")
    yield "add", ["nieuw"]
    db.add({**_BASE, "id": "nieuw-2", "name": "nieuw in emmen", "gemeente_code": "GM0114"},
           "test")
    yield "add a record without a point that sorts beside another", ["nieuw-2"]
    db.update({**db.get("aa"), "summary": "Alleen de samenvatting"}, "test")
    yield "edit the summary only (the record keeps its place)", ["aa"]
    moved = {**db.get("klus"), "name": "Aaa eerst", "lat": 52.4797, "lon": -1.9026}
    db.update(moved, "test")
    yield "rename (moves in the order) and move abroad", ["klus"]
    db.delete("kust", "test")
    db.add({**_BASE, "id": "kust-2", "name": "Net op zee", "lat": 53.0, "lon": 5.0}, "test")
    yield "delete a row and add one that takes its place", ["kust-2"]
    db.undo_last("test")
    db.undo_last("test")
    yield "undo both (the deleted record comes back)", ["kust"]
    db.delete("nieuw", "test")
    db.add({**_BASE, "id": "nieuw", "name": "Weer nieuw", "lat": 52.0, "lon": 5.5}, "test")
    yield "delete and add the same id again within the same second", ["nieuw"]


def test_refreshed_frame_is_a_full_read_after_each_write(awkward_store):
    read = query.read_frame(awkward_store)
    counting = _Counting(awkward_store)
    for what, ids in _writes(awkward_store):
        counting.reads.clear()
        read = query.read_frame(counting, read, clock=lambda at=read.full_read_at: at)
        pd.testing.assert_frame_equal(read.frame,
                                      query.initiatives_frame(awkward_store.columns()), obj=what)
        assert counting.reads == [ids], what


def test_refresh_leaves_the_shared_frame_alone(awkward_store):
    first = query.read_frame(awkward_store)
    before = first.frame.copy(deep=True)
    for _ in _writes(awkward_store):
        query.read_frame(awkward_store, first, clock=lambda: first.full_read_at)
    pd.testing.assert_frame_equal(first.frame, before)


def test_unchanged_store_gives_an_equal_frame_without_reading(awkward_store):
    first = query.read_frame(awkward_store)
    counting = _Counting(awkward_store)
    again = query.read_frame(counting, first, clock=lambda: first.full_read_at)
    assert again.frame is not first.frame and counting.reads == []
    pd.testing.assert_frame_equal(again.frame, first.frame)


def test_many_changes_read_everything(awkward_store):
    first = query.read_frame(awkward_store)
    for record in awkward_store.list()[:3]:
        awkward_store.delete(record["id"], "test")
    counting = _Counting(awkward_store)
    again = query.read_frame(counting, first, clock=lambda: first.full_read_at)
    assert counting.reads == [None]  # 3 of 12 is more than 20 %
    pd.testing.assert_frame_equal(again.frame, query.initiatives_frame(awkward_store.columns()))


def test_a_reseed_with_the_same_stamps_is_read_again(awkward_store):
    """Seed records keep the stamps of the seed file: the new row ids tell the change."""
    records = [r for r in awkward_store.list() if r["id"] not in ("qgis", "hand")]
    awkward_store.reseed(records)
    first = query.read_frame(awkward_store)
    edited = [{**r, "summary": "Anders"} if r["id"] == "aa" else r for r in records]
    awkward_store.reseed(edited)
    again = query.read_frame(awkward_store, first, clock=lambda: first.full_read_at)
    assert again.frame.set_index("id").loc["aa", "summary"] == "Anders"


def test_edits_by_other_tools_show_after_the_next_full_read(tmp_path):
    """QGIS or psql change no token: a refresh misses them, the minutely full read not."""
    db = create_store(tmp_path / "s.gpkg", awkward_records())
    first = query.read_frame(db, clock=lambda: 1000.0)
    with closing(sqlite3.connect(tmp_path / "s.gpkg")) as conn, conn:
        conn.execute("UPDATE initiatieven SET summary = 'QGIS' WHERE id = 'aa'")
    soon = query.read_frame(db, first, clock=lambda: 1000.0 + 30)
    later = query.read_frame(db, soon, clock=lambda: 1000.0 + 61)
    assert soon.frame.set_index("id").loc["aa", "summary"] != "QGIS"
    assert later.frame.set_index("id").loc["aa", "summary"] == "QGIS"
    assert later.full_read_at == 1061.0


def test_newest_frames_start_from_the_newest(awkward_store):
    frames = query.NewestFrames()
    counting = _Counting(awkward_store)
    frames.frame("here", 1, counting)
    awkward_store.add({**_BASE, "id": "n", "name": "N"}, "test")
    frame = frames.frame("here", 2, counting)
    assert counting.reads == [None, ["n"]]
    frames.frame("elders", 1, counting)  # another store starts from nothing
    assert counting.reads[-1] is None
    assert "n" in set(frame["id"])


def test_newest_frames_read_in_full_in_the_background_when_due(tmp_path):
    db = create_store(tmp_path / "s.gpkg", awkward_records())
    now = [1000.0]
    frames = query.NewestFrames(clock=lambda: now[0])
    frames.frame("here", 1, db)
    with closing(sqlite3.connect(tmp_path / "s.gpkg")) as conn, conn:  # QGIS, say
        conn.execute("UPDATE initiatieven SET summary = 'QGIS' WHERE id = 'aa'")
    now[0] += 61
    first = frames.frame("here", 2, db)  # answers from the refresh, then reads in full
    frames.wait()
    assert first.set_index("id").loc["aa", "summary"] != "QGIS"
    db.add({**_BASE, "id": "n", "name": "N"}, "test")
    later = frames.frame("here", 3, db)  # refreshed from the full read
    assert later.set_index("id").loc["aa", "summary"] == "QGIS"
    assert "n" in set(later["id"])
