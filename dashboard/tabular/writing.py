"""Records -> CSV, XLSX or GeoJSON bytes, and the import template.

Files written here are read back by ``reading`` into the same records
(the cell forms live in ``cells``). CSV carries a UTF-8 BOM so Excel
shows accents right, and its text cells that a spreadsheet would run as
formulas are guarded with a leading ``'``. XLSX text cells are written as
typed strings, which spreadsheets never run, so they carry no guard.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from dashboard.domain.record import RECORD_FIELDS
from dashboard.domain.vocab import VOCABULARIES
from dashboard.tabular.cells import (
    COLUMN_ALIASES,
    DUTCH_HEADERS,
    MUNICIPALITY_ALIASES,
    record_cells,
)

ExportFormat = Literal["csv", "geojson", "xlsx"]
EXPORT_FORMATS: tuple[str, ...] = ("csv", "geojson", "xlsx")
LICENCE = "CC BY 4.0"
CITATION = (
    "Krimpkaart, initiatieven sociale innovatie in krimpregio's (2026), based on R. During, "
    "'Sociale innovatie als veelbelovend concept in krimpregio's'; CC BY 4.0"
)
TEMPLATE_FIELDS: tuple[str, ...] = tuple(
    f for f in RECORD_FIELDS if f not in ("created_at", "updated_at", "author")
)
TEMPLATE_EXAMPLE: dict[str, Any] = {
    "id": "",
    "name": "KLUShuizen in Krimp",
    "kind": "initiatief",
    "summary": "Bewoners klussen samen aan verwaarloosde huizen, gesteund door een architect.",
    "summary_en": "Residents renovate neglected houses together, supported by an architect.",
    "description": "",
    "description_en": "",
    "place": "Oostburg",
    "gemeente_code": "",
    "lat": 51.326,
    "lon": 3.488,
    "location_approximate": False,
    "scope": "lokaal",
    "themes": ["wonen", "leefbaarheid"],
    "participation": "maatschappelijk-initiatief",
    "actors": ["burgers", "ondernemers"],
    "channels": ["website"],
    "start_year": None,
    "status": "onbekend",
    "outcomes": [{"label": "Huizenprijs na het klussen", "value": 125000, "unit": "euro"}],
    "sources": [{"title": "Krot of kans", "url": "https://www.krotofkans.nl", "note": ""}],
    "website": "https://www.krotofkans.nl",
}
_WIDTH = (8, 60)


def export_records(records: Iterable[Mapping[str, Any]], fmt: ExportFormat) -> bytes:
    """The records as a CSV, GeoJSON or XLSX file (bytes), all fields, in RECORD order."""
    records = list(records)
    if fmt == "csv":
        return _csv(list(RECORD_FIELDS),
                    [record_cells(r, formula_guard=True) for r in records])
    if fmt == "xlsx":
        return _xlsx(list(RECORD_FIELDS), [record_cells(r, formula_guard=False) for r in records],
                     extra=_licence_rows())
    if fmt == "geojson":
        return _geojson(records)
    raise ValueError(f"unknown export format '{fmt}'; use one of {', '.join(EXPORT_FORMATS)}")


def template_bytes(fmt: Literal["csv", "xlsx"], lang: str = "nl") -> bytes:
    """An import template: the columns and one example row; XLSX adds the allowed values."""
    headers = [DUTCH_HEADERS[f] if lang == "nl" else f for f in TEMPLATE_FIELDS]
    if fmt == "csv":
        return _csv(headers, [record_cells(TEMPLATE_EXAMPLE, TEMPLATE_FIELDS, formula_guard=True)])
    if fmt == "xlsx":
        rows = [record_cells(TEMPLATE_EXAMPLE, TEMPLATE_FIELDS, formula_guard=False)]
        return _xlsx(headers, rows, extra=_vocabulary_rows(lang), more=_synonym_rows(lang))
    raise ValueError(f"unknown template format '{fmt}'; use csv or xlsx")


def _csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(
    headers: list[str], rows: list[list[Any]], extra: tuple[str, list[list[Any]]] | None = None,
    more: tuple[str, list[list[Any]]] | None = None,
) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def clean(value: Any) -> Any:
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    book = openpyxl.Workbook()
    sheets = [(book.active, "initiatieven", headers, rows)]
    if extra:
        sheets.append((book.create_sheet(), extra[0], extra[1][0], extra[1][1:]))
    if more:
        sheets.append((book.create_sheet(), more[0], more[1][0], more[1][1:]))
    for sheet, title, head, body in sheets:
        sheet.title = title
        sheet.append(head)
        for row in body:
            sheet.append([clean(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl takes text starting with = for a formula
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, name in enumerate(head, start=1):
            longest = max([len(str(name))] + [len(str(r[index - 1])) for r in body
                                              if index - 1 < len(r)])
            width = min(max(longest + 2, _WIDTH[0]), _WIDTH[1])
            sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _licence_rows() -> tuple[str, list[list[Any]]]:
    return "licentie", [["item", "text"], ["licence", LICENCE], ["citation", CITATION]]


def _vocabulary_rows(lang: str) -> tuple[str, list[list[Any]]]:
    """Sheet listing every allowed value per vocabulary column, with both labels."""
    title = "toegestane waarden" if lang == "nl" else "allowed values"
    rows: list[list[Any]] = [["kolom" if lang == "nl" else "column",
                              "waarde" if lang == "nl" else "value", "nl", "en"]]
    for fieldname, vocab in VOCABULARIES.items():
        column = DUTCH_HEADERS[fieldname] if lang == "nl" else fieldname
        for slug, nl, en in vocab.terms:
            rows.append([column, slug, nl, en])
    notes_nl = [
        ["", "", "", ""],
        ["lijsten", "wonen|zorg", "meerdere waarden scheiden met |", "separate values with |"],
        ["resultaten", "Huizen opgeknapt = 12 woningen", "label = getal eenheid",
         "label = number unit"],
        ["bronnen", "Titel <https://…> (notitie)", "titel <url> (notitie)",
         "title <url> (note)"],
        ["breedtegraad/lengtegraad", "51.326 / 3.488", "WGS84-graden; leeg voor landelijk, "
         "online of buitenland", "WGS84 degrees; empty for national, online or abroad"],
        ["locatie_bij_benadering", "ja / nee", "ja: het punt ligt er alleen ongeveer (bijv. "
         "midden van de gemeente); leeg: ja als het punt precies het midden van de gemeente is",
         "yes: the point is only roughly there (e.g. the middle of the municipality); empty: "
         "yes when the point is exactly the middle of its municipality"],
    ]
    return title, rows + notes_nl


def _synonym_rows(lang: str) -> tuple[str, list[list[Any]]]:
    """Sheet listing the other column names an import understands, per field, and the
    municipality column that places rows without coordinates."""
    nl = lang == "nl"
    rows: list[list[Any]] = [["kolom" if nl else "column",
                              "ook herkend als" if nl else "also understood"]]
    for fieldname, aliases in COLUMN_ALIASES.items():
        own = DUTCH_HEADERS[fieldname] if nl else fieldname
        others = [a for a in aliases if a != own]
        if others:
            rows.append([own, ", ".join(others)])
    rows.append(["gemeente" if nl else "municipality",
                 ", ".join(a for a in MUNICIPALITY_ALIASES if a != ("gemeente" if nl else
                                                                     "municipality"))])
    rows.append(["", ""])
    rows.append(["gemeente" if nl else "municipality",
                 "naam van de gemeente (CBS 2024, hoofdletters en accenten maken niet uit, "
                 "bijv. Súdwest-Fryslân, Bergen (NH)); een rij zonder breedtegraad/lengtegraad "
                 "komt in het midden van de gemeente, gemarkeerd als bij benadering" if nl else
                 "name of the municipality (CBS 2024, case and accents do not matter, e.g. "
                 "Súdwest-Fryslân, Bergen (NH)); a row without latitude/longitude is placed at "
                 "the middle of the municipality, marked approximate"])
    rows.append(["", "andere kolommen: kies in de app wat ze zijn, of gebruik krimpkaart import "
                 "--map kolom=veld" if nl else "other columns: choose what they are in the app, "
                 "or use krimpkaart import --map column=field"])
    return ("kolomnamen" if nl else "column names"), rows


def _geojson(records: list[Mapping[str, Any]]) -> bytes:
    features = []
    for record in records:
        props = {k: record.get(k) for k in RECORD_FIELDS if k not in ("lat", "lon")}
        lat, lon = record.get("lat"), record.get("lon")
        geometry = None if lat is None or lon is None else {
            "type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "id": record.get("id"), "geometry": geometry,
                         "properties": props})
    doc = {"type": "FeatureCollection", "licence": LICENCE, "citation": CITATION,
           "features": features}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
