"""Importing the fixture files on the page (AppTest): the report speaks the page's
language, with field labels ("Startjaar") rather than the record's field names."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MIME = {".csv": "text/csv",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LABELS = {  # the unlock form and the report's columns
    "nl": ("Je naam", "Wachtwoord", "Ontgrendelen", ["Rij", "Veld", "Melding", "Soort"]),
    "en": ("Your name", "Facilitator passcode", "Unlock", ["Row", "Field", "Message",
                                                           "Severity"]),
}


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label.startswith(label))


def upload(lang: str, name: str, monkeypatch) -> AppTest:
    """The page in ``lang``, unlocked by a facilitator, with ``name`` uploaded to the import."""
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    your_name, passcode, unlock, _ = LABELS[lang]
    by_label(at.sidebar.text_input, your_name).input("Fien")
    by_label(at.sidebar.text_input, passcode).input("geheim")
    by_label(at.sidebar.button, unlock).click().run()
    path = FIXTURES / name
    at.file_uploader(key="import_upload").upload(name, path.read_bytes(), MIME[path.suffix])
    at.run()
    assert not at.exception
    return at


def report_rows(at: AppTest) -> list[dict]:
    (table,) = [d for d in at.sidebar.dataframe]
    return table.value.to_dict("records")


@pytest.mark.parametrize("name", ["import-errors.csv", "import-errors.xlsx"])
def test_import_report_in_dutch(name, monkeypatch):
    at = upload("nl", name, monkeypatch)
    rows = report_rows(at)
    assert list(rows[0]) == LABELS["nl"][3]
    by_row = {r["Rij"]: r for r in rows}
    assert by_row[2]["Veld"] == "Startjaar"
    assert by_row[2]["Melding"] == ("Startjaar 1750 is geen geloofwaardig jaar; geef een jaar van "
                                    "1800 tot 2100")
    assert by_row[2]["Soort"] == "fout"
    assert by_row[3]["Veld"] == "Locatie (breedtegraad/lengtegraad)"
    assert "zijn breedtegraad en lengtegraad verwisseld?" in by_row[3]["Melding"]
    assert "lijken RD New-coördinaten" in by_row[4]["Melding"]
    assert by_row[5]["Melding"].startswith("Thema 'woningen' is onbekend; bedoel je 'wonen'?")
    assert (by_row[6]["Veld"], by_row[6]["Melding"]) == (
        "Naam", "Naam is verplicht; vul de naam van het initiatief in")
    assert by_row[7]["Melding"].startswith("Website 'javascript:alert(1)' is niet toegestaan")
    assert set(by_row) == {2, 3, 4, 5, 6, 7}
    shown = " ".join(f"{r['Veld']} {r['Melding']}" for r in rows)
    for internal in ("start_year", "location", "themes", "lat ", "lon "):
        assert internal not in shown
    assert [e.value for e in at.sidebar.error] == [
        "Niet geïmporteerd: 6 rijen met fouten. Er is niets gewijzigd."]


@pytest.mark.parametrize("name", ["import-errors.csv", "import-errors.xlsx"])
def test_import_report_in_english(name, monkeypatch):
    at = upload("en", name, monkeypatch)
    rows = report_rows(at)
    assert list(rows[0]) == LABELS["en"][3]
    by_row = {r["Row"]: r for r in rows}
    assert by_row[2]["Field"] == "Start year (startjaar)"
    assert by_row[2]["Message"] == ("Start year 1750 is not a plausible year; give a year from "
                                    "1800 to 2100")
    assert by_row[2]["Severity"] == "error"
    assert by_row[3]["Field"] == "Location (breedtegraad/lengtegraad)"
    assert "are latitude and longitude swapped?" in by_row[3]["Message"]
    assert "look like RD New coordinates" in by_row[4]["Message"]
    assert by_row[5]["Message"].startswith("Theme 'woningen' is unknown; did you mean 'wonen'?")
    assert by_row[6]["Message"] == "Name is required; give the initiative's name"
    assert by_row[7]["Message"].startswith("Website 'javascript:alert(1)' is not allowed")
    assert [e.value for e in at.sidebar.error] == [
        "Not imported: 6 rows with errors. Nothing was changed."]


@pytest.mark.parametrize(("lang", "message"), [
    ("nl", "'not-a-table.csv' is een PNG-afbeelding, geen tabel; upload een CSV-, XLSX-, "
           "GeoJSON- of GeoPackage-bestand"),
    ("en", "'not-a-table.csv' is a PNG image, not a table; upload a CSV, XLSX, GeoJSON or "
           "GeoPackage file"),
])
def test_a_file_that_is_not_a_table_is_explained(lang, message, monkeypatch):
    at = upload(lang, "not-a-table.csv", monkeypatch)
    (row,) = report_rows(at)
    assert list(row.values()) == [0, "", message, "fout" if lang == "nl" else "error"]
    assert [e.value for e in at.sidebar.error] == [  # not "0 rows with errors"
        "Niet geïmporteerd: het bestand zelf is niet bruikbaar (zie de melding hierboven). Er is "
        "niets gewijzigd." if lang == "nl" else
        "Not imported: the file itself cannot be used (see the message above). Nothing was "
        "changed."]


def test_an_import_on_the_page_is_undone_as_one_change(monkeypatch):
    """Import three rows on the page, then 'undo my last change': all three go at once,
    and the page says so; what was there before stays."""
    from dashboard import store

    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    before = {r["id"] for r in store.open_store().list()}
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "nl"
    at.run()
    by_label(at.sidebar.text_input, "Je naam").input("Fien")
    by_label(at.sidebar.text_input, "Wachtwoord").input("geheim")
    by_label(at.sidebar.button, "Ontgrendelen").click().run()
    data = ("naam;plaats;breedtegraad;lengtegraad\n"
            + "".join(f"Buurtkamer {i};Emmen;52,78;6,9{i}\n" for i in range(3))).encode()
    at.file_uploader(key="import_upload").upload("drie.csv", data, "text/csv")
    at.run()
    at.sidebar.button(key="import_go").click().run()
    assert not at.exception
    db = store.open_store()
    added = {r["id"] for r in db.list()} - before
    assert len(added) == 3
    assert {db.get(i)["author"] for i in added} == {"Fien"}
    # the facilitator's own page shows them at once (it does not wait for the live poll,
    # which knows this session wrote them) and says what happened
    total = len(before) + 3
    assert any(f"{total}** van {total} initiatieven" in m.value for m in at.markdown)
    assert "3 initiatieven geïmporteerd." in [s.value for s in at.sidebar.success]

    at.sidebar.button(key="undo").click().run()
    assert not at.exception
    assert "Ongedaan gemaakt: de import van 3 initiatieven" in [s.value for s in at.sidebar.success]
    assert {r["id"] for r in db.list()} == before
