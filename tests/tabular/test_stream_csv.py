"""A streamed CSV (the command line's reader, ``open_table``) gives the same header, rows,
row numbers and notes as the same bytes read whole (``load_table``, the page's reader),
for the inputs where a faster reader could differ: formula guards, apostrophes inside
text, blank rows and rows whose first cell is blank, ragged rows, quoted line breaks,
``;`` and tab separators, a BOM, Windows-1252, bad UTF-8 after a BOM."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard.tabular.reading import Table, TableError, load_table, open_table

CASES: dict[str, bytes] = {
    "formula guard": b"name,place\n'=SUM(A1),'+31 6\n'plain,x\n",
    "apostrophes inside": b"name,place\nauto's delen,'s-Hertogenbosch\nDorp's huis,a'b\n",
    "guard and apostrophe": b"name,place\n'@home,auto's\n",
    "blank rows": b"name,place\n\nA,x\n,\n  ,  \n,y\nB,z\n\n",
    "first cell blank": b"name,place,lat\n,Assen,\n ,,52.9\n",
    "ragged": b"name,place\nA\nB,x,extra,more\nC,y,,\n",
    "quoted newline": b'name,description\n"A","line one\nline two"\nB,"x"\n',
    "semicolon": b"name;place\nA;x,y\n\"B;C\";z\n",
    "tab": b"name\tplace\nA\tx\n",
    "sep hint": b"sep=;\nname;place\nA;x\n",
    "bom": b"\xef\xbb\xbfname,place\nA,x\n",
    "cp1252": b"name,place\nCaf\xe9,Ni\xebuw\n",
    "crlf": b"name,place\r\nA,x\r\n\r\nB,y\r\n",
    "header only": b"name,place\n",
    "no name column header": b",name\nx,A\n",
}


def _streamed(tmp_path: Path, data: bytes) -> tuple[Table, list[Any]]:
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    table = open_table(path, 1 << 20)
    rows = list(table.rows)
    return table, rows


@pytest.mark.parametrize("name", list(CASES))
def test_streamed_csv_reads_as_the_whole_file_does(tmp_path: Path, name: str) -> None:
    data = CASES[name]
    whole = load_table(data, "file.csv")
    table, rows = _streamed(tmp_path, data)
    assert table.columns == whole.columns
    assert rows == list(whole.rows)
    assert [(n.row, n.key, dict(n.params)) for n in table.notes] == [
        (n.row, n.key, dict(n.params)) for n in whole.notes]


def test_formula_guard_is_taken_off_and_apostrophes_inside_stay(tmp_path: Path) -> None:
    _, rows = _streamed(tmp_path, CASES["formula guard"] + CASES["apostrophes inside"][11:])
    assert [cells for _, cells in rows] == [
        {"name": "=SUM(A1)", "place": "+31 6"}, {"name": "'plain", "place": "x"},
        {"name": "auto's delen", "place": "'s-Hertogenbosch"},
        {"name": "Dorp's huis", "place": "a'b"}]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    _, rows = _streamed(tmp_path, CASES["blank rows"])
    assert [(n, cells["name"]) for n, cells in rows] == [(3, "A"), (6, ""), (7, "B")]
    _, rows = _streamed(tmp_path, CASES["first cell blank"])
    assert [n for n, _ in rows] == [2, 3]


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b",,\n"])
def test_an_empty_file_is_said_to_be_empty(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(TableError) as caught:
        _streamed(tmp_path, data)
    assert caught.value.key == "read_empty"


def test_bad_utf8_after_a_bom_names_the_byte(tmp_path: Path) -> None:
    with pytest.raises(TableError) as caught:
        _streamed(tmp_path, b"\xef\xbb\xbfname\nab\xffc\n")
    assert caught.value.key == "read_bad_utf8"
    assert caught.value.params["byte"] == 7
