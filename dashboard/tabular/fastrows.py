"""Checking many import rows at once: column by column, points in one lookup, repeated
values once.

``domain.validation.validate`` checks one row at a time and builds each record through
the typed ``Initiative``: about 1,000 rows a second. Most rows of a large file are
ordinary (plain text, known vocabulary, a point inside a municipality), so
``FastRows.check`` handles those here and hands back None for any row it cannot vouch
for; the importer runs ``validate`` on exactly those rows. A row is only taken here
when ``validate`` would accept it without a single problem (not even a warning) and
build the same record, so every message still comes from ``validate``:

- text must already be what ``validate`` makes of it (printable, NFC, within its
  limit); anything else (a tab in a name, a formula guard, a control character) is
  left to ``validate``;
- vocabulary, years, municipality codes, channels, web addresses and timestamps are
  checked by the validator's own methods, once per distinct value (cached);
- points are parsed when they are plain decimals, checked against the RD box, the
  degree ranges and the Netherlands box with NumPy, and located in one
  ``geo.locate_many`` call; a row without a point, abroad, swapped or outside every
  municipality goes to ``validate``.

The id is left empty when the file has none: the importer makes it, knowing which ids
are taken. ``tests/tabular/test_fastrows.py`` compares this with ``validate`` row by
row on generated good and bad rows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from typing import Any, cast

import numpy as np

from dashboard import geo
from dashboard.domain import validation
from dashboard.domain.record import LIMITS, MULTILINE_FIELDS, SLUG_RE, Record, is_empty
from dashboard.domain.vocab import ACTORS, KINDS, PARTICIPATION, SCOPES, STATUSES, THEMES
from dashboard.tabular.cells import cell_to_value

SLOW = object()  # "leave this row to validate()"
SLOW_UNKNOWN = object()  # not in a cache yet
CACHE_LIMIT = 50_000  # distinct values remembered per field (then forgotten and relearnt)
PLAIN_TEXT = ("name", "summary", "summary_en", "description", "description_en", "notes",
              "notes_en", "place", "author")
TERMS = {"kind": KINDS, "status": STATUSES, "participation": PARTICIPATION, "scope": SCOPES}
TERM_DEFAULTS = {"kind": "initiatief", "status": "onbekend"}
TERM_LISTS = {"themes": THEMES, "actors": ACTORS}
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?\Z")
_DECIMAL_LINES = re.compile(r"(?:-?\d+(?:\.\d+)?\n)+\Z")  # cells as _DECIMAL, one a line
_DECIMAL_COMMA = re.compile(r"-?\d+,\d+\Z")
# The record's fields in order, as ``Initiative.to_dict`` gives them; a test checks that
# this is the record's field list, so a new field cannot be forgotten here.
RECORD_ORDER = ("id", "name", "kind", "summary", "summary_en", "description", "description_en",
                "notes", "notes_en", "place", "gemeente_code", "lat", "lon",
                "location_approximate", "scope", "themes", "participation", "actors", "channels",
                "start_year", "status", "outcomes", "sources", "website", "created_at",
                "updated_at", "author")
KNOWN_FIELDS = frozenset((*PLAIN_TEXT, *TERMS, *TERM_LISTS, "id", "channels", "start_year",
                          "gemeente_code", "website", "created_at", "updated_at", "lat", "lon",
                          "location_approximate", "outcomes", "sources"))
# A point this far (in degrees) from its municipality's centre cannot be within
# ``geo.centres.APPROXIMATE_KM`` (50 m) of it; nearer ones get the exact check.
NEAR_CENTRE_DEG = 0.002


def plain_text(value: object, fieldname: str) -> object:
    """What ``validate`` makes of a text cell when that is the cell itself (stripped), or
    SLOW. "" for an empty cell."""
    if type(value) is not str:
        return "" if is_empty(value) else SLOW  # a number or a list: validate's work
    text = value.strip()
    if not text:
        return ""
    if text[0] == "'":  # a CSV reader unguards; rare enough to leave to validate
        return SLOW
    if not text.isprintable():
        if fieldname not in MULTILINE_FIELDS or "\r" in text:
            return SLOW
        if not text.replace("\n", " ").replace("\t", " ").isprintable():
            return SLOW
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        return SLOW
    limit = LIMITS.get(fieldname)
    if limit and len(text) > limit:
        return SLOW
    return text


def plain_column(column: list[Any], fieldname: str) -> list[Any]:
    """``plain_text`` of every cell of a column, decided for the whole column at once when
    every cell is text that ``plain_text`` keeps as it is (stripped): printable, NFC,
    within the limit (a cell with a leading apostrophe is SLOW, as there). Otherwise cell
    by cell, so the result is the same.

    NFC is checked on the cells joined by line breaks: a line break composes with nothing
    and reorders nothing, so the joined text is NFC exactly when every cell is."""
    try:
        "".join(column)  # raises unless every cell is text
    except TypeError:
        return [plain_text(v, fieldname) for v in column]
    stripped = list(map(str.strip, column))
    body = "".join(stripped)
    limit = LIMITS.get(fieldname)
    if (not body.isprintable()
            or (limit and stripped and max(map(len, stripped)) > limit)
            or (not body.isascii() and not unicodedata.is_normalized("NFC", "\n".join(stripped)))):
        return [plain_text(v, fieldname) for v in column]
    if "'" in body:  # 's-Gravenhage: plain_text leaves a leading apostrophe to validate
        return [SLOW if text[:1] == "'" else text for text in stripped]
    return stripped


def decimal_column(column: list[Any]) -> list[Any]:
    """``decimal`` of every cell: at once when every cell is a plain decimal with a point
    (the usual coordinate column), else cell by cell."""
    try:
        lines = "\n".join(column)
    except TypeError:  # not all text
        return [decimal(v) for v in column]
    if lines.count("\n") == len(column) - 1 and _DECIMAL_LINES.match(lines + "\n"):
        return list(map(float, column))  # (a cell with a line break inside is not plain)
    return [decimal(v) for v in column]


def decimal(value: object) -> object:
    """A coordinate cell as ``parse_number`` reads it when it is a plain decimal (with a
    point or one comma) or a number; None when empty; else SLOW."""
    if value is None:
        return None
    if type(value) is str:
        text = value.strip()
        if not text:
            return None
        if _DECIMAL.match(text):
            return float(text)
        if _DECIMAL_COMMA.match(text):
            return float(text.replace(",", "."))
        return SLOW
    if isinstance(value, bool) or not isinstance(value, int | float):
        return SLOW
    if _is_nan(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else SLOW


def _centre(code: str) -> tuple[float, float]:
    """A municipality's centre (lat, lon); NaN for a code without one (never near)."""
    try:
        return geo.municipality_centre(code)
    except KeyError:
        return math.nan, math.nan


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


class FastRows:
    """Checks the rows of one import; ``columns`` maps each record field to its column."""

    def __init__(self, columns: Mapping[str, str], convert_rd: bool,
                 locate_many: Callable[[Any, Any], Any] | None = None):
        self.columns = dict(columns)
        self._locate_many = locate_many or geo.locate_many
        # The validator's own methods decide each distinct value; problems mean SLOW.
        self._validator = validation._Validator({}, (), convert_rd, geo.locate)
        self._caches: dict[str, dict[Any, Any]] = {}

    def check(self, rows: Sequence[Mapping[str, Any]]) -> list[Record | None]:
        """For each row (cells by column name): its record as ``validate`` would build it
        (``id`` "" when the importer has to make one), or None to leave it to ``validate``."""
        n = len(rows)
        ok = [True] * n
        if all(type(row) is dict for row in rows):  # dict.get mapped: no Python frame a cell
            dicts = cast(list[dict[str, Any]], rows)
            cells = {f: list(map(dict.get, dicts, repeat(h))) for f, h in self.columns.items()}
        else:
            cells = {f: [row.get(h) for row in rows] for f, h in self.columns.items()}
        values: dict[str, list[Any]] = {}
        for name in PLAIN_TEXT:
            if name not in cells:  # no such column: "" in every row
                values[name] = [""] * n
                continue
            column = plain_column(cells[name], name)
            self._mark(column, ok)
            values[name] = column
        for i, name in enumerate(values["name"]):
            if name == "":
                ok[i] = False  # "name is required": validate says so
        for name in (*TERMS, *TERM_LISTS, "channels", "start_year", "gemeente_code",
                     "website", "created_at", "updated_at", "location_approximate"):
            if name not in cells:  # no such column: the validator's value for nothing
                values[name] = [self._cached(name, [None])[0]] * n
            else:
                values[name] = self._cached(name, cells[name])
            self._mark(values[name], ok)
        for name in ("outcomes", "sources"):  # structured lists: validate's work
            for i, value in enumerate(cells.get(name, ())):
                if cell_to_value(name, value) is not None:
                    ok[i] = False
        values["id"] = [self._id(v) for v in cells["id"]] if "id" in cells else [""] * n
        self._mark(values["id"], ok)
        empty = [None] * n
        lats = decimal_column(cells.get("lat", empty))
        lons = decimal_column(cells.get("lon", empty))
        self._mark(lats, ok)
        self._mark(lons, ok)
        places = self._locate(lats, lons, values["scope"], ok)
        return self._records(n, ok, values, lats, lons, places)

    @staticmethod
    def _approximate(given: list[Any], codes: list[str], lats: list[float],
                     lons: list[float]) -> list[bool]:
        """``location_approximate`` as ``validate`` sets it: as given, else whether the point
        is its municipality's centre (``geo.is_at_centre``, asked only for points near one)."""
        out = [bool(g) for g in given]
        ask = [k for k, g in enumerate(given) if g is None]
        if not ask:
            return out
        centres = {code: _centre(code) for code in {codes[k] for k in ask}}
        centre = np.array([centres[codes[k]] for k in ask], dtype=float)
        lat = np.array([lats[k] for k in ask], dtype=float)
        lon = np.array([lons[k] for k in ask], dtype=float)
        near = ((np.abs(lat - centre[:, 0]) <= NEAR_CENTRE_DEG)
                & (np.abs(lon - centre[:, 1]) <= NEAR_CENTRE_DEG))
        for j in np.flatnonzero(near).tolist():
            k = ask[j]
            out[k] = geo.is_at_centre(codes[k], lats[k], lons[k])
        return out

    # --- columns ------------------------------------------------------------------------------

    @staticmethod
    def _mark(column: list[Any], ok: list[bool]) -> None:
        for i, value in enumerate(column):
            if value is SLOW:
                ok[i] = False

    def _id(self, value: object) -> object:
        text = plain_text(value, "id")
        if text is SLOW or text == "":
            return text
        assert isinstance(text, str)
        return text if SLUG_RE.match(text) and len(text) <= LIMITS["id"] else SLOW

    def _cached(self, name: str, column: list[Any]) -> list[Any]:
        """Each distinct cell decided once by the validator's method for ``name``."""
        cache = self._caches.setdefault(name, {})
        try:  # every cell decided before (the usual case once the first chunk is read)
            known = list(map(cache.get, column, repeat(SLOW_UNKNOWN)))
            if SLOW_UNKNOWN not in known:
                return known
        except TypeError:  # a list cell (not hashable as it is)
            pass
        out = []
        for value in column:
            key = tuple(value) if isinstance(value, list) else value
            try:
                result = cache[key]
            except KeyError:
                result = self._decide(name, value)
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[key] = result
            except TypeError:  # an unhashable cell (a dict in a list): validate's work
                result = SLOW
            out.append(result)
        return out

    def _decide(self, name: str, cell: object) -> object:
        """The validator's value for one cell of ``name``, or SLOW if it finds anything."""
        v = self._validator
        v.problems = []
        value = cell_to_value(name, cell)
        result: object
        if name in TERMS:
            result = v.term(name, TERMS[name], value) or TERM_DEFAULTS.get(name, "")
        elif name in TERM_LISTS:
            result = tuple(v.terms(name, TERM_LISTS[name], value))
        elif name == "channels":
            result = tuple(v.channels(value))
        elif name == "start_year":
            result = v.year(value)
        elif name == "gemeente_code":
            result = v.gemeente_code(value)
        elif name == "website":
            result = v.url("website", value)
        elif name == "location_approximate":
            result = v.flag(name, value)
        else:
            result = v.timestamp(name, value)
        return SLOW if v.problems else result

    # --- points -------------------------------------------------------------------------------

    def _locate(self, lats: list[Any], lons: list[Any], scopes: list[Any],
                ok: list[bool]) -> dict[int, tuple[str, str]]:
        """Row -> its municipality's (code, name), for rows whose point ``validate`` would
        accept as it is; the others are marked not ok."""
        index = [i for i in range(len(ok)) if ok[i]]
        for i in index:
            if lats[i] is None or lons[i] is None or scopes[i] == "buitenland":
                ok[i] = False  # no point (or half of one), or abroad: validate's rules
        index = [i for i in index if ok[i]]
        if not index:
            return {}
        lat = np.array([lats[i] for i in index], dtype=float)
        lon = np.array([lons[i] for i in index], dtype=float)
        rd = (((lon >= 0) & (lon <= 300_000) & (lat >= 300_000) & (lat <= 625_000))
              | ((lat >= 0) & (lat <= 300_000) & (lon >= 300_000) & (lon <= 625_000)))
        min_lon, min_lat, max_lon, max_lat = geo.NL_BOUNDS
        inside = ((lat >= -90) & (lat <= 90) & (lon >= -180) & (lon <= 180)
                  & (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat))
        keep = inside & ~rd
        rows = np.flatnonzero(keep)
        places: dict[int, tuple[str, str]] = {}
        if len(rows):
            table = self._locate_many(lon[rows], lat[rows])
            codes = table["statcode"].tolist()
            names = table["statnaam"].tolist()
            for k, code, name in zip(rows.tolist(), codes, names, strict=True):
                if isinstance(code, str):
                    places[index[k]] = (code, str(name))
        for i in index:
            if i not in places:
                ok[i] = False
        return places

    # --- records ------------------------------------------------------------------------------

    @staticmethod
    def _records(n: int, ok: list[bool], values: dict[str, list[Any]], lats: list[Any],
                 lons: list[Any], places: dict[int, tuple[str, str]]) -> list[Record | None]:
        """The records of the rows still ok, built column by column in field order."""
        rows = [i for i in range(n) if ok[i]
                and (not values["gemeente_code"][i]  # a code that does not match the point:
                     or values["gemeente_code"][i] == places[i][0])]  # validate says so
        where = [places[i] for i in rows]
        columns: list[list[Any]] = []
        if len(rows) == n:  # every row (the usual case): a column as it is
            def pick(column: list[Any]) -> list[Any]:
                return column
        else:
            def pick(column: list[Any]) -> list[Any]:
                return [column[i] for i in rows]
        for name in RECORD_ORDER:
            column: list[Any]
            if name == "place":
                column = [p or w[1] for p, w in zip(pick(values["place"]), where, strict=True)]
            elif name == "gemeente_code":
                column = [w[0] for w in where]
            elif name in ("lat", "lon"):
                column = pick(lats if name == "lat" else lons)
            elif name == "scope":
                column = [scope or "lokaal" for scope in pick(values["scope"])]
            elif name in ("themes", "actors", "channels"):
                column = list(map(list, pick(values[name])))
            elif name in ("outcomes", "sources"):
                column = [[] for _ in rows]
            elif name == "location_approximate":
                column = FastRows._approximate(
                    pick(values[name]), [w[0] for w in where], pick(lats), pick(lons))
            else:
                column = pick(values[name])
            columns.append(column)
        if len(rows) == n:  # a record per row, made in C
            made = map(dict, map(zip, repeat(RECORD_ORDER), zip(*columns, strict=True)))
            return cast(list[Record | None], list(made))
        out: list[Record | None] = [None] * n
        for i, row in zip(rows, zip(*columns, strict=True), strict=True):
            out[i] = dict(zip(RECORD_ORDER, row, strict=True))  # type: ignore[call-overload]
        return out
