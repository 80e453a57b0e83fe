"""Shared fixtures: the official sources (optional) and a store that is never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.geodata_build import default_source_dir

SOURCE_DIR = default_source_dir()


@pytest.fixture
def source_dir() -> Path:
    """The CBS source files in ../shared/geodata-src; tests skip when they are absent."""
    if not (SOURCE_DIR / "cbs_gemeente_2024_gegeneraliseerd.geojson").is_file():
        pytest.skip(f"official sources not found in {SOURCE_DIR}")
    return SOURCE_DIR


@pytest.fixture(autouse=True)
def _private_store(tmp_path_factory, monkeypatch):
    """Every test gets its own store file; nothing touches the user's data folder."""
    store = tmp_path_factory.mktemp("store") / "initiatieven.gpkg"
    monkeypatch.setenv("KRIMPKAART_STORE", str(store))
    return store
