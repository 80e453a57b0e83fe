"""All regions side by side as an image (PNG or SVG): the Overview chart for a report.

The same figures as the page's chart (``query.comparison``), drawn with matplotlib in
the web map's region colours: population change 2014–2024 across, initiatives per
10,000 inhabitants up, one labelled dot per region, "overige gemeenten" as a grey
diamond to read the regions against, and the caveats (missing region, partial
members, partial change) under the chart. SVG keeps its text as text.
"""

from __future__ import annotations

import io
from datetime import date

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from dashboard import style
from dashboard.export.content import source_line
from dashboard.export.mapdraw import Placer, box_at, candidate_offsets
from dashboard.export.page import text_size
from dashboard.export.scene import FONT, INK, MUTED
from dashboard.i18n import number, regiotype_label, t
from dashboard.query import comparison

FORMATS = ("png", "svg")
KINDS = ("krimpregio", "anticipeerregio", "geen")
OTHER_COLOUR = "#6E6E6E"


def _colour(kind: str) -> str:
    return style.REGION_STYLES[kind].outline if kind in style.REGION_STYLES else OTHER_COLOUR


LABEL_SIZE = 8.5


def _names(fig: Figure, ax, placed: pd.DataFrame, lang: str) -> None:
    """Each dot's name at the first free spot around it (``mapdraw.Placer``); a name
    that finds none goes to its right anyway: the chart must name every region."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    dpi = fig.dpi
    frame = ax.get_window_extent(renderer)
    radius = 6 * dpi / 72
    points = [(row, *ax.transData.transform((row["verandering_pct"], row["per_10k"])))
              for row in placed.to_dict("records")]
    placer = Placer((frame.x0, frame.y0, frame.x1, frame.y1 + 40),
                    [(px - radius, py - radius, px + radius, py + radius)
                     for _, px, py in points])
    options = [(dx * far, dy * far, ha, va) for far in (1, 2.2, 3.4, 4.6)
               for dx, dy, ha, va in candidate_offsets(7)]
    # then up into the empty space above the crowd, with a leader line
    options += [(dx, dy, "center", "bottom") for dy in (34, 48, 62, 76, 90)
                for dx in (0, -30, 30, -60, 60)]
    for row, px, py in sorted(points, key=lambda p: -p[2]):
        name = comparison.area_name(row, lang)
        w, h = text_size(name, LABEL_SIZE)
        boxes = [box_at(px + dx * dpi / 72, py + dy * dpi / 72, w * dpi, h * dpi, ha, va, 1.0)
                 for dx, dy, ha, va in options]
        chosen = placer.place(boxes)
        dx, dy, ha, va = options[0 if chosen is None else chosen]
        far = chosen is not None and chosen >= 8  # away from its dot: a leader line
        ax.annotate(name, (row["verandering_pct"], row["per_10k"]), xytext=(dx, dy),
                    textcoords="offset points", ha=ha, va=va, fontsize=LABEL_SIZE,
                    fontfamily=FONT, color=INK, zorder=4,  # no halo: SVG keeps it text
                    arrowprops={"arrowstyle": "-", "color": "#AAAAAA", "linewidth": 0.6,
                                "shrinkA": 0, "shrinkB": 4} if far else None)


def render_chart(table: pd.DataFrame, lang: str = "nl", fmt: str = "png",
                 today: date | None = None) -> bytes:
    """The comparison (``comparison.region_comparison``) as PNG (1600x1000) or SVG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}; use png or svg")
    fig = Figure(figsize=(11.1, 6.94), dpi=144, facecolor="white")
    FigureCanvasAgg(fig)
    notes = comparison.notes(table, lang)
    bottom = 0.1 + 0.035 * len(notes)
    ax = fig.add_axes((0.08, bottom + 0.04, 0.9, 0.83 - bottom))
    placed = table[table["verandering_pct"].notna() & table["per_10k"].notna()]
    for kind in KINDS:
        rows = placed[placed["regiotype"] == kind]
        if rows.empty:
            continue
        ax.scatter(rows["verandering_pct"], rows["per_10k"], s=90 if kind != "geen" else 120,
                   marker="o" if kind != "geen" else "D", color=_colour(kind),
                   edgecolors="white", linewidths=1.2, zorder=3,
                   label=regiotype_label("" if kind == "geen" else kind, lang))
    ax.axvline(0, color="#999999", linewidth=0.8, zorder=1)
    x0, x1 = ax.get_xlim()
    ax.set_xlim(x0, x1 + (x1 - x0) * 0.12)  # room for the rightmost names
    ax.set_ylim(bottom=0)
    _names(fig, ax, placed, lang)
    ax.set_xlabel(t("compare_x", lang), fontfamily=FONT, fontsize=10, color=INK)
    ax.set_ylabel(t("compare_y", lang), fontfamily=FONT, fontsize=10, color=INK)
    ax.grid(True, color="#E5E5E5", linewidth=0.6, zorder=0)
    ticks = FuncFormatter(lambda v, _: number(v, lang, 0 if float(v).is_integer() else 1))
    ax.xaxis.set_major_formatter(ticks)
    ax.yaxis.set_major_formatter(ticks)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", frameon=False, fontsize=9, prop={"family": FONT})
    fig.text(0.08, 0.955, t("compare_title", lang), fontsize=15, fontweight="bold",
             fontfamily=FONT, color=INK, va="top")
    y = bottom - 0.02
    for note in [*notes, source_line(lang, today)]:
        fig.text(0.08, y, note, fontsize=7.5, fontfamily=FONT, color=MUTED, va="top",
                 wrap=True)
        y -= 0.035
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "krimpkaart"}):
        fig.savefig(out, format=fmt, dpi=144, metadata={"Title": t("compare_title", lang)})
    return out.getvalue()
