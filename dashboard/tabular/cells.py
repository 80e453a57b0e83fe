"""Spreadsheet cells <-> record values: column names, list and text forms, formula guard.

One place decides how a record looks in a flat table, so export and import
agree and a round trip gives the same records:

- list fields are joined with ``|`` (a literal ``|`` or ``\\`` is escaped with ``\\``);
- outcomes read ``label = value unit``, e.g. ``Huizen opgeknapt = 12 woningen``
  (``?`` as value when there is a unit but no figure);
- sources read ``title <url> (note)``;
- in CSV, text that a spreadsheet would run as a formula (``= + - @``, tab, CR) gets
  a leading ``'`` on export, and exactly that guard is removed when a CSV is read.
  XLSX needs no guard: its text cells are typed as strings, which are never formulas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from dashboard.domain.record import RECORD_FIELDS, is_empty
from dashboard.text import fold

# Column names accepted on import, per record field (compared after ``header_key``).
# The first Dutch name is the one the Dutch template uses.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "slug"),
    "name": ("name", "naam", "naam_initiatief", "initiatiefnaam"),
    "kind": ("kind", "soort", "type"),
    "summary": ("summary", "samenvatting", "korte_omschrijving"),
    "summary_en": ("summary_en", "samenvatting_en"),
    "description": ("description", "beschrijving", "omschrijving"),
    "description_en": ("description_en", "beschrijving_en", "omschrijving_en"),
    "notes": ("notes", "notities", "noot", "toelichting"),
    "notes_en": ("notes_en", "notities_en", "noot_en", "toelichting_en"),
    "place": ("place", "plaats", "plaatsnaam", "woonplaats", "dorp", "kern", "town",
              "village"),
    "gemeente_code": ("gemeente_code", "gemeentecode", "statcode", "gm_code"),
    "lat": ("lat", "latitude", "breedtegraad", "breedte"),
    "lon": ("lon", "lng", "long", "longitude", "lengtegraad", "lengte"),
    "location_approximate": ("location_approximate", "locatie_bij_benadering", "bij_benadering",
                             "approximate", "approximate_location"),
    "scope": ("scope", "schaal", "reikwijdte"),
    "themes": ("themes", "theme", "thema's", "themas", "thema", "onderwerp", "onderwerpen"),
    "participation": ("participation", "participatie", "participatievorm"),
    "actors": ("actors", "actoren", "actor"),
    "channels": ("channels", "kanalen", "kanaal"),
    "start_year": ("start_year", "startjaar", "beginjaar", "jaar", "year", "sinds",
                   "opgericht"),
    "status": ("status",),
    "outcomes": ("outcomes", "resultaten", "uitkomsten"),
    "sources": ("sources", "bronnen", "bron", "source", "source_url", "source_urls", "bron_url",
                "bronurl", "link", "links"),
    "website": ("website", "url", "webadres", "site"),
    "created_at": ("created_at", "aangemaakt"),
    "updated_at": ("updated_at", "bijgewerkt"),
    "author": ("author", "auteur"),
}
DUTCH_HEADERS: dict[str, str] = {
    "id": "id", "name": "naam", "kind": "soort", "summary": "samenvatting",
    "summary_en": "samenvatting_en", "description": "beschrijving",
    "description_en": "beschrijving_en", "notes": "notities", "notes_en": "notities_en",
    "place": "plaats", "gemeente_code": "gemeentecode",
    "lat": "breedtegraad", "lon": "lengtegraad",
    "location_approximate": "locatie_bij_benadering", "scope": "schaal", "themes": "thema's",
    "participation": "participatie", "actors": "actoren", "channels": "kanalen",
    "start_year": "startjaar", "status": "status", "outcomes": "resultaten",
    "sources": "bronnen", "website": "website", "created_at": "aangemaakt",
    "updated_at": "bijgewerkt", "author": "auteur",
}
VOCAB_LIST_FIELDS = ("themes", "actors")
NUMBER_FIELDS = ("lat", "lon", "start_year")
assert set(COLUMN_ALIASES) == set(RECORD_FIELDS) == set(DUTCH_HEADERS)


def header_key(header: str) -> str:
    """Normalised column name: ``"Thema's"`` -> ``themas``, ``"Start year"`` -> ``start-year``."""
    return re.sub(r"[^a-z0-9-]+", "", fold(str(header).replace("\ufeff", "")))


_ALIAS_INDEX = {header_key(a): f for f, aliases in COLUMN_ALIASES.items() for a in aliases}


def field_for_column(header: str) -> str | None:
    """The record field a column name means, or None for an unknown column."""
    return _ALIAS_INDEX.get(header_key(header))


# A column naming the municipality: not a record field, but where a row without
# coordinates is placed (its centre, marked approximate) and its municipality code.
MUNICIPALITY = "municipality"
MUNICIPALITY_ALIASES = ("gemeente", "gemeentenaam", "municipality", "municipality_name")
_TARGET_INDEX = {**_ALIAS_INDEX, **{header_key(a): MUNICIPALITY for a in MUNICIPALITY_ALIASES}}


def target_for_column(header: str) -> str | None:
    """What a column name means on import: a record field, ``MUNICIPALITY``, or None."""
    return _TARGET_INDEX.get(header_key(header))


def is_exact_header(header: str, target: str) -> bool:
    """Whether the column carries the field's own English or Dutch template name."""
    own = (target, DUTCH_HEADERS.get(target, target))
    return header_key(header) in {header_key(name) for name in own}


IGNORE_WORDS = ("negeren", "ignore", "-")  # "leave this column out", as a user says it


def parse_target(text: str) -> str | None:
    """What a user names as a column's meaning (``bronnen``, ``sources``, ``gemeente``,
    ``negeren``): a record field, ``MUNICIPALITY``, ``""`` for "ignore", or None."""
    if header_key(text) in {header_key(w) for w in IGNORE_WORDS} or text.strip() == "-":
        return ""
    return target_for_column(text)


def known_columns_hint() -> str:
    """``name/naam, lat/breedtegraad, ...`` for messages about unknown columns."""
    return ", ".join(f"{f}/{DUTCH_HEADERS[f]}" if DUTCH_HEADERS[f] != f else f
                     for f in RECORD_FIELDS)


# --------------------------------------------------------------------------- formula guard

_FORMULA_RE = re.compile(r"^'*[=+\-@\t\r]")


def guard(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would treat as a formula (and to guarded-looking text)."""
    return "'" + text if _FORMULA_RE.match(text) else text


def unguard(text: str) -> str:
    """Undo exactly ``guard``: drop one leading ``'`` before a formula character."""
    return text[1:] if text.startswith("'") and _FORMULA_RE.match(text) else text


# --------------------------------------------------------------------------- escaped lists

_SPECIAL = "\\|=<>"


def escape(text: str, chars: str = "|") -> str:
    """Backslash-escape ``\\`` and ``chars`` so they survive splitting."""
    out = []
    for c in text:
        if c == "\\" or c in chars:
            out.append("\\")
        out.append(c)
    return "".join(out)


def unescape(text: str) -> str:
    """Undo ``escape``; a backslash before an ordinary character stays as typed."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _SPECIAL:
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _find(text: str, char: str, start: int = 0) -> int:
    """Index of the first unescaped ``char`` from ``start``, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _SPECIAL:
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def split_raw(text: str, sep: str = "|") -> list[str]:
    """Split on unescaped ``sep``, keeping escapes (callers unescape each part)."""
    parts, start = [], 0
    while (i := _find(text, sep, start)) >= 0:
        parts.append(text[start:i])
        start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def split_list(text: str) -> list[str]:
    return [unescape(p) for p in split_raw(text)]


def join_list(items: Iterable[str]) -> str:
    return "|".join(escape(str(i)) for i in items)


# --------------------------------------------------------------------------- outcomes

_EMPTY_VALUES = ("?", "-", "–")


def number_text(value: float | int) -> str:
    """Full-precision text for a number that reads back to the same value."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 2**53):
        return str(int(value))
    return repr(float(value))


def format_outcomes(outcomes: Iterable[Mapping[str, Any]]) -> str:
    items = []
    for o in outcomes:
        label = escape(str(o.get("label") or ""), "|=")
        unit = escape(str(o.get("unit") or ""), "|")
        value = o.get("value")
        value_text = "?" if value is None else number_text(value)
        if value is None and not unit:
            items.append(label)
        else:
            items.append(f"{label} = {value_text} {unit}".rstrip())
    return " | ".join(items)


def parse_outcomes(text: str) -> list[dict[str, Any]]:
    """``label = value unit | ...`` -> outcome dicts; the value stays text for validation."""
    result = []
    for raw in split_raw(text):
        eq = _find(raw, "=")
        if eq < 0:
            result.append({"label": unescape(raw), "value": None, "unit": ""})
            continue
        label = unescape(raw[:eq]).strip()
        rest = raw[eq + 1:].strip()
        value, _, unit = rest.partition(" ")
        if value in _EMPTY_VALUES:
            value = ""
        result.append({"label": label, "value": value, "unit": unescape(unit).strip()})
    return result


# --------------------------------------------------------------------------- sources

_URL_TAIL = re.compile(r"^(?P<title>.*?)\s*(?P<url>https?://\S+)$", re.I)


def format_sources(sources: Iterable[Mapping[str, Any]]) -> str:
    items = []
    for s in sources:
        title = escape(str(s.get("title") or ""), "|<")
        url = escape(str(s.get("url") or ""), "|>")
        note = escape(str(s.get("note") or ""), "|")
        if not url and not note and not _URL_TAIL.match(title):
            items.append(title)
            continue
        item = f"{title} <{url}>".strip()
        items.append(f"{item} ({note})" if note else item)
    return " | ".join(items)


def parse_sources(text: str) -> list[dict[str, str]]:
    """``title <url> (note) | ...`` -> source dicts; a bare URL is accepted as well."""
    result = []
    for raw in split_raw(text):
        lt = _find(raw, "<")
        gt = _find(raw, ">", lt + 1) if lt >= 0 else -1
        if lt >= 0 and gt >= 0:
            title, url = raw[:lt], raw[lt + 1:gt]
            note = raw[gt + 1:].strip()
            if note.startswith("(") and note.endswith(")"):
                note = note[1:-1]
            result.append({"title": unescape(title).strip(), "url": unescape(url).strip(),
                           "note": unescape(note).strip()})
            continue
        plain = unescape(raw)
        match = _URL_TAIL.match(plain)
        if match:
            result.append({"title": match["title"], "url": match["url"], "note": ""})
        else:
            result.append({"title": plain, "url": "", "note": ""})
    return result


# --------------------------------------------------------------------------- rows and cells


def _json_list(text: str) -> list[Any] | None:
    if not text.startswith("["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def cell_to_value(fieldname: str, value: object) -> object:
    """One imported cell -> the value ``domain.validation.validate`` expects for that field.

    The formula guard is not undone here: the reader that knows the file format does
    that (CSV only), so a cell is never unguarded twice and JSON text never.
    """
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if fieldname in ("themes", "actors", "channels", "outcomes", "sources"):
            as_json = _json_list(value)
            if as_json is not None:
                return as_json
        if fieldname in VOCAB_LIST_FIELDS:
            return [part for item in split_list(value) for part in re.split(r"[,;]", item)]
        if fieldname == "channels":
            return split_list(value)
        if fieldname == "outcomes":
            return parse_outcomes(value)
        if fieldname == "sources":
            return parse_sources(value)
    elif isinstance(value, list | tuple) and fieldname in ("channels", *VOCAB_LIST_FIELDS):
        return list(value)
    return None if is_empty(value) else value


def record_cells(
    record: Mapping[str, Any], fields: Iterable[str] = RECORD_FIELDS, *, formula_guard: bool
) -> list[Any]:
    """Flat cells for one record: numbers stay numbers; text is formula-guarded when asked
    (CSV, whose cells a spreadsheet interprets), else left exactly as it is (XLSX)."""
    cells: list[Any] = []
    for name in fields:
        value = record.get(name)
        if name == "outcomes":
            value = format_outcomes(value or [])
        elif name == "sources":
            value = format_sources(value or [])
        elif isinstance(value, list | tuple):
            value = join_list(value)
        if value is None:
            cells.append("")
        elif isinstance(value, str):
            cells.append(guard(value) if formula_guard else value)
        else:
            cells.append(value)
    return cells
