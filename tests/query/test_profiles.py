"""Panel content: escaping helpers, initiative details, municipality and region profiles."""

from __future__ import annotations

from dashboard import query
from dashboard.query import profiles
from dashboard.store import default_seed_path, read_seed
from dashboard.ui import markdown


def seed_frame():
    return query.initiatives_frame(read_seed(default_seed_path()))


def test_md_escape_makes_markdown_and_html_inert():
    text = markdown.md_escape("[click](javascript:alert(1)) <b>x</b> *y*")
    assert "](" not in text.replace("\\](", "") and "<b>" not in text
    assert text.startswith("\\[click\\]\\(")


def test_only_http_links_are_links():
    assert markdown.md_link("Site", "https://www.krotofkans.nl") == "[Site](https://www.krotofkans.nl)"
    assert markdown.md_link("Bad", "javascript:alert(1)") == "Bad"
    assert markdown.md_link("Ftp", "ftp://x.nl") == "Ftp"
    assert markdown.safe_link("https://x.nl/a(b)") == "https://x.nl/a%28b%29"


def test_details_of_klushuizen_carry_the_facts():
    frame = seed_frame()
    row = frame.set_index("id").loc["klushuizen-oostburg"].to_dict() | {
        "id": "klushuizen-oostburg"}
    nl = profiles.initiative_details(row, "nl")
    facts = dict(nl.facts)
    assert "Oostburg" in facts["Plaats"] and "Sluis" in facts["Plaats"]
    assert facts["Regio"] == "Zeeuws-Vlaanderen (Krimpregio)"
    values = " ".join(v for _, v in nl.outcomes)
    assert "70.000" in values and "140.000" in values
    en = profiles.initiative_details(row, "en")
    assert "70,000" in " ".join(v for _, v in en.outcomes)
    assert en.summary and en.summary != nl.summary
    assert any("krotofkans" in url for _, url, _ in nl.sources) or "krotofkans" in nl.website


def test_details_say_when_the_location_is_approximate():
    from dashboard import query

    records = [{"id": "ruw", "name": "Ruw", "lat": 53.0, "lon": 7.0, "place": "Veele",
                "location_approximate": True},
               {"id": "ruw-zonder-plaats", "name": "Ruw", "lat": 53.0, "lon": 7.0,
                "location_approximate": True},
               {"id": "precies", "name": "Precies", "lat": 53.0, "lon": 7.0, "place": "Veele"},
               {"id": "online", "name": "Online", "location_approximate": True}]
    rows = {r["id"]: r for r in query.initiatives_frame(records).to_dict("records")}
    nl = profiles.initiative_details(rows["ruw"], "nl")
    assert nl.approximate and dict(nl.facts)["Plaats"] == (
        "Veele, gemeente Stadskanaal (locatie bij benadering)")
    en = profiles.initiative_details(rows["ruw"], "en")
    assert dict(en.facts)["Place"].endswith("(approximate location)")
    # the frame fills place from the municipality, so "Location" is for a bare point only
    bare = profiles.initiative_details({**rows["ruw-zonder-plaats"], "place": "",
                                        "statnaam": ""}, "nl")
    assert dict(bare.facts)["Locatie"] == "locatie bij benadering"
    exact = profiles.initiative_details(rows["precies"], "nl")
    assert not exact.approximate and "benadering" not in dict(exact.facts)["Plaats"]
    assert not profiles.initiative_details(rows["online"], "nl").approximate  # no point


def test_municipality_and_region_profiles():
    frame = seed_frame()
    sluis = profiles.municipality_profile("GM1714", frame, "nl")
    assert sluis is not None
    facts = dict(sluis.facts)
    assert facts["Regio"] == "Zeeuws-Vlaanderen (Krimpregio)"
    assert "klushuizen-oostburg" in sluis.initiative_ids
    assert facts["Initiatieven hier"] == "1"
    region = profiles.region_profile("oost-groningen", frame, "en")
    assert region is not None and region.kind == "regio"
    assert "Westerwolde" in dict(region.facts)["Municipalities"]
    assert "boermarke-essen-en-aas" in region.initiative_ids
    assert profiles.municipality_profile("GM0000", frame, "nl") is None


def test_counts_and_table_follow_the_frame():
    frame = seed_frame()
    counts = profiles.counts_by(frame, "themes", {"wonen": "Wonen"})
    assert counts["count"].sum() >= len(frame)
    table = profiles.table(frame, "en")
    assert len(table) == len(frame) and "Name" in table.columns
    regions = profiles.region_counts(frame, "nl")
    assert len(regions) == 19
    assert regions.set_index("regio").loc["Zeeuws-Vlaanderen", "count"] >= 1
