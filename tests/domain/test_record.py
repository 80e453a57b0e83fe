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
