"""The pins' names table: a large layer refers to it by row, the route serves it once."""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import pytest
from starlette.applications import Starlette

from dashboard import query, webmap
from dashboard.webmap import markers, names
from tests.asgi import get_bytes


def _records(n: int) -> list[dict]:
    """n initiatives on a grid; every 10th shares its point with the one before it."""
    out = []
    for i in range(n):
        k = i - 1 if i % 10 == 9 else i
        out.append({"id": f"i-{i}", "name": f"Naam {i} <b>", "place": "" if i % 3 else "Dorp",
                    "lat": 51.5 + (k // 40) * 0.01, "lon": 4.5 + (k % 40) * 0.02,
                    "themes": ["wonen"] if i % 2 else ["zorg"], "scope": "lokaal",
                    "kind": "initiatief"})
    out.append({"id": "zonder-punt", "name": "Zonder punt", "themes": ["zorg"],
                "scope": "lokaal", "kind": "initiatief"})
    return out


def _columns(packed: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(packed)))


@pytest.fixture(scope="module")
def frame():
    return query.initiatives_frame(_records(2000))


def test_a_large_layer_refers_to_the_table_by_row_and_unpacks_to_the_same_points(frame):
    table = names.names_table(frame)
    assert len(table.ids) == 2000  # the located ones; "zonder-punt" has no pin
    shown = frame[frame["themes"].map(lambda ts: "wonen" in ts) | (frame["id"] == "i-8")]
    points = webmap.marker_points(shown, "nl", selected_id="i-7")
    assert any(p[3] > 1 for p in points)  # shared points are in the test
    packed = webmap.pack_points(points, table)
    columns = _columns(packed)
    assert "ids" not in columns and "labels" not in columns
    assert columns["names"] == table.key
    assert webmap.unpack_points(packed, table) == points
    assert webmap.unpack_points(webmap.pack_points(points)) == points
    with pytest.raises(ValueError):
        webmap.unpack_points(packed)  # without the table it cannot be read back


def test_the_lean_layer_is_much_smaller_than_one_carrying_the_names(frame):
    points = webmap.marker_points(frame, "nl")
    with_names = len(webmap.pack_points(points))
    lean = len(webmap.pack_points(points, names.names_table(frame)))
    assert lean < 0.6 * with_names, (lean, with_names)


def test_a_point_missing_from_the_table_makes_the_layer_carry_its_own_names(frame):
    table = names.names_table(frame.iloc[:100])
    points = webmap.marker_points(frame, "nl")
    packed = webmap.pack_points(points, table)
    assert "ids" in _columns(packed)
    assert webmap.unpack_points(packed) == points


def test_small_layers_stay_a_readable_list_with_or_without_a_table(frame):
    small = frame.iloc[:50]
    points = webmap.marker_points(small, "nl")
    assert webmap.pack_points(points, names.names_table(frame)) == points


def test_the_key_follows_the_content():
    a = names.names_table(query.initiatives_frame(_records(30)))
    b = names.names_table(query.initiatives_frame(_records(30)))
    renamed = _records(30)
    renamed[4]["name"] = "Andere naam"
    c = names.names_table(query.initiatives_frame(renamed))
    assert a.key == b.key != c.key
    assert names.KEY.fullmatch(a.key)


def test_the_registry_keeps_the_newest_tables_and_packs_each_once():
    registry = names.NamesRegistry(keep=2)
    tables = []
    for n in (30, 31, 32):
        tables.append(names.names_table(query.initiatives_frame(_records(n))))
        registry.register(tables[-1])
    assert registry.body(tables[0].key) is None  # the oldest was let go
    body = registry.body(tables[2].key)
    assert body is registry.body(tables[2].key)
    data = json.loads(gzip.decompress(body))
    assert data == {"ids": tables[2].ids, "labels": tables[2].labels}
    assert "Naam 0 <b> · Dorp" in data["labels"]  # plain text: the browser escapes it


def test_the_route_serves_a_table_for_good_and_nothing_else():
    registry = names.NamesRegistry()
    table = names.names_table(query.initiatives_frame(_records(30)))
    registry.register(table)
    route = names.names_route(registry, names.route_path("kaart"))
    assert registry.served
    app = Starlette(routes=[route])
    status, headers, body = get_bytes(app, f"/kaart/{markers.NAMES_PATH}/{table.key}")
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "immutable" in headers["cache-control"]
    assert json.loads(gzip.decompress(body)) == {"ids": table.ids, "labels": table.labels}
    for key in ("0" * 20, "..%2F..%2Fetc", table.key.upper()):
        status, headers, _ = get_bytes(app, f"/kaart/{markers.NAMES_PATH}/{key}")
        assert status == 404
        assert headers["cache-control"] == "no-store"
