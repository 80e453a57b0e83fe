"""Interleaved A/B of two checkouts: server milliseconds per filter change (AppTest).

    .venv/bin/python bench/bench_ab_server.py --a /tmp/krimpkaart-old --b . --sizes 38,10000

The server part of bench_map.py (server_worker.py: ``AppTest.run()`` after each theme
change, wall and CPU time, with a breakdown per page function) for two checkouts,
alternating A and B in every round, each in a fresh process, so a drifting VM affects
both alike. Prints per size the median ms per change of each side, B/A, and the phases
that moved most. A checkout is any folder holding ``dashboard/`` and
``bench/server_worker.py``; both run on this venv's Python and packages.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import synth  # noqa: E402 - after the path set-up

PYTHON = sys.executable
TOTAL = "total (AppTest.run)"


def worker(checkout: Path, store: Path, runs: int) -> dict:
    """One server_worker.py run of ``checkout`` (its package first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    env.pop("KRIMPKAART_RUN_LOG", None)
    proc = subprocess.run(
        [PYTHON, str(checkout / "bench" / "server_worker.py"), "--page", "real", "--store",
         str(store), "--runs", str(runs)],
        capture_output=True, text=True, env=env, cwd=checkout, timeout=1800, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"{checkout}: no result\n{proc.stderr[-2000:]}")
    result = json.loads(line[len("BENCH_JSON "):])
    if result.get("errors"):
        raise RuntimeError(f"{checkout}: {result['errors']}")
    return result


def _spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=4)
    return f"quartiles {q[0]:.1f}/{q[2]:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a", type=Path, required=True, help="checkout A (the baseline)")
    parser.add_argument("--b", type=Path, required=True, help="checkout B (the change)")
    parser.add_argument("--sizes", default="38,10000", help="0 or 38 = the shipped seed")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=9, help="filter changes per worker")
    args = parser.parse_args(argv)
    sides = {"A": args.a.resolve(), "B": args.b.resolve()}
    for name, path in sides.items():
        if not (path / "bench" / "server_worker.py").is_file():
            parser.error(f"--{name.lower()} {path}: no bench/server_worker.py there")
    workdir = Path(tempfile.mkdtemp(prefix="krimpkaart-ab-server-"))
    started, load_start = time.time(), os.getloadavg()[0]
    for size in (int(x) for x in args.sizes.split(",")):
        store, count = synth.make_store(workdir / f"store-{size}.gpkg",
                                        0 if size == 38 else size)
        changes: dict[str, list[float]] = {"A": [], "B": []}
        cpu: dict[str, list[float]] = {"A": [], "B": []}
        phases: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
        for n in range(args.rounds):
            for name in (("A", "B") if n % 2 == 0 else ("B", "A")):
                result = worker(sides[name], store, args.runs)
                changes[name] += result["change_ms"]
                cpu[name] += result.get("change_cpu_ms", [])
                phases[name].append(result["phases_ms"])
            print(f"[{time.strftime('%H:%M:%S')}] {count} initiatives: round {n + 1}/"
                  f"{args.rounds} done", file=sys.stderr, flush=True)
        ma, mb = statistics.median(changes["A"]), statistics.median(changes["B"])
        print(f"{count:,} initiatives, {args.rounds} interleaved rounds of {args.runs} changes: "
              f"ms per change A median {ma:.1f} (n={len(changes['A'])}), B median {mb:.1f} "
              f"(n={len(changes['B'])}), B/A {mb / ma:.2f}")
        if cpu["A"] and cpu["B"]:
            ca, cb = statistics.median(cpu["A"]), statistics.median(cpu["B"])
            print(f"    CPU ms per change: A median {ca:.1f}, B median {cb:.1f}, B/A {cb / ca:.2f}"
                  f" (A {_spread(cpu['A'])}; B {_spread(cpu['B'])})")
        labels = dict.fromkeys(k for side in phases.values() for p in side for k in p)
        moved = []
        for label in labels:
            if label == TOTAL:
                continue
            a = statistics.median(p.get(label, 0.0) for p in phases["A"])
            b = statistics.median(p.get(label, 0.0) for p in phases["B"])
            moved.append((abs(b - a), label, a, b))
        for _, label, a, b in sorted(moved, reverse=True)[:6]:
            print(f"    {label}: A {a:.1f} ms, B {b:.1f} ms")
    print(f"A = {sides['A']}, B = {sides['B']}; {time.time() - started:.0f} s; load average "
          f"{load_start:.1f} -> {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
