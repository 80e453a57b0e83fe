"""The filter and view state, and the URL query string that carries it.

``FilterState`` (what the user narrowed the initiatives to) and ``ViewState``
(what they look at) map to the Dutch URL keys (``thema``, ``regio``, ``van`` …)
so a copied link reopens the same view; odd input becomes a notice, never an error.
A notice is a pair of catalog messages (what was wrong, what was done instead), so
the page shows it in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from dashboard import geo
from dashboard.domain.vocab import (
    ACTORS,
    KINDS,
    PARTICIPATION,
    SCOPES,
    STATUSES,
    THEMES,
    Vocabulary,
)
from dashboard.i18n import Message, msg, t
from dashboard.text import slugify

YEAR_MIN, YEAR_MAX = 1800, 2100
REGIOTYPES = ("krimpregio", "anticipeerregio", "geen")
BASEMAP_KEYS = ("pdok-grijs", "pdok-pastel", "pdok-standaard", "osm", "geen")
MODES = ("presentatie",)
# The zoom levels a link may ask for: the web map's range (webmap/basemap.py).
ZOOM_MIN, ZOOM_MAX = 4, 17


@dataclass(frozen=True)
class Facet:
    """One multi-select filter: URL key, record column, and whether the column is a list."""

    key: str
    column: str
    is_list: bool = False
    spatial: bool = False  # keeps only records located there (see filtering.unbound)


FACETS: tuple[Facet, ...] = (
    Facet("thema", "themes", is_list=True),
    Facet("soort", "kind"),
    Facet("regiotype", "regiotype", spatial=True),
    Facet("regio", "regio_slug", spatial=True),
    Facet("provincie", "provincie_slug", spatial=True),
    Facet("participatie", "participation"),
    Facet("actor", "actors", is_list=True),
    Facet("schaal", "scope"),
    Facet("status", "status"),
)
FACET_BY_KEY = {f.key: f for f in FACETS}
FACET_VOCABULARIES: dict[str, Vocabulary] = {
    "thema": THEMES, "soort": KINDS, "participatie": PARTICIPATION, "actor": ACTORS,
    "schaal": SCOPES, "status": STATUSES,
}

# The single registry of URL keys: filters, view and workshop state.
FILTER_KEYS = ("q", *(f.key for f in FACETS), "van", "tot", "zonderjaar")
VIEW_KEYS = ("id", "gm", "gebied", "kaart", "lang", "laag", "bbox", "centrum", "zoom", "jaar")
WORKSHOP_KEYS = ("mode", "tour", "stap")
URL_KEYS = FILTER_KEYS + VIEW_KEYS + WORKSHOP_KEYS


@dataclass(frozen=True)
class FilterState:
    """What the user narrowed the initiatives to. Empty tuples mean 'no filter'."""

    q: str = ""
    thema: tuple[str, ...] = ()
    soort: tuple[str, ...] = ()
    regiotype: tuple[str, ...] = ()
    regio: tuple[str, ...] = ()
    provincie: tuple[str, ...] = ()
    participatie: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    schaal: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    van: int | None = None
    tot: int | None = None
    zonderjaar: bool = True

    def is_empty(self) -> bool:
        return self == FilterState()

    def values(self, key: str) -> tuple[str, ...]:
        return getattr(self, key)


@dataclass(frozen=True)
class ViewState:
    """What the user looks at, beside the filters: selection, basemap, language, mode."""

    id: str = ""
    gm: str = ""
    gebied: str = ""  # slug of the region whose profile is open
    kaart: str = "pdok-grijs"
    lang: str = "nl"
    laag: str = ""  # "bevolking" shows the population-change layer
    bbox: tuple[float, float, float, float] | None = None  # older links: the map's bounds
    centrum: tuple[float, float] | None = None  # (lat, lon): with zoom, the exact view
    zoom: float | None = None
    jaar: int | None = None  # the timeline's year: initiatives started up to then
    mode: str = ""
    tour: str = ""
    stap: int = 0


@dataclass(frozen=True)
class Notice:
    """Part of a link that was ignored or replaced: what was wrong, and what was done."""

    problem: Message
    action: Message

    def text(self, lang: str) -> str:
        return t("notice", lang, problem=self.problem, action=self.action)


IGNORED = msg("notice_ignored")


@dataclass
class ParsedQuery:
    filters: FilterState
    view: ViewState
    notices: list[Notice] = field(default_factory=list)


# --------------------------------------------------------------------------- allowed values


def allowed_values(key: str) -> tuple[str, ...]:
    """The slugs a facet accepts."""
    if key in FACET_VOCABULARIES:
        return FACET_VOCABULARIES[key].slugs
    if key == "regiotype":
        return REGIOTYPES
    if key == "regio":
        return tuple(geo.regions()["slug"])
    if key == "provincie":
        return tuple(geo.provinces()["slug"])
    raise KeyError(key)


def _first(value: str | list[str] | tuple[str, ...]) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _parse_year(raw: str, key: str, notices: list[Notice]) -> int | None:
    if not raw:
        return None
    if re.fullmatch(r"\d{4}", raw.strip()) and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    notices.append(Notice(msg("notice_not_a_year", param=key, value=repr(raw), low=YEAR_MIN,
                              high=YEAR_MAX), IGNORED))
    return None


def _parse_bbox(raw: str, notices: list[Notice]) -> tuple[float, float, float, float] | None:
    try:
        parts = [float(p) for p in raw.split(",")]
    except ValueError:
        parts = []
    if len(parts) == 4 and parts[0] < parts[2] and parts[1] < parts[3] and all(
        -180 <= p <= 180 for p in parts
    ):
        return (parts[0], parts[1], parts[2], parts[3])
    notices.append(Notice(msg("notice_bad_bbox", value=repr(raw)), IGNORED))
    return None


def _parse_view(raw: Mapping[str, str], notices: list[Notice]
                ) -> tuple[tuple[float, float] | None, float | None]:
    """``centrum=lat,lon`` and ``zoom=N``: the exact view, only as a pair."""
    centre_raw, zoom_raw = raw.get("centrum", ""), raw.get("zoom", "")
    if not centre_raw and not zoom_raw:
        return None, None
    centre: tuple[float, float] | None = None
    if centre_raw:
        try:
            lat, lon = (float(p) for p in centre_raw.split(","))
        except ValueError:
            lat = lon = float("nan")
        if -85 <= lat <= 85 and -180 <= lon <= 180:
            centre = (lat, lon)
        else:
            notices.append(Notice(msg("notice_bad_centre", value=repr(centre_raw)), IGNORED))
    zoom: float | None = None
    if zoom_raw:
        try:
            value = float(zoom_raw)
        except ValueError:
            value = float("nan")
        if ZOOM_MIN <= value <= ZOOM_MAX:
            zoom = value
        else:
            notices.append(Notice(msg("notice_bad_zoom", value=repr(zoom_raw),
                                      low=format_zoom(ZOOM_MIN), high=format_zoom(ZOOM_MAX)),
                                  IGNORED))
    if centre is None or zoom is None:
        # one alone is no view; say so unless the other one was refused above
        if (centre is not None and not zoom_raw) or (zoom is not None and not centre_raw):
            notices.append(Notice(msg("notice_view_pair"), IGNORED))
        return None, None
    return centre, zoom


def format_zoom(zoom: float) -> str:
    """A zoom level as a link writes it: 8, 7.5."""
    return f"{zoom:g}"


def _known_region(raw: str, notices: list[Notice]) -> str:
    if not raw:
        return ""
    slug = slugify(raw)
    if slug in allowed_values("regio"):
        return slug
    notices.append(Notice(msg("notice_unknown_region", value=repr(raw)), IGNORED))
    return ""


def parse_query(params: Mapping[str, str | list[str]]) -> ParsedQuery:
    """FilterState and ViewState from URL query parameters; odd input becomes a notice."""
    notices: list[Notice] = []
    raw = {k: _first(v) for k, v in params.items()}
    unknown = sorted(k for k in raw if k not in URL_KEYS)
    if unknown:
        notices.append(Notice(msg("notice_unknown_params", n=len(unknown),
                                  names=", ".join(unknown)), IGNORED))

    facet_values: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        values = _split(raw.get(facet.key, ""))
        if not values:
            continue
        allowed = allowed_values(facet.key)
        vocab = FACET_VOCABULARIES.get(facet.key)
        kept: list[str] = []
        for value in values:
            slug = vocab.match(value) if vocab else (value if value in allowed else None)
            if slug is None and not vocab:
                slug = slugify(value) if slugify(value) in allowed else None
            if slug is None:
                notices.append(Notice(msg("notice_unknown_value", param=facet.key,
                                          value=repr(value)), IGNORED))
            elif slug not in kept:
                kept.append(slug)
        facet_values[facet.key] = tuple(kept)

    van = _parse_year(raw.get("van", ""), "van", notices)
    tot = _parse_year(raw.get("tot", ""), "tot", notices)
    if van and tot and van > tot:
        van, tot = tot, van
    zonderjaar = raw.get("zonderjaar", "1") not in ("0", "nee", "false", "no")
    filters = FilterState(
        q=raw.get("q", "").strip()[:200], van=van, tot=tot, zonderjaar=zonderjaar,
        **facet_values,
    )

    kaart = raw.get("kaart", "pdok-grijs")
    if kaart not in BASEMAP_KEYS:
        notices.append(Notice(msg("notice_unknown_basemap", value=repr(kaart)),
                              msg("notice_using", value="pdok-grijs")))
        kaart = "pdok-grijs"
    lang = raw.get("lang", "nl")
    if lang not in ("nl", "en"):
        notices.append(Notice(msg("notice_unknown_lang", value=repr(lang)),
                              msg("notice_using", value="nl")))
        lang = "nl"
    mode = raw.get("mode", "")
    if mode and mode not in MODES:
        notices.append(Notice(msg("notice_unknown_mode", value=repr(mode)), IGNORED))
        mode = ""
    stap_raw = raw.get("stap", "")
    stap = int(stap_raw) if stap_raw.isdigit() and int(stap_raw) < 1000 else 0
    if stap_raw and not stap:
        notices.append(Notice(msg("notice_bad_step", value=repr(stap_raw)), IGNORED))
    gm = raw.get("gm", "").strip().upper()
    if gm and not re.fullmatch(r"GM\d{4}", gm):
        notices.append(Notice(msg("notice_bad_gm", value=repr(gm)), IGNORED))
        gm = ""
    centrum, zoom = _parse_view(raw, notices)
    view = ViewState(
        id=raw.get("id", "").strip()[:100],
        gm=gm,
        gebied=_known_region(raw.get("gebied", ""), notices),
        kaart=kaart,
        lang=lang,
        laag="bevolking" if raw.get("laag", "") == "bevolking" else "",
        bbox=_parse_bbox(raw["bbox"], notices) if raw.get("bbox") else None,
        centrum=centrum,
        zoom=zoom,
        jaar=_parse_year(raw.get("jaar", ""), "jaar", notices),
        mode=mode,
        tour=raw.get("tour", "").strip()[:100],
        stap=stap,
    )
    return ParsedQuery(filters, view, notices)


def to_query(filters: FilterState, view: ViewState | None = None) -> dict[str, str]:
    """Query parameters for a state; defaults are left out so links stay short."""
    out: dict[str, str] = {}
    if filters.q:
        out["q"] = filters.q
    for facet in FACETS:
        values = filters.values(facet.key)
        if values:
            out[facet.key] = ",".join(values)
    if filters.van is not None:
        out["van"] = str(filters.van)
    if filters.tot is not None:
        out["tot"] = str(filters.tot)
    if not filters.zonderjaar:
        out["zonderjaar"] = "0"
    if view is not None:
        defaults = ViewState()
        for f in fields(ViewState):
            value = getattr(view, f.name)
            if value == getattr(defaults, f.name):
                continue
            if f.name == "bbox":
                out["bbox"] = ",".join(f"{v:.4f}" for v in value)
            elif f.name == "centrum":
                out["centrum"] = f"{value[0]:.5f},{value[1]:.5f}"
            elif f.name == "zoom":
                out["zoom"] = format_zoom(value)
            else:
                out[f.name] = str(value)
    return out

