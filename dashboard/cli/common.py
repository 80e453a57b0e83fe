"""What every command shares: the ``--lang`` option and printing in that language.

The language is ``--lang`` when given, else the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``; see ``config.locale_lang``): Dutch for ``nl_*``, English otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dashboard import config
from dashboard.i18n import LANGS, t

STORE_HELP = ("the store: a GeoPackage file or a postgresql:// URL "
              "(default: $KRIMPKAART_STORE or the user data folder)")

LANG_HELP = "language of the messages: nl or en (default: from the locale, LANG)"


def add_lang(parser: argparse.ArgumentParser, help: str = LANG_HELP) -> None:
    """``--lang`` on a (sub)parser; absent unless given, so the top level's stays."""
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=help)


def store_location(value: str) -> Path | str:
    """``--store``: a ``postgresql://`` URL stays text (a ``Path`` folds its ``//``)."""
    return value.strip() if config.is_database_url(value) else Path(value)


def cli_lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or config.settings().cli_lang


def say(lang: str, key: str, **values: Any) -> None:
    """Print one catalog message on stdout."""
    print(t(key, lang, **values))


def complain(command: str, text: str) -> None:
    """``krimpkaart <command>: <text>`` on stderr (the text already in the user's language)."""
    print(f"krimpkaart {command}: {text}", file=sys.stderr)
