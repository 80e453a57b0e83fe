"""The shipped boundary layers as the browser gets them: compact GeoJSON and tooltips.

In the app the shapes are static files (``static/layers/*.json``, written by
``write_static_layers`` after a geodata build) that the browser fetches once;
exported HTML embeds them. Only what styling needs travels with the shapes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from functools import cache
from html import escape
from typing import Any

import shapely

from dashboard import config, geo, style
from dashboard.geo import provenance
from dashboard.i18n import percent, regiotype_label, t

WEB_LAYER = "layers/gemeenten.json"  # under dashboard/static, written by build-geodata
OUTLINE_LAYERS = {"provinces": "layers/provincies.json", "regions": "layers/regios.json"}


def _round(coords: Sequence[Any], digits: int) -> list[Any]:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), digits) for c in coords]
    return [_round(c, digits) for c in coords]


def _features(frame, props: Sequence[str], simplify_deg: float = 0.0) -> list[dict]:
    """GeoJSON features with only ``props``; coordinates stay at 5 decimals."""
    out = []
    for row in frame.itertuples(index=False):
        geom = row.geometry
        if simplify_deg:
            geom = shapely.simplify(geom, simplify_deg, preserve_topology=True)
        gj = json.loads(shapely.to_geojson(geom))
        gj["coordinates"] = _round(gj["coordinates"], 5)
        out.append(
            {"type": "Feature", "geometry": gj, "properties": {p: getattr(row, p) for p in props}}
        )
    return out


def _tooltip_html(row, lang: str, reconstructed: frozenset[str]) -> str:
    """Name, province, region (with its caveats) and population change of a municipality;
    ``reconstructed`` names the regions whose membership is reconstructed."""
    parts = [f"<b>{escape(row.statnaam)}</b>", escape(row.provincie)]
    if row.regio:
        parts.append(f"{escape(row.regio)} · {escape(regiotype_label(row.regiotype, lang))}")
        caveats = [t("tooltip_partly", lang)] if row.deels_aangewezen else []
        if row.regio in reconstructed:
            caveats.append(t("tooltip_reconstructed", lang))
        if caveats:
            parts.append(f"<small>{escape('; '.join(caveats))}</small>")
    change = optional_number(row.bevolking_verandering_pct)
    if change is not None:
        parts.append(f"{t('population_change', lang)}: {percent(change, lang)}")
    parts.append(f'<span style="display:none">gm:{escape(row.statcode)}</span>')
    return "<br>".join(parts)


def optional_number(value: object) -> float | None:
    """None for missing values (None or NaN from the GeoJSON reader), else a float."""
    if value is None:
        return None
    number_ = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number_) else number_


@cache
def _outline_features(layer: str) -> tuple[str, ...]:
    if layer == "regions":
        frame, props = geo.regions(), ["regio", "regiotype", "slug"]
    else:
        frame, props = geo.provinces(), ["provincie"]
    # Outlines only: a coarser line (about 100 m) is indistinguishable at map scale.
    return tuple(
        json.dumps(f, ensure_ascii=False, separators=(",", ":"))
        for f in _features(frame, props, simplify_deg=0.001)
    )


def _municipality_style(feature: dict, population: bool) -> dict:
    props = feature["properties"]
    if population:
        return {
            "fillColor": style.population_colour(props.get("bevolking_verandering_pct")),
            "fillOpacity": 0.75,
            "color": style.MUNICIPALITY_LINE,
            "weight": 0.5,
        }
    s = style.REGION_STYLES[props.get("regiotype") or ""]
    return {"fillColor": s.fill, "fillOpacity": s.fill_opacity, "color": style.MUNICIPALITY_LINE,
            "weight": 0.5}


def _region_style(feature: dict) -> dict:
    s = style.REGION_STYLES[feature["properties"]["regiotype"]]
    out = {"fill": False, "color": s.outline, "weight": s.outline_width}
    if s.dash:
        out["dashArray"] = s.dash
    return out



def web_layer_files() -> dict[str, str]:
    """Every static layer file (path under dashboard/static -> content)."""
    files = {WEB_LAYER: web_layer_json()}
    for layer, rel in OUTLINE_LAYERS.items():
        files[rel] = _collection_text(_outline_features(layer)) + "\n"
    return files


def _collection_text(features: Iterable[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def web_layer_json() -> str:
    """The municipality geometry the browser fetches once (and caches) from static files.

    Only what styling needs travels with the shapes (code, region type, population
    change); the tooltips, which depend on the language, stay in the page script.
    Sending the 400 KB of shapes with every rerun was what made filtering slow.
    """
    frame = geo.municipalities()
    features = []
    for row, feature in zip(
        frame.itertuples(index=False), _features(frame, ["statcode"]), strict=True
    ):
        feature["properties"] = {
            "k": row.statcode,
            "r": row.regiotype,
            "p": optional_number(row.bevolking_verandering_pct),
        }
        features.append(feature)
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))
    return text + "\n"


def _style_of(regiotype: str, pct: float | None, population: bool) -> dict:
    props = {"regiotype": regiotype, "bevolking_verandering_pct": pct}
    return _municipality_style({"properties": props}, population)


@cache
def municipality_layer_data(lang: str, population: bool) -> tuple[dict, dict, list]:
    """(tooltip HTML by code, style index by code, styles) for ``kk.municipalityLayer``.

    Cached and shared: callers only read them (they become JSON in the page).
    """
    frame = geo.municipalities()
    styles: list[dict] = []
    index: dict[str, int] = {}
    for row in frame.itertuples(index=False):
        style_ = _style_of(row.regiotype, optional_number(row.bevolking_verandering_pct),
                           population)
        if style_ not in styles:
            styles.append(style_)
        index[row.statcode] = styles.index(style_)
    reconstructed = frozenset(provenance.reconstructed_names())
    tips = {row.statcode: _tooltip_html(row, lang, reconstructed)
            for row in frame.itertuples(index=False)}
    return tips, index, styles


@cache
def embedded_layer() -> dict:
    """The municipality shapes for pages that embed them (cached and shared: read only)."""
    return json.loads(web_layer_json())


@cache
def region_label_points() -> tuple[tuple[float, float, str, str], ...]:
    """(lat, lon, name, regiotype) at a point inside each region, for the name labels."""
    frame = geo.regions()
    out = []
    for row in frame.itertuples(index=False):
        p = row.geometry.representative_point()
        out.append((round(p.y, 4), round(p.x, 4), row.regio, row.regiotype))
    return tuple(out)



def write_static_layers() -> list[str]:
    """Refresh the web map's copies of the layers (served as static files) after a build."""
    geo.layers.clear_cache()
    clear_caches()
    files = web_layer_files()
    for rel, text in files.items():
        path = config.STATIC_DIR / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def clear_caches() -> None:
    """Forget cached layer data (after a geodata rebuild in the same process)."""
    for func in (_outline_features, municipality_layer_data,
                 embedded_layer, region_label_points):
        func.cache_clear()
