"""The shipped layers and the command that builds them from the CBS sources."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard import geo
from dashboard.cli import main
from dashboard.geo.build import RD_NEW, SourceError, build

GEODATA = geo.geodata_dir()


@pytest.fixture(scope="module")
def gemeenten() -> gpd.GeoDataFrame:
    return gpd.read_file(GEODATA / "gemeenten.geojson")


def test_municipality_layer_has_all_342_with_the_agreed_columns(gemeenten):
    assert len(gemeenten) == 342
    assert gemeenten["statcode"].is_unique
    assert list(gemeenten.columns) == [
        "statcode", "statnaam", "provincie", "regio", "regiotype", "regio_noot",
        "deels_aangewezen", "oppervlakte_km2", "inwoners_2014", "inwoners_2024",
        "bevolking_verandering_pct", "geometry",
    ]
    assert gemeenten["inwoners_2024"].sum() == 17_942_942
    assert set(gemeenten["regiotype"].fillna("")) == {"", "krimpregio", "anticipeerregio"}


PARTLY_DESIGNATED = {"GM1952": "Midden-Groningen", "GM0080": "Leeuwarden",
                     "GM1900": "Súdwest-Fryslân", "GM1966": "Het Hogeland"}
RECONSTRUCTED = {"Zuidoost-Fryslân", "Waddeneilanden", "Oost-Drenthe", "Midden-Limburg",
                 "Walcheren"}


def test_partly_designated_municipalities_are_a_column(gemeenten):
    """Only part of these was designated; they count whole in the region, and say so."""
    assert gemeenten["deels_aangewezen"].dtype == bool
    flagged = gemeenten[gemeenten["deels_aangewezen"]]
    assert dict(zip(flagged["statcode"], flagged["statnaam"], strict=True)) == PARTLY_DESIGNATED
    assert (flagged["regio"] != "").all()


def test_regions_carry_their_provenance_and_partial_members(gemeenten):
    regions = gpd.read_file(GEODATA / "regios.geojson").set_index("regio")
    assert set(regions["herkomst"]) == {"samengesteld", "gereconstrueerd"}
    assert set(regions.index[regions["herkomst"] == "gereconstrueerd"]) == RECONSTRUCTED
    partial = {r: set(c.split(",")) for r, c in regions["gemeenten_deels"].fillna("").items()
               if c}
    assert partial == {"Oost-Groningen": {"GM1952"}, "Noordwest-Fryslân": {"GM0080", "GM1900"},
                       "Het Hogeland": {"GM1966"}}


def test_the_provenance_table_covers_exactly_the_regions(source_dir, tmp_path):
    src = _copy_sources(source_dir, tmp_path / "src")
    table = (GEODATA / "regio-herkomst.csv").read_text(encoding="utf-8")
    for broken, expected in [
        (table.replace("Walcheren,gereconstrueerd\n", ""), "no provenance for region"),
        (table + "Groeiregio,samengesteld\n", "not in krimp_anticipeer_2024.csv"),
        (table.replace("Walcheren,gereconstrueerd", "Walcheren,vermoed"), "unknown herkomst"),
        (table + "Walcheren,samengesteld\n", "listed twice"),
    ]:
        (src / "regio-herkomst.csv").write_text(broken, encoding="utf-8")
        with pytest.raises(SourceError, match=expected) as info:
            build(src, tmp_path / "out")
        assert "regio-herkomst.csv" in str(info.value)


def test_population_change_is_empty_exactly_where_2014_is_missing(gemeenten):
    missing = gemeenten["inwoners_2014"].isna()
    assert missing.sum() == 16
    assert gemeenten.loc[missing, "bevolking_verandering_pct"].isna().all()
    ams = gemeenten.set_index("statnaam").loc["Amsterdam"]
    expected = (ams.inwoners_2024 - ams.inwoners_2014) / ams.inwoners_2014 * 100
    assert ams.bevolking_verandering_pct == pytest.approx(expected, abs=0.01)


def test_provinces_and_regions_counts():
    provinces = gpd.read_file(GEODATA / "provincies.geojson")
    regions = gpd.read_file(GEODATA / "regios.geojson")
    assert len(provinces) == 12
    assert provinces["aantal_gemeenten"].sum() == 342
    assert (regions["regiotype"] == "krimpregio").sum() == 9
    assert (regions["regiotype"] == "anticipeerregio").sum() == 10
    assert regions["slug"].is_unique


def test_every_region_member_exists_and_carries_its_region(gemeenten):
    regions = gpd.read_file(GEODATA / "regios.geojson")
    by_code = gemeenten.set_index("statcode")
    for row in regions.itertuples():
        for code in row.gemeenten.split(","):
            assert code in by_code.index
            assert by_code.loc[code, "regio"] == row.regio
            assert by_code.loc[code, "regiotype"] == row.regiotype


def test_source_rows_end_up_in_their_region(source_dir, gemeenten):
    table = pd.read_csv(source_dir / "krimp_anticipeer_2024.csv", dtype=str)
    by_code = gemeenten.set_index("statcode")
    for row in table.itertuples():
        assert by_code.loc[row.statcode, "regio"] == row.regio
        assert by_code.loc[row.statcode, "regiotype"] == row.regiotype
    noted = table.dropna(subset=["note"])
    assert (by_code.loc[noted["statcode"], "regio_noot"] != "").all()


def test_layers_are_valid_small_and_rounded():
    text = (GEODATA / "gemeenten.geojson").read_text(encoding="utf-8")
    # Read by the server only (the browser gets static/layers/gemeenten.json); the bound
    # catches an unsimplified build, which is megabytes.
    assert len(text.encode()) <= 410_000
    numbers = re.findall(r"-?\d+\.(\d+)", text.split('"geometry"', 1)[1])
    assert numbers and max(len(n) for n in numbers) <= 5
    for name in ("gemeenten", "regios", "provincies"):
        layer = gpd.read_file(GEODATA / f"{name}.geojson")
        assert layer.is_valid.all(), name


def test_simplified_municipalities_do_not_overlap(gemeenten):
    rd = gemeenten.to_crs(RD_NEW).geometry.values
    total = shapely.area(rd).sum()
    union = shapely.union_all(rd).area
    assert (total - union) / 1e6 < 0.1  # km²


def test_simplified_union_matches_source_union(source_dir, gemeenten):
    source = gpd.read_file(source_dir / "cbs_gemeente_2024_gegeneraliseerd.geojson")
    src_union = shapely.union_all(source.to_crs(RD_NEW).geometry.values)
    ours = shapely.union_all(gemeenten.to_crs(RD_NEW).geometry.values)
    assert shapely.symmetric_difference(src_union, ours).area / src_union.area < 0.005


def test_build_is_byte_identical_and_matches_shipped_properties(source_dir, tmp_path):
    first = build(source_dir, tmp_path / "a")
    build(source_dir, tmp_path / "b")
    for name in first.sizes:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (first.municipalities, first.provinces) == (342, 12)


def _copy_sources(source_dir: Path, dest: Path) -> Path:
    shutil.copytree(source_dir, dest)
    return dest


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("krimp_anticipeer_2024.csv", "statcode,regio\nGM0014,X\n", "missing column"),
        ("bevolking_gemeente.csv", None, "file not found"),
        ("gemeente_provincie_2024.csv", "statcode,provincie\nGM9999,Nergens\n", "GM9999"),
        ("cbs_gemeente_2024_gegeneraliseerd.geojson", "{not json", "not a readable GeoJSON"),
    ],
)
def test_bad_source_stops_with_a_clear_message_and_keeps_output(
    source_dir, tmp_path, filename, content, expected
):
    src = _copy_sources(source_dir, tmp_path / "src")
    if content is None:
        (src / filename).unlink()
    else:
        (src / filename).write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "gemeenten.geojson").write_text("old", encoding="utf-8")
    with pytest.raises(SourceError, match=expected) as info:
        build(src, out)
    assert filename in str(info.value)
    assert (out / "gemeenten.geojson").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in out.iterdir()) == ["gemeenten.geojson"]


def test_cli_build_reports_errors_with_exit_code(source_dir, tmp_path, capsys):
    src = _copy_sources(source_dir, tmp_path / "src")
    (src / "krimp_anticipeer_2024.csv").write_text(
        "statcode,regio,regiotype,note\nGM0014,X,groeiregio,\n", encoding="utf-8"
    )
    assert main(["build-geodata", "--src", str(src), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "krimp_anticipeer_2024.csv" in err and "groeiregio" in err
    ok_src = _copy_sources(source_dir, tmp_path / "src2")
    assert main(["build-geodata", "--src", str(ok_src), "--out", str(tmp_path / "o")]) == 0
    assert json.loads((tmp_path / "o" / "provincies.geojson").read_text())["features"]
