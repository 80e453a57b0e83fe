# ruff: noqa: F811 - the fixtures come from test_store.py, shared by import
"""Workshops and suggestions on both backends: they never bump the public version, the
limits hold (counted in the store, so across processes), a closed code takes nothing,
a decision is taken once, and the tables appear in a store made before them."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.store import Conflict, DuplicateId, NotFound, open_store
from dashboard.store.rooms import (
    SUGGESTIONS,
    WORKSHOPS,
    Limits,
    RateLimited,
    WorkshopClosed,
    WorkshopUnknown,
    rooms_of,
)
from tests.store.test_store import BACKENDS, SEED, new_location, seed_file, store  # noqa: F401

SEED_IDS = [f["properties"]["id"] for f in SEED["features"]]
NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def test_suggestions_never_bump_the_public_version(store):
    rooms = rooms_of(store)
    before = store.version()
    rooms.open_workshop("ACDEF", "Anna")
    s = rooms.submit("ACDEF", "dev", "1.2.3.4", {"name": "Dorpshuis"})
    rooms.edit(s.seq, {"name": "Dorpshuis De Kern"})
    rooms.decide(s.seq, "rejected", "Anna")
    rooms.close_workshop("ACDEF")
    assert store.version() == before
    assert len(store.list()) == len(SEED_IDS)
    assert store.history() == []  # nothing a participant does is an initiative's change


def test_a_workshop_counts_its_queue_changes_and_lists_by_status(store):
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    first = rooms.submit("ACDEF", "d1", "ip", {"name": "Een"})
    rooms.submit("ACDEF", "d2", "ip", {"name": "Twee"})
    assert rooms.workshop("ACDEF").changes == 2
    rooms.decide(first.seq, "approved", "Anna", "een")
    assert rooms.workshop("ACDEF").changes == 3
    assert [s.data["name"] for s in rooms.suggestions("ACDEF")] == ["Twee"]
    done = rooms.suggestion(first.seq)
    assert (done.status, done.decided_by, done.record_id) == ("approved", "Anna", "een")
    assert [s.status for s in rooms.suggestions("ACDEF", status=None)] == ["approved", "pending"]
    assert rooms.suggestions("OTHER") == []


def test_codes_are_unique_and_only_an_open_workshop_takes_suggestions(store):
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    with pytest.raises(DuplicateId):
        rooms.open_workshop("ACDEF", "Bert")
    with pytest.raises(WorkshopUnknown) as unknown:
        rooms.submit("XXXXX", "d", "ip", {"name": "x"})
    assert "XXXXX" in unknown.value.text("nl")
    assert [w.code for w in rooms.open_workshops()] == ["ACDEF"]
    rooms.close_workshop("ACDEF")
    assert rooms.open_workshops() == []
    with pytest.raises(WorkshopClosed) as closed:
        rooms.submit("ACDEF", "d", "ip", {"name": "x"})
    assert "gesloten" in closed.value.text("nl")
    with pytest.raises(WorkshopClosed):
        rooms.close_workshop("ACDEF")


def test_the_device_limit_refuses_the_eleventh_and_says_when_to_try_again(store):
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    limits = Limits(per_device=10, window_s=600)
    for n in range(10):
        rooms.submit("ACDEF", "phone", f"ip{n}", {"name": f"n{n}"}, limits,
                     now=NOW + timedelta(seconds=n))
    with pytest.raises(RateLimited) as refused:
        rooms.submit("ACDEF", "phone", "ip", {"name": "eleven"}, limits,
                     now=NOW + timedelta(seconds=30))
    assert refused.value.limit == "device"
    assert refused.value.params["seconds"] == 571  # the first one leaves the window then
    assert "10 minuten" in refused.value.text("nl") and "10" in refused.value.text("en")
    # another device may still send; the same device again once the first left the window
    rooms.submit("ACDEF", "tablet", "ip", {"name": "other"}, limits, now=NOW)
    rooms.submit("ACDEF", "phone", "ip", {"name": "later"}, limits,
                 now=NOW + timedelta(seconds=601))
    assert len(rooms.suggestions("ACDEF")) == 12


def test_the_address_ceiling_and_the_workshop_limit(store):
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    limits = Limits(per_device=100, per_address=3, per_workshop=5)
    for n in range(3):
        rooms.submit("ACDEF", f"d{n}", "venue", {"name": str(n)}, limits, now=NOW)
    with pytest.raises(RateLimited) as address:
        rooms.submit("ACDEF", "d9", "venue", {"name": "x"}, limits, now=NOW)
    assert address.value.limit == "address"
    rooms.submit("ACDEF", "d3", "elsewhere", {"name": "3"}, limits, now=NOW)
    rooms.submit("ACDEF", "d4", "elsewhere", {"name": "4"}, limits, now=NOW)
    with pytest.raises(RateLimited) as full:
        rooms.submit("ACDEF", "d5", "elsewhere2", {"name": "5"}, limits, now=NOW)
    assert full.value.limit == "workshop" and "5" in full.value.text("en")


def test_a_suggestion_is_decided_once_and_can_be_reopened(store):
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    s = rooms.submit("ACDEF", "d", "ip", {"name": "Een"})
    rooms.decide(s.seq, "merged", "Anna", "a")
    with pytest.raises(Conflict) as twice:
        rooms.decide(s.seq, "approved", "Bert")
    assert "Anna" in twice.value.text("en")
    with pytest.raises(Conflict):
        rooms.edit(s.seq, {"name": "x"})
    assert rooms.reopen(s.seq).status == "pending"
    with pytest.raises(NotFound):
        rooms.decide(999, "rejected", "Anna")
    with pytest.raises(ValueError):
        rooms.decide(s.seq, "pending", "Anna")  # type: ignore[arg-type]


def test_the_device_secret_is_made_once_per_store(store):
    rooms = rooms_of(store)
    assert rooms.secret("first") == "first"
    assert rooms.secret("second") == "first"


def _submit_many(path: str, device: str, n: int, out) -> None:
    rooms = rooms_of(open_store(path))
    ok = 0
    for i in range(n):
        try:
            rooms.submit("ACDEF", device, "ip", {"name": f"{device}{i}"}, Limits(per_device=10))
            ok += 1
        except RateLimited:
            pass
    out.put(ok)


def test_the_device_limit_holds_across_processes(tmp_path, seed_file):
    path = tmp_path / "shared.gpkg"
    rooms_of(open_store(path, seed_file)).open_workshop("ACDEF", "Anna")
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_submit_many, args=(str(path), "same-phone", 8, out))
             for _ in range(3)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    assert sum(out.get(timeout=5) for _ in procs) == 10


def test_a_store_made_before_the_tables_gets_them_on_opening(tmp_path, seed_file):
    path = tmp_path / "old.gpkg"
    open_store(path, seed_file)
    with sqlite3.connect(path) as conn:
        for table in (SUGGESTIONS, WORKSHOPS):
            conn.execute(f"DROP TABLE {table}")
            conn.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (table,))
    store = open_store(path)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
    assert {SUGGESTIONS, WORKSHOPS} <= tables  # registered, so GIS tools list them
    rooms_of(store).open_workshop("ACDEF", "Anna")


def test_a_backup_keeps_pending_suggestions(store, tmp_path):
    rooms = rooms_of(store)
    rooms.open_workshop("ACDEF", "Anna")
    rooms.submit("ACDEF", "d", "ip", {"name": "Wacht nog"})
    secret = rooms.secret("geheim")
    copy = rooms_of(open_store(Path(store.backup(tmp_path / "backup.gpkg"))))
    assert [s.data["name"] for s in copy.suggestions("ACDEF")] == ["Wacht nog"]
    assert copy.workshop("ACDEF").is_open and copy.secret("other") == secret
    assert copy.dump() == rooms.dump()
