"""A fresh server is ready only once its caches are warm: the first visitor after "ready"
finds the frame, the option counts, the base map and the marker layer already made.

The readiness route reports how many entries each of Streamlit's caches holds. It is
polled from the moment the server answers at all; its first 200 must already show the
warmed entries, and a browser's first visit afterwards must add none of them (it found
every one under the key the warm-up made: same data version, filters, map options,
markers). A warm-up that ran under other keys, or a "ready" said too early, fails here.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from dashboard import store
from tests.e2e.conftest import map_frame, start_app

# What the first visit to the default view computes (app.py and ui/mapframe.py).
WARMED = ("__main__.load_frame", "__main__.facet_counts", "__main__.jump_options",
          "dashboard.ui.mapframe._rendered_base", "dashboard.ui.mapframe._layer_script")


def _ready(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url + "/_kk/ready", timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_ready_only_when_warm_and_the_first_visit_finds_the_caches(offline_page, artifacts,
                                                                   tmp_path):
    path = tmp_path / "initiatieven.gpkg"
    store.open_store(path)  # the seed
    url, proc = start_app(path, wait_ready=False)
    try:
        answers = [_ready(url)]  # polled from the moment the server answers at all
        while answers[-1][0] != 200:
            assert proc.poll() is None
            answers.append(_ready(url))
        for status, body in answers[:-1]:
            assert status == 503 and body["ready"] is False
        report = answers[-1][1]
        assert report["ready"] and report["page_ok"], report
        warmed = report["caches"]
        assert all(warmed.get(name, 0) > 0 for name in WARMED), warmed

        page = offline_page.page
        page.goto(url + "/")
        map_frame(page).locator(".kk-pin, .marker-cluster").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)  # any rerun the first load causes
        after = _ready(url)[1]["caches"]
        assert {n: after.get(n) for n in WARMED} == {n: warmed[n] for n in WARMED}
        assert not offline_page.errors
    finally:
        proc.terminate()
        proc.wait(10)
