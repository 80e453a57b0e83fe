"""``krimpkaart import | validate | template``: bring initiatives in from files.

Exit codes: 0 imported (or a dry run found no errors), 1 rejected (nothing
written), 2 usage errors such as a missing or unreadable file. Bad input is
reported, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal

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
        parser.add_argument("--store", type=Path, default=None,
                            help="store file (default: $KRIMPKAART_STORE or the user data folder)")
        parser.add_argument("--convert-rd", action="store_true",
                            help="convert RD New (EPSG:28992) coordinates to WGS84 instead of "
                                 "rejecting them")
        parser.set_defaults(func=run_import, dry_run=dry, author="import")
    template = subparsers.add_parser("template", help="write an empty import template")
    template.add_argument("--format", choices=("csv", "xlsx"), default=None,
                          help="file format (default: from the -o suffix, else csv)")
    template.add_argument("--lang", choices=("nl", "en"), default="nl",
                          help="language of the column names (default: nl)")
    template.add_argument("-o", "--output", type=Path, required=True, help="where to write it")
    template.set_defaults(func=run_template)


def _fail(command: str, message: str) -> int:
    print(f"krimpkaart {command}: {message}", file=sys.stderr)
    return 2


def run_import(args: argparse.Namespace) -> int:
    command = args.command or "import"
    path: Path = args.file
    try:
        if not path.is_file():
            return _fail(command, f"{path}: no such file")
        with path.open("rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as exc:
        return _fail(command, f"{path}: cannot read the file ({exc.strerror or exc})")
    from dashboard.store import StoreError, default_store_path, open_store

    store_path = args.store or default_store_path()
    if args.dry_run and not store_path.is_file():
        # A check must not create (and seed) a store as a side effect.
        print(f"(no store at {store_path} yet: not compared with existing initiatives)")
        report = plan_import(data, path.name, [], convert_rd=args.convert_rd)
    else:
        try:
            store = open_store(store_path)
            report = import_file(data, path.name, store, author=args.author,
                                 convert_rd=args.convert_rd, dry_run=args.dry_run)
        except (StoreError, OSError) as exc:
            print(f"krimpkaart {command}: the store {store_path} failed: {exc}",
                  file=sys.stderr)
            print("Nothing was written.", file=sys.stderr)
            return 1
    print(format_report(report))
    if not report.ok:
        print("Rejected: fix the errors above; nothing was written.")
        return 1
    if args.dry_run:
        print(f"Valid: {_count(len(report.records))} would be added. Nothing was written.")
    else:
        print(f"Imported {_count(len(report.written))} into {store_path}.")
    return 0


def _count(n: int) -> str:
    return f"{n} initiative{'' if n == 1 else 's'}"


def run_template(args: argparse.Namespace) -> int:
    out: Path = args.output
    fmt: Literal["csv", "xlsx"] = "xlsx" if (args.format or out.suffix.lower()[1:]) == "xlsx" \
        else "csv"
    try:
        out.write_bytes(template_bytes(fmt, lang=args.lang))
    except OSError as exc:
        return _fail("template", f"{out}: cannot write ({exc.strerror or exc})")
    print(f"Wrote the {fmt.upper()} import template to {out}")
    return 0
