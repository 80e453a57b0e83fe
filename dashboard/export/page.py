"""An inch-based page for static exports, and text measured before it is placed."""

from __future__ import annotations

import threading
from functools import cache, lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from dashboard.export.presets import Preset
from dashboard.export.scene import FONT

MEASURE_DPI = 144
_measure_lock = threading.Lock()


@cache
def _measurer() -> tuple[Figure, RendererAgg]:
    fig = Figure(dpi=MEASURE_DPI)
    return fig, FigureCanvasAgg(fig).get_renderer()


@lru_cache(maxsize=8192)
def text_size(text: str, size: float, weight: str = "normal", style_: str = "normal",
              linespacing: float = 1.2) -> tuple[float, float]:
    """Inches a text takes: measured once per process (layout measures the same strings
    over and over) on one shared renderer, so the result does not depend on the dpi."""
    with _measure_lock:
        fig, renderer = _measurer()
        artist = Text(0, 0, text, fontsize=size, fontfamily=FONT, fontweight=weight,
                      fontstyle=style_, linespacing=linespacing)
        artist.set_figure(fig)
        box = artist.get_window_extent(renderer)
    return box.width / MEASURE_DPI, box.height / MEASURE_DPI



class Page:
    """Inch-based page: an overlay axes for text and legend, and text measurement."""

    def __init__(self, preset: Preset, dpi: int) -> None:
        self.preset = preset
        self.w, self.h = preset.width_in, preset.height_in
        self.fig = Figure(figsize=(self.w, self.h), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.fig)
        self.renderer = self.canvas.get_renderer()  # for positions on this page
        self.ax = self.fig.add_axes((0, 0, 1, 1), zorder=0)
        self.ax.set_xlim(0, self.w)
        self.ax.set_ylim(0, self.h)
        self.ax.set_axis_off()

    def size(self, text: str, size: float, **kw) -> tuple[float, float]:
        """Width and height in inches of (possibly multi-line) text."""
        if not text:
            return 0.0, 0.0
        return text_size(text, size, kw.get("fontweight", "normal"),
                         kw.get("fontstyle", "normal"), kw.get("linespacing", 1.2))

    def wrap(self, text: str, size: float, width: float, **kw) -> str:
        """Greedy word wrap so no line is wider than ``width`` inches."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split(" "):
                trial = f"{current} {word}".strip()
                if current and self.size(trial, size, **kw)[0] > width:
                    lines.append(current)
                    current = word
                else:
                    current = trial
            lines.append(current)
        return "\n".join(lines)

    def text(self, x: float, y_top: float, text: str, size: float, width: float,
             **kw) -> float:
        """Write wrapped text with its top at ``y_top``; returns the bottom (inches)."""
        wrapped = self.wrap(text, size, width, **kw)
        self.ax.text(x, y_top, wrapped, fontsize=size, fontfamily=FONT, va="top", ha="left",
                     linespacing=1.25, **kw)
        return y_top - self.size(wrapped, size, linespacing=1.25, **kw)[1]

