"""Messages kept as a catalog key plus values, rendered only when the language is known.

Core modules (validation, import, URL parsing, the store) do not know who reads
their messages; they return a ``Message`` and the page or the CLI calls
``text(lang)``. Values that are messages themselves (a field label, "row 3")
are rendered in the same language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dashboard.i18n.catalog import DEFAULT_LANG, lookup


@dataclass(frozen=True)
class Message:
    """A catalog key and its values; equal when key and values are equal."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return lookup(self.key, lang, **self.params)

    def __str__(self) -> str:  # for logs and tracebacks; the UI calls text(lang)
        return self.text("en")


class Keyed:
    """Mixin for findings (validation problems, import notes) that carry a catalog
    ``key`` and its ``params``: ``message`` and ``text(lang)`` come from those."""

    key: str
    params: Mapping[str, Any]

    @property
    def message(self) -> Message:
        return Message(self.key, self.params)

    def text(self, lang: str) -> str:
        return self.message.text(lang)


def msg(key: str, **params: Any) -> Message:
    """Short form: ``msg("val_year_range", value=1750, low=1800, high=2100)``."""
    return Message(key, params)


def text_of(value: Any, lang: str) -> str:
    """``value`` rendered in ``lang`` when it is a message, else as text."""
    render = getattr(value, "text", None)
    return render(lang) if callable(render) else str(value)


class LocalizedError(Exception):
    """An error whose message is a catalog entry; ``str()`` is the English text, for logs.

    Without a key it is an ordinary exception with a fixed (English) message;
    ``text(lang)`` then returns that message unchanged.
    """

    def __init__(self, message: str = "", *, key: str = "", **params: Any) -> None:
        super().__init__(message or key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = DEFAULT_LANG) -> str:
        if not self.key:
            return str(self.args[0]) if self.args else ""
        return lookup(self.key, lang, **self.params)

    @property
    def message(self) -> Message | None:
        """The keyed message, for code that renders later (None without a key)."""
        return Message(self.key, self.params) if self.key else None
