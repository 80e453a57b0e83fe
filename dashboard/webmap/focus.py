"""Where a filter points the map: the chosen regions and provinces outlined, and
the map fitted to them, or to the search results when those are on the map.

The outline and the fit travel with the initiatives layer (not the cached base
map), so the base map stays one per language and layer choice. The browser
(``kk.focus`` in ``static/kk-map.js``) fits once per ``key``: a rerun for
another reason (a click, a theme filter) leaves the user's view alone, and a
new map frame (another language) keeps the view it had.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from branca.element import MacroElement

from dashboard import geo
from dashboard.query.state import FilterState
from dashboard.webmap.templates import template

FIT_MAX_ZOOM = 12.0  # one search result: near enough to see the village around it

Bounds = tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat


@dataclass(frozen=True)
class Focus:
    """What the map outlines and where it fits; hashable (part of the layer's cache key)."""

    key: str  # what the fit is for; "" when nothing is chosen or searched
    bounds: Bounds | None  # where to fit; None: no fit (nothing of it on the map)
    regions: tuple[str, ...] = ()  # slugs of the regions to outline
    provinces: tuple[str, ...] = ()  # names of the provinces to outline
    quiet: bool = False  # the view is already where it should be (a shared link's view)


def _area_bounds(frame: pd.DataFrame, slugs: tuple[str, ...]) -> Bounds | None:
    if not slugs:  # every run without an area filter: skip selecting from 342 shapes
        return None
    chosen = frame[frame["slug"].isin(slugs)]
    if chosen.empty:
        return None
    west, south, east, north = chosen.total_bounds
    return (float(west), float(south), float(east), float(north))


def _union(a: Bounds | None, b: Bounds | None) -> Bounds | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def results_bounds(shown: pd.DataFrame) -> Bounds | None:
    """The box around the shown initiatives that have a point in the Netherlands."""
    here = shown[shown["on_map"] & shown["located"]]
    if here.empty:
        return None
    return (float(here["lon"].min()), float(here["lat"].min()),
            float(here["lon"].max()), float(here["lat"].max()))


def map_focus(state: FilterState, shown: pd.DataFrame) -> Focus:
    """The outline and fit for these filters and their results.

    A search fits to its results when any are on the Dutch map (else to the
    chosen areas); otherwise chosen regions and provinces are fitted together.
    """
    regions, provinces = geo.regions(), geo.provinces()
    area = _union(_area_bounds(regions, state.regio), _area_bounds(provinces, state.provincie))
    names = dict(zip(provinces["slug"], provinces["provincie"], strict=True))
    outline_provinces = tuple(names[s] for s in state.provincie if s in names)
    if not (state.q or area):
        return Focus("", None)
    key = f"q={state.q}|regio={','.join(state.regio)}|provincie={','.join(state.provincie)}"
    bounds = (results_bounds(shown) if state.q else None) or area
    return Focus(key, bounds, state.regio, outline_provinces)


class MapFocus(MacroElement):
    """The outline and the one-time fit of a ``Focus``, added to the initiatives layer."""

    _template = template(
        """
        {% macro script(this, kwargs) %}
        kk.focus({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, focus: Focus):
        super().__init__()
        self._name = "MapFocus"
        west, south, east, north = focus.bounds or (0.0, 0.0, 0.0, 0.0)
        self.options = {
            "key": focus.key or None,
            "bounds": [[south, west], [north, east]] if focus.bounds else None,
            "quiet": focus.quiet,
            "maxZoom": FIT_MAX_ZOOM,
            "outlines": [sel for sel in (
                {"layer": "regions", "prop": "slug", "values": list(focus.regions)},
                {"layer": "provinces", "prop": "provincie", "values": list(focus.provinces)},
            ) if sel["values"]],
        }
