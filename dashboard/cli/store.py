"""``krimpkaart reseed | backup | restore``: look after the initiatives store.

Reseed and restore replace what facilitators entered, so they ask first; without
a terminal to ask on they refuse unless ``--yes`` is given, rather than guess.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.store import (
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
    parser.set_defaults(func=run_reseed)

    parser = subparsers.add_parser("backup", help="copy the store to a GeoPackage file")
    parser.add_argument("path", type=Path, help="backup file to write")
    parser.add_argument("--store", type=Path, default=None, help=store_help)
    parser.set_defaults(func=run_backup)

    parser = subparsers.add_parser("restore", help="replace the store's contents with a backup")
    parser.add_argument("path", type=Path, help="backup file made by 'krimpkaart backup'")
    parser.add_argument("--store", type=Path, default=None, help=store_help)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(func=run_restore)


def run_reseed(args: argparse.Namespace) -> int:
    path = args.store or default_store_path()
    seed = args.seed or default_seed_path()
    try:
        records = read_seed(seed)
        if not path.exists():
            GeoPackageStore.create(path, records)
            print(f"Created {path} with {len(records)} initiatives from {seed}")
            return 0
        store = GeoPackageStore(path)
        question = (
            f"Replace the {len(store.list())} initiatives in {path} with the "
            f"{len(records)} from {seed}, and clear the change history?"
        )
        refused = _confirm("reseed", question, args.yes)
        if refused is not None:
            return refused
        count = store.reseed(records)
    except (StoreError, OSError) as exc:
        return _fail("reseed", exc)
    print(f"Reseeded {path} with {count} initiatives from {seed}")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    path = args.store or default_store_path()
    try:
        dest = GeoPackageStore(path).backup(args.path)
    except (StoreError, OSError) as exc:
        return _fail("backup", exc)
    print(f"Backed up {path} to {dest}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    path = args.store or default_store_path()
    try:
        check_backup(args.path)
        if path.exists():
            store = GeoPackageStore(path)
            question = (
                f"Replace the {len(store.list())} initiatives, tours and history in {path} "
                f"with those in {args.path}?"
            )
            refused = _confirm("restore", question, args.yes)
            if refused is not None:
                return refused
        else:
            store = GeoPackageStore.create(path)
        count = store.restore(args.path)
    except (StoreError, OSError) as exc:
        return _fail("restore", exc)
    print(f"Restored {count} initiatives into {path} from {args.path}")
    return 0


def _confirm(command: str, question: str, yes: bool) -> int | None:
    """None to go ahead; else the exit code (2: nobody to ask, 1: the answer was no)."""
    if yes:
        return None
    if sys.stdin is None or not sys.stdin.isatty():
        print(
            f"krimpkaart {command}: {question}\n"
            "Not asking without a terminal; pass --yes to confirm.",
            file=sys.stderr,
        )
        return 2
    try:
        answer = input(f"{question} [y/N] ").strip().lower()
    except (EOFError, KeyboardInterrupt):
        answer = ""
    if answer in YES:
        return None
    print(f"krimpkaart {command}: cancelled; nothing was changed.", file=sys.stderr)
    return 1


def _fail(command: str, exc: Exception) -> int:
    print(f"krimpkaart {command}: {exc}", file=sys.stderr)
    return 1
