"""Where a store lives, a GeoPackage file or a PostGIS database, and opening either.

``KRIMPKAART_STORE`` and ``--store`` name a file or a ``postgresql://`` URL; the
functions here pick the backend from that. The PostGIS module (and psycopg) is
imported only when a URL is used. ``describe`` is how a location appears in
messages: a URL without its password.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dashboard.config import is_database_url
from dashboard.store.base import PortableStore, RecordInput
from dashboard.store.geopackage import GeoPackageStore
from dashboard.store.geopackage import is_initialised as gpkg_is_initialised

Location = Path | str  # a GeoPackage file, or a postgresql:// URL
SECRET_PARAMS = ("password", "sslpassword")


def parse_location(value: str | Path) -> Location:
    """A URL stays text (``Path`` would fold its ``//``); anything else is a file path."""
    if isinstance(value, str) and is_database_url(value):
        return value.strip()
    return Path(value)


def describe(location: Location) -> str:
    """The location for messages and logs: a URL's password (also ``?password=``) hidden."""
    if not isinstance(location, str):
        return str(location)
    parts = urlsplit(location)
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, hostinfo = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}:***@{hostinfo}"
    query = urlencode([(k, "***" if k in SECRET_PARAMS else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def same_location(a: Location, b: Location) -> bool:
    """True when both name the same store (the same file, or the same URL)."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return a.resolve() == b.resolve()


def store_exists(location: Location) -> bool:
    """True when there is an initialised store (a database without our tables is none yet)."""
    if isinstance(location, str):
        from dashboard.store.postgis import is_initialised

        return is_initialised(location)
    return gpkg_is_initialised(location)


def open_existing(location: Location) -> PortableStore:
    """The store at ``location``; ``StoreError`` when there is none (nothing is created)."""
    if isinstance(location, str):
        from dashboard.store.postgis import PostGISStore

        return PostGISStore(location)
    return GeoPackageStore(location)


def create_store(location: Location, records: Iterable[RecordInput] = ()) -> PortableStore:
    """A new store holding ``records``; one that exists already is opened as it is."""
    if isinstance(location, str):
        from dashboard.store.postgis import PostGISStore

        return PostGISStore.create(location, records)
    return GeoPackageStore.create(location, records)
