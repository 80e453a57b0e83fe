"""What an export shows: the selection, titles, counts, alt text, and the static image.

Every export starts from the *unfiltered* initiatives frame and the
FilterState, and filters with ``query.filtering.apply`` itself, so what a file
shows is exactly what the filters keep. Here the page content is decided
(titles, counts, legend rows, which points fall in the extent) into a
``Scene``; ``layout`` composes the page and ``mapdraw`` draws the map on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from babel.dates import format_date

from dashboard import geo, style
from dashboard.domain.vocab import THEMES
from dashboard.export.layout import render
from dashboard.export.mapdraw import nl_extent, shorten
from dashboard.export.presets import PRESETS, resolve
from dashboard.export.scene import Box, MapPoint, Scene
from dashboard.geo.crs import rd_xy
from dashboard.i18n import number, regiotype_label, t
from dashboard.query import filtering
from dashboard.query.state import FilterState

STATIC_FORMATS = ("png", "svg", "pdf")
PRESET_NAMES = tuple(PRESETS)
LonLatBox = tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat


@dataclass(frozen=True)
class Counts:
    """How the filtered initiatives split over the map and the notes beside it."""

    drawn: int  # points on the map
    abroad: int  # outside the Netherlands, not in the extent
    unmapped: int  # landelijk/online: no point
    outside: int  # Dutch points outside a chosen view


# --------------------------------------------------------------------------- selection


def _in_extent(frame: pd.DataFrame, bbox: LonLatBox | None) -> pd.Series:
    on_map = frame["on_map"].astype(bool)
    if bbox is None:
        return on_map & ~frame["abroad"].astype(bool)
    lon, lat = frame["lon"], frame["lat"]
    inside = (lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])
    return on_map & inside.fillna(False).astype(bool)


def selection(frame: pd.DataFrame, state: FilterState,
              bbox: LonLatBox | None = None) -> tuple[pd.DataFrame, Counts]:
    """The filtered rows drawn on the map, and the counts for the subtitle."""
    shown = filtering.apply(frame, state)
    drawn = _in_extent(shown, bbox)
    rest = shown[~drawn]
    on_map = rest["on_map"].astype(bool)
    abroad = rest["abroad"].astype(bool)
    counts = Counts(
        drawn=int(drawn.sum()),
        abroad=int((on_map & abroad).sum()),
        unmapped=int((~on_map).sum()),
        outside=int((on_map & ~abroad).sum()),
    )
    return shown[drawn], counts


def rd_extent(bbox: LonLatBox | None) -> Box:
    """RD New box of a lon/lat view (edges sampled, so the curved outline fits), or NL."""
    if bbox is None:
        return nl_extent()
    lons = np.concatenate([np.linspace(bbox[0], bbox[2], 9)] * 2 + [[bbox[0]] * 9, [bbox[2]] * 9])
    lats = np.concatenate([[bbox[1]] * 9, [bbox[3]] * 9] + [np.linspace(bbox[1], bbox[3], 9)] * 2)
    xs, ys = rd_xy(lons, lats)
    return (float(np.min(xs)), float(np.min(ys)), float(np.max(xs)), float(np.max(ys)))


def map_points(drawn: pd.DataFrame) -> list[MapPoint]:
    """One marker per distinct point (as on the web map), in RD New."""
    groups: dict[tuple[float, float], list[dict]] = {}
    rough = (drawn["location_approximate"].fillna(False).astype(bool)
             if "location_approximate" in drawn else pd.Series(False, index=drawn.index))
    for row in drawn.assign(_rough=rough).to_dict("records"):
        groups.setdefault((round(row["lat"], 5), round(row["lon"], 5)), []).append(row)
    points = []
    xs, ys = rd_xy([lon for _, lon in groups], [lat for lat, _ in groups])
    for x, y, rows in zip(xs, ys, groups.values(), strict=True):
        colour, symbol = style.marker_style(rows[0]["themes"])
        label = shorten(str(rows[0]["name"]))
        if len(rows) > 1:
            label += f" (+{len(rows) - 1})"
        approximate = all(r["_rough"] for r in rows)  # as the web map: only when all are
        points.append(MapPoint(float(x), float(y), colour, symbol, len(rows), label,
                               approximate))
    return points


def shown_themes(drawn: pd.DataFrame) -> list[str]:
    """Themes that colour at least one marker, in vocabulary order ("" = no theme)."""
    used = {_marker_theme(themes) for themes in drawn["themes"]}
    ordered = [slug for slug in THEMES.slugs if slug in used]
    return [*ordered, ""] if "" in used else ordered


def _marker_theme(themes: Sequence[str]) -> str:
    return next((theme for theme in themes if theme in style.THEME_COLOURS), "")


# --------------------------------------------------------------------------- words


def _join(words: Sequence[str], lang: str) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {t('export_and', lang)} " + words[-1]


def default_title(state: FilterState, lang: str = "nl") -> str:
    """'Initiatieven: wonen in krimpregio's', or the plain map title without filters."""
    if state.is_empty():
        return t("export_title_default", lang)
    what = _join([THEMES.label(s, lang).lower() for s in state.thema], lang)
    if state.regio:
        names = dict(zip(geo.regions()["slug"], geo.regions()["regio"], strict=True))
        where = t("export_in_place", lang, place=_join([names.get(s, s) for s in state.regio],
                                                       lang))
    elif state.provincie:
        names = dict(zip(geo.provinces()["slug"], geo.provinces()["provincie"], strict=True))
        where = t("export_in_place", lang,
                  place=_join([names.get(s, s) for s in state.provincie], lang))
    elif state.regiotype:
        where = _join([t(f"export_in_{kind}", lang) for kind in state.regiotype], lang)
    else:
        where = ""
    text = f"{what} {where}".strip() or t("export_title_selection", lang)
    return t("export_title_filtered", lang, what=text)


def count_text(n: int, lang: str) -> str:
    if n == 0:
        return t("export_none", lang)
    return t("export_count", lang, n=n)


def summary_parts(state: FilterState, counts: Counts, lang: str = "nl") -> list[str]:
    """The subtitle's pieces: each active filter in words, then the counts."""
    parts = [f"{label}: {words}" for label, words in filtering.describe(state, lang)]
    parts.append(count_text(counts.drawn, lang))
    if counts.outside:
        parts.append(t("export_outside_view", lang, n=number(counts.outside, lang)))
    if counts.abroad:
        parts.append(t("export_abroad", lang, n=number(counts.abroad, lang)))
    if counts.unmapped:
        parts.append(t("export_unmapped", lang, n=number(counts.unmapped, lang)))
    return parts


def source_line(lang: str = "nl", today: date | None = None) -> str:
    day = format_date(today or date.today(), format="long",
                      locale="nl_NL" if lang == "nl" else "en_GB")
    return t("export_source", lang, date=day)


def alt_text(frame: pd.DataFrame, state: FilterState, lang: str = "nl",
             bbox: LonLatBox | None = None, population: bool = False) -> str:
    """One paragraph saying what the exported image shows, for screen readers and captions."""
    drawn, counts = selection(frame, state, bbox)
    map_name = t("export_alt_view" if bbox else "export_alt_map", lang)
    if counts.drawn:
        parts = [t("export_alt_shows", lang, map=map_name, count=count_text(counts.drawn, lang))]
    else:
        parts = [t("export_alt_shows_none", lang, map=map_name)]
    described = filtering.describe(state, lang)
    if described:
        parts.append(t("export_alt_filters", lang,
                       filters="; ".join(f"{k}: {v}" for k, v in described)))
    if population:
        parts.append(t("export_alt_population", lang))
    else:
        kinds = geo.regions()["regiotype"].value_counts()
        parts.append(t("export_alt_regions", lang, krimp=int(kinds.get("krimpregio", 0)),
                       antic=int(kinds.get("anticipeerregio", 0))))
    if counts.drawn:
        places = drawn["regio"].where(drawn["regio"] != "", drawn["provincie"])
        places = places[places != ""].value_counts().head(3)
        if len(places):
            parts.append(t("export_alt_top", lang, places=_join(
                [f"{name} ({n})" for name, n in places.items()], lang)))
        themes = [THEMES.label(s, lang) if s else t("export_no_theme", lang)
                  for s in shown_themes(drawn)]
        parts.append(t("export_alt_themes", lang, themes=_join(themes, lang)))
    missing = [t(key, lang, n=number(n, lang)) for key, n in (
        ("export_alt_outside", counts.outside), ("export_alt_abroad", counts.abroad),
        ("export_alt_unmapped", counts.unmapped)) if n]
    if missing:
        parts.append(t("export_alt_not_shown", lang, items=_join(missing, lang)))
    return " ".join(parts)


# --------------------------------------------------------------------------- static image


def build_scene(frame: pd.DataFrame, state: FilterState, *, title: str | None = None,
                lang: str = "nl", bbox: LonLatBox | None = None, labels: bool = False,
                population: bool = False, region_names: bool = True,
                today: date | None = None) -> Scene:
    """Everything the static page shows, in words and RD New coordinates."""
    drawn, counts = selection(frame, state, bbox)
    points = map_points(drawn)
    heading = title.strip() if title and title.strip() else default_title(state, lang)
    theme_rows = []
    for slug in shown_themes(drawn):
        colour, symbol = style.marker_style([slug] if slug else [])
        theme_rows.append((colour, symbol,
                           THEMES.label(slug, lang) if slug else t("export_no_theme", lang)))
    scene = Scene(
        title=heading,
        subtitle=" · ".join(summary_parts(state, counts, lang)),
        source=source_line(lang, today),
        note=t("credit_regions_note", lang),
        extent=rd_extent(bbox),
        points=points,
        regions_heading=t("legend_regions", lang),
        region_rows=[(kind, regiotype_label(kind, lang))
                     for kind in ("krimpregio", "anticipeerregio", "")],
        themes_heading=t("export_legend_initiatives", lang),
        theme_rows=theme_rows,
        population_heading=t("legend_population", lang),
        population_rows=[(colour, label) for label, colour in style.POPULATION_BINS]
        + [("#E0E0E0", t("legend_no_data", lang))],
        multi_note=t("export_legend_multi", lang) if any(p.count > 1 for p in points) else "",
        approximate_text=(t("approximate_word", lang)
                          if any(p.approximate for p in points) else ""),
        empty_text="" if points else t("export_empty_map", lang),
        labels=labels,
        region_names=region_names,
        population=population,
    )
    scene.metadata = {"title": heading, "source": scene.source,
                      "description": alt_text(frame, state, lang, bbox, population)}
    return scene


def render_static(frame: pd.DataFrame, state: FilterState, *, fmt: str = "png",
                  preset: str = "slide", dpi: int | None = None, title: str | None = None,
                  lang: str = "nl", bbox: LonLatBox | None = None, labels: bool = False,
                  population: bool = False, region_names: bool = True,
                  today: date | None = None) -> bytes:
    """The filtered map as PNG, SVG or PDF bytes on a slide or A4 page.

    ``frame`` is ``query.frame.initiatives_frame`` of *all* records; ``bbox``
    (minlon, minlat, maxlon, maxlat) limits the map to a view. Raises
    ValueError for an unknown format or preset, and for a dpi on a slide preset
    (slides have a fixed pixel size).
    """
    if fmt not in STATIC_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {', '.join(STATIC_FORMATS)}")
    chosen, dpi_ = resolve(preset, dpi)
    if lang not in ("nl", "en"):
        raise ValueError(f"unknown language {lang!r}; use nl or en")
    scene = build_scene(frame, state, title=title, lang=lang, bbox=bbox, labels=labels,
                        population=population, region_names=region_names, today=today)
    return render(scene, chosen, dpi_, fmt)
