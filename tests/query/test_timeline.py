"""The start-year timeline: years to step through, what a year shows, the year in the URL."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.synth import synthetic_records
from dashboard import query
from dashboard.query import FilterState, ViewState, parse_query, timeline, to_query


def rec(id_: str, year: int | None) -> dict:
    return {"id": id_, "name": id_, "kind": "initiatief", "scope": "lokaal", "themes": ["zorg"],
            "start_year": year, "lat": 52.0, "lon": 5.1}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return query.initiatives_frame([rec("a", 2003), rec("b", 2005), rec("c", 2005),
                                    rec("d", 2008), rec("x", None)])


def test_years_are_every_year_from_first_to_last_start(frame):
    assert timeline.years(frame) == [2003, 2004, 2005, 2006, 2007, 2008]
    assert timeline.years(frame.iloc[0:0]) == []
    assert timeline.years(frame[frame["id"] == "x"]) == []


def test_a_year_shows_what_started_then_or_earlier_and_earlier_ones_stay(frame):
    counts = [len(timeline.until(frame, y)) for y in timeline.years(frame)]
    assert counts == [1, 1, 3, 3, 3, 4]
    step = timeline.at(frame, 2005)
    assert set(step.shown["id"]) == {"a", "b", "c"} and step.new == 2
    assert timeline.at(frame, 2004).new == 0


def test_undated_initiatives_are_listed_aside_never_on_the_timeline(frame):
    for year in timeline.years(frame):
        assert "x" not in set(timeline.until(frame, year)["id"])
    assert list(timeline.at(frame, 2008).undated["id"]) == ["x"]


def test_a_year_outside_the_span_is_clamped(frame):
    span = timeline.years(frame)
    assert timeline.clamp(1990, span) == 2003
    assert timeline.clamp(2030, span) == 2008
    assert timeline.clamp(2006, span) == 2006
    assert timeline.clamp(2006, []) == 2006


def test_van_tot_still_filter_what_the_timeline_steps_through(frame):
    assert timeline.years(query.apply(frame, FilterState(van=2005))) == [2005, 2006, 2007, 2008]
    assert timeline.years(query.apply(frame, FilterState(tot=2005))) == [2003, 2004, 2005]


def test_the_year_travels_as_jaar_in_the_url():
    parsed = parse_query({"jaar": "2012"})
    assert parsed.view.jaar == 2012 and not parsed.notices
    assert to_query(FilterState(), ViewState(jaar=2012)) == {"jaar": "2012"}
    assert "jaar" not in to_query(FilterState(), ViewState())
    odd = parse_query({"jaar": "twintig"})
    assert odd.view.jaar is None and len(odd.notices) == 1


def test_synthetic_multi_year_set_grows_year_by_year():
    frame = query.initiatives_frame(synthetic_records(300))
    span = timeline.years(frame)
    assert len(span) > 20
    counts = [len(timeline.until(frame, y)) for y in span]
    assert counts == sorted(counts) and counts[-1] == int(frame["start_year"].notna().sum())
