"""A typed place name is located: a municipality name (folded like the import's) gives its
centre; else a place the located initiatives agree on (within 5 km) gives their point;
else nothing."""

from __future__ import annotations

import pytest

from dashboard import geo
from dashboard.tabular.place_lookup import AGREE_KM, PlaceIndex, locate_place


@pytest.mark.parametrize(("typed", "name", "code"), [
    ("Emmen", "Emmen", "GM0114"),
    ("  EMMEN ", "Emmen", "GM0114"),
    ("sudwest fryslan", "Súdwest-Fryslân", "GM1900"),
    ("Súdwest-Fryslân", "Súdwest-Fryslân", "GM1900"),
    ("bergen nh", "Bergen (NH.)", "GM0373"),
    ("Bergen (L)", "Bergen (L.)", "GM0893"),
    ("'s-Hertogenbosch", "'s-Hertogenbosch", "GM0796"),
])
def test_a_municipality_name_gives_its_centre(typed, name, code):
    found = locate_place(typed)
    assert found is not None and (found.kind, found.name, found.gemeente_code) == (
        "municipality", name, code)
    assert (found.lat, found.lon) == geo.municipality_centre(code)
    assert geo.locate(found.lon, found.lat)["statcode"] == code


def test_a_municipality_wins_over_a_place_of_the_same_name():
    places = PlaceIndex([("Emmen", 52.0, 5.0)])
    assert locate_place("emmen", places).kind == "municipality"


def test_a_place_the_located_initiatives_agree_on_gives_their_point():
    places = PlaceIndex([
        ("Nieuw-Buinen", 52.9620, 6.9500),
        ("nieuw buinen", 52.9650, 6.9400),  # another spelling, 800 m away: agrees
        ("Nieuw-Buinen", None, None),  # no point: not counted
        ("", 52.0, 5.0),  # no place
    ])
    found = locate_place("NIEUW BUINEN", places)
    assert found is not None
    assert (found.kind, found.name, found.records) == ("place", "Nieuw-Buinen", 2)
    assert (found.lat, found.lon) == (52.9620, 6.9500)
    assert found.gemeente_code == "GM1681"  # Borger-Odoorn


def test_a_place_whose_initiatives_lie_far_apart_is_not_trusted():
    spread = 0.1  # about 11 km of latitude
    assert geo.haversine_km(53.0, 6.5, 53.0 + spread, 6.5) > AGREE_KM
    places = PlaceIndex([("Oosterhoek", 53.0, 6.5), ("Oosterhoek", 53.0 + spread, 6.5)])
    assert locate_place("Oosterhoek", places) is None
    near = PlaceIndex([("Oosterhoek", 53.0, 6.5), ("Oosterhoek", 53.02, 6.52)])
    assert locate_place("Oosterhoek", near) is not None


@pytest.mark.parametrize("typed", ["", "   ", "Nergenshuizen", "<script>", "123"])
def test_nothing_found_is_none(typed):
    assert locate_place(typed, PlaceIndex([("Ter Apel", 52.87, 7.07)])) is None
