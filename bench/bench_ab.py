"""Interleaved A/B of two checkouts of the app: first map and filter change in Chromium.

    .venv/bin/python bench/bench_ab.py --a /tmp/krimpkaart-old --b . --size 10000 --rounds 5

This VM's speed drifts by a third within minutes, so two versions are only comparable
when measured side by side: both servers run at once on the same store, and every
round loads A then B (or B then A, alternating), each in a fresh browser context
(one cold load, then warm loads and theme changes). Prints the medians per side and
the ratio B/A, with the raw values. A checkout is any folder holding ``dashboard/``
(a ``git worktree`` of an older commit); both run on this venv's Python and packages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import browser  # noqa: E402 - after the path set-up
import synth  # noqa: E402

PYTHON = sys.executable
METRICS = ("first_map_s", "change_settled_s")


def server(name: str, checkout: Path, store: Path, workdir: Path) -> tuple[browser.Server, Path]:
    """The checkout's own ``krimpkaart run`` (its cwd puts its package first on sys.path)."""
    port = browser.free_port()
    run_log = workdir / f"runs-{name}.log"
    run_log.write_text("")
    env = {**os.environ, "KRIMPKAART_STORE": str(store), "KRIMPKAART_RUN_LOG": str(run_log),
           "PYTHONPATH": str(checkout)}
    cmd = [PYTHON, "-m", "dashboard.cli", "run", "--port", str(port), "--address",
           "127.0.0.1", "--", "--server.fileWatcherType", "none"]
    return browser.Server(name, cmd, env, port, checkout, workdir / f"server-{name}.log"), run_log


def own_store(checkout: Path, path: Path, size: int) -> Path:
    """The same synthetic store, written by the checkout's own code: an older version may
    not open a store in the current schema (a newer one migrates an older store on open,
    so the two sides cannot share one)."""
    subprocess.run([PYTHON, "-c", "import sys, synth; synth.make_store(sys.argv[1], "
                    "int(sys.argv[2]))", str(path), str(size)],
                   cwd=checkout / "bench", env={**os.environ, "PYTHONPATH": str(checkout)},
                   check=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a", type=Path, required=True, help="checkout A (the baseline)")
    parser.add_argument("--b", type=Path, required=True, help="checkout B (the change)")
    parser.add_argument("--size", type=int, default=10000, help="synthetic initiatives")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--own-stores", action="store_true",
                        help="A gets its own copy of the store, written by A's code (for an "
                             "A from before a store schema change)")
    parser.add_argument("--loads", type=int, default=3, help="loads per round (first cold)")
    parser.add_argument("--changes", type=int, default=2, help="theme changes per round")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    sides = {"A": args.a.resolve(), "B": args.b.resolve()}
    for name, path in sides.items():
        if not (path / "dashboard").is_dir():
            parser.error(f"--{name.lower()} {path}: no dashboard/ folder there")

    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="krimpkaart-ab-"))
    store, count = synth.make_store(workdir / "store.gpkg", args.size)
    stores = {"A": own_store(sides["A"], workdir / "store-a.gpkg", args.size), "B": store} \
        if args.own_stores else {"A": store, "B": store}
    values: dict[str, dict[str, list[float]]] = {s: {m: [] for m in METRICS} for s in sides}
    servers = {name: server(name, path, stores[name], workdir)
               for name, path in sides.items()}
    started = time.time()
    load_start = os.getloadavg()[0]
    with servers["A"][0], servers["B"][0], sync_playwright() as pw:
        pw_browser = browser.launch(pw)
        try:
            for n in range(args.rounds):
                order = ("A", "B") if n % 2 == 0 else ("B", "A")
                for name in order:
                    srv, run_log = servers[name]
                    result = browser.measure(pw_browser, srv.url, run_log, args.loads,
                                             args.changes, args.timeout)
                    if result.errors:
                        print(f"round {n + 1} {name}: {result.errors}", file=sys.stderr)
                    values[name]["first_map_s"] += result.first_map_s
                    values[name]["change_settled_s"] += result.change_s
                print(f"round {n + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        finally:
            pw_browser.close()

    print(f"{count:,} initiatives, {args.rounds} interleaved rounds; A = {sides['A']}, "
          f"B = {sides['B']}")
    for metric in METRICS:
        a, b = values["A"][metric], values["B"][metric]
        if not a or not b:
            print(f"{metric}: no values (A {len(a)}, B {len(b)})")
            continue
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{metric}: A median {ma:.2f} s (n={len(a)}), B median {mb:.2f} s (n={len(b)}), "
              f"B/A {mb / ma:.2f}")
        print(f"    A {', '.join(f'{v:.2f}' for v in a)}")
        print(f"    B {', '.join(f'{v:.2f}' for v in b)}")
    print(f"{time.time() - started:.0f} s; load average {load_start:.1f} -> "
          f"{os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
