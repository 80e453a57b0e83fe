"""``krimpkaart`` command line: one entry point, subcommands registered by modules.

Each command module exposes ``register(subparsers)`` and sets a ``func`` that
takes the parsed arguments and returns an exit code (0 ok, 1 rejected, 2 usage).
Keeping the commands in their own modules keeps this file a plain dispatcher.
``--lang nl|en`` works before or after the command; without it the locale
decides (``cli.common``). Help texts and argparse's own messages stay English.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import sys
from collections.abc import Sequence

from dashboard.cli.common import cli_lang, complain
from dashboard.i18n import LANGS, t

COMMAND_MODULES = (
    "dashboard.cli.run",
    "dashboard.cli.serve",
    "dashboard.cli.geodata",
    "dashboard.cli.data",
    "dashboard.cli.store",
    "dashboard.cli.export",
    "dashboard.cli.undo",
    "dashboard.cli.brief",
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
    """Run one command; whatever goes wrong ends in a message on stderr, not a traceback.

    A reader that goes away (``krimpkaart validate x.csv | head -1``) ends the command
    quietly: the rest of its output has nowhere to go and is dropped.
    """
    args: argparse.Namespace | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            sys.stdout.flush()
            return 2
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        _drop_stdout()
        return 1
    except KeyboardInterrupt:
        _complain(args, "cli_interrupted")
        return 130
    except Exception as exc:  # a bug: still a message, with what went wrong
        _complain(args, "cli_unexpected", error=f"{type(exc).__name__}: {exc}")
        return 1


def _complain(args: argparse.Namespace | None, key: str, **values: str) -> None:
    lang = cli_lang(args) if args is not None else cli_lang(argparse.Namespace())
    command = getattr(args, "command", None) or ""
    with contextlib.suppress(OSError):
        complain(command, t(key, lang, **values))


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so flushing what is left at exit raises nothing."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
