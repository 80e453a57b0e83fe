"""'Leer van elkaar' on hand-built records: what is suggested, what never is, and why."""

from __future__ import annotations

import random

import pytest

from dashboard import query
from dashboard.geo import provenance
from dashboard.query import similar
from dashboard.query.similar import SimilarityIndex
from dashboard.store import default_seed_path, read_seed


def member(slug: str, index: int = 0) -> str:
    region = provenance.region(slug)
    assert region is not None
    return region.members[index]


def record(rid: str, code: str = "", **fields) -> dict:
    """A record located by municipality code (no point needed to have a region)."""
    base = {"id": rid, "name": rid.replace("-", " ").title(), "kind": "initiatief",
            "scope": "lokaal" if code else "landelijk", "gemeente_code": code,
            "themes": [], "actors": [], "participation": "", "description": ""}
    return base | fields


CLUB = ("Bewoners kopen samen leegstaande panden en knappen ze op tot betaalbare "
        "woningen voor starters; de gemeente helpt met een lening.")


@pytest.fixture
def records() -> list[dict]:
    return [
        record("klushuis", member("zeeuws-vlaanderen"), themes=["wonen", "leefbaarheid"],
               participation="maatschappelijk-initiatief", actors=["burgers"],
               description=CLUB),
        # the one that should win: same themes, same words, another region
        record("panden-samen", member("achterhoek"), themes=["wonen", "leefbaarheid"],
               participation="maatschappelijk-initiatief", actors=["burgers"],
               description="Inwoners kopen leegstaande panden en knappen ze samen op tot "
                           "betaalbare woningen voor starters."),
        # same region as the klushuis: as alike as can be, and never suggested
        record("buren-klus", member("zeeuws-vlaanderen", 1), themes=["wonen", "leefbaarheid"],
               participation="maatschappelijk-initiatief", actors=["burgers"],
               description=CLUB),
        # shares a theme only
        record("zorgwoning", member("oost-groningen"), themes=["zorg", "wonen"],
               kind="programma-beleid", description="Zorg aan huis voor ouderen in dorpen."),
        # shares nothing
        record("glasvezel", member("parkstad-limburg"), themes=["economie"],
               kind="programma-beleid", description="Snel internet op het platteland."),
        # national: no area, may be suggested
        record("landelijk-fonds", themes=["wonen"], kind="fonds",
               description="Een fonds voor bewoners die panden opknappen."),
    ]


@pytest.fixture
def index(records) -> SimilarityIndex:
    return SimilarityIndex.build(query.initiatives_frame(records))


def test_top_suggestion_shares_themes_and_text(index):
    found = index.similar("klushuis", "nl")
    assert found[0].id == "panden-samen"
    assert found[0].where == "Achterhoek (krimpregio)"
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_same_region_is_never_suggested(index, records):
    ids = [s.id for s in index.similar("klushuis", "nl", limit=10)]
    assert "buren-klus" not in ids and "klushuis" not in ids
    # ... while the twin in the same region is the best match from anywhere else
    assert index.similar("panden-samen", "nl", limit=10)[0].id in ("klushuis", "buren-klus")


def test_nothing_shared_is_not_suggested(index):
    assert "glasvezel" not in [s.id for s in index.similar("klushuis", "nl", limit=10)]


def test_reasons_name_what_is_shared(index):
    best = index.similar("klushuis", "nl")[0]
    assert best.reasons[0] == "zelfde thema's: wonen, leefbaarheid"
    assert "zelfde participatievorm: maatschappelijk initiatief" in best.reasons
    assert "zelfde actoren: burgers" in best.reasons
    text = next(r for r in best.reasons if r.startswith("beschrijving lijkt erop"))
    words = text.split(": ")[1].rstrip(")").split(", ")
    assert "panden" in words and len(words) == 3
    assert set(words) <= set(CLUB.lower().replace(";", "").split()) | {"samen"}
    zorg = next(s for s in index.similar("klushuis", "nl", limit=10) if s.id == "zorgwoning")
    assert zorg.reasons[0] == "zelfde thema: wonen"
    assert not any("soort" in r or "participatie" in r for r in zorg.reasons)


def test_reasons_and_places_in_english(index):
    found = index.similar("klushuis", "en", limit=10)
    assert found[0].reasons[0] == "same themes: housing, liveability"
    assert found[0].where == "Achterhoek (shrink region)"
    national = next(s for s in found if s.id == "landelijk-fonds")
    assert national.where == "national"


def test_answer_does_not_depend_on_row_order(records):
    expected = [(s.id, s.reasons) for s in SimilarityIndex.build(
        query.initiatives_frame(records)).similar("klushuis", "nl", limit=10)]
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    again = SimilarityIndex.build(query.initiatives_frame(shuffled)).similar(
        "klushuis", "nl", limit=10)
    assert [(s.id, s.reasons) for s in again] == expected


def test_ties_are_broken_by_name_also_at_the_cut():
    rows = [record("a-start", member("achterhoek"), themes=["zorg"])]
    rows += [record(f"twin-{c}", member("oost-groningen"), name=f"Twin {c}", themes=["zorg"])
             for c in "edcba"]
    index = SimilarityIndex.build(query.initiatives_frame(rows))
    assert [s.name for s in index.similar("a-start", "nl", limit=3)] == [
        "Twin a", "Twin b", "Twin c"]


def test_unknown_id_and_texts_without_words():
    frame = query.initiatives_frame([record("x", themes=["zorg"]),
                                     record("y", themes=["zorg"], name="De")])
    index = SimilarityIndex.build(frame.assign(name=["", ""]))
    assert index.similar("nope", "nl") == []
    assert [s.id for s in index.similar("x", "nl")] == ["y"]  # themes alone still count


def test_stop_words_ship_with_their_source():
    words = similar.dutch_stop_words()
    assert {"de", "het", "een", "van"} <= words and len(words) > 100
    head = similar.STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()[:5]
    assert any("BSD" in line for line in head) and any("stop-words" in line for line in head)


def test_stop_words_do_not_make_texts_alike():
    rows = [record("a", member("achterhoek"), description="de het een van en in op"),
            record("b", member("oost-groningen"), description="de het een van en in op")]
    index = SimilarityIndex.build(query.initiatives_frame(rows))
    assert index.similar("a", "nl") == []


def test_region_suggestions_come_from_outside_the_region(index):
    pairs = index.similar_to_area(["klushuis", "buren-klus"], "regio:Zeeuws-Vlaanderen", "nl")
    assert pairs[0][1].id == "panden-samen"
    assert {s.id for _, s in pairs}.isdisjoint({"klushuis", "buren-klus"})
    assert len({s.id for _, s in pairs}) == len(pairs)


def test_klushuizen_in_the_seed_learns_from_ganzedijk():
    index = SimilarityIndex.build(query.initiatives_frame(read_seed(default_seed_path())))
    found = index.similar("klushuizen-oostburg", "nl")
    assert found[0].id == "ganzedijk" and len(found) == 5
    assert all("Zeeuws-Vlaanderen" not in s.where for s in found)


def test_region_suggestions_are_the_best_over_its_initiatives():
    """The block-wise area scoring agrees with scoring each initiative on its own."""
    frame = query.initiatives_frame(read_seed(default_seed_path()))
    index = SimilarityIndex.build(frame)
    here = list(frame.loc[frame["regio"] == "Oost-Groningen", "id"])
    assert len(here) == 3
    best: dict[str, float] = {}
    for rid in here:
        for j, value in index.ranked(index.position[rid], ["regio:Oost-Groningen"], 100):
            best[index.ids[j]] = max(best.get(index.ids[j], 0.0), value)
    expected = sorted(best.items(), key=lambda kv: (-kv[1], index.names[index.position[kv[0]]]))
    found = index.similar_to_area(here, "regio:Oost-Groningen", "nl", limit=5)
    assert [(s.id, s.score) for _, s in found] == [(k, round(v, 4)) for k, v in expected[:5]]
    assert all(name in set(frame.loc[frame["id"].isin(here), "name"]) for name, _ in found)
