"""``krimpkaart store copy SRC DST``: everything moves between GeoPackage and PostGIS, both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.store import (
    GeoPackageStore,
    PortableStore,
    Snapshot,
    open_existing,
    open_store,
    parse_location,
)

SEED = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature",
         "properties": {"id": "a", "name": "Alpha", "themes": ["zorg", "wonen"],
                        "outcomes": [{"label": "woningen", "value": 25, "unit": "st"}],
                        "description": "Één café — ‘quotes’"},
         "geometry": {"type": "Point", "coordinates": [5.123456789, 52.1]}},
        {"type": "Feature", "properties": {"id": "b", "name": "Beta", "start_year": 2019},
         "geometry": {"type": "Point", "coordinates": [6.5, 53.2]}},
        {"type": "Feature", "properties": {"id": "c", "name": "Online"}, "geometry": None},
    ],
}


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    path = tmp_path / "seed.geojson"
    path.write_text(json.dumps(SEED), encoding="utf-8")
    return path


def busy_store(location, seed_file: Path) -> PortableStore:
    """A store with records, a history that includes an undo, and a tour."""
    store = open_store(location, seed_file)
    store.add({"id": "d", "name": "Delta", "lat": 51.5, "lon": 4.0}, "anna")
    store.update({**store.get("a"), "summary": "bewerkt"}, "bob")
    store.delete("b", "anna")
    store.undo_last("anna")  # b is back; its delete is marked undone
    store.add({"id": "e", "name": "Echo"}, "carl")
    store.save_tour({"id": "t", "title": "Rondje", "steps": [
        {"initiative_id": "a", "text": "Begin"}, {"initiative_id": "d", "text": "Eind"}]}, "anna")
    return store


def same_contents(a: Snapshot, b: Snapshot) -> bool:
    return (a.records, a.history, a.tours) == (b.records, b.history, b.tours)


def test_copy_gpkg_to_postgis_and_back_keeps_everything(tmp_path, seed_file, pg_database,
                                                        capsys):
    source = busy_store(tmp_path / "bron.gpkg", seed_file)
    original = source.snapshot()
    url = pg_database()
    assert cli.main(["store", "copy", str(source.path), url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert ("Copied 5 initiatives, 5 changes in the history, 1 tour and 0 workshop "
            "suggestions") in out

    pg = open_existing(url)
    assert same_contents(pg.snapshot(), original)
    assert pg.version() > original.version  # open screens notice

    back = tmp_path / "terug.gpkg"
    assert cli.main(["store", "copy", url, str(back)]) == 0
    assert same_contents(GeoPackageStore(back).snapshot(), original)

    # Undo goes on where the source would: the same change, the same result.
    for store in (source, pg, GeoPackageStore(back)):
        undone = store.undo_last()
        assert (undone.record_id, undone.undoes, undone.seq) == ("e", 5, 6)
        assert store.get("e") is None
        assert store.undo_last("anna").record_id == "d"  # b's delete was undone already
    pg.close()


def test_copy_refuses_a_store_with_contents_unless_forced(tmp_path, seed_file, pg_database,
                                                          capsys):
    source = busy_store(tmp_path / "bron.gpkg", seed_file)
    url = pg_database()
    target = open_store(url, seed_file)  # a seeded store: not empty
    target.add({"id": "mine", "name": "Van mij"}, "zaal")
    before = target.snapshot()

    assert cli.main(["store", "copy", str(source.path), url, "--lang", "nl"]) == 1
    err = capsys.readouterr().err
    assert ("is niet leeg (4 initiatieven, 1 wijziging in de geschiedenis, 0 verhalen, "
            "0 voorstellen uit workshops)") in err
    assert "--force" in err and "Traceback" not in err
    assert same_contents(target.snapshot(), before)

    assert cli.main(["store", "copy", str(source.path), url, "--force"]) == 0
    assert "mine" not in {r["id"] for r in target.list()}
    assert same_contents(target.snapshot(), source.snapshot())
    target.close()


def test_copy_into_a_new_file_and_an_empty_database(tmp_path, seed_file, pg_database):
    source = busy_store(tmp_path / "bron.gpkg", seed_file)
    empty_db = pg_database()
    # an empty database (PostGIS, no tables) is a fine destination
    assert cli.main(["store", "copy", str(source.path), empty_db]) == 0
    existing_empty = tmp_path / "leeg.gpkg"
    GeoPackageStore.create(existing_empty)  # an empty store needs no --force either
    assert cli.main(["store", "copy", empty_db, str(existing_empty)]) == 0
    assert len(GeoPackageStore(existing_empty).list()) == 5


def test_copy_refuses_bad_sources_and_creates_nothing(tmp_path, seed_file, pg_database, capsys):
    missing = tmp_path / "mist.gpkg"
    dst = tmp_path / "doel.gpkg"
    assert cli.main(["store", "copy", str(missing), str(dst)]) == 1
    assert not dst.exists() and not missing.exists()
    bare_db = pg_database()  # a database without our tables is no source
    assert cli.main(["store", "copy", bare_db, str(dst)]) == 1
    assert not dst.exists()
    store = busy_store(tmp_path / "bron.gpkg", seed_file)
    assert cli.main(["store", "copy", str(store.path), str(store.path)]) == 1
    err = capsys.readouterr().err
    assert "no such file" in err and "not a Krimpkaart store" in err and "same store" in err
    assert "Traceback" not in err


def test_copy_messages_never_show_the_password(tmp_path, seed_file, pg_cluster, pg_database,
                                               capsys):
    url = pg_database()
    secret = url.replace("postgres@", "postgres:geheim@")  # trust auth accepts any password
    source = busy_store(tmp_path / "bron.gpkg", seed_file)
    assert cli.main(["store", "copy", str(source.path), secret]) == 0
    out = capsys.readouterr().out
    assert "geheim" not in out and "postgres:***@" in out
    assert parse_location(secret) == secret


def test_backup_of_postgis_is_a_portable_geopackage(tmp_path, seed_file, pg_database):
    import pyogrio

    url = pg_database()
    pg = busy_store(url, seed_file)
    backup = tmp_path / "backup.gpkg"
    assert cli.main(["backup", str(backup), "--store", url]) == 0
    frame = pyogrio.read_dataframe(backup, layer="initiatieven")
    assert sorted(frame["id"]) == ["a", "b", "c", "d", "e"]
    assert frame.crs.to_epsg() == 4326
    restored = tmp_path / "hersteld.gpkg"
    assert cli.main(["restore", str(backup), "--store", str(restored)]) == 0
    assert same_contents(GeoPackageStore(restored).snapshot(), pg.snapshot())
    pg.close()


def test_import_and_export_take_a_database_url(tmp_path, seed_file, pg_database, capsys):
    """``--store postgresql://...`` on the other commands: import writes there, export reads."""
    url = pg_database()
    data = tmp_path / "nieuw.csv"
    data.write_text("naam,plaats,lat,lon,thema\nBuurtbus Dorp,Winterswijk,51.97,6.72,mobiliteit\n",
                    encoding="utf-8")
    assert cli.main(["import", str(data), "--dry-run", "--store", url]) == 0
    assert "no store at postgresql://" in capsys.readouterr().out  # a check creates nothing
    open_store(url, seed_file).close()
    assert cli.main(["import", str(data), "--store", url, "--author", "zaal"]) == 0
    assert "Imported 1 initiative into postgresql://" in capsys.readouterr().out
    store = open_existing(url)
    assert [r["name"] for r in store.list() if r["author"] == "zaal"] == ["Buurtbus Dorp"]
    out = tmp_path / "export.csv"
    assert cli.main(["export", "--format", "csv", "-o", str(out), "--store", url]) == 0
    assert "Buurtbus Dorp" in out.read_text(encoding="utf-8-sig")
    store.close()
