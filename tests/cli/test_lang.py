"""The command line speaks ``--lang`` or else the locale: Dutch for nl_*, English otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import cli, config
from dashboard.store import GeoPackageStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "nl_NL.UTF-8"}, "nl"),
    ({"LANG": "nl_BE"}, "nl"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LC_ALL": "C.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),  # LC_ALL wins
    ({"LC_MESSAGES": "nl_NL.UTF-8", "LANG": "en_US.UTF-8"}, "nl"),  # then LC_MESSAGES
    ({"LC_ALL": "", "LANG": "nl_NL.UTF-8"}, "nl"),  # an empty variable does not count
])
def test_the_locale_decides_the_command_line_language(env, lang):
    assert config.locale_lang(env) == lang
    assert config.load(env, {}).cli_lang == lang


@pytest.fixture
def dutch_locale(monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    config.reload()


def test_validate_reports_in_dutch_under_a_dutch_locale(dutch_locale, capsys):
    assert cli.main(["validate", str(FIXTURES / "import-errors.csv")]) == 1
    out = capsys.readouterr().out
    assert "import-errors.csv: 7 rijen gelezen, 1 geldig, 6 met fouten" in out
    assert ("  rij 2, Startjaar: fout: Startjaar 1750 is geen geloofwaardig jaar; geef een jaar "
            "van 1800 tot 2100") in out
    assert "rij 6, Naam: fout: Naam is verplicht" in out
    assert "Afgewezen: verbeter de fouten hierboven; er is niets geschreven." in out
    assert "start_year" not in out and ": error:" not in out


def test_lang_flag_overrides_the_locale_before_or_after_the_command(dutch_locale, capsys):
    for argv in (["validate", "--lang", "en", str(FIXTURES / "not-a-table.csv")],
                 ["--lang", "en", "validate", str(FIXTURES / "not-a-table.csv")]):
        assert cli.main(argv) == 1
        out = capsys.readouterr().out
        assert "file: error: 'not-a-table.csv' is a PNG image, not a table" in out
        assert "Rejected: fix the errors above; nothing was written." in out


def test_english_locale_and_dutch_flag(capsys):
    assert cli.main(["validate", "--lang", "nl", str(FIXTURES / "broken.xlsx")]) == 1
    assert "bestand: fout: 'broken.xlsx' is een beschadigd ZIP-archief, geen tabel" in \
        capsys.readouterr().out
    assert cli.main(["validate", str(FIXTURES / "broken.xlsx")]) == 1
    assert "file: error: 'broken.xlsx' is a damaged ZIP archive" in capsys.readouterr().out


def test_usage_errors_and_successes_in_dutch(dutch_locale, tmp_path, capsys):
    assert cli.main(["import", str(tmp_path / "weg.csv")]) == 2
    assert capsys.readouterr().err == f"krimpkaart import: {tmp_path / 'weg.csv'}: bestand " \
                                      "bestaat niet\n"
    good = tmp_path / "goed.csv"
    good.write_bytes((FIXTURES / "import-errors.csv").read_bytes().splitlines(keepends=True)[0]
                     + b"Buurtbus Emmen;Emmen;52,785;6,895;mobiliteit;2015;\r\n")
    assert cli.main(["import", str(good)]) == 0
    out = capsys.readouterr().out
    assert "goed.csv: 1 rij gelezen, 1 geldig, 0 met fouten" in out
    assert "1 initiatief geïmporteerd in" in out
    assert cli.main(["validate", str(good)]) == 1  # now a duplicate of the stored one
    assert "staat al in de opslag (id 'buurtbus-emmen')" in capsys.readouterr().out


def test_template_headers_and_message_follow_the_language(dutch_locale, tmp_path, capsys):
    assert cli.main(["template", "-o", str(tmp_path / "nl.csv")]) == 0
    written = capsys.readouterr().out
    assert written == f"Importsjabloon (CSV) geschreven naar {tmp_path / 'nl.csv'}\n"
    assert (tmp_path / "nl.csv").read_text("utf-8-sig").startswith("id,naam,soort")
    assert cli.main(["template", "--lang", "en", "-o", str(tmp_path / "en.csv")]) == 0
    assert capsys.readouterr().out.startswith("Wrote the CSV import template to")
    assert (tmp_path / "en.csv").read_text("utf-8-sig").startswith("id,name,kind")


def test_export_usage_errors_in_dutch(dutch_locale, tmp_path, capsys):
    assert cli.main(["export", "--thema", "wonenn", "-o", str(tmp_path / "k.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("krimpkaart export: onbekende waarde voor thema: 'wonenn' (bedoel je "
                          "'wonen'?); toegestaan: wonen, leefbaarheid")
    assert err.count("\n") == 1
    assert cli.main(["export", "--preset", "a3", "-o", str(tmp_path / "k.png")]) == 2
    assert "onbekende afmeting 'a3'; gebruik een van slide" in capsys.readouterr().err
    assert cli.main(["export", "--url", "https://x.example/?kaart=google",
                     "-o", str(tmp_path / "k.png")]) == 2
    assert capsys.readouterr().err == ("krimpkaart export: kaart='google' is geen bekende "
                                       "achtergrondkaart\n")


def test_export_map_language_is_the_links_not_the_locale(capsys, tmp_path):
    """English messages (locale) do not turn the exported map English: it follows the link."""
    assert cli.main(["export", "--thema", "zorg", "--format", "html",
                     "-o", str(tmp_path / "zorg")]) == 0
    assert b"<title>Initiatieven: zorg</title>" in (tmp_path / "zorg.html").read_bytes()
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {tmp_path / 'zorg.html'} (") and out.endswith(" kB)\n")


def test_store_commands_in_dutch(dutch_locale, tmp_path, capsys):
    store = tmp_path / "s.gpkg"
    GeoPackageStore.create(store, [])
    assert cli.main(["backup", str(tmp_path / "b.gpkg"), "--store", str(store)]) == 0
    assert capsys.readouterr().out == f"Back-up van {store} gemaakt in {tmp_path / 'b.gpkg'}\n"
    bad = tmp_path / "kapot.gpkg"
    bad.write_bytes(b"geen database")
    assert cli.main(["restore", str(bad), "--store", str(store), "--yes"]) == 1
    assert capsys.readouterr().err == (
        f"krimpkaart restore: {bad} wordt niet teruggezet: geen GeoPackage (geen "
        "SQLite-databasebestand); de opslag is niet veranderd\n")
    assert cli.main(["reseed", "--store", str(store)]) == 2  # no terminal to ask on
    err = capsys.readouterr().err
    assert err.startswith(f"krimpkaart reseed: De 0 initiatieven in {store} vervangen door de ")
    assert err.endswith("Zonder terminal wordt er niets gevraagd; geef --yes om te bevestigen.\n")
