"""The region brief: one A4 about a region (or a municipality) to hand out at a meeting.

This module decides what the brief says, in words (``Brief``); ``brieflayout``
places it on pages and writes the PDF. The map is the static export's scene for a
view around the area (same symbols and legend); the figures come from
``query.figures``, the suggestions from ``query.similar`` and ``query.gaps``, the
data notes from ``geo.provenance``. All initiatives count, not a filtered selection:
a brief is about the area, whatever the map shows at the moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard import geo
from dashboard.domain.vocab import THEMES
from dashboard.export.content import build_scene, source_line
from dashboard.export.scene import Scene
from dashboard.geo import provenance
from dashboard.i18n import LocalizedError, number, percent, regiotype_label, t
from dashboard.query import figures, gaps
from dashboard.query.figures import AreaFigures
from dashboard.query.similar import SimilarityIndex, area_key
from dashboard.query.state import FilterState

SUGGESTIONS = 5
REASONS = 3  # the most telling reasons of a suggestion (the panel shows them all)
GAP_EXAMPLES = 2  # the panel shows three; on paper two keep the page to one
MAP_PAD = 0.35  # the map shows the area and this share of its size around it (neighbours)
MAP_PAD_MIN = 0.12  # degrees: a small municipality still shows its neighbours
LABELS_UP_TO = 30  # initiative names on the map when it has at most this many points


class BriefError(LocalizedError, ValueError):
    """An area that does not exist; ``text(lang)`` says which and what would do."""


@dataclass
class Item:
    """One initiative in the list: a full line and the short form of the compact list."""

    id: str
    full: str
    short: str


@dataclass
class Entry:
    """A line to show, and an optional second line in smaller type below it (why, where)."""

    text: str
    detail: str = ""


@dataclass
class Brief:
    """Everything on the brief, already in words (``lang``)."""

    lang: str
    kind: str  # regio | gemeente
    code: str  # region slug or statcode
    title: str
    subtitle: str
    figures_heading: str
    figures: list[tuple[str, str]]
    list_heading: str
    items: list[Item]
    list_empty: str
    learn_heading: str
    similar_heading: str
    similar: list[Entry]
    similar_empty: str
    gaps_heading: str
    gaps: list[Entry]
    gaps_empty: str
    notes_heading: str
    notes: list[str]
    source: str
    scene: Scene
    metadata: dict[str, str] = field(default_factory=dict)


def _item(row: dict, lang: str) -> Item:
    name = str(row["name"])
    place = str(row.get("place") or row.get("statnaam") or "")
    if place.casefold() in name.casefold():
        place = ""  # "Ganzedijk — Ganzedijk" says nothing
    themes = ", ".join(THEMES.label(s, lang).lower() for s in row.get("themes") or [])
    bits = [b for b in (place, themes) if b]
    year = row.get("start_year")
    if year is not None and not pd.isna(year):
        bits.append(t("brief_since", lang, year=int(year)))
    return Item(id=str(row["id"]), full=" — ".join([name, " · ".join(bits)]) if bits else name,
                short=f"{name} ({place})" if place else name)


def _place(rank: int | None, total: int, tied: int, lang: str) -> str:
    if rank is None:
        return t("brief_no_rank", lang)
    if tied:
        return t("brief_place_shared", lang, n=tied, rank=rank, total=total)
    return t("brief_place", lang, rank=rank, total=total)


def _figures(fig: AreaFigures, lang: str) -> list[tuple[str, str]]:
    star = " *" if fig.without_2014 and fig.inhabitants_2014 is not None else ""
    rows: list[tuple[str, str]] = []
    if fig.kind == "regio":
        region = provenance.region(fig.code)
        assert region is not None
        rows += [(t("region_type", lang), regiotype_label(fig.regiotype, lang)),
                 (t("province", lang), fig.provinces),
                 (t("brief_members", lang, count=len(fig.members)),
                  provenance.member_list(region, lang))]
    else:
        regio = geo.municipalities().set_index("statcode").at[fig.code, "regio"]
        rows += [(t("province", lang), fig.provinces),
                 (t("region", lang), f"{regio} ({regiotype_label(fig.regiotype, lang)})"
                  if regio else t("brief_region_none", lang))]
    rows += [
        (t("brief_inhabitants_2014", lang), _before(fig, star, lang)),
        (t("inhabitants_2024", lang), number(fig.inhabitants_2024, lang)),
        (t("population_change", lang), percent(fig.change_pct, lang) + star),
        (t("brief_initiatives", lang), number(fig.initiatives, lang)),
        (t("per_10k", lang), number(fig.per_10k, lang, 2) if fig.per_10k is not None else "–"),
        (t("brief_rank_heading_region" if fig.kind == "regio"
           else "brief_rank_heading_municipality", lang, total=fig.ranked),
         "; ".join([
             t("brief_rank_per_10k", lang, place=_place(fig.rank_per_10k, fig.ranked,
                                                         fig.tied_per_10k, lang)),
             t("brief_rank_change", lang, place=_place(fig.rank_change, fig.ranked_change, 0,
                                                        lang))])),
    ]
    return rows


def _before(fig: AreaFigures, star: str, lang: str) -> str:
    """Inhabitants 2014; where only some members have the figure, the same members' 2024
    figure beside it, so the two are never compared across different areas."""
    if fig.inhabitants_2014 is None:
        return "–"
    if not star or fig.comparable_2024 is None:
        return number(fig.inhabitants_2014, lang)
    return t("brief_2014_partial", lang, before=number(fig.inhabitants_2014, lang),
             after=number(fig.comparable_2024, lang))


def _notes(fig: AreaFigures, lang: str) -> list[str]:
    """The data notes that apply to this area, and the general ones."""
    names = provenance.municipality_names()
    notes = [t("brief_note_counts", lang), t("brief_note_ranks", lang)]
    if fig.inhabitants_2014 is None:
        notes.append(t("brief_note_no_2014", lang))
    elif fig.without_2014:
        notes.append(t("brief_note_2014", lang,
                       names=", ".join(names[c] for c in fig.without_2014)))
    slug = fig.code if fig.kind == "regio" else ""
    if fig.kind == "gemeente":
        regio = geo.municipalities().set_index("statcode").at[fig.code, "regio"]
        region = provenance.region_of(str(regio)) if regio else None
        slug = region.slug if region else ""
    region = provenance.region(slug) if slug else None
    if region is not None:
        notes.append(t("brief_note_membership", lang, region=region.name,
                       summary=provenance.summary(region, lang)))
        if provenance.note_text(slug, lang):
            notes.append(provenance.note_text(slug, lang))
        partial = [c for c in region.partial if fig.kind == "regio" or c == fig.code]
        notes += [f"{names[c]}: {provenance.partial_note(c, lang)}" for c in partial
                  if provenance.partial_note(c, lang)]
        if partial and fig.kind == "regio":
            notes.append(t("partly_counts_whole", lang))
    notes.append(t("credit_regions_note", lang))
    return notes


def _map_bbox(kind: str, code: str) -> tuple[float, float, float, float]:
    layer = geo.regions() if kind == "regio" else geo.municipalities()
    column = "slug" if kind == "regio" else "statcode"
    x0, y0, x1, y1 = layer[layer[column] == code].geometry.iloc[0].bounds
    pad_x = max((x1 - x0) * MAP_PAD, MAP_PAD_MIN)
    pad_y = max((y1 - y0) * MAP_PAD, MAP_PAD_MIN * 0.6)
    return (x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y)


def area_figures(kind: str, code: str, frame: pd.DataFrame) -> AreaFigures:
    """The area's figures; ``BriefError`` for an unknown region or municipality."""
    found = figures.region_figures(code, frame) if kind == "regio" \
        else figures.municipality_figures(code, frame)
    if found is None:
        if kind == "regio":
            raise BriefError(key="cli_brief_unknown_region", value=repr(code),
                             allowed=", ".join(r.slug for r in provenance.all_regions()))
        raise BriefError(key="cli_brief_unknown_municipality", value=repr(code))
    return found


def build_brief(kind: str, code: str, frame: pd.DataFrame, lang: str = "nl",
                index: SimilarityIndex | None = None, today: date | None = None) -> Brief:
    """The brief of region ``code`` (a slug, ``kind="regio"``) or municipality ``code``
    (a statcode, ``kind="gemeente"``) over the whole initiatives frame.

    ``index`` is the similarity index of the same frame (built here when not given).
    """
    fig = area_figures(kind, code, frame)
    inside = frame[frame["statcode"].isin(list(fig.members))] if not frame.empty else frame
    rows = inside.sort_values("name", key=lambda s: s.str.casefold()).to_dict("records") \
        if not inside.empty else []
    index = index if index is not None else SimilarityIndex.build(frame)
    area = f"regio:{fig.name}" if kind == "regio" else area_key(
        {"regio": _region_name(code), "statcode": code})
    similar = [Entry(f"{s.name} — {s.where}",
                     t("brief_learn_like", lang, name=here,
                       reasons=" · ".join(s.reasons[:REASONS])))
               for here, s in index.similar_to_area([r["id"] for r in rows], area, lang,
                                                    SUGGESTIONS)]
    own_region = fig.name if kind == "regio" else _region_name(code)
    gap_entries = [
        Entry(t("gaps_theme" if g.field == "themes" else "gaps_participation", lang,
                label=g.label) + f" ({t('gaps_regions', lang, n=g.regions)})",
              t("brief_examples", lang, examples="; ".join(
                  f"{e.name} ({e.region})" for e in g.examples[:GAP_EXAMPLES])))
        for g in gaps.missing_here(frame, fig.members, lang, own_region)]
    bbox = _map_bbox(kind, code)
    scene = build_scene(frame, FilterState(), lang=lang, bbox=bbox, today=today,
                        labels=False)
    scene.labels = len(scene.points) <= LABELS_UP_TO
    scene.empty_text = ""  # the list says so; a box would hide the area itself
    title = t("brief_title_region" if kind == "regio" else "brief_title_municipality", lang,
              name=fig.name)
    kind_word = regiotype_label(fig.regiotype, lang) if fig.regiotype else t(
        "municipality", lang)
    subtitle = " · ".join([kind_word, fig.provinces, t("brief_as_of", lang, date=_day(
        today, lang))])
    brief = Brief(
        lang=lang, kind=kind, code=code, title=title, subtitle=subtitle,
        figures_heading=t("brief_figures", lang), figures=_figures(fig, lang),
        list_heading=t("brief_list_region" if kind == "regio" else "brief_list_municipality",
                       lang, count=number(len(rows), lang)),
        items=[_item(r, lang) for r in rows], list_empty=t("brief_list_none", lang),
        learn_heading=t("similar_heading", lang),
        similar_heading=t("brief_learn_similar", lang), similar=similar,
        similar_empty=t("brief_learn_none", lang),
        gaps_heading=t("gaps_heading", lang), gaps=gap_entries,
        gaps_empty=t("gaps_none", lang),
        notes_heading=t("brief_notes_heading", lang), notes=_notes(fig, lang),
        source=source_line(lang, today), scene=scene,
    )
    brief.metadata = {"title": title, "description": subtitle, "source": brief.source}
    return brief


def _region_name(statcode: str) -> str:
    regio = geo.municipalities().set_index("statcode").at[statcode, "regio"]
    return str(regio or "")


def _day(today: date | None, lang: str) -> str:
    from babel.dates import format_date

    return format_date(today or date.today(), format="long",
                       locale="nl_NL" if lang == "nl" else "en_GB")
