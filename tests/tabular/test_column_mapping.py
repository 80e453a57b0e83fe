"""Imports that understand the user's columns: synonyms, a municipality column that
places rows without coordinates, a chosen mapping, and ``krimpkaart import --map``."""

from __future__ import annotations

import csv
import io

from dashboard import cli, geo
from dashboard.store import GeoPackageStore, open_existing
from dashboard.tabular import municipality
from dashboard.tabular.cells import MUNICIPALITY, parse_target
from dashboard.tabular.importing import IGNORE, format_report, plan_import

REAL_HEADER = ["name", "place", "gemeente", "lat", "lon", "themes", "kind", "start_year",
               "source_url"]
PLACES = [("Eext", "Aa en Hunze", 52.9526, 6.7360), ("Ter Apel", "Westerwolde", None, None),
          ("Winschoten", "Oldambt", 53.1440, 7.0350), ("Delfzijl", "Eemsdelta", None, None),
          ("Stadskanaal", "Stadskanaal", 52.9895, 6.9505)]


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode()


def real_spreadsheet(n: int = 35) -> bytes:
    """The issue's spreadsheet: 35 initiatives, some without coordinates, each a source."""
    rows = []
    for i in range(n):
        place, gemeente, lat, lon = PLACES[i % len(PLACES)]
        rows.append([f"Initiatief {i}", place, gemeente, lat, lon, "zorg", "initiatief",
                     2000 + i % 20, f"https://example.org/bron/{i}"])
    return csv_bytes(REAL_HEADER, rows)


def test_the_real_spreadsheet_keeps_every_source_url_and_places_rows_without_a_point():
    report = plan_import(real_spreadsheet(), "initiatieven.csv")
    assert report.ok, format_report(report, "en")
    assert len(report.records) == 35
    by_name = {r["name"]: r for r in report.records}
    for i in range(35):
        record = by_name[f"Initiatief {i}"]
        assert [s["url"] for s in record["sources"]] == [f"https://example.org/bron/{i}"]
        _, gemeente, lat, lon = PLACES[i % len(PLACES)]
        if lat is None:
            code = municipality.find_code(gemeente)
            assert code is not None
            assert (record["lat"], record["lon"]) == geo.municipality_centre(code)
            assert record["gemeente_code"] == code and record["location_approximate"] is True
        else:
            assert (record["lat"], record["lon"]) == (lat, lon)
            assert record["location_approximate"] is False
    text = format_report(report, "nl")
    assert "kolom 'source_url' → Bronnen" in text
    assert "kolom 'gemeente' → locatie (middelpunt gemeente, bij benadering)" in text
    assert "onbekend" not in text


def test_naam_gemeente_thema_places_every_row_at_its_municipality_marked_approximate():
    rows = [["Buurtbus", "Súdwest-Fryslân", "mobiliteit"],
            ["Energie Bergen", "bergen (nh)", "energie"],
            ["Dorpshuis Bergen", "Bergen (L)", "leefbaarheid"],
            ["Zorg", "SUDWEST FRYSLAN", "zorg"],
            ["Bosch", "'s-Hertogenbosch", "zorg"],
            ["Code", "GM0014", "zorg"]]
    report = plan_import(csv_bytes(["naam", "gemeente", "thema"], rows), "lijst.csv")
    assert report.ok, format_report(report, "en")
    codes = [r["gemeente_code"] for r in report.records]
    assert codes == ["GM1900", "GM0373", "GM0893", "GM1900", "GM0796", "GM0014"]
    for record in report.records:
        assert record["location_approximate"] is True
        assert (record["lat"], record["lon"]) == geo.municipality_centre(record["gemeente_code"])
        assert record["place"]  # the municipality's name when no place is given
    assert [u.how for u in report.columns] == ["exact", "synonym", "synonym"]


def test_an_unknown_municipality_is_one_error_with_the_nearest_names():
    rows = [["Oud", "Dongeradeel", "zorg"], ["Goed", "Emmen", "zorg"]]
    report = plan_import(csv_bytes(["naam", "gemeente", "thema"], rows), "lijst.csv")
    assert not report.ok
    assert [r["name"] for r in report.records] == ["Goed"]
    problems = [p for p in report.problems if p.row == 2]
    assert [p.key for p in problems] == ["imp_municipality_unknown"]
    assert "Dongen" in problems[0].params["suggestions"]
    assert problems[0].column == "gemeente"


def test_the_start_of_a_longer_name_suggests_it_first():
    assert municipality.find_code("Nuenen") is None
    assert municipality.suggestions("Nuenen")[0] == "Nuenen, Gerwen en Nederwetten"
    assert municipality.find_code("nuenen, gerwen en nederwetten") == "GM0820"


def test_a_point_decides_and_an_unknown_municipality_beside_it_is_only_a_warning():
    rows = [["Punt", "Nergensland", 52.78, 6.9, "zorg"]]
    report = plan_import(csv_bytes(["naam", "gemeente", "lat", "lon", "thema"], rows), "p.csv")
    assert report.ok
    assert report.records[0]["gemeente_code"] == "GM0114"  # Emmen, from the point
    assert report.records[0]["location_approximate"] is False
    assert [p.severity for p in report.problems] == ["warning"]


def test_synonyms_map_as_the_issue_lists_them():
    assert parse_target("bron") == parse_target("link") == parse_target("source_url") == "sources"
    assert parse_target("bronnen") == "sources"
    assert parse_target("url") == "website"
    assert parse_target("plaats") == "place" and parse_target("thema") == "themes"
    assert parse_target("jaar") == "start_year" and parse_target("omschrijving") == "description"
    assert parse_target("Gemeente") == MUNICIPALITY
    assert parse_target("negeren") == parse_target("ignore") == IGNORE
    assert parse_target("iets") is None


def test_a_chosen_mapping_comes_before_the_synonyms_and_can_ignore():
    data = csv_bytes(["naam", "plek", "gemeente", "url"],
                     [["A", "Eext", "Aa en Hunze", "https://example.org/a"]])
    report = plan_import(data, "x.csv", mapping={"plek": "place", "url": "sources",
                                                "gemeente": IGNORE})
    assert not report.ok  # without the municipality there is no location
    report = plan_import(data, "x.csv", mapping={"plek": "place", "url": "sources"})
    assert report.ok, format_report(report, "en")
    record = report.records[0]
    assert record["place"] == "Eext" and record["website"] == ""
    assert record["sources"][0]["url"] == "https://example.org/a"
    assert {u.column: u.how for u in report.columns} == {
        "naam": "exact", "plek": "chosen", "gemeente": "synonym", "url": "chosen"}
    assert not [p for p in report.problems if p.key == "imp_unknown_columns"]


def test_a_mapping_for_a_column_the_file_lacks_is_an_error():
    data = csv_bytes(["naam", "gemeente"], [["A", "Emmen"]])
    report = plan_import(data, "x.csv", mapping={"bron": "sources"})
    assert [p.key for p in report.errors] == ["imp_map_no_column"]


def test_the_cli_takes_map_and_prints_the_mapping_it_used(tmp_path, store_path, capsys):
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_bytes(["naam", "plek", "gemeente", "webpagina"],
                               [["A", "Eext", "Aa en Hunze", "https://example.org/a"]]))
    code = cli.main(["import", str(path), "--lang", "nl", "--map", "plek=plaats",
                     "--map", "webpagina=bronnen"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert ("Kolommen: naam → Naam, plek → Plaats, gemeente → locatie uit gemeente "
            "(bij benadering), webpagina → Bronnen") in out
    record = open_existing(store_path).get("a")
    assert record is not None and record["place"] == "Eext"
    assert record["sources"][0]["url"] == "https://example.org/a"
    assert record["location_approximate"] is True


def test_the_cli_refuses_a_map_it_does_not_understand(tmp_path, store_path, capsys):
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_bytes(["naam"], [["A"]]))
    assert cli.main(["import", str(path), "--lang", "en", "--map", "naam=zomaar"]) == 2
    assert "--map 'naam=zomaar'" in capsys.readouterr().err


def test_the_cli_uses_the_mapping_the_page_saved_and_map_overrides_it(tmp_path, store_path,
                                                                      capsys):
    from dashboard.store.mappings import mappings_of

    header = ["naam", "plek", "webpagina", "opmerking", "gemeente"]
    mappings_of(GeoPackageStore.create(store_path)).remember(
        header, {"naam": "name", "plek": "place", "webpagina": "sources", "opmerking": IGNORE})
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_bytes(header, [["A", "Eext", "https://example.org/a", "weg",
                                         "Aa en Hunze"]]))

    assert cli.main(["validate", str(path), "--lang", "nl"]) == 0
    out = capsys.readouterr().out
    assert ("Kolomindeling uit de opslag (op de pagina onthouden voor deze kolommen): "
            "naam → Naam, plek → Plaats, webpagina → Bronnen, opmerking → genegeerd") in out
    assert "webpagina → Bronnen" in out.split("Kolommen: ")[1]

    # --map goes over the remembered mapping, per column; the rest still comes from it.
    code = cli.main(["import", str(path), "--lang", "en", "--map", "opmerking=notes"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Column mapping from the store" in out
    assert "--map overrides it: opmerking → Note" in out
    record = open_existing(store_path).get("a")
    assert record["place"] == "Eext" and record["notes"] == "weg"
    assert record["sources"][0]["url"] == "https://example.org/a"


def test_a_header_the_store_does_not_know_uses_only_the_synonyms(tmp_path, store_path, capsys):
    from dashboard.store.mappings import mappings_of

    mappings_of(GeoPackageStore.create(store_path)).remember(["andere", "kolommen"],
                                                             {"andere": "name"})
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_bytes(["naam", "gemeente", "bron"],
                               [["A", "Emmen", "https://example.org/a"]]))
    assert cli.main(["validate", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "from the store" not in out and "bron → Sources" in out
