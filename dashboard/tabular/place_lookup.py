"""A typed place name -> a point, without a gazetteer: "Emmen", "nieuw-buinen", "Ter Apel".

There is no offline list of Dutch places, so the name is matched (folded as the
municipality names are: case, accents and punctuation ignored) first against the
342 municipality names (-> the municipality's centre), then against the ``place``
of the initiatives that already have a point (-> that initiative's point, but only
when every located initiative with that place lies within ``AGREE_KM`` of the
others: "Hoogeveen" written beside points 40 km apart says nothing). Either way
the point is approximate: the participant or importer drags it right if they can.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from dashboard import geo
from dashboard.tabular import municipality

AGREE_KM = 5.0  # the located initiatives of one place must lie this close together

Kind = Literal["municipality", "place"]


@dataclass(frozen=True)
class PlaceMatch:
    """Where a typed name was found: ``name`` as the municipality or the records spell it."""

    kind: Kind
    name: str
    lat: float
    lon: float
    gemeente_code: str
    records: int = 0  # how many located initiatives share the place (kind "place")


@dataclass(frozen=True)
class _Place:
    name: str
    lat: float
    lon: float
    count: int


class PlaceIndex:
    """The located initiatives' places, by folded name; built once per data version."""

    def __init__(self, rows: Iterable[tuple[object, object, object]]) -> None:
        """``rows``: (place, lat, lon) per initiative; rows without a place or a point are
        skipped. A place whose points spread more than ``AGREE_KM`` is left out."""
        groups: dict[str, tuple[str, list[float], list[float]]] = {}  # key -> name, lats, lons
        for place, lat, lon in rows:
            key = municipality.name_key(str(place or ""))
            if not key or not _number(lat) or not _number(lon):
                continue
            group = groups.setdefault(key, (str(place).strip(), [], []))
            group[1].append(float(lat))  # type: ignore[arg-type]
            group[2].append(float(lon))  # type: ignore[arg-type]
        self._places: dict[str, _Place] = {}
        for key, (name, lats, lons) in groups.items():
            # The box's diagonal is at least every pairwise distance: within it, all agree.
            if geo.haversine_km(min(lats), min(lons), max(lats), max(lons)) <= AGREE_KM:
                self._places[key] = _Place(name, lats[0], lons[0], len(lats))

    def __len__(self) -> int:
        return len(self._places)

    def find(self, text: str) -> _Place | None:
        return self._places.get(municipality.name_key(text))


def _number(value: object) -> bool:
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def locate_place(text: str, places: PlaceIndex | None = None) -> PlaceMatch | None:
    """Where ``text`` is: a municipality's centre, else a known place's point, else None."""
    code = municipality.code_by_name(text)
    if code is not None:
        lat, lon = geo.municipality_centre(code)
        return PlaceMatch("municipality", municipality.name_of(code), lat, lon, code)
    found = places.find(text) if places is not None else None
    if found is None:
        return None
    hit = geo.locate(found.lon, found.lat)
    return PlaceMatch("place", found.name, found.lat, found.lon,
                      hit["statcode"] if hit else "", found.count)
