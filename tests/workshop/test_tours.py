"""Guided tours: the built-in story, checks, playing and reordering, storing own tours."""

from __future__ import annotations

import pytest

from dashboard.store import GeoPackageStore, read_seed
from dashboard.workshop import tours
from dashboard.workshop.tours import DEFAULT_TOUR, DEFAULT_TOUR_ID

SEED_IDS = {r["id"] for r in read_seed("geodata/initiatieven.geojson")}
REGIONS = tours.region_slugs()

TWO = {"id": "mijn-verhaal", "title": "Mijn verhaal", "steps": [
    {"initiative_id": "klushuizen-oostburg", "text": "Oostburg"},
    {"region": "oost-groningen", "text": "Oost-Groningen"},
    {"initiative_id": "ganzedijk", "text": "Ganzedijk"},
]}


@pytest.fixture
def store(tmp_path):
    return GeoPackageStore.create(tmp_path / "s.gpkg", [])


def test_default_tour_points_at_seed_records_and_regions():
    steps = DEFAULT_TOUR["steps"]
    assert 6 <= len(steps) <= 8
    for step in steps:
        assert bool(step["initiative_id"]) != bool(step["region"])
        if step["initiative_id"]:
            assert step["initiative_id"] in SEED_IDS
        else:
            assert step["region"] in REGIONS
    assert tours.validate_tour(DEFAULT_TOUR, SEED_IDS, REGIONS) == []


def test_default_tour_follows_the_article():
    targets = [s["initiative_id"] or s["region"] for s in DEFAULT_TOUR["steps"]]
    order = ["boermarke-essen-en-aas", "klushuizen-oostburg",
             "linkedin-braakliggende-terreinen-amsterdam", "ganzedijk",
             "ashram-neighbourhood-development-model-birmingham"]
    assert [t for t in targets if t in order] == order
    assert DEFAULT_TOUR["steps"][0]["region"] and DEFAULT_TOUR["steps"][-1]["region"]


def test_default_tour_texts_in_both_languages():
    assert DEFAULT_TOUR["title"] and DEFAULT_TOUR["title_en"]
    for step in DEFAULT_TOUR["steps"]:
        for key in ("text", "text_en"):
            assert step[key].strip()
            assert len(step[key]) <= tours.TEXT_MAX
    assert "keukentafel" in DEFAULT_TOUR["steps"][1]["text"]


def test_language_fallbacks():
    step = {"initiative_id": "x", "region": "", "text": "Hallo", "text_en": ""}
    assert tours.step_text(step, "en") == "Hallo"
    assert tours.step_text({**step, "text_en": "Hello"}, "en") == "Hello"
    assert tours.tour_title({"title": "Verhaal"}, "en") == "Verhaal"
    assert tours.tour_title(DEFAULT_TOUR, "en") == DEFAULT_TOUR["title_en"]


def test_step_clamps_and_walks():
    assert tours.step(TWO, -3)[0] == 0
    index, step = tours.step(TWO, 99)
    assert index == 2 and step["initiative_id"] == "ganzedijk"
    assert tours.step(TWO, 1)[1]["region"] == "oost-groningen"
    assert tours.next_index(TWO, 0) == 1
    assert tours.next_index(TWO, 2) == 2
    assert tours.prev_index(TWO, 0) == 0
    assert tours.prev_index(TWO, 2) == 1
    assert tours.step({"steps": []}, 3) == (0, None)


def test_stap_in_the_url_counts_from_one():
    assert tours.index_from_stap(3) == 2
    assert tours.index_from_stap(0) == 0  # not given
    assert tours.stap_from_index(2) == 3


def test_move_step_returns_a_reordered_copy():
    moved = tours.move_step(TWO, 2, -1)
    assert [s["text"] for s in moved["steps"]] == ["Oostburg", "Ganzedijk", "Oost-Groningen"]
    assert [s["text"] for s in TWO["steps"]] == ["Oostburg", "Oost-Groningen", "Ganzedijk"]
    to_top = tours.move_step(TWO, 2, -10)
    assert to_top["steps"][0]["text"] == "Ganzedijk"
    assert tours.move_step(TWO, 0, -1)["steps"] == TWO["steps"]
    assert tours.move_step(TWO, 7, 1)["steps"] == TWO["steps"]


def test_add_and_remove_steps():
    tour = tours.add_step({"id": "x", "title": "X", "steps": []}, region="achterhoek", text="A")
    assert tour["steps"][0]["region"] == "achterhoek"
    assert tours.remove_step(tour, 0)["steps"] == []
    assert tours.remove_step(tour, 5)["steps"] == tour["steps"]


def test_validate_tour_reports_problems():
    bad = {"id": "x", "title": "  ", "steps": [
        {"initiative_id": "bestaat-niet", "text": ""},
        {"region": "atlantis", "text": ""},
        {"initiative_id": "", "text": "nergens"},
        {"initiative_id": "ganzedijk", "text": "x" * 601},
        {"initiative_id": "ganzedijk", "region": "oost-groningen", "text": ""},
    ]}
    problems = tours.validate_tour(bad, SEED_IDS, REGIONS)
    assert [p.key for p in problems] == [
        "tour_problem_no_title", "tour_problem_unknown_initiative",
        "tour_problem_unknown_region", "tour_problem_empty_step", "tour_problem_text_long",
        "tour_problem_both"]
    assert problems[1].params == {"step": 1, "target": "bestaat-niet"}
    assert problems[2].params == {"step": 2, "region": "atlantis"}
    assert problems[4].params == {"step": 4, "length": 601, "limit": 600}
    assert problems[5].params == {"step": 5}
    assert [p.text("en") for p in problems] == [
        "The story needs a title",
        "Step 1 points at initiative 'bestaat-niet', which does not exist (any more); choose "
        "another one or remove the step",
        "Step 2 points at region 'atlantis', which is not a known region; choose another one or "
        "remove the step",
        "Step 3 needs an initiative or a region to show",
        "Step 4: the text is 601 characters long; the maximum is 600",
        "Step 5 points at both an initiative and a region; keep one"]
    assert [p.text("nl") for p in problems] == [
        "Het verhaal heeft een titel nodig",
        "Stap 1 wijst naar initiatief 'bestaat-niet', dat niet (meer) bestaat; kies een ander of "
        "haal de stap weg",
        "Stap 2 wijst naar regio 'atlantis', die niet bekend is; kies een andere of haal de stap "
        "weg",
        "Stap 3 heeft een initiatief of regio nodig om te tonen",
        "Stap 4: de tekst is 601 tekens lang; het maximum is 600",
        "Stap 5 wijst zowel naar een initiatief als naar een regio; houd er één"]
    (empty,) = tours.validate_tour({"title": "Leeg", "steps": []}, SEED_IDS, REGIONS)
    assert empty.key == "tour_problem_no_steps"
    assert empty.text("en") == "The story needs at least one step"
    assert empty.text("nl") == "Het verhaal heeft minstens één stap nodig"


def test_tour_id_from_title():
    assert tours.tour_id_from_title("Mijn verhaal!", []) == "mijn-verhaal"
    assert tours.tour_id_from_title("Mijn verhaal", ["mijn-verhaal"]) == "mijn-verhaal-2"
    assert tours.tour_id_from_title("Verhaal krimpregio's", []) != DEFAULT_TOUR_ID
    assert tours.tour_id_from_title("???", []) == "verhaal"


def test_saved_tours_keep_region_steps(store):
    saved = tours.save_tour(store, TWO, "Anna")
    assert saved["steps"][1] == {"initiative_id": "", "region": "oost-groningen",
                                 "text": "Oost-Groningen", "text_en": ""}
    stored = store.get_tour("mijn-verhaal")
    assert stored["steps"][1]["initiative_id"] == "regio:oost-groningen"
    again = tours.get_tour(store, "mijn-verhaal")
    assert again["steps"] == saved["steps"]
    assert again["author"] == "Anna"
    assert tours.validate_tour(again, SEED_IDS, REGIONS) == []


def test_all_tours_default_first(store):
    tours.save_tour(store, {**TWO, "id": "b", "title": "B"}, "Anna")
    tours.save_tour(store, {**TWO, "id": "a", "title": "A"}, "Anna")
    listed = tours.all_tours(store)
    assert [t["id"] for t in listed] == [DEFAULT_TOUR_ID, "a", "b"]
    listed[0]["steps"].clear()  # callers get copies
    assert DEFAULT_TOUR["steps"]
    assert tours.get_tour(store, DEFAULT_TOUR_ID)["steps"] == DEFAULT_TOUR["steps"]
    assert tours.get_tour(store, "bestaat-niet") is None


def test_the_built_in_tour_cannot_be_overwritten(store):
    with pytest.raises(ValueError, match="built-in"):
        tours.save_tour(store, DEFAULT_TOUR, "Anna")
    assert store.list_tours() == []
