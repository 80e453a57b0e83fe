"""Numbers in the reader's language: 12.345,6 in Dutch, 12,345.6 in English."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal

_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def number(value: float | int | None, lang: str = "nl", digits: int = 0) -> str:
    """Format a number with thousands grouping and ``digits`` decimals; ``–`` for None."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_LOCALES.get(lang, "nl_NL"))


def percent(value: float | None, lang: str = "nl", digits: int = 1) -> str:
    """Signed percentage in the language's style: +1,5% / −2.3%."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{number(abs(value), lang, digits)}%"


@dataclass(frozen=True)
class Num:
    """A number in a message, shown in the reader's decimal style without grouping.

    For values the user typed (coordinates, sizes): ``51,326`` in Dutch and
    ``51.326`` in English; ``min_digits`` to ``max_digits`` decimals (extra zeros dropped).
    """

    value: float | int
    max_digits: int = 6
    min_digits: int = 0

    def text(self, lang: str) -> str:
        decimals = "0" * self.min_digits + "#" * (self.max_digits - self.min_digits)
        pattern = "0." + decimals if decimals else "0"
        return format_decimal(self.value, format=pattern, locale=_LOCALES.get(lang, "nl_NL"))
