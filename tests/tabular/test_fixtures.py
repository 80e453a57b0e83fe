"""The committed files with mistakes (tests/fixtures) give every message in the
reader's language, with field labels ("Startjaar", not ``start_year``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.tabular.importing import field_text, format_report, plan_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ALLOWED_THEMES = ("wonen, leefbaarheid, natuur, zorg, economie, onderwijs, mobiliteit, energie, "
                  "voedsel, cultuur, netwerken, financiering")

# row -> (field, key, field label, message) in Dutch and in English
EXPECTED = {
    "nl": {
        2: ("start_year", "val_year_range", "Startjaar",
            "Startjaar 1750 is geen geloofwaardig jaar; geef een jaar van 1800 tot 2100"),
        3: ("location", "val_swapped", "Locatie (breedtegraad/lengtegraad)",
            "Het punt breedtegraad 6,55 / lengtegraad 53,33 ligt buiten Nederland; zijn "
            "breedtegraad en lengtegraad verwisseld? Op breedtegraad 53,33 / lengtegraad 6,55 "
            "ligt het in Het Hogeland"),
        4: ("location", "val_rd", "Locatie (breedtegraad/lengtegraad)",
            "De coördinaten breedtegraad 463000 / lengtegraad 155000 lijken RD New-coördinaten "
            "(EPSG:28992, x 155000, y 463000), geen WGS84-graden; omgerekend naar WGS84 is dat "
            "breedtegraad 52,155172 / lengtegraad 5,387204. Vul die waarden in, of importeer met "
            "de optie om RD-coördinaten om te rekenen (--convert-rd)"),
        5: ("themes", "val_term_unknown_suggest", "Thema's",
            f"Thema 'woningen' is onbekend; bedoel je 'wonen'? Toegestaan: {ALLOWED_THEMES}"),
        6: ("name", "val_name_required", "Naam",
            "Naam is verplicht; vul de naam van het initiatief in"),
        7: ("website", "val_url_scheme", "Website",
            "Website 'javascript:alert(1)' is niet toegestaan: alleen webadressen met http:// "
            "of https:// zijn dat, zoals https://www.voorbeeld.nl"),
    },
    "en": {
        2: ("start_year", "val_year_range", "Start year (startjaar)",
            "Start year 1750 is not a plausible year; give a year from 1800 to 2100"),
        3: ("location", "val_swapped", "Location (breedtegraad/lengtegraad)",
            "The point latitude 6.55 / longitude 53.33 lies outside the Netherlands; are "
            "latitude and longitude swapped? At latitude 53.33 / longitude 6.55 it lies in "
            "Het Hogeland"),
        4: ("location", "val_rd", "Location (breedtegraad/lengtegraad)",
            "The coordinates latitude 463000 / longitude 155000 look like RD New coordinates "
            "(EPSG:28992, x 155000, y 463000), not WGS84 degrees; converted to WGS84 that is "
            "latitude 52.155172 / longitude 5.387204. Enter those values, or import with the "
            "option to convert RD coordinates (--convert-rd)"),
        5: ("themes", "val_term_unknown_suggest", "Themes (thema's)",
            f"Theme 'woningen' is unknown; did you mean 'wonen'? Allowed: {ALLOWED_THEMES}"),
        6: ("name", "val_name_required", "Name (naam)",
            "Name is required; give the initiative's name"),
        7: ("website", "val_url_scheme", "Website",
            "Website 'javascript:alert(1)' is not allowed: only http:// and https:// web "
            "addresses are, like https://www.example.nl"),
    },
}
INTERNAL_NAMES = ("start_year", "gemeente_code", "lat ", "lon ", "themes", "location")


def report_for(name: str):
    return plan_import((FIXTURES / name).read_bytes(), name, [])


@pytest.mark.parametrize("name", ["import-errors.csv", "import-errors.xlsx"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_mistake_is_explained_in_the_readers_language(name, lang):
    report = report_for(name)
    assert not report.ok and report.rows_read == 7
    assert [r["name"] for r in report.records] == ["Buurtbus Emmen"]  # valid, yet not written
    found = {p.row: (p.field, p.key, field_text(p, lang), p.text(lang)) for p in report.errors}
    assert found == EXPECTED[lang]
    assert report.warnings == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_plain_text_report_has_labels_not_internal_names(lang):
    text = format_report(report_for("import-errors.csv"), lang)
    summary, *lines = text.splitlines()
    assert summary == {"nl": "import-errors.csv: 7 rijen gelezen, 1 geldig, 6 met fouten",
                       "en": "import-errors.csv: 7 rows read, 1 valid, 6 with errors"}[lang]
    assert lines[0] == {
        "nl": "  rij 2, Startjaar: fout: " + EXPECTED["nl"][2][3],
        "en": "  row 2, Start year (startjaar): error: " + EXPECTED["en"][2][3]}[lang]
    assert len(lines) == 6
    for word in INTERNAL_NAMES:  # the record's own field names, as the code spells them
        assert word not in text, word


@pytest.mark.parametrize(("name", "nl", "en"), [
    ("not-a-table.csv",
     "'not-a-table.csv' is een PNG-afbeelding, geen tabel; upload een CSV-, XLSX-, GeoJSON- of "
     "GeoPackage-bestand",
     "'not-a-table.csv' is a PNG image, not a table; upload a CSV, XLSX, GeoJSON or GeoPackage "
     "file"),
    ("broken.xlsx",
     "'broken.xlsx' is een beschadigd ZIP-archief, geen tabel; upload een CSV-, XLSX-, GeoJSON- "
     "of GeoPackage-bestand",
     "'broken.xlsx' is a damaged ZIP archive, not a table; upload a CSV, XLSX, GeoJSON or "
     "GeoPackage file"),
])
def test_a_file_that_is_not_a_table_is_refused_in_the_readers_language(name, nl, en):
    report = report_for(name)
    (problem,) = report.problems
    assert (problem.row, problem.field, problem.key) == (0, "", "read_not_a_table")
    assert problem.text("nl") == nl
    assert problem.text("en") == en
