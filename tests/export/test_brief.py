"""The region brief: every region fits its page (text boxes measured against the page and
against each other), a crowded region continues on page 2 and says so, the PDF carries
real text, and the words are the area's own."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from dashboard import query
from dashboard.export import brieflayout
from dashboard.export.brief import BriefError, build_brief
from dashboard.export.brieflayout import MARGIN, render_brief, render_pages
from dashboard.geo import provenance
from dashboard.query.similar import SimilarityIndex
from dashboard.store import default_seed_path, read_seed

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import synth

DAY = date(2025, 5, 9)
CROWDED = "achterhoek"
DPI = 150  # the PNG's dpi: text is measured as drawn there (hinting makes it a bit wider)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """The seed plus a crowded region of 200 synthetic initiatives (bench/synth.py)."""
    return query.initiatives_frame(read_seed(default_seed_path())
                                   + synth.crowded_region(CROWDED, 200))


@pytest.fixture(scope="module")
def index(frame) -> SimilarityIndex:
    return SimilarityIndex.build(frame)


def text_boxes(page) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Pixel boxes (x0, y0, x1, y1) of the page's own texts and of the map's texts."""
    renderer = page.fig.canvas.get_renderer()
    own, own_text, on_map, map_text = [], [], [], []
    for artist in page.fig.findobj(Text):
        if not artist.get_visible() or not artist.get_text().strip():
            continue
        box = artist.get_window_extent(renderer)
        target = (own, own_text) if artist.axes is page.ax else (on_map, map_text)
        target[0].append((box.x0, box.y0, box.x1, box.y1))
        target[1].append(artist.get_text())
    return np.array(own).reshape(-1, 4), own_text, np.array(on_map).reshape(-1, 4), map_text


def assert_fits(page) -> None:
    """Every text inside the page's margins, page texts never on top of each other, and
    the map's texts inside the map (or clipped by it)."""
    dpi = page.fig.dpi
    width, height = page.w * dpi, page.h * dpi
    slack = MARGIN * dpi - 2  # a text may reach into the margin a little, never past it
    boxes, texts, map_boxes, _ = text_boxes(page)
    assert len(texts) > 5
    outside = [texts[i] for i, (x0, y0, x1, y1) in enumerate(boxes)
               if x0 < slack or y0 < slack or x1 > width - slack or y1 > height - slack]
    assert outside == []
    a, b = boxes[:, None, :], boxes[None, :, :]
    shrink = 1.5  # px: neighbouring lines may touch
    hit = ((a[..., 0] + shrink < b[..., 2]) & (b[..., 0] + shrink < a[..., 2])
           & (a[..., 1] + shrink < b[..., 3]) & (b[..., 1] + shrink < a[..., 3]))
    np.fill_diagonal(hit, False)
    pairs = sorted({tuple(sorted((texts[i], texts[j]))) for i, j in zip(*np.nonzero(hit),
                                                                          strict=True)})
    assert pairs == []
    if len(page.fig.axes) == 1:
        return  # a page without a map
    # the map's texts (names, scale, marker glyphs) stay inside the map or are clipped by it
    map_ax = page.fig.axes[-1]
    frame = map_ax.get_window_extent()
    renderer = page.fig.canvas.get_renderer()
    inside = frame.padded(2)
    loose = []
    for artist in map_ax.texts:
        if not artist.get_visible() or artist.get_clip_on():
            continue  # a clipped text never shows outside the map
        box = artist.get_window_extent(renderer)
        if not (inside.contains(*box.min) and inside.contains(*box.max)):
            loose.append(artist.get_text())
    assert loose == []
    assert len(map_boxes) > 0


@pytest.mark.slow
@pytest.mark.parametrize("slug", [r.slug for r in provenance.all_regions()])
def test_every_region_brief_fits_its_pages(slug, frame, index):
    brief = build_brief("regio", slug, frame, "nl", index=index, today=DAY)
    pages = render_pages(brief, dpi=DPI)
    for page in pages:
        assert_fits(page)
    assert len(pages) == (3 if slug == CROWDED else 1)


@pytest.mark.slow
def test_crowded_region_goes_compact_then_on_to_page_two(frame, index):
    brief = build_brief("regio", CROWDED, frame, "en", index=index, today=DAY)
    pages = render_pages(brief, dpi=DPI)
    first = text_boxes(pages[0])[1]
    more = [line for line in first if line.startswith("… and ")]
    assert len(more) == 1 and "the whole list is on page 2" in more[0]
    shown_first = sum(line.count(" · ") + 1 for line in first
                      if line.startswith(("Buurtnetwerk", "Coöperatie", "Dorpsraad",
                                          "Stichting")))
    n_more = int(re.search(r"and (\d+) more", more[0]).group(1))
    assert shown_first + n_more >= 200  # every name is on page 1 or counted as "more"
    rest = [line for page in pages[1:] for line in text_boxes(page)[1]]
    assert any("(continued)" in line for line in rest)
    listed = {item.id for item in brief.items}
    assert len(listed) == 200
    # page 2 on has the whole list again, one line each: every name appears
    joined = "\n".join(rest)
    assert all(item.full.split(" — ")[0] in joined or "…" in joined for item in brief.items)
    assert sum(1 for line in rest if " — " in line) == 200
    for page in pages:
        assert_fits(page)


def test_small_region_keeps_one_line_per_initiative(frame, index):
    brief = build_brief("regio", "oost-groningen", frame, "nl", index=index, today=DAY)
    texts = text_boxes(render_pages(brief, dpi=DPI)[0])[1]
    assert "Ganzedijk — wonen, leefbaarheid" in texts
    assert not any(line.startswith("… en nog") for line in texts)


def test_brief_words_are_the_areas_own(frame, index):
    brief = build_brief("regio", "oost-groningen", frame, "nl", index=index, today=DAY)
    facts = dict(brief.figures)
    assert facts["Regiotype"] == "Krimpregio"
    # Midden-Groningen has no 2014 figure: the same members' 2024 figure stands beside it
    assert re.fullmatch(r"[\d.]+ \* \(dezelfde gemeenten in 2024: [\d.]+\)",
                        facts["Inwoners 2014"])
    assert any(note.startswith("Midden-Groningen: ") for note in brief.notes)  # partly
    assert any("Midden-Groningen" in note and note.startswith("*") for note in brief.notes)
    assert any("deels" in note.lower() for note in brief.notes)  # a partly designated member
    assert facts["Plaats onder de 19 regio's"].startswith("initiatieven per 10.000 inwoners: ")
    assert brief.title == "Regio-brief: Oost-Groningen" and "9 mei 2025" in brief.subtitle
    # suggestions come from outside the region and say what they resemble
    assert brief.similar and all("Oost-Groningen" not in e.text for e in brief.similar)
    assert all(e.detail.startswith("lijkt op ") for e in brief.similar)
    walcheren = build_brief("regio", "walcheren", frame, "nl", index=index, today=DAY)
    assert any("gereconstrueerd" in note for note in walcheren.notes)  # reconstructed
    assert walcheren.items == [] and walcheren.similar == [] and walcheren.gaps


def test_municipality_brief_ranks_among_all_342(frame, index):
    brief = build_brief("gemeente", "GM1714", frame, "en", index=index, today=DAY)
    facts = dict(brief.figures)
    assert brief.title == "Municipality brief: Sluis"
    assert facts["Region"] == "Zeeuws-Vlaanderen (Shrink region)"
    assert "Place among the 342 municipalities" in facts
    assert [i.id for i in brief.items] == ["klushuizen-oostburg"]
    for page in render_pages(brief, dpi=DPI):
        assert_fits(page)


def test_unknown_area_is_a_clear_error(frame):
    with pytest.raises(BriefError) as error:
        build_brief("regio", "randstad", frame, "nl")
    assert "onbekende regio 'randstad'" in error.value.text("nl")
    assert "achterhoek" in error.value.text("nl")
    with pytest.raises(BriefError):
        build_brief("gemeente", "GM9999", frame, "en")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_is_a4_with_searchable_text(frame, index):
    brief = build_brief("regio", "zeeuws-vlaanderen", frame, "nl", index=index, today=DAY)
    data = render_brief(brief)
    assert data.startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    assert re.search(rb"Page size:\s+595\.\d* x 841\.\d* pts", info.stdout)
    assert re.search(rb"Pages:\s+1\b", info.stdout)
    assert b"Regio-brief: Zeeuws-Vlaanderen" in info.stdout  # the PDF's title
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    flat = " ".join(text.split())
    for words in ("Regio-brief: Zeeuws-Vlaanderen", "KLUShuizen in Krimp", "Leer van elkaar",
                  "Elders wel, hier nog niet", "Over de cijfers", "Inwoners 2014",
                  "CBS/Kadaster"):
        assert words in flat, words
    # vector: the map is drawn with paths, not pasted in as a picture
    assert b"/Subtype /Image" not in data


def test_png_preview_of_the_first_page(frame, index):
    brief = build_brief("regio", "zeeuws-vlaanderen", frame, "en", index=index, today=DAY)
    data = render_brief(brief, "png", dpi=50)
    assert data.startswith(b"\x89PNG")
    with pytest.raises(ValueError):
        render_brief(brief, "gif")


def test_overflow_needs_no_more_than_the_flow_allows():
    """The flow refuses what does not fit instead of drawing past the column."""
    line = brieflayout.Line("x", 7.0)
    frame = brieflayout.Frame(0, 0.5, 3.0, top=1.0, bottom=0.5)
    fits = int(0.5 / line.height)
    assert brieflayout.flow([line] * fits, [frame]) is not None
    assert brieflayout.flow([line] * (fits + 1), [frame]) is None
    heading = brieflayout.Line("H", 8.0, keep_with_next=True)
    placed = brieflayout.flow([line] * (fits - 1) + [heading, line],
                              [frame, brieflayout.Frame(0, 4, 3.0, 1.0, 0.5)])
    assert placed is not None and placed[-2][1].x == 4  # the heading moved with its line
