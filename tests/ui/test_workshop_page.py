"""Workshop features through the page (AppTest): passcode gate, add/edit/undo, tour."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config, store

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def sidebar_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.sidebar.button]


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label.startswith(label))


def unlock(at: AppTest, code: str, name: str = "Fien") -> AppTest:
    by_label(at.sidebar.text_input, "Je naam").input(name)
    by_label(at.sidebar.text_input, "Wachtwoord").input(code)
    return by_label(at.sidebar.button, "Ontgrendelen").click().run()


def test_without_passcode_the_page_is_read_only(monkeypatch):
    monkeypatch.delenv("KRIMPKAART_PASSCODE", raising=False)
    config.reload()
    at = page()
    assert not at.exception
    assert not [e for e in at.sidebar.expander if "Begeleider" in e.label]
    assert "Initiatief toevoegen" not in sidebar_labels(at)


def test_wrong_passcode_is_refused_then_rate_limited(monkeypatch):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    monkeypatch.setattr(config, "PASSCODE_FIRST_DELAY_S", 30.0)  # longer than a slow run
    config.reload()
    at = page()
    for _ in range(5):  # five free attempts per 15 minutes, kept in the store
        at = unlock(at, "fout")
        assert any("Onjuist wachtwoord" in e.value for e in at.error)
    at = unlock(at, "geheim")  # right code, but inside the delay after the fifth failure
    assert [e.value for e in at.error] == [
        "Te veel pogingen; probeer het over 30 seconden opnieuw."]
    assert "Initiatief toevoegen" not in sidebar_labels(at)
    assert "geheim" not in str(at.query_params)


def _unlock_form_place(at: AppTest) -> list[int]:
    """Where the unlock form sits in the facilitator expander (its delta path)."""
    gate = next(e for e in at.sidebar.expander if "Begeleider" in e.label)
    return [i for i, child in gate.children.items() if child.type == "form"]


def test_the_unlock_form_keeps_its_place_across_runs(monkeypatch):
    """The first run also writes the client-token cookie; written before the form it would
    move the form on the next run, and the page would show two password fields meanwhile."""
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    at = page()
    first = _unlock_form_place(at)
    at = unlock(at, "fout")
    assert first and _unlock_form_place(at) == first


def test_an_unusable_name_is_refused_with_the_reason(monkeypatch):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    at = unlock(page(), "geheim", name="Fien\u202e")  # a right-to-left override
    assert [e.value for e in at.error] == [
        "Je naam bevat een stuurteken (U+202E); haal het weg."]
    at = unlock(at, "geheim", name="   ")
    assert [e.value for e in at.error] == [
        "Vul je naam in (1–60 tekens), zodat wijzigingen op jouw naam staan."]
    assert "Initiatief toevoegen" not in sidebar_labels(at)


def test_facilitator_adds_by_municipality_then_undoes(monkeypatch):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    at = unlock(page(), "geheim")
    assert "Initiatief toevoegen" in sidebar_labels(at)
    at.sidebar.button(key="add_open").click().run()

    # A half-filled form is refused with a message naming the field; nothing is lost.
    at.radio(key="add_how").set_value("gemeente").run()
    at.text_input(key="add_name").input("Dorpshuis De Kern")
    at.button[[b.label for b in at.button].index("Opslaan")].click().run()
    assert any("Niet opgeslagen" in e.value for e in at.error)
    # the field's label and the message in Dutch (Markdown-escaped, hence the backslashes)
    assert "**Locatie**: Een locatie is verplicht: geef breedtegraad en lengtegraad \\(WGS84\\), " \
           "of zet de schaal op landelijk, online of buitenland" in [e.value for e in at.error]
    assert at.text_input(key="add_name").value == "Dorpshuis De Kern"

    at.selectbox(key="add_gm").set_value("GM1714").run()
    at.button[[b.label for b in at.button].index("Opslaan")].click().run()
    assert not at.exception
    db = store.open_store()
    added = [r for r in db.list() if r["name"] == "Dorpshuis De Kern"]
    assert len(added) == 1 and added[0]["gemeente_code"] == "GM1714"
    assert added[0]["author"] == "Fien"
    assert at.query_params["id"] == added[0]["id"]
    total = len(db.list())  # the page shows it at once, not after the next poll
    assert any(f"{total}** van {total} initiatieven" in m.value for m in at.markdown)

    at.sidebar.button(key="undo").click().run()
    assert any("Ongedaan gemaakt" in s.value for s in at.sidebar.success)
    assert not [r for r in db.list() if r["name"] == "Dorpshuis De Kern"]


def test_tour_next_moves_to_the_next_step_and_selects_it():
    at = page(tour="verhaal-krimpregios", stap="2")
    assert not at.exception
    first = at.query_params["id"]
    at.button(key="tour_next").click().run()
    assert at.query_params["stap"] == "3"
    assert at.query_params["id"] != first
    at.button(key="tour_prev").click().run()
    assert at.query_params["stap"] == "2" and at.query_params["id"] == first


def test_the_presenter_chooses_a_larger_map_or_a_larger_story():
    at = page(mode="presentatie", tour="verhaal-krimpregios", stap="1")
    assert not at.exception
    size = at.button(key="tour_size")
    assert size.label == "Verhaal groter"  # the map is large first: the story shows two lines
    size.click().run()
    assert at.session_state["story_large"] and at.button(key="tour_size").label == "Kaart groter"
    at.button(key="tour_next").click().run()  # the choice holds for the next step
    assert at.button(key="tour_size").label == "Kaart groter"
    at.button(key="tour_size").click().run()
    assert not at.session_state["story_large"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_presentation_mode_from_url(lang):
    at = page(mode="presentatie", lang=lang)
    assert not at.exception
    assert at.button(key="leave_presentation")
    at.button(key="leave_presentation").click().run()
    assert "mode" not in at.query_params


def test_own_tour_is_saved_and_plays_from_a_link(monkeypatch):
    from dashboard.workshop import tours

    steps = [{"initiative_id": "", "region": "oost-groningen", "text": "Begin", "text_en": ""},
             {"initiative_id": "klushuizen-oostburg", "region": "", "text": "Huizen",
              "text_en": ""}]
    db = store.open_store()
    tour = {"id": "mijn-verhaal", "title": "Mijn verhaal", "steps": steps}
    assert tours.validate_tour(tour, {r["id"] for r in db.list()}, tours.region_slugs()) == []
    tours.save_tour(db, tour, "Fien")
    at = page(tour="mijn-verhaal", stap="2")
    assert not at.exception
    assert at.query_params["id"] == "klushuizen-oostburg"


def test_tour_editor_saves_a_new_story(monkeypatch):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    at = unlock(page(), "geheim")
    at.sidebar.button(key="tour_edit_open").click().run()
    at.text_input(key="tour_title___new__").input("Workshop Zeeland")
    at.multiselect(key="tour_steps___new__").set_value(
        ["id:klushuizen-oostburg", "regio:zeeuws-vlaanderen"])
    at.run()
    at.button(key="tour_save").click().run()
    assert not at.exception
    saved = [x for x in store.open_store().list_tours() if x["title"] == "Workshop Zeeland"]
    assert len(saved) == 1
    assert [s["initiative_id"] for s in saved[0]["steps"]] == [
        "klushuizen-oostburg", "regio:zeeuws-vlaanderen"]


def test_tour_editor_shows_for_facilitators_only(monkeypatch):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    at = page()
    assert "Verhalen maken" not in sidebar_labels(at)
    at = unlock(at, "geheim")
    assert "Verhalen maken" in sidebar_labels(at)
