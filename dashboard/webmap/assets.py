"""The map's scripts and styles, shipped with the package so it renders without internet.

The files in ``dashboard/static/vendor`` are copies of Leaflet 1.9.3 and
supercluster 9.1.0 (BSD-2 / ISC, see ``static/vendor/LICENSES.md``); the
``kk-*`` files are Krimpkaart's own browser code, which the folium elements in
``dashboard/webmap`` call with their data. In the app Streamlit serves them
(static file serving, under the configured ``server.baseUrlPath``); exported
HTML files get them inlined instead.
"""

from __future__ import annotations

import base64
import re
from functools import cache

from dashboard import config

STATIC_DIR = config.STATIC_DIR

JS: list[tuple[str, str]] = [
    ("prefetch", "kk-prefetch.js"),  # first: starts fetching the layers while Leaflet loads
    ("leaflet", "vendor/leaflet/leaflet.js"),
    ("supercluster", "vendor/supercluster/supercluster.min.js"),
    ("kk_map", "kk-map.js"),  # window.kk: layers, labels, legend, fit (webmap/*.py)
    ("kk_markers", "kk-markers.js"),  # kk.markers: pins and clusters (webmap/markers.py)
]
CSS: list[tuple[str, str]] = [
    ("leaflet_css", "vendor/leaflet/leaflet.css"),
    ("kk_map_css", "kk-map.css"),  # after Leaflet's: it overrides the map background
    ("kk_place_css", "kk-place.css"),  # the pin of a point being placed (kk.pendingPin)
]


def static_prefix(base_url_path: str = "") -> str:
    """Absolute URL prefix of Streamlit's static files, honouring server.baseUrlPath."""
    base = base_url_path.strip("/")
    return f"/{base}/app/static/" if base else "/app/static/"


def urls(
    base_url_path: str = "", static_serving: bool = True
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(js, css) lists of (name, url) in folium's ``default_js`` / ``default_css`` form.

    Without Streamlit's static file serving (e.g. a bare ``streamlit run``
    without our options) the files travel as data: URLs instead: heavier, but
    the map still renders offline.
    """
    if not static_serving:
        return (
            [(name, _data_url(rel, "text/javascript")) for name, rel in JS],
            [(name, _data_url(rel, "text/css")) for name, rel in CSS],
        )
    prefix = static_prefix(base_url_path)
    return (
        [(name, prefix + rel) for name, rel in JS],
        [(name, prefix + rel) for name, rel in CSS],
    )


@cache
def _data_url(rel: str, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode((STATIC_DIR / rel).read_bytes()).decode()


@cache
def text(rel: str) -> str:
    """A file under ``dashboard/static`` as text (read once per process)."""
    return (STATIC_DIR / rel).read_text(encoding="utf-8")


def inline(html: str, base_url_path: str = "") -> str:
    """Replace the links to our assets in a rendered folium page by their contents."""
    prefix = static_prefix(base_url_path)
    for _, rel in JS:
        body = text(rel).replace("</script", "<\\/script")
        html = html.replace(f'<script src="{prefix}{rel}"></script>', f"<script>{body}</script>")
    for _, rel in CSS:
        body = text(rel)
        if rel.endswith("leaflet.css"):
            # Leaflet's default marker images are not used by Krimpkaart's own
            # markers; drop their relative url() so the file needs nothing beside it.
            body = re.sub(r"url\(images/[^)]*\)", "none", body)
        html = html.replace(f'<link rel="stylesheet" href="{prefix}{rel}"/>',
                            f"<style>{body}</style>")
    return html
