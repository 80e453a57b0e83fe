"""``krimpkaart reseed | backup | restore | store copy``: look after the initiatives store.

A store is a GeoPackage file or a ``postgresql://`` URL (PostGIS), in ``--store``
or ``$KRIMPKAART_STORE``. Reseed and restore replace what facilitators entered, so
they ask first; without a terminal to ask on they refuse unless ``--yes`` is given,
rather than guess. ``store copy`` moves everything (records, history, tours) from
one store to another, either backend to either, and refuses to overwrite a store
that holds anything unless ``--force`` is given. A backup is always a GeoPackage
file, whatever the backend, and a new one: an existing file is replaced only with
``--force``, the store itself never. Messages and questions follow ``--lang`` (default: the
locale); a URL is shown without its password.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import STORE_HELP, add_lang, cli_lang, complain, say, store_location
from dashboard.i18n import t
from dashboard.store import (
    BackupExists,
    Location,
    PortableStore,
    Snapshot,
    StoreError,
    check_backup,
    create_store,
    default_seed_path,
    default_store_location,
    describe,
    open_existing,
    read_seed,
    same_location,
    store_exists,
)
from dashboard.store.rooms import SUGGESTIONS, rooms_of

YES = {"y", "yes", "j", "ja"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reseed", help="replace all initiatives in the store with the shipped seed"
    )
    parser.add_argument("--store", type=store_location, default=None, help=STORE_HELP)
    parser.add_argument(
        "--seed", type=Path, default=None,
        help="seed GeoJSON (default: geodata/initiatieven.geojson)",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_lang(parser)
    parser.set_defaults(func=run_reseed)

    parser = subparsers.add_parser("backup", help="copy the store to a GeoPackage file")
    parser.add_argument("path", help="backup file to write (a new file unless --force)")
    parser.add_argument("--store", type=store_location, default=None, help=STORE_HELP)
    parser.add_argument("--force", action="store_true",
                        help="replace the backup file if it exists (never the store itself)")
    add_lang(parser)
    parser.set_defaults(func=run_backup)

    parser = subparsers.add_parser("restore", help="replace the store's contents with a backup")
    parser.add_argument("path", type=Path, help="backup file made by 'krimpkaart backup'")
    parser.add_argument("--store", type=store_location, default=None, help=STORE_HELP)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_lang(parser)
    parser.set_defaults(func=run_restore)

    parser = subparsers.add_parser("store", help="work on whole stores (see 'store copy')")
    commands = parser.add_subparsers(dest="action", metavar="COMMAND", required=True)
    copy = commands.add_parser(
        "copy", help="copy all initiatives, history and tours from one store to another "
                     "(GeoPackage file or postgresql:// URL, either way)")
    copy.add_argument("src", type=store_location, help="the store to copy from (file or URL)")
    copy.add_argument("dst", type=store_location,
                      help="the store to copy into (file or URL; created when missing)")
    copy.add_argument("--force", action="store_true",
                      help="replace the destination's contents when it is not empty")
    add_lang(copy)
    copy.set_defaults(func=run_copy)


def run_reseed(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    where: Location = args.store or default_store_location()
    path = describe(where)
    seed = args.seed or default_seed_path()
    try:
        records = read_seed(seed)
        if not _exists(where):
            create_store(where, records).close()
            say(lang, "cli_created", n=len(records), path=path, seed=seed)
            return 0
        store = open_existing(where)
        question = t("cli_reseed_question", lang, n=len(store.list()), path=path,
                     new=len(records), seed=seed)
        refused = _confirm("reseed", question, args.yes, lang)
        if refused is not None:
            return refused
        count = store.reseed(records)
        store.close()
    except (StoreError, OSError) as exc:
        return _fail("reseed", exc, lang)
    say(lang, "cli_reseeded", n=count, path=path, seed=seed)
    return 0


def run_backup(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    where: Location = args.store or default_store_location()
    try:
        store = open_existing(where)
        try:
            dest = store.backup(args.path, overwrite=args.force)
        finally:
            store.close()
    except BackupExists:
        complain("backup", t("cli_backup_exists", lang, path=args.path))
        return 1
    except (StoreError, OSError) as exc:
        return _fail("backup", exc, lang)
    say(lang, "cli_backed_up", path=describe(where), dest=dest)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    where: Location = args.store or default_store_location()
    path = describe(where)
    try:
        check_backup(args.path)
        if _exists(where):
            store = open_existing(where)
            question = t("cli_restore_question", lang, n=len(store.list()), path=path,
                         backup=args.path)
            refused = _confirm("restore", question, args.yes, lang)
            if refused is not None:
                return refused
        else:
            store = create_store(where)
        count = store.restore(args.path)
        store.close()
    except (StoreError, OSError) as exc:
        return _fail("restore", exc, lang)
    say(lang, "cli_restored", n=count, path=path, backup=args.path)
    return 0


def run_copy(args: argparse.Namespace) -> int:
    """Everything in SRC into DST, in one transaction on DST; SRC is only read."""
    lang = cli_lang(args)
    src: Location = args.src
    dst: Location = args.dst
    if same_location(src, dst):
        complain("store copy", t("cli_copy_same", lang))
        return 1
    created = False
    try:
        source = open_existing(src)  # never creates: a mistyped SRC is an error
        snapshot = source.snapshot()
        source.close()
        created = not _exists(dst)
        target = create_store(dst)
        if not created and not args.force:
            held = _counts(target)
            if any(n for n in held.values()):
                target.close()
                complain("store copy", t("cli_copy_not_empty", lang, dst=describe(dst),
                                         **_phrases(held, lang)))
                return 1
        target.replace_with(snapshot)
        target.close()
    except (StoreError, OSError) as exc:
        if created and isinstance(dst, Path):
            dst.unlink(missing_ok=True)  # no half-made file left behind
        return _fail("store copy", exc, lang)
    say(lang, "cli_copied", src=describe(src), dst=describe(dst),
        **_phrases(_snapshot_counts(snapshot), lang))
    return 0


def _exists(where: Location) -> bool:
    """A store is there (a file path that exists but is no store counts too: never overwrite)."""
    if isinstance(where, Path):
        return where.exists()
    return store_exists(where)


def _counts(store: PortableStore) -> dict[str, int]:
    """What a copy would replace: a store holding only suggestions is not empty either."""
    return {"records": len(store.list()), "changes": len(store.history(limit=1_000_000)),
            "tours": len(store.list_tours()),
            "suggestions": len(rooms_of(store).suggestions(status=None))}


def _snapshot_counts(snapshot: Snapshot) -> dict[str, int]:
    return {"records": len(snapshot.records), "changes": len(snapshot.history),
            "tours": len(snapshot.tours),
            "suggestions": len(snapshot.carried.get(SUGGESTIONS, []))}


def _phrases(counts: dict[str, int], lang: str) -> dict[str, str]:
    """``{records: "3 initiatives", changes: ..., tours: ..., suggestions: ...}`` in ``lang``."""
    return {
        "records": t("cli_count_initiatives", lang, n=counts["records"]),
        "changes": t("cli_count_changes", lang, n=counts["changes"]),
        "tours": t("cli_count_tours", lang, n=counts["tours"]),
        "suggestions": t("cli_count_suggestions", lang, n=counts["suggestions"]),
    }


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
