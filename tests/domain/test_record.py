"""The typed record and the dataclass describe the same fields, in the same order."""

from __future__ import annotations

from typing import get_type_hints

from dashboard.domain.record import FIELD_TYPES, RECORD_FIELDS, Initiative, Record


def test_record_typeddict_matches_the_dataclass_and_the_store_columns() -> None:
    assert tuple(get_type_hints(Record)) == RECORD_FIELDS
    assert tuple(FIELD_TYPES) == RECORD_FIELDS
    hints, fields = get_type_hints(Record), get_type_hints(Initiative)
    scalar = [n for n in RECORD_FIELDS if n not in ("outcomes", "sources")]
    assert {n: hints[n] for n in scalar} == {n: fields[n] for n in scalar}
    assert set(Initiative(id="a", name="A").to_dict()) == set(RECORD_FIELDS)


def test_location_approximate_is_a_bool_field_defaulting_to_exact() -> None:
    assert FIELD_TYPES["location_approximate"] == "bool"
    assert [n for n, kind in FIELD_TYPES.items() if kind == "bool"] == ["location_approximate"]
    assert Initiative(id="a", name="A").to_dict()["location_approximate"] is False


def test_parse_flag() -> None:
    import pytest

    from dashboard.domain.record import parse_flag

    for value in (True, 1, "ja", " JA ", "yes", "true", "waar", "x", "1", 1.0):
        assert parse_flag(value) is True, value
    for value in (False, 0, "nee", "No", "false", "onwaar", "0"):
        assert parse_flag(value) is False, value
    for value in (None, "", "  ", float("nan")):
        assert parse_flag(value) is None, value
    for value in ("misschien", 2, "tru", [True]):
        with pytest.raises(ValueError):
            parse_flag(value)
