"""What an exported image shows, already in words and RD coordinates (a leaf module).

``content`` fills a ``Scene``; ``layout`` and ``mapdraw`` draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
FONT = "DejaVu Sans"  # ships with matplotlib and carries every theme glyph
INK = "#222222"
MUTED = "#555555"
FRAME = "#9A9A9A"


@dataclass(frozen=True)
class MapPoint:
    """One marker: RD position, style of its first theme, how many share it, its label,
    and whether the point is only roughly where the initiative is (a dashed ring, as on
    the web map)."""

    x: float
    y: float
    colour: str
    symbol: str
    count: int
    label: str
    approximate: bool = False


@dataclass
class Scene:
    """Everything the page shows, already in words and RD coordinates."""

    title: str
    subtitle: str
    source: str
    note: str
    extent: Box  # RD metres
    points: list[MapPoint]
    regions_heading: str
    region_rows: list[tuple[str, str]]  # (regiotype, label)
    themes_heading: str
    theme_rows: list[tuple[str, str, str]]  # (colour, symbol, label)
    population_heading: str = ""
    population_rows: list[tuple[str, str]] = field(default_factory=list)
    multi_note: str = ""
    approximate_text: str = ""  # legend row for dashed (approximate) pins, when any is drawn
    empty_text: str = ""
    labels: bool = False
    region_names: bool = True
    population: bool = False
    stamp: str = ""  # large text in the map's top-left corner (the timeline's year)
    metadata: dict[str, str] = field(default_factory=dict)

