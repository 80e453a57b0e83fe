"""The record model: vocabularies, dict round trip and every validation rule.

Each problem is checked by its catalog key and values, and by the text a reader
gets in Dutch and in English (field labels such as "Startjaar", not ``start_year``).
"""

from __future__ import annotations

import pytest

from dashboard.domain import record, validation
from dashboard.domain.record import Initiative, Outcome, Source
from dashboard.domain.validation import Problem, validate
from dashboard.domain.vocab import ACTORS, KINDS, SCOPES, THEMES, VOCABULARIES
from dashboard.geo.crs import rd_to_wgs84
from dashboard.i18n import msg
from dashboard.text import slugify

OOSTBURG = {"name": "KLUShuizen", "lat": 51.326, "lon": 3.488}


def errors(result: validation.ValidationResult) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = {}
    for p in result.errors:
        out.setdefault(p.field, []).append(p)
    return out


def warnings(result: validation.ValidationResult, fieldname: str) -> list[Problem]:
    return [p for p in result.warnings if p.field == fieldname]


def one_error(result: validation.ValidationResult, fieldname: str) -> Problem:
    (problem,) = errors(result)[fieldname]
    return problem


def texts(problem: Problem) -> tuple[str, str]:
    """(Dutch, English) text of a problem."""
    return problem.text("nl"), problem.text("en")


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


def test_location_approximate_given_is_kept_and_missing_is_judged_by_the_centre() -> None:
    from dashboard import geo

    lat, lon = geo.municipality_centre("GM0037")
    at_centre = {"name": "Midden", "lat": lat, "lon": lon}
    assert validate(at_centre).record["location_approximate"] is True  # as judged before
    assert validate({**at_centre, "location_approximate": False}).record[
        "location_approximate"] is False  # said explicitly: kept
    assert validate({**OOSTBURG, "location_approximate": "ja"}).record["location_approximate"]
    assert validate(OOSTBURG).record["location_approximate"] is False
    online = {"name": "Online", "scope": "online", "location_approximate": True}
    assert validate(online).record["location_approximate"] is False  # no point, nothing rough


def test_location_approximate_not_yes_or_no() -> None:
    result = validate({**OOSTBURG, "location_approximate": "soms"})
    problem = one_error(result, "location_approximate")
    assert problem.key == "val_not_a_flag"
    assert texts(problem)[0].startswith("Locatie bij benadering 'soms' is geen ja of nee")


def test_name_required() -> None:
    result = validate({"lat": 51.326, "lon": 3.488})
    assert result.record is None
    problem = one_error(result, "name")
    assert problem.key == "val_name_required"
    assert texts(problem) == ("Naam is verplicht; vul de naam van het initiatief in",
                              "Name is required; give the initiative's name")


def test_all_problems_reported_at_once() -> None:
    result = validate({"name": "", "themes": "woningen", "start_year": "ooit",
                       "website": "javascript:alert(1)", "status": "bezig"})
    assert {"name", "themes", "start_year", "website", "status", "location"} <= set(
        errors(result))


def test_location_required_unless_pointless_scope() -> None:
    problem = one_error(validate({"name": "X"}), "location")
    assert problem.key == "val_location_required"
    assert texts(problem) == (
        "Een locatie is verplicht: geef breedtegraad en lengtegraad (WGS84), of zet de schaal "
        "op landelijk, online of buitenland",
        "A location is required: give latitude and longitude (WGS84), or set the scope to "
        "landelijk, online or buitenland")
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
    problem = one_error(validate({"name": "X", "lat": 52.0}), "lon")
    assert problem.key == "val_half_point"
    assert texts(problem) == (
        "Breedtegraad is ingevuld maar Lengtegraad is leeg; vul ze allebei in, of geen van beide",
        "Latitude is given but Longitude is empty; give both, or neither")


def test_lat_lon_numeric_with_decimal_comma() -> None:
    result = validate({"name": "X", "lat": "51,326", "lon": "3,488"})
    assert result.record["lat"] == 51.326
    bad = validate({"name": "X", "lat": "noord", "lon": 3.4})
    problem = one_error(bad, "lat")  # not also "Longitude is given but Latitude is empty"
    assert problem.key == "val_not_a_number" and problem.params["value"] == "noord"
    nl, en = texts(problem)
    assert nl.startswith("Breedtegraad 'noord' is geen getal; geef WGS84-graden")
    assert nl.endswith("zoals 51,326")
    assert en.startswith("Latitude 'noord' is not a number; give WGS84 degrees")
    assert en.endswith("like 51.326")
    assert "location" not in errors(bad)  # no second message for the same mistake


def test_swapped_lat_lon() -> None:
    problem = one_error(validate({"name": "X", "lat": 6.55, "lon": 53.33}), "location")
    assert problem.key == "val_swapped" and problem.params["name"] == "Het Hogeland"
    assert texts(problem) == (
        "Het punt breedtegraad 6,55 / lengtegraad 53,33 ligt buiten Nederland; zijn "
        "breedtegraad en lengtegraad verwisseld? Op breedtegraad 53,33 / lengtegraad 6,55 "
        "ligt het in Het Hogeland",
        "The point latitude 6.55 / longitude 53.33 lies outside the Netherlands; are latitude "
        "and longitude swapped? At latitude 53.33 / longitude 6.55 it lies in Het Hogeland")


def test_point_outside_nl() -> None:
    problem = one_error(validate({"name": "X", "lat": 48.85, "lon": 2.35}), "location")
    assert problem.key == "val_outside_nl"
    nl, en = texts(problem)
    assert "breedtegraad 48,85 / lengtegraad 2,35 ligt buiten Nederland" in nl
    assert "latitude 48.85 / longitude 2.35 lies outside the Netherlands" in en
    assert "buitenland" in nl and "buitenland" in en
    # inside the rough box but in Belgium
    assert errors(validate({"name": "X", "lat": 51.05, "lon": 3.72}))["location"]


def test_point_abroad_allowed_for_buitenland() -> None:
    result = validate({"name": "X", "lat": 48.85, "lon": 2.35, "scope": "buitenland"})
    assert result.ok
    assert result.record["gemeente_code"] == "" and result.record["lat"] == 48.85


def test_buitenland_point_in_nl_warns() -> None:
    result = validate(dict(OOSTBURG, scope="buitenland"))
    assert result.ok
    (warning,) = warnings(result, "scope")
    assert warning.key == "val_abroad_in_nl" and warning.params["name"] == "Sluis"
    nl, en = texts(warning)
    assert nl.startswith("De schaal is buitenland, maar het punt breedtegraad 51,326")
    assert en.startswith("The scope is buitenland but the point latitude 51.326")


def test_not_wgs84_degrees() -> None:
    problem = one_error(validate({"name": "X", "lat": 95.0, "lon": 3.0}), "location")
    assert problem.key == "val_not_degrees"
    nl, en = texts(problem)
    assert "zijn geen WGS84-graden" in nl and "are not WGS84 degrees" in en


def test_rd_to_wgs84_amersfoort() -> None:
    lat, lon = rd_to_wgs84(155000, 463000)
    assert lat == pytest.approx(52.15517, abs=1e-4)
    assert lon == pytest.approx(5.38720, abs=1e-4)


def test_rd_coordinates_rejected_with_conversion_offered() -> None:
    problem = one_error(validate({"name": "X", "lat": 463000, "lon": 155000}), "location")
    assert problem.key == "val_rd"
    nl, en = texts(problem)
    assert "RD New-coördinaten (EPSG:28992, x 155000, y 463000)" in nl
    assert "omgerekend naar WGS84 is dat breedtegraad 52,155" in nl and "lengtegraad 5,387" in nl
    assert "RD New coordinates (EPSG:28992, x 155000, y 463000)" in en
    assert "converted to WGS84 that is latitude 52.155" in en and "longitude 5.387" in en
    assert "--convert-rd" in nl and "--convert-rd" in en
    # x and y the other way round are recognised too
    assert one_error(validate({"name": "X", "lat": 155000, "lon": 463000}),
                     "location").key == "val_rd"


def test_rd_coordinates_converted_on_request() -> None:
    result = validate({"name": "X", "lat": 463000, "lon": 155000}, convert_rd=True)
    assert result.ok
    assert result.record["lat"] == pytest.approx(52.15517, abs=1e-4)
    assert result.record["gemeente_code"] == "GM0307"  # Amersfoort
    (warning,) = warnings(result, "location")
    assert warning.key == "val_rd_converted"
    nl, en = texts(warning)
    assert "omgerekend naar WGS84: breedtegraad 52,155" in nl
    assert "converted to WGS84: latitude 52.155" in en


def test_gemeente_code_derived_and_checked() -> None:
    assert validate(dict(OOSTBURG, gemeente_code="gm1714")).ok
    assert validate(dict(OOSTBURG, gemeente_code=1714)).record["gemeente_code"] == "GM1714"
    problem = one_error(validate(dict(OOSTBURG, gemeente_code="GM0363")), "gemeente_code")
    assert problem.key == "val_code_mismatch"
    assert (problem.params["code"], problem.params["name"], problem.params["found"]) == (
        "GM0363", "Sluis", "GM1714")
    assert texts(problem) == (
        "Gemeentecode GM0363 past niet bij het punt, dat in Sluis (GM1714) ligt; verbeter de "
        "code of laat hem leeg, dan wordt hij afgeleid",
        "Municipality code GM0363 does not match the point, which lies in Sluis (GM1714); "
        "correct the code or leave it empty to derive it")
    bad = one_error(validate(dict(OOSTBURG, gemeente_code="Sluis")), "gemeente_code")
    assert bad.key == "val_code_format" and bad.params["value"] == "SLUIS"
    assert "is geen CBS-gemeentecode" in bad.text("nl")
    assert "is not a CBS municipality code" in bad.text("en")


def test_gemeente_code_without_point() -> None:
    result = validate({"name": "X", "scope": "landelijk", "gemeente_code": "GM0363"})
    assert result.record["gemeente_code"] == "GM0363"
    assert result.record["place"] == "Amsterdam"
    bad = validate({"name": "X", "scope": "landelijk", "gemeente_code": "GM9999"})
    problem = one_error(bad, "gemeente_code")
    assert problem.key == "val_code_unknown" and problem.params["code"] == "GM9999"
    assert texts(problem)[0].startswith("Gemeentecode GM9999 is geen gemeentecode (CBS 2024)")
    assert texts(problem)[1].startswith("Municipality code GM9999 is not a municipality code")


def test_unknown_vocabulary_value_suggests() -> None:
    result = validate(dict(OOSTBURG, themes=["woningen"], kind="fondsje", actors="burger"))
    theme = one_error(result, "themes")
    assert theme.key == "val_term_unknown_suggest"
    assert (theme.params["value"], theme.params["suggestion"]) == ("woningen", "wonen")
    allowed = ", ".join(THEMES.slugs)
    assert texts(theme) == (
        f"Thema 'woningen' is onbekend; bedoel je 'wonen'? Toegestaan: {allowed}",
        f"Theme 'woningen' is unknown; did you mean 'wonen'? Allowed: {allowed}")
    assert "did you mean 'fonds'?" in one_error(result, "kind").text("en")
    assert "bedoel je 'burgers'?" in one_error(result, "actors").text("nl")
    no_hint = one_error(validate(dict(OOSTBURG, status="qqq")), "status")
    assert no_hint.key == "val_term_unknown" and "suggestion" not in no_hint.params
    assert no_hint.text("en").startswith("Status 'qqq' is unknown. Allowed: idee")
    assert no_hint.text("nl").startswith("Status 'qqq' is onbekend. Toegestaan: idee")


def test_vocab_lists_accept_commas_and_drop_duplicates() -> None:
    rec = validate(dict(OOSTBURG, themes="wonen, zorg;Wonen", actors=["Citizens"])).record
    assert rec["themes"] == ["wonen", "zorg"] and rec["actors"] == ["burgers"]


@pytest.mark.parametrize("value,expected", [(2012, 2012), ("2012", 2012), (2012.0, 2012),
                                            ("", None), (None, None)])
def test_start_year_valid(value: object, expected: int | None) -> None:
    assert validate(dict(OOSTBURG, start_year=value)).record["start_year"] == expected


@pytest.mark.parametrize("value,key,nl,en", [
    ("ooit", "val_year_not_number", "Startjaar 'ooit' is geen jaar; geef een heel getal zoals 2012",
     "Start year 'ooit' is not a year; give a whole number like 2012"),
    (2012.5, "val_year_not_whole", "Startjaar 2012,5 is geen heel getal; geef een jaar zoals 2012",
     "Start year 2012.5 is not a whole number; give a year like 2012"),
    (1750, "val_year_range",
     "Startjaar 1750 is geen geloofwaardig jaar; geef een jaar van 1800 tot 2100",
     "Start year 1750 is not a plausible year; give a year from 1800 to 2100"),
    (2200, "val_year_range",
     "Startjaar 2200 is geen geloofwaardig jaar; geef een jaar van 1800 tot 2100",
     "Start year 2200 is not a plausible year; give a year from 1800 to 2100"),
    (True, "val_year_not_number", "Startjaar 'True' is geen jaar; geef een heel getal zoals 2012",
     "Start year 'True' is not a year; give a whole number like 2012"),
])
def test_start_year_invalid(value: object, key: str, nl: str, en: str) -> None:
    problem = one_error(validate(dict(OOSTBURG, start_year=value)), "start_year")
    assert problem.key == key
    assert texts(problem) == (nl, en)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.nl/a",
                                 "file:///etc/passwd"])
def test_website_must_be_http(url: str) -> None:
    problem = one_error(validate(dict(OOSTBURG, website=url)), "website")
    assert problem.key == "val_url_scheme" and problem.params["value"] == url
    nl, en = texts(problem)
    assert nl.startswith(f"Website '{url}' is niet toegestaan: alleen webadressen met http:// "
                         "of https://")
    assert en.startswith(f"Website '{url}' is not allowed: only http:// and https://")


def test_website_forms() -> None:
    assert validate(dict(OOSTBURG, website="https://x.nl/a?b=1")).record["website"] == \
        "https://x.nl/a?b=1"
    fixed = validate(dict(OOSTBURG, website="www.krotofkans.nl"))
    assert fixed.record["website"] == "https://www.krotofkans.nl"
    (warning,) = warnings(fixed, "website")
    assert warning.key == "val_url_fixed"
    assert texts(warning) == (
        "Website 'www.krotofkans.nl' heeft geen http:// of https://; opgeslagen als "
        "https://www.krotofkans.nl",
        "Website 'www.krotofkans.nl' has no http:// or https://; stored as "
        "https://www.krotofkans.nl")
    spaces = one_error(validate(dict(OOSTBURG, website="geen site")), "website")
    assert spaces.key == "val_url_spaces" and "contains spaces" in spaces.text("en")
    assert "bevat spaties" in spaces.text("nl")
    invalid = one_error(validate(dict(OOSTBURG, website="hallo")), "website")
    assert invalid.key == "val_url_invalid" and "not a web address" in invalid.text("en")
    assert "is geen webadres" in invalid.text("nl")


@pytest.mark.parametrize("url,chars", [
    ('https://example.org/"><script>alert(1)</script>', '" < >'),
    ("https://example.org/it's", "'"),
    ("https://x.nl/<b>", "< >"),
    ('www.x.nl/"a"', '"'),
])
def test_url_with_quotes_or_angle_brackets_is_rejected_not_encoded(url: str, chars: str) -> None:
    """The details panel cannot link such an address, so import refuses it instead of
    storing it (or percent-encoding it silently)."""
    problem = one_error(validate(dict(OOSTBURG, website=url)), "website")
    assert problem.key == "val_url_chars" and problem.params["chars"] == chars
    nl, en = texts(problem)
    assert nl == (f"Website '{url}' bevat {chars}; een webadres mag geen spaties, "
                  "aanhalingstekens, < of > bevatten. Geef het adres zonder, zoals "
                  "https://www.voorbeeld.nl")
    assert en == (f"Website '{url}' contains {chars}; a web address cannot contain spaces, "
                  "quotes, < or >. Give the address without them, like https://www.example.nl")
    source = one_error(validate(dict(OOSTBURG, sources=[{"title": "A", "url": url}])),
                       "sources")
    assert source.key == "val_url_chars"
    assert source.text("nl").startswith(f"Webadres van bron 1 '{url}' bevat {chars};")


def test_import_and_display_share_one_url_rule() -> None:
    """Every http(s) address the importer accepts, the details panel links, and vice versa."""
    from dashboard.domain.validation import check_url
    from dashboard.ui.markdown import safe_link

    candidates = ["https://x.nl", "http://x.nl/a?b=1&c=2#d", "https://x.nl/a(b)",
                  "https://x.nl/é", "https://x.nl/a b", "https://x.nl/a\tb", 'https://x.nl/"',
                  "https://x.nl/'", "https://x.nl/<", "https://x.nl/>", "https://x.nl/\x7f",
                  "https://x.nl/a`b", "https://x.nl/a|b", "https://x.nl/%22"]
    for url in candidates:
        accepted = check_url(url)[0] is None
        assert accepted == (safe_link(url) is not None), url


def test_source_urls_checked() -> None:
    result = validate(dict(OOSTBURG, sources=[{"title": "A", "url": "javascript:x"},
                                              {"title": "B", "url": "https://b.nl"}]))
    problem = one_error(result, "sources")
    assert problem.key == "val_url_scheme" and problem.params["field"] == msg(
        "val_source_url", n=1)
    assert problem.text("nl").startswith("Webadres van bron 1 'javascript:x' is niet toegestaan")
    assert problem.text("en").startswith("Source 1 URL 'javascript:x' is not allowed")
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
    value, label = errors(bad)["outcomes"]
    assert value.key == "val_outcome_value"
    assert texts(value) == (
        "Resultaat 1 ('Huizen'): waarde 'veel' is geen getal; geef een getal zoals 12 of 3,5, "
        "of laat het leeg",
        "Outcome 1 ('Huizen'): value 'veel' is not a number; give a number like 12 or 3.5, "
        "or leave it empty")
    assert label.key == "val_outcome_label" and label.params["n"] == 2
    assert "heeft een getal maar geen omschrijving" in label.text("nl")
    assert "has a value but no label" in label.text("en")


def test_id_generated_and_unique() -> None:
    assert validate(OOSTBURG, existing_ids={"klushuizen"}).record["id"] == "klushuizen-sluis"
    taken = {"klushuizen", "klushuizen-sluis"}
    assert validate(OOSTBURG, existing_ids=taken).record["id"] == "klushuizen-sluis-2"
    assert validate({"name": "!!!", "scope": "online"}).record["id"] == "initiatief"


def test_id_given_must_be_slug_and_unique() -> None:
    assert validate(dict(OOSTBURG, id="klus-oostburg")).record["id"] == "klus-oostburg"
    bad = one_error(validate(dict(OOSTBURG, id="KLUS Huizen")), "id")
    assert bad.key == "val_id_not_slug" and bad.params["suggestion"] == "klus-huizen"
    assert "is not a slug" in bad.text("en") and "'klus-huizen'" in bad.text("en")
    assert "is geen geldige id" in bad.text("nl") and "'klus-huizen'" in bad.text("nl")
    dup = one_error(validate(dict(OOSTBURG, id="x"),
                             existing_ids={"x": msg("where_row", number=3)}), "id")
    assert dup.key == "val_id_taken_by"
    assert texts(dup) == (
        "Id 'x' is al in gebruik bij rij 3; kies een andere id of laat hem leeg, dan wordt er "
        "een gemaakt",
        "Id 'x' is already used by row 3; choose another id or leave it empty to generate one")
    assert one_error(validate(dict(OOSTBURG, id="x"), existing_ids=["x"]), "id").key == \
        "val_id_taken"


@pytest.mark.parametrize("fieldname,limit,nl,en", [
    ("name", 200, "Naam", "Name"), ("summary", 500, "Samenvatting", "Summary"),
    ("description", 5000, "Beschrijving", "Description")])
def test_text_length_bounded(fieldname: str, limit: int, nl: str, en: str) -> None:
    assert validate(dict(OOSTBURG, **{fieldname: "a" * limit})).ok
    problem = one_error(validate(dict(OOSTBURG, **{fieldname: "a" * (limit + 1)})), fieldname)
    assert problem.key == "val_too_long"
    assert (problem.params["length"], problem.params["limit"]) == (limit + 1, limit)
    assert texts(problem) == (
        f"{nl} is {limit + 1} tekens lang; het maximum is {limit}, dus maak het korter",
        f"{en} is {limit + 1} characters long; the maximum is {limit}, so shorten it")


def test_whitespace_stripped_and_html_kept_verbatim() -> None:
    rec = validate(dict(OOSTBURG, name="  <b>Klus</b> & co \t", summary=" a\r\nb ")).record
    assert rec["name"] == "<b>Klus</b> & co"  # escaping is the renderer's job
    assert rec["summary"] == "a\nb"


def test_control_characters_rejected() -> None:
    problem = one_error(validate(dict(OOSTBURG, name="Klus\x07huizen")), "name")
    assert problem.key == "val_control_char" and problem.params["codepoint"] == "U+0007"
    assert texts(problem) == ("Naam bevat een stuurteken (U+0007); haal het weg",
                              "Name contains a control character (U+0007); remove it")
    assert errors(validate(dict(OOSTBURG, description="a\x00b")))["description"]
    assert validate(dict(OOSTBURG, description="regel 1\n\tregel 2")).ok


def test_non_text_rejected() -> None:
    problem = one_error(validate(dict(OOSTBURG, summary={"a": 1})), "summary")
    assert problem.key == "val_not_text" and problem.params["type"] == "dict"
    assert texts(problem) == ("Samenvatting moet tekst zijn, geen dict",
                              "Summary must be text, not dict")


def test_unknown_fields_warned() -> None:
    result = validate(dict(OOSTBURG, kleur="rood"))
    assert result.ok
    (warning,) = warnings(result, "kleur")
    assert warning.key == "val_unknown_field"
    assert texts(warning) == ("'kleur' is geen veld van een initiatief en wordt genegeerd",
                              "'kleur' is not a field of an initiative and is ignored")


def test_timestamps_normalised() -> None:
    rec = validate(dict(OOSTBURG, created_at="2026-11-27T19:00:00+01:00")).record
    assert rec["created_at"] == "2026-11-27T18:00:00Z"
    problem = one_error(validate(dict(OOSTBURG, updated_at="gisteren")), "updated_at")
    assert problem.key == "val_timestamp"
    assert problem.text("nl").startswith("Bijgewerkt 'gisteren' is geen ISO 8601-tijd")
    assert problem.text("en").startswith("Updated 'gisteren' is not an ISO 8601 time")


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
