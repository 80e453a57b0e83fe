"""Read an uploaded file into table rows: CSV, XLSX, GeoJSON or GeoPackage.

The file's content decides how it is read, not its name, because people
rename files and Excel saves "CSV" in many encodings. What the name promised
but the content is not gets explained. Anything that cannot be read raises
``TableError`` with a message meant for the person who uploaded the file; its
notes and errors are catalog keys with values, rendered with ``text(lang)``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import json
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from dashboard import config
from dashboard.domain.validation import Severity, point_text
from dashboard.i18n import Keyed, LocalizedError, Message, Num, msg
from dashboard.tabular.cells import field_for_column, unguard

MAX_ROWS = config.IMPORT_MAX_ROWS
MAX_COLUMNS = config.IMPORT_MAX_COLUMNS
EXTENSIONS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
}
# What a file's content is (``sniff``): a table format, or something else. Each
# has a catalog entry ``file_kind_<kind>`` ("a PNG image", "CSV text", ...).
FORMATS = ("csv", "xlsx", "geojson", "gpkg")
OTHER_KINDS = ("png", "jpeg", "gif", "pdf", "xls", "zip_damaged", "ods", "zip", "binary")
_MAGIC = (
    (b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF8", "gif"), (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0", "xls"),
)


def kind_name(kind: str) -> Message:
    """The name of a file kind ("a PNG image", "CSV text") in the reader's language."""
    return msg(f"file_kind_{kind}")


class TableError(LocalizedError, ValueError):
    """The file as a whole cannot be read; the message tells the user why and what to do."""


@dataclass(frozen=True)
class Note(Keyed):
    """Something found while reading: row 0 is the file, otherwise a row/feature number."""

    row: int
    key: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    severity: Severity = "warning"
    field: str = ""



Row = tuple[int, dict[str, Any]]  # (row number as the user sees it, cells by column name)


@dataclass
class Table:
    """Header and rows as in the file; rows are (row number as the user sees it, cells).

    A table read from bytes has all its rows in a list. One streamed from a file
    (``open_table``) has an iterator instead, read once: its notes about rows grow as
    the rows are read, and reading may raise ``TableError`` part-way (a CSV quoting
    error on line 700,000). ``position()`` says how many bytes of ``size`` are read.
    """

    format: str
    columns: list[str]
    rows: list[Row] | Iterator[Row] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    row_label: str = "row"
    size: int = 0
    position: Callable[[], int] | None = None


def read_table(data: bytes, filename: str) -> list[dict[str, Any]]:
    """Rows of a table file as dicts keyed by its column names (see ``load_table``)."""
    return [cells for _, cells in load_table(data, filename).rows]


def open_table(path: Path, whole_file_limit: int) -> Table:
    """Read a file as it is needed: CSV and XLSX rows stream (any size, no row limit);
    GeoJSON and GeoPackage are read whole, so they may be ``whole_file_limit`` bytes at
    most (``TableError`` saying the file's size otherwise). Formats as ``load_table``."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(4096)
    content = sniff(head) if not head.startswith(b"PK\x03\x04") else _sniff_zip(path)
    expected = EXTENSIONS.get(path.suffix.lower())
    if content not in FORMATS:
        raise TableError(key="read_not_a_table", name=path.name, kind=kind_name(content))
    if content == "csv":
        table = _stream_csv(path)
    elif content == "xlsx":
        table = _stream_xlsx(path)
    else:
        if size > whole_file_limit:
            raise TableError(key="read_whole_too_big", name=path.name,
                             format="GeoJSON" if content == "geojson" else "GeoPackage",
                             size=Num(size / MB, 1, 1), limit=Num(whole_file_limit / MB, 0, 0))
        table = (_read_geojson if content == "geojson" else _read_gpkg)(path.read_bytes())
    table.size = size
    if expected and expected != content:
        table.notes.insert(0, Note(0, "read_misnamed", {
            "name": path.name, "suffix": path.suffix, "kind": kind_name(content)}))
    return table


MB = 1024 * 1024


def _sniff_zip(path: Path) -> str:
    """What a ZIP file is (a workbook, an ODS, something else), as ``sniff`` says for bytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return "zip_damaged"
    return "xlsx" if "xl/workbook.xml" in names else "ods" if "content.xml" in names else "zip"


def load_table(data: bytes, filename: str) -> Table:
    """Read ``data`` by its content, warning when the file name says otherwise."""
    content = sniff(data)
    expected = EXTENSIONS.get(PurePath(filename or "").suffix.lower())
    name = PurePath(filename or "upload").name
    if content not in FORMATS:
        raise TableError(key="read_not_a_table", name=name, kind=kind_name(content))
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "geojson": _read_geojson,
              "gpkg": _read_gpkg}[content]
    table = reader(data)
    if expected and expected != content:
        table.notes.insert(0, Note(0, "read_misnamed", {
            "name": name, "suffix": PurePath(name).suffix, "kind": kind_name(content)}))
    return table


def sniff(data: bytes) -> str:
    """What the bytes are: one of ``FORMATS`` or of ``OTHER_KINDS``."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError):
            return "zip_damaged"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        return "zip"
    head = data[:4096]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    start = head.lstrip(codecs.BOM_UTF8).lstrip()
    if start.startswith((b"{", b"[")):
        return "geojson"
    return "csv"


# --------------------------------------------------------------------------- CSV


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TableError(key="read_bad_utf8", byte=exc.start) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The separator used in the header line: ``;`` (Dutch Excel), ``,`` or tab."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: 0 for d in ",;\t"}
    quoted = False
    for c in first:
        if c == '"':
            quoted = not quoted
        elif not quoted and c in counts:
            counts[c] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text = decode_text(data)
    delimiter, text = _hint_and_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise TableError(key="read_csv_error", line=reader.line_num, error=str(exc)) from exc
    return _from_records(
        "csv", ((n, [unguard(c) for c in r]) for n, r in enumerate(records, start=1)),
        delimiter=delimiter,
    )


def _hint_and_delimiter(text: str) -> tuple[str, str]:
    """The separator, and the text without Excel's ``sep=;`` hint line (Excel hides it)."""
    first, _, rest = text.partition("\n")
    if re.fullmatch(r"sep=[,;\t|]", first.strip()):
        return first.strip()[4], rest
    return sniff_delimiter(text), text


HEAD_CHARS = 1 << 20  # what the delimiter is sniffed from in a streamed CSV


def _stream_csv(path: Path) -> Table:
    """A CSV file's rows, read as they are needed; the encoding is decided up front as
    ``decode_text`` decides it for bytes (a fast pass over the file)."""
    encoding, errors = _file_encoding(path)
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
    head = text.read(HEAD_CHARS)
    if head.endswith("\r"):  # keep a \r\n together
        head += text.read(1)
    head += text.readline()  # end the head at a line break
    delimiter, head = _hint_and_delimiter(head)
    reader = csv.reader(itertools.chain(io.StringIO(head, newline=""), text),
                        delimiter=delimiter)

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, row in enumerate(reader, start=1):
                if "'" in "".join(row):  # a cell may start with a formula guard (rare)
                    row = [unguard(c) if c[:1] == "'" else c for c in row]
                yield number, row
        except csv.Error as exc:
            raise TableError(key="read_csv_error", line=reader.line_num, error=str(exc)) from exc
        finally:
            text.close()

    table = _from_records("csv", records(), delimiter=delimiter, stream=True)
    size = path.stat().st_size
    table.position = lambda: size if raw.closed else raw.tell()
    return table


def _file_encoding(path: Path) -> tuple[str, str]:
    """(encoding, errors) as ``decode_text`` would decode the whole file."""
    stat = path.stat()
    return _encoding_of(path.resolve(), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)  # the CLI opens a file for its header, then for its rows: scan once
def _encoding_of(path: Path, size: int, mtime_ns: int) -> tuple[str, str]:
    """``_file_encoding`` of the file as it is at this size and time (a full pass: 1 s for a
    280 MB file)."""
    with path.open("rb") as handle:
        start = handle.read(4)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", "strict"
        bom = start.startswith(codecs.BOM_UTF8)
        handle.seek(len(codecs.BOM_UTF8) if bom else 0)
        bad = _first_bad_utf8(handle)
    if bad is None:
        return ("utf-8-sig" if bom else "utf-8"), "strict"
    if bom:
        raise TableError(key="read_bad_utf8", byte=bad)
    return "cp1252", "replace"


def _first_bad_utf8(handle: Any, block: int = 1 << 24) -> int | None:
    """The offset of the first byte that is not UTF-8, or None (reads in 16 MB blocks)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0
    while True:
        data = handle.read(block)
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            return fed - pending + exc.start
        if not data:
            return None
        fed += len(data)


def _from_records(fmt: str, records: Iterable[tuple[int, list[Any]]], delimiter: str = "",
                  stream: bool = False) -> Table:
    """Shared by CSV and XLSX: first non-empty row is the header; blank rows are skipped.

    With ``stream`` the rows after the header are read as the caller asks for them, with
    no row limit; otherwise all at once, at most ``MAX_ROWS``.
    """
    records = iter(records)
    header: list[str] | None = None
    for _, cells in records:
        values = ["" if c is None else c for c in cells]
        if any(_filled(v) for v in values):
            header = [str(v).replace("\ufeff", "").strip() for v in values]
            break
    if header is None:
        raise TableError(key="read_empty")
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise TableError(key="read_too_many_columns", count=len(header), limit=MAX_COLUMNS)
    table = Table(fmt, header)
    for index, name in enumerate(header, start=1):
        if not name:
            table.notes.append(Note(0, "read_column_no_name", {"number": index}))
    rows = _data_rows(table, records, delimiter, None if stream else MAX_ROWS)
    table.rows = rows if stream else list(rows)
    return table


def _data_rows(table: Table, records: Iterator[tuple[int, list[Any]]], delimiter: str,
               limit: int | None) -> Iterator[Row]:
    """The rows after the header as dicts; a row with more values than columns gets an
    error note (in ``table.notes``, before the row is yielded)."""
    columns = table.columns
    width = len(columns)
    all_named = all(columns)
    count = 0
    for number, cells in records:
        values = cells if None not in cells else ["" if c is None else c for c in cells]
        first = values[0] if values else None
        if not (type(first) is str and first.strip()) and not _any_filled(values):
            continue  # a blank row (the first cell usually says it is not)
        if limit is not None and count >= limit:
            raise TableError(key="read_too_many_rows", limit=limit)
        count += 1
        if all_named:
            row = dict(zip(columns, values, strict=False))
        else:
            row = {h: v for h, v in zip(columns, values, strict=False) if h}
        if len(values) > width:
            extra = [v for v in values[width:] if _filled(v)]
            if extra:
                counts = {"values": width + len(extra), "columns": width}
                if delimiter:
                    table.notes.append(Note(number, "read_extra_values_delimiter",
                                            {**counts, "delimiter": delimiter}, "error"))
                else:
                    table.notes.append(Note(number, "read_extra_values", counts, "error"))
        yield number, row


def _any_filled(values: list[Any]) -> bool:
    """True when a cell of the row has something in it (usually the first one does)."""
    return any(_filled(v) for v in values)


def _filled(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


# --------------------------------------------------------------------------- XLSX


def _xlsx_cell(value: Any) -> Any:
    """A cell's value as import expects it; text stays exactly as typed (never guarded)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    return value


def _stream_xlsx(path: Path) -> Table:
    """A workbook's first sheet, its rows read as they are needed."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise TableError(key="read_xlsx_broken", error=str(exc)) from exc

    def records() -> Iterator[tuple[int, list[Any]]]:
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            for n, values in enumerate(rows, start=1):
                yield n, [_xlsx_cell(v) for v in values[:MAX_COLUMNS + 1]]
        finally:
            book.close()

    return _from_records("xlsx", records(), stream=True)


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise TableError(key="read_xlsx_broken", error=str(exc)) from exc
    try:
        sheet = book.worksheets[0]
        rows = (
            (n, [_xlsx_cell(v) for v in values[:MAX_COLUMNS + 1]])
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _from_records("xlsx", rows)
    finally:
        book.close()


# --------------------------------------------------------------------------- GeoJSON / GPKG


def _point_cells(geometry: Any, number: int, notes: list[Note]) -> tuple[Any, Any]:
    """(lat, lon) for a shapely geometry; other shapes give their representative point."""
    if geometry is None or geometry.is_empty:
        return None, None
    if geometry.geom_type == "Point":
        return geometry.y, geometry.x
    point = geometry.representative_point()
    notes.append(Note(number, "read_not_a_point", {
        "kind": geometry.geom_type, "point": point_text(point.y, point.x)}, "warning",
        "location"))
    return point.y, point.x


def _geo_rows(fmt: str, features: list[tuple[dict[str, Any], Any]]) -> Table:
    """Table from (properties, shapely geometry) pairs; the geometry gives lat/lon."""
    rows: list[Row] = []
    table = Table(fmt, [], rows, row_label="feature")
    columns: dict[str, None] = {}
    for number, (props, geometry) in enumerate(features, start=1):
        if number > MAX_ROWS:
            raise TableError(key="read_too_many_features", limit=MAX_ROWS)
        row = {str(k): _plain(v) for k, v in props.items()}
        if geometry is not None and not geometry.is_empty:
            for key in [k for k in row if field_for_column(k) in ("lat", "lon")]:
                del row[key]
            row["lat"], row["lon"] = _point_cells(geometry, number, table.notes)
        columns.update(dict.fromkeys(row))
        rows.append((number, row))
    table.columns = list(columns)
    if not rows:
        raise TableError(key="read_no_features", format="GeoJSON" if fmt == "geojson"
                         else "GeoPackage")
    return table


def _plain(value: Any) -> Any:
    """numpy/pandas scalars -> Python values; NaN/NaT -> None."""
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat") and not isinstance(value, str):
        try:
            return value.isoformat()
        except ValueError:  # NaT
            return None
    return value


def _crs_name(doc: dict[str, Any]) -> str | None:
    crs = doc.get("crs")
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        name = crs["properties"].get("name")
        return str(name) if name else None
    return None


def _to_wgs84(geometries: list[Any], crs: Any) -> list[Any]:
    import geopandas as gpd

    try:
        series = gpd.GeoSeries(geometries, crs=crs)
        return list(series.to_crs(4326))
    except Exception as exc:  # pyproj raises its own types for unknown CRSs
        raise TableError(key="read_crs_failed", crs=str(crs), error=str(exc)) from exc


def _read_geojson(data: bytes) -> Table:
    import shapely.geometry

    try:
        doc = json.loads(decode_text(data))
    except ValueError as exc:
        raise TableError(key="read_bad_json", error=str(exc)) from exc
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise TableError(key="read_not_feature_collection")
    features: list[tuple[dict[str, Any], Any]] = []
    notes: list[Note] = []
    for number, feature in enumerate(doc.get("features") or [], start=1):
        if not isinstance(feature, dict):
            raise TableError(key="read_not_a_feature", number=number)
        props = dict(feature.get("properties") or {})
        if "id" not in props and isinstance(feature.get("id"), str):
            props["id"] = feature["id"]
        geometry = None
        if feature.get("geometry"):
            try:
                geometry = shapely.geometry.shape(feature["geometry"])
            except Exception as exc:  # shapely raises several types for bad geometry
                notes.append(Note(number, "read_bad_geometry", {"error": str(exc)}, "error",
                                  "location"))
        features.append((props, geometry))
    crs = _crs_name(doc)
    if crs and not crs.upper().endswith(("CRS84", "4326")):
        converted = _to_wgs84([g for _, g in features], crs)
        features = [(p, g) for (p, _), g in zip(features, converted, strict=True)]
        notes.append(Note(0, "read_crs_converted", {"crs": crs}))
    table = _geo_rows("geojson", features)
    table.notes[:0] = notes
    return table


def _read_gpkg(data: bytes) -> Table:
    import pyogrio

    handle, path = tempfile.mkstemp(suffix=".gpkg")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        try:
            layers = pyogrio.list_layers(path)
            if not len(layers):
                raise TableError(key="read_gpkg_no_layers")
            layer = str(layers[0][0])
            frame = pyogrio.read_dataframe(path, layer=layer)
        except TableError:
            raise
        except Exception as exc:  # GDAL errors come in several types
            raise TableError(key="read_gpkg_broken", error=str(exc)) from exc
    finally:
        os.unlink(path)
    notes: list[Note] = []
    if len(layers) > 1:
        notes.append(Note(0, "read_gpkg_layers", {"count": len(layers), "layer": layer}))
    geometries: list[Any] = [None] * len(frame)
    if "geometry" in frame and frame.geometry is not None:
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
            notes.append(Note(0, "read_gpkg_converted"))
        geometries = list(frame.geometry)
        frame = frame.drop(columns="geometry")
    props = frame.to_dict(orient="records")
    table = _geo_rows("gpkg", list(zip(props, geometries, strict=True)))
    table.notes[:0] = notes
    return table
