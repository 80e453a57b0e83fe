"""Import (every format, every bad case), export round trips, template and CLI.

Findings are checked by catalog key and values, and by their Dutch and English text.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from dashboard import cli, config
from dashboard.domain.validation import validate
from dashboard.domain.vocab import THEMES
from dashboard.i18n import msg
from dashboard.tabular import cells, importing
from dashboard.tabular.importing import (
    MAX_UPLOAD_BYTES,
    ImportReport,
    export_records,
    format_report,
    plan_import,
    read_table,
    template_bytes,
)

DUTCH_EXCEL = (
    "naam;plaats;breedtegraad;lengtegraad;thema's\r\n"
    "KLUShuizen;Oostburg;51,326;3,488;wonen|leefbaarheid\r\n"
).encode("cp1252")


def problems(report: ImportReport, severity: str | None = None) -> list[tuple[int, str, str]]:
    """(row, field, catalog key) per finding."""
    return [(p.row, p.field, p.key) for p in report.problems
            if severity is None or p.severity == severity]


def error_text(report: ImportReport, lang: str = "en") -> str:
    return "\n".join(p.text(lang) for p in report.errors)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# --------------------------------------------------------------------------- CSV


def test_dutch_excel_csv_imports_first_time() -> None:
    report = plan_import(DUTCH_EXCEL, "initiatieven.csv", [])
    assert report.ok, format_report(report)
    assert report.problems == []
    (rec,) = report.records
    assert rec["name"] == "KLUShuizen" and rec["place"] == "Oostburg"
    assert rec["lat"] == 51.326 and rec["lon"] == 3.488
    assert rec["themes"] == ["wonen", "leefbaarheid"]
    assert rec["gemeente_code"] == "GM1714" and rec["scope"] == "lokaal"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [",", ";"])
def test_csv_encodings_and_separators_keep_accents(encoding: str, sep: str) -> None:
    text = sep.join(["Name", "Place", "Latitude", "Longitude", "Themes"]) + "\n"
    lat, lon = ("53,03", "5,66") if sep == ";" else ("53.03", "5.66")
    text += sep.join(["Höfte", "Súdwest-Fryslân", lat, lon, "Leefbaarheid"]) + "\n"
    report = plan_import(text.encode(encoding), "a.csv", [])
    assert report.ok, format_report(report)
    (rec,) = report.records
    assert rec["name"] == "Höfte" and rec["place"] == "Súdwest-Fryslân"
    assert rec["lat"] == 53.03 and rec["gemeente_code"] == "GM1900"


def test_csv_quoted_decimal_comma_with_comma_separator() -> None:
    data = b'name,lat,lon\nX,"51,326","3,488"\n'
    assert plan_import(data, "a.csv", []).records[0]["lon"] == 3.488


def test_utf16_excel_unicode_text() -> None:
    data = "naam\tbreedtegraad\tlengtegraad\nHöfte\t53,03\t5,66\n".encode("utf-16")
    assert plan_import(data, "a.txt", []).records[0]["name"] == "Höfte"


def test_excel_sep_hint_line() -> None:
    report = plan_import(b"sep=;\r\n" + DUTCH_EXCEL + b"Fout;;6,55;53,33;wonen\r\n", "a.csv", [])
    assert report.rows_with_errors == [3]  # the hint line is not a spreadsheet row
    assert report.records[0]["lat"] == 51.326


def test_read_table_returns_rows_by_header() -> None:
    rows = read_table(DUTCH_EXCEL, "a.csv")
    assert rows == [{"naam": "KLUShuizen", "plaats": "Oostburg", "breedtegraad": "51,326",
                     "lengtegraad": "3,488", "thema's": "wonen|leefbaarheid"}]


def test_row_numbers_are_spreadsheet_rows() -> None:
    data = b"naam,breedtegraad,lengtegraad\nA,52,5\n\n,,\nB,6.55,53.33\n"
    report = plan_import(data, "a.csv", [])
    assert report.rows_with_errors == [5]
    assert report.rows_read == 2


def test_column_names_dutch_english_any_case() -> None:
    header = ("ID,NAAM,Soort,Samenvatting,Beschrijving,Plaats,Gemeentecode,LAT,lng,Schaal,"
              "Thema's,Participatie,Actoren,Kanalen,Startjaar,Status,Resultaten,Bronnen,Website")
    row = ("klus,KLUShuizen,Initiatief,Kort,Lang,Oostburg,GM1714,51.326,3.488,lokaal,"
           "Wonen,Maatschappelijk initiatief,Burgers|Architecten,LinkedIn|website,2010,Lopend,"
           "Huizenprijs = 125000 euro,Krot of kans <https://www.krotofkans.nl>,"
           "www.krotofkans.nl")
    report = plan_import(f"{header}\n{row}\n".encode(), "a.csv", [])
    assert "Actor 'Architecten' is unknown" in error_text(report)
    assert "Actor 'Architecten' is onbekend. Toegestaan: burgers" in error_text(report, "nl")
    report = plan_import(f"{header}\n{row.replace('|Architecten', '')}\n".encode(), "a.csv", [])
    assert report.ok, format_report(report)
    rec = report.records[0]
    assert rec["id"] == "klus" and rec["start_year"] == 2010 and rec["status"] == "lopend"
    assert rec["participation"] == "maatschappelijk-initiatief"
    assert rec["channels"] == ["LinkedIn", "website"]
    assert rec["outcomes"] == [{"label": "Huizenprijs", "value": 125000, "unit": "euro"}]
    assert rec["sources"] == [{"title": "Krot of kans", "url": "https://www.krotofkans.nl",
                               "note": ""}]
    assert rec["website"] == "https://www.krotofkans.nl"
    assert [p.severity for p in report.problems] == ["warning"]  # the added https://


def test_unknown_columns_are_a_warning() -> None:
    data = b"naam,breedtegraad,lengtegraad,kleur,opmerking\nA,52,5,rood,x\n"
    report = plan_import(data, "a.csv", [])
    assert report.ok
    (warning,) = report.warnings
    assert warning.row == 0 and warning.column == "kleur, opmerking"
    assert warning.key == "imp_unknown_columns" and warning.params["n"] == 2
    assert warning.text("en").startswith(
        "Columns 'kleur', 'opmerking' are not known and ignored; known columns: id, name/naam")
    assert warning.text("nl").startswith(
        "Kolommen 'kleur', 'opmerking' zijn onbekend en worden genegeerd; bekende kolommen: id")
    assert "kleur" not in report.records[0]
    (one,) = plan_import(b"naam,lat,lon,kleur\nA,52,5,rood\n", "a.csv", []).warnings
    assert one.text("en").startswith("Column 'kleur' is not known and ignored")
    assert one.text("nl").startswith("Kolom 'kleur' is onbekend en wordt genegeerd")


def test_doubled_and_missing_columns() -> None:
    report = plan_import(b"name,naam,lat,lon\nA,B,52,5\n", "a.csv", [])
    assert error_text(report) == "Columns 'name' and 'naam' both mean Name; keep one of them"
    assert error_text(report, "nl") == ("De kolommen 'name' en 'naam' betekenen allebei Naam; "
                                        "houd er één")
    report = plan_import(b"plaats,lat,lon\nEmmen,52.78,6.9\n", "a.csv", [])
    assert problems(report, "error") == [(0, "name", "imp_no_name_column")]
    assert error_text(report) == ("There is no name column; add a column 'naam' (or 'name') "
                                  "with the initiative's name")
    assert error_text(report, "nl") == ("Er is geen kolom voor de naam; voeg een kolom 'naam' "
                                        "(of 'name') toe met de naam van het initiatief")
    report = plan_import(b"foo,bar\n1,2\n", "a.csv", [])
    assert "None of the columns in the header row ('foo', 'bar') is known" in error_text(report)
    assert "Geen van de kolommen in de kopregel ('foo', 'bar') is bekend" in error_text(
        report, "nl")


def test_too_many_values_in_a_row() -> None:
    report = plan_import(b"naam,lat,lon\nKlus, Oostburg,51.3,3.5\n", "a.csv", [])
    assert not report.ok and not report.records
    (note,) = [p for p in report.errors if p.key == "read_extra_values_delimiter"]
    assert (note.row, note.field) == (2, "")
    assert note.text("en") == (
        "This row has 4 values but the header has 3 columns; is there an unquoted ',' in a "
        "value? Put such values in double quotes")
    assert note.text("nl") == (
        "Deze rij heeft 4 waarden, maar de kopregel heeft 3 kolommen; staat er een ',' in een "
        "waarde zonder aanhalingstekens? Zet zulke waarden tussen dubbele aanhalingstekens")


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize("data", [b"", b"   \n\r\n"])
def test_empty_file(data: bytes) -> None:
    report = plan_import(data, "a.csv", [])
    assert not report.ok
    assert problems(report) == [(0, "", "imp_empty")]
    assert error_text(report) == "The file is empty; add a header row and one initiative per row"
    assert error_text(report, "nl") == ("Het bestand is leeg; zet er een kopregel in en één "
                                        "initiatief per rij")


@pytest.mark.parametrize("data", [b"naam;plaats;breedtegraad;lengtegraad\r\n",
                                  b"naam,plaats\n\n,\n"])
def test_header_only(data: bytes) -> None:
    report = plan_import(data, "a.csv", [])
    assert not report.ok
    assert problems(report) == [(0, "", "imp_no_rows")]
    assert "has a header row but no data rows" in error_text(report)
    assert "heeft een kopregel maar geen rijen met gegevens" in error_text(report, "nl")


def test_header_only_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    pd.DataFrame(columns=["naam", "plaats"]).to_excel(path, index=False)
    assert problems(plan_import(path.read_bytes(), "a.xlsx", [])) == [(0, "", "imp_no_rows")]


def test_oversize_file() -> None:
    """The page's limit, with the file's real size, and where a bigger file can go."""
    report = plan_import(b"a" * (MAX_UPLOAD_BYTES * 5 // 4), "a.csv", [])
    assert not report.ok
    assert error_text(report) == (
        "The file is 12.5 MB; the page takes files up to 10 MB: split it into parts, or import "
        "it on the command line with krimpkaart import (no size limit for CSV and XLSX)")
    assert error_text(report, "nl") == (
        "Het bestand is 12,5 MB; de pagina neemt bestanden tot 10 MB: splits het in delen, of "
        "importeer het op de opdrachtregel met krimpkaart import (geen grens voor CSV en XLSX)")


@pytest.mark.parametrize("data,kind,en,nl", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "png", "a PNG image", "een PNG-afbeelding"),
    (b"%PDF-1.4 ...", "pdf", "a PDF document", "een PDF-document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "xls",
     "an old Excel .xls workbook", "een oude Excel-werkmap (.xls"),
    (b"\x00\x01\x02binary", "binary", "a binary file", "een binair bestand"),
])
def test_not_a_table(data: bytes, kind: str, en: str, nl: str) -> None:
    report = plan_import(data, "data.csv", [])
    assert not report.ok
    (problem,) = report.errors
    assert problem.key == "read_not_a_table"
    assert problem.params == {"name": "data.csv", "kind": msg(f"file_kind_{kind}")}
    assert error_text(report).startswith(f"'data.csv' is {en}")
    assert error_text(report, "nl").startswith(f"'data.csv' is {nl}")


def test_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hi")
    report = plan_import(out.getvalue(), "a.xlsx", [])
    assert "'a.xlsx' is a ZIP archive, not a table" in error_text(report)
    assert "'a.xlsx' is een ZIP-archief, geen tabel" in error_text(report, "nl")


def test_csv_named_xlsx_is_read_with_a_warning() -> None:
    report = plan_import(DUTCH_EXCEL, "initiatieven.xlsx", [])
    assert report.ok and len(report.records) == 1
    assert report.warnings[0].key == "read_misnamed"
    assert report.warnings[0].text("en") == ("'initiatieven.xlsx' is named .xlsx but contains "
                                             "CSV text; it was read as such")
    assert report.warnings[0].text("nl") == ("'initiatieven.xlsx' heet .xlsx maar bevat "
                                             "CSV-tekst; het is als zodanig gelezen")


def test_xlsx_named_csv_is_read_with_a_warning() -> None:
    report = plan_import(template_bytes("xlsx"), "template.csv", [])
    assert report.ok and "contains an Excel workbook (XLSX)" in report.warnings[0].text("en")
    assert "bevat een Excel-werkmap (XLSX)" in report.warnings[0].text("nl")


def test_damaged_inputs_never_raise() -> None:
    for data, name in [(b"PK\x03\x04garbage", "a.xlsx"), (b"{not json", "a.geojson"),
                       (b'{"type": "Point", "coordinates": [1, 2]}', "a.geojson"),
                       (b"SQLite format 3\x00garbage", "a.gpkg"), (b'"unclosed\n', "a.csv")]:
        report = plan_import(data, name, [])
        assert isinstance(report, ImportReport)
        assert not report.ok or report.records == [], (name, format_report(report))


# --------------------------------------------------------------------------- row problems


def test_row_level_problems_are_explained() -> None:
    data = ("naam;breedtegraad;lengtegraad;thema's;schaal\n"
            "Swapped;6,55;53,33;wonen;\n"
            "RD;392000;155000;wonen;\n"
            "Parijs;48,85;2,35;wonen;lokaal\n"
            "Spelfout;52;5;woningen;\n"
            "Goed;52,78;6,9;zorg;\n").encode("cp1252")
    report = plan_import(data, "a.csv", [])
    assert not report.ok
    assert report.rows_with_errors == [2, 3, 4, 5]
    by_row = {p.row: p for p in report.errors}
    assert by_row[2].key == "val_swapped"
    assert "are latitude and longitude swapped?" in by_row[2].text("en")
    assert "zijn breedtegraad en lengtegraad verwisseld?" in by_row[2].text("nl")
    assert by_row[2].field == "location" and by_row[2].column == "breedtegraad/lengtegraad"
    assert by_row[3].key == "val_rd"
    assert "RD New coordinates (EPSG:28992" in by_row[3].text("en")
    assert "--convert-rd" in by_row[3].text("en") and "--convert-rd" in by_row[3].text("nl")
    assert by_row[4].key == "val_outside_nl"
    assert "lies outside the Netherlands" in by_row[4].text("en")
    assert "ligt buiten Nederland" in by_row[4].text("nl")
    assert "Theme 'woningen' is unknown; did you mean 'wonen'?" in by_row[5].text("en")
    assert "Thema 'woningen' is onbekend; bedoel je 'wonen'?" in by_row[5].text("nl")
    assert by_row[5].column == "thema's"
    assert [r["name"] for r in report.records] == ["Goed"]  # listed, but nothing is written


def test_convert_rd_option() -> None:
    data = b"naam,x_ignored,lat,lon\nAmersfoort,,463000,155000\n"
    report = plan_import(data, "a.csv", [], convert_rd=True)
    assert report.ok
    assert report.records[0]["gemeente_code"] == "GM0307"
    (converted,) = [p for p in report.warnings if p.key == "val_rd_converted"]
    assert "converted to WGS84" in converted.text("en")
    assert "omgerekend naar WGS84" in converted.text("nl")


def test_duplicate_ids_within_file_and_against_existing() -> None:
    existing = [{"id": "klushuizen", "name": "KLUShuizen", "place": "Oostburg"}]
    data = b"id,naam,lat,lon\nklushuizen,Nieuw,52,5\nabc,A,52,5\nabc,B,52.1,5.1\n"
    report = plan_import(data, "a.csv", existing)
    found = {p.row: p for p in report.errors}
    assert found[2].key == "val_id_taken_by"
    assert found[2].params["where"] == msg("where_existing", name="KLUShuizen")
    assert found[2].text("en") == (
        "Id 'klushuizen' is already used by the existing initiative 'KLUShuizen'; choose "
        "another id or leave it empty to generate one")
    assert found[2].text("nl") == (
        "Id 'klushuizen' is al in gebruik bij het bestaande initiatief 'KLUShuizen'; kies een "
        "andere id of laat hem leeg, dan wordt er een gemaakt")
    assert found[4].text("en").startswith("Id 'abc' is already used by row 3")
    assert found[4].text("nl").startswith("Id 'abc' is al in gebruik bij rij 3")
    assert 3 not in found


def test_generated_ids_do_not_collide() -> None:
    existing = [{"id": "klushuizen", "name": "KLUShuizen", "place": "Oostburg"}]
    data = b"naam,plaats,lat,lon\nKLUShuizen,Breskens,51.39,3.55\nKLUShuizen,Cadzand,51.37,3.4\n"
    report = plan_import(data, "a.csv", existing)
    assert report.ok, format_report(report)
    assert [r["id"] for r in report.records] == ["klushuizen-breskens", "klushuizen-cadzand"]


def test_duplicate_name_and_place() -> None:
    existing = [{"id": "klushuizen", "name": "KLUShuizen", "place": "Oostburg"}]
    report = plan_import(DUTCH_EXCEL, "a.csv", existing)
    assert not report.ok
    assert error_text(report).startswith("'KLUShuizen' in Oostburg is already in the store "
                                         "(id 'klushuizen')")
    assert error_text(report, "nl").startswith("'KLUShuizen' in Oostburg staat al in de opslag "
                                               "(id 'klushuizen'); haal deze rij weg")
    data = b"naam,plaats,lat,lon\nKlushuizen,Oostburg,51.3,3.5\nKLUSHUIZEN, oostburg ,51.3,3.5\n"
    report = plan_import(data, "a.csv", [])
    ((row, field, key),) = problems(report, "error")
    assert row == 3 and field == "name" and key == "imp_duplicate_place"
    assert "is already in row 2" in error_text(report)
    assert "staat al in rij 2" in error_text(report, "nl")


def test_url_with_markup_is_rejected_naming_row_and_field() -> None:
    data = (b"naam,plaats,lat,lon,website,bronnen\n"
            b"Goed,Oostburg,51.3,3.5,https://www.krotofkans.nl,Rapport <https://x.nl/a>\n"
            b'Fout,Oostburg,51.3,3.5,"https://example.org/""><script>x</script>",\n'
            b'Bron,Oostburg,51.3,3.5,,"Rapport <https://x.nl/""a""> (p. 3)"\n')
    report = plan_import(data, "a.csv", [])
    assert not report.ok
    assert problems(report, "error") == [(3, "website", "val_url_chars"),
                                         (4, "sources", "val_url_chars")]
    lines = format_report(report, "nl").splitlines()
    assert lines[1].startswith("  rij 3, Website: fout: Website 'https://example.org/\"><script>")
    assert lines[2].startswith("  rij 4, Bronnen: fout: Webadres van bron 1 'https://x.nl/\"a\"' "
                               "bevat \";")


# --------------------------------------------------------------------------- XLSX


def test_report_summary_formats_every_count_in_the_readers_language() -> None:
    data = ("naam,lat,lon\n" + "X,6.55,53.33\n" * 1500).encode()
    report = plan_import(data, "fout.csv", [])
    assert format_report(report, "en").splitlines()[0] == \
        "fout.csv: 1,500 rows read, 0 valid, 1,500 with errors"
    assert format_report(report, "nl").splitlines()[0] == \
        "fout.csv: 1.500 rijen gelezen, 0 geldig, 1.500 met fouten"


def test_notes_columns_in_dutch_and_english() -> None:
    data = (b"naam;schaal;notities;notities_en\r\n"
            b"Fonds;landelijk;Datum uit een andere bron;Date from another source\r\n")
    report = plan_import(data, "a.csv", [])
    assert report.ok and report.problems == [], format_report(report)
    assert report.records[0]["notes"] == "Datum uit een andere bron"
    assert report.records[0]["notes_en"] == "Date from another source"
    header = export_records(report.records, "csv").decode("utf-8-sig").splitlines()[0]
    assert ",description_en,notes,notes_en,place," in header


def test_xlsx_import(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    pd.DataFrame({
        "Naam": ["Höfte", "Online ding"], "Plaats": ["Súdwest-Fryslân", None],
        "Breedtegraad": [53.03, None], "Lengtegraad": [5.66, None],
        "Thema's": ["wonen|zorg", "netwerken"], "Schaal": [None, "online"],
        "Startjaar": [2015, None],
    }).to_excel(path, index=False)
    report = plan_import(path.read_bytes(), "a.xlsx", [])
    assert report.ok, format_report(report)
    first, second = report.records
    assert first["place"] == "Súdwest-Fryslân" and first["start_year"] == 2015
    assert first["themes"] == ["wonen", "zorg"]
    assert second["lat"] is None and second["scope"] == "online"


def test_xlsx_rows_numbered_like_excel(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["naam", "lat", "lon"])
    sheet.append(["A", 52, 5])
    sheet.append([])
    sheet.append(["B", 6.55, 53.33])
    path = tmp_path / "a.xlsx"
    book.save(path)
    assert plan_import(path.read_bytes(), "a.xlsx", []).rows_with_errors == [4]


# --------------------------------------------------------------------------- GeoJSON / GPKG


def feature(geometry: dict[str, Any] | None, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def test_geojson_point_and_polygon() -> None:
    square = [[[6.8, 52.7], [7.0, 52.7], [7.0, 52.85], [6.8, 52.85], [6.8, 52.7]]]
    doc = {"type": "FeatureCollection", "features": [
        feature({"type": "Point", "coordinates": [3.488, 51.326]}, naam="KLUShuizen",
                themes=["wonen"], latitude=1.0),
        feature({"type": "Polygon", "coordinates": square}, name="Emmen gebied"),
        feature(None, name="Landelijk netwerk", scope="landelijk"),
    ]}
    report = plan_import(json.dumps(doc).encode(), "a.geojson", [])
    assert report.ok, format_report(report)
    assert report.row_label == "feature"
    point, polygon, national = report.records
    assert (point["lat"], point["lon"]) == (51.326, 3.488)
    assert point["themes"] == ["wonen"]
    assert 52.7 < polygon["lat"] < 52.85 and polygon["gemeente_code"] == "GM0114"
    (warning,) = report.warnings
    assert warning.row == 2 and warning.field == "location"
    assert warning.key == "read_not_a_point" and warning.params["kind"] == "Polygon"
    assert "The geometry is a Polygon, not a point; its representative point (latitude " \
        in warning.text("en")
    assert "De geometrie is een Polygon, geen punt; het representatieve punt ervan (breedtegraad " \
        in warning.text("nl")
    assert national["lat"] is None


def test_geojson_in_rd_crs_is_converted() -> None:
    doc = {"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
           "features": [feature({"type": "Point", "coordinates": [155000, 463000]}, name="A")]}
    report = plan_import(json.dumps(doc).encode(), "a.geojson", [])
    assert report.ok and report.records[0]["gemeente_code"] == "GM0307"
    assert report.warnings[0].key == "read_crs_converted"
    assert report.warnings[0].text("en") == ("Coordinates in urn:ogc:def:crs:EPSG::28992 were "
                                             "converted to WGS84")
    assert report.warnings[0].text("nl") == ("Coördinaten in urn:ogc:def:crs:EPSG::28992 zijn "
                                             "omgerekend naar WGS84")


def test_geopackage_import(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"naam": ["Höfte", "Boermarke"], "thema": ["wonen", "natuur|leefbaarheid"],
         "startjaar": [2012, 2015]},
        geometry=[shapely.Point(155000, 463000),
                  shapely.Point(6.75, 52.95).buffer(0.01)],
        crs=4326,
    )
    frame.loc[[0], "geometry"] = gpd.GeoSeries([shapely.Point(5.387, 52.155)], crs=4326)
    path = tmp_path / "a.gpkg"
    frame.to_crs(28992).to_file(path, driver="GPKG")
    report = plan_import(path.read_bytes(), "a.gpkg", [])
    assert report.ok, format_report(report)
    first, second = report.records
    assert first["name"] == "Höfte" and first["start_year"] == 2012
    assert first["gemeente_code"] == "GM0307"
    assert second["themes"] == ["natuur", "leefbaarheid"]
    assert {p.key for p in report.warnings} == {"read_not_a_point", "read_gpkg_converted"}


# --------------------------------------------------------------------------- export


def rich_records() -> list[dict[str, Any]]:
    raw = [
        {"id": "klushuizen", "name": "=HYPERLINK(\"http://evil\")", "place": "Súdwest-Fryslân",
         "lat": 53.03, "lon": 5.66, "themes": ["wonen", "leefbaarheid"],
         "summary": "+31 6 1234 5678", "description": "-regel één\nregel twee, met \"quotes\"",
         "notes": "Volgens een andere bron:\n1975", "notes_en": "=Another source",
         "actors": ["burgers"], "channels": ["@krimpkaart", "Linked|In", "'quote"],
         "start_year": 2012, "status": "lopend", "participation": "maatschappelijk-initiatief",
         "outcomes": [{"label": "a=b | c", "value": -3.25, "unit": "°C | x"},
                      {"label": "Huizen", "value": 12, "unit": "woningen"},
                      {"label": "Zonder", "value": None, "unit": "stuks"},
                      {"label": "Leeg", "value": None, "unit": ""}],
         "sources": [{"title": "Rapport <2024>", "url": "https://x.nl/a|b", "note": "(p. 3)"},
                     {"title": "Alleen titel", "url": "", "note": ""},
                     {"title": "", "url": "https://y.nl", "note": ""},
                     {"title": "zie https://z.nl", "url": "", "note": ""}],
         "website": "https://www.krotofkans.nl", "created_at": "2026-11-27T18:00:00Z",
         "updated_at": "2026-11-27T18:05:00Z", "author": "seed"},
        {"id": "cittaslow", "name": "Cittaslow", "lat": 43.5, "lon": -5.25,
         "scope": "buitenland", "kind": "inspiratie-buitenland", "summary": "@home"},
        {"id": "online-ding", "name": "Höfte online", "scope": "online", "place": "",
         "summary": "\tTab"},
    ]
    records = []
    for item in raw:
        result = validate(item)
        assert result.ok, result.problems
        records.append(result.record)
    return records


@pytest.mark.parametrize("fmt,name", [("csv", "x.csv"), ("xlsx", "x.xlsx"),
                                      ("geojson", "x.geojson")])
def test_export_import_round_trip(fmt: str, name: str) -> None:
    records = rich_records()
    report = plan_import(export_records(records, fmt), name, [])
    assert report.ok, format_report(report)
    assert report.problems == []
    assert report.records == records


def approximate_records() -> list[dict[str, Any]]:
    """One approximate point, one exact point that happens to lie on a municipality centre
    (said explicitly, so the old inference must not override it), one without a point."""
    from dashboard import geo

    centre = geo.municipality_centre("GM0037")
    raw = [
        {"id": "ruw", "name": "Ruw geplaatst", "lat": 53.0, "lon": 7.0,
         "location_approximate": True},
        {"id": "precies", "name": "Precies op het midden", "lat": centre[0], "lon": centre[1],
         "location_approximate": False},
        {"id": "online", "name": "Online", "scope": "online"},
    ]
    return [validate(item).record for item in raw]


@pytest.mark.parametrize("fmt,name", [("csv", "x.csv"), ("xlsx", "x.xlsx"),
                                      ("geojson", "x.geojson")])
def test_location_approximate_round_trips(fmt: str, name: str) -> None:
    records = approximate_records()
    assert [r["location_approximate"] for r in records] == [True, False, False]
    report = plan_import(export_records(records, fmt), name, [])
    assert report.ok and report.problems == [], format_report(report)
    assert report.records == records


def test_location_approximate_column_in_exports_and_templates() -> None:
    header = export_records(approximate_records(), "csv").decode("utf-8-sig").splitlines()[0]
    assert "lon,location_approximate,scope" in header
    doc = json.loads(export_records(approximate_records(), "geojson"))
    assert [f["properties"]["location_approximate"] for f in doc["features"]] == [
        True, False, False]
    dutch = template_bytes("csv", "nl").decode("utf-8-sig").splitlines()[0]
    assert "lengtegraad,locatie_bij_benadering,schaal" in dutch
    assert "lon,location_approximate,scope" in template_bytes("csv", "en").decode("utf-8-sig")


@pytest.mark.parametrize("cell,expected", [
    ("ja", True), ("Nee", False), ("WAAR", True), ("onwaar", False), ("x", True),
    ("true", True), ("False", False), ("1", True), ("0", False), ("yes", True), ("no", False),
])
def test_location_approximate_words(cell: str, expected: bool) -> None:
    data = f"naam;breedtegraad;lengtegraad;locatie_bij_benadering\r\nA;53,0;7,0;{cell}\r\n"
    report = plan_import(data.encode("utf-8"), "a.csv", [])
    assert report.ok, format_report(report)
    assert report.records[0]["location_approximate"] is expected


def test_location_approximate_that_is_not_yes_or_no_is_explained() -> None:
    data = "naam;breedtegraad;lengtegraad;bij benadering\r\nA;53,0;7,0;misschien\r\n"
    report = plan_import(data.encode("utf-8"), "a.csv", [])
    assert problems(report) == [(2, "location_approximate", "val_not_a_flag")]
    assert report.errors[0].text("nl").startswith(
        "Locatie bij benadering 'misschien' is geen ja of nee")
    assert report.errors[0].text("en").startswith(
        "Approximate location 'misschien' is not yes or no")


def test_a_file_without_the_column_is_judged_as_before_by_the_municipality_centre() -> None:
    from dashboard import geo

    lat, lon = geo.municipality_centre("GM0037")
    data = (f"naam;breedtegraad;lengtegraad;locatie_bij_benadering\r\n"
            f"Midden;{lat};{lon};\r\nErnaast;{lat + 0.01};{lon};\r\n")
    report = plan_import(data.encode("utf-8"), "a.csv", [])
    assert [r["location_approximate"] for r in report.records] == [True, False]


def test_csv_export_shape_and_formula_guard() -> None:
    records = rich_records()
    data = export_records(records, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, first, second = rows[0], rows[1], rows[2]
    cell = dict(zip(header, first, strict=True))
    assert cell["name"].startswith("'=HYPERLINK")
    assert cell["summary"] == "'+31 6 1234 5678"
    assert cell["description"].startswith("'-regel")
    assert cell["themes"] == "wonen|leefbaarheid"
    assert cell["channels"] == "'@krimpkaart|Linked\\|In|'quote"
    assert cell["outcomes"].startswith("a\\=b \\| c = -3.25 °C \\| x | Huizen = 12 woningen")
    assert cell["place"] == "Súdwest-Fryslân"
    assert dict(zip(header, second, strict=True))["lon"] == "-5.25"  # numbers stay numbers


def test_xlsx_export_shape_and_formula_guard() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_records(rich_records(), "xlsx")))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert sheet[1][0].font.bold
    row = dict(zip(header, [c for c in sheet[2]], strict=True))
    # XLSX string cells are never formulas: the text is shown exactly as stored, no guard.
    assert row["name"].value == '=HYPERLINK("http://evil")' and row["name"].data_type == "s"
    assert row["summary"].value == "+31 6 1234 5678" and row["summary"].data_type == "s"
    assert row["description"].value.startswith("-regel één")
    assert row["lat"].data_type == "n"
    second = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert second["lon"] == -5.25
    assert sheet.column_dimensions["B"].width >= 8
    assert "licentie" in book.sheetnames


def test_xlsx_text_cells_are_strings_in_the_file_not_formulas() -> None:
    """What Excel reads: text cells typed as strings (inline strings), no <f> formula element."""
    import zipfile

    data = export_records(rich_records(), "xlsx")
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    assert '<c r="B2" t="inlineStr"><is><t>=HYPERLINK("http://evil")</t></is></c>' in sheet_xml
    assert "'=HYPERLINK" not in sheet_xml and "'-regel" not in sheet_xml


def test_xlsx_import_keeps_a_leading_apostrophe_as_text(tmp_path: Path) -> None:
    """An XLSX string cell is the text itself; only CSV cells carry our formula guard."""
    book = openpyxl.Workbook()
    book.active.append(["naam", "schaal", "samenvatting"])
    book.active.append(["'-10 graden feest", "online", "-10 graden feest"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    report = plan_import(path.read_bytes(), "a.xlsx", [])
    assert report.ok, format_report(report)
    assert report.records[0]["name"] == "'-10 graden feest"
    assert report.records[0]["summary"] == "-10 graden feest"


def test_geojson_export_shape() -> None:
    doc = json.loads(export_records(rich_records(), "geojson"))
    assert doc["type"] == "FeatureCollection"
    assert "CC BY 4.0" in doc["licence"] and doc["citation"]
    first, _, online = doc["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [5.66, 53.03]}
    assert "lat" not in first["properties"] and first["properties"]["name"].startswith("=")
    assert online["geometry"] is None


@pytest.mark.parametrize("fmt,name", [("csv", "x.csv"), ("xlsx", "x.xlsx"),
                                      ("geojson", "x.geojson")])
def test_text_that_looks_guarded_survives_a_round_trip(fmt: str, name: str) -> None:
    """A leading apostrophe typed by a person is text, not our guard: kept in every format.

    CSV cells used to be unguarded twice (by the reader and again per cell), and
    GeoJSON and XLSX text, which is never guarded, lost an apostrophe before = + - @.
    """
    texts = ["'=al bewaakt", "''+1", "'-10 graden feest", "'@thuis"]
    result = validate({"id": "quote", "name": texts[0], "scope": "online",
                       "summary": texts[1], "description": texts[2], "channels": [texts[3]]})
    assert result.ok and result.record is not None
    report = plan_import(export_records([result.record], fmt), name, [])
    assert report.ok, format_report(report)
    (record,) = report.records
    assert [record["name"], record["summary"], record["description"], *record["channels"]] \
        == texts


def test_guard_and_unguard_are_exact_inverses() -> None:
    for text in ["=1", "+1", "-1", "@a", "\tx", "\rx", "'=1", "''+1", "'plain", "plain", "", "'"]:
        assert cells.unguard(cells.guard(text)) == text
    assert cells.guard("=1") == "'=1"
    assert cells.unguard("'hallo") == "'hallo"


def test_export_rejects_unknown_format() -> None:
    with pytest.raises(ValueError):
        export_records([], "pdf")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- template


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_template_imports_cleanly(fmt: str, lang: str) -> None:
    report = plan_import(template_bytes(fmt, lang), f"template.{fmt}", [])
    assert report.ok and report.problems == [], format_report(report)
    assert report.records[0]["name"] == "KLUShuizen in Krimp"


def test_template_xlsx_lists_allowed_values() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_bytes("xlsx")))
    assert book.sheetnames == ["initiatieven", "toegestane waarden", "kolomnamen"]
    assert [c.value for c in book.worksheets[0][1]][:3] == ["id", "naam", "soort"]
    values = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert ["thema's", "wonen", "Wonen", "Housing"] in values
    assert all(["thema's", s, THEMES.label(s), THEMES.label(s, "en")] in values
               for s in THEMES.slugs)
    synonyms = [[c.value for c in row] for row in book.worksheets[2].iter_rows()]
    also = {row[0]: row[1] for row in reversed(synonyms)}  # the first row per column
    assert "source_url" in also["bronnen"] and "link" in also["bronnen"]
    assert "url" in also["website"] and "gemeentenaam" in also["gemeente"]


def test_template_csv_header() -> None:
    header = template_bytes("csv").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("id,naam,soort,samenvatting")
    assert "breedtegraad,lengtegraad" in header


# --------------------------------------------------------------------------- store + CLI


def stored(path: Path) -> list[dict[str, Any]]:
    from dashboard.store import open_store

    return open_store(path).list()


def test_import_file_writes_all_or_nothing(store_path: Path) -> None:
    from dashboard.store import open_store

    store = open_store(store_path)
    bad = DUTCH_EXCEL + "Fout;Oostburg;6,55;53,33;wonen\r\n".encode("cp1252")
    report = importing.import_file(bad, "a.csv", store, author="test")
    assert not report.ok and report.written == 0 and stored(store_path) == []
    report = importing.import_file(DUTCH_EXCEL, "a.csv", store, author="test", dry_run=True)
    assert report.ok and report.written == 0 and stored(store_path) == []
    report = importing.import_file(DUTCH_EXCEL, "a.csv", store, author="test")
    assert report.ok and report.written == 1
    (saved,) = stored(store_path)
    assert saved["id"] == "klushuizen" and saved["author"] == "test"
    again = importing.import_file(DUTCH_EXCEL, "a.csv", store, author="test")
    assert not again.ok and "already in the store" in error_text(again)
    assert "staat al in de opslag" in error_text(again, "nl")


def run_cli(*argv: str) -> int:
    return cli.main(list(argv))


def test_cli_import_and_validate(tmp_path: Path, store_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "goed.csv"
    good.write_bytes(DUTCH_EXCEL)
    bad = tmp_path / "fout.csv"
    bad.write_bytes(b"naam,lat,lon\nX,6.55,53.33\n")

    assert run_cli("validate", str(bad)) == 1
    out = capsys.readouterr().out
    assert "fout.csv: 1 row read, 0 valid, 1 with errors" in out
    assert ("row 2, Location (lat/lon): error: The point latitude 6.55 / longitude 53.33 lies "
            "outside") in out
    assert "nothing was written" in out

    assert run_cli("validate", str(good)) == 0
    assert run_cli("import", str(good), "--dry-run", "--store", str(store_path)) == 0
    assert stored(store_path) == []

    assert run_cli("import", str(good), "--store", str(store_path), "--author", "zaal") == 0
    assert "Imported 1 initiative into" in capsys.readouterr().out
    assert [r["author"] for r in stored(store_path)] == ["zaal"]

    assert run_cli("import", str(good)) == 1  # duplicate now, via KRIMPKAART_STORE
    assert len(stored(store_path)) == 1


def test_cli_convert_rd(tmp_path: Path, store_path: Path) -> None:
    rd = tmp_path / "rd.csv"
    rd.write_bytes(b"naam,lat,lon\nAmersfoort,463000,155000\n")
    assert run_cli("import", str(rd)) == 1
    assert run_cli("import", str(rd), "--convert-rd") == 0
    assert stored(store_path)[0]["gemeente_code"] == "GM0307"


def test_cli_usage_errors(tmp_path: Path, store_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("import", str(tmp_path / "missing.csv")) == 2
    assert "no such file" in capsys.readouterr().err
    assert run_cli("validate", str(tmp_path)) == 2  # a folder, not a file
    png = tmp_path / "plaatje.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert run_cli("validate", str(png)) == 1
    assert "is a PNG image, not a table" in capsys.readouterr().out


def test_cli_template(tmp_path: Path) -> None:
    assert run_cli("template", "-o", str(tmp_path / "t.xlsx")) == 0
    assert (tmp_path / "t.xlsx").read_bytes().startswith(b"PK")
    assert run_cli("template", "--format", "csv", "--lang", "en", "-o",
                   str(tmp_path / "t.csv")) == 0
    assert (tmp_path / "t.csv").read_text("utf-8-sig").startswith("id,name,kind")
    assert run_cli("template", "-o", str(tmp_path / "nope" / "t.csv")) == 2


def test_geojson_features_may_name_fields_differently_but_not_twice() -> None:
    point = {"type": "Point", "coordinates": [5.0, 52.0]}
    doc = {"type": "FeatureCollection", "features": [
        feature(point, naam="A"), feature(point, name="B"), feature(point, name="C", naam="D"),
    ]}
    report = plan_import(json.dumps(doc).encode(), "a.geojson", [])
    assert [r["name"] for r in report.records] == ["A", "B"]
    ((row, field, key),) = problems(report, "error")
    assert row == 3 and field == "name" and key == "imp_conflicting_columns"
    assert error_text(report) == ("'naam' and 'name' both give Name, with different values; "
                                  "keep one")
    assert error_text(report, "nl") == ("'naam' en 'name' geven allebei Naam, met verschillende "
                                        "waarden; houd er één")


def test_cli_validate_without_store_creates_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "geen-store.gpkg"
    monkeypatch.setenv("KRIMPKAART_STORE", str(missing))
    config.reload()
    good = tmp_path / "goed.csv"
    good.write_bytes(DUTCH_EXCEL)
    assert run_cli("validate", str(good)) == 0
    assert "Valid: 1 initiative would be added" in capsys.readouterr().out
    assert not missing.exists()
