"""Filtering the initiatives frame, and the counts each filter option would keep.

Semantics: OR within a facet, AND across facets; a list field (themes,
actors) matches when any of its values matches; ``q`` ignores case and
accents; records without a start year stay unless ``zonderjaar=0``. The
region, region type and province filters keep only records located there: a
national, online or foreign record is in no region, so it is not counted into
every one. ``unbound`` lists those records apart (the page shows them as one
line of their own) so a region filter does not hide that they exist.

Everything here is pure: the page and the CLI both build a FilterState from
query parameters and apply it to the same frame.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard import geo
from dashboard.i18n import regiotype_label, t
from dashboard.query.state import (
    FACET_BY_KEY,
    FACET_VOCABULARIES,
    FACETS,
    Facet,
    FilterState,
    allowed_values,
)
from dashboard.text import fold


def _facet_mask(frame: pd.DataFrame, facet: Facet, values: tuple[str, ...]) -> pd.Series:
    if not values:
        return pd.Series(True, index=frame.index)
    wanted = set(values)
    if facet.is_list:
        mask = frame[facet.column].map(lambda items: not wanted.isdisjoint(items))
    else:
        mask = frame[facet.column].isin(wanted)
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


def is_spatial(state: FilterState) -> bool:
    """Whether a region, region type or province filter is active."""
    return any(state.values(f.key) for f in FACETS if f.spatial)


def unbound(frame: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The records a spatial filter leaves out only for having no Dutch location.

    National, online and foreign initiatives that every other active filter
    keeps; empty while no spatial filter is active (then they are in ``apply``).
    """
    if not is_spatial(state):
        return frame.iloc[0:0]
    masks = _all_masks(frame, state)
    others = _combine(frame, (m for k, m in masks.items()
                              if k not in FACET_BY_KEY or not FACET_BY_KEY[k].spatial))
    return frame[others & ~frame["located"]]


def facet_counts(frame: pd.DataFrame, state: FilterState) -> dict[str, dict[str, int]]:
    """For each facet and option: how many initiatives would remain with that option.

    The count of an option applies every *other* active filter, so the numbers
    stay meaningful while options within the facet are combined with OR.
    """
    masks = _all_masks(frame, state)
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        others = _combine(frame, (m for k, m in masks.items() if k != facet.key))
        subset = frame.loc[others, [facet.column]]
        counts = {value: 0 for value in allowed_values(facet.key)}
        column = subset[facet.column]
        if facet.is_list:
            column = column.explode()
        for value, n in column.value_counts().items():
            if value in counts:
                counts[value] = int(n)
        out[facet.key] = counts
    return out


def describe(state: FilterState, lang: str = "nl") -> list[tuple[str, str]]:
    """(facet label, values in words) for every active filter, for titles and exports."""

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
