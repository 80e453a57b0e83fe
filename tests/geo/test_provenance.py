"""Where each region comes from, said the same way on the page, in README and in SOURCES.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.geo import provenance
from dashboard.i18n import t

ROOT = Path(__file__).resolve().parents[2]
RECONSTRUCTED = {"Zuidoost-Fryslân", "Waddeneilanden", "Oost-Drenthe", "Midden-Limburg",
                 "Walcheren"}


def note(slug: str, lang: str) -> str:
    return provenance.note_text(slug, lang)


def test_exactly_the_five_regions_are_reconstructed():
    assert set(provenance.reconstructed_names()) == RECONSTRUCTED
    assert len(provenance.all_regions()) == 19


@pytest.mark.parametrize("lang,word", [("nl", "gereconstrueerd"), ("en", "reconstructed")])
def test_every_reconstructed_region_has_a_note_that_says_so(lang, word):
    for region in provenance.all_regions():
        text = note(region.slug, lang)
        if region.reconstructed:
            assert word in text and "BZK" in text, region.name
        assert provenance.source_text(region.slug, lang), region.name  # few words for all


def test_zuidoost_fryslan_keeps_three_and_says_the_collaboration_counts_five():
    region = provenance.region("zuidoost-fryslan")
    assert region is not None and len(region.members) == 3
    nl, en = note("zuidoost-fryslan", "nl"), note("zuidoost-fryslan", "en")
    for text in (nl, en):
        for name in ("Heerenveen", "Smallingerland", "Streekagenda", "Regio Deal",
                     "Omrop Fryslân (2020)"):
            assert name in text, name
    assert "vijf" in nl and "niet vastgesteld" in nl
    assert "five" in en and "not established" in en


def test_supporting_sources_are_cited():
    for lang in ("nl", "en"):
        assert "laoslandschap.nl, project 829" in note("oost-drenthe", lang)
        assert "publicresult.nl, 'Ondersteuning anticipeerregio Midden-Limburg'" in note(
            "midden-limburg", lang)
        assert "Walcheren" in note("walcheren", lang)
        noordoost = note("noordoost-fryslan", lang)
        assert "Tytsjerksteradiel" in noordoost
        assert "PvdA Heerenveen 2015" in noordoost and "Harpoen 2015" in noordoost
    assert "naam" in note("walcheren", "nl") and "name" in note("walcheren", "en")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_legend_credit_names_exactly_the_reconstructed_regions(lang):
    credit = t("credit_regions_note", lang)
    named = {r.name for r in provenance.all_regions() if r.name in credit}
    assert named == RECONSTRUCTED


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_about_lists_every_region_with_its_provenance(lang):
    text = t("about_body", lang, **provenance.about_values(lang))
    for region in provenance.all_regions():
        assert f"**{region.name}**" in text
        assert provenance.source_text(region.slug, lang) in text
        assert note(region.slug, lang) in text
    assert provenance.about_values(lang)["reconstructed"] == 5
    assert provenance.about_values(lang)["partial"] == 4


def blocks(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(re.escape(provenance.BLOCK_START) + r".*?" + re.escape(provenance.BLOCK_END),
                      text, re.S)


def test_readme_and_sources_md_carry_the_same_generated_table():
    """One place: both documents hold exactly the block made from the layers and catalog.

    After changing a region's provenance, run
    ``python -m dashboard.geo.provenance README.md geodata/SOURCES.md``.
    """
    expected = provenance.markdown_block("en")
    readme, sources = blocks(ROOT / "README.md"), blocks(ROOT / "geodata" / "SOURCES.md")
    assert readme == [expected], "README.md: regenerate the region-provenance block"
    assert sources == [expected], "geodata/SOURCES.md: regenerate the region-provenance block"
    for name in RECONSTRUCTED:
        row = next(line for line in expected.splitlines() if line.startswith(f"| {name} |"))
        assert "| reconstructed, not checked against the BZK list |" in row


def test_the_readme_data_section_matches_sources_md_in_words():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sources = (ROOT / "geodata" / "SOURCES.md").read_text(encoding="utf-8")
    data = readme.split("## Data and sources", 1)[1].split("\n## ", 1)[0]
    for text in (data, sources):
        assert "ValenteMendez/population-dynamics-netherlands" in text  # the extract, named
        assert "reconstructed" in text and "partly designated" in text
        assert "Roel During" in text
    assert "compiled from the 2019 BZK list" not in data


def test_markdown_block_rewrites_a_document(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(f"intro\n{provenance.BLOCK_START}\nold\n{provenance.BLOCK_END}\nend\n",
                   encoding="utf-8")
    assert provenance.rewrite(doc) is True
    assert provenance.rewrite(doc) is False
    assert blocks(doc) == [provenance.markdown_block("en")]
    assert doc.read_text(encoding="utf-8").startswith("intro\n") and "end\n" in doc.read_text()
