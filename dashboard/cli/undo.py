"""``krimpkaart undo``: take back one author's last change, such as a whole import.

An import is one change in the history, so ``krimpkaart undo`` right after
``krimpkaart import`` removes every record it added (the import's author is
``import`` unless ``--author`` named another). The store refuses when a record of
that change was edited or deleted since, and says which; nothing is changed then.
Exit codes: 0 undone, 1 nothing to undo, refused or the store failed.
"""

from __future__ import annotations

import argparse

from dashboard.cli.common import STORE_HELP, add_lang, cli_lang, complain, say, store_location
from dashboard.i18n import t

DEFAULT_AUTHOR = "import"  # what ``krimpkaart import`` records when no --author is given


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "undo", help="undo the last change by one author (default: the last 'krimpkaart "
                     "import', all of its records at once)")
    parser.add_argument("--author", default=DEFAULT_AUTHOR,
                        help=f"whose last change to undo (default: {DEFAULT_AUTHOR}, the "
                             "author 'krimpkaart import' records)")
    parser.add_argument("--store", type=store_location, default=None, help=STORE_HELP)
    add_lang(parser)
    parser.set_defaults(func=run_undo)


def run_undo(args: argparse.Namespace) -> int:
    from dashboard.store import StoreError, default_store_location, describe, open_existing

    lang = cli_lang(args)
    location = args.store or default_store_location()
    path = describe(location)  # a URL without its password
    try:
        store = open_existing(location)
        try:
            change = store.undo_last(args.author)
        finally:
            store.close()
    except StoreError as exc:  # nothing to undo, a conflict, or the store itself
        complain("undo", exc.text(lang))
        print(t("cli_nothing_changed", lang))
        return 1
    if change.count is not None:
        say(lang, "cli_undone_import", n=change.count, path=path)
    else:
        record = change.after or change.before
        say(lang, "cli_undone", author=change.author,
            name=record["name"] if record else change.record_id, path=path)
    return 0
