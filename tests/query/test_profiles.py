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


def test_details_carry_the_note_in_the_readers_language():
    frame = query.initiatives_frame([{
        "id": "x", "name": "X", "scope": "online", "description": "Tekst.",
        "notes": "Een andere bron dateert het op 1975.", "notes_en": "Another source: 1975."}])
    row = frame.iloc[0].to_dict()
    assert profiles.initiative_details(row, "nl").notes == "Een andere bron dateert het op 1975."
    assert profiles.initiative_details(row, "en").notes == "Another source: 1975."
    row["notes_en"] = ""
    assert profiles.initiative_details(row, "en").notes == "Een andere bron dateert het op 1975."


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
