"""The cached base map stays as it was however many layers are drawn on it: rendering a
layer puts its elements' script parts on the map's root figure, and before they were taken
off again every layer ever drawn stayed in each worker's memory (5 MB a minute in a
30-tab workshop)."""

from __future__ import annotations

from dataclasses import astuple

from dashboard import query, webmap
from dashboard.domain.vocab import THEMES
from dashboard.store import default_seed_path as seed_path
from dashboard.store import read_seed
from dashboard.ui import mapframe


def _parts(base: mapframe.RenderedBase) -> list[int]:
    root = base.folium_map.get_root()
    return [len(root.header._children), len(root.html._children), len(root.script._children)]


def test_drawing_layers_leaves_the_base_map_as_it_was():
    options = webmap.MapOptions(lang="nl")
    base = mapframe._rendered_base(astuple(options), tuple(THEMES.labels("nl").items()))
    frame = query.initiatives_frame(read_seed(seed_path()))
    before = _parts(base)
    scripts = [mapframe._render_layer(base, webmap.initiatives_layer(frame, "nl"))
               for _ in range(5)]
    assert _parts(base) == before
    assert all("feature_group_feature_group_0" in s for s in scripts)
    # the same layer gives the same script each time (element names aside)
    assert len({len(s) for s in scripts}) == 1
