"""The store's per-row work for an import, made fast for ordinary records, must do exactly
what the general path does: ``clean_record``'s shortcut for records of the stored types,
``json_text``'s remembered lists and ``match_key``'s remembered keys."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from dashboard.domain.record import record_defaults
from dashboard.store import base
from dashboard.store.base import (
    InvalidRecord,
    clean_record,
    json_text,
    match_key,
    stored_values,
)


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = dict(record_defaults())
    record.update(id="dorpshuis", name="Dorpshuis", place="Súdwest-Fryslân", lat=53.0,
                  lon=5.6, start_year=2020, themes=["zorg", "wonen"])
    record.update(changes)
    return record


def _general(record: object) -> dict[str, Any] | str:
    """What the general path makes of a record: the record, or the error's key."""
    try:
        return dict(base._clean_any(record))
    except InvalidRecord as exc:
        return exc.key or ""


def _fast(record: object) -> dict[str, Any] | str:
    try:
        return dict(clean_record(record))
    except InvalidRecord as exc:
        return exc.key or ""


CASES = [
    {},
    {"lat": None, "lon": None},
    {"start_year": None},
    {"lat": math.nan},
    {"lat": math.inf, "lon": 5.0},
    {"lat": 91.0},
    {"lon": -181.0},
    {"lat": None},
    {"name": "   "},
    {"id": " "},
    {"id": ""},
    {"lat": 52},  # an int: not the stored type, the general path converts it
    {"start_year": True},
    {"location_approximate": 1},
    {"themes": ("zorg",)},
    {"kind": None},
    {"summary": 3},
]


@pytest.mark.parametrize("changes", CASES, ids=[str(c) for c in CASES])
def test_clean_record_is_the_general_path(changes: dict[str, Any]) -> None:
    record = _record(**changes)
    fast, general = _fast(record), _general(record)
    assert fast == general
    if isinstance(fast, dict):
        assert list(fast) == list(general)


def test_the_shortcut_is_taken_for_a_plain_record_and_copies_it() -> None:
    record = _record()
    assert tuple(map(type, record.values())) in base._PLAIN_SIGNATURES
    cleaned = clean_record(record)
    assert cleaned == record and cleaned is not record


def test_a_record_out_of_order_or_with_a_field_missing_goes_the_general_way() -> None:
    record = _record()
    shuffled = dict(reversed(list(record.items())))
    assert list(clean_record(shuffled)) == list(record)
    del shuffled["notes"]
    assert clean_record(shuffled)["notes"] == ""
    shuffled["extra"] = 1
    with pytest.raises(InvalidRecord):
        clean_record(shuffled)


@pytest.mark.parametrize("value", [[], ["zorg"], ["zorg", "coöperatie"], [1], [1.0], [True],
                                   [{"title": "a", "url": "", "note": ""}], ["a\x00b"],
                                   ["a", "b"], [None]])
def test_json_text_is_json_dumps_also_when_remembered(value: list[Any]) -> None:
    expected = json.dumps(value, ensure_ascii=False)
    assert json_text(value) == expected
    assert json_text(list(value)) == expected  # the second time from memory


def test_json_text_keeps_1_and_true_apart() -> None:
    assert [json_text([1]), json_text([True]), json_text([1.0])] == ["[1]", "[true]", "[1.0]"]


def test_json_text_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "JSON_TEXTS_LIMIT", 5)
    monkeypatch.setattr(base, "_JSON_TEXTS", {})
    for i in range(20):
        assert json_text([f"t{i}"]) == f'["t{i}"]'
    assert len(base._JSON_TEXTS) <= 5


def test_match_key_remembered_is_match_key_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "RECENT_KEYS", 3)
    monkeypatch.setattr(base, "_recent_keys", [{}, {}])
    pairs = [(f"Dorpshuis {i}", "Súdwest-Fryslân") for i in range(10)] + [("Ä b", ""),
                                                                           ("a", "b")]
    first = [match_key(n, p) for n, p in pairs]
    again = [match_key(n, p) for n, p in pairs]
    assert first == again
    assert first[0] == "11:dorpshuis-0:sudwest-fryslan"
    assert sum(map(len, base._recent_keys)) <= 6


def test_stored_values_are_the_columns_in_field_order() -> None:
    record = clean_record(_record(outcomes=[{"label": "x", "value": 1, "unit": ""}]))
    values = stored_values(record)
    assert len(values) == len(base.FIELD_NAMES)
    for name, value in zip(base.FIELD_NAMES, values, strict=True):
        if base.FIELD_TYPES[name] == "json":
            assert value == json.dumps(record[name], ensure_ascii=False)  # type: ignore[literal-required]
        else:
            assert value == record[name] or (value is None and record[name] is None)  # type: ignore[literal-required]


@pytest.mark.parametrize("changes", [{}, {"lat": 52}, {"kind": None}, {"themes": []}])
def test_imported_record_is_added_record_of_clean_record(changes: dict[str, Any]) -> None:
    record = _record(**changes)
    imported = base.imported_record(record, "import", "2026-11-28T10:00:00Z")
    expected = base.added_record(clean_record(record), "import", "2026-11-28T10:00:00Z")
    assert imported == expected
    assert list(imported) == list(base.FIELD_NAMES)
    assert stored_values(imported, ordered=True) == stored_values(expected)


def test_gpkg_point_blob_is_unchanged() -> None:
    import struct

    from dashboard.store.gpkg_format import blob_xy, gpkg_point

    blob = gpkg_point(5.6, 53.0)
    assert blob == b"GP" + struct.pack("<BBi", 0, 1, 4326) + struct.pack("<BIdd", 1, 1, 5.6, 53.0)
    assert blob_xy(blob) == (5.6, 53.0)
