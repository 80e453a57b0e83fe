# ruff: noqa: F811 - the fixtures come from test_store.py, shared by import
"""Remembered column mappings on both backends: keyed by the header exactly, replaced
when remembered again, no version bump, and the table appears in an older store."""

from __future__ import annotations

import sqlite3

import pytest

from dashboard.store import GeoPackageStore
from dashboard.store.mappings import COLUMN_MAPPINGS, mappings_of
from tests.store.test_store import BACKENDS, SEED, new_location, seed_file, store  # noqa: F401


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def test_a_mapping_is_remembered_per_header_without_a_version_bump(store):
    mappings = mappings_of(store)
    header = ["naam", "webpagina", "gemeente"]
    assert mappings.remembered(header) is None
    before = store.version()
    mappings.remember(header, {"webpagina": "sources", "gemeente": ""})
    assert mappings.remembered(header) == {"webpagina": "sources", "gemeente": ""}
    assert mappings.remembered(["naam", "gemeente", "webpagina"]) is None  # order matters
    assert mappings.remembered(["Naam", "webpagina", "gemeente"]) is None
    mappings.remember(header, {"webpagina": "website"})
    assert mappings.remembered(header) == {"webpagina": "website"}
    assert store.version() == before
    assert store.history() == []


def test_the_table_is_made_in_a_store_from_before_it(tmp_path):
    path = tmp_path / "old.gpkg"
    store = GeoPackageStore.create(path, [])
    mappings_of(store).remember(["a"], {"a": "name"})
    with sqlite3.connect(path) as conn:
        conn.execute(f"DROP TABLE {COLUMN_MAPPINGS}")
        conn.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (COLUMN_MAPPINGS,))
    again = GeoPackageStore(path)
    assert mappings_of(again).remembered(["a"]) is None
    mappings_of(again).remember(["a"], {"a": "place"})
    assert mappings_of(GeoPackageStore(path)).remembered(["a"]) == {"a": "place"}
