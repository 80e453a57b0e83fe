"""Passcode attempts kept in the store, in both backends: counted per client and in total,
shared by separate processes, forgotten after the window, and never a version bump (an
attempt must not make every open page rerun)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import pytest

from dashboard.store import FailureCounts, GeoPackageStore, PasscodeAttempts, open_store
from dashboard.store.base import ATTEMPTS
from dashboard.workshop import auth

REPO = Path(__file__).resolve().parents[2]
SEED = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": "a", "name": "Alpha"},
     "geometry": {"type": "Point", "coordinates": [5.1, 52.1]}}]}


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    path = tmp_path / "seed.geojson"
    path.write_text(json.dumps(SEED), encoding="utf-8")
    return path


@pytest.fixture(params=["geopackage", "postgis"])
def location(request, tmp_path, seed_file) -> str:
    """Where a store lives: a GeoPackage file, or a fresh PostGIS database."""
    if request.param == "geopackage":
        where = str(tmp_path / "s.gpkg")
    else:
        where = request.getfixturevalue("pg_database")()
    open_store(where, seed_file)
    return where


def test_failures_count_per_client_and_in_total_without_a_version_bump(location, seed_file):
    store = open_store(location, seed_file)
    assert isinstance(store, PasscodeAttempts)
    version = store.version()
    for at in (100.0, 101.0, 102.0):
        store.record_passcode_attempt("a", at, False, forget_before=0)
    store.record_passcode_attempt("b", 103.0, False, forget_before=0)
    assert store.passcode_failures("a", 0, 0) == FailureCounts(3, 102.0, 4, 103.0)
    assert store.passcode_failures("a", 101.0, 103.0) == FailureCounts(2, 102.0, 1, 103.0)
    assert store.passcode_failures("c", 0, 0) == FailureCounts(0, None, 4, 103.0)
    store.record_passcode_attempt("a", 104.0, True, forget_before=0)  # right: a is forgiven
    assert store.passcode_failures("a", 0, 0) == FailureCounts(0, None, 1, 103.0)
    store.record_passcode_attempt("c", 200.0, False, forget_before=150.0)  # old rows go
    assert store.passcode_failures("b", 0, 0) == FailureCounts(0, None, 1, 200.0)
    assert store.version() == version, "an attempt bumped the version: every page would rerun"


def test_a_reload_is_a_new_session_with_the_same_cookie_and_resets_nothing(location, seed_file):
    """What the page does per session: its own store object (like a new process), the
    client key from the cookie's token and the address; a reload brings the same token."""
    token = auth.new_client_token()
    for _ in range(5):
        session = auth.PasscodeGuard(open_store(location, seed_file))
        assert not session.attempt(auth.client_key(token, "192.0.2.7"), "fout", "geheim").ok
    reloaded = auth.PasscodeGuard(open_store(location, seed_file))
    refused = reloaded.attempt(auth.client_key(token, "192.0.2.7"), "geheim", "geheim")
    assert not refused.ok and 0 < refused.wait <= 2.0
    # another browser (another token) at the same address is not held up
    other = auth.client_key(auth.new_client_token(), "192.0.2.7")
    assert auth.PasscodeGuard(open_store(location, seed_file)).attempt(
        other, "geheim", "geheim").ok


def test_two_processes_share_the_count(location, seed_file):
    """Two worker processes fail for the same client at once: the third process sees them all."""
    code = textwrap.dedent("""
        import sys, time
        from dashboard.store import open_store
        from dashboard.workshop import auth
        store = open_store(sys.argv[1], sys.argv[2])
        start = float(sys.argv[3])
        while time.time() < start:
            time.sleep(0.001)
        guard = auth.PasscodeGuard(store)
        print(sum(not guard.attempt("shared", "fout", "geheim").ok for _ in range(2)))
        """)
    start = str(time.time() + 1.5)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", code, location, str(seed_file), start],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    store = open_store(location, seed_file)
    assert store.passcode_failures("shared", 0, 0).client == 4
    guard = auth.PasscodeGuard(store)
    assert not guard.attempt("shared", "fout", "geheim").ok  # the 5th failure: still free
    refused = guard.attempt("shared", "geheim", "geheim")
    assert not refused.ok and refused.wait > 0, "the processes did not share the count"


def test_an_older_geopackage_gets_the_attempts_table_on_opening(tmp_path, seed_file):
    path = tmp_path / "old.gpkg"
    open_store(str(path), seed_file)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"DROP TABLE {ATTEMPTS}")
        conn.commit()
        schema = conn.execute("SELECT schema_version FROM krimpkaart_meta").fetchone()
    store = GeoPackageStore(path)
    store.record_passcode_attempt("a", 1.0, False, forget_before=0)
    assert store.passcode_failures("a", 0, 0).client == 1
    with closing(sqlite3.connect(path)) as conn:  # an auxiliary table: no schema bump
        assert conn.execute("SELECT schema_version FROM krimpkaart_meta").fetchone() == schema
