"""``krimpkaart`` command line: one entry point, subcommands registered by modules.

Each command module exposes ``register(subparsers)`` and sets a ``func`` that
takes the parsed arguments and returns an exit code (0 ok, 1 rejected, 2 usage).
Keeping the commands in their own modules keeps this file a plain dispatcher.
``--lang nl|en`` works before or after the command; without it the locale
decides (``cli.common``). Help texts and argparse's own messages stay English.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from dashboard.i18n import LANGS

COMMAND_MODULES = (
    "dashboard.cli.run",
    "dashboard.cli.geodata",
    "dashboard.cli.data",
    "dashboard.cli.store",
    "dashboard.cli.export",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="krimpkaart",
        description="Krimpkaart: social innovation in Dutch shrink regions on a map.",
    )
    parser.add_argument("--lang", choices=LANGS, default=None,
                        help="language of the messages (default: from the locale, LANG)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # command module not written yet
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
