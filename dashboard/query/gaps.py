"""'Elders wel, hier nog niet': what other regions have that this area has not (yet).

Compares the krimp- and anticipeerregio's only (the 19 in the data): a theme or a
participation type counts as present in a region when at least one initiative
located in it has it. For each one absent here: how many other regions have it and
up to three examples, from as many different regions as possible, the ones whose
first theme it is first (for a theme), then by name; deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.domain.vocab import PARTICIPATION, THEMES, Vocabulary
from dashboard.query.similar import where_label

EXAMPLES = 3


@dataclass(frozen=True)
class Example:
    id: str
    name: str
    where: str  # region and its type, in words
    region: str  # the region's name only


@dataclass(frozen=True)
class Gap:
    """A theme (``field == "themes"``) or participation type absent here."""

    field: str
    slug: str
    label: str
    regions: int  # other regions where it is present
    examples: tuple[Example, ...]


def _has(frame: pd.DataFrame, field: str, slug: str) -> pd.Series:
    if field == "themes":
        return frame["themes"].map(lambda values: slug in (values or []))
    return frame[field] == slug


def _examples(rows: pd.DataFrame, field: str, slug: str, lang: str) -> tuple[Example, ...]:
    primary = rows["themes"].map(lambda v: bool(v) and v[0] == slug) if field == "themes" \
        else pd.Series(True, index=rows.index)
    ordered = rows.assign(_primary=~primary, _name=rows["name"].astype(str).str.casefold())
    ordered = ordered.sort_values(["_primary", "_name", "id"])
    picked: list[dict] = []
    seen_regions: set[str] = set()
    for row in ordered.to_dict("records"):  # one per region first
        if row["regio"] not in seen_regions:
            picked.append(row)
            seen_regions.add(row["regio"])
        if len(picked) == EXAMPLES:
            break
    if len(picked) < EXAMPLES:
        taken = {r["id"] for r in picked}
        picked += [r for r in ordered.to_dict("records")
                   if r["id"] not in taken][: EXAMPLES - len(picked)]
    return tuple(Example(str(r["id"]), str(r["name"]), where_label(r, lang), str(r["regio"]))
                 for r in picked)


def missing_here(frame: pd.DataFrame, members: Sequence[str], lang: str,
                 region: str = "") -> list[Gap]:
    """Themes, then participation types, present in other regions but in none of the
    initiatives located in ``members`` (statcodes); ``region`` is the area's own region
    name (left out of "other regions"), "" for a municipality outside the regions.

    ``frame`` is the initiatives frame; most widespread elsewhere first.
    """
    if frame.empty:
        return []
    here = frame[frame["statcode"].isin(list(members))]
    elsewhere = frame[(frame["regio"] != "") & (frame["regio"] != region)
                      & ~frame["statcode"].isin(list(members))]
    out: list[Gap] = []
    vocabularies: tuple[tuple[str, Vocabulary], ...] = (
        ("themes", THEMES), ("participation", PARTICIPATION))
    for field, vocabulary in vocabularies:
        gaps = []
        for order, slug in enumerate(vocabulary.slugs):
            if not here.empty and _has(here, field, slug).any():
                continue
            rows = elsewhere[_has(elsewhere, field, slug)]
            if rows.empty:
                continue
            gaps.append((-rows["regio"].nunique(), order, Gap(
                field=field, slug=slug, label=vocabulary.label(slug, lang),
                regions=int(rows["regio"].nunique()),
                examples=_examples(rows, field, slug, lang))))
        out += [gap for *_, gap in sorted(gaps, key=lambda g: (g[0], g[1]))]
    return out
