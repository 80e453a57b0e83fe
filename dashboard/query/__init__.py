"""What the user asks to see: URL state, the initiatives frame, filters with counts.

``profiles`` (initiative details, municipality and region profiles) is a
submodule of its own: ``from dashboard.query import profiles``; ``timeline`` (the
start-year timeline) is exported here.
"""

from dashboard.query import timeline
from dashboard.query.filtering import apply, describe, facet_counts, is_spatial, unbound
from dashboard.query.frame import initiatives_frame
from dashboard.query.refresh import FrameRead, NewestFrames, read_frame, refreshed_frame
from dashboard.query.state import (
    BASEMAP_KEYS,
    FACET_BY_KEY,
    FACET_VOCABULARIES,
    FACETS,
    FILTER_KEYS,
    MODES,
    REGIOTYPES,
    URL_KEYS,
    VIEW_KEYS,
    WORKSHOP_KEYS,
    YEAR_MAX,
    YEAR_MIN,
    ZOOM_MAX,
    ZOOM_MIN,
    Facet,
    FilterState,
    Notice,
    ParsedQuery,
    ViewState,
    allowed_values,
    format_zoom,
    parse_query,
    to_query,
)

__all__ = [
    "BASEMAP_KEYS", "FACETS", "FACET_BY_KEY", "FACET_VOCABULARIES", "FILTER_KEYS", "MODES",
    "REGIOTYPES", "URL_KEYS", "VIEW_KEYS", "WORKSHOP_KEYS", "YEAR_MAX", "YEAR_MIN", "ZOOM_MAX",
    "ZOOM_MIN", "Facet", "FilterState", "FrameRead", "NewestFrames", "Notice", "ParsedQuery",
    "ViewState", "allowed_values", "apply", "describe", "facet_counts", "format_zoom",
    "initiatives_frame", "is_spatial", "parse_query", "read_frame", "refreshed_frame", "timeline",
    "to_query", "unbound",
]
