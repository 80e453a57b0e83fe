"""Time ``krimpkaart import`` of a 1,000,000-row CSV into an empty store and into a store of
1,000,000, on a GeoPackage and on PostGIS: rows per second, peak memory, the machine's load.

Each import is the real command in a child process (``krimpkaart import FILE --store ...``);
its wall time and CPU time (user + system, its writer process's included) come from
``os.wait4``, its peak memory from sampling the resident memory of it and its writer
process (``store.import_process``) together;
for PostGIS also the server's CPU time (the throwaway cluster's postmaster and its
finished backends, from /proc), since there the database does much of the work.
The second import of a round goes into the store the first one filled (another file,
other names: nothing is a duplicate). Rounds interleave the backends (GeoPackage first,
then PostGIS first, ...) so a noisy shared machine hits both alike; with several rounds
the medians are printed. Beside each run: the 1-minute load average before and after it
and the CPU steal while it ran (/proc/stat), since this machine is shared.

PostgreSQL comes from a throwaway local cluster, durable (fsync and synchronous_commit
on, as tests/pgcluster.py makes it for benchmarks) unless ``--url`` names a database
to use (its store tables are dropped first!).

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--rounds 1] [--workdir /tmp/x]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import make_import  # noqa: E402

KRIMPKAART = Path(sys.executable).with_name("krimpkaart")
TARGET_ROWS_S = 20_000
TARGET_MB = 500


@dataclass
class Run:
    backend: str
    into: str  # "empty" or "1M"
    rows: int
    wall_s: float
    cpu_s: float
    peak_mb: float
    load_before: float
    load_after: float
    steal_pct: float
    exit_code: int
    server_cpu_s: float | None = None  # PostgreSQL's own CPU time (its processes), if known

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.wall_s

    @property
    def rows_per_cpu_s(self) -> float:
        return self.rows / self.cpu_s


def cpu_ticks() -> tuple[int, int]:
    """(all ticks, steal ticks) of the machine so far, from /proc/stat."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    return sum(values[:8]), values[7] if len(values) > 7 else 0


def server_cpu(cluster: object) -> float | None:
    """CPU seconds of the throwaway PostgreSQL server so far: the postmaster's own and its
    finished children's (each connection's backend adds its time there when it exits)."""
    if cluster is None:
        return None
    pid = (Path(cluster.root) / "data" / "postmaster.pid").read_text().split()[0]  # type: ignore[attr-defined]
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


class TreePeak:
    """The peak of the summed resident memory of a process and its descendants, sampled
    every 20 ms: the import writes from a child process, whose memory counts too (the
    importer's own ``ru_maxrss`` would miss it, and a child's counts the importer's pages
    it shared for a moment between fork and exec)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.mb = max(self.mb, sum(rss_kib(p) for p in descendants(self.pid)) / 1024)


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc's children lists)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def timed_import(path: Path, store: str, backend: str, into: str, rows: int,
                 cluster: object = None) -> Run:
    """Run ``krimpkaart import`` once; its wall time, CPU time and peak memory."""
    load_before = os.getloadavg()[0]
    server_0 = server_cpu(cluster)
    total_0, steal_0 = cpu_ticks()
    start = time.perf_counter()
    child = subprocess.Popen([str(KRIMPKAART), "import", str(path), "--store", store,
                              "--author", "bench", "--lang", "en"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert child.stdout is not None
    peak = TreePeak(child.pid)
    output = child.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    peak.stop()
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    total_1, steal_1 = cpu_ticks()
    if child.returncode != 0:
        print(output[-2000:], file=sys.stderr)
    server_1 = server_cpu(cluster)
    return Run(backend, into, rows, wall, usage.ru_utime + usage.ru_stime,
               max(peak.mb, usage.ru_maxrss / 1024), load_before, os.getloadavg()[0],
               100 * (steal_1 - steal_0) / max(total_1 - total_0, 1), child.returncode,
               None if server_0 is None or server_1 is None else server_1 - server_0)


def new_gpkg(workdir: Path, name: str) -> str:
    from dashboard.store import GeoPackageStore

    path = workdir / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    GeoPackageStore.create(path)
    return str(path)


def new_postgis(cluster: object, url: str | None) -> str:
    from dashboard.store.postgis import PostGISStore

    if url is None:
        url = cluster.new_database()  # type: ignore[attr-defined]
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS initiatieven, krimpkaart_history, "
                         "krimpkaart_tours, krimpkaart_meta, krimpkaart_schema, "
                         "krimpkaart_batches")
    PostGISStore.create(url).close()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the CSV files and GeoPackages go (default: a temp dir); "
                             "files already there are reused")
    parser.add_argument("--backends", nargs="+", default=["gpkg", "postgis"],
                        choices=["gpkg", "postgis"])
    parser.add_argument("--url", default=None, help="PostgreSQL database to use (default: a "
                        "throwaway local cluster)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-import-"))
    workdir.mkdir(parents=True, exist_ok=True)
    files = {}
    for into, start in (("empty", 1), ("1M", args.rows + 1)):
        path = workdir / f"import-{args.rows}-{start}.csv"
        if not path.exists():
            began = time.perf_counter()
            size = make_import.write(path, args.rows, start)
            print(f"made {path} ({size / 1e6:.0f} MB) in {time.perf_counter() - began:.0f} s",
                  flush=True)
        files[into] = path

    cluster = None
    if "postgis" in args.backends and args.url is None:
        from tests.pgcluster import Cluster, find_binaries

        bin_dir, why = find_binaries()
        if bin_dir is None:
            print(f"no PostgreSQL to benchmark: {why}", file=sys.stderr)
            return 1
        cluster = Cluster(bin_dir, durable=True).start()
    runs: list[Run] = []
    try:
        for n in range(args.rounds):
            order = args.backends if n % 2 == 0 else list(reversed(args.backends))
            stores = {b: new_gpkg(workdir, f"bench-{n}.gpkg") if b == "gpkg"
                      else new_postgis(cluster, args.url) for b in order}
            for into in ("empty", "1M"):
                for backend in order:
                    run = timed_import(files[into], stores[backend], backend, into, args.rows,
                                       cluster if backend == "postgis" else None)
                    runs.append(run)
                    server = ("" if run.server_cpu_s is None
                              else f"  server CPU {run.server_cpu_s:.1f} s")
                    print(f"round {n + 1}: {backend:<8} into {into:<6} "
                          f"{run.rows_per_s:>8,.0f} rows/s  {run.rows_per_cpu_s:>8,.0f} rows/CPU-s"
                          f"  {run.wall_s:6.1f} s  CPU {run.cpu_s:.1f} s{server}  peak "
                          f"{run.peak_mb:4.0f} MB  load {run.load_before:.1f}->"
                          f"{run.load_after:.1f}  steal {run.steal_pct:.1f}%  exit "
                          f"{run.exit_code}", flush=True)
            for backend in order:  # free the disk for the next round
                if backend == "gpkg":
                    for suffix in ("", "-wal", "-shm"):
                        Path(stores[backend] + suffix).unlink(missing_ok=True)
                elif cluster is not None:
                    cluster.drop_database(stores[backend])
    finally:
        if cluster is not None:
            cluster.stop()

    print()
    print(f"krimpkaart import of {args.rows:,} rows, {args.rounds} round(s), medians; "
          f"targets: >= {TARGET_ROWS_S:,} rows/s and < {TARGET_MB} MB")
    print(f"{'backend':<9}{'into':<7}{'rows/s':>9}{'rows/CPU-s':>12}{'wall s':>8}{'CPU s':>7}"
          f"{'server':>8}{'peak MB':>9}{'load':>6}{'steal':>7}  target")
    grouped: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        grouped[(run.backend, run.into)].append(run)
    for (backend, into), group in grouped.items():
        def med(attr: str, group: list[Run] = group) -> float:
            return statistics.median(getattr(r, attr) for r in group)
        met = med("rows_per_s") >= TARGET_ROWS_S and med("peak_mb") < TARGET_MB
        server = (f"{statistics.median(r.server_cpu_s for r in group):>8.1f}"  # type: ignore[type-var]
                  if all(r.server_cpu_s is not None for r in group) else f"{'-':>8}")
        print(f"{backend:<9}{into:<7}{med('rows_per_s'):>9,.0f}{med('rows_per_cpu_s'):>12,.0f}"
              f"{med('wall_s'):>8.1f}{med('cpu_s'):>7.1f}{server}{med('peak_mb'):>9.0f}"
              f"{med('load_before'):>6.1f}{med('steal_pct'):>6.1f}%  {'met' if met else 'MISSED'}"
              + ("" if all(r.exit_code == 0 for r in group) else "  (an import FAILED)"))
    return 0 if all(r.exit_code == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
