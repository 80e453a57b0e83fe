"""Exports of the filtered map: static images (RD New, matplotlib), HTML, and their words.

``content`` decides what a page shows (a ``scene``); ``layout`` places it on a
``page`` of a ``presets`` size; ``mapdraw`` draws the map panel; ``html`` writes
the self-contained web map. Data exports live in ``dashboard.tabular.write``.
"""

from dashboard.export.content import (
    PRESET_NAMES,
    STATIC_FORMATS,
    Counts,
    alt_text,
    build_scene,
    count_text,
    default_title,
    map_points,
    rd_extent,
    render_static,
    selection,
    shown_themes,
    source_line,
    summary_parts,
)
from dashboard.export.html import export_html
from dashboard.export.presets import PRESETS, resolve

__all__ = [
    "PRESETS", "PRESET_NAMES", "STATIC_FORMATS", "Counts", "alt_text", "build_scene",
    "count_text", "default_title", "export_html", "map_points", "rd_extent", "render_static",
    "resolve", "selection", "shown_themes", "source_line", "summary_parts",
]
