"""All regions side by side: population change 2014–2024 against initiatives per 10,000.

One row per krimp- or anticipeerregio in the data (19: one of the eleven
anticipeerregio's is missing) plus "overige gemeenten", every municipality outside
them together, as the reference a region is read against. The figures follow the
region profile (``profiles.region_profile``): members only part of which was
designated count whole (``deels`` names them), and the change is taken over the
members with a comparable 2014 figure (``change_partial`` says when some lack one).
Initiatives count where they are located (``statcode``), so national, online and
foreign ones count nowhere. The page, its chart export and the tests share this.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard import geo
from dashboard.geo import provenance
from dashboard.i18n import regiotype_label, t

OTHER = ""  # the slug of the "overige gemeenten" row: not a region, not selectable
COLUMNS = ("slug", "regio", "regiotype", "gemeenten", "inwoners_2014", "inwoners_2024",
           "verandering_pct", "change_partial", "count", "per_10k", "deels")


def _row(slug: str, name: str, kind: str, members: pd.DataFrame, count: int,
         partial: str) -> dict:
    comparable = members[members["inwoners_2014"].notna()]
    before = float(comparable["inwoners_2014"].sum())
    after_comparable = float(comparable["inwoners_2024"].sum())
    inhabitants = int(members["inwoners_2024"].sum())
    return {
        "slug": slug, "regio": name, "regiotype": kind, "gemeenten": len(members),
        "inwoners_2014": int(before) if len(comparable) else None,
        "inwoners_2024": inhabitants,
        "verandering_pct": round((after_comparable - before) / before * 100, 2) if before
        else None,
        "change_partial": len(comparable) < len(members),
        "count": int(count),
        "per_10k": round(count / inhabitants * 10_000, 3) if inhabitants else None,
        "deels": partial,
    }


def region_comparison(frame: pd.DataFrame) -> pd.DataFrame:
    """The regions by name, then the other municipalities; columns ``COLUMNS``.

    ``frame`` is the initiatives frame the page shows (filters applied); an empty
    frame gives every region a count of 0, not an empty table.
    """
    munis = geo.municipalities()
    names = provenance.municipality_names()
    per_code = frame["statcode"].value_counts().to_dict() if not frame.empty else {}
    rows = []
    in_region: set[str] = set()
    for region in provenance.all_regions():
        members = munis[munis["statcode"].isin(region.members)]
        in_region.update(region.members)
        count = sum(per_code.get(code, 0) for code in region.members)
        rows.append(_row(region.slug, region.name, region.regiotype, members, count,
                         ", ".join(names[c] for c in region.partial)))
    others = munis[~munis["statcode"].isin(in_region)]
    count = sum(per_code.get(code, 0) for code in others["statcode"])
    rows.append(_row(OTHER, "", "geen", others, count, ""))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def area_name(row: Mapping, lang: str) -> str:
    """The row's name as the chart and table show it: ``*`` partly designated members,
    ``†`` a change over fewer members than the region has."""
    name = row["regio"] or t("regiotype_geen", lang)
    if row["deels"]:
        name += " *"
    if row["change_partial"]:
        name += " †"
    return name


def display_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The comparison with column names and region types in ``lang`` (table and CSV)."""
    return pd.DataFrame({
        t("compare_area", lang): [area_name(r, lang) for r in table.to_dict("records")],
        t("region_type", lang): [regiotype_label("" if k == "geen" else k, lang)
                                 for k in table["regiotype"]],
        t("compare_members", lang): table["gemeenten"],
        t("compare_inhabitants_2014", lang): table["inwoners_2014"],
        t("inhabitants_2024", lang): table["inwoners_2024"],
        t("compare_change", lang): table["verandering_pct"],
        t("count", lang): table["count"],
        t("per_10k", lang): table["per_10k"],
        t("compare_partly", lang): table["deels"],
    })


def notes(table: pd.DataFrame, lang: str) -> list[str]:
    """The caveats under the chart: the missing region, partial members, partial change,
    and the areas the chart cannot place (no comparable 2014 figure at all)."""
    regions = table[table["slug"] != OTHER]
    out = [t("compare_missing", lang, n=len(regions))]
    partial = regions[regions["deels"] != ""]
    if not partial.empty:
        out.append(t("compare_partial", lang, names=", ".join(partial["deels"])))
    if table["change_partial"].any():
        out.append(t("compare_change_partial", lang))
    unplaced = table[table["verandering_pct"].isna()]
    if not unplaced.empty:
        out.append(t("compare_unplaced", lang, names=", ".join(
            area_name(r, lang) for r in unplaced.to_dict("records"))))
    return out
