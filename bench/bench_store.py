"""Time the store's operations on both backends: GeoPackage and PostGIS, at 38 and 10,000 records.

add, update, get, list, version and history, plus add_many (an import of 100) and
the cost of a new PostgreSQL connection (what the PostGIS store's pool saves on every
call). Each round starts from the same N records (a reseed, not timed), reads
first, then writes. Both backends run durably (GeoPackage: WAL + synchronous=FULL; PostgreSQL:
fsync and synchronous_commit on), on the same disk. Rounds interleave the backends
(A B, B A, ...) so a noisy shared machine hits both alike; medians per call are printed.

PostgreSQL comes from a throwaway local cluster (as in the tests, tests/pgcluster.py)
unless ``--url`` names a database to use (its store tables are dropped first!).

    .venv/bin/python bench/bench_store.py [--sizes 38 10000] [--rounds 4] [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from synth import records as make_records

from dashboard.store import GeoPackageStore, PortableStore
from dashboard.store.postgis import PostGISStore

# operation -> calls per round
CALLS = {"version": 200, "get": 50, "list": 5, "history": 20, "add": 20, "update": 20,
         "add_many(100)": 2}


def timed_calls(fn: Callable[[int], object], n: int) -> list[float]:
    """Seconds per call of ``fn(i)`` for i in range(n)."""
    out = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - start)
    return out


def one_round(store: PortableStore, recs: list[dict], tag: str) -> dict[str, list[float]]:
    """Every operation its number of calls, on a store reset to ``recs`` first (not timed),
    so every round reads and writes a store of the same size."""
    store.reseed(recs)
    some = [r["id"] for r in store.list()[:50]]
    times: dict[str, list[float]] = {}
    times["version"] = timed_calls(lambda i: store.version(), CALLS["version"])
    times["get"] = timed_calls(lambda i: store.get(some[i % len(some)]), CALLS["get"])
    times["list"] = timed_calls(lambda i: store.list(), CALLS["list"])
    times["history"] = timed_calls(lambda i: store.history(), CALLS["history"])
    times["add"] = timed_calls(
        lambda i: store.add({"id": f"bench-{tag}-{i}", "name": f"Bench {i}", "lat": 52.0 + i / 1e4,
                             "lon": 5.0, "themes": ["wonen"]}, "bench"),
        CALLS["add"])
    current = {r: store.get(r) for r in some[:CALLS["update"]]}
    times["update"] = timed_calls(
        lambda i: store.update({**current[some[i]], "summary": f"round {tag}"}, "bench"),
        CALLS["update"])
    times["add_many(100)"] = timed_calls(
        lambda i: store.add_many([{"id": f"many-{tag}-{i}-{k}", "name": f"Many {k}",
                                   "lat": 52.5, "lon": 6.0} for k in range(100)], "bench"),
        CALLS["add_many(100)"])
    return times


def connect_cost(url: str, n: int = 20) -> list[float]:
    def connect(_: int) -> None:
        psycopg.connect(url, autocommit=True).close()
    return timed_calls(connect, n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[38, 10_000])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--url", default=None, help="PostgreSQL database to use (default: a "
                        "throwaway local cluster)")
    args = parser.parse_args()

    cluster = None
    if args.url is None:
        from tests.pgcluster import Cluster, find_binaries

        bin_dir, why = find_binaries()
        if bin_dir is None:
            print(f"no PostgreSQL to benchmark: {why}", file=sys.stderr)
            return 1
        cluster = Cluster(bin_dir, durable=True).start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-store-"))
    results: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    try:
        for size in args.sizes:
            recs = make_records(0 if size == 38 else size)
            url = args.url or cluster.new_database()  # type: ignore[union-attr]
            if args.url:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("DROP TABLE IF EXISTS initiatieven, krimpkaart_history, "
                                 "krimpkaart_tours, krimpkaart_meta, krimpkaart_schema")
            start = time.perf_counter()
            gpkg = GeoPackageStore.create(workdir / f"bench-{size}.gpkg", recs)
            made_gpkg = time.perf_counter() - start
            start = time.perf_counter()
            pg = PostGISStore.create(url, recs)
            made_pg = time.perf_counter() - start
            print(f"{len(recs)} records: created GeoPackage in {made_gpkg:.2f} s, "
                  f"PostGIS in {made_pg:.2f} s", flush=True)
            stores: dict[str, PortableStore] = {"gpkg": gpkg, "postgis": pg}
            for n in range(args.rounds):
                order = ["gpkg", "postgis"] if n % 2 == 0 else ["postgis", "gpkg"]
                for backend in order:
                    for op, secs in one_round(stores[backend], recs, f"{n}{backend}").items():
                        results[(len(recs), op, backend)] += secs
                results[(len(recs), "new connection", "postgis")] += connect_cost(url)
                print(f"  round {n + 1}/{args.rounds} done", flush=True)
            pg.close()
    finally:
        if cluster is not None:
            cluster.stop()

    print()
    print(f"median ms per call, {args.rounds} interleaved rounds; calls per round: "
          + ", ".join(f"{op} {n}" for op, n in CALLS.items()))
    print(f"{'records':>8}  {'operation':<15}{'GeoPackage':>11}{'PostGIS':>10}{'PG/GP':>7}")
    ops = [*CALLS, "new connection"]
    for size in sorted({k[0] for k in results}):
        for op in ops:
            gp = results.get((size, op, "gpkg"))
            pg_times = results.get((size, op, "postgis"))
            gp_ms = statistics.median(gp) * 1000 if gp else None
            pg_ms = statistics.median(pg_times) * 1000 if pg_times else None
            ratio = f"{pg_ms / gp_ms:7.2f}" if gp_ms and pg_ms else f"{'':7}"
            print(f"{size:>8,}  {op:<15}{_ms(gp_ms):>11}{_ms(pg_ms):>10}{ratio}")
    return 0


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}" if value < 100 else f"{value:.0f}"


if __name__ == "__main__":
    sys.exit(main())
