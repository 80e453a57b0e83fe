"""Live updates: the version watcher reports only real changes."""

from __future__ import annotations

from dashboard.store import GeoPackageStore, StoreBusy
from dashboard.workshop.live import VersionWatcher


def test_first_call_only_records():
    watcher = VersionWatcher()
    assert not watcher.changed(5)
    assert not watcher.changed(5)
    assert watcher.changed(6)
    assert not watcher.changed(6)
    assert watcher.changed(3)  # a restored backup may go back; still a change


def test_poll_follows_store_writes(tmp_path):
    store = GeoPackageStore.create(tmp_path / "s.gpkg", [])
    watcher = VersionWatcher()
    assert not watcher.poll(store)
    assert not watcher.poll(store)
    store.save_tour({"id": "t", "title": "T", "steps": []}, "Anna")
    assert watcher.poll(store)
    assert not watcher.poll(store)


def test_poll_tolerates_a_busy_store():
    class Busy:
        def version(self) -> int:
            raise StoreBusy("locked")

    watcher = VersionWatcher(last_seen=1)
    assert not watcher.poll(Busy())
    assert watcher.last_seen == 1
