"""Time the map exports: median of 5 per preset and format, at seed size (or --n records).

Targets: slide PNG at 2x (slide2x) under 1 s, A4 at 300 dpi under 2 s. The first
call pays for reading and projecting the base layers once per process; it is
reported separately ("cold") and left out of the medians.

    .venv/bin/python bench/bench_export.py [--n 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import records as make_records

from dashboard import export, query
from dashboard.query import FilterState

CASES: list[tuple[str, int | None, str]] = [
    ("slide", None, "png"), ("slide2x", None, "png"), ("a4", 150, "png"), ("a4", 300, "png"),
    ("a4-landscape", 150, "png"),
    ("slide", None, "svg"), ("a4", None, "svg"),
    ("slide", None, "pdf"), ("a4", None, "pdf"),
]
TARGETS = {("slide2x", None, "png"): 1.0, ("a4", 300, "png"): 2.0}


def timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result): CPU time shows the cost on a busy machine."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - start, time.process_time() - cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=0, help="records (default: the seed)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    records = make_records(args.n)
    frame = query.initiatives_frame(records)
    state = FilterState()
    cold, _, _ = timed(lambda: export.render_static(frame, state, fmt="png", preset="slide"))
    print(f"{len(records)} records; cold first call {cold:.2f} s; medians of {args.runs}")
    print(f"{'preset':<14}{'dpi':>5} {'format':<7}{'wall s':>8}{'cpu s':>7}{'size':>9}  target")
    failed = False
    for preset, dpi, fmt in CASES:
        times, cpus, size = [], [], 0
        for _ in range(args.runs):
            seconds, cpu, data = timed(lambda p=preset, d=dpi, f=fmt: export.render_static(
                frame, state, fmt=f, preset=p, dpi=d, labels=True))
            times.append(seconds)
            cpus.append(cpu)
            size = len(data)  # type: ignore[arg-type]
        median = statistics.median(times)
        target = TARGETS.get((preset, dpi, fmt))
        verdict = "" if target is None else (f"< {target:g} s " +
                                             ("ok" if median < target else "MISSED"))
        failed |= bool(target and median >= target)
        print(f"{preset:<14}{dpi or '-':>5} {fmt:<7}{median:>8.2f}{statistics.median(cpus):>7.2f}"
              f"{size / 1024:>7.0f}kB  {verdict}")
    runs = [timed(lambda: export.export_html(frame, state)) for _ in range(args.runs)]
    print(f"{'html':<14}{'-':>5} {'html':<7}{statistics.median(r[0] for r in runs):>8.2f}"
          f"{statistics.median(r[1] for r in runs):>7.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
