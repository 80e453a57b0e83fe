"""The start-year timeline as an animated GIF for slides: one frame per year.

Each frame is the static export (same map, symbols and legend) of the initiatives
that started in that year or earlier, with the year written large in the map's corner, so a
slide shows the growth without the app. The years are ``query.timeline.years`` of the
filtered initiatives; those without a start year are not on any frame, which the
subtitle says. The frames share one palette (made from the last, fullest frame), so
colours do not flicker from year to year.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pandas as pd
from PIL import Image

from dashboard.export.content import LonLatBox, build_scene, default_title
from dashboard.export.layout import render
from dashboard.export.presets import resolve
from dashboard.i18n import t
from dashboard.query import filtering, timeline
from dashboard.query.state import FilterState

FRAME_MS = 900  # a year on screen: long enough to read the new pins
LAST_FRAME_MS = 3000  # the end state stays a while before the loop starts again


class NoYearsError(ValueError):
    """No initiative the filters keep has a start year: there is no timeline to draw."""


def frames(frame: pd.DataFrame, state: FilterState, *, lang: str = "nl",
           preset: str = "slide", dpi: int | None = None, title: str | None = None,
           bbox: LonLatBox | None = None, population: bool = False,
           today: date | None = None) -> Iterator[tuple[int, Image.Image]]:
    """(year, image) per year of the timeline, each the static export up to that year."""
    chosen, dpi_ = resolve(preset, dpi)
    kept = filtering.apply(frame, state)
    span = timeline.years(kept)
    if not span:
        raise NoYearsError(t("timeline_no_years", lang))
    undated = len(timeline.undated(kept))
    heading = title.strip() if title and title.strip() else default_title(state, lang)
    for year in span:
        scene = build_scene(timeline.until(frame, year), state, lang=lang, bbox=bbox,
                            population=population, today=today,
                            title=t("timeline_title", lang, title=heading,
                                    years=f"{span[0]}–{year}" if year > span[0] else year))
        if undated:
            scene.subtitle += " · " + t("timeline_undated", lang, n=undated)
        scene.stamp = str(year)
        png = render(scene, chosen, dpi_, "png")
        yield year, Image.open(io.BytesIO(png)).convert("RGB")


def render_gif(frame: pd.DataFrame, state: FilterState, **kw) -> bytes:
    """The timeline as a looping GIF: one frame per year (``frames`` takes the options)."""
    shots = [image for _, image in frames(frame, state, **kw)]
    palette = shots[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    indexed = [shot.quantize(palette=palette, dither=Image.Dither.NONE) for shot in shots]
    durations = [FRAME_MS] * (len(indexed) - 1) + [LAST_FRAME_MS]
    out = io.BytesIO()
    indexed[0].save(out, format="GIF", save_all=True, append_images=indexed[1:], loop=0,
                    duration=durations, optimize=False, disposal=1)
    return out.getvalue()
