"""Krimpkaart map benchmark: the real page against a naive page, at several data sizes.

    .venv/bin/python bench/bench_map.py                  # seed, 1,000 and 10,000 initiatives
    .venv/bin/python bench/bench_map.py --sizes 30,1000 --no-browser   # quick

For each size (30 = the shipped seed; other sizes are synthetic initiatives at random
points in Dutch municipalities, see synth.py) and each page (``real`` =
dashboard/app.py, ``naive`` = bench/naive_app.py) it measures:

* html KB: the map as folium renders it (base map + initiatives, ``get_root().render()``);
* server ms/change: median ``AppTest.run()`` after a theme change (Wonen / no filter,
  alternating), in a fresh process per page and size (server_worker.py), with a
  breakdown per function the page calls;
* in headless Chromium against a real server (network beyond localhost blocked):
  script runs on load and per change (the run log), time to first map (navigation
  start until the municipalities and markers are drawn), and time from clicking a
  theme in the sidebar until the markers have settled (browser.py).

The table goes to stdout and, with all details, to bench/results/map.json. The naive
page at 10,000 initiatives takes tens of seconds per run, so it gets fewer repetitions.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import browser  # noqa: E402 - after the path set-up, like the modules it imports

PYTHON = sys.executable
RESULTS = BENCH / "results" / "map.json"
STATIC_LINK = BENCH / "static"
SEED_SIZE = 30  # what the issue calls the seed; the real count is printed
PAGES = ("real", "naive")
BIG = 5000  # from this many initiatives the naive page gets fewer repetitions

TARGETS = {
    "html_kb": "< 600 KB at seed (700 if the base layers need it), < 1 MB at 10,000",
    "runs_per_change": "1",
    "change_settled_s": "< 0.7 s at seed, < 1.5 s at 10,000",
    "first_map_s": "< 3 s at 10,000 (warm browser cache; the cold first load is shown beside)",
    "after_start": "first run after a server start < 1 s at 10,000, < 5 s at 100,000; first "
                   "map of the first visitor after a start < 8 s at 100,000",
}


# --------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cpu_times() -> list[int] | None:
    """The machine's CPU counters (/proc/stat), to report how much time a VM host took."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            return [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def steal_pct(before: list[int] | None, after: list[int] | None) -> float | None:
    """Share of CPU time stolen by the hypervisor between two cpu_times() readings."""
    if not before or not after or len(before) < 8:
        return None
    total = sum(after) - sum(before)
    return round(100 * (after[7] - before[7]) / total, 1) if total > 0 else None


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--sizes wants numbers like 30,1000: {exc}") from exc
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("--sizes wants positive numbers")
    return sizes


def reps(page: str, records: int, args: argparse.Namespace) -> dict[str, int]:
    """Repetitions per measurement; the naive page at 10,000 is too slow for the full set."""
    if page == "naive" and records >= BIG:
        return {"runs": 2, "loads": 2, "changes": 1, "timeout": 600, "start_filtered": True}
    return {"runs": args.runs, "loads": args.loads, "changes": args.changes,
            "timeout": args.timeout, "start_filtered": False}


def make_stores(sizes: list[int], workdir: Path) -> dict[int, tuple[Path, int]]:
    import synth

    stores = {}
    for size in sizes:
        t0 = time.perf_counter()
        path, count = synth.make_store(workdir / f"store-{size}.gpkg",
                                       0 if size == SEED_SIZE else size)
        stores[size] = (path, count)
        log(f"store with {count} initiatives in {time.perf_counter() - t0:.1f} s")
    return stores


def server_part(page: str, store: Path, r: dict) -> dict:
    cmd = [PYTHON, str(BENCH / "server_worker.py"), "--page", page, "--store", str(store),
           "--runs", str(r["runs"])]
    if r["start_filtered"]:
        cmd.append("--start-filtered")
    timeout = max(300, r["timeout"] * 3)
    env = {k: v for k, v in os.environ.items() if k != "KRIMPKAART_RUN_LOG"}
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=store.parent)
    except subprocess.TimeoutExpired:
        return {"errors": [f"server worker timed out after {timeout:.0f} s"]}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON "):])
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {"errors": [f"server worker failed (exit {done.returncode}): {' | '.join(tail)}"]}


@contextlib.contextmanager
def static_link():
    """bench/static -> ../dashboard/static for the naive page, only while the benchmark runs."""
    created = False
    if not STATIC_LINK.exists() and not STATIC_LINK.is_symlink():
        STATIC_LINK.symlink_to(Path("..") / "dashboard" / "static", target_is_directory=True)
        created = True
    try:
        yield
    finally:
        if created:
            STATIC_LINK.unlink(missing_ok=True)


def server_command(page: str, port: int) -> list[str]:
    if page == "real":
        return [PYTHON, "-m", "dashboard.cli", "run", "--port", str(port),
                "--address", "127.0.0.1", "--", "--server.fileWatcherType", "none"]
    return [PYTHON, "-m", "streamlit", "run", str(BENCH / "naive_app.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--server.enableStaticServing", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


def browser_part(pw_browser, page: str, store: Path, workdir: Path, r: dict) -> dict:
    port = browser.free_port()
    run_log = workdir / f"runs-{page}-{store.stem}.log"
    run_log.write_text("")
    env = {**os.environ, "KRIMPKAART_STORE": str(store), "KRIMPKAART_RUN_LOG": str(run_log)}
    server = browser.Server(page, server_command(page, port), env, port, workdir,
                            workdir / f"server-{page}-{store.stem}.log")
    try:
        with server:
            result = browser.measure(pw_browser, server.url, run_log, r["loads"], r["changes"],
                                     r["timeout"])
            summary = result.summary()
            summary["after_start"] = after_start(server, result, r["timeout"])
            return summary
    except browser.BenchError as exc:
        return {"errors": [str(exc)]}


def after_start(server: browser.Server, result: browser.BrowserResult,
                timeout: float) -> dict:
    """The first visit after the server started: the first load of the row came as soon
    as Streamlit's health check answered, with a cold browser cache.

    ``first_run_s`` is the first script run after the start: the server's own warm-up run
    when it has one (its readiness report), else the first visitor's run (script start to
    script finished, as the browser saw it).
    """
    first = result.load_timeline[0] if result.load_timeline else {}
    report = server.ready_report(timeout)
    visitor_run = (first["script_end"] - first["script_start"]
                   if first.get("script_end") is not None
                   and first.get("script_start") is not None else None)
    return {
        "first_map_s": first.get("first_map"),
        "first_run_s": report["seconds"] if report else visitor_run,
        "first_run_by": "warm-up" if report else "visitor",
        "visitor_run_s": visitor_run,
        "health_s": round(server.healthy_after_s, 2) if server.healthy_after_s else None,
        "ready_report": report,
    }


# --------------------------------------------------------------------------- output


def _fmt(value, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) and digits:
        value = float(value)
    if isinstance(value, float) and digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}" if isinstance(value, float) else str(value)


def table(results: dict) -> str:
    head = ("initiatives", "page", "html KB", "server ms/change", "runs on load",
            "runs/change", "first map s", "(cold) s", "change settled s",
            "after start: 1st run s", "1st map s")
    rows = [head]
    for row in results["rows"]:
        s, b = row.get("server", {}), row.get("browser", {})
        rows.append((
            f"{row['records']:,}" + (" (seed)" if row["size"] == SEED_SIZE else ""), row["page"],
            _fmt(s.get("html_kb")), _fmt(s.get("server_ms")), _fmt(b.get("runs_on_load"), 1),
            _fmt(b.get("runs_per_change"), 1), _fmt(b.get("first_map_s"), 2),
            _fmt(b.get("first_map_cold_s"), 2),
            _fmt(b.get("change_settled_s"), 2),
            _fmt(b.get("after_start", {}).get("first_run_s"), 2),
            _fmt(b.get("after_start", {}).get("first_map_s"), 2),
        ))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(str(c).rjust(w) if i > 1 else str(c).ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("targets: " + "; ".join(f"{k} {v}" for k, v in TARGETS.items()))
    return "\n".join(lines)


def details(results: dict) -> str:
    out = []
    for row in results["rows"]:
        s, b = row.get("server", {}), row.get("browser", {})
        name = f"{row['records']:,} {row['page']}"
        parts = []
        if s.get("component_kb") is not None:
            parts.append(f"st_folium args {_fmt(s['component_kb'])} KB"
                         f" ({_fmt(s.get('component_kb_filtered'))} KB filtered)")
        if s.get("base_html_kb") is not None:
            parts.append(f"base map alone {_fmt(s['base_html_kb'])} KB")
        if s.get("static_layers_kb"):
            parts.append(f"+ {_fmt(s['static_layers_kb'])} KB shapes fetched once")
        if s.get("cold_ms") is not None:
            parts.append(f"first run {_fmt(s['cold_ms'])} ms, new session "
                         f"{_fmt(s.get('new_session_ms'))} ms")
        if s.get("change_ms"):
            by_target: dict[str, list[float]] = {}
            for ms, target in zip(s["change_ms"], s.get("change_to", []), strict=False):
                by_target.setdefault(target, []).append(ms)
            parts.append("runs " + ", ".join(f"to {k} {_fmt(statistics.median(v))} ms"
                                             for k, v in by_target.items()))
        if b.get("ws_kb_change") is not None:
            parts.append(f"websocket {_fmt(b.get('ws_kb_load'))} KB on load, "
                         f"{_fmt(b['ws_kb_change'])} KB per change")
        if b.get("load_timeline_s"):
            parts.append("first map " + ", ".join(
                f"{_fmt(t.get('first_map'), 2)} ({t.get('cache')} cache)"
                for t in b["load_timeline_s"]) + " s")
            last = b["load_timeline_s"][-1]
            parts.append("last load: " + " -> ".join(
                f"{k} {_fmt(last.get(k), 1)}" for k in ("script_start", "script_end", "iframe",
                                                       "first_map")) + " s")
        if b.get("after_start"):
            a = b["after_start"]
            parts.append(f"after start: health {_fmt(a.get('health_s'), 1)} s, first run "
                         f"{_fmt(a.get('first_run_s'), 2)} s ({a.get('first_run_by')}), first "
                         f"visitor's run {_fmt(a.get('visitor_run_s'), 2)} s, first map "
                         f"{_fmt(a.get('first_map_s'), 2)} s")
        if b.get("raw", {}).get("change_settled_s"):
            parts.append("settled " + ", ".join(f"{v:.2f}" for v in b["raw"]["change_settled_s"])
                         + " s")
        out.append(f"{name}: " + "; ".join(parts))
        phases = s.get("phases_ms")
        if phases:
            top = sorted(((v, k) for k, v in phases.items() if not k.startswith("total")),
                         reverse=True)[:6]
            out.append("    server time per change: "
                       + ", ".join(f"{k} {_fmt(v)}" for v, k in top)
                       + f" (total {_fmt(phases.get('total (AppTest.run)'))} ms)")
        for err in [*s.get("errors", []), *b.get("errors", [])]:
            out.append(f"    ERROR: {err}")
        for note in b.get("retried", []):
            out.append(f"    retried: {note}")
        for err in b.get("page_errors", [])[:2]:
            out.append(f"    page error: {err}")
    return "\n".join(out)


def save(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[SEED_SIZE, 1000, 10000],
                        help="numbers of initiatives, comma-separated; 30 = the shipped seed")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help="which pages: real,naive (default both)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    parser.add_argument("--no-server", action="store_true", help="skip the AppTest part")
    parser.add_argument("--runs", type=int, default=7, help="AppTest runs per page (>= 7)")
    parser.add_argument("--loads", type=int, default=6,
                        help="page loads in the browser (the first with a cold cache)")
    parser.add_argument("--changes", type=int, default=4, help="theme changes in the browser")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds for any one browser step")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    pages = [p for p in args.pages.split(",") if p]
    if set(pages) - set(PAGES):
        parser.error(f"--pages: choose from {', '.join(PAGES)}")

    def stop(signum, _frame):  # SIGTERM: stop like Ctrl-C, so the servers get stopped too
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    started = time.time()
    results: dict = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "python": platform.python_version(),
        "cpus": os.cpu_count(), "load_average_at_start": list(os.getloadavg()),
        "targets": TARGETS, "rows": [],
    }
    cpu_before = cpu_times()
    workdir = Path(tempfile.mkdtemp(prefix="krimpkaart-bench-"))
    rows: dict[tuple[int, str], dict] = {}
    try:
        stores = make_stores(args.sizes, workdir)
        for size in args.sizes:
            for page in pages:
                row = {"size": size, "records": stores[size][1], "page": page,
                       "reps": reps(page, stores[size][1], args)}
                rows[(size, page)] = row
                results["rows"].append(row)

        if not args.no_server:
            for (size, page), row in rows.items():
                r = row["reps"]
                log(f"server: {page} page, {row['records']} initiatives, {r['runs']} runs")
                row["server"] = server_part(page, stores[size][0], r)
                save(results, args.out)

        if not args.no_browser:
            from playwright.sync_api import sync_playwright

            with static_link(), sync_playwright() as pw:
                for (size, page), row in rows.items():
                    r = row["reps"]
                    log(f"browser: {page} page, {row['records']} initiatives, "
                        f"{r['loads']} loads, {r['changes']} changes")
                    # A fresh browser per row: no row inherits the memory or caches
                    # another page left behind in the browser process.
                    pw_browser = browser.launch(pw)
                    try:
                        row["browser"] = browser_part(pw_browser, page, stores[size][0],
                                                      workdir, r)
                    finally:
                        pw_browser.close()
                    save(results, args.out)
    except KeyboardInterrupt:
        results["interrupted"] = True
        log("interrupted; partial results follow")
    except Exception as exc:
        results.setdefault("errors", []).append(f"{type(exc).__name__}: {exc}")
        log(f"benchmark stopped early: {type(exc).__name__}: {exc}")
    finally:
        results["seconds"] = round(time.time() - started, 1)
        results["load_average_at_end"] = list(os.getloadavg())
        results["cpu_steal_pct"] = steal_pct(cpu_before, cpu_times())
        save(results, args.out)
        failed = bool(results.get("errors")) or any(
            row.get(part, {}).get("errors") for row in results["rows"]
            for part in ("server", "browser"))
        retried = any(row.get("browser", {}).get("retried") for row in results["rows"])
        if failed or retried:
            results["workdir"] = str(workdir)  # server logs and screenshots
            save(results, args.out)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print(table(results))
    print()
    print(details(results))
    print()
    print(f"{results['seconds']:.0f} s; load average {results['load_average_at_start'][0]:.1f}"
          f" -> {results['load_average_at_end'][0]:.1f} on {results['cpus']} CPUs; CPU time "
          f"taken by the VM host (steal) {_fmt(results.get('cpu_steal_pct'), 1)}%; "
          f"details in {args.out}")
    for err in results.get("errors", []):
        print(f"ERROR: {err}")
    if failed or retried:
        print(f"some steps failed; server logs and screenshots are in {workdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
