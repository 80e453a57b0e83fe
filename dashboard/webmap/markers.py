"""The initiatives on the web map: a compact point array, pins, clusters, click keys.

Tooltips carry a hidden key (``id:slug`` for initiatives, ``gm:GM1714`` for a
municipality) that the page reads back from ``last_object_clicked_tooltip``.
Labels travel as plain text and are escaped in the browser before they become HTML.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import zlib
from typing import TYPE_CHECKING

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement

from dashboard import style
from dashboard.i18n import t
from dashboard.webmap.focus import Focus, MapFocus
from dashboard.webmap.templates import template

if TYPE_CHECKING:
    from dashboard.webmap.names import NamesTable

CLUSTER_THRESHOLD = 150  # above this many points markers are clustered

MARKER_LIST_MAX = 8  # names listed in the tooltip of a shared point
NAMES_PATH = "_kk/names"  # the names route (``webmap.names``), below the page's path
PACK_ABOVE_POINTS = 800  # from about here the marker list passes 64 KB: it travels packed
COORD_SCALE = 100_000  # points are rounded to 5 decimals (~1 m): whole units of 1e-5 degree


def pack_points(points: list[list], names: NamesTable | None = None) -> list[list] | str:
    """The markers as the browser gets them: the list itself, or packed text when large.

    Packed is base64 of deflated JSON, a column per field, with coordinates as whole
    1e-5 degree steps from the previous point (``marker_points`` sorts points by place,
    so most steps are short numbers). At 100,000 initiatives that is 1.6 MB where the
    deflated rows took 2.4 MB: Streamlit's websocket is not compressed, so this is what
    a visitor waits for on the first map and on every filter change. Small layers stay
    a readable list; ``kk-markers.js`` unpacks a string with DecompressionStream.

    With ``names`` (the page's whole-data names table, ``webmap.names``) a packed layer
    carries row numbers into that table instead of ids and labels, which the browser
    fetches once per data version: 100,000 initiatives then send 0.8 MB.
    """
    if len(points) <= PACK_ABOVE_POINTS:
        return points
    lat = [round(p[0] * COORD_SCALE) for p in points]
    lon = [round(p[1] * COORD_SCALE) for p in points]
    columns: dict[str, object] = {
        "lat": _steps(lat), "lon": _steps(lon),
        "look": [p[2] for p in points], "n": [p[3] for p in points],
        "selected": [i for i, p in enumerate(points) if p[4]],
        "rough": [p[7] if len(p) > 7 else 0 for p in points],
    }
    rows = _rows_in(names, points) if names is not None else None
    if rows is None:
        columns.update(ids=[p[5] for p in points], labels=[p[6] for p in points])
    else:
        columns.update(names=names.key, row=_steps([r[0] for r in rows]),  # type: ignore[union-attr]
                       also=[[i, *r[1:]] for i, r in enumerate(rows) if len(r) > 1])
    text = json.dumps(columns, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")


def _rows_in(names: NamesTable, points: list[list]) -> list[list[int]] | None:
    """Each point's rows in the names table, or None when one of its ids is not there."""
    try:
        return [[names.rows[i] for i in p[5].split(",")] for p in points]
    except KeyError:
        return None


def _steps(values: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *values], values, strict=False)]


def unpack_points(packed: list[list] | str, names: NamesTable | None = None) -> list[list]:
    """The inverse of ``pack_points`` (tests and tools read the markers back); a layer
    packed with a names table needs that table."""
    if not isinstance(packed, str):
        return packed
    columns = json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))
    if "row" in columns:
        if names is None or names.key != columns["names"]:
            raise ValueError("this layer refers to a names table: pass that table")
        rows = [[r] for r in itertools.accumulate(columns["row"])]
        for i, *more in columns["also"]:
            rows[i].extend(more)
        columns["ids"] = [",".join(names.ids[r] for r in rs) for rs in rows]
        columns["labels"] = ["\n".join(names.labels[r] for r in rs[:MARKER_LIST_MAX])
                             for rs in rows]
    lat = itertools.accumulate(columns["lat"])
    lon = itertools.accumulate(columns["lon"])
    selected = set(columns["selected"])
    return [
        [la / COORD_SCALE, lo / COORD_SCALE, look, n, int(i in selected), ids, label, rough]
        for i, (la, lo, look, n, ids, label, rough) in enumerate(zip(
            lat, lon, columns["look"], columns["n"], columns["ids"], columns["labels"],
            columns["rough"], strict=True))
    ]


def marker_points(frame, lang: str, selected_id: str = "") -> list[list]:
    """One compact entry per point: [lat, lon, style, count, selected, ids, labels, approx].

    ``style`` indexes MARKER_STYLES; ``labels`` are plain text (the browser
    escapes them when it builds the tooltip); ``approx`` is 1 when the point is
    only roughly where the initiative is (``location_approximate``), drawn with
    a dashed outline. Initiatives that share a point (several records in one
    village) share a marker that lists them all; it is approximate only when all
    of them are, since for the others the point is exact.
    Points come south to north (then west to east): neighbours in the list are
    neighbours on the map, so ``pack_points``' coordinate steps stay short.
    """
    columns = ["id", "name", "place", "statnaam", "lat", "lon", "themes"]
    on_map = frame.loc[frame["on_map"], columns]
    if on_map.empty:
        return []
    rough = (frame.loc[frame["on_map"], "location_approximate"].astype(bool)
             if "location_approximate" in frame else pd.Series(False, index=on_map.index))
    order = place_order(on_map)
    on_map, rough = on_map.iloc[order], rough.iloc[order]
    lat, lon = on_map["lat"].round(5), on_map["lon"].round(5)
    labels = point_labels(on_map)
    looks = on_map["themes"].map(_style_index)
    ids = on_map["id"].astype(str)
    shared = pd.DataFrame({"lat": lat, "lon": lon}).duplicated(keep=False)
    points = [
        [la, lo, look, 1, int(i == selected_id), i, label, int(approx)]
        for la, lo, look, i, label, approx in zip(
            lat[~shared], lon[~shared], looks[~shared], ids[~shared], labels[~shared],
            rough[~shared], strict=True)
    ]
    rows = pd.DataFrame({"lat": lat, "lon": lon, "look": looks, "id": ids, "label": labels,
                         "rough": rough})
    for (la, lo), group in rows[shared].groupby(["lat", "lon"], sort=False):
        points.append([la, lo, int(group["look"].iloc[0]), len(group),
                       int(selected_id in set(group["id"])), ",".join(group["id"]),
                       "\n".join(group["label"].head(MARKER_LIST_MAX)),
                       int(group["rough"].all())])
    return points


def place_order(on_map: pd.DataFrame) -> np.ndarray:
    """South to north, then west to east; ties keep the frame's order (a stable sort), so
    a filtered frame's points come in the same order as the whole frame's."""
    return np.lexsort((on_map["lon"].to_numpy(), on_map["lat"].to_numpy()))


def point_labels(on_map: pd.DataFrame) -> pd.Series:
    """A pin's text line per initiative: "name · place" (the municipality when no place)."""
    place = on_map["place"].where(on_map["place"] != "", on_map["statnaam"]).fillna("")
    return on_map["name"].astype(str).where(place == "", on_map["name"] + " · " + place)


MARKER_STYLES: list[tuple[str, str]] = [
    *(style.marker_style([theme]) for theme in style.THEME_COLOURS),
    (style.NO_THEME_COLOUR, style.NO_THEME_SYMBOL),
]
_THEME_INDEX = {theme: i for i, theme in enumerate(style.THEME_COLOURS)}


def _style_index(themes: list[str]) -> int:
    for theme in themes:
        if theme in _THEME_INDEX:
            return _THEME_INDEX[theme]
    return len(MARKER_STYLES) - 1


class InitiativeMarkers(MacroElement):
    """Theme-coloured pins from a compact array; clustered above CLUSTER_THRESHOLD points.

    The browser side is ``static/kk-markers.js``. Clustering uses supercluster: it
    indexes 10,000 points in about 0.1 s in the browser, and the map only ever holds
    the clusters and pins in view. The selected initiative is never hidden inside a
    cluster. Tooltip text is escaped in the browser (``kk.esc``) before it becomes HTML.
    """

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.markers({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, points: list[list], lang: str = "nl",
                 threshold: int = CLUSTER_THRESHOLD, names: NamesTable | None = None):
        super().__init__()
        self._name = "InitiativeMarkers"
        self.options = {
            "points": pack_points(points, names),
            "styles": MARKER_STYLES,
            "more": t("and_more", lang, n="{n}"),
            "cluster": t("cluster_title", lang, n="{n}"),
            "shared": t("pin_shared", lang, n="{n}"),
            "locale": "nl-NL" if lang == "nl" else "en-GB",
            "listMax": MARKER_LIST_MAX,
            "threshold": int(threshold),
            "namesPath": NAMES_PATH,
        }


def initiatives_layer(frame, lang: str, selected_id: str = "",
                      focus: Focus | None = None,
                      names: NamesTable | None = None) -> folium.FeatureGroup:
    """The filtered initiatives as one FeatureGroup (st_folium ``feature_group_to_add``),
    with the chosen areas' outline and fit (``focus``) when there is one. ``names``: the
    page's names table (``webmap.names``), which a large layer then refers to."""
    group = folium.FeatureGroup(name="initiatieven", control=False)
    if focus is not None and focus.key:
        MapFocus(focus).add_to(group)  # first: the outline lies under the pins
    InitiativeMarkers(marker_points(frame, lang, selected_id), lang,
                      names=names).add_to(group)
    return group


TOOLTIP_KEY = re.compile(r"(id|gm):([A-Za-z0-9,\-]+)\s*$")


def clicked_key(tooltip_text: str | None) -> tuple[str, list[str]] | None:
    """('id', [ids]) or ('gm', [statcode]) from a clicked tooltip's text, else None."""
    if not tooltip_text:
        return None
    match = TOOLTIP_KEY.search(tooltip_text)
    if not match:
        return None
    return match.group(1), [v for v in match.group(2).split(",") if v]

