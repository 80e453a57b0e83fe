"""The store, on both backends: CRUD, history and undo, crash and concurrency safety,
backup and restore; and the GeoPackage's file format and GIS readability.

The ``store`` fixture runs each backend-neutral test twice, on a GeoPackage file
(``gpkg``) and on a PostGIS database (``postgis``, a throwaway server: see
``pg_cluster`` in tests/conftest.py), with the same assertions. Tests of one
backend's own format use ``gpkg_store`` here or live in test_postgis.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import psycopg
import pyogrio
import pytest
from shapely.geometry import Point

from dashboard import cli, config
from dashboard.store import (
    Conflict,
    DuplicateId,
    GeoPackageStore,
    InvalidRecord,
    Location,
    NotFound,
    NothingToUndo,
    PortableStore,
    SeedError,
    Store,
    StoreError,
    check_backup,
    default_store_location,
    open_existing,
    open_store,
    parse_location,
    read_seed,
    store_exists,
)
from dashboard.store.gpkg_format import gpkg_point
from dashboard.store.import_process import ImportProcess
from dashboard.store.rooms import ROOM_SECRETS, SUGGESTIONS, WORKSHOPS

REPO = Path(__file__).resolve().parents[2]
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

ROOM_TABLES = (WORKSHOPS, SUGGESTIONS, ROOM_SECRETS)  # workshops with participants
SEED = {
    "type": "FeatureCollection",
    "licence": "CC BY 4.0",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "id": "klushuizen-oostburg", "name": "KLUShuizen Oostburg", "kind": "initiatief",
                "place": "Oostburg", "gemeente_code": "GM1714", "scope": "lokaal",
                "themes": ["wonen", "leefbaarheid"], "start_year": 2012, "status": "lopend",
                "outcomes": [{"label": "woningen opgeknapt", "value": 25, "unit": "woningen"}],
                "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
                "author": "seed",
            },
            "geometry": {"type": "Point", "coordinates": [3.488, 51.326]},
        },
        {
            "type": "Feature",
            "properties": {"id": "boermarke-westerwolde", "name": "Boermarke Essen en Aa's",
                           "scope": "lokaal", "themes": ["natuur"]},
            "geometry": {"type": "Point", "coordinates": [7.05, 53.0]},
        },
        {
            "type": "Feature",
            "properties": {"id": "amsterdam-linkedin", "name": "amsterdam lege plekken",
                           "scope": "online", "channels": ["LinkedIn"]},
            "geometry": None,
        },
    ],
}


def rec(id: str, **fields) -> dict:
    """A small valid record."""
    return {"id": id, "name": fields.pop("name", id.title()), "lat": 52.0, "lon": 5.5, **fields}


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    path = tmp_path / "initiatieven.geojson"
    path.write_text(json.dumps(SEED), encoding="utf-8")
    return path


BACKENDS = ["gpkg", "postgis"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def new_location(backend, tmp_path, request) -> Callable[[], Location]:
    """Locations where no store is yet: a new file, or a new (PostGIS-enabled) database."""
    names = iter(range(1, 100))

    def make() -> Location:
        if backend == "gpkg":
            return tmp_path / f"store-{next(names)}.gpkg"
        return request.getfixturevalue("pg_database")()

    return make


@pytest.fixture
def store(new_location, seed_file: Path) -> Iterator[PortableStore]:
    """A store seeded with SEED, on each backend in turn."""
    opened = open_store(new_location(), seed_file)
    yield opened
    opened.close()


@pytest.fixture
def gpkg_store(tmp_path: Path, seed_file: Path) -> GeoPackageStore:
    """A GeoPackage store, for the tests of the file itself."""
    opened = open_store(tmp_path / "store.gpkg", seed_file)
    assert isinstance(opened, GeoPackageStore)
    return opened


def location_of(store: PortableStore) -> str:
    """What a child process (or the CLI) opens the same store by."""
    return str(store.path) if isinstance(store, GeoPackageStore) else store.url


def reopen(store: PortableStore) -> PortableStore:
    """The same store opened afresh (as another process would)."""
    return open_existing(parse_location(location_of(store)))


def ids(store: Store) -> set[str]:
    return {r["id"] for r in store.list()}


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def assert_intact(store: PortableStore) -> None:
    """The store's own consistency check: SQLite's integrity check for a GeoPackage; for
    PostGIS, every point agrees with its lat/lon and the version row is there."""
    if isinstance(store, GeoPackageStore):
        assert integrity(store.path) == "ok"
        return
    with closing(psycopg.connect(store.url)) as conn:
        bad = conn.execute(
            "SELECT count(*) FROM initiatieven WHERE (geom IS NULL) <> (lat IS NULL) "
            "OR ST_X(geom) <> lon OR ST_Y(geom) <> lat OR ST_SRID(geom) <> 4326"
        ).fetchone()[0]
        assert bad == 0
        assert conn.execute("SELECT count(*) FROM krimpkaart_meta").fetchone()[0] == 1


# --- creation, seed, file format --------------------------------------------------------------


def test_open_store_seeds_a_valid_geopackage(gpkg_store: GeoPackageStore):
    store = gpkg_store
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 10400
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    srs = {r[0] for r in conn.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
    assert srs == {-1, 0, 4326}
    contents = dict(conn.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert contents == {
        "initiatieven": "features", "krimpkaart_history": "attributes",
        "krimpkaart_tours": "attributes", "krimpkaart_meta": "attributes",
        "krimpkaart_batches": "attributes",
        **dict.fromkeys(ROOM_TABLES, "attributes"),
    }
    assert conn.execute("SELECT * FROM gpkg_geometry_columns").fetchall() == [
        ("initiatieven", "geom", "POINT", 4326, 0, 0)
    ]
    extent = conn.execute(
        "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name='initiatieven'"
    ).fetchone()
    assert extent == (3.488, 51.326, 7.05, 53.0)
    conn.close()


def test_open_store_seeds_the_records(store: PortableStore):
    assert isinstance(store, Store)
    records = store.list()
    assert [r["id"] for r in records] == [  # sorted by name, case-insensitively
        "amsterdam-linkedin", "boermarke-westerwolde", "klushuizen-oostburg"
    ]
    kl = store.get("klushuizen-oostburg")
    assert (kl["lat"], kl["lon"], kl["themes"], kl["start_year"]) == (
        51.326, 3.488, ["wonen", "leefbaarheid"], 2012
    )
    assert kl["created_at"] == "2026-01-01T00:00:00Z"  # seed timestamps are kept
    online = store.get("amsterdam-linkedin")
    assert (online["lat"], online["lon"], online["channels"]) == (None, None, ["LinkedIn"])
    assert online["author"] == "seed" and STAMP.match(online["created_at"])
    assert store.history() == []


def test_default_path_comes_from_the_environment(tmp_path, seed_file, monkeypatch):
    target = tmp_path / "env" / "mine.gpkg"
    monkeypatch.setenv("KRIMPKAART_STORE", str(target))
    monkeypatch.setenv("KRIMPKAART_GEODATA", str(seed_file.parent))
    config.reload()
    assert default_store_location() == target
    store = open_store()
    assert isinstance(store, GeoPackageStore)
    assert store.path == target and len(store.list()) == 3
    assert open_store().version() == store.version()  # opening again does not reseed


def test_missing_seed_is_a_clear_error_and_creates_nothing(tmp_path, new_location):
    missing = tmp_path / "nope.geojson"
    where = new_location()
    with pytest.raises(SeedError, match=re.escape(str(missing))):
        open_store(where, missing)
    assert not store_exists(where)
    if isinstance(where, Path):
        assert not where.exists()


def test_read_seed_rejects_malformed_files(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SeedError, match="not readable GeoJSON"):
        read_seed(bad)
    bad.write_text(json.dumps({"type": "Feature"}), encoding="utf-8")
    with pytest.raises(SeedError, match="FeatureCollection"):
        read_seed(bad)


def test_a_foreign_file_is_never_overwritten(tmp_path, seed_file):
    notes = tmp_path / "notes.gpkg"
    notes.write_text("my notes", encoding="utf-8")
    with pytest.raises(StoreError, match="not a GeoPackage"):
        open_store(notes, seed_file)
    assert notes.read_text(encoding="utf-8") == "my notes"


def test_gpkg_point_blob_layout():
    blob = gpkg_point(5.5, 52.0)
    assert blob[:4] == b"GP\x00\x01"  # magic, version 0, little-endian, no envelope
    assert int.from_bytes(blob[4:8], "little") == 4326
    assert blob[8:13] == b"\x01\x01\x00\x00\x00"  # WKB little-endian Point
    assert gpkg_point(None, None)[3] & 0x10  # empty-geometry bit


def test_gis_tools_read_the_points(gpkg_store: GeoPackageStore):
    store = gpkg_store
    store.add(rec("nieuw", lat=52.37, lon=4.89), "anna")
    frame = pyogrio.read_dataframe(store.path, layer="initiatieven")
    assert frame.crs.to_epsg() == 4326
    points = {
        row.id: None if row.geometry is None else (row.geometry.x, row.geometry.y)
        for row in frame.itertuples()
    }
    assert points == {
        "klushuizen-oostburg": (3.488, 51.326), "boermarke-westerwolde": (7.05, 53.0),
        "amsterdam-linkedin": None, "nieuw": (4.89, 52.37),
    }
    gdf = gpd.read_file(store.path, layer="initiatieven").set_index("id")
    assert gdf.loc["nieuw"].geometry.equals(Point(4.89, 52.37))
    assert gdf.loc["amsterdam-linkedin"].geometry is None
    assert json.loads(gdf.loc["klushuizen-oostburg", "themes"]) == ["wonen", "leefbaarheid"]
    assert set(pyogrio.list_layers(store.path)[:, 0]) == {
        "initiatieven", "krimpkaart_history", "krimpkaart_tours", "krimpkaart_meta",
        "krimpkaart_batches",
        *ROOM_TABLES,
    }


def test_a_spatial_index_and_rows_added_by_gdal_keep_working(gpkg_store, tmp_path):
    """QGIS may add an R-tree (its triggers call ST_* functions) or features of its own."""
    store = gpkg_store
    scratch = tmp_path / "scratch.gpkg"
    pyogrio.write_dataframe(
        gpd.GeoDataFrame({"id": ["x"]}, geometry=[Point(6, 53)], crs=4326),
        scratch, layer="initiatieven",
    )
    gdal = sqlite3.connect(scratch)
    ddl = [r[0] for r in gdal.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'gpkg_extensions' OR (name LIKE 'rtree%' "
        "AND (type = 'trigger' OR sql LIKE 'CREATE VIRTUAL%'))"
    )]
    extensions = gdal.execute("SELECT * FROM gpkg_extensions").fetchall()
    gdal.close()
    conn = sqlite3.connect(store.path, isolation_level=None)
    for statement in ddl:
        conn.execute(statement)
    conn.executemany("INSERT INTO gpkg_extensions VALUES (?, ?, ?, ?, ?)", extensions)
    conn.execute(
        "INSERT INTO rtree_initiatieven_geom SELECT fid, lon, lon, lat, lat FROM initiatieven "
        "WHERE geom IS NOT NULL"
    )
    conn.close()
    pyogrio.write_dataframe(  # a row from another tool: NULL columns, a point, no lat/lon
        gpd.GeoDataFrame({"id": ["from-qgis"], "name": ["Q"], "channels": ["Facebook"]},
                         geometry=[Point(6.5, 52.5)], crs=4326),
        store.path, layer="initiatieven", append=True,
    )
    store.add(rec("indexed", lat=52.2, lon=5.1), "anna")
    store.update({**store.get("indexed"), "lat": 52.3}, "anna")
    store.delete("klushuizen-oostburg", "anna")
    store.undo_last()
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT count(*) FROM rtree_initiatieven_geom").fetchone()[0] == 4
    conn.close()
    near = pyogrio.read_dataframe(store.path, layer="initiatieven", bbox=(5.0, 52.25, 5.2, 52.35))
    assert list(near["id"]) == ["indexed"]
    qgis = store.get("from-qgis")
    # GDAL 3.12 writes the plain text "Facebook" (kept as a one-item list); older GDAL
    # (pyogrio < 0.13) leaves the column NULL (an empty list): both must read cleanly.
    with closing(sqlite3.connect(store.path)) as conn:
        raw = conn.execute("SELECT channels FROM initiatieven WHERE id = 'from-qgis'").fetchone()[0]
    assert raw in ("Facebook", None)
    assert (qgis["lat"], qgis["lon"], qgis["channels"], qgis["status"]) == (
        52.5, 6.5, ["Facebook"] if raw else [], "onbekend"
    )


# --- CRUD ---------------------------------------------------------------------------------------


def test_crud(store: PortableStore):
    added = store.add(rec("a", themes=["zorg"], created_at="1999-01-01T00:00:00Z"), "anna")
    assert added["author"] == "anna" and STAMP.match(added["created_at"])
    assert added["created_at"] == added["updated_at"] != "1999-01-01T00:00:00Z"
    assert store.get("a") == added
    assert store.get("nope") is None

    updated = store.update({**added, "name": "A twee", "lat": None, "lon": None}, "bob")
    assert (updated["name"], updated["author"], updated["lat"]) == ("A twee", "bob", None)
    assert updated["created_at"] == added["created_at"]
    assert updated["updated_at"] > added["updated_at"]  # strictly later, even within a second
    assert store.get("a") == updated

    assert store.delete("a", "bob") == updated
    assert store.get("a") is None
    with pytest.raises(NotFound):
        store.delete("a", "bob")
    with pytest.raises(NotFound):
        store.update(rec("a"), "bob")


def test_duplicate_id_and_invalid_records(store: PortableStore):
    with pytest.raises(DuplicateId, match="klushuizen-oostburg"):
        store.add(rec("klushuizen-oostburg"), "anna")
    with pytest.raises(InvalidRecord, match="unknown field"):
        store.add(rec("x", colour="red"), "anna")
    with pytest.raises(InvalidRecord, match="both lat and lon"):
        store.add(rec("x", lon=None), "anna")
    with pytest.raises(InvalidRecord, match="'id'"):
        store.add({"name": "no id"}, "anna")
    assert len(store.list()) == 3 and store.history() == []


def test_location_approximate_is_stored_as_a_bool(store: PortableStore):
    added = store.add(rec("x", location_approximate=True), "anna")
    assert added["location_approximate"] is True and store.get("x") == added
    assert store.add(rec("y"), "anna")["location_approximate"] is False  # absent: exact
    assert store.get("y")["location_approximate"] is False
    updated = store.update({**added, "location_approximate": False}, "anna")
    assert store.get("x") == updated and updated["location_approximate"] is False
    with pytest.raises(InvalidRecord, match="true or false"):
        store.add(rec("z", location_approximate="ja"), "anna")
    with pytest.raises(InvalidRecord, match="true or false"):
        store.add(rec("z", location_approximate=1), "anna")


def test_update_with_a_stale_timestamp_is_a_conflict(store: PortableStore):
    mine = store.get("klushuizen-oostburg")
    theirs = store.update({**mine, "summary": "theirs"}, "bob", mine["updated_at"])
    with pytest.raises(Conflict, match="bob"):
        store.update({**mine, "summary": "mine"}, "anna", expected_updated_at=mine["updated_at"])
    assert store.get("klushuizen-oostburg") == theirs


def test_store_errors_the_page_shows_come_in_both_languages(store: PortableStore):
    """The page shows ``exc.text(lang)``; ``str(exc)`` stays English for logs."""
    with pytest.raises(DuplicateId) as duplicate:
        store.add(rec("klushuizen-oostburg"), "anna")
    assert duplicate.value.key == "store_duplicate_id"
    assert duplicate.value.text("nl") == "er bestaat al een initiatief met id 'klushuizen-oostburg'"
    assert str(duplicate.value) == "an initiative with id 'klushuizen-oostburg' already exists"
    with pytest.raises(NotFound) as missing:
        store.delete("nope", "anna")
    assert missing.value.text("nl") == "er is geen initiatief met id 'nope'"
    mine = store.get("klushuizen-oostburg")
    store.update({**mine, "summary": "theirs"}, "", mine["updated_at"])
    with pytest.raises(Conflict) as conflict:
        store.update({**mine, "summary": "mine"}, "anna", expected_updated_at=mine["updated_at"])
    assert conflict.value.text("nl").startswith(
        "'KLUShuizen Oostburg' is door iemand gewijzigd om ")  # no author: "someone"
    assert conflict.value.text("en").startswith("'KLUShuizen Oostburg' was changed by someone at ")
    with pytest.raises(NothingToUndo) as nothing:
        store.undo_last("bert")
    assert nothing.value.text("nl") == "er is geen wijziging van bert meer om ongedaan te maken"


def test_add_many_is_all_or_nothing(store: PortableStore):
    version = store.version()
    batch = [rec("n1"), rec("n2"), rec("klushuizen-oostburg"), rec("n3")]
    with pytest.raises(DuplicateId):
        store.add_many(batch, "import")
    with pytest.raises(DuplicateId):
        store.add_many([rec("n1"), rec("n1")], "import")
    with pytest.raises(InvalidRecord):
        store.add_many([rec("n1"), rec("n2", lat=95.0)], "import")
    assert len(store.list()) == 3 and store.history() == [] and store.version() == version

    added = store.add_many([rec("n1"), rec("n2")], "import")
    assert [r["author"] for r in added] == ["import", "import"]
    assert {"n1", "n2"} <= ids(store) and store.version() == version + 1


# --- history, undo, version --------------------------------------------------------------------


def test_history_records_who_what_and_before_after(store: PortableStore):
    a = store.add(rec("a"), "anna")
    b = store.update({**a, "name": "B"}, "bob")
    store.delete("a", "carl")
    changes = store.history()
    assert [(c.action, c.author, c.record_id) for c in changes] == [
        ("delete", "carl", "a"), ("update", "bob", "a"), ("add", "anna", "a"),
    ]
    assert changes[0].before == b and changes[0].after is None
    assert changes[1].before == a and changes[1].after == b
    assert changes[2].before is None and changes[2].after == a
    assert changes[0].seq > changes[1].seq > changes[2].seq
    assert all(STAMP.match(c.at) for c in changes)
    assert [c.action for c in store.history(limit=1)] == ["delete"]


def test_undo_add_update_and_delete(store: PortableStore):
    original = store.get("klushuizen-oostburg")
    store.add(rec("a"), "anna")
    store.update({**original, "summary": "edited"}, "anna")
    store.delete("boermarke-westerwolde", "anna")

    undo = store.undo_last()
    assert (undo.action, undo.record_id, undo.author) == ("undo", "boermarke-westerwolde", "anna")
    back = store.get("boermarke-westerwolde")
    assert back == undo.after and back["lat"] == 53.0 and undo.before is None

    store.undo_last("anna")
    restored = store.get("klushuizen-oostburg")
    assert restored["summary"] == "" and restored["name"] == original["name"]
    assert restored["updated_at"] > original["updated_at"]  # an undo is a change too

    store.undo_last("anna")
    assert store.get("a") is None
    with pytest.raises(NothingToUndo):  # undos are not undone, nor changes twice
        store.undo_last()
    actions = [c.action for c in store.history()]
    assert actions == ["undo", "undo", "undo", "delete", "update", "add"]
    history = store.history()
    assert [c.undoes for c in history[:3]] == [c.seq for c in reversed(history[3:])]


def test_undo_refuses_when_someone_changed_the_record_since(store: PortableStore):
    first = store.update({**store.get("klushuizen-oostburg"), "summary": "anna"}, "anna")
    second = store.update({**first, "summary": "bob"}, "bob")
    with pytest.raises(Conflict, match="changed by bob"):
        store.undo_last("anna")
    assert store.get("klushuizen-oostburg") == second

    store.add(rec("gone"), "anna")
    store.delete("gone", "bob")
    with pytest.raises(Conflict, match="deleted"):
        store.undo_last("anna")


def test_undo_walks_back_through_ones_own_successive_changes(store: PortableStore):
    """add, edit, edit, then undo three times: each undo of one's own chain works."""
    added = store.add(rec("a", summary="one"), "anna")
    second = store.update({**added, "summary": "two"}, "anna")
    store.update({**second, "summary": "three"}, "anna")

    assert store.undo_last("anna").after["summary"] == "two"
    assert store.undo_last("anna").after["summary"] == "one"
    assert store.undo_last("anna").after is None
    assert store.get("a") is None
    with pytest.raises(NothingToUndo):
        store.undo_last("anna")


def test_undo_walks_back_through_a_delete_and_re_add_of_ones_own(store: PortableStore):
    added = store.add(rec("a"), "anna")
    store.delete("a", "anna")
    store.add({**added, "name": "Again"}, "anna")
    assert store.undo_last("anna").after is None  # the re-add
    assert store.undo_last("anna").after["name"] == "A"  # the delete
    assert store.undo_last("anna").after is None  # the first add
    assert store.get("a") is None


def test_undo_after_own_undos_still_refuses_someone_elses_change_naming_them(
        store: PortableStore):
    added = store.add(rec("a", summary="anna 1"), "anna")
    bobs = store.update({**added, "summary": "bob"}, "bob")
    store.update({**bobs, "summary": "anna 2"}, "anna")
    assert store.undo_last("anna").after["summary"] == "bob"  # her own last edit: fine
    with pytest.raises(Conflict, match="changed by bob") as caught:
        store.undo_last("anna")  # her add: bob changed the record after it
    assert caught.value.params["by"] == "bob"
    assert store.get("a")["summary"] == "bob"


def test_undo_is_allowed_again_once_the_other_change_is_undone(store: PortableStore):
    added = store.add(rec("a", summary="anna"), "anna")
    store.update({**added, "summary": "bob"}, "bob")
    with pytest.raises(Conflict):
        store.undo_last("anna")
    store.undo_last("bob")
    assert store.undo_last("anna").after is None
    assert store.get("a") is None


def test_undo_refuses_a_change_made_outside_the_history(gpkg_store: GeoPackageStore):
    """An edit in QGIS leaves no history entry; the record's content tells."""
    store = gpkg_store
    added = store.add(rec("a", summary="anna"), "anna")
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("UPDATE initiatieven SET summary = 'qgis', author = 'Kees' WHERE id = 'a'")
    with pytest.raises(Conflict, match="changed by Kees"):
        store.undo_last("anna")
    assert store.get("a")["summary"] == "qgis" and added["summary"] == "anna"


def test_undo_by_author_skips_other_peoples_changes(store: PortableStore):
    store.add(rec("anna-1"), "anna")
    store.add(rec("bob-1"), "bob")
    undo = store.undo_last("anna")
    assert undo.author == "anna" and undo.record_id == "anna-1"
    assert "bob-1" in ids(store) and "anna-1" not in ids(store)
    with pytest.raises(NothingToUndo, match="anna"):
        store.undo_last("anna")
    assert store.undo_last().record_id == "bob-1"


def test_every_write_bumps_the_version_and_reads_do_not(store: PortableStore):
    v = store.version()
    store.list()
    store.get("a")
    store.history()
    assert store.version() == v
    store.add(rec("a"), "anna")
    store.update(rec("a", name="A2"), "anna")
    store.undo_last()
    store.delete("a", "anna")
    store.save_tour({"id": "t", "title": "T", "steps": []}, "anna")
    store.reseed(read_seed_dicts())
    assert store.version() == v + 6


def read_seed_dicts() -> list[dict]:
    return [{**f["properties"], "lat": None, "lon": None} for f in SEED["features"]]


def test_reseed_replaces_records_and_clears_history(store: PortableStore, seed_file):
    store.add(rec("a"), "anna")
    store.delete("klushuizen-oostburg", "anna")
    assert store.reseed(read_seed(seed_file)) == 3
    assert ids(store) == {r["id"] for r in read_seed(seed_file)}
    assert store.history() == []
    with pytest.raises(NothingToUndo):
        store.undo_last()


def test_tours(store: PortableStore):
    steps = [{"initiative_id": "klushuizen-oostburg", "text": "Begin in Zeeland"}]
    saved = store.save_tour({"id": "noord", "title": "Noorden", "steps": steps}, "anna")
    assert saved["steps"] == steps and saved["author"] == "anna"
    store.save_tour({"id": "al", "title": "Alles", "steps": []}, "bob")
    assert [t["id"] for t in store.list_tours()] == ["al", "noord"]
    again = store.save_tour({"id": "noord", "title": "Noord", "steps": steps * 2}, "bob")
    assert again["created_at"] == saved["created_at"] and len(store.get_tour("noord")["steps"]) == 2
    assert store.delete_tour("al", "bob")["title"] == "Alles"
    assert store.get_tour("al") is None
    with pytest.raises(NotFound):
        store.delete_tour("al", "bob")
    with pytest.raises(InvalidRecord):
        store.save_tour({"id": "x", "title": "X", "steps": [{"text": "no id"}]}, "bob")


# --- crashes and concurrency --------------------------------------------------------------------

CHILD_PRELUDE = """
import sys, time
from dashboard.store import open_existing, parse_location
store = open_existing(parse_location(sys.argv[1]))
def rec(id, **extra):
    return {"id": id, "name": id, "lat": 52.0, "lon": 5.0, **extra}
"""


def assert_half_written(store: PortableStore) -> None:
    """The killed writer's transaction had written much and committed none of it: for a
    GeoPackage, megabytes of pages in the WAL; for PostGIS, a server process that holds
    a transaction id (it wrote) and is in that transaction (idle, or still sending rows)."""
    if isinstance(store, GeoPackageStore):
        wal = store.path.with_name(store.path.name + "-wal")
        assert wal.stat().st_size > 2_000_000
        return
    with closing(psycopg.connect(store.url)) as conn:
        open_writes = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state IN ('idle in transaction', 'active') AND backend_xid IS NOT NULL "
            "AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert open_writes == 1, "the writer was not inside a write transaction"


def child(script: str, *args: str) -> subprocess.Popen:
    code = CHILD_PRELUDE + textwrap.dedent(script)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env
    )


@pytest.mark.parametrize(("method", "rows", "midway"), [
    # past two rounds of WRITE_BATCH (10,000) and the page cache: pages are in the WAL
    ("add_many", 30_000, 25_000),
    # a large import: past its 128 MB page cache, so uncommitted pages spill into the WAL
    pytest.param("import_records", 120_000, 110_000, marks=pytest.mark.slow),
])
def test_a_writer_killed_mid_transaction_leaves_an_intact_store(
    store: PortableStore, method: str, rows: int, midway: int
):
    proc = child(
        f"""
        for i in range(5):
            store.add(rec(f"ack-{{i}}"), "kid")
            print("ACK", f"ack-{{i}}", flush=True)
        def batch():
            for i in range({rows}):
                if i == {midway}:
                    print("MIDWAY", flush=True)
                    time.sleep(120)
                yield rec(f"bulk-{{i}}", description="x" * 2000)
        store.{method}(batch(), "kid")
        print("DONE", flush=True)
        """,
        location_of(store),
    )
    acked = []
    for line in proc.stdout:
        if line.startswith("ACK"):
            acked.append(line.split()[1])
        if line.startswith("MIDWAY"):
            break
    assert_half_written(store)  # the transaction really was under way when killed
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()

    after = reopen(store)
    assert_intact(after)
    present = ids(after)
    assert set(acked) == {f"ack-{i}" for i in range(5)} and set(acked) <= present
    assert not any(i.startswith("bulk-") for i in present)
    after.add(rec("after-crash"), "anna")  # and it takes writes again
    assert "after-crash" in ids(after)


def half_written(store: PortableStore) -> bool:
    """``assert_half_written`` as a question, for polling."""
    try:
        assert_half_written(store)
    except (AssertionError, FileNotFoundError):
        return False
    return True


@pytest.mark.slow
def test_krimpkaart_import_of_a_large_file_killed_midway_leaves_nothing(store: PortableStore,
                                                                        tmp_path: Path):
    """The command a person runs: ``krimpkaart import`` of a 150 MB CSV, killed (-9) while
    its one transaction is well under way (pages in the WAL / a PostgreSQL transaction that
    wrote): none of its rows are there afterwards, the store is intact and takes writes."""
    big = tmp_path / "groot.csv"
    text = "Dorpshuis in krimpgebied, door bewoners gedragen. " * 20
    with big.open("w", encoding="utf-8") as out:
        out.write("naam;plaats;breedtegraad;lengtegraad;beschrijving\n")
        for i in range(150_000):
            out.write(f"Groot {i};Emmen;52,78;6,9;{text}\n")
    before = ids(store)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "import", str(big), "--store",
         location_of(store), "--lang", "en"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 240
    writers: set[int] = set()
    while not (writers and half_written(store)):  # the command's own start-up writes briefly
        assert proc.poll() is None, f"the import ended before it was killed: {proc.stderr}"
        assert time.monotonic() < deadline, "the import never got under way in a writer"
        time.sleep(0.05)
        writers = writer_processes(proc.pid)  # a file this big is written by a writer process
    time.sleep(0.3)
    assert half_written(store), "the import's transaction is the one under way"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    deadline = time.monotonic() + 60
    while any(running(pid) for pid in writers):  # it reads the end of its input, rolls back
        assert time.monotonic() < deadline, "the writer process outlived the import"
        time.sleep(0.05)
    after = reopen(store)
    assert_intact(after)
    assert ids(after) == before
    assert not any(c.action == "import" for c in after.history(limit=10))
    after.add(rec("after-crash"), "anna")
    assert "after-crash" in ids(after)


def test_a_writer_killed_at_a_random_moment_loses_no_acknowledged_batch(store: PortableStore):
    proc = child(
        """
        n = 0
        while True:
            store.add_many([rec(f"batch{n}-{i}") for i in range(50)], "kid")
            print("COMMITTED", n, flush=True)
            n += 1
        """,
        location_of(store),
    )
    committed = []
    deadline = time.monotonic() + random.uniform(0.2, 0.5)
    for line in proc.stdout:
        committed.append(int(line.split()[1]))
        if time.monotonic() > deadline and len(committed) >= 3:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()

    assert len(committed) >= 3
    assert_intact(store)
    present = ids(reopen(store))
    batches: dict[int, int] = {}
    for rid in present:
        if match := re.fullmatch(r"batch(\d+)-\d+", rid):
            n = int(match[1])
            batches[n] = batches.get(n, 0) + 1
    assert all(count == 50 for count in batches.values())  # whole batches only
    assert set(committed) <= set(batches)  # every acknowledged batch is there


def test_two_processes_writing_at_once_lose_nothing(store: PortableStore):
    script = """
        start = float(sys.argv[3])
        while time.time() < start:
            time.sleep(0.001)
        t0 = time.perf_counter()
        for i in range(200):
            store.add(rec(f"{sys.argv[2]}-{i}"), sys.argv[2])
        print(time.perf_counter() - t0, flush=True)
        """
    start = str(time.time() + 0.5)
    procs = [child(script, location_of(store), name, start) for name in ("p", "q")]
    times = [float(p.communicate(timeout=60)[0]) for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    print(f"400 concurrent adds by 2 processes: {max(times):.2f} s")

    present = ids(store)
    assert {f"{n}-{i}" for n in "pq" for i in range(200)} <= present
    assert len(present) == 403
    assert_intact(store)
    assert len(store.history(limit=1000)) == 400


def test_simultaneous_edits_of_one_record_let_exactly_one_win(store: PortableStore):
    """Eight editors save the same record at once, each from the copy they opened: the
    writers take turns, so one wins and the others get ``Conflict`` (no lost update),
    and two undos at once never revert the same change twice."""
    opened = store.get("klushuizen-oostburg")
    barrier = threading.Barrier(8)

    def save(n: int) -> str:
        barrier.wait()
        try:
            store.update({**opened, "summary": f"editor {n}"}, f"editor-{n}",
                         expected_updated_at=opened["updated_at"])
        except Conflict:
            return "conflict"
        return "saved"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(save, range(8)))
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    assert len(store.history()) == 1

    store.add(rec("one"), "anna")
    store.add(rec("two"), "anna")
    barrier = threading.Barrier(2)

    def undo(_: int) -> int | None:
        barrier.wait()
        return store.undo_last("anna").undoes

    with ThreadPoolExecutor(2) as pool:
        undone = list(pool.map(undo, range(2)))
    assert sorted(undone) == sorted(c.seq for c in store.history() if c.action == "add")
    assert "one" not in ids(store) and "two" not in ids(store)


# --- backup and restore -------------------------------------------------------------------------


def test_backup_replaces_an_existing_file_only_when_asked(store: PortableStore, tmp_path):
    """On every backend: a backup is a new file unless overwriting is asked for."""
    from dashboard.store import BackupExists

    existing = tmp_path / "existing.gpkg"
    existing.write_text("keep me", encoding="utf-8")
    with pytest.raises(BackupExists, match="already exists"):
        store.backup(existing)
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert store.backup(existing, overwrite=True) == existing
    assert integrity(existing) == "ok"
    with pytest.raises(StoreError, match="is a folder"):
        store.backup(tmp_path, overwrite=True)


def test_backup_and_restore_round_trip(store: PortableStore, tmp_path):
    store.add(rec("kept"), "anna")
    store.save_tour({"id": "t", "title": "T", "steps": []}, "anna")
    before = store.list()
    backup = store.backup(tmp_path / "backup.gpkg")
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one portable file
    conn.close()
    assert integrity(backup) == "ok"
    assert len(gpd.read_file(backup, layer="initiatieven")) == 4

    store.delete("kept", "bob")
    store.add(rec("later"), "bob")
    store.delete_tour("t", "bob")
    version = store.version()
    assert store.restore(backup) == 4
    assert store.list() == before
    assert store.get_tour("t") is not None
    assert [c.record_id for c in store.history()] == ["kept"]
    assert store.version() > version  # open screens notice the restore
    store.add(rec("after-restore"), "anna")
    assert store.history()[0].seq > 1


def test_restore_refuses_a_bad_file_and_leaves_the_store_alone(store: PortableStore, tmp_path):
    before, version = store.list(), store.version()
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match="not a GeoPackage"):
        store.restore(text)
    plain = tmp_path / "plain.sqlite"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="application_id"):
        store.restore(plain)
    other = tmp_path / "other.gpkg"
    pyogrio.write_dataframe(
        gpd.GeoDataFrame({"id": ["x"]}, geometry=[Point(5, 52)], crs=4326), other
    )
    with pytest.raises(StoreError, match="not a Krimpkaart store"):
        store.restore(other)
    with pytest.raises(StoreError, match="no such file"):
        store.restore(tmp_path / "missing.gpkg")
    damaged = tmp_path / "damaged.gpkg"
    store.backup(damaged)
    data = bytearray(damaged.read_bytes())
    page = len(data) // 2 // 4096 * 4096
    data[page: page + 4096] = b"\xff" * 4096
    damaged.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="refusing"):
        store.restore(damaged)
    assert store.list() == before and store.version() == version


# --- stores written before a field existed -------------------------------------------------------


def make_old(path: Path, missing: tuple[str, ...] = ("notes", "notes_en")) -> None:
    """Turn a store into one written before ``missing`` existed: no columns, no JSON keys."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for name in missing:
            conn.execute(f"ALTER TABLE initiatieven DROP COLUMN {name}")
        rows = conn.execute("SELECT seq, before_json, after_json FROM krimpkaart_history")
        for seq, *docs in rows.fetchall():
            docs = [None if d is None else json.dumps(
                {k: v for k, v in json.loads(d).items() if k not in missing}) for d in docs]
            conn.execute("UPDATE krimpkaart_history SET before_json = ?, after_json = ? "
                         "WHERE seq = ?", (*docs, seq))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def columns(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[1] for r in conn.execute("PRAGMA table_info(initiatieven)")]


def test_a_store_written_before_a_field_existed_gets_it_with_its_default(tmp_path, seed_file):
    """Opening adds every record field the table lacks (one generic, additive step), so
    an older store keeps working, its history can still be undone, and GIS tools see it."""
    path = tmp_path / "old.gpkg"
    store = open_store(path, seed_file)
    store.update({**store.get("klushuizen-oostburg"), "summary": "eerder"}, "anna")
    make_old(path)
    assert "notes" not in columns(path)

    store = GeoPackageStore(path)
    assert columns(path)[-2:] == ["notes", "notes_en"]
    assert all(r["notes"] == "" and r["notes_en"] == "" for r in store.list())
    with closing(sqlite3.connect(path)) as conn:  # the default is stored, not NULL
        assert conn.execute("SELECT count(*) FROM initiatieven WHERE notes IS NULL"
                            ).fetchone()[0] == 0
    assert store.history()[0].after["notes"] == ""
    assert store.undo_last().action == "undo"  # the old change: undone, no false conflict
    assert store.get("klushuizen-oostburg")["summary"] == ""
    record = store.update({**store.get("klushuizen-oostburg"), "notes": "uit een andere bron"},
                          "bob")
    assert store.get("klushuizen-oostburg")["notes"] == record["notes"] == "uit een andere bron"
    frame = gpd.read_file(path, layer="initiatieven")
    assert "notes" in frame.columns and integrity(path) == "ok"
    GeoPackageStore(path)  # opening again changes nothing
    assert columns(path).count("notes") == 1


def test_a_backup_written_before_a_field_existed_restores(store: GeoPackageStore, tmp_path):
    old = tmp_path / "old-backup.gpkg"
    store.backup(old)
    make_old(old)
    count = len(store.list())
    store.add(rec("later", notes="weg na terugzetten"), "anna")
    assert store.restore(old) == count
    assert "later" not in ids(store)
    assert {r["notes"] for r in store.list()} == {""}
    assert "notes" not in columns(old)  # the backup itself is read, never changed


# --- command line -------------------------------------------------------------------------------


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_reseed(tmp_path, seed_file, capsys, monkeypatch, new_location):
    where = new_location()
    path = str(where)
    assert cli.main(["reseed", "--store", str(path), "--seed", str(seed_file)]) == 0
    assert "Created" in capsys.readouterr().out
    store = open_existing(where)
    store.add(rec("extra"), "anna")

    assert cli.main(["reseed", "--store", str(path), "--seed", str(seed_file)]) == 2
    assert "--yes" in capsys.readouterr().err  # no terminal to ask on
    monkeypatch.setattr(sys, "stdin", FakeTty("nee\n"))
    assert cli.main(["reseed", "--store", str(path), "--seed", str(seed_file)]) == 1
    assert "extra" in ids(store)
    monkeypatch.setattr(sys, "stdin", FakeTty("ja\n"))
    assert cli.main(["reseed", "--store", str(path), "--seed", str(seed_file)]) == 0
    assert "extra" not in ids(store)
    store.add(rec("extra"), "anna")
    assert cli.main(["reseed", "--store", str(path), "--seed", str(seed_file), "--yes"]) == 0
    assert "extra" not in ids(store)

    capsys.readouterr()
    missing = tmp_path / "missing.geojson"
    assert cli.main(["reseed", "--store", str(path), "--seed", str(missing), "--yes"]) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and "Traceback" not in err


def test_cli_backup_and_restore(store: PortableStore, tmp_path, capsys, new_location):
    here = location_of(store)
    dest = tmp_path / "copy.gpkg"
    assert cli.main(["backup", str(dest), "--store", here]) == 0
    assert check_backup(dest) is None  # a GeoPackage, whatever the backend
    store.add(rec("later"), "anna")

    assert cli.main(["restore", str(dest), "--store", here]) == 2
    assert "later" in ids(store)
    assert cli.main(["restore", str(dest), "--store", here, "--yes"]) == 0
    assert "later" not in ids(store)
    fresh = new_location()  # restoring into a store that does not exist yet
    assert cli.main(["restore", str(dest), "--store", str(fresh)]) == 0
    assert ids(open_existing(fresh)) == ids(store)

    capsys.readouterr()
    junk = tmp_path / "junk.gpkg"
    junk.write_text("junk", encoding="utf-8")
    assert cli.main(["restore", str(junk), "--store", here, "--yes"]) == 1
    assert cli.main(["backup", str(dest), "--store", str(tmp_path / "none.gpkg")]) == 1
    assert cli.main(["backup", str(tmp_path / "no" / "dir.gpkg"), "--store", here]) == 1
    err = capsys.readouterr().err
    assert "not a GeoPackage" in err and "no such file" in err and "does not exist" in err
    assert "Traceback" not in err
    assert not (tmp_path / "none.gpkg").exists()


# --- imports: one change per import, duplicates asked of the store ------------------------------


def many(prefix: str, n: int, **fields) -> list[dict]:
    return [rec(f"{prefix}-{i}", name=f"{prefix.title()} {i}", place="Emmen", **fields)
            for i in range(n)]


def writer_processes(parent: int | None = None) -> set[int]:
    """The import writer processes (``store.import_process``) that ``parent`` (default: this
    test process) started."""
    found = set()
    for task in Path(f"/proc/{parent or os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            with contextlib.suppress(OSError):
                if b"dashboard.store.import_process" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.add(int(pid))
    return found


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (a reparented child may stay one)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


@pytest.fixture(params=["in this process", "by a writer process"])
def importer(request, store: PortableStore):
    """What ``import_records`` is called on: the store, or an ``ImportProcess`` whose child
    process opens the same store (the CLI's path for big files); the same results either way,
    and no writer process is left over."""
    if request.param == "in this process":
        yield store
    else:
        yield ImportProcess(store, parse_location(location_of(store)))
        assert not writer_processes()


def test_an_import_is_one_change_and_undo_removes_all_of_it(store: PortableStore, importer):
    version = store.version()
    batch = importer.import_records(iter(many("imp", 25_000)), "fien")  # past two write rounds
    assert batch.count == 25_000 and batch.id.startswith("import-")
    assert store.version() == version + 1
    (change,) = store.history()
    assert (change.action, change.record_id, change.author, change.count) == (
        "import", batch.id, "fien", 25_000)
    assert change.before is None and change.after is None and change.seq == batch.seq
    assert len(store.list()) == 3 + 25_000
    assert store.get("imp-24999")["author"] == "fien"

    store.add(rec("other"), "bob")  # someone else's later change stays
    undo = store.undo_last("fien")
    assert (undo.action, undo.record_id, undo.undoes, undo.count) == (
        "undo", batch.id, batch.seq, 25_000)
    assert ids(store) == {"klushuizen-oostburg", "boermarke-westerwolde", "amsterdam-linkedin",
                          "other"}
    with pytest.raises(NothingToUndo):
        store.undo_last("fien")
    assert [c.action for c in store.history()] == ["undo", "add", "import"]


def test_add_many_is_one_change_too(store: PortableStore):
    added = store.add_many(many("m", 3), "anna")
    assert [r["id"] for r in added] == ["m-0", "m-1", "m-2"]
    (change,) = store.history()
    assert (change.action, change.count) == ("import", 3)
    store.undo_last()
    assert not any(i.startswith("m-") for i in ids(store))


def test_undoing_an_import_is_refused_when_a_record_of_it_changed_or_went(store: PortableStore):
    store.import_records(many("imp", 5), "fien")
    edited = store.update({**store.get("imp-3"), "summary": "bijgewerkt"}, "bob")
    with pytest.raises(Conflict) as changed:
        store.undo_last("fien")
    assert changed.value.key == "store_undo_import_changed"
    assert changed.value.text("en") == (
        f"cannot undo the import of 5 initiatives: 'Imp 3' from it was changed by bob at "
        f"{edited['updated_at']} since")
    assert changed.value.text("nl").startswith("kan de import van 5 initiatieven niet ongedaan")
    assert len([i for i in ids(store) if i.startswith("imp-")]) == 5  # nothing removed
    store.undo_last("bob")  # bob's edit undone: the record is as imported again... but newer
    store.delete("imp-1", "bob")
    with pytest.raises(Conflict) as gone:
        store.undo_last("fien")
    assert gone.value.key in ("store_undo_import_changed", "store_undo_import_deleted")


def test_an_import_with_a_taken_id_writes_nothing(store: PortableStore, importer):
    version = store.version()
    with pytest.raises(DuplicateId, match="imp-7") as twice:
        importer.import_records([*many("imp", 12_000), rec("imp-7")], "fien")
    assert twice.value.key == "store_duplicate_id" and twice.value.params == {"id": "imp-7"}
    with pytest.raises(DuplicateId, match="klushuizen-oostburg"):
        importer.import_records([rec("new"), rec("klushuizen-oostburg")], "fien")

    def broken():
        yield from many("gen", 15_000)
        raise RuntimeError("the importer found an error")

    with pytest.raises(RuntimeError):
        importer.import_records(broken(), "fien")
    assert len(store.list()) == 3 and store.history() == [] and store.version() == version
    assert importer.import_records([], "fien").count == 0
    assert len(store.list()) == 3 and store.history() == []


def test_a_writer_process_that_dies_is_reported_and_writes_nothing(store: PortableStore):
    version = store.version()

    def records():
        yield from many("imp", 6_000)  # three rounds: the writer is under way
        for pid in writer_processes():
            os.kill(pid, signal.SIGKILL)
        yield from many("late", 6_000)

    with pytest.raises(StoreError) as lost:
        ImportProcess(store, parse_location(location_of(store))).import_records(
            records(), "fien")
    assert lost.value.key == "store_import_process_lost"
    assert "nothing was written" in lost.value.text("en")
    assert "er is niets opgeslagen" in lost.value.text("nl")
    assert not writer_processes()
    after = reopen(store)
    assert_intact(after)
    assert len(after.list()) == 3 and after.history() == [] and after.version() == version


def test_a_writer_process_that_cannot_open_the_store_says_why(gpkg_store: GeoPackageStore,
                                                               tmp_path: Path):
    nowhere = tmp_path / "gone.gpkg"
    with pytest.raises(StoreError) as failed:
        ImportProcess(gpkg_store, nowhere).import_records(many("imp", 3), "fien")
    assert failed.value.key == "store_unusable" and str(nowhere) in failed.value.text("en")
    assert not writer_processes()


def test_a_writer_lost_after_its_commit_counts_as_done(store: PortableStore):
    """A writer that dies between its commit and its answer: the history says whether the
    import is there; only when it is not, the import is reported as lost."""
    importer = ImportProcess(store, parse_location(location_of(store)))
    with pytest.raises(StoreError) as lost:
        importer._lost(-9, "fien", since=0, count=3)
    assert lost.value.key == "store_import_process_lost"
    batch = store.import_records(many("imp", 3), "fien")
    assert importer._lost(-9, "fien", since=batch.seq - 1, count=3) == batch
    with pytest.raises(StoreError):
        importer._lost(-9, "fien", since=batch.seq, count=3)  # an earlier import is not this one
    with pytest.raises(StoreError):
        importer._lost(-9, "fien", since=batch.seq - 1, count=4)  # nor one of another size
    with pytest.raises(StoreError):
        importer._lost(-9, "anna", since=batch.seq - 1, count=3)  # nor someone else's


def test_a_writer_process_runs_no_module_from_the_current_folder(
        store: PortableStore, tmp_path: Path, monkeypatch):
    """``-P``: a ``json/`` (or ``psycopg.py``) where the command is run does not run in it."""
    (tmp_path / "json").mkdir()
    (tmp_path / "json" / "__init__.py").write_text("raise SystemExit('wrong json')\n")
    monkeypatch.chdir(tmp_path)
    batch = ImportProcess(store, parse_location(location_of(store))).import_records(
        many("imp", 3), "fien")
    assert batch.count == 3 and "imp-2" in ids(store)


def test_the_store_says_which_ids_and_keys_it_holds(store: PortableStore):
    from dashboard.store.base import match_key

    assert store.existing_ids(["klushuizen-oostburg", "nope"]) == {
        "klushuizen-oostburg": "KLUShuizen Oostburg"}
    assert store.existing_ids([]) == {}
    key = match_key("klushuizen  OOSTBURG", "oostburg")  # case, spaces: the same key
    assert key == match_key("KLUShuizen Oostburg", "Oostburg")
    assert store.existing_keys([key, match_key("KLUShuizen Oostburg", "Breskens")]) == {
        key: "klushuizen-oostburg"}
    store.import_records(many("imp", 3), "fien")
    assert store.existing_keys([match_key("Imp 2", "emmen")]) == {
        match_key("Imp 2", "Emmen"): "imp-2"}


def test_a_name_changed_by_another_tool_is_still_found(store: PortableStore):
    """QGIS or psql renames a record: the stored key goes (a trigger), the store looks at
    that row itself until its next write fills the key in again."""
    from dashboard.store.base import match_key

    old, new = match_key("KLUShuizen Oostburg", "Oostburg"), match_key("Klushuis Nieuw", "Sluis")
    sql = "UPDATE initiatieven SET name = 'Klushuis Nieuw', place = 'Sluis' " \
          "WHERE id = 'klushuizen-oostburg'"
    if isinstance(store, GeoPackageStore):
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute(sql)
            conn.commit()
            raw = conn.execute("SELECT krimpkaart_key FROM initiatieven "
                               "WHERE id = 'klushuizen-oostburg'").fetchone()[0]
    else:
        with closing(psycopg.connect(store.url, autocommit=True)) as conn:
            conn.execute(sql)
            raw = conn.execute("SELECT krimpkaart_key FROM initiatieven "
                               "WHERE id = 'klushuizen-oostburg'").fetchone()[0]
    assert raw is None
    assert store.existing_keys([old, new]) == {new: "klushuizen-oostburg"}
    store.add(rec("later"), "anna")  # a write fills the key in again
    assert store.existing_keys([new]) == {new: "klushuizen-oostburg"}
    if isinstance(store, GeoPackageStore):
        with closing(sqlite3.connect(store.path)) as conn:
            raw = conn.execute("SELECT krimpkaart_key FROM initiatieven "
                               "WHERE id = 'klushuizen-oostburg'").fetchone()[0]
        assert raw == new


def test_an_import_and_its_undo_survive_a_copy(store: PortableStore):
    batch = store.import_records(many("imp", 4), "fien")
    snapshot = store.snapshot()
    assert snapshot.batches == {batch.seq: [f"imp-{i}" for i in range(4)]}
    other = reopen(store)
    other.replace_with(snapshot)
    assert other.undo_last("fien").count == 4
    assert not any(i.startswith("imp-") for i in ids(other))


def test_a_version_2_geopackage_is_upgraded_on_open(gpkg_store: GeoPackageStore):
    """A store from before imports were one change (schema 2): the key column, the batch
    table and the history's batch size are added once, the keys filled in. (The real
    files written by older versions: tests/store/test_migration.py.)"""
    from dashboard.store.base import match_key

    path = gpkg_store.path
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("DROP TRIGGER initiatieven_key_stale")
        conn.execute("DROP INDEX initiatieven_key")
        conn.execute("ALTER TABLE initiatieven DROP COLUMN krimpkaart_key")
        conn.execute("ALTER TABLE krimpkaart_history DROP COLUMN batch_size")
        conn.execute("DROP TABLE krimpkaart_batches")
        conn.execute("DELETE FROM gpkg_contents WHERE table_name = 'krimpkaart_batches'")
        conn.execute("UPDATE krimpkaart_meta SET schema_version = 2")
    store = GeoPackageStore(path)
    key = match_key("KLUShuizen Oostburg", "Oostburg")
    assert store.existing_keys([key]) == {key: "klushuizen-oostburg"}
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT schema_version FROM krimpkaart_meta").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM initiatieven "
                            "WHERE krimpkaart_key IS NULL").fetchone()[0] == 0
    store.import_records(many("imp", 2), "fien")
    assert store.undo_last("fien").count == 2
    assert integrity(path) == "ok"
