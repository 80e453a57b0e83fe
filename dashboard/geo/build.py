"""Build the shipped boundary layers from the official CBS/Kadaster sources.

The build reads the four files in ``shared/geodata-src`` (boundaries, province
table, krimp/anticipeer table, population table) and the region provenance table
``geodata/regio-herkomst.csv`` (which regions are compiled from sources and which
reconstructed; kept by hand), checks them, simplifies the municipalities as one
coverage so neighbours keep sharing borders, and writes ``gemeenten.geojson``,
``regios.geojson`` and ``provincies.geojson``.

Output is written to a temporary folder and moved into place only when every
layer was built, so a bad source never leaves a half-updated ``geodata/``.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.geo.crs import RD_NEW, WGS84
from dashboard.text import slugify

GRID_M = 0.01  # snap to 1 cm so the CBS boundaries become a valid coverage
SIMPLIFY_M = 300.0  # coverage simplification tolerance in metres
DECIMALS = 5  # ~1 m in WGS84

BOUNDARY_FILE = "cbs_gemeente_2024_gegeneraliseerd.geojson"
PROVINCE_FILE = "gemeente_provincie_2024.csv"
REGION_FILE = "krimp_anticipeer_2024.csv"
POPULATION_FILE = "bevolking_gemeente.csv"
REGION_TYPES = ("krimpregio", "anticipeerregio")
PROVENANCE_FILE = "regio-herkomst.csv"
PROVENANCE_KINDS = ("samengesteld", "gereconstrueerd")  # compiled from sources / reconstructed
# How the region table's note marks a municipality only part of which was designated.
PARTIAL_MARK = "partial overlap"

OUTPUT_FILES = ("gemeenten.geojson", "regios.geojson", "provincies.geojson")


class SourceError(ValueError):
    """A source file is missing or malformed; the message names file and problem."""


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote, for the CLI to print."""

    out_dir: Path
    sizes: dict[str, int]
    municipalities: int
    regions: int
    provinces: int
    shipped: bool = False  # written to the shipped geodata/: refresh the web copies too


def default_source_dir() -> Path:
    """``../shared/geodata-src`` next to the repository (the documented default)."""
    return Path(__file__).resolve().parents[3] / "shared" / "geodata-src"


def shipped_dir() -> Path:
    """The repository's ``geodata/``: the shipped layers and the region provenance table."""
    return Path(__file__).resolve().parents[2] / "geodata"


def provenance_path(src: Path) -> Path:
    """The region provenance table: beside the sources when given there, else the shipped one."""
    beside = src / PROVENANCE_FILE
    return beside if beside.is_file() else shipped_dir() / PROVENANCE_FILE


def load_provenance(path: Path, regions: Iterable[str]) -> dict[str, str]:
    """Region name -> ``samengesteld`` or ``gereconstrueerd``, one row for every region."""
    frame = _read_csv(path, ["regio", "herkomst"])
    if frame["regio"].duplicated().any():
        dups = sorted(set(frame.loc[frame["regio"].duplicated(), "regio"]))
        raise SourceError(f"{path}: region(s) listed twice: {', '.join(dups)}")
    bad = sorted(set(frame["herkomst"]) - set(PROVENANCE_KINDS))
    if bad:
        raise SourceError(f"{path}: unknown herkomst {', '.join(bad)}; "
                          f"expected {' or '.join(PROVENANCE_KINDS)}")
    table = dict(zip(frame["regio"], frame["herkomst"], strict=True))
    missing, extra = sorted(set(regions) - set(table)), sorted(set(table) - set(regions))
    if missing:
        raise SourceError(f"{path}: no provenance for region(s) {', '.join(missing)}")
    if extra:
        raise SourceError(f"{path}: region(s) not in {REGION_FILE}: {', '.join(extra)}")
    return table


def _read_csv(path: Path, required: Iterable[str]) -> pd.DataFrame:
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"{path}: not a readable UTF-8 CSV file ({exc})") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SourceError(
            f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(frame.columns)}"
        )
    return frame


def _read_boundaries(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise SourceError(f"{path}: file not found")
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several error types for bad files
        raise SourceError(f"{path}: not a readable GeoJSON file ({exc})") from exc
    for column in ("statcode", "statnaam"):
        if column not in frame.columns:
            raise SourceError(f"{path}: missing property '{column}'")
    if frame.empty:
        raise SourceError(f"{path}: contains no municipalities")
    if frame.geometry.isna().any() or (~frame.geometry.geom_type.isin(
        ["Polygon", "MultiPolygon"]
    )).any():
        raise SourceError(f"{path}: every feature needs a polygon geometry")
    if frame["statcode"].duplicated().any():
        dups = sorted(frame.loc[frame["statcode"].duplicated(), "statcode"])
        raise SourceError(f"{path}: duplicate statcode(s) {', '.join(dups)}")
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    return frame[["statcode", "statnaam", "geometry"]]


def _check_codes(path: Path, codes: pd.Series, known: set[str], whole: bool) -> None:
    unknown = sorted(set(codes) - known)
    if unknown:
        raise SourceError(
            f"{path}: statcode(s) not in the boundary file: {', '.join(unknown[:10])}"
        )
    if codes.duplicated().any():
        raise SourceError(
            f"{path}: duplicate statcode(s) {', '.join(sorted(codes[codes.duplicated()]))}"
        )
    if whole and set(codes) != known:
        absent = sorted(known - set(codes))
        raise SourceError(f"{path}: no row for statcode(s) {', '.join(absent[:10])}")


def _to_int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value else None


def load_sources(src: Path) -> gpd.GeoDataFrame:
    """Read and check the four source files; return municipalities in RD New."""
    boundaries = _read_boundaries(src / BOUNDARY_FILE)
    known = set(boundaries["statcode"])

    provinces = _read_csv(src / PROVINCE_FILE, ["statcode", "provincie"])
    _check_codes(src / PROVINCE_FILE, provinces["statcode"], known, whole=True)

    regions = _read_csv(src / REGION_FILE, ["statcode", "regio", "regiotype", "note"])
    _check_codes(src / REGION_FILE, regions["statcode"], known, whole=False)
    bad_types = sorted(set(regions["regiotype"]) - set(REGION_TYPES))
    if bad_types:
        raise SourceError(
            f"{src / REGION_FILE}: unknown regiotype {', '.join(bad_types)}; "
            f"expected {' or '.join(REGION_TYPES)}"
        )

    population = _read_csv(
        src / POPULATION_FILE, ["statcode", "inwoners_2024", "inwoners_2014"]
    )
    _check_codes(src / POPULATION_FILE, population["statcode"], known, whole=True)
    try:
        population["inwoners_2024"] = population["inwoners_2024"].map(_to_int)
        population["inwoners_2014"] = population["inwoners_2014"].map(_to_int)
    except ValueError as exc:
        raise SourceError(f"{src / POPULATION_FILE}: non-numeric population ({exc})") from exc

    frame = boundaries.merge(provinces[["statcode", "provincie"]], on="statcode")
    frame = frame.merge(
        regions[["statcode", "regio", "regiotype", "note"]].rename(columns={"note": "regio_noot"}),
        on="statcode",
        how="left",
    )
    frame = frame.merge(population[["statcode", "inwoners_2014", "inwoners_2024"]], on="statcode")
    for column in ("regio", "regiotype", "regio_noot"):
        frame[column] = frame[column].fillna("")
    frame["deels_aangewezen"] = frame["regio_noot"].str.contains(PARTIAL_MARK, case=False,
                                                                 regex=False)
    return frame.to_crs(RD_NEW).sort_values("statcode").reset_index(drop=True)


def simplify_coverage(geoms: gpd.GeoSeries, tolerance: float = SIMPLIFY_M) -> gpd.GeoSeries:
    """Simplify polygons as one coverage: shared edges stay shared, no gaps open."""
    snapped = shapely.set_precision(geoms.values, GRID_M)
    if not shapely.coverage_is_valid(snapped):
        raise SourceError("municipal boundaries do not form a valid coverage after snapping")
    simplified = shapely.coverage_simplify(snapped, tolerance)
    return gpd.GeoSeries(simplified, index=geoms.index, crs=geoms.crs)


def _change_pct(before: int | None, after: int | None) -> float | None:
    if not before or after is None:
        return None
    return round((after - before) / before * 100, 2)


def build_municipalities(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Attach area and population change; geometry simplified, still in RD New."""
    out = frame.copy()
    out["oppervlakte_km2"] = (out.geometry.area / 1e6).round(2)
    out["bevolking_verandering_pct"] = [
        _change_pct(b, a) for b, a in zip(out["inwoners_2014"], out["inwoners_2024"], strict=True)
    ]
    out = out.set_geometry(simplify_coverage(out.geometry))
    columns = [
        "statcode", "statnaam", "provincie", "regio", "regiotype", "regio_noot",
        "deels_aangewezen", "oppervlakte_km2", "inwoners_2014", "inwoners_2024",
        "bevolking_verandering_pct", "geometry",
    ]
    return out[columns]


def build_regions(
    municipalities: gpd.GeoDataFrame, provenance: dict[str, str]
) -> gpd.GeoDataFrame:
    """Dissolve the region members into one polygon per region, with its provenance
    (``herkomst``) and the members only partly designated (``gemeenten_deels``)."""
    members = municipalities[municipalities["regio"] != ""]
    rows = []
    for (name, kind), group in members.groupby(["regio", "regiotype"], sort=True):
        rows.append(
            {
                "regio": name,
                "slug": slugify(name),
                "regiotype": kind,
                "provincies": ", ".join(sorted(set(group["provincie"]))),
                "gemeenten": ",".join(sorted(group["statcode"])),
                "gemeenten_deels": ",".join(
                    sorted(group.loc[group["deels_aangewezen"], "statcode"])),
                "aantal_gemeenten": len(group),
                "inwoners_2024": int(group["inwoners_2024"].sum()),
                "herkomst": provenance[name],
                "geometry": shapely.union_all(group.geometry.values),
            }
        )
    return gpd.GeoDataFrame(rows, crs=municipalities.crs)


def build_provinces(municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve municipalities into the 12 provinces."""
    rows = [
        {
            "provincie": name,
            "slug": slugify(name),
            "aantal_gemeenten": len(group),
            "inwoners_2024": int(group["inwoners_2024"].sum()),
            "geometry": shapely.union_all(group.geometry.values),
        }
        for name, group in municipalities.groupby("provincie", sort=True)
    ]
    return gpd.GeoDataFrame(rows, crs=municipalities.crs)


def _round_coords(coords: Sequence[Any]) -> list[Any]:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round_coords(c) for c in coords]


def _clean(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def to_geojson_text(frame: gpd.GeoDataFrame) -> str:
    """Compact, deterministic GeoJSON in WGS84 with coordinates rounded to 5 decimals."""
    wgs = frame.to_crs(WGS84)
    features = []
    props = [c for c in wgs.columns if c != "geometry"]
    for row in wgs.itertuples(index=False):
        geometry = json.loads(shapely.to_geojson(row.geometry))
        geometry["coordinates"] = _round_coords(geometry["coordinates"])
        features.append(
            {
                "type": "Feature",
                "properties": {p: _clean(getattr(row, p)) for p in props},
                "geometry": geometry,
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def build(src: Path | None = None, out: Path | None = None) -> BuildReport:
    """Build all layers from ``src`` into ``out``; raise SourceError on bad input.

    ``BuildReport.shipped`` says whether ``out`` is the shipped ``geodata/``; the
    caller then refreshes the web map's static copy (``webmap.layers``).
    """
    src = Path(src) if src else default_source_dir()
    shipped = out is None or Path(out).resolve() == shipped_dir().resolve()
    out = Path(out) if out else shipped_dir()
    if not src.is_dir():
        raise SourceError(f"{src}: source folder not found")

    sources = load_sources(src)
    regions = sorted(set(sources["regio"]) - {""})
    provenance = load_provenance(provenance_path(src), regions)
    municipalities = build_municipalities(sources)
    layers = {
        "gemeenten.geojson": municipalities,
        "regios.geojson": build_regions(municipalities, provenance),
        "provincies.geojson": build_provinces(municipalities),
    }
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        for name, layer in layers.items():
            (Path(tmp) / name).write_text(to_geojson_text(layer), encoding="utf-8")
        for name in layers:
            shutil.move(str(Path(tmp) / name), out / name)
    sizes = {name: (out / name).stat().st_size for name in layers}

    return BuildReport(
        out_dir=out,
        sizes=sizes,
        municipalities=len(municipalities),
        regions=len(layers["regios.geojson"]),
        provinces=len(layers["provincies.geojson"]),
        shipped=shipped,
    )
