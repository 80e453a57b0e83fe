"""Import planning and the data-file API (reading, export, template) in one place.

``plan_import`` turns an uploaded file into a report per row plus the valid
records; it never raises for bad input and never writes. ``import_file``
writes through the store only when every row is valid, in one transaction,
so an import is all or nothing and nothing is silently dropped. Every finding
is a catalog key with values: the page and the CLI render it in their language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import field as dc_field
from pathlib import PurePath
from typing import Any, Protocol

from dashboard import config, geo
from dashboard.domain.record import Record, parse_number
from dashboard.domain.validation import Locator, Severity, validate
from dashboard.i18n import Keyed, Message, Num, field_label, msg, t, text_of
from dashboard.i18n import number as format_number
from dashboard.tabular.cells import cell_to_value, field_for_column, header_key, known_columns_hint
from dashboard.tabular.reading import Table, TableError, load_table, read_table
from dashboard.tabular.writing import (
    CITATION,
    EXPORT_FORMATS,
    LICENCE,
    TEMPLATE_FIELDS,
    export_records,
    template_bytes,
)
from dashboard.text import fold

__all__ = [
    "CITATION", "EXPORT_FORMATS", "LICENCE", "MAX_UPLOAD_BYTES", "TEMPLATE_FIELDS",
    "ImportProblem", "ImportReport", "TableError", "export_records", "field_text",
    "format_report", "import_file", "plan_import", "read_table", "template_bytes",
]

MAX_UPLOAD_BYTES = config.UPLOAD_LIMIT_BYTES


Rows = list[Record]


class RecordStore(Protocol):
    """The part of ``store.Store`` an import needs."""

    def list(self) -> Rows: ...
    def add_many(self, records: Rows, author: str) -> Rows: ...


@dataclass(frozen=True)
class ImportProblem(Keyed):
    """One finding: ``row`` 0 is the file as a whole; ``column`` is the header as in the file.

    ``key`` and ``params`` are the message in the catalog; ``text(lang)`` renders it.
    """

    row: int
    field: str
    key: str
    params: Mapping[str, Any] = dc_field(default_factory=dict, hash=False)
    severity: Severity = "error"
    column: str = ""



@dataclass
class ImportReport:
    """What an import would do: problems per row, the valid records, and whether it may run."""

    filename: str
    row_label: str = "row"  # "feature" for GeoJSON and GeoPackage
    rows_read: int = 0
    records: list[Record] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    written: list[Record] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True only when no row (and not the file) has an error."""
        return not self.errors

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def rows_with_errors(self) -> list[int]:
        return sorted({p.row for p in self.errors if p.row})

    def add(self, row: int, fieldname: str, message: Message, severity: Severity = "error",
            column: str = "") -> None:
        self.problems.append(
            ImportProblem(row, fieldname, message.key, message.params, severity, column))

    def where(self, row: int) -> Message:
        """Where a row is, as "row 3" (or "feature 3") in the reader's language."""
        return msg(f"where_{self.row_label}", number=row)


def plan_import(
    data: bytes,
    filename: str,
    existing: Iterable[Mapping[str, Any]] = (),
    *,
    convert_rd: bool = False,
) -> ImportReport:
    """Read and check a file against ``existing`` records; writes nothing, never raises."""
    report = ImportReport(PurePath(filename or "upload").name)
    if len(data) > MAX_UPLOAD_BYTES:
        report.add(0, "", msg("imp_too_big", size=Num(len(data) / 1024 / 1024, 1, 1),
                              limit=MAX_UPLOAD_BYTES // (1024 * 1024)))
        return report
    if not data.strip():
        report.add(0, "", msg("imp_empty"))
        return report
    try:
        table = load_table(data, filename)
    except TableError as exc:
        report.add(0, "", Message(exc.key, exc.params) if exc.key else msg(
            "imp_unreadable", error=str(exc)))
        return report
    except Exception as exc:  # a reader library failing on odd input is still bad input
        report.add(0, "", msg("imp_unreadable", error=f"{type(exc).__name__}: {exc}"))
        return report
    report.row_label = table.row_label
    for note in table.notes:
        report.add(note.row, note.field, note.message, note.severity)
    columns = _map_columns(table, report)
    if columns is None:
        return report
    if not table.rows:
        report.add(0, "", msg("imp_no_rows"))
        return report
    _check_rows(table, columns, existing, convert_rd, report)
    return report


def _map_columns(table: Table, report: ImportReport) -> dict[str, str] | None:
    """header -> field; file-level problems for unknown, doubled or missing columns."""
    columns: dict[str, str] = {}
    by_field: dict[str, str] = {}
    unknown = []
    for header in table.columns:
        if not header:
            continue
        name = field_for_column(header)
        if name is None:
            unknown.append(header)
        elif name in by_field and table.row_label == "row":
            report.add(0, name, msg("imp_same_field", first=by_field[name], second=header,
                                    field=field_label(name)), column=header)
        else:  # features may name a field differently each: checked per feature
            columns[header] = name
            by_field.setdefault(name, header)
    if not columns:
        shown = ", ".join(f"'{h}'" for h in table.columns[:8] if h)
        report.add(0, "", msg("imp_no_known_columns", shown=shown))
        return None
    if unknown:
        listed = ", ".join(f"'{h}'" for h in unknown)
        report.add(0, "", msg("imp_unknown_columns", n=len(unknown), columns=listed,
                              known=known_columns_hint()), "warning", ", ".join(unknown))
    if "name" not in by_field and table.format in ("csv", "xlsx"):
        report.add(0, "name", msg("imp_no_name_column"))
    return columns


def _check_rows(
    table: Table,
    columns: dict[str, str],
    existing: Iterable[Mapping[str, Any]],
    convert_rd: bool,
    report: ImportReport,
) -> None:
    by_field: dict[str, str] = {}
    for header, name in columns.items():
        by_field.setdefault(name, header)
    taken: dict[str, Message] = {}
    seen: dict[tuple[str, str], Message] = {}
    for old in existing:
        taken[str(old.get("id", ""))] = msg("where_existing", name=old.get("name", ""))
        seen[_key(old)] = msg("where_in_store", id=old.get("id", ""))
    rows_in_error = {n.row for n in table.notes if n.severity == "error" and n.row}
    name_missing = "name" not in by_field
    rows = [(number, *_row_data(cells, columns, number, report)) for number, cells in table.rows]
    locate = _batch_locator([data for _, data, _ in rows])
    for number, data, consistent in rows:
        report.rows_read += 1
        where = report.where(number)
        try:
            result = validate(data, existing_ids=taken, convert_rd=convert_rd, locate=locate)
        except Exception as exc:  # keep the report going; the row is rejected, not dropped
            report.add(number, "", msg("imp_row_failed", error=f"{type(exc).__name__}: {exc}"))
            continue
        for p in result.problems:
            if name_missing and p.field == "name":
                continue
            report.add(number, p.field, p.message, p.severity, _column(p.field, by_field))
        given_id = data.get("id")
        if isinstance(given_id, str) and given_id.strip():
            taken.setdefault(given_id.strip(), where)
        record = result.record
        if record is None or not consistent or number in rows_in_error:
            continue
        key = _key(record)
        if key in seen:
            duplicate = msg("imp_duplicate_place", name=record["name"], place=record["place"],
                            where=seen[key]) if record["place"] else msg(
                "imp_duplicate", name=record["name"], where=seen[key])
            report.add(number, "name", duplicate, column=_column("name", by_field))
            continue
        seen[key] = msg(f"where_in_{report.row_label}", number=number)
        taken[record["id"]] = where
        report.records.append(record)


def _row_data(
    cells: Mapping[str, Any], columns: Mapping[str, str], number: int, report: ImportReport
) -> tuple[dict[str, Any], bool]:
    """Record fields from one row's cells, and False when two names for a field disagree."""
    data: dict[str, Any] = {}
    consistent = True
    source: dict[str, str] = {}
    for header, name in columns.items():
        value = cell_to_value(name, cells.get(header))
        if value is None and name in data:
            continue
        if data.get(name) is not None and value != data[name]:
            report.add(number, name, msg("imp_conflicting_columns", first=source[name],
                                         second=header, field=field_label(name)), column=header)
            consistent = False
            continue
        data[name], source[name] = value, header
    return data, consistent


def _batch_locator(rows: list[dict[str, Any]]) -> Locator:
    """``geo.locate`` with every row's point looked up in one vectorised call up front."""
    points = set()
    for data in rows:
        try:
            lat, lon = parse_number(data.get("lat")), parse_number(data.get("lon"))
        except (TypeError, ValueError):
            continue
        if lat is not None and lon is not None and geo.in_nl_box(lon, lat):
            points.add((lon, lat))
    known: dict[tuple[float, float], geo.Location | None] = {}
    if points:
        ordered = sorted(points)
        found = geo.locate_many([p[0] for p in ordered], [p[1] for p in ordered])
        for point, row in zip(ordered, found.itertuples(index=False), strict=True):
            code = row.statcode
            known[point] = None if not isinstance(code, str) else geo.Location(
                **{c: str(getattr(row, c)) for c in geo.LOCATION_COLUMNS})  # type: ignore[typeddict-item]

    def locate(lon: float, lat: float) -> geo.Location | None:
        if (lon, lat) not in known:
            known[(lon, lat)] = geo.locate(lon, lat)
        return known[(lon, lat)]

    return locate


def _key(record: Mapping[str, Any]) -> tuple[str, str]:
    return fold(str(record.get("name") or "")), fold(str(record.get("place") or ""))


def _column(fieldname: str, by_field: Mapping[str, str]) -> str:
    if fieldname == "location":
        return "/".join(by_field[f] for f in ("lat", "lon") if f in by_field)
    return by_field.get(fieldname, "")


def import_file(
    data: bytes,
    filename: str,
    store: RecordStore,
    *,
    author: str = "import",
    convert_rd: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Plan the import against the store's records and, when every row is valid, add them all.

    Store errors (e.g. ``store.StoreError``) propagate; nothing is written then.
    """
    report = plan_import(data, filename, store.list(), convert_rd=convert_rd)
    if report.ok and not dry_run and report.records:
        report.written = store.add_many(report.records, author)
    return report


def field_text(problem: ImportProblem, lang: str) -> str:
    """The field's label, with the file's column name when that says something more.

    ``Breedtegraad`` for a column "breedtegraad", ``Latitude (breedtegraad)`` in English,
    ``Location (lat/lon)`` for a point; only the column for file-level findings.
    """
    label = text_of(field_label(problem.field), lang) if problem.field else ""
    if problem.column and header_key(problem.column) != header_key(label):
        return f"{label} ({problem.column})" if label else problem.column
    return label


def format_report(report: ImportReport, lang: str = "en") -> str:
    """Plain-text report: a summary line, then one line per problem (file first, then rows)."""
    lines = [t("report_summary", lang, file=report.filename,
               read=msg(f"count_{report.row_label}s", n=report.rows_read),
               valid=format_number(len(report.records), lang),
               bad=format_number(len(report.rows_with_errors), lang))]
    for p in sorted(report.problems, key=lambda p: p.row):
        where = t("report_file", lang) if p.row == 0 else report.where(p.row).text(lang)
        what = field_text(p, lang)
        severity = t(f"severity_{p.severity}", lang)
        lines.append(f"  {where}{', ' + what if what else ''}: {severity}: {p.text(lang)}")
    return "\n".join(lines)
