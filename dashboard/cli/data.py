"""``krimpkaart import | validate | template``: bring initiatives in from files.

Exit codes: 0 imported (or a dry run found no errors), 1 rejected (nothing
written), 2 usage errors such as a missing or unreadable file. Bad input is
reported, never a traceback. Reports and messages follow ``--lang`` (default:
the locale); the template's column names do too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal

from dashboard.cli.common import STORE_HELP, add_lang, cli_lang, complain, say, store_location
from dashboard.i18n import t
from dashboard.tabular.importing import (
    MAX_UPLOAD_BYTES,
    format_report,
    import_file,
    plan_import,
    template_bytes,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    for name in ("import", "validate"):
        dry = name == "validate"
        parser = subparsers.add_parser(
            name,
            help="check a file without writing (= import --dry-run)" if dry else
            "add initiatives from a CSV, XLSX, GeoJSON or GeoPackage file (all or nothing)",
        )
        parser.add_argument("file", type=Path, help="the file to read")
        if not dry:
            parser.add_argument("--dry-run", action="store_true",
                                help="only check and report; write nothing")
            parser.add_argument("--author", default="import",
                                help="name recorded as the author of the change (default: import)")
        parser.add_argument("--store", type=store_location, default=None, help=STORE_HELP)
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


def run_import(args: argparse.Namespace) -> int:
    command = args.command or "import"
    lang = cli_lang(args)
    path: Path = args.file
    try:
        if not path.is_file():
            return _fail(command, t("cli_no_such_file", lang, path=path))
        with path.open("rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as exc:
        return _fail(command, t("cli_cannot_read", lang, path=path,
                                error=exc.strerror or exc))
    from dashboard.store import (
        StoreError,
        default_store_location,
        describe,
        open_store,
        store_exists,
    )

    location = args.store or default_store_location()
    store_path = describe(location)  # a URL without its password
    try:
        missing = args.dry_run and not store_exists(location)
    except StoreError:
        missing = False  # open_store below says what is wrong
    if missing:
        # A check must not create (and seed) a store as a side effect.
        say(lang, "cli_no_store_yet", path=store_path)
        report = plan_import(data, path.name, [], convert_rd=args.convert_rd)
    else:
        try:
            store = open_store(location)
            report = import_file(data, path.name, store, author=args.author,
                                 convert_rd=args.convert_rd, dry_run=args.dry_run)
        except (StoreError, OSError) as exc:
            error = exc.text(lang) if isinstance(exc, StoreError) else str(exc)
            complain(command, t("cli_store_failed", lang, path=store_path, error=error))
            print(t("cli_nothing_written", lang), file=sys.stderr)
            return 1
    print(format_report(report, lang))
    if not report.ok:
        say(lang, "cli_rejected")
        return 1
    if args.dry_run:
        say(lang, "cli_would_add", n=len(report.records))
    else:
        say(lang, "cli_imported", n=len(report.written), path=store_path)
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
