"""Import planning and the data-file API (reading, export, template) in one place.

``plan_import`` turns an uploaded file into a report per row plus the valid
records; it never raises for bad input and never writes. ``import_file`` (the
page: bytes, at most ``config.UPLOAD_LIMIT_MB``) and ``import_path`` (the command
line: a file of any size, CSV and XLSX streamed) check the rows in chunks and hand
the valid ones to the store as they go, in one transaction (``Store.import_records``):
the first row with an error aborts it, the rest is still checked for the report,
and nothing is written. So an import is all or nothing and nothing is silently
dropped. Every finding is a catalog key with values: the page and the CLI render it
in their language.

Rows are checked column by column where that is safe (``tabular.fastrows``); every
other row, and every row with a problem, goes through ``domain.validation.validate``,
so the messages are the validator's. Duplicates are found by asking the store which
ids and ``(name, place)`` keys it holds (one indexed query per chunk) and by
remembering the file's own in ``SeenKeys`` (16 bytes a key), never by reading the
whole store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from dataclasses import field as dc_field
from itertools import chain
from pathlib import Path, PurePath
from typing import Any, Protocol, runtime_checkable

from dashboard import config, geo
from dashboard.domain.record import LIMITS, Record, parse_number
from dashboard.domain.validation import Locator, Severity, make_id, validate
from dashboard.i18n import Keyed, Message, Num, field_label, msg, t, text_of
from dashboard.i18n import number as format_number
from dashboard.store.base import Batch, match_key
from dashboard.tabular import municipality
from dashboard.tabular.cells import (
    MUNICIPALITY,
    cell_to_value,
    field_for_column,
    header_key,
    is_exact_header,
    known_columns_hint,
    target_for_column,
)
from dashboard.tabular.fastrows import FastRows
from dashboard.tabular.reading import Row, Table, TableError, load_table, open_table, read_table
from dashboard.tabular.seen import SeenKeys
from dashboard.tabular.writing import (
    CITATION,
    EXPORT_FORMATS,
    LICENCE,
    TEMPLATE_FIELDS,
    export_records,
    template_bytes,
)
from dashboard.text import slugify

__all__ = [
    "CITATION",
    "EXPORT_FORMATS",
    "IGNORE",
    "LICENCE",
    "MAX_UPLOAD_BYTES",
    "MUNICIPALITY",
    "TEMPLATE_FIELDS",
    "ColumnUse",
    "ImportProblem",
    "ImportReport",
    "TableError",
    "columns_text",
    "export_records",
    "field_for_column",
    "field_text",
    "format_report",
    "import_file",
    "import_path",
    "plan_import",
    "read_table",
    "template_bytes",
]

MAX_UPLOAD_BYTES = config.UPLOAD_LIMIT_BYTES
WHOLE_FILE_LIMIT_BYTES = config.IMPORT_WHOLE_FILE_LIMIT_BYTES
CHUNK_ROWS = 10_000  # rows checked (and written) at a time
MAX_PROBLEMS = 10_000  # findings kept in a report; the rest are counted
MB = 1024 * 1024

Progress = Callable[[int, int, int], None]  # (rows read, bytes read, bytes in the file)
IGNORE = ""  # a column mapped to this is left out on purpose
Mapping_ = Mapping[str, str]  # header as in the file -> field, MUNICIPALITY or IGNORE


@dataclass(frozen=True)
class ColumnUse:
    """What one column of the file was taken as, and why: ``how`` is ``exact`` (the
    field's own name), ``synonym`` (a known other name), ``chosen`` (by the user),
    ``ignored`` (chosen to leave out) or ``unknown`` (left out, nobody said what it is)."""

    column: str
    target: str
    how: str

    @property
    def message(self) -> Message:
        """"kolom 'source_url' → Bronnen" in the reader's language."""
        if self.how == "ignored":
            return msg("imp_map_ignored", column=self.column)
        if self.how == "unknown":
            return msg("imp_map_unknown", column=self.column)
        what = msg("imp_map_municipality_target") if self.target == MUNICIPALITY else \
            field_label(self.target)
        return msg("imp_map_chosen" if self.how == "chosen" else "imp_map_synonym",
                   column=self.column, field=what)


@runtime_checkable
class ExistingLookup(Protocol):
    """What an import asks a store: which of these ids and duplicate keys it holds."""

    def existing_ids(self, ids: Iterable[str]) -> dict[str, str]: ...
    def existing_keys(self, keys: Iterable[str]) -> dict[str, str]: ...


class RecordStore(ExistingLookup, Protocol):
    """The part of ``store.Store`` an import needs."""

    def import_records(self, records: Iterable[Record], author: str) -> Batch: ...


class RecordsLookup:
    """``ExistingLookup`` over records in memory (a list given to ``plan_import``); for a
    repeated id or key the last record counts, as before the store was asked."""

    def __init__(self, records: Iterable[Mapping[str, Any]]) -> None:
        self.names: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        for old in records:
            self.names[str(old.get("id", ""))] = str(old.get("name", ""))
            self.keys[match_key(str(old.get("name") or ""), str(old.get("place") or ""))] = str(
                old.get("id", ""))

    def existing_ids(self, ids: Iterable[str]) -> dict[str, str]:
        return {i: self.names[i] for i in ids if i in self.names}

    def existing_keys(self, keys: Iterable[str]) -> dict[str, str]:
        return {k: self.keys[k] for k in keys if k in self.keys}


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
    """What an import would do: problems per row, the valid records, and whether it may run.

    ``records`` holds the valid records only for ``plan_import`` (a file from the
    page); a streamed import counts them (``valid``) and writes them as it goes.
    At most ``MAX_PROBLEMS`` findings are kept; ``left_out`` counts the others, and
    ``ok``, the error count and ``rows_with_errors`` count them all.
    """

    filename: str
    row_label: str = "row"  # "feature" for GeoJSON and GeoPackage
    rows_read: int = 0
    records: list[Record] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    written: int = 0
    valid: int = 0
    left_out: int = 0
    error_count: int = 0
    batch: Batch | None = None
    columns: list[ColumnUse] = field(default_factory=list)
    _error_rows: bytearray = field(default_factory=bytearray, repr=False)

    @property
    def ok(self) -> bool:
        """True only when no row (and not the file) has an error."""
        return not self.error_count

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def rows_with_errors(self) -> list[int]:
        return [row for row, bad in enumerate(self._error_rows) if bad]

    @property
    def error_row_count(self) -> int:
        return sum(self._error_rows)

    def add(self, row: int, fieldname: str, message: Message, severity: Severity = "error",
            column: str = "") -> None:
        if severity == "error":
            self.error_count += 1
            if row > 0:
                if row >= len(self._error_rows):
                    self._error_rows.extend(bytes(row + 1 - len(self._error_rows)))
                self._error_rows[row] = 1
        if len(self.problems) >= MAX_PROBLEMS:
            self.left_out += 1
            return
        self.problems.append(
            ImportProblem(row, fieldname, message.key, message.params, severity, column))

    def where(self, row: int) -> Message:
        """Where a row is, as "row 3" (or "feature 3") in the reader's language."""
        return msg(f"where_{self.row_label}", number=row)


def plan_import(
    data: bytes,
    filename: str,
    existing: Iterable[Mapping[str, Any]] | ExistingLookup = (),
    *,
    convert_rd: bool = False,
    progress: Progress | None = None,
    mapping: Mapping_ | None = None,
) -> ImportReport:
    """Read and check a file against ``existing`` (records, or a store to ask); writes
    nothing, never raises. The report lists the valid records. ``mapping`` says what
    columns are (header -> field, ``MUNICIPALITY`` or ``IGNORE``) over the synonyms."""
    report, table = _open_bytes(data, filename)
    if table is not None:
        run = _Run(table, _lookup(existing), convert_rd, report, keep=True, progress=progress,
                   mapping=mapping)
        for _ in run.chunks():
            pass
    return report


def import_file(
    data: bytes,
    filename: str,
    store: RecordStore,
    *,
    author: str = "import",
    convert_rd: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    mapping: Mapping_ | None = None,
) -> ImportReport:
    """Check a file from the page against the store and, when every row is valid, add them
    all as one change. Store errors (``store.StoreError``) propagate; nothing is written then."""
    report, table = _open_bytes(data, filename)
    if table is not None:
        table.size = table.size or len(data)
        _check_and_write(table, report, store, store, author, convert_rd, dry_run, progress,
                         mapping)
    return report


def import_path(
    path: Path,
    store: RecordStore | None,
    *,
    author: str = "import",
    convert_rd: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    mapping: Mapping_ | None = None,
) -> ImportReport:
    """Check a file of any size (CSV and XLSX are read in chunks; GeoJSON and GeoPackage
    whole, up to ``config.IMPORT_WHOLE_FILE_LIMIT_MB``) and, when every row is valid and
    a store is given, add them all as one change. Without a store nothing is compared
    with existing initiatives. Store errors propagate; nothing is written then."""
    report = ImportReport(path.name)
    try:
        table = open_table(path, WHOLE_FILE_LIMIT_BYTES)
    except TableError as exc:
        report.add(0, "", Message(exc.key, exc.params) if exc.key else msg(
            "imp_unreadable", error=str(exc)))
        return report
    except Exception as exc:  # a reader library failing on odd input is still bad input
        report.add(0, "", msg("imp_unreadable", error=f"{type(exc).__name__}: {exc}"))
        return report
    lookup: ExistingLookup = store if store is not None else RecordsLookup(())
    _check_and_write(table, report, lookup, store, author, convert_rd,
                     dry_run or store is None, progress, mapping)
    return report


def _lookup(existing: Iterable[Mapping[str, Any]] | ExistingLookup) -> ExistingLookup:
    return existing if isinstance(existing, ExistingLookup) else RecordsLookup(existing)


def _open_bytes(data: bytes, filename: str) -> tuple[ImportReport, Table | None]:
    """The report so far and the table of an upload, or None when the file is unusable."""
    report = ImportReport(PurePath(filename or "upload").name)
    if len(data) > MAX_UPLOAD_BYTES:
        report.add(0, "", msg("imp_too_big", size=Num(len(data) / MB, 1, 1),
                              limit=MAX_UPLOAD_BYTES // MB))
        return report, None
    if not data.strip():
        report.add(0, "", msg("imp_empty"))
        return report, None
    try:
        table = load_table(data, filename)
    except TableError as exc:
        report.add(0, "", Message(exc.key, exc.params) if exc.key else msg(
            "imp_unreadable", error=str(exc)))
        return report, None
    except Exception as exc:  # a reader library failing on odd input is still bad input
        report.add(0, "", msg("imp_unreadable", error=f"{type(exc).__name__}: {exc}"))
        return report, None
    table.size = len(data)
    return report, table


class _Rejected(Exception):
    """A row had an error: the store rolls the import back."""


def _check_and_write(
    table: Table, report: ImportReport, lookup: ExistingLookup, store: RecordStore | None,
    author: str, convert_rd: bool, dry_run: bool, progress: Progress | None,
    mapping: Mapping_ | None = None,
) -> None:
    """Check every row; write the valid ones through ``store`` while no error is found."""
    run = _Run(table, lookup, convert_rd, report, keep=False, progress=progress,
               mapping=mapping)
    chunks = run.chunks()
    first = next(chunks, None)
    if dry_run or store is None or first is None or not report.ok:
        for _ in chunks:
            pass
        return

    def records() -> Iterator[Record]:
        for chunk in chain([first], chunks):
            if not report.ok:
                raise _Rejected
            yield from chunk
        if not report.ok:
            raise _Rejected

    try:
        report.batch = store.import_records(records(), author)
    except _Rejected:
        for _ in chunks:  # check the rest, so the report has every problem
            pass
        return
    report.written = report.batch.count


class _Run:
    """Checks one table's rows chunk by chunk, filling the report; ``chunks()`` yields the
    valid records of each chunk."""

    def __init__(self, table: Table, lookup: ExistingLookup, convert_rd: bool,
                 report: ImportReport, keep: bool, progress: Progress | None = None,
                 mapping: Mapping_ | None = None) -> None:
        self.table = table
        self.mapping = dict(mapping or {})
        self.lookup = lookup
        self.convert_rd = convert_rd
        self.report = report
        self.keep = keep
        self.progress = progress
        self.ids = SeenKeys()  # ids given or made earlier in the file
        self.keys = SeenKeys()  # duplicate keys of valid rows earlier in the file
        report.row_label = table.row_label
        self.notes_done = 0
        self.rows_in_error: set[int] = set()
        self.unplaced: set[int] = set()  # rows whose municipality is unknown (said so)
        self.columns: dict[str, str] | None = None
        self.by_field: dict[str, str] = {}
        self.fast: FastRows | None = None

    def chunks(self) -> Iterator[list[Record]]:
        report, table = self.report, self.table
        self._report_notes()
        self.columns = _map_columns(table, report, self.mapping)
        if self.columns is None:
            return
        rows: Iterator[Row] = iter(table.rows)
        placed_by = [h for h, name in self.columns.items() if name == MUNICIPALITY]
        if placed_by:
            rows = _MunicipalityPlacer(placed_by[0], self.columns, report,
                                       self.rows_in_error, self.unplaced).rows(rows)
        for header, name in self.columns.items():
            self.by_field.setdefault(name, header)
        if len(self.by_field) == len(self.columns):  # one column per field: check in bulk
            self.fast = FastRows(self.by_field, self.convert_rd)
        broken: TableError | None = None
        while True:
            chunk: list[Row] = []
            try:
                for row in rows:
                    chunk.append(row)
                    if len(chunk) >= CHUNK_ROWS:
                        break
            except TableError as exc:  # part-way through a streamed file: check what came
                broken = exc
            if chunk:
                self._report_notes()
                valid = self._check(chunk)
                report.valid += len(valid)
                if self.keep:
                    report.records += valid
                if self.progress is not None:
                    self.progress(report.rows_read, table.position() if table.position
                                  else table.size, table.size)
            if broken is not None:
                report.add(0, "", Message(broken.key, broken.params))
                return
            if not chunk:
                break
            yield valid
        if not report.rows_read:
            report.add(0, "", msg("imp_no_rows"))

    def _report_notes(self) -> None:
        notes = self.table.notes
        for note in notes[self.notes_done:]:
            self.report.add(note.row, note.field, note.message, note.severity)
            if note.severity == "error" and note.row:
                self.rows_in_error.add(note.row)
        self.notes_done = len(notes)

    def _check(self, chunk: list[Row]) -> list[Record]:
        """The valid records of ``chunk``, in order; every finding into the report."""
        report, by_field = self.report, self.by_field
        assert self.columns is not None
        fast = self.fast.check([cells for _, cells in chunk]) if self.fast else [None] * len(
            chunk)
        rows = []
        for (number, cells), record in zip(chunk, fast, strict=True):
            if record is None:
                data, consistent = _row_data(cells, self.columns, number, report)
            else:
                data, consistent = {}, True  # not needed unless the row turns slow
            rows.append((number, cells, data, consistent, record))
        ids, keys, bulk, made = self._candidates(rows)
        taken = self._taken_ids(ids, made)
        known_keys = self.lookup.existing_keys(keys)
        file_keys = self.keys.rows(list(keys))
        slow_data = [data for _, _, data, _, record in rows if record is None]
        points = [(r["lon"], r["lat"]) for r in fast if r is not None]  # all have a point
        locate = _batch_locator(slow_data, points)  # type: ignore[arg-type]
        name_missing = "name" not in by_field
        valid: list[Record] = []
        for number, cells, data, consistent, fast_record in rows:
            report.rows_read += 1
            record = fast_record
            if record is not None:
                given = bulk[number][1]
                record = self._fast_id(record, given, taken)
                if record is None:  # its id is taken: validate says how
                    data, consistent = _row_data(cells, self.columns, number, report)
                elif given:
                    taken.remember(record["id"], number)
            if record is None:
                try:
                    result = validate(data, existing_ids=taken, convert_rd=self.convert_rd,
                                      locate=locate)
                except Exception as exc:  # keep the report going; the row is rejected
                    report.add(number, "", msg("imp_row_failed",
                                               error=f"{type(exc).__name__}: {exc}"))
                    continue
                for p in result.problems:
                    if name_missing and p.field == "name":
                        continue
                    if p.field == "location" and number in self.unplaced:
                        continue  # "no such municipality" says it better
                    report.add(number, p.field, p.message, p.severity,
                               _column(p.field, by_field))
                given_id = data.get("id")
                if isinstance(given_id, str) and given_id.strip():
                    taken.remember(given_id.strip(), number)
                record = result.record
            if record is None or not consistent or number in self.rows_in_error:
                continue
            key = bulk[number][0] if record is fast_record else match_key(record["name"],
                                                                          record["place"])
            where = self._key_where(key, known_keys, file_keys, keys)
            if where is not None:
                duplicate = msg("imp_duplicate_place", name=record["name"],
                                place=record["place"], where=where) if record["place"] else msg(
                    "imp_duplicate", name=record["name"], where=where)
                report.add(number, "name", duplicate, column=_column("name", by_field))
                continue
            self.keys.add(key, number)
            taken.remember(record["id"], number)
            valid.append(record)
        self.ids.flush()
        self.keys.flush()
        return valid

    def _candidates(self, rows: list) -> tuple[set[str], set[str], dict[int, tuple[str, bool]],
                                               list[tuple[str, str, str]]]:
        """What a chunk will ask about, to ask for it at once: the ids (given, or the one
        ``make_id`` tries first: from the name) and the duplicate keys as far as they are
        known before checking; by row, the key of each row checked in bulk and whether
        its id was given (its record gets the made one here); and (first id, name, place)
        of rows that make their id, for ``make_id``'s second try."""
        ids: set[str] = set()
        keys: set[str] = set()
        fast: dict[int, tuple[str, bool]] = {}
        made: list[tuple[str, str, str]] = []
        for number, _, data, _, record in rows:
            if record is not None:
                given = bool(record["id"])
                if not given:
                    record["id"] = slugify(record["name"]) or "initiatief"
                    made.append((record["id"], record["name"], record["place"]))
                ids.add(record["id"])
                key = match_key(record["name"], record["place"])
                fast[number] = key, given
                keys.add(key)
                continue
            given, name, place = data.get("id"), data.get("name"), data.get("place")
            if isinstance(given, str) and given.strip():
                ids.add(given.strip())
            if isinstance(name, str):
                place = place.strip() if isinstance(place, str) else ""
                base = slugify(name.strip()) or "initiatief"
                ids.add(base)
                made.append((base, name.strip(), place))
                keys.add(match_key(name.strip(), place))
        return ids, keys, fast, made

    def _taken_ids(self, ids: set[str], made: list[tuple[str, str, str]]) -> _TakenIds:
        """The ids taken in the store and earlier in the file, asked for at once: the
        chunk's ids, then the name-and-place ids ``make_id`` tries when a name's is taken."""
        store_names = self.lookup.existing_ids(ids)
        file_rows = self.ids.rows(list(ids))
        second = {slugify(f"{name} {place}", LIMITS["id"] - 4)
                  for base, name, place in made
                  if place and (base in store_names or base in file_rows)} - ids
        if second:
            store_names.update(self.lookup.existing_ids(second))
            file_rows.update(self.ids.rows(list(second)))
        return _TakenIds(self, store_names, file_rows, ids | second)

    @staticmethod
    def _fast_id(record: Record, given: bool, taken: _TakenIds) -> Record | None:
        """The record with a free id: the given one (None when it is taken: ``validate``
        says how), or the one ``make_id`` makes, as ``validate`` would."""
        if record["id"] not in taken:
            return record
        if given:
            return None
        record["id"] = make_id(record["name"], record["place"], taken)
        return record

    def _key_where(self, key: str, known: dict[str, str], file_rows: dict[str, int],
                   asked: set[str]) -> Message | None:
        """Where a record with this duplicate key is already: in the store, or a row."""
        row = self.keys.pending(key)
        if row is None:
            row = file_rows.get(key) if key in file_rows or key in asked else self.keys.get(
                key)
        if row is not None:
            return msg(f"where_in_{self.report.row_label}", number=row)
        if key in known:
            return msg("where_in_store", id=known[key])
        if key not in asked:
            found = self.lookup.existing_keys([key])
            if key in found:
                return msg("where_in_store", id=found[key])
        return None


class _TakenIds(Mapping[str, Message]):
    """The ids ``validate`` must not give out, and where each is taken: the store's (asked
    once per chunk for the likely ones, else one at a time), then the file's."""

    def __init__(self, run: _Run, store_names: dict[str, str], file_rows: dict[str, int],
                 asked: set[str]) -> None:
        self.run = run
        self.store_names = dict(store_names)
        self.store_asked = set(asked)  # the store said for these (and for those in names)
        self.file_rows = file_rows
        self.file_asked = asked  # earlier chunks said for these (this chunk's: pending)

    def __getitem__(self, rid: str) -> Message:
        name, row = self._where(rid)
        if name is not None:
            return msg("where_existing", name=name)
        if row is None:
            raise KeyError(rid)
        return self.run.report.where(row)

    def __contains__(self, rid: object) -> bool:
        name, row = self._where(str(rid))
        return name is not None or row is not None

    def _where(self, rid: str) -> tuple[str | None, int | None]:
        """(the stored record's name, or None; else the row that has it, or None)."""
        if rid not in self.store_names and rid not in self.store_asked:
            self.store_names.update(self.run.lookup.existing_ids([rid]))
            self.store_asked.add(rid)
        if rid in self.store_names:
            return self.store_names[rid], None
        row = self.run.ids.pending(rid)
        if row is None:
            row = self.file_rows.get(rid) if rid in self.file_asked else self.run.ids.get(rid)
        return None, row

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the ids taken in the store and the file cannot be listed")

    def __len__(self) -> int:
        raise TypeError("the ids taken in the store and the file cannot be counted")

    def remember(self, rid: str, row: int) -> None:
        """An id this row gives or gets, unless taken already (the first row stays)."""
        if rid not in self:
            self.run.ids.add(rid, row)


def _map_columns(table: Table, report: ImportReport,
                 chosen: Mapping_ | None = None) -> dict[str, str] | None:
    """header -> field (or ``MUNICIPALITY``); what each column is taken as goes into
    ``report.columns``; file-level problems for unknown, doubled or missing columns.
    ``chosen`` (header -> field or ``IGNORE``) comes before the synonyms."""
    columns: dict[str, str] = {}
    by_field: dict[str, str] = {}
    unknown = []
    chosen = chosen or {}
    for header in chosen:
        if header not in table.columns:
            report.add(0, "", msg("imp_map_no_column", column=header,
                                  shown=", ".join(f"'{h}'" for h in table.columns if h)))
    for header in table.columns:
        if not header:
            continue
        if header in chosen:
            name: str | None = chosen[header]
            how = "ignored" if name == IGNORE else "chosen"
        else:
            name = target_for_column(header)
            how = "unknown" if name is None else "exact" if is_exact_header(header, name) \
                else "synonym"
        report.columns.append(ColumnUse(header, name or IGNORE, how))
        if name == IGNORE:
            continue
        if name is None:
            unknown.append(header)
        elif name in by_field and table.row_label == "row":
            label = msg("imp_map_municipality_target") if name == MUNICIPALITY else \
                field_label(name)
            report.add(0, name, msg("imp_same_field", first=by_field[name], second=header,
                                    field=label), column=header)
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


class _MunicipalityPlacer:
    """Puts a row without coordinates at its municipality's centre, marked approximate.

    The municipality column is taken out of ``columns``; the row's cells for
    ``gemeente_code``, ``lat``, ``lon`` and ``location_approximate`` are filled (in the
    file's own columns for them, else in added ones named after the municipality
    column), so the rest of the import checks the row as if the file had said so. A
    row with a point keeps it: the point decides the municipality, as always.
    """

    FIELDS = ("gemeente_code", "lat", "lon", "location_approximate")

    def __init__(self, header: str, columns: dict[str, str], report: ImportReport,
                 rows_in_error: set[int], unplaced: set[int]) -> None:
        self.header = header
        self.unplaced = unplaced
        self.report = report
        self.rows_in_error = rows_in_error
        del columns[header]
        given = {name: h for h, name in columns.items()}
        self.cell: dict[str, str] = {}
        for name in self.FIELDS:
            if name not in given:
                given[name] = f"{header} ({name})"
                columns[given[name]] = name
            self.cell[name] = given[name]

    def rows(self, rows: Iterator[Row]) -> Iterator[Row]:
        cell = self.cell
        for number, cells in rows:
            value = cells.get(self.header)
            if value is None or not str(value).strip():
                yield number, cells
                continue
            has_point = any(_filled(cells.get(cell[f])) for f in ("lat", "lon"))
            code = municipality.find_code(str(value))
            if code is None:
                self._unknown(number, str(value).strip(), has_point)
                yield number, cells
                continue
            if has_point:
                yield number, cells
                continue
            lat, lon = geo.municipality_centre(code)
            cells = dict(cells)
            if not _filled(cells.get(cell["gemeente_code"])):
                cells[cell["gemeente_code"]] = code
            cells[cell["lat"]], cells[cell["lon"]] = lat, lon
            cells[cell["location_approximate"]] = "true"
            yield number, cells

    def _unknown(self, number: int, name: str, has_point: bool) -> None:
        """A name that is no (current) municipality: an error when the row needs it."""
        close = municipality.suggestions(name)
        severity: Severity = "warning" if has_point else "error"
        if close:
            found = msg("imp_municipality_unknown", name=name,
                        suggestions=" / ".join(close))
        else:
            found = msg("imp_municipality_unknown_plain", name=name)
        self.report.add(number, "gemeente_code", found, severity, self.header)
        if severity == "error":
            self.rows_in_error.add(number)
            self.unplaced.add(number)


def _filled(value: object) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


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


def _batch_locator(rows: list[dict[str, Any]],
                   later: Iterable[tuple[float, float]] = ()) -> Locator:
    """``geo.locate`` with every row's point looked up in one vectorised call up front, and
    the ``later`` points (lon, lat) in a second one when a point that is in neither turns
    up (a row checked in bulk whose id then turned out taken)."""
    points = set()
    for data in rows:
        try:
            lat, lon = parse_number(data.get("lat")), parse_number(data.get("lon"))
        except (TypeError, ValueError):
            continue
        if lat is not None and lon is not None and geo.in_nl_box(lon, lat):
            points.add((lon, lat))
    known: dict[tuple[float, float], geo.Location | None] = {}
    waiting = [later]

    def look_up(points: Iterable[tuple[float, float]]) -> None:
        ordered = sorted(set(points) - set(known))
        if not ordered:
            return
        found = geo.locate_many([p[0] for p in ordered], [p[1] for p in ordered])
        for point, row in zip(ordered, found.itertuples(index=False), strict=True):
            code = row.statcode
            known[point] = None if not isinstance(code, str) else geo.Location(
                **{c: str(getattr(row, c)) for c in geo.LOCATION_COLUMNS})  # type: ignore[typeddict-item]

    look_up(points)

    def locate(lon: float, lat: float) -> geo.Location | None:
        if (lon, lat) not in known and waiting:
            look_up(p for p in waiting.pop() if geo.in_nl_box(*p))
        if (lon, lat) not in known:
            known[(lon, lat)] = geo.locate(lon, lat)
        return known[(lon, lat)]

    return locate


def _column(fieldname: str, by_field: Mapping[str, str]) -> str:
    if fieldname == "location":
        return "/".join(by_field[f] for f in ("lat", "lon") if f in by_field)
    return by_field.get(fieldname, "")


def field_text(problem: ImportProblem, lang: str) -> str:
    """The field's label, with the file's column name when that says something more.

    ``Breedtegraad`` for a column "breedtegraad", ``Latitude (breedtegraad)`` in English,
    ``Location (lat/lon)`` for a point; only the column for file-level findings.
    """
    label = text_of(field_label(problem.field), lang) if problem.field else ""
    if problem.column and header_key(problem.column) != header_key(label):
        return f"{label} ({problem.column})" if label else problem.column
    return label


def target_text(target: str, lang: str, ignored_key: str = "imp_map_left_out") -> str:
    """What a column is taken as, in words: a field's label, the municipality, or left out."""
    if target == IGNORE:
        return t(ignored_key, lang)
    if target == MUNICIPALITY:
        return t("imp_map_municipality_short", lang)
    return text_of(field_label(target), lang)


def columns_text(report: ImportReport, lang: str) -> str:
    """What every column was taken as, on one line: ``naam → Naam, bron → Bronnen, x → –``."""
    return ", ".join(f"{use.column} → {target_text(use.target, lang)}" for use in report.columns)


def format_report(report: ImportReport, lang: str = "en") -> str:
    """Plain-text report: a summary line, then one line per problem (file first, then rows)."""
    lines = [t("report_summary", lang, file=report.filename,
               read=msg(f"count_{report.row_label}s", n=report.rows_read),
               valid=format_number(report.valid, lang),
               bad=format_number(report.error_row_count, lang))]
    for use in report.columns:
        if use.how in ("synonym", "chosen", "ignored"):
            lines.append("  " + use.message.text(lang))
    for p in sorted(report.problems, key=lambda p: p.row):
        where = t("report_file", lang) if p.row == 0 else report.where(p.row).text(lang)
        what = field_text(p, lang)
        severity = t(f"severity_{p.severity}", lang)
        lines.append(f"  {where}{', ' + what if what else ''}: {severity}: {p.text(lang)}")
    if report.left_out:
        lines.append("  " + t("report_left_out", lang, n=report.left_out, shown=Num(MAX_PROBLEMS)))
    return "\n".join(lines)
