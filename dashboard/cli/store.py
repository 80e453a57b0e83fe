"""``krimpkaart reseed | backup | restore``: look after the initiatives store.

Reseed and restore replace what facilitators entered, so they ask first; without
a terminal to ask on they refuse unless ``--yes`` is given, rather than guess.
Backup writes a new file; an existing one is replaced only with ``--force``.
Messages and questions follow ``--lang`` (default: the locale).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import add_lang, cli_lang, complain, say
from dashboard.i18n import t
from dashboard.store import (
    BackupExists,
    GeoPackageStore,
    StoreError,
    check_backup,
    default_seed_path,
    default_store_path,
    read_seed,
)

YES = {"y", "yes", "j", "ja"}


def register(subparsers: argparse._SubParsersAction) -> None:
    store_help = "the store (default: $KRIMPKAART_STORE or the per-user data folder)"
    parser = subparsers.add_parser(
        "reseed", help="replace all initiatives in the store with the shipped seed"
    )
    parser.add_argument("--store", type=Path, default=None, help=store_help)
    parser.add_argument(
        "--seed", type=Path, default=None,
        help="seed GeoJSON (default: geodata/initiatieven.geojson)",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_lang(parser)
    parser.set_defaults(func=run_reseed)

    parser = subparsers.add_parser("backup", help="copy the store to a GeoPackage file")
    parser.add_argument("path", help="backup file to write (a new file unless --force)")
    parser.add_argument("--store", type=Path, default=None, help=store_help)
    parser.add_argument("--force", action="store_true",
                        help="replace the backup file if it exists (never the store itself)")
    add_lang(parser)
    parser.set_defaults(func=run_backup)

    parser = subparsers.add_parser("restore", help="replace the store's contents with a backup")
    parser.add_argument("path", type=Path, help="backup file made by 'krimpkaart backup'")
    parser.add_argument("--store", type=Path, default=None, help=store_help)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_lang(parser)
    parser.set_defaults(func=run_restore)


def run_reseed(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    path = args.store or default_store_path()
    seed = args.seed or default_seed_path()
    try:
        records = read_seed(seed)
        if not path.exists():
            GeoPackageStore.create(path, records)
            say(lang, "cli_created", n=len(records), path=path, seed=seed)
            return 0
        store = GeoPackageStore(path)
        question = t("cli_reseed_question", lang, n=len(store.list()), path=path,
                     new=len(records), seed=seed)
        refused = _confirm("reseed", question, args.yes, lang)
        if refused is not None:
            return refused
        count = store.reseed(records)
    except (StoreError, OSError) as exc:
        return _fail("reseed", exc, lang)
    say(lang, "cli_reseeded", n=count, path=path, seed=seed)
    return 0


def run_backup(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    path = args.store or default_store_path()
    try:
        dest = GeoPackageStore(path).backup(args.path, overwrite=args.force)
    except BackupExists:
        complain("backup", t("cli_backup_exists", lang, path=args.path))
        return 1
    except (StoreError, OSError) as exc:
        return _fail("backup", exc, lang)
    say(lang, "cli_backed_up", path=path, dest=dest)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    path = args.store or default_store_path()
    try:
        check_backup(args.path)
        if path.exists():
            store = GeoPackageStore(path)
            question = t("cli_restore_question", lang, n=len(store.list()), path=path,
                         backup=args.path)
            refused = _confirm("restore", question, args.yes, lang)
            if refused is not None:
                return refused
        else:
            store = GeoPackageStore.create(path)
        count = store.restore(args.path)
    except (StoreError, OSError) as exc:
        return _fail("restore", exc, lang)
    say(lang, "cli_restored", n=count, path=path, backup=args.path)
    return 0


def _confirm(command: str, question: str, yes: bool, lang: str) -> int | None:
    """None to go ahead; else the exit code (2: nobody to ask, 1: the answer was no)."""
    if yes:
        return None
    if sys.stdin is None or not sys.stdin.isatty():
        complain(command, f"{question}\n{t('cli_no_terminal', lang)}")
        return 2
    try:
        answer = input(f"{question} {t('cli_yes_no', lang)} ").strip().lower()
    except (EOFError, KeyboardInterrupt):
        answer = ""
    if answer in YES:
        return None
    complain(command, t("cli_cancelled", lang))
    return 1


def _fail(command: str, exc: Exception, lang: str) -> int:
    complain(command, exc.text(lang) if isinstance(exc, StoreError) else str(exc))
    return 1
