"""``krimpkaart import`` of files the page refuses: streamed CSV without the 10 MB cap,
limits stated with the real size, errors part-way through a file, the progress bar."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from dashboard import cli, config
from dashboard.cli.progress import ImportProgress
from dashboard.store import GeoPackageStore, open_existing
from dashboard.tabular import importing, reading
from dashboard.tabular.importing import import_path

HEADER = "naam;plaats;breedtegraad;lengtegraad;thema's;beschrijving\n"


def big_csv(path: Path, rows: int, description: int = 2000, start: int = 0,
            encoding: str = "utf-8") -> Path:
    """A valid CSV of ``rows`` rows, each with a long description (so it is big quickly)."""
    text = "Zorgcoöperatie in Súdwest-Fryslân, " * (description // 35)
    with path.open("w", encoding=encoding, newline="") as out:
        out.write(HEADER)
        for i in range(start, start + rows):
            out.write(f"Dorpshuis {i};Emmen;52,78;6,9;zorg;{text}\n")
    return path


def test_a_csv_bigger_than_the_page_takes_is_imported_in_chunks(tmp_path, store_path, capsys,
                                                                monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 1000)
    path = big_csv(tmp_path / "groot.csv", 6000)
    size_mb = path.stat().st_size / 1024 / 1024
    assert size_mb > config.UPLOAD_LIMIT_MB  # the page would refuse it
    assert cli.main(["import", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert (f"groot.csv is {size_mb:.1f} MB, more than the page takes (10 MB): the command line "
            "reads CSV and XLSX in chunks, with no size limit (GeoJSON and GeoPackage up to "
            "50 MB)") in out
    assert "groot.csv: 6,000 rows read, 6,000 valid, 0 with errors" in out
    assert "Imported 6,000 initiatives into" in out
    store = open_existing(store_path)
    assert len(store.list()) == 6000
    (change,) = store.history()
    assert (change.action, change.count, change.author) == ("import", 6000, "import")

    assert cli.main(["import", str(path), "--lang", "nl"]) == 1  # all of it is there already
    out = capsys.readouterr().out
    assert "groot.csv: 6.000 rijen gelezen, 0 geldig, 6.000 met fouten" in out
    assert "… en nog" not in out  # 6,000 findings: all listed
    assert len(store.list()) == 6000


def test_an_error_in_the_last_chunk_writes_nothing_and_every_row_is_reported(
        tmp_path, store_path, capsys, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 500)
    path = big_csv(tmp_path / "fout.csv", 3000, description=100)
    with path.open("a", encoding="utf-8") as out:
        out.write("Fout;Emmen;6,55;53,33;zorg;x\n")  # row 3002: swapped
        out.write("Dorpshuis 7;Emmen;52,78;6,9;zorg;dubbel\n")  # row 3003: row 9 again
    assert cli.main(["import", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "fout.csv: 3,002 rows read, 3,000 valid, 2 with errors" in out
    assert "row 3002, Location (breedtegraad/lengtegraad): error: The point latitude 6.55" in out
    assert "row 3003, Name (naam): error: 'Dorpshuis 7' in Emmen is already in row 9" in out
    assert "nothing was written" in out
    store = open_existing(store_path)
    assert store.list() == [] and store.history() == []


def test_a_quoting_error_part_way_through_a_streamed_file(tmp_path, store_path, capsys,
                                                          monkeypatch):
    """Row 300 opens a quote it never closes: the quoted field runs on over the next rows
    until it is longer than the CSV reader allows, long after the first chunks were checked
    (and written, in the transaction that is then rolled back)."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 100)
    path = big_csv(tmp_path / "kapot.csv", 299, description=50)
    with path.open("a", encoding="utf-8") as out:
        out.write('Open;Emmen;52,78;6,9;zorg;"niet gesloten\n')
    big_csv(tmp_path / "rest.csv", 150, description=50, start=1000)
    with path.open("a", encoding="utf-8") as out:
        out.write((tmp_path / "rest.csv").read_text(encoding="utf-8").split("\n", 1)[1])
    default = reading.csv.field_size_limit(1000)
    try:
        assert cli.main(["import", str(path), "--lang", "en"]) == 1
    finally:
        reading.csv.field_size_limit(default)
    out = capsys.readouterr().out
    assert "kapot.csv: 299 rows read, 299 valid, 0 with errors" in out
    assert "  file: error: " in out and "field larger than field limit (1000)" in out
    assert open_existing(store_path).list() == []


def test_encodings_are_decided_for_the_whole_streamed_file(tmp_path, store_path, monkeypatch):
    monkeypatch.setattr(reading, "HEAD_CHARS", 64)  # the head ends long before the accents
    cp1252 = big_csv(tmp_path / "excel.csv", 50, description=70, encoding="cp1252")
    report = import_path(cp1252, None)
    assert report.ok and report.valid == 50
    store = GeoPackageStore(store_path)
    assert import_path(cp1252, store).written == 50
    assert "Zorgcoöperatie in Súdwest-Fryslân" in store.get("dorpshuis-3")["description"]
    bad = tmp_path / "bom.csv"
    bad.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"A;Emmen;52,78;6,9;zorg;caf\xe9\n")
    (problem,) = import_path(bad, None).errors
    assert problem.key == "read_bad_utf8"
    assert problem.params == {"byte": len(HEADER) + len("A;Emmen;52,78;6,9;zorg;caf")}


def test_whole_file_formats_state_their_limit_with_the_real_size(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "WHOLE_FILE_LIMIT_BYTES", 1024 * 1024)
    feature = {"type": "Feature", "properties": {"naam": "x" * 1000},
               "geometry": {"type": "Point", "coordinates": [6.9, 52.78]}}
    path = tmp_path / "veel.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature] * 1500}))
    (problem,) = import_path(path, None).errors
    size = path.stat().st_size / 1024 / 1024
    assert problem.text("en") == (
        f"'veel.geojson' is {size:.1f} MB; GeoJSON files are read whole, up to 1 MB: save it "
        "as CSV (read in chunks, no size limit) or split it")
    assert problem.text("nl").startswith(f"'veel.geojson' is {size:.1f} MB; GeoJSON-bestanden "
                                         "worden in hun geheel gelezen, tot 1 MB".replace(
                                             f"{size:.1f}", f"{size:.1f}".replace(".", ",")))


def test_the_report_lists_at_most_so_many_findings(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_PROBLEMS", 5)
    path = tmp_path / "leeg.csv"
    path.write_text("naam;breedtegraad;lengtegraad\n" + ";52;5\n" * 12, encoding="utf-8")
    report = import_path(path, None)
    assert len(report.problems) == 5 and report.left_out == 7 and report.error_row_count == 12
    text = importing.format_report(report, "en")
    assert text.splitlines()[-1] == "  … and 7 more findings, not listed (the first 5 are)"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_progress_bar_shows_only_on_a_terminal_after_a_few_seconds():
    screen = io.StringIO()
    clock = Clock()
    bar = ImportProgress("groot.csv", "nl", Console(file=screen, force_terminal=True, width=100),
                         clock=clock)
    bar(10_000, 1_000, 10_000)
    assert screen.getvalue() == ""  # a quick import shows no bar
    clock.now = 3.0
    bar(20_000, 5_000, 10_000)
    bar(40_000, 10_000, 10_000)
    bar.close()
    shown = screen.getvalue()
    assert "groot.csv" in shown and "40.000 rijen gecontroleerd" in shown and "100%" in shown

    piped = io.StringIO()
    bar = ImportProgress("groot.csv", "en", Console(file=piped, force_terminal=False),
                         clock=clock)
    clock.now = 10.0
    bar(1, 1, 2)
    bar.close()
    assert piped.getvalue() == ""  # a log file gets the report, not redraws


def test_xlsx_streams_and_geojson_reads_whole_from_a_path(tmp_path):
    import pandas as pd

    xlsx = tmp_path / "blad.xlsx"
    pd.DataFrame({"Naam": ["Höfte", "Dorpshuis"], "Breedtegraad": [53.03, 52.78],
                  "Lengtegraad": [5.66, 6.9], "Startjaar": [2012, None]}).to_excel(
        xlsx, index=False)
    report = import_path(xlsx, None)
    assert report.ok and report.valid == 2 and report.rows_read == 2
    geojson = tmp_path / "punten.json"  # GeoJSON by its content
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Buurtbus"},
         "geometry": {"type": "Point", "coordinates": [6.9, 52.78]}}]}), encoding="utf-8")
    report = import_path(geojson, None)
    assert report.ok and report.valid == 1 and report.row_label == "feature"
    png = tmp_path / "plaatje.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    (problem,) = import_path(png, None).errors
    assert problem.key == "read_not_a_table"


# --- krimpkaart undo ---------------------------------------------------------------------------


def test_undo_after_an_import_removes_all_of_it_and_nothing_else(tmp_path, store_path, capsys):
    store = open_existing(store_path)
    store.add({"id": "eigen", "name": "Eigen", "lat": 52.0, "lon": 5.5}, "anna")
    assert cli.main(["import", str(big_csv(tmp_path / "a.csv", 250, 100)), "--lang", "en"]) == 0
    assert len(store.list()) == 251
    capsys.readouterr()

    assert cli.main(["undo", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"Undone: the import of 250 initiatives; they are removed from {store_path}." in out
    assert [r["id"] for r in store.list()] == ["eigen"]  # anna's add stays
    undo = store.history()[0]
    assert (undo.action, undo.count, undo.author) == ("undo", 250, "import")

    assert cli.main(["undo", "--lang", "nl"]) == 1  # the import's earlier change: none
    captured = capsys.readouterr()
    assert "krimpkaart undo: er is geen wijziging van import meer om ongedaan te maken" \
        in captured.err
    assert "Er is niets gewijzigd." in captured.out
    assert cli.main(["undo", "--author", "anna", "--lang", "en"]) == 0
    assert "Undone: the last change to 'Eigen'" in capsys.readouterr().out
    assert store.list() == []


def test_undo_of_an_import_edited_since_is_refused_and_changes_nothing(tmp_path, store_path,
                                                                        capsys):
    assert cli.main(["import", str(big_csv(tmp_path / "a.csv", 30, 100)), "--author", "fien",
                     "--lang", "en"]) == 0
    store = open_existing(store_path)
    record = store.get("dorpshuis-7")
    store.update({**record, "summary": "bijgewerkt"}, "bert",
                 expected_updated_at=record["updated_at"])
    capsys.readouterr()
    assert cli.main(["undo", "--author", "fien", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "cannot undo the import of 30 initiatives: 'Dorpshuis 7' from it was changed by " \
           "bert" in err
    assert len(store.list()) == 30 and store.get("dorpshuis-7")["summary"] == "bijgewerkt"


def test_undo_names_a_missing_store_and_creates_none(tmp_path, capsys):
    missing = tmp_path / "geen.gpkg"
    assert cli.main(["undo", "--store", str(missing), "--lang", "en"]) == 1
    assert "krimpkaart undo:" in capsys.readouterr().err
    assert not missing.exists()
