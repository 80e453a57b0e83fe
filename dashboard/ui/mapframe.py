"""The map component on the page: streamlit-folium with the base map rendered once.

``st_folium`` renders the whole folium map through Jinja on every rerun, although
the base map only changes with the language or layer choice. Here the base map
is rendered once per choice (cached) and each rerun only builds the initiatives'
feature group. This leans on streamlit-folium's module-level helpers, so the
dependency is pinned to a minor version in pyproject.toml.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import astuple, dataclass

import folium
import streamlit as st
import streamlit_folium as sf

from dashboard import webmap

# streamlit-folium's own order of returned values: the browser compares the initial
# value by its JSON text, so another key order looks like a change (an extra rerun).
RETURN_ORDER = (
    "last_clicked", "last_object_clicked", "last_object_clicked_count",
    "last_object_clicked_tooltip", "last_object_clicked_popup", "all_drawings",
    "last_active_drawing", "bounds", "zoom", "last_circle_radius", "last_circle_polygon",
    "selected_layers", "selected_tags", "last_geocoder_result",
)


@dataclass
class RenderedBase:
    """A base map rendered to the strings the component needs, plus the map itself."""

    script: str
    html: str
    header: str
    map_id: str
    css_links: list[str]
    js_links: list[str]
    folium_map: folium.Map
    lock: threading.Lock


@st.cache_resource(max_entries=16, show_spinner=False)
def _rendered_base(options_tuple: tuple, theme_items: tuple) -> RenderedBase:
    folium_map = webmap.base_map(webmap.MapOptions(*options_tuple), dict(theme_items))
    folium_map.get_root().render()
    folium_map.render()
    html = sf._get_html(folium_map)
    header = sf._get_header(folium_map)
    script = sf._get_map_string(folium_map)  # also fixes the element ids
    return RenderedBase(
        script=script, html=html, header=header, map_id=sf.get_full_id(folium_map),
        css_links=[url for _, url in folium_map.default_css],
        js_links=[url for _, url in folium_map.default_js],
        folium_map=folium_map, lock=threading.Lock(),
    )


@st.cache_resource(max_entries=24, show_spinner=False)
def _layer_script(
    options_tuple: tuple, theme_items: tuple, layer_key: Hashable,
    _make_layer: Callable[[], folium.FeatureGroup],
) -> str:
    """The initiatives layer as the component's script; one per data, filter and view.

    Building and rendering 10,000 markers takes a few hundred milliseconds, so
    new sessions on the same link and filters toggled back reuse the text.
    """
    return _render_layer(_rendered_base(options_tuple, theme_items), _make_layer())


def _render_layer(base: RenderedBase, layer: folium.FeatureGroup, idx: int = 0) -> str:
    """The layer's script, rendered on the shared base map and taken off it again.

    Rendering puts each element's script, header and html parts on the map's root
    figure under the element's own (new) name; left there, every layer ever drawn
    stayed in the cached map: 5 MB a minute per worker in a 30-tab workshop."""
    with base.lock:  # the cached map is shared by every session
        root = base.folium_map.get_root()
        parts = [getattr(root, part) for part in ("header", "html", "script")]
        before = [dict(part._children) for part in parts]
        try:
            return sf._get_feature_group_string(layer, map=base.folium_map, idx=idx)
        finally:
            base.folium_map._children.pop(layer.get_name(), None)
            for part, kept in zip(parts, before, strict=True):
                part._children.clear()
                part._children.update(kept)


def show_map(
    options: webmap.MapOptions,
    theme_labels: dict[str, str],
    make_layer: Callable[[], folium.FeatureGroup],
    *,
    layer_key: Hashable | None,
    key: str,
    height: int,
    returned_objects: list[str],
    center: list[float] | None,
    zoom: float | None,
    on_change: Callable[[], None],
    extra_layer: folium.FeatureGroup | None = None,
) -> None:
    """Draw the cached base map and send only the initiatives layer anew.

    ``layer_key`` identifies what ``make_layer`` would build (data version,
    shown records, language, selection); None means "do not cache".
    ``extra_layer`` is drawn above it (the pin of a point being placed); while
    there is one, the initiatives travel again whenever it changes.
    """
    options_tuple, theme_items = astuple(options), tuple(theme_labels.items())
    base = _rendered_base(options_tuple, theme_items)
    if layer_key is None:
        layer_script = _render_layer(base, make_layer())
    else:
        layer_script = _layer_script(options_tuple, theme_items, layer_key, make_layer)
    if extra_layer is not None:
        layer_script += _render_layer(base, extra_layer, idx=1)
    hash_key = sf.generate_js_hash(base.script, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        on_change()

    sf._component_func(
        script=base.script, header=base.header, html=base.html, id=base.map_id,
        key=hash_key, height=height, width=None, returned_objects=returned_objects,
        default={name: None for name in RETURN_ORDER if name in returned_objects},
        zoom=zoom, center=center,
        feature_group=layer_script, return_on_hover=False, layer_control=None,
        pixelated=False, css_links=base.css_links, js_links=base.js_links,
        on_change=_on_change, wrap_longitude=False,
    )
