"""``krimpkaart brief``: the one-page brief of a region or a municipality as a PDF.

``krimpkaart brief --regio achterhoek -o achterhoek.pdf`` or ``--gemeente GM1714``
(a CBS code with or without GM, or the name). ``--lang`` sets the language of the
brief and of the messages. Exit codes: 0 written, 2 usage errors (unknown area, both
or neither of --regio/--gemeente, unwritable path); never a traceback for bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.cli.common import STORE_HELP, cli_lang, complain, store_location
from dashboard.cli.export import UsageError, _check_writable, _records, _size, _write
from dashboard.i18n import LANGS, t
from dashboard.text import slugify


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "brief", help="write the one-page brief (PDF) of a region or a municipality",
        description="One A4 about a region or a municipality: a map of it and its "
        "neighbours, its figures and place among all regions (or all 342 municipalities), "
        "its initiatives, 'leer van elkaar' suggestions from elsewhere, the data notes that "
        "apply and the sources. A long list continues on a second page, which page 1 says.")
    area = parser.add_mutually_exclusive_group()
    area.add_argument("--regio", default=None, metavar="REGION",
                      help="a region's slug or name, e.g. achterhoek or 'Oost-Groningen'")
    area.add_argument("--gemeente", default=None, metavar="MUNICIPALITY",
                      help="a municipality's CBS code (GM1714, 1714) or name (Sluis)")
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS,
                        help="language of the brief and the messages (default: the locale)")
    parser.add_argument("--store", type=store_location, default=None, help=STORE_HELP)
    parser.add_argument("-o", "--output", default=None,
                        help="output file (default: krimpkaart-brief-<area>.pdf; a folder "
                        "gets that name inside it); '-' writes to stdout")
    parser.set_defaults(func=run_brief)


def run_brief(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except UsageError as exc:
        complain("brief", exc.text(cli_lang(args)))
        return 2


def _area(args: argparse.Namespace) -> tuple[str, str]:
    """(kind, code) from --regio or --gemeente; UsageError when neither or unknown."""
    from dashboard.geo import provenance
    from dashboard.query import figures

    if args.regio is not None:
        slug = figures.find_region(args.regio)
        if slug is None:
            raise UsageError(key="cli_brief_unknown_region", value=repr(args.regio),
                             allowed=", ".join(r.slug for r in provenance.all_regions()))
        return "regio", slug
    if args.gemeente is not None:
        code = figures.find_municipality(args.gemeente)
        if code is None:
            raise UsageError(key="cli_brief_unknown_municipality", value=repr(args.gemeente))
        return "gemeente", code
    raise UsageError(key="cli_brief_one_area")


def _target(output: str | None, kind: str, code: str) -> Path | None:
    if output == "-":
        return None
    name = f"krimpkaart-brief-{slugify(code)}.pdf"
    if output is None:
        return Path(name)
    path = Path(output)
    return path / name if path.is_dir() or output.endswith("/") else path


def _run(args: argparse.Namespace) -> int:
    from dashboard import query
    from dashboard.export.brief import build_brief
    from dashboard.export.brieflayout import render_brief

    lang = cli_lang(args)
    kind, code = _area(args)
    path = _target(args.output, kind, code)
    if path is not None:
        _check_writable(path)
    frame = query.initiatives_frame(_records(args.store))
    data = render_brief(build_brief(kind, code, frame, lang))
    _write(data, path)
    if path is not None:
        print(t("cli_wrote", lang, path=path, size=_size(len(data))))
    return 0
