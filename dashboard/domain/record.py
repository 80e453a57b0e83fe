"""The initiative record: its fields in order, their types and limits, and value helpers.

Every module passes initiatives around as plain dicts (``Record``, see
``docs/record-format.md``); ``FIELD_TYPES`` is the one field list that the
store derives its columns from, and ``Initiative`` the typed form.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, TypedDict, cast


class OutcomeDict(TypedDict):
    label: str
    value: float | int | None
    unit: str


class SourceDict(TypedDict):
    title: str
    url: str
    note: str


class Record(TypedDict):
    """The canonical record dict that every module passes around; every field is present.

    Field for field the same as ``Initiative`` (a test keeps the two in step).
    """

    id: str
    name: str
    kind: str
    summary: str
    summary_en: str
    description: str
    description_en: str
    notes: str
    notes_en: str
    place: str
    gemeente_code: str
    lat: float | None
    lon: float | None
    location_approximate: bool
    scope: str
    themes: list[str]
    participation: str
    actors: list[str]
    channels: list[str]
    start_year: int | None
    status: str
    outcomes: list[OutcomeDict]
    sources: list[SourceDict]
    website: str
    created_at: str
    updated_at: str
    author: str


@dataclass
class Outcome:
    """A result with a figure, e.g. ``Huizen opgeknapt = 12 woningen``."""

    label: str = ""
    value: float | int | None = None
    unit: str = ""


@dataclass
class Source:
    """Where a fact comes from; ``url`` is "" or an http(s) address."""

    title: str = ""
    url: str = ""
    note: str = ""


@dataclass
class Initiative:
    """One initiative in typed form; ``to_dict``/``from_dict`` give the shared dict shape."""

    id: str
    name: str
    kind: str = "initiatief"
    summary: str = ""
    summary_en: str = ""
    description: str = ""
    description_en: str = ""
    notes: str = ""  # beside the description: e.g. a fact from another source than the article
    notes_en: str = ""
    place: str = ""
    gemeente_code: str = ""
    lat: float | None = None
    lon: float | None = None
    location_approximate: bool = False  # the point is only roughly there (municipality centre)
    scope: str = "lokaal"
    themes: list[str] = field(default_factory=list)
    participation: str = ""
    actors: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    start_year: int | None = None
    status: str = "onbekend"
    outcomes: list[Outcome] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    website: str = ""
    created_at: str = ""
    updated_at: str = ""
    author: str = ""

    def to_dict(self) -> Record:
        return cast(Record, asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Initiative:
        """Trusting conversion of a canonical dict (use ``validate`` for untrusted input)."""
        values = {key: data[key] for key in RECORD_FIELDS if key in data}
        for key in LIST_FIELDS:
            values[key] = list(values.get(key) or [])
        values["outcomes"] = [
            o if isinstance(o, Outcome) else Outcome(**o) for o in values["outcomes"]
        ]
        values["sources"] = [
            s if isinstance(s, Source) else Source(**s) for s in values["sources"]
        ]
        values.setdefault("id", "")
        values.setdefault("name", "")
        return cls(**values)


RECORD_FIELDS: tuple[str, ...] = tuple(Initiative.__dataclass_fields__)
LIST_FIELDS = ("themes", "actors", "channels", "outcomes", "sources")
LIMITS = {
    "id": 80, "name": 200, "summary": 500, "summary_en": 500, "description": 5000,
    "description_en": 5000, "notes": 2000, "notes_en": 2000, "place": 200, "channel": 100,
    "author": 100,
    "outcome_label": 200, "outcome_unit": 50, "source_title": 300, "source_note": 500,
    "url": 2000,
}
MULTILINE_FIELDS = ("summary", "summary_en", "description", "description_en", "notes",
                    "notes_en", "source_note")
YEAR_RANGE = (1800, 2100)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GEMEENTE_RE = re.compile(r"^(?:GM)?(\d{1,4})$")

FieldType = Literal["text", "real", "int", "bool", "json"]
BOOL_FIELDS = ("location_approximate",)
# How each field is stored: the store's columns follow this mapping, in record order.
FIELD_TYPES: dict[str, FieldType] = {
    name: ("real" if name in ("lat", "lon") else "int" if name == "start_year"
           else "bool" if name in BOOL_FIELDS
           else "json" if name in LIST_FIELDS else "text")
    for name in RECORD_FIELDS
}
REQUIRED_FIELDS = ("id", "name")


def record_defaults() -> Record:
    """Every field at its default (``id`` and ``name`` empty): what a field a record or a
    stored row lacks (one written before the field existed) stands for."""
    return Initiative(id="", name="").to_dict()

# --------------------------------------------------------------------------- value helpers


def is_empty(value: object) -> bool:
    """None, NaN, blank text and empty lists all mean "not given"."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return len(value) == 0
    return False


def parse_number(value: object) -> float | None:
    """A float from a number or text with decimal point or comma; None when empty.

    Raises ValueError for anything else, so callers can name the bad value.
    """
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, numbers.Real):
        number = float(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
        if "," in text and "." in text:
            thousands = "." if text.rfind(",") > text.rfind(".") else ","
            text = text.replace(thousands, "").replace(",", ".")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        elif text.count(",") > 1:
            text = text.replace(",", "")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


# Yes/no as people write them in a spreadsheet cell, in Dutch or English.
TRUE_WORDS = frozenset({"true", "ja", "yes", "waar", "j", "y", "x", "1"})
FALSE_WORDS = frozenset({"false", "nee", "no", "onwaar", "n", "0"})


def parse_flag(value: object) -> bool | None:
    """True/False from a bool, 0/1 or a word (``ja``, ``nee``, ``true``...); None when empty.

    Raises ValueError for anything else, so callers can name the bad value.
    """
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value)
    word = str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(value)


def fmt_number(value: float) -> str:
    """Short form for messages and text cells: 392000, 51.326, 12.5."""
    if float(value).is_integer():
        return str(int(value))
    return format(value, ".6f").rstrip("0").rstrip(".")

