"""Shared fixtures: the official sources (optional), a store that is never the user's,
settings read from the test's own environment, the ``e2e`` marker by folder, and a
strict message catalog (an unknown key or a missing placeholder value raises)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import config, i18n
from dashboard.geo.build import default_source_dir

SOURCE_DIR = default_source_dir()
E2E_DIR = Path(__file__).resolve().parent / "e2e"

i18n.set_strict(True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is a browser test: ``pytest -m e2e`` selects exactly those."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def source_dir() -> Path:
    """The CBS source files in ../shared/geodata-src; tests skip when they are absent."""
    if not (SOURCE_DIR / "cbs_gemeente_2024_gegeneraliseerd.geojson").is_file():
        pytest.skip(f"official sources not found in {SOURCE_DIR}")
    return SOURCE_DIR


@pytest.fixture(autouse=True)
def _private_store(tmp_path_factory, monkeypatch):
    """Every test gets its own store file; nothing touches the user's data folder.

    Settings are read afresh for each test (a test that changes the environment
    later calls ``config.reload()``), and no secrets file on this machine leaks in.
    """
    store = tmp_path_factory.mktemp("store") / "initiatieven.gpkg"
    monkeypatch.setenv(config.ENV_STORE, str(store))
    # The command line speaks the locale's language: English unless a test says otherwise.
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setattr(config, "secrets_files", lambda cwd=None: [])
    config.reload()
    yield store
    monkeypatch.undo()
    config.reload()
