"""Filter state, the URL keys that carry it, and filtering with facet counts.

Semantics: OR within a facet, AND across facets; a list field (themes,
actors) matches when any of its values matches; ``q`` ignores case and
accents; records without a start year stay unless ``zonderjaar=0``; records
without a Dutch location (landelijk, online, buitenland) are not subject to
the region, region type and province filters.

Everything here is pure: the page and the CLI both build a FilterState from
query parameters and apply it to the same frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

import pandas as pd

from dashboard import geo
from dashboard.model import (
    ACTORS,
    KINDS,
    PARTICIPATION,
    SCOPES,
    STATUSES,
    THEMES,
    Vocabulary,
    fold,
    slugify,
)

YEAR_MIN, YEAR_MAX = 1800, 2100
REGIOTYPES = ("krimpregio", "anticipeerregio", "geen")
BASEMAP_KEYS = ("pdok-grijs", "pdok-pastel", "pdok-standaard", "osm", "geen")
MODES = ("presentatie",)


@dataclass(frozen=True)
class Facet:
    """One multi-select filter: URL key, record column, and whether the column is a list."""

    key: str
    column: str
    is_list: bool = False
    spatial: bool = False  # not applied to records without a Dutch location


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
VIEW_KEYS = ("id", "gm", "gebied", "kaart", "lang", "laag", "bbox")
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
    bbox: tuple[float, float, float, float] | None = None
    mode: str = ""
    tour: str = ""
    stap: int = 0


@dataclass
class ParsedQuery:
    filters: FilterState
    view: ViewState
    notices: list[str] = field(default_factory=list)


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


def _parse_year(raw: str, key: str, notices: list[str]) -> int | None:
    if not raw:
        return None
    if re.fullmatch(r"\d{4}", raw.strip()) and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    notices.append(f"{key}={raw!r} is not a year between {YEAR_MIN} and {YEAR_MAX}; ignored")
    return None


def _parse_bbox(raw: str, notices: list[str]) -> tuple[float, float, float, float] | None:
    try:
        parts = [float(p) for p in raw.split(",")]
    except ValueError:
        parts = []
    if len(parts) == 4 and parts[0] < parts[2] and parts[1] < parts[3] and all(
        -180 <= p <= 180 for p in parts
    ):
        return (parts[0], parts[1], parts[2], parts[3])
    notices.append(f"bbox={raw!r} is not minlon,minlat,maxlon,maxlat; ignored")
    return None


def _known_region(raw: str, notices: list[str]) -> str:
    if not raw:
        return ""
    slug = slugify(raw)
    if slug in allowed_values("regio"):
        return slug
    notices.append(f"gebied={raw!r} is not a known region; ignored")
    return ""


def parse_query(params: Mapping[str, str | list[str]]) -> ParsedQuery:
    """FilterState and ViewState from URL query parameters; odd input becomes a notice."""
    notices: list[str] = []
    raw = {k: _first(v) for k, v in params.items()}
    unknown = sorted(k for k in raw if k not in URL_KEYS)
    if unknown:
        notices.append(f"unknown parameter(s) ignored: {', '.join(unknown)}")

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
                notices.append(f"{facet.key}={value!r} is not a known value; ignored")
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
        notices.append(f"kaart={kaart!r} is not a known basemap; using pdok-grijs")
        kaart = "pdok-grijs"
    lang = raw.get("lang", "nl")
    if lang not in ("nl", "en"):
        notices.append(f"lang={lang!r} is not nl or en; using nl")
        lang = "nl"
    mode = raw.get("mode", "")
    if mode and mode not in MODES:
        notices.append(f"mode={mode!r} is unknown; ignored")
        mode = ""
    stap_raw = raw.get("stap", "")
    stap = int(stap_raw) if stap_raw.isdigit() and int(stap_raw) < 1000 else 0
    if stap_raw and not stap:
        notices.append(f"stap={stap_raw!r} is not a step number; ignored")
    gm = raw.get("gm", "").strip().upper()
    if gm and not re.fullmatch(r"GM\d{4}", gm):
        notices.append(f"gm={gm!r} is not a municipality code; ignored")
        gm = ""
    view = ViewState(
        id=raw.get("id", "").strip()[:100],
        gm=gm,
        gebied=_known_region(raw.get("gebied", ""), notices),
        kaart=kaart,
        lang=lang,
        laag="bevolking" if raw.get("laag", "") == "bevolking" else "",
        bbox=_parse_bbox(raw["bbox"], notices) if raw.get("bbox") else None,
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
            else:
                out[f.name] = str(value)
    return out


# --------------------------------------------------------------------------- the frame


def _text_blob(record: Mapping) -> str:
    parts = [record.get(k) or "" for k in (
        "name", "place", "summary", "summary_en", "description", "description_en",
    )]
    return fold(" ".join(parts)).replace("-", " ")


def initiatives_frame(records: Iterable[Mapping]) -> pd.DataFrame:
    """Records as a DataFrame with the location columns filters and panels need.

    Region, region type and province come from the record's point (or, when it
    has no point, from its gemeente_code); ``located`` is False for records
    without a Dutch location, which are listed beside the map.
    """
    rows = [dict(r) for r in records]
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["id", "name", "lat", "lon", "themes", "actors"])
    for column, default in (("themes", []), ("actors", []), ("channels", [])):
        if column not in frame:
            frame[column] = [list(default) for _ in range(len(frame))]
        frame[column] = frame[column].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
    for column in ("kind", "scope", "status", "participation", "place", "gemeente_code",
                   "summary", "summary_en", "description", "description_en"):
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("")
    for column in ("lat", "lon", "start_year"):
        if column not in frame:
            frame[column] = None
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    frame["lat"], frame["lon"] = lat, lon
    frame["start_year"] = pd.to_numeric(frame["start_year"], errors="coerce").astype("Int64")

    located = geo.locate_many(lon.fillna(float("nan")).to_numpy(), lat.to_numpy())
    by_code = geo.municipality_lookup()
    for column in ("statcode", "statnaam", "provincie", "regio", "regiotype"):
        values = located[column].to_numpy(dtype=object)
        fallback = [
            by_code[c][column] if (v is None and c in by_code) else v
            for v, c in zip(values, frame["gemeente_code"], strict=True)
        ]
        frame[column] = pd.Series(fallback, index=frame.index, dtype=object).fillna("")
    frame["located"] = frame["statcode"] != ""
    frame["on_map"] = lat.notna() & lon.notna()
    frame["abroad"] = frame["on_map"] & ~frame["located"]
    frame["regiotype"] = frame["regiotype"].where(frame["regiotype"] != "", "geen")
    frame.loc[~frame["located"], "regiotype"] = ""
    frame["regio_slug"] = frame["regio"].map(lambda r: slugify(r) if r else "")
    frame["provincie_slug"] = frame["provincie"].map(lambda p: slugify(p) if p else "")
    frame["search"] = [_text_blob(r) for r in frame.to_dict("records")]
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- filtering


def _facet_mask(frame: pd.DataFrame, facet: Facet, values: tuple[str, ...]) -> pd.Series:
    if not values:
        return pd.Series(True, index=frame.index)
    wanted = set(values)
    if facet.is_list:
        mask = frame[facet.column].map(lambda items: not wanted.isdisjoint(items))
    else:
        mask = frame[facet.column].isin(wanted)
    if facet.spatial:
        mask = mask | ~frame["located"]
    return mask.astype(bool)


def _other_masks(frame: pd.DataFrame, state: FilterState) -> dict[str, pd.Series]:
    masks: dict[str, pd.Series] = {}
    if state.q:
        tokens = fold(state.q).replace("-", " ").split()
        text = frame["search"]
        mask = pd.Series(True, index=frame.index)
        for token in tokens:
            mask &= text.str.contains(token, regex=False)
        masks["q"] = mask
    if state.van is not None or state.tot is not None or not state.zonderjaar:
        year = frame["start_year"]
        mask = pd.Series(True, index=frame.index)
        if state.van is not None:
            mask &= (year >= state.van).fillna(False)
        if state.tot is not None:
            mask &= (year <= state.tot).fillna(False)
        if state.zonderjaar:
            mask |= year.isna()
        else:
            mask &= year.notna()
        masks["jaar"] = mask.astype(bool)
    return masks


def _all_masks(frame: pd.DataFrame, state: FilterState) -> dict[str, pd.Series]:
    masks = _other_masks(frame, state)
    for facet in FACETS:
        values = state.values(facet.key)
        if values:
            masks[facet.key] = _facet_mask(frame, facet, values)
    return masks


def _combine(frame: pd.DataFrame, masks: Iterable[pd.Series]) -> pd.Series:
    result = pd.Series(True, index=frame.index)
    for mask in masks:
        result &= mask
    return result


def apply(frame: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The rows of ``frame`` that ``state`` keeps."""
    return frame[_combine(frame, _all_masks(frame, state).values())]


def facet_counts(frame: pd.DataFrame, state: FilterState) -> dict[str, dict[str, int]]:
    """For each facet and option: how many initiatives would remain with that option.

    The count of an option applies every *other* active filter, so the numbers
    stay meaningful while options within the facet are combined with OR.
    """
    masks = _all_masks(frame, state)
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        others = _combine(frame, (m for k, m in masks.items() if k != facet.key))
        subset = frame.loc[others, [facet.column, "located"]]
        counts = {value: 0 for value in allowed_values(facet.key)}
        column = subset[facet.column]
        if facet.is_list:
            column = column.explode()
        for value, n in column.value_counts().items():
            if value in counts:
                counts[value] = int(n)
        if facet.spatial:
            unlocated = int((~subset["located"]).sum())
            counts = {k: v + unlocated for k, v in counts.items()}
        out[facet.key] = counts
    return out


def describe(state: FilterState, lang: str = "nl") -> list[tuple[str, str]]:
    """(facet label, values in words) for every active filter, for titles and exports."""
    from dashboard.i18n import regiotype_label, t

    out: list[tuple[str, str]] = []
    if state.q:
        out.append((t("filter_q", lang), f"“{state.q}”"))
    regions = dict(zip(geo.regions()["slug"], geo.regions()["regio"], strict=True))
    provinces = dict(zip(geo.provinces()["slug"], geo.provinces()["provincie"], strict=True))
    for facet in FACETS:
        values = state.values(facet.key)
        if not values:
            continue
        vocab = FACET_VOCABULARIES.get(facet.key)
        if vocab:
            words = [vocab.label(v, lang) for v in values]
        elif facet.key == "regiotype":
            words = [regiotype_label("" if v == "geen" else v, lang) for v in values]
        elif facet.key == "regio":
            words = [regions.get(v, v) for v in values]
        else:
            words = [provinces.get(v, v) for v in values]
        out.append((t(f"filter_{facet.key}", lang), ", ".join(words)))
    if state.van is not None or state.tot is not None:
        out.append((t("filter_jaar", lang), f"{state.van or '…'}–{state.tot or '…'}"))
    if not state.zonderjaar:
        out.append((t("filter_jaar", lang), t("only_with_year", lang)))
    return out
