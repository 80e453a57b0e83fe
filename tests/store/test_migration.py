"""Opening a store written by an older version: migrated once, nothing lost, undo still works.

``tests/fixtures/store-v1.gpkg`` was written by the schema-1 code (before
``location_approximate``); see ``tests/fixtures/README.md``.
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
APPROXIMATE = "dorpshuis-de-kern"  # placed by municipality: the centre of Stadskanaal
CLICKED = "buurtbus-oostburg"


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "old.gpkg"
    shutil.copyfile(FIXTURE, path)
    return path


def meta(path: Path) -> tuple[int, int]:
    """(data version, schema version) as written in the file."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version, schema_version FROM krimpkaart_meta").fetchone()


def columns(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[1] for r in conn.execute("PRAGMA table_info(initiatieven)")]


def test_the_fixture_is_a_schema_1_store_without_the_field(old_store: Path):
    assert meta(old_store)[1] == 1 and SCHEMA_VERSION == 2
    assert "location_approximate" not in columns(old_store)


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
