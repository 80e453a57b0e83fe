"""Export presets: page sizes, type scales and dpi for slides and print.

Slides are read from across a room and print at arm's length, so each preset
carries its own type scale rather than scaling one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dashboard.i18n import LocalizedError

Arrangement = Literal["side", "stacked"]


@dataclass(frozen=True)
class TypeScale:
    """Sizes in points (line widths and marker diameter too)."""

    title: float
    subtitle: float
    legend: float
    heading: float
    small: float
    label: float
    region: float
    marker: float  # diameter of an initiative marker
    line: float  # multiplier for the web map's line widths


@dataclass(frozen=True)
class Preset:
    """A page: size in inches; slides fix their pixel size through a fixed dpi."""

    name: str
    width_in: float
    height_in: float
    fixed_dpi: int | None  # None: the caller may choose the dpi
    default_dpi: int
    arrangement: Arrangement  # legend beside the map ("side") or below it ("stacked")
    margin_in: float
    gap_in: float
    map_share: float  # side: fraction of the width the map may take
    type: TypeScale


SLIDE_TYPE = TypeScale(title=25, subtitle=13.5, legend=12, heading=13, small=9.5, label=10,
                       region=9.5, marker=15, line=1.0)
PRINT_TYPE = TypeScale(title=16, subtitle=9, legend=8, heading=8.5, small=6.3, label=6.5,
                       region=6.6, marker=9.5, line=0.7)
# 13.333 x 7.5 in is PowerPoint's 16:9 page; 144 dpi makes it 1920 x 1080 px.
_SLIDE_W, _SLIDE_H = 1920 / 144, 1080 / 144
_A4_W, _A4_H = 210 / 25.4, 297 / 25.4

PRESETS: dict[str, Preset] = {
    "slide": Preset("slide", _SLIDE_W, _SLIDE_H, 144, 144, "side", 0.3, 0.35, 0.5, SLIDE_TYPE),
    "slide2x": Preset("slide2x", _SLIDE_W, _SLIDE_H, 288, 288, "side", 0.3, 0.35, 0.5,
                      SLIDE_TYPE),
    "a4": Preset("a4", _A4_W, _A4_H, None, 150, "stacked", 0.45, 0.18, 1.0, PRINT_TYPE),
    "a4-landscape": Preset("a4-landscape", _A4_H, _A4_W, None, 150, "side", 0.4, 0.3, 0.6,
                           PRINT_TYPE),
}
MIN_DPI, MAX_DPI = 50, 600


class PresetError(LocalizedError, ValueError):
    """A preset or dpi that cannot be used; ``text(lang)`` says why."""


def resolve(preset: str, dpi: int | None) -> tuple[Preset, int]:
    """The preset and the dpi to render at; a clear ``PresetError`` for anything invalid."""
    if preset not in PRESETS:
        raise PresetError(key="preset_unknown", preset=repr(preset), presets=", ".join(PRESETS))
    chosen = PRESETS[preset]
    if chosen.fixed_dpi is not None:
        if dpi is not None:
            size = f"{round(chosen.width_in * chosen.fixed_dpi)}×"
            size += f"{round(chosen.height_in * chosen.fixed_dpi)} px"
            raise PresetError(key="preset_fixed_size", preset=repr(preset), size=size)
        return chosen, chosen.fixed_dpi
    if dpi is None:
        return chosen, chosen.default_dpi
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise PresetError(key="preset_bad_dpi", low=MIN_DPI, high=MAX_DPI, value=repr(dpi))
    return chosen, dpi

