"""The region brief on A4 pages: map and figures on top, then the lists in two columns.

Every line is measured before it is placed (``Page.size``): a line that is too wide is
wrapped or shortened with an ellipsis, and a column that is full continues in the
next one, so text never runs off the page. The list of initiatives is one line each
while everything fits on the first page; a longer list becomes a compact run of
names, and when even that does not fit, page 1 says how many more there are and
the whole list follows on page 2 (one line each), with "vervolg" in the headings.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.patches import PathPatch

from dashboard import geo
from dashboard.export.brief import Brief
from dashboard.export.layout import draw_legend
from dashboard.export.mapdraw import draw_map, municipality_layer, region_layer
from dashboard.export.page import Page
from dashboard.export.presets import PRESETS
from dashboard.export.scene import FONT, INK, MUTED
from dashboard.i18n import t

A4 = PRESETS["a4"]
MARGIN = 0.5  # inches
COLUMN_GAP = 0.25
SIZES = {"title": 16.0, "subtitle": 8.5, "heading": 8.6, "subheading": 7.4, "item": 6.9,
         "detail": 6.1, "figure_label": 6.9, "figure_value": 6.9, "footer": 5.9}
LEADING = 1.3  # line height as a multiple of the type size
MAP_SHARE = 0.6  # of the text width
MAP_HEIGHT = 3.6  # inches, at least
LEGEND_COLUMNS = 3  # across the page (four would put the theme heading over a column)
ELLIPSIS = "…"
# Text is measured once, hinted at 144 dpi (``page.text_size``); drawn hinted at another
# dpi a small-type line comes out up to about 5 % wider (measured: 3.54 in drawn at 150 dpi
# for 3.41 in measured), so a line may take only this share of its column.
FIT = 0.93


@dataclass(frozen=True)
class Line:
    """One line of text as it will be drawn, already no wider than its column."""

    text: str
    size: float
    weight: str = "normal"
    colour: str = INK
    indent: float = 0.0
    space_before: float = 0.0  # inches; dropped at the top of a column
    keep_with_next: bool = False  # a heading never ends a column

    @property
    def height(self) -> float:
        return self.size * LEADING / 72


@dataclass(frozen=True)
class Frame:
    """A column on a page: left edge, width, top and bottom (inches from the bottom)."""

    page: int
    x: float
    width: float
    top: float
    bottom: float


# --------------------------------------------------------------------------- lines


class Typesetter:
    """Turns words into ``Line``s of a given width, measured with the export's fonts."""

    def __init__(self, page: Page, width: float) -> None:
        self.page = page
        self.width = width

    def measure(self, text: str, size: float, weight: str = "normal") -> float:
        """Inches ``text`` takes: its words' widths plus the spaces between them. Each word is
        measured once per process (``page.text_size``), so wrapping a long list costs one
        measurement per distinct word, not one per trial line."""
        words = text.split(" ")
        return (sum(self.page.size(word, size, fontweight=weight)[0] for word in words if word)
                + (len(words) - 1) * self._space(size, weight))

    def _space(self, size: float, weight: str) -> float:
        wide = self.page.size("x x", size, fontweight=weight)[0]
        return wide - 2 * self.page.size("x", size, fontweight=weight)[0]

    def fits(self, text: str, size: float, width: float, weight: str = "normal") -> bool:
        return self.measure(text, size, weight) <= width * FIT

    def shorten(self, text: str, size: float, width: float, weight: str = "normal") -> str:
        """``text`` cut (with an ellipsis) to at most ``width`` inches."""
        if self.fits(text, size, width, weight):
            return text
        room = width * FIT - self.measure(ELLIPSIS, size, weight)
        used, cut = 0.0, 0
        for index, char in enumerate(text):  # characters measured once each, in a cache
            used += self._space(size, weight) if char == " " else self.page.size(
                char, size, fontweight=weight)[0]
            if used > room:
                break
            cut = index + 1
        return text[:cut].rstrip() + ELLIPSIS

    def wrap(self, text: str, size: float, width: float, weight: str = "normal") -> list[str]:
        """Greedy word wrap; a single word wider than the line is shortened."""
        lines: list[str] = []
        current, used = "", 0.0
        space = self._space(size, weight)
        room = width * FIT
        for word in text.split():
            word_w = self.measure(word, size, weight)
            if current and used + space + word_w > room:
                lines.append(current)
                current, used = word, word_w
            else:
                current, used = (f"{current} {word}", used + space + word_w) if current \
                    else (word, word_w)
        if current:
            lines.append(current)
        return [self.shorten(line, size, width, weight) for line in lines]

    def paragraph(self, text: str, kind: str, indent: float = 0.0, colour: str = INK,
                  space_before: float = 0.0, weight: str = "normal") -> list[Line]:
        size = SIZES[kind]
        out = [Line(line, size, weight, colour, indent)
               for line in self.wrap(text, size, self.width - indent, weight)]
        if out and space_before:
            out[0] = replace(out[0], space_before=space_before)
        return out

    def one_line(self, text: str, kind: str, indent: float = 0.0, colour: str = INK,
                 weight: str = "normal") -> Line:
        size = SIZES[kind]
        return Line(self.shorten(text, size, self.width - indent, weight), size, weight,
                    colour, indent)

    def heading(self, text: str, kind: str = "heading", space_before: float = 0.1) -> list[Line]:
        lines = self.paragraph(text, kind, weight="bold", space_before=space_before)
        return [replace(line, keep_with_next=True) for line in lines]


# --------------------------------------------------------------------------- flow


def flow(lines: list[Line], frames: list[Frame]) -> list[tuple[Line, Frame, float]] | None:
    """Place lines top-down in the frames, in order; None when they do not all fit.

    A heading that would end a column moves to the next one with what follows it;
    space before a line is dropped at the top of a column.
    """
    placed: list[tuple[Line, Frame, float]] = []
    f, y = 0, None
    i = 0
    while i < len(lines):
        if f >= len(frames):
            return None
        frame = frames[f]
        top = frame.top if y is None else y
        line = lines[i]
        gap = 0.0 if y is None else line.space_before
        # a heading needs room for itself and the line after it
        need = gap + line.height
        j = i
        while lines[j].keep_with_next and j + 1 < len(lines):
            j += 1
            need += lines[j].height
        if top - need < frame.bottom - 1e-9:
            if y is None:  # even an empty column is too short: give up
                return None
            f, y = f + 1, None
            continue
        y = top - gap
        placed.append((line, frame, y))
        y -= line.height
        i += 1
    return placed


# --------------------------------------------------------------------------- sections


def _list_lines(ts: Typesetter, brief: Brief, compact: bool, heading: str) -> list[Line]:
    lines = ts.heading(heading, space_before=0.0)
    if not brief.items:
        return lines + ts.paragraph(brief.list_empty, "item", colour=MUTED)
    if compact:
        return lines + [line for line, _ in _pack(ts, [i.short for i in brief.items])]
    return lines + [ts.one_line(item.full, "item") for item in brief.items]


def _learn_lines(ts: Typesetter, brief: Brief) -> list[Line]:
    lines = ts.heading(brief.learn_heading, space_before=0.14)
    for heading, entries, empty in ((brief.similar_heading, brief.similar, brief.similar_empty),
                                    (brief.gaps_heading, brief.gaps, brief.gaps_empty)):
        lines += ts.heading(heading, "subheading", space_before=0.05)
        if not entries:
            lines += ts.paragraph(empty, "item", colour=MUTED)
        for entry in entries:
            first = ts.paragraph(entry.text, "item", space_before=0.03)
            lines += [replace(line, keep_with_next=True) for line in first]
            lines += ts.paragraph(entry.detail, "detail", indent=0.1, colour=MUTED)
    return lines


def _notes_lines(ts: Typesetter, brief: Brief) -> list[Line]:
    lines = ts.heading(brief.notes_heading, space_before=0.14)
    for note in brief.notes:
        lines += ts.paragraph(note, "detail", colour=MUTED, space_before=0.03)
    return lines


@dataclass
class Plan:
    """What goes on which page: placed lines per page and whether page 1 points on."""

    pages: list[list[tuple[Line, Frame, float]]]
    compact: bool  # the list on page 1 is a run of names
    continued: bool  # the list continues on page 2


def _body_frames(page_no: int, top: float, bottom: float, width: float,
                 columns: int = 2) -> list[Frame]:
    col_w = (width - COLUMN_GAP * (columns - 1)) / columns
    return [Frame(page_no, MARGIN + c * (col_w + COLUMN_GAP), col_w, top, bottom)
            for c in range(columns)]


def plan_body(ts: Typesetter, brief: Brief, first: list[Frame],
              later: list[Frame]) -> Plan:
    """Lay out the list, the suggestions and the notes.

    On page 1 when they fit: the list one line per initiative, else as a compact run
    of names. A list too long even for that: page 1 shows the names that fit, says how
    many more there are, and page 2 on has the whole list, one line each. When the rest
    alone does not fit on page 1, everything flows on over the pages, and the foot of
    each page says where it continues.
    """
    rest = _learn_lines(ts, brief) + _notes_lines(ts, brief)
    for compact in (False, True):
        placed = flow(_list_lines(ts, brief, compact, brief.list_heading) + rest, first)
        if placed is not None:
            return Plan([placed], compact, continued=False)
    heading = _list_lines(ts, brief, True, brief.list_heading)[:1]
    if brief.items and flow(heading + _more_line(ts, brief, len(brief.items)) + rest, first):
        # as many whole names as fit (the run is wrapped once: its lines hold whole names)
        run = _name_run(ts, brief)

        def attempt(k: int) -> list[tuple[Line, Frame, float]] | None:
            lines, shown = run[k]
            return flow(heading + lines + _more_line(ts, brief, len(brief.items) - shown)
                        + rest, first)

        low, high = 0, len(run) - 1  # more lines never fit better: binary search
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if attempt(mid) is not None else (low, mid - 1)
        placed = attempt(low) or []
        whole = _list_lines(ts, brief, False, t("brief_list_full", brief.lang,
                                                heading=brief.list_heading))
        return Plan([placed, *paginate(whole, later, first_page=1)], compact=True,
                    continued=True)
    pages = paginate(_list_lines(ts, brief, True, brief.list_heading) + rest, first + later)
    return Plan(pages, compact=True, continued=True)


def _more_line(ts: Typesetter, brief: Brief, more: int) -> list[Line]:
    return ts.paragraph(t("brief_list_more", brief.lang, n=more, page=2), "item",
                        colour=MUTED, weight="bold")


def _name_run(ts: Typesetter, brief: Brief) -> list[tuple[list[Line], int]]:
    """The compact run as (its first k lines, how many names they hold), k = 0, 1, ..."""
    out: list[tuple[list[Line], int]] = [([], 0)]
    lines: list[Line] = []
    shown = 0
    for line, count in _pack(ts, [item.short for item in brief.items]):
        lines.append(line)
        shown += count
        out.append((list(lines), shown))
    return out


def _pack(ts: Typesetter, names: list[str]) -> list[tuple[Line, int]]:
    """Names joined by " · " into lines of whole names (a name too long for a line alone
    is shortened), with how many names each line holds."""
    size = SIZES["item"]
    out: list[tuple[Line, int]] = []
    current, count = "", 0
    for name in names:
        trial = f"{current} · {name}" if current else name
        if current and not ts.fits(trial, size, ts.width):
            out.append((Line(current + " ·", size), count))
            current, count = ts.shorten(name, size, ts.width * 0.96), 1
        else:
            current, count = (trial if current else ts.shorten(name, size, ts.width * 0.96),
                              count + 1)
    if current:
        out.append((Line(current, size), count))
    return out


def paginate(lines: list[Line], frames: list[Frame],
             first_page: int = 0) -> list[list[tuple[Line, Frame, float]]]:
    """``lines`` over as many pages as they need: ``frames`` are the columns of a page
    (those of page 0 first when ``frames`` holds two pages' columns, as ``plan_body``
    passes them), repeated on each further page."""
    pages: list[list[tuple[Line, Frame, float]]] = []
    per_page: dict[int, list[Frame]] = {}
    for frame in frames:
        per_page.setdefault(frame.page, []).append(frame)
    layouts = list(per_page.values())
    remaining = lines
    while remaining:
        layout = layouts[min(len(pages), len(layouts) - 1)]
        page_frames = [replace(f, page=first_page + len(pages)) for f in layout]
        fitted = _fit_prefix(remaining, page_frames)
        if fitted == 0:
            raise ValueError("a line is taller than a whole column")
        pages.append(flow(remaining[:fitted], page_frames) or [])
        remaining = remaining[fitted:]
    return pages


def _fit_prefix(lines: list[Line], frames: list[Frame]) -> int:
    """How many of the first lines fit in the frames, never ending on a heading."""
    low, high = 0, len(lines)
    while low < high:  # fitting is monotonic: binary search for the longest prefix
        mid = (low + high + 1) // 2
        if flow(lines[:mid], frames) is not None:
            low = mid
        else:
            high = mid - 1
    while 0 < low < len(lines) and lines[low - 1].keep_with_next:
        low -= 1
    return low


# --------------------------------------------------------------------------- drawing


def _draw_lines(page: Page, placed: list[tuple[Line, Frame, float]]) -> None:
    for line, frame, y in placed:
        page.ax.text(frame.x + line.indent, y, line.text, fontsize=line.size, fontfamily=FONT,
                     fontweight=line.weight, color=line.colour, va="top", ha="left")


def _figures_block(page: Page, brief: Brief, x: float, top: float, width: float) -> float:
    """Heading and label/value rows; returns the bottom."""
    ts = Typesetter(page, width)
    lines = ts.heading(brief.figures_heading, space_before=0.0)
    for label, value in brief.figures:
        lines += ts.paragraph(label, "figure_label", weight="bold", space_before=0.04)
        lines += ts.paragraph(value, "figure_value", indent=0.08)
    frame = Frame(0, x, width, top, 0.0)
    placed = flow(lines, [frame]) or []
    _draw_lines(page, placed)
    return min((y - line.height for line, _, y in placed), default=top)


def _outline(page: Page, brief: Brief) -> None:
    """The area's own border, dark and thick, over the map's layers."""
    ax = page.fig.axes[-1]  # draw_map adds the map axes last
    if brief.kind == "regio":
        slugs = list(geo.regions()["slug"])
        path = region_layer()[slugs.index(brief.code)][0]
    else:
        codes = list(geo.municipalities()["statcode"])
        path = municipality_layer()[0][codes.index(brief.code)]
    ax.add_patch(PathPatch(path, facecolor="none", edgecolor=INK, linewidth=1.8, zorder=4.5))


def _footer(page: Page, brief: Brief, number: int, pages: int) -> float:
    """Source line and page number at the foot; returns the footer's top."""
    size = SIZES["footer"]
    width = page.w - 2 * MARGIN
    ts = Typesetter(page, width - 2.2)  # room for "pagina 1 van 3 · vervolg op pagina 2"
    lines = ts.paragraph(brief.source, "footer", colour=MUTED)
    y = MARGIN + sum(line.height for line in lines)
    top = y
    for line in lines:
        page.ax.text(MARGIN, y, line.text, fontsize=size, fontfamily=FONT, color=MUTED,
                     va="top")
        y -= line.height
    label = t("brief_page", brief.lang, page=number, pages=pages)
    if number < pages:
        label += " · " + t("brief_continues", brief.lang, page=number + 1)
    page.ax.text(page.w - MARGIN, top, label, fontsize=size, fontfamily=FONT, color=MUTED,
                 va="top", ha="right", fontweight="bold" if number < pages else "normal")
    return top


def _header(page: Page, brief: Brief, title: str) -> float:
    """Title and subtitle; returns the bottom."""
    width = page.w - 2 * MARGIN
    ts = Typesetter(page, width)
    lines = ts.paragraph(title, "title", weight="bold") + ts.paragraph(
        brief.subtitle, "subtitle", colour=MUTED)
    placed = flow(lines, [Frame(0, MARGIN, width, page.h - MARGIN, 0.0)]) or []
    _draw_lines(page, placed)
    return min(y - line.height for line, _, y in placed)


def _first_page_top(page: Page, brief: Brief) -> float:
    """Header, map with outline, figures beside the map, the legend across the page
    below both; returns the bottom."""
    width = page.w - 2 * MARGIN
    y = _header(page, brief, brief.title) - 0.12
    map_w = width * MAP_SHARE
    fig_x = MARGIN + map_w + COLUMN_GAP
    fig_bottom = _figures_block(page, brief, fig_x, y, page.w - MARGIN - fig_x)
    map_h = max(MAP_HEIGHT, y - fig_bottom)
    draw_map(page, brief.scene, (MARGIN, y - map_h, MARGIN + map_w, y))
    _outline(page, brief)
    legend_top = min(y - map_h, fig_bottom) - 0.1
    bottom = draw_legend(page, brief.scene, MARGIN, legend_top, width, LEGEND_COLUMNS)
    return bottom - 0.12


def render_pages(brief: Brief, dpi: int = 150) -> list[Page]:
    """The brief's pages, drawn (text, map, legend), ready to save."""
    first = Page(A4, dpi)
    body_top = _first_page_top(first, brief)
    foot = MARGIN + 2.5 * SIZES["footer"] * LEADING / 72 + 0.12
    width = first.w - 2 * MARGIN
    ts = Typesetter(first, (width - COLUMN_GAP) / 2)
    later_top = first.h - MARGIN - (SIZES["title"] * 0.8 + SIZES["subtitle"]) * 1.6 / 72
    plan = plan_body(ts, brief, _body_frames(0, body_top, foot, width),
                     _body_frames(1, later_top, foot, width))
    pages = [first]
    for _ in range(1, len(plan.pages)):
        page = Page(A4, dpi)
        _header(page, brief, t("brief_continued_title", brief.lang, title=brief.title))
        pages.append(page)
    for number, (page, placed) in enumerate(zip(pages, plan.pages, strict=True), start=1):
        _draw_lines(page, placed)
        _footer(page, brief, number, len(pages))
    return pages


def render_brief(brief: Brief, fmt: str = "pdf", dpi: int = 150) -> bytes:
    """The brief as a PDF (every page, real text) or as a PNG of its first page."""
    pages = render_pages(brief, dpi)
    out = io.BytesIO()
    if fmt == "png":
        pages[0].fig.savefig(out, format="png", dpi=dpi)
        return out.getvalue()
    if fmt != "pdf":
        raise ValueError(f"unknown brief format {fmt!r}; use pdf or png")
    # Type 3 fonts: matplotlib embeds a small subset quickly, and the text stays text
    # (pdftotext finds every word; see tests/export/test_brief.py).
    with matplotlib.rc_context({"pdf.fonttype": 3}), PdfPages(out, metadata={
            "Title": brief.metadata.get("title", ""),
            "Subject": brief.metadata.get("description", ""),
            "Creator": "Krimpkaart"}) as pdf:
        for page in pages:
            pdf.savefig(page.fig)
    return out.getvalue()

