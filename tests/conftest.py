"""Shared fixtures: the official sources (optional), a store that is never the user's,
settings read from the test's own environment, the ``e2e`` marker by folder, a
strict message catalog (an unknown key or a missing placeholder value raises), and a
throwaway PostgreSQL/PostGIS server for the PostGIS store (``pg_database``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
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


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty GeoPackage store that the app and the CLI use (``KRIMPKAART_STORE``)."""
    from dashboard.store import GeoPackageStore

    path = tmp_path / "store.gpkg"
    GeoPackageStore.create(path, [])
    monkeypatch.setenv("KRIMPKAART_STORE", str(path))
    config.reload()
    return path


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


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator:
    """One PostgreSQL server with PostGIS for the whole run (tests/pgcluster.py).

    Without PostgreSQL or PostGIS the tests that need it skip, saying what to install;
    under ``CI=true`` they fail instead, so CI cannot pass without testing PostGIS.
    """
    from tests.pgcluster import Cluster, find_binaries

    bin_dir, why = find_binaries()
    if bin_dir is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostGIS store tests cannot run: {why}")
        pytest.skip(f"PostGIS store tests skipped: {why}")
    cluster = Cluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_database(pg_cluster) -> Iterator[Callable[..., str]]:
    """Make fresh PostGIS databases (``pg_database()`` -> URL); dropped after the test."""
    made: list[str] = []

    def make(postgis: bool = True) -> str:
        made.append(pg_cluster.new_database(postgis=postgis))
        return made[-1]

    yield make
    for url in made:
        pg_cluster.drop_database(url)
