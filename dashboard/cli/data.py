"""``krimpkaart import | validate | template``: bring initiatives in from files.

Exit codes: 0 imported (or a dry run found no errors), 1 rejected (nothing
written), 2 usage errors such as a missing or unreadable file. Bad input is
reported, never a traceback. Reports and messages follow ``--lang`` (default:
the locale); the template's column names do too.

Unlike the page (``config.UPLOAD_LIMIT_MB``), the command line has no size limit for
CSV and XLSX: it reads them in chunks and writes as it goes, in one transaction.
GeoJSON and GeoPackage are read whole, up to ``config.IMPORT_WHOLE_FILE_LIMIT_MB``.
A progress bar shows on a terminal when an import takes more than a few seconds.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Literal

from dashboard import config
from dashboard.cli.common import STORE_HELP, add_lang, cli_lang, complain, say, store_location
from dashboard.cli.progress import ImportProgress
from dashboard.i18n import Num, t
from dashboard.tabular.cells import known_columns_hint, parse_target
from dashboard.tabular.importing import (
    columns_text,
    format_report,
    import_path,
    target_text,
    template_bytes,
)
from dashboard.tabular.reading import open_table

MB = 1024 * 1024
LIMITS_HELP = (f"CSV and XLSX files of any size are read in chunks; GeoJSON and GeoPackage "
               f"files are read whole, up to {config.IMPORT_WHOLE_FILE_LIMIT_MB} MB (the page "
               f"takes files up to {config.UPLOAD_LIMIT_MB} MB)")


def register(subparsers: argparse._SubParsersAction) -> None:
    for name in ("import", "validate"):
        dry = name == "validate"
        parser = subparsers.add_parser(
            name,
            help="check a file without writing (= import --dry-run)" if dry else
            "add initiatives from a CSV, XLSX, GeoJSON or GeoPackage file (all or nothing)",
            description=LIMITS_HELP,
        )
        parser.add_argument("file", type=Path, help="the file to read")
        if not dry:
            parser.add_argument("--dry-run", action="store_true",
                                help="only check and report; write nothing")
            parser.add_argument("--author", default="import",
                                help="name recorded as the author of the change (default: import)")
        parser.add_argument("--store", type=store_location, default=None, help=STORE_HELP)
        parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                            help="what a column of the file is, over the known synonyms and "
                                 "over the mapping the store remembers for this header (saved "
                                 "from the page): a field (naam, bronnen, sources...), gemeente "
                                 "(place rows without coordinates at the municipality's "
                                 "centre) or negeren / ignore; repeat for more columns")
        parser.add_argument("--convert-rd", action="store_true",
                            help="convert RD New (EPSG:28992) coordinates to WGS84 instead of "
                                 "rejecting them")
        add_lang(parser)
        parser.set_defaults(func=run_import, dry_run=dry, author="import")
    template = subparsers.add_parser("template", help="write an empty import template")
    template.add_argument("--format", choices=("csv", "xlsx"), default=None,
                          help="file format (default: from the -o suffix, else csv)")
    add_lang(template, help="language of the column names and messages: nl or en "
                            "(default: from the locale, LANG)")
    template.add_argument("-o", "--output", type=Path, required=True, help="where to write it")
    template.set_defaults(func=run_template)


def _fail(command: str, text: str) -> int:
    complain(command, text)
    return 2


def parse_map(values: list[str]) -> dict[str, str] | str:
    """``--map kolom=veld`` options -> header -> field (or ``MUNICIPALITY``, or "" to
    ignore); the first value that is not understood, as text, otherwise."""
    mapping: dict[str, str] = {}
    for value in values:
        column, sep, target = value.partition("=")
        meaning = parse_target(target) if sep and column.strip() else None
        if meaning is None:
            return value
        mapping[column.strip()] = meaning
    return mapping


def file_header(path: Path) -> list[str]:
    """The file's column names as the page remembers them (blank ones left out); [] when
    the file cannot be read (the import itself then says why)."""
    try:
        table = open_table(path, config.IMPORT_WHOLE_FILE_LIMIT_BYTES)
    except Exception:  # any reader failure: the import itself reports it
        return []
    close = getattr(table.rows, "close", None)  # a streamed file: let go of it now
    if close is not None:
        close()
    return [str(column) for column in table.columns if column]


def mapping_text(mapping: dict[str, str], lang: str) -> str:
    """``webpagina → Bronnen, x → weggelaten`` for a header -> target mapping."""
    return ", ".join(f"{column} → {target_text(target, lang)}"
                     for column, target in mapping.items())


def with_remembered(path: Path, store: object, given: dict[str, str],
                    lang: str) -> dict[str, str]:
    """The mapping saved in the store for this file's header (from the page's mapping
    step), with ``--map`` over it per column; says which it used and where it came from."""
    from dashboard.store.mappings import mappings_of

    header = file_header(path)
    try:
        saved = mappings_of(store).remembered(header) if header else None
    except TypeError:  # a store that keeps no mappings
        saved = None
    if not saved:
        return given
    saved = {column: saved[column] for column in header if column in saved}  # file order
    say(lang, "cli_map_remembered", columns=mapping_text(saved, lang))
    overridden = {column: target for column, target in given.items()
                  if column in saved and saved[column] != target}
    if overridden:
        say(lang, "cli_map_overrides", columns=mapping_text(overridden, lang))
    return {**saved, **given}


def run_import(args: argparse.Namespace) -> int:
    command = args.command or "import"
    lang = cli_lang(args)
    path: Path = args.file
    mapping = parse_map(args.map)
    if isinstance(mapping, str):
        return _fail(command, t("cli_map_bad", lang, value=mapping, known=known_columns_hint()))
    try:
        if not path.is_file():
            return _fail(command, t("cli_no_such_file", lang, path=path))
        with path.open("rb"):
            size = path.stat().st_size
    except OSError as exc:
        return _fail(command, t("cli_cannot_read", lang, path=path,
                                error=exc.strerror or exc))
    from dashboard.store import (
        StoreError,
        default_store_location,
        describe,
        open_store,
        parse_location,
        store_exists,
    )
    from dashboard.store.import_process import WORTH_A_PROCESS_BYTES, ImportProcess

    location = args.store or default_store_location()
    store_path = describe(location)  # a URL without its password
    try:
        missing = args.dry_run and not store_exists(location)
    except StoreError:
        missing = False  # open_store below says what is wrong
    if size > config.UPLOAD_LIMIT_BYTES:
        say(lang, "cli_big_file", file=path.name, size=Num(size / MB, 1, 1),
            page=config.UPLOAD_LIMIT_MB, whole=config.IMPORT_WHOLE_FILE_LIMIT_MB)
    progress = ImportProgress(path.name, lang)
    gc.freeze()  # a million rows make many objects and no cycles: the cyclic collector
    gc.disable()  # would walk them all again and again (a third of the time)
    try:
        if missing:
            # A check must not create (and seed) a store as a side effect.
            say(lang, "cli_no_store_yet", path=store_path)
            report = import_path(path, None, convert_rd=args.convert_rd, progress=progress,
                                 mapping=mapping)
        else:
            try:
                store = open_store(location)
                mapping = with_remembered(path, store, mapping, lang)
                writer = ImportProcess(store, parse_location(location)) \
                    if size >= WORTH_A_PROCESS_BYTES else store  # a big file: write on a 2nd core
                report = import_path(path, writer, author=args.author,
                                     convert_rd=args.convert_rd, dry_run=args.dry_run,
                                     progress=progress, mapping=mapping)
            except (StoreError, OSError) as exc:
                progress.close()
                error = exc.text(lang) if isinstance(exc, StoreError) else str(exc)
                complain(command, t("cli_store_failed", lang, path=store_path, error=error))
                print(t("cli_nothing_written", lang), file=sys.stderr)
                return 1
    finally:
        progress.close()
        gc.enable()
        gc.unfreeze()
    if report.columns:
        say(lang, "cli_columns_used", columns=columns_text(report, lang))
    print(format_report(report, lang))
    if not report.ok:
        say(lang, "cli_rejected")
        return 1
    if args.dry_run:
        say(lang, "cli_would_add", n=report.valid)
    else:
        say(lang, "cli_imported", n=report.written, path=store_path)
    return 0


def run_template(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    out: Path = args.output
    fmt: Literal["csv", "xlsx"] = "xlsx" if (args.format or out.suffix.lower()[1:]) == "xlsx" \
        else "csv"
    try:
        out.write_bytes(template_bytes(fmt, lang=lang))
    except OSError as exc:
        return _fail("template", t("cli_cannot_write", lang, path=out,
                                   error=exc.strerror or exc))
    say(lang, "cli_template_written", format=fmt.upper(), path=out)
    return 0
