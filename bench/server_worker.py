"""Server-side part of the map benchmark, run in a fresh process per page and data set.

    python bench/server_worker.py --page real|naive --store STORE.gpkg [--runs 7]

Prints one line ``BENCH_JSON {...}`` with:

* ``html_kb``: the folium page of the map as the issue defines it
  (``m.get_root().render()`` of the base map with the initiatives added);
  ``base_html_kb`` without the initiatives; ``static_layers_kb`` the shapes the
  real page's browser fetches once from static files (not in the HTML);
* ``component_kb``: the JSON arguments st_folium hands to its component
  (script, header, html, feature group, links...), i.e. what travels to the
  browser on each run; ``component_kb_filtered`` with the theme filter on;
* ``cold_ms`` and ``change_ms``: ``AppTest.run()`` of the real page file, first
  run and after each theme change (alternating Wonen / no filter); ``change_cpu_ms``
  the process's CPU time per change (steadier than wall time on a busy machine);
* ``new_session_ms``: the first run of a second session on the warm process;
* ``phases_ms``: median time per filter-change run in the functions the page calls
  (and, as "st_folium: ..." rows, in the parts of st_folium).

A fresh process keeps Streamlit's and the modules' caches from leaking between
data sets; the first run (``cold_ms``) includes filling them.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
APPS = {"real": ROOT / "dashboard" / "app.py", "naive": BENCH / "naive_app.py"}
THEME = "wonen"


def _kb(text: str) -> float:
    return round(len(text.encode("utf-8")) / 1024, 1)


class ComponentSpy:
    """Wraps streamlit_folium's component function and records the size of its arguments."""

    def __init__(self) -> None:
        import streamlit_folium

        self.module = streamlit_folium
        self.original = streamlit_folium._component_func
        self.sizes: list[float] = []
        streamlit_folium._component_func = self

    def __call__(self, **kwargs):
        text = sum(len(v.encode("utf-8")) for v in kwargs.values() if isinstance(v, str))
        rest = {k: v for k, v in kwargs.items() if not callable(v) and not isinstance(v, str)}
        self.sizes.append(round((text + len(json.dumps(rest, default=str))) / 1024, 1))
        return self.original(**kwargs)

    def restore(self) -> None:
        self.module._component_func = self.original


# What each page calls per run, as (module, attribute); the pages and streamlit-folium look
# them up at run time, so wrapping the module attribute times every call. "st_folium:" rows
# are parts of st_folium, not added to the total again.
PAGE_PHASES = {
    "real": [
        ("dashboard.query", "facet_counts"), ("dashboard.query", "apply"),
        ("dashboard.ui.sidebar", "filters"), ("dashboard.ui.sidebar", "map_options"),
        ("dashboard.ui.session", "sync_url"), ("dashboard.webmap", "base_map"),
        ("dashboard.webmap", "initiatives_layer"), ("streamlit_folium", "st_folium"),
        ("dashboard.ui.panels", "details"), ("dashboard.ui.panels", "area"),
        ("dashboard.ui.panels", "without_point"), ("dashboard.ui.overview", "overview"),
    ],
    "naive": [("naive_map", "shown"), ("naive_map", "build"), ("streamlit_folium", "st_folium")],
}
ST_FOLIUM_PARTS = [
    ("folium.Map", "render"),  # twice per call: in get_root().render() and on its own
    ("streamlit_folium", "_get_html"), ("streamlit_folium", "_get_header"),
    ("streamlit_folium", "_get_map_string"), ("folium.Map", "get_bounds"),
    ("streamlit_folium", "_get_feature_group_string"), ("streamlit_folium", "generate_js_hash"),
    ("streamlit_folium", "_component_func"),
]
TOTAL = "total (AppTest.run)"


class PhaseTimer:
    """Wraps the functions a page calls and adds up their time per script run."""

    def __init__(self, page: str) -> None:
        import importlib

        self.current: dict[str, float] = {}
        self.runs: list[dict[str, float]] = []
        self.top: list[str] = []
        for group, prefix in ((PAGE_PHASES[page], ""), (ST_FOLIUM_PARTS, "st_folium: ")):
            for where, attr in group:
                module_name, _, class_name = where.rpartition(".")
                if class_name[:1].isupper():  # a method of a class
                    owner = getattr(importlib.import_module(module_name), class_name)
                    label = f"{class_name}.{attr}"
                else:
                    owner = importlib.import_module(where)
                    label = attr.lstrip("_") if prefix else f"{class_name or where}.{attr}"
                original = getattr(owner, attr, None)
                if not callable(original):
                    continue
                label = prefix + label
                if not prefix:
                    self.top.append(label)
                setattr(owner, attr, self._wrap(label, original))

    def _wrap(self, label: str, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                ms = (time.perf_counter() - t0) * 1000
                self.current[label] = self.current.get(label, 0.0) + ms

        return timed

    def mark(self, total_ms: float) -> None:
        self.current[TOTAL] = total_ms
        self.runs.append(self.current)
        self.current = {}

    def medians(self) -> dict[str, float]:
        """Median per phase over the filter-change runs (not the first, cold run)."""
        changes = self.runs[1:] or self.runs
        labels = dict.fromkeys(label for run in changes for label in run if label != TOTAL)
        out = {label: round(statistics.median(run.get(label, 0.0) for run in changes), 1)
               for label in labels}
        total = round(statistics.median(run[TOTAL] for run in changes), 1)
        top = sum(v for k, v in out.items() if k in self.top)
        out["other (Streamlit itself, rest of the page)"] = round(total - top, 1)
        out[TOTAL] = total
        return out


def server_options(page: str) -> dict[str, object]:
    """The options the page's server runs with (``krimpkaart run`` / the naive command)."""
    if page == "naive":
        return {"server.enableStaticServing": True}
    from dashboard.cli import run as cli_run

    cmd = cli_run.streamlit_command(8501, "127.0.0.1")
    options: dict[str, object] = {}
    for flag, value in itertools.pairwise(cmd):
        if flag.startswith("--") and "." in flag and not flag.startswith(("--server.port",
                                                                          "--server.address")):
            options[flag[2:]] = {"true": True, "false": False}.get(value, value)
    return options


def app_runs(page: str, runs: int, spy: ComponentSpy, start_filtered: bool = False) -> dict:
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    for name, value in server_options(page).items():
        with contextlib.suppress(Exception):  # e.g. an option this Streamlit does not know
            config.set_option(name, int(value) if str(value).isdigit() else value)
    timer = PhaseTimer(page)
    at = AppTest.from_file(str(APPS[page]), default_timeout=600)
    if start_filtered:  # a cheaper first run where every run is slow (naive page, 10,000)
        at.session_state["f_thema"] = [THEME]
    t0 = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - t0) * 1000
    timer.mark(cold)
    if at.exception:
        raise RuntimeError(f"{page} page raised: {at.exception[0].message}")
    first_payload = spy.sizes[-1] if spy.sizes else None
    filtered_payload = None
    times = []
    cpu = []  # this process's CPU time: less disturbed than wall time on a busy machine
    targets = []
    for i in range(runs):
        value = [THEME] if (i % 2 == 0) != start_filtered else []
        targets.append(THEME if value else "all")
        at.sidebar.multiselect(key="f_thema").set_value(value)
        before = len(spy.sizes)
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        timer.mark(times[-1])
        if at.exception:
            raise RuntimeError(f"{page} page raised after a filter change: "
                               f"{at.exception[0].message}")
        if value and len(spy.sizes) > before:
            filtered_payload = spy.sizes[-1]
    # A second browser session on the now warm server: its first run (real page only;
    # the naive page's first run is about its change time, and slow at 10,000).
    session_ms = None
    if page == "real":
        fresh = AppTest.from_file(str(APPS[page]), default_timeout=300)
        t0 = time.perf_counter()
        fresh.run()
        session_ms = round((time.perf_counter() - t0) * 1000, 1)
    return {
        "cold_ms": round(cold, 1),
        "new_session_ms": session_ms,
        "phases_ms": timer.medians(),
        "change_ms": [round(t, 1) for t in times],
        "change_cpu_ms": [round(t, 1) for t in cpu],
        "change_to": targets,
        "server_ms": round(statistics.median(times), 1),
        "component_kb": first_payload,
        "component_kb_filtered": filtered_payload,
    }


def real_sizes(records: list[dict]) -> dict:
    from dashboard import query, webmap
    from dashboard.domain.vocab import THEMES

    labels = THEMES.labels("nl")
    options = webmap.MapOptions()
    frame = query.initiatives_frame(records)
    base = webmap.base_map(options, labels).get_root().render()
    m = webmap.base_map(options, labels)
    webmap.initiatives_layer(frame, "nl").add_to(m)
    full = m.get_root().render()
    shown = query.apply(frame, query.FilterState(thema=(THEME,)))
    layers = getattr(webmap, "web_layer_files", None)  # shapes the browser fetches once
    static_kb = round(sum(_kb(text) for text in layers().values()), 1) if layers else None
    return {"html_kb": _kb(full), "base_html_kb": _kb(base), "static_layers_kb": static_kb,
            "points": int(frame["on_map"].sum()), "points_filtered": int(shown["on_map"].sum())}


def naive_sizes(records: list[dict]) -> dict:
    import naive_map

    base = naive_map.build(naive_map.municipalities(), []).get_root().render()
    full = naive_map.build(naive_map.municipalities(), naive_map.shown(records, []))
    return {"html_kb": _kb(full.get_root().render()), "base_html_kb": _kb(base),
            "points": len(naive_map.shown(records, [])),
            "points_filtered": len(naive_map.shown(records, [THEME]))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", choices=sorted(APPS), required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--start-filtered", action="store_true",
                        help="first run with the theme filter on (for very slow pages)")
    args = parser.parse_args(argv)

    os.environ["KRIMPKAART_STORE"] = str(Path(args.store).resolve())
    os.environ.pop("KRIMPKAART_RUN_LOG", None)
    sys.path[:0] = [str(ROOT), str(BENCH)]
    from dashboard import store

    records = store.GeoPackageStore(args.store).list()
    result: dict = {"page": args.page, "records": len(records)}
    errors = []
    spy = ComponentSpy()
    try:
        result.update(app_runs(args.page, args.runs, spy, args.start_filtered))
    except Exception as exc:  # report and carry on with the static numbers
        errors.append(f"AppTest: {type(exc).__name__}: {exc}")
    finally:
        spy.restore()
    try:
        result.update((real_sizes if args.page == "real" else naive_sizes)(records))
    except Exception as exc:
        errors.append(f"map build: {type(exc).__name__}: {exc}")
    result["errors"] = errors
    print("BENCH_JSON " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
