"""What ``location_approximate`` costs: the one-off migration, imports without the column,
and the marker data the browser gets.

1. Opening a schema-1 store of --n synthetic records (migrated once, in one transaction)
   against opening the same store already at schema 2; interleaved, median of --runs.
2. ``plan_import`` of an --n row CSV with the column and without it (then the old rule,
   "the point is its municipality's centre", decides). Each in a fresh process, since
   the centres are computed once per process: "cold" is the first import in a process.
3. The packed marker array for --n points with and without the 8th entry.

    .venv/bin/python bench/bench_approximate.py [--n 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import make_store, synthetic_records

from dashboard import query, webmap
from dashboard.store import GeoPackageStore

HERE = Path(__file__).resolve().parent


def downgrade(path: Path) -> None:
    """Make ``path`` look like a store written by the schema-1 code."""
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("ALTER TABLE initiatieven DROP COLUMN location_approximate")
        conn.execute("UPDATE krimpkaart_meta SET schema_version = 1")
        rows = conn.execute("SELECT seq, after_json FROM krimpkaart_history").fetchall()
        for seq, after in rows:
            record = json.loads(after)
            record.pop("location_approximate", None)
            conn.execute("UPDATE krimpkaart_history SET after_json = ? WHERE seq = ?",
                         (json.dumps(record), seq))
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT schema_version FROM krimpkaart_meta").fetchone()[0] == 1


def bench_migration(n: int, runs: int, tmp: Path) -> None:
    current, count = make_store(tmp / "current.gpkg", n)
    store = GeoPackageStore(current)
    for record in store.list()[:200]:  # some history too, as a used store has
        store.update({**record, "summary": "edited"}, "bench")
    old = store.backup(tmp / "old.gpkg")  # one self-contained file (no -wal beside it)
    downgrade(old)
    migrate, plain = [], []
    for _ in range(runs):  # interleaved A/B on a shared machine
        work = tmp / "work.gpkg"
        shutil.copyfile(old, work)
        start = time.perf_counter()
        GeoPackageStore(work)
        migrate.append(time.perf_counter() - start)
        with closing(sqlite3.connect(work)) as conn:  # it did migrate
            assert conn.execute("SELECT schema_version FROM krimpkaart_meta").fetchone()[0] == 2
        start = time.perf_counter()
        GeoPackageStore(current)
        plain.append(time.perf_counter() - start)
    print(f"open a schema-1 store of {count} records + 200 history entries (migrates): "
          f"median {statistics.median(migrate):.2f} s  (runs: "
          + ", ".join(f"{t:.2f}" for t in migrate) + ")")
    print(f"open the same store at schema 2 (no migration):          "
          f"median {statistics.median(plain) * 1000:.1f} ms")


IMPORT_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from dashboard.tabular.importing import plan_import
data = open({path!r}, "rb").read()
for label in ("cold", "warm"):
    start = time.perf_counter()
    report = plan_import(data, "bench.csv", [])
    assert report.ok, [p.text("en") for p in report.problems[:3]]
    print(label, time.perf_counter() - start)
"""


def bench_import(n: int, runs: int, tmp: Path) -> None:
    from dashboard.tabular.writing import export_records

    records = synthetic_records(n)
    with_column = export_records([{**r, "location_approximate": False} for r in records], "csv")
    rows = list(csv.reader(io.StringIO(with_column.decode("utf-8-sig"))))
    drop = rows[0].index("location_approximate")
    out = io.StringIO()
    csv.writer(out).writerows([c for i, c in enumerate(row) if i != drop] for row in rows)
    files = {"with the column": tmp / "with.csv", "without (old rule)": tmp / "without.csv"}
    files["with the column"].write_bytes(with_column)
    files["without (old rule)"].write_text(out.getvalue(), encoding="utf-8")
    times: dict[str, dict[str, list[float]]] = {k: {"cold": [], "warm": []} for k in files}
    for _ in range(runs):
        for name, path in files.items():  # interleaved
            code = IMPORT_CHILD.format(root=str(HERE.parent), path=str(path))
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout
            for line in out.splitlines():
                label, seconds = line.split()
                times[name][label].append(float(seconds))
    for name, found in times.items():
        print(f"plan_import of {n} rows, {name:20s}: cold median "
              f"{statistics.median(found['cold']):.2f} s, warm median "
              f"{statistics.median(found['warm']):.2f} s")


def bench_markers(n: int) -> None:
    frame = query.initiatives_frame(synthetic_records(n))
    points = webmap.marker_points(frame, "nl")
    with_flag = webmap.pack_points(points)
    without = webmap.pack_points([p[:7] for p in points])
    size = len(with_flag) if isinstance(with_flag, str) else len(json.dumps(with_flag))
    before = len(without) if isinstance(without, str) else len(json.dumps(without))
    print(f"marker data for {len(points)} points: {before} -> {size} bytes "
          f"({(size - before) / len(points):+.2f} bytes per point)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bench_migration(args.n, args.runs, tmp)
        bench_import(args.n, args.runs, tmp)
    bench_markers(args.n)


if __name__ == "__main__":
    main()
