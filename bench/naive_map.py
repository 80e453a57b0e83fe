"""The naive page's map (see naive_app.py), shared with the benchmark's size measurement."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import folium

from dashboard.webmap import assets

GEOJSON = Path("/work/shared/geodata-src/cbs_gemeente_2024_gegeneraliseerd.geojson")


@cache
def _municipalities_text() -> str:
    return GEOJSON.read_text(encoding="utf-8")


def municipalities() -> dict:
    """The full-resolution CBS municipalities (a fresh dict: folium may alter it)."""
    return json.loads(_municipalities_text())


def shown(records: Iterable[dict], themes: Sequence[str]) -> list[dict]:
    """Records with a point and (when themes are chosen) at least one of them."""
    wanted = set(themes)
    return [
        r for r in records
        if r.get("lat") is not None and (not wanted or wanted & set(r.get("themes") or ()))
    ]


def build(municipality_geojson: dict, records: Iterable[dict]) -> folium.Map:
    m = folium.Map(location=[52.15, 5.3], zoom_start=7)
    # The one concession: Leaflet from Krimpkaart's local files, not from CDNs.
    js, css = assets.urls("", True)
    m.default_js, m.default_css = js, css
    folium.GeoJson(
        municipality_geojson, name="gemeenten",
        tooltip=folium.GeoJsonTooltip(fields=["statnaam"], aliases=["Gemeente"]),
    ).add_to(m)
    for r in records:
        folium.CircleMarker(
            [r["lat"], r["lon"]], radius=6, color="#c0392b", fill=True, fill_opacity=0.8,
            tooltip=r["name"], class_name="naive-pin",
        ).add_to(m)
    return m
