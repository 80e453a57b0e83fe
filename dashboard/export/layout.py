"""The page of a static export: title, legend, credits, and the map panel placed on it.

Text is measured before it is placed, so nothing is clipped and the legend never
covers the map: it sits beside the map (slides, A4 landscape) or below it (A4
portrait). ``content`` fills a ``Scene``; ``mapdraw`` draws the map panel.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dashboard import style
from dashboard.export.mapdraw import blend, dash, draw_map, draw_markers
from dashboard.export.page import Page
from dashboard.export.presets import Preset
from dashboard.export.scene import FONT, FRAME, INK, MUTED, Scene

# --------------------------------------------------------------------------- legend


@dataclass
class _Row:
    kind: str  # heading | region | population | theme | approximate | note
    text: str
    colour: str = ""
    symbol: str = ""


def _legend_rows(scene: Scene) -> list[_Row]:
    rows: list[_Row] = []
    if scene.population:
        rows.append(_Row("heading", scene.population_heading))
        rows += [_Row("population", label, colour) for colour, label in scene.population_rows]
    rows.append(_Row("heading", scene.regions_heading))
    rows += [_Row("region", label, kind) for kind, label in scene.region_rows]
    if scene.theme_rows:
        rows.append(_Row("heading", scene.themes_heading))
        rows += [_Row("theme", label, colour, symbol) for colour, symbol, label in scene.theme_rows]
    if scene.approximate_text:
        rows.append(_Row("approximate", scene.approximate_text))
    if scene.multi_note:
        rows.append(_Row("note", scene.multi_note))
    return rows


def _row_height(row: _Row, type_, scale: float) -> float:
    if row.kind == "heading":
        return type_.heading * scale * 2.0 / 72
    if row.kind == "note":
        return type_.small * scale * 1.9 / 72
    return type_.legend * scale * 1.75 / 72


SPLIT_MIN = 10  # legend sections with fewer rows are never split over two columns


def _columns(rows: list[_Row], n: int, heights: list[float]) -> list[list[int]]:
    """Rows in at most ``n`` columns of similar height; short sections stay whole and a
    heading always keeps at least one of its rows."""
    if n <= 1:
        return [list(range(len(rows)))]
    sections: list[list[int]] = []
    for i, row in enumerate(rows):
        if row.kind == "heading" or not sections:
            sections.append([i])
        else:
            sections[-1].append(i)
    whole = [sum(heights[i] for i in sec) for sec in sections if len(sec) < SPLIT_MIN]
    target = max([sum(heights) / n, *whole]) * 1.05
    columns: list[list[int]] = [[]]
    used = 0.0
    for sec in sections:
        head = sum(heights[i] for i in sec[:2])
        sec_h = sum(heights[i] for i in sec)
        splittable = len(sec) >= SPLIT_MIN
        if columns[-1] and len(columns) < n and used + (head if splittable else sec_h) > target:
            columns.append([])
            used = 0.0
        for j, i in enumerate(sec):
            if splittable and j >= 2 and len(columns) < n and used + heights[i] > target:
                columns.append([])
                used = 0.0
            columns[-1].append(i)
            used += heights[i]
    return columns


def legend_height(scene: Scene, preset: Preset, n: int, scale: float = 1.0) -> float:
    rows = _legend_rows(scene)
    heights = [_row_height(r, preset.type, scale) for r in rows]
    return max(sum(heights[i] for i in col) for col in _columns(rows, n, heights))


def draw_legend(page: Page, scene: Scene, x: float, y_top: float, width: float, n: int,
                scale: float = 1.0) -> float:
    """Draw the legend in ``n`` columns from (x, y_top); returns its bottom."""
    type_ = page.preset.type
    rows = _legend_rows(scene)
    heights = [_row_height(r, type_, scale) for r in rows]
    col_w = width / n
    bottom = y_top
    for c, column in enumerate(_columns(rows, n, heights)):
        y = y_top
        cx = x + c * col_w
        for i in column:
            row, h = rows[i], heights[i]
            mid = y - h / 2 - (h * 0.12 if row.kind == "heading" else 0)
            _legend_row(page, row, cx, mid, col_w, scale, scene.population)
            y -= h
        bottom = min(bottom, y)
    return bottom


def _legend_row(page: Page, row: _Row, x: float, mid: float, width: float, scale: float,
                population: bool) -> None:
    type_ = page.preset.type
    ax = page.ax
    size = type_.legend * scale
    key_w = size * 2.1 / 72
    text_x = x + key_w + size * 0.6 / 72
    text_w = width - (text_x - x) - 0.15
    if row.kind == "heading":
        ax.text(x, mid, row.text, fontsize=type_.heading * scale, fontweight="bold",
                fontfamily=FONT, va="center", color=INK)
        return
    if row.kind == "note":
        ax.text(x, mid, page.wrap(row.text, type_.small * scale, width - 0.05), color=MUTED,
                fontsize=type_.small * scale, fontfamily=FONT, va="center")
        return
    key_h = size * 1.15 / 72
    if row.kind == "region":
        s = style.REGION_STYLES[row.colour]
        lw = max(s.outline_width * 0.75 * type_.line, 0.6)
        fill = "white" if population else blend(s.fill, s.fill_opacity)
        ax.add_patch(Rectangle((x + lw / 144, mid - key_h / 2), key_w - lw / 72, key_h,
                               facecolor=fill, edgecolor=s.outline, linewidth=lw,
                               linestyle=dash(lw) if s.dash else "solid"))
    elif row.kind == "population":
        ax.add_patch(Rectangle((x, mid - key_h / 2), key_w, key_h, linewidth=0.5,
                               facecolor=blend(row.colour, 0.75), edgecolor=FRAME))
    elif row.kind == "approximate":  # the dashed ring alone, on a neutral pin
        draw_markers(ax, [x + key_w / 2], [mid], ["#9A9A9A"], [""], [1],
                     type_.marker * scale * 0.95, approximate=[True])
    else:
        draw_markers(ax, [x + key_w / 2], [mid], [row.colour], [row.symbol], [1],
                     type_.marker * scale * 0.95)
    ax.text(text_x, mid, page.wrap(row.text, size, text_w), fontsize=size, fontfamily=FONT,
            va="center", color=INK, linespacing=1.1)


# --------------------------------------------------------------------------- layouts


def _map_aspect(scene: Scene) -> float:
    x0, y0, x1, y1 = scene.extent
    return (x1 - x0) / (y1 - y0)


def _side(page: Page, scene: Scene) -> None:
    """Map left at full height; title, filters, legend and credits in the column beside it."""
    p, t = page.preset, page.preset.type
    m = p.margin_in
    avail_h = page.h - 2 * m
    aspect = min(max(_map_aspect(scene), 0.7), 1.6)
    map_w = min(p.map_share * (page.w - 2 * m), avail_h * aspect)
    map_h = min(avail_h, map_w / aspect) if aspect > 1 else avail_h
    my0 = page.h - m - map_h  # top-aligned with the title
    draw_map(page, scene, (m, my0, m + map_w, my0 + map_h))

    cx = m + map_w + p.gap_in
    cw = page.w - m - cx
    top = page.h - m + 0.02
    y = page.text(cx, top, scene.title, t.title, cw, fontweight="bold", color=INK)
    y = page.text(cx, y - t.title * 0.35 / 72, scene.subtitle, t.subtitle, cw, color=INK)
    footer = _footer_height(page, scene, cw)
    legend_top = y - t.subtitle * 1.3 / 72
    room = legend_top - (m + footer + t.small * 1.5 / 72)
    n, scale = _fit_legend(scene, p, room, max_columns=2)
    draw_legend(page, scene, cx, legend_top, cw, n, scale)
    _footer(page, scene, cx, m + footer, cw)


def _stacked(page: Page, scene: Scene) -> None:
    """Title on top, map in the middle, legend in columns below it, credits at the foot."""
    p, t = page.preset, page.preset.type
    m = p.margin_in
    cw = page.w - 2 * m
    top = page.h - m
    y = page.text(m, top, scene.title, t.title, cw, fontweight="bold", color=INK)
    y = page.text(m, y - t.title * 0.3 / 72, scene.subtitle, t.subtitle, cw, color=INK)
    footer = _footer_height(page, scene, cw)
    columns = 3
    legend_h = legend_height(scene, p, columns)
    map_top = y - p.gap_in
    map_bottom_min = m + footer + p.gap_in + legend_h + p.gap_in
    avail_h = map_top - map_bottom_min
    aspect = _map_aspect(scene)
    map_w = min(cw, avail_h * aspect)
    map_h = min(avail_h, map_w / aspect)
    mx0 = m + (cw - map_w) / 2
    draw_map(page, scene, (mx0, map_top - map_h, mx0 + map_w, map_top))
    draw_legend(page, scene, m, map_top - map_h - p.gap_in, cw, columns)
    _footer(page, scene, m, m + footer, cw)


def _footer_height(page: Page, scene: Scene, width: float) -> float:
    size = page.preset.type.small
    text = f"{scene.source}\n{scene.note}"
    return page.size(page.wrap(text, size, width), size, linespacing=1.25)[1]


def _footer(page: Page, scene: Scene, x: float, y_top: float, width: float) -> None:
    size = page.preset.type.small
    y = page.text(x, y_top, scene.source, size, width, color=INK)
    page.text(x, y, scene.note, size, width, color=MUTED)


def _fit_legend(scene: Scene, preset: Preset, room: float, max_columns: int) -> tuple[int, float]:
    """Fewest columns, then the largest type (down to 70%), that fit ``room`` inches."""
    scale = 1.0
    while scale > 0.7:
        for n in range(1, max_columns + 1):
            if legend_height(scene, preset, n, scale) <= room:
                return n, scale
        scale -= 0.05
    return max_columns, 0.7


def render(scene: Scene, preset: Preset, dpi: int, fmt: str) -> bytes:
    """The scene as PNG, SVG or PDF bytes."""
    page = Page(preset, dpi)
    if preset.arrangement == "side":
        _side(page, scene)
    else:
        _stacked(page, scene)
    out = io.BytesIO()
    if fmt == "png":
        _png(page.fig, dpi, _metadata(scene, fmt), out)
        return out.getvalue()
    # Text stays text in SVG (searchable, editable); Type 3 PDF fonts embed a small
    # subset quickly (Type 42 subsetting through fontTools costs about a second).
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 3,
                                "svg.hashsalt": "krimpkaart"}):
        page.fig.savefig(out, format=fmt, dpi=dpi, metadata=_metadata(scene, fmt))
    return out.getvalue()


def _png(fig: Figure, dpi: int, metadata: dict[str, str | None], out: io.BytesIO) -> None:
    """Write the drawn page as an RGB PNG.

    Encoding, not drawing, dominated big pages: Pillow tries a filter per row and
    keeps the alpha channel. An opaque map of flat colours compresses well without
    filters, so rows go to zlib as they are: about three times faster and smaller.
    """
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # Page draws on Agg
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    height, width = rgb.shape[:2]
    raw = np.zeros((height, width * 3 + 1), dtype=np.uint8)  # filter byte 0 per row
    raw[:, 1:] = rgb.reshape(height, width * 3)
    per_metre = round(dpi / 0.0254)
    chunks = [
        (b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])),
        (b"pHYs", per_metre.to_bytes(4, "big") * 2 + b"\x01"),
    ]
    for key, value in metadata.items():
        if value:  # iTXt: UTF-8 text, uncompressed
            chunks.append((b"iTXt", key.encode("latin-1") + b"\x00\x00\x00\x00\x00"
                           + value.encode("utf-8")))
    chunks.append((b"IDAT", zlib.compress(raw.tobytes(), 3)))
    chunks.append((b"IEND", b""))
    out.write(b"\x89PNG\r\n\x1a\n")
    for kind, body in chunks:
        out.write(len(body).to_bytes(4, "big") + kind + body)
        out.write(zlib.crc32(kind + body).to_bytes(4, "big"))


def _metadata(scene: Scene, fmt: str) -> dict[str, str | None]:
    data = scene.metadata
    if fmt == "png":
        return {"Title": data.get("title", ""), "Description": data.get("description", ""),
                "Source": data.get("source", "")}
    if fmt == "pdf":
        return {"Title": data.get("title", ""), "Subject": data.get("description", ""),
                "Creator": "Krimpkaart"}
    return {"Title": data.get("title", ""), "Description": data.get("description", ""),
            "Date": None}
