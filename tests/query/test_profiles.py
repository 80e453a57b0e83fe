"""Panel content: escaping helpers, initiative details, municipality and region profiles."""

from __future__ import annotations

import pandas as pd
import pytest

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


# --------------------------------------------------------------------------- partial members


def placed(*points: tuple[str, float, float]):
    """A frame of initiatives at (id, lat, lon)."""
    return query.initiatives_frame([{"id": i, "name": i.title(), "lat": lat, "lon": lon}
                                    for i, lat, lon in points])


def inhabitants(*codes: str) -> int:
    from dashboard import geo

    munis = geo.municipalities().set_index("statcode")
    return int(munis.loc[list(codes), "inwoners_2024"].sum())


def test_region_figures_state_partial_members_and_rates_without_them():
    frame = placed(("in-leeuwarden", 53.2012, 5.7999), ("in-harlingen", 53.1743, 5.4236))
    nl = profiles.region_profile("noordwest-fryslan", frame, "nl")
    facts = dict(nl.facts)
    assert facts["Gemeenten"] == ("Harlingen, Leeuwarden (deels), Súdwest-Fryslân (deels), "
                                  "Waadhoeke")
    assert facts["Deels aangewezen"] == "Leeuwarden, Súdwest-Fryslân (78% van de inwoners)"
    everyone = inhabitants("GM0072", "GM1949", "GM0080", "GM1900")
    full = inhabitants("GM0072", "GM1949")
    from dashboard.i18n import number
    assert facts["Per 10.000 inwoners"] == number(2 / everyone * 10_000, "nl", 2)
    assert facts["Per 10.000 inwoners, zonder deels aangewezen"] == \
        number(1 / full * 10_000, "nl", 2)
    assert "Bevolking 2014–2024, zonder deels aangewezen" in facts
    assert "tellen in de regiocijfers helemaal mee" in nl.note
    en = dict(profiles.region_profile("noordwest-fryslan", frame, "en").facts)
    assert en["Partly designated"] == "Leeuwarden, Súdwest-Fryslân (78% of the inhabitants)"
    assert "Per 10,000 inhabitants, without partly designated" in en


def test_no_rate_without_partial_members_when_none_would_remain():
    profile = profiles.region_profile("het-hogeland", placed(), "nl")
    facts = dict(profile.facts)
    assert facts["Deels aangewezen"].startswith("Het Hogeland (100%")
    assert not [k for k in facts if "zonder deels" in k]
    assert "De enige gemeente van deze regio is maar deels aangewezen" in profile.note


def test_regions_without_partial_members_show_one_set_of_figures():
    facts = dict(profiles.region_profile("achterhoek", placed(), "en").facts)
    assert "Partly designated" not in facts and not [k for k in facts if "without" in k]


@pytest.mark.parametrize("lang,word", [("nl", "gereconstrueerd"), ("en", "reconstructed")])
def test_a_reconstructed_regions_profile_shows_its_provenance_and_note(lang, word):
    profile = profiles.region_profile("zuidoost-fryslan", placed(), lang)
    provenance_fact = profile.facts[-1][1]
    assert provenance_fact.startswith(word)
    assert "Heerenveen" in profile.note and "Smallingerland" in profile.note
    walcheren = profiles.region_profile("walcheren", placed(), lang)
    assert word in walcheren.note


def test_a_partly_designated_municipality_says_which_part_in_the_readers_language():
    nl = profiles.municipality_profile("GM1952", placed(), "nl")
    assert nl.note.startswith("Maar deels aangewezen: alleen de voormalige gemeente Menterwolde")
    assert "partial overlap" not in nl.note  # the build's English note is not shown raw
    en = profiles.municipality_profile("GM1952", placed(), "en")
    assert en.note.startswith("Only partly designated: just the former municipality of Menterwolde")
    westerwolde = profiles.municipality_profile("GM1950", placed(), "nl")
    assert westerwolde.note == ""  # a successor with full overlap has nothing to flag
    emmen = profiles.municipality_profile("GM0114", placed(), "en")
    assert "reconstructed" in emmen.note and "laoslandschap.nl" in emmen.note


def test_region_table_gives_the_rate_without_partial_members():
    frame = placed(("in-leeuwarden", 53.2012, 5.7999), ("in-harlingen", 53.1743, 5.4236))
    table = profiles.region_counts(frame, "nl").set_index("regio")
    row = table.loc["Noordwest-Fryslân"]
    assert row["count"] == 2 and row["deels"] == "Leeuwarden, Súdwest-Fryslân"
    assert row["per_10k_zonder_deels"] == round(1 / inhabitants("GM0072", "GM1949") * 10_000, 3)
    assert pd.isna(table.loc["Het Hogeland", "per_10k_zonder_deels"])
    assert pd.isna(table.loc["Achterhoek", "per_10k_zonder_deels"])

