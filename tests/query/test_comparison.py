"""All regions side by side: the figures per region, the reference row, the caveats."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import geo, query
from dashboard.export.regionchart import render_chart
from dashboard.geo import provenance
from dashboard.i18n import percent
from dashboard.query import comparison, profiles


def rec(id_: str, lat: float, lon: float) -> dict:
    return {"id": id_, "name": id_, "kind": "initiatief", "scope": "lokaal", "themes": ["zorg"],
            "lat": lat, "lon": lon}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return query.initiatives_frame([
        rec("oostburg", 51.3264, 3.4931),  # Sluis, Zeeuws-Vlaanderen
        rec("terneuzen", 51.335, 3.828),  # Terneuzen, Zeeuws-Vlaanderen
        rec("amsterdam", 52.3731, 4.8926),  # no region
        {"id": "online", "name": "online", "kind": "netwerk", "scope": "landelijk"},
    ])


def test_nineteen_regions_then_the_other_municipalities(frame):
    table = comparison.region_comparison(frame)
    assert len(table) == len(provenance.all_regions()) + 1 == 20
    assert list(table["slug"].iloc[:-1]) == [r.slug for r in provenance.all_regions()]
    other = table.iloc[-1]
    assert other["slug"] == comparison.OTHER and other["regiotype"] == "geen"
    munis = geo.municipalities()
    assert table["gemeenten"].sum() == len(munis)  # every municipality counted once
    assert table["inwoners_2024"].sum() == munis["inwoners_2024"].sum()


def test_initiatives_count_where_they_are_located(frame):
    table = comparison.region_comparison(frame).set_index("slug")
    assert table.loc["zeeuws-vlaanderen", "count"] == 2
    assert table.loc[comparison.OTHER, "count"] == 1  # Amsterdam; online counts nowhere
    assert table["count"].sum() == 3
    zv = table.loc["zeeuws-vlaanderen"]
    assert zv["per_10k"] == pytest.approx(2 / zv["inwoners_2024"] * 10_000, abs=1e-3)


def test_figures_agree_with_the_region_profile(frame):
    table = comparison.region_comparison(frame).set_index("slug")
    for slug in ("achterhoek", "zeeuws-vlaanderen", "oost-groningen"):
        facts = dict(profiles.region_profile(slug, frame, "nl").facts)
        change = table.loc[slug, "verandering_pct"]
        assert facts["Bevolking 2014–2024"].rstrip(" *") == percent(change, "nl")


def test_caveats_name_partial_members_and_the_missing_region(frame):
    table = comparison.region_comparison(frame)
    notes = comparison.notes(table, "en")
    assert notes[0].startswith("The data has 19 regions")
    partial = table[table["deels"] != ""]
    assert not partial.empty
    assert any(all(name in note for name in partial["deels"]) for note in notes)
    marked = table.set_index("slug").loc[partial["slug"].iloc[0]]
    assert "*" in comparison.area_name(marked.to_dict() | {"slug": partial["slug"].iloc[0]},
                                       "en")


def test_display_table_and_chart_exports(frame):
    table = comparison.region_comparison(frame)
    shown = comparison.display_table(table, "en")
    assert "Area" in shown.columns and shown["Area"].iloc[-1].startswith("Other municipalities")
    png = render_chart(table, "en", "png")
    assert png.startswith(b"\x89PNG")
    svg = render_chart(table, "nl", "svg").decode("utf-8")
    assert "Zeeuws-Vlaanderen" in svg and "Overige gemeenten" in svg  # text stays text
    with pytest.raises(ValueError):
        render_chart(table, "en", "gif")
