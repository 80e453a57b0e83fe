"""Live editing core: duplicate warnings, municipality centres, form records, edits, undo."""

from __future__ import annotations

import pytest

from dashboard import geo
from dashboard.domain import validation
from dashboard.store import GeoPackageStore, read_seed
from dashboard.workshop import editing
from dashboard.workshop.editing import (
    apply_edit,
    location_is_approximate,
    municipality_centre,
    nearby_similar,
    new_record_from_form,
    undo_for_session,
)

SEED = read_seed("geodata/initiatieven.geojson")
OOSTBURG = (51.3264, 3.4931)  # the seed point of KLUShuizen in Krimp

FULL_FORM = {
    "name": "Dorpstuin Oostburg", "kind": "initiatief", "themes": ["leefbaarheid", "natuur"],
    "place": "", "summary": "Bewoners beheren samen een moestuin.", "description": "",
}


@pytest.fixture
def store(tmp_path):
    return GeoPackageStore.create(tmp_path / "s.gpkg", [])


def _ok(result: validation.ValidationResult) -> dict:
    assert result.ok, result.errors
    return result.record


# --- nearby_similar -------------------------------------------------------------------------


def test_nearby_similar_finds_the_same_initiative_close_by():
    lat, lon = OOSTBURG[0] + 0.004, OOSTBURG[1] + 0.003  # about 500 m away
    for name in ("KLUShuizen in Krimp", "Klushuizen in krimp!", "KLUS-huizen in Krimp",
                 "KLUShuizen"):
        found = nearby_similar(SEED, name, lat, lon)
        assert [r["id"] for r in found] == ["klushuizen-oostburg"], name


def test_nearby_similar_ignores_other_names_and_far_points():
    assert nearby_similar(SEED, "Dorpstuin Oostburg", *OOSTBURG) == []
    far = (OOSTBURG[0] + 0.045, OOSTBURG[1])  # 5 km north
    assert editing.haversine_km(*OOSTBURG, *far) == pytest.approx(5.0, abs=0.1)
    assert nearby_similar(SEED, "KLUShuizen in Krimp", *far) == []
    assert nearby_similar(SEED, "KLUShuizen in Krimp", *OOSTBURG,
                          exclude_id="klushuizen-oostburg") == []


def test_nearby_similar_skips_records_without_a_point_and_sorts_by_distance():
    records = [
        {"id": "far", "name": "Buurttuin", "lat": 52.010, "lon": 5.0},
        {"id": "none", "name": "Buurttuin", "lat": None, "lon": None},
        {"id": "near", "name": "De Buurttuin", "lat": 52.001, "lon": 5.0},
    ]
    assert [r["id"] for r in nearby_similar(records, "buurttuin", 52.0, 5.0)] == ["near", "far"]


def test_similar_names_needs_more_than_a_tiny_overlap():
    assert editing.similar_names("Ganzedijk", "ganzedijk")
    assert editing.similar_names("Dorpstuin", "Dorpstuin Oostburg")  # one contains the other
    assert not editing.similar_names("Aa", "Stichting Boermarke Essen en Aa's")
    assert not editing.similar_names("", "Ganzedijk")


# --- municipality centres -------------------------------------------------------------------


@pytest.mark.parametrize("code", ["GM1714", "GM0448", "GM1950", "GM0363", "GM1895", "GM0677"])
def test_municipality_centre_lies_inside(code):
    lat, lon = municipality_centre(code)
    assert geo.locate(lon, lat)["statcode"] == code


@pytest.mark.slow
def test_every_municipality_centre_lies_inside():
    codes = list(geo.municipalities()["statcode"])
    points = [municipality_centre(c) for c in codes]
    found = geo.locate_many([p[1] for p in points], [p[0] for p in points])
    assert list(found["statcode"]) == codes


def test_municipality_centre_accepts_short_codes_and_refuses_unknown_ones():
    assert municipality_centre("1714") == municipality_centre("GM1714")
    with pytest.raises(KeyError):
        municipality_centre("GM9999")


# --- new records from the quick-add form ----------------------------------------------------


def test_half_filled_form_names_the_fields():
    result = new_record_from_form({"kind": "initiatief", "themes": ["wonen"]},
                                  point_source="click")
    assert not result.ok and result.record is None
    fields = {p.field for p in result.errors}
    assert {"name", "location"} <= fields
    expected = validation.validate({"kind": "initiatief", "themes": ["wonen"]})
    assert [p.message for p in result.errors] == [p.message for p in expected.errors]


def test_gemeente_placement_without_or_with_a_bad_code():
    result = new_record_from_form(FULL_FORM, point_source="gemeente")
    assert [p.field for p in result.errors] == ["location"]
    result = new_record_from_form({**FULL_FORM, "gemeente_code": "GM9999"},
                                  point_source="gemeente")
    assert [p.field for p in result.errors] == ["gemeente_code"]
    (problem,) = result.errors
    assert problem.key == "place_code_unknown" and problem.params["code"] == "GM9999"
    assert problem.text("nl") == ("Gemeentecode GM9999 is geen gemeentecode (CBS 2024); kies "
                                  "een gemeente uit de lijst")
    assert problem.text("en") == ("Municipality code GM9999 is not a municipality code "
                                  "(CBS 2024); choose a municipality from the list")
    result = new_record_from_form({**FULL_FORM, "gemeente_code": "Sluis?"},
                                  point_source="gemeente")
    assert "gemeente_code" in {p.field for p in result.errors}


def test_full_form_with_a_click():
    form = {**FULL_FORM, "lat": OOSTBURG[0] + 0.0012345678, "lon": OOSTBURG[1]}
    record = _ok(new_record_from_form(form, point_source="click", existing_ids={"x"}))
    assert record["id"] == "dorpstuin-oostburg"
    assert record["gemeente_code"] == "GM1714" and record["place"] == "Sluis"
    assert record["scope"] == "lokaal" and record["themes"] == ["leefbaarheid", "natuur"]
    assert record["lat"] == round(OOSTBURG[0] + 0.0012345678, 6)
    assert not location_is_approximate(record) and record["location_approximate"] is False


def test_a_clicked_point_on_a_municipality_centre_is_exact_and_stays_so():
    """The flag is stored now: a point dragged onto the centre is not taken for a guess."""
    lat, lon = municipality_centre("GM1714")
    record = _ok(new_record_from_form({**FULL_FORM, "lat": lat, "lon": lon},
                                      point_source="click"))
    assert record["location_approximate"] is False and not location_is_approximate(record)
    rough = _ok(new_record_from_form({**FULL_FORM, "lat": lat + 0.01, "lon": lon,
                                      "location_approximate": True}, point_source="click"))
    assert location_is_approximate(rough)


def test_a_record_from_before_the_field_is_judged_by_the_centre():
    lat, lon = municipality_centre("GM1714")
    old = {"gemeente_code": "GM1714", "lat": lat, "lon": lon}
    assert location_is_approximate(old)
    assert not location_is_approximate({**old, "lat": lat + 0.01})


def test_click_ignores_a_stale_municipality_choice():
    form = {**FULL_FORM, "lat": OOSTBURG[0], "lon": OOSTBURG[1], "gemeente_code": "GM0363"}
    assert _ok(new_record_from_form(form, point_source="click"))["gemeente_code"] == "GM1714"


def test_full_form_placed_by_municipality_is_approximate():
    form = {**FULL_FORM, "gemeente_code": "1714", "lat": 1.0, "lon": 1.0}
    record = _ok(new_record_from_form(form, point_source="gemeente"))
    assert (record["lat"], record["lon"]) == municipality_centre("GM1714")
    assert record["gemeente_code"] == "GM1714"
    assert record["place"] == "Sluis"
    assert location_is_approximate(record) and record["location_approximate"] is True
    named = _ok(new_record_from_form({**form, "place": "Oostburg"}, point_source="gemeente"))
    assert named["place"] == "Oostburg"


def test_generated_id_avoids_taken_ones_and_system_fields_are_ignored():
    form = {**FULL_FORM, "lat": OOSTBURG[0], "lon": OOSTBURG[1], "id": "Mijn Id",
            "author": "mallory", "created_at": "nonsense"}
    record = _ok(new_record_from_form(form, point_source="click",
                                      existing_ids={"dorpstuin-oostburg"}))
    assert record["id"] == "dorpstuin-oostburg-sluis"
    assert record["author"] == "" and record["created_at"] == ""


def test_unknown_point_source():
    with pytest.raises(ValueError, match="point_source"):
        new_record_from_form(FULL_FORM, point_source="gps")  # type: ignore[arg-type]


# --- edits ----------------------------------------------------------------------------------


def test_apply_edit_keeps_id_location_and_timestamps(store):
    seed = next(r for r in SEED if r["id"] == "klushuizen-oostburg")
    stored = store.add(_ok(validation.validate(seed)), "seed")
    record = _ok(apply_edit(stored, {"summary": "Nieuw", "lat": 1.0, "id": "anders"}))
    assert record["id"] == "klushuizen-oostburg" and record["summary"] == "Nieuw"
    assert (record["lat"], record["lon"]) == (stored["lat"], stored["lon"])
    assert record["updated_at"] == stored["updated_at"]
    store.update(record, "Anna", expected_updated_at=stored["updated_at"])


def test_apply_edit_reports_errors():
    record = _ok(new_record_from_form({**FULL_FORM, "lat": OOSTBURG[0], "lon": OOSTBURG[1]},
                                      point_source="click"))
    result = apply_edit(record, {"name": "", "themes": ["woningen"]})
    assert {p.field for p in result.errors} == {"name", "themes"}


def test_apply_edit_moves_to_another_municipality():
    record = _ok(new_record_from_form({**FULL_FORM, "gemeente_code": "GM1714"},
                                      point_source="gemeente"))
    form = {"gemeente_code": "GM1950", "place": record["place"]}  # the form sends every field
    moved = _ok(apply_edit(record, form, point_source="gemeente"))
    assert moved["gemeente_code"] == "GM1950" and moved["place"] == "Westerwolde"
    assert location_is_approximate(moved)
    clicked = _ok(apply_edit(moved, {"lat": 53.04, "lon": 7.1, "place": "Veele"},
                             point_source="click"))
    assert clicked["place"] == "Veele" and not location_is_approximate(clicked)


# --- undo -----------------------------------------------------------------------------------


def _add(store, name: str, author: str) -> dict:
    form = {**FULL_FORM, "name": name, "lat": OOSTBURG[0], "lon": OOSTBURG[1]}
    record = _ok(new_record_from_form(form, point_source="click",
                                      existing_ids={r["id"] for r in store.list()}))
    return store.add(record, author)


def test_undo_own_add(store):
    added = _add(store, "Dorpstuin", "Anna")
    other = _add(store, "Repair Café", "Bert")
    assert undo_for_session(store, "Anna") == (True, "undo_done",
                                               {"name": "Dorpstuin", "undone": "add"})
    assert store.get(added["id"]) is None
    assert store.get(other["id"]) is not None  # Bert's change is not Anna's to undo


def test_undo_own_update_and_delete(store):
    added = _add(store, "Dorpstuin", "Anna")
    store.update({**added, "summary": "Anders"}, "Anna")
    ok, key, values = undo_for_session(store, "Anna")
    assert ok and key == "undo_done" and values["undone"] == "update"
    assert store.get(added["id"])["summary"] == added["summary"]
    store.delete(added["id"], "Anna")
    ok, _, values = undo_for_session(store, "Anna")
    assert ok and values["undone"] == "delete" and store.get(added["id"]) is not None


def test_undo_refused_when_someone_changed_the_record_since(store):
    added = _add(store, "Dorpstuin", "Anna")
    store.update({**added, "summary": "Door Bert"}, "Bert")
    ok, key, values = undo_for_session(store, "Anna")
    assert not ok and key == "undo_conflict"
    assert values["name"] == "Dorpstuin" and values["by"] == "Bert" and values["at"]
    assert store.get(added["id"])["summary"] == "Door Bert"


def test_undo_works_back_through_ones_own_successive_changes(store):
    """add, edit, edit, undo, undo, undo: the second undo used to be refused as
    "changed by <the same user>"."""
    added = _add(store, "Dorpstuin", "Anna")
    first = store.update({**added, "summary": "Eerste"}, "Anna")
    store.update({**first, "summary": "Tweede"}, "Anna")
    for undone, summary in (("update", "Eerste"), ("update", added["summary"])):
        assert undo_for_session(store, "Anna") == (True, "undo_done",
                                                   {"name": "Dorpstuin", "undone": undone})
        assert store.get(added["id"])["summary"] == summary
    assert undo_for_session(store, "Anna")[2]["undone"] == "add"
    assert store.get(added["id"]) is None
    assert undo_for_session(store, "Anna") == (False, "undo_nothing", {})


def test_undo_after_own_undo_names_who_changed_the_record_in_between(store):
    added = _add(store, "Dorpstuin", "Anna")
    berts = store.update({**added, "summary": "Door Bert"}, "Bert")
    store.update({**berts, "summary": "Weer Anna"}, "Anna")
    assert undo_for_session(store, "Anna").ok
    ok, key, values = undo_for_session(store, "Anna")
    assert (ok, key, values["name"], values["by"]) == (False, "undo_conflict", "Dorpstuin",
                                                        "Bert")
    assert values["at"] == berts["updated_at"]
    assert store.get(added["id"])["summary"] == "Door Bert"


def test_undo_refused_when_someone_deleted_the_record_since(store):
    added = _add(store, "Dorpstuin", "Anna")
    store.delete(added["id"], "Bert")
    assert undo_for_session(store, "Anna") == (False, "undo_conflict_deleted",
                                               {"name": "Dorpstuin"})


def test_nothing_to_undo(store):
    assert undo_for_session(store, "Anna") == (False, "undo_nothing", {})
    _add(store, "Dorpstuin", "Anna")
    assert undo_for_session(store, "Anna").ok
    assert undo_for_session(store, "Anna") == (False, "undo_nothing", {})
    assert undo_for_session(store, "")[1] == "author_required"


def test_a_failed_undo_carries_the_store_message_for_the_page_to_translate(store, monkeypatch):
    from dashboard.i18n import msg, t
    from dashboard.store import StoreError

    def broken(author=None):
        raise StoreError(key="store_sqlite", path="kaart.gpkg", error="disk I/O error")

    monkeypatch.setattr(store, "undo_last", broken)
    ok, key, values = undo_for_session(store, "Anna")
    assert (ok, key) == (False, "undo_failed")
    assert values == {"error": msg("store_sqlite", path="kaart.gpkg", error="disk I/O error")}
    assert t(key, "nl", **values) == "Ongedaan maken mislukt: kaart.gpkg: disk I/O error"
    assert t(key, "en", **values) == "Undo failed: kaart.gpkg: disk I/O error"


def test_undo_own_import_removes_all_of_it(store):
    """A facilitator's import is one change: undo takes all its records out, and says so;
    when one of them was edited since, the store's reason is shown."""
    records = [{"id": f"zaal-{i}", "name": f"Zaal {i}", "lat": 52.78, "lon": 6.9}
               for i in range(3)]
    store.import_records(records, "Anna")
    assert undo_for_session(store, "Anna") == (True, "undo_done_import", {"n": 3})
    assert all(store.get(f"zaal-{i}") is None for i in range(3))
    store.import_records(records, "Anna")
    store.update({**store.get("zaal-1"), "summary": "bijgewerkt"}, "Bert")
    ok, key, values = undo_for_session(store, "Anna")
    assert (ok, key) == (False, "undo_failed")
    assert values["error"].text("en").startswith(
        "cannot undo the import of 3 initiatives: 'Zaal 1' from it was changed by Bert at ")
    assert store.get("zaal-0") is not None
