# ruff: noqa: F811 - the fixtures come from test_store.py, shared by import
"""Backups, restores and ``krimpkaart store copy`` carry what is not public data too:
workshops, suggestions (pending and decided, with code, time and device hash), the
device-cookie key and the remembered column mappings, in every direction between
the backends. Passcode attempts stay where they were. Exports never see a suggestion."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.store import GeoPackageStore, open_existing, open_store
from dashboard.store.carried import CARRIED_COLUMNS
from dashboard.store.mappings import COLUMN_MAPPINGS, mappings_of
from dashboard.store.rooms import ROOM_SECRETS, SUGGESTIONS, WORKSHOPS, rooms_of
from tests.store.test_store import BACKENDS, seed_file  # noqa: F401

HEADER = ["naam", "webpagina", "gemeente"]
SECRET_NAME = "Geheim voorstel 7Q"  # appears nowhere but in a suggestion


@pytest.fixture
def place(tmp_path, request):
    """``place(kind)``: a new location on ``kind`` (``gpkg`` file or ``pg`` database)."""
    names = iter(range(1, 100))

    def make(kind: str):
        if kind == "gpkg":
            return tmp_path / f"store-{next(names)}.gpkg"
        return request.getfixturevalue("pg_database")()

    return make


def room_store(location, seed_file: Path):
    """A store with two workshops (one closed), pending and decided suggestions, the
    device key, a remembered mapping and a passcode failure."""
    store = open_store(location, seed_file)
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    rooms.open_workshop("GHJKM", "Bob")
    rooms.submit("ACDEF", "devhash-1", "10.0.0.1", {"name": SECRET_NAME, "place": "Emmen"})
    decided = rooms.submit("GHJKM", "devhash-2", "10.0.0.2", {"name": "Dorpshuis"})
    rooms.decide(decided.seq, "rejected", "Bob")
    rooms.close_workshop("GHJKM")
    rooms.secret("sleutel")
    mappings_of(store).remember(HEADER, {"naam": "name", "webpagina": "sources", "gemeente": ""})
    store.record_passcode_attempt("client-a", 1000.0, False, 0.0)
    return store


def other_store(location, seed_file: Path):
    """A store with room data of its own, all of which a restore or copy replaces."""
    store = open_store(location, seed_file)
    rooms = rooms_of(store)
    rooms.open_workshop("PQRST", "Carl")
    for n in range(3):
        rooms.submit("PQRST", f"d{n}", "ip", {"name": f"Ander {n}"})
    rooms.secret("andere-sleutel")
    mappings_of(store).remember(["x"], {"x": "name"})
    store.record_passcode_attempt("client-z", 1000.0, False, 0.0)
    return store


def assert_carried(copy, original_dump: dict, original) -> None:
    """``copy`` holds the same workshops, suggestions and mappings as ``original``."""
    assert rooms_of(copy).dump() == original_dump
    assert mappings_of(copy).remembered(HEADER) == {"naam": "name", "webpagina": "sources",
                                                    "gemeente": ""}
    assert mappings_of(copy).remembered(["x"]) is None  # the target's own were replaced
    pending = rooms_of(copy).suggestions("ACDEF")
    assert [(s.data["name"], s.device, s.status) for s in pending] == [
        (SECRET_NAME, "devhash-1", "pending")]
    assert pending[0].created_at == rooms_of(original).suggestions("ACDEF")[0].created_at
    rejected = rooms_of(copy).suggestions("GHJKM", status=None)
    assert [(s.status, s.decided_by) for s in rejected] == [("rejected", "Bob")]
    assert rooms_of(copy).workshop("ACDEF").is_open
    assert not rooms_of(copy).workshop("GHJKM").is_open
    assert rooms_of(copy).workshop("PQRST") is None
    assert rooms_of(copy).secret("new") == "sleutel"
    # The queue goes on: a new suggestion numbers after every carried one.
    fresh = rooms_of(copy).submit("ACDEF", "devhash-3", "ip", {"name": "Na de kopie"})
    assert fresh.seq > max(row[0] for row in original_dump[SUGGESTIONS])
    # Passcode attempts do not travel: the source's failure is not counted here.
    assert copy.passcode_failures("client-a", 0.0, 0.0).client == 0


@pytest.mark.parametrize("source_kind", BACKENDS)
@pytest.mark.parametrize("target_kind", BACKENDS)
def test_backup_and_restore_carry_workshops_suggestions_and_mappings(
        place, seed_file, tmp_path, source_kind, target_kind):
    source = room_store(place(source_kind), seed_file)
    dumped = rooms_of(source).dump()
    backup = source.backup(tmp_path / "backup.gpkg")
    target = other_store(place(target_kind), seed_file)
    version = target.version()
    target.restore(backup)
    assert_carried(target, dumped, source)
    assert target.passcode_failures("client-z", 0.0, 0.0).client == 1  # its own stay
    assert target.version() > version


@pytest.mark.parametrize(("source_kind", "target_kind"), [
    ("gpkg", "gpkg"), ("gpkg", "postgis"), ("postgis", "gpkg"), ("postgis", "postgis")])
def test_store_copy_carries_them_in_every_direction(place, seed_file, source_kind,
                                                    target_kind):
    source_location = place(source_kind)
    source = room_store(source_location, seed_file)
    dumped = rooms_of(source).dump()
    target_location = place(target_kind)
    other_store(target_location, seed_file).close()
    assert cli.main(["store", "copy", str(source_location), str(target_location),
                     "--force"]) == 0
    assert_carried(open_existing(target_location), dumped, source)


def test_a_backup_from_before_the_tables_restores_with_none(seed_file, tmp_path):
    old = room_store(tmp_path / "old.gpkg", seed_file)
    backup = Path(old.backup(tmp_path / "old-backup.gpkg"))
    with sqlite3.connect(backup) as conn:
        for table in CARRIED_COLUMNS:
            conn.execute(f"DROP TABLE {table}")
    target = room_store(tmp_path / "target.gpkg", seed_file)
    before = rooms_of(target).dump()
    assert before[WORKSHOPS] and before[SUGGESTIONS]  # the target had its own to lose
    target.restore(backup)
    after = rooms_of(target).dump()
    assert after[WORKSHOPS] == [] and after[SUGGESTIONS] == [] and after[ROOM_SECRETS] == []
    assert mappings_of(target).remembered(HEADER) is None
    assert not any(r[0] == COLUMN_MAPPINGS for r in sqlite3.connect(backup).execute(
        "SELECT name FROM sqlite_master"))  # the backup was only read


@pytest.mark.parametrize("kind", BACKENDS)
def test_exports_of_the_public_data_never_contain_a_suggestion(place, seed_file, tmp_path,
                                                               kind):
    location = place(kind)
    store = room_store(location, seed_file)
    restored = store.backup(tmp_path / "b.gpkg")
    store.restore(restored)  # after a round trip too
    out = tmp_path / "export"
    assert cli.main(["export", "--store", str(location), "--format", "csv,geojson,html",
                     "-o", str(out)]) == 0
    written = {suffix: (out.with_suffix(f".{suffix}")).read_text(encoding="utf-8")
               for suffix in ("csv", "geojson", "html")}
    names = [row["name"] for row in csv.DictReader(written["csv"].splitlines())]
    assert names and SECRET_NAME not in names
    assert len(json.loads(written["geojson"])["features"]) == len(store.list())
    for text in written.values():
        assert SECRET_NAME not in text and "devhash-1" not in text


def test_store_copy_will_not_overwrite_a_store_that_holds_only_suggestions(
        place, seed_file, tmp_path, capsys):
    source = room_store(place("gpkg"), seed_file)
    target = tmp_path / "leeg.gpkg"
    GeoPackageStore.create(target)
    rooms_of(GeoPackageStore(target)).open_workshop("PQRST", "Carl")
    rooms_of(GeoPackageStore(target)).submit("PQRST", "d", "ip", {"name": "Niet kwijt"})
    assert cli.main(["store", "copy", str(source.path), str(target), "--lang", "en"]) == 1
    assert "1 workshop suggestion)" in capsys.readouterr().err
    assert [s.data["name"] for s in rooms_of(GeoPackageStore(target)).suggestions()] == [
        "Niet kwijt"]
    assert cli.main(["store", "copy", str(source.path), str(target), "--force",
                     "--lang", "en"]) == 0
    assert "2 workshop suggestions from" in capsys.readouterr().out
