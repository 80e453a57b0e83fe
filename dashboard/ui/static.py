"""The page's own files from ``dashboard/static``: styles to inject, scripts for srcdoc frames.

Read from the package at run time rather than linked, so they work when
Streamlit's static file serving is off (a bare ``streamlit run``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dashboard.webmap import assets
from dashboard.webmap.templates import script_json


def path(rel: str) -> Path:
    """A file under ``dashboard/static`` (``st.html`` wraps a .css path in a style element)."""
    return assets.STATIC_DIR / rel


def style(rel: str) -> str:
    """A static CSS file as a ``<style>`` element, for ``st.markdown``."""
    return f"<style>\n{assets.text(rel)}</style>"


def srcdoc(rel: str, data: Mapping[str, object]) -> str:
    """HTML for an ``st.iframe`` that runs a static script with ``data`` as a JSON island.

    The script reads its data from ``#kk-data``; the island's JSON cannot close
    its element (``<`` is escaped), so user text in ``data`` stays data.
    """
    code = assets.text(rel).replace("</script", "<\\/script")
    return (f'<script type="application/json" id="kk-data">{script_json(dict(data))}</script>'
            f"<script>{code}</script>")
