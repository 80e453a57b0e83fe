"""Colours, line styles and theme symbols shared by the web map and static exports.

One place so the PNG on a slide looks like the map on screen.
Region colours come from the Okabe–Ito palette (colour-blind safe); region
types also differ by outline style, so they stay apart without colour.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegionStyle:
    fill: str
    fill_opacity: float
    outline: str
    outline_width: float
    dash: str | None  # Leaflet dashArray; None = solid


REGION_STYLES: dict[str, RegionStyle] = {
    "krimpregio": RegionStyle("#D55E00", 0.50, "#7A3600", 2.5, None),
    "anticipeerregio": RegionStyle("#56B4E9", 0.45, "#1F5F8B", 2.0, "6 4"),
    "": RegionStyle("#F4F1EA", 0.55, "#A8A8A8", 0.6, None),
}
MUNICIPALITY_LINE = "#8A8A8A"
PROVINCE_LINE = "#333333"
PROVINCE_WIDTH = 1.4
LAND_BACKGROUND = "#FFFFFF"
SEA = "#DCEAF2"

# Theme colours (markers are drawn with a white ring and a dark edge, so they
# stay readable on both region fills) and a glyph that DejaVu Sans and common
# browser fonts both carry.
THEME_COLOURS: dict[str, str] = {
    "wonen": "#1F77B4",
    "leefbaarheid": "#FF7F0E",
    "natuur": "#2CA02C",
    "zorg": "#D62728",
    "economie": "#9467BD",
    "onderwijs": "#8C564B",
    "mobiliteit": "#E377C2",
    "energie": "#BCBD22",
    "voedsel": "#17BECF",
    "cultuur": "#6B6B6B",
    "netwerken": "#393B79",
    "financiering": "#637939",
}
THEME_SYMBOLS: dict[str, str] = {
    "wonen": "⌂",
    "leefbaarheid": "☺",
    "natuur": "✿",
    "zorg": "♥",
    "economie": "⚙",
    "onderwijs": "✎",
    "mobiliteit": "⇄",
    "energie": "⚡",
    "voedsel": "☕",
    "cultuur": "♫",
    "netwerken": "◎",
    "financiering": "€",
}
NO_THEME_COLOUR = "#444444"
NO_THEME_SYMBOL = "•"
MARKER_EDGE = "#222222"


def marker_style(themes: list[str] | tuple[str, ...]) -> tuple[str, str]:
    """(colour, symbol) of an initiative: its first theme decides."""
    for theme in themes:
        if theme in THEME_COLOURS:
            return THEME_COLOURS[theme], THEME_SYMBOLS[theme]
    return NO_THEME_COLOUR, NO_THEME_SYMBOL


def population_colour(change_pct: float | None) -> str:
    """Diverging colour for population change 2014-2024 (brown = decline, teal = growth)."""
    if change_pct is None:
        return "#E0E0E0"
    steps = [
        (-5.0, "#8C510A"), (-2.0, "#D8B365"), (0.0, "#F6E8C3"),
        (2.0, "#C7EAE5"), (5.0, "#5AB4AC"),
    ]
    for limit, colour in steps:
        if change_pct < limit:
            return colour
    return "#01665E"


POPULATION_BINS: list[tuple[str, str]] = [
    ("< -5%", "#8C510A"), ("-5 … -2%", "#D8B365"), ("-2 … 0%", "#F6E8C3"),
    ("0 … 2%", "#C7EAE5"), ("2 … 5%", "#5AB4AC"), ("≥ 5%", "#01665E"),
]
