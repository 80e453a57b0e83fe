"""An area's figures as numbers, and its place among all regions or all municipalities.

The region brief states them; the words are made elsewhere. Counts are of the
initiatives located in the area (by point, else by municipality code), as on the
map and in the profiles; partly designated members count whole, as they do there.
Population change is over the members that have a comparable 2014 figure, and says
which do not.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import pandas as pd

from dashboard import geo
from dashboard.geo import provenance


@dataclass(frozen=True)
class AreaFigures:
    """One region (``kind == "regio"``, ``code`` its slug) or municipality (its statcode)."""

    kind: str
    code: str
    name: str
    regiotype: str  # krimpregio | anticipeerregio | "" (a municipality outside the regions)
    provinces: str
    members: tuple[str, ...]  # statcodes
    inhabitants_2014: float | None  # over the members with a comparable figure
    inhabitants_2024: float
    comparable_2024: float | None  # 2024 over the same members as inhabitants_2014
    without_2014: tuple[str, ...]  # statcodes of members lacking a comparable 2014 figure
    change_pct: float | None
    initiatives: int
    per_10k: float | None
    rank_per_10k: int | None  # 1 = most initiatives per 10,000 inhabitants
    rank_change: int | None  # 1 = steepest decline
    tied_per_10k: int  # how many other areas have the same rate (they share the rank)
    ranked: int  # how many areas of this kind are ranked (19 regions, 342 municipalities)
    ranked_change: int  # how many of them have a population change to rank by


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    if frame.empty:
        return {}
    located = frame[frame["statcode"] != ""]
    return {str(k): int(v) for k, v in located["statcode"].value_counts().items()}


def _change(rows: pd.DataFrame) -> tuple[float | None, float | None, float | None]:
    """(inhabitants 2014, the same members in 2024, change %) over the comparable rows."""
    comparable = rows[rows["inwoners_2014"].notna()]
    if comparable.empty:
        return None, None, None
    before = float(comparable["inwoners_2014"].sum())
    after = float(comparable["inwoners_2024"].sum())
    return before, after, (after - before) / before * 100


def _value(value: object) -> float | None:
    """A number from a table cell; None for a missing one (None, NaN, NA)."""
    if value is None or value is pd.NA or not isinstance(value, numbers.Real):
        return None
    return None if math.isnan(value) else float(value)


def _ranks(table: pd.DataFrame, code: str) -> dict[str, int | None]:
    """Places (ties share the best place) and how many share the rate's place."""
    rates = {str(k): _value(v) for k, v in table["per_10k"].items()}
    changes = {str(k): _value(v) for k, v in table["change"].items()}
    rate, change = rates[code], changes[code]
    known_rates = [v for v in rates.values() if v is not None]
    known_changes = [v for v in changes.values() if v is not None]
    return {
        "rank_per_10k": None if rate is None else 1 + sum(v > rate for v in known_rates),
        "rank_change": None if change is None else 1 + sum(v < change for v in known_changes),
        "tied_per_10k": 0 if rate is None else sum(v == rate for v in known_rates) - 1,
        "ranked": len(table), "ranked_change": len(known_changes),
    }


def region_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per region (index: slug): initiatives, inhabitants 2024, rate, population change."""
    munis = geo.municipalities().set_index("statcode")
    counts = _counts(frame)
    rows = []
    for region in provenance.all_regions():
        members = munis.loc[list(region.members)]
        count = sum(counts.get(c, 0) for c in region.members)
        total = float(members["inwoners_2024"].sum())
        rows.append({"slug": region.slug, "count": count, "inwoners": total,
                     "per_10k": count / total * 10_000 if total else None,
                     "change": _change(members)[2]})
    return pd.DataFrame(rows).set_index("slug")


def municipality_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per municipality (index: statcode): initiatives, inhabitants 2024, rate, change."""
    munis = geo.municipalities()
    counts = _counts(frame)
    count = munis["statcode"].map(lambda c: counts.get(c, 0))
    return pd.DataFrame({
        "count": count.to_numpy(),
        "inwoners": munis["inwoners_2024"].to_numpy(dtype=float),
        "per_10k": (count / munis["inwoners_2024"] * 10_000).to_numpy(dtype=float),
        "change": pd.to_numeric(munis["bevolking_verandering_pct"]).to_numpy(dtype=float),
    }, index=munis["statcode"].to_numpy())


def region_figures(slug: str, frame: pd.DataFrame) -> AreaFigures | None:
    """A region's figures with its place among all regions; None for an unknown slug."""
    region = provenance.region(slug)
    if region is None:
        return None
    munis = geo.municipalities().set_index("statcode")
    members = munis.loc[list(region.members)]
    before, after, change = _change(members)
    table = region_table(frame)
    row = {key: _value(value) for key, value in table.loc[slug].items()}
    provinces = geo.regions().set_index("slug").loc[slug, "provincies"]
    return AreaFigures(
        kind="regio", code=slug, name=region.name, regiotype=region.regiotype,
        provinces=str(provinces), members=region.members, inhabitants_2014=before,
        inhabitants_2024=row["inwoners"] or 0.0, comparable_2024=after,
        without_2014=tuple(c for c in region.members
                           if _value(munis.at[c, "inwoners_2014"]) is None),
        change_pct=change, initiatives=int(row["count"] or 0), per_10k=row["per_10k"],
        **_ranks(table, slug),  # type: ignore[arg-type]
    )


def municipality_figures(statcode: str, frame: pd.DataFrame) -> AreaFigures | None:
    """A municipality's figures with its place among all municipalities; None if unknown."""
    munis = geo.municipalities().set_index("statcode")
    if statcode not in munis.index:
        return None
    row = munis.loc[statcode]
    table = municipality_table(frame)
    before = _value(row["inwoners_2014"])
    counts = table.loc[statcode]
    return AreaFigures(
        kind="gemeente", code=statcode, name=str(row["statnaam"]),
        regiotype=str(row["regiotype"] or ""), provinces=str(row["provincie"]),
        members=(statcode,), inhabitants_2014=before,
        inhabitants_2024=_value(row["inwoners_2024"]) or 0.0,
        comparable_2024=_value(row["inwoners_2024"]) if before is not None else None,
        without_2014=() if before is not None else (statcode,),
        change_pct=_value(row["bevolking_verandering_pct"]),
        initiatives=int(_value(counts["count"]) or 0), per_10k=_value(counts["per_10k"]),
        **_ranks(table, statcode),  # type: ignore[arg-type]
    )


def find_municipality(value: str) -> str | None:
    """The statcode a user means: ``GM1714``, ``1714`` or the name (case and accents
    ignored); None when nothing matches."""
    from dashboard.text import fold

    text = value.strip()
    munis = geo.municipalities()
    codes = set(munis["statcode"])
    digits = text.upper().removeprefix("GM")
    if digits.isdigit() and f"GM{int(digits):04d}" in codes:
        return f"GM{int(digits):04d}"
    by_name = {fold(n): c for n, c in zip(munis["statnaam"], munis["statcode"], strict=True)}
    return by_name.get(fold(text))


def find_region(value: str) -> str | None:
    """The slug a user means: the slug or the name (case and accents ignored)."""
    from dashboard.text import fold, slugify

    slugs = {r.slug for r in provenance.all_regions()}
    by_name = {fold(r.name): r.slug for r in provenance.all_regions()}
    text = value.strip()
    if slugify(text) in slugs:
        return slugify(text)
    return by_name.get(fold(text))
