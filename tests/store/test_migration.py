"""Opening a store written by an older version: migrated once, nothing lost, undo still works.

``tests/fixtures/store-v1.gpkg`` was written by the schema-1 code (before
``location_approximate``), ``tests/fixtures/store-v2.gpkg`` by the schema-2 code
(before the duplicate key and imports as one change); see ``tests/fixtures/README.md``.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pyogrio
import pytest

from dashboard.store import GeoPackageStore, check_backup, gpkg_migrate
from dashboard.store.geopackage import SCHEMA_VERSION

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store-v1.gpkg"
FIXTURE_V2 = Path(__file__).resolve().parents[1] / "fixtures" / "store-v2.gpkg"
APPROXIMATE = "dorpshuis-de-kern"  # placed by municipality: the centre of Stadskanaal
CLICKED = "buurtbus-oostburg"


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "old.gpkg"
    shutil.copyfile(FIXTURE, path)
    return path


@pytest.fixture
def v2_store(tmp_path: Path) -> Path:
    path = tmp_path / "v2.gpkg"
    shutil.copyfile(FIXTURE_V2, path)
    return path


def meta(path: Path) -> tuple[int, int]:
    """(data version, schema version) as written in the file."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version, schema_version FROM krimpkaart_meta").fetchone()


def columns(path: Path, table: str = "initiatieven") -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def assert_import_tables(path: Path) -> None:
    """Version 3's additions are there: the filled-in key, the batch size, the id table,
    registered for GIS tools; the file is intact."""
    assert "krimpkaart_key" in columns(path)
    assert "batch_size" in columns(path, "krimpkaart_history")
    assert "krimpkaart_batches" in tables(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM initiatieven "
                            "WHERE krimpkaart_key IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM gpkg_contents "
                            "WHERE table_name = 'krimpkaart_batches'").fetchone()[0] == 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_fixtures_are_schema_1_and_2_stores(old_store: Path, v2_store: Path):
    assert SCHEMA_VERSION == 3
    assert meta(old_store)[1] == 1
    assert "location_approximate" not in columns(old_store)
    assert meta(v2_store)[1] == 2
    assert "location_approximate" in columns(v2_store)
    assert "krimpkaart_key" not in columns(v2_store)
    assert "krimpkaart_batches" not in tables(v2_store)


def test_opening_an_old_store_migrates_it_and_keeps_every_record(old_store: Path):
    with closing(sqlite3.connect(old_store)) as conn:
        before = conn.execute("SELECT id, name, lat, lon, summary, updated_at, author "
                              "FROM initiatieven ORDER BY id").fetchall()
    store = GeoPackageStore(old_store)
    assert meta(old_store)[1] == SCHEMA_VERSION
    assert "location_approximate" in columns(old_store)
    records = {r["id"]: r for r in store.list()}
    assert [(r["id"], r["name"], r["lat"], r["lon"], r["summary"], r["updated_at"], r["author"])
            for r in sorted(records.values(), key=lambda r: r["id"])] == before
    # set from the old inference: only the point at its municipality's centre
    assert {i for i, r in records.items() if r["location_approximate"]} == {APPROXIMATE}
    assert all(isinstance(r["location_approximate"], bool) for r in records.values())
    assert_import_tables(old_store)


def test_the_migration_runs_once(old_store: Path, monkeypatch: pytest.MonkeyPatch):
    GeoPackageStore(old_store)
    after_first = meta(old_store)

    def again(*args, **kwargs):
        raise AssertionError("migrated twice")

    monkeypatch.setattr(gpkg_migrate, "migrate", again)
    GeoPackageStore(old_store).list()
    assert meta(old_store) == after_first  # no write at all on the second open


def test_history_from_before_the_migration_can_still_be_undone(old_store: Path):
    store = GeoPackageStore(old_store)
    assert all("location_approximate" in (c.after or c.before) for c in store.history())
    undone = store.undo_last("Fien")  # the summary edit made with the old version
    assert undone.record_id == CLICKED and store.get(CLICKED)["summary"] == ""
    assert store.undo_last("Fien").record_id == CLICKED  # its add
    assert store.get(CLICKED) is None
    assert store.undo_last("Fien").record_id == APPROXIMATE
    assert store.get(APPROXIMATE) is None


def test_the_migrated_file_is_still_a_geopackage_gis_tools_read(old_store: Path):
    GeoPackageStore(old_store)
    frame = pyogrio.read_dataframe(old_store, layer="initiatieven")
    assert "location_approximate" in frame.columns
    flags = dict(zip(frame["id"], frame["location_approximate"], strict=True))
    assert flags[APPROXIMATE] and not flags[CLICKED]


def test_an_old_backup_is_accepted_and_restored_with_the_field_filled_in(tmp_path: Path,
                                                                         old_store: Path):
    check_backup(FIXTURE)  # an older backup is a store, not a damaged file
    store = GeoPackageStore.create(tmp_path / "new.gpkg", [])
    assert store.restore(old_store) == 5
    assert meta(old_store)[1] == 1  # the backup itself is left as it was
    assert {r["id"] for r in store.list() if r["location_approximate"]} == {APPROXIMATE}
    assert store.undo_last("Fien").record_id == CLICKED  # history came along, filled in too


def test_a_row_another_tool_added_without_the_flag_reads_as_exact(tmp_path: Path):
    store = GeoPackageStore.create(tmp_path / "s.gpkg", [])
    store.add({"id": "a", "name": "A", "lat": 52.0, "lon": 5.5, "location_approximate": True},
              "anna")
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("UPDATE initiatieven SET location_approximate = NULL")
    assert store.get("a")["location_approximate"] is False


# --- from schema 2 (location_approximate stored, imports one change per record) -------------


def test_opening_a_schema_2_store_adds_the_import_tables_and_keeps_every_value(v2_store: Path):
    with closing(sqlite3.connect(v2_store)) as conn:
        before = conn.execute("SELECT id, name, lat, lon, location_approximate, notes, "
                              "updated_at, author FROM initiatieven ORDER BY id").fetchall()
    store = GeoPackageStore(v2_store)
    assert meta(v2_store)[1] == SCHEMA_VERSION
    assert_import_tables(v2_store)
    after = sorted((r["id"], r["name"], r["lat"], r["lon"], int(r["location_approximate"]),
                     r["notes"], r["updated_at"], r["author"]) for r in store.list())
    assert after == before
    records = {r["id"]: r for r in store.list()}
    # the stored flags stay as they were: not judged again from the point
    assert records["zorgcooperatie-hoogeloon"]["location_approximate"] is True
    assert records[APPROXIMATE]["location_approximate"] is True
    assert records[CLICKED]["location_approximate"] is False
    assert records[CLICKED]["notes"] == "Sinds 2019 volgens de gemeente."


def test_a_migrated_schema_2_store_finds_duplicates_imports_and_undoes(v2_store: Path):
    from dashboard.store.base import match_key

    store = GeoPackageStore(v2_store)
    key = match_key("DORPSHUIS de kern", "Stadskanaal")
    assert store.existing_keys([key]) == {key: APPROXIMATE}
    assert store.existing_ids([CLICKED, "nieuw"]) == {CLICKED: "Buurtbus Oostburg"}
    batch = store.import_records(
        [{"id": f"imp-{i}", "name": f"Import {i}", "lat": 52.0, "lon": 5.5} for i in range(3)],
        "Fien")
    assert batch.count == 3 and len(store.list()) == 9
    assert store.undo_last("Fien").count == 3  # the import, as one change
    assert store.undo_last("Fien").record_id == CLICKED  # the schema-2 edit
    assert store.get(CLICKED)["notes"] == ""
    assert store.undo_last("Ahmed").record_id == "zorgcooperatie-hoogeloon"


def test_the_schema_2_migration_runs_once(v2_store: Path, monkeypatch: pytest.MonkeyPatch):
    GeoPackageStore(v2_store)
    after_first = meta(v2_store)
    monkeypatch.setattr(gpkg_migrate, "migrate", lambda *a, **k: pytest.fail("migrated twice"))
    GeoPackageStore(v2_store).list()
    assert meta(v2_store) == after_first


def test_a_migrated_schema_2_store_is_still_a_geopackage_gis_tools_read(v2_store: Path):
    GeoPackageStore(v2_store).import_records([{"id": "x", "name": "X", "lat": 52.0, "lon": 5.5}],
                                             "Fien")
    frame = pyogrio.read_dataframe(v2_store, layer="initiatieven")
    assert len(frame) == 7 and "krimpkaart_key" in frame.columns
    layers = {name for name, _ in pyogrio.list_layers(v2_store)}
    assert {"initiatieven", "krimpkaart_history", "krimpkaart_batches"} <= layers


def test_a_schema_2_backup_is_restored_and_imports_afterwards(tmp_path: Path, v2_store: Path):
    check_backup(FIXTURE_V2)
    store = GeoPackageStore.create(tmp_path / "new.gpkg", [])
    assert store.restore(v2_store) == 6
    assert meta(v2_store)[1] == 2  # the backup itself is left as it was
    assert {r["id"] for r in store.list() if r["location_approximate"]} == {
        APPROXIMATE, "zorgcooperatie-hoogeloon"}
    store.import_records([{"id": "x", "name": "X", "lat": 52.0, "lon": 5.5}], "Fien")
    assert store.undo_last("Fien").count == 1
    assert store.undo_last("Fien").record_id == CLICKED  # history came along
