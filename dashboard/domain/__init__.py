"""The initiative record and its vocabularies (no I/O, no Streamlit).

Validation lives in ``dashboard.domain.validation``; it is not imported here
because it locates points with ``dashboard.geo`` (geopandas), and the store
only needs the field list.
"""

from dashboard.domain.record import (
    FIELD_TYPES,
    LIMITS,
    LIST_FIELDS,
    RECORD_FIELDS,
    YEAR_RANGE,
    Initiative,
    Outcome,
    Source,
    fmt_number,
    is_empty,
    parse_number,
)
from dashboard.domain.vocab import (
    ACTORS,
    KINDS,
    PARTICIPATION,
    POINTLESS_SCOPES,
    SCOPES,
    STATUSES,
    THEMES,
    VOCABULARIES,
    Vocabulary,
)

__all__ = [
    "ACTORS", "FIELD_TYPES", "KINDS", "LIMITS", "LIST_FIELDS", "PARTICIPATION",
    "POINTLESS_SCOPES", "RECORD_FIELDS", "SCOPES", "STATUSES", "THEMES", "VOCABULARIES",
    "YEAR_RANGE", "Initiative", "Outcome", "Source", "Vocabulary", "fmt_number", "is_empty",
    "parse_number",
]
