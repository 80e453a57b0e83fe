"""The page's static files: styles injected whole, scripts in srcdoc frames with JSON data."""

from __future__ import annotations

import json
import re

from dashboard.ui import static
from dashboard.ui.workshop import AUTHOR_COOKIE
from dashboard.webmap import assets

ISLAND = re.compile(r'<script type="application/json" id="kk-data">(.*?)</script>', re.S)
EVIL = "</script><script>alert(1)</script><!-- ' \" & Één"


def test_srcdoc_data_is_inert_json_and_round_trips():
    doc = static.srcdoc("kk-cookie.js", {"name": AUTHOR_COOKIE, "value": EVIL})
    # two script elements, whatever the name: the island and the file's code
    assert doc.count("<script") == 2 and doc.count("</script") == 2
    assert json.loads(ISLAND.search(doc)[1]) == {"name": AUTHOR_COOKIE, "value": EVIL}
    assert doc.endswith(f"<script>{assets.text('kk-cookie.js')}</script>")


def test_style_wraps_the_whole_file():
    css = static.style("kk-page.css")
    assert css.startswith("<style>") and css.endswith("</style>")
    assert assets.text("kk-page.css") in css
    for rel in ("kk-presentation.css", "kk-contrast.css", "kk-view.css", "kk-view.mjs"):
        assert static.path(rel).is_file(), rel
