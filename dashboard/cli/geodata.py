"""``krimpkaart build-geodata``: rebuild the shipped layers from the CBS sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import add_lang, cli_lang, complain, say
from dashboard.geo.build import SourceError, build, default_source_dir
from dashboard.i18n import t


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
    add_lang(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the layers; a bad source file is named in English (it is a developer's tool)."""
    lang = cli_lang(args)
    try:
        report = build(args.src, args.out)
    except SourceError as exc:
        complain("build-geodata", str(exc))
        print(t("cli_nothing_written", lang), file=sys.stderr)
        return 1
    say(lang, "cli_geodata_written", municipalities=report.municipalities,
        regions=report.regions, provinces=report.provinces, path=report.out_dir)
    sizes = dict(report.sizes)
    if report.shipped:
        from dashboard import config
        from dashboard.webmap.layers import write_static_layers

        for rel in write_static_layers():
            sizes["static/" + rel] = (config.STATIC_DIR / rel).stat().st_size
    for name, size in sizes.items():
        print(f"  {name}: {size / 1024:.0f} KiB")
    return 0
