"""Static map export (every format and preset), alt text, titles and the HTML export."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest
from PIL import Image

from dashboard import export, query, style, webmap
from dashboard.export import layout, mapdraw, presets
from dashboard.export.mapdraw import Placer, box_at, overlaps
from dashboard.export.presets import resolve
from dashboard.query import FilterState
from dashboard.store import default_seed_path, read_seed
from dashboard.webmap import assets
from tests.jscalls import kk_call, kk_calls

DAY = date(2025, 5, 9)
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def records() -> list[dict]:
    seed = read_seed(default_seed_path())
    evil = {**seed[0], "id": "evil-name", "name": EVIL, "lat": 52.95, "lon": 6.6,
            "themes": ["zorg"], "scope": "lokaal", "gemeente_code": ""}
    return [*seed, evil]


@pytest.fixture(scope="module")
def frame(records) -> pd.DataFrame:
    return query.initiatives_frame(records)


def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)  # also proves the SVG is well-formed XML
    return " ".join(" ".join(el.itertext()) for el in root.iter())


def pdf_pages(data: bytes) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
        return int(re.search(rb"Pages:\s+(\d+)", info.stdout).group(1))
    return len(re.findall(rb"/Type\s*/Page\b", data))


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(data)).size


# --------------------------------------------------------------------------- formats and sizes


def test_slide_png_is_full_hd(frame):
    data = export.render_static(frame, FilterState(), fmt="png", preset="slide", today=DAY)
    assert png_size(data) == (1920, 1080)


def test_slide2x_png_is_4k(frame):
    data = export.render_static(frame, FilterState(), fmt="png", preset="slide2x")
    assert png_size(data) == (3840, 2160)


@pytest.mark.parametrize(("preset", "dpi", "size"), [
    ("a4", 60, (496, 702)),
    ("a4-landscape", 60, (702, 496)),
    ("a4", None, (1240, 1754)),  # default 150 dpi
])
def test_a4_png_follows_dpi(frame, preset, dpi, size):
    data = export.render_static(frame, FilterState(), fmt="png", preset=preset, dpi=dpi)
    assert png_size(data) == pytest.approx(size, abs=1)


def test_a4_print_resolution(frame):
    data = export.render_static(frame, FilterState(thema=("wonen",)), fmt="png", preset="a4",
                                dpi=300, labels=True)
    assert png_size(data) == pytest.approx((2480, 3508), abs=1)
    assert Image.open(io.BytesIO(data)).info["dpi"] == pytest.approx((300, 300), abs=0.1)


@pytest.mark.parametrize("preset", ["slide", "a4", "a4-landscape"])
def test_pdf_has_one_page_of_the_right_size(frame, preset):
    data = export.render_static(frame, FilterState(), fmt="pdf", preset=preset, dpi=None)
    assert data.startswith(b"%PDF")
    assert pdf_pages(data) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    width, height = (float(v) for v in box.groups())
    chosen = presets.PRESETS[preset]
    assert (width, height) == pytest.approx((chosen.width_in * 72, chosen.height_in * 72), abs=1)


def test_svg_parses_and_has_title_source_and_note(frame):
    data = export.render_static(frame, FilterState(), fmt="svg", preset="a4", today=DAY)
    text = svg_text(data)
    assert "Sociale innovatie in krimpregio's" in text
    assert "Bron: CBS/Kadaster (CC BY 4.0); initiatieven: Krimpkaart (CC BY 4.0), 9 mei 2025" \
        in text
    assert "2019" in text and "2024" in text  # the classification note
    assert "Krimpregio" in text and "Anticipeerregio" in text  # legend


def test_english_export(frame):
    data = export.render_static(frame, FilterState(thema=("zorg",)), fmt="svg",
                                preset="a4-landscape", lang="en", today=DAY)
    text = svg_text(data)
    assert "Initiatives: care" in text
    assert "Source: CBS/Kadaster" in text and "9 May 2025" in text
    assert "Theme: Care" in text


def test_bad_arguments_are_refused_clearly(frame):
    with pytest.raises(ValueError, match=r"fixed size.*dpi only applies"):
        export.render_static(frame, FilterState(), preset="slide", dpi=300)
    with pytest.raises(ValueError, match="fixed size"):
        resolve("slide2x", 100)
    with pytest.raises(ValueError, match="unknown preset"):
        export.render_static(frame, FilterState(), preset="a3")
    with pytest.raises(ValueError, match="unknown image format"):
        export.render_static(frame, FilterState(), fmt="jpg")
    with pytest.raises(ValueError, match="dpi must be"):
        resolve("a4", 5000)
    assert resolve("a4", None)[1] == 150
    assert resolve("slide", None)[1] == 144


# --------------------------------------------------------------------------- what is shown


def test_subtitle_matches_filters_and_counts(frame):
    state = FilterState(thema=("wonen",), regiotype=("krimpregio",))
    scene = export.build_scene(frame, state, today=DAY)
    kept = query.apply(frame, state)
    on_map = kept[kept["on_map"] & ~kept["abroad"]]
    parts = scene.subtitle.split(" · ")
    assert parts[:2] == ["Thema: Wonen", "Regiotype: Krimpregio"]
    expected = f"{len(on_map)} initiatieven" if len(on_map) != 1 else "1 initiatief"
    assert parts[2] == expected
    abroad = int((kept["on_map"] & kept["abroad"]).sum())
    unmapped = int((~kept["on_map"]).sum())
    assert (f"+{abroad} in het buitenland" in parts) == bool(abroad)
    assert (f"+{unmapped} landelijk/online" in parts) == bool(unmapped)
    assert scene.title == "Initiatieven: wonen in krimpregio's"
    assert sum(p.count for p in scene.points) == len(on_map)


def test_foreign_and_pointless_initiatives_are_mentioned_not_drawn(frame):
    drawn, counts = export.selection(frame, FilterState())
    assert not drawn["abroad"].any() and drawn["on_map"].all()
    assert counts.abroad == int(frame["abroad"].sum()) > 0
    assert counts.unmapped == int((~frame["on_map"]).sum()) > 0
    subtitle = " · ".join(export.summary_parts(FilterState(), counts))
    assert f"+{counts.abroad} in het buitenland" in subtitle
    assert f"+{counts.unmapped} landelijk/online" in subtitle


def test_bbox_limits_points_and_counts_the_rest(frame):
    bbox = (6.0, 52.9, 7.3, 53.6)  # Groningen and north Drenthe
    drawn, counts = export.selection(frame, FilterState(), bbox)
    assert drawn["lon"].between(6.0, 7.3).all() and drawn["lat"].between(52.9, 53.6).all()
    assert counts.drawn + counts.outside + counts.abroad + counts.unmapped == len(frame)
    assert counts.outside > 0
    x0, y0, x1, y1 = export.rd_extent(bbox)
    assert 190_000 < x0 < x1 < 300_000 and 500_000 < y0 < y1 < 650_000
    data = export.render_static(frame, FilterState(), fmt="svg", preset="a4", bbox=bbox)
    assert "buiten dit kaartbeeld" in svg_text(data)


def test_empty_result_still_makes_a_map(frame):
    state = FilterState(q="geen-enkel-initiatief-heet-zo")
    data = export.render_static(frame, state, fmt="svg", preset="slide")
    text = svg_text(data)
    assert "geen initiatieven" in text
    assert "Geen initiatieven op deze kaart" in text
    en = export.build_scene(frame, state, lang="en")
    assert "no initiatives" in en.subtitle
    png = export.render_static(frame, state, fmt="png", preset="a4", dpi=50)
    assert png_size(png) == pytest.approx((413, 585), abs=1)


def test_legend_lists_only_themes_shown(frame):
    scene = export.build_scene(frame, FilterState(thema=("zorg",)))
    labels = [label for _, _, label in scene.theme_rows]
    drawn, _ = export.selection(frame, FilterState(thema=("zorg",)))
    first = {next((t for t in themes if t in style.THEME_COLOURS), "")
             for themes in drawn["themes"]}
    assert len(labels) == len(first)
    assert "Zorg" in labels


def test_titles():
    assert export.default_title(FilterState()) == "Sociale innovatie in krimpregio's"
    assert export.default_title(FilterState(thema=("wonen", "zorg"), regio=("achterhoek",))) \
        == "Initiatieven: wonen en zorg in Achterhoek"
    assert export.default_title(FilterState(regiotype=("anticipeerregio",)), "en") \
        == "Initiatives: in anticipation regions"
    assert export.default_title(FilterState(status=("idee",))) == "Initiatieven: selectie"


def test_custom_title_and_labels_render(frame):
    data = export.render_static(frame, FilterState(), fmt="svg", preset="a4", labels=True,
                                title="Werkconferentie & krimp <2025>")
    text = svg_text(data)
    assert "Werkconferentie & krimp <2025>" in text
    assert b"<script>" not in data  # haloed labels are drawn as outlines; text is escaped
    labels = [p.label for p in export.build_scene(frame, FilterState(), labels=True).points]
    assert EVIL in labels


def test_population_layer_has_its_legend(frame):
    data = export.render_static(frame, FilterState(), fmt="svg", preset="a4",
                                population=True)
    assert "Bevolkingsverandering 2014–2024" in svg_text(data)


def test_alt_text_describes_the_image(frame):
    state = FilterState(thema=("wonen",), regiotype=("krimpregio",))
    text = export.alt_text(frame, state, "nl")
    n = export.selection(frame, state)[1].drawn
    assert text.startswith(f"Kaart van Nederland met {n} initiatie")
    assert "Thema: Wonen" in text and "Regiotype: Krimpregio" in text
    assert "krimpregio's in oranje" in text
    assert "\n" not in text
    empty = export.alt_text(frame, FilterState(q="zzzzzz"), "en")
    assert "without initiatives" in empty


# --------------------------------------------------------------------------- layout rules


def test_placer_never_overlaps_or_leaves_the_frame():
    placer = Placer((0, 0, 100, 100), [(40, 40, 60, 60)])
    assert placer.place([(45, 45, 55, 55), (0, 0, 10, 10)]) == 1
    assert placer.place([(5, 5, 15, 15), (95, 95, 110, 105)]) is None  # taken / outside
    for a in placer.taken:
        assert sum(overlaps(a, b) for b in placer.taken) == 1  # only itself
    assert box_at(10, 10, 4, 2, "right", "top") == (6, 8, 10, 10)


def test_legend_columns_keep_headings_with_rows(frame):
    for thema in [(), ("wonen",)]:
        for population in (False, True):
            scene = export.build_scene(frame, FilterState(thema=thema), population=population)
            rows = layout._legend_rows(scene)
            heights = [1.0] * len(rows)
            for n in (1, 2, 3):
                columns = layout._columns(rows, n, heights)
                assert sorted(i for col in columns for i in col) == list(range(len(rows)))
                assert len(columns) <= n
                for col in columns:
                    assert rows[col[-1]].kind != "heading"


def test_scale_bar_lengths():
    assert mapdraw.nice_length_km(300) == 50
    assert mapdraw.nice_length_km(60) == 10
    assert mapdraw.nice_length_km(3) == 0.5


# --------------------------------------------------------------------------- HTML


def test_html_is_self_contained_and_escaped(frame):
    state = FilterState(thema=("zorg",))
    data = export.export_html(frame, state, "nl", title="Kaart <b>vet</b> & zo", today=DAY)
    html = data.decode("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    external = re.findall(r"""<(?:script|link)[^>]+(?:src|href)=["']?(?:https?:)?//""", html)
    assert external == []
    assert not re.search(r"https?://[^\"'\s]+\.(?:js|css)\b", html)
    # Leaflet, supercluster and our own scripts and styles are inlined, whole
    for _, rel in [*assets.JS, *assets.CSS]:
        body = assets.text(rel)
        if rel.endswith(".css"):
            body = re.sub(r"url\(images/[^)]*\)", "none", body)
        assert body.replace("</script", "<\\/script") in html, rel
    assert "/app/static/" not in html
    # the evil name travels as inert JSON text; the browser escapes it for the tooltip
    # (tests/e2e/test_escaping.py checks that in Chromium)
    assert EVIL not in html
    labels = [p[6] for p in webmap.unpack_points(kk_call(html, "markers")["points"])]
    # exactly, as text: "name · place"
    assert [x.split(" · ")[0] for x in labels if x.startswith(EVIL)] == [EVIL]
    assert kk_calls(html, "fitOnLoad") == [
        {"bounds": webmap.NL_BOUNDS, "avoidPanels": True, "view": None}]
    # the title: escaped in <title> and in the header control
    assert "<title>Kaart &lt;b&gt;vet&lt;/b&gt; &amp; zo</title>" in html
    assert "<b>vet</b>" not in html
    assert "9 mei 2025" in html and "Krimpkaart (CC BY 4.0)" in html


def test_html_default_title_and_bbox(frame):
    html = export.export_html(frame, FilterState(), "en", bbox=(6.0, 52.9, 7.3, 53.6)).decode()
    assert "<title>Social innovation in Dutch shrink regions</title>" in html
    # one fit (a second one, during the first's zoom animation, would be ignored):
    # the box, clear of the open legend and title card
    assert kk_calls(html, "fitOnLoad") == [
        {"bounds": [[52.9, 6.0], [53.6, 7.3]], "avoidPanels": True, "view": None}]
    head = kk_call(html, "exportHeader")["html"]
    assert head.startswith("<h1>Social innovation in Dutch shrink regions</h1>")


def test_approximate_points_are_dashed_and_explained(records):
    """A point placed at a municipality's centre is drawn with a dashed ring and the
    legend says what the ring means; exact points keep their solid edge."""
    exact = [{**r, "location_approximate": False} for r in records]
    rough = [{**r, "location_approximate": r["id"] == "evil-name"} for r in records]
    plain = export.build_scene(query.initiatives_frame(exact), FilterState())
    marked = export.build_scene(query.initiatives_frame(rough), FilterState())
    assert not any(p.approximate for p in plain.points) and plain.approximate_text == ""
    assert [p.label for p in marked.points if p.approximate] == [mapdraw.shorten(EVIL)]
    assert marked.approximate_text == "locatie bij benadering"
    dashed = 'stroke-dasharray'
    without = export.render_static(query.initiatives_frame(exact), FilterState(), fmt="svg",
                                   preset="a4", today=DAY).decode()
    with_ = export.render_static(query.initiatives_frame(rough), FilterState(), fmt="svg",
                                 preset="a4", lang="en", today=DAY)
    assert "approximate location" in svg_text(with_)
    assert with_.decode().count(dashed) > without.count(dashed)
