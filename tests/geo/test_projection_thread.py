"""``geo.crs.rd_xy``: conversions in one long-lived thread (pyproj's per-thread set-up cost
35 ms in every Streamlit script run). It must give pyproj's own answer from any thread,
from inside itself, and in a forked child (a fork keeps no threads)."""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
from pyproj import Transformer

from dashboard.geo import crs


def _expected(lon, lat):
    return Transformer.from_crs(4326, 28992, always_xy=True).transform(lon, lat)


def test_converts_as_pyproj_from_any_thread():
    lon, lat = np.array([6.9, 3.49, 7.2]), np.array([52.78, 51.33, 53.2])
    out = []
    worker = threading.Thread(target=lambda: out.append(crs.rd_xy(lon, lat)))
    worker.start()
    worker.join()
    for got in (crs.rd_xy(lon, lat), out[0]):
        np.testing.assert_allclose(got, _expected(lon, lat), atol=1e-6)


def test_a_call_from_inside_the_thread_does_not_wait_for_itself():
    x, y = crs._PROJECTION_THREAD.run(lambda: crs.rd_xy([5.0], [52.0]))
    np.testing.assert_allclose((x, y), _expected([5.0], [52.0]), atol=1e-6)


def test_a_forked_child_converts():
    crs.rd_xy([5.0], [52.0])  # the parent's thread exists
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: would hang on the parent's (absent) thread without the fork hook
        signal.alarm(20)  # then it dies of SIGALRM instead of hanging the suite
        try:
            x, _ = crs.rd_xy([5.0], [52.0])
            os.write(write, f"{x[0]:.3f}".encode())
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    assert status == 0
    assert float(os.read(read, 100).decode()) == round(_expected([5.0], [52.0])[0][0], 3)
