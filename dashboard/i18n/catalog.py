"""The message catalog: one TOML file per language (``nl.toml``, ``en.toml``), read once.

An entry is either a string or, for text with a count, a table of CLDR plural
forms (``one`` and ``other`` in Dutch and English) written as dotted keys::

    import_rejected.one = "Niet geïmporteerd: {n} rij met fouten. …"
    import_rejected.other = "Niet geïmporteerd: {n} rijen met fouten. …"

Placeholders use ``str.format`` syntax (``{name}``; a literal brace is ``{{``).
In a plural entry ``{n}`` is the count: Babel's plural rules for the language pick
the form, and the count is shown in the language's number style (1.234 / 1,234).
A value with a ``text(lang)`` method (a ``Message``, a ``Num``) is rendered in the
same language first, so messages can nest.

A missing key or placeholder value is a bug. With ``set_strict(True)`` (the test
suite, or ``KRIMPKAART_STRICT_I18N=1``) it raises ``CatalogError``; otherwise it
is logged once and the page shows the key or the unfilled text instead of failing.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale

from dashboard import config
from dashboard.i18n.numbers import number

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"
CATALOG_DIR = Path(__file__).resolve().parent
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
COUNT = "n"  # the placeholder that carries a plural entry's count

Entry = str | dict[str, str]

log = logging.getLogger(__name__)
_strict: bool | None = None  # None: follow the setting
_warned: set[tuple[str, str]] = set()


class CatalogError(LookupError):
    """A key, a plural count or a placeholder value the code asked for is missing."""


def set_strict(on: bool | None) -> None:
    """Raise on catalog mistakes (True), only log them (False), or follow the setting (None)."""
    global _strict
    _strict = on


def is_strict() -> bool:
    return config.settings().strict_i18n if _strict is None else _strict


def catalog_path(lang: str) -> Path:
    return CATALOG_DIR / f"{lang}.toml"


@cache
def entries(lang: str) -> dict[str, Entry]:
    """Every entry of one language, checked for shape when the file is read."""
    with open(catalog_path(lang), "rb") as handle:
        raw = tomllib.load(handle)
    for key, value in raw.items():
        if isinstance(value, dict):
            forms = set(value)
            if "other" not in forms or not forms <= set(PLURAL_FORMS) or not all(
                isinstance(v, str) for v in value.values()
            ):
                raise CatalogError(f"{lang}.toml: {key} must be a string or plural forms "
                                   f"with 'other'")
        elif not isinstance(value, str):
            raise CatalogError(f"{lang}.toml: {key} must be a string")
    return raw


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in entries(lang if lang in LANGS else DEFAULT_LANG)


@cache
def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` a template uses (format specs and conversions left out)."""
    return frozenset(name.split(".")[0].split("[")[0]
                     for _, name, _, _ in string.Formatter().parse(text) if name is not None)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_form(count: float, lang: str) -> str:
    """``one``, ``other``… for ``count`` by the CLDR rules of ``lang``."""
    return _locale(lang).plural_form(abs(count))


def _problem(kind: str, key: str, lang: str, detail: str) -> None:
    """Raise in strict mode; otherwise log once per key."""
    message = f"{kind} '{key}' ({lang}): {detail}"
    if is_strict():
        raise CatalogError(message)
    if (key, kind) not in _warned:
        _warned.add((key, kind))
        log.warning("i18n: %s", message)


def _template(key: str, lang: str, values: Mapping[str, Any]) -> str | None:
    entry = entries(lang).get(key)
    if entry is None:
        _problem("unknown key", key, lang, "not in the catalog")
        return None
    if isinstance(entry, str):
        return entry
    count = values.get(COUNT)
    if isinstance(count, bool) or not isinstance(count, int | float):
        _problem("plural without count", key, lang, f"needs a number '{COUNT}', got {count!r}")
        return entry["other"]
    return entry.get(plural_form(count, lang), entry["other"])


def _rendered(value: Any, lang: str) -> Any:
    text = getattr(value, "text", None)
    return text(lang) if callable(text) else value


class _Unfilled(dict):
    """Leaves a placeholder without a value visible as ``{name}``."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def lookup(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The entry for ``key`` in ``lang`` with ``values`` filled in (see the module docstring)."""
    if lang not in LANGS:
        _problem("unknown language", key, lang, f"use one of {', '.join(LANGS)}")
        lang = DEFAULT_LANG
    template = _template(key, lang, values)
    if template is None:
        return key
    filled = {name: _rendered(value, lang) for name, value in values.items()}
    count = filled.get(COUNT)
    if isinstance(entries(lang)[key], dict) and isinstance(count, int | float):
        filled[COUNT] = number(count, lang)
    missing = placeholders(template) - set(filled)
    if missing:
        _problem("missing value", key, lang, f"no value for {', '.join(sorted(missing))}")
        return template.format_map(_Unfilled(filled))
    return template.format_map(filled)
