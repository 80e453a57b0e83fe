"""The room through the page (AppTest): an unknown, a closed and a missing code are answered
clearly in the participant's language; the facilitator opens a workshop, sees a suggestion in
the queue and approves all complete ones; a read-only visitor sees none of it."""

from __future__ import annotations

import pytest

from dashboard import config, store
from dashboard.store.rooms import rooms_of
from tests.ui.test_workshop_page import by_label, page, sidebar_labels, unlock

GOOD = {"name": "Buurtbus Beerta", "lat": 53.19091, "lon": 7.02821, "themes": ["mobiliteit"],
        "description": "Vrijwilligers rijden.", "kind": "initiatief", "scope": "lokaal",
        "place": "", "link": "", "first_name": "Ria", "gemeente_code": "GM1895",
        "location_approximate": True}


@pytest.fixture
def rooms(_private_store):
    return rooms_of(store.open_store(_private_store))


def texts(at) -> str:
    return " ".join(str(e.value) for e in (*at.error, *at.warning, *at.success, *at.markdown,
                                           *at.caption))


def test_codes_that_do_not_work_are_answered_clearly(rooms):
    rooms.open_workshop("ACDEF", "Anna")
    rooms.close_workshop("ACDEF")
    at = page(workshop="HHHHH")
    assert not at.exception
    assert "Code HHHHH hoort bij geen workshop" in texts(at)
    at = page(workshop="acdef", lang="en")
    assert "Workshop ACDEF is closed" in texts(at)
    assert not at.text_input or all("Name" not in w.label for w in at.text_input)
    at = page(workshop="<script>")
    assert "geen geldige workshopcode" in texts(at)
    assert any(w.label == "Workshopcode" for w in at.text_input)


def test_the_form_refuses_a_suggestion_without_a_place_and_keeps_the_text(rooms):
    rooms.open_workshop("ACDEF", "Anna")
    at = page(workshop="ACDEF")
    assert not at.exception
    by_label(at.text_input, "Naam van het initiatief").input("Dorpshuis")
    at = at.button(key="FormSubmitter:room_form-Versturen").click().run()
    assert "Waar is het?" in texts(at)
    assert by_label(at.text_input, "Naam van het initiatief").value == "Dorpshuis"
    assert rooms.suggestions("ACDEF") == []


def test_the_facilitator_opens_a_workshop_and_approves_the_queue(monkeypatch, rooms):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    at = unlock(page(), "geheim")
    at = by_label(at.sidebar.button, "Workshop openen").click().run()
    assert not at.exception
    code = rooms.open_workshops()[0].code
    assert f"?workshop={code}" in " ".join(c.value for c in at.sidebar.code)
    rooms.submit(code, "phone", "ip", GOOD)
    rooms.submit(code, "phone", "ip", {**GOOD, "name": "Zonder plek", "lat": None})
    at = at.run()
    assert "Buurtbus Beerta" in texts(at) and "Nog niet compleet" in texts(at)
    at = by_label(at.sidebar.button, "Alle complete goedkeuren (1)").click().run()
    assert "1 goedgekeurd." in texts(at)
    assert [s.data["name"] for s in rooms.suggestions(code)] == ["Zonder plek"]
    db = store.open_store(config.settings().store_path)
    assert [r["author"] for r in db.list() if r["name"] == "Buurtbus Beerta"] == ["Fien"]
    at = by_label(at.sidebar.button, "Workshop sluiten").click().run()
    assert rooms.open_workshops() == [] and "Workshop openen" in sidebar_labels(at)


def test_a_visitor_sees_no_workshop_controls(monkeypatch, rooms):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    rooms.open_workshop("ACDEF", "Anna")
    rooms.submit("ACDEF", "phone", "ip", GOOD)
    at = page()
    assert not at.exception
    assert "Buurtbus Beerta" not in texts(at)
    assert not [e for e in at.sidebar.expander if "deelnemers" in e.label]


def submit_named(at, name: str):
    by_label(at.text_input, "Naam van het initiatief").input(name)
    return at.button(key="FormSubmitter:room_form-Versturen").click().run()


def test_a_typed_municipality_places_the_pin_at_its_centre_before_sending(rooms):
    from dashboard import geo

    rooms.open_workshop("ACDEF", "Anna")
    at = page(workshop="ACDEF")
    by_label(at.text_input, "Dorp of plaats").input("emmen").run()
    assert not at.exception
    assert "Gevonden: gemeente Emmen (middelpunt, bij benadering)" in texts(at)
    assert at.selectbox(key="room_gm").value == "GM0114"
    assert "Nog geen plek gekozen" not in texts(at)  # the point shows before sending
    at = submit_named(at, "Dorpshuis")
    sent = rooms.suggestions("ACDEF")[0].data
    assert (sent["lat"], sent["lon"]) == geo.municipality_centre("GM0114")
    assert sent["location_approximate"] is True and sent["place"] == "emmen"
    assert sent["gemeente_code"] == "GM0114"


def test_a_typed_place_of_located_initiatives_takes_their_point(rooms, _private_store):
    db = store.open_store(_private_store)
    db.add({"id": "buurtkamer", "name": "Buurtkamer", "place": "Nieuw-Buinen",
            "lat": 52.962, "lon": 6.95}, "anna")
    rooms.open_workshop("ACDEF", "Anna")
    at = page(workshop="ACDEF", lang="en")
    by_label(at.text_input, "Village or town").input("nieuw buinen").run()
    assert "Found: Nieuw-Buinen (where 1 initiative on the map already is, approximate)" \
        in texts(at)
    by_label(at.text_input, "Name of the initiative").input("Buurtkamer 2")
    at = at.button(key="FormSubmitter:room_form-Send").click().run()
    sent = rooms.suggestions("ACDEF")[0].data
    assert (sent["lat"], sent["lon"]) == (52.962, 6.95)
    assert sent["location_approximate"] is True and sent["gemeente_code"] == "GM1681"


@pytest.mark.parametrize(("lang", "label", "said"), [
    ("nl", "Dorp of plaats", "Geen gemeente of bekende plaats gevonden voor ‘Nergens"),
    ("en", "Village or town", "No municipality or known place found for ‘Nergens"),
])
def test_an_unknown_place_name_is_said_and_asks_for_a_tap_or_a_municipality(
        rooms, lang, label, said):
    rooms.open_workshop("ACDEF", "Anna")
    at = page(workshop="ACDEF", lang=lang)
    by_label(at.text_input, label).input("Nergens*huizen").run()
    assert not at.exception
    warning = " ".join(str(w.value) for w in at.warning)
    assert said in warning and ("kies een gemeente" in warning or
                                "choose a municipality" in warning)
    assert "Nergens\\*huizen" in warning  # escaped: a typed * is no Markdown
    assert at.selectbox(key="room_gm").value is None
    at = at.button(key=f"FormSubmitter:room_form-{'Versturen' if lang == 'nl' else 'Send'}")\
        .click().run()
    assert rooms.suggestions("ACDEF") == []  # still no point: nothing sent


def test_the_review_dialog_finds_look_alikes_without_reading_every_record(monkeypatch, rooms,
                                                                          _private_store):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    db = store.open_store(_private_store)
    db.add({"id": "buurtbus", "name": "Buurtbus  Beerta", "lat": 53.1915, "lon": 7.0290},
           "anna")
    rooms.open_workshop("ACDEF", "Anna")
    rooms.submit("ACDEF", "phone", "ip", GOOD)
    at = unlock(page(), "geheim")
    reads = []
    real_list = type(db).list
    monkeypatch.setattr(type(db), "list", lambda self: reads.append(1) or real_list(self))
    at = by_label(at.sidebar.button, "Bekijken").click().run()
    assert not at.exception
    assert "Lijkt op een initiatief dat er al is (binnen 2 km): Buurtbus  Beerta" in " ".join(
        str(w.value) for w in at.warning)
    assert reads == []  # the look-alikes came from the page's cached frame
