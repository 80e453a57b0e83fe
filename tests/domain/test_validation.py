"""The record model: vocabularies, dict round trip and every validation rule."""

from __future__ import annotations

import pytest

from dashboard.domain import record, validation
from dashboard.domain.record import Initiative, Outcome, Source
from dashboard.domain.validation import validate
from dashboard.domain.vocab import ACTORS, KINDS, SCOPES, THEMES, VOCABULARIES
from dashboard.geo.crs import rd_to_wgs84
from dashboard.text import slugify

OOSTBURG = {"name": "KLUShuizen", "lat": 51.326, "lon": 3.488}


def messages(result: validation.ValidationResult, fieldname: str | None = None) -> list[str]:
    return [p.message for p in result.problems if fieldname is None or p.field == fieldname]


def errors(result: validation.ValidationResult) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in result.errors:
        out.setdefault(p.field, []).append(p.message)
    return out


# --------------------------------------------------------------------------- vocabularies


def test_vocabularies_match_record_md() -> None:
    assert KINDS.slugs == ("initiatief", "netwerk-platform", "programma-beleid", "fonds",
                           "onderzoek", "inspiratie-buitenland")
    assert len(THEMES.slugs) == 12
    assert set(VOCABULARIES) == {"kind", "themes", "participation", "actors", "scope", "status"}
    for vocab in VOCABULARIES.values():
        for slug in vocab.slugs:
            assert record.SLUG_RE.match(slug)
            assert vocab.label(slug, "nl") and vocab.label(slug, "en")


@pytest.mark.parametrize("text", ["wonen", "Wonen", " WONEN ", "Housing", "housing"])
def test_match_accepts_slug_and_labels(text: str) -> None:
    assert THEMES.match(text) == "wonen"


def test_match_ignores_accents_spaces_and_hyphens() -> None:
    assert KINDS.match("Netwerk/platform") == "netwerk-platform"
    assert KINDS.match("netwerk platform") == "netwerk-platform"
    assert KINDS.match("inspiratie uit het BUITENLAND") == "inspiratie-buitenland"
    assert ACTORS.match("maatschappelijke_organisaties") == "maatschappelijke-organisaties"
    assert ACTORS.match("Civil society organisations") == "maatschappelijke-organisaties"
    assert SCOPES.match("Lokáál") == "lokaal"
    assert THEMES.match("woningen") is None


def test_label_and_suggest() -> None:
    assert THEMES.label("zorg") == "Zorg"
    assert THEMES.label("zorg", "en") == "Care"
    assert THEMES.label("onbekend-ding") == "onbekend-ding"
    assert THEMES.suggest("woningen") == "wonen"
    assert THEMES.suggest("leefbaarhied") == "leefbaarheid"
    assert THEMES.suggest("xyzzy") is None


# --------------------------------------------------------------------------- the record


def test_initiative_dict_round_trip() -> None:
    item = Initiative(
        id="klushuizen", name="KLUShuizen", themes=["wonen"], lat=51.3, lon=3.5,
        outcomes=[Outcome("Huizenprijs", 125000, "euro")],
        sources=[Source("Krot of kans", "https://www.krotofkans.nl")],
    )
    data = item.to_dict()
    assert list(data) == list(record.RECORD_FIELDS)
    assert data["outcomes"] == [{"label": "Huizenprijs", "value": 125000, "unit": "euro"}]
    assert data["sources"][0]["note"] == ""
    assert Initiative.from_dict(data) == item


def test_from_dict_fills_defaults() -> None:
    item = Initiative.from_dict({"id": "x", "name": "X"})
    assert item.kind == "initiatief" and item.status == "onbekend" and item.themes == []


def test_slugify() -> None:
    assert slugify("KLUShuizen in Krimp") == "klushuizen-in-krimp"
    assert slugify("Súdwest-Fryslân") == "sudwest-fryslan"
    assert len(slugify("woord " * 40)) <= 60


# --------------------------------------------------------------------------- validation


def test_valid_minimal_record_gets_defaults() -> None:
    result = validate(dict(OOSTBURG, themes="wonen|Leefbaarheid"))
    assert result.ok and result.problems == []
    rec = result.record
    assert rec is not None
    assert list(rec) == list(record.RECORD_FIELDS)
    assert rec["id"] == "klushuizen"
    assert rec["kind"] == "initiatief"
    assert rec["status"] == "onbekend"
    assert rec["scope"] == "lokaal"
    assert rec["gemeente_code"] == "GM1714"
    assert rec["place"] == "Sluis"  # the municipality's name when no place is given
    assert rec["themes"] == ["wonen", "leefbaarheid"]


def test_name_required() -> None:
    result = validate({"lat": 51.326, "lon": 3.488})
    assert result.record is None
    assert errors(result)["name"] == ["name is required; give the initiative's name"]


def test_all_problems_reported_at_once() -> None:
    result = validate({"name": "", "themes": "woningen", "start_year": "ooit",
                       "website": "javascript:alert(1)", "status": "bezig"})
    assert {"name", "themes", "start_year", "website", "status", "location"} <= set(
        errors(result))


def test_location_required_unless_pointless_scope() -> None:
    result = validate({"name": "X"})
    assert errors(result)["location"] == [
        "a location is required: give lat and lon (WGS84), or set scope to landelijk, "
        "online or buitenland"]
    assert errors(validate({"name": "X", "scope": "lokaal"}))["location"]
    for scope in ("landelijk", "online", "buitenland", "Abroad"):
        result = validate({"name": "X", "scope": scope})
        assert result.ok, result.problems
        assert result.record["lat"] is None and result.record["gemeente_code"] == ""


def test_scope_given_is_kept() -> None:
    assert validate(dict(OOSTBURG, scope="Regionaal")).record["scope"] == "regionaal"


def test_place_kept_when_given() -> None:
    assert validate(dict(OOSTBURG, place=" Oostburg ")).record["place"] == "Oostburg"


def test_lat_without_lon() -> None:
    result = validate({"name": "X", "lat": 52.0})
    assert errors(result)["lon"] == ["lat is given but lon is empty; give both lat and lon, "
                                     "or neither"]


def test_lat_lon_numeric_with_decimal_comma() -> None:
    result = validate({"name": "X", "lat": "51,326", "lon": "3,488"})
    assert result.record["lat"] == 51.326
    bad = validate({"name": "X", "lat": "noord", "lon": 3.4})
    assert "lat 'noord' is not a number" in errors(bad)["lat"][0]
    assert "location" not in errors(bad)  # no second message for the same mistake


def test_swapped_lat_lon() -> None:
    result = validate({"name": "X", "lat": 6.55, "lon": 53.33})
    (message,) = errors(result)["location"]
    assert message.startswith("lat 6.55 / lon 53.33 lie outside the Netherlands; are latitude "
                              "and longitude swapped?")
    assert "Het Hogeland" in message


def test_point_outside_nl() -> None:
    result = validate({"name": "X", "lat": 48.85, "lon": 2.35})
    (message,) = errors(result)["location"]
    assert "lies outside the Netherlands" in message and "buitenland" in message
    # inside the rough box but in Belgium
    assert errors(validate({"name": "X", "lat": 51.05, "lon": 3.72}))["location"]


def test_point_abroad_allowed_for_buitenland() -> None:
    result = validate({"name": "X", "lat": 48.85, "lon": 2.35, "scope": "buitenland"})
    assert result.ok
    assert result.record["gemeente_code"] == "" and result.record["lat"] == 48.85


def test_buitenland_point_in_nl_warns() -> None:
    result = validate(dict(OOSTBURG, scope="buitenland"))
    assert result.ok and "scope is buitenland" in messages(result, "scope")[0]


def test_not_wgs84_degrees() -> None:
    result = validate({"name": "X", "lat": 95.0, "lon": 3.0})
    assert "not WGS84 degrees" in errors(result)["location"][0]


def test_rd_to_wgs84_amersfoort() -> None:
    lat, lon = rd_to_wgs84(155000, 463000)
    assert lat == pytest.approx(52.15517, abs=1e-4)
    assert lon == pytest.approx(5.38720, abs=1e-4)


def test_rd_coordinates_rejected_with_conversion_offered() -> None:
    result = validate({"name": "X", "lat": 463000, "lon": 155000})
    (message,) = errors(result)["location"]
    assert "RD New (EPSG:28992)" in message
    assert "lat 52.155" in message and "lon 5.387" in message
    assert "--convert-rd" in message
    # x and y the other way round are recognised too
    assert "RD New" in errors(validate({"name": "X", "lat": 155000, "lon": 463000}))[
        "location"][0]


def test_rd_coordinates_converted_on_request() -> None:
    result = validate({"name": "X", "lat": 463000, "lon": 155000}, convert_rd=True)
    assert result.ok
    assert result.record["lat"] == pytest.approx(52.15517, abs=1e-4)
    assert result.record["gemeente_code"] == "GM0307"  # Amersfoort
    assert "converted to WGS84" in messages(result, "location")[0]


def test_gemeente_code_derived_and_checked() -> None:
    assert validate(dict(OOSTBURG, gemeente_code="gm1714")).ok
    assert validate(dict(OOSTBURG, gemeente_code=1714)).record["gemeente_code"] == "GM1714"
    result = validate(dict(OOSTBURG, gemeente_code="GM0363"))
    assert errors(result)["gemeente_code"] == [
        "gemeente_code GM0363 does not match the point, which lies in Sluis (GM1714); correct "
        "the code or leave it empty to derive it"]
    assert "not a CBS municipality code" in errors(validate(dict(OOSTBURG,
                                                                 gemeente_code="Sluis")))[
        "gemeente_code"][0]


def test_gemeente_code_without_point() -> None:
    result = validate({"name": "X", "scope": "landelijk", "gemeente_code": "GM0363"})
    assert result.record["gemeente_code"] == "GM0363"
    assert result.record["place"] == "Amsterdam"
    bad = validate({"name": "X", "scope": "landelijk", "gemeente_code": "GM9999"})
    assert "not a municipality code" in errors(bad)["gemeente_code"][0]


def test_unknown_vocabulary_value_suggests() -> None:
    result = validate(dict(OOSTBURG, themes=["woningen"], kind="fondsje", actors="burger"))
    assert errors(result)["themes"] == [
        "theme 'woningen' is unknown; did you mean 'wonen'? Allowed: " + ", ".join(THEMES.slugs)]
    assert "did you mean 'fonds'?" in errors(result)["kind"][0]
    assert "did you mean 'burgers'?" in errors(result)["actors"][0]
    no_hint = validate(dict(OOSTBURG, status="qqq"))
    assert errors(no_hint)["status"][0].startswith("status 'qqq' is unknown. Allowed: idee")


def test_vocab_lists_accept_commas_and_drop_duplicates() -> None:
    rec = validate(dict(OOSTBURG, themes="wonen, zorg;Wonen", actors=["Citizens"])).record
    assert rec["themes"] == ["wonen", "zorg"] and rec["actors"] == ["burgers"]


@pytest.mark.parametrize("value,expected", [(2012, 2012), ("2012", 2012), (2012.0, 2012),
                                            ("", None), (None, None)])
def test_start_year_valid(value: object, expected: int | None) -> None:
    assert validate(dict(OOSTBURG, start_year=value)).record["start_year"] == expected


@pytest.mark.parametrize("value,text", [("ooit", "is not a year"), (2012.5, "not a whole number"),
                                        (1750, "from 1800 to 2100"), (2200, "from 1800 to 2100"),
                                        (True, "is not a year")])
def test_start_year_invalid(value: object, text: str) -> None:
    assert text in errors(validate(dict(OOSTBURG, start_year=value)))["start_year"][0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.nl/a",
                                 "file:///etc/passwd"])
def test_website_must_be_http(url: str) -> None:
    (message,) = errors(validate(dict(OOSTBURG, website=url)))["website"]
    assert "only http:// and https://" in message


def test_website_forms() -> None:
    assert validate(dict(OOSTBURG, website="https://x.nl/a?b=1")).record["website"] == \
        "https://x.nl/a?b=1"
    fixed = validate(dict(OOSTBURG, website="www.krotofkans.nl"))
    assert fixed.record["website"] == "https://www.krotofkans.nl"
    assert "stored as https://www.krotofkans.nl" in messages(fixed, "website")[0]
    assert "contains spaces" in errors(validate(dict(OOSTBURG, website="geen site")))[
        "website"][0]
    assert "not a web address" in errors(validate(dict(OOSTBURG, website="hallo")))["website"][0]


def test_source_urls_checked() -> None:
    result = validate(dict(OOSTBURG, sources=[{"title": "A", "url": "javascript:x"},
                                              {"title": "B", "url": "https://b.nl"}]))
    assert "source 1 url" in errors(result)["sources"][0]
    ok = validate(dict(OOSTBURG, sources=[Source("B", "https://b.nl"), "https://c.nl",
                                          {"title": "", "url": "", "note": ""}]))
    assert ok.record["sources"] == [{"title": "B", "url": "https://b.nl", "note": ""},
                                    {"title": "", "url": "https://c.nl", "note": ""}]


def test_outcomes() -> None:
    rec = validate(dict(OOSTBURG, outcomes=[
        {"label": "Huizen", "value": "12", "unit": "woningen"},
        {"label": "Prijs", "value": "1,5", "unit": "ton"},
        Outcome("Zonder getal", None, ""),
        {"label": "", "value": "", "unit": ""},
    ])).record
    assert rec["outcomes"] == [
        {"label": "Huizen", "value": 12, "unit": "woningen"},
        {"label": "Prijs", "value": 1.5, "unit": "ton"},
        {"label": "Zonder getal", "value": None, "unit": ""},
    ]
    bad = validate(dict(OOSTBURG, outcomes=[{"label": "Huizen", "value": "veel"},
                                            {"label": "", "value": 3}]))
    msgs = errors(bad)["outcomes"]
    assert "value 'veel' is not a number" in msgs[0]
    assert "has a value but no label" in msgs[1]


def test_id_generated_and_unique() -> None:
    assert validate(OOSTBURG, existing_ids={"klushuizen"}).record["id"] == "klushuizen-sluis"
    taken = {"klushuizen", "klushuizen-sluis"}
    assert validate(OOSTBURG, existing_ids=taken).record["id"] == "klushuizen-sluis-2"
    assert validate({"name": "!!!", "scope": "online"}).record["id"] == "initiatief"


def test_id_given_must_be_slug_and_unique() -> None:
    assert validate(dict(OOSTBURG, id="klus-oostburg")).record["id"] == "klus-oostburg"
    bad = errors(validate(dict(OOSTBURG, id="KLUS Huizen")))["id"][0]
    assert "is not a slug" in bad and "'klus-huizen'" in bad
    dup = errors(validate(dict(OOSTBURG, id="x"), existing_ids={"x": "row 3"}))["id"][0]
    assert dup == ("id 'x' is already used by row 3; choose another id or leave it empty to "
                   "generate one")
    assert errors(validate(dict(OOSTBURG, id="x"), existing_ids=["x"]))["id"]


@pytest.mark.parametrize("fieldname,limit", [("name", 200), ("summary", 500),
                                             ("description", 5000)])
def test_text_length_bounded(fieldname: str, limit: int) -> None:
    assert validate(dict(OOSTBURG, **{fieldname: "a" * limit})).ok
    message = errors(validate(dict(OOSTBURG, **{fieldname: "a" * (limit + 1)})))[fieldname][0]
    assert message == (f"{fieldname} is {limit + 1} characters long; the maximum is {limit}, "
                       "so shorten it")


def test_whitespace_stripped_and_html_kept_verbatim() -> None:
    rec = validate(dict(OOSTBURG, name="  <b>Klus</b> & co \t", summary=" a\r\nb ")).record
    assert rec["name"] == "<b>Klus</b> & co"  # escaping is the renderer's job
    assert rec["summary"] == "a\nb"


def test_control_characters_rejected() -> None:
    (message,) = errors(validate(dict(OOSTBURG, name="Klus\x07huizen")))["name"]
    assert message == "name contains a control character (U+0007); remove it"
    assert errors(validate(dict(OOSTBURG, description="a\x00b")))["description"]
    assert validate(dict(OOSTBURG, description="regel 1\n\tregel 2")).ok


def test_non_text_rejected() -> None:
    assert "must be text" in errors(validate(dict(OOSTBURG, summary={"a": 1})))["summary"][0]


def test_unknown_fields_warned() -> None:
    result = validate(dict(OOSTBURG, kleur="rood"))
    assert result.ok
    assert messages(result, "kleur") == ["'kleur' is not a field of an initiative and is ignored"]


def test_timestamps_normalised() -> None:
    rec = validate(dict(OOSTBURG, created_at="2026-11-27T19:00:00+01:00")).record
    assert rec["created_at"] == "2026-11-27T18:00:00Z"
    assert "ISO 8601" in errors(validate(dict(OOSTBURG, updated_at="gisteren")))["updated_at"][0]


def test_validated_record_validates_again_unchanged() -> None:
    rec = validate(dict(OOSTBURG, themes="wonen", outcomes=[{"label": "a", "value": 2.5}],
                        sources=[{"title": "t", "url": "https://t.nl"}])).record
    again = validate(rec)
    assert again.problems == [] and again.record == rec


def test_parse_number() -> None:
    assert record.parse_number("51,326") == 51.326
    assert record.parse_number("1.234,5") == 1234.5
    assert record.parse_number("1,234.5") == 1234.5
    assert record.parse_number(" -3.5 ") == -3.5
    assert record.parse_number("") is None
    for bad in ("abc", "nan", "inf", True):
        with pytest.raises(ValueError):
            record.parse_number(bad)
