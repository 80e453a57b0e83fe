"""Point -> municipality lookup on the shipped layers."""

from __future__ import annotations

import math

import numpy as np

from dashboard import geo


def test_oostburg_lies_in_sluis_a_krimpregio():
    hit = geo.locate(3.488, 51.326)
    assert hit == {
        "statcode": "GM1714", "statnaam": "Sluis", "provincie": "Zeeland",
        "regio": "Zeeuws-Vlaanderen", "regiotype": "krimpregio",
    }


def test_the_dam_lies_in_amsterdam_outside_any_region():
    hit = geo.locate(4.8926, 52.3731)
    assert hit is not None
    assert (hit["statnaam"], hit["regio"], hit["regiotype"]) == ("Amsterdam", "", "")


def test_north_sea_and_nan_are_outside():
    assert geo.locate(3.5, 53.5) is None
    assert geo.locate(math.nan, 52.0) is None
    assert geo.locate(-0.12, 51.5) is None  # London


def test_locate_many_is_vectorised_and_keeps_order():
    lons = [3.488, 3.5, 7.10, 4.8926]
    lats = [51.326, 53.5, 52.96, 52.3731]
    frame = geo.locate_many(lons, lats)
    assert list(frame["statnaam"].fillna("-")) == ["Sluis", "-", "Westerwolde", "Amsterdam"]
    assert frame.loc[2, "regio"] == "Oost-Groningen"


def test_locate_many_handles_thousands_of_points():
    rng = np.random.default_rng(7)
    frame = geo.locate_many(rng.uniform(3.4, 7.2, 5000), rng.uniform(50.8, 53.5, 5000))
    assert len(frame) == 5000
    assert frame["statcode"].notna().sum() > 1000


def test_point_just_off_the_simplified_coast_snaps_to_nearest():
    # Harbour mole at IJmuiden, a few hundred metres beyond the simplified coastline.
    hit = geo.locate(4.5600, 52.4650)
    assert hit is not None and hit["statnaam"] == "Velsen"
