"""The curated seed data set ``geodata/initiatieven.geojson``.

It must hold every initiative, network, fund, programme and foreign example
named in R. During's article, in the record form of ``docs/record-format.md``, with
points that lie in the municipality the record names.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest

from dashboard.domain import record, validation, vocab
from dashboard.geo import locate_many

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "geodata" / "initiatieven.geojson"
# CI clones the repo next to a copy of shared/; a developer's checkout sits beside it too.
ARTICLE = ROOT.parent / "shared" / "source" / "sociale-innovatie-krimpregios.txt"
ARTICLE_TITLE = "Sociale innovatie"

# Every item the article names that the issue lists by name: id -> a name fragment.
REQUIRED = {
    "klushuizen-oostburg": "KLUShuizen",
    "boermarke-essen-en-aas": "Boermarke",
    "linkedin-braakliggende-terreinen-amsterdam": "braakliggende terreinen",
    "at5-stadsoase": "Stadsoase",
    "de-heimanshof-hoofddorp": "Heimanshof",
    "ganzedijk": "Ganzedijk",
    "burgerschap-in-krimpgebieden": "Burgerschap in Krimpgebieden",
    "guusnet-netwerk-platteland": "Guusnet",
    "krimpnieuws-twitter": "Krimpnieuws",
    "linkedin-krimp-het-nieuwe-denken": "Krimp het nieuwe denken",
    "zorg-voor-de-toekomst": "Zorg voor de Toekomst",
    "kennisagenda-bevolkingsdaling": "Kennisagenda Bevolkingsdaling",
    "human-capital-agenda-limburg": "Human Capital Agenda Limburg",
    "enabling-technologies-zuid-limburg": "Enabling Technologies",
    "foodlog": "Foodlog",
    "wehelpen": "WeHelpen",
    "seats2meet": "Seats2Meet",
    "stichting-doen": "DOEN",
    "vsb-fonds": "VSB Fonds",
    "ikwordmaatje": "maatje",
    "fonds-voor-cultuurparticipatie": "Cultuurparticipatie",
    "kracht-in-nl": "Kracht in NL",
    "bende-burgers": "Bende Burgers",
    "ashram-neighbourhood-development-model-birmingham": "Ashram",
    "social-innovation-europe": "Social Innovation Europe",
    "the-young-foundation": "Young Foundation",
    "finance-innovation-lab": "Finance Innovation Lab",
    "prijs-sociale-innovatie-europese-commissie": "Europese Commissie",
    "prijs-sociale-innovatie-eib": "EIB",
    "social-stock-exchange-londen": "stock exchange",
    "sociale-innovatie-en-sociale-media": "Sociale innovatie en sociale media",
    "burgers-en-landschap": "Burgers en landschap",
    "wrr-advies-participatie": "WRR",
}

# Where the named places lie (CBS 2024 municipalities).
EXPECTED_MUNICIPALITY = {
    "klushuizen-oostburg": {"GM1714"},  # Sluis
    "boermarke-essen-en-aas": {"GM1950"},  # Westerwolde
    "de-heimanshof-hoofddorp": {"GM0394"},  # Haarlemmermeer
    "ganzedijk": {"GM1895"},  # Oldambt
    "enabling-technologies-zuid-limburg": {"GM1883", "GM0935"},  # Sittard-Geleen, Maastricht
    "human-capital-agenda-limburg": None,  # any Limburg municipality, see the test
    "linkedin-braakliggende-terreinen-amsterdam": {"GM0363"},  # Amsterdam
    "at5-stadsoase": {"GM0363"},
}

WEBSITES = {
    "klushuizen-oostburg": "krotofkans.nl",
    "foodlog": "foodlog.nl",
    "wehelpen": "wehelpen.nl",
    "ikwordmaatje": "ikwordmaatje.nl",
}

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return json.loads(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """id -> properties plus ``lat``/``lon`` from the geometry (None without a point)."""
    out: dict[str, dict[str, Any]] = {}
    for feature in doc["features"]:
        props = dict(feature["properties"])
        geometry = feature["geometry"]
        if geometry is None:
            props["lat"] = props["lon"] = None
        else:
            props["lon"], props["lat"] = geometry["coordinates"]
        out.setdefault(props["id"], props)
    return out


def outcome_values(record: dict[str, Any]) -> set[float]:
    return {o["value"] for o in record["outcomes"] if o["value"] is not None}


def all_text(record: dict[str, Any]) -> str:
    parts = [str(record.get(k, "")) for k in ("name", "summary", "summary_en", "description",
                                                "description_en")]
    parts += [o["label"] for o in record["outcomes"]]
    return " ".join(parts)


# ------------------------------------------------------------------ file shape


def test_file_is_geojson_that_geopandas_reads(doc: dict[str, Any]) -> None:
    assert doc["type"] == "FeatureCollection"
    frame = gpd.read_file(SEED)
    assert len(frame) == len(doc["features"]) >= len(REQUIRED)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    located = frame.geometry.dropna()
    assert set(located.geom_type) == {"Point"}
    assert frame.geometry.isna().any(), "national/online records must have a null geometry"


def test_licence_and_citation(doc: dict[str, Any]) -> None:
    assert doc["licence"] == "CC BY 4.0"
    assert "CC BY 4.0" in doc["citation"]
    assert "During" in doc["citation"] and ARTICLE_TITLE in doc["citation"]


def test_properties_are_exactly_the_record_fields(doc: dict[str, Any]) -> None:
    expected = set(record.RECORD_FIELDS) - {"lat", "lon"}
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        props = feature["properties"]
        assert set(props) == expected, props.get("id")


def test_ids_unique_slug_shaped_and_sorted(doc: dict[str, Any]) -> None:
    ids = [f["properties"]["id"] for f in doc["features"]]
    assert len(ids) == len(set(ids))
    assert all(SLUG.match(i) for i in ids), [i for i in ids if not SLUG.match(i)]
    assert ids == sorted(ids)
    names = [f["properties"]["name"].casefold() for f in doc["features"]]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("record_id", sorted(REQUIRED))
def test_named_item_present(records: dict[str, dict[str, Any]], record_id: str) -> None:
    assert record_id in records, f"{record_id} is missing"
    assert REQUIRED[record_id].casefold() in records[record_id]["name"].casefold()


# ------------------------------------------------------------------ values


def test_vocabulary_values(records: dict[str, dict[str, Any]]) -> None:
    for rid, r in records.items():
        assert r["kind"] in vocab.KINDS.slugs, rid
        assert r["scope"] in vocab.SCOPES.slugs, rid
        assert r["status"] in vocab.STATUSES.slugs, rid
        assert r["participation"] == "" or r["participation"] in vocab.PARTICIPATION.slugs, rid
        assert r["themes"], f"{rid} has no theme"
        assert set(r["themes"]) <= set(vocab.THEMES.slugs), rid
        assert set(r["actors"]) <= set(vocab.ACTORS.slugs), rid
        assert len(set(r["themes"])) == len(r["themes"]), rid
        assert all(isinstance(c, str) and c.strip() for c in r["channels"]), rid


def test_scalar_fields(records: dict[str, dict[str, Any]]) -> None:
    for rid, r in records.items():
        assert r["start_year"] is None or (
            isinstance(r["start_year"], int) and 1800 <= r["start_year"] <= 2026), rid
        assert TIMESTAMP.match(r["created_at"]) and TIMESTAMP.match(r["updated_at"]), rid
        assert r["author"] == "seed", rid
        for o in r["outcomes"]:
            assert set(o) == {"label", "value", "unit"} and o["label"], rid
            assert o["value"] is None or isinstance(o["value"], int | float), rid


def test_texts_in_dutch_and_english(records: dict[str, dict[str, Any]]) -> None:
    for rid, r in records.items():
        for key in ("name", "summary", "summary_en", "description", "description_en"):
            assert isinstance(r[key], str) and r[key].strip(), f"{rid}: {key} is empty"
        assert len(r["description"]) > len(r["summary"]) * 0.8, rid


def test_every_record_cites_the_article(records: dict[str, dict[str, Any]]) -> None:
    for rid, r in records.items():
        titles = [s["title"] for s in r["sources"]]
        assert any(ARTICLE_TITLE in t for t in titles), rid


def test_urls_are_empty_or_http(records: dict[str, dict[str, Any]]) -> None:
    urls = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
    for rid, r in records.items():
        assert r["website"] == "" or urls.match(r["website"]), rid
        for source in r["sources"]:
            assert set(source) == {"title", "url", "note"}, rid
            assert source["url"] == "" or urls.match(source["url"]), rid


def test_websites_only_where_the_article_gives_one(records: dict[str, dict[str, Any]]) -> None:
    with_site = {rid for rid, r in records.items() if r["website"]}
    assert with_site == set(WEBSITES)
    for rid, host in WEBSITES.items():
        site = records[rid]["website"]
        assert site == f"https://www.{host}", rid
        assert site in [s["url"] for s in records[rid]["sources"]], rid


# ------------------------------------------------------------------ places


def test_records_without_point_are_national_online_or_abroad(
    records: dict[str, dict[str, Any]],
) -> None:
    for rid, r in records.items():
        if r["lat"] is None:
            assert r["lon"] is None, rid
            assert r["scope"] in vocab.POINTLESS_SCOPES, rid
            assert r["gemeente_code"] == "", rid
        if r["scope"] in ("lokaal", "regionaal", "buitenland"):
            assert r["lat"] is not None, f"{rid} ({r['scope']}) needs a point"
            assert r["place"], rid


def test_points_lie_in_their_municipality(records: dict[str, dict[str, Any]]) -> None:
    located = [r for r in records.values() if r["lat"] is not None]
    found = locate_many([r["lon"] for r in located], [r["lat"] for r in located])
    for r, (_, row) in zip(located, found.iterrows(), strict=True):
        code = row["statcode"]
        outside = code is None or (isinstance(code, float) and math.isnan(code))
        if r["scope"] == "buitenland":
            assert outside, f"{r['id']} is abroad but its point lies in {row['statnaam']}"
            assert r["gemeente_code"] == "", r["id"]
        else:
            assert not outside, f"{r['id']}: point lies outside the Netherlands"
            assert code == r["gemeente_code"], (
                f"{r['id']}: point lies in {row['statnaam']} ({code}), "
                f"record says {r['gemeente_code']}")


def test_expected_municipalities(records: dict[str, dict[str, Any]]) -> None:
    ids = list(EXPECTED_MUNICIPALITY)
    found = locate_many([records[i]["lon"] for i in ids], [records[i]["lat"] for i in ids])
    for rid, (_, row) in zip(ids, found.iterrows(), strict=True):
        expected = EXPECTED_MUNICIPALITY[rid]
        if expected is None:
            assert row["provincie"] == "Limburg", rid
        else:
            assert row["statcode"] in expected, f"{rid} lies in {row['statnaam']}"
    assert found.loc[ids.index("klushuizen-oostburg"), "regio"] == "Zeeuws-Vlaanderen"
    assert found.loc[ids.index("boermarke-essen-en-aas"), "regio"] == "Oost-Groningen"


def test_foreign_examples_have_their_real_place(records: dict[str, dict[str, Any]]) -> None:
    boxes = {  # (min lon, min lat, max lon, max lat)
        "Birmingham": (-2.05, 52.38, -1.72, 52.61),
        "Londen": (-0.51, 51.28, 0.33, 51.69),
        "Brussel": (4.24, 50.76, 4.48, 50.92),
        "Luxemburg": (6.05, 49.55, 6.25, 49.68),
    }
    abroad = {rid: r for rid, r in records.items() if r["scope"] == "buitenland"}
    assert {r["place"] for r in abroad.values()} <= set(boxes)
    for rid, r in abroad.items():
        min_lon, min_lat, max_lon, max_lat = boxes[r["place"]]
        assert min_lon <= r["lon"] <= max_lon and min_lat <= r["lat"] <= max_lat, rid
    assert records["ashram-neighbourhood-development-model-birmingham"]["place"] == "Birmingham"
    assert records["social-stock-exchange-londen"]["place"] == "Londen"
    assert records["prijs-sociale-innovatie-eib"]["place"] == "Luxemburg"


# ------------------------------------------------------------------ facts from the article


def test_key_facts(records: dict[str, dict[str, Any]]) -> None:
    assert {70000, 125000, 140000} <= outcome_values(records["klushuizen-oostburg"])
    assert {15000, 40000} <= outcome_values(records["linkedin-braakliggende-terreinen-amsterdam"])
    assert 30 in outcome_values(records["boermarke-essen-en-aas"])
    assert "2006" in all_text(records["de-heimanshof-hoofddorp"])
    assert records["de-heimanshof-hoofddorp"]["start_year"] is None
    boermarke = all_text(records["boermarke-essen-en-aas"])
    for hamlet in ("Höfte", "Veele", "Wessinghuizen"):
        assert hamlet in boermarke
    assert "keukentafelgesprekken" in records["boermarke-essen-en-aas"]["channels"]
    assert {"LinkedIn", "Twitter", "Facebook"} <= set(
        records["linkedin-braakliggende-terreinen-amsterdam"]["channels"])
    assert "Twitter" in records["krimpnieuws-twitter"]["channels"]
    assert "Landelijke Vereniging voor Kleine Kernen" in all_text(
        records["burgerschap-in-krimpgebieden"])
    enabling = all_text(records["enabling-technologies-zuid-limburg"])
    assert "Chemelot" in enabling and "Maastricht Health Campus" in enabling


# Phrases an audit against the article found: facts the article does not state, and
# figures softened where the article is exact. Checked in Dutch and English, notes included.
NOT_IN_ARTICLE = {
    "foodlog": ["over voedsel", "about food"],
    "wehelpen": ["hulp aanbieden", "om hulp vragen", "offer and ask"],
    "kennisagenda-bevolkingsdaling": ["zet op een rij welke kennis", "sets out what knowledge"],
    "at5-stadsoase": ["Amsterdamse zender", "Amsterdam broadcaster"],
    "the-young-foundation": ["Britse organisatie", "British organisation",
                             "waarin tientallen miljarden euro's omgaan", "worth tens of billions"],
    "europese-structuurfondsen-esf": ["goed voor tientallen miljarden",
                                      "fondsen van tientallen miljarden", "worth tens of billions"],
    "prijs-sociale-innovatie-eib": ["de EIB in Luxemburg", "the EIB in Luxembourg"],
    "social-innovation-europe": ["zetel van de Europese Commissie",
                                 "seat of the European Commission"],
    "klushuizen-oostburg": ["zo'n 70.000", "about 70,000"],
    "ashram-neighbourhood-development-model-birmingham": ["zo'n honderd", "about a hundred",
                                                          "ongeveer"],
}


def every_text(record: dict[str, Any]) -> str:
    return " ".join([all_text(record), record["notes"], record["notes_en"]])


def test_records_state_no_facts_the_article_does_not(records: dict[str, dict[str, Any]]) -> None:
    found = {(rid, phrase) for rid, phrases in NOT_IN_ARTICLE.items() for phrase in phrases
             if phrase.casefold() in every_text(records[rid]).casefold()}
    found |= {(rid, "LVKK") for rid, r in records.items() if "LVKK" in every_text(r)}
    assert found == set()


def test_figures_are_the_articles_own(records: dict[str, dict[str, Any]]) -> None:
    assert "van 70.000 euro naar 125.000 à 140.000 euro" in \
        records["klushuizen-oostburg"]["description"]
    assert "from 70,000 euro to 125,000-140,000 euro" in \
        records["klushuizen-oostburg"]["description_en"]
    birmingham = records["ashram-neighbourhood-development-model-birmingham"]
    assert "honderd keukentafelgesprekken" in birmingham["description"]
    assert "de afgelopen dertig jaar" in birmingham["description"]
    assert [o["label"] for o in birmingham["outcomes"]] == [
        "jaren met goede resultaten", "keukentafelgesprekken met de dragers van de wijk"]


def test_boermarke_hamlets_lie_in_their_own_municipalities(
    records: dict[str, dict[str, Any]],
) -> None:
    boermarke = records["boermarke-essen-en-aas"]
    assert "Veele ligt in de gemeente Westerwolde, Höfte en Wessinghuizen in de gemeente " \
        "Stadskanaal" in boermarke["description"]
    assert "Veele lies in the municipality of Westerwolde, Höfte and Wessinghuizen in the " \
        "municipality of Stadskanaal" in boermarke["description_en"]
    assert "Wessinghuizen, in Westerwolde" not in boermarke["description"]
    assert "Drentse Westerwolde" in boermarke["notes"]  # the caption's claim, corrected
    assert boermarke["gemeente_code"] == "GM1950" and boermarke["place"] == "Veele"


def test_heimanshof_note_dates_the_garden_from_its_own_sources(
    records: dict[str, dict[str, Any]],
) -> None:
    garden = records["de-heimanshof-hoofddorp"]
    assert "2006" in garden["description"]  # the article's claim stays, as the article's
    assert "1975" in garden["notes"] and "1975" in garden["notes_en"]
    urls = [s["url"] for s in garden["sources"]]
    assert "https://www.sntp.nl/heemtuinen/de-heimanshof/" in urls
    assert garden["start_year"] is None  # the article gives none


def test_a_note_cites_its_source(records: dict[str, dict[str, Any]]) -> None:
    """A fact from outside the article comes with the source it is from."""
    noted = {rid for rid, r in records.items() if r["notes"]}
    assert noted == {"boermarke-essen-en-aas", "de-heimanshof-hoofddorp"}
    for rid in noted:
        r = records[rid]
        assert r["notes_en"], rid
        assert [s for s in r["sources"] if s["url"] and ARTICLE_TITLE not in s["title"]], rid


FULL_TITLE = "Sociale innovatie als veelbelovend concept in krimpregio's"


def test_every_record_cites_author_title_and_passage(records: dict[str, dict[str, Any]]) -> None:
    """As fully as the article allows: it names its author and title, not a venue or year."""
    for rid, r in records.items():
        (article,) = [s for s in r["sources"] if s["title"] == FULL_TITLE]
        assert article["url"] == "", rid  # no address is known; none is made up
        assert article["note"].startswith("Roel During (auteur); "), rid
        assert not re.search(r"\d{4}", article["note"]), rid  # no invented year


@pytest.mark.skipif(not ARTICLE.is_file(), reason="source article not available")
def test_cited_passages_exist_in_the_article(records: dict[str, dict[str, Any]]) -> None:
    article = ARTICLE.read_text(encoding="utf-8")
    for rid, r in records.items():
        (note,) = [s["note"] for s in r["sources"] if s["title"] == FULL_TITLE]
        for heading in re.findall(r'"([^"]+)"', note):
            assert heading in article, (rid, heading)


def test_article_focus_is_civic_initiative(records: dict[str, dict[str, Any]]) -> None:
    local = [r for r in records.values() if r["kind"] == "initiatief" and r["scope"] == "lokaal"]
    assert local and all(r["participation"] == "maatschappelijk-initiatief" for r in local)


def test_start_years_and_statuses_are_not_invented(records: dict[str, dict[str, Any]]) -> None:
    # The article dates only the Ministry of Economic Affairs' policy (since 2000).
    dated = {rid: r["start_year"] for rid, r in records.items() if r["start_year"] is not None}
    assert dated == {"beleid-sociale-innovatie-economische-zaken": 2000}
    assert {r["status"] for r in records.values()} == {"onbekend"}


def test_records_pass_model_validation_unchanged(records: dict[str, dict[str, Any]]) -> None:
    for rid, r in records.items():
        result = validation.validate(r)
        assert not result.problems, (rid, [(p.field, p.message) for p in result.problems])
        assert result.record == r, rid


@pytest.mark.skipif(not ARTICLE.is_file(), reason="source article not available")
def test_descriptions_are_not_copied_from_the_article(
    records: dict[str, dict[str, Any]],
) -> None:
    """No run of eight words may be taken over from the article's text."""

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.casefold())

    article = re.sub(r"-\n", "", ARTICLE.read_text(encoding="utf-8"))
    article_words = words(article)
    n = 8
    grams = {tuple(article_words[i:i + n]) for i in range(len(article_words) - n + 1)}
    copied = []
    for rid, r in records.items():
        for key in ("summary", "description"):
            w = words(r[key])
            copied += [(rid, key, " ".join(w[i:i + n])) for i in range(len(w) - n + 1)
                       if tuple(w[i:i + n]) in grams]
    assert not copied, copied
