"""``krimpkaart build-geodata``: rebuild the shipped layers from the CBS sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.geo.build import SourceError, build, default_source_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build-geodata",
        help="rebuild geodata/*.geojson from the CBS/Kadaster source files",
    )
    parser.add_argument(
        "--src", type=Path, default=None,
        help=f"folder with the source files (default: {default_source_dir()})",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: the shipped geodata/)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        report = build(args.src, args.out)
    except SourceError as exc:
        print(f"krimpkaart build-geodata: {exc}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    print(
        f"Wrote {report.municipalities} municipalities, {report.regions} regions and "
        f"{report.provinces} provinces to {report.out_dir}"
    )
    sizes = dict(report.sizes)
    if report.shipped:
        from dashboard import config
        from dashboard.webmap.layers import write_static_layers

        for rel in write_static_layers():
            sizes["static/" + rel] = (config.STATIC_DIR / rel).stat().st_size
    for name, size in sizes.items():
        print(f"  {name}: {size / 1024:.0f} KiB")
    return 0
