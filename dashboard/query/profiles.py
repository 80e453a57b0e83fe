"""What the side panels and the overview show, computed without Streamlit.

The page renders these plain values; keeping the selection, counting and
formatting here makes them testable and keeps the page free of logic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from dashboard import geo
from dashboard.domain.vocab import ACTORS, KINDS, PARTICIPATION, SCOPES, STATUSES, THEMES
from dashboard.geo import provenance
from dashboard.i18n import number, percent, regiotype_label, t


def localized(record: Mapping, key: str, lang: str) -> str:
    """The English text when asked for and present, else the Dutch one."""
    if lang == "en" and record.get(f"{key}_en"):
        return str(record[f"{key}_en"])
    return str(record.get(key) or "")


def format_value(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, (int, float)):
        digits = 0 if float(value).is_integer() else 2
        return number(value, lang, digits)
    return str(value)


@dataclass
class Details:
    """The details panel of one initiative, every value already in the UI language."""

    id: str
    name: str
    subtitle: str
    summary: str
    description: str
    notes: str = ""  # shown under the description (a fact from another source, a caveat)
    facts: list[tuple[str, str]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # title, url, note
    website: str = ""
    has_point: bool = False
    approximate: bool = False  # the point is only roughly where the initiative is


def initiative_details(row: Mapping, lang: str) -> Details:
    """Details of one row of the initiatives frame (see ``query.frame.initiatives_frame``)."""
    place_bits = [row.get("place") or ""]
    if row.get("statnaam") and row.get("statnaam") != row.get("place"):
        place_bits.append(f"{t('municipality', lang).lower()} {row['statnaam']}")
    facts: list[tuple[str, str]] = []
    place = ", ".join(b for b in place_bits if b)
    approximate = bool(row.get("location_approximate")) and bool(row.get("on_map"))
    if place and approximate:
        facts.append((t("field_place", lang), f"{place} ({t('approximate_word', lang)})"))
    elif place:
        facts.append((t("field_place", lang), place))
    elif approximate:
        facts.append((t("field_location", lang), t("approximate_word", lang)))
    if row.get("provincie"):
        facts.append((t("province", lang), row["provincie"]))
    if row.get("regio"):
        facts.append((t("region", lang),
                      f"{row['regio']} ({regiotype_label(row.get('regiotype', ''), lang)})"))
    elif row.get("located"):
        facts.append((t("region", lang), t("no_region", lang)))
    facts.append((t("field_scope", lang), SCOPES.label(row.get("scope", ""), lang)))
    if row.get("participation"):
        facts.append((t("field_participation", lang),
                      PARTICIPATION.label(row["participation"], lang)))
    if row.get("actors"):
        facts.append((t("field_actors", lang),
                      ", ".join(ACTORS.label(a, lang) for a in row["actors"])))
    if row.get("channels"):
        facts.append((t("field_channels", lang), ", ".join(row["channels"])))
    year = row.get("start_year")
    if year is not None and not pd.isna(year):
        facts.append((t("field_start_year", lang), str(int(year))))
    facts.append((t("field_status", lang), STATUSES.label(row.get("status", ""), lang)))

    outcomes = []
    for outcome in row.get("outcomes") or []:
        value = format_value(outcome.get("value"), lang)
        unit = outcome.get("unit") or ""
        outcomes.append((str(outcome.get("label") or ""), f"{value} {unit}".strip()))
    sources = [
        (str(s.get("title") or ""), str(s.get("url") or ""), str(s.get("note") or ""))
        for s in row.get("sources") or []
    ]
    return Details(
        id=str(row["id"]),
        name=str(row["name"]),
        subtitle=KINDS.label(row.get("kind", ""), lang),
        summary=localized(row, "summary", lang),
        description=localized(row, "description", lang),
        notes=localized(row, "notes", lang),
        facts=facts,
        themes=[THEMES.label(th, lang) for th in row.get("themes") or []],
        outcomes=outcomes,
        sources=sources,
        website=str(row.get("website") or ""),
        has_point=bool(row.get("on_map")),
        approximate=approximate,
    )


@dataclass
class AreaProfile:
    """Region panel for a municipality or a whole region."""

    title: str
    kind: str  # "gemeente" or "regio"
    facts: list[tuple[str, str]]
    note: str
    initiative_ids: list[str]
    bounds: tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat


def _per_10k(count: int, inhabitants: float | None, lang: str) -> str:
    if not inhabitants:
        return "–"
    return number(count / inhabitants * 10_000, lang, 2)


def _row(layer: pd.DataFrame, column: str, value: str) -> pd.Series | None:
    hit = layer[layer[column] == value]
    return None if hit.empty else hit.iloc[0]


def _initiative_facts(inside: pd.DataFrame, inhabitants: float, lang: str) -> list:
    return [
        (t("initiatives_here", lang), number(len(inside), lang)),
        (t("per_10k", lang), _per_10k(len(inside), inhabitants, lang)),
    ]


def _change(rows: pd.DataFrame) -> tuple[float | None, bool]:
    """Population change 2014–2024 over the rows with comparable figures, and whether it
    leaves rows out (then the figure gets a ``*`` and the footnote ``change_partial``)."""
    comparable = rows[rows["inwoners_2014"].notna()]
    if comparable.empty:
        return None, False
    before, after = comparable["inwoners_2014"].sum(), comparable["inwoners_2024"].sum()
    return (after - before) / before * 100, len(comparable) < len(rows)


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def municipality_profile(statcode: str, frame: pd.DataFrame, lang: str) -> AreaProfile | None:
    """Profile of one municipality with the (filtered) initiatives located in it."""
    row = _row(geo.municipalities(), "statcode", statcode)
    if row is None:
        return None
    inside = frame[frame["statcode"] == statcode] if not frame.empty else frame
    change = row["bevolking_verandering_pct"]
    change = None if pd.isna(change) else float(change)
    kind = regiotype_label(row["regiotype"], lang)
    facts = [
        (t("province", lang), row["provincie"]),
        (t("region", lang), f"{row['regio']} ({kind})" if row["regio"] else t("no_region", lang)),
        (t("inhabitants_2024", lang), number(row["inwoners_2024"], lang)),
        (t("population_change", lang), percent(change, lang)),
        *_initiative_facts(inside, row["inwoners_2024"], lang),
    ]
    region = provenance.region_of(row["regio"]) if row["regio"] else None
    if region is not None:
        facts.append((t("region_provenance", lang), provenance.summary(region, lang)))
    return AreaProfile(
        title=f"{row['statnaam']}",
        kind="gemeente",
        facts=facts,
        note=_joined(provenance.partial_note(statcode, lang) if row["deels_aangewezen"] else "",
                     provenance.note_text(region.slug, lang) if region else ""),
        initiative_ids=list(inside["id"]) if not inside.empty else [],
        bounds=tuple(float(v) for v in row.geometry.bounds),  # type: ignore[arg-type]
    )


def region_profile(slug: str, frame: pd.DataFrame, lang: str) -> AreaProfile | None:
    """Profile of one krimp- or anticipeerregio with the (filtered) initiatives in it.

    Members only part of which was designated count whole in the region's figures,
    as they do on the map; the profile says which they are and, when a fully
    designated member remains, gives the rates without them too.
    """
    row = _row(geo.regions(), "slug", slug)
    region = provenance.region(slug)
    if row is None or region is None:
        return None
    munis = geo.municipalities()
    member_rows = munis[munis["statcode"].isin(region.members)]
    full_rows = member_rows[~member_rows["statcode"].isin(region.partial)]
    inside = frame[frame["statcode"].isin(region.members)] if not frame.empty else frame
    change, starred = _change(member_rows)
    facts = [
        (t("region_type", lang), regiotype_label(row["regiotype"], lang)),
        (t("province", lang), row["provincies"]),
        (t("municipalities", lang), provenance.member_list(region, lang)),
        (t("inhabitants_2024", lang), number(row["inwoners_2024"], lang)),
    ]
    if region.partial:
        partial_rows = member_rows[member_rows["statcode"].isin(region.partial)]
        share = partial_rows["inwoners_2024"].sum() / member_rows["inwoners_2024"].sum() * 100
        facts.append((t("partly_designated", lang), t(
            "partly_designated_share", lang, names=", ".join(partial_rows["statnaam"]),
            share=f"{number(share, lang)}%")))
    facts.append((t("population_change", lang), percent(change, lang) + (" *" if starred else "")))
    with_full = bool(region.partial) and not full_rows.empty
    if with_full:
        full_change, full_starred = _change(full_rows)
        starred = starred or full_starred
        facts.append((t("population_change_full", lang),
                      percent(full_change, lang) + (" *" if full_starred else "")))
    facts += _initiative_facts(inside, row["inwoners_2024"], lang)
    if with_full:
        full_inside = inside[~inside["statcode"].isin(region.partial)] if not inside.empty \
            else inside
        facts.append((t("per_10k_full", lang),
                      _per_10k(len(full_inside), full_rows["inwoners_2024"].sum(), lang)))
    facts.append((t("region_provenance", lang), provenance.summary(region, lang)))
    comparable = member_rows["inwoners_2014"].notna().sum()
    note = _joined(
        provenance.note_text(slug, lang),
        "" if not region.partial else t("partly_counts_whole" if with_full
                                        else "partly_only_member", lang),
        t("change_partial", lang, n=int(comparable), total=len(member_rows)) if starred else "",
    )
    return AreaProfile(
        title=row["regio"], kind="regio", facts=facts, note=note,
        initiative_ids=list(inside["id"]) if not inside.empty else [],
        bounds=tuple(float(v) for v in row.geometry.bounds),  # type: ignore[arg-type]
    )


def counts_by(frame: pd.DataFrame, column: str, labels: Mapping[str, str]) -> pd.DataFrame:
    """Count per value of ``column`` (list columns exploded), labelled, largest first."""
    if frame.empty:
        return pd.DataFrame({"label": [], "count": []})
    series = frame[column].explode() if column in ("themes", "actors") else frame[column]
    series = series.dropna()
    series = series[series != ""]
    counts = series.value_counts()
    out = pd.DataFrame({"label": [labels.get(k, k) for k in counts.index],
                        "count": counts.to_numpy()})
    return out.sort_values(["count", "label"], ascending=[False, True]).reset_index(drop=True)


def region_counts(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Initiatives per region with inhabitants and the rate per 10,000 inhabitants.

    ``deels`` names the members only part of which was designated (they count whole
    in ``inwoners`` and ``per_10k``); ``per_10k_zonder_deels`` is the rate without them,
    None where the region has no such member or no other member.
    """
    munis = geo.municipalities()
    inhabitants = dict(zip(munis["statcode"], munis["inwoners_2024"], strict=True))
    names = provenance.municipality_names()
    per_code = frame["statcode"].value_counts().to_dict() if not frame.empty else {}
    rows = []
    for region in provenance.all_regions():
        full = [c for c in region.members if c not in region.partial]
        count = sum(per_code.get(c, 0) for c in region.members)
        total = sum(inhabitants[c] for c in region.members)
        rate_full = None
        if region.partial and full:
            rate_full = round(sum(per_code.get(c, 0) for c in full)
                              / sum(inhabitants[c] for c in full) * 10_000, 3)
        rows.append({
            "regio": region.name,
            "regiotype": regiotype_label(region.regiotype, lang),
            "count": int(count),
            "inwoners": int(total),
            "per_10k": round(count / total * 10_000, 3),
            "deels": ", ".join(names[c] for c in region.partial),
            "per_10k_zonder_deels": rate_full,
        })
    out = pd.DataFrame(rows)
    return out.sort_values(["count", "regio"], ascending=[False, True]).reset_index(drop=True)


def table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The accessible table of initiatives: one row each, labels in the UI language."""
    columns = {
        "name": t("col_name", lang), "kind": t("col_kind", lang), "place": t("field_place", lang),
        "statnaam": t("municipality", lang), "regio": t("region", lang),
        "regiotype": t("region_type", lang), "themes": t("legend_themes", lang),
        "start_year": t("field_start_year", lang), "status": t("field_status", lang),
        "scope": t("field_scope", lang),
    }
    if frame.empty:
        return pd.DataFrame(columns=list(columns.values()))
    out = pd.DataFrame({
        "name": frame["name"],
        "kind": frame["kind"].map(lambda v: KINDS.label(v, lang)),
        "place": frame["place"],
        "statnaam": frame["statnaam"],
        "regio": frame["regio"],
        "regiotype": frame["regiotype"].map(lambda v: regiotype_label(v, lang) if v else ""),
        "themes": frame["themes"].map(lambda v: ", ".join(THEMES.label(x, lang) for x in v)),
        "start_year": frame["start_year"],
        "status": frame["status"].map(lambda v: STATUSES.label(v, lang)),
        "scope": frame["scope"].map(lambda v: SCOPES.label(v, lang)),
    })
    return out.rename(columns=columns).sort_values(columns["name"]).reset_index(drop=True)
