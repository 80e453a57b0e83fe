"""The room contributes, without a page: codes, the participant link and its QR code,
device tokens, checking a suggestion, and approve/merge/reject/bulk approve."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from dashboard import store as store_mod
from dashboard.store import Conflict
from dashboard.store.rooms import rooms_of
from dashboard.workshop import room

UTRECHT = (52.0907, 5.1214)
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture
def db(_private_store):
    return store_mod.open_store(_private_store)


@pytest.fixture
def rooms(db):
    rooms = rooms_of(db)
    rooms.open_workshop("ACDEF", "Anna")
    return rooms


def form(**values):
    base = {"name": "Dorpshuis De Kern", "lat": UTRECHT[0], "lon": UTRECHT[1],
            "themes": ["zorg"], "description": "Buren helpen buren.", "link": "",
            "first_name": "Ria", "place": "Utrecht"}
    return {**base, **values}


# --- codes, link, QR ------------------------------------------------------------------------


def test_codes_use_only_unambiguous_characters_and_are_read_forgivingly():
    codes = {room.new_code() for _ in range(200)}
    assert all(len(c) == 5 and set(c) <= set(room.CODE_ALPHABET) for c in codes)
    assert not set("0O1IL2Z5S8B") & set(room.CODE_ALPHABET)
    assert room.normalise_code(" acd-ef ") == "ACDEF"
    assert room.normalise_code("AC0EF") == "" and room.normalise_code("ACD") == ""
    assert room.normalise_code("<script>") == ""


def test_the_link_uses_the_public_url_when_set_else_the_facilitators_address():
    assert room.participant_link("http://192.168.1.20:8501/?mode=presentatie", "ACDEF") == \
        "http://192.168.1.20:8501/?workshop=ACDEF"
    assert room.participant_link("http://localhost:8501/", "ACDEF",
                                 "https://kaart.example.nl/krimp") == \
        "https://kaart.example.nl/krimp?workshop=ACDEF"


def test_the_qr_code_decodes_to_the_participant_link():
    link = "https://kaart.example.nl/krimp?workshop=ACDEF"
    image = Image.open(io.BytesIO(room.qr_png(link)))
    found = zxingcpp.read_barcodes(image)
    assert [f.text for f in found] == [link]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode


# --- device tokens --------------------------------------------------------------------------


def test_device_tokens_are_signed_and_a_forged_one_is_refused():
    token = room.new_device_token("secret")
    device = room.device_of(token, "secret")
    assert device and token.startswith(device + ".")
    assert room.device_of(token, "other secret") is None
    assert room.device_of(device + ".AAAAAAAAAAAAAAAA", "secret") is None
    for bad in (None, "", "x", "a.b.c", 42, "ä." + token.split(".")[1]):
        assert room.device_of(bad, "secret") is None


def test_the_device_secret_is_one_per_store(db):
    assert room.device_secret(rooms_of(db)) == room.device_secret(rooms_of(db))


# --- checking a suggestion ------------------------------------------------------------------


def test_a_good_suggestion_is_cleaned_and_placed_in_its_municipality():
    checked = room.check_suggestion(form(name="  Dorpshuis   De Kern ", link="dekern.nl",
                                         id="klushuizen-oostburg", created_at="x"))
    assert checked.ok, checked.problems
    assert checked.data["name"] == "Dorpshuis De Kern"
    assert checked.data["link"] == "https://dekern.nl"
    assert checked.data["gemeente_code"] == "GM0344"
    assert (checked.data["kind"], checked.data["scope"]) == ("initiatief", "lokaal")
    assert "id" not in checked.data and "created_at" not in checked.data


@pytest.mark.parametrize(("values", "key"), [
    ({"name": ""}, "room_name_required"),
    ({"name": "x" * 121}, "room_too_long"),
    ({"description": "y" * 401}, "room_too_long"),
    ({"first_name": "Ria\u202e"}, "room_control_char"),
    ({"link": "javascript:alert(1)"}, "room_link_invalid"),
    ({"link": "ftp://example.org/x"}, "room_link_invalid"),
    ({"link": 'https://x.nl/"><script>'}, "room_link_invalid"),
    ({"lat": None, "lon": None}, "room_where_required"),
    ({"lat": 48.85, "lon": 2.35}, "room_outside_nl"),  # Paris
    ({"lat": 52.5, "lon": 3.5}, "room_outside_nl"),  # the North Sea, inside the box
    ({"lat": "NaN", "lon": 5}, "room_outside_nl"),
    ({"themes": ["<b>"]}, "room_themes_unknown"),
])
def test_bad_input_gets_a_friendly_message_in_both_languages(values, key):
    checked = room.check_suggestion(form(**values))
    assert [p.key for p in checked.problems] == [key]
    nl, en = checked.problems[0].text("nl"), checked.problems[0].text("en")
    assert nl and en and nl != en
    assert "first_name" not in nl  # the form's own label, not the field's name


def test_submit_stores_a_pending_suggestion_and_never_an_initiative(db, rooms):
    before = (db.version(), len(db.list()))
    suggestion, problems = room.submit(rooms, "ACDEF", "dev", "ip",
                                       form(id="klushuizen-oostburg", name="Nieuw"))
    assert problems == [] and suggestion.status == "pending"
    assert (db.version(), len(db.list())) == before
    assert db.get("klushuizen-oostburg")["name"] != "Nieuw"
    bad, problems = room.submit(rooms, "ACDEF", "dev", "ip", form(name=""))
    assert bad is None and problems
    assert len(rooms.suggestions("ACDEF")) == 1


# --- decisions ------------------------------------------------------------------------------


def _pending(rooms, **values):
    suggestion, problems = room.submit(rooms, "ACDEF", "dev", "ip", form(**values))
    assert not problems
    return suggestion


def test_approve_adds_the_initiative_with_where_it_came_from(db, rooms):
    suggestion = _pending(rooms, link="https://dekern.nl")
    version = db.version()
    added = room.approve(db, suggestion, "Anna")
    assert db.version() > version
    record = db.get(added["id"])
    assert record["name"] == "Dorpshuis De Kern" and record["summary"] == "Buren helpen buren."
    assert record["author"] == "Anna" and record["kind"] == "initiatief"
    assert record["sources"][0]["title"] == "Workshop ACDEF"
    assert record["sources"][1]["url"] == "https://dekern.nl"
    change = db.history(limit=1)[0]
    assert change.action == "add" and change.after["sources"][0]["title"] == "Workshop ACDEF"
    decided = rooms.suggestion(suggestion.seq)
    assert (decided.status, decided.record_id) == ("approved", added["id"])
    with pytest.raises(Conflict):
        room.approve(db, suggestion, "Bert")  # the other facilitator was a moment late
    assert len([r for r in db.list() if r["name"] == "Dorpshuis De Kern"]) == 1


def test_a_failed_add_leaves_the_suggestion_pending(db, rooms, monkeypatch):
    suggestion = _pending(rooms)

    def broken(*_args, **_kwargs):
        raise store_mod.StoreBusy(key="store_locked", path="x", seconds=10)

    monkeypatch.setattr(db, "add", broken)
    with pytest.raises(store_mod.StoreBusy):
        room.approve(db, suggestion, "Anna")
    assert rooms.suggestion(suggestion.seq).status == "pending"


def test_merge_keeps_the_record_and_adds_the_note_and_the_link(db, rooms):
    target = db.get("klushuizen-oostburg")
    suggestion = _pending(rooms, description="Ze doen nu ook tuinen.",
                          link="https://klushuizen.nl/tuin")
    merged = room.merge(db, suggestion, "klushuizen-oostburg", "Anna")
    assert merged["name"] == target["name"] and merged["lat"] == target["lat"]
    assert merged["notes"].endswith("Workshop ACDEF: Ze doen nu ook tuinen.")
    assert merged["sources"][:-1] == target["sources"]
    assert merged["sources"][-1]["url"] == "https://klushuizen.nl/tuin"
    assert rooms.suggestion(suggestion.seq).status == "merged"


def test_reject_and_duplicates_within_two_km(db, rooms):
    existing = db.get("klushuizen-oostburg")
    near = _pending(rooms, name="Klushuizen in krimp", lat=existing["lat"] + 0.005,
                    lon=existing["lon"])
    assert [r["id"] for r in room.duplicates(db.list(), near)] == ["klushuizen-oostburg"]
    far = _pending(rooms, name="Klushuizen in krimp")  # in Utrecht: far away
    assert room.duplicates(db.list(), far) == []
    room.reject(db, near, "Anna")
    assert rooms.suggestion(near.seq).status == "rejected"
    assert db.get("klushuizen-oostburg") == existing


def test_bulk_approve_takes_only_complete_suggestions(db, rooms):
    good = [_pending(rooms, name=f"Initiatief {n}") for n in range(3)]
    incomplete = rooms.submit("ACDEF", "dev", "ip", {"name": "Zonder plek", "kind": "initiatief",
                                                     "scope": "lokaal", "lat": None})
    assert not room.complete(incomplete) and all(room.complete(s) for s in good)
    outcome = room.approve_all(db, rooms.suggestions("ACDEF"), "Anna")
    assert sorted(r["name"] for r in outcome.approved) == [f"Initiatief {n}" for n in range(3)]
    assert outcome.skipped == [incomplete] and outcome.failed == []
    assert [s.data["name"] for s in rooms.suggestions("ACDEF")] == ["Zonder plek"]


def test_script_payloads_are_stored_as_text(db, rooms):
    suggestion = _pending(rooms, name=XSS[:120], description=XSS, place=XSS[:100],
                          first_name=XSS[:40])
    added = db.get(room.approve(db, suggestion, "Anna")["id"])
    assert added["name"] == XSS[:120] and added["summary"] == XSS


def test_records_near_holds_every_record_within_the_radius_and_few_beyond():
    import random

    import pandas as pd

    from dashboard import geo
    from dashboard.query import initiatives_frame

    rng = random.Random(7)
    records = [{"id": f"r{i}", "name": f"R {i}", "lat": 53.0 + rng.uniform(-0.3, 0.3),
                "lon": 6.5 + rng.uniform(-0.5, 0.5)} for i in range(3000)]
    records.append({"id": "nowhere", "name": "Zonder punt", "lat": None, "lon": None})
    frame = initiatives_frame(records)
    for radius in (2.0, 10.0):
        near = room.records_near(frame, 53.0, 6.5, radius)
        ids = {r["id"] for r in near}
        within = {r["id"] for r in records if r["lat"] is not None
                  and geo.haversine_km(53.0, 6.5, r["lat"], r["lon"]) <= radius}
        assert within and within <= ids  # none missed
        assert len(ids) <= 1.4 * len(within) + 3  # a box, not the whole frame
        assert "nowhere" not in ids
    assert room.records_near(pd.DataFrame(), 53.0, 6.5, 2.0) == []
    assert set(near[0]) == {"id", "name", "lat", "lon"}
