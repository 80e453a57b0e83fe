"""The map panel of a static export: base layers, pins, names, scale bar and north arrow.

Drawn with matplotlib in RD New (EPSG:28992) so the Netherlands keeps its
shape, in the web map's colours from ``style`` so an image matches the screen.
The base layers are projected and turned into matplotlib paths once per
process; per call only the artists are made. Names are placed by a simple
greedy collision rule (``Placer``): a name that finds no free spot is left
out rather than piled on top of another. ``layout`` composes the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle
from matplotlib.path import Path
from shapely.ops import polylabel

from dashboard import geo, style
from dashboard.export.page import Page
from dashboard.export.scene import FONT, FRAME, INK, Box, Scene

HALO = [patheffects.withStroke(linewidth=2.4, foreground="white")]
RD = geo.RD_NEW


# --------------------------------------------------------------------------- base layers


def blend(colour: str, alpha: float, under: str = style.LAND_BACKGROUND) -> str:
    """The opaque colour a translucent web fill shows over the land background."""
    top, bottom = to_rgb(colour), to_rgb(under)
    r, g, b = (alpha * t + (1 - alpha) * u for t, u in zip(top, bottom, strict=True))
    return to_hex((r, g, b))


def _path(geom) -> Path:
    vertices, codes = [], []
    for polygon in getattr(geom, "geoms", [geom]):
        for ring in (polygon.exterior, *polygon.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            ring_codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
            ring_codes[0], ring_codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            vertices.append(coords)
            codes.append(ring_codes)
    return Path(np.concatenate(vertices), np.concatenate(codes))


@cache
def municipality_layer() -> tuple[tuple[Path, ...], tuple[str, ...], tuple[float | None, ...]]:
    """(paths, regiotype, population change %) of the municipalities in RD New."""
    frame = geo.municipalities().to_crs(RD)
    pct = tuple(
        None if v is None or np.isnan(v) else float(v) for v in frame["bevolking_verandering_pct"]
    )
    return tuple(_path(g) for g in frame.geometry), tuple(frame["regiotype"]), pct


@cache
def region_layer() -> tuple[tuple[Path, str], ...]:
    """(outline path, regiotype) per krimp- or anticipeerregio in RD New."""
    frame = geo.regions().to_crs(RD)
    return tuple((_path(g), kind) for g, kind in zip(frame.geometry, frame["regiotype"],
                                                       strict=True))


@cache
def province_layer() -> tuple[Path, ...]:
    return tuple(_path(g) for g in geo.provinces().to_crs(RD).geometry)


@dataclass(frozen=True)
class RegionAnchor:
    """Where a region's name may go: spots inside the region, deepest first."""

    name: str
    kind: str
    spots: tuple[tuple[float, float], ...]
    width: float  # metres, east-west


@cache
def region_anchors() -> tuple[RegionAnchor, ...]:
    """Per region its name and up to 12 spots inside it (pole of inaccessibility first),
    so a name that is crowded out of its centre can move elsewhere inside its region."""
    frame = geo.regions().to_crs(RD)
    out = []
    for geom, name, kind in zip(frame.geometry, frame["regio"], frame["regiotype"],
                                strict=True):
        largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        best = polylabel(largest, tolerance=250.0)
        x0, y0, x1, y1 = geom.bounds
        grid = shapely.points([(x, y) for x in np.linspace(x0, x1, 9)[1:-1]
                               for y in np.linspace(y0, y1, 9)[1:-1]])
        inside = grid[shapely.contains(geom, grid)]
        depth = shapely.distance(geom.boundary, inside)
        deepest = inside[np.argsort(-depth)][:11]
        spots = ((best.x, best.y), *((p.x, p.y) for p in deepest))
        out.append(RegionAnchor(name, kind, spots, x1 - x0))
    return tuple(out)


@cache
def nl_extent() -> Box:
    """The Netherlands in RD New with a little sea around it."""
    x0, y0, x1, y1 = geo.municipalities().to_crs(RD).total_bounds
    pad = 6000.0
    return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)


def dash(width: float) -> tuple[int, tuple[float, float]]:
    """The web map's '6 4' dash in points, independent of the line width."""
    return (0, (4.5 / width, 3.0 / width))


# --------------------------------------------------------------------------- collisions


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(box: Box, frame: Box) -> bool:
    return box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] and box[3] <= frame[3]


class Placer:
    """Greedy label placement: a label goes to its first candidate box that is inside
    the frame and touches nothing placed before; if none is free it is left out.

    Simple and predictable, which is what a handful of labels on a thematic map needs.
    """

    def __init__(self, frame: Box, obstacles: Iterable[Box] = ()) -> None:
        self.frame = frame
        self.taken: list[Box] = list(obstacles)

    def free(self, box: Box) -> bool:
        return inside(box, self.frame) and not any(overlaps(box, other) for other in self.taken)

    def place(self, candidates: Iterable[Box]) -> int | None:
        """Index of the first free candidate (and reserve it), or None."""
        for index, box in enumerate(candidates):
            if self.free(box):
                self.taken.append(box)
                return index
        return None


def candidate_offsets(gap: float) -> list[tuple[float, float, str, str]]:
    """(dx, dy, ha, va) around a point, most natural first: right, left, then diagonals."""
    d = gap * 0.98  # a diagonal box must clear the (square) marker box
    return [
        (gap, 0, "left", "center"),
        (-gap, 0, "right", "center"),
        (d, d, "left", "bottom"),
        (d, -d, "left", "top"),
        (-d, d, "right", "bottom"),
        (-d, -d, "right", "top"),
        (0, gap, "center", "bottom"),
        (0, -gap, "center", "top"),
    ]


def box_at(x: float, y: float, w: float, h: float, ha: str, va: str, pad: float = 0.0) -> Box:
    """Box of a w x h text anchored at (x, y) with matplotlib's ha/va, grown by pad."""
    x0 = {"left": x, "right": x - w, "center": x - w / 2}[ha]
    y0 = {"bottom": y, "top": y - h, "center": y - h / 2}[va]
    return (x0 - pad, y0 - pad, x0 + w + pad, y0 + h + pad)


def shorten(text: str, limit: int = 30) -> str:
    """At most two lines of about ``limit`` characters, with an ellipsis when cut."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if len(trial) <= limit or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], lines[1].rstrip(",;:") + "…"]
    lines = [line if len(line) <= limit + 4 else line[: limit + 3].rstrip() + "…" for line in lines]
    return "\n".join(lines)


def nice_length_km(width_km: float) -> float:
    """The longest round scale-bar length that takes at most a quarter of the map width."""
    steps = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
    return float(max((s for s in steps if s <= width_km / 4), default=steps[0]))


# --------------------------------------------------------------------------- map content


def draw_markers(ax: Axes, xs, ys, colours, symbols, counts, diameter: float,
                 zorder: float = 6, approximate=None) -> None:
    """Web-map pins: theme colour with a white ring and a dark edge, a white glyph,
    and a count badge where several initiatives share a point. An approximate pin
    (``approximate[i]`` true) has a dashed dark edge, as on the web map."""
    ring = max(diameter * 0.09, 0.8)
    edge = max(diameter * 0.07, 0.6)
    outer = diameter + 2 * edge
    rough = [bool(a) for a in approximate] if approximate is not None else [False] * len(xs)
    exact = [i for i, r in enumerate(rough) if not r]
    dashed = [i for i, r in enumerate(rough) if r]
    if exact:
        ax.scatter([xs[i] for i in exact], [ys[i] for i in exact], s=outer**2,
                   c=style.MARKER_EDGE, linewidths=0, zorder=zorder)
    if dashed:  # a white halo under a dashed dark ring
        ax.scatter([xs[i] for i in dashed], [ys[i] for i in dashed], s=(outer + edge) ** 2,
                   c="white", edgecolors=style.MARKER_EDGE, linewidths=edge * 1.3,
                   linestyles=(0, (2.2, 1.6)), zorder=zorder)
    ax.scatter(xs, ys, s=(diameter - ring) ** 2, c=list(colours), edgecolors="white",
               linewidths=ring, zorder=zorder + 0.1)
    for x, y, symbol, count in zip(xs, ys, symbols, counts, strict=True):
        ax.text(x, y, symbol, fontsize=diameter * 0.62, color="white", fontfamily=FONT,
                fontweight="bold", ha="center", va="center_baseline", zorder=zorder + 0.2,
                clip_on=True)
        if count > 1:
            ax.annotate(str(count), (x, y), xytext=(diameter * 0.42, diameter * 0.42),
                        textcoords="offset points", fontsize=diameter * 0.5, color="white",
                        fontfamily=FONT, fontweight="bold", ha="center", va="center",
                        zorder=zorder + 0.3, annotation_clip=True,
                        bbox={"boxstyle": "round,pad=0.18,rounding_size=0.5",
                              "facecolor": INK, "edgecolor": "white", "linewidth": 0.6})


def _base_layers(ax: Axes, population: bool, line: float) -> None:
    paths, kinds, pct = municipality_layer()
    if population:
        fills = [blend(style.population_colour(p), 0.75) for p in pct]
    else:
        fills = [blend(style.REGION_STYLES[k].fill, style.REGION_STYLES[k].fill_opacity)
                 for k in kinds]
    ax.add_collection(PathCollection(paths, facecolors=fills, edgecolors=style.MUNICIPALITY_LINE,
                                     linewidths=0.45 * line, zorder=1))
    ax.add_collection(PathCollection(province_layer(), facecolors="none",
                                     edgecolors=style.PROVINCE_LINE,
                                     linewidths=style.PROVINCE_WIDTH * 0.75 * line, zorder=2))
    for kind in ("krimpregio", "anticipeerregio"):
        s = style.REGION_STYLES[kind]
        lw = s.outline_width * 0.75 * line
        outlines = [p for p, k in region_layer() if k == kind]
        ax.add_collection(PathCollection(outlines, facecolors="none", edgecolors=s.outline,
                                         linewidths=lw, zorder=3,
                                         linestyles=[dash(lw)] if s.dash else "solid"))


def _fit(extent: Box, box_w: float, box_h: float) -> Box:
    """Grow ``extent`` on one axis so it fills a box_w x box_h axes at equal scale."""
    x0, y0, x1, y1 = extent
    w, h = x1 - x0, y1 - y0
    if w / h < box_w / box_h:
        grow = (h * box_w / box_h - w) / 2
        return (x0 - grow, y0, x1 + grow, y1)
    grow = (w * box_h / box_w - h) / 2
    return (x0, y0 - grow, x1, y1 + grow)


def _scale_and_north(ax: Axes, page: Page, extent: Box, box_w: float) -> list[Box]:
    """Scale bar (bottom left) and north arrow (top right); returns their display boxes."""
    type_ = page.preset.type
    x0, y0, x1, y1 = extent
    per_in = (x1 - x0) / box_w  # metres per inch
    pad = 0.14 * per_in
    length_km = nice_length_km((x1 - x0) / 1000)
    length = length_km * 1000
    bar_h = type_.small / 72 * 0.55 * per_in
    bx, by = x0 + pad + 0.08 * per_in, y0 + pad + 0.1 * per_in
    font = type_.small
    text_h = font / 72 * 1.3 * per_in
    back = FancyBboxPatch((bx - 0.08 * per_in, by - 0.07 * per_in),
                          length + 0.16 * per_in + 0.25 * per_in, bar_h + text_h + 0.16 * per_in,
                          boxstyle="round,pad=0,rounding_size=" + str(0.04 * per_in),
                          facecolor="white", edgecolor="none", alpha=0.85, zorder=8)
    ax.add_patch(back)
    for i in range(4):
        ax.add_patch(Rectangle((bx + i * length / 4, by), length / 4, bar_h, zorder=8.1,
                               facecolor=INK if i % 2 == 0 else "white", edgecolor=INK,
                               linewidth=0.6))
    label_kw: dict[str, Any] = {"fontsize": font, "fontfamily": FONT, "color": INK,
                                "va": "bottom", "ha": "center", "zorder": 8.2}
    ax.text(bx, by + bar_h + 0.03 * per_in, "0", **label_kw)
    ax.text(bx + length / 2, by + bar_h + 0.03 * per_in, _km(length_km / 2), **label_kw)
    ax.text(bx + length, by + bar_h + 0.03 * per_in, _km(length_km) + " km",
            **{**label_kw, "ha": "left"}, )
    # north arrow: RD New's grid north is true north within a degree over the country
    size = type_.title / 72 * 1.15 * per_in
    n_h = type_.heading / 72 * 1.2 * per_in
    nx, ny = x1 - pad - size * 0.25, y1 - pad - size * 0.76 - n_h
    arrow = [(nx, ny + size * 0.72), (nx - size * 0.22, ny), (nx, ny + size * 0.16),
             (nx + size * 0.22, ny)]
    ax.add_patch(Polygon(arrow, closed=True, facecolor=INK, edgecolor="white", linewidth=0.8,
                         zorder=8))
    ax.text(nx, ny + size * 0.76, "N", fontsize=type_.heading, fontweight="bold",
            fontfamily=FONT, ha="center", va="bottom", color=INK, zorder=8, path_effects=HALO)
    to_px = ax.transData.transform
    scale_box = back.get_window_extent(page.renderer)
    (ax0, ay0), (ax1, ay1) = to_px((nx - size * 0.25, ny)), to_px((nx + size * 0.25, y1 - pad))
    return [(scale_box.x0, scale_box.y0, scale_box.x1 + 0.35 * page.fig.dpi, scale_box.y1),
            (ax0, ay0, ax1, ay1)]


# Where a region name may go when its own spot is taken, in label widths and heights.
# The near spots still read as belonging to the region; far ones get a leader line.
NEAR_SHIFTS = ((0, 0), (0, 0.8), (0, -0.8), (0.4, 0), (-0.4, 0), (0, 1.6), (0, -1.6))
FAR_SHIFTS = ((0.8, 1.3), (-0.8, 1.3), (0.8, -1.3), (-0.8, -1.3), (1.0, 0), (-1.0, 0),
              (0, 2.6), (0, -2.6), (0.9, 2.3), (-0.9, 2.3), (0.9, -2.3), (-0.9, -2.3))


def _km(value: float) -> str:
    return f"{value:g}"


def _labels(ax: Axes, page: Page, scene: Scene, obstacles: list[Box]) -> None:
    """Region and initiative names without overlaps: a name that finds no free spot is
    left out rather than piled on top of another."""
    dpi = page.fig.dpi
    frame = ax.get_window_extent(page.renderer)
    inner = (frame.x0 + 3, frame.y0 + 3, frame.x1 - 3, frame.y1 - 3)
    radius = (page.preset.type.marker / 2 + 0.8) * dpi / 72
    taken = list(obstacles)
    for p in scene.points:
        px, py = ax.transData.transform((p.x, p.y))
        taken.append((px - radius, py - radius, px + radius, py + radius))
        if p.count > 1:  # the count badge sits at the top right
            taken.append((px + radius * 0.1, py + radius * 0.1, px + radius * 1.75,
                          py + radius * 1.75))
    placer = Placer(inner, taken)
    # Initiative names first when asked for: they are what the export is about; region
    # names then take the free spots inside (or right beside) their region.
    if scene.labels:
        _initiative_labels(ax, page, scene, placer)
    if scene.region_names:
        _region_names(ax, page, placer, leaders=not scene.labels)


def _initiative_labels(ax: Axes, page: Page, scene: Scene, placer: Placer) -> None:
    type_, dpi = page.preset.type, page.fig.dpi
    pad = 1.5 * dpi / 72
    options = candidate_offsets(type_.marker * 0.5 + 3)
    for p in sorted(scene.points, key=lambda p: (-p.count, len(p.label))):
        w, h = page.size(p.label, type_.label, linespacing=1.05)
        px, py = ax.transData.transform((p.x, p.y))
        boxes = [box_at(px + dx * dpi / 72, py + dy * dpi / 72, w * dpi, h * dpi, ha, va, pad)
                 for dx, dy, ha, va in options]
        chosen = placer.place(boxes)
        if chosen is None:
            continue
        dx, dy, ha, va = options[chosen]
        ax.annotate(p.label, (p.x, p.y), xytext=(dx, dy), textcoords="offset points",
                    ha=ha, va=va, fontsize=type_.label, fontfamily=FONT, color=INK,
                    linespacing=1.05, zorder=7, path_effects=HALO)


def _region_names(ax: Axes, page: Page, placer: Placer, leaders: bool) -> None:
    """Each name at the first free spot: inside its region, then just beside its centre,
    then, for a region narrower than its name, farther away with a leader line. Among
    initiative names leader lines would cross them, so there a crowded name is left out."""
    type_, dpi = page.preset.type, page.fig.dpi
    pad = 1.5 * dpi / 72
    x0, x1 = ax.get_xlim()
    ax_scale = ax.get_window_extent(page.renderer).width / dpi / (x1 - x0)  # inches per metre
    for anchor in region_anchors():
        kw = ({"fontweight": "bold", "color": "#3a1a00"} if anchor.kind == "krimpregio"
              else {"fontstyle": "italic", "fontweight": "bold", "color": "#123b57"})
        w, h = page.size(anchor.name, type_.region, **kw)
        # (spot in RD, offset in inches, leader?)
        options = [(spot, (0.0, 0.0), False) for spot in anchor.spots]
        options += [(anchor.spots[0], (sx * w, sy * h), False) for sx, sy in NEAR_SHIFTS[1:]]
        if leaders and anchor.width * ax_scale < w:
            options += [(anchor.spots[0], (sx * w, sy * h), True) for sx, sy in FAR_SHIFTS]
        boxes = []
        for (x, y), (ox, oy), _ in options:
            px, py = ax.transData.transform((x, y))
            boxes.append(box_at(px + ox * dpi, py + oy * dpi, w * dpi, h * dpi, "center",
                                "center", pad))
        chosen = placer.place(boxes)
        if chosen is None:
            continue
        (x, y), (ox, oy), leader = options[chosen]
        arrow = None
        if leader:
            arrow = {"arrowstyle": "-", "color": kw["color"], "linewidth": 0.7 * type_.line,
                     "shrinkA": 1, "shrinkB": 0}
            ax.plot([x], [y], marker="o", markersize=2.2 * type_.line, color=kw["color"],
                    zorder=5)
        ax.annotate(anchor.name, (x, y), xytext=(ox * 72, oy * 72), textcoords="offset points",
                    ha="center", va="center", fontsize=type_.region, fontfamily=FONT,
                    zorder=5, path_effects=HALO, annotation_clip=True, arrowprops=arrow, **kw)


def _stamp(ax: Axes, page: Page, text: str) -> Box:
    """Large text on a white card in the map's top-left corner; returns its display box."""
    size = page.preset.type.title * 2.4
    inset = size * 0.4  # points: the card's padding plus a little map around it
    artist = ax.annotate(text, (0, 1), xycoords="axes fraction", xytext=(inset, -inset),
                         textcoords="offset points", ha="left", va="top", fontsize=size,
                         fontfamily=FONT, fontweight="bold", color=INK, zorder=9,
                         bbox={"boxstyle": "round,pad=0.25", "facecolor": "white",
                               "edgecolor": FRAME, "alpha": 0.92})
    box = artist.get_window_extent(page.renderer).padded(size * 0.35 * page.fig.dpi / 72)
    return (box.x0, box.y0, box.x1, box.y1)


def draw_map(page: Page, scene: Scene, rect: Box) -> None:
    """The map axes in ``rect`` (inches: x0, y0, x1, y1) with everything on it."""
    x0, y0, x1, y1 = rect
    box_w, box_h = x1 - x0, y1 - y0
    ax = page.fig.add_axes((x0 / page.w, y0 / page.h, box_w / page.w, box_h / page.h), zorder=1)
    extent = _fit(scene.extent, box_w, box_h)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(style.SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(FRAME)
        spine.set_linewidth(0.6)
    type_ = page.preset.type
    _base_layers(ax, scene.population, type_.line)
    if scene.points:
        draw_markers(ax, [p.x for p in scene.points], [p.y for p in scene.points],
                     [p.colour for p in scene.points], [p.symbol for p in scene.points],
                     [p.count for p in scene.points], type_.marker,
                     approximate=[p.approximate for p in scene.points])
    obstacles = _scale_and_north(ax, page, extent, box_w)
    if scene.stamp:
        obstacles.append(_stamp(ax, page, scene.stamp))
    if scene.empty_text:
        ax.text(0.5, 0.5, scene.empty_text, transform=ax.transAxes, ha="center", va="center",
                fontsize=type_.subtitle * 1.15, fontfamily=FONT, color=INK, zorder=9,
                bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": FRAME,
                      "alpha": 0.92})
        centre = ax.transAxes.transform((0.5, 0.5))
        w, h = page.size(scene.empty_text, type_.subtitle * 1.15)
        obstacles.append(box_at(centre[0], centre[1], (w + 0.4) * page.fig.dpi,
                                (h + 0.4) * page.fig.dpi, "center", "center"))
    _labels(ax, page, scene, obstacles)


