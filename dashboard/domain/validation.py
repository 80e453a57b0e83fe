"""Validation of an initiative record from a form, a file row or the store.

``validate`` reports every problem at once, per field, so a facilitator can
fix a spreadsheet in one pass. Escaping for HTML is left to the renderers on
purpose: the record stores text as the user typed it.
"""

from __future__ import annotations

import numbers
import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal
from urllib.parse import urlsplit

from dashboard import geo
from dashboard.domain.record import (
    GEMEENTE_RE,
    LIMITS,
    MULTILINE_FIELDS,
    RECORD_FIELDS,
    SLUG_RE,
    YEAR_RANGE,
    Initiative,
    Outcome,
    Source,
    fmt_number,
    is_empty,
    parse_number,
)
from dashboard.domain.vocab import (
    ACTORS,
    KINDS,
    PARTICIPATION,
    POINTLESS_SCOPES,
    SCOPES,
    STATUSES,
    THEMES,
    Vocabulary,
)
from dashboard.geo.crs import looks_like_rd, rd_to_wgs84
from dashboard.text import slugify


@cache
def _municipalities() -> dict[str, geo.Location]:
    return geo.municipality_lookup()


# --------------------------------------------------------------------------- validation

Severity = Literal["error", "warning"]
Locator = Callable[[float, float], "geo.Location | None"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field; errors block saving, warnings do not."""

    field: str
    message: str
    severity: Severity = "error"


@dataclass
class ValidationResult:
    """The normalised record (None when there is any error) and every problem found."""

    record: dict[str, Any] | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def validate(
    data: Mapping[str, Any],
    *,
    existing_ids: Iterable[str] | Mapping[str, str] = (),
    convert_rd: bool = False,
    locate: Locator | None = None,
) -> ValidationResult:
    """Check and normalise one record dict (from a form, a file row or the store).

    ``existing_ids`` are ids already taken; when it is a mapping, its values say
    where (e.g. ``"row 3"``) and appear in the message. With ``convert_rd``
    RD New coordinates are converted (with a warning) instead of rejected.
    ``locate(lon, lat)`` defaults to ``geo.locate``; bulk callers pass a cached one.
    """
    if not isinstance(existing_ids, Container):
        existing_ids = set(existing_ids)
    return _Validator(data, existing_ids, convert_rd, locate or geo.locate).run()


class _Validator:
    def __init__(self, data: Mapping[str, Any], existing: Container[str], convert_rd: bool,
                 locate: Locator):
        self.data = data
        self.locate = locate
        self.existing = existing
        self.convert_rd = convert_rd
        self.problems: list[Problem] = []

    def error(self, fieldname: str, message: str) -> None:
        self.problems.append(Problem(fieldname, message, "error"))

    def warn(self, fieldname: str, message: str) -> None:
        self.problems.append(Problem(fieldname, message, "warning"))

    # ---- the whole record

    def run(self) -> ValidationResult:
        d = self.data
        for key in d:
            if key not in RECORD_FIELDS:
                self.warn(str(key), f"'{key}' is not a field of an initiative and is ignored")
        rec: dict[str, Any] = {}
        rec["name"] = self.text("name", d.get("name"))
        if not rec["name"]:
            self.error("name", "name is required; give the initiative's name")
        rec["kind"] = self.term("kind", KINDS, d.get("kind")) or "initiatief"
        for key in ("summary", "summary_en", "description", "description_en"):
            rec[key] = self.text(key, d.get(key))
        rec["status"] = self.term("status", STATUSES, d.get("status")) or "onbekend"
        rec["participation"] = self.term("participation", PARTICIPATION, d.get("participation"))
        rec["themes"] = self.terms("themes", THEMES, d.get("themes"))
        rec["actors"] = self.terms("actors", ACTORS, d.get("actors"))
        rec["channels"] = self.channels(d.get("channels"))
        rec["start_year"] = self.year(d.get("start_year"))
        rec["website"] = self.url("website", d.get("website"))
        rec["outcomes"] = self.outcomes(d.get("outcomes"))
        rec["sources"] = self.sources(d.get("sources"))
        rec.update(self.location())
        rec["id"] = self.record_id(d.get("id"), rec["name"], rec["place"])
        for key in ("created_at", "updated_at"):
            rec[key] = self.timestamp(key, d.get(key))
        rec["author"] = self.text("author", d.get("author"))
        if any(p.severity == "error" for p in self.problems):
            return ValidationResult(None, self.problems)
        return ValidationResult(Initiative.from_dict(rec).to_dict(), self.problems)

    # ---- scalar fields

    def text(self, fieldname: str, value: object, *, limit_key: str | None = None) -> str:
        """Stripped, NFC text; control characters rejected, length bounded."""
        if is_empty(value):
            return ""
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            value = fmt_number(float(value))
        if not isinstance(value, str):
            self.error(fieldname, f"{fieldname} must be text, not {type(value).__name__}")
            return ""
        key = limit_key or fieldname
        text = unicodedata.normalize("NFC", value).replace("\ufeff", "")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if key not in MULTILINE_FIELDS:
            text = re.sub(r"[\t\n]+", " ", text)
        text = text.strip()
        bad = next((c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"), None)
        if bad is not None:
            self.error(fieldname, f"{fieldname} contains a control character "
                                  f"(U+{ord(bad):04X}); remove it")
        limit = LIMITS.get(key)
        if limit and len(text) > limit:
            self.error(fieldname, f"{fieldname} is {len(text)} characters long; "
                                  f"the maximum is {limit}, so shorten it")
        return text

    def term(self, fieldname: str, vocab: Vocabulary, value: object) -> str:
        text = self.text(fieldname, value)
        if not text:
            return ""
        slug = vocab.match(text)
        if slug is None:
            self.error(fieldname, unknown_term_message(vocab, text))
            return ""
        return slug

    def terms(self, fieldname: str, vocab: Vocabulary, value: object) -> list[str]:
        result: list[str] = []
        for item in self.items(fieldname, value, separators="|,;"):
            slug = self.term(fieldname, vocab, item)
            if slug and slug not in result:
                result.append(slug)
        return result

    def items(self, fieldname: str, value: object, *, separators: str = "|") -> list[object]:
        if is_empty(value):
            return []
        if isinstance(value, str):
            return [part for part in re.split(f"[{re.escape(separators)}]", value)]
        if isinstance(value, list | tuple):
            return list(value)
        self.error(fieldname, f"{fieldname} must be a list, not {type(value).__name__}")
        return []

    def channels(self, value: object) -> list[str]:
        result: list[str] = []
        for item in self.items("channels", value):
            text = self.text("channels", item, limit_key="channel")
            if text and text not in result:
                result.append(text)
        return result

    def year(self, value: object) -> int | None:
        try:
            number = parse_number(value)
        except (ValueError, TypeError):
            self.error("start_year", f"start_year '{value}' is not a year; "
                                     "give a whole number like 2012")
            return None
        if number is None:
            return None
        low, high = YEAR_RANGE
        if not number.is_integer():
            self.error("start_year", f"start_year {fmt_number(number)} is not a whole number; "
                                     "give a year like 2012")
            return None
        if not low <= number <= high:
            self.error("start_year", f"start_year {fmt_number(number)} is not a plausible "
                                     f"year; give a year from {low} to {high}")
            return None
        return int(number)

    def url(self, fieldname: str, value: object, label: str = "") -> str:
        label = label or fieldname
        text = self.text(fieldname, value, limit_key="url")
        if not text:
            return ""
        problem, fixed = check_url(text)
        if problem:
            self.error(fieldname, f"{label} {problem}")
            return ""
        if fixed != text:
            self.warn(fieldname, f"{label} '{text}' has no http:// or https://; "
                                 f"stored as {fixed}")
        return fixed

    def timestamp(self, fieldname: str, value: object) -> str:
        if is_empty(value):
            return ""
        try:
            if isinstance(value, datetime):
                moment = value
            else:
                moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.error(fieldname, f"{fieldname} '{value}' is not an ISO 8601 time; "
                                  "use a form like 2026-11-27T18:00:00Z or leave it empty")
            return ""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    # ---- structured lists

    def outcomes(self, value: object) -> list[dict[str, Any]]:
        result = []
        for index, item in enumerate(self.items("outcomes", value), start=1):
            if isinstance(item, Outcome):
                item = asdict(item)
            if not isinstance(item, Mapping):
                self.error("outcomes", f"outcome {index} must have a label, value and unit")
                continue
            label = self.text("outcomes", item.get("label"), limit_key="outcome_label")
            unit = self.text("outcomes", item.get("unit"), limit_key="outcome_unit")
            raw = item.get("value")
            try:
                number = parse_number(raw)
            except (ValueError, TypeError):
                self.error("outcomes", f"outcome {index} ('{label}'): value '{raw}' is not a "
                                       "number; give a number like 12 or 3.5, or leave it empty")
                continue
            if not label and number is None and not unit:
                continue
            if not label:
                self.error("outcomes", f"outcome {index} has a value but no label; "
                                       "say what was counted")
            value_out: float | int | None = number
            if number is not None and number.is_integer() and abs(number) < 2**53:
                value_out = int(number)
            result.append({"label": label, "value": value_out, "unit": unit})
        return result

    def sources(self, value: object) -> list[dict[str, str]]:
        result = []
        for index, item in enumerate(self.items("sources", value), start=1):
            if isinstance(item, Source):
                item = asdict(item)
            if isinstance(item, str):
                item = {"url": item} if item.strip().lower().startswith(("http:", "https:")) \
                    else {"title": item}
            if not isinstance(item, Mapping):
                self.error("sources", f"source {index} must have a title, url and note")
                continue
            title = self.text("sources", item.get("title"), limit_key="source_title")
            note = self.text("sources", item.get("note"), limit_key="source_note")
            url = self.url("sources", item.get("url"), label=f"source {index} url")
            if title or url or note:
                result.append({"title": title, "url": url, "note": note})
        return result

    # ---- location and identity

    def number(self, fieldname: str, value: object) -> tuple[float | None, bool]:
        """(number or None, whether it was valid)."""
        try:
            return parse_number(value), True
        except (ValueError, TypeError):
            self.error(fieldname, f"{fieldname} '{value}' is not a number; give WGS84 degrees "
                                  "with a decimal point or comma, like 51.326")
            return None, False

    def location(self) -> dict[str, Any]:
        d = self.data
        lat, lat_ok = self.number("lat", d.get("lat"))
        lon, lon_ok = self.number("lon", d.get("lon"))
        scope = self.term("scope", SCOPES, d.get("scope"))
        code = self.gemeente_code(d.get("gemeente_code"))
        place = self.text("place", d.get("place"))
        out: dict[str, Any] = {"lat": None, "lon": None, "scope": scope,
                               "gemeente_code": "", "place": place}
        if (lat is None) != (lon is None):
            given, missing = ("lat", "lon") if lon is None else ("lon", "lat")
            self.error(missing, f"{given} is given but {missing} is empty; "
                                "give both lat and lon, or neither")
            return out
        if not (lat_ok and lon_ok):
            return out
        found: geo.Location | None = None
        if lat is not None and lon is not None:
            point = self.point(lat, lon, scope)
            if point is None:
                return out
            out["lat"], out["lon"], found = point
        elif scope not in POINTLESS_SCOPES:
            if scope or is_empty(d.get("scope")):  # a misspelt scope is reported already
                self.error("location", "a location is required: give lat and lon (WGS84), "
                           "or set scope to landelijk, online or buitenland")
            return out
        if not scope:
            out["scope"] = scope = "lokaal"
        if found is not None:
            if code and code != found["statcode"]:
                self.error("gemeente_code", f"gemeente_code {code} does not match the point, "
                           f"which lies in {found['statnaam']} ({found['statcode']}); correct "
                           "the code or leave it empty to derive it")
            code = found["statcode"]
        elif code:
            known = _municipalities()
            if code not in known:
                self.error("gemeente_code", f"gemeente_code {code} is not a municipality code "
                           "(CBS 2024); use a code like GM1714 (Sluis) or leave it empty")
                code = ""
            elif scope == "buitenland":
                self.warn("gemeente_code", f"gemeente_code {code} is given for an initiative "
                          "abroad; check the scope")
        out["gemeente_code"] = code
        if not place and code:
            municipality = found or _municipalities().get(code)
            out["place"] = municipality["statnaam"] if municipality else ""
        return out

    def point(
        self, lat: float, lon: float, scope: str
    ) -> tuple[float, float, geo.Location | None] | None:
        shown = f"lat {fmt_number(lat)} / lon {fmt_number(lon)}"
        rd = looks_like_rd(lon, lat)
        if rd is not None:
            x, y = rd
            new_lat, new_lon = rd_to_wgs84(x, y)
            converted = f"lat {fmt_number(new_lat)}, lon {fmt_number(new_lon)}"
            if not self.convert_rd:
                self.error("location", f"{shown} look like RD New (EPSG:28992) coordinates "
                           f"(x {fmt_number(x)}, y {fmt_number(y)}), not WGS84 degrees; "
                           f"converted to WGS84 that is {converted}. Enter those values, or "
                           "import with the option to convert RD coordinates (--convert-rd)")
                return None
            self.warn("location", f"{shown} were RD New (EPSG:28992) coordinates "
                      f"(x {fmt_number(x)}, y {fmt_number(y)}); converted to WGS84 {converted}")
            lat, lon = new_lat, new_lon
            shown = f"lat {fmt_number(lat)} / lon {fmt_number(lon)}"
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.error("location", f"{shown} are not WGS84 degrees; latitude must lie between "
                       "-90 and 90 and longitude between -180 and 180")
            return None
        found = self.locate(lon, lat) if geo.in_nl_box(lon, lat) else None
        if scope == "buitenland":
            if found is not None:
                self.warn("scope", f"scope is buitenland but {shown} lies in "
                          f"{found['statnaam']}; check the scope or the point")
            return lat, lon, None
        if found is None:
            swapped = self.locate(lat, lon) if geo.in_nl_box(lat, lon) else None
            if swapped is not None:
                self.error("location", f"{shown} lie outside the Netherlands; are latitude and "
                           f"longitude swapped? lat {fmt_number(lon)} / lon {fmt_number(lat)} "
                           f"lies in {swapped['statnaam']}")
            else:
                self.error("location", f"{shown} lies outside the Netherlands; check the "
                           "coordinates, or set scope to buitenland for an initiative abroad")
            return None
        return lat, lon, found

    def gemeente_code(self, value: object) -> str:
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            value = fmt_number(float(value))
        text = self.text("gemeente_code", value).upper().replace(" ", "")
        if not text:
            return ""
        match = GEMEENTE_RE.match(text)
        if not match:
            self.error("gemeente_code", f"gemeente_code '{text}' is not a CBS municipality code; "
                       "use the form GM1714, or leave it empty to derive it from the point")
            return ""
        return f"GM{int(match.group(1)):04d}"

    def record_id(self, value: object, name: str, place: str) -> str:
        text = self.text("id", value)
        if text:
            if not SLUG_RE.match(text) or len(text) > LIMITS["id"]:
                suggestion = slugify(text, LIMITS["id"]) or "klushuizen-oostburg"
                self.error("id", f"id '{text}' is not a slug; use lowercase letters, digits and "
                           f"single hyphens (e.g. '{suggestion}'), or leave it empty")
                return ""
            if text in self.existing:
                where = ""
                if isinstance(self.existing, Mapping) and self.existing.get(text):
                    where = f" by {self.existing[text]}"
                self.error("id", f"id '{text}' is already used{where}; choose another id or "
                           "leave it empty to generate one")
            return text
        return make_id(name, place, self.existing)


def make_id(name: str, place: str, existing: Container[str]) -> str:
    """A fresh slug id: the name, then name + place, then a number appended."""
    base = slugify(name) or "initiatief"
    if base not in existing:
        return base
    if place:
        with_place = slugify(f"{name} {place}", LIMITS["id"] - 4)
        if with_place not in existing:
            return with_place
        base = with_place
    n = 2
    while f"{base}-{n}" in existing:
        n += 1
    return f"{base}-{n}"


def unknown_term_message(vocab: Vocabulary, text: str) -> str:
    """``theme 'woningen' is unknown; did you mean 'wonen'? Allowed: ...``."""
    suggestion = vocab.suggest(text)
    hint = f"; did you mean '{suggestion}'?" if suggestion else "."
    return f"{vocab.noun} '{text}' is unknown{hint} Allowed: {', '.join(vocab.slugs)}"


def check_url(text: str) -> tuple[str | None, str]:
    """(problem or None, the URL to store); adds https:// to a bare domain."""
    if re.search(r"\s", text) or any(unicodedata.category(c) == "Cc" for c in text):
        return f"'{text}' contains spaces; give one web address like https://www.example.nl", text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.netloc:
        return None, text
    if not scheme and re.match(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(:\d+)?([/?#].*)?$", text, re.I):
        return None, f"https://{text}"
    if scheme and scheme not in ("http", "https"):
        return (f"'{text}' is not allowed: only http:// and https:// web addresses are, "
                "like https://www.example.nl"), text
    return f"'{text}' is not a web address; give one like https://www.example.nl", text
