"""The PostGIS store's own side: schema, geometry, migrations, connections and errors.

What both backends share (CRUD, undo, crashes, concurrency, backups) is tested on
both in test_store.py; this file covers what only a database server has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from dashboard import config
from dashboard.domain.record import FIELD_TYPES
from dashboard.store import (
    StoreBusy,
    StoreError,
    describe,
    open_store,
    parse_location,
    store_exists,
)
from dashboard.store.postgis import (
    CHANNEL,
    MIGRATIONS,
    SCHEMA_VERSION,
    PostGISStore,
    column_definitions,
)

REPO = Path(__file__).resolve().parents[2]
SEED = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"id": "a", "name": "Alpha", "themes": ["zorg"]},
         "geometry": {"type": "Point", "coordinates": [5.1, 52.1]}},
        {"type": "Feature", "properties": {"id": "b", "name": "Beta"},
         "geometry": {"type": "Point", "coordinates": [6.5, 53.2]}},
        {"type": "Feature", "properties": {"id": "c", "name": "Online"}, "geometry": None},
    ],
}


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    path = tmp_path / "seed.geojson"
    path.write_text(json.dumps(SEED), encoding="utf-8")
    return path


@pytest.fixture
def url(pg_database) -> str:
    return pg_database()


@pytest.fixture
def store(url, seed_file):
    opened = open_store(url, seed_file)
    assert isinstance(opened, PostGISStore)
    yield opened
    opened.close()


def sql(url: str, query: str, params: tuple = ()) -> list[tuple]:
    with closing(psycopg.connect(url, autocommit=True)) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


# --- schema and geometry ---------------------------------------------------------------------


def test_points_are_postgis_geometry_with_a_spatial_index(store: PostGISStore, url: str):
    assert sql(url, "SELECT type, srid FROM geometry_columns "
                    "WHERE f_table_name = 'initiatieven'") == [("POINT", 4326)]
    (index,) = sql(url, "SELECT indexdef FROM pg_indexes WHERE tablename = 'initiatieven' "
                        "AND indexdef LIKE '%%gist%%'")
    assert "(geom)" in index[0]
    near = sql(url, "SELECT id FROM initiatieven WHERE geom && ST_MakeEnvelope(5, 52, 5.2, 52.2, "
                    "4326)")
    assert near == [("a",)]
    with closing(psycopg.connect(url, autocommit=True)) as conn:
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN SELECT id FROM initiatieven WHERE geom && "
            "ST_MakeEnvelope(5, 52, 5.2, 52.2, 4326)"))
    assert "initiatieven_geom_idx" in plan


def test_lat_lon_are_written_with_the_point_and_read_from_it(store: PostGISStore, url: str):
    store.add({"id": "n", "name": "Nieuw", "lat": 52.37, "lon": 4.89}, "anna")
    assert sql(url, "SELECT ST_X(geom), ST_Y(geom), lon, lat FROM initiatieven WHERE id = 'n'") \
        == [(4.89, 52.37, 4.89, 52.37)]
    assert sql(url, "SELECT geom IS NULL, lat FROM initiatieven WHERE id = 'c'") == [(True, None)]
    # Someone moves the point in QGIS (the geometry only): the geometry wins, as in a GeoPackage.
    sql(url, "UPDATE initiatieven SET geom = ST_SetSRID(ST_MakePoint(6.0, 53.0), 4326) "
             "WHERE id = 'n'")
    moved = store.get("n")
    assert (moved["lon"], moved["lat"]) == (6.0, 53.0)
    store.update({**moved, "name": "Verplaatst"}, "bob")  # and the next write makes them agree
    assert sql(url, "SELECT lon, lat FROM initiatieven WHERE id = 'n'") == [(6.0, 53.0)]


def test_rows_written_by_other_tools_read_as_records(store: PostGISStore, url: str):
    """NULLs and hand-typed text in list columns, as QGIS or psql leave them."""
    sql(url, "INSERT INTO initiatieven (id, name, themes, geom) VALUES "
             "('q', 'Uit QGIS', '\"wonen\"', ST_SetSRID(ST_MakePoint(6.5, 52.5), 4326))")
    q = store.get("q")
    assert (q["themes"], q["channels"], q["status"], q["kind"], q["lat"]) == (
        ["wonen"], [], "onbekend", "initiatief", 52.5)


def test_columns_follow_the_record_fields(store: PostGISStore, url: str):
    types = dict(sql(url, "SELECT column_name, data_type FROM information_schema.columns "
                          "WHERE table_name = 'initiatieven'"))
    expected = {"text": "text", "real": "double precision", "int": "bigint", "json": "json",
                "bool": "boolean"}
    assert {name: types[name] for name in FIELD_TYPES} == {
        name: expected[kind] for name, kind in FIELD_TYPES.items()}
    assert column_definitions({"id": "text", "ok": "bool", "n": "int"}) == [
        "id text NOT NULL UNIQUE", "ok boolean", "n bigint"]


def test_a_new_record_field_gets_its_column_at_the_next_start(store: PostGISStore, url: str,
                                                             monkeypatch):
    """A field added to FIELD_TYPES (e.g. a bool) arrives in an existing database by itself."""
    monkeypatch.setitem(FIELD_TYPES, "location_checked", "bool")
    store.close()
    PostGISStore(url).close()
    assert sql(url, "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'initiatieven' AND column_name = 'location_checked'") \
        == [("boolean",)]
    monkeypatch.delitem(FIELD_TYPES, "location_checked")
    sql(url, "ALTER TABLE initiatieven DROP COLUMN website")  # a column lost: put back
    assert len(PostGISStore(url).list()) == 3
    assert sql(url, "SELECT count(*) FROM information_schema.columns "
                    "WHERE table_name = 'initiatieven' AND column_name = 'website'") == [(1,)]


def test_a_change_recorded_before_a_field_existed_still_undoes(store: PostGISStore, url: str):
    """History written before ``notes`` existed lacks the key; it reads with the default,
    so the record still equals the change's 'after' and the undo is no false conflict."""
    record = store.get("a")
    store.update({**record, "summary": "eerder"}, "anna")
    sql(url, "UPDATE krimpkaart_history SET after_json = (after_json::jsonb - 'notes' "
             "- 'notes_en')::json, before_json = (before_json::jsonb - 'notes' - 'notes_en')::json")
    assert "notes" not in sql(url, "SELECT after_json FROM krimpkaart_history")[0][0]
    assert store.history()[0].after["notes"] == ""
    assert store.undo_last().action == "undo"
    assert store.get("a")["summary"] == record["summary"]


def test_the_schema_has_a_version_and_refuses_a_newer_one(store: PostGISStore, url: str):
    assert sql(url, "SELECT version, description FROM krimpkaart_schema") == [
        (v, d) for v, d, _ in MIGRATIONS]
    assert MIGRATIONS[-1][0] == SCHEMA_VERSION
    sql(url, "INSERT INTO krimpkaart_schema (version, description) VALUES (%s, 'future')",
        (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError) as refused:
        PostGISStore(url)
    assert "newer Krimpkaart" in str(refused.value)
    assert "nieuwere Krimpkaart" in refused.value.text("nl")


def as_schema_1(url: str) -> None:
    """Take a store back to what Krimpkaart wrote at schema 1 (before location_approximate
    was judged and before imports were one change): no key column, trigger, batch size
    or import table; the flag column added later by the generic step, NULL in old rows
    and absent from old history entries (but for the record 'exact', written since)."""
    for statement in (
        "DROP TRIGGER initiatieven_key_stale ON initiatieven",
        "DROP FUNCTION krimpkaart_key_stale()",
        "ALTER TABLE initiatieven DROP COLUMN krimpkaart_key",
        "ALTER TABLE krimpkaart_history DROP COLUMN batch_size",
        "DROP TABLE krimpkaart_batches",
        "UPDATE initiatieven SET location_approximate = NULL WHERE id <> 'exact'",
        "UPDATE krimpkaart_history SET after_json = (after_json::jsonb "
        "- 'location_approximate')::json WHERE record_id <> 'exact'",
        "DELETE FROM krimpkaart_schema WHERE version > 1",
    ):
        sql(url, statement)


def test_a_schema_1_store_is_migrated_to_the_latest_once(store: PostGISStore, url: str):
    """Migration 2 judges location_approximate where it is NULL (the point is its
    municipality's centre), as the GeoPackage store's version 2 does; migration 3 adds
    the duplicate key (filled in) and imports as one change."""
    from dashboard.geo import municipality_centre
    from dashboard.store.base import match_key

    lat, lon = municipality_centre("GM0037")
    store.add({"id": "centre", "name": "Dorpshuis", "place": "Stadskanaal",
               "gemeente_code": "GM0037", "lat": lat, "lon": lon}, "fien")
    store.add({"id": "exact", "name": "Exact", "gemeente_code": "GM0037", "lat": lat,
               "lon": lon, "location_approximate": False}, "fien")
    store.close()
    as_schema_1(url)
    assert sql(url, "SELECT max(version) FROM krimpkaart_schema") == [(1,)]
    migrated = PostGISStore(url)
    assert sql(url, "SELECT version FROM krimpkaart_schema ORDER BY version") == [
        (v,) for v, _, _ in MIGRATIONS]
    flags = {r["id"]: r["location_approximate"] for r in migrated.list()}
    assert flags == {"a": False, "b": False, "c": False, "centre": True, "exact": False}
    assert all("location_approximate" in json.loads(after) for (after,) in sql(
        url, "SELECT after_json::text FROM krimpkaart_history"))
    assert migrated.history()[1].after["location_approximate"] is True  # judged, not defaulted
    assert sql(url, "SELECT count(*) FROM initiatieven WHERE krimpkaart_key IS NULL") == [(0,)]
    key = match_key("DORPSHUIS", "stadskanaal")
    assert migrated.existing_keys([key]) == {key: "centre"}
    batch = migrated.import_records([rec_at(f"imp-{i}") for i in range(3)], "fien")
    assert batch.count == 3 and migrated.undo_last("fien").count == 3
    assert migrated.undo_last("fien").record_id == "exact"  # a schema-1 change still undoes
    migrated.close()
    PostGISStore(url).close()  # opened again: nothing left to run
    assert sql(url, "SELECT count(*) FROM krimpkaart_schema") == [(len(MIGRATIONS),)]


def rec_at(id: str) -> dict:
    return {"id": id, "name": id.title(), "lat": 52.0, "lon": 5.5}


def test_a_database_without_our_tables_is_not_a_store_until_created(url, seed_file):
    assert not store_exists(url)
    with pytest.raises(StoreError, match="not a Krimpkaart store"):
        PostGISStore(url)
    assert not store_exists(url)  # looking created nothing
    store = open_store(url, seed_file)
    assert store_exists(url) and len(store.list()) == 3 and store.version() == 1
    store.close()
    again = open_store(url, seed_file)  # opening again does not reseed
    assert again.version() == 1 and again.history() == []
    again.close()


def test_servers_starting_together_create_and_seed_once(url, seed_file):
    code = textwrap.dedent("""
        import sys, time
        from dashboard.store import open_store
        start = float(sys.argv[3])
        while time.time() < start:
            time.sleep(0.001)
        store = open_store(sys.argv[1], sys.argv[2])
        print(len(store.list()))
        """)
    start = str(time.time() + 1.0)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", code, url, str(seed_file), start],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(3)]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in results]
    assert [out.strip() for out, _ in results] == ["3", "3", "3"]
    assert sql(url, "SELECT count(*) FROM initiatieven") == [(3,)]
    assert sql(url, "SELECT version FROM krimpkaart_meta") == [(1,)]
    assert sql(url, "SELECT count(*) FROM krimpkaart_schema") == [(len(MIGRATIONS),)]


def test_the_environment_names_a_database(url, seed_file, monkeypatch):
    monkeypatch.setenv("KRIMPKAART_STORE", url)
    monkeypatch.setenv("KRIMPKAART_GEODATA", str(seed_file.parent))
    config.reload()
    monkeypatch.setattr("dashboard.store.seed.SEED_NAME", seed_file.name)
    store = open_store()
    assert isinstance(store, PostGISStore) and store.url == url and len(store.list()) == 3
    store.close()


# --- connections, changes, errors ------------------------------------------------------------


def test_reads_and_polls_reuse_one_connection(store: PostGISStore, url: str):
    for _ in range(50):
        store.version()
        store.get("a")
    store.list()
    store.add({"id": "x", "name": "X"}, "anna")
    count = sql(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND application_name = 'krimpkaart'")
    assert count == [(1,)]
    store.close()
    assert sql(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = 'krimpkaart'") == [(0,)]


def test_a_dropped_connection_is_replaced(store: PostGISStore, url: str):
    """The database restarted (or a proxy cut idle connections): the next call reconnects."""
    version = store.version()
    sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = current_database() AND application_name = 'krimpkaart'")
    time.sleep(0.2)
    assert store.version() == version  # a read is repeated on a new connection
    sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = current_database() AND application_name = 'krimpkaart'")
    time.sleep(0.2)
    store.add({"id": "x", "name": "X"}, "anna")  # a write checks its connection first
    assert store.version() == version + 1


def test_every_write_notifies_listeners_with_the_new_version(store: PostGISStore, url: str):
    with closing(psycopg.connect(url, autocommit=True)) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        store.add({"id": "x", "name": "X"}, "anna")
        store.save_tour({"id": "t", "title": "T", "steps": []}, "anna")
        with pytest.raises(StoreError):
            store.add({"id": "x", "name": "X"}, "anna")  # a failed write tells nobody
        heard = [int(n.payload) for n in listener.notifies(timeout=2, stop_after=2)]
        assert heard == [store.version() - 1, store.version()]
        assert list(listener.notifies(timeout=0.3)) == []


def test_a_writer_waiting_too_long_for_the_lock_gets_store_busy(url, seed_file):
    open_store(url, seed_file).close()
    store = PostGISStore(url, busy_timeout_s=0.5)
    with closing(psycopg.connect(url)) as holder:
        holder.execute("SELECT version FROM krimpkaart_meta FOR UPDATE")  # a stuck writer
        t0 = time.monotonic()
        with pytest.raises(StoreBusy) as busy:
            store.add({"id": "x", "name": "X"}, "anna")
        assert time.monotonic() - t0 < 5
        assert store.version() == 1  # readers are never blocked
        holder.rollback()
    assert busy.value.key == "store_locked" and "postgresql://" in str(busy.value)
    store.add({"id": "x", "name": "X"}, "anna")  # and once free, writes go through
    store.close()


def test_an_unreachable_database_is_a_clear_error_without_the_password(pg_cluster):
    closed = f"postgresql://kaart:geheim@127.0.0.1:{pg_cluster.port + 1}/krimpkaart"
    with pytest.raises(StoreError) as down:
        open_store(closed)
    assert down.value.key == "store_pg_unreachable"
    assert "geheim" not in str(down.value) and "geheim" not in down.value.text("nl")
    assert str(down.value).startswith("cannot reach the database postgresql://kaart:***@")
    assert down.value.text("nl").startswith("de database postgresql://kaart:***@")


def test_a_database_without_postgis_says_what_to_do(pg_cluster, pg_database):
    plain = pg_database(postgis=False)
    name = plain.rsplit("/", 1)[1]
    with closing(pg_cluster.connect("postgres")) as admin:
        admin.execute("DROP ROLE IF EXISTS kaart_app")
        admin.execute("CREATE ROLE kaart_app LOGIN")
        admin.execute(f"ALTER DATABASE {name} OWNER TO kaart_app")
    with pytest.raises(StoreError) as missing:
        open_store(pg_cluster.url(name, user="kaart_app"))
    assert missing.value.key == "store_pg_no_postgis"
    assert "CREATE EXTENSION postgis" in str(missing.value)
    assert not store_exists(plain)  # nothing half-made


def test_describe_hides_passwords():
    assert describe("postgresql://u:p%40ss@db:5432/k?sslmode=require") == \
        "postgresql://u:***@db:5432/k?sslmode=require"
    assert describe("postgresql://db/k?password=secret&user=u") == \
        "postgresql://db/k?password=***&user=u"
    assert describe("postgresql://u@db/k") == "postgresql://u@db/k"
    assert describe(Path("/tmp/s.gpkg")) == "/tmp/s.gpkg"
    assert parse_location("postgresql://u@db/k") == "postgresql://u@db/k"
    assert parse_location("s.gpkg") == Path("s.gpkg")
