"""Filter state, URL round trip, filtering semantics and facet counts."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from dashboard import query
from dashboard.query import FilterState, ViewState, parse_query, to_query
from dashboard.store import default_seed_path, read_seed


def rec(id_, **kw) -> dict:
    base = {"id": id_, "name": id_.title(), "kind": "initiatief", "scope": "lokaal",
            "themes": [], "actors": [], "status": "onbekend", "participation": "",
            "place": "", "summary": "", "description": "", "start_year": None,
            "lat": None, "lon": None, "gemeente_code": ""}
    base.update(kw)
    return base


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return query.initiatives_frame([
        rec("klus", name="KLUShuizen", place="Oostburg", lat=51.3264, lon=3.4931,
            themes=["wonen", "leefbaarheid"], start_year=2010, actors=["burgers"]),
        rec("boer", name="Boermarke Essen en Aa's", place="Veele", lat=53.04, lon=7.10,
            themes=["natuur"], description="Keukentafelgesprekken in Höfte"),
        rec("dam", name="Braakliggende terreinen", place="Amsterdam", lat=52.3731, lon=4.8926,
            themes=["leefbaarheid", "netwerken"], start_year=2012),
        rec("doen", name="Stichting DOEN", scope="landelijk", kind="fonds",
            themes=["financiering"]),
        rec("brum", name="Ashram model", scope="buitenland", lat=52.4797, lon=-1.9026,
            kind="inspiratie-buitenland", themes=["wonen"]),
    ])


def ids(frame, state) -> set[str]:
    return set(query.apply(frame, state)["id"])


def test_frame_derives_location_columns(frame):
    row = frame.set_index("id").loc["klus"]
    assert (row.statnaam, row.regio, row.regiotype, row.provincie_slug) == (
        "Sluis", "Zeeuws-Vlaanderen", "krimpregio", "zeeland")
    assert frame.set_index("id").loc["dam", "regiotype"] == "geen"
    assert not frame.set_index("id").loc["doen", "on_map"]
    assert frame.set_index("id").loc["brum", "abroad"]


def test_or_within_and_across_facets(frame):
    assert ids(frame, FilterState(thema=("wonen",))) == {"klus", "brum"}
    assert ids(frame, FilterState(thema=("wonen", "natuur"))) == {"klus", "brum", "boer"}
    assert ids(frame, FilterState(thema=("wonen", "natuur"), soort=("initiatief",))) == {
        "klus", "boer"}


def test_region_filters_keep_only_records_located_there(frame):
    assert ids(frame, FilterState(regiotype=("krimpregio",))) == {"klus", "boer"}
    assert ids(frame, FilterState(regiotype=("geen",))) == {"dam"}
    assert ids(frame, FilterState(provincie=("groningen",))) == {"boer"}
    assert ids(frame, FilterState(regio=("zeeuws-vlaanderen",))) == {"klus"}
    # without a spatial filter the national and foreign records stay
    assert {"doen", "brum"} <= ids(frame, FilterState())


def test_unbound_lists_what_a_spatial_filter_leaves_out_for_having_no_place(frame):
    def unbound(state):
        return set(query.unbound(frame, state)["id"])

    assert unbound(FilterState()) == set()  # nothing left out without a spatial filter
    assert unbound(FilterState(thema=("wonen",))) == set()
    assert unbound(FilterState(regio=("zeeuws-vlaanderen",))) == {"doen", "brum"}
    # the other filters still apply to them
    assert unbound(FilterState(regio=("zeeuws-vlaanderen",), thema=("wonen",))) == {"brum"}
    assert unbound(FilterState(provincie=("groningen",), q="doen")) == {"doen"}
    assert query.is_spatial(FilterState(regiotype=("geen",)))
    assert not query.is_spatial(FilterState(thema=("wonen",), q="x"))


def test_text_search_ignores_case_and_accents(frame):
    assert ids(frame, FilterState(q="hofte")) == {"boer"}
    assert ids(frame, FilterState(q="KLUS oostburg")) == {"klus"}
    assert ids(frame, FilterState(q="nothing-like-this")) == set()


def test_years_keep_records_without_year_unless_unticked(frame):
    assert ids(frame, FilterState(van=2011)) == {"dam", "boer", "doen", "brum"}
    assert ids(frame, FilterState(van=2011, zonderjaar=False)) == {"dam"}
    assert ids(frame, FilterState(tot=2010, zonderjaar=False)) == {"klus"}


def test_facet_counts_apply_the_other_filters(frame):
    counts = query.facet_counts(frame, FilterState(thema=("wonen",)))
    # Theme counts ignore the theme filter itself...
    assert counts["thema"]["leefbaarheid"] == 2
    assert counts["thema"]["natuur"] == 1
    # ...but other facets see only the wonen records.
    assert counts["soort"]["initiatief"] == 1
    assert counts["soort"]["inspiratie-buitenland"] == 1
    assert counts["soort"]["fonds"] == 0
    # Spatial facets count only the records located there: the foreign "brum"
    # is in no region type, so krimpregio counts KLUShuizen alone.
    assert counts["regiotype"]["krimpregio"] == 1
    assert counts["regiotype"]["geen"] == 0


def test_region_counts_are_what_choosing_the_option_shows(frame):
    """The count beside an option is the number of records the filter then keeps."""
    for state in (FilterState(), FilterState(thema=("wonen",)), FilterState(q="a")):
        counts = query.facet_counts(frame, state)
        for key in ("regio", "provincie", "regiotype"):
            for value, n in counts[key].items():
                chosen = query.apply(frame, dataclasses.replace(state, **{key: (value,)}))
                assert n == len(chosen), (key, value, state)


def test_query_round_trip():
    state = FilterState(q="klus huis", thema=("wonen", "zorg"), regiotype=("krimpregio",),
                        regio=("oost-groningen",), van=2005, tot=2020, zonderjaar=False)
    view = ViewState(id="klushuizen-oostburg", kaart="osm", lang="en",
                     bbox=(3.3, 51.2, 3.7, 51.4), centrum=(51.30357, 3.5093), zoom=11.5,
                     mode="presentatie", tour="x", stap=3)
    parsed = parse_query(to_query(state, view))
    assert parsed.filters == state
    assert parsed.view == view
    assert parsed.notices == []
    assert to_query(FilterState(), ViewState()) == {}


def test_the_exact_view_travels_as_centrum_and_zoom():
    query = to_query(FilterState(), ViewState(centrum=(51.303571234, 3.5), zoom=8.0))
    assert query == {"centrum": "51.30357,3.50000", "zoom": "8"}
    assert to_query(FilterState(), ViewState(centrum=(52.1, 5.3), zoom=7.25))["zoom"] == "7.25"
    view = parse_query({"centrum": "51.30357,3.5", "zoom": "12.5"}).view
    assert (view.centrum, view.zoom) == ((51.30357, 3.5), 12.5)
    # older links keep working: their bounds, without a centre
    old = parse_query({"bbox": "3.3,51.2,3.7,51.4"})
    assert old.view.bbox == (3.3, 51.2, 3.7, 51.4) and old.view.centrum is None
    assert old.notices == []


@pytest.mark.parametrize(
    ("params", "key", "nl", "en"),
    [
        ({"thema": "wonen,onzin"}, "notice_unknown_value",
         "thema='onzin' is geen bekende waarde; genegeerd",
         "thema='onzin' is not a known value; ignored"),
        ({"van": "twintig"}, "notice_not_a_year",
         "van='twintig' is geen jaar tussen 1800 en 2100; genegeerd",
         "van='twintig' is not a year between 1800 and 2100; ignored"),
        ({"foo": "1"}, "notice_unknown_params", "onbekende parameter foo; genegeerd",
         "unknown parameter foo; ignored"),
        ({"foo": "1", "bar": "2"}, "notice_unknown_params",
         "onbekende parameters bar, foo; genegeerd", "unknown parameters bar, foo; ignored"),
        ({"kaart": "google"}, "notice_unknown_basemap",
         "kaart='google' is geen bekende achtergrondkaart; pdok-grijs wordt gebruikt",
         "kaart='google' is not a known basemap; using pdok-grijs"),
        ({"lang": "de"}, "notice_unknown_lang", "lang='de' is niet nl of en; nl wordt gebruikt",
         "lang='de' is not nl or en; using nl"),
        ({"bbox": "1,2,3"}, "notice_bad_bbox",
         "bbox='1,2,3' is geen minlon,minlat,maxlon,maxlat; genegeerd",
         "bbox='1,2,3' is not minlon,minlat,maxlon,maxlat; ignored"),
        ({"centrum": "52.1;5.3", "zoom": "8"}, "notice_bad_centre",
         "centrum='52.1;5.3' is geen breedte,lengte (bijvoorbeeld 52.1,5.3); genegeerd",
         "centrum='52.1;5.3' is not latitude,longitude (for example 52.1,5.3); ignored"),
        ({"centrum": "95,5.3", "zoom": "8"}, "notice_bad_centre",
         "centrum='95,5.3' is geen breedte,lengte (bijvoorbeeld 52.1,5.3); genegeerd",
         "centrum='95,5.3' is not latitude,longitude (for example 52.1,5.3); ignored"),
        ({"centrum": "52.1,5.3", "zoom": "30"}, "notice_bad_zoom",
         "zoom='30' is geen zoomniveau tussen 4 en 17; genegeerd",
         "zoom='30' is not a zoom level between 4 and 17; ignored"),
        ({"centrum": "52.1,5.3", "zoom": "ver"}, "notice_bad_zoom",
         "zoom='ver' is geen zoomniveau tussen 4 en 17; genegeerd",
         "zoom='ver' is not a zoom level between 4 and 17; ignored"),
        ({"zoom": "9"}, "notice_view_pair",
         "centrum en zoom horen samen; één van beide zegt niet welk kaartbeeld; genegeerd",
         "centrum and zoom go together; one alone does not say which map view; ignored"),
        ({"regio": "atlantis"}, "notice_unknown_value",
         "regio='atlantis' is geen bekende waarde; genegeerd",
         "regio='atlantis' is not a known value; ignored"),
        ({"gebied": "atlantis"}, "notice_unknown_region",
         "gebied='atlantis' is geen bekende regio; genegeerd",
         "gebied='atlantis' is not a known region; ignored"),
        ({"gm": "<script>"}, "notice_bad_gm", "gm='<SCRIPT>' is geen gemeentecode; genegeerd",
         "gm='<SCRIPT>' is not a municipality code; ignored"),
        ({"stap": "-1"}, "notice_bad_step", "stap='-1' is geen stapnummer; genegeerd",
         "stap='-1' is not a step number; ignored"),
        ({"mode": "feest"}, "notice_unknown_mode", "mode='feest' is onbekend; genegeerd",
         "mode='feest' is unknown; ignored"),
    ],
)
def test_odd_query_input_becomes_a_notice_not_an_error(params, key, nl, en):
    (notice,) = parse_query(params).notices
    assert notice.problem.key == key
    assert notice.text("nl") == nl
    assert notice.text("en") == en


def test_query_accepts_labels_and_lists():
    parsed = parse_query({"thema": ["Housing", "Zorg"], "regio": "Oost-Groningen"})
    assert parsed.filters.thema == ("wonen", "zorg")
    assert parsed.filters.regio == ("oost-groningen",)


def test_describe_names_active_filters():
    words = query.describe(FilterState(thema=("wonen",), regiotype=("krimpregio",)), "nl")
    assert words == [("Thema", "Wonen"), ("Regiotype", "Krimpregio")]
    assert query.describe(FilterState(thema=("wonen",)), "en") == [("Theme", "Housing")]


def test_seed_answers_the_policymaker_question():
    """Housing initiatives in krimpregio's: KLUShuizen in Oostburg is among them."""
    frame = query.initiatives_frame(read_seed(default_seed_path()))
    kept = query.apply(frame, FilterState(thema=("wonen",), regiotype=("krimpregio",)))
    located = kept[kept["located"]]
    assert "klushuizen-oostburg" in set(located["id"])
    assert set(located["regiotype"]) == {"krimpregio"}


def test_frame_places_a_record_without_point_by_its_municipality_code():
    """A record with a gemeente_code but no point still gets municipality, region and
    province (the code is the fallback); before the fix the lookup's NaN hid it."""
    frame = query.initiatives_frame([rec("code-only", gemeente_code="GM1714", scope="regionaal")])
    row = frame.iloc[0]
    assert row["statcode"] == "GM1714" and row["regio"] == "Zeeuws-Vlaanderen"
    assert row["located"] and not row["on_map"]
