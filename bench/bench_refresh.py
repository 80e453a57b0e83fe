"""What a new store version costs a worker: the page's frame read anew, or brought up to
date from the previous one (``query.refreshed_frame``), after one added initiative.

    .venv/bin/python bench/bench_refresh.py [--sizes 10000,100000] [--rounds 5]

Per size: a synthetic store (bench/synth.py), then per round one ``Store.add`` and the
CPU time of the full read (``initiatives_frame(columns())``) and of the refresh from the
frame before the addition (``query.read_frame``), interleaved; medians and the ratio.
Each call runs in a new thread, as every Streamlit script run does (pyproj's per-thread
set-up counts).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

from dashboard import query, store  # noqa: E402


def cpu(call):
    """CPU time of ``call()`` run in a new thread, and its result."""
    out = []
    start = time.process_time()
    thread = threading.Thread(target=lambda: out.append(call()))
    thread.start()
    thread.join()
    return time.process_time() - start, out[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {Path('/proc/loadavg').read_text().split()[0]}")
    print("size      full read ms  refresh ms  refresh/full")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            path, _ = synth.make_store(Path(tmp) / "s.gpkg", size)
            db = store.open_store(path)
            read = query.read_frame(db)
            full, fresh = [], []
            for number in range(args.rounds):
                record = synth.synthetic_records(1, seed=synth.SEED + 1000 + number)[0]
                db.add({**record, "id": f"bench-refresh-{number}"}, "bench")
                took_full, whole = cpu(lambda: query.initiatives_frame(db.columns()))  # noqa: B023
                took_fresh, read = cpu(lambda: query.read_frame(
                    db, read, clock=lambda: read.full_read_at))  # noqa: B023
                assert len(read.frame) == len(whole)
                full.append(took_full)
                fresh.append(took_fresh)
            a, b = statistics.median(full), statistics.median(fresh)
            print(f"{size:<8,}  {a * 1000:12.1f}  {b * 1000:10.1f}  {b / a:12.3f}")
    print(f"load average {Path('/proc/loadavg').read_text().split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
