"""Coordinate systems: RD New (EPSG:28992) and WGS84, with one cached transformer each way.

Building a pyproj ``Transformer`` costs milliseconds; importing a file with
RD coordinates converts row after row, so the transformers are made once.

pyproj makes a thread's own PROJ object on a transformer's first use in that thread
(that is how it is thread-safe), about 35 ms each time, and Streamlit runs every
script run in a new thread: a page run that located one new point paid it every time.
``rd_xy`` therefore converts in one long-lived thread of its own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import TypeVar

import numpy as np
from pyproj import Transformer

T = TypeVar("T")
RD_NEW = 28992
WGS84 = 4326


@cache
def to_rd() -> Transformer:
    """WGS84 (lon, lat) -> RD New (x, y)."""
    return Transformer.from_crs(WGS84, RD_NEW, always_xy=True)


@cache
def to_wgs84() -> Transformer:
    """RD New (x, y) -> WGS84 (lon, lat)."""
    return Transformer.from_crs(RD_NEW, WGS84, always_xy=True)


class _ProjectionThread:
    """One long-lived thread for conversions; made anew in a forked child (a fork keeps
    no threads), and bypassed from inside itself or after interpreter shutdown began."""

    def __init__(self) -> None:
        self._start()
        os.register_at_fork(after_in_child=self._start)

    def _start(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="krimpkaart-proj")
        self._ident: int | None = None

    def run(self, work: Callable[[], T]) -> T:
        if threading.get_ident() == self._ident:
            return work()

        def marked() -> T:
            self._ident = threading.get_ident()
            return work()

        try:
            future = self._executor.submit(marked)
        except RuntimeError:  # shutting down: no new threads, so convert here
            return work()
        return future.result()


_PROJECTION_THREAD = _ProjectionThread()


def rd_xy(lon: object, lat: object) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat arrays -> RD New x/y arrays, converted in the projection thread."""
    def convert() -> tuple[np.ndarray, np.ndarray]:
        x, y = to_rd().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    return _PROJECTION_THREAD.run(convert)


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """RD New (EPSG:28992) x/y -> WGS84 (lat, lon)."""
    lon, lat = to_wgs84().transform(x, y)
    return round(lat, 7), round(lon, 7)


def looks_like_rd(a: float, b: float) -> tuple[float, float] | None:
    """(x, y) when (a, b) or (b, a) fall in the RD New box (x 0–300000, y 300000–625000)."""
    for x, y in ((a, b), (b, a)):
        if 0 <= x <= 300_000 and 300_000 <= y <= 625_000:
            return x, y
    return None
