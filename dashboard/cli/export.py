"""``krimpkaart export``: the filtered map or data as files, for slides, print and scripts.

The filter flags are the app's URL keys with the same comma-separated values,
or ``--url`` takes a link copied from the app (with its map view). Unlike the
app, which drops an unknown value with a notice, the command refuses it: a
script that exports "wonenn" should fail loudly, not export everything.
Exit codes: 0 written, 2 usage errors (bad value, bad combination, unwritable
path); never a traceback for bad input. ``--lang`` sets the language of the map
and of the messages; without it the map follows the link (else Dutch) and the
messages follow the locale.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from dashboard import query
from dashboard.cli.common import STORE_HELP, cli_lang, complain, store_location
from dashboard.domain.record import Record
from dashboard.i18n import LANGS, LocalizedError, Message, Num, msg, t
from dashboard.text import slugify

IMAGE_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv", "geojson", "xlsx")
FORMATS = (*IMAGE_FORMATS, "html", *DATA_FORMATS)
TIMELINE_FORMATS = ("gif",)  # --timeline: one frame per start year
PRESETS = ("slide", "slide2x", "a4", "a4-landscape")
FILTER_FLAGS = ("q", "thema", "soort", "regiotype", "regio", "provincie", "participatie",
                "actor", "schaal", "status", "van", "tot")


class UsageError(LocalizedError):
    """A bad argument, reported as one line on stderr with exit code 2."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the filtered map (png, svg, pdf, html) or data (csv, geojson, xlsx)",
        description="Export the initiatives the filters keep. Filter flags take the app's URL "
        "values, comma-separated (e.g. --thema wonen,zorg --regiotype krimpregio); --url takes "
        "a link copied from the app, including its map view. Flags override the link.",
    )
    group = parser.add_argument_group("filters (as in the app's URL)")
    for key in FILTER_FLAGS:
        group.add_argument(f"--{key}", default=None, metavar="VALUES" if key not in (
            "q", "van", "tot") else key.upper())
    parser.add_argument("--url", default=None, help="an app link; its filters, view (centrum "
                        "and zoom, or bbox), language, basemap and layer are used")
    parser.add_argument("--format", action="append", default=None, metavar="FORMAT",
                        help=f"one or more of {', '.join(FORMATS)}; repeat or comma-separate "
                        "(default: from the -o suffix, else png)")
    parser.add_argument("--preset", default="slide", help="image size: slide (1920×1080), "
                        "slide2x (3840×2160), a4, a4-landscape (default: slide)")
    parser.add_argument("--dpi", type=int, default=None,
                        help="resolution for a4 and a4-landscape (default 150; 300 for print)")
    parser.add_argument("--title", default=None, help="title (default: from the filters)")
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS,
                        help="language of the map and the messages (default: the map "
                        "follows the link, else nl; messages follow the locale, LANG)")
    parser.add_argument("--timeline", action="store_true",
                        help="an animated gif of the start-year timeline: one frame per year, "
                        "initiatives appear in their start year (use with --format gif)")
    parser.add_argument("--labels", action="store_true", help="write initiative names on the map")
    parser.add_argument("--population", action="store_true",
                        help="colour municipalities by population change 2014-2024")
    parser.add_argument("--store", type=store_location, default=None, help=STORE_HELP)
    parser.add_argument("-o", "--output", default=None,
                        help="output file, or name without suffix for several formats "
                        "(default: krimpkaart.<format>; a folder gets that name inside it); "
                        "'-' writes one format to stdout")
    parser.set_defaults(func=run_export)


# --------------------------------------------------------------------------- arguments


def _formats(args: argparse.Namespace) -> list[str]:
    raw = [part.strip().lower() for item in (args.format or []) for part in item.split(",")]
    raw = [part for part in raw if part]
    timeline = getattr(args, "timeline", False)
    if not raw:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        raw = [_suffix_format(suffix) or ("gif" if timeline else "png")]
    unknown = [f for f in raw if f not in (*FORMATS, *TIMELINE_FORMATS)]
    if unknown:
        raise UsageError(key="cli_unknown_format", format=repr(unknown[0]),
                         formats=", ".join((*FORMATS, *TIMELINE_FORMATS)))
    if timeline and any(f not in TIMELINE_FORMATS for f in raw):
        other = next(f for f in raw if f not in TIMELINE_FORMATS)
        raise UsageError(key="cli_timeline_gif_only", format=repr(other))
    if not timeline and any(f in TIMELINE_FORMATS for f in raw):
        raise UsageError(key="cli_gif_needs_timeline")
    return list(dict.fromkeys(raw))


def _suffix_format(suffix: str) -> str | None:
    suffix = {"htm": "html", "json": "geojson"}.get(suffix, suffix)
    return suffix if suffix in (*FORMATS, *TIMELINE_FORMATS) else None


def _targets(output: str | None, formats: list[str]) -> list[tuple[str, Path | None]]:
    """(format, path) per output; path None means stdout."""
    if output == "-":
        if len(formats) > 1:
            raise UsageError(key="cli_stdout_single")
        return [(formats[0], None)]
    path = Path(output or "krimpkaart")
    if output and (path.is_dir() or output.endswith(("/", os.sep))):
        path = path / "krimpkaart"  # a folder: default names inside it
    own = _suffix_format(path.suffix.lower().lstrip("."))
    if len(formats) == 1 and path.suffix and (own == formats[0] or own is None):
        return [(formats[0], path)]
    stem = path.with_suffix("") if own else path
    return [(fmt, stem.with_name(f"{stem.name}.{fmt}")) for fmt in formats]


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(key="cli_folder_missing", path=str(path), folder=str(folder))
    if path.is_dir():
        raise UsageError(key="cli_is_folder", path=str(path))
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(key="cli_permission_denied", path=str(path))


def _url_params(url: str) -> dict[str, str]:
    query = urlsplit(url.strip()).query if "?" in url or "://" in url else url.lstrip("?")
    parsed = parse_qs(query, keep_blank_values=True)
    return {key: ",".join(values) for key, values in parsed.items()}


def check_values(params: dict[str, str]) -> None:
    """Refuse any filter value the app would drop, naming it and the allowed values."""
    for facet in query.FACETS:
        raw = params.get(facet.key, "")
        allowed = query.allowed_values(facet.key)
        vocab = query.FACET_VOCABULARIES.get(facet.key)
        for value in (v.strip() for v in raw.split(",")):
            if not value:
                continue
            known = vocab.match(value) if vocab else (
                value if value in allowed else (slugify(value) if slugify(value) in allowed
                                                else None))
            if known is None:
                hint = vocab.suggest(value) if vocab else None
                common = {"param": facet.key, "value": repr(value), "allowed": ", ".join(allowed)}
                if hint:
                    raise UsageError(key="cli_unknown_value_suggest", suggestion=repr(hint),
                                     **common)
                raise UsageError(key="cli_unknown_value", **common)
    for key in ("van", "tot"):
        value = params.get(key, "").strip()
        if value and not (value.isdigit() and len(value) == 4
                          and query.YEAR_MIN <= int(value) <= query.YEAR_MAX):
            raise UsageError(key="cli_not_a_year", flag=f"--{key}", value=repr(value),
                             low=query.YEAR_MIN, high=query.YEAR_MAX)


def parse_state(args: argparse.Namespace):
    """(FilterState, ViewState) from --url and the filter flags; UsageError when odd."""
    params = _url_params(args.url) if args.url else {}
    unknown = sorted(k for k in params if k not in query.URL_KEYS)
    if unknown:
        complain("export", t("cli_ignoring_params", cli_lang(args), n=len(unknown),
                             names=", ".join(unknown)))
        params = {k: v for k, v in params.items() if k not in unknown}
    for key in FILTER_FLAGS:
        value = getattr(args, key)
        if value is not None:
            params[key] = value
    if getattr(args, "lang", None):
        params["lang"] = args.lang
    check_values(params)
    parsed = query.parse_query(params)
    if parsed.notices:  # the problem only: the command refuses rather than ignores
        problem = parsed.notices[0].problem
        raise UsageError(key=problem.key, **problem.params)
    return parsed.filters, parsed.view


# --------------------------------------------------------------------------- running


def run_export(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except UsageError as exc:
        complain("export", exc.text(cli_lang(args)))
        return 2


def _run(args: argparse.Namespace) -> int:
    formats = _formats(args)
    targets = _targets(args.output, formats)
    images = [f for f in formats if f in (*IMAGE_FORMATS, *TIMELINE_FORMATS)]
    from dashboard.export.presets import PresetError, resolve

    lang = cli_lang(args)
    if images:
        try:
            resolve(args.preset, args.dpi)
        except PresetError as exc:
            raise UsageError(key=exc.key, **exc.params) from None
    elif args.dpi is not None or args.preset != "slide":
        complain("export", t("cli_preset_images_only", lang))
    for _, path in targets:
        if path is not None:
            _check_writable(path)
    state, view = parse_state(args)
    records = _records(args.store)
    frame = query.initiatives_frame(records)
    for fmt, path in targets:
        data = _render(fmt, frame, records, state, view, args)
        _write(data, path)
        if path is not None:
            print(t("cli_wrote", lang, path=path, size=_size(len(data))))
    return 0


def _records(store: Path | str | None) -> list[Record]:
    from dashboard.store import SeedError, StoreError, open_store

    try:
        return open_store(store).list()
    except (StoreError, SeedError) as exc:
        raise UsageError(key="cli_store_unreadable", error=exc.message or str(exc)) from None
    except OSError as exc:
        raise UsageError(key="cli_store_unreadable", error=str(exc)) from None


# A link's centre and zoom as an image's extent: what a web map of this size (CSS
# pixels, a laptop's map) shows there; the image widens it to its own shape.
VIEW_EXTENT_PX = (960, 600)


def _extent(view) -> tuple[tuple | None, tuple[float, float, float] | None]:
    """(bbox, exact view) from a link: ``centrum`` and ``zoom`` win over an older ``bbox``."""
    if view.centrum and view.zoom is not None:
        from dashboard.webmap import bounds_for_view

        exact = (view.centrum[0], view.centrum[1], view.zoom)
        return bounds_for_view(view.centrum, view.zoom, *VIEW_EXTENT_PX), exact
    return view.bbox, None


def _render(fmt: str, frame, records: list[Record], state, view, args) -> bytes:
    from dashboard import export

    population = args.population or view.laag == "bevolking"
    bbox, exact = _extent(view)
    if fmt in TIMELINE_FORMATS:
        from dashboard.export.timeline import NoYearsError, render_gif

        try:
            return render_gif(frame, state, lang=view.lang, preset=args.preset, dpi=args.dpi,
                              title=args.title, bbox=bbox, population=population)
        except NoYearsError:
            raise UsageError(key="timeline_no_years") from None
    if fmt in IMAGE_FORMATS:
        return export.render_static(
            frame, state, fmt=fmt, preset=args.preset, dpi=args.dpi, title=args.title,
            lang=view.lang, bbox=bbox, labels=args.labels, population=population,
        )
    if fmt == "html":
        return export.export_html(frame, state, view.lang, args.title, bbox=bbox, view=exact,
                                  basemap=view.kaart, population=population)
    from dashboard.tabular.importing import export_records

    keep = set(query.apply(frame, state)["id"])
    return export_records([r for r in records if r.get("id") in keep], fmt)  # type: ignore[arg-type]


def _write(data: bytes, path: Path | None) -> None:
    """Write through a temporary file, so a failure never leaves half a file behind."""
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes private files; exports are not
        os.replace(tmp, path)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise UsageError(key="cli_write_failed", path=str(path),
                         error=str(exc.strerror or exc)) from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _size(n: int) -> Message:
    """The file size for the "wrote" line, in the reader's number style."""
    if n < 1024 * 1024:
        return msg("size_kb", size=Num(round(n / 1024), 0))
    return msg("size_mb", size=Num(n / 1024 / 1024, 1))
