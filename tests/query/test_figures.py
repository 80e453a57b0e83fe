"""An area's figures and its place among all regions or municipalities; what other
regions have that this one has not."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import geo, query
from dashboard.geo import provenance
from dashboard.query import figures, gaps


def rec(rid: str, code: str, themes: list[str], participation: str = "", **kw) -> dict:
    return {"id": rid, "name": kw.pop("name", rid.title()), "gemeente_code": code,
            "scope": "lokaal", "themes": themes, "participation": participation, **kw}


def member(slug: str, index: int = 0) -> str:
    region = provenance.region(slug)
    assert region is not None
    return region.members[index]


@pytest.fixture
def frame() -> pd.DataFrame:
    return query.initiatives_frame([
        rec("a1", member("achterhoek"), ["wonen"], "maatschappelijk-initiatief"),
        rec("a2", member("achterhoek", 1), ["wonen", "zorg"]),
        rec("z1", member("zeeuws-vlaanderen"), ["energie", "wonen"], "beleidsparticipatie"),
        rec("z2", member("zeeuws-vlaanderen"), ["cultuur"], name="Zz cultuur"),
        rec("o1", member("oost-groningen"), ["energie"], name="Alpha energie"),
        rec("o2", member("oost-groningen"), ["cultuur", "energie"], name="Beta"),
        rec("p1", member("parkstad-limburg"), ["cultuur"], name="Aa cultuur"),
        rec("outside", "GM0363", ["voedsel"]),  # Amsterdam: in no region, never "elsewhere"
        {"id": "online", "name": "Online", "scope": "online", "themes": ["onderwijs"]},
    ])


def test_region_figures_add_up_and_rank(frame):
    fig = figures.region_figures("achterhoek", frame)
    assert fig is not None
    members = geo.municipalities().set_index("statcode").loc[list(fig.members)]
    assert fig.inhabitants_2024 == members["inwoners_2024"].sum()
    assert fig.inhabitants_2014 == members["inwoners_2014"].sum()
    assert fig.initiatives == 2
    assert fig.per_10k == pytest.approx(2 / fig.inhabitants_2024 * 10_000)
    assert fig.ranked == 19 and fig.ranked_change == 18  # Het Hogeland has no 2014 figure
    table = figures.region_table(frame)
    assert fig.rank_per_10k == 1 + int((table["per_10k"] > fig.per_10k).sum())
    assert fig.rank_change == 1 + int((table["change"] < fig.change_pct).sum())


def test_ties_share_a_place_and_say_so(frame):
    fig = figures.region_figures("walcheren", frame)
    assert fig is not None and fig.initiatives == 0
    assert fig.rank_per_10k == 5 and fig.tied_per_10k == 14  # 4 regions have initiatives


def test_missing_2014_figures_are_named():
    empty = query.initiatives_frame([])
    hogeland = figures.region_figures("het-hogeland", empty)
    assert hogeland is not None
    assert hogeland.change_pct is None and hogeland.inhabitants_2014 is None
    assert hogeland.without_2014 == ("GM1966",) and hogeland.rank_change is None
    fryslan = figures.region_figures("noordwest-fryslan", empty)
    assert fryslan is not None and set(fryslan.without_2014) == {"GM0080", "GM1900", "GM1949"}
    munis = geo.municipalities().set_index("statcode").loc[list(fryslan.members)]
    comparable = munis[munis["inwoners_2014"].notna()]
    assert fryslan.inhabitants_2014 == comparable["inwoners_2014"].sum()
    assert fryslan.comparable_2024 == comparable["inwoners_2024"].sum()
    assert fryslan.change_pct == pytest.approx(
        (comparable["inwoners_2024"].sum() / comparable["inwoners_2014"].sum() - 1) * 100)


def test_municipality_ranks_among_all(frame):
    fig = figures.municipality_figures(member("zeeuws-vlaanderen"), frame)
    assert fig is not None and fig.ranked == 342 and fig.initiatives == 2
    assert fig.rank_per_10k is not None and fig.rank_per_10k <= 3
    assert figures.municipality_figures("GM9999", frame) is None


@pytest.mark.parametrize(("text", "code"), [
    ("GM1714", "GM1714"), ("1714", "GM1714"), ("gm1714", "GM1714"), ("Sluis", "GM1714"),
    ("súdwest-fryslân", "GM1900"), ("Sudwest Fryslan", "GM1900"), ("nergens", None),
])
def test_find_municipality(text, code):
    assert figures.find_municipality(text) == code


@pytest.mark.parametrize(("text", "slug"), [
    ("achterhoek", "achterhoek"), ("Oost-Groningen", "oost-groningen"),
    ("noordoost fryslân", "noordoost-fryslan"), ("Randstad", None)])
def test_find_region(text, slug):
    assert figures.find_region(text) == slug


def test_elsewhere_not_here(frame):
    region = provenance.region("achterhoek")
    assert region is not None
    found = gaps.missing_here(frame, region.members, "nl", region.name)
    themes = [(g.slug, g.regions) for g in found if g.field == "themes"]
    # most widespread first; ties in vocabulary order (energie before cultuur)
    assert themes == [("cultuur", 3), ("energie", 2)]
    assert [g.slug for g in found if g.field == "participation"] == ["beleidsparticipatie"]
    cultuur = found[0]
    # one example per region, by name (all three have cultuur as their first theme)
    assert [e.id for e in cultuur.examples] == ["p1", "o2", "z2"]
    energie = found[1]  # o1 has it first; z1 has it first too; o2 only second
    assert [e.id for e in energie.examples] == ["o1", "z1", "o2"]
    assert cultuur.examples[0].where == "Parkstad Limburg (krimpregio)"
    assert "voedsel" not in {g.slug for g in found} and "onderwijs" not in {g.slug for g in found}


def test_elsewhere_not_here_in_english_and_when_empty(frame):
    region = provenance.region("oost-groningen")
    assert region is not None
    found = gaps.missing_here(frame, region.members, "en", region.name)
    assert {g.label for g in found} >= {"Housing", "Care"}
    assert gaps.missing_here(query.initiatives_frame([]), region.members, "nl") == []
