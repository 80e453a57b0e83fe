"""Validation of an initiative record from a form, a file row or the store.

``validate`` reports every problem at once, per field, so a facilitator can
fix a spreadsheet in one pass. A problem is a catalog key with its values
(``Problem.text(lang)`` renders it with the field's label, e.g. "Startjaar"),
so the page and the CLI show it in their reader's language. Escaping for HTML
is left to the renderers on purpose: the record stores text as the user typed it.
"""

from __future__ import annotations

import numbers
import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
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
    Record,
    Source,
    fmt_number,
    is_empty,
    parse_flag,
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
from dashboard.i18n import Keyed, Message, Num, field_label, msg
from dashboard.text import slugify


@cache
def _municipalities() -> dict[str, geo.Location]:
    return geo.municipality_lookup()


# --------------------------------------------------------------------------- validation

Severity = Literal["error", "warning"]
Locator = Callable[[float, float], "geo.Location | None"]


@dataclass(frozen=True)
class Problem(Keyed):
    """One thing wrong with one field; errors block saving, warnings do not.

    ``key`` and ``params`` are the message in the catalog; ``text(lang)`` renders it.
    """

    field: str
    key: str
    params: Mapping[str, Any] = dc_field(default_factory=dict, hash=False)
    severity: Severity = "error"



def problem(fieldname: str, key: str, severity: Severity = "error", **params: Any) -> Problem:
    """A problem whose message may name the field: ``{field}`` is its label unless given."""
    params.setdefault("field", field_label(fieldname))
    return Problem(fieldname, key, params, severity)


def point_text(lat: float, lon: float) -> Message:
    """A point as "latitude 51.326 / longitude 3.488", in the reader's language and style."""
    return msg("val_point", lat=Num(lat), lon=Num(lon))


@dataclass
class ValidationResult:
    """The normalised record (None when there is any error) and every problem found."""

    record: Record | None
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
    existing_ids: Container[str] | Iterable[str] | Mapping[str, Any] = (),
    convert_rd: bool = False,
    locate: Locator | None = None,
) -> ValidationResult:
    """Check and normalise one record dict (from a form, a file row or the store).

    ``existing_ids`` are ids already taken; when it is a mapping, its values say
    where (text or a ``Message`` such as "row 3") and appear in the message. With ``convert_rd``
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

    def error(self, fieldname: str, key: str, **params: Any) -> None:
        self.problems.append(problem(fieldname, key, "error", **params))

    def warn(self, fieldname: str, key: str, **params: Any) -> None:
        self.problems.append(problem(fieldname, key, "warning", **params))

    # ---- the whole record

    def run(self) -> ValidationResult:
        d = self.data
        for key in d:
            if key not in RECORD_FIELDS:
                self.warn(str(key), "val_unknown_field", name=str(key))
        rec: dict[str, Any] = {}
        rec["name"] = self.text("name", d.get("name"))
        if not rec["name"]:
            self.error("name", "val_name_required")
        rec["kind"] = self.term("kind", KINDS, d.get("kind")) or "initiatief"
        for key in ("summary", "summary_en", "description", "description_en", "notes",
                    "notes_en"):
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
            self.error(fieldname, "val_not_text", type=type(value).__name__)
            return ""
        key = limit_key or fieldname
        text = unicodedata.normalize("NFC", value).replace("\ufeff", "")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if key not in MULTILINE_FIELDS:
            text = re.sub(r"[\t\n]+", " ", text)
        text = text.strip()
        bad = next((c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"), None)
        if bad is not None:
            self.error(fieldname, "val_control_char", codepoint=f"U+{ord(bad):04X}")
        limit = LIMITS.get(key)
        if limit and len(text) > limit:
            self.error(fieldname, "val_too_long", length=len(text), limit=limit)
        return text

    def term(self, fieldname: str, vocab: Vocabulary, value: object) -> str:
        text = self.text(fieldname, value)
        if not text:
            return ""
        slug = vocab.match(text)
        if slug is None:
            key, params = unknown_term(vocab, text)
            self.error(fieldname, key, **params)
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
        self.error(fieldname, "val_not_a_list", type=type(value).__name__)
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
            self.error("start_year", "val_year_not_number", value=str(value))
            return None
        if number is None:
            return None
        low, high = YEAR_RANGE
        if not number.is_integer():
            self.error("start_year", "val_year_not_whole", value=Num(number))
            return None
        if not low <= number <= high:
            self.error("start_year", "val_year_range", value=Num(number), low=low, high=high)
            return None
        return int(number)

    def url(self, fieldname: str, value: object, label: Message | None = None) -> str:
        shown = label or field_label(fieldname)
        text = self.text(fieldname, value, limit_key="url")
        if not text:
            return ""
        key, fixed = check_url(text)
        if key:
            chars = {"chars": forbidden_url_chars(text)} if key == "val_url_chars" else {}
            self.error(fieldname, key, field=shown, value=text, **chars)
            return ""
        if fixed != text:
            self.warn(fieldname, "val_url_fixed", field=shown, value=text, fixed=fixed)
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
            self.error(fieldname, "val_timestamp", value=str(value))
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
                self.error("outcomes", "val_outcome_shape", n=index)
                continue
            label = self.text("outcomes", item.get("label"), limit_key="outcome_label")
            unit = self.text("outcomes", item.get("unit"), limit_key="outcome_unit")
            raw = item.get("value")
            try:
                number = parse_number(raw)
            except (ValueError, TypeError):
                self.error("outcomes", "val_outcome_value", n=index, label=label, value=str(raw))
                continue
            if not label and number is None and not unit:
                continue
            if not label:
                self.error("outcomes", "val_outcome_label", n=index)
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
                self.error("sources", "val_source_shape", n=index)
                continue
            title = self.text("sources", item.get("title"), limit_key="source_title")
            note = self.text("sources", item.get("note"), limit_key="source_note")
            url = self.url("sources", item.get("url"), label=msg("val_source_url", n=index))
            if title or url or note:
                result.append({"title": title, "url": url, "note": note})
        return result

    # ---- location and identity

    def number(self, fieldname: str, value: object) -> tuple[float | None, bool]:
        """(number or None, whether it was valid)."""
        try:
            return parse_number(value), True
        except (ValueError, TypeError):
            self.error(fieldname, "val_not_a_number", value=str(value), example=Num(51.326))
            return None, False

    def location(self) -> dict[str, Any]:
        d = self.data
        lat, lat_ok = self.number("lat", d.get("lat"))
        lon, lon_ok = self.number("lon", d.get("lon"))
        scope = self.term("scope", SCOPES, d.get("scope"))
        code = self.gemeente_code(d.get("gemeente_code"))
        place = self.text("place", d.get("place"))
        approximate = self.flag("location_approximate", d.get("location_approximate"))
        out: dict[str, Any] = {"lat": None, "lon": None, "scope": scope,
                               "gemeente_code": "", "place": place,
                               "location_approximate": False}
        if not (lat_ok and lon_ok):  # reported already; an unreadable value is not "empty"
            return out
        if (lat is None) != (lon is None):
            given, missing = ("lat", "lon") if lon is None else ("lon", "lat")
            self.error(missing, "val_half_point", given=field_label(given))
            return out
        found: geo.Location | None = None
        if lat is not None and lon is not None:
            point = self.point(lat, lon, scope)
            if point is None:
                return out
            out["lat"], out["lon"], found = point
        elif scope not in POINTLESS_SCOPES:
            if scope or is_empty(d.get("scope")):  # a misspelt scope is reported already
                self.error("location", "val_location_required")
            return out
        if not scope:
            out["scope"] = scope = "lokaal"
        if found is not None:
            if code and code != found["statcode"]:
                self.error("gemeente_code", "val_code_mismatch", code=code,
                           name=found["statnaam"], found=found["statcode"])
            code = found["statcode"]
        elif code:
            known = _municipalities()
            if code not in known:
                self.error("gemeente_code", "val_code_unknown", code=code)
                code = ""
            elif scope == "buitenland":
                self.warn("gemeente_code", "val_code_abroad", code=code)
        out["gemeente_code"] = code
        if out["lat"] is not None:
            # Not said (a file from before the field): judged as then, by the point
            # being its municipality's centre. Without a point there is nothing to judge.
            out["location_approximate"] = (geo.is_at_centre(code, out["lat"], out["lon"])
                                           if approximate is None else approximate)
        if not place and code:
            municipality = found or _municipalities().get(code)
            out["place"] = municipality["statnaam"] if municipality else ""
        return out

    def point(
        self, lat: float, lon: float, scope: str
    ) -> tuple[float, float, geo.Location | None] | None:
        shown = point_text(lat, lon)
        rd = looks_like_rd(lon, lat)
        if rd is not None:
            x, y = rd
            new_lat, new_lon = rd_to_wgs84(x, y)
            found_rd = {"point": shown, "x": Num(x), "y": Num(y),
                        "converted": point_text(new_lat, new_lon)}
            if not self.convert_rd:
                self.error("location", "val_rd", **found_rd)
                return None
            self.warn("location", "val_rd_converted", **found_rd)
            lat, lon = new_lat, new_lon
            shown = point_text(lat, lon)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.error("location", "val_not_degrees", point=shown)
            return None
        found = self.locate(lon, lat) if geo.in_nl_box(lon, lat) else None
        if scope == "buitenland":
            if found is not None:
                self.warn("scope", "val_abroad_in_nl", point=shown, name=found["statnaam"])
            return lat, lon, None
        if found is None:
            swapped = self.locate(lat, lon) if geo.in_nl_box(lat, lon) else None
            if swapped is not None:
                self.error("location", "val_swapped", point=shown,
                           swapped=point_text(lon, lat), name=swapped["statnaam"])
            else:
                self.error("location", "val_outside_nl", point=shown)
            return None
        return lat, lon, found

    def flag(self, fieldname: str, value: object) -> bool | None:
        """Yes/no (``ja``/``nee``, ``true``/``false``, 1/0...); None when not given."""
        try:
            return parse_flag(value)
        except ValueError:
            self.error(fieldname, "val_not_a_flag", value=str(value))
            return None

    def gemeente_code(self, value: object) -> str:
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            value = fmt_number(float(value))
        text = self.text("gemeente_code", value).upper().replace(" ", "")
        if not text:
            return ""
        match = GEMEENTE_RE.match(text)
        if not match:
            self.error("gemeente_code", "val_code_format", value=text)
            return ""
        return f"GM{int(match.group(1)):04d}"

    def record_id(self, value: object, name: str, place: str) -> str:
        text = self.text("id", value)
        if text:
            if not SLUG_RE.match(text) or len(text) > LIMITS["id"]:
                suggestion = slugify(text, LIMITS["id"]) or "klushuizen-oostburg"
                self.error("id", "val_id_not_slug", value=text, suggestion=suggestion)
                return ""
            if text in self.existing:
                where = self.existing.get(text) if isinstance(self.existing, Mapping) else None
                if where:
                    self.error("id", "val_id_taken_by", value=text, where=where)
                else:
                    self.error("id", "val_id_taken", value=text)
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


def unknown_term(vocab: Vocabulary, text: str) -> tuple[str, dict[str, Any]]:
    """Key and values for "Thema 'woningen' is unknown; did you mean 'wonen'? Allowed: …"."""
    params: dict[str, Any] = {"noun": msg(f"noun_{vocab.name}"), "value": text,
                              "allowed": ", ".join(vocab.slugs)}
    suggestion = vocab.suggest(text)
    if suggestion:
        return "val_term_unknown_suggest", {**params, "suggestion": suggestion}
    return "val_term_unknown", params


# Characters no stored web address may hold: quotes and angle brackets end a link in
# HTML and Markdown. Rejected rather than percent-encoded, so the address a person typed
# is the one stored and shown; ``ui.markdown.safe_link`` links by the same rule.
URL_FORBIDDEN = "\"'<>"


def forbidden_url_chars(text: str) -> str:
    """The ``URL_FORBIDDEN`` characters in ``text``, space-separated (for the message)."""
    return " ".join(c for c in URL_FORBIDDEN if c in text)


def check_url(text: str) -> tuple[str | None, str]:
    """(catalog key of the problem or None, the URL to store); adds https:// to a bare domain.

    The one rule for web addresses: import and forms store only what it accepts, and
    the page links only what it accepts. The keys take ``{field}`` (what the address
    is for) and ``{value}`` (the text); ``val_url_chars`` also ``{chars}``.
    """
    if re.search(r"\s", text) or any(unicodedata.category(c) == "Cc" for c in text):
        return "val_url_spaces", text
    if forbidden_url_chars(text):
        return "val_url_chars", text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.netloc:
        return None, text
    if not scheme and re.match(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(:\d+)?([/?#].*)?$", text, re.I):
        return None, f"https://{text}"
    if scheme and scheme not in ("http", "https"):
        return "val_url_scheme", text
    return "val_url_invalid", text
