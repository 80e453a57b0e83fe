"""UI text in Dutch and English: ``t(key, lang, **values)`` over the TOML catalog.

The strings live in ``nl.toml`` and ``en.toml`` beside this file (rules in
``catalog``); numbers in ``numbers``; keyed messages for core modules in
``message``. Vocabulary labels (themes, kinds, ...) live with the vocabularies
in ``dashboard.domain.vocab``; region types and record fields are labelled here.
"""

from __future__ import annotations

from dashboard.i18n.catalog import (
    DEFAULT_LANG,
    LANGS,
    CatalogError,
    has,
    is_strict,
    lookup,
    set_strict,
)
from dashboard.i18n.message import Keyed, LocalizedError, Message, msg, text_of
from dashboard.i18n.numbers import Num, number, percent

__all__ = [
    "DEFAULT_LANG", "LANGS", "CatalogError", "Keyed", "LocalizedError", "Message", "Num",
    "field_label", "has", "is_strict", "msg", "number", "percent", "regiotype_label",
    "set_strict", "t", "text_of",
]


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    return lookup(key, lang, **values)


def regiotype_label(regiotype: str, lang: str = DEFAULT_LANG) -> str:
    return t(f"regiotype_{regiotype or 'geen'}", lang)


def field_label(fieldname: str) -> Message | str:
    """The user-facing label of a record field ("Startjaar"); other names stay as they are."""
    key = f"field_{fieldname}"
    return Message(key) if has(key) else fieldname
