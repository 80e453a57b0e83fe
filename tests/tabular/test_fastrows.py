"""The bulk import checks like ``validate`` does, row for row.

``reference_check`` is the importer as it was before it checked in chunks (every row
through ``validate``, duplicates against a dict of every stored record): on generated
files with good rows and every kind of mistake, ids and duplicates across chunk
boundaries, the new importer must give the same findings (key, values, row, field,
column, in the same order per row) and the same records.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from dashboard import geo
from dashboard.domain.record import RECORD_FIELDS
from dashboard.domain.validation import validate
from dashboard.i18n import Message, msg
from dashboard.tabular import fastrows, importing
from dashboard.tabular.fastrows import FastRows
from dashboard.tabular.importing import ImportReport, plan_import
from dashboard.tabular.reading import load_table
from dashboard.text import fold


def reference_check(data: bytes, name: str, existing: Iterable[Mapping[str, Any]],
                    convert_rd: bool = False) -> ImportReport:
    """The importer's row checks before this change (commit 39bedb3), verbatim but for
    the file reading and column mapping it shares with the new one."""
    report = ImportReport(name)
    table = load_table(data, name)
    report.row_label = table.row_label
    for note in table.notes:
        report.add(note.row, note.field, note.message, note.severity)
    columns = importing._map_columns(table, report)
    assert columns is not None
    by_field: dict[str, str] = {}
    for header, fieldname in columns.items():
        by_field.setdefault(fieldname, header)
    taken: dict[str, Message] = {}
    seen: dict[tuple[str, str], Message] = {}

    def key_of(record: Mapping[str, Any]) -> tuple[str, str]:
        return fold(str(record.get("name") or "")), fold(str(record.get("place") or ""))

    for old in existing:
        taken[str(old.get("id", ""))] = msg("where_existing", name=old.get("name", ""))
        seen[key_of(old)] = msg("where_in_store", id=old.get("id", ""))
    rows_in_error = {n.row for n in table.notes if n.severity == "error" and n.row}
    name_missing = "name" not in by_field
    rows = [(number, *importing._row_data(cells, columns, number, report))
            for number, cells in table.rows]
    locate = importing._batch_locator([data for _, data, _ in rows])
    for number, data, consistent in rows:
        report.rows_read += 1
        where = report.where(number)
        result = validate(data, existing_ids=taken, convert_rd=convert_rd, locate=locate)
        for p in result.problems:
            if name_missing and p.field == "name":
                continue
            report.add(number, p.field, p.message, p.severity,
                       importing._column(p.field, by_field))
        given_id = data.get("id")
        if isinstance(given_id, str) and given_id.strip():
            taken.setdefault(given_id.strip(), where)
        record = result.record
        if record is None or not consistent or number in rows_in_error:
            continue
        key = key_of(record)
        if key in seen:
            duplicate = msg("imp_duplicate_place", name=record["name"], place=record["place"],
                            where=seen[key]) if record["place"] else msg(
                "imp_duplicate", name=record["name"], where=seen[key])
            report.add(number, "name", duplicate, column=importing._column("name", by_field))
            continue
        seen[key] = msg(f"where_in_{report.row_label}", number=number)
        taken[record["id"]] = where
        report.records.append(record)
    return report


POINTS = [("52,78", "6,9"), ("51.326", "3.488"), ("53.2", "6.55"), ("52.0906", "5.1214"),
          ("52.995134", "7.009699"),  # the centre of Stadskanaal: approximate unless said
          ("52.9953", "7.0099"),  # 25 m from it: approximate too
          ("52.9960", "7.0110")]  # 130 m from it: an exact point
NAMES = ["Dorpshuis De Kern", "Buurtbus", "Zorgcoöperatie Ons Dorp", "Klushuis", "A.B", "A B",
         "Repair Café", "Höfte"]
BAD_CELLS = {  # column -> values that validate must have a say about
    "naam": ["", "  ", "Naam\tmet tab", "'=formule", "x" * 201, "Ctrl\x07", "Cafe\u0301"],
    "plaats": ["Súdwest\u00a0Fryslân", "Plaats\nmet regel"],
    "breedtegraad": ["", "6,55", "463000", "48,85", "1e1", "abc", "52.1.2", "95"],
    "lengtegraad": ["", "53,33", "155000", "2,35", "-", "5", "5,1,2"],
    "thema's": ["woningen", "wonen;zorg|natuur", "[\"wonen\"]", "Wonen, Zorg", "onbekend"],
    "soort": ["Fonds", "fund", "netwerk", "iets"],
    "startjaar": ["1750", "2012,5", "twintig", "2015"],
    "website": ["www.example.nl", "javascript:alert(1)", "https://a.nl", "a b"],
    "schaal": ["buitenland", "online", "lokaal", "nergens"],
    "gemeentecode": ["GM0114", "114", "GM9999", "abc", "GM1714"],
    "id": ["klushuis", "Klus Huis", "abc", "abc", "dorpshuis-de-kern"],
    "beschrijving": ["Regel een\nRegel twee", "Tab\there", "Windows\r\nregel", "gewoon"],
    "kanalen": ["LinkedIn|website", "x" * 101],
    "resultaten": ["Huizen opgeknapt = 12 woningen"],
    "locatie_bij_benadering": ["misschien", "2", "Ja ", "ONWAAR"],
    "notities": ["Noot\tmet tab", "x" * 2001, "Regel een\nRegel twee"],
}
HEADER = ["id", "naam", "plaats", "breedtegraad", "lengtegraad", "thema's", "soort",
          "startjaar", "website", "schaal", "gemeentecode", "beschrijving", "kanalen",
          "resultaten", "locatie_bij_benadering", "notities"]


def generated_file(rows: int, seed: int, bad_share: float = 0.3) -> bytes:
    """A CSV with mostly good rows, repeated names and places, and mistakes of every kind."""
    rnd = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for _ in range(rows):
        lat, lon = rnd.choice(POINTS)
        row = {"id": "", "naam": f"{rnd.choice(NAMES)} {rnd.randrange(rows // 3 + 1)}",
               "plaats": rnd.choice(["", "Emmen", "Oostburg", "Súdwest-Fryslân"]),
               "breedtegraad": lat, "lengtegraad": lon,
               "thema's": rnd.choice(["wonen", "zorg|leefbaarheid", "", "Natuur"]),
               "soort": rnd.choice(["", "initiatief", "Netwerk/platform"]),
               "startjaar": rnd.choice(["", "2010", "1999"]), "website": "", "schaal": "",
               "gemeentecode": "", "beschrijving": rnd.choice(["", "Een beschrijving."]),
               "kanalen": "", "resultaten": "",
               "locatie_bij_benadering": rnd.choice(["", "", "ja", "nee", "true", "0"]),
               "notities": rnd.choice(["", "Volgens de gemeente sinds 2004."])}
        if rnd.random() < bad_share:
            column = rnd.choice(list(BAD_CELLS))
            row[column] = rnd.choice(BAD_CELLS[column])
        writer.writerow([row[h] for h in HEADER])
    return out.getvalue().encode("utf-8")


STORE = [{"id": "klushuis", "name": "Klushuis 3", "place": "Emmen"},
         {"id": "dorpshuis-de-kern-1", "name": "Dorpshuis De Kern 1", "place": ""},
         {"id": "buurtbus-2", "name": "Buurtbus 2", "place": "Oostburg"}]


def findings(report: ImportReport) -> list[tuple]:
    return [(p.row, p.field, p.key, dict(p.params), p.severity, p.column)
            for p in sorted(report.problems, key=lambda p: p.row)]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("chunk", [7, 10_000])
def test_the_bulk_import_finds_what_validate_finds(seed, chunk, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", chunk)
    data = generated_file(300, seed)
    expected = reference_check(data, "a.csv", STORE)
    report = plan_import(data, "a.csv", STORE)
    assert findings(report) == findings(expected)
    assert report.records == expected.records
    assert report.rows_with_errors == expected.rows_with_errors
    assert report.rows_read == expected.rows_read == 300
    assert len(report.records) > 50 and len(report.errors) > 30  # both kinds were there


@pytest.mark.parametrize("convert_rd", [False, True])
def test_rd_coordinates_alike(convert_rd):
    data = b"naam;breedtegraad;lengtegraad\nA;463000;155000\nB;52,1;5,3\nC;155000;463000\n"
    expected = reference_check(data, "a.csv", [], convert_rd)
    report = plan_import(data, "a.csv", [], convert_rd=convert_rd)
    assert findings(report) == findings(expected) and report.records == expected.records


def test_rows_taken_in_bulk_are_those_validate_accepts_as_they_are():
    """Each record FastRows builds is validate's record for that row, with no problem."""
    data = generated_file(400, 99, bad_share=0.5)
    table = load_table(data, "a.csv")
    columns = {importing.field_for_column(h): h for h in table.columns}
    rows = [cells for _, cells in table.rows]
    fast = FastRows(columns, convert_rd=False).check(rows)
    taken = 0
    for cells, record in zip(rows, fast, strict=True):
        if record is None:
            continue
        taken += 1
        data_row = {name: importing.cell_to_value(name, cells.get(header))
                    for name, header in columns.items()}
        result = validate(data_row)
        assert result.problems == []
        assert {**record, "id": record["id"] or result.record["id"]} == result.record
    assert taken > 100


def test_fast_rows_know_every_record_field():
    """A new record field must be taught to FastRows (or its rows left to validate)."""
    assert fastrows.RECORD_ORDER == RECORD_FIELDS
    assert set(RECORD_FIELDS) == fastrows.KNOWN_FIELDS


def test_a_point_outside_every_municipality_is_left_to_validate():
    columns = {"name": "naam", "lat": "lat", "lon": "lon"}
    rows = [{"naam": "Zee", "lat": "53.5", "lon": "4.0"},  # North Sea, inside the NL box
            {"naam": "Land", "lat": "52.0906", "lon": "5.1214"}]
    sea, land = FastRows(columns, convert_rd=False).check(rows)
    assert sea is None and land is not None
    assert land["gemeente_code"] == geo.locate(5.1214, 52.0906)["statcode"]


PIECES = ["Dorpshuis", " Dorpshuis ", "", "   ", "coöperatie", "coo\u0308peratie", "\u0308x",
          "'=SUM(A1)", " 'quoted", "auto's", "tab\there", "two\nlines", "cr\rhere", "\u200b",
          "x" * 201, "y" * 5001, "Ａ", "e\u0301", "\u0301", "ﬁ", 3, 2.5, None, ["a"]]


@pytest.mark.parametrize("fieldname", ["name", "description", "place", "notes"])
def test_plain_column_is_plain_text_of_every_cell(fieldname: str) -> None:
    rng = random.Random(13)
    columns = [[p] for p in PIECES] + [
        [rng.choice(PIECES) for _ in range(rng.randint(0, 6))] for _ in range(400)]
    columns += [["Dorpshuis", "e"], ["\u0301", "e"], ["e", "\u0301"], ["Sudwest", "Súdwest"]]
    for column in columns:
        expected = [fastrows.plain_text(v, fieldname) for v in column]
        assert fastrows.plain_column(list(column), fieldname) == expected, column


NUMBERS = ["52.1", "-4.5", "52", "52,1", " 52.1", "52.1 ", "1e5", "nan", "inf", "\u0663.\u0665",
           "", "  ", None, 52, 5.5, True, float("nan"), "52.", ".5", "+5", "5\n", "5\n6",
           "52.1\n4.5", "\n5", "--5", "1_0"]


def test_decimal_column_is_decimal_of_every_cell() -> None:
    rng = random.Random(7)
    columns = [[v] for v in NUMBERS] + [["52.1", "4.5", "53"], []] + [
        [rng.choice(NUMBERS) for _ in range(rng.randint(0, 5))] for _ in range(400)]
    for column in columns:
        got = fastrows.decimal_column(list(column))
        expected = [fastrows.decimal(v) for v in column]
        assert [g if g is fastrows.SLOW else repr(g) for g in got] == [
            e if e is fastrows.SLOW else repr(e) for e in expected], column


def test_cached_columns_are_decided_as_cell_by_cell() -> None:
    fast = FastRows({"name": "name", "kind": "kind", "themes": "themes"}, False)
    fresh = FastRows({"name": "name", "kind": "kind", "themes": "themes"}, False)
    cells = ["fonds", "Fonds", "onzin", "", None, 1, True, ["zorg"], "zorg|wonen", "zorg|onzin"]
    for name in ("kind", "themes", "start_year"):
        first = fast._cached(name, list(cells))
        again = fast._cached(name, list(cells))  # all known now: the shortcut
        single = [fresh._cached(name, [c])[0] for c in cells]
        assert first == again == single
